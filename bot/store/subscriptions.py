"""Subscriptions as the push sender sees them: who follows what, paused and resumed."""

from __future__ import annotations

import datetime as dt

from sqlite_utils import Database


def resume_paused(db: Database, user_id: int, now: dt.datetime) -> int:
    """Resume a user's paused subscriptions (they wrote /start again); return how many."""
    cursor = db.execute(
        "UPDATE subscriptions SET status = 'active', status_reason = '', updated_at = ?"
        " WHERE user_id = ? AND status = 'paused'",
        [now.isoformat(timespec="seconds"), user_id],
    )
    return cursor.rowcount


def pause_user(db: Database, user_id: int, reason: str, now: dt.datetime) -> int:
    """Pause every active subscription of a user (blocked the bot, chat gone)."""
    cursor = db.execute(
        "UPDATE subscriptions SET status = 'paused', status_reason = ?, updated_at = ?"
        " WHERE user_id = ? AND status = 'active'",
        [reason, now.isoformat(timespec="seconds"), user_id],
    )
    return cursor.rowcount
