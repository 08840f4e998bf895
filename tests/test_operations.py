"""What an operator sees when the database or a file is not right: one line saying what to do
and a non-zero exit, never a traceback; and a missing database is never silently recreated.
Each case uses a real file and a real `vigie` process."""

from __future__ import annotations

import ctypes
import os
import resource
import shutil
import signal
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from bot.store.db import explain, open_db
from tests.conftest import DATA, PROJECT

TOKEN = "987654:VIGIE-TEST-TOKEN-SECRET"


def vigie(
    db: Path,
    *args: str,
    token: bool = False,
    preexec: Callable[[], None] | None = None,
) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "VIGIE_DB": str(db), "VIGIE_DATA_DIR": str(DATA)}
    env.pop("TELEGRAM_BOT_TOKEN", None)
    if token:  # a server that is never reached: every case fails before talking to Telegram
        env |= {"TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_BASE_URL": "http://127.0.0.1:9"}
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", *args],
        cwd=PROJECT,
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=60,
        preexec_fn=preexec,
    )


def one_line(result: subprocess.CompletedProcess[str]) -> str:
    """The run failed with exit status 1 and said why in exactly one line."""
    assert result.returncode == 1, (result.returncode, result.stderr)
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert TOKEN not in result.stderr
    return lines[0]


def test_a_missing_database_is_an_error_not_an_empty_new_one(tmp_path: Path) -> None:
    db = tmp_path / "vigie.db"
    for args, token in ((("run",), True), (("run",), False), (("show", "ML"), False)):
        line = one_line(vigie(db, *args, token=token))
        assert f"no database at {db}: run `vigie data publish` to create it" in line
    assert list(tmp_path.iterdir()) == [], "a database was created"
    assert vigie(db, "data", "publish").returncode == 0  # asked to create one: it does
    shown = vigie(db, "show", "ML")
    assert shown.returncode == 0 and "Mali" in shown.stdout


def test_an_empty_database_is_refused_by_the_bot(tmp_path: Path) -> None:
    db = tmp_path / "vigie.db"
    open_db(db).close()  # the schema, and no published advice
    assert "holds no published advice: run `vigie data publish`" in one_line(
        vigie(db, "run", token=True)
    )


@pytest.mark.parametrize("damage", ["garbage", "truncated"])
def test_a_damaged_database_gives_one_line(damage: str, tmp_path: Path, published_db: Path) -> None:
    db = tmp_path / "vigie.db"
    if damage == "garbage":
        db.write_bytes(os.urandom(8192))
    else:
        db.write_bytes(published_db.read_bytes()[:20_000])
    for args, token in ((("run",), True), (("show", "ML"), False), (("push", "status"), False)):
        line = one_line(vigie(db, *args, token=token))
        assert f"the database {db} is damaged" in line and "restore it from a backup" in line


def _without_root_override() -> None:
    """Tests run as root, whom file modes do not stop: drop the capabilities that let root
    write a file it may not (CAP_DAC_OVERRIDE, CAP_FOWNER) from this child's bounding set, so
    that after exec it meets `chmod 444` as the `vigie` system user would. Nothing to drop
    when not root: the mode already applies."""
    if os.geteuid() != 0:
        return
    libc = ctypes.CDLL(None, use_errno=True)
    pr_capbset_drop = 24
    for capability in (1, 3):  # CAP_DAC_OVERRIDE, CAP_FOWNER
        if libc.prctl(pr_capbset_drop, capability, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP)")


def test_a_read_only_database_gives_one_line(tmp_path: Path, published_db: Path) -> None:
    db = tmp_path / "vigie.db"
    shutil.copy(published_db, db)
    db.chmod(0o444)
    line = one_line(vigie(db, "run", token=True, preexec=_without_root_override))
    assert f"the database {db} is read-only" in line
    shown = vigie(db, "show", "ML", preexec=_without_root_override)
    assert shown.returncode == 0 and "Mali" in shown.stdout  # reading still works


def _small_disk() -> None:
    """No file this process writes may grow past 200 kB: a full disk, for it alone."""
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # the write fails instead of killing us
    resource.setrlimit(resource.RLIMIT_FSIZE, (200_000, 200_000))


def test_a_full_disk_gives_one_line(tmp_path: Path) -> None:
    db = tmp_path / "vigie.db"
    line = one_line(vigie(db, "data", "publish", preexec=_small_disk))
    assert f"could not write the database {db}" in line and "disk may be full" in line


def test_sqlite_full_is_explained(tmp_path: Path) -> None:
    """SQLITE_FULL itself (the database reached the size the disk allows)."""
    db = open_db(tmp_path / "vigie.db")
    pages = db.execute("PRAGMA page_count").fetchone()[0]
    db.execute(f"PRAGMA max_page_count = {pages}")
    with pytest.raises(sqlite3.OperationalError) as caught:
        db.execute("INSERT INTO meta (key, value) VALUES ('filler', ?)", ["x" * 100_000])
    line = explain(caught.value, tmp_path / "vigie.db")
    assert line is not None and "no space left for the database" in line


def test_a_bad_feed_file_gives_one_line(tmp_path: Path) -> None:
    feed = tmp_path / "feed.xml"
    feed.write_bytes(b"\x00\x01<html>502 Bad Gateway</html>\n" + os.urandom(2000))
    line = one_line(vigie(tmp_path / "vigie.db", "import", "us-state", "--file", str(feed)))
    assert line.startswith("Error: nothing imported: US feed:")


def test_another_process_holding_the_write_lock_does_not_stop_the_bot_starting(
    tmp_path: Path, published_db: Path
) -> None:
    from tests.e2e.test_resilience import hold_write_lock

    db = tmp_path / "vigie.db"
    shutil.copy(published_db, db)
    locker = hold_write_lock(db, 5.0)
    try:
        result = vigie(db, "run", token=True)  # gets past its checks, then finds no Telegram
    finally:
        locker.wait(timeout=10)
    assert "locked" not in result.stderr
    assert "All connection attempts failed" in result.stderr
