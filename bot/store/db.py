"""The SQLite database: opening it (WAL), its versioned schema, and write transactions."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

from sqlite_utils import Database, Migrations

migrations = Migrations("vigie")


@migrations()
def m001_advisories(db: Database) -> None:
    """Destinations, the publish log, change history and change events."""
    db.table("meta").create({"key": str, "value": str}, pk="key")
    db.table("destinations").create(
        {
            "code": str,
            "level": int,
            "level_origin": str,
            "doc": str,  # the destination's dict form, as JSON (lossless)
            "content_hash": str,
            "last_note_hash": str,  # the change note last used, so a stale one is not reused
            "published_at": str,
        },
        pk="code",
    )
    db.table("publishes").create(
        {"id": int, "at": str, "who": str, "data_hash": str, "changes": int, "events": int},
        pk="id",
    )
    db.table("history").create(
        {
            "id": int,
            "publish_id": int,
            "code": str,
            "at": str,
            "who": str,
            "kind": str,
            "major": int,
            "summary": str,
            "note_en": str,
            "note_fr": str,
        },
        pk="id",
    )
    db.table("history").create_index(["code", "id"])
    db.table("events").create(
        {
            "id": int,
            "code": str,
            "kind": str,  # level | alert | update
            "created_at": str,
            "old_level": int,
            "new_level": int,
            "note_en": str,
            "note_fr": str,
            "changes": str,  # JSON list of the major changes
            "publish_id": int,
            "origin": str,  # publish | telegram
        },
        pk="id",
    )
    db.table("events").create_index(["code", "id"])


@migrations()
def m002_users(db: Database) -> None:
    """Users' conversation state and what was not understood."""
    db.table("users").create(
        {
            "user_id": int,
            "lang": str,  # explicit choice, or NULL
            "last_country": str,
            "last_region": str,
            "pending_intent": str,
            "pending_at": str,
            "created_at": str,
            "updated_at": str,
        },
        pk="user_id",
    )
    db.table("unmatched").create(
        {"text_key": str, "text": str, "lang": str, "missing": str, "count": int, "last_at": str},
        pk="text_key",
    )


@migrations()
def m003_subscriptions(db: Database) -> None:
    """Subscriptions, and what pushes need to know about a user."""
    db.table("users").add_column("chat_id", int)
    db.table("users").add_column("reply_lang", str)  # the language we last answered in
    db.table("subscriptions").create(
        {
            "id": int,
            "user_id": int,
            "code": str,
            "region": str,
            "mode": str,  # immediate | digest
            "scope": str,  # level | major
            "until": str,  # ISO date: the end of the trip, then a goodbye
            "status": str,  # active | paused | ended
            "status_reason": str,
            "created_at": str,
            "updated_at": str,
        },
        pk="id",
    )
    db.table("subscriptions").create_index(["user_id", "code"], unique=True)
    db.table("subscriptions").create_index(["code", "status"])


@migrations()
def m004_outbox(db: Database) -> None:
    """The outbox: one delivery per subscriber and event, written with the event."""
    db.table("deliveries").create(
        {
            "id": int,
            "event_id": int,  # NULL for a trip-end goodbye
            "kind": str,  # event | goodbye
            "user_id": int,
            "chat_id": int,
            "code": str,
            "batch": str,  # what is sent together: the code, or digest-YYYY-MM-DD
            "status": str,  # held | queued | sending | sent | paused | failed
            "attempts": int,
            "next_at": float,  # epoch seconds: not before
            "claimed_at": float,
            "sent_at": str,
            "message_id": int,
            "reason": str,
            "created_at": str,
        },
        pk="id",
    )
    db.table("deliveries").create_index(["status", "next_at"])
    db.table("deliveries").create_index(["user_id", "batch", "status"])
    db.table("deliveries").create_index(["event_id", "status"])


@migrations()
def m005_sync(db: Database) -> None:
    """The official sources' sync: per-source state, HTTP validators, index dates, and the
    notices owed to maintainers (failing sources, official levels that disagree with ours)."""
    db.table("sync_state").create(
        {
            "source": str,
            "last_attempt": str,
            "last_success": str,  # the last check that fetched and applied without error
            "entries": int,  # entries seen at the last success
            "held": str,  # doubtful items the feed gave, one per line
            "last_error": str,
            "last_error_at": str,
            "failing_since": str,  # first failure since the last success, or NULL
        },
        pk="source",
    )
    db.table("sync_http").create(
        {"url": str, "etag": str, "last_modified": str, "checked_at": str}, pk="url"
    )
    db.table("sync_items").create(
        {
            "source": str,
            "key": str,  # what the per-country URL needs (ISO code, GOV.UK slug)
            "code": str,
            "listed": str,  # the date the index gives for this country
            "fetched": str,  # the index date of the file we last applied
        },
        pk=("source", "key"),
    )
    db.table("notices").create(
        {
            "id": int,
            "key": str,  # asks once: failing:SOURCE:SINCE, review:CODE:SOURCE:LEVEL:DATE
            "kind": str,  # failing | review
            "params": str,  # JSON
            "created_at": str,
            "sent_at": str,
            "decision": str,  # review: keep | follow
            "decided_by": str,
        },
        pk="id",
    )
    db.table("notices").create_index(["key"], unique=True)


