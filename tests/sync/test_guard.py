"""What a sync publishes by itself and what waits for a maintainer, attacked with feeds a broken
or hostile server would send (on 127.0.0.1): many headlines at once, a level 4 lowered to 1, a
format we no longer read, a date in 2099, a same-day correction, a restore in one command, a
first sync that sets the baseline, one transaction for the publish and its bookkeeping."""

from __future__ import annotations

import datetime as dt
import json
import re
import sqlite3
from pathlib import Path

from click.testing import CliRunner

from bot.cli import main
from bot.core.answer import respond_to_text
from bot.core.reply import UserState
from bot.knowledge import KnowledgeCache
from bot.store.advisories import load_advisories, load_advisory
from bot.store.db import open_db
from bot.store.events import events_for
from bot.store.notices import unsent_notices
from bot.store.publish import history_of
from bot.store.sync_state import open_held, source_states
from bot.sync import run_sync
from bot.sync.run import HOLD_HEADLINES, SyncReport
from tests.conftest import DATA
from tests.e2e.test_push import subscribe

from .conftest import NOW, US, FeedServer, ca_path, change_us

LATER = NOW + dt.timedelta(hours=1)
TODAY_RSS = "Wed, 25 Nov 2026"


def sync(db_path: Path, server: FeedServer, now: dt.datetime = LATER, **kw: str) -> SyncReport:
    return run_sync(open_db(db_path), DATA, now=now, base_url=server.url, backoff=0, **kw)  # type: ignore[arg-type]


def deliveries(db_path: Path) -> int:
    return int(open_db(db_path).execute("SELECT count(*) FROM deliveries").fetchone()[0])


def every_us_item_at_level_1(server: FeedServer) -> None:
    text = server.files[US].decode()
    text = re.sub(r"Level [1-4]: [A-Za-z ]+?(?=<)", "Level 1: Exercise Normal Precautions", text)
    text = re.sub(r"<pubDate>[^<]*</pubDate>", f"<pubDate>{TODAY_RSS}</pubDate>", text)
    server.files[US] = text.encode()


def test_a_feed_moving_many_headlines_is_held_asked_once_and_pushes_nothing(
    synced_path: Path, feed_server: FeedServer
) -> None:
    db = open_db(synced_path)
    subscribe(db, [10_001], "AF", lang="en")
    subscribe(db, [10_001], "ML", lang="en")
    before, events = load_advisories(db), len(events_for(db))
    every_us_item_at_level_1(feed_server)
    report = sync(synced_path, feed_server)
    [held] = report.held_runs
    assert held.source == "us-state" and "headline levels at once" in held.hold
    assert load_advisories(db) == before
    assert len(events_for(db)) == events and deliveries(synced_path) == 0
    sync(synced_path, feed_server, LATER + dt.timedelta(hours=1))  # the same feed again
    [notice] = [n for n in unsent_notices(db) if n.kind == "held"]
    assert notice.params["source"] == "us-state"
    assert notice.params["headlines"] > HOLD_HEADLINES
    assert "lowers level 4 to 1 for AF" in notice.params["why"]
    status = CliRunner().invoke(
        main, ["--db", str(synced_path), "--data-dir", str(DATA), "sync", "status"]
    )
    assert "WAITING FOR A MAINTAINER" in status.output


def test_lowering_a_level_4_destination_to_1_is_held(
    synced_path: Path, feed_server: FeedServer
) -> None:
    change_us(feed_server, "Mali", level=1, date=TODAY_RSS)
    report = sync(synced_path, feed_server)
    [held] = report.held_runs
    assert "lowers level 4 to 1 for ML" in held.hold
    mali = load_advisory(open_db(synced_path), "ML")
    assert mali is not None and mali.source("us-state").level == 4  # type: ignore[union-attr]


def test_a_feed_whose_titles_we_no_longer_read_fails_and_is_told_at_once(
    synced_path: Path, feed_server: FeedServer
) -> None:
    feed_server.files[US] = feed_server.files[US].replace(b" - Level ", b" | Tier ")
    report = sync(synced_path, feed_server)
    [failed] = report.failed
    assert failed.source == "us-state" and "imported nothing" in failed.error
    [told] = [n for n in unsent_notices(open_db(synced_path)) if n.kind == "failing"]
    assert told.params["source"] == "us-state"
    assert source_states(open_db(synced_path))["us-state"].failing_since is not None


