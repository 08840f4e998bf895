"""The day of a crisis, against a fake Bot API enforcing Telegram's limits (30 messages a second,
one a second per chat): every reply delivered, replies before the broadcast, no 429 drawn, no
"Sorry" for a rate-limited chat; a flood gets one notice and its latest answers."""

from __future__ import annotations

import asyncio
import shutil
import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.config import Settings
from bot.core.model import Text
from bot.store.db import open_db, write_transaction
from bot.store.events import record_event
from tests.conftest import DATA

from .botapi_spec import BotApiSpec
from .conftest import TOKEN, Running, start_bot, stop_bot
from .fake_botapi import FakeBotApi

TELEGRAM_RATE = 30


@pytest.fixture
async def limited(spec: BotApiSpec, published_db: Path, tmp_path: Path) -> AsyncIterator[Running]:
    """Vigie with its default pacing against a fake that answers 429 past Telegram's limits."""
    db_path = tmp_path / "vigie.db"
    shutil.copy(published_db, db_path)
    async with FakeBotApi(
        spec, rate_limit=TELEGRAM_RATE, per_chat_limit=1, privacy_mode=False
    ) as api:
        settings = Settings(data_dir=DATA, db_path=db_path, token=TOKEN, base_url=api.url)
        app = await start_bot(settings)
        try:
            yield Running(api, app, settings)
        finally:
            await stop_bot(app)
        assert api.violations == [], api.violations


def texts(bot: Running, chat: int) -> list[str]:
    return [str(m.get("text", "")) for m in bot.api.sent_messages(chat)]


def queue_broadcast(bot: Running, subscribers: range, *, not_before: float = 0.0) -> None:
    """Subscribers of Mali and one change event: a delivery queued for each (due at once, or
    at the epoch time `not_before`)."""
    db = open_db(bot.settings.db_path)
    at = "2026-11-24T09:00:00+00:00"
    with write_transaction(db):
        for user in subscribers:
            db.execute(
                "INSERT INTO users (user_id, chat_id, lang, reply_lang, created_at, updated_at)"
                " VALUES (?, ?, 'en', 'en', ?, ?)",
                [user, user, at, at],
            )
            db.execute(
                "INSERT INTO subscriptions (user_id, code, region, mode, scope, status,"
                " status_reason, created_at, updated_at)"
                " VALUES (?, 'ML', '', 'immediate', 'major', 'active', '', ?, ?)",
                [user, at, at],
            )
        record_event(
            db,
            code="ML",
            kind="level",
            at=at,
            old_level=4,
            new_level=3,
            note=Text("Level lowered after review.", "Niveau abaissé après examen."),
            changes=["level 4 → 3"],
            publish_id=None,
            origin="publish",
        )
        db.execute("UPDATE deliveries SET next_at = ? WHERE status = 'queued'", [not_before])
    db.close()
    bot.app.bot_data.sender.wake()


async def test_a_burst_of_200_users_each_get_their_answer_without_a_429(limited: Running) -> None:
    users = range(700_000, 700_200)
    for n, user in enumerate(users):
        limited.api.push_text(user, "Is it safe to go to Mali?")
        if n % 40 == 39:
            await asyncio.sleep(0.1)  # 200 users within 0.5 s
    await limited.api.wait_for(lambda: all(limited.api.sent_messages(u) for u in users), timeout=30)
    await limited.api.idle(quiet=1.2, timeout=10)
    answers = [texts(limited, u) for u in users]
    assert all(len(a) == 1 and "Mali" in a[0] for a in answers)
    assert limited.api.count_429 == 0


async def test_a_429_is_waited_out_and_retried_never_answered_with_sorry(limited: Running) -> None:
    limited.api.fail_next("sendMessage", "429", chat_id=4343, retry_after=1)
    started = time.monotonic()
    limited.api.push_text(4343, "Mali")
    [answer] = await limited.api.wait_for_messages(4343, 1, timeout=10)
    assert "Mali" in answer["text"] and time.monotonic() - started >= 1.0
    await limited.api.idle(quiet=1.2)
    assert texts(limited, 4343) == [answer["text"]]  # no "Sorry, something went wrong"


async def test_replies_go_before_a_broadcast_under_way(limited: Running) -> None:
    subscribers = range(800_000, 800_150)  # 5 s of pushes at 30/s
    queue_broadcast(limited, subscribers)
    await limited.api.wait_for(
        lambda: sum(bool(limited.api.sent_messages(s)) for s in subscribers) >= 30, timeout=10
    )
    writers = range(810_000, 810_030)
    asked = time.monotonic()
    for user in writers:
        limited.api.push_text(user, "Niger")
    await limited.api.wait_for(
        lambda: all(limited.api.sent_messages(u) for u in writers), timeout=10
    )
    answered_in = time.monotonic() - asked
    pushes_left = sum(not limited.api.sent_messages(s) for s in subscribers)
    # 30 replies take about one second of the budget: the broadcast waited for them.
    assert answered_in < 2.5 and pushes_left > 30
    await limited.api.wait_for(
        lambda: all(limited.api.sent_messages(s) for s in subscribers), timeout=20
    )
    assert limited.api.count_429 == 0


async def test_a_flood_gets_one_notice_then_the_answers_to_its_latest_messages(
    limited: Running,
) -> None:
    user = 4444
    for _ in range(27):
        limited.api.push_text(user, "Mali")
    for country in ("Niger", "Senegal", "Peru"):
        limited.api.push_text(user, country)
    await limited.api.wait_for_messages(user, 5, timeout=15)
    await limited.api.idle(quiet=1.5, timeout=10)
    first, notice, *latest = texts(limited, user)
    assert "Mali" in first  # the first message is answered at once
    assert "very fast" in notice  # then the one notice
    assert len(latest) == 3  # then what they wrote last, one a second
    assert ["Niger" in latest[0], "Senegal" in latest[1], "Peru" in latest[2]] == [True] * 3
    assert limited.api.count_429 == 0
