"""Where pushes go: to the chat each subscription was made in. In a group the group is the
subscriber, only its admins may subscribe it, and anonymous admins are told apart by their group."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from bot.store.db import open_db
from tests.conftest import DATA

from .conftest import Running
from .test_bot_scenarios import button_data, press, say
from .test_push import publish_change

USER = 7101
GROUP = -1007101
OTHER_GROUP = -1007202


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    folder = tmp_path / "data-copy"
    shutil.copytree(DATA, folder, ignore=shutil.ignore_patterns("*.db*"))
    return folder


async def in_group(bot: Running, user: int, text: str, group: int = GROUP, **kw: Any) -> dict:
    """`user` writes `text` in a supergroup; the bot's answer there."""
    before = len(bot.api.sent_messages(group))
    bot.api.push_text(user, text, chat_id=group, chat_type="supergroup", **kw)
    return (await bot.api.wait_for_messages(group, before + 1))[-1]


def pushes(bot: Running, chat: int) -> list[dict]:
    """The pushes of Mali's level change the chat received."""
    return [m for m in bot.api.sent_messages(chat) if "Mali: the travel advice" in m["text"]]


def subscriptions(bot: Running) -> list[tuple[int, int, str, str]]:
    return (
        open_db(bot.settings.db_path)
        .execute("SELECT user_id, chat_id, code, status FROM subscriptions ORDER BY id")
        .fetchall()
    )


async def test_push_goes_to_the_private_chat_subscribed_in_not_the_group_last_written_in(
    bot: Running, data_copy: Path
) -> None:
    card = await say(bot, USER, "Mali")
    await press(bot, USER, card, button_data(card, "sub:ML"))
    await in_group(bot, USER, "@vigie_test_bot is Niger safe?")
    publish_change(bot, data_copy)
    await bot.api.wait_for(lambda: pushes(bot, USER), timeout=20)
    await bot.api.idle(quiet=1.5, timeout=10)
    assert len(pushes(bot, USER)) == 1
    assert pushes(bot, GROUP) == []


async def test_a_member_who_is_not_an_admin_cannot_subscribe_the_group(bot: Running) -> None:
    refused = await in_group(bot, USER, "/subscribe Mali")
    assert "only its admins" in refused["text"]
    card = await in_group(bot, USER, "@vigie_test_bot Mali")
    bot.api.push_callback(USER, button_data(card, "sub:ML"), card["message_id"], chat_id=GROUP)
    await bot.api.wait_for_calls("answerCallbackQuery", 1)
    await bot.api.idle()
    [answer] = bot.api.calls("answerCallbackQuery")
    assert "only its admins" in answer.params["text"]
    assert subscriptions(bot) == []
    listing = await in_group(bot, USER, "/subscriptions")
    assert "no destination" in listing["text"]


async def test_an_admin_subscribes_the_group_and_pushes_go_to_the_group(
    bot: Running, data_copy: Path
) -> None:
    bot.api.admins[GROUP] = {USER}
    await in_group(bot, USER, "/subscribe Mali")
    assert subscriptions(bot) == [(GROUP, GROUP, "ML", "active")]
    publish_change(bot, data_copy)
    await bot.api.wait_for(lambda: pushes(bot, GROUP), timeout=20)
    await bot.api.idle(quiet=1.5, timeout=10)
    assert len(pushes(bot, GROUP)) == 1
    assert bot.api.sent_messages(USER) == []  # nothing about the group in the admin's chat


async def test_anonymous_admins_of_two_groups_are_kept_apart(bot: Running, data_copy: Path) -> None:
    await in_group(bot, 1, "/subscribe Mali", GROUP, anonymous_admin=True)
    await in_group(bot, 2, "/subscribe Niger", OTHER_GROUP, anonymous_admin=True)
    assert sorted(subscriptions(bot)) == [
        (OTHER_GROUP, OTHER_GROUP, "NE", "active"),
        (GROUP, GROUP, "ML", "active"),
    ]
    listing = await in_group(bot, 2, "/subscriptions", OTHER_GROUP, anonymous_admin=True)
    assert "Niger" in listing["text"] and "Mali" not in listing["text"]
    publish_change(bot, data_copy)
    await bot.api.wait_for(lambda: pushes(bot, GROUP), timeout=20)
    await bot.api.idle(quiet=1.5, timeout=10)
    assert len(pushes(bot, GROUP)) == 1 and pushes(bot, OTHER_GROUP) == []
