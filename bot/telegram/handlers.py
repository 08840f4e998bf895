"""Telegram handlers: one async function per thing a user does. No business logic here: each
handler turns the update into a call to the conversation core and sends its reply."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, replace
from typing import Any

from sqlite_utils import Database
from telegram import (
    Bot,
    InlineQueryResultArticle,
    InputTextMessageContent,
    LinkPreviewOptions,
    Message,
    Update,
    User,
)
from telegram.constants import ChatType, ParseMode
from telegram.error import BadRequest, RetryAfter
from telegram.ext import ContextTypes, ExtBot

from bot.config import Settings
from bot.core.answer import (
    ambiguous_reply,
    answer_for,
    card_buttons,
    forget_question,
    help_reply,
    hotspots_reply,
    language_question,
    reply_language,
    respond_to_button,
    respond_to_text,
    subscriptions_reply,
    welcome,
)
from bot.core.render import esc, render_card, strip_tags
from bot.core.reply import Reply, UserState
from bot.core.understand import understand
from bot.i18n import Tr, tr
from bot.knowledge import KnowledgeCache
from bot.store.unmatched import record_unmatched
from bot.store.users import load_state, save_turn
from bot.telegram.chats import subscriber_id, with_consent
from bot.telegram.flood import FloodControl
from bot.telegram.keyboards import inline_keyboard
from bot.telegram.location import nearest_place, region_for
from bot.telegram.ratelimit import Send, Superseded

log = logging.getLogger(__name__)
NO_PREVIEW = LinkPreviewOptions(is_disabled=True)


@dataclass(slots=True)
class Services:
    """What the handlers share: the database, the knowledge, settings and flood control."""

    db: Database
    knowledge: KnowledgeCache
    settings: Settings
    flood: FloodControl


def services(context: ContextTypes.DEFAULT_TYPE) -> Services:
    """The shared services of this application."""
    found: Services = context.application.bot_data["vigie"]
    return found


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


async def _send(message: Message, reply: Reply) -> None:
    if not reply.text:
        return
    await message.reply_html(
        reply.text,
        reply_markup=inline_keyboard(reply.buttons),
        link_preview_options=NO_PREVIEW,
        do_quote=message.chat.type != ChatType.PRIVATE,
    )


async def _remember(
    svc: Services, update: Update, bot: Bot, user: User, reply: Reply, before: UserState
) -> Reply:
    """Store the turn (in a group, changes need an admin) and return the reply to send."""
    reply = await with_consent(update, bot, reply, before)
    chat = update.effective_chat
    save_turn(
        svc.db,
        subscriber_id(update, user),
        chat_id=chat.id if chat is not None else user.id,
        state=reply.state,
        reply_lang=reply.lang,
        actions=reply.actions,
        now=_now(),
    )
    return reply


async def _flooded(update: Update, svc: Services) -> bool:
    """Past the per-user rate: one polite notice (sent before the answers waiting for the
    chat), then only the latest answers (see flood.py)."""
    user = update.effective_user
    if user is None:
        return True
    verdict = svc.flood.check(user.id)
    if verdict == "ok":
        return False
    if verdict == "notice" and update.effective_message is not None:
        state = load_state(svc.db, subscriber_id(update, user))
        t = tr(reply_language(state, None, user.language_code))
        text = t._("You are sending messages very fast: I will answer your latest ones.")
        message = update.effective_message
        bot = message.get_bot()
        assert isinstance(bot, ExtBot)  # the Application's bot, with its rate limiter
        # Pinned: it goes before the answers waiting for this chat, and none replaces it.
        await bot.send_message(message.chat_id, text, rate_limit_args=Send.NOTICE)
    return True


async def answer_text(update: Update, text: str, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Run free text (or a command's argument) through the core and reply."""
    svc = services(context)
    message, user = update.effective_message, update.effective_user
    if message is None or user is None or await _flooded(update, svc):
        return
    state = load_state(svc.db, subscriber_id(update, user))
    reply = respond_to_text(
        text, state, svc.knowledge.get(), telegram_lang=user.language_code, now=_now()
    )
    if reply.unmatched:
        record_unmatched(svc.db, text, reply.lang, reply.unmatched, _now(), user_id=user.id)
    reply = await _remember(svc, update, context.bot, user, reply, state)
    await _send(message, reply)


