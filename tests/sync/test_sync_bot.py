"""The sync inside the running bot (the real Application against the fake Bot API): a level
change pushed to each subscriber in their language, a curated level the officials now disagree
with put to the maintainers with Keep / Follow buttons, asked once."""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest
from telegram.ext import Application

from bot.config import Settings
from bot.store.advisories import load_advisory
from bot.store.db import open_db
from bot.store.publish import history_of
from bot.telegram.sync_review import SYNC_JOB
from tests.conftest import DATA
from tests.e2e.botapi_spec import BotApiSpec
from tests.e2e.conftest import MAINTAINER, TOKEN, start_bot, stop_bot
from tests.e2e.fake_botapi import FakeBotApi
from tests.e2e.test_push import subscribe

from .conftest import US, FeedServer, change_canada, change_us


@dataclass
class Syncing:
    api: FakeBotApi
    app: Application  # type: ignore[type-arg]
    feeds: FeedServer
    db_path: Path

    async def sync(self) -> None:
        """What the JobQueue does every VIGIE_SYNC_EVERY seconds, now."""
        assert self.app.job_queue is not None
        [job] = self.app.job_queue.get_jobs_by_name(SYNC_JOB)
        await job.run(self.app)


def _buttons(message: dict) -> list[str]:  # type: ignore[type-arg]
    return [b["callback_data"] for row in message["reply_markup"]["inline_keyboard"] for b in row]


@pytest.fixture
async def running(
    spec: BotApiSpec, synced_path: Path, feed_server: FeedServer
) -> AsyncIterator[Syncing]:
    async with FakeBotApi(spec, privacy_mode=False) as api:
        settings = Settings(
            data_dir=DATA,
            db_path=synced_path,
            token=TOKEN,
            base_url=api.url,
            maintainers=frozenset({MAINTAINER}),
            sync_every=3600,
            sync_base_url=feed_server.url,
            sync_retry_wait=0.01,
        )
        app = await start_bot(settings)
        try:
            yield Syncing(api, app, feed_server, synced_path)
        finally:
            await stop_bot(app)
        assert api.violations == [], api.violations


async def test_synced_level_change_is_pushed_once_to_each_subscriber_in_their_language(
    running: Syncing,
) -> None:
    db = open_db(running.db_path)
    subscribe(db, [10_001, 10_002], "TH", lang="en")
    subscribe(db, [20_001], "TH", lang="fr")
    change_canada(running.feeds, "TH", state=2, when="November 20, 2026 10:00 EST")
    await running.sync()
    users = [10_001, 10_002, 20_001]
    await running.api.wait_for(lambda: all(running.api.sent_messages(u) for u in users), 15)
    await running.api.idle(quiet=1.0, timeout=10)
    for user in (10_001, 10_002):
        [push] = running.api.sent_messages(user)
        assert (
            "Government of Canada raised its advice for Thailand from level 2 to 3" in push["text"]
        )
    [push] = running.api.sent_messages(20_001)
    assert "Thaïlande\u00a0: Gouvernement du Canada a relevé son niveau de 2 à 3" in push["text"]
    assert running.api.sent_messages(MAINTAINER) == []  # Thailand has no curated level


async def test_official_disagreement_is_put_to_maintainers_once_and_follow_drops_curated(
    running: Syncing,
) -> None:
    change_us(running.feeds, "Niger", level=3, date="Fri, 20 Nov 2026")
    await running.sync()
    [ask] = await running.api.wait_for_messages(MAINTAINER, 1, timeout=15)
    assert "Niger: U.S. Department of State now says level 3" in ask["text"]
    assert "our curated level is 4" in ask["text"]
    buttons = [b["callback_data"] for row in ask["reply_markup"]["inline_keyboard"] for b in row]
    assert buttons[0].startswith("rv:NE:keep:") and buttons[1].startswith("rv:NE:follow:")
    await running.sync()  # the same level on the same date: not asked again
    await running.api.idle(quiet=1.0)
    assert len(running.api.sent_messages(MAINTAINER)) == 1
    running.api.push_callback(MAINTAINER, buttons[1], ask["message_id"])
    await running.api.wait_for(
        lambda: (
            "follows the official levels"
            in (running.api.message(MAINTAINER, ask["message_id"]) or {}).get("text", "")
        ),
        timeout=10,
    )
    db = open_db(running.db_path)
    niger = load_advisory(db, "NE")
    assert niger is not None and niger.curated_level is None
    assert niger.source("us-state").level == 3  # type: ignore[union-attr]
    assert history_of(db, "NE")[0]["who"] == f"telegram:{MAINTAINER}"


async def test_keep_leaves_the_curated_level_and_sends_nothing(running: Syncing) -> None:
    db = open_db(running.db_path)
    subscribe(db, [30_001], "NE", lang="en")
    change_us(running.feeds, "Niger", level=3, date="Fri, 20 Nov 2026")
    await running.sync()
    [ask] = await running.api.wait_for_messages(MAINTAINER, 1, timeout=15)
    await running.api.wait_for_messages(30_001, 1, timeout=15)  # the US change itself
    running.api.push_callback(MAINTAINER, _buttons(ask)[0], ask["message_id"])
    await running.api.wait_for(
        lambda: (
            "curated level stays"
            in (running.api.message(MAINTAINER, ask["message_id"]) or {}).get("text", "")
        ),
        timeout=10,
    )
    await running.api.idle(quiet=1.0)
    niger = load_advisory(db, "NE")
    assert niger is not None and niger.curated_level is not None
    assert niger.curated_level.level == 4
    assert len(running.api.sent_messages(30_001)) == 1


