"""End to end: maps sent as photos through the fake Bot API (requests checked against the
Bot API specification): the hotspots answer, the card's 🗺 Map button, and a level-change push
that uploads its map once and sends the same file_id to every other subscriber."""

from __future__ import annotations

import datetime as dt
import io
import re
import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from PIL import Image

from bot.config import Settings
from bot.store.db import open_db
from bot.store.events import events_for
from bot.store.publish import publish
from bot.store.push_maps import stored_file_id
from tests.conftest import DATA

from .botapi_spec import BotApiSpec
from .conftest import MAINTAINER, TOKEN, Running, start_bot, stop_bot
from .fake_botapi import FakeBotApi
from .test_push import publish_change, subscribe

PNG = b"\x89PNG\r\n\x1a\n"


def buttons(message: dict) -> list[str]:
    markup = message.get("reply_markup") or {"inline_keyboard": []}
    return [b.get("callback_data", "") for row in markup["inline_keyboard"] for b in row]


async def test_hotspots_answer_sends_the_continent_map_with_the_list_as_caption(
    bot: Running,
) -> None:
    bot.api.push_text(501, "which countries should I avoid in Africa?")
    [photo] = await bot.api.wait_for_messages(501, 1, timeout=20)
    [upload] = bot.api.calls("sendPhoto")
    assert upload.files["photo"].data.startswith(PNG)
    picture = Image.open(io.BytesIO(upload.files["photo"].data))
    assert picture.width == 1200 and picture.height > 700
    assert photo["photo"]
    caption = photo["caption"]
    assert caption.startswith("Destinations to avoid in Africa")
    assert "Mali" in caption and "Level 4 – Do not travel" in caption and len(caption) <= 1024
    assert any(e["type"] == "bold" for e in photo["caption_entities"])  # parsed as HTML
    assert "h:asia" in buttons(photo)
    actions = [c.params.get("action") for c in bot.api.calls("sendChatAction")]
    assert actions == ["upload_photo"]


async def test_another_continent_under_the_map_sends_its_own_map(bot: Running) -> None:
    bot.api.push_text(506, "which countries should I avoid in Africa?")
    [photo] = await bot.api.wait_for_messages(506, 1, timeout=20)
    bot.api.push_callback(506, "h:asia", photo["message_id"])
    africa, asia = await bot.api.wait_for_messages(506, 2, timeout=20)
    assert africa["caption"].startswith("Destinations to avoid in Africa")
    assert asia["photo"] and asia["caption"].startswith("Destinations to avoid in Asia")
    assert "h:africa" in buttons(asia)
    first, second = bot.api.calls("sendPhoto")
    assert first.files["photo"].data != second.files["photo"].data


async def test_the_same_map_again_is_sent_by_file_id_without_drawing(bot: Running) -> None:
    bot.api.push_text(502, "which countries should I avoid in Africa?")
    await bot.api.wait_for_messages(502, 1, timeout=20)
    bot.api.push_text(503, "which countries should I avoid in Africa?")
    await bot.api.wait_for_messages(503, 1, timeout=20)
    first, second = bot.api.calls("sendPhoto")
    assert "photo" in first.files and not second.files
    assert second.params["photo"] == first.response["result"]["photo"][-1]["file_id"]


async def test_map_button_under_the_card_sends_the_country_map(bot: Running) -> None:
    bot.api.push_text(504, "is Mali safe?")
    [card] = await bot.api.wait_for_messages(504, 1, timeout=20)
    assert "mp:ML" in buttons(card)
    bot.api.push_callback(504, "mp:ML", card["message_id"])
    messages = await bot.api.wait_for_messages(504, 2, timeout=20)
    photo = messages[-1]
    assert photo["photo"] and "Map of Mali" in photo["caption"]
    assert buttons(photo) == ["a:ML"]  # back to the card
    [upload] = bot.api.calls("sendPhoto")
    assert upload.files["photo"].data.startswith(PNG)


async def test_map_of_mali_in_french_is_captioned_in_french(bot: Running) -> None:
    bot.api.push_text(505, "carte du Mali", language_code="fr")
    [photo] = await bot.api.wait_for_messages(505, 1, timeout=20)
    assert "Carte du Mali" in photo["caption"] and "au niveau de leur région" in photo["caption"]


@pytest.fixture
async def bot_with_push_maps(
    spec: BotApiSpec, published_db: Path, tmp_path: Path
) -> AsyncIterator[Running]:
    """The bot as `vigie run` starts it: level-change pushes carry their map."""
    db_path = tmp_path / "vigie.db"
    shutil.copy(published_db, db_path)
    async with FakeBotApi(spec, privacy_mode=False) as api:
        settings = Settings(
            data_dir=DATA,
            db_path=db_path,
            token=TOKEN,
            base_url=api.url,
            maintainers=frozenset({MAINTAINER}),
            push_chat_rate=30.0,
            push_maps=True,
        )
        app = await start_bot(settings)
        try:
            yield Running(api, app, settings)
        finally:
            await stop_bot(app)
        assert api.violations == [], api.violations


