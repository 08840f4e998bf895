"""Shared fixtures: the team's real feeds and spec (skipped where absent), temporary data dirs."""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
from pathlib import Path

import pytest

from tests.e2e.botapi_spec import SPEC_PATH, BotApiSpec, load_spec

# No test reaches beyond loopback: a bot started here (in-process or as `vigie run`) never
# schedules the sync of the real official sources. Tests of the sync point it at 127.0.0.1.
os.environ["VIGIE_SYNC_EVERY"] = "0"

PROJECT = Path(__file__).resolve().parents[1]
# Copies of the team's shared feeds and Bot API spec, with their sources and licences
# (tests/fixtures/README.md): a clone anywhere runs every test.
SHARED = PROJECT / "tests" / "fixtures"
FEEDS = SHARED / "feeds"
DATA = PROJECT / "data"
TODAY = dt.date(2026, 11, 24)


def shared_file(relative: str) -> Path:
    """A fixture file of tests/fixtures/ (skip, saying why, if a licence kept it out)."""
    path = SHARED / relative
    if not path.exists():
        pytest.skip(f"{path} is absent from tests/fixtures/")
    return path


def with_change_note(toml_text: str, note: str) -> str:
    """A destination file's text with its `[change_note]` table replaced by `note` (a table)."""
    kept = re.sub(r"\n\[change_note\]\n(?:(?:en|fr) = .*\n)+", "\n", toml_text)
    return kept + note


@pytest.fixture(scope="session")
def spec() -> BotApiSpec:
    """The Bot API spec PTB implements, which every end-to-end test checks requests against;
    skip when the team's shared folder is absent."""
    loaded = load_spec()
    if loaded is None:
        pytest.skip(f"Bot API spec not found at {SPEC_PATH}")
    return loaded


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    """An empty data folder with the real levels.toml."""
    folder = tmp_path / "data"
    (folder / "destinations").mkdir(parents=True)
    shutil.copy(DATA / "levels.toml", folder / "levels.toml")
    return folder


@pytest.fixture
def real_data_dir(tmp_path: Path) -> Path:
    """A copy of the project's real data folder (without any database)."""
    folder = tmp_path / "data"
    shutil.copytree(DATA, folder, ignore=shutil.ignore_patterns("*.db*"))
    return folder


@pytest.fixture(scope="session")
def published_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A database with every destination of data/ published once (copy it before writing)."""
    from bot.store.db import open_db
    from bot.store.publish import publish

    folder = tmp_path_factory.mktemp("published")
    db = open_db(folder / "vigie.db")
    publish(db, DATA, who="tests", now=dt.datetime(2026, 11, 24, tzinfo=dt.UTC))
    db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    return folder / "vigie.db"
