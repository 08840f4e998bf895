"""The offline console: the same conversation core as the Telegram bot, in a terminal.

Buttons are shown as numbered choices; typing the number presses the button. When stdin is not a
terminal, it reads one message per line, so a conversation can be scripted.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import html
import re
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

from sqlite_utils import Database

from bot.core.maps import MapRequest
from bot.core.render import strip_tags
from bot.core.reply import Button, Reply
from bot.knowledge import KnowledgeCache
from bot.turn import Command, Conversations, Press, Said, Speaker, Text

CONSOLE_USER = 0  # the console's own user row in the database
CONSOLE = Speaker(key=CONSOLE_USER, chat_id=CONSOLE_USER, author=CONSOLE_USER)
MAPS_DIR = Path(tempfile.gettempdir()) / "vigie-maps"


def parse_line(line: str, buttons: list[Button]) -> Said | str:
    """What a typed line means: a number presses a button (a URL button gives its URL, a link to
    the bot its deep link), a line starting with / is a command, anything else a message."""
    if line.isdigit() and 1 <= int(line) <= len(buttons):
        button = buttons[int(line) - 1]
        if button.link:
            return f"https://t.me/<bot>?start={button.link}"
        return button.url or Press(button.data)
    if line.startswith("/") and len(line) > 1:
        name, _, argument = line[1:].partition(" ")
        return Command(name.split("@", 1)[0].lower(), argument)
    return Text(line)


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
        maps_dir: Path = MAPS_DIR,
    ) -> None:
        self.conversations = Conversations(db, knowledge, clock=clock, forced_lang=lang)
        self.buttons: list[Button] = []
        self.maps_dir = maps_dir

    def start(self) -> str:
        """The welcome text (as /start: paused subscriptions resume)."""
        return self._show(self.conversations.turn(CONSOLE, Command("start")))

    def handle(self, line: str) -> str:
        """Answer one typed line: a number presses a button, anything else is a message."""
        line = line.strip()
        if not line:
            return ""
        said = parse_line(line, self.buttons)
        if isinstance(said, str):
            return said
        return self._show(self.conversations.turn(CONSOLE, said))

    def _show(self, reply: Reply) -> str:
        if not reply.text and not reply.notice:
            return ""
        self.buttons = [b for row in reply.buttons for b in row]
        parts = [plain_text(reply.text or reply.notice)]
        if reply.photo is not None:
            parts.insert(0, "🗺 " + str(self.save_map(reply.photo)))
        if self.buttons:
            parts.append("")
            parts += [f"  [{i}] {b.label}" for i, b in enumerate(self.buttons, start=1)]
        return "\n".join(parts)

    def save_map(self, request: MapRequest) -> Path:
        """Draw a reply's map into `maps_dir` (named by what it shows) and return its path."""
        from bot.maps.render import render_map  # Pillow and the shapes: only once a map is asked

        png = render_map(request)
        name = re.sub(r"[^a-z0-9]+", "-", (request.country or request.title).lower()).strip("-")
        path = self.maps_dir / f"{name or 'map'}-{hashlib.sha256(png).hexdigest()[:8]}.png"
        self.maps_dir.mkdir(parents=True, exist_ok=True)
        path.write_bytes(png)
        return path


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
