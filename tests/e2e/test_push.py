"""End to end: a publish reaches every subscriber once, in their language, through Telegram's
errors; coalescing, digests and trip end dates."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from dataclasses import replace
from pathlib import Path

import pytest
from sqlite_utils import Database

from bot.push.jobs import end_trips, send_digests
from bot.store.db import open_db, write_transaction
from bot.store.outbox import status_counts
from bot.store.publish import publish
from tests.conftest import DATA, with_change_note

from .conftest import Running

NOW = dt.datetime(2026, 11, 24, 10, 0, tzinfo=dt.UTC)
NOTE = '\n[change_note]\nen = "Level lowered after review."\nfr = "Niveau abaissé après examen."\n'


def subscribe(
    db: Database,
    users: list[int],
    code: str,
    *,
    lang: str | None,
    mode: str = "immediate",
    until: str | None = None,
) -> None:
    """Subscribers as the bot stores them (users who chose a language, then pressed Subscribe)."""
    at = NOW.isoformat()
    with write_transaction(db):
        for user in users:
            db.execute(
                "INSERT OR IGNORE INTO users (user_id, chat_id, lang, reply_lang, created_at,"
                " updated_at) VALUES (?, ?, ?, ?, ?, ?)",
                [user, user, lang, lang or "en", at, at],
            )
            db.execute(
                "INSERT INTO subscriptions (user_id, code, region, mode, scope, until, status,"
                " status_reason, created_at, updated_at)"
                " VALUES (?, ?, '', ?, 'major', ?, 'active', '', ?, ?)",
                [user, code, mode, until, at, at],
            )


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    folder = tmp_path / "data-copy"
    shutil.copytree(DATA, folder, ignore=shutil.ignore_patterns("*.db*"))
    return folder


def change_mali(data_dir: Path, *, level: int, note: str = NOTE) -> None:
    path = data_dir / "destinations" / "ML.toml"
    text = path.read_text(encoding="utf-8")
    text = re.sub(
        r"\[curated_level\]\nlevel = \d", f"[curated_level]\nlevel = {level}", text, count=1
    )
    path.write_text(with_change_note(text, note), encoding="utf-8")


def publish_change(bot: Running, data_dir: Path, level: int = 3, note: str = NOTE) -> int:
    change_mali(data_dir, level=level, note=note)
    db = open_db(bot.settings.db_path)
    report = publish(db, data_dir, who="test", now=NOW)
    assert report.events == 1
    return report.events


async def test_level_change_reaches_each_subscriber_once_in_their_language(
    bot: Running, data_copy: Path
) -> None:
    english, french = list(range(10_001, 10_021)), list(range(20_001, 20_021))
    db = open_db(bot.settings.db_path)
    subscribe(db, english, "ML", lang="en")
    subscribe(db, french, "ML", lang="fr")
    subscribe(db, [30_001], "NE", lang="en")  # follows another country: hears nothing
    publish_change(bot, data_copy)
    await bot.api.wait_for(
        lambda: all(len(bot.api.sent_messages(u)) >= 1 for u in english + french), timeout=20
    )
    await bot.api.idle(quiet=1.5, timeout=10)
    for user in english:
        [message] = bot.api.sent_messages(user)
        assert "Mali: the travel advice level changed" in message["text"]
        assert "Level 4 → 🟠 Level 3 – Reconsider travel" in message["text"]
        assert "Level lowered after review." in message["text"]
    for user in french:
        [message] = bot.api.sent_messages(user)
        assert "Niveau 4 → 🟠 Niveau 3 – Voyage à reconsidérer" in message["text"]
        assert "Niveau abaissé après examen." in message["text"]
    assert bot.api.sent_messages(30_001) == []
    [counts] = [c.counts for c in status_counts(db) if c.code == "ML"]
    assert counts["sent"] == 40 and counts["queued"] == 0 and counts["failed"] == 0


async def test_push_buttons_open_the_card_switch_to_digest_or_unsubscribe(
    bot: Running, data_copy: Path
) -> None:
    subscribe(open_db(bot.settings.db_path), [10_100], "ML", lang="en")
    publish_change(bot, data_copy)
    [push] = await bot.api.wait_for_messages(10_100, 1, timeout=10)
    data = [b["callback_data"] for row in push["reply_markup"]["inline_keyboard"] for b in row]
    assert data == ["a:ML", "m:ML:digest", "uns:ML"]


async def test_429_is_honoured_and_the_message_still_arrives_once(
    bot: Running, data_copy: Path
) -> None:
    users = [10_201, 10_202, 10_203]
    subscribe(open_db(bot.settings.db_path), users, "ML", lang="en")
    bot.api.fail_next("sendMessage", "429", chat_id=10_202, retry_after=1)
    publish_change(bot, data_copy)
    await bot.api.wait_for(lambda: all(bot.api.sent_messages(u) for u in users), timeout=15)
    await bot.api.idle(quiet=1.0)
    assert [len(bot.api.sent_messages(u)) for u in users] == [1, 1, 1]


async def test_blocked_user_is_paused_then_resumed_by_start(bot: Running, data_copy: Path) -> None:
    db = open_db(bot.settings.db_path)
    subscribe(db, [10_301, 10_302], "ML", lang="en")
    bot.api.fail_next("sendMessage", "403", chat_id=10_301)
    publish_change(bot, data_copy)
    await bot.api.wait_for_messages(10_302, 1, timeout=10)
    await bot.api.wait_for(
        lambda: (
            db.execute("SELECT status, reason FROM deliveries WHERE user_id = 10301").fetchone()[0]
            == "paused"
        ),
        timeout=10,
    )
    status, reason = db.execute(
        "SELECT status, status_reason FROM subscriptions WHERE user_id = 10301"
    ).fetchone()
    assert status == "paused" and reason.startswith("403")
    bot.api.push_text(10_301, "/start")
    await bot.api.wait_for_messages(10_301, 1, timeout=10)
    assert (
        db.execute("SELECT status FROM subscriptions WHERE user_id = 10301").fetchone()[0]
        == "active"
    )


async def test_chat_not_found_pauses_and_other_400_fails_with_reason(
    bot: Running, data_copy: Path
) -> None:
    db = open_db(bot.settings.db_path)
    subscribe(db, [10_401, 10_402], "ML", lang="en")
    bot.api.fail_next("sendMessage", "400", chat_id=10_401)
    bot.api.fail_next(
        "sendMessage", "400", chat_id=10_402, description="Bad Request: message is too long"
    )
    publish_change(bot, data_copy)

    def settled() -> bool:
        rows = db.execute(
            "SELECT status FROM deliveries WHERE user_id IN (10401, 10402)"
        ).fetchall()
        return len(rows) == 2 and all(r[0] in ("paused", "failed") for r in rows)

    await bot.api.wait_for(settled, timeout=10)
    rows = dict(
        db.execute(
            "SELECT user_id, status || ' ' || reason FROM deliveries"
            " WHERE user_id IN (10401, 10402)"
        ).fetchall()
    )
    assert rows[10401].startswith("paused 400 Chat not found")
    assert rows[10402].startswith("failed 400 Message is too long")


@pytest.mark.parametrize("kind", ["500", "502"])
async def test_server_errors_are_retried_until_delivered(
    bot: Running, data_copy: Path, kind: str
) -> None:
    subscribe(open_db(bot.settings.db_path), [10_501], "ML", lang="en")
    bot.api.fail_next("sendMessage", kind, chat_id=10_501)  # type: ignore[arg-type]
    publish_change(bot, data_copy)
    await bot.api.wait_for_messages(10_501, 1, timeout=15)
    await bot.api.idle(quiet=1.0)
    assert len(bot.api.sent_messages(10_501)) == 1


async def test_timeout_is_retried_and_delivered_at_most_twice(
    bot: Running, data_copy: Path
) -> None:
    sender = bot.app.bot_data.sender
    sender.settings = replace(sender.settings, read_timeout=1.0)
    subscribe(open_db(bot.settings.db_path), [10_601], "ML", lang="en")
    bot.api.fail_next("sendMessage", "timeout", chat_id=10_601, delay=2.0)
    publish_change(bot, data_copy)
    await bot.api.wait_for(lambda: bot.api.sent_messages(10_601), timeout=20)
    await bot.api.idle(quiet=3.0, timeout=20)
    # Telegram may have sent the message it did not confirm in time: once or twice, never zero.
    assert 1 <= len(bot.api.sent_messages(10_601)) <= 2


async def test_several_changes_waiting_become_one_message(bot: Running, data_copy: Path) -> None:
    await bot.app.bot_data.watchdog.stop()  # hold the outbox: two changes published
    subscribe(open_db(bot.settings.db_path), [10_701], "ML", lang="en")
    publish_change(bot, data_copy, level=3)
    second = (
        '\n[change_note]\nen = "Raised again: fighting near Bamako."\nfr = "Relevé de nouveau."\n'
    )
    publish_change(bot, data_copy, level=4, note=second)
    from bot.telegram.app import start_background

    await start_background(bot.app)
    [message] = await bot.api.wait_for_messages(10_701, 1, timeout=10)
    await bot.api.idle(quiet=1.0)
    assert len(bot.api.sent_messages(10_701)) == 1
    assert "Level lowered after review." in message["text"]
    assert "Raised again: fighting near Bamako." in message["text"]
    assert "Level 4 – Do not travel" in message["text"]  # the latest state


async def test_daily_digest_is_one_message_per_subscriber(bot: Running, data_copy: Path) -> None:
    db = open_db(bot.settings.db_path)
    subscribe(db, [10_801], "ML", lang="fr", mode="digest")
    subscribe(db, [10_801], "NE", lang="fr", mode="digest")
    publish_change(bot, data_copy)
    niger = data_copy / "destinations" / "NE.toml"
    text = niger.read_text(encoding="utf-8").replace(
        "[curated_level]\nlevel = 4", "[curated_level]\nlevel = 3", 1
    )
    note = '\n[change_note]\nen = "Lowered."\nfr = "Abaissé."\n'
    niger.write_text(with_change_note(text, note), encoding="utf-8")
    publish(db, data_copy, who="test", now=NOW)
    await bot.api.idle(quiet=1.0)
    assert bot.api.sent_messages(10_801) == []  # held for the digest
    assert send_digests(db, NOW.date()) == 2
    bot.app.bot_data.sender.wake()
    [digest] = await bot.api.wait_for_messages(10_801, 1, timeout=10)
    await bot.api.idle(quiet=1.0)
    assert len(bot.api.sent_messages(10_801)) == 1
    assert "résumé quotidien" in digest["text"].lower()
    assert "Mali" in digest["text"] and "Niger" in digest["text"]


async def test_trip_end_date_stops_alerts_with_a_goodbye(bot: Running, data_copy: Path) -> None:
    db = open_db(bot.settings.db_path)
    subscribe(db, [10_901], "ML", lang="en", until="2026-11-20")
    subscribe(db, [10_902], "ML", lang="en", until="2026-12-20")
    assert end_trips(db, NOW.date(), NOW) == 1
    bot.app.bot_data.sender.wake()
    [goodbye] = await bot.api.wait_for_messages(10_901, 1, timeout=10)
    assert "trip to Mali is over" in goodbye["text"]
    publish_change(bot, data_copy)
    await bot.api.wait_for_messages(10_902, 1, timeout=10)
    await bot.api.idle(quiet=1.0)
    assert len(bot.api.sent_messages(10_901)) == 1  # only the goodbye


async def test_subscribe_until_a_date_from_text(bot: Running) -> None:
    bot.api.push_text(11_001, "abonne-moi au Mali jusqu'au 20 décembre", language_code="fr")
    [reply] = await bot.api.wait_for_messages(11_001, 1)
    assert "20 décembre" in reply["text"]
    db = open_db(bot.settings.db_path)
    until = db.execute("SELECT until FROM subscriptions WHERE user_id = 11001").fetchone()[0]
    assert until.endswith("-12-20")


async def test_push_status_counts_by_event(bot: Running, data_copy: Path) -> None:
    db = open_db(bot.settings.db_path)
    subscribe(db, [11_101, 11_102], "ML", lang="en")
    bot.api.fail_next("sendMessage", "403", chat_id=11_102)
    publish_change(bot, data_copy)
    await bot.api.wait_for(
        lambda: (
            next(c for c in status_counts(db) if c.code == "ML").counts["queued"] == 0
            and next(c for c in status_counts(db) if c.code == "ML").counts["sending"] == 0
        ),
        timeout=10,
    )
    counts = next(c for c in status_counts(db) if c.code == "ML").counts
    assert (counts["sent"], counts["paused"]) == (1, 1)


async def test_maintainer_alert_from_telegram_reaches_subscribers_and_is_exported(
    bot: Running, tmp_path: Path
) -> None:
    from bot.store.publish import export

    from .conftest import MAINTAINER

    db = open_db(bot.settings.db_path)
    subscribe(db, [11_201], "ML", lang="fr")
    bot.api.push_text(MAINTAINER, "/alert Mali")
    await bot.api.wait_for_messages(MAINTAINER, 1)
    bot.api.push_text(MAINTAINER, "Curfew in Bamako from 8 pm.")
    await bot.api.wait_for_messages(MAINTAINER, 2)
    bot.api.push_text(MAINTAINER, "Couvre-feu à Bamako dès 20 h.")
    [*_, preview] = await bot.api.wait_for_messages(MAINTAINER, 3)
    assert "Curfew" in preview["text"] and "Couvre-feu" in preview["text"]
    bot.api.push_callback(MAINTAINER, "al:critical", preview["message_id"])
    [push] = await bot.api.wait_for_messages(11_201, 1, timeout=10)
    assert "Mali\u00a0: nouvelle alerte" in push["text"]
    assert "Couvre-feu à Bamako dès 20 h." in push["text"]
    folder = tmp_path / "export"
    (folder / "destinations").mkdir(parents=True)
    shutil.copy(DATA / "levels.toml", folder / "levels.toml")
    export(db, folder)
    exported = (folder / "destinations" / "ML.toml").read_text(encoding="utf-8")
    assert 'origin = "telegram"' in exported and "Couvre-feu à Bamako" in exported


async def test_alert_text_from_a_non_maintainer_is_just_a_message(bot: Running) -> None:
    bot.api.push_text(11_301, "/alert Mali")
    [refusal] = await bot.api.wait_for_messages(11_301, 1)
    assert "reserved" in refusal["text"]


async def test_unsubscribing_cancels_what_was_still_waiting(bot: Running, data_copy: Path) -> None:
    await bot.app.bot_data.watchdog.stop()  # hold the outbox
    db = open_db(bot.settings.db_path)
    subscribe(db, [11_401, 11_402], "ML", lang="en")
    publish_change(bot, data_copy)
    from bot.core.reply import Action, UserState
    from bot.store.users import forget_user, save_turn

    save_turn(
        db,
        11_401,
        chat_id=11_401,
        state=UserState(),
        reply_lang="en",
        actions=[Action("unsubscribe", "ML")],
        now=NOW,
    )
    with write_transaction(db):
        forget_user(db, 11_402)
    rows = db.execute(
        "SELECT user_id, status, reason FROM deliveries WHERE user_id IN (11401, 11402)"
    ).fetchall()
    assert rows == [(11_401, "cancelled", "unsubscribed")]  # and nothing left of 11402
    from bot.telegram.app import start_background

    await start_background(bot.app)
    await bot.api.idle(quiet=1.0)
    assert bot.api.sent_messages(11_401) == [] and bot.api.sent_messages(11_402) == []
