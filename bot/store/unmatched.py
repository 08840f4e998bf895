"""Messages the bot did not understand, kept for maintainers without what identifies people.

Stored masked (e-mail addresses, phone numbers, long digit runs, @usernames, the writer's own
names and the names people give: "my name is …", "je m'appelle …", a signature), without control
characters, for 90 days after they were last seen; tied to their author only by a keyed hash of
the user id, so that /forget deletes them.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets
import unicodedata
from collections.abc import Iterable
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
_USERNAME = re.compile(r"(?<![\w@.])@[A-Za-z][A-Za-z0-9_]{2,31}\b")
# A name given by its owner, then one or two capitalised words: "my name is Ana Lima",
# "je m'appelle Jean", "call me Bob"; and a signature: "thanks, Ana" at the end.
_NAME_WORD = r"[A-ZÀ-ÖØ-Þ][\w'’-]*"
_NAMED = re.compile(
    r"(?i:\b(?:my name is|my name's|name's|call me|i am called|je m'appelle|je m’appelle"
    r"|mon nom est|mon prénom est|moi c'est|moi c’est)\s+)"
    rf"({_NAME_WORD}(?:\s+{_NAME_WORD})?)"
)
_SIGNED = re.compile(
    r"(?i:\b(?:thanks|thank you|regards|cheers|merci|cordialement|bises|amitiés)[,!.]?\s+)"
    rf"({_NAME_WORD}(?:\s+{_NAME_WORD})?)\s*[.!]?\s*$"
)
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


def mask(text: str, names: Iterable[str] = ()) -> str:
    """`text` with e-mail addresses, phone numbers, runs of 5+ digits, @usernames, the given
    `names` (the writer's own) and the names people introduce themselves with replaced."""
    text = _EMAIL.sub("<email>", text)
    text = _PHONE.sub(
        lambda m: "<phone>" if sum(c.isdigit() for c in m.group()) >= 7 else m.group(), text
    )
    text = _DIGITS.sub("<number>", text)
    text = _USERNAME.sub("<username>", text)
    for name in sorted({n.strip().lstrip("@") for n in names}, key=len, reverse=True):
        if len(name) >= 2:  # a two-letter name ("Al", "Li") only as written, not "al"
            flags = re.IGNORECASE if len(name) > 2 else re.NOFLAG
            text = re.sub(rf"(?<!\w)@?{re.escape(name)}(?!\w)", "<name>", text, flags=flags)
    text = _NAMED.sub(lambda m: m.group(0)[: m.start(1) - m.start(0)] + "<name>", text)
    return _SIGNED.sub(lambda m: m.group(0)[: m.start(1) - m.start(0)] + "<name>", text)


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
    db: Database,
    text: str,
    lang: str,
    kind: str,
    now: dt.datetime,
    *,
    user_id: int | None,
    names: Iterable[str] = (),
) -> None:
    """Count a message not understood, masked (`names`: the writer's own, as Telegram gives
    them); `kind` is the core's Reply.unmatched."""
    cleaned = mask(printable(text), names)[:300]
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
