"""Users' conversation state and subscriptions, and carrying out the core's actions."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from sqlite_utils import Database

from bot.core.reply import Action, Mode, Scope, Subscription, UserState
from bot.store.db import write_transaction
from bot.store.outbox import cancel_pending
from bot.store.subscriptions import SubscriptionStatus, end_subscription
from bot.store.unmatched import forget_unmatched


def _iso(value: dt.datetime | None) -> str | None:
    return value.isoformat(timespec="seconds") if value else None


def load_state(db: Database, user_id: int) -> UserState:
    """The conversation state of `user_id` (a fresh one for a new user)."""
    row = db.execute(
        "SELECT lang, last_country, last_region, pending_intent, pending_at FROM users"
        " WHERE user_id = ?",
        [user_id],
    ).fetchone()
    subscriptions = subscriptions_of(db, user_id)
    if row is None:
        return UserState(subscriptions=subscriptions)
    lang, country, region, intent, pending_at = row
    return UserState(
        lang=lang or None,
        last_country=country or None,
        last_region=region or None,
        pending_intent=intent or None,
        pending_at=dt.datetime.fromisoformat(pending_at) if pending_at else None,
        subscriptions=subscriptions,
    )


def subscriptions_of(db: Database, user_id: int) -> tuple[Subscription, ...]:
    """The user's active subscriptions, in the order they were made."""
    rows = db.execute(
        "SELECT code, region, mode, scope, until FROM subscriptions"
        " WHERE user_id = ? AND status = ? ORDER BY id",
        [user_id, SubscriptionStatus.ACTIVE],
    ).fetchall()
    return tuple(
        Subscription(
            code,
            region or "",
            Mode(mode),
            Scope(scope),
            dt.date.fromisoformat(until) if until else None,
        )
        for code, region, mode, scope, until in rows
    )


def save_turn(
    db: Database,
    user_id: int,
    *,
    chat_id: int,
    state: UserState,
    reply_lang: str,
    actions: Iterable[Action],
    now: dt.datetime,
) -> None:
    """Store the new state and carry out the reply's actions, in one transaction. `user_id` is
    whose state and subscriptions these are (in a group: the group's chat id, see
    bot/core/chats.py); `chat_id` the chat of this turn, where new subscriptions push to."""
    at = _iso(now)
    with write_transaction(db):
        if any(a.kind == "forget" for a in actions):
            forget_user(db, user_id)
            return
        db.execute(
            "INSERT INTO users (user_id, chat_id, lang, reply_lang, last_country, last_region,"
            " pending_intent, pending_at, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?)"
            " ON CONFLICT(user_id) DO UPDATE SET chat_id = excluded.chat_id, lang = excluded.lang,"
            " reply_lang = excluded.reply_lang, last_country = excluded.last_country,"
            " last_region = excluded.last_region, pending_intent = excluded.pending_intent,"
            " pending_at = excluded.pending_at, updated_at = excluded.updated_at",
            [
                user_id,
                chat_id,
                state.lang,
                reply_lang,
                state.last_country,
                state.last_region,
                state.pending_intent,
                _iso(state.pending_at),
                at,
                at,
            ],
        )
        for action in actions:
            _apply(db, user_id, chat_id, action, at or "")


def _apply(db: Database, user_id: int, chat_id: int, action: Action, at: str) -> None:
    if action.kind == "subscribe":
        # The pushes go to the chat the subscription is made in, whatever chat comes later.
        db.execute(
            "INSERT INTO subscriptions (user_id, chat_id, code, region, mode, scope, status,"
            " status_reason, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, '', ?, ?)"
            " ON CONFLICT(user_id, code) DO UPDATE SET status = excluded.status,"
            " status_reason = '', chat_id = excluded.chat_id, region = excluded.region,"
            " updated_at = excluded.updated_at",
            [
                user_id,
                chat_id,
                action.code,
                action.region,
                Mode.IMMEDIATE,
                Scope.MAJOR,
                SubscriptionStatus.ACTIVE,
                at,
                at,
            ],
        )
    elif action.kind == "unsubscribe":
        end_subscription(db, user_id, action.code, "unsubscribed", at)
        cancel_pending(db, user_id, action.code, "unsubscribed")
    elif action.kind in ("set_mode", "set_scope", "set_until"):
        column = {"set_mode": "mode", "set_scope": "scope", "set_until": "until"}[action.kind]
        db.execute(
            f"UPDATE subscriptions SET {column} = ?, updated_at = ? WHERE user_id = ? AND code = ?",
            [action.value or None, at, user_id, action.code],
        )
    elif action.kind == "set_language":
        db.execute(
            "UPDATE users SET lang = ?, reply_lang = ? WHERE user_id = ?",
            [action.value, action.value, user_id],
        )


def forget_user(db: Database, user_id: int) -> None:
    """Delete everything stored about a user, the pushes owed to them included (inside the
    caller's transaction)."""
    db.execute("DELETE FROM deliveries WHERE user_id = ?", [user_id])
    db.execute("DELETE FROM subscriptions WHERE user_id = ?", [user_id])
    db.execute("DELETE FROM users WHERE user_id = ?", [user_id])
    forget_unmatched(db, user_id)


def language_of(db: Database, user_id: int) -> str:
    """The language to write to a user in: their choice, else the last one answered in."""
    row = db.execute("SELECT lang, reply_lang FROM users WHERE user_id = ?", [user_id]).fetchone()
    return str(row[0] or row[1] or "en") if row is not None else "en"
