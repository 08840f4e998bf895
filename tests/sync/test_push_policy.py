"""What a push is for: a headline level that moves, a government changing its own level, a new
alert. A re-issue, reworded text or sections, a source added at the same level go to the history
and the daily digest only."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path

from bot.core.diff import diff_advisories, event_kind
from bot.core.model import Advisory, EmergencyNumber, OfficialSection, SourceAdvice
from bot.store.advisories import load_advisories
from bot.store.db import open_db
from bot.store.events import events_for
from bot.store.publish import history_of
from bot.sync import run_sync
from tests.conftest import DATA
from tests.e2e.test_push import subscribe

from .conftest import NOW, FeedServer, change_us

US = SourceAdvice("us-state", "Level 2", 2, dt.date(2026, 11, 1), "https://travel.state.gov/x")
UK = replace(US, source="uk-fcdo", level=3, url="https://www.gov.uk/x")


def kind(old: Advisory, new: Advisory) -> str | None:
    return event_kind(diff_advisories(old, new))


def test_only_a_level_makes_an_official_update_a_push() -> None:
    before = Advisory("KE", sources=(US, UK))
    reissued = replace(US, date=dt.date(2026, 11, 20))
    reworded = replace(US, summary="New words", risks=("crime",), regions=())
    sections = replace(
        US,
        sections=(OfficialSection("health", "Health", "Vaccinations: …"),),
        emergency=(EmergencyNumber("police", "999"),),
    )
    for quiet in (reissued, reworded, sections):
        assert kind(before, Advisory("KE", sources=(quiet, UK))) is None
    assert kind(Advisory("KE", sources=(UK,)), before) is None  # a source added at level 2 < 3
    assert kind(before, Advisory("KE", sources=(replace(US, level=3), UK))) == "update"
    assert kind(before, Advisory("KE", sources=(replace(US, level=4), UK))) == "level"


def deliveries(db_path: Path, user: int) -> list[tuple[str, str]]:
    rows = (
        open_db(db_path)
        .execute("SELECT batch, status FROM deliveries WHERE user_id = ?", [user])
        .fetchall()
    )
    return [tuple(r) for r in rows]


def test_a_reissue_at_the_same_level_pushes_no_one_and_waits_for_the_digest(
    synced_path: Path, feed_server: FeedServer
) -> None:
    db = open_db(synced_path)
    subscribe(db, [10_001], "SA", lang="en")
    subscribe(db, [10_002], "SA", lang="en", mode="digest")
    change_us(feed_server, "Saudi Arabia", level=3, date="Tue, 24 Nov 2026")
    run_sync(db, DATA, now=NOW + dt.timedelta(hours=1), base_url=feed_server.url, backoff=0)
    assert load_advisories(db)["SA"].source("us-state").date == dt.date(2026, 11, 24)  # type: ignore[union-attr]
    assert deliveries(synced_path, 10_001) == []
    assert deliveries(synced_path, 10_002) == [("digest", "held")]
    assert history_of(db, "SA")[0]["kind"] == "source_date"
    [event] = events_for(db, "SA")[-1:]
    assert "updated its advice for Saudi Arabia" in event.note.en


def test_a_government_changing_its_own_level_is_pushed_though_the_headline_stays(
    synced_path: Path, feed_server: FeedServer
) -> None:
    db = open_db(synced_path)
    saudi = load_advisories(db)["SA"]
    assert saudi.curated_level is None and saudi.level == 3
    assert any(s.level == 3 and s.source != "us-state" for s in saudi.sources)
    subscribe(db, [10_001], "SA", lang="en")
    change_us(feed_server, "Saudi Arabia", level=2, date="Tue, 24 Nov 2026")
    run_sync(db, DATA, now=NOW + dt.timedelta(hours=1), base_url=feed_server.url, backoff=0)
    assert load_advisories(db)["SA"].level == 3
    assert deliveries(synced_path, 10_001) == [("SA", "queued")]
    [event] = events_for(db, "SA")[-1:]
    assert event.kind == "update"
    assert "lowered its advice for Saudi Arabia from level 3 to 2" in event.note.en
