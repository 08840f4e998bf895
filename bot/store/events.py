"""Change events: what subscribers must hear about (the pushes consume them)."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from sqlite_utils import Database

from bot.core.model import Text
from bot.store.outbox import fan_out


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
) -> int:
    """Record a change event and, in the same (caller's) transaction, one delivery per subscriber
    who wants it: the outbox. Return the event's id."""
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
    fan_out(
        db,
        event_id=event_id,
        code=code,
        kind=kind,
        at=at,
        today=dt.datetime.fromisoformat(at).date(),
    )
    return event_id


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
