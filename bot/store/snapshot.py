"""A consistent copy of the database for reading elsewhere (`make browse`): SQLite's online
backup, safe while the bot writes, with the copy out of WAL mode so that a reader opening it as
immutable sees everything. `python -m bot.store.snapshot SOURCE TARGET`."""

from __future__ import annotations

import sqlite3
import sys
from pathlib import Path


def snapshot(source: Path, target: Path) -> Path:
    """Copy `source` to `target` (replaced), as one self-contained file."""
    if not source.exists():
        raise FileNotFoundError(f"no database at {source}: run `vigie data publish` first")
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    reader = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    copy = sqlite3.connect(partial)
    try:
        reader.backup(copy)
        copy.execute("PRAGMA journal_mode = DELETE")
    finally:
        copy.close()
        reader.close()
    partial.replace(target)
    return target


if __name__ == "__main__":  # pragma: no cover
    if len(sys.argv) != 3:
        sys.exit("usage: python -m bot.store.snapshot SOURCE TARGET")
    print(f"snapshot of {sys.argv[1]} in {snapshot(Path(sys.argv[1]), Path(sys.argv[2]))}")
