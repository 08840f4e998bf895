"""Telegram handlers: one async function per thing a user does. No business logic here: each
handler turns the update into a turn of the conversation (bot/turn.py) and sends its reply."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass

from sqlite_utils import Database
from telegram import (
    InlineQueryResultArticle,
    InputTextMessageContent,
    LinkPreviewOptions,
    Message,
    Update,
)
from telegram.constants import ChatType, ParseMode
from telegram.error import BadRequest
from telegram.ext import ContextTypes

from bot.config import Settings
from bot.core.answer import flood_reply, maintainers_only_reply, unreadable_reply
from bot.core.reply import Reply
from bot.geo import load_towns
from bot.i18n import tr
from bot.knowledge import KnowledgeCache
from bot.telegram.flood import FloodControl
from bot.telegram.keyboards import inline_keyboard
from bot.turn import Command, Conversations, Location, Press, Said, Speaker, Text

log = logging.getLogger(__name__)
NO_PREVIEW = LinkPreviewOptions(is_disabled=True)


@dataclass(slots=True)
class Services:
    """What the handlers share: the database, the knowledge, settings, flood control and the
    conversation turns."""

    db: Database
    knowledge: KnowledgeCache
    settings: Settings
    flood: FloodControl
    conversations: Conversations


def services(context: ContextTypes.DEFAULT_TYPE) -> Services:
    """The shared services of this application."""
    found: Services = context.application.bot_data["vigie"]
    return found


def speaker(update: Update) -> Speaker | None:
    """Whose conversation this update belongs to and where replies go (None: nobody to answer).

    The conversation is keyed by the Telegram user; replies go to the chat written in."""
    user, chat = update.effective_user, update.effective_chat
    if user is None:
        return None
    return Speaker(
        key=user.id, chat_id=chat.id if chat else user.id, telegram_lang=user.language_code
    )


async def send(message: Message, reply: Reply) -> None:
    """Send a reply under the user's message (quoting it in groups). Every reply to a message
    goes through here."""
    if not reply.text:
        return
    await message.reply_html(
        reply.text,
        reply_markup=inline_keyboard(reply.buttons),
        link_preview_options=NO_PREVIEW,
        do_quote=message.chat.type != ChatType.PRIVATE,
    )


async def _flooded(update: Update, svc: Services, who: Speaker) -> bool:
    """Past the per-user rate: one polite notice, then silence for a while."""
    verdict = svc.flood.check(who.key)
    if verdict == "ok":
        return False
    if verdict == "notice" and update.effective_message is not None:
        await send(update.effective_message, svc.conversations.notice(who, flood_reply))
    return True


async def _answer(update: Update, context: ContextTypes.DEFAULT_TYPE, said: Said) -> None:
    """One turn for a message: flood control, the turn, the reply under the message."""
    svc = services(context)
    message, who = update.effective_message, speaker(update)
    if message is None or who is None or await _flooded(update, svc, who):
        return
    await send(message, svc.conversations.turn(who, said))


async def on_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The user wrote a message (in a group: mentioning the bot or replying to it)."""
    message = update.effective_message
    if message is None or not message.text:
        return
    text = message.text
    username = context.bot.username
    if username:
        text = text.replace(f"@{username}", " ")
    await _answer(update, context, Text(text))


async def on_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/start, /help, /advisory Mali, /subscribe, /hotspots africa…: the core's answer."""
    message = update.effective_message
    if message is None or not message.text:
        return
    name = message.text.split(maxsplit=1)[0][1:].split("@", 1)[0].lower()
    await _answer(update, context, Command(name, " ".join(context.args or [])))


async def on_location(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The user shared a location: the advisory where they are, with a subscribe button."""
    message = update.effective_message
    if message is None or message.location is None:
        return
    await asyncio.to_thread(load_towns)  # the first time takes about 0.7 s: off the event loop
    await _answer(update, context, Location(message.location.latitude, message.location.longitude))


async def on_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The user pressed an inline button: answer it, edit the message where it reads better."""
    svc = services(context)
    query, who = update.callback_query, speaker(update)
    if query is None or who is None:
        return
    if svc.flood.check(who.key) == "silent":
        await query.answer()
        return
    reply = svc.conversations.turn(who, Press(query.data))
    await query.answer(reply.notice[:200] or None)
    if not reply.text:
        return
    message = query.message
    markup = inline_keyboard(reply.buttons)
    if reply.edit and isinstance(message, Message):
        try:
            await query.edit_message_text(
                reply.text,
                parse_mode=ParseMode.HTML,
                reply_markup=markup,
                link_preview_options=NO_PREVIEW,
            )
            return
        except BadRequest as error:
            if "not modified" in str(error).lower():
                return
            log.info("edit failed (%s); sending a new message", error)
    await context.bot.send_message(
        who.chat_id,
        reply.text,
        parse_mode=ParseMode.HTML,
        reply_markup=markup,
        link_preview_options=NO_PREVIEW,
    )


async def on_inline_query(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """`@bot mali` in any chat: advisory cards to share, in the asking user's language."""
    svc = services(context)
    query, who = update.inline_query, speaker(update)
    if query is None or who is None:
        return
    results = [
        InlineQueryResultArticle(
            id=card.id,
            title=card.title,
            description=card.description,
            input_message_content=InputTextMessageContent(
                card.text, parse_mode=ParseMode.HTML, link_preview_options=NO_PREVIEW
            ),
        )
        for card in svc.conversations.inline(who, query.query)
    ]
    await query.answer(results, cache_time=60, is_personal=True)


async def on_other_message(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Stickers, photos, voice and other non-text messages: a short hint."""
    svc = services(context)
    message, who = update.effective_message, speaker(update)
    if message is None or who is None or await _flooded(update, svc, who):
        return
    await send(message, svc.conversations.notice(who, unreadable_reply))


async def on_maintainer_only(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A maintainer command from someone who is not a maintainer: a polite refusal."""
    svc = services(context)
    message, who = update.effective_message, speaker(update)
    if message is None or who is None:
        return
    await send(message, svc.conversations.notice(who, maintainers_only_reply))


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Log every error; none stops the bot. Tell the user something went wrong when we can."""
    log.error("error while handling an update: %r", context.error, exc_info=context.error)
    if isinstance(update, Update) and update.effective_message is not None:
        try:
            user = update.effective_user
            t = tr(user.language_code if user else "en")
            await update.effective_message.reply_text(
                t._("Sorry, something went wrong. Please try again in a moment.")
            )
        except Exception:
            log.warning("could not tell the user about the error", exc_info=True)
