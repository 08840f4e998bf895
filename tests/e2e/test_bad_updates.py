"""Updates the bot cannot read (a hostile or broken Bot API server, a Telegram bug): the real
`vigie run` skips each, logs it once without its text, and goes on answering travellers; the
webhook refuses them with 400, never 500."""

from __future__ import annotations

import asyncio
import copy
import json
import os
import shutil
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import DATA, PROJECT

from .botapi_spec import BotApiSpec
from .conftest import TOKEN
from .fake_botapi import FakeBotApi

SECRET_TEXT = "my passport number is X1234567, staying at the Hotel Lumiere"
DEEP = 3000  # deeper than Python's JSON parser goes (about 1000)


def deeply_nested(depth: int) -> Any:
    value: Any = SECRET_TEXT
    for _ in range(depth):
        value = [value]
    return value


def _message(user: int, **changes: Any) -> dict[str, Any]:
    message: dict[str, Any] = {
        "message_id": 1,
        "date": 1_764_000_000,
        "chat": {"id": user, "type": "private", "first_name": "Ana"},
        "from": {"id": user, "is_bot": False, "first_name": "Ana", "language_code": "en"},
        "text": SECRET_TEXT,
    }
    message.update(changes)
    return message


def unreadable_updates(user: int) -> list[dict[str, Any]]:
    """The four attacks: `from` as a string, `message` as a list, `date` as a string, and JSON
    nested deeper than a parser goes."""
    return [
        {"message": _message(user, **{"from": SECRET_TEXT})},
        {"message": [SECRET_TEXT, user]},
        {"message": _message(user, date=SECRET_TEXT)},
        {"message": _message(user, extra=deeply_nested(DEEP))},
    ]


@pytest.fixture
def deep_recursion() -> Iterator[None]:
    """The fake server (in this process) must be able to write what the bot cannot read."""
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(limit, 20 * DEEP))
    try:
        yield
    finally:
        sys.setrecursionlimit(limit)


def _start(api: FakeBotApi, db_path: Path, stderr: Path) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_BASE_URL": api.url,
        "VIGIE_DB": str(db_path),
        "VIGIE_DATA_DIR": str(DATA),
    }
    with stderr.open("wb") as log:
        return subprocess.Popen(
            [sys.executable, "-m", "bot.cli", "run"],
            cwd=PROJECT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=log,
        )


async def test_unreadable_updates_are_skipped_once_and_polling_goes_on(
    spec: BotApiSpec, published_db: Path, tmp_path: Path, deep_recursion: None
) -> None:
    db_path = tmp_path / "vigie.db"
    shutil.copy(published_db, db_path)
    stderr = tmp_path / "stderr.log"
    async with FakeBotApi(spec, privacy_mode=False) as api:
        bot = _start(api, db_path, stderr)
        try:
            api.push_text(7001, "is Niger safe?")
            await api.wait_for_messages(7001, 1, timeout=30)  # the bot is up and polling
            bad = [api.push_update(u)["update_id"] for u in unreadable_updates(7002)]
            api.push_text(7003, "is Mali safe?")
            [reply] = await api.wait_for_messages(7003, 1, timeout=15)
            assert "Mali" in reply["text"]
            await api.wait_for(lambda: not api.pending_updates, timeout=10)
            api.push_text(7004, "is Chad safe?")  # and later updates too
            await api.wait_for_messages(7004, 1, timeout=15)
            assert not api.sent_messages(7002), "an unreadable update was answered"
        finally:
            bot.send_signal(signal.SIGTERM)
            try:  # the fake server keeps answering while the bot stops
                await asyncio.to_thread(bot.wait, 30)
            except subprocess.TimeoutExpired:
                bot.kill()
    log = stderr.read_text()
    for update_id in bad:
        assert log.count(f"skipped update {update_id}:") == 1, log[-3000:]
    assert SECRET_TEXT not in log and "X1234567" not in log
    assert len(log) < 20_000, f"{len(log)} bytes of log"  # no flood
    assert "Traceback" not in log


def test_a_bad_update_leaves_its_neighbours_readable() -> None:
    """Unit check of the cleaning: good updates kept as they were, bad ones emptied."""
    from bot.telegram.updates import readable_updates

    good = {"update_id": 5, "message": _message(1, text="is Mali safe?")}
    bad = {"update_id": 6, "message": _message(1, date="yesterday")}
    payload, readable = readable_updates(json.dumps({"ok": True, "result": [good, bad]}).encode())
    assert readable
    assert json.loads(payload)["result"] == [good, {"update_id": 6}]
    deep = b'{"ok":true,"result":[' + json.dumps(good).encode() + b',{"update_id":7,"x":'
    deep += b"[" * 5000 + b"]" * 5000 + b"}]}"
    payload, readable = readable_updates(deep)
    assert readable and json.loads(payload)["result"] == [copy.deepcopy(good), {"update_id": 7}]
    assert readable_updates(b"<html>oops</html>") == (readable_updates(b"[")[0], False)
    without_ids = json.dumps({"ok": True, "result": [{"message": {}}, "x"]}).encode()
    assert readable_updates(without_ids)[1] is False  # back off: nothing moves the offset
