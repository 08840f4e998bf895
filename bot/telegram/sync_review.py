"""The sync in the running bot: a JobQueue job that syncs the official sources off the event
loop, wakes the push sender, and tells the maintainers what needs them (a source failing for a
day; an official level that now differs from the curated one, with buttons to keep the curated
level or follow the officials)."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from dataclasses import replace
from typing import Any

from telegram import Update
from telegram.error import BadRequest, Forbidden, TelegramError
from telegram.ext import Application, CallbackQueryHandler

from bot.config import Settings
from bot.core import callbacks as cb
from bot.core.model import Advisory, Text
from bot.core.reply import Button
from bot.datafiles.files import read_levels
from bot.i18n import N_, Tr, tr
from bot.store.db import open_db, write_transaction
from bot.store.notices import (
    Notice,
    decide,
    deliveries_due,
    open_review,
    preferred_lang,
    record_delivery,
)
from bot.store.publish import publish_advisories
from bot.sync import SyncReport, run_sync
from bot.telegram.context import BotData, Context
from bot.telegram.keyboards import inline_keyboard

log = logging.getLogger(__name__)
SYNC_JOB = "vigie-sync"
FOLLOWED = N_("Vigie now follows the official advice for {country}: level {level}.")


VigieApp = Application[Any, Any, Any, Any, BotData, Any]


def schedule(app: VigieApp, settings: Settings) -> None:
    """Sync every VIGIE_SYNC_EVERY seconds (0: never), the first a minute after start; and
    send the maintainers' notices every minute (a `vigie sync` from a timer queues them too)."""
    if app.job_queue is None:
        return
    if settings.maintainers:
        app.job_queue.run_repeating(notices_job, interval=60, first=10, name="vigie-notices")
    if settings.sync_every > 0:
        app.job_queue.run_repeating(
            sync_job,
            interval=settings.sync_every,
            first=min(60, settings.sync_every),
            name=SYNC_JOB,
        )


async def notices_job(context: Context) -> None:
    """Send what a sync run elsewhere (the systemd timer) left for the maintainers."""
    await send_notices(context.application)


def add_handlers(app: VigieApp) -> None:
    """The maintainers' Keep / Follow buttons (before the catch-all button handler)."""
    app.add_handler(CallbackQueryHandler(on_review, pattern=rf"^{cb.REVIEW}:"))


def _sync_now(settings: Settings) -> SyncReport:
    """One sync on its own connection (this runs in a worker thread)."""
    db = open_db(settings.db_path)
    try:
        return run_sync(
            db,
            settings.data_dir,
            now=dt.datetime.now(dt.UTC),
            base_url=settings.sync_base_url,
            contact=settings.sync_contact,
            backoff=settings.sync_retry_wait,
        )
    finally:
        db.close()


async def sync_job(context: Context) -> None:
    """Sync in a worker thread (the bot keeps answering), then push and tell the maintainers.
    Without network this logs one line, never a traceback."""
    svc = context.vigie
    if svc.syncing:
        return
    svc.syncing = True
    try:
        report = await asyncio.to_thread(_sync_now, svc.settings)
    except Exception as error:  # the bot must keep answering whatever a sync meets
        log.warning("sync: failed (%s: %s); the advice held is kept", type(error).__name__, error)
        return
    finally:
        svc.syncing = False
    if report.failed:
        log.warning("sync: %s", report.summary())
    else:
        log.info("sync: %s", report.summary())
    if report.changed:
        svc.knowledge.invalidate()
        svc.wake_sender()
    await send_notices(context.application)


async def send_notices(app: VigieApp) -> int:
    """Send every unsent notice to each maintainer, in their language; return how many
    (plain text: an error message may hold anything)."""
    svc = app.bot_data
    maintainers = svc.settings.maintainers
    due = deliveries_due(svc.db, maintainers)
    if not due:
        return 0
    sources = read_levels(svc.settings.data_dir)
    for notice, maintainer in due:
        t = tr(preferred_lang(svc.db, maintainer))
        text, buttons = render_notice(notice, t, {k: v.name for k, v in sources.items()})
        failed = ""
        try:
            await app.bot.send_message(
                maintainer, text, reply_markup=inline_keyboard(buttons), parse_mode=None
            )
        except (Forbidden, BadRequest) as error:  # blocked, chat gone: retrying cannot help
            failed = str(error)[:200]
            log.warning("notice %d cannot reach maintainer %d: %s", notice.id, maintainer, error)
        except TelegramError as error:  # network, 5xx, 429: the next run tries again
            log.warning(
                "notice %d not delivered to maintainer %d (%s); trying again later",
                notice.id,
                maintainer,
                error,
            )
            continue
        with write_transaction(svc.db):
            record_delivery(
                svc.db, notice.id, maintainer, dt.datetime.now(dt.UTC), maintainers, failed=failed
            )
    return len({notice.id for notice, _ in due})


