"""The day of a crisis: 1,000 users writing within one second while a 10,000-subscriber broadcast
is under way, against a fake Bot API enforcing Telegram's limits (30 messages/second, one per
second per chat), with Vigie's real Application, sender and shared budget.

Run: .venv/bin/python benchmarks/bench_crisis.py [--users 1000] [--subscribers 10000]

Prints: how many users got their answer, the 429s drawn (target 0), the time from the first
user's message to the last answer (target close to users / 30 s), the pushes sent meanwhile,
and when the broadcast finished (after the last answer). The fake runs in its own process
(benchmarks/fake_process.py); the bot is started and stopped with the end-to-end tests' helpers.
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.bench_push import add_subscribers, published_db, record_change
from benchmarks.fake_process import FakeServerProcess
from bot.config import PROJECT_ROOT, Settings
from bot.store.db import open_db
from tests.e2e.conftest import TOKEN, start_bot, stop_bot

DATA = PROJECT_ROOT / "data"
TELEGRAM_RATE = 30
FIRST_WRITER = 5_000_000
BROADCAST_HEAD_START = 3.0  # seconds of broadcast before people start writing
TIMEOUT = 900.0


def crisis_api(_: object = None) -> Any:
    """A FakeBotApi enforcing Telegram's limits that keeps, per chat, only when the bot's
    messages arrived (a 10,000-message broadcast must not slow it down); None without spec."""
    from tests.e2e.botapi_spec import load_spec
    from tests.e2e.fake_botapi import FakeBotApi, Request

    spec = load_spec()
    if spec is None:
        return None

    class CrisisApi(FakeBotApi):
        def __init__(self) -> None:
            super().__init__(spec, rate_limit=TELEGRAM_RATE, per_chat_limit=1, privacy_mode=False)
            self.arrivals: dict[int, list[float]] = {}
            self.texts: dict[int, str] = {}
            self.first_write = 0.0

        async def _answer(self, record: Request, *, known: bool) -> Any:
            answer = await super()._answer(record, known=known)
            if record.method == "sendMessage" and answer.status == 200:
                chat = int(record.params["chat_id"])
                self.arrivals.setdefault(chat, []).append(time.monotonic())
                if chat >= FIRST_WRITER:
                    self.texts[chat] = str(record.params.get("text", ""))[:60]
                self._messages.pop(chat, None)
            self.requests.clear()
            return answer

        async def burst(self, users: int) -> float:
            """`users` people each write once, spread over one second."""
            self.first_write = time.monotonic()
            for n in range(users):
                self.push_text(FIRST_WRITER + n, "Is it safe to go to Mali?")
                if n % 50 == 49:
                    await asyncio.sleep(0.05)
            return time.monotonic() - self.first_write

        def stats(self) -> dict[str, Any]:
            writers = {c: t for c, t in self.arrivals.items() if c >= FIRST_WRITER}
            pushes = [t for c, ts in self.arrivals.items() if c < FIRST_WRITER for t in ts]
            sorry = sum("Sorry" in text for text in self.texts.values())
            return {
                "answered": len(writers),
                "answers": sum(len(ts) for ts in writers.values()),
                "last_answer": max((ts[-1] for ts in writers.values()), default=0.0),
                "pushes": sorted(pushes),
                "count_429": self.count_429,
                "sorry": sorry,
                "first_write": self.first_write,
                "now": time.monotonic(),
            }

    return CrisisApi()


async def crisis(server: FakeServerProcess, base: Path, tmp: Path, users: int, subs: int) -> None:
    db_path = tmp / "crisis.db"
    shutil.copy(base, db_path)
    db = open_db(db_path)
    add_subscribers(db, subs)
    record_change(db)  # one delivery queued per subscriber
    db.close()
    url = server.reset(None)
    settings = Settings(data_dir=DATA, db_path=db_path, token=TOKEN, base_url=url)
    app = await start_bot(settings)
    try:
        await asyncio.sleep(BROADCAST_HEAD_START)
        spread = await asyncio.to_thread(server.call, "burst", users)
        started = time.monotonic()
        answered_at: float | None = None
        while time.monotonic() - started < TIMEOUT:
            await asyncio.sleep(1.0)
            stats = await asyncio.to_thread(server.call, "stats")
            if answered_at is None and stats["answered"] >= users:
                answered_at = stats["last_answer"]
            if stats["answered"] >= users and len(stats["pushes"]) >= subs:
                break
    finally:
        await stop_bot(app)
    pushes = stats["pushes"]
    first_write = stats["first_write"]
    last_answer = stats["last_answer"]
    during = sum(1 for t in pushes if first_write <= t <= last_answer)
    finished = pushes[-1] if len(pushes) >= subs else None
    print(
        f"crisis: {users:,} users writing within {spread:.2f} s, during a {subs:,}-subscriber"
        f" broadcast, fake enforcing {TELEGRAM_RATE}/s and 1/s per chat"
    )
    print(
        f"  users answered: {stats['answered']:,} of {users:,} ({stats['answers']:,} messages,"
        f" {stats['sorry']} 'Sorry'); 429s received: {stats['count_429']} (target 0)"
    )
    print(
        f"  time until the last answer: {last_answer - first_write:.1f} s after the first message"
        f" (target close to {users / TELEGRAM_RATE:.1f} s); pushes sent meanwhile: {during}"
    )
    if finished is None:
        print(f"  broadcast: {len(pushes):,} of {subs:,} sent when the time limit hit")
    else:
        span = finished - (pushes[0] if pushes else finished)
        print(
            f"  broadcast finished {finished - last_answer:.1f} s after the last answer"
            f" ({len(pushes):,} pushes in {span:.0f} s,"
            f" {'afterwards' if finished > last_answer else 'BEFORE the replies'})"
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=1000)
    parser.add_argument("--subscribers", type=int, default=10_000)
    args = parser.parse_args()
    from tests.e2e.botapi_spec import SPEC_PATH, load_spec

    if load_spec() is None:
        print(f"Bot API spec absent ({SPEC_PATH}): the fake cannot run")
        return 0
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="vigie-bench-crisis-") as folder:
        tmp = Path(folder)
        base = tmp / "published.db"
        published_db(base)
        server = FakeServerProcess(crisis_api)
        try:
            asyncio.run(crisis(server, base, tmp, args.users, args.subscribers))
        finally:
            server.close()
    print(f"(bench_crisis took {time.perf_counter() - started:.0f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
