"""End to end: the bot notices it was blocked, unblocked, added to a group or removed from one
(`my_chat_member` updates) and pauses, resumes or ends pushes accordingly."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlite_utils import Database

from bot.config import Settings
from bot.store.db import open_db
from bot.store.publish import publish
from bot.telegram.app import ALLOWED_UPDATES, webhook_options
from tests.conftest import DATA

from .conftest import Running
from .test_push import NOW, change_mali, subscribe

BLOCKER = 31_001
FAITHFUL = 31_002
GROUP = -31_100
ADMIN = 31_101


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    folder = tmp_path / "data-copy"
    shutil.copytree(DATA, folder, ignore=shutil.ignore_patterns("*.db*"))
    return folder


def publish_level(bot: Running, data_dir: Path, level: int) -> None:
    """Mali's curated level changes and is published (a push to every active subscriber)."""
    note = f'\n[change_note]\nen = "Now level {level}."\nfr = "Désormais niveau {level}."\n'
    change_mali(data_dir, level=level, note=note)
    report = publish(open_db(bot.settings.db_path), data_dir, who="test", now=NOW)
    assert report.events == 1


def status(db: Database, user_id: int) -> list[str]:
    rows = db.execute(
        "SELECT status FROM subscriptions WHERE user_id = ? ORDER BY id", [user_id]
    ).fetchall()
    return [row[0] for row in rows]


async def test_block_pauses_pushes_and_unblock_resumes_them_with_one_message(
    bot: Running, data_copy: Path
) -> None:
    db = open_db(bot.settings.db_path)
    subscribe(db, [BLOCKER, FAITHFUL], "ML", lang="en")
    subscribe(db, [BLOCKER], "NE", lang="en")

    bot.api.push_my_chat_member(BLOCKER, "member", "kicked")
    await bot.api.wait_for(lambda: status(db, BLOCKER) == ["paused", "paused"])

    # While blocked: the level change reaches the others, not the user who blocked the bot.
    publish_level(bot, data_copy, 3)
    [push] = await bot.api.wait_for_messages(FAITHFUL, 1, timeout=10)
    assert "Level 4 → 🟠 Level 3" in push["text"]
    await bot.api.idle(quiet=1.0)
    assert bot.api.sent_messages(BLOCKER) == []

    # Unblocked: one short message, with each destination's level now.
    bot.api.push_my_chat_member(BLOCKER, "kicked", "member")
    [back] = await bot.api.wait_for_messages(BLOCKER, 1)
    assert back["text"].startswith("🔔 Welcome back! Your alerts are on again:")
    assert "Mali — 🟠 Level 3" in back["text"] and "Niger" in back["text"]
    assert status(db, BLOCKER) == ["active", "active"]
    await bot.api.idle(quiet=1.0)
    assert len(bot.api.sent_messages(BLOCKER)) == 1  # the change made while away is not sent

    # Later pushes arrive again.
    publish_level(bot, data_copy, 2)
    messages = await bot.api.wait_for_messages(BLOCKER, 2, timeout=10)
    assert "Level 3 → 🟡 Level 2" in messages[-1]["text"]


async def test_block_pauses_the_pushes_already_waiting(bot: Running, data_copy: Path) -> None:
    db = open_db(bot.settings.db_path)
    subscribe(db, [BLOCKER], "ML", lang="en", mode="digest")
    publish_level(bot, data_copy, 3)  # held for the daily digest
    assert db.execute("SELECT status FROM deliveries WHERE user_id = ?", [BLOCKER]).fetchall() == [
        ("held",)
    ]
    bot.api.push_my_chat_member(BLOCKER, "member", "kicked")
    await bot.api.wait_for(
        lambda: (
            db.execute("SELECT status FROM deliveries WHERE user_id = ?", [BLOCKER]).fetchall()
            == [("paused",)]
        )
    )


async def test_unblock_with_nothing_to_resume_says_nothing(bot: Running) -> None:
    bot.api.push_my_chat_member(BLOCKER, "member", "kicked")
    bot.api.push_my_chat_member(BLOCKER, "kicked", "member")
    await bot.api.wait_for(lambda: len(bot.api.updates) == 2 and not bot.api.pending_updates)
    await bot.api.idle(quiet=0.5)
    assert bot.api.sent_messages(BLOCKER) == []


async def test_removed_from_a_group_ends_its_subscriptions(bot: Running, data_copy: Path) -> None:
    db = open_db(bot.settings.db_path)
    subscribe(db, [GROUP, FAITHFUL], "ML", lang="en")
    bot.api.push_my_chat_member(ADMIN, "member", "left", chat_id=GROUP, chat_type="group")
    await bot.api.wait_for(lambda: status(db, GROUP) == ["ended"])
    reason = db.execute(
        "SELECT status_reason FROM subscriptions WHERE user_id = ?", [GROUP]
    ).fetchone()[0]
    assert "removed" in reason
    publish_level(bot, data_copy, 3)
    await bot.api.wait_for_messages(FAITHFUL, 1, timeout=10)
    await bot.api.idle(quiet=1.0)
    assert bot.api.sent_messages(GROUP) == []
    assert status(db, FAITHFUL) == ["active"]  # only the group's subscriptions end


async def test_added_to_a_group_greets_once_saying_how_to_ask_and_who_subscribes(
    bot: Running,
) -> None:
    bot.api.push_my_chat_member(
        ADMIN, "left", "member", chat_id=GROUP, chat_type="supergroup", language_code="fr"
    )
    [greeting] = await bot.api.wait_for_messages(GROUP, 1)
    assert "/advisory Mali" in greeting["text"]
    assert "administrateurs" in greeting["text"] and "@vigie_test_bot" in greeting["text"]
    # Made an admin later: no second greeting.
    bot.api.push_my_chat_member(
        ADMIN, "member", "administrator", chat_id=GROUP, chat_type="supergroup"
    )
    await bot.api.wait_for(lambda: not bot.api.pending_updates)
    await bot.api.idle(quiet=0.5)
    assert len(bot.api.sent_messages(GROUP)) == 1


def test_polling_and_the_webhook_ask_for_membership_updates() -> None:
    settings = Settings(data_dir=DATA, db_path=Path("unused.db"), token="1:x", webhook_secret="s")
    options = webhook_options(settings, "https://bot.example.org", "127.0.0.1", 8443)
    assert "my_chat_member" in options["allowed_updates"]
    assert "my_chat_member" in ALLOWED_UPDATES  # what run_polling asks for
