"""`vigie data publish / diff / export / history`: all or nothing, history, change events."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.cli import main
from bot.core.model import Alert, Text
from bot.datafiles.files import DataError, read_destination
from bot.store.advisories import load_advisories, load_advisory, save_advisory
from bot.store.db import open_db
from bot.store.events import events_for
from bot.store.publish import export, history_of, plan_publish, publish
from tests.conftest import TODAY
from tests.datafiles.test_check import GOOD

NOW = dt.datetime(2026, 11, 24, 9, 0, tzinfo=dt.UTC)


def write(data_dir: Path, code: str, text: str) -> Path:
    path = data_dir / "destinations" / f"{code}.toml"
    path.write_text(text, encoding="utf-8")
    return path


def niger(level: int = 3) -> str:
    return GOOD.replace('"ML"', '"NE"').replace(
        "[curated_level]\nlevel = 4\n", f"[curated_level]\nlevel = {level}\n"
    )


@pytest.fixture
def db(tmp_path: Path):  # type: ignore[no-untyped-def]
    return open_db(tmp_path / "vigie.db")


def db_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_first_publish_imports_every_file_without_events(data_dir: Path, db) -> None:  # type: ignore[no-untyped-def]
    write(data_dir, "ML", GOOD)
    write(data_dir, "NE", niger())
    report = publish(db, data_dir, who="ana", now=NOW)
    assert sorted(load_advisories(db)) == ["ML", "NE"]
    assert load_advisory(db, "NE").level == 3  # type: ignore[union-attr]
    assert report.events == 0
    assert history_of(db, "ML")[0]["who"] == "ana"


def test_broken_file_leaves_the_database_untouched(data_dir: Path, db, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    write(data_dir, "ML", GOOD)
    publish(db, data_dir, who="ana", now=NOW)
    db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    before = {c: load_advisory(db, c) for c in ["ML"]}
    write(
        data_dir,
        "ML",
        GOOD.replace("level = 4", "level = 3", 1) + "\n[change_note]\nen = 'x'\nfr = 'y'\n",
    )
    write(data_dir, "NE", niger().replace("level = 3", "level = 7", 1))
    with pytest.raises(DataError) as error:
        publish(db, data_dir, who="ana", now=NOW)
    assert error.value.problems[0].file.name == "NE.toml"
    assert error.value.problems[0].line == 4
    assert {c: load_advisory(db, c) for c in ["ML"]} == before
    assert load_advisory(db, "NE") is None
    assert db.execute("SELECT count(*) FROM publishes").fetchone()[0] == 1


def test_export_then_publish_changes_nothing(real_data_dir: Path, db) -> None:  # type: ignore[no-untyped-def]
    publish(db, real_data_dir, who="ana", now=NOW)
    count = db.execute("SELECT count(*) FROM destinations").fetchone()[0]
    assert count >= 3
    export(db, real_data_dir)
    assert plan_publish(db, real_data_dir, TODAY) == []
    report = publish(db, real_data_dir, who="ana", now=NOW)
    assert report.plans == [] and report.events == 0


def test_export_writes_files_that_read_back_equal(real_data_dir: Path, db) -> None:  # type: ignore[no-untyped-def]
    publish(db, real_data_dir, who="ana", now=NOW)
    published = load_advisories(db)
    for path in (real_data_dir / "destinations").glob("*.toml"):
        path.unlink()
    export(db, real_data_dir)
    for code, advisory in published.items():
        again, problems = read_destination(real_data_dir / "destinations" / f"{code}.toml", TODAY)
        assert problems == [] and again == advisory


def test_level_change_produces_a_change_event(data_dir: Path, db) -> None:  # type: ignore[no-untyped-def]
    write(data_dir, "NE", niger(3))
    publish(db, data_dir, who="ana", now=NOW)
    note = (
        '\n[change_note]\nen = "Raised to 4 after the kidnapping."\n'
        'fr = "Relevé à 4 après l’enlèvement."\n'
    )
    write(data_dir, "NE", niger(4) + note)
    report = publish(db, data_dir, who="bob", now=NOW)
    assert report.events == 1
    [event] = events_for(db, "NE")
    assert (event.kind, event.old_level, event.new_level) == ("level", 3, 4)
    assert event.note.fr == "Relevé à 4 après l’enlèvement."
    history = history_of(db, "NE")
    assert history[0]["who"] == "bob" and history[0]["major"] == 1


def test_typo_fix_makes_no_change_event(data_dir: Path, db) -> None:  # type: ignore[no-untyped-def]
    write(data_dir, "ML", GOOD)
    publish(db, data_dir, who="ana", now=NOW)
    write(data_dir, "ML", GOOD.replace("Leave now by", "Leave now, by"))
    report = publish(db, data_dir, who="ana", now=NOW)
    assert report.events == 0
    assert events_for(db, "ML") == []
    assert history_of(db, "ML")[0]["major"] == 0


def test_major_change_without_a_change_note_is_refused(data_dir: Path, db) -> None:  # type: ignore[no-untyped-def]
    write(data_dir, "NE", niger(3))
    publish(db, data_dir, who="ana", now=NOW)
    write(data_dir, "NE", niger(4))
    with pytest.raises(DataError, match="change_note"):
        publish(db, data_dir, who="ana", now=NOW)
    assert load_advisory(db, "NE").level == 3  # type: ignore[union-attr]


def test_a_used_change_note_cannot_be_reused(data_dir: Path, db) -> None:  # type: ignore[no-untyped-def]
    note = '\n[change_note]\nen = "Changed."\nfr = "Changé."\n'
    write(data_dir, "NE", niger(3))
    publish(db, data_dir, who="ana", now=NOW)
    write(data_dir, "NE", niger(4) + note)
    publish(db, data_dir, who="ana", now=NOW)
    write(data_dir, "NE", niger(2) + note)
    with pytest.raises(DataError, match="change_note"):
        publish(db, data_dir, who="ana", now=NOW)


def test_new_alert_is_an_event_carrying_its_own_text(data_dir: Path, db) -> None:  # type: ignore[no-untyped-def]
    write(data_dir, "ML", GOOD)
    publish(db, data_dir, who="ana", now=NOW)
    alert = (
        '\n[[alerts]]\nid = "airport"\ndate = 2025-11-02\nseverity = "warning"\n'
        'en = "Airport road closed."\nfr = "Route de l’aéroport fermée."\n'
    )
    write(data_dir, "ML", GOOD.replace("[[sources]]", alert.lstrip("\n") + "\n[[sources]]"))
    report = publish(db, data_dir, who="ana", now=NOW)
    [event] = events_for(db, "ML")
    assert report.events == 1 and event.kind == "alert"
    assert event.note.en == "Airport road closed."


def add_telegram_curfew(db) -> None:  # type: ignore[no-untyped-def]
    """An alert a maintainer sent from Telegram: in the database, not (yet) in the file."""
    current = load_advisory(db, "ML")
    assert current is not None
    urgent = Alert(
        "tg-1", dt.date(2026, 11, 24), "critical", Text("Curfew.", "Couvre-feu."), origin="telegram"
    )
    save_advisory(db, replace(current, alerts=(*current.alerts, urgent)), at="x", last_note="")


def test_telegram_alert_survives_publish_and_is_exported(data_dir: Path, db) -> None:  # type: ignore[no-untyped-def]
    write(data_dir, "ML", GOOD)
    publish(db, data_dir, who="ana", now=NOW)
    add_telegram_curfew(db)
    publish(db, data_dir, who="ana", now=NOW)
    assert any(a.id == "tg-1" for a in load_advisory(db, "ML").alerts)  # type: ignore[union-attr]
    export(db, data_dir)
    text = (data_dir / "destinations" / "ML.toml").read_text()
    assert 'origin = "telegram"' in text and "Couvre-feu." in text


def test_deleted_file_is_refused_unless_allowed(data_dir: Path, db) -> None:  # type: ignore[no-untyped-def]
    write(data_dir, "ML", GOOD)
    write(data_dir, "NE", niger())
    publish(db, data_dir, who="ana", now=NOW)
    (data_dir / "destinations" / "NE.toml").unlink()
    with pytest.raises(DataError, match="allow-remove"):
        publish(db, data_dir, who="ana", now=NOW)
    publish(db, data_dir, who="ana", now=NOW, allow_remove=True)
    assert load_advisory(db, "NE") is None


def test_if_stale_skips_unchanged_files(data_dir: Path, db) -> None:  # type: ignore[no-untyped-def]
    write(data_dir, "ML", GOOD)
    assert not publish(db, data_dir, who="a", now=NOW, if_stale=True).skipped
    assert publish(db, data_dir, who="a", now=NOW, if_stale=True).skipped


def test_cli_diff_marks_major_and_minor(data_dir: Path, tmp_path: Path) -> None:
    write(data_dir, "NE", niger(3))
    runner = CliRunner()
    args = ["--data-dir", str(data_dir), "--db", str(tmp_path / "v.db")]
    assert runner.invoke(main, [*args, "data", "publish", "--who", "t"]).exit_code == 0
    write(data_dir, "NE", niger(4).replace("Leave now by", "Leave now, by"))
    result = runner.invoke(main, [*args, "data", "diff"])
    assert "MAJOR  headline level raised from 3 to 4" in result.output
    assert "minor  alert fuel edited" in result.output
    assert result.exit_code != 0  # no change note yet: a publish would be refused
    assert "change_note" in result.output


def test_cli_show_json_gives_level_and_sources(real_data_dir: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    args = ["--data-dir", str(real_data_dir), "--db", str(tmp_path / "v.db")]
    assert runner.invoke(main, [*args, "data", "publish"]).exit_code == 0
    result = runner.invoke(main, [*args, "show", "ML", "--json"])
    assert result.exit_code == 0, result.output
    import json

    mali = json.loads(result.output.splitlines()[0])
    assert mali["country"] == "ML" and mali["level"] == 4
    assert {"source", "level", "label", "date", "url"} <= set(mali["sources"][0])


def test_exported_telegram_alert_deleted_from_the_file_stays_deleted(data_dir: Path, db) -> None:  # type: ignore[no-untyped-def]
    write(data_dir, "ML", GOOD)
    publish(db, data_dir, who="ana", now=NOW)
    add_telegram_curfew(db)
    export(db, data_dir)
    write(data_dir, "ML", GOOD)  # the maintainer removes the alert from the file
    publish(db, data_dir, who="ana", now=NOW)
    assert [a.id for a in load_advisory(db, "ML").alerts] == ["fuel"]  # type: ignore[union-attr]
