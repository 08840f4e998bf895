"""The one rule for two versions of a government's advice (bot.core.official_dates), as the
sync, `vigie import` and `vigie data publish` all apply it: the later date wins; on the same
date the version arriving now wins if it differs; beyond tomorrow is refused."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from bot.core import callbacks as cb
from bot.core.model import Advisory, SourceAdvice
from bot.core.official_dates import block_to_keep
from bot.importers.common import ImportReport, _merge_one
from bot.store.publish import keep_newer_official
from bot.sync.apply import newer_block
from tests.conftest import DATA

TODAY = dt.date(2026, 11, 25)


def block(level: int, date: dt.date, url: str = "https://travel.state.gov/ml") -> SourceAdvice:
    return SourceAdvice("us-state", f"Level {level}", level, date, url)


def test_a_later_date_replaces_the_block() -> None:
    new = block(3, dt.date(2026, 11, 20))
    assert newer_block(block(4, dt.date(2026, 7, 1)), new, TODAY) == new


def test_an_older_block_never_replaces_what_we_hold() -> None:
    held = block(4, dt.date(2026, 11, 20))
    assert newer_block(held, block(3, dt.date(2026, 7, 1)), TODAY) is None


def test_on_the_same_date_a_different_version_replaces_and_the_same_one_is_nothing_new() -> None:
    held = block(4, dt.date(2026, 11, 20))
    correction = block(3, dt.date(2026, 11, 20))
    assert newer_block(held, correction, TODAY) == correction
    assert newer_block(held, held, TODAY) is None


def test_beyond_tomorrow_is_refused_and_tomorrow_counts_as_today() -> None:
    held = block(4, dt.date(2026, 7, 1))
    assert newer_block(held, block(1, dt.date(2099, 1, 1)), TODAY) is None
    assert newer_block(held, block(1, TODAY + dt.timedelta(days=2)), TODAY) is None
    tomorrow = newer_block(held, block(3, TODAY + dt.timedelta(days=1)), TODAY)
    assert tomorrow is not None and tomorrow.date == TODAY


def test_a_bogus_1970_date_is_news_only_if_the_level_changed() -> None:
    held = block(4, dt.date(2026, 7, 1))
    assert newer_block(held, block(4, dt.date(1970, 1, 1)), TODAY) is None
    changed = newer_block(held, block(3, dt.date(1970, 1, 1)), TODAY)
    assert changed is not None and changed.date == TODAY


def test_import_sync_and_publish_settle_a_same_day_correction_alike() -> None:
    """The three places two versions meet all take the version arriving now."""
    held = block(4, dt.date(2026, 11, 20))
    arriving = replace(held, level=3, label="Level 3")
    assert block_to_keep(held, arriving, TODAY) == arriving  # the sync
    in_db, in_file = Advisory("ML", sources=(held,)), Advisory("ML", sources=(arriving,))
    assert keep_newer_official(in_db, in_file).source("us-state") == arriving  # publish
    from bot.datafiles.files import read_levels

    info = read_levels(DATA)["us-state"]
    merged = _merge_one(in_db, arriving, info, TODAY, ImportReport())
    assert merged.source("us-state") == arriving  # vigie import
    older = replace(arriving, date=dt.date(2026, 11, 1))
    assert keep_newer_official(in_db, Advisory("ML", sources=(older,))).source("us-state") == held
    assert _merge_one(in_db, older, info, TODAY, ImportReport()).source("us-state") == held


def test_review_buttons_are_in_the_callback_grammar() -> None:
    data = cb.encode(cb.REVIEW, "NE", "follow", ref="17")
    assert cb.decode(data) == cb.Callback("rv", "NE", "", "follow", "17")
    assert cb.decode(cb.encode(cb.HELD, value="discard", ref="18")) == cb.Callback(
        "hr", "", "", "discard", "18"
    )
    assert cb.decode("rv:NE:drop") is None
    assert cb.decode("rv:ne:keep") is None
    assert cb.decode("hr:confirm:x") is None