@migrations()
def m006_unmatched_privacy(db: Database) -> None:
    """Unmatched messages masked, tied to their author by a keyed hash only (for /forget), with
    what the bot could not make of them (`kind`)."""
    from bot.store.unmatched import _text_key, mask, printable

    old = db.execute("SELECT text, lang, missing, count, last_at FROM unmatched").fetchall()
    db.table("unmatched").drop()
    db.table("unmatched").create(
        {
            "id": int,
            "text_key": str,
            "author": str,  # keyed hash of the user id ('' when unknown)
            "text": str,  # masked, without control characters
            "lang": str,
            "kind": str,  # place | intent | question
            "count": int,
            "last_at": str,
        },
        pk="id",
    )
    db.table("unmatched").create_index(["text_key", "author"], unique=True)
    db.table("unmatched").create_index(["author"])
    db.table("unmatched").create_index(["last_at"])
    for text, lang, missing, count, last_at in old:
        cleaned = mask(printable(text or ""))
        db.execute(
            "INSERT INTO unmatched (text_key, author, text, lang, kind, count, last_at)"
            " VALUES (?, '', ?, ?, ?, ?, ?) ON CONFLICT(text_key, author) DO UPDATE SET"
            " count = count + excluded.count, last_at = max(last_at, excluded.last_at)",
            [_text_key(cleaned), cleaned, lang, missing, count, last_at],
        )


@migrations()
def m007_subscription_chat(db: Database) -> None:
    """Each subscription records the chat its pushes go to (the chat it was made in), instead of
    following the user to wherever they last wrote. Existing ones go to the user's private chat
    (whose id is the user id); those of the id shared by anonymous admins cannot be told apart
    and are ended."""
    from bot.core.groups import ANONYMOUS_ADMIN_ID

    db.table("subscriptions").add_column("chat_id", int)
    db.execute(
        "UPDATE subscriptions SET status = 'ended', status_reason = 'anonymous admin',"
        " chat_id = user_id WHERE user_id = ?",
        [ANONYMOUS_ADMIN_ID],
    )
    db.execute(
        "UPDATE deliveries SET status = 'cancelled', reason = 'anonymous admin'"
        " WHERE user_id = ? AND status IN ('queued', 'held')",
        [ANONYMOUS_ADMIN_ID],
    )
    db.execute("UPDATE subscriptions SET chat_id = user_id WHERE chat_id IS NULL")
    db.execute(
        "UPDATE deliveries SET chat_id = user_id WHERE user_id > 0 AND chat_id != user_id"
        " AND status IN ('queued', 'held')"
    )


BUSY_TIMEOUT = 10.0  # seconds a command-line tool waits for another process's write lock
# The running bot waits little on the event loop: its writes are short, and a lock held longer
# by another process is waited out without blocking everyone (the sender backs off).
BOT_BUSY_TIMEOUT = 1.0  # a publish's write transaction (100k deliveries) takes about 1 s


def open_db(path: Path | str, *, busy_timeout: float = BUSY_TIMEOUT) -> Database:
    """Open (creating if needed) the database at `path`, in WAL mode, schema up to date;
    a write waits up to `busy_timeout` seconds for another connection's write lock."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    db = Database(path)
    db.execute(f"PRAGMA busy_timeout = {int(busy_timeout * 1000)}")
    db.enable_wal()
    db.execute("PRAGMA synchronous = NORMAL")
    db.execute("PRAGMA foreign_keys = ON")
    migrations.apply(db)
    return db


@contextlib.contextmanager
def write_transaction(db: Database) -> Iterator[Database]:
    """A transaction that takes the write lock at once (BEGIN IMMEDIATE): all or nothing. Inside
    another one (a conversation turn saving its state) it is part of that one: an error rolls
    back the whole, so no savepoint is needed."""
    if db.conn.in_transaction:
        yield db
        return
    db.conn.execute("BEGIN IMMEDIATE")
    try:
        yield db
    except BaseException:
        if db.conn.in_transaction:
            db.conn.execute("ROLLBACK")
        raise
    else:
        db.conn.execute("COMMIT")


def get_meta(db: Database, key: str) -> str | None:
    """A value from the meta table."""
    row = db.execute("SELECT value FROM meta WHERE key = ?", [key]).fetchone()
    return None if row is None else str(row[0])


def set_meta(db: Database, key: str, value: str) -> None:
    """Store a value in the meta table."""
    db.execute(
        "INSERT INTO meta (key, value) VALUES (?, ?) "
        "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        [key, value],
    )