def test_a_date_beyond_tomorrow_is_refused_and_later_updates_still_land(
    synced_path: Path, feed_server: FeedServer
) -> None:
    change_us(feed_server, "Saudi Arabia", level=2, date="Thu, 01 Jan 2099")
    report = sync(synced_path, feed_server)
    [us] = [r for r in report.runs if r.source == "us-state"]
    assert any("2099-01-01, beyond tomorrow" in line for line in us.held)
    saudi = load_advisory(open_db(synced_path), "SA")
    assert saudi is not None and saudi.source("us-state").level == 3  # type: ignore[union-attr]
    change_us(feed_server, "Saudi Arabia", level=2, date="Fri, 27 Nov 2026")
    sync(synced_path, feed_server, NOW + dt.timedelta(days=2))
    saudi = load_advisory(open_db(synced_path), "SA")
    assert saudi is not None and saudi.source("us-state").level == 2  # type: ignore[union-attr]


def test_a_same_day_correction_replaces_the_earlier_one(
    synced_path: Path, feed_server: FeedServer
) -> None:
    change_us(feed_server, "Saudi Arabia", level=2, date=TODAY_RSS)
    sync(synced_path, feed_server)
    change_us(feed_server, "Saudi Arabia", level=3, date=TODAY_RSS)  # the government corrects
    sync(synced_path, feed_server, LATER + dt.timedelta(hours=1))
    saudi = load_advisory(open_db(synced_path), "SA")
    assert saudi is not None
    us = saudi.source("us-state")
    assert us is not None and (us.level, us.date) == (3, dt.date(2026, 11, 25))


def test_restore_puts_back_a_sources_previous_state_and_the_same_feed_does_not_undo_it(
    synced_path: Path, feed_server: FeedServer
) -> None:
    old = load_advisory(open_db(synced_path), "SA").source("us-state")  # type: ignore[union-attr]
    change_us(feed_server, "Saudi Arabia", level=2, date=TODAY_RSS)
    sync(synced_path, feed_server)
    restore = CliRunner().invoke(
        main,
        ["--db", str(synced_path), "--data-dir", str(DATA), "sync", "restore", "us-state"],
    )
    assert restore.exit_code == 0, restore.output
    assert "restored 1 destination(s)" in restore.output
    assert load_advisory(open_db(synced_path), "SA").source("us-state") == old  # type: ignore[union-attr]
    sync(synced_path, feed_server, LATER + dt.timedelta(hours=1))  # the feed still says 2
    assert load_advisory(open_db(synced_path), "SA").source("us-state") == old  # type: ignore[union-attr]


def test_a_new_deployments_first_sync_sets_the_baseline_and_pushes_nothing(
    db_path: Path, feed_server: FeedServer
) -> None:
    db = open_db(db_path)
    codes = sorted(load_advisories(db))
    subscribe(db, [10_001], codes[0], lang="en")
    for code in codes[1:]:
        subscribe(db, [10_001], code, lang="en")
    report = sync(db_path, feed_server, NOW)
    assert not report.failed and len(report.changed) > 50
    moved = [c for c in report.changed if any(h["kind"] == "level" for h in history_of(db, c))]
    assert moved  # headlines did move: they are history, not pushes
    assert deliveries(db_path) == 0 and events_for(db) == []


def test_a_failure_between_publish_and_bookkeeping_loses_nothing_and_is_recorded(
    synced_path: Path, feed_server: FeedServer
) -> None:
    db = open_db(synced_path)
    subscribe(db, [10_001], "NE", lang="en")
    change_us(feed_server, "Niger", level=3, date=TODAY_RSS)  # curated 4: a review is owed
    conn = sqlite3.connect(synced_path)
    conn.execute(
        "CREATE TRIGGER fail BEFORE INSERT ON notices BEGIN SELECT RAISE(ABORT, 'disk I/O'); END"
    )
    conn.commit()
    before = load_advisories(db)
    report = sync(synced_path, feed_server)
    assert report.failed and "could not be saved" in report.failed[0].error
    assert load_advisories(db) == before and deliveries(synced_path) == 0
    assert "could not be saved" in source_states(db)["us-state"].last_error
    conn.execute("DROP TRIGGER fail")
    conn.commit()
    sync(synced_path, feed_server, LATER + dt.timedelta(hours=1))
    assert [n.params["code"] for n in unsent_notices(db) if n.kind == "review"] == ["NE"]
    assert deliveries(synced_path) == 1


