"""Subscriptions as the push sender sees them: who follows what, paused and resumed."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from sqlite_utils import Database


class SubscriptionStatus(StrEnum):
    """Whether a subscription is delivered."""

    ACTIVE = "active"
    PAUSED = "paused"  # the user blocked the bot or the chat is gone, until they write /start
    ENDED = "ended"  # unsubscribed, or the trip is over


def resume_paused(db: Database, user_id: int, now: dt.datetime) -> int:
    """Resume a user's paused subscriptions (they wrote /start again); return how many."""
    cursor = db.execute(
        "UPDATE subscriptions SET status = ?, status_reason = '', updated_at = ?"
        " WHERE user_id = ? AND status = ?",
        [
            SubscriptionStatus.ACTIVE,
            now.isoformat(timespec="seconds"),
            user_id,
            SubscriptionStatus.PAUSED,
        ],
    )
    return cursor.rowcount


def pause_user(db: Database, user_id: int, reason: str, now: dt.datetime) -> int:
    """Pause every active subscription of a user (blocked the bot, chat gone)."""
    cursor = db.execute(
        "UPDATE subscriptions SET status = ?, status_reason = ?, updated_at = ?"
        " WHERE user_id = ? AND status = ?",
        [
            SubscriptionStatus.PAUSED,
            reason,
            now.isoformat(timespec="seconds"),
            user_id,
            SubscriptionStatus.ACTIVE,
        ],
    )
    return cursor.rowcount


def end_subscription(db: Database, user_id: int, code: str, reason: str, at: str) -> None:
    """End a subscription (unsubscribed, trip over), inside the caller's transaction."""
    db.execute(
        "UPDATE subscriptions SET status = ?, status_reason = ?, updated_at = ?"
        " WHERE user_id = ? AND code = ?",
        [SubscriptionStatus.ENDED, reason, at, user_id, code],
    )
