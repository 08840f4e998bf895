"""The offline console saves a reply's map to a file and prints its path."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from PIL import Image

from bot.console import Console
from bot.knowledge import KnowledgeCache
from bot.store.db import open_db
from tests.conftest import DATA


def console(tmp_path: Path, published_db: Path) -> Console:
    db_path = tmp_path / "console.db"
    shutil.copy(published_db, db_path)
    db = open_db(db_path)
    return Console(db, KnowledgeCache(db, DATA), maps_dir=tmp_path / "maps")


def saved_map(out: str) -> Path:
    [line] = [line for line in out.splitlines() if line.startswith("🗺 /")]
    return Path(line.removeprefix("🗺 "))


def test_hotspots_in_the_console_save_the_map_and_print_its_path(
    tmp_path: Path, published_db: Path
) -> None:
    chat = console(tmp_path, published_db)
    out = chat.handle("which countries should I avoid in Africa?")
    path = saved_map(out)
    assert path.parent == tmp_path / "maps" and path.suffix == ".png"
    assert Image.open(path).width == 1200
    assert "Destinations to avoid in Africa" in out and "Mali" in out


def test_map_button_under_the_card_saves_malis_map(tmp_path: Path, published_db: Path) -> None:
    chat = console(tmp_path, published_db)
    card = chat.handle("is it safe to go to Mali?")
    [number] = re.findall(r"\[(\d+)\] 🗺 Map", card)
    out = chat.handle(number)
    path = saved_map(out)
    assert path.name.startswith("ml-") and path.is_file()
    assert "Map of Mali" in out


def test_map_command_with_a_country_or_after_a_card(tmp_path: Path, published_db: Path) -> None:
    chat = console(tmp_path, published_db)
    assert "Map of Thailand" in chat.handle("/map Thailand")
    chat.handle("is Niger safe?")
    out = chat.handle("/map")
    assert "Map of Niger" in out and saved_map(out).name.startswith("ne-")
