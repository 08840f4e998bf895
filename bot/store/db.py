"""The SQLite database: opening it (WAL), its versioned schema, and write transactions."""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import IO

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


@migrations()
def m008_notice_deliveries(db: Database) -> None:
    """Which maintainer each notice reached (or could never reach), so that a notice counts as
    sent only once delivered, and a failed delivery is tried again."""
    db.table("notice_deliveries").create(
        {
            "notice_id": int,
            "maintainer": int,
            "at": str,
            "failed": str,  # why it can never be delivered (blocked, chat gone), else ''
        },
        pk=("notice_id", "maintainer"),
    )


BUSY_TIMEOUT = 10.0  # seconds a command-line tool waits for another process's write lock
# The running bot waits little on the event loop: its writes are short, and a lock held longer
# by another process is waited out without blocking everyone (the sender backs off).
BOT_BUSY_TIMEOUT = 1.0  # a publish's write transaction (100k deliveries) takes about 1 s


class DatabaseProblem(Exception):
    """The database cannot be used as it is; the message says what to do (one line)."""


class MissingDatabase(DatabaseProblem):
    """No database where one was expected."""


def missing_database(path: Path | str) -> MissingDatabase:
    """The error for a database that is not there."""
    return MissingDatabase(f"no database at {path}: run `vigie data publish` to create it")


def open_db(
    path: Path | str, *, busy_timeout: float = BUSY_TIMEOUT, create: bool = True
) -> Database:
    """Open the database at `path` (creating it when `create`, else MissingDatabase), in WAL
    mode, schema up to date; a write waits up to `busy_timeout` seconds for another
    connection's write lock. Deleted content is overwritten on disk (secure_delete): what
    /forget removes does not linger in free pages."""
    path = Path(path)
    if not create and not path.is_file():
        raise missing_database(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    db = Database(path)
    try:
        db.execute(f"PRAGMA busy_timeout = {int(busy_timeout * 1000)}")
        db.enable_wal()
        db.execute("PRAGMA synchronous = NORMAL")
        db.execute("PRAGMA foreign_keys = ON")
        db.execute("PRAGMA secure_delete = ON")
        migrations.apply(db)
    except sqlite3.Error:
        db.close()
        raise
    return db


def explain(error: BaseException, path: Path | str) -> str | None:
    """One line saying what is wrong with the database at `path` and what to do, for an error
    SQLite or the file system gave; None when the error is not about the database."""
    text = str(error)
    lowered = text.lower()
    if isinstance(error, DatabaseProblem):
        return text
    if isinstance(error, sqlite3.DatabaseError):
        if "not a database" in lowered or "malformed" in lowered or "corrupt" in lowered:
            return (
                f"the database {path} is damaged ({text}): restore it from a backup, or move it"
                " away and run `vigie data publish` to build a new one"
            )
        if "readonly" in lowered or "read-only" in lowered:
            return (
                f"the database {path} is read-only ({text}): the user running Vigie must be able"
                " to write it and its folder (check owner and mode)"
            )
        if "full" in lowered:
            return f"no space left for the database {path} ({text}): free some disk space"
        if "i/o error" in lowered:
            return (
                f"could not write the database {path} ({text}): the disk may be full or failing;"
                " free some space and check the system log"
            )
        if "unable to open" in lowered:
            return (
                f"cannot open the database {path} ({text}): check that its folder exists and"
                " is writable by the user running Vigie"
            )
        if "locked" in lowered or "busy" in lowered:
            return (
                f"the database {path} stayed locked by another process ({text}): try again"
                " when it is done"
            )
        return f"database error on {path}: {text}"
    return None


class AlreadyRunning(DatabaseProblem):
    """Another bot process already runs on this database."""


def hold_instance_lock(db_path: Path | str) -> IO[str]:
    """Make this process the only bot running on `db_path`: an exclusive lock on the file
    `<database>.lock` beside it, released by the system however the process ends (kill -9
    included). Keep the returned file open while the bot runs. Raises AlreadyRunning."""
    lock_path = Path(f"{db_path}.lock")
    handle = lock_path.open("a+", encoding="utf-8")
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        handle.seek(0)
        holder = handle.read().strip() or "?"
        handle.close()
        raise AlreadyRunning(
            f"another Vigie bot (pid {holder}) is already running on {db_path}; two would send"
            " the same pushes twice: stop it first"
        ) from None
    handle.seek(0)
    handle.truncate()
    handle.write(f"{os.getpid()}\n")
    handle.flush()
    return handle


def claim_database(path: Path) -> IO[str]:
    """For the bot: check that the database exists, is writable and holds published advice,
    then become the only bot on it (the lock lasts while the returned file stays open). Raises
    DatabaseProblem (AlreadyRunning, MissingDatabase …) or sqlite3.Error, for one line."""
    if not path.is_file():
        raise missing_database(path)
    instance = hold_instance_lock(path)
    db = open_db(path, create=False)
    try:
        published = db.execute("SELECT count(*) FROM destinations").fetchone()[0]
        try:  # a read-only file or a full disk: say so now, not at the first write
            with waiting_at_most(db, 0.5), write_transaction(db):
                set_meta(db, "bot_started", dt.datetime.now(dt.UTC).isoformat(timespec="seconds"))
        except sqlite3.OperationalError as error:
            if "locked" not in str(error) and "busy" not in str(error):
                raise  # another process's write lock is no reason not to start
    finally:
        db.close()
    if not published:
        instance.close()
        raise DatabaseProblem(
            f"the database {path} holds no published advice: run `vigie data publish` first"
        )
    return instance


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


@contextlib.contextmanager
def read_transaction(db: Database) -> Iterator[Database]:
    """A consistent snapshot for reads only (BEGIN DEFERRED): in WAL mode it never waits for
    another connection's write, however long that write holds the lock."""
    if db.conn.in_transaction:
        yield db
        return
    db.conn.execute("BEGIN")
    try:
        yield db
    finally:
        if db.conn.in_transaction:
            db.conn.execute("COMMIT")


@contextlib.contextmanager
def waiting_at_most(db: Database, seconds: float) -> Iterator[Database]:
    """Within the block, a write waits at most `seconds` for another connection's lock."""
    previous = db.execute("PRAGMA busy_timeout").fetchone()[0]
    db.execute(f"PRAGMA busy_timeout = {int(seconds * 1000)}")
    try:
        yield db
    finally:
        db.execute(f"PRAGMA busy_timeout = {int(previous)}")


def erase_deleted(db: Database, *, wait: float = 0.05) -> bool:
    """Leave nothing of deleted rows on disk: deleted content is already zeroed in the pages
    (secure_delete); checkpoint the WAL, which still holds the pages as they were, into the
    database and truncate it to nothing. False when a reader still needs the old pages (try
    again later)."""
    if db.conn.in_transaction:
        return False
    try:
        with waiting_at_most(db, wait):
            busy, _, _ = db.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    except sqlite3.OperationalError:
        return False
    return not busy


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
