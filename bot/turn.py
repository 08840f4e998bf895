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
from bot.core.reply import Reply, UserState
from bot.geo import Place, nearest_place
from bot.i18n import Tr, tr
from bot.knowledge import KnowledgeCache
from bot.store.db import write_transaction
from bot.store.subscriptions import resume_paused
from bot.store.users import load_state, record_unmatched, save_turn


@dataclass(frozen=True, slots=True)
class Speaker:
    """Who wrote, and where the replies go.

    `key` is whose conversation it is: a user id, or a chat id where the sender has no user of its
    own (anonymous group admins, channels) — the adapter decides. `chat_id` is where replies go.
    """

    key: int
    chat_id: int
    telegram_lang: str | None = None


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
        locate: Callable[[float, float], Place | None] = nearest_place,
        forced_lang: str | None = None,
    ) -> None:
        self.db = db
        self.knowledge = knowledge
        self.clock = clock
        self.locate = locate
        self.forced_lang = forced_lang  # the console's --lang: answer in it whatever was stored

    def turn(self, who: Speaker, said: Said) -> Reply:
        """Answer one message, button or command, and record it; return the reply."""
        now = self.clock()
        with write_transaction(self.db):
            if isinstance(said, Command) and said.name == "start":
                resume_paused(self.db, who.key, now)  # they wrote /start again
            state = self._state(who)
            reply = self._respond(who, said, state, now)
            written = (
                said.text
                if isinstance(said, Text)
                else said.argument
                if isinstance(said, Command)
                else ""
            )
            if reply.unmatched and written:
                record_unmatched(self.db, written, reply.lang, reply.unmatched, now)
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
                place = self.locate(latitude, longitude)
                return respond_to_location(
                    place.name if place else None,
                    place.country if place else None,
                    place.distance_km if place else 0.0,
                    state,
                    knowledge,
                    telegram_lang=lang,
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
