"""One conversation turn, the same for every adapter (Telegram, the console).

Given who wrote, in which chat, and what (text, a button, a command, a location), a turn loads
the conversation state, asks the core for the reply, records what must be recorded (the new state,
the reply's actions, a message nobody understood) and returns the reply. Adapters only translate:
their input into a `Said`, the `Reply` into their output.

The reply never waits for another process's write (a publish, a sync, a maintainer's sqlite3):
the state is read in a read transaction, which in WAL mode takes no lock, and the turn's writes
follow in one short write transaction. When another process holds the write lock, those writes
are kept, in order, and retried (`retry_writes`: at the next turn and by the adapter's timer);
meanwhile the conversation goes on from the state the kept writes will leave.
"""

from __future__ import annotations

import datetime as dt
import logging
import sqlite3
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace

from sqlite_utils import Database

from bot.core.answer import (
    InlineCard,
    inline_cards,
    reply_language,
    respond_to_button,
    respond_to_command,
    respond_to_location,
    respond_to_text,
)
from bot.core.groups import admins_only, needs_admin
from bot.core.reply import Action, Mode, Reply, Scope, Subscription, UserState
from bot.geo import Located, locate
from bot.i18n import Tr, tr
from bot.knowledge import KnowledgeCache
from bot.store.db import erase_deleted, read_transaction, waiting_at_most, write_transaction
from bot.store.subscriptions import resume_paused
from bot.store.unmatched import record_unmatched
from bot.store.users import load_state, save_turn


@dataclass(frozen=True, slots=True)
class Speaker:
    """Who wrote, and where the replies go.

    `key` is whose conversation, state and subscriptions it is: the user's own in a private chat,
    the group's (its chat id) in a group, where anonymous admins and channels share one user id —
    the adapter decides (bot/telegram/handlers.py:speaker). `chat_id` is where replies go, and
    where the subscriptions made in this turn push to. `author` is the person who wrote (what
    they wrote and nobody understood is tied to them, so that their /forget deletes it).
    In a group, `admin` says whether the author may change the group's alerts and settings:
    None while nobody asked (the turn then raises `ConsentNeeded` rather than guess).
    """

    key: int
    chat_id: int
    author: int
    telegram_lang: str | None = None
    group: bool = False
    admin: bool | None = None
    names: tuple[str, ...] = ()  # the author's names and @username: masked in what is kept


class ConsentNeeded(Exception):
    """This turn would change a group's alerts or settings, and whether its author is one of
    the group's admins is not known yet: ask, then run the turn again with `Speaker.admin` set.
    Nothing was recorded."""


@dataclass(frozen=True, slots=True)
class Text:
    """A message typed by the user."""

    text: str


@dataclass(frozen=True, slots=True)
class Press:
    """A button pressed (its callback data, unchecked)."""

    data: str | None


@dataclass(frozen=True, slots=True)
class Command:
    """A slash command, without its slash, and what follows it."""

    name: str
    argument: str = ""


@dataclass(frozen=True, slots=True)
class Location:
    """A shared position."""

    latitude: float
    longitude: float


Said = Text | Press | Command | Location
Write = Callable[[Database], object]

log = logging.getLogger(__name__)
WRITE_WAIT = 0.05  # seconds a turn's writes wait for another process's lock before being kept
MAX_KEPT_WRITES = 10_000  # beyond, the oldest kept writes are dropped (and logged)


