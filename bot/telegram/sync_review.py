"""The sync in the running bot: a JobQueue job that syncs the official sources in a thread of its
own (the bot keeps answering, and stops within a second even while a feed stalls), wakes the
push sender, and tells the maintainers what needs them: a source failing; an official level that
now differs from the curated one (Keep / Follow); a sync change held for a maintainer (Publish /
Discard). Each button settles the one notice it came with."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import threading
from collections.abc import Callable
from dataclasses import replace
from typing import Any, TypeVar

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
    decide_notice,
    deliveries_due,
    notice_by_id,
    open_review,
    preferred_lang,
    record_delivery,
)
from bot.store.publish import publish_advisories
from bot.store.sync_state import settle_held
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
    """The maintainers' Keep / Follow and Publish / Discard buttons (before the catch-all button
    handler)."""
    app.add_handler(CallbackQueryHandler(on_review, pattern=rf"^{cb.REVIEW}:"))
    app.add_handler(CallbackQueryHandler(on_held, pattern=rf"^{cb.HELD}:"))


def _sync_now(settings: Settings, stop: threading.Event, only: str | None = None) -> SyncReport:
    """One sync on its own connection (this runs in the sync's own thread)."""
    db = open_db(settings.db_path)
    try:
        return run_sync(
            db,
            settings.data_dir,
            now=dt.datetime.now(dt.UTC),
            only=only,
            base_url=settings.sync_base_url,
            contact=settings.sync_contact,
            backoff=settings.sync_retry_wait,
            stop=stop,
        )
    finally:
        db.close()


T = TypeVar("T")


async def in_own_thread(app: VigieApp, work: Callable[[threading.Event], T]) -> T | None:
    """Run `work` in a daemon thread; None if the application stops first (the thread is told
    to stop, and can never keep the process alive: PTB waits for running jobs, so a job waiting
    on a stalled feed would hold the bot past systemd's kill)."""
    loop = asyncio.get_running_loop()
    done: asyncio.Future[T] = loop.create_future()
    stop = threading.Event()

    def settle(result: T | None, error: BaseException | None) -> None:
        if done.done():
            return
        if error is not None:
            done.set_exception(error)
        else:
            done.set_result(result)  # type: ignore[arg-type]

    def target() -> None:
        try:
            result, error = work(stop), None
        except BaseException as exc:  # handed to the awaiting job
            result, error = None, exc
        with contextlib.suppress(RuntimeError):  # the loop is gone: the bot stopped
            loop.call_soon_threadsafe(settle, result, error)

    threading.Thread(target=target, name="vigie-sync", daemon=True).start()
    while not done.done():
        if not app.running:
            stop.set()
            return None
        await asyncio.wait({done}, timeout=0.2)
    return done.result()


async def sync_job(context: Context) -> None:
    """Sync in a thread of its own (the bot keeps answering), then push and tell the
    maintainers. Without network this logs one line, never a traceback."""
    await _sync_and_tell(context.application)


async def _sync_and_tell(app: VigieApp, only: str | None = None) -> SyncReport | None:
    svc = app.bot_data
    if svc.syncing:
        return None
    svc.syncing = True
    try:
        report = await in_own_thread(app, lambda stop: _sync_now(svc.settings, stop, only))
    except Exception as error:  # the bot must keep answering whatever a sync meets
        log.warning("sync: failed (%s); the advice held is kept", type(error).__name__)
        return None
    finally:
        svc.syncing = False
    if report is None:
        log.info("sync: stopped with the bot; nothing of this run was applied")
        return None
    if report.failed or report.held_runs:
        log.warning("sync: %s", report.summary())
    else:
        log.info("sync: %s", report.summary())
    if report.changed:
        svc.knowledge.invalidate()
        svc.wake_sender()
    await send_notices(app)
    return report


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
    if notice.kind == "held":
        return _render_held(notice, t, source)
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
                cb.encode(cb.REVIEW, code, "keep", ref=str(notice.id)),
            ),
        ),
        (
            Button(
                t._("Follow the officials"),
                cb.encode(cb.REVIEW, code, "follow", ref=str(notice.id)),
            ),
        ),
    )
    return text, buttons


