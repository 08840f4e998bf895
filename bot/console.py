"""The offline console: the same conversation core as the Telegram bot, in a terminal.

Buttons are shown as numbered choices; typing the number presses the button. When stdin is not a
terminal, it reads one message per line, so a conversation can be scripted.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Callable
from typing import TextIO

from sqlite_utils import Database

from bot.core.answer import respond_to_button, respond_to_text, welcome
from bot.core.render import strip_tags
from bot.core.reply import Button, Reply, UserState
from bot.knowledge import KnowledgeCache
from bot.store.unmatched import record_unmatched
from bot.store.users import load_state, save_turn

CONSOLE_USER = 0  # the console's own user row in the database
_LINK = re.compile(r'<a href="(?P<url>[^"]*)">(?P<text>.*?)</a>', re.DOTALL)


def plain_text(text: str) -> str:
    """A reply's Telegram HTML as terminal text, links written "text (url)"."""

    def spell_out(match: re.Match[str]) -> str:
        label = match.group("text")
        url = match.group("url")
        return label if html.unescape(label) == html.unescape(url) else f"{label} ({url})"

    return strip_tags(_LINK.sub(spell_out, text))


class Console:
    """One terminal conversation, its state kept in the database like a Telegram user's."""

    def __init__(
        self,
        db: Database,
        knowledge: KnowledgeCache,
        *,
        lang: str | None = None,
        clock: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC),
    ) -> None:
        self.db = db
        self.knowledge = knowledge
        self.clock = clock
        self.buttons: list[Button] = []
        self.forced_lang = lang

    def _state(self) -> UserState:
        state = load_state(self.db, CONSOLE_USER)
        if self.forced_lang and state.lang != self.forced_lang:
            from dataclasses import replace

            state = replace(state, lang=self.forced_lang)
        return state

    def start(self) -> str:
        """The welcome text."""
        reply = welcome(self._state(), None)
        return self._show(reply)

    def handle(self, line: str) -> str:
        """Answer one typed line: a number presses a button, anything else is a message."""
        line = line.strip()
        if not line:
            return ""
        now = self.clock()
        state = self._state()
        knowledge = self.knowledge.get()
        if line.isdigit() and 1 <= int(line) <= len(self.buttons):
            button = self.buttons[int(line) - 1]
            if button.url:
                return button.url
            reply = respond_to_button(button.data, state, knowledge, telegram_lang=None, now=now)
        elif line in ("/start", "/help"):
            reply = welcome(state, None)
        else:
            reply = respond_to_text(line, state, knowledge, telegram_lang=None, now=now)
            if reply.unmatched:
                record_unmatched(
                    self.db, line, reply.lang, reply.unmatched, now, user_id=CONSOLE_USER
                )
        save_turn(
            self.db,
            CONSOLE_USER,
            chat_id=CONSOLE_USER,
            state=reply.state,
            reply_lang=reply.lang,
            actions=reply.actions,
            now=now,
        )
        return self._show(reply)

    def _show(self, reply: Reply) -> str:
        self.buttons = [b for row in reply.buttons for b in row]
        parts = [plain_text(reply.text or reply.notice)]
        if self.buttons:
            parts.append("")
            parts += [f"  [{i}] {b.label}" for i, b in enumerate(self.buttons, start=1)]
        return "\n".join(parts)


def run_console(console: Console, stdin: TextIO, stdout: TextIO, *, interactive: bool) -> None:
    """Read lines until end of input (or 'quit'), answering each."""
    print(console.start(), file=stdout)
    while True:
        if interactive:
            print("\n> ", end="", file=stdout, flush=True)
        line = stdin.readline()
        if not line or line.strip().lower() in ("quit", "exit", "/quit"):
            break
        answer = console.handle(line)
        if answer:
            if not interactive:
                print(f"\n> {line.strip()}", file=stdout)
            print(answer, file=stdout, flush=True)
