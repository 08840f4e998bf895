"""The maintainers' notices (a source failing for a day, an official level that disagrees with
ours): a notice counts as sent only once Telegram took it; a failed delivery is tried again."""

from __future__ import annotations

import datetime as dt

from bot.store.db import open_db, write_transaction
from bot.store.notices import add_notice, unsent_notices
from bot.telegram.sync_review import send_notices

from .conftest import MAINTAINER, Running


def _failing_notice(bot: Running) -> None:
    db = open_db(bot.settings.db_path)
    at = dt.datetime(2026, 11, 25, 12, tzinfo=dt.UTC)
    with write_transaction(db):
        add_notice(
            db,
            key="failing:us-state:2026-11-24",
            kind="failing",
            params={"source": "us-state", "since": at.isoformat(), "error": "503"},
            at=at,
        )
    db.close()


async def test_a_notice_that_did_not_reach_the_maintainer_is_sent_again(bot: Running) -> None:
    _failing_notice(bot)
    bot.api.fail_next("sendMessage", "500", chat_id=MAINTAINER)
    await send_notices(bot.app)
    assert not bot.api.sent_messages(MAINTAINER)
    assert len(unsent_notices(bot.app.bot_data.db)) == 1, "marked sent though not delivered"

    await send_notices(bot.app)
    [message] = bot.api.sent_messages(MAINTAINER)
    assert "every sync has failed" in message["text"]
    assert unsent_notices(bot.app.bot_data.db) == []
    await send_notices(bot.app)
    assert len(bot.api.sent_messages(MAINTAINER)) == 1  # sent once


async def test_a_maintainer_who_blocked_the_bot_is_not_asked_every_minute(bot: Running) -> None:
    _failing_notice(bot)
    bot.api.fail_next("sendMessage", "403", chat_id=MAINTAINER)
    await send_notices(bot.app)
    await send_notices(bot.app)
    assert len([c for c in bot.api.calls("sendMessage") if c.params["chat_id"] == MAINTAINER]) == 1
    # Never delivered: not marked sent (`vigie sync status` can say so).
    assert len(unsent_notices(bot.app.bot_data.db)) == 1