def render_notice(
    notice: Notice, t: Tr, names: dict[str, Text]
) -> tuple[str, tuple[tuple[Button, ...], ...]]:
    """A notice's text and buttons in the maintainer's language."""
    p = notice.params
    source = names[p["source"]].get(t.lang) if p["source"] in names else p["source"]
    if notice.kind == "failing":
        since = dt.datetime.fromisoformat(p["since"])
        text = t._(
            "{source}: every sync has failed since {since}. Vigie keeps the advice it last"
            " received. Last error: {error}"
        ).format(source=source, since=t.date(since.date()), error=p["error"])
        return text, ()
    code = p["code"]
    text = t._(
        "{country}: {source} now says level {level} (on {date}), but our curated level is"
        " {curated}. Keep the curated level, or follow the officials?"
    ).format(
        country=t.country(code),
        source=source,
        level=p["level"],
        date=t.date(dt.date.fromisoformat(p["date"])),
        curated=p["curated"],
    )
    buttons = (
        (
            Button(
                t._("Keep curated level {level}").format(level=p["curated"]),
                cb.encode(cb.REVIEW, code, "keep"),
            ),
        ),
        (Button(t._("Follow the officials"), cb.encode(cb.REVIEW, code, "follow")),),
    )
    return text, buttons


async def on_review(update: Update, context: Context) -> None:
    """A maintainer pressed Keep or Follow under a disagreement notice (plain-text answers)."""
    svc = context.vigie
    query, user = update.callback_query, update.effective_user
    if query is None or user is None:
        return
    t = tr(preferred_lang(svc.db, user.id))
    if user.id not in svc.settings.maintainers:
        await query.answer(t._("This button is no longer valid."))
        return
    press = cb.decode(query.data)
    advisory = svc.knowledge.get().advisories.get(press.code) if press else None
    if press is None or advisory is None or open_review(svc.db, press.code) is None:
        await query.answer(t._("This button is no longer valid."))
        return
    who = f"telegram:{user.id}"
    country = t.country(press.code)
    if press.value == "keep" or advisory.curated_level is None:
        with write_transaction(svc.db):
            decide(svc.db, press.code, "keep", who)
        await query.answer(t._("Kept."))
        await query.edit_message_text(
            t._("{country}: the curated level stays; nothing was sent.").format(country=country),
            parse_mode=None,
        )
        return
    report = follow_officials(svc, press.code, who)
    with write_transaction(svc.db):
        decide(svc.db, press.code, "follow", who)
    svc.knowledge.invalidate()
    if report:
        svc.wake_sender()
    log.info("maintainer %s dropped the curated level of %s", user.id, press.code)
    await query.answer(t._("Done."))
    await query.edit_message_text(
        t._(
            "{country} now follows the official levels. Run `vigie data export` and commit, so"
            " the files agree."
        ).format(country=country),
        parse_mode=None,
    )


def follow_officials(svc: BotData, code: str, who: str) -> int:
    """Drop the curated level of `code` through the publish machinery; return events made."""

    def compute(
        published: dict[str, Advisory],
    ) -> tuple[dict[str, Advisory], dict[str, Text]]:
        current = published.get(code)
        if current is None or current.curated_level is None:
            return {}, {}
        new = replace(current, curated_level=None)
        note = Text(
            *(
                tr(lang)._(FOLLOWED).format(country=tr(lang).country(code), level=new.level)
                for lang in ("en", "fr")
            )
        )
        return {code: new}, {code: note}

    return publish_advisories(svc.db, compute, who=who, now=dt.datetime.now(dt.UTC)).events
