"""Notices owed to the maintainers on Telegram, each asked once: a source failing for a day, an
official level that now disagrees with our curated one (and what they decided)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlite_utils import Database


@dataclass(frozen=True, slots=True)
class Notice:
    """One message for the maintainers."""

    id: int
    key: str
    kind: str  # failing | review
    params: dict[str, Any]
    created_at: str
    decision: str


def add_notice(
    db: Database, *, key: str, kind: str, params: dict[str, Any], at: dt.datetime
) -> bool:
    """Queue a notice unless one with the same key was ever queued; return whether it is new."""
    cursor = db.execute(
        "INSERT OR IGNORE INTO notices (key, kind, params, created_at) VALUES (?, ?, ?, ?)",
        [key, kind, json.dumps(params, ensure_ascii=False), at.isoformat(timespec="seconds")],
    )
    return cursor.rowcount == 1


def _notice(row: tuple[Any, ...]) -> Notice:
    return Notice(row[0], row[1], row[2], json.loads(row[3]), row[4], row[5] or "")


_COLUMNS = "id, key, kind, params, created_at, decision"


def unsent_notices(db: Database) -> list[Notice]:
    """Notices not yet sent, oldest first."""
    rows = db.execute(
        f"SELECT {_COLUMNS} FROM notices WHERE sent_at IS NULL ORDER BY id"
    ).fetchall()
    return [_notice(r) for r in rows]


def mark_sent(db: Database, notice_id: int, at: dt.datetime) -> None:
    """The notice reached the maintainers."""
    db.execute(
        "UPDATE notices SET sent_at = ? WHERE id = ?", [at.isoformat(timespec="seconds"), notice_id]
    )


def deliveries_due(db: Database, maintainers: Iterable[int]) -> list[tuple[Notice, int]]:
    """(notice, maintainer) for every unsent notice and maintainer it has not reached yet (nor
    failed to reach for good), oldest notice first."""
    done = {
        (notice_id, maintainer)
        for notice_id, maintainer in db.execute(
            "SELECT notice_id, maintainer FROM notice_deliveries"
        )
    }
    return [
        (notice, maintainer)
        for notice in unsent_notices(db)
        for maintainer in sorted(maintainers)
        if (notice.id, maintainer) not in done
    ]


def record_delivery(
    db: Database,
    notice_id: int,
    maintainer: int,
    at: dt.datetime,
    maintainers: Iterable[int],
    *,
    failed: str = "",
) -> None:
    """The notice reached `maintainer` (or, with `failed`, never can: blocked, chat gone). Once
    every maintainer is done and one at least received it, the notice is sent (inside the
    caller's transaction)."""
    db.execute(
        "INSERT OR REPLACE INTO notice_deliveries (notice_id, maintainer, at, failed)"
        " VALUES (?, ?, ?, ?)",
        [notice_id, maintainer, at.isoformat(timespec="seconds"), failed],
    )
    rows = db.execute(
        "SELECT maintainer, failed FROM notice_deliveries WHERE notice_id = ?", [notice_id]
    ).fetchall()
    reached = {m for m, why in rows if not why}
    if reached and set(maintainers) <= {m for m, _ in rows}:
        mark_sent(db, notice_id, at)


def open_review(db: Database, code: str) -> Notice | None:
    """The latest undecided review of destination `code`, if any."""
    row = db.execute(
        f"SELECT {_COLUMNS} FROM notices WHERE kind = 'review' AND decision IS NULL"
        " AND json_extract(params, '$.code') = ? ORDER BY id DESC LIMIT 1",
        [code],
    ).fetchone()
    return None if row is None else _notice(row)


def decide(db: Database, code: str, decision: str, who: str) -> int:
    """Record a maintainer's decision on every open review of `code`; return how many."""
    cursor = db.execute(
        "UPDATE notices SET decision = ?, decided_by = ? WHERE kind = 'review'"
        " AND decision IS NULL AND json_extract(params, '$.code') = ?",
        [decision, who, code],
    )
    return cursor.rowcount


def preferred_lang(db: Database, user_id: int) -> str:
    """The language a user chose, else the one we last answered them in, else English."""
    row = db.execute(
        "SELECT COALESCE(lang, reply_lang) FROM users WHERE user_id = ?", [user_id]
    ).fetchone()
    return row[0] if row and row[0] in ("en", "fr") else "en"


def notice_by_id(db: Database, notice_id: int) -> Notice | None:
    """One notice, if it exists."""
    row = db.execute(f"SELECT {_COLUMNS} FROM notices WHERE id = ?", [notice_id]).fetchone()
    return None if row is None else _notice(row)


def decide_notice(db: Database, notice_id: int, decision: str, who: str) -> bool:
    """Record a maintainer's decision on this one notice if it is still open; return whether."""
    cursor = db.execute(
        "UPDATE notices SET decision = ?, decided_by = ? WHERE id = ? AND decision IS NULL",
        [decision, who, notice_id],
    )
    return cursor.rowcount == 1