@pytest.fixture
async def bot_in_a_dangerous_world(
    spec: BotApiSpec, real_data_dir: Path, tmp_path: Path
) -> AsyncIterator[Running]:
    """Every destination's level 1 or 2 raised to 3: the hotspots list outgrows a caption."""
    for path in (real_data_dir / "destinations").glob("*.toml"):
        text = path.read_text(encoding="utf-8")
        path.write_text(re.sub(r"(?m)^level = [12]$", "level = 3", text), encoding="utf-8")
    db_path = tmp_path / "vigie.db"
    publish(
        open_db(db_path), real_data_dir, who="test", now=dt.datetime(2026, 11, 24, tzinfo=dt.UTC)
    )
    async with FakeBotApi(spec, privacy_mode=False) as api:
        settings = Settings(
            data_dir=real_data_dir,
            db_path=db_path,
            token=TOKEN,
            base_url=api.url,
            push_chat_rate=30.0,
        )
        app = await start_bot(settings)
        try:
            yield Running(api, app, settings)
        finally:
            await stop_bot(app)
        assert api.violations == [], api.violations


async def test_a_list_longer_than_a_caption_follows_its_map(
    bot_in_a_dangerous_world: Running,
) -> None:
    bot = bot_in_a_dangerous_world
    bot.api.push_text(508, "which countries should I avoid?")
    photo, text = await bot.api.wait_for_messages(508, 2, timeout=30)
    assert photo["photo"] and photo["caption"] == "Destinations to avoid"
    assert "reply_markup" not in photo  # the buttons go under the list
    assert len(text["text"]) > 1024 and "Level 3" in text["text"]
    assert "h:africa" in buttons(text)


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    folder = tmp_path / "data-copy"
    shutil.copytree(DATA, folder, ignore=shutil.ignore_patterns("*.db*"))
    return folder


async def test_level_change_uploads_the_map_once_then_sends_its_file_id(
    bot_with_push_maps: Running, data_copy: Path
) -> None:
    bot = bot_with_push_maps
    users = list(range(40_001, 40_016))
    db = open_db(bot.settings.db_path)
    subscribe(db, users, "ML", lang="en")
    publish_change(bot, data_copy)
    await bot.api.wait_for(lambda: all(bot.api.sent_messages(u) for u in users), timeout=30)
    await bot.api.idle(quiet=1.0, timeout=10)
    photos = bot.api.calls("sendPhoto")
    uploads = [c for c in photos if "photo" in c.files]
    assert len(uploads) == 1 and uploads[0].files["photo"].data.startswith(PNG)
    file_id = uploads[0].response["result"]["photo"][-1]["file_id"]
    by_id = [c for c in photos if not c.files]
    assert len(by_id) == len(users) - 1
    assert {c.params["photo"] for c in by_id} == {file_id}
    assert bot.api.calls("sendMessage") == []
    for user in users:
        [push] = bot.api.sent_messages(user)
        assert "Mali: the travel advice level changed" in push["caption"]
        assert "Level 4 → 🟠 Level 3 – Reconsider travel" in push["caption"]
        assert "a:ML" in buttons(push)
    # Kept with the event: a sender restarted after a crash sends this file, not a new upload.
    [event] = [e for e in events_for(db, "ML") if e.kind == "level"]
    [row] = db.execute("SELECT key, file_id, event_id FROM push_maps").fetchall()
    assert row[1:] == (file_id, event.id)
    assert stored_file_id(db, row[0]) == file_id


async def test_a_location_near_a_border_asks_with_both_countries(bot: Running) -> None:
    bot.api.push_location(507, -1.690, 29.263)  # 2 km into Rwanda from Goma
    [question] = await bot.api.wait_for_messages(507, 1, timeout=20)
    assert "close to the border between" in question["text"]
    assert sorted(buttons(question)) == ["p:CD:advisory", "p:RW:advisory"]
    bot.api.push_callback(507, "p:RW:advisory", question["message_id"])
    card = (await bot.api.wait_for_messages(507, 2, timeout=20))[-1]
    assert "Rwanda" in card["text"]


async def test_each_language_gets_its_own_map_uploaded_once(
    bot_with_push_maps: Running, data_copy: Path
) -> None:
    bot = bot_with_push_maps
    english, french = [41_001, 41_002, 41_003], [42_001, 42_002, 42_003]
    db = open_db(bot.settings.db_path)
    subscribe(db, english, "ML", lang="en")
    subscribe(db, french, "ML", lang="fr")
    publish_change(bot, data_copy)
    everyone = english + french
    await bot.api.wait_for(lambda: all(bot.api.sent_messages(u) for u in everyone), timeout=30)
    await bot.api.idle(quiet=1.0, timeout=10)
    uploads = [c for c in bot.api.calls("sendPhoto") if "photo" in c.files]
    assert sorted(int(c.params["chat_id"]) // 1000 for c in uploads) == [41, 42]
    for user in french:
        [push] = bot.api.sent_messages(user)
        assert "Niveau 4 → 🟠 Niveau 3" in push["caption"]
