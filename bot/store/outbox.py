"""The outbox: deliveries written in the same transaction as their event, drained by the sender.

Every delivery ends sent, paused (the user blocked the bot or the chat is gone), cancelled (the
user unsubscribed or the trip ended before it left) or failed with a reason; a crash leaves at most
the deliveries in flight to be sent again.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from sqlite_utils import Database

from bot.core.reply import Mode, Scope
from bot.store.db import write_transaction
from bot.store.subscriptions import SubscriptionStatus, pause_user


class DeliveryStatus(StrEnum):
    """Where a delivery is on its way (the one definition: SQL takes these as parameters)."""

    HELD = "held"  # waiting for the subscriber's daily digest
    QUEUED = "queued"
    SENDING = "sending"  # claimed by the sender, not yet answered by Telegram
    SENT = "sent"
    PAUSED = "paused"
    CANCELLED = "cancelled"
    FAILED = "failed"


HELD = DeliveryStatus.HELD
QUEUED = DeliveryStatus.QUEUED
SENDING = DeliveryStatus.SENDING
SENT = DeliveryStatus.SENT
PAUSED = DeliveryStatus.PAUSED
CANCELLED = DeliveryStatus.CANCELLED
FAILED = DeliveryStatus.FAILED


@dataclass(frozen=True, slots=True)
class Delivery:
    """One message owed to one subscriber."""

    id: int
    event_id: int | None
    kind: str
    user_id: int
    chat_id: int
    code: str
    batch: str
    attempts: int


_COLUMNS = "id, event_id, kind, user_id, chat_id, code, batch, attempts"


def fan_out(db: Database, *, event_id: int, code: str, kind: str, at: str, today: dt.date) -> int:
    """One delivery per active subscriber of `code` who wants this kind of event, to the chat the
    subscription was made in (inside the caller's transaction). Daily-digest subscribers'
    deliveries are held for the digest."""
    cursor = db.execute(
        "INSERT INTO deliveries (event_id, kind, user_id, chat_id, code, batch, status, attempts,"
        " next_at, created_at)"
        " SELECT :event, 'event', s.user_id, COALESCE(s.chat_id, s.user_id), s.code,"
        " CASE s.mode WHEN :digest THEN 'digest' ELSE s.code END,"
        " CASE s.mode WHEN :digest THEN :held ELSE :queued END, 0, 0, :at"
        " FROM subscriptions s"
        " WHERE s.code = :code AND s.status = :active AND (s.scope = :major OR :kind = :level)"
        " AND (s.until IS NULL OR s.until = '' OR s.until >= :today)",
        {
            "event": event_id,
            "at": at,
            "code": code,
            "kind": kind,
            "today": today.isoformat(),
            "digest": Mode.DIGEST,
            "held": HELD,
            "queued": QUEUED,
            "active": SubscriptionStatus.ACTIVE,
            "major": Scope.MAJOR,
            "level": Scope.LEVEL,
        },
    )
    return cursor.rowcount


def enqueue_goodbye(db: Database, *, user_id: int, chat_id: int, code: str, at: str) -> None:
    """A last message when a subscription's end date has passed."""
    db.execute(
        "INSERT INTO deliveries (event_id, kind, user_id, chat_id, code, batch, status, attempts,"
        " next_at, created_at) VALUES (NULL, 'goodbye', ?, ?, ?, ?, ?, 0, 0, ?)",
        [user_id, chat_id, code, f"goodbye-{code}", QUEUED, at],
    )


def cancel_pending(db: Database, user_id: int, code: str, reason: str) -> int:
    """The user no longer follows `code`: what was waiting for them is cancelled, with the reason
    (inside the caller's transaction)."""
    cursor = db.execute(
        "UPDATE deliveries SET status = ?, reason = ? WHERE user_id = ? AND code = ?"
        " AND kind = 'event' AND status IN (?, ?)",
        [CANCELLED, reason, user_id, code, QUEUED, HELD],
    )
    return cursor.rowcount


def recover_in_flight(db: Database) -> int:
    """After a crash: deliveries claimed but never marked go back to the queue."""
    cursor = db.execute("UPDATE deliveries SET status = ? WHERE status = ?", [QUEUED, SENDING])
    return cursor.rowcount


def claim(db: Database, *, limit: int, now: float) -> list[list[Delivery]]:
    """Claim up to `limit` due deliveries, with every other queued delivery of the same user and
    batch (so that several changes to one country become one message). Returns the groups."""
    with write_transaction(db):
        # ORDER BY next_at, id walks the (status, next_at) index in order: no sort of the queue.
        rows = db.execute(
            f"SELECT {_COLUMNS}, next_at FROM deliveries WHERE status = ? AND next_at <= ?"
            " ORDER BY next_at, id LIMIT ?",
            [QUEUED, now, limit],
        ).fetchall()
        if not rows:
            return []
        keys = {(r[3], r[6]) for r in rows}
        groups: dict[tuple[int, str], list[Delivery]] = defaultdict(list)
        for user_id, batch in keys:
            # Equality on (user_id, batch, status) only, so SQLite uses that index rather than
            # scanning the whole queue by next_at; the due ones are kept here.
            companions = db.execute(
                f"SELECT {_COLUMNS}, next_at FROM deliveries WHERE user_id = ? AND batch = ?"
                " AND status = ? ORDER BY id",
                [user_id, batch, QUEUED],
            ).fetchall()
            groups[(user_id, batch)] = [Delivery(*r[:-1]) for r in companions if r[-1] <= now]
        ids = [d.id for group in groups.values() for d in group]
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            db.execute(
                "UPDATE deliveries SET status = ?, claimed_at = ?, attempts = attempts + 1"
                f" WHERE id IN ({','.join('?' * len(chunk))})",
                [SENDING, now, *chunk],
            )
    return [group for group in groups.values() if group]


def _mark(db: Database, ids: list[int], sql: str, params: list[object]) -> None:
    db.execute(
        f"UPDATE deliveries SET {sql} WHERE id IN ({','.join('?' * len(ids))})", [*params, *ids]
    )


def mark_sent(db: Database, ids: list[int], *, message_id: int | None, at: dt.datetime) -> None:
    """The message went out."""
    _mark(
        db,
        ids,
        "status = ?, sent_at = ?, message_id = ?, reason = ''",
        [SENT, at.isoformat(timespec="seconds"), message_id],
    )


def mark_retry(db: Database, ids: list[int], *, not_before: float, reason: str) -> None:
    """Try again later (429, timeout, 5xx)."""
    _mark(db, ids, "status = ?, next_at = ?, reason = ?", [QUEUED, not_before, reason])


def mark_failed(db: Database, ids: list[int], *, reason: str) -> None:
    """Given up, with the reason (a maintainer can `vigie push retry`)."""
    _mark(db, ids, "status = ?, reason = ?", [FAILED, reason])


def mark_paused(
    db: Database, ids: list[int], *, user_id: int, reason: str, at: dt.datetime
) -> None:
    """The user blocked the bot or the chat is gone: pause the delivery and the user's
    subscriptions (they resume when the user writes /start again)."""
    with write_transaction(db):
        _mark(db, ids, "status = ?, reason = ?", [PAUSED, reason])
        db.execute(
            "UPDATE deliveries SET status = ?, reason = ? WHERE user_id = ? AND status IN (?, ?)",
            [PAUSED, reason, user_id, QUEUED, HELD],
        )
        pause_user(db, user_id, reason, at)


def release_digests(db: Database, *, day: dt.date) -> int:
    """Queue every held digest delivery, batched per user for `day` (one message each)."""
    cursor = db.execute(
        "UPDATE deliveries SET status = ?, batch = ?, next_at = 0 WHERE status = ?",
        [QUEUED, f"digest-{day.isoformat()}", HELD],
    )
    return cursor.rowcount


@dataclass(frozen=True, slots=True)
class EventDeliveries:
    """One change event and how many of its deliveries are in each status."""

    event: int
    code: str
    kind: str
    created_at: str
    counts: Mapping[DeliveryStatus, int]


def status_counts(db: Database) -> list[EventDeliveries]:
    """Per event: how many deliveries are held, queued, sent, paused, cancelled, failed (newest
    event first)."""
    rows = db.execute(
        "SELECT e.id, e.code, e.kind, e.created_at, d.status, count(d.id) FROM events e"
        " LEFT JOIN deliveries d ON d.event_id = e.id GROUP BY e.id, d.status ORDER BY e.id DESC"
    ).fetchall()
    events: dict[int, tuple[str, str, str]] = {}
    counts: dict[int, dict[DeliveryStatus, int]] = {}
    for event_id, code, kind, created_at, status, count in rows:
        events[event_id] = (code, kind, created_at)
        counts.setdefault(event_id, dict.fromkeys(DeliveryStatus, 0))
        if status:
            counts[event_id][DeliveryStatus(status)] = count
    return [EventDeliveries(e, *events[e], counts[e]) for e in events]


def failure_reasons(db: Database) -> dict[str, int]:
    """How many deliveries failed for each reason."""
    rows = db.execute(
        "SELECT reason, count(*) FROM deliveries WHERE status = ? GROUP BY reason", [FAILED]
    ).fetchall()
    return {reason: count for reason, count in rows}


def retry_failed(db: Database) -> int:
    """Queue every failed delivery again."""
    cursor = db.execute(
        "UPDATE deliveries SET status = ?, next_at = 0, attempts = 0 WHERE status = ?",
        [QUEUED, FAILED],
    )
    return cursor.rowcount
