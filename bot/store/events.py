"""Change events: what subscribers must hear about (the pushes consume them)."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from sqlite_utils import Database

from bot.core.model import Text
from bot.core.reply import Mode, Scope
from bot.store.outbox import DeliveryStatus, fan_out
from bot.store.subscriptions import SubscriptionStatus


@dataclass(frozen=True, slots=True)
class Event:
    """A major change to one destination, to be pushed to its subscribers."""

    id: int
    code: str
    kind: str
    created_at: str
    old_level: int | None
    new_level: int | None
    note: Text
    changes: list[str]
    origin: str


def record_event(
    db: Database,
    *,
    code: str,
    kind: str,
    at: str,
    old_level: int | None,
    new_level: int | None,
    note: Text,
    changes: list[str],
    publish_id: int | None,
    origin: str,
    digest_only: bool = False,
) -> int:
    """Record a change event and, in the same (caller's) transaction, one delivery per subscriber
    who wants it: the outbox. Return the event's id. A `digest_only` event (an official update
    that moves no level) is pushed to no one: it waits for the daily digest of those who follow
    every change of the destination."""
    cursor = db.execute(
        "INSERT INTO events (code, kind, created_at, old_level, new_level, note_en, note_fr,"
        " changes, publish_id, origin) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            code,
            kind,
            at,
            old_level,
            new_level,
            note.en,
            note.fr,
            json.dumps(changes, ensure_ascii=False),
            publish_id,
            origin,
        ],
    )
    event_id = cursor.lastrowid
    assert event_id is not None
    if digest_only:
        _to_digests(db, event_id=event_id, code=code, at=at)
        return event_id
    fan_out(
        db,
        event_id=event_id,
        code=code,
        kind=kind,
        at=at,
        today=dt.datetime.fromisoformat(at).date(),
    )
    return event_id


def _to_digests(db: Database, *, event_id: int, code: str, at: str) -> None:
    """A held delivery for each active daily-digest subscriber of `code` who follows every
    change (scope major): the digest shows it, nothing is pushed."""
    db.execute(
        "INSERT INTO deliveries (event_id, kind, user_id, chat_id, code, batch, status, attempts,"
        " next_at, created_at)"
        " SELECT ?, 'event', s.user_id, COALESCE(s.chat_id, s.user_id), s.code, 'digest', ?, 0,"
        " 0, ? FROM subscriptions s WHERE s.code = ? AND s.status = ? AND s.mode = ?"
        " AND s.scope = ? AND (s.until IS NULL OR s.until = '' OR s.until >= ?)",
        [
            event_id,
            DeliveryStatus.HELD,
            at,
            code,
            SubscriptionStatus.ACTIVE,
            Mode.DIGEST,
            Scope.MAJOR,
            dt.datetime.fromisoformat(at).date().isoformat(),
        ],
    )


_SELECT = (
    "SELECT id, code, kind, created_at, old_level, new_level, note_en, note_fr, changes, origin"
    " FROM events"
)


def _event(row: Any) -> Event:
    id_, code, kind, created_at, old_level, new_level, note_en, note_fr, changes, origin = row
    note = Text(note_en or "", note_fr or "")
    return Event(
        id_, code, kind, created_at, old_level, new_level, note, json.loads(changes), origin
    )


def events_for(db: Database, code: str | None = None) -> list[Event]:
    """Recorded events, oldest first, for one destination or all."""
    if code:
        rows = db.execute(f"{_SELECT} WHERE code = ? ORDER BY id", [code]).fetchall()
    else:
        rows = db.execute(f"{_SELECT} ORDER BY id").fetchall()
    return [_event(r) for r in rows]


def events_by_id(db: Database, event_ids: list[int]) -> dict[int, Event]:
    """The events behind a group of deliveries, by id."""
    if not event_ids:
        return {}
    marks = ",".join("?" * len(event_ids))
    rows = db.execute(f"{_SELECT} WHERE id IN ({marks}) ORDER BY id", event_ids).fetchall()
    return {event.id: event for event in map(_event, rows)}
