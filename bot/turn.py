"""One conversation turn, the same for every adapter (Telegram, the console).

Given who wrote, in which chat, and what (text, a button, a command, a location), a turn loads
the conversation state, asks the core for the reply, records what must be recorded (the new state,
the reply's actions, a message nobody understood) and returns the reply — in one transaction.
Adapters only translate: their input into a `Said`, the `Reply` into their output.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
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
from bot.core.reply import Reply, UserState
from bot.geo import Located, locate
from bot.i18n import Tr, tr
from bot.knowledge import KnowledgeCache
from bot.store.db import write_transaction
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

    def turn(self, who: Speaker, said: Said) -> Reply:
        """Answer one message, button or command, and record it; return the reply. In a group,
        a change by someone who is not an admin is refused (raises `ConsentNeeded` when
        `who.admin` is not known yet)."""
        now = self.clock()
        with write_transaction(self.db):
            if isinstance(said, Command) and said.name == "start":
                resume_paused(self.db, who.key, now)  # they wrote /start again
            state = self._state(who)
            reply = self._respond(who, said, state, now)
            if who.group and needs_admin(reply) and not who.admin:
                if who.admin is None:
                    raise ConsentNeeded  # rolls the transaction back: nothing recorded
                reply = admins_only(state, tr(reply.lang))
            written = (
                said.text
                if isinstance(said, Text)
                else said.argument
                if isinstance(said, Command)
                else ""
            )
            if reply.unmatched and written:
                record_unmatched(
                    self.db, written, reply.lang, reply.unmatched, now, user_id=who.author
                )
            if reply.text or reply.actions:
                save_turn(
                    self.db,
                    who.key,
                    chat_id=who.chat_id,
                    state=reply.state,
                    reply_lang=reply.lang,
                    actions=reply.actions,
                    now=now,
                )
        return reply

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
        state = load_state(self.db, who.key)
        if self.forced_lang and state.lang != self.forced_lang:
            state = replace(state, lang=self.forced_lang)
        return state
