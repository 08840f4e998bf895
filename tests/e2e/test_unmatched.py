"""`vigie data unmatched`: what people wrote is kept masked, 90 days, and goes with /forget."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

from click.testing import CliRunner

from bot.cli import main
from bot.store.db import migrations, open_db
from bot.store.unmatched import record_unmatched

from .conftest import Running
from .test_bot_scenarios import press, say

WRITER = 6161
OTHER = 6262
PRIVATE = (
    "tell me a joke jo.smith@example.org +223 20 22 38 33 passport 123456 \x1b[2J\x1b]0;pwned\x07"
)


def unmatched_listing(db_path: Path) -> str:
    result = CliRunner().invoke(main, ["--db", str(db_path), "data", "unmatched"])
    assert result.exit_code == 0, result.output
    return result.output


async def test_unmatched_text_is_masked_and_printed_without_escapes(bot: Running) -> None:
    await say(bot, WRITER, PRIVATE)
    listing = unmatched_listing(bot.settings.db_path)
    assert "tell me a joke <email> <phone> passport <number>" in listing
    for secret in ("jo.smith", "example.org", "38 33", "123456", "\x1b", "pwned\x07"):
        assert secret not in listing
    stored = open_db(bot.settings.db_path).execute("SELECT text, author FROM unmatched").fetchall()
    assert all("123456" not in text and str(WRITER) not in author for text, author in stored)


async def test_a_place_without_a_question_is_listed_with_its_kind(bot: Running) -> None:
    await say(bot, WRITER, "Mali football scores")
    await say(bot, WRITER, "c'est dangereux ?", lang="fr")
    listing = unmatched_listing(bot.settings.db_path)
    assert "1  en  no question  Mali football scores" in listing
    assert "1  fr  no place   c'est dangereux" in listing


async def test_forget_deletes_the_users_unmatched_messages_only(bot: Running) -> None:
    await say(bot, WRITER, "tell me a joke about penguins")
    await say(bot, OTHER, "tell me a joke about penguins")
    await say(bot, OTHER, "what is the meaning of life")
    assert "2  en  no intent  tell me a joke about penguins" in unmatched_listing(
        bot.settings.db_path
    )
    question = await say(bot, WRITER, "/forget")
    await press(bot, WRITER, question, "fg:yes")
    listing = unmatched_listing(bot.settings.db_path)
    assert "1  en  no intent  tell me a joke about penguins" in listing
    assert "meaning of life" in listing


def test_unmatched_messages_are_kept_90_days(tmp_path: Path) -> None:
    db = open_db(tmp_path / "vigie.db")
    now = dt.datetime.now(dt.UTC)
    record_unmatched(db, "old joke", "en", "intent", now - dt.timedelta(days=91), user_id=1)
    record_unmatched(db, "recent joke", "en", "intent", now - dt.timedelta(days=89), user_id=1)
    listing = unmatched_listing(tmp_path / "vigie.db")
    assert "recent joke" in listing and "old joke" not in listing


def test_messages_stored_before_the_upgrade_are_masked(tmp_path: Path, published_db: Path) -> None:
    path = tmp_path / "old.db"
    shutil.copy(published_db, path)
    old = open_db(path)
    old.execute("DROP TABLE unmatched")
    old.execute("DELETE FROM _sqlite_migrations WHERE name = 'm006_unmatched_privacy'")
    old.table("unmatched").create(
        {"text_key": str, "text": str, "lang": str, "missing": str, "count": int, "last_at": str},
        pk="text_key",
    )
    today = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    old.execute(
        "INSERT INTO unmatched VALUES ('k', 'mail me at a@b.fr \x1b[31m', 'en', 'intent', 3, ?)",
        [today],
    )
    old.close()
    migrations.apply(open_db(path))
    listing = unmatched_listing(path)
    assert "3  en  no intent  mail me at <email>" in listing and "a@b.fr" not in listing
