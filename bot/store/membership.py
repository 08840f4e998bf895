"""What Telegram's membership changes do to subscriptions: a user who blocks the bot is paused,
one who unblocks it resumed; a group that removes the bot stops following anything."""

from __future__ import annotations

import datetime as dt

from sqlite_utils import Database

from bot.store.db import write_transaction
from bot.store.outbox import CANCELLED, HELD, PAUSED, QUEUED
from bot.store.subscriptions import SubscriptionStatus, pause_user, resume_paused

BLOCKED = "blocked the bot"
REMOVED = "bot removed from the group"


def _iso(now: dt.datetime) -> str:
    return now.isoformat(timespec="seconds")


def pause_blocked(db: Database, user_id: int, now: dt.datetime) -> int:
    """The user blocked the bot: their subscriptions and the pushes waiting for them are paused
    (nothing new is queued for them); return how many subscriptions."""
    with write_transaction(db):
        db.execute(
            "UPDATE deliveries SET status = ?, reason = ? WHERE user_id = ? AND status IN (?, ?)",
            [PAUSED, BLOCKED, user_id, QUEUED, HELD],
        )
        return pause_user(db, user_id, BLOCKED, now)


def resume_unblocked(db: Database, user_id: int, now: dt.datetime) -> list[str]:
    """The user unblocked the bot: their paused subscriptions are active again; return their
    codes. What changed meanwhile is not sent late (the pushes stay paused)."""
    with write_transaction(db):
        rows = db.execute(
            "SELECT code FROM subscriptions WHERE user_id = ? AND status = ? ORDER BY id",
            [user_id, SubscriptionStatus.PAUSED],
        ).fetchall()
        resume_paused(db, user_id, now)
    return [code for (code,) in rows]


def end_group(db: Database, chat_id: int, now: dt.datetime) -> int:
    """The bot was removed from a group: the group's subscriptions end and what was waiting
    for it is cancelled; return how many subscriptions ended."""
    with write_transaction(db):
        cursor = db.execute(
            "UPDATE subscriptions SET status = ?, status_reason = ?, updated_at = ?"
            " WHERE (user_id = ? OR chat_id = ?) AND status != ?",
            [
                SubscriptionStatus.ENDED,
                REMOVED,
                _iso(now),
                chat_id,
                chat_id,
                SubscriptionStatus.ENDED,
            ],
        )
        db.execute(
            "UPDATE deliveries SET status = ?, reason = ? WHERE user_id = ? AND status IN (?, ?)",
            [CANCELLED, REMOVED, chat_id, QUEUED, HELD],
        )
        return cursor.rowcount
