"""The maps pushes carry: each drawn map's Telegram file_id, kept with the event it was first
sent for, so that a restarted sender sends the same file again instead of uploading it."""

from __future__ import annotations

from sqlite_utils import Database

_TABLE = """
CREATE TABLE IF NOT EXISTS push_maps (
    key TEXT PRIMARY KEY,     -- what the map shows (bot/push/maps.py map_key)
    file_id TEXT NOT NULL,    -- Telegram's id of the uploaded photo
    event_id INTEGER,         -- the change it was first uploaded for
    created_at TEXT NOT NULL
)
"""


def ensure_push_maps(db: Database) -> None:
    """Create the table when missing (the caller's transaction, or its own)."""
    db.execute(_TABLE)


def stored_file_id(db: Database, key: str) -> str | None:
    """The file_id of a map already uploaded, if any."""
    row = db.execute("SELECT file_id FROM push_maps WHERE key = ?", [key]).fetchone()
    return str(row[0]) if row else None


def store_file_id(db: Database, key: str, file_id: str, event_id: int | None, at: str) -> None:
    """Keep an uploaded map's file_id (the first one wins)."""
    db.execute(
        "INSERT OR IGNORE INTO push_maps (key, file_id, event_id, created_at) VALUES (?, ?, ?, ?)",
        [key, file_id, event_id, at],
    )


def forget_file_id(db: Database, key: str) -> None:
    """Telegram no longer knows this file: the next push uploads the map again."""
    db.execute("DELETE FROM push_maps WHERE key = ?", [key])