def _utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class Conversations:
    """Runs turns against one database and the published knowledge."""

    def __init__(
        self,
        db: Database,
        knowledge: KnowledgeCache,
        *,
        clock: Callable[[], dt.datetime] = _utc_now,
        locate: Callable[[float, float], Located] = locate,
        forced_lang: str | None = None,
    ) -> None:
        self.db = db
        self.knowledge = knowledge
        self.clock = clock
        self.locate = locate
        self.forced_lang = forced_lang  # the console's --lang: answer in it whatever was stored
        self._kept: list[tuple[int, Write]] = []  # writes another process's lock held back
        self._after: dict[int, UserState] = {}  # the state they will leave, per conversation
        self._waiting = False
        self._forgotten = False  # a /forget was written: its traces must leave the disk

    def turn(self, who: Speaker, said: Said) -> Reply:
        """Answer one message, button or command, and record it; return the reply. In a group,
        a change by someone who is not an admin is refused (raises `ConsentNeeded` when
        `who.admin` is not known yet). Never waits for another process's write lock."""
        now = self.clock()
        self.retry_writes()
        if isinstance(said, Command) and said.name == "start":
            # They wrote /start again: resume what was paused (before reading their state).
            self._write(who.key, [lambda db: resume_paused(db, who.key, now)])
        with read_transaction(self.db):
            state = self._state(who)
            reply = self._respond(who, said, state, now)
        if who.group and needs_admin(reply) and not who.admin:
            if who.admin is None:
                raise ConsentNeeded  # nothing recorded
            reply = admins_only(state, tr(reply.lang))
        written = (
            said.text
            if isinstance(said, Text)
            else said.argument
            if isinstance(said, Command)
            else ""
        )
        writes: list[Write] = []
        if reply.unmatched and written:
            kind, lang = reply.unmatched, reply.lang
            writes.append(
                lambda db: record_unmatched(
                    db, written, lang, kind, now, user_id=who.author, names=who.names
                )
            )
        if any(action.kind == "forget" for action in reply.actions):
            self._forgotten = True
        if reply.text or reply.actions:
            writes.append(
                lambda db: save_turn(
                    db,
                    who.key,
                    chat_id=who.chat_id,
                    state=reply.state,
                    reply_lang=reply.lang,
                    actions=reply.actions,
                    now=now,
                )
            )
            self._write(who.key, writes, after=_state_after(reply.state, reply.actions))
        else:
            self._write(who.key, writes)
        return reply

    def retry_writes(self, wait: float = WRITE_WAIT) -> bool:
        """Write what earlier turns could not, in order, in one transaction; return whether
        nothing is left to write."""
        if not self._kept:
            self._erase_forgotten()
            return True
        try:
            with waiting_at_most(self.db, wait), write_transaction(self.db):
                for _, write in self._kept:
                    write(self.db)
        except sqlite3.OperationalError as error:  # locked, busy, full, read-only: later
            if not self._waiting:
                log.warning(
                    "database busy (%s): %d conversation write(s) kept and retried; answers go on",
                    error,
                    len(self._kept),
                )
            self._waiting = True
            return False
        except sqlite3.Error:
            log.exception("conversation writes dropped: %d", len(self._kept))
        if self._waiting:
            log.info("database free again: %d kept conversation write(s) written", len(self._kept))
        self._kept.clear()
        self._after.clear()
        self._waiting = False
        self._erase_forgotten()
        return True

    def _erase_forgotten(self) -> None:
        """After a /forget was written: nothing of the user left on disk, WAL included (tried
        again with `retry_writes` while a reader keeps the old pages)."""
        if self._forgotten and erase_deleted(self.db):
            self._forgotten = False

    @property
    def writes_kept(self) -> int:
        """How many writes wait for the database."""
        return len(self._kept)

    def _write(self, key: int, writes: list[Write], *, after: UserState | None = None) -> None:
        """Write now if the database lets us at once, else keep for `retry_writes`; `after` is
        the conversation's state once written, used while they are kept."""
        if not writes:
            return
        self._kept.extend((key, write) for write in writes)
        if after is not None:
            self._after[key] = after
        if len(self._kept) > MAX_KEPT_WRITES:
            dropped = len(self._kept) - MAX_KEPT_WRITES
            del self._kept[:dropped]
            log.error(
                "database unavailable for long: %d oldest conversation writes dropped", dropped
            )
        self.retry_writes()

    def _respond(self, who: Speaker, said: Said, state: UserState, now: dt.datetime) -> Reply:
        knowledge = self.knowledge.get()
        lang = who.telegram_lang
        match said:
            case Text(text):
                return respond_to_text(text, state, knowledge, telegram_lang=lang, now=now)
            case Press(data):
                return respond_to_button(data, state, knowledge, telegram_lang=lang, now=now)
            case Command(name, argument):
                return respond_to_command(
                    name, argument, state, knowledge, telegram_lang=lang, now=now
                )
            case Location(latitude, longitude):
                where = self.locate(latitude, longitude)
                town = where.town if where.town and where.town.country == where.country else None
                return respond_to_location(
                    town.name if town else None,
                    where.country,
                    town.distance_km if town else 0.0,
                    state,
                    knowledge,
                    telegram_lang=lang,
                    now=now,
                    nearby=where.town.nearby if where.town else None,
                    candidates=where.candidates,
                    at_sea=where.at_sea,
                )

    def notice(self, who: Speaker, make: Callable[[Tr, UserState], Reply]) -> Reply:
        """A reply that records nothing (a hint, a refusal, the flood notice), in the user's
        language."""
        state = self._state(who)
        return make(tr(reply_language(state, None, who.telegram_lang)), state)

    def inline(self, who: Speaker, query: str) -> list[InlineCard]:
        """The cards to offer for an inline query (nothing recorded)."""
        state = self._state(who)
        return inline_cards(query, state, self.knowledge.get(), telegram_lang=who.telegram_lang)

    def _state(self, who: Speaker) -> UserState:
        state = self._after.get(who.key) or load_state(self.db, who.key)
        if self.forced_lang and state.lang != self.forced_lang:
            state = replace(state, lang=self.forced_lang)
        return state


def _state_after(state: UserState, actions: Iterable[Action]) -> UserState:
    """The state a turn leaves once its actions are written (what bot/store/users.py does),
    for the turns that come while those writes are kept."""
    subscriptions = {s.code: s for s in state.subscriptions}
    lang = state.lang
    for action in actions:
        current = subscriptions.get(action.code)
        if action.kind == "forget":
            return UserState()
        if action.kind == "subscribe":
            subscriptions[action.code] = (
                replace(current, region=action.region)
                if current
                else Subscription(action.code, action.region, Mode.IMMEDIATE, Scope.MAJOR)
            )
        elif action.kind == "unsubscribe":
            subscriptions.pop(action.code, None)
        elif action.kind == "set_language":
            lang = action.value or None
        elif current is not None and action.kind == "set_mode":
            subscriptions[action.code] = replace(current, mode=Mode(action.value))
        elif current is not None and action.kind == "set_scope":
            subscriptions[action.code] = replace(current, scope=Scope(action.value))
        elif current is not None and action.kind == "set_until":
            until = dt.date.fromisoformat(action.value) if action.value else None
            subscriptions[action.code] = replace(current, until=until)
    return replace(state, lang=lang, subscriptions=tuple(subscriptions.values()))
