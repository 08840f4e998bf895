"""Webhook mode: Telegram posts updates to us, each carrying the secret token."""

from __future__ import annotations

import dataclasses
import shutil
import socket
from pathlib import Path

import aiohttp
import pytest

from bot.config import Settings
from bot.telegram.app import build_application, on_ready, stop_background, webhook_options
from tests.conftest import DATA

from .botapi_spec import BotApiSpec
from .conftest import TOKEN
from .fake_botapi import FakeBotApi


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def test_webhook_answers_with_the_secret_and_refuses_without(
    spec: BotApiSpec, published_db: Path, tmp_path: Path
) -> None:
    db_path = tmp_path / "vigie.db"
    shutil.copy(published_db, db_path)
    port = free_port()
    async with FakeBotApi(spec, privacy_mode=False) as api:
        settings = Settings(
            data_dir=DATA,
            db_path=db_path,
            token=TOKEN,
            base_url=api.url,
            webhook_secret="s3cret-Token_1",
        )
        app = build_application(settings)
        await app.initialize()
        await on_ready(app)
        await app.start()
        assert app.updater is not None
        options = webhook_options(settings, f"http://127.0.0.1:{port}", "127.0.0.1", port)
        options.pop("allowed_updates")
        await app.updater.start_webhook(**options)
        try:
            [call] = api.calls("setWebhook")
            assert call.params["secret_token"] == "s3cret-Token_1"
            api.push_text(7001, "is Niger safe?")
            [reply] = await api.wait_for_messages(7001, 1, timeout=10)
            assert "Niger" in reply["text"]
            async with aiohttp.ClientSession() as session:
                forged = {"update_id": 1, "message": {"message_id": 1}}
                async with session.post(
                    f"http://127.0.0.1:{port}/telegram", json=forged
                ) as response:
                    assert response.status == 403
        finally:
            await app.updater.stop()
            await stop_background(app)
            await app.stop()
            await app.shutdown()
    assert api.violations == []


def test_webhook_mode_needs_a_secret(tmp_path: Path) -> None:
    settings = Settings(data_dir=DATA, db_path=tmp_path / "v.db", token=TOKEN)
    with pytest.raises(SystemExit, match="VIGIE_WEBHOOK_SECRET"):
        webhook_options(settings, "https://bot.example.org", "127.0.0.1", 8443)
    ok = dataclasses.replace(settings, webhook_secret="abc")
    assert webhook_options(ok, "https://bot.example.org/", "127.0.0.1", 8443)["webhook_url"] == (
        "https://bot.example.org/telegram"
    )
