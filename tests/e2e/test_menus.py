"""End to end: at start the bot sets its descriptions and command menus (private chats, groups,
maintainers) in English and French, with valid requests, only where they differ, and runs on
when Telegram refuses them."""

from __future__ import annotations

import asyncio
import json
import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from telegram.ext import Application

from bot.config import Settings
from tests.conftest import DATA

from .botapi_spec import BotApiSpec
from .conftest import MAINTAINER, TOKEN, start_bot, stop_bot
from .fake_botapi import FakeBotApi

USER = 7171
SETTERS = ("setMyDescription", "setMyShortDescription", "setMyCommands")


@pytest.fixture
async def api(spec: BotApiSpec) -> AsyncIterator[FakeBotApi]:
    async with FakeBotApi(spec, reject_invalid=True) as fake:
        yield fake
        assert fake.violations == [], fake.violations


@pytest.fixture
def settings(api: FakeBotApi, published_db: Path, tmp_path: Path) -> Settings:
    db_path = tmp_path / "vigie.db"
    shutil.copy(published_db, db_path)
    return Settings(
        data_dir=DATA,
        db_path=db_path,
        token=TOKEN,
        base_url=api.url,
        maintainers=frozenset({MAINTAINER}),
        push_chat_rate=30.0,
    )


def menu(api: FakeBotApi, scope: dict[str, object], lang: str = "") -> dict[str, str]:
    """The commands Telegram holds for a scope and language, as a name → description map."""
    key = (json.dumps(scope, sort_keys=True), lang)
    return {c["command"]: c["description"] for c in api.commands.get(key, [])}


async def set_up(app: Application) -> None:  # type: ignore[type-arg]
    """Wait until the bot's start-up menus are done (they run beside the first answers)."""
    task = app.bot_data.menus
    assert task is not None
    await asyncio.wait_for(task, timeout=10)


async def test_descriptions_in_english_by_default_and_in_french(
    api: FakeBotApi, settings: Settings
) -> None:
    app = await start_bot(settings)
    try:
        await set_up(app)
    finally:
        await stop_bot(app)
    english = api.descriptions[("description", "")]
    french = api.descriptions[("description", "fr")]
    assert "travellers" in english and "voyageurs" in french
    assert len(english) <= 512 and len(french) <= 512
    short_en = api.descriptions[("short_description", "")]
    short_fr = api.descriptions[("short_description", "fr")]
    assert short_en.startswith("How safe") and short_fr.startswith("Votre destination")
    assert len(short_en) <= 120 and len(short_fr) <= 120


async def test_private_group_and_maintainer_menus_in_both_languages(
    api: FakeBotApi, settings: Settings
) -> None:
    app = await start_bot(settings)
    try:
        await set_up(app)
    finally:
        await stop_bot(app)
    default, groups = {"type": "default"}, {"type": "all_group_chats"}
    maintainer = {"type": "chat", "chat_id": MAINTAINER}
    for lang in ("", "fr"):
        private = menu(api, default, lang)
        assert {"start", "advisory", "subscribe", "forget"} <= private.keys()
        assert "alert" not in private
        group = menu(api, groups, lang)
        assert {"advisory", "hotspots", "subscribe"} <= group.keys()
        assert "start" not in group and "forget" not in group
        assert "alert" in menu(api, maintainer, lang)
        assert private.keys() <= menu(api, maintainer, lang).keys()
    assert menu(api, groups)["subscribe"] == "Alerts for this group (admins)"
    assert menu(api, groups, "fr")["subscribe"] == "Alertes pour ce groupe (admins)"
    assert menu(api, default, "fr")["help"] != menu(api, default)["help"]


async def test_a_second_start_changes_nothing(api: FakeBotApi, settings: Settings) -> None:
    app = await start_bot(settings)
    try:
        await set_up(app)
    finally:
        await stop_bot(app)
    written = sum(len(api.calls(method)) for method in SETTERS)
    assert written == 2 * (2 + 3)  # per language: 2 descriptions, 3 menus
    app = await start_bot(settings)
    try:
        await set_up(app)
    finally:
        await stop_bot(app)
    assert sum(len(api.calls(method)) for method in SETTERS) == written


async def test_refused_menus_never_stop_the_bot(api: FakeBotApi, settings: Settings) -> None:
    api.fail_next("setMyDescription", "500", count=2)
    api.fail_next("setMyCommands", "400", count=2, description="Bad Request: chat not found")
    app = await start_bot(settings)
    try:
        await set_up(app)
        api.push_text(USER, "is it safe to go to Mali?")
        [card] = await api.wait_for_messages(USER, 1)
        assert "Mali" in card["text"]
    finally:
        await stop_bot(app)
    assert ("description", "") not in api.descriptions  # both languages refused…
    assert ("short_description", "fr") in api.descriptions  # …the rest still set


async def test_a_long_429_on_the_menus_neither_delays_answers_nor_stop(
    api: FakeBotApi, settings: Settings
) -> None:
    api.fail_next("getMyDescription", "429", count=2, retry_after=3600)
    app = await start_bot(settings)
    try:
        await api.wait_for(lambda: api.count_429 == 2)
        api.push_text(USER, "/start")
        [welcome, _] = await api.wait_for_messages(USER, 2)
        assert "Welcome" in welcome["text"]
    finally:
        await asyncio.wait_for(stop_bot(app), timeout=15)
