"""Telegram handlers: one async function per thing a user does. No business logic here: each
handler turns the update into a turn of the conversation (bot/turn.py) and sends its reply."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import replace

from telegram import (
    CallbackQuery,
    InlineQueryResultArticle,
    InputTextMessageContent,
    Message,
    MessageEntity,
    Update,
)
from telegram.constants import ChatType
from telegram.error import BadRequest, RetryAfter
from telegram.ext import ApplicationHandlerStop, filters

from bot.core.answer import flood_reply, maintainers_only_reply, unreadable_reply
from bot.core.render import esc
from bot.core.reply import Reply, UserState
from bot.geo import load_map
from bot.i18n import Tr, tr
from bot.telegram.chats import sender_is_admin, subscriber_id
from bot.telegram.context import Context
from bot.telegram.keyboards import inline_keyboard, location_keyboard
from bot.telegram.ordering import turn_done
from bot.telegram.photos import send_with_map
from bot.telegram.ratelimit import Send, Superseded
from bot.turn import Command, ConsentNeeded, Location, Press, Said, Speaker, Text

log = logging.getLogger(__name__)


class AddressedToBot(filters.MessageFilter):
    """Messages for us: anything in a private chat; in groups, a mention of the bot or a reply
    to one of its messages."""

    def filter(self, message: Message) -> bool:
        if message.chat.type == ChatType.PRIVATE:
            return True
        bot = message.get_bot()
        replied = message.reply_to_message
        if replied is not None and replied.from_user is not None and replied.from_user.id == bot.id:
            return True
        me = f"@{bot.username}".lower()
        mentions = message.parse_entities([MessageEntity.MENTION]).values()
        return any(m.lower() == me for m in mentions)


NEW_MESSAGE = filters.UpdateType.MESSAGE
TEXT_FOR_US = NEW_MESSAGE & filters.TEXT & ~filters.COMMAND & AddressedToBot()
# What flood control counts: the new messages we would answer.
_COUNTED = NEW_MESSAGE & (filters.COMMAND | AddressedToBot())


def speaker(update: Update) -> Speaker | None:
    """Whose conversation this update belongs to and where replies go (None: nobody to answer).

    In a private chat (or with no chat, as for inline queries) the conversation is the user's;
    in a group or channel it is the chat's (bot/telegram/chats.py), so the group is the
    subscriber, anonymous admins and channels, who share one user id, are told apart by their
    chat, and only the group's admins may change its alerts. Replies go to the chat written in.
    """
    user, chat = update.effective_user, update.effective_chat
    if user is None:
        return None
    return Speaker(
        key=subscriber_id(update, user),
        chat_id=chat.id if chat else user.id,
        author=user.id,
        telegram_lang=user.language_code,
        group=chat is not None and chat.type != ChatType.PRIVATE,
        names=tuple(n for n in (user.first_name, user.last_name, user.username) if n),
    )


async def turn(update: Update, context: Context, who: Speaker, said: Said) -> Reply:
    """One turn of the conversation; in a group, when it would change the group's alerts, ask
    Telegram first whether the sender is one of its admins."""
    conversations = context.vigie.conversations
    try:
        return conversations.turn(who, said)
    except ConsentNeeded:
        admin = await sender_is_admin(update, context.bot)
        return conversations.turn(replace(who, admin=admin), said)


async def send(
    context: Context,
    chat_id: int,
    reply: Reply,
    *,
    under: Message | None = None,
    pressed: CallbackQuery | None = None,
    first: bool = False,
) -> None:
    """Every reply leaves through here: in place of the pressed button's message when it reads
    better, else as a new message (under the user's, quoted in groups). Parse mode and link
    previews are the application's Defaults. The reply then waits for its share of Telegram's
    budget (bot/telegram/ratelimit.py), and the chat's next update may start its turn
    (bot/telegram/ordering.py). `first`: ahead of the replies waiting for this chat, and never
    replaced by a newer one (the flood notice). A "Share my location" keyboard (private chats
    only) rides on the reply when it has no inline buttons, else follows in its own message."""
    turn_done()
    if not reply.text:
        return
    if reply.photo is not None and not first:
        await send_with_map(context, chat_id, reply, under=under)
        return
    markup = inline_keyboard(reply.buttons, context.bot.username or "")
    if first:
        await context.bot.send_message(
            chat_id, reply.text, reply_markup=markup, rate_limit_args=Send.NOTICE
        )
        return
    ask = reply.location_request if chat_id > 0 else None  # group and channel ids are negative
    if reply.edit and pressed is not None and isinstance(pressed.message, Message):
        try:
            await pressed.edit_message_text(reply.text, reply_markup=markup)
        except BadRequest as error:
            if "not modified" in str(error).lower():
                return
            log.info("edit failed (%s); sending a new message", error)
        else:
            if ask is not None:
                await context.bot.send_message(
                    chat_id, ask.prompt, reply_markup=location_keyboard(ask)
                )
            return
    carried = ask is not None and markup is None
    keyboard = location_keyboard(ask) if ask is not None and carried else markup
    if under is not None:
        quote = under.chat.type != ChatType.PRIVATE
        await under.reply_text(reply.text, reply_markup=keyboard, do_quote=quote)
    else:
        await context.bot.send_message(chat_id, reply.text, reply_markup=keyboard)
    if ask is not None and not carried:
        await context.bot.send_message(chat_id, ask.prompt, reply_markup=location_keyboard(ask))


async def flood_gate(update: Update, context: Context) -> None:
    """Before any handler (group -1): past the per-user rate, one polite notice (sent before
    the answers waiting for the chat), then only the latest answers (bot/telegram/flood.py);
    a script past the ceiling is ignored for a while. Counted per person, not per group."""
    if update.callback_query is None and not _COUNTED.check_update(update):
        return
    who = speaker(update)
    if who is None:
        return
    verdict = context.vigie.flood.check(who.author)
    if verdict == "ok":
        return
    if update.callback_query is not None:
        if verdict == "notice":
            return  # a button press gets its answer; the notice is for messages
        await update.callback_query.answer()
    elif verdict == "notice":
        notice = context.vigie.conversations.notice(who, flood_reply)
        await send(context, who.chat_id, notice, first=True)
    raise ApplicationHandlerStop


async def _answer(update: Update, context: Context, said: Said) -> None:
    """One turn for a message: the turn, then the reply under the message."""
    message, who = update.effective_message, speaker(update)
    if message is None or who is None:
        return
    reply = await turn(update, context, who, said)
    await send(context, who.chat_id, reply, under=message)


async def on_text(update: Update, context: Context) -> None:
    """The user wrote a message (in a group: mentioning the bot or replying to it)."""
    message = update.effective_message
    if message is None or not message.text:
        return
    text = message.text
    username = context.bot.username
    if username:
        text = text.replace(f"@{username}", " ")
    await _answer(update, context, Text(text))


async def on_command(update: Update, context: Context) -> None:
    """/start, /help, /advisory Mali, /subscribe, /hotspots africa…: the core's answer."""
    message = update.effective_message
    if message is None or not message.text:
        return
    name = message.text.split(maxsplit=1)[0][1:].split("@", 1)[0].lower()
    await _answer(update, context, Command(name, " ".join(context.args or [])))


async def on_location(update: Update, context: Context) -> None:
    """The user shared a location: the advisory where they are, with a subscribe button."""
    message = update.effective_message
    if message is None or message.location is None:
        return
    await asyncio.to_thread(load_map)  # the first time takes about 1 s: off the event loop
    await _answer(update, context, Location(message.location.latitude, message.location.longitude))


async def on_button(update: Update, context: Context) -> None:
    """The user pressed an inline button: answer it, edit the message where it reads better."""
    query, who = update.callback_query, speaker(update)
    if query is None or who is None:
        return
    reply = await turn(update, context, who, Press(query.data))
    await query.answer(reply.notice[:200] or None)
    await send(context, who.chat_id, reply, pressed=query)


async def on_inline_query(update: Update, context: Context) -> None:
    """`@bot mali` in any chat: advisory cards to share, in the asking user's language."""
    query, who = update.inline_query, speaker(update)
    if query is None or who is None:
        return
    username = context.bot.username or ""
    results = [
        InlineQueryResultArticle(
            id=card.id,
            title=card.title,
            description=card.description,
            input_message_content=InputTextMessageContent(card.text),
            reply_markup=inline_keyboard(card.buttons, username),
        )
        for card in context.vigie.conversations.inline(who, query.query)
    ]
    await query.answer(results, cache_time=60, is_personal=True)


async def on_other_message(update: Update, context: Context) -> None:
    """Stickers, photos, voice and other non-text messages: a short hint."""
    await _notice(update, context, unreadable_reply)


async def on_maintainer_only(update: Update, context: Context) -> None:
    """A maintainer command from someone who is not a maintainer: a polite refusal."""
    await _notice(update, context, maintainers_only_reply)


async def _notice(update: Update, context: Context, make: Callable[[Tr, UserState], Reply]) -> None:
    message, who = update.effective_message, speaker(update)
    if message is None or who is None:
        return
    await send(context, who.chat_id, context.vigie.conversations.notice(who, make), under=message)


async def on_error(update: object, context: Context) -> None:
    """Log every error; none stops the bot. Tell the user something went wrong when we can,
    but never answer Telegram's "too many requests" (or a reply a newer one replaced) with
    another message."""
    if isinstance(context.error, RetryAfter | Superseded):
        log.info("reply not sent: %s", context.error)
        return
    log.error("error while handling an update: %r", context.error, exc_info=context.error)
    if isinstance(update, Update) and update.effective_message is not None:
        try:
            user = update.effective_user
            t = tr(user.language_code if user else "en")
            text = t._("Sorry, something went wrong. Please try again in a moment.")
            message = update.effective_message
            await send(context, message.chat_id, Reply(esc(text), t.lang), under=message)
        except Exception:
            log.warning("could not tell the user about the error", exc_info=True)
