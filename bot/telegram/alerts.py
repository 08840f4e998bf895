"""Urgent alerts from maintainers: /alert <place>, the English text, the French text, a preview,
then a confirm button that records the alert and pushes it to the subscribers."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from telegram import Message, Update
from telegram.ext import ContextTypes, filters

from bot.core import callbacks as cb
from bot.core.model import Text
from bot.core.render import esc, flag
from bot.core.reply import Button
from bot.core.understand import understand
from bot.i18n import tr
from bot.store.alerts import add_telegram_alert
from bot.telegram.handlers import services
from bot.telegram.keyboards import inline_keyboard

log = logging.getLogger(__name__)
KEY = "vigie_alert"


class AwaitingAlertText(filters.MessageFilter):
    """Messages from a maintainer who is writing an alert's text."""

    def __init__(self, user_data: Any) -> None:
        super().__init__(name="AwaitingAlertText")
        self._user_data = user_data

    def filter(self, message: Message) -> bool:
        user = message.from_user
        if user is None:
            return False
        draft = self._user_data.get(user.id, {}).get(KEY)
        return bool(draft) and draft.get("stage") in ("en", "fr")


async def on_alert(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/alert <place>: start an urgent alert (maintainers only)."""
    svc = services(context)
    message, user = update.effective_message, update.effective_user
    if message is None or user is None or context.user_data is None:
        return
    t = tr(user.language_code or "en")
    place = " ".join(context.args or [])
    understood = understand(place, svc.knowledge.get().index) if place else None
    code = understood.country if understood else None
    if code is None or code not in svc.knowledge.get().advisories:
        await message.reply_text(t._("Usage: /alert <country>, for example /alert Mali"))
        return
    context.user_data[KEY] = {"code": code, "stage": "en"}
    await message.reply_text(
        t._("Alert for {country}: send the English text.").format(country=t.country(code))
    )


async def on_alert_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The maintainer sends the English, then the French text of the alert."""
    message, user = update.effective_message, update.effective_user
    if message is None or user is None or context.user_data is None or not message.text:
        return
    t = tr(user.language_code or "en")
    draft = context.user_data.get(KEY) or {}
    text = message.text.strip()[:1500]
    if draft.get("stage") == "en":
        draft.update(en=text, stage="fr")
        await message.reply_text(t._("Now send the French text."))
        return
    draft.update(fr=text, stage="confirm")
    code = draft["code"]
    question = t._("Send this alert to every subscriber?")
    preview = (
        f"{flag(code)} <b>{esc(t.country(code))}</b>\n\n🇬🇧 {esc(draft['en'])}\n\n🇫🇷 {esc(text)}"
        f"\n\n{esc(question)}"
    )
    buttons = (
        (
            Button("🚨 " + t._("Send as critical"), cb.encode(cb.ALERT, value="critical")),
            Button("⚠️ " + t._("Send as warning"), cb.encode(cb.ALERT, value="warning")),
        ),
        (Button(t._("Cancel"), cb.encode(cb.ALERT, value="no")),),
    )
    await message.reply_html(preview, reply_markup=inline_keyboard(buttons))


async def on_alert_confirm(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The maintainer confirms (or cancels) the previewed alert."""
    svc = services(context)
    query, user = update.callback_query, update.effective_user
    if query is None or user is None or context.user_data is None:
        return
    t = tr(user.language_code or "en")
    press = cb.decode(query.data)
    draft = context.user_data.pop(KEY, None)
    if press is None or draft is None or draft.get("stage") != "confirm":
        await query.answer(t._("This button is no longer valid."))
        return
    if press.value == "no":
        await query.answer(t._("Cancelled."))
        await query.edit_message_text(t._("Alert cancelled: nothing was sent."))
        return
    event_id = add_telegram_alert(
        svc.db,
        code=draft["code"],
        text=Text(draft["en"], draft["fr"]),
        severity=press.value,
        who=f"telegram:{user.id}",
        now=dt.datetime.now(dt.UTC),
    )
    svc.knowledge.invalidate()
    sender = context.application.bot_data.get("vigie_sender")
    if sender is not None:
        sender.wake()
    log.info("maintainer %s sent alert event %d for %s", user.id, event_id, draft["code"])
    await query.answer(t._("Alert recorded."))
    await query.edit_message_text(
        t._("Alert recorded for {country}; subscribers are being notified.").format(
            country=t.country(draft["code"])
        )
    )
