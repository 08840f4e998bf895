"""The destinations table: each destination's advisory as published."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any

from sqlite_utils import Database

from bot.core.model import Advisory, Text
from bot.datafiles.convert import advisory_from_dict, advisory_to_dict


def _json_default(value: Any) -> str:
    if isinstance(value, dt.date):
        return value.isoformat()
    raise TypeError(f"not JSON serialisable: {value!r}")


def advisory_json(advisory: Advisory) -> str:
    """The canonical JSON of an advisory (stable key order, so equal advisories hash equally)."""
    return json.dumps(
        advisory_to_dict(advisory), default=_json_default, ensure_ascii=False, sort_keys=True
    )


def content_hash(advisory: Advisory) -> str:
    """A hash of everything in the advisory."""
    return hashlib.sha256(advisory_json(advisory).encode()).hexdigest()


def note_hash(note: Text | None) -> str:
    """A hash of a change note, to tell a fresh note from the one already used."""
    if note is None:
        return ""
    return hashlib.sha256(f"{note.en}\x00{note.fr}".encode()).hexdigest()


def _from_doc(doc: str) -> Advisory:
    advisory, problems = advisory_from_dict(json.loads(doc))
    if advisory is None:
        raise ValueError(f"corrupt advisory in the database: {problems}")
    return advisory


def load_advisories(db: Database) -> dict[str, Advisory]:
    """Every published advisory, by code."""
    return {
        row[0]: _from_doc(row[1])
        for row in db.execute("SELECT code, doc FROM destinations ORDER BY code").fetchall()
    }


def load_advisory(db: Database, code: str) -> Advisory | None:
    """The published advisory of `code`, if any."""
    row = db.execute("SELECT doc FROM destinations WHERE code = ?", [code]).fetchone()
    return None if row is None else _from_doc(row[0])


def last_note_hashes(db: Database) -> dict[str, str]:
    """For each destination, the hash of the change note its last major change used."""
    rows = db.execute("SELECT code, last_note_hash FROM destinations").fetchall()
    return {code: value or "" for code, value in rows}


def save_advisory(db: Database, advisory: Advisory, *, at: str, last_note: str) -> None:
    """Insert or replace a destination's advisory."""
    db.execute(
        "INSERT INTO destinations (code, level, level_origin, doc, content_hash, last_note_hash,"
        " published_at) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT(code) DO UPDATE SET"
        " level = excluded.level, level_origin = excluded.level_origin, doc = excluded.doc,"
        " content_hash = excluded.content_hash, last_note_hash = excluded.last_note_hash,"
        " published_at = excluded.published_at",
        [
            advisory.code,
            advisory.level,
            advisory.level_origin,
            advisory_json(advisory),
            content_hash(advisory),
            last_note,
            at,
        ],
    )
    bump_generation(db)


def delete_advisory(db: Database, code: str) -> None:
    """Remove a destination."""
    db.execute("DELETE FROM destinations WHERE code = ?", [code])
    bump_generation(db)


def bump_generation(db: Database) -> None:
    """Mark the advisories as changed, so that running bots reload them."""
    db.execute(
        "INSERT INTO meta (key, value) VALUES ('generation', '1') ON CONFLICT(key) DO UPDATE"
        " SET value = CAST(CAST(value AS INTEGER) + 1 AS TEXT)"
    )


def generation(db: Database) -> str:
    """A value that changes whenever any advisory changes."""
    row = db.execute("SELECT value FROM meta WHERE key = 'generation'").fetchone()
    return str(row[0]) if row else "0"


def data_version(db: Database) -> int:
    """A number that changes whenever another connection commits (to reload cached data)."""
    return int(db.execute("PRAGMA data_version").fetchone()[0])


def record_history(
    db: Database,
    *,
    publish_id: int | None,
    code: str,
    at: str,
    who: str,
    kind: str,
    major: bool,
    summary: str,
    note: Text | None,
) -> None:
    """One line of a destination's change history (`vigie data history`), with the change note
    of a major change."""
    db.execute(
        "INSERT INTO history (publish_id, code, at, who, kind, major, summary, note_en,"
        " note_fr) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            publish_id,
            code,
            at,
            who,
            kind,
            int(major),
            summary,
            note.en if note and major else "",
            note.fr if note and major else "",
        ],
    )
