"""/forget leaves nothing of the user on disk (the database file and its WAL), and what the bot
keeps of messages it did not understand names nobody."""

from __future__ import annotations

from pathlib import Path

from bot.store.db import open_db
from bot.store.unmatched import mask

from .conftest import Running
from .test_bot_scenarios import press, say
from .test_unmatched import unmatched_listing

USER = 6363
MARKER = "quokka xylophone wanderlust"  # nobody else writes this


def on_disk(db_path: Path, needle: str) -> list[str]:
    """The files of the database (main, WAL) whose bytes contain `needle`."""
    files = [db_path, Path(f"{db_path}-wal")]
    return [p.name for p in files if p.exists() and needle.encode() in p.read_bytes()]


async def test_after_forget_nothing_of_the_user_remains_on_disk(bot: Running) -> None:
    db_path = bot.settings.db_path
    bot.api.set_user(USER, first_name="Zéphyrine", username="zephy_travels")
    await say(bot, USER, f"tell me about {MARKER}")
    await say(bot, USER, "/subscribe Niger")
    assert on_disk(db_path, MARKER), "the message was never written: nothing is tested"
    question = await say(bot, USER, "/forget")
    await press(bot, USER, question, "fg:yes")

    await bot.api.wait_for(lambda: not on_disk(db_path, MARKER), timeout=60)
    db = open_db(db_path)
    for table in ("users", "subscriptions", "deliveries"):
        [(count,)] = db.execute(f"SELECT count(*) FROM {table} WHERE user_id = ?", [USER])
        assert count == 0, table
    assert MARKER not in unmatched_listing(db_path)
    wal = Path(f"{db_path}-wal")
    assert not wal.exists() or MARKER.encode() not in wal.read_bytes()


async def test_names_and_usernames_are_masked_in_unmatched_messages(bot: Running) -> None:
    bot.api.set_user(USER, first_name="Zéphyrine", last_name="Okonkwo", username="zephy_travels")
    await say(bot, USER, "Zéphyrine Okonkwo here, ask @marco_polo99 about the penguins")
    await say(bot, USER, "my name is Ana Lima and I love penguins")
    await say(bot, USER, "je m'appelle Jean Dupont, j'aime les pingouins", lang="fr")
    listing = unmatched_listing(bot.settings.db_path)
    for name in ("Zéphyrine", "Okonkwo", "marco_polo99", "Ana", "Lima", "Jean", "Dupont"):
        assert name not in listing, name
    assert "<name> <name> here, ask <username> about the penguins" in listing
    assert "my name is <name> and I love penguins" in listing


def test_mask_keeps_places_and_words_that_only_look_like_names() -> None:
    assert mask("is Mali safe for Ana?", ["Ana"]) == "is Mali safe for <name>?"
    assert mask("I am French, is Niger safe?") == "I am French, is Niger safe?"
    assert mask("thanks, Marie") == "thanks, <name>"
    assert mask("mail me: a.b@example.org") == "mail me: <email>"
    assert mask("Al asked: is Chad safe? also al-Qaeda", ["Al"]) == (
        "<name> asked: is Chad safe? also al-Qaeda"
    )
