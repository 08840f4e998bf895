"""The core's buttons as Telegram inline keyboards."""

from __future__ import annotations

from functools import lru_cache

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.core.reply import Button


@lru_cache(maxsize=2048)  # the same cards' buttons come back; PTB's objects are immutable
def inline_keyboard(rows: tuple[tuple[Button, ...], ...]) -> InlineKeyboardMarkup | None:
    """An InlineKeyboardMarkup for the reply's button rows (None when there are none)."""
    keyboard = [
        [
            InlineKeyboardButton(b.label, url=b.url)
            if b.url
            else InlineKeyboardButton(b.label, callback_data=b.data)
            for b in row
        ]
        for row in rows
        if row
    ]
    return InlineKeyboardMarkup(keyboard) if keyboard else None
