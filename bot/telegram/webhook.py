"""The webhook server: Telegram posts updates here (PTB's custom-webhook pattern, on aiohttp).

A request must carry the secret token; it is checked from the headers, before any of the body is
read, and a refused connection is closed at once. Bodies are capped (1 MB: Telegram's updates are
a few KB); a body that is not an update gets 400. Accepted updates go to the Application's
update_queue, as PTB's own webhook server does.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
import signal
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from typing import Any

from aiohttp import web
from telegram import Update
from telegram.ext import Application

from bot.telegram.context import BotData
from bot.telegram.updates import skipped, unreadable, update_id_of

log = logging.getLogger(__name__)

MAX_BODY = 1024 * 1024
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


def _refuse(status: int, reason: str) -> web.Response:
    response = web.Response(status=status, text=reason)
    response.force_close()  # do not drain the rest of an unwanted body
    return response


def _as_update(data: Any, app: Application) -> Update | None:
    """The update in a decoded body, or None when it is not one (logged once, without its
    text: bot/telegram/updates.py)."""
    why = unreadable(data)
    if why is not None:
        skipped(update_id_of(data), why)
        return None
    return Update.de_json(data, app.bot)


def webhook_app(
    app: Application,
    secret: str,
    *,
    path: str = "/telegram",
    max_body: int = MAX_BODY,
) -> web.Application:
    """The aiohttp application that receives Telegram's POSTs on `path`."""
    expected = secret.encode()

    async def receive(request: web.Request) -> web.Response:
        given = request.headers.get(SECRET_HEADER, "").encode()
        if not hmac.compare_digest(given, expected):
            return _refuse(403, "forbidden")
        if request.content_length is not None and request.content_length > max_body:
            return _refuse(413, "too large")
        try:
            data: Any = json.loads(await request.read())
        except web.HTTPRequestEntityTooLarge:
            return _refuse(413, "too large")
        except (ValueError, RecursionError):  # not JSON, not UTF-8, or nested too deep
            data = None
        update = _as_update(data, app)
        if update is None:
            return web.Response(status=400, text="not a Telegram update")
        await app.update_queue.put(update)
        return web.Response(text="ok")

    server = web.Application(client_max_size=max_body)
    server.router.add_post(path, receive)
    return server


@asynccontextmanager
async def serving(
    app: Application,
    options: dict[str, Any],
) -> AsyncIterator[None]:
    """Listen on options' listen/port, then tell Telegram where to post (with the secret)."""
    path = "/" + options["url_path"]
    runner = web.AppRunner(webhook_app(app, options["secret_token"], path=path))
    await runner.setup()
    try:
        await web.TCPSite(runner, options["listen"], options["port"]).start()
        await app.bot.set_webhook(
            options["webhook_url"],
            secret_token=options["secret_token"],
            allowed_updates=options.get("allowed_updates"),
        )
        log.info("webhook listening on %s:%s", options["listen"], options["port"])
        yield
    finally:
        await runner.cleanup()


async def run_webhook(
    app: Application[Any, Any, Any, Any, BotData, Any],
    options: dict[str, Any],
) -> None:
    """Run until SIGINT / SIGTERM (or a rejected token): start the Application, serve the
    webhook, then stop in order, as Application.run_webhook does."""
    stop = asyncio.Event()
    app.bot_data.webhook_stop = stop
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with suppress(NotImplementedError):
            loop.add_signal_handler(sig, stop.set)
    await app.initialize()
    try:
        if app.post_init is not None:
            await app.post_init(app)
        await app.start()
        try:
            async with serving(app, options):
                await stop.wait()
        finally:
            await app.stop()
            if app.post_stop is not None:
                await app.post_stop(app)
    finally:
        await app.shutdown()
