"""Telegram and the console run the same turn pipeline: one script, identical replies."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

from bot.console import Console
from bot.knowledge import KnowledgeCache
from bot.store.db import open_db
from tests.conftest import DATA

from .conftest import Running

USER = 7070

# Each step is a message or command typed, or ("press", the start of a button's callback data).
# (No more than 20 steps: flood control allows 20 per user per minute.)
SCRIPT: list[str | tuple[str, str]] = [
    "/start",
    ("press", "l:en"),
    "is it safe to go to Mali?",
    ("press", "s:ML:health"),
    ("press", "a:ML"),
    ("press", "sub:ML"),
    "/subscriptions",
    ("press", "m:ML:digest"),
    "/advisory",
    "/subscribe",
    "Niger",
    "tell me a joke",
    "/hotspots africa",
    "c'est dangereux ?",
    "Congo",
    "and the embassy?",
    "/unsubscribe Mali",
    "/forget",
    ("press", "fg:no"),
    "/alert Mali",
]


def with_link_targets(message: dict[str, Any]) -> str:
    """A Telegram message's text with each link written "text (url)", as the console writes
    links (entity offsets count UTF-16 code units)."""
    text = str(message.get("text", message.get("caption"))).encode("utf-16-le")
    entities = message.get("entities", message.get("caption_entities", []))
    links = [e for e in entities if e["type"] == "text_link"]
    for link in sorted(links, key=lambda e: e["offset"], reverse=True):
        start, end = 2 * link["offset"], 2 * (link["offset"] + link["length"])
        if text[start:end].decode("utf-16-le") != link["url"]:
            text = text[:end] + f" ({link['url']})".encode("utf-16-le") + text[end:]
    return text.decode("utf-16-le")


def as_console_shows(text: str, labels: list[str], *, photo: bool = False) -> str:
    """A Telegram message as the console prints a reply: the map it saved (a photo), its
    text, then numbered buttons."""
    buttons = [f"  [{i}] {label}" for i, label in enumerate(labels, start=1)]
    shown = "\n".join([text, "", *buttons] if buttons else [text])
    return f"🗺 MAP\n{shown}" if photo else shown


_SAVED_MAP = re.compile(r"^🗺 /\S+\.png$", re.MULTILINE)


def console_transcript(db_path: Path) -> list[str]:
    db = open_db(db_path)
    console = Console(db, KnowledgeCache(db, DATA))
    lines = []
    for step in SCRIPT:
        if isinstance(step, tuple):
            [index] = [i for i, b in enumerate(console.buttons) if b.data.startswith(step[1])]
            lines.append(console.handle(str(index + 1)))
        else:
            lines.append(console.handle(step))
    return [_SAVED_MAP.sub("🗺 MAP", line) for line in lines]


def _labels(message: dict[str, Any]) -> list[str]:
    rows = message.get("reply_markup", {}).get("inline_keyboard", [])
    return [str(button["text"]) for row in rows for button in row]


async def telegram_transcript(bot: Running) -> list[str]:
    lines = []
    last: dict[str, Any] | None = None
    for step in SCRIPT:
        before = {m["message_id"]: m for m in bot.api.sent_messages(USER)}
        if isinstance(step, tuple):
            assert last is not None
            rows = last.get("reply_markup", {}).get("inline_keyboard", [])
            [data] = [
                b["callback_data"]
                for row in rows
                for b in row
                if b.get("callback_data", "").startswith(step[1])
            ]
            calls = len(bot.api.calls("answerCallbackQuery"))
            bot.api.push_callback(USER, data, last["message_id"])
            await bot.api.wait_for_calls("answerCallbackQuery", calls + 1)
        else:
            bot.api.push_text(USER, step)
            await bot.api.wait_for_messages(USER, len(before) + 1)
        await bot.api.idle()
        changed = [m for m in bot.api.sent_messages(USER) if before.get(m["message_id"]) != m]
        if step == "/start":
            # Then Telegram's "Share my location" keyboard, in a message of its own.
            changed = changed[:1]
        assert len(changed) == 1, (step, changed)
        last = changed[0]
        photo = "photo" in last
        lines.append(as_console_shows(with_link_targets(last), _labels(last), photo=photo))
    return lines


async def test_telegram_and_console_give_identical_replies(
    bot: Running, published_db: Path, tmp_path: Path
) -> None:
    console_db = tmp_path / "console.db"
    shutil.copy(published_db, console_db)
    on_console = console_transcript(console_db)
    on_telegram = await telegram_transcript(bot)
    assert on_telegram == on_console
    assert "Level 4" in on_console[2] and "reserved" in on_console[-1]
    assert "Which country" in on_console[9] and "Niger" in on_console[10]
