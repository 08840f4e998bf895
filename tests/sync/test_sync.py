"""`vigie sync` against the captures served on 127.0.0.1: all four sources imported, a level
change pushed once per subscriber, nothing new fetched conditionally, broken feeds refused."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from bot.cli import main
from bot.store.advisories import load_advisories, load_advisory
from bot.store.db import open_db
from bot.store.events import events_for
from bot.store.notices import unsent_notices
from bot.store.publish import export, publish
from bot.store.sync_state import last_checks as load_checks
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


def sync(
    db_path: Path, server: FeedServer, now: dt.datetime = NOW, only: str | None = None
) -> None:
    run_sync(open_db(db_path), DATA, now=now, only=only, base_url=server.url, backoff=0)


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
    sync(db_path, feed_server, only="us-state")
    agent = feed_server.requests_to(US)[0].headers["user-agent"]
    assert agent.startswith("Vigie/") and "+" in agent


def test_level_change_reaches_each_subscriber_once_in_their_language(
    synced_path: Path, feed_server: FeedServer
) -> None:
    db_path = synced_path
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
    synced_path: Path, feed_server: FeedServer
) -> None:
    db_path = synced_path
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
    synced_path: Path, feed_server: FeedServer
) -> None:
    db_path = synced_path
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
    sync(db_path, feed_server, only="us-state")
    assert [s.status for s in feed_server.requests_to(US)] == [503, 502, 200]
    db = open_db(db_path)
    assert load_advisories(db)["SA"].source("us-state").level == 3  # type: ignore[union-attr]


# --- broken feeds ------------------------------------------------------------------------------

HTML_ERROR = b"<!DOCTYPE html><html><head><title>503 Service Unavailable</title></head></html>"


def _broken(server: FeedServer, path: str, kind: str) -> bytes:
    body = server.files[path]
    if kind == "html":
        return HTML_ERROR
    if kind == "truncated":
        return body[: len(body) // 2]
    if kind == "other-source":
        return server.files[AU if path != AU else US]
    if kind == "short-index":  # an index of 30 countries where about 200 are expected
        index = json.loads(body)
        if path == CA_INDEX:
            index["data"] = dict(list(index["data"].items())[:30])
        else:
            index["links"]["children"] = index["links"]["children"][:30]
        return json.dumps(index).encode()
    if kind == "country-file":  # a single-country file where the index is expected
        return server.files[ca_path("TH") if path == CA_INDEX else f"{UK_INDEX}/kenya"]
    raise AssertionError(kind)


BROKEN = [
    (source, path, kind)
    for source, path in (
        ("us-state", US),
        ("au-dfat", AU),
        ("ca-gac", CA_INDEX),
        ("uk-fcdo", UK_INDEX),
    )
    for kind in ("html", "truncated", "other-source")
] + [
    (source, path, kind)
    for source, path in (("ca-gac", CA_INDEX), ("uk-fcdo", UK_INDEX))
    for kind in ("short-index", "country-file")
]


@pytest.mark.parametrize(("source", "path", "kind"), BROKEN)
def test_broken_feed_is_refused_recorded_and_the_data_kept(
    synced_path: Path, feed_server: FeedServer, source: str, path: str, kind: str
) -> None:
    db_path = synced_path
    db = open_db(db_path)
    before = load_advisories(db)
    if path in (CA_INDEX, UK_INDEX):  # the country files changed too: none may be applied
        change_canada(feed_server, "TH", state=3, when="November 22, 2026 10:00 EST")
    feed_server.files[path] = _broken(feed_server, path, kind)
    result = vigie(db_path, feed_server, "sync", "--source", source)
    assert result.exit_code != 0
    assert f"{source}: FAILED" in result.output
    assert load_advisories(db) == before
    status = vigie(db_path, feed_server, "sync", "status").output
    block = status.split(f"{source}:", 1)[1].split("\n", 4)
    assert "last success 2026-11-25T09:00:00+00:00" in block[0]
    assert "FAILING since" in status and "last error" in status


def test_a_source_failing_for_a_day_is_told_to_the_maintainers_once(
    synced_path: Path, feed_server: FeedServer
) -> None:
    db_path = synced_path
    feed_server.files[US] = HTML_ERROR
    db = open_db(db_path)
    for hours in (3, 20, 28, 31):
        sync(db_path, feed_server, NOW + dt.timedelta(hours=hours))
    notices = unsent_notices(db)
    assert [(n.kind, n.params["source"]) for n in notices] == [("failing", "us-state")]
    assert notices[0].params["since"] == "2026-11-25T12:00:00+00:00"
    assert load_checks(db)["us-state"] == NOW  # the last success stays the last success


# --- the files and the database ------------------------------------------------------------------


def test_publishing_older_files_does_not_undo_a_newer_sync(
    synced_path: Path, feed_server: FeedServer, real_data_dir: Path
) -> None:
    db_path = synced_path
    change_canada(feed_server, "TH", state=2, when="November 20, 2026 10:00 EST")
    sync(db_path, feed_server, NOW + dt.timedelta(hours=3))
    db = open_db(db_path)
    publish(db, real_data_dir, who="git pull", now=NOW + dt.timedelta(hours=4))
    thailand = load_advisory(db, "TH")
    assert thailand is not None and thailand.level == 3
    assert thailand.source("ca-gac").date == dt.date(2026, 11, 20)  # type: ignore[union-attr]
    kenya = load_advisory(db, "KE")
    assert kenya is not None and kenya.source("uk-fcdo") is not None  # not in the files yet


def test_a_file_with_the_same_date_wins_over_the_database(
    synced_path: Path, feed_server: FeedServer, real_data_dir: Path
) -> None:
    db_path = synced_path
    db = open_db(db_path)
    export(db, real_data_dir)
    path = real_data_dir / "destinations" / "SA.toml"
    text = path.read_text(encoding="utf-8")
    assert (
        'url = "https://travel.state.gov/content/tsg_aem/us/en/home/international-travel/travel-advisories/destination.sau.html"'
        in text
    )
    path.write_text(
        text.replace("destination.sau.html", "destination.sau.html#corrected"), encoding="utf-8"
    )
    publish(db, real_data_dir, who="maintainer", now=NOW + dt.timedelta(hours=1))
    saudi = load_advisory(db, "SA")
    assert saudi is not None and saudi.source("us-state").url.endswith("#corrected")  # type: ignore[union-attr]


def test_export_writes_the_synced_blocks_to_the_files(
    synced_path: Path, feed_server: FeedServer, real_data_dir: Path
) -> None:
    db_path = synced_path
    result = CliRunner().invoke(
        main, ["--db", str(db_path), "--data-dir", str(real_data_dir), "data", "export"]
    )
    assert result.exit_code == 0, result.output
    kenya = (real_data_dir / "destinations" / "KE.toml").read_text(encoding="utf-8")
    assert 'source = "ca-gac"' in kenya and 'source = "uk-fcdo"' in kenya
    assert "2026-10-07" in kenya
    check = CliRunner().invoke(main, ["--data-dir", str(real_data_dir), "data", "check"])
    assert check.exit_code == 0, check.output


def test_the_card_says_when_vigie_last_checked_the_officials(synced_path: Path) -> None:
    from bot.core.answer import respond_to_text
    from bot.core.reply import UserState
    from bot.knowledge import KnowledgeCache

    knowledge = KnowledgeCache(open_db(synced_path), DATA).get()
    assert set(knowledge.checked) == {"us-state", "ca-gac", "uk-fcdo", "au-dfat"}
    reply = respond_to_text(
        "is Thailand safe?", UserState(lang="en"), knowledge, telegram_lang="en", now=NOW
    )
    assert "Vigie last checked these governments for changes on" in reply.text
    assert NOW.strftime("%H:%M") in reply.text
