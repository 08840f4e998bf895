"""What Telegram shows about the bot before anyone writes: its description (in an empty chat),
its short description (its profile, shared links) and its command menus — for private chats,
for groups and for each maintainer — in English (the default) and French. Set at each start,
only where they differ from what Telegram holds (a few cheap reads); a failure is logged and the
bot runs on."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Iterable

from telegram import (
    Bot,
    BotCommand,
    BotCommandScope,
    BotCommandScopeAllGroupChats,
    BotCommandScopeChat,
    BotCommandScopeDefault,
)
from telegram.error import TelegramError

from bot.i18n import N_, tr

log = logging.getLogger(__name__)

LANGUAGES = ("en", "fr")  # English is also the default, for every other language

DESCRIPTION = N_(
    "Vigie tells travellers how safe a destination is, from the official travel advice of the"
    " United States, Canada, the United Kingdom, Australia and France: the level, the risks,"
    " the regions, whom to call and how to leave, with dates and sources.\n\n"
    "Ask in English or French: “Is it safe to go to Mali?”, “Bamako embassy”, or share your"
    " location. Subscribe to a destination and get a message when its advice changes."
)
SHORT_DESCRIPTION = N_(
    "How safe is your destination? Official travel advice from five governments, and alerts"
    " when it changes."
)

# The private chat's menu (and the commands the bot answers: bot/telegram/app.py).
COMMANDS = (
    ("start", N_("Start, choose your language")),
    ("advisory", N_("Advice for a destination: /advisory Mali")),
    ("subscribe", N_("Get alerts for a destination")),
    ("unsubscribe", N_("Stop alerts for a destination")),
    ("subscriptions", N_("What you follow")),
    ("hotspots", N_("Destinations to avoid")),
    ("map", N_("A destination's map: /map Mali")),
    ("language", N_("Français / English")),
    ("forget", N_("Delete everything about you")),
    ("help", N_("What Vigie can do")),
)
GROUP_MENU = (
    ("advisory", N_("Advice for a destination: /advisory Mali")),
    ("hotspots", N_("Destinations to avoid")),
    ("subscribe", N_("Alerts for this group (admins)")),
    ("unsubscribe", N_("Stop this group's alerts (admins)")),
    ("subscriptions", N_("What this group follows")),
    ("language", N_("Français / English")),
    ("help", N_("What Vigie can do")),
)
MAINTAINER_MENU = (
    *COMMANDS[:-1],
    ("alert", N_("Send an urgent alert to subscribers")),
    COMMANDS[-1],
)


def _commands(menu: Iterable[tuple[str, str]], lang: str) -> list[BotCommand]:
    t = tr(lang)
    return [BotCommand(name, t._(description)) for name, description in menu]


def _code(lang: str) -> str | None:
    return None if lang == "en" else lang


async def _set_commands(
    bot: Bot, menu: list[BotCommand], scope: BotCommandScope, lang: str
) -> bool:
    """Set one menu unless Telegram already shows exactly it; return whether it was set."""
    held = await bot.get_my_commands(scope=scope, language_code=_code(lang))
    if list(held) == menu:
        return False
    return await bot.set_my_commands(menu, scope=scope, language_code=_code(lang))


async def _set_description(bot: Bot, lang: str) -> bool:
    text = tr(lang)._(DESCRIPTION)
    held = await bot.get_my_description(language_code=_code(lang))
    if held.description == text:
        return False
    return await bot.set_my_description(text, language_code=_code(lang))


async def _set_short_description(bot: Bot, lang: str) -> bool:
    text = tr(lang)._(SHORT_DESCRIPTION)
    held = await bot.get_my_short_description(language_code=_code(lang))
    if held.short_description == text:
        return False
    return await bot.set_my_short_description(text, language_code=_code(lang))


async def _logged(what: str, step: Awaitable[bool]) -> bool:
    try:
        return await step
    except TelegramError as error:
        log.warning("could not set the %s: %s", what, error)
        return False


async def set_up_menus(bot: Bot, maintainers: Iterable[int]) -> int:
    """Descriptions and command menus in every language, for every scope; return how many were
    changed (0 when Telegram already had them all)."""
    started = time.perf_counter()
    steps = []
    for lang in LANGUAGES:
        steps += [
            _logged(f"{lang} description", _set_description(bot, lang)),
            _logged(f"{lang} short description", _set_short_description(bot, lang)),
            _logged(
                f"{lang} private menu",
                _set_commands(bot, _commands(COMMANDS, lang), BotCommandScopeDefault(), lang),
            ),
            _logged(
                f"{lang} group menu",
                _set_commands(
                    bot, _commands(GROUP_MENU, lang), BotCommandScopeAllGroupChats(), lang
                ),
            ),
        ]
        steps += [
            _logged(
                f"{lang} menu of maintainer {maintainer}",
                _set_commands(
                    bot,
                    _commands(MAINTAINER_MENU, lang),
                    BotCommandScopeChat(maintainer),
                    lang,
                ),
            )
            for maintainer in sorted(maintainers)
        ]
    changed = sum(await asyncio.gather(*steps))
    log.info(
        "descriptions and menus: %d changed, %d already set or refused (%.2f s)",
        changed,
        len(steps) - changed,
        time.perf_counter() - started,
    )
    return changed