def test_a_link_off_the_governments_own_host_is_never_shown(
    synced_path: Path, feed_server: FeedServer
) -> None:
    evil = "https://travel.state.gov.evil.example/content/travel/destination.mli.html"
    change_us(feed_server, "Mali", level=4, date=TODAY_RSS)
    text = feed_server.files[US].decode()
    start = text.index("<title>Mali - Level")
    text = text[:start] + re.sub(
        r"<link>[^<]*</link>", f"<link>{evil}</link>", text[start:], count=1
    )
    feed_server.files[US] = text.encode()
    sync(synced_path, feed_server)
    knowledge = KnowledgeCache(open_db(synced_path), DATA).get()
    mali = knowledge.advisories["ML"].source("us-state")
    assert mali is not None and mali.url.startswith("https://travel.state.gov/")
    assert mali.date == dt.date(2026, 11, 25)
    card = respond_to_text(
        "is Mali safe?", UserState(lang="en"), knowledge, telegram_lang="en", now=LATER
    )
    assert "evil" not in card.text


def test_the_same_old_style_us_item_twice_takes_the_more_severe_whatever_the_order(
    synced_path: Path, feed_server: FeedServer
) -> None:
    text = feed_server.files[US].decode()
    start = text.index("<item>", text.index("<title>Saudi Arabia - Level") - 200)
    end = text.index("</item>", start) + len("</item>")
    item = re.sub(
        r"<link>[^<]*</link>",
        "<link>https://travel.state.gov/content/travel/en/traveladvisories/traveladvisories/saudi-arabia-travel-advisory.html</link>",
        text[start:end],
    )
    item = re.sub(r"<pubDate>[^<]*</pubDate>", f"<pubDate>{TODAY_RSS}</pubDate>", item)
    two = item.replace("Level 3: Reconsider Travel", "Level 2: Exercise Increased Caution")
    four = item.replace("Level 3: Reconsider Travel", "Level 4: Do Not Travel")
    for order in ((two, four), (four, two)):
        feed_server.files[US] = (text[:start] + order[0] + order[1] + text[end:]).encode()
        report = sync(synced_path, feed_server)
        saudi = load_advisory(open_db(synced_path), "SA")
        assert saudi is not None and saudi.source("us-state").level == 4  # type: ignore[union-attr]
        [us] = [r for r in report.runs if r.source == "us-state"]
        assert any(line.startswith("SA listed 2 times") for line in us.held)


def test_a_5000_character_region_name_never_pushes_other_governments_off_the_card(
    db_path: Path, feed_server: FeedServer
) -> None:
    page = json.loads(feed_server.files[ca_path("NE")])
    eng = page["data"]["eng"]
    eng["advisories"] = eng["advisories"].replace("Thailand-Cambodia border", "Zinder " * 720)
    feed_server.files[ca_path("NE")] = json.dumps(page).encode()
    sync(db_path, feed_server, NOW)
    knowledge = KnowledgeCache(open_db(db_path), DATA).get()
    canada = knowledge.advisories["NE"].source("ca-gac")
    assert canada is not None and canada.regions
    assert max(len(a) for r in canada.regions for a in r.areas) <= 201
    card = respond_to_text(
        "is Niger safe?", UserState(lang="en"), knowledge, telegram_lang="en", now=NOW
    )
    for government in ("U.S. Department of State", "Government of Canada", "UK Foreign"):
        assert government in card.text
    assert len(card.text) < 4096
    assert open_held(open_db(db_path)) == []


def test_a_broken_country_file_fails_alone_and_the_other_countries_land(
    synced_path: Path, feed_server: FeedServer
) -> None:
    from .conftest import change_canada

    change_canada(feed_server, "KE", state=0, when="November 24, 2026 09:00 EST")
    change_canada(feed_server, "TH", state=2, when="November 24, 2026 09:00 EST")
    feed_server.files[ca_path("TH")] = b"<!DOCTYPE html><html><body>502</body></html>"
    report = sync(synced_path, feed_server, only="ca-gac")
    [failed] = report.failed
    assert failed.error.startswith("1 of ") and "th:" in failed.error
    db = open_db(synced_path)
    kenya, thailand = load_advisory(db, "KE"), load_advisory(db, "TH")
    assert kenya is not None and kenya.source("ca-gac").level == 1  # type: ignore[union-attr]
    assert thailand is not None and thailand.source("ca-gac").level == 2  # type: ignore[union-attr]
    assert source_states(db)["ca-gac"].failing_since is not None
