"""Kill -9 the bot in the middle of a broadcast to thousands of subscribers, restart it, and prove
that nobody was missed: at most the messages in flight at the kill are sent twice."""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import re
import shutil
import signal
import subprocess
import sys
from pathlib import Path

from bot.store.db import open_db, write_transaction
from bot.store.publish import publish
from tests.conftest import DATA, PROJECT, with_change_note

from .botapi_spec import BotApiSpec
from .conftest import TOKEN
from .fake_botapi import FakeBotApi

SUBSCRIBERS = 3000
FIRST_USER = 500_000
IN_FLIGHT_MAX = 64  # the sender's concurrency: what can be in flight at the kill


def _prepare(db_path: Path, data_dir: Path) -> None:
    db = open_db(db_path)
    at = "2026-11-24T09:00:00+00:00"
    with write_transaction(db):
        for i in range(SUBSCRIBERS):
            user = FIRST_USER + i
            lang = "fr" if i % 2 else "en"
            db.execute(
                "INSERT INTO users (user_id, chat_id, lang, reply_lang, created_at, updated_at)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                [user, user, lang, lang, at, at],
            )
            db.execute(
                "INSERT INTO subscriptions (user_id, code, region, mode, scope, status,"
                " status_reason, created_at, updated_at)"
                " VALUES (?, 'ML', '', 'immediate', 'major', 'active', '', ?, ?)",
                [user, at, at],
            )
    mali = data_dir / "destinations" / "ML.toml"
    text = re.sub(r"\[curated_level\]\nlevel = \d", "[curated_level]\nlevel = 3", mali.read_text())
    mali.write_text(with_change_note(text, '\n[change_note]\nen = "Lowered."\nfr = "Abaissé."\n'))
    report = publish(db, data_dir, who="test", now=dt.datetime(2026, 11, 24, 9, tzinfo=dt.UTC))
    assert report.events == 1
    assert db.execute("SELECT count(*) FROM deliveries WHERE status = 'queued'").fetchone()[0] == (
        SUBSCRIBERS
    )
    db.close()


def _start(api: FakeBotApi, db_path: Path) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_BASE_URL": api.url,
        "VIGIE_DB": str(db_path),
        "VIGIE_DATA_DIR": str(DATA),
        "VIGIE_PUSH_RATE": "1000",
    }
    return subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "run"],
        cwd=PROJECT,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def _received(api: FakeBotApi) -> dict[int, int]:
    counts: dict[int, int] = {}
    # A level change pushes the country's map: a photo with the text as its caption.
    for request in api.calls("sendMessage") + api.calls("sendPhoto"):
        chat = int(request.params["chat_id"])
        if chat >= FIRST_USER:
            counts[chat] = counts.get(chat, 0) + 1
    return counts


async def test_kill_9_during_a_broadcast_loses_nothing(
    spec: BotApiSpec, published_db: Path, tmp_path: Path
) -> None:
    db_path = tmp_path / "vigie.db"
    shutil.copy(published_db, db_path)
    data_dir = tmp_path / "data"
    shutil.copytree(DATA, data_dir, ignore=shutil.ignore_patterns("*.db*"))
    _prepare(db_path, data_dir)

    async with FakeBotApi(spec, privacy_mode=False) as api:
        bot = _start(api, db_path)
        try:
            await api.wait_for(lambda: len(_received(api)) >= SUBSCRIBERS // 3, timeout=60)
            bot.send_signal(signal.SIGKILL)
            bot.wait(timeout=10)
        finally:
            if bot.poll() is None:
                bot.kill()
        await asyncio.sleep(0.5)  # requests the bot wrote before dying reach the fake server
        received_at_kill = _received(api)
        at_kill = len(received_at_kill)
        assert at_kill < SUBSCRIBERS, "the broadcast finished before the kill: nothing was tested"
        db = open_db(db_path)
        claimed = {
            chat
            for (chat,) in db.execute("SELECT chat_id FROM deliveries WHERE status = 'sending'")
        }
        # Claimed at the kill: those in flight, and at most one more batch waiting for a slot.
        assert len(claimed) <= 2 * IN_FLIGHT_MAX
        # Only these can be sent twice: claimed, not recorded as sent, and already received.
        in_flight = claimed & set(received_at_kill)

        bot = _start(api, db_path)
        try:
            await api.wait_for(lambda: len(_received(api)) == SUBSCRIBERS, timeout=90)
            await asyncio.sleep(1.0)
        finally:
            bot.send_signal(signal.SIGTERM)
            try:
                bot.wait(timeout=30)
            except subprocess.TimeoutExpired:
                bot.kill()
        stderr = bot.stderr.read().decode() if bot.stderr else ""
        assert TOKEN not in stderr

    received = _received(api)
    assert sorted(received) == list(range(FIRST_USER, FIRST_USER + SUBSCRIBERS))
    duplicates = {chat for chat, count in received.items() if count > 1}
    assert len(duplicates) <= IN_FLIGHT_MAX, f"{len(duplicates)} sent twice"
    assert duplicates <= in_flight, "a push not in flight at the kill was sent twice"
    assert max(received.values()) <= 2
    statuses = dict(
        db.execute("SELECT status, count(*) FROM deliveries GROUP BY status").fetchall()
    )
    assert statuses == {"sent": SUBSCRIBERS}
    assert api.violations == []


def _vigie(db_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "VIGIE_DB": str(db_path), "VIGIE_DATA_DIR": str(DATA)}
    env.pop("TELEGRAM_BOT_TOKEN", None)
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", *args],
        cwd=PROJECT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


async def test_a_second_bot_on_the_same_database_refuses_to_start(
    spec: BotApiSpec, published_db: Path, tmp_path: Path
) -> None:
    db_path = tmp_path / "vigie.db"
    shutil.copy(published_db, db_path)
    data_dir = tmp_path / "data"
    shutil.copytree(DATA, data_dir, ignore=shutil.ignore_patterns("*.db*"))
    _prepare(db_path, data_dir)

    async with FakeBotApi(spec, privacy_mode=False) as api:
        first = _start(api, db_path)
        try:
            await api.wait_for(lambda: len(_received(api)) >= SUBSCRIBERS // 4, timeout=60)
            second = _start(api, db_path)
            code = await asyncio.to_thread(second.wait, 60)
            said = second.stderr.read().decode() if second.stderr else ""
            # Commands that only read still work while the bot runs.
            status = await asyncio.to_thread(_vigie, db_path, "push", "status")
            shown = await asyncio.to_thread(_vigie, db_path, "show", "ML")
            await api.wait_for(lambda: len(_received(api)) == SUBSCRIBERS, timeout=90)
            await asyncio.sleep(1.0)
        finally:
            first.send_signal(signal.SIGTERM)
            try:
                await asyncio.to_thread(first.wait, 30)
            except subprocess.TimeoutExpired:
                first.kill()

    assert code == 1
    assert said.strip().count("\n") == 0, said  # one line
    assert "already running" in said and str(db_path) in said
    assert status.returncode == 0 and "sender: running" in status.stdout
    assert shown.returncode == 0 and "Mali" in shown.stdout
    received = _received(api)
    assert sorted(received) == list(range(FIRST_USER, FIRST_USER + SUBSCRIBERS))
    assert max(received.values()) == 1, "the second bot made the first send pushes twice"