def _render_held(notice: Notice, t: Tr, source: str) -> tuple[str, tuple[tuple[Button, ...], ...]]:
    p = notice.params
    text = t._(
        "{source}: the sync held back a change for a maintainer ({why}). It would change"
        " {destinations} destination(s) and {headlines} headline level(s){examples}. Nothing of it"
        " is published or pushed until one of you confirms."
    ).format(
        source=source,
        why=p.get("why", ""),
        destinations=p.get("destinations", 0),
        headlines=p.get("headlines", 0),
        examples=f" ({', '.join(p['examples'])})" if p.get("examples") else "",
    )
    ref = str(notice.id)
    buttons = (
        (Button(t._("Publish it"), cb.encode(cb.HELD, value="confirm", ref=ref)),),
        (Button(t._("Discard it"), cb.encode(cb.HELD, value="discard", ref=ref)),),
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
    notice = _shown_review(svc, press) if press else None
    if press is None or advisory is None or notice is None:
        await query.answer(t._("This button is no longer valid."))
        return
    who = f"telegram:{user.id}"
    country = t.country(press.code)
    if press.value == "keep" or advisory.curated_level is None:
        with write_transaction(svc.db):
            decide_notice(svc.db, notice.id, "keep", who)
        await query.answer(t._("Kept."))
        await query.edit_message_text(
            t._("{country}: the curated level stays; nothing was sent.").format(country=country),
            parse_mode=None,
        )
        return
    report = follow_officials(svc, press.code, who)
    with write_transaction(svc.db):
        decide_notice(svc.db, notice.id, "follow", who)
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


def _shown_review(svc: BotData, press: cb.Callback) -> Notice | None:
    """The open review this button was sent with (an older button without its notice: the
    latest open review of its destination)."""
    if not press.ref:
        return open_review(svc.db, press.code)
    notice = notice_by_id(svc.db, int(press.ref))
    if notice is None or notice.kind != "review" or notice.decision:
        return None
    return notice if notice.params.get("code") == press.code else None


async def on_held(update: Update, context: Context) -> None:
    """A maintainer pressed Publish or Discard under a held sync change: it settles that change
    only; Publish syncs the source again at once and publishes the change if the feed still says
    the same (a feed that changed meanwhile is judged afresh)."""
    svc = context.vigie
    query, user = update.callback_query, update.effective_user
    if query is None or user is None:
        return
    t = tr(preferred_lang(svc.db, user.id))
    press = cb.decode(query.data)
    if user.id not in svc.settings.maintainers or press is None:
        await query.answer(t._("This button is no longer valid."))
        return
    with write_transaction(svc.db):
        params = settle_held(svc.db, int(press.ref), press.value, f"telegram:{user.id}")
    if params is None:
        await query.answer(t._("This change was already settled."))
        return
    names = {k: v.name for k, v in read_levels(svc.settings.data_dir).items()}
    source = names[params["source"]].get(t.lang) if params["source"] in names else params["source"]
    log.info("maintainer %s: %s the held change of %s", user.id, press.value, params["source"])
    if press.value == "discard":
        await query.answer(t._("Discarded."))
        await query.edit_message_text(
            t._("{source}: the held change was discarded; nothing was published.").format(
                source=source
            ),
            parse_mode=None,
        )
        return
    await query.answer(t._("Publishing…"))
    report = await _sync_and_tell(context.application, params["source"])
    if report is not None and not report.held_runs and not report.failed:
        text = t._("{source}: the held change is published ({count} destination(s)).").format(
            source=source, count=len(report.changed)
        )
    else:
        text = t._(
            "{source}: confirmed, but the feed could not be applied now; the next sync publishes"
            " it if the feed still says the same."
        ).format(source=source)
    await query.edit_message_text(text, parse_mode=None)
