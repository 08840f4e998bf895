"""The sync's memory: each source's last success and failure, the HTTP validators of every URL
(conditional requests), and the index dates of the per-country files already applied."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from sqlite_utils import Database

# A source failing this long is reported to the maintainers (once).
TELL_AFTER = dt.timedelta(hours=24)


@dataclass(frozen=True, slots=True)
class SourceState:
    """What `vigie sync status` shows for one source."""

    source: str
    last_attempt: dt.datetime | None
    last_success: dt.datetime | None
    entries: int
    held: list[str]
    last_error: str
    last_error_at: dt.datetime | None
    failing_since: dt.datetime | None


def _time(value: str | None) -> dt.datetime | None:
    return dt.datetime.fromisoformat(value) if value else None


def _stamp(at: dt.datetime) -> str:
    return at.astimezone(dt.UTC).isoformat(timespec="seconds")


def last_checks(db: Database) -> dict[str, dt.datetime]:
    """Source id -> the last successful check (UTC)."""
    rows = db.execute(
        "SELECT source, last_success FROM sync_state WHERE last_success IS NOT NULL"
    ).fetchall()
    return {source: dt.datetime.fromisoformat(at) for source, at in rows}


def source_states(db: Database) -> dict[str, SourceState]:
    """Every source's sync state, by id."""
    rows = db.execute(
        "SELECT source, last_attempt, last_success, entries, held, last_error, last_error_at,"
        " failing_since FROM sync_state ORDER BY source"
    ).fetchall()
    return {
        r[0]: SourceState(
            source=r[0],
            last_attempt=_time(r[1]),
            last_success=_time(r[2]),
            entries=r[3] or 0,
            held=[line for line in (r[4] or "").split("\n") if line],
            last_error=r[5] or "",
            last_error_at=_time(r[6]),
            failing_since=_time(r[7]),
        )
        for r in rows
    }


def record_success(
    db: Database, source: str, at: dt.datetime, *, entries: int | None, held: list[str]
) -> None:
    """A check that fetched and applied without error (`entries` None: nothing new, keep the
    count of the last success)."""
    stamp = _stamp(at)
    fresh_held = "\n".join(held) if entries is not None else None
    db.execute(
        "INSERT INTO sync_state (source, last_attempt, last_success, entries, held)"
        " VALUES (?, ?, ?, ?, ?) ON CONFLICT(source) DO UPDATE SET"
        " last_attempt = excluded.last_attempt, last_success = excluded.last_success,"
        " entries = COALESCE(?, sync_state.entries), held = COALESCE(?, sync_state.held),"
        " failing_since = NULL",
        [source, stamp, stamp, entries or 0, "\n".join(held), entries, fresh_held],
    )


def record_failure(db: Database, source: str, at: dt.datetime, error: str) -> dt.datetime:
    """A failed check (the data we hold is kept); return since when the source has failed."""
    stamp = _stamp(at)
    db.execute(
        "INSERT INTO sync_state (source, last_attempt, entries, last_error, last_error_at,"
        " failing_since) VALUES (?, ?, 0, ?, ?, ?) ON CONFLICT(source) DO UPDATE SET"
        " last_attempt = excluded.last_attempt, last_error = excluded.last_error,"
        " last_error_at = excluded.last_error_at,"
        " failing_since = COALESCE(sync_state.failing_since, excluded.failing_since)",
        [source, stamp, error, stamp, stamp],
    )
    row = db.execute("SELECT failing_since FROM sync_state WHERE source = ?", [source]).fetchone()
    return dt.datetime.fromisoformat(row[0])


def http_validators(db: Database, url: str) -> tuple[str, str]:
    """The ETag and Last-Modified of the last response applied from `url` ("" if none)."""
    row = db.execute("SELECT etag, last_modified FROM sync_http WHERE url = ?", [url]).fetchone()
    return (row[0] or "", row[1] or "") if row else ("", "")


def remember_validators(
    db: Database, url: str, *, etag: str, last_modified: str, at: dt.datetime
) -> None:
    """Keep a response's validators, once its content was applied."""
    db.execute(
        "INSERT INTO sync_http (url, etag, last_modified, checked_at) VALUES (?, ?, ?, ?)"
        " ON CONFLICT(url) DO UPDATE SET etag = excluded.etag,"
        " last_modified = excluded.last_modified, checked_at = excluded.checked_at",
        [url, etag, last_modified, _stamp(at)],
    )