async def test_without_network_a_sync_logs_one_line_and_the_bot_keeps_answering(
    running: Syncing, caplog: pytest.LogCaptureFixture
) -> None:
    svc = running.app.bot_data
    svc.settings = Settings(
        **{
            **{name: getattr(svc.settings, name) for name in svc.settings.__slots__},
            "sync_base_url": "http://127.0.0.1:9",  # nothing listens: connection refused
        }
    )
    with caplog.at_level(logging.INFO):
        await running.sync()
    lines = [r for r in caplog.records if r.name == "bot.telegram.sync_review"]
    assert len(lines) == 1 and lines[0].levelno == logging.WARNING
    assert "0/4 sources ok" in lines[0].getMessage() and lines[0].exc_info is None
    running.api.push_text(10_009, "is Mali safe?")
    [reply] = await running.api.wait_for_messages(10_009, 1, timeout=10)
    assert "Mali" in reply["text"]


async def test_a_held_change_is_asked_once_and_pushed_only_after_a_maintainer_publishes_it(
    running: Syncing,
) -> None:
    db = open_db(running.db_path)
    subscribe(db, [10_001], "ML", lang="en")
    change_us(running.feeds, "Mali", level=1, date="Wed, 25 Nov 2026")
    await running.sync()
    [ask] = await running.api.wait_for_messages(MAINTAINER, 1, timeout=15)
    assert "U.S. Department of State: the sync held back a change" in ask["text"]
    assert "lowers level 4 to 1 for ML" in ask["text"]
    publish, discard = _buttons(ask)
    assert publish.startswith("hr:confirm:") and discard.startswith("hr:discard:")
    await running.sync()  # the same feed again: not asked again, still nothing pushed
    await running.api.idle(quiet=1.0)
    assert len(running.api.sent_messages(MAINTAINER)) == 1
    assert running.api.sent_messages(10_001) == []
    running.api.push_callback(MAINTAINER, publish, ask["message_id"])
    [push] = await running.api.wait_for_messages(10_001, 1, timeout=15)
    assert "lowered its advice for Mali from level 4 to 1" in push["text"]
    mali = load_advisory(db, "ML")
    assert mali is not None and mali.source("us-state").level == 1  # type: ignore[union-attr]
    await running.api.wait_for(
        lambda: (
            "the held change is published"
            in (running.api.message(MAINTAINER, ask["message_id"]) or {}).get("text", "")
        ),
        timeout=10,
    )


async def test_discarding_a_held_change_publishes_nothing_and_is_not_asked_again(
    running: Syncing,
) -> None:
    change_us(running.feeds, "Mali", level=1, date="Wed, 25 Nov 2026")
    await running.sync()
    [ask] = await running.api.wait_for_messages(MAINTAINER, 1, timeout=15)
    running.api.push_callback(MAINTAINER, _buttons(ask)[1], ask["message_id"])
    await running.api.wait_for(
        lambda: (
            "discarded"
            in (running.api.message(MAINTAINER, ask["message_id"]) or {}).get("text", "")
        ),
        timeout=10,
    )
    await running.sync()
    await running.api.idle(quiet=1.0)
    assert len(running.api.sent_messages(MAINTAINER)) == 1
    mali = load_advisory(open_db(running.db_path), "ML")
    assert mali is not None and mali.source("us-state").level == 4  # type: ignore[union-attr]


async def test_a_review_button_settles_only_the_review_it_showed(running: Syncing) -> None:
    change_us(running.feeds, "Niger", level=3, date="Fri, 20 Nov 2026")
    await running.sync()
    [first] = await running.api.wait_for_messages(MAINTAINER, 1, timeout=15)
    change_us(running.feeds, "Niger", level=2, date="Tue, 24 Nov 2026")
    await running.sync()
    await running.api.wait_for_messages(MAINTAINER, 2, timeout=15)
    running.api.push_callback(MAINTAINER, _buttons(first)[0], first["message_id"])
    await running.api.wait_for(
        lambda: (
            "curated level stays"
            in (running.api.message(MAINTAINER, first["message_id"]) or {}).get("text", "")
        ),
        timeout=10,
    )
    db = open_db(running.db_path)
    rows = db.execute(
        "SELECT json_extract(params, '$.level'), decision FROM notices WHERE kind = 'review'"
        " ORDER BY id"
    ).fetchall()
    assert rows == [(3, "keep"), (2, None)]


async def test_the_bot_stops_within_seconds_during_a_stalled_sync(running: Syncing) -> None:
    def drip(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(200)
        handler.end_headers()
        for _ in range(600):
            handler.wfile.write(b" ")
            handler.wfile.flush()
            time.sleep(0.1)

    running.feeds.custom[US] = drip
    assert running.app.job_queue is not None
    [job] = running.app.job_queue.get_jobs_by_name(SYNC_JOB)
    job.job.modify(next_run_time=dt.datetime.now(dt.UTC))  # the scheduler runs it, as it would
    await running.api.wait_for(lambda: bool(running.feeds.requests_to(US)), timeout=10)
    started = time.monotonic()
    await stop_bot(running.app)
    assert time.monotonic() - started < 5
