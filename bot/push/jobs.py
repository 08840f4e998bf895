"""Scheduled push work: the daily digest and the end of trips."""

from __future__ import annotations

import datetime as dt

from sqlite_utils import Database

from bot.store.db import write_transaction
from bot.store.outbox import cancel_pending, enqueue_goodbye, release_digests
from bot.store.subscriptions import SubscriptionStatus, end_subscription


def end_trips(db: Database, today: dt.date, now: dt.datetime) -> int:
    """End the subscriptions whose end date has passed, each with a goodbye message."""
    at = now.isoformat(timespec="seconds")
    with write_transaction(db):
        rows = db.execute(
            "SELECT s.user_id, COALESCE(s.chat_id, s.user_id), s.code FROM subscriptions s"
            " WHERE s.status = ? AND s.until IS NOT NULL AND s.until != '' AND s.until < ?",
            [SubscriptionStatus.ACTIVE, today.isoformat()],
        ).fetchall()
        for user_id, chat_id, code in rows:
            end_subscription(db, user_id, code, "trip ended", at)
            cancel_pending(db, user_id, code, "trip ended")
            enqueue_goodbye(db, user_id=user_id, chat_id=chat_id, code=code, at=at)
    return len(rows)


def send_digests(db: Database, today: dt.date) -> int:
    """Queue today's digests: one message per subscriber with held changes."""
    with write_transaction(db):
        return release_digests(db, day=today)
