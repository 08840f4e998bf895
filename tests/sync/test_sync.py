"""`vigie sync` against the captures served on 127.0.0.1: all four sources imported, a level
change pushed once per subscriber, nothing new fetched conditionally, broken feeds refused."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from click.testing import CliRunner, Result

from bot.cli import main
from bot.store.advisories import load_advisories, load_advisory
from bot.store.db import open_db
from bot.store.events import events_for
from bot.sync import run_sync
from tests.conftest import DATA
from tests.e2e.test_push import subscribe

from .conftest import AU, CA_INDEX, NOW, UK_INDEX, US, FeedServer, ca_path, change_canada


def vigie(db_path: Path, server: FeedServer, *args: str) -> Result:
    """The `vigie` command, its sources on the local server."""
    return CliRunner().invoke(
        main,
        ["--db", str(db_path), "--data-dir", str(DATA), *args],
        env={"VIGIE_SYNC_BASE_URL": server.url, "VIGIE_DB": str(db_path)},
    )


def sync(db_path: Path, server: FeedServer, now: dt.datetime = NOW) -> None:
    run_sync(open_db(db_path), DATA, now=now, base_url=server.url, backoff=0)


def test_sync_imports_all_four_sources(db_path: Path, feed_server: FeedServer) -> None:
    result = vigie(db_path, feed_server, "sync")
    assert result.exit_code == 0, result.output
    db = open_db(db_path)
    kenya = load_advisory(db, "KE")
    assert kenya is not None
    canada, uk = kenya.source("ca-gac"), kenya.source("uk-fcdo")
    assert canada is not None and (canada.level, canada.date) == (2, dt.date(2026, 10, 7))
    assert uk is not None and uk.date == dt.date(2026, 10, 7)
    saudi = load_advisory(db, "SA")
    assert saudi is not None and saudi.source("us-state").level == 3  # type: ignore[union-attr]
    status = vigie(db_path, feed_server, "sync", "status")
    assert status.exit_code == 0
    for source in ("us-state", "ca-gac", "uk-fcdo", "au-dfat"):
        line = next(x for x in status.output.splitlines() if x.startswith(source))
        assert "last success 2026" in line or "last success" in line
        assert "never" not in line
    assert "FAILING" not in status.output
    au_line = next(x for x in status.output.splitlines() if x.startswith("au-dfat"))
    assert int(au_line.split(", ")[1].split()[0]) > 150


def test_requests_name_vigie_and_a_contact(db_path: Path, feed_server: FeedServer) -> None:
    sync(db_path, feed_server)
    agent = feed_server.requests_to(US)[0].headers["user-agent"]
    assert agent.startswith("Vigie/") and "+" in agent


def test_level_change_reaches_each_subscriber_once_in_their_language(
    db_path: Path, feed_server: FeedServer
) -> None:
    sync(db_path, feed_server)
    db = open_db(db_path)
    subscribe(db, [10_001, 10_002], "TH", lang="en")
    subscribe(db, [20_001], "TH", lang="fr")
    subscribe(db, [30_001], "KE", lang="en")
    before = len(events_for(db))
    change_canada(feed_server, "TH", state=2, when="November 20, 2026 10:00 EST")
    sync(db_path, feed_server, NOW + dt.timedelta(hours=3))
    [event] = events_for(db)[before:]
    assert (event.code, event.kind, event.old_level, event.new_level) == ("TH", "level", 2, 3)
    assert "Government of Canada raised its advice for Thailand from level 2 to 3" in event.note.en
    assert "Thaïlande\u00a0: Gouvernement du Canada a relevé son niveau de 2 à 3" in event.note.fr
    rows = db.execute(
        "SELECT user_id, count(*) FROM deliveries WHERE event_id = ? GROUP BY user_id",
        [event.id],
    ).fetchall()
    assert sorted(rows) == [(10_001, 1), (10_002, 1), (20_001, 1)]
    thailand = load_advisory(db, "TH")
    assert thailand is not None and thailand.change_note is None  # the maintainers' own, untouched


def test_second_sync_with_nothing_new_is_conditional_and_sends_nothing(
    db_path: Path, feed_server: FeedServer
) -> None:
    sync(db_path, feed_server)
    db = open_db(db_path)
    events, deliveries = len(events_for(db)), db.execute("SELECT count(*) FROM deliveries")
    deliveries_before = deliveries.fetchone()[0]
    first = len(feed_server.seen)
    sync(db_path, feed_server, NOW + dt.timedelta(hours=3))
    second = feed_server.seen[first:]
    assert sorted(s.path for s in second) == sorted([US, AU, CA_INDEX, UK_INDEX])
    for seen in second:
        assert seen.headers.get("if-none-match") and seen.headers.get("if-modified-since")
        assert seen.status == 304
    assert len(events_for(db)) == events
    assert db.execute("SELECT count(*) FROM deliveries").fetchone()[0] == deliveries_before


def test_only_the_countries_whose_index_date_changed_are_fetched(
    db_path: Path, feed_server: FeedServer
) -> None:
    sync(db_path, feed_server)
    first = len(feed_server.seen)
    change_canada(feed_server, "KE", state=1, when="November 21, 2026 09:00 EST")
    sync(db_path, feed_server, NOW + dt.timedelta(hours=3))
    paths = [s.path for s in feed_server.seen[first:]]
    assert ca_path("KE") in paths
    assert [p for p in paths if p.startswith("/travel-voyage/cta-cap-")] == [ca_path("KE")]
    kenya = load_advisory(open_db(db_path), "KE")
    assert kenya is not None and kenya.source("ca-gac").date == dt.date(2026, 11, 21)  # type: ignore[union-attr]


def test_a_transient_server_error_is_retried(db_path: Path, feed_server: FeedServer) -> None:
    feed_server.failures[US] = [503, 502]
    sync(db_path, feed_server)
    assert [s.status for s in feed_server.requests_to(US)] == [503, 502, 200]
    db = open_db(db_path)
    assert load_advisories(db)["SA"].source("us-state").level == 3  # type: ignore[union-attr]
