"""After one sync of the captures' formats for every destination: emergency numbers on file for
at least 95 % of the destinations the UK publishes, each right against its page (a wrong number
is worse than none), and health, entry and security texts wherever a government covers them."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from pathlib import Path

import pytest

from bot.datafiles.files import destination_path, read_destination, write_destination
from bot.store.advisories import load_advisories
from bot.store.db import open_db
from bot.store.publish import publish
from bot.sync import run_sync
from tests.conftest import DATA, TODAY
from tests.sync.conftest import NOW, FeedServer
from tests.sync.official_corpus import LAYOUTS, ca_corpus, serve, uk_corpus


@pytest.fixture(scope="module")
def corpus() -> list:
    return uk_corpus()


def _sync(db_path: Path, feed_server: FeedServer, files: dict[str, bytes], source: str) -> None:
    feed_server.files.update(files)
    db = open_db(db_path)
    try:
        report = run_sync(db, DATA, now=NOW, only=source, base_url=feed_server.url, backoff=0)
        assert not report.failed, report.summary()
    finally:
        db.close()


def test_uk_numbers_are_on_file_for_95_percent_and_none_is_wrong(
    db_path: Path, feed_server: FeedServer, corpus: list
) -> None:
    _sync(db_path, feed_server, serve(corpus), "uk-fcdo")
    db = open_db(db_path)
    published = load_advisories(db)
    db.close()
    right, wrong, missing = [], [], []
    for page in corpus:
        if page.code not in published:
            continue  # a destination Vigie does not publish
        uk = published[page.code].source("uk-fcdo")
        assert uk is not None and uk.date.isoformat() == "2026-11-20"
        got = {(n.service, n.number) for n in uk.emergency}
        if got and got == page.expected:
            right.append(page.code)
        elif got:
            wrong.append((page.code, page.layout, sorted(got), sorted(page.expected)))
        else:
            missing.append((page.code, page.layout))
    total = len(right) + len(wrong) + len(missing)
    assert total >= 200
    assert wrong == []
    assert len(right) / total >= 0.95, (len(right), total, Counter(m[1] for m in missing))
    # Only the layouts a careful reader must not guess from are left without numbers.
    assert {layout for _, layout in missing} <= {"prose"}
    assert {p.layout for p in corpus} == {layout.name for layout in LAYOUTS}


def test_health_entry_and_security_are_on_file_wherever_the_uk_and_canada_publish(
    db_path: Path, feed_server: FeedServer, corpus: list
) -> None:
    canada = ca_corpus()
    _sync(db_path, feed_server, serve(corpus), "uk-fcdo")
    _sync(db_path, feed_server, serve(corpus, canada), "ca-gac")
    db = open_db(db_path)
    published = load_advisories(db)
    db.close()
    checked = 0
    for page in corpus:
        advisory = published.get(page.code)
        if advisory is None:
            continue
        checked += 1
        uk, ca = advisory.source("uk-fcdo"), advisory.source("ca-gac")
        assert uk is not None and ca is not None
        for topic in ("health", "entry", "security"):
            assert uk.sections_on(topic, "en") and uk.sections_on(topic, "en")[0].text
            assert ca.sections_on(topic, "en") and ca.sections_on(topic, "fr")
        if page.capital:
            (office,) = uk.offices
            assert office.city == page.capital and office.name.startswith("British Embassy")
        assert [o.name_fr for o in ca.offices] == ["Ambassade du Canada à Bangkok"]
    assert checked >= 200


def test_a_block_held_without_texts_gains_them_from_the_same_page_on_the_same_date(
    real_data_dir: Path, tmp_path: Path, feed_server: FeedServer
) -> None:
    """What a server upgraded to this version sees: Kenya's GOV.UK block of 2026-10-07, published
    without sections; GOV.UK still serves that page, unchanged."""
    path = destination_path(real_data_dir, "KE")
    advisory, problems = read_destination(path, TODAY)
    assert advisory is not None and not problems
    old = [replace(s, sections=(), emergency=(), offices=()) for s in advisory.sources]
    write_destination(real_data_dir, replace(advisory, sources=tuple(old)))
    db = open_db(tmp_path / "vigie.db")
    publish(db, real_data_dir, who="tests", now=NOW)
    report = run_sync(db, DATA, now=NOW, only="uk-fcdo", base_url=feed_server.url, backoff=0)
    assert not report.failed, report.summary()
    kenya = load_advisories(db)["KE"].source("uk-fcdo")
    db.close()
    assert kenya is not None and kenya.date.isoformat() == "2026-10-07" and kenya.level == 2
    assert [(n.service, n.number) for n in kenya.emergency] == [("general", "999")]
    assert kenya.sections_on("health")
