"""Urgent alerts from maintainers, as a conversation: /alert <place>, the English text, the French
text, a preview, then a confirm button that records the alert and pushes it to the subscribers."""

from __future__ import annotations

import datetime as dt
import logging
import warnings

from telegram import Update
from telegram.ext import (
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)
from telegram.warnings import PTBUserWarning

from bot.core import callbacks as cb
from bot.core.model import Text
from bot.core.render import esc, flag
from bot.core.reply import Button, Reply
from bot.core.understand import understand
from bot.i18n import Tr, tr
from bot.store.alerts import add_telegram_alert
from bot.telegram.context import AlertDraft, Context
from bot.telegram.handlers import send, speaker

log = logging.getLogger(__name__)

# The conversation's states.
WRITING_ENGLISH, WRITING_FRENCH, CONFIRMING = range(3)
END = ConversationHandler.END


def _tr(update: Update) -> Tr:
    user = update.effective_user
    return tr(user.language_code or "en" if user else "en")


async def _say(
    update: Update, context: Context, text: str, buttons: tuple[tuple[Button, ...], ...] = ()
) -> None:
    who = speaker(update)
    if who is not None:
        reply = Reply(text, _tr(update).lang, buttons=buttons)
        await send(context, who.chat_id, reply, under=update.effective_message)


async def on_alert(update: Update, context: Context) -> int:
    """/alert <place>: start an urgent alert (maintainers only)."""
    t = _tr(update)
    place = " ".join(context.args or [])
    knowledge = context.vigie.knowledge.get()
    code = understand(place, knowledge.index).country if place else None
    if code is None or code not in knowledge.advisories or context.user_data is None:
        await _say(update, context, esc(t._("Usage: /alert <country>, for example /alert Mali")))
        return END
    context.user_data.alert = AlertDraft(code)
    text = t._("Alert for {country}: send the English text.").format(country=t.country(code))
    await _say(update, context, esc(text))
    return WRITING_ENGLISH


async def on_english(update: Update, context: Context) -> int:
    """The maintainer sends the English text of the alert."""
    message, draft = update.effective_message, context.user_data and context.user_data.alert
    if message is None or not message.text or not draft:
        return END
    draft.en = message.text.strip()[:1500]
    await _say(update, context, esc(_tr(update)._("Now send the French text.")))
    return WRITING_FRENCH


async def on_french(update: Update, context: Context) -> int:
    """The maintainer sends the French text: a preview with the buttons to send or cancel."""
    message, draft = update.effective_message, context.user_data and context.user_data.alert
    if message is None or not message.text or not draft:
        return END
    t = _tr(update)
    draft.fr = message.text.strip()[:1500]
    code = draft.code
    question = t._("Send this alert to every subscriber?")
    preview = (
        f"{flag(code)} <b>{esc(t.country(code))}</b>\n\n🇬🇧 {esc(draft.en)}\n\n🇫🇷 {esc(draft.fr)}"
        f"\n\n{esc(question)}"
    )
    buttons = (
        (
            Button("🚨 " + t._("Send as critical"), cb.encode(cb.ALERT, value="critical")),
            Button("⚠️ " + t._("Send as warning"), cb.encode(cb.ALERT, value="warning")),
        ),
        (Button(t._("Cancel"), cb.encode(cb.ALERT, value="no")),),
    )
    await _say(update, context, preview, buttons=buttons)
    return CONFIRMING


async def on_confirm(update: Update, context: Context) -> int:
    """The maintainer confirms (or cancels) the previewed alert."""
    query, who = update.callback_query, speaker(update)
    if query is None or who is None or context.user_data is None:
        return END
    t = _tr(update)
    press = cb.decode(query.data)
    draft, context.user_data.alert = context.user_data.alert, None
    if press is None or draft is None:
        await query.answer(t._("This button is no longer valid."))
        return END
    if press.value == "no":
        await query.answer(t._("Cancelled."))
        done = Reply(esc(t._("Alert cancelled: nothing was sent.")), t.lang, edit=True)
        await send(context, who.chat_id, done, pressed=query)
        return END
    event_id = add_telegram_alert(
        context.vigie.db,
        code=draft.code,
        text=Text(draft.en, draft.fr),
        severity=press.value,
        who=f"telegram:{who.key}",
        now=dt.datetime.now(dt.UTC),
    )
    context.vigie.knowledge.invalidate()
    context.vigie.wake_sender()
    log.info("maintainer %s sent alert event %d for %s", who.key, event_id, draft.code)
    await query.answer(t._("Alert recorded."))
    text = t._("Alert recorded for {country}; subscribers are being notified.")
    done = Reply(esc(text.format(country=t.country(draft.code))), t.lang, edit=True)
    await send(context, who.chat_id, done, pressed=query)
    return END


def alert_conversation(maintainers: filters.BaseFilter) -> ConversationHandler[Context]:
    """The /alert conversation, for the maintainers only (others get a refusal elsewhere)."""
    new = filters.UpdateType.MESSAGE
    text = new & filters.TEXT & ~filters.COMMAND & maintainers
    with warnings.catch_warnings():
        # The confirm button belongs to this conversation's own preview: tracking it per chat
        # and user (not per message) is what we want, which PTB warns about.
        warnings.filterwarnings("ignore", message=".*per_message.*", category=PTBUserWarning)
        return ConversationHandler(
            entry_points=[CommandHandler("alert", on_alert, filters=new & maintainers)],
            states={
                WRITING_ENGLISH: [MessageHandler(text, on_english)],
                WRITING_FRENCH: [MessageHandler(text, on_french)],
                CONFIRMING: [CallbackQueryHandler(on_confirm, pattern=r"^al:")],
            },
            fallbacks=[],
            allow_reentry=True,
            name="alert",
        )
