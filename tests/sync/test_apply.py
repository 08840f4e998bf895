"""Which official block a sync keeps: the later date wins; never an older or same-day one."""

from __future__ import annotations

import datetime as dt

from bot.core import callbacks as cb
from bot.core.model import SourceAdvice
from bot.sync.apply import newer_block

TODAY = dt.date(2026, 11, 25)


def block(level: int, date: dt.date) -> SourceAdvice:
    return SourceAdvice("us-state", f"Level {level}", level, date, "https://example.org/ml")


def test_a_later_date_replaces_the_block() -> None:
    new = block(3, dt.date(2026, 11, 20))
    assert newer_block(block(4, dt.date(2026, 7, 1)), new, TODAY) == new


def test_an_older_or_same_day_block_never_replaces_what_we_hold() -> None:
    held = block(4, dt.date(2026, 11, 20))
    assert newer_block(held, block(3, dt.date(2026, 7, 1)), TODAY) is None
    assert newer_block(held, block(3, dt.date(2026, 11, 20)), TODAY) is None


def test_a_bogus_1970_date_is_news_only_if_the_level_changed() -> None:
    held = block(4, dt.date(2026, 7, 1))
    assert newer_block(held, block(4, dt.date(1970, 1, 1)), TODAY) is None
    changed = newer_block(held, block(3, dt.date(1970, 1, 1)), TODAY)
    assert changed is not None and changed.date == TODAY


def test_review_buttons_are_in_the_callback_grammar() -> None:
    assert cb.decode(cb.encode(cb.REVIEW, "NE", "follow")) == cb.Callback("rv", "NE", "", "follow")
    assert cb.decode("rv:NE:drop") is None
    assert cb.decode("rv:ne:keep") is None
