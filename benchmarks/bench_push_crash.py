"""Duplicate pushes across crashes: how many subscribers get a push twice when `vigie run` is
killed with SIGKILL in the middle of a broadcast, and when a second bot is started on the same
database.

Run: .venv/bin/python benchmarks/bench_push_crash.py

1. Three kill -9 during one broadcast of 3,000 pushes (paid-broadcast rate, 1000/s, 64 in
   flight), each followed by a restart; then the broadcast finishes. Printed per kill: the
   deliveries the database showed claimed at the kill, those of them the fake server had already
   received (the only ones that can be sent twice), and the duplicates counted at the end.
   Target: duplicates <= those received-but-unrecorded, never more than the 64 in flight.
2. A second `vigie run` on the same database while the first broadcasts: its exit status and
   line, and the duplicates once the first has finished. Target: refused, 0 duplicates.

Real processes against the fake Bot API (tests/e2e/fake_botapi.py) on 127.0.0.1; bounded in
time; prints its figures and exits 0.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.store.db import open_db
from bot.store.publish import publish
from tests.conftest import DATA
from tests.e2e.botapi_spec import load_spec
from tests.e2e.fake_botapi import FakeBotApi
from tests.e2e.test_push_crash import SUBSCRIBERS, _prepare, _received, _start


def _published(folder: Path) -> Path:
    db_path = folder / "vigie.db"
    db = open_db(db_path)
    publish(db, DATA, who="bench", now=dt.datetime(2026, 11, 24, tzinfo=dt.UTC))
    db.close()
    data_dir = folder / "data"
    shutil.copytree(DATA, data_dir, ignore=shutil.ignore_patterns("*.db*"))
    _prepare(db_path, data_dir)
    return db_path


def _claimed_and_received(db_path: Path, received: dict[int, int]) -> tuple[int, int]:
    db = open_db(db_path)
    try:
        claimed = [
            chat
            for (chat,) in db.execute("SELECT chat_id FROM deliveries WHERE status = 'sending'")
        ]
    finally:
        db.close()
    return len(claimed), sum(1 for chat in claimed if chat in received)


async def _stop(bot: subprocess.Popen[bytes]) -> None:
    bot.send_signal(signal.SIGTERM)
    try:
        await asyncio.to_thread(bot.wait, 30)
    except subprocess.TimeoutExpired:
        bot.kill()


async def kills(folder: Path) -> None:
    db_path = _published(folder)
    spec = load_spec()
    async with FakeBotApi(spec, privacy_mode=False) as api:
        rows = []
        for fraction in (0.25, 0.5, 0.75):
            bot = _start(api, db_path)
            target = int(SUBSCRIBERS * fraction)
            await api.wait_for(lambda t=target: len(_received(api)) >= t, timeout=90)  # type: ignore[misc]
            bot.send_signal(signal.SIGKILL)
            await asyncio.to_thread(bot.wait, 10)
            await asyncio.sleep(0.5)  # what the bot wrote before dying reaches the server
            received = _received(api)
            rows.append((fraction, len(received), *_claimed_and_received(db_path, received)))
        bot = _start(api, db_path)
        await api.wait_for(lambda: len(_received(api)) == SUBSCRIBERS, timeout=120)
        await asyncio.sleep(1.0)
        await _stop(bot)
        received = _received(api)
    duplicates = sum(1 for count in received.values() if count > 1)
    print(f"1. {SUBSCRIBERS} pushes, three kill -9 and restarts:")
    for fraction, at_kill, claimed, posted in rows:
        print(
            f"   kill at {fraction:.0%}: {at_kill} received so far, {claimed} claimed in the"
            f" database, {posted} of them already received (may be sent twice)"
        )
    bound = sum(row[3] for row in rows)
    print(
        f"   duplicates after the three kills: {duplicates} of {SUBSCRIBERS}"
        f" (bound: {bound} received but unrecorded; nobody missed:"
        f" {len(received) == SUBSCRIBERS})"
    )


async def second_instance(folder: Path) -> None:
    db_path = _published(folder)
    spec = load_spec()
    async with FakeBotApi(spec, privacy_mode=False) as api:
        first = _start(api, db_path)
        await api.wait_for(lambda: len(_received(api)) >= SUBSCRIBERS // 4, timeout=60)
        second = _start(api, db_path)
        code = await asyncio.to_thread(second.wait, 60)
        line = (second.stderr.read().decode() if second.stderr else "").strip()
        await api.wait_for(lambda: len(_received(api)) == SUBSCRIBERS, timeout=120)
        await asyncio.sleep(1.0)
        await _stop(first)
        received = _received(api)
    duplicates = sum(1 for count in received.values() if count > 1)
    print("2. a second `vigie run` on the same database during the broadcast:")
    print(f"   exit status {code}: {line.splitlines()[-1] if line else '(nothing said)'}")
    print(f"   duplicates: {duplicates} of {SUBSCRIBERS}")


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        (base / "kills").mkdir()
        (base / "second").mkdir()
        asyncio.run(kills(base / "kills"))
        asyncio.run(second_instance(base / "second"))


if __name__ == "__main__":
    main()