@dataclass(frozen=True, slots=True)
class ListedItem:
    """One country of an index, with the index date and that of the file we applied."""

    key: str
    code: str
    listed: str
    fetched: str

    @property
    def due(self) -> bool:
        """Never fetched, or the index says it changed (or gives no date: ask conditionally)."""
        return not self.fetched or not self.listed or self.fetched != self.listed


def list_items(db: Database, source: str, items: list[tuple[str, str, str]]) -> None:
    """Record an index's countries (key, code, date); countries it no longer lists are dropped."""
    keys = [key for key, _, _ in items]
    db.execute(
        f"DELETE FROM sync_items WHERE source = ? AND key NOT IN ({','.join('?' * len(keys))})",
        [source, *keys],
    )
    for key, code, listed in items:
        db.execute(
            "INSERT INTO sync_items (source, key, code, listed) VALUES (?, ?, ?, ?)"
            " ON CONFLICT(source, key) DO UPDATE SET code = excluded.code,"
            " listed = excluded.listed",
            [source, key, code, listed],
        )


def listed_items(db: Database, source: str) -> list[ListedItem]:
    """The countries of the last index read for `source`."""
    rows = db.execute(
        "SELECT key, code, listed, fetched FROM sync_items WHERE source = ? ORDER BY key",
        [source],
    ).fetchall()
    return [ListedItem(r[0], r[1], r[2] or "", r[3] or "") for r in rows]


def mark_fetched(db: Database, source: str, key: str, listed: str) -> None:
    """The file of `key` as of index date `listed` is applied."""
    db.execute(
        "UPDATE sync_items SET fetched = ? WHERE source = ? AND key = ?", [listed, source, key]
    )


# --- held runs and the previous state of each source -------------------------------------------

PREVIOUS = "sync_previous:"  # meta key prefix: a source's blocks before its last applied change


def held_decision(db: Database, source: str, fingerprint: str) -> str | None:
    """What the maintainers said about this held change of `source`: None if it was never held,
    "" while undecided, "confirm" or "discard"."""
    row = db.execute(
        "SELECT decision FROM notices WHERE key = ?", [held_key(source, fingerprint)]
    ).fetchone()
    return None if row is None else (row[0] or "")


def held_key(source: str, fingerprint: str) -> str:
    """The notice asking the maintainers about one held change (asked once)."""
    return f"held:{source}:{fingerprint}"


def settle_held(db: Database, notice_id: int, decision: str, who: str) -> dict[str, Any] | None:
    """Record a maintainer's decision on the held change `notice_id` if it is still open; return
    its params (None if it was settled already or is not a held change)."""
    row = db.execute(
        "SELECT params FROM notices WHERE id = ? AND kind = 'held' AND decision IS NULL",
        [notice_id],
    ).fetchone()
    if row is None:
        return None
    db.execute(
        "UPDATE notices SET decision = ?, decided_by = ? WHERE id = ?", [decision, who, notice_id]
    )
    params: dict[str, Any] = json.loads(row[0])
    return params


def open_held(db: Database) -> list[dict[str, Any]]:
    """The held changes no maintainer has settled yet, oldest first (params and id)."""
    rows = db.execute(
        "SELECT id, params, created_at FROM notices WHERE kind = 'held' AND decision IS NULL"
        " ORDER BY id"
    ).fetchall()
    return [{**json.loads(p), "id": i, "created_at": at} for i, p, at in rows]


def remember_previous(
    db: Database, source: str, *, fingerprint: str, blocks: dict[str, str], at: dt.datetime
) -> None:
    """Keep what `source`'s blocks were before this change ("CODE" -> the advisory JSON of that
    destination holding only the old block, or none), for `vigie sync restore`."""
    value = {"at": _stamp(at), "fingerprint": fingerprint, "blocks": blocks}
    db.execute(
        "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET"
        " value = excluded.value",
        [PREVIOUS + source, json.dumps(value, ensure_ascii=False)],
    )


def previous_state(db: Database, source: str) -> dict[str, Any] | None:
    """What `remember_previous` kept for `source`, if anything."""
    row = db.execute("SELECT value FROM meta WHERE key = ?", [PREVIOUS + source]).fetchone()
    return None if row is None else dict(json.loads(row[0]))


def forget_previous(db: Database, source: str) -> None:
    """A restore was made: there is nothing further back to restore."""
    db.execute("DELETE FROM meta WHERE key = ?", [PREVIOUS + source])
