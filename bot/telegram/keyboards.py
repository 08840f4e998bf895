"""The core's buttons as Telegram keyboards: inline keyboards, links to the bot itself (deep links,
the share dialog) and the reply keyboard that shares a location."""

from __future__ import annotations

from functools import lru_cache
from urllib.parse import quote, urlencode

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
)

from bot.core.reply import Button, LocationRequest

SHARE_URL = "https://t.me/share/url"


def deep_link(bot_username: str, payload: str) -> str:
    """The link that opens the bot with `/start <payload>` (t.me/<bot>?start=ML)."""
    return f"https://t.me/{bot_username}?start={payload}"


def share_link(bot_username: str, payload: str, text: str) -> str:
    """Telegram's share dialog: the user picks a chat, which receives the deep link and `text`.
    Every Telegram client opens it, and the receiver gets a link to the live card in their own
    language, where an inline query (switch_inline_query) would paste a copy of the card."""
    query = {"url": deep_link(bot_username, payload), "text": text}
    return f"{SHARE_URL}?{urlencode(query, quote_via=quote)}"


def _inline_button(button: Button, bot_username: str) -> InlineKeyboardButton | None:
    if button.link:
        if not bot_username:
            return None  # no link to the bot before getMe told us its name
        if button.share:
            return InlineKeyboardButton(
                button.label, url=share_link(bot_username, button.link, button.share)
            )
        return InlineKeyboardButton(button.label, url=deep_link(bot_username, button.link))
    if button.url:
        return InlineKeyboardButton(button.label, url=button.url)
    return InlineKeyboardButton(button.label, callback_data=button.data)


@lru_cache(maxsize=2048)  # the same cards' buttons come back; PTB's objects are immutable
def inline_keyboard(
    rows: tuple[tuple[Button, ...], ...], bot_username: str = ""
) -> InlineKeyboardMarkup | None:
    """An InlineKeyboardMarkup for the reply's button rows (None when there are none); links to
    the bot need its username."""
    keyboard = []
    for row in rows:
        buttons = [b for b in (_inline_button(button, bot_username) for button in row) if b]
        if buttons:
            keyboard.append(buttons)
    return InlineKeyboardMarkup(keyboard) if keyboard else None


@lru_cache(maxsize=8)
def location_keyboard(request: LocationRequest) -> ReplyKeyboardMarkup:
    """One big "Share my location" button under the input field, gone once pressed."""
    return ReplyKeyboardMarkup(
        [[KeyboardButton(request.label, request_location=True)]],
        resize_keyboard=True,
        one_time_keyboard=True,
        input_field_placeholder=request.placeholder[:64] or None,
    )
