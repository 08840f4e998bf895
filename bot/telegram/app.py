"""Building and running the python-telegram-bot Application: the one place handlers are wired."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from typing import Any

from telegram import BotCommand, LinkPreviewOptions, Update
from telegram.constants import ParseMode
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    Defaults,
    InlineQueryHandler,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot.config import Settings
from bot.core.answer import MAINTAINER_COMMANDS
from bot.i18n import N_, tr
from bot.push.jobs import end_trips, send_digests
from bot.push.sender import OutboxSender, SenderSettings
from bot.push.transport import BotApiTransport
from bot.store.db import open_db
from bot.telegram import alerts
from bot.telegram import handlers as h
from bot.telegram.context import CONTEXT_TYPES, BotData, Context
from bot.telegram.ordering import PerChatOrder

log = logging.getLogger(__name__)

COMMANDS = (
    ("start", N_("Start, choose your language")),
    ("advisory", N_("Advice for a destination: /advisory Mali")),
    ("subscribe", N_("Get alerts for a destination")),
    ("unsubscribe", N_("Stop alerts for a destination")),
    ("subscriptions", N_("What you follow")),
    ("hotspots", N_("Destinations to avoid")),
    ("language", N_("Français / English")),
    ("forget", N_("Delete everything about you")),
    ("help", N_("What Vigie can do")),
)


_redacted_tokens: set[str] = set()


def install_token_redaction(token: str) -> None:
    """Replace the bot token in every log record, whoever logs it (httpx logs request URLs,
    which carry the token), from the moment the record is made."""
    if not token or token in _redacted_tokens:
        return
    if not _redacted_tokens:
        make_record = logging.getLogRecordFactory()

        def redacting_factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
            record = make_record(*args, **kwargs)
            message = record.getMessage()
            if any(t in message for t in _redacted_tokens):
                for secret in _redacted_tokens:
                    message = message.replace(secret, "<token>")
                record.msg, record.args = message, ()
            return record

        logging.setLogRecordFactory(redacting_factory)
    _redacted_tokens.add(token)


def setup_logging(token: str, level: int = logging.INFO) -> None:
    """One line per event, never the token."""
    logging.basicConfig(format="%(asctime)s %(levelname)s %(name)s: %(message)s", level=level)
    logging.getLogger("httpx").setLevel(logging.WARNING)
    install_token_redaction(token)


VigieApp = Application[Any, Context, Any, Any, BotData, Any]
DEFAULTS = Defaults(
    parse_mode=ParseMode.HTML, link_preview_options=LinkPreviewOptions(is_disabled=True)
)


async def register_commands(app: VigieApp) -> None:
    """The command menu in English and in French."""
    for lang in ("en", "fr"):
        t = tr(lang)
        commands = [BotCommand(name, t._(description)) for name, description in COMMANDS]
        await app.bot.set_my_commands(commands, language_code=None if lang == "en" else lang)


async def start_background(app: VigieApp) -> None:
    """Start the push sender and the scheduled jobs (digest, end of trips)."""
    vigie = app.bot_data
    settings = vigie.settings
    if vigie.transport is None:
        vigie.transport = await BotApiTransport(settings.token, settings.base_url).__aenter__()
    vigie.sender = OutboxSender(
        vigie.transport,
        vigie.db,
        vigie.knowledge,
        SenderSettings(rate=settings.push_rate, chat_rate=settings.push_chat_rate),
    )
    vigie.sender_task = asyncio.create_task(vigie.sender.run(), name="vigie-sender")
    if app.job_queue is not None:
        app.job_queue.run_daily(
            _digest_job, time=dt.time(hour=settings.digest_hour, tzinfo=dt.UTC), name="digest"
        )
        app.job_queue.run_repeating(_trips_job, interval=3600, first=5, name="trips")


async def stop_background(app: VigieApp) -> None:
    """Let the sender finish the messages in flight."""
    vigie = app.bot_data
    sender, task = vigie.sender, vigie.sender_task
    vigie.sender = vigie.sender_task = None
    if sender is not None and task is not None:
        sender.stop()
        await asyncio.wait_for(task, timeout=30)
    transport, vigie.transport = vigie.transport, None
    if transport is not None:
        await transport.__aexit__(None, None, None)


async def _digest_job(context: Context) -> None:
    count = send_digests(context.vigie.db, dt.datetime.now(dt.UTC).date())
    log.info("daily digest: %d held change(s) queued", count)
    context.vigie.wake_sender()


async def _trips_job(context: Context) -> None:
    now = dt.datetime.now(dt.UTC)
    if end_trips(context.vigie.db, now.date(), now):
        context.vigie.wake_sender()


async def on_ready(app: VigieApp) -> None:
    """post_init: commands, the advisories and place index loaded, background work, then one log
    line saying the bot is ready."""
    app.bot_data.knowledge.get()  # build the place index now, not on the first traveller's message
    await register_commands(app)
    await start_background(app)
    log.info("Vigie is ready as @%s", app.bot.username)


def build_application(settings: Settings) -> VigieApp:
    """The Application with every handler, talking to TELEGRAM_BASE_URL when it is set."""
    builder = (
        ApplicationBuilder()
        .token(settings.token)
        .context_types(CONTEXT_TYPES)
        .defaults(DEFAULTS)
        .concurrent_updates(PerChatOrder())
        .post_init(on_ready)
        .post_stop(stop_background)
    )
    if settings.base_url:
        base = settings.base_url.rstrip("/")
        builder = builder.base_url(f"{base}/bot").base_file_url(f"{base}/file/bot")
    install_token_redaction(settings.token)
    app = builder.build()
    app.bot_data.setup(settings, open_db(settings.db_path))
    add_handlers(app, settings)
    return app


def add_handlers(app: VigieApp, settings: Settings) -> None:
    """Wire every handler (in groups, commands work as /cmd@bot; edited messages are ignored)."""
    new = h.NEW_MESSAGE
    app.add_handler(TypeHandler(Update, h.flood_gate), group=-1)
    if settings.maintainers:
        maintainers = filters.User(user_id=sorted(settings.maintainers))
        app.add_handler(alerts.alert_conversation(maintainers))
    app.add_handler(CommandHandler([name for name, _ in COMMANDS], h.on_command, filters=new))
    for command in MAINTAINER_COMMANDS:
        app.add_handler(CommandHandler(command, h.on_maintainer_only, filters=new))
    app.add_handler(CallbackQueryHandler(h.on_button))
    app.add_handler(InlineQueryHandler(h.on_inline_query))
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
        "allowed_updates": Update.ALL_TYPES,
    }


def run_bot(settings: Settings, *, webhook_url: str | None, listen: str, port: int) -> None:
    """Run until stopped: long polling, or a webhook whose requests must carry the secret token."""
    setup_logging(settings.token)
    app = build_application(settings)
    if webhook_url:
        app.run_webhook(**webhook_options(settings, webhook_url, listen, port))
    else:
        app.run_polling(allowed_updates=Update.ALL_TYPES)
