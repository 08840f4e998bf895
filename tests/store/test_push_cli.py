"""`vigie push status` and `vigie push retry`."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

from click.testing import CliRunner

from bot.cli import main
from bot.core.model import Text
from bot.store.db import open_db, write_transaction
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