async def on_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The user wrote a message (in a group: mentioning the bot or replying to it)."""
    message = update.effective_message
    if message is None or not message.text:
        return
    text = message.text
    username = context.bot.username
    if username:
        text = text.replace(f"@{username}", " ")
    await answer_text(update, text, context)


async def on_start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/start: welcome, language buttons, examples. Resumes paused subscriptions."""
    svc = services(context)
    message, user = update.effective_message, update.effective_user
    if message is None or user is None or await _flooded(update, svc):
        return
    from bot.store.subscriptions import resume_paused

    resume_paused(svc.db, subscriber_id(update, user), _now())
    state = load_state(svc.db, subscriber_id(update, user))
    reply = await _remember(
        svc, update, context.bot, user, welcome(state, user.language_code), state
    )
    await _send(message, reply)


async def on_help(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/help: what Vigie can do, by example."""
    await _simple(update, context, lambda t, state: help_reply(t, state))


async def on_hotspots(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/hotspots [continent]: the destinations at level 4, then 3."""
    svc = services(context)
    arg = " ".join(context.args or [])
    continent = understand(f"hotspots {arg}", svc.knowledge.get().index).continent if arg else None
    await _simple(
        update, context, lambda t, state: hotspots_reply(svc.knowledge.get(), t, state, continent)
    )


async def on_subscriptions(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/subscriptions: what the user follows, with buttons to change or end each."""
    svc = services(context)
    await _simple(
        update, context, lambda t, state: subscriptions_reply(svc.knowledge.get(), t, state)
    )


async def on_language(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/language: offer the two languages."""
    await _simple(update, context, language_question)


async def on_forget(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/forget: ask for confirmation before deleting everything about the user."""
    await _simple(update, context, lambda t, state: forget_question(t, state))


async def _simple(
    update: Update, context: ContextTypes.DEFAULT_TYPE, make: Callable[[Tr, UserState], Reply]
) -> None:
    svc = services(context)
    message, user = update.effective_message, update.effective_user
    if message is None or user is None or await _flooded(update, svc):
        return
    state = load_state(svc.db, subscriber_id(update, user))
    t = tr(reply_language(state, None, user.language_code))
    reply = make(t, state)
    reply = await _remember(svc, update, context.bot, user, reply, state)
    await _send(message, reply)


Handler = Callable[[Update, ContextTypes.DEFAULT_TYPE], Coroutine[Any, Any, None]]


def _command(intent: str) -> Handler:
    """A handler for /advisory, /subscribe, /unsubscribe: the place in the argument, or ask."""

    async def handler(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        svc = services(context)
        message, user = update.effective_message, update.effective_user
        if message is None or user is None:
            return
        arg = " ".join(context.args or []).strip()
        if not arg:
            if await _flooded(update, svc):
                return
            state = load_state(svc.db, subscriber_id(update, user))
            t = tr(reply_language(state, None, user.language_code))
            if intent == "advisory" and state.last_country:
                knowledge = svc.knowledge.get()
                reply = answer_for(intent, state.last_country, None, knowledge, t, state)
            else:
                question = t._("Which country? For example: /{command} Mali").format(command=intent)
                reply = Reply(
                    esc(question),
                    t.lang,
                    state=replace(state, pending_intent=intent, pending_at=_now()),
                )
            reply = await _remember(svc, update, context.bot, user, reply, state)
            await _send(message, reply)
            return
        knowledge = svc.knowledge.get()
        understood = understand(arg, knowledge.index)
        if not (understood.country or understood.candidates):
            await answer_text(update, arg, context)
            return
        if await _flooded(update, svc):
            return
        state = load_state(svc.db, subscriber_id(update, user))
        t = tr(reply_language(state, understood, user.language_code))
        if understood.candidates:
            reply = ambiguous_reply(understood.candidates, intent, t, state)
        else:
            assert understood.country is not None
            reply = answer_for(intent, understood.country, understood.region, knowledge, t, state)
        reply = await _remember(svc, update, context.bot, user, reply, state)
        await _send(message, reply)

    handler.__doc__ = f"/{intent} <place>: the core's answer for that place."
    return handler


on_advisory = _command("advisory")
on_subscribe = _command("subscribe")
on_unsubscribe = _command("unsubscribe")


async def on_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The user pressed an inline button: validate its data, answer, edit where it reads better."""
    svc = services(context)
    query, user = update.callback_query, update.effective_user
    if query is None or user is None:
        return
    state = load_state(svc.db, subscriber_id(update, user))
    if svc.flood.check(user.id) == "silent":
        await query.answer()
        return
    reply = respond_to_button(
        query.data, state, svc.knowledge.get(), telegram_lang=user.language_code, now=_now()
    )
    reply = await _remember(svc, update, context.bot, user, reply, state)
    await query.answer(reply.notice[:200] or None)
    if not reply.text:
        return
    message = query.message
    chat_id = message.chat.id if message is not None else user.id
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
        chat_id,
        reply.text,
        parse_mode=ParseMode.HTML,
        reply_markup=markup,
        link_preview_options=NO_PREVIEW,
    )


async def on_inline_query(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """`@bot mali` in any chat: advisory cards to share, in the asking user's language."""
    svc = services(context)
    query, user = update.inline_query, update.effective_user
    if query is None or user is None:
        return
    knowledge = svc.knowledge.get()
    state = load_state(svc.db, subscriber_id(update, user))
    text = query.query.strip()[:200]
    understood = understand(text, knowledge.index) if text else None
    t = tr(reply_language(state, None, user.language_code))
    codes: list[str] = []
    if understood is not None:
        codes = list(understood.candidates) or ([understood.country] if understood.country else [])
    results = []
    for code in codes[:10]:
        advisory = knowledge.advisories.get(code)
        if advisory is None:
            continue
        region = (
            understood.region if understood is not None and code == understood.country else None
        )
        card = render_card(advisory, knowledge.sources, t, region_id=region)
        results.append(
            InlineQueryResultArticle(
                id=f"{code}-{region or ''}-{t.lang}",
                title=t.country(code),
                description=strip_tags(card.split("\n")[1]) if "\n" in card else "",
                input_message_content=InputTextMessageContent(
                    card, parse_mode=ParseMode.HTML, link_preview_options=NO_PREVIEW
                ),
            )
        )
    await query.answer(results, cache_time=60, is_personal=True)


async def on_location(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The user shared a location: the advisory where they are, with a subscribe button."""
    svc = services(context)
    message, user = update.effective_message, update.effective_user
    if message is None or user is None or message.location is None or await _flooded(update, svc):
        return
    state = load_state(svc.db, subscriber_id(update, user))
    t = tr(reply_language(state, None, user.language_code))
    # The first look-up loads the town table (about 0.7 s): off the event loop.
    place = await asyncio.to_thread(
        nearest_place, message.location.latitude, message.location.longitude
    )
    knowledge = svc.knowledge.get()
    if place is None or place.distance_km > 300 or place.country not in knowledge.advisories:
        reply = Reply(
            esc(t._("I could not tell which country this location is in.")), t.lang, state=state
        )
    else:
        advisory = knowledge.advisories[place.country]
        region = region_for(place, advisory)
        intro = t._("Near {town}, {country}:").format(
            town=place.name, country=t.country(place.country)
        )
        state = replace(state, last_country=place.country, last_region=region)
        card = render_card(advisory, knowledge.sources, t, region_id=region)
        reply = Reply(
            f"📍 {esc(intro)}\n\n{card}",
            t.lang,
            buttons=card_buttons(advisory, region, t, state),
            state=state,
        )
    reply = await _remember(svc, update, context.bot, user, reply, state)
    await _send(message, reply)


async def on_other_message(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Stickers, photos, voice and other non-text messages: a short hint."""
    svc = services(context)
    message, user = update.effective_message, update.effective_user
    if message is None or user is None or await _flooded(update, svc):
        return
    t = tr(reply_language(load_state(svc.db, user.id), None, user.language_code))
    text = t._("I can only read text. Write a country or a city, for example “Mali” or “Bamako”.")
    await message.reply_text(text)


async def on_maintainer_only(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A maintainer command from someone who is not a maintainer: a polite refusal."""
    svc = services(context)
    message, user = update.effective_message, update.effective_user
    if message is None or user is None:
        return
    t = tr(reply_language(load_state(svc.db, user.id), None, user.language_code))
    await message.reply_text(t._("Sorry, this command is reserved for Vigie's maintainers."))


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
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
            await update.effective_message.reply_text(
                t._("Sorry, something went wrong. Please try again in a moment.")
            )
        except Exception:
            log.warning("could not tell the user about the error", exc_info=True)
