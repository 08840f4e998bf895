"""The push sender against a database another process keeps locked, and against its own death:
it logs, backs off, says so in its heartbeat, and delivers once the lock is gone; a watchdog
restarts it if its task ends."""

from __future__ import annotations

import logging
import subprocess
import sys
import time

import pytest

from bot.push.sender import read_heartbeat
from bot.store.db import open_db

from .conftest import Running
from .test_crisis import queue_broadcast

HOLD_LOCK = """
import sqlite3, sys, time
db = sqlite3.connect(sys.argv[1], isolation_level=None)
db.execute("BEGIN IMMEDIATE")
print("locked", flush=True)
time.sleep(float(sys.argv[2]))
db.execute("COMMIT")
"""


def hold_write_lock(db_path: object, seconds: float) -> subprocess.Popen[str]:
    """Another process (a long publish, a maintainer's sqlite3) holding the write lock."""
    process = subprocess.Popen(
        [sys.executable, "-c", HOLD_LOCK, str(db_path), str(seconds)],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None and process.stdout.readline().strip() == "locked"
    return process


async def test_the_sender_waits_out_a_locked_database_and_then_delivers(
    bot: Running, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    subscribers = range(900_000, 900_020)
    queue_broadcast(bot, subscribers, not_before=time.time() + 1.0)  # due once the lock is held
    locker = hold_write_lock(bot.settings.db_path, 4.0)
    try:
        await bot.api.wait_for(lambda: "database is locked" in caplog.text, timeout=10)
        sender = bot.app.bot_data.sender
        assert sender.heartbeat.state == "backing off"
        assert not any(bot.api.sent_messages(s) for s in subscribers)
    finally:
        locker.wait(timeout=10)
    await bot.api.wait_for(lambda: all(bot.api.sent_messages(s) for s in subscribers), timeout=20)
    assert bot.app.bot_data.watchdog.restarts == 0  # it survived on its own
    await bot.api.wait_for(lambda: sender.heartbeat.state == "running", timeout=5)
    beat = read_heartbeat(open_db(bot.settings.db_path))
    assert beat is not None and "locked" in beat.last_error


async def test_a_killed_sender_is_restarted_by_the_watchdog(
    bot: Running, caplog: pytest.LogCaptureFixture
) -> None:
    watchdog = bot.app.bot_data.watchdog
    watchdog.task.cancel()
    await bot.api.wait_for(lambda: "vigie-sender ended unexpectedly" in caplog.text, timeout=5)
    subscribers = range(910_000, 910_010)
    queue_broadcast(bot, subscribers)
    await bot.api.wait_for(lambda: all(bot.api.sent_messages(s) for s in subscribers), timeout=15)
    assert watchdog.restarts == 1


async def test_travellers_are_answered_while_another_process_holds_the_write_lock(
    bot: Running,
) -> None:
    """A 25 s lock (a long publish, a maintainer's sqlite3): answers go on from a read, never
    "Sorry"; what the turns changed is written once the lock is gone."""
    api, user = bot.api, 7101
    locker = hold_write_lock(bot.settings.db_path, 25.0)
    try:
        api.push_text(user, "is Niger safe?")
        [card] = await api.wait_for_messages(user, 1, timeout=5)
        api.push_text(user, "/subscribe Niger")
        api.push_text(user, "/subscriptions")
        replies = await api.wait_for_messages(user, 3, timeout=5)
        assert locker.poll() is None, "the lock ended before the answers: nothing was tested"
    finally:
        locker.wait(timeout=40)
    texts = [m["text"] for m in replies]
    assert "Niger" in card["text"]
    assert not any("Sorry" in text for text in texts), texts
    assert "Niger" in texts[2], "the subscription made during the lock is not shown"
    db = open_db(bot.settings.db_path)

    def written() -> bool:
        row = db.execute(
            "SELECT count(*) FROM subscriptions WHERE user_id = ? AND code = 'NE'"
            " AND status = 'active'",
            [user],
        ).fetchone()
        return bool(row[0])

    await api.wait_for(written, timeout=10)
    [(last,)] = db.execute("SELECT last_country FROM users WHERE user_id = ?", [user])
    assert last == "NE"
    assert bot.app.bot_data.conversations.writes_kept == 0
