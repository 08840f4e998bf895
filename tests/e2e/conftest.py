"""Vigie's real Application against the fake Bot API server, on 127.0.0.1."""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from telegram.ext import Application

from bot.config import Settings
from bot.telegram.app import build_application, on_ready, stop_background
from tests.conftest import DATA

from .botapi_spec import BotApiSpec
from .fake_botapi import FakeBotApi

TOKEN = "987654:VIGIE-TEST-TOKEN-SECRET"
MAINTAINER = 900


@dataclass
class Running:
    """A running bot and the fake server it talks to."""

    api: FakeBotApi
    app: Application  # type: ignore[type-arg]
    settings: Settings


async def start_bot(settings: Settings) -> Application:  # type: ignore[type-arg]
    """Build, initialise and start polling, as `vigie run` does."""
    app = build_application(settings)
    await app.initialize()
    await on_ready(app)
    await app.start()
    assert app.updater is not None
    await app.updater.start_polling(poll_interval=0, timeout=1)
    return app


async def stop_bot(app: Application) -> None:  # type: ignore[type-arg]
    """Stop polling and shut down."""
    if app.updater is not None and app.updater.running:
        await app.updater.stop()
    await stop_background(app)
    if app.running:
        await app.stop()
    await app.shutdown()


@pytest.fixture
async def bot(spec: BotApiSpec, published_db: Path, tmp_path: Path) -> AsyncIterator[Running]:
    """Vigie running against a fresh fake server and its own copy of the database."""
    db_path = tmp_path / "vigie.db"
    shutil.copy(published_db, db_path)
    async with FakeBotApi(spec, privacy_mode=False) as api:
        settings = Settings(
            data_dir=DATA,
            db_path=db_path,
            token=TOKEN,
            base_url=api.url,
            maintainers=frozenset({MAINTAINER}),
            # This fake enforces no limit: replies to one chat need not wait a second each.
            push_chat_rate=30.0,
        )
        app = await start_bot(settings)
        try:
            yield Running(api, app, settings)
        finally:
            await stop_bot(app)
        assert api.violations == [], api.violations
