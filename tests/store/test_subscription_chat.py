"""Upgrading a database: existing subscriptions push to the user's private chat."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

from bot.core.groups import ANONYMOUS_ADMIN_ID
from bot.store.db import migrations, open_db, write_transaction
from bot.store.outbox import fan_out


def test_existing_subscriptions_push_to_the_private_chat_not_the_last_group(
    published_db: Path, tmp_path: Path
) -> None:
    path = tmp_path / "old.db"
    shutil.copy(published_db, path)
    old = open_db(path)
    old["subscriptions"].transform(drop={"chat_id"})  # as before the upgrade
    old.execute("DELETE FROM _sqlite_migrations WHERE name = 'm007_subscription_chat'")
    at = "2026-11-01T00:00:00+00:00"
    for user, last_chat in ((4242, -100999), (ANONYMOUS_ADMIN_ID, -100777)):
        old.execute(
            "INSERT INTO users (user_id, chat_id, created_at, updated_at) VALUES (?, ?, ?, ?)",
            [user, last_chat, at, at],
        )
        old.execute(
            "INSERT INTO subscriptions (user_id, code, region, mode, scope, status, status_reason,"
            " created_at, updated_at) VALUES (?, 'ML', '', 'immediate', 'major', 'active', '',"
            " ?, ?)",
            [user, at, at],
        )
    old.close()
    db = open_db(path)
    assert migrations.pending(db) == []
    rows = db.execute(
        "SELECT user_id, chat_id, status FROM subscriptions ORDER BY user_id"
    ).fetchall()
    assert rows == [(4242, 4242, "active"), (ANONYMOUS_ADMIN_ID, ANONYMOUS_ADMIN_ID, "ended")]
    with write_transaction(db):
        fan_out(db, event_id=1, code="ML", kind="level", at=at, today=dt.date(2026, 11, 24))
    deliveries = db.execute("SELECT user_id, chat_id FROM deliveries").fetchall()
    assert deliveries == [(4242, 4242)]
