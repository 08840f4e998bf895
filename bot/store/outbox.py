"""The outbox: deliveries written in the same transaction as their event, drained by the sender.

Every delivery ends sent, paused (the user blocked the bot or the chat is gone), cancelled (the
user unsubscribed or the trip ended before it left) or failed with a reason; a crash leaves at most
the deliveries in flight to be sent again.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from dataclasses import dataclass

from sqlite_utils import Database

from bot.store.db import write_transaction
from bot.store.subscriptions import pause_user


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
        " SELECT ?, 'event', s.user_id, COALESCE(s.chat_id, s.user_id), s.code,"
        " CASE s.mode WHEN 'digest' THEN 'digest' ELSE s.code END,"
        " CASE s.mode WHEN 'digest' THEN 'held' ELSE 'queued' END, 0, 0, ?"
        " FROM subscriptions s WHERE s.code = ? AND s.status = 'active'"
        " AND (s.scope = 'major' OR ? = 'level')"
        " AND (s.until IS NULL OR s.until = '' OR s.until >= ?)",
        [event_id, at, code, kind, today.isoformat()],
    )
    return cursor.rowcount


def enqueue_goodbye(db: Database, *, user_id: int, chat_id: int, code: str, at: str) -> None:
    """A last message when a subscription's end date has passed."""
    db.execute(
        "INSERT INTO deliveries (event_id, kind, user_id, chat_id, code, batch, status, attempts,"
        " next_at, created_at) VALUES (NULL, 'goodbye', ?, ?, ?, ?, 'queued', 0, 0, ?)",
        [user_id, chat_id, code, f"goodbye-{code}", at],
    )


def cancel_pending(db: Database, user_id: int, code: str, reason: str) -> int:
    """The user no longer follows `code`: what was waiting for them is cancelled, with the reason
    (inside the caller's transaction)."""
    cursor = db.execute(
        "UPDATE deliveries SET status = 'cancelled', reason = ? WHERE user_id = ? AND code = ?"
        " AND kind = 'event' AND status IN ('queued', 'held')",
        [reason, user_id, code],
    )
    return cursor.rowcount


def recover_in_flight(db: Database) -> int:
    """After a crash: deliveries claimed but never marked go back to the queue."""
    cursor = db.execute("UPDATE deliveries SET status = 'queued' WHERE status = 'sending'")
    return cursor.rowcount


def claim(db: Database, *, limit: int, now: float) -> list[list[Delivery]]:
    """Claim up to `limit` due deliveries, with every other queued delivery of the same user and
    batch (so that several changes to one country become one message). Returns the groups."""
    with write_transaction(db):
        # ORDER BY next_at, id walks the (status, next_at) index in order: no sort of the queue.
        rows = db.execute(
            f"SELECT {_COLUMNS}, next_at FROM deliveries WHERE status = 'queued' AND next_at <= ?"
            " ORDER BY next_at, id LIMIT ?",
            [now, limit],
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
                " AND status = 'queued' ORDER BY id",
                [user_id, batch],
            ).fetchall()
            groups[(user_id, batch)] = [Delivery(*r[:-1]) for r in companions if r[-1] <= now]
        ids = [d.id for group in groups.values() for d in group]
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            db.execute(
                "UPDATE deliveries SET status = 'sending', claimed_at = ?, attempts = attempts + 1"
                f" WHERE id IN ({','.join('?' * len(chunk))})",
                [now, *chunk],
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
        "status = 'sent', sent_at = ?, message_id = ?, reason = ''",
        [at.isoformat(timespec="seconds"), message_id],
    )


def mark_retry(db: Database, ids: list[int], *, not_before: float, reason: str) -> None:
    """Try again later (429, timeout, 5xx)."""
    _mark(db, ids, "status = 'queued', next_at = ?, reason = ?", [not_before, reason])


def mark_failed(db: Database, ids: list[int], *, reason: str) -> None:
    """Given up, with the reason (a maintainer can `vigie push retry`)."""
    _mark(db, ids, "status = 'failed', reason = ?", [reason])


def mark_paused(
    db: Database, ids: list[int], *, user_id: int, reason: str, at: dt.datetime
) -> None:
    """The user blocked the bot or the chat is gone: pause the delivery and the user's
    subscriptions (they resume when the user writes /start again)."""
    with write_transaction(db):
        _mark(db, ids, "status = 'paused', reason = ?", [reason])
        db.execute(
            "UPDATE deliveries SET status = 'paused', reason = ? WHERE user_id = ?"
            " AND status IN ('queued', 'held')",
            [reason, user_id],
        )
        pause_user(db, user_id, reason, at)


def release_digests(db: Database, *, day: dt.date) -> int:
    """Queue every held digest delivery, batched per user for `day` (one message each)."""
    cursor = db.execute(
        "UPDATE deliveries SET status = 'queued', batch = ?, next_at = 0 WHERE status = 'held'",
        [f"digest-{day.isoformat()}"],
    )
    return cursor.rowcount


def status_counts(db: Database) -> list[dict[str, object]]:
    """Per event: how many deliveries are held, queued, sent, paused, cancelled, failed (newest
    event first)."""
    rows = db.execute(
        "SELECT e.id, e.code, e.kind, e.created_at, d.status, count(d.id) FROM events e"
        " LEFT JOIN deliveries d ON d.event_id = e.id GROUP BY e.id, d.status ORDER BY e.id DESC"
    ).fetchall()
    table: dict[int, dict[str, object]] = {}
    for event_id, code, kind, created_at, status, count in rows:
        entry = table.setdefault(
            event_id,
            {
                "event": event_id,
                "code": code,
                "kind": kind,
                "created_at": created_at,
                "held": 0,
                "queued": 0,
                "sending": 0,
                "sent": 0,
                "paused": 0,
                "cancelled": 0,
                "failed": 0,
            },
        )
        if status:
            entry[status] = count
    return list(table.values())


def failure_reasons(db: Database) -> dict[str, int]:
    """How many deliveries failed for each reason."""
    rows = db.execute(
        "SELECT reason, count(*) FROM deliveries WHERE status = 'failed' GROUP BY reason"
    ).fetchall()
    return {reason: count for reason, count in rows}


def retry_failed(db: Database) -> int:
    """Queue every failed delivery again."""
    cursor = db.execute(
        "UPDATE deliveries SET status = 'queued', next_at = 0, attempts = 0 WHERE status = 'failed'"
    )
    return cursor.rowcount


def event_notes(db: Database, event_ids: list[int]) -> list[dict[str, object]]:
    """The events behind a group of deliveries, oldest first."""
    if not event_ids:
        return []
    rows = db.execute(
        "SELECT id, code, kind, created_at, old_level, new_level, note_en, note_fr, changes"
        f" FROM events WHERE id IN ({','.join('?' * len(event_ids))}) ORDER BY id",
        event_ids,
    ).fetchall()
    keys = ("id", "code", "kind", "created_at", "old_level", "new_level", "note_en", "note_fr")
    return [{**dict(zip(keys, r[:8], strict=True)), "changes": json.loads(r[8])} for r in rows]
