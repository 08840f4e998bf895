"""`vigie push status` and `vigie push retry`."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import time
from dataclasses import asdict
from pathlib import Path

from click.testing import CliRunner

from bot.cli import main
from bot.core.model import Text
from bot.push.sender import HEARTBEAT_KEY, Heartbeat
from bot.store.db import open_db, set_meta, write_transaction
from bot.store.events import record_event
from bot.store.outbox import mark_failed


def test_status_counts_and_retry_requeues_failed(tmp_path: Path, published_db: Path) -> None:
    path = tmp_path / "v.db"
    shutil.copy(published_db, path)
    db = open_db(path)
    with write_transaction(db):
        for user in (1, 2, 3):
            db.execute(
                "INSERT INTO users (user_id, chat_id, lang) VALUES (?, ?, 'en')", [user, user]
            )
            db.execute(
                "INSERT INTO subscriptions (user_id, code, region, mode, scope, status)"
                " VALUES (?, 'NE', '', 'immediate', 'major', 'active')",
                [user],
            )
        event = record_event(
            db,
            code="NE",
            kind="level",
            at=dt.datetime(2026, 11, 24, tzinfo=dt.UTC).isoformat(),
            old_level=3,
            new_level=4,
            note=Text("Up.", "Relevé."),
            changes=["level"],
            publish_id=None,
            origin="publish",
        )
    ids = [r[0] for r in db.execute("SELECT id FROM deliveries WHERE event_id = ?", [event])]
    mark_failed(db, ids[:1], reason="400 Message is too long")
    runner = CliRunner()
    status = runner.invoke(main, ["--db", str(path), "push", "status"])
    assert status.exit_code == 0
    line = next(row for row in status.output.splitlines() if row.strip().startswith(str(event)))
    assert line.split()[-7:] == ["0", "2", "0", "0", "0", "0", "1"]
    assert "failed: 1 × 400 Message is too long" in status.output
    retry = runner.invoke(main, ["--db", str(path), "push", "retry"])
    assert "Re-queued 1 failed deliveries." in retry.output
    queued = db.execute("SELECT count(*) FROM deliveries WHERE status = 'queued'").fetchone()[0]
    assert queued == 3


def test_status_shows_what_the_sender_is_doing(tmp_path: Path, published_db: Path) -> None:
    path = tmp_path / "v.db"
    shutil.copy(published_db, path)
    runner = CliRunner()
    never = runner.invoke(main, ["--db", str(path), "push", "status"])
    assert "sender: has not run on this database" in never.output
    db = open_db(path)
    now = time.time()
    beat = Heartbeat(
        state="backing off",
        beat_at=now - 42,
        since=now - 50,
        sent=7,
        last_error="database is locked",
        error_at=now - 43,
    )
    set_meta(db, HEARTBEAT_KEY, json.dumps(asdict(beat)))
    status = runner.invoke(main, ["--db", str(path), "push", "status"])
    line = status.output.splitlines()[-1]
    assert line.startswith("sender: backing off since ") and "last beat 42 s ago" in line
    assert "7 sent since start" in line and "database is locked" in line
