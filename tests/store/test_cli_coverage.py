"""`vigie data coverage`: what Vigie holds per destination and topic, where its numbers come from,
and which curated files to review first, on a real SQLite file (and on a fresh clone)."""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import replace
from pathlib import Path

from click.testing import CliRunner

from bot.cli import main
from bot.core.model import CuratedLevel, Text
from bot.datafiles.files import destination_path, read_destination, write_destination
from bot.store.db import open_db
from bot.store.publish import publish

NOW = dt.datetime(2026, 11, 24, 9, 0, tzinfo=dt.UTC)


def _edit(data_dir: Path, code: str, **changes: object) -> None:
    advisory, problems = read_destination(destination_path(data_dir, code), NOW.date())
    assert advisory is not None and not problems
    write_destination(data_dir, replace(advisory, **changes))  # type: ignore[arg-type]


def _subscribe(db_path: Path, code: str, users: int) -> None:
    db = open_db(db_path)
    start = db.execute("SELECT COUNT(*) FROM subscriptions").fetchone()[0]
    for i in range(users):
        db["subscriptions"].insert(
            {
                "user_id": 1000 + start + i,
                "code": code,
                "mode": "immediate",
                "scope": "level",
                "status": "active",
                "created_at": NOW.isoformat(),
                "updated_at": NOW.isoformat(),
            }
        )
    db.close()


def _coverage(data_dir: Path, db_path: Path, *args: str) -> str:
    result = CliRunner().invoke(
        main, ["--data-dir", str(data_dir), "--db", str(db_path), "data", "coverage", *args]
    )
    assert result.exit_code == 0, result.output
    return result.output


def _published(data_dir: Path, tmp_path: Path) -> Path:
    db_path = tmp_path / "vigie.db"
    db = open_db(db_path)
    publish(db, data_dir, who="tests", now=NOW)
    db.close()
    return db_path


def _row(output: str, code: str) -> str:
    return next(line for line in output.split("\n") if line.startswith(f"{code} "))


def test_each_destination_shows_curated_official_or_nothing_per_topic(
    real_data_dir: Path, tmp_path: Path
) -> None:
    output = _coverage(real_data_dir, _published(real_data_dir, tmp_path))
    header = output.split("\n")[1]
    assert re.split(r"\s{2,}", header) == [
        *("code", "security", "health", "entry", "laws", "disasters", "help", "emergency")
    ]
    # Kenya: no curated text; GOV.UK's parts and Canada's security section, with their age.
    kenya = re.split(r"\s{2,}", _row(output, "KE"))
    age = (dt.datetime.now(dt.UTC).date() - dt.date(2026, 10, 7)).days
    assert kenya[1] == f"CA {age}d UK {age}d"
    assert kenya[2] == f"UK {age}d" and kenya[4] == "-" and kenya[-1] == "UK"
    # Mali: curated text and curated numbers, no official text held yet.
    mali = re.split(r"\s{2,}", _row(output, "ML"))
    assert mali[1] == "C" and mali[-1] == "C"
    assert re.split(r"\s{2,}", _row(output, "ZA"))[1:] == ["-"] * 7
    assert "emergency numbers from: curated 14, UK 5; none: 199" in output


def test_review_first_puts_disagreement_then_subscribers_then_the_oldest_review(
    real_data_dir: Path, tmp_path: Path
) -> None:
    # Haiti's curated level says 2 while every government says 4; Haiti's curated police
    # number is not GOV.UK's.
    _edit(
        real_data_dir,
        "HT",
        curated_level=CuratedLevel(2, Text("Calmer.", "Plus calme.")),
        emergency={"police": "114"},
    )
    _edit(real_data_dir, "YE", reviewed=dt.date(2024, 1, 1))  # the oldest review
    db_path = _published(real_data_dir, tmp_path)
    _subscribe(db_path, "NE", 3)
    _subscribe(db_path, "ML", 1)
    output = _coverage(real_data_dir, db_path)
    review = output.split("Review first")[1].split("\n")[1:]
    assert review[0].startswith("  HT  0 subscriber(s)")
    assert "disagrees: level: curated 2, officials US 4, CA 4, UK 4, AU 4" in review[1]
    assert "disagrees: police: curated 114, officials UK 122" in review[2]
    assert review[3].startswith("  NE  3 subscriber(s)")
    assert review[4].startswith("  ML  1 subscriber(s)")
    assert review[5].startswith("  YE  0 subscriber(s), reviewed 2024-01-01")


def test_json_report_for_scripts(real_data_dir: Path, tmp_path: Path) -> None:
    report = json.loads(_coverage(real_data_dir, _published(real_data_dir, tmp_path), "--json"))
    by_code = {row["code"]: row for row in report["destinations"]}
    assert len(by_code) == 218
    mexico = by_code["MX"]
    assert mexico["topics"]["health"]["status"] == "official"
    assert [o["source"] for o in mexico["topics"]["security"]["officials"]] == ["ca-gac", "uk-fcdo"]
    assert mexico["emergency"] == ["uk-fcdo"]
    assert by_code["ML"]["topics"]["security"]["status"] == "curated"
    assert {r["code"] for r in report["review_first"]} >= {"ML", "HT", "UA"}


def test_a_fresh_clone_without_a_database_reads_the_files(
    real_data_dir: Path, tmp_path: Path
) -> None:
    missing = tmp_path / "none" / "vigie.db"
    output = _coverage(real_data_dir, missing)
    assert "no database yet: subscribers unknown" in output
    assert _row(output, "KE").split()[-1] == "UK"  # GOV.UK's numbers, read from data/
    assert not missing.exists()


def test_canadas_french_and_the_us_summary_are_shown_where_held(
    real_data_dir: Path, tmp_path: Path
) -> None:
    from bot.importers import ca_gac, us_state
    from tests.conftest import shared_file

    thailand = ca_gac.parse_country(
        shared_file("feeds/derived/ca/cta-cap-th-full.json").read_bytes()
    ).advice
    advisory, _ = read_destination(destination_path(real_data_dir, "TH"), NOW.date())
    assert advisory is not None
    others = tuple(s for s in advisory.sources if s.source != "ca-gac")
    _edit(real_data_dir, "TH", sources=(thailand, *others))
    feed = us_state.parse_feed(shared_file("feeds/us-state-dept_2025-10-07.xml").read_bytes())
    (south_africa,) = [e.advice for e in feed.entries if e.codes == ("ZA",)]
    _edit(real_data_dir, "ZA", sources=(south_africa,))
    output = _coverage(real_data_dir, _published(real_data_dir, tmp_path))
    today = dt.datetime.now(dt.UTC).date()
    th = re.split(r"\s{2,}", _row(output, "TH"))
    assert th[2] == f"CA+fr {(today - thailand.date).days}d"  # health, in French too
    assert th[-1] == "CA"  # Canada's "Emergency services": 191, 1669, 199, 1155
    za = re.split(r"\s{2,}", _row(output, "ZA"))
    assert za[1] == f"US {(today - south_africa.date).days}d" and za[2] == "-"
