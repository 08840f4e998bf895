"""A push's map is uploaded once per change and then sent by file_id; the file_id survives a
restart of the sender; a map Telegram refuses never costs the push."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from sqlite_utils import Database

from bot.core.maps import MapRequest
from bot.core.reply import Button
from bot.push.maps import PushMaps, map_key
from bot.push.transport import Rejected, Unreachable
from bot.store.db import open_db, write_transaction
from bot.store.push_maps import stored_file_id

REQUEST = MapRequest("Mali", (("ML", 4),), ((4, "Level 4"),), "none", "footer", ("ML",), "ML")
PNG = b"\x89PNG fake map"


class Telegram:
    """A transport that answers like the Bot API: an upload gets a new file_id, a known
    file_id is accepted, an unknown one refused."""

    def __init__(self, *, refuse_upload: bool = False, unreachable: set[int] | None = None):
        self.uploads: list[int] = []
        self.by_id: list[tuple[int, str]] = []
        self.texts: list[int] = []
        self.files: set[str] = set()
        self.refuse_upload = refuse_upload
        self.unreachable = unreachable or set()

    async def send_photo(
        self,
        chat_id: int,
        photo: bytes | str,
        caption: str,
        buttons: tuple[tuple[Button, ...], ...],
        *,
        paid_broadcast: bool,
        timeout: float,
    ) -> tuple[int, str]:
        await asyncio.sleep(0.01)  # the network: others start meanwhile
        if chat_id in self.unreachable:
            raise Unreachable("403 Forbidden: bot was blocked by the user")
        if isinstance(photo, bytes):
            if self.refuse_upload:
                raise Rejected("400 PHOTO_INVALID_DIMENSIONS")
            self.uploads.append(chat_id)
            file_id = f"file-{len(self.uploads)}"
            self.files.add(file_id)
            return 1000 + chat_id, file_id
        if photo not in self.files:
            raise Rejected("400 Wrong file identifier/HTTP URL specified")
        self.by_id.append((chat_id, photo))
        return 1000 + chat_id, photo

    async def send_message(
        self,
        chat_id: int,
        text: str,
        buttons: tuple[tuple[Button, ...], ...],
        *,
        paid_broadcast: bool,
        timeout: float,
    ) -> int:
        self.texts.append(chat_id)
        return 2000 + chat_id


def maps_for(db: Database, telegram: Telegram) -> PushMaps:
    def record(outcome):  # type: ignore[no-untyped-def]
        with write_transaction(db):  # as the sender does at its next turn
            outcome(db)

    return PushMaps(db, telegram, record, render=lambda request: PNG)


async def send_to(maps: PushMaps, chats: list[int]) -> list[int]:
    return list(
        await asyncio.gather(
            *(
                maps.send(
                    c, REQUEST, "Mali: level 4", (), event_id=7, paid_broadcast=False, timeout=5
                )
                for c in chats
            )
        )
    )


@pytest.fixture
def db(tmp_path: Path) -> Database:
    return open_db(tmp_path / "vigie.db")


async def test_twenty_subscribers_one_upload_then_its_file_id(db: Database) -> None:
    telegram = Telegram()
    sent = await send_to(maps_for(db, telegram), list(range(1, 21)))
    assert len(telegram.uploads) == 1
    assert sorted(c for c, _ in telegram.by_id) == sorted(set(range(1, 21)) - set(telegram.uploads))
    assert {f for _, f in telegram.by_id} == {"file-1"}
    assert sorted(sent) == [1000 + c for c in range(1, 21)]
    assert stored_file_id(db, map_key(REQUEST)) == "file-1"
    row = db.execute("SELECT event_id FROM push_maps").fetchone()
    assert row == (7,)


async def test_a_restarted_sender_sends_the_stored_file_without_uploading(db: Database) -> None:
    telegram = Telegram()
    await send_to(maps_for(db, telegram), [1])
    await send_to(maps_for(db, telegram), [2, 3])  # a new sender, after a crash
    assert telegram.uploads == [1]
    assert sorted(telegram.by_id) == [(2, "file-1"), (3, "file-1")]


async def test_a_file_id_telegram_forgot_is_uploaded_again(db: Database) -> None:
    telegram = Telegram()
    await send_to(maps_for(db, telegram), [1])
    telegram.files.clear()  # another bot token: the old file_id means nothing
    await send_to(maps_for(db, telegram), [2])
    assert telegram.uploads == [1, 2]
    assert stored_file_id(db, map_key(REQUEST)) == "file-2"


async def test_a_refused_map_still_delivers_the_text(db: Database) -> None:
    telegram = Telegram(refuse_upload=True)
    sent = await send_to(maps_for(db, telegram), [1, 2])
    assert sorted(telegram.texts) == [1, 2] and sorted(sent) == [2001, 2002]


async def test_a_blocked_first_subscriber_does_not_stop_the_others_map(db: Database) -> None:
    telegram = Telegram(unreachable={1})
    maps = maps_for(db, telegram)
    with pytest.raises(Unreachable):
        await send_to(maps, [1])  # the sender pauses this one
    await send_to(maps, [2, 3])
    assert len(telegram.uploads) == 1 and len(telegram.by_id) == 1


def test_the_running_bot_pushes_maps_unless_told_not_to(tmp_path: Path) -> None:
    from bot.config import load_settings

    assert load_settings({"VIGIE_DATA_DIR": str(tmp_path)}).push_maps
    assert not load_settings({"VIGIE_DATA_DIR": str(tmp_path), "VIGIE_PUSH_MAPS": "0"}).push_maps
