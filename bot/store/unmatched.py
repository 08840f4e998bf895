"""Messages the bot did not understand, kept for maintainers without what identifies people.

Stored masked (e-mail addresses, phone numbers, long digit runs), without control characters,
for 90 days after they were last seen; tied to their author only by a keyed hash of the user id,
so that /forget deletes them.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets
import unicodedata
from dataclasses import dataclass
from enum import StrEnum

from sqlite_utils import Database

from bot.core.textnorm import strip_accents
from bot.store.db import get_meta, set_meta

KEEP_DAYS = 90
_SALT_KEY = "unmatched_salt"

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_PHONE = re.compile(r"\+?\(?\d[\d\s().\-/]{5,}\d")
_DIGITS = re.compile(r"\d{5,}")
# Terminal escape sequences: CSI (colours, cursor), OSC (titles, links), and the other ESC pairs.
_ANSI = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b[@-_]?")


class UnmatchedKind(StrEnum):
    """What the bot could not make of a message (the core's Reply.unmatched)."""

    PLACE = "place"  # a question, but no place
    INTENT = "intent"  # neither a question nor a place
    QUESTION = "question"  # a place, but not the question about it


@dataclass(frozen=True, slots=True)
class UnmatchedMessage:
    """One message not understood, with how often it was written."""

    text: str
    lang: str
    kind: str
    count: int
    last_at: str


def printable(text: str) -> str:
    """`text` without terminal escape sequences or other control / bidi-override characters."""
    text = _ANSI.sub("", text)
    return "".join(
        " " if unicodedata.category(c) == "Cc" else c
        for c in text
        if unicodedata.category(c) != "Cf" or c in "\u200d"  # keep emoji joiners
    ).strip()


def mask(text: str) -> str:
    """`text` with e-mail addresses, phone numbers and runs of 5+ digits replaced."""
    text = _EMAIL.sub("<email>", text)
    text = _PHONE.sub(
        lambda m: "<phone>" if sum(c.isdigit() for c in m.group()) >= 7 else m.group(), text
    )
    return _DIGITS.sub("<number>", text)


def _text_key(text: str) -> str:
    text = strip_accents(text.lower())
    return re.sub(r"[^\w<>]+", " ", text).strip()[:200]


def _salt(db: Database) -> str:
    salt = get_meta(db, _SALT_KEY)
    if salt is None:
        salt = secrets.token_hex(16)
        set_meta(db, _SALT_KEY, salt)
    return salt


def author_hash(db: Database, user_id: int) -> str:
    """A keyed hash of the user id: ties a message to its author for /forget, and no more."""
    key = bytes.fromhex(_salt(db))
    return hashlib.blake2b(str(user_id).encode(), key=key, digest_size=16).hexdigest()


def record_unmatched(
    db: Database, text: str, lang: str, kind: str, now: dt.datetime, *, user_id: int | None
) -> None:
    """Count a message not understood, masked; `kind` is the core's Reply.unmatched."""
    cleaned = mask(printable(text))[:300]
    key = _text_key(cleaned)
    if not key:
        return
    author = author_hash(db, user_id) if user_id is not None else ""
    db.execute(
        "INSERT INTO unmatched (text_key, author, text, lang, kind, count, last_at)"
        " VALUES (?, ?, ?, ?, ?, 1, ?) ON CONFLICT(text_key, author) DO UPDATE SET"
        " count = count + 1, last_at = excluded.last_at, text = excluded.text,"
        " kind = excluded.kind, lang = excluded.lang",
        [key, author, cleaned, lang, kind, now.isoformat(timespec="seconds")],
    )


def most_unmatched(db: Database, limit: int = 50) -> list[UnmatchedMessage]:
    """The most frequent messages not understood, most frequent first, ready to print."""
    rows = db.execute(
        "SELECT max(text), max(lang), max(kind), sum(count), max(last_at) FROM unmatched"
        " GROUP BY text_key ORDER BY sum(count) DESC, max(last_at) DESC LIMIT ?",
        [limit],
    ).fetchall()
    return [UnmatchedMessage(printable(r[0]), r[1], r[2], r[3], r[4]) for r in rows]


def purge_unmatched(db: Database, now: dt.datetime, days: int = KEEP_DAYS) -> int:
    """Delete what was last seen more than `days` ago; return how many messages."""
    cutoff = (now - dt.timedelta(days=days)).isoformat(timespec="seconds")
    return db.execute("DELETE FROM unmatched WHERE last_at < ?", [cutoff]).rowcount


def forget_unmatched(db: Database, user_id: int) -> int:
    """Delete the messages written by `user_id` (inside the caller's transaction)."""
    return db.execute("DELETE FROM unmatched WHERE author = ?", [author_hash(db, user_id)]).rowcount
