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
        at_kill = len(_received(api))
        assert at_kill < SUBSCRIBERS, "the broadcast finished before the kill: nothing was tested"
        db = open_db(db_path)
        claimed = db.execute("SELECT count(*) FROM deliveries WHERE status = 'sending'").fetchone()[
            0
        ]
        # Claimed at the kill: those in flight, and at most one more batch waiting for a slot.
        assert claimed <= 2 * IN_FLIGHT_MAX

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
    duplicates = sum(1 for count in received.values() if count > 1)
    assert duplicates <= IN_FLIGHT_MAX, f"{duplicates} sent twice"
    assert max(received.values()) <= 2
    statuses = dict(
        db.execute("SELECT status, count(*) FROM deliveries GROUP BY status").fetchall()
    )
    assert statuses == {"sent": SUBSCRIBERS}
    assert api.violations == []
