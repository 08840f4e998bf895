"""Building and running the python-telegram-bot Application: the one place handlers are wired."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import os
import sqlite3
import sys
from collections.abc import Callable
from http import HTTPStatus
from typing import Any

from telegram import LinkPreviewOptions, Update
from telegram.constants import ParseMode
from telegram.error import InvalidToken
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    ChatMemberHandler,
    CommandHandler,
    Defaults,
    InlineQueryHandler,
    MessageHandler,
    TypeHandler,
    filters,
)
from telegram.request import HTTPXRequest

from bot.config import Settings
from bot.core.answer import MAINTAINER_COMMANDS
from bot.push.jobs import end_trips, send_digests
from bot.push.pacing import SendBudget
from bot.push.sender import OutboxSender, SenderSettings
from bot.push.transport import BotApiTransport
from bot.push.watchdog import Watchdog
from bot.store.db import BOT_BUSY_TIMEOUT, claim_database, open_db
from bot.store.unmatched import KEEP_DAYS, purge_unmatched
from bot.telegram import alerts, membership, menus, sync_review, webhook
from bot.telegram import handlers as h
from bot.telegram.context import CONTEXT_TYPES, BotData, Context
from bot.telegram.menus import COMMANDS
from bot.telegram.ordering import PerChatOrder
from bot.telegram.ratelimit import SharedRateLimiter
from bot.telegram.updates import readable_updates

log = logging.getLogger(__name__)

_redacted_tokens: set[str] = set()
TOKEN_REJECTED = (
    "Telegram rejected TELEGRAM_BOT_TOKEN: the token is wrong or was revoked."
    " Get the current one from @BotFather (/token) and put it in the environment or .env."
)


def redact(text: str) -> str:
    """`text` with every registered token replaced by <token>."""
    for secret in _redacted_tokens:
        text = text.replace(secret, "<token>")
    return text


def install_token_redaction(token: str) -> None:
    """Replace the bot token in every log record, whoever logs it (httpx logs request URLs,
    which carry the token), from the moment the record is made: its message, and the text of
    its traceback and stack (PTB puts the token in InvalidToken's message)."""
    if not token or token in _redacted_tokens:
        return
    if not _redacted_tokens:
        make_record = logging.getLogRecordFactory()
        tracebacks = logging.Formatter()

        def redacting_factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
            record = make_record(*args, **kwargs)
            message = record.getMessage()
            if any(t in message for t in _redacted_tokens):
                record.msg, record.args = redact(message), ()
            if record.exc_info and record.exc_info[0] is not None:
                # Formatters use exc_text when it is set: format the traceback once, redacted.
                record.exc_text = redact(tracebacks.formatException(record.exc_info))
            if record.stack_info:
                record.stack_info = redact(record.stack_info)
            return record

        logging.setLogRecordFactory(redacting_factory)
    _redacted_tokens.add(token)


class _WithoutInvalidToken(logging.Filter):
    """Drop PTB's own report of a rejected token (a traceback): `vigie run` says it in one line."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not (record.exc_info and isinstance(record.exc_info[1], InvalidToken))


def setup_logging(token: str, level: int = logging.INFO) -> None:
    """One line per event, never the token."""
    logging.basicConfig(format="%(asctime)s %(levelname)s %(name)s: %(message)s", level=level)
    logging.getLogger("httpx").setLevel(logging.WARNING)
    for handler in logging.getLogger().handlers:
        handler.addFilter(_WithoutInvalidToken())
    install_token_redaction(token)


class TokenGuardRequest(HTTPXRequest):
    """PTB's HTTP client, noticing when Telegram answers 401 Unauthorized: the token is wrong or
    was revoked, and nothing will work until a maintainer changes it."""

    def __init__(self, on_rejected: Callable[[], None], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._on_rejected = on_rejected

    async def do_request(self, *args: Any, **kwargs: Any) -> tuple[int, bytes]:
        status, payload = await super().do_request(*args, **kwargs)
        if status == HTTPStatus.UNAUTHORIZED:
            self._on_rejected()
        return status, payload


class UpdatesRequest(TokenGuardRequest):
    """The getUpdates client: an update PTB cannot read is skipped rather than wedging long
    polling (bot/telegram/updates.py)."""

    async def do_request(self, *args: Any, **kwargs: Any) -> tuple[int, bytes]:
        status, payload = await super().do_request(*args, **kwargs)
        url = str(args[0] if args else kwargs.get("url", ""))
        if status == HTTPStatus.OK and url.endswith("/getUpdates"):
            payload, readable = readable_updates(payload)
            if not readable:
                return HTTPStatus.BAD_GATEWAY, payload
        return status, payload


VigieApp = Application[Any, Context, Any, Any, BotData, Any]
DEFAULTS = Defaults(
    parse_mode=ParseMode.HTML, link_preview_options=LinkPreviewOptions(is_disabled=True)
)


def _token_rejected(app: VigieApp) -> None:
    """Stop `run_polling` / `run_webhook`: `run_bot` then exits non-zero, so systemd restarts us
    (and keeps failing loudly until the token is fixed)."""
    vigie = app.bot_data
    if vigie.token_rejected:
        return  # already stopping (the shutdown's own requests are rejected too)
    vigie.token_rejected = True
    if vigie.webhook_stop is not None:
        vigie.webhook_stop.set()
    else:
        app.stop_running()


# ---- Telegram's own features (issue 18): descriptions and menus set in the background at
# start (bot/telegram/menus.py), membership changes (bot/telegram/membership.py).


def start_menus(app: VigieApp) -> None:
    """Set the descriptions and command menus without delaying the first answers."""
    vigie = app.bot_data

    async def set_up() -> None:
        try:
            await menus.set_up_menus(app.bot, vigie.settings.maintainers)
        except Exception:  # never let the menus stop the bot
            log.exception("could not set the descriptions and menus")

    vigie.menus = asyncio.create_task(set_up(), name="vigie-menus")


async def stop_menus(app: VigieApp) -> None:
    """Stop setting the menus (a 429 may have it waiting for hours)."""
    task, app.bot_data.menus = app.bot_data.menus, None
    if task is not None and not task.done():
        task.cancel()
        await asyncio.wait([task], timeout=5)  # never raises: the cancellation stays the task's


# Every update kind, my_chat_member (membership.py) and inline queries included: for polling and
# for the webhook.
ALLOWED_UPDATES = Update.ALL_TYPES


def add_membership_handlers(app: VigieApp) -> None:
    """Blocked, unblocked, added to a group, removed from one (`my_chat_member` updates, which
    run_bot's allowed_updates include)."""
    app.add_handler(
        ChatMemberHandler(membership.on_my_chat_member, ChatMemberHandler.MY_CHAT_MEMBER)
    )


async def start_background(app: VigieApp) -> None:
    """Start the push sender (under a watchdog) and the scheduled jobs (digest, end of trips)."""
    vigie = app.bot_data
    settings = vigie.settings
    if vigie.transport is None:
        vigie.transport = await BotApiTransport(settings.token, settings.base_url).__aenter__()
    sender = OutboxSender(
        vigie.transport,
        vigie.db,
        vigie.knowledge,
        SenderSettings(
            rate=settings.push_rate, chat_rate=settings.push_chat_rate, maps=settings.push_maps
        ),
        budget=vigie.budget,
    )
    vigie.sender = sender
    vigie.watchdog = Watchdog("vigie-sender", sender.run, sender.stop)
    vigie.watchdog.start()
    if app.job_queue is not None:
        app.job_queue.run_daily(
            _digest_job, time=dt.time(hour=settings.digest_hour, tzinfo=dt.UTC), name="digest"
        )
        app.job_queue.run_repeating(_trips_job, interval=3600, first=5, name="trips")
        app.job_queue.run_daily(_purge_job, time=dt.time(hour=3, tzinfo=dt.UTC), name="purge")
        app.job_queue.run_repeating(_kept_writes_job, interval=2, first=2, name="turn-writes")
    sync_review.schedule(app, settings)


async def stop_background(app: VigieApp) -> None:
    """Let the sender finish the messages in flight, and write what conversations kept."""
    vigie = app.bot_data
    await stop_menus(app)
    if not vigie.conversations.retry_writes(wait=5.0):
        log.error(
            "%d conversation write(s) lost: the database stayed locked",
            vigie.conversations.writes_kept,
        )
    watchdog, vigie.watchdog, vigie.sender = vigie.watchdog, None, None
    if watchdog is not None:
        await watchdog.stop(timeout=30)
    transport, vigie.transport = vigie.transport, None
    if transport is not None:
        await transport.__aexit__(None, None, None)


JOB_RETRY = 60.0  # seconds before a job the database refused runs again


async def _digest_job(context: Context) -> None:
    try:
        count = send_digests(context.vigie.db, dt.datetime.now(dt.UTC).date())
    except sqlite3.Error as error:
        log.warning("daily digest: database error (%s); trying again in %.0f s", error, JOB_RETRY)
        if context.jobs is not None:
            context.jobs.run_once(_digest_job, JOB_RETRY, name="digest-retry")
        return
    log.info("daily digest: %d held change(s) queued", count)
    context.vigie.wake_sender()


async def _trips_job(context: Context) -> None:
    now = dt.datetime.now(dt.UTC)
    try:
        ended = end_trips(context.vigie.db, now.date(), now)
    except sqlite3.Error as error:
        log.warning("end of trips: database error (%s); trying again in %.0f s", error, JOB_RETRY)
        if context.jobs is not None:
            context.jobs.run_once(_trips_job, JOB_RETRY, name="trips-retry")
        return
    if ended:
        context.vigie.wake_sender()


async def _kept_writes_job(context: Context) -> None:
    """Write what turns kept while another process held the database's write lock."""
    context.vigie.conversations.retry_writes()


async def _purge_job(context: Context) -> None:
    purged = purge_unmatched(context.vigie.db, dt.datetime.now(dt.UTC))
    log.info("unmatched messages older than %d days deleted: %d", KEEP_DAYS, purged)


async def on_ready(app: VigieApp) -> None:
    """post_init: commands, the advisories and place index loaded, background work, then one log
    line saying the bot is ready."""
    vigie = app.bot_data
    vigie.knowledge.get()  # build the place index now, not on the first traveller's message
    purge_unmatched(vigie.db, dt.datetime.now(dt.UTC))
    start_menus(app)
    await start_background(app)
    log.info("Vigie is ready as @%s", app.bot.username)


def build_application(settings: Settings) -> VigieApp:
    """The Application with every handler, talking to TELEGRAM_BASE_URL when it is set."""
    # Replies and pushes share Telegram's budget; replies go first (bot/telegram/ratelimit.py).
    budget = SendBudget(settings.push_rate, settings.push_chat_rate)
    app_ref: list[VigieApp] = []

    def rejected() -> None:
        if app_ref:
            _token_rejected(app_ref[0])

    builder = (
        ApplicationBuilder()
        .token(settings.token)
        .context_types(CONTEXT_TYPES)
        .defaults(DEFAULTS)
        .rate_limiter(SharedRateLimiter(budget))
        .concurrent_updates(PerChatOrder())
        .post_init(on_ready)
        .post_stop(stop_background)
        .request(TokenGuardRequest(rejected, connection_pool_size=256))
        .get_updates_request(UpdatesRequest(rejected, connection_pool_size=1))
    )
    if settings.base_url:
        base = settings.base_url.rstrip("/")
        builder = builder.base_url(f"{base}/bot").base_file_url(f"{base}/file/bot")
    install_token_redaction(settings.token)
    app = builder.build()
    app_ref.append(app)
    db = open_db(settings.db_path, busy_timeout=BOT_BUSY_TIMEOUT, create=False)
    app.bot_data.setup(settings, db, budget)
    add_handlers(app, settings)
    return app


def add_handlers(app: VigieApp, settings: Settings) -> None:
    """Wire every handler (in groups, commands work as /cmd@bot; edited messages are ignored)."""
    new = h.NEW_MESSAGE
    app.add_handler(TypeHandler(Update, h.flood_gate), group=-1)
    if settings.maintainers:
        maintainers = filters.User(user_id=sorted(settings.maintainers))
        app.add_handler(alerts.alert_conversation(maintainers))
        sync_review.add_handlers(app)
    app.add_handler(CommandHandler([name for name, _ in COMMANDS], h.on_command, filters=new))
    for command in MAINTAINER_COMMANDS:
        app.add_handler(CommandHandler(command, h.on_maintainer_only, filters=new))
    app.add_handler(CallbackQueryHandler(h.on_button))
    app.add_handler(InlineQueryHandler(h.on_inline_query))
    add_membership_handlers(app)
    app.add_handler(MessageHandler(new & filters.LOCATION, h.on_location))
    app.add_handler(MessageHandler(h.TEXT_FOR_US, h.on_text))
    other = (
        filters.Sticker.ALL
        | filters.PHOTO
        | filters.VOICE
        | filters.AUDIO
        | filters.VIDEO
        | filters.VIDEO_NOTE
        | filters.ANIMATION
        | filters.Document.ALL
        | filters.CONTACT
    )
    app.add_handler(MessageHandler(new & filters.ChatType.PRIVATE & other, h.on_other_message))
    app.add_error_handler(h.on_error)


def webhook_options(settings: Settings, webhook_url: str, listen: str, port: int) -> dict[str, Any]:
    """How the webhook server listens: Telegram must send the secret token with every request."""
    if not settings.webhook_secret:
        raise SystemExit(
            "webhook mode needs VIGIE_WEBHOOK_SECRET (1-256 characters: letters, digits, _ and -)"
        )
    return {
        "listen": listen,
        "port": port,
        "url_path": "telegram",
        "webhook_url": webhook_url.rstrip("/") + "/telegram",
        "secret_token": settings.webhook_secret,
        "allowed_updates": ALLOWED_UPDATES,
    }


def run_bot(settings: Settings, *, webhook_url: str | None, listen: str, port: int) -> None:
    """Run until stopped: long polling, or a webhook whose requests must carry the secret token
    (our aiohttp server: the secret is checked before the body is read). The only bot on its
    database (else AlreadyRunning), which must exist and hold published advice (else
    DatabaseProblem): the caller says so in one line."""
    instance = claim_database(settings.db_path)
    try:
        _run(settings, webhook_url=webhook_url, listen=listen, port=port)
    finally:
        instance.close()


def _run(settings: Settings, *, webhook_url: str | None, listen: str, port: int) -> None:
    setup_logging(settings.token)
    app = build_application(settings)
    try:
        if webhook_url:
            options = webhook_options(settings, webhook_url, listen, port)
            asyncio.run(webhook.run_webhook(app, options))
        else:
            app.run_polling(allowed_updates=ALLOWED_UPDATES)
    except InvalidToken:
        app.bot_data.token_rejected = True
    if app.bot_data.token_rejected:
        # One line, then out at once: tasks the stopped loop left behind (the sender, PTB's
        # fetcher) are safe to drop, as the outbox survives a crash, and finalising them would
        # only print noise after the line.
        logging.shutdown()
        print(TOKEN_REJECTED, file=sys.stderr, flush=True)
        os._exit(1)
