"""How fast and how lean the push path is: enqueue, paced sending, paid-broadcast rate, memory.

Run: .venv/bin/python benchmarks/bench_push.py

1. Enqueue: the transaction that records one change event and its fan-out to 100,000
   subscribers of Mali (target <= 1 s); then the time of one outbox claim with them queued.
2. Paced sending: OutboxSender with the default settings (29.5/s) against the fake Bot API
   enforcing Telegram's 30 messages/second, 600 deliveries (target >= 97 % of 30/s, no 429);
   the same for a few seconds with 100,000 deliveries queued; and PTB's own AIORateLimiter
   (defaults) sending 600 messages concurrently.
3. Paid-broadcast rate: SenderSettings(rate=1000), no server limit, 5,000 deliveries
   (target >= 800/s on loopback), with both processes' CPU use, the same with the fake in this
   process, PTB's Bot alone on the same transport, and the sender's CPU per message.
4. Memory: tracemalloc peak and ru_maxrss growth of a process that enqueues a 100,000-subscriber
   broadcast and drains it through OutboxSender and its aiohttp transport for a bounded time (the
   printed lines say how far it got), and the one structure that grows with the broadcast.

The fake Bot API (tests/e2e/fake_botapi.py, which needs the team's Bot API spec in
../shared/botapi) runs in a separate process so that it does not share a CPU with the sender.
Every phase is bounded in count and in time; the script prints figures and exits 0.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import importlib.util
import json
import logging
import multiprocessing as mp
import os
import re
import resource
import shutil
import statistics
import sys
import tempfile
import time
import tracemalloc
import types
from collections import Counter
from collections.abc import Awaitable, Callable
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from aiolimiter import AsyncLimiter
from sqlite_utils import Database
from telegram import Bot, LinkPreviewOptions
from telegram.error import RetryAfter, TelegramError
from telegram.ext import AIORateLimiter, ExtBot
from telegram.request import BaseRequest, RequestData

from benchmarks.fake_process import FakeServerProcess
from bot.config import PROJECT_ROOT
from bot.core.model import Text
from bot.knowledge import KnowledgeCache
from bot.push.pacing import Priority, SendBudget
from bot.push.sender import OutboxSender, SenderSettings
from bot.push.transport import BotApiTransport
from bot.store.db import open_db, write_transaction
from bot.store.events import record_event
from bot.store.outbox import claim, mark_sent
from bot.store.publish import publish
from bot.telegram.keyboards import inline_keyboard

DATA = PROJECT_ROOT / "data"
TOKEN = "987654:VIGIE-BENCH-TOKEN"
NOW = dt.datetime.now(dt.UTC).replace(microsecond=0)
FIRST_USER = 1_000_000
TELEGRAM_RATE = 30
MIB = 2**20

SUBSCRIBERS = 100_000
ENQUEUE_RUNS = 3
PACED_COUNT = 600  # ~20 s at 29.5/s
PACED_TIMEOUT = 30.0
PACED_BIG_SECONDS = 12.0
LIMITER_SECONDS = 3.0
FAST_COUNT = 5_000
FAST_TIMEOUT = 35.0
SIDE_COUNT = 1_500  # the fake in this process, and PTB's Bot alone
SIDE_TIMEOUT = 20.0
BREAKDOWN_CLAIMS = 10
MEMORY_COUNT = 100_000
MEMORY_SECONDS = 20.0
BUDGET = 155.0  # seconds: parts not started by then are skipped
PUSH_TEXT = "🔔 🇲🇱 <b>Mali: the travel advice level changed</b>\nLevel 4 → 🟠 Level 3"


# --------------------------------------------------------------------------------------------
# The fake Bot API, lean, in its own process
# --------------------------------------------------------------------------------------------
def bench_api(rate_limit: int | None) -> Any:
    """A FakeBotApi that counts answered sendMessage calls and keeps no per-message history
    (a 100k broadcast must not be slowed down by the fake's bookkeeping); None without spec."""
    from tests.e2e.botapi_spec import load_spec
    from tests.e2e.fake_botapi import FakeBotApi, Request

    spec = load_spec()
    if spec is None:
        return None

    class BenchApi(FakeBotApi):
        def __init__(self) -> None:
            super().__init__(spec, rate_limit=rate_limit, privacy_mode=False)
            self.sent_times: list[float] = []
            self.statuses: Counter[int] = Counter()
            self.request_count = 0
            self.violation_count = 0

        async def _answer(self, record: Request, *, known: bool) -> Any:
            answer = await super()._answer(record, known=known)
            self.request_count += 1
            self.violation_count += len(record.violations)
            if record.method == "sendMessage":
                self.statuses[answer.status] += 1
                if answer.status == 200:
                    self.sent_times.append(time.monotonic())
                self._messages.pop(record.params.get("chat_id"), None)
            self.requests.clear()
            return answer

        def stats(self) -> dict[str, Any]:
            return {
                "sent_times": list(self.sent_times),
                "statuses": dict(self.statuses),
                "count_429": self.count_429,
                "requests": self.request_count,
                "violations": self.violation_count,
                "cpu": time.process_time(),
                "wall": time.monotonic(),
            }

    return BenchApi()


# --------------------------------------------------------------------------------------------
# Databases
# --------------------------------------------------------------------------------------------
def published_db(path: Path) -> None:
    """A database with every destination of data/ published once."""
    db = open_db(path)
    publish(db, DATA, who="bench", now=NOW)
    db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()


def add_subscribers(db: Database, count: int) -> None:
    """`count` users (half English, half French), each subscribed to Mali; bulk, in one go."""
    at = NOW.isoformat()
    ids = range(FIRST_USER, FIRST_USER + count)
    langs = ["fr" if i % 2 else "en" for i in range(count)]
    with write_transaction(db):
        db.conn.executemany(
            "INSERT INTO users (user_id, chat_id, lang, reply_lang, created_at, updated_at)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            [(user, user, lang, lang, at, at) for user, lang in zip(ids, langs, strict=True)],
        )
        db.conn.executemany(
            "INSERT INTO subscriptions (user_id, code, region, mode, scope, status,"
            " status_reason, created_at, updated_at)"
            " VALUES (?, 'ML', '', 'immediate', 'major', 'active', '', ?, ?)",
            [(user, at, at) for user in ids],
        )


def record_change(db: Database) -> int:
    """Mali's level changed: the event and its fan-out, in one transaction (as publish does)."""
    with write_transaction(db):
        return record_event(
            db,
            code="ML",
            kind="level",
            at=NOW.isoformat(),
            old_level=4,
            new_level=3,
            note=Text("Level lowered after review.", "Niveau abaissé après examen."),
            changes=["level 4 → 3"],
            publish_id=None,
            origin="publish",
        )


def queued_db(path: Path, base: Path, count: int) -> Database:
    """A copy of `base` with `count` subscribers and one delivery queued for each."""
    shutil.copy(base, path)
    db = open_db(path)
    add_subscribers(db, count)
    record_change(db)
    return db


def statuses(db: Database) -> dict[str, int]:
    rows = db.execute("SELECT status, count(*) FROM deliveries GROUP BY status").fetchall()
    return {str(status): int(count) for status, count in rows}


def traced_claim(db: Database) -> tuple[float, str, int, float, str]:
    """One claim of 64, timing each statement it runs (from one statement's start to the next):
    (total ms, the costliest statement's shape, how many ran, ms each, SQLite's plan for it)."""
    marks: list[tuple[float, str]] = []
    db.conn.set_trace_callback(lambda sql: marks.append((time.perf_counter(), sql)))
    start = time.perf_counter()
    try:
        claim(db, limit=64, now=time.time())
    finally:
        end = time.perf_counter()
        db.conn.set_trace_callback(None)
    shapes: dict[str, list[float]] = {}
    example: dict[str, str] = {}
    for (at, sql), (following, _) in zip(marks, [*marks[1:], (end, "")], strict=True):
        shape = re.sub(r"(\?, ?)+\?", "?", re.sub(r"\b\d+(\.\d+)?\b", "?", " ".join(sql.split())))
        shapes.setdefault(shape, []).append(following - at)
        example[shape] = sql
    shape, times = max(shapes.items(), key=lambda item: sum(item[1]))
    plan = db.execute(f"EXPLAIN QUERY PLAN {example[shape]}").fetchall()
    return (
        1000 * (end - start),
        shape,
        len(times),
        1000 * statistics.fmean(times),
        " / ".join(str(row[-1]) for row in plan),
    )


def claim_ms(db: Database, runs: int = 3) -> float:
    """Median time of one outbox claim of 64 deliveries (what the sender does per batch)."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        claim(db, limit=64, now=time.time())
        times.append(time.perf_counter() - start)
    return 1000 * statistics.median(times)


# --------------------------------------------------------------------------------------------
# 1. Enqueue
# --------------------------------------------------------------------------------------------
def enqueue(base: Path, tmp: Path) -> tuple[Path, Path]:
    """Part 1; returns the databases with 100k subscribers, nothing queued and all queued."""
    subscribed = tmp / "subscribed.db"
    shutil.copy(base, subscribed)
    db = open_db(subscribed)
    start = time.perf_counter()
    add_subscribers(db, SUBSCRIBERS)
    setup = time.perf_counter() - start
    db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    times, written, claimed = [], 0, 0.0
    for run in range(ENQUEUE_RUNS):
        path = tmp / f"enqueue-{run}.db"
        shutil.copy(subscribed, path)
        db = open_db(path)
        start = time.perf_counter()
        event_id = record_change(db)
        times.append(time.perf_counter() - start)
        written = db.execute(
            "SELECT count(*) FROM deliveries WHERE event_id = ?", [event_id]
        ).fetchone()[0]
        if run == ENQUEUE_RUNS - 1:
            claimed, shape, count, each, plan = traced_claim(db)
            db.execute("UPDATE deliveries SET status = 'queued' WHERE status = 'sending'")
            db.execute("ANALYZE")
            analyzed = claim_ms(db)
        db.close()
        if run == 0:
            path.rename(tmp / "queued.db")
        else:
            path.unlink()
    print(
        f"1. enqueue one change for {SUBSCRIBERS:,} subscribers (record_event in one"
        f" transaction): median {statistics.median(times):.3f} s, max {max(times):.3f} s over"
        f" {ENQUEUE_RUNS} runs (target <= 1 s); {written:,} deliveries written"
    )
    print(f"   (bulk insert of the subscribers beforehand, not timed: {setup:.1f} s)")
    print(
        f"   then one outbox claim of 64 with {written:,} queued: {claimed:.0f} ms"
        f" (a ceiling of {64_000 / claimed:.0f} msg/s for the sender); most of it:"
        f" {count} x {each:.2f} ms of `… FROM {shape.split(' FROM ', 1)[-1][:100]}`,"
        f" planned as: {plan}"
    )
    print(
        f"   the same claim once ANALYZE has given SQLite its statistics: {analyzed:.1f} ms"
        " (Vigie never runs ANALYZE)"
    )
    return subscribed, tmp / "queued.db"


# --------------------------------------------------------------------------------------------
# 2. Paced sending
# --------------------------------------------------------------------------------------------
def steady_rate(times: list[float], skip: float = 1.0) -> tuple[float, float]:
    """(messages/s after the first `skip` seconds, messages/s overall) of sorted timestamps."""
    if len(times) < 2:
        return 0.0, 0.0
    overall = (len(times) - 1) / (times[-1] - times[0])
    steady = [t for t in times if t >= times[0] + skip]
    if len(steady) < 2:
        return overall, overall
    return (len(steady) - 1) / (steady[-1] - steady[0]), overall


async def drain(
    bot: BotApiTransport, db: Database, settings: SenderSettings, timeout: float
) -> tuple[OutboxSender, float, bool]:
    """Run an OutboxSender until nothing is queued or in flight (or `timeout`)."""
    knowledge = KnowledgeCache(db, DATA)
    knowledge.get()  # loaded before the clock starts, as in a running bot
    sender = OutboxSender(bot, db, knowledge, settings)
    start = time.monotonic()
    task = asyncio.create_task(sender.run())
    finished = False
    while time.monotonic() - start < timeout and not task.done():
        await asyncio.sleep(0.25)
        pending = db.execute(
            "SELECT count(*) FROM deliveries WHERE status IN ('queued', 'sending')"
        ).fetchone()[0]
        if pending == 0:
            finished = True
            break
    elapsed = time.monotonic() - start
    sender.stop()
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(task, 30)
    return sender, elapsed, finished


def fake_bot(url: str) -> Bot:
    """A real python-telegram-bot Bot (HTTPX, pool of 256 as in the Application) to the fake."""
    return Bot(TOKEN, base_url=f"{url}/bot")


def fake_transport(url: str) -> BotApiTransport:
    """The push sender's own transport (aiohttp, straight to sendMessage) to the fake."""
    return BotApiTransport(TOKEN, url)


async def limiter_alone(rate: float, seconds: float) -> float:
    """A no-burst token bucket, aiolimiter's AsyncLimiter(1, 1/rate), alone on an idle loop:
    what the sender would reach with it (it loses every late wake-up)."""
    limiter = AsyncLimiter(1, 1.0 / rate)
    stamps: list[float] = []
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and len(stamps) < 10 * rate * seconds:
        async with limiter:
            stamps.append(time.monotonic())
    return (len(stamps) - 1) / (stamps[-1] - stamps[0])


async def pacer_alone(rate: float, seconds: float) -> float:
    """The sender's budget (absolute schedule) alone on an idle event loop, for comparison."""
    budget = SendBudget(rate, 1.0)
    stamps: list[float] = []
    deadline = time.monotonic() + seconds
    chat = 0
    while time.monotonic() < deadline and len(stamps) < 10 * rate * seconds:
        chat += 1
        async with budget.slot(chat, Priority.PUSH):
            pass
        stamps.append(time.monotonic())
    return (len(stamps) - 1) / (stamps[-1] - stamps[0])


async def paced(server: FakeServerProcess, base: Path, tmp: Path) -> None:
    """Default settings against a fake enforcing 30 messages/second."""
    url = server.reset(TELEGRAM_RATE)
    db = queued_db(tmp / "paced.db", base, PACED_COUNT)
    claimed = claim_ms(db, runs=1)
    db.execute("UPDATE deliveries SET status = 'queued', attempts = 0")  # undo that claim
    async with fake_transport(url) as bot:
        _, elapsed, finished = await drain(bot, db, SenderSettings(), PACED_TIMEOUT)
    after = server.call("stats")
    rate, overall = steady_rate(after["sent_times"])
    not_sent = {k: v for k, v in statuses(db).items() if k != "sent"}
    print(
        f"2. paced send, default settings (29.5/s), fake enforcing {TELEGRAM_RATE}/s:"
        f" {rate:.2f} msg/s steady = {100 * rate / TELEGRAM_RATE:.1f} % of {TELEGRAM_RATE}/s"
        f" (target >= 97 %), overall {overall:.2f} msg/s"
    )
    print(
        f"   {len(after['sent_times'])} of {PACED_COUNT} sent in {elapsed:.1f} s"
        f"{'' if finished else ' (time limit hit)'}; 429s drawn: {after['count_429']}"
        f" (target 0); deliveries not 'sent': {not_sent or 'none'};"
        f" spec violations: {after['violations']}"
    )
    alone = await limiter_alone(SenderSettings().rate, LIMITER_SECONDS)
    ours = await pacer_alone(SenderSettings().rate, LIMITER_SECONDS)
    print(
        f"   pacing alone on an idle loop at 29.5/s: the sender's absolute schedule {ours:.2f}/s"
        f" ({100 * ours / TELEGRAM_RATE:.1f} % of 30); aiolimiter's no-burst bucket"
        f" AsyncLimiter(1, 1/rate) {alone:.2f}/s ({100 * alone / TELEGRAM_RATE:.1f} %: it loses"
        f" every late wake-up); one outbox claim of 64 here: {claimed:.1f} ms"
    )
    db.close()


async def paced_big_queue(server: FakeServerProcess, queued: Path) -> None:
    """The same settings for a few seconds with 100,000 deliveries queued (a real broadcast)."""
    url = server.reset(TELEGRAM_RATE)
    db = open_db(queued)
    async with fake_transport(url) as bot:
        await drain(bot, db, SenderSettings(), PACED_BIG_SECONDS)
    after = server.call("stats")
    rate, _ = steady_rate(after["sent_times"])
    print(
        f"   the same with {SUBSCRIBERS:,} queued (the first {PACED_BIG_SECONDS:.0f} s of that"
        f" broadcast): {rate:.2f} msg/s = {100 * rate / TELEGRAM_RATE:.1f} % of 30/s,"
        f" 429s: {after['count_429']} (each claim blocks the loop: see 1.)"
    )
    db.close()


async def ptb_limiter(server: FakeServerProcess) -> None:
    """PTB's AIORateLimiter (defaults: 30/s with a burst of 30, no retries) on the same fake."""
    url = server.reset(TELEGRAM_RATE)
    outcome: Counter[str] = Counter()
    logging.getLogger("telegram.ext.AIORateLimiter").setLevel(logging.CRITICAL)
    async with ExtBot(TOKEN, base_url=f"{url}/bot", rate_limiter=AIORateLimiter()) as bot:

        async def one(chat_id: int) -> None:
            try:
                await bot.send_message(chat_id, PUSH_TEXT, parse_mode="HTML")
                outcome["sent"] += 1
            except RetryAfter:
                outcome["429"] += 1
            except TelegramError as error:
                outcome[type(error).__name__] += 1

        start = time.monotonic()
        chats = range(FIRST_USER, FIRST_USER + PACED_COUNT)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(asyncio.gather(*(one(c) for c in chats)), PACED_TIMEOUT)
        elapsed = time.monotonic() - start
    after = server.call("stats")
    rate, _ = steady_rate(after["sent_times"])
    print(
        f"   PTB AIORateLimiter (defaults) sending the same {PACED_COUNT} messages"
        f" concurrently: {outcome['sent']} delivered in {elapsed:.1f} s ({rate:.2f} msg/s"
        f" steady); 429s drawn: {after['count_429']}, {outcome['429']} messages lost"
        f" (max_retries=0 by default; its burst of 30 at start breaks the 1 s window)"
    )


# --------------------------------------------------------------------------------------------
# 3. Paid-broadcast rate
# --------------------------------------------------------------------------------------------
async def fast(server: FakeServerProcess, base: Path, tmp: Path) -> None:
    """SenderSettings(rate=1000) against a fake without limits, in another process."""
    url = server.reset(None)
    db = queued_db(tmp / "fast.db", base, FAST_COUNT)
    before = server.call("stats")
    cpu = time.process_time()
    async with fake_transport(url) as bot:
        _, elapsed, finished = await drain(bot, db, SenderSettings(rate=1000), FAST_TIMEOUT)
    cpu = time.process_time() - cpu
    after = server.call("stats")
    times = after["sent_times"]
    rate, overall = steady_rate(times)
    span = (times[-1] - times[0]) if len(times) > 1 else 0.0
    server_cpu = after["cpu"] - before["cpu"]
    server_wall = after["wall"] - before["wall"]
    busy = server_cpu / server_wall if server_wall else 0.0
    per_request = server_cpu / max(1, after["requests"] - before["requests"])
    print(
        f"3. paid-broadcast rate, SenderSettings(rate=1000), no server limit: {rate:.0f} msg/s"
        f" steady (target >= 800/s), overall {overall:.0f} msg/s;"
        f" {len(times)} of {FAST_COUNT} sent in {elapsed:.1f} s"
        f"{'' if finished else ' (time limit hit)'}"
    )
    print(
        f"   CPU: sender process {cpu:.1f} s in {elapsed:.1f} s ({100 * cpu / elapsed:.0f} % of"
        f" a core, {1000 * cpu / max(1, len(times)):.1f} ms/message); fake server"
        f" {server_cpu:.1f} s in {server_wall:.1f} s ({100 * busy:.0f} % of a core),"
        f" {(after['requests'] - before['requests']) / span if span else 0:.0f} requests/s,"
        f" {1000 * per_request:.2f} ms CPU each: it could serve about {1 / per_request:.0f}/s"
        + ("  <- the fake is saturated: this is its limit" if busy > 0.9 else "")
    )
    db.close()


async def fast_in_process(base: Path, tmp: Path) -> None:
    """The same with the fake in this process (sharing its CPU), for comparison."""
    api = bench_api(None)
    db = queued_db(tmp / "fast-inproc.db", base, SIDE_COUNT)
    await api.start()
    try:
        async with fake_transport(api.url) as bot:
            _, elapsed, _ = await drain(bot, db, SenderSettings(rate=1000), SIDE_TIMEOUT)
    finally:
        await api.close()
    rate, _ = steady_rate(api.sent_times)
    print(
        f"   side by side: the fake in the sender's process ({SIDE_COUNT:,} deliveries):"
        f" {rate:.0f} msg/s steady, {len(api.sent_times)} sent in {elapsed:.1f} s"
    )
    db.close()


async def ptb_alone(server: FakeServerProcess, *, quiet: bool = False) -> float:
    """PTB's Bot alone (no Vigie code), 64 send_message in flight, to the fake in its process."""
    url = server.reset(None)
    slots = asyncio.Semaphore(SenderSettings().concurrency)
    cpu = time.process_time()
    start = time.monotonic()
    async with fake_bot(url) as bot:

        async def one(chat_id: int) -> None:
            async with slots:
                await bot.send_message(chat_id, PUSH_TEXT, parse_mode="HTML")

        chats = range(FIRST_USER, FIRST_USER + SIDE_COUNT)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(asyncio.gather(*(one(c) for c in chats)), SIDE_TIMEOUT)
    elapsed = time.monotonic() - start
    cpu = time.process_time() - cpu
    rate, _ = steady_rate(server.call("stats")["sent_times"])
    if quiet:
        return rate
    print(
        f"   PTB's Bot alone, {SenderSettings().concurrency} send_message in flight, no Vigie"
        f" code: {rate:.0f} msg/s steady, {1000 * cpu / SIDE_COUNT:.1f} ms CPU/message"
        f" ({elapsed:.1f} s)"
    )
    return rate


async def ptb_alone_with_sniffio(server: FakeServerProcess, without: float) -> None:
    """The same with a stand-in `sniffio` module, when the package is missing: httpcore then
    retries a failing `import sniffio` for every lock it makes (encode/httpcore PR #1103)."""
    if importlib.util.find_spec("sniffio") is not None:
        return
    stand_in = types.ModuleType("sniffio")
    stand_in.current_async_library = lambda: "asyncio"  # type: ignore[attr-defined]
    sys.modules["sniffio"] = stand_in
    try:
        rate = await ptb_alone(server, quiet=True)
    finally:
        del sys.modules["sniffio"]
    print(
        f"   sniffio is not installed here: httpcore re-tries `import sniffio` on every lock;"
        f" with a stand-in module PTB's Bot alone does {rate:.0f} msg/s ({without:.0f} without)"
    )


class StubRequest(BaseRequest):
    """A transport that answers like Telegram without a network: PTB still builds, encodes
    and parses every request."""

    def __init__(self) -> None:
        self._message_id = 0

    @property
    def read_timeout(self) -> float | None:
        return 5.0

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = None,
        write_timeout: Any = None,
        connect_timeout: Any = None,
        pool_timeout: Any = None,
    ) -> tuple[int, bytes]:
        params = request_data.parameters if request_data is not None else {}
        if request_data is not None:
            request_data.json_payload  # noqa: B018 -- encode the body as HTTPXRequest does
        if url.endswith("/getMe"):
            result: dict[str, Any] = {"id": 987654, "is_bot": True, "first_name": "Vigie"}
            result["username"] = "vigie_bench_bot"
        else:
            self._message_id += 1
            result = {
                "message_id": self._message_id,
                "date": int(time.time()),
                "chat": {"id": int(str(params["chat_id"])), "type": "private"},
                "text": str(params.get("text", "")),
            }
        return 200, json.dumps({"ok": True, "result": result}).encode()


async def breakdown(base: Path, tmp: Path) -> None:
    """The sender's CPU per message, step by step, without the network."""
    db = queued_db(tmp / "breakdown.db", base, FAST_COUNT)
    knowledge = KnowledgeCache(db, DATA)
    knowledge.get()
    steps: Counter[str] = Counter()
    count = 0
    async with Bot(TOKEN, request=StubRequest()) as bot:
        sender = OutboxSender(BotApiTransport(TOKEN), db, knowledge, SenderSettings(rate=1000))
        for _ in range(BREAKDOWN_CLAIMS):
            start = time.perf_counter()
            groups = claim(db, limit=64, now=time.time())
            steps["claim"] += time.perf_counter() - start
            for group in groups:
                start = time.perf_counter()
                text, buttons = sender._compose(group)
                steps["compose"] += time.perf_counter() - start
                start = time.perf_counter()
                message = await bot.send_message(
                    group[0].chat_id,
                    text,
                    parse_mode="HTML",
                    reply_markup=inline_keyboard(buttons),
                    link_preview_options=LinkPreviewOptions(is_disabled=True),
                    allow_paid_broadcast=True,
                )
                steps["ptb"] += time.perf_counter() - start
                start = time.perf_counter()
                ids = [d.id for d in group]
                mark_sent(db, ids, message_id=message.message_id, at=dt.datetime.now(dt.UTC))
                steps["mark_sent"] += time.perf_counter() - start
                count += 1
    db.close()
    ms = {k: 1000 * v / max(1, count) for k, v in steps.items()}
    print(
        f"   sender CPU per message without network ({count} messages, {FAST_COUNT:,} queued):"
        f" claim {ms['claim']:.2f} ms, compose {ms['compose']:.2f} ms, mark_sent"
        f" {ms['mark_sent']:.2f} ms; for comparison, PTB's Bot would add {ms['ptb']:.2f} ms"
        f" to build and parse each message (pushes use their own aiohttp transport instead)"
    )


# --------------------------------------------------------------------------------------------
# 4. Memory, measured by a separate process on itself
# --------------------------------------------------------------------------------------------
def rss_mib() -> float:
    """This process's resident memory now (Linux /proc), else its high-water mark."""
    with contextlib.suppress(OSError, ValueError, IndexError):
        pages = int(Path("/proc/self/statm").read_text().split()[1])
        return pages * os.sysconf("SC_PAGE_SIZE") / MIB
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _memory_child(conn: Connection, db_path: str, url: str) -> None:
    conn.send(asyncio.run(_memory_async(Path(db_path), url)))


async def _memory_async(db_path: Path, url: str) -> dict[str, Any]:
    db = open_db(db_path)
    knowledge = KnowledgeCache(db, DATA)
    knowledge.get()
    async with fake_transport(url) as bot:
        maxrss_start = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        rss_start = rss_mib()
        tracemalloc.start()
        start = time.perf_counter()
        record_change(db)
        enqueue_s = time.perf_counter() - start
        _, enqueue_peak = tracemalloc.get_traced_memory()
        maxrss_enqueue = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        rss_enqueue = rss_mib()
        tracemalloc.reset_peak()
        sender = OutboxSender(bot, db, knowledge, SenderSettings(rate=1000))
        start = time.perf_counter()
        task = asyncio.create_task(sender.run())
        rss_peak = rss_enqueue
        while time.perf_counter() - start < MEMORY_SECONDS and sender.sent < MEMORY_COUNT:
            await asyncio.sleep(0.25)
            rss_peak = max(rss_peak, rss_mib())
        sender.stop()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(task, 30)
        drain_s = time.perf_counter() - start
        current, drain_peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    return {
        "enqueued": db.execute("SELECT count(*) FROM deliveries").fetchone()[0],
        "enqueue_s": enqueue_s,
        "enqueue_peak": enqueue_peak,
        "drain_peak": drain_peak,
        "drain_current": current,
        "sent": sender.sent,
        "drain_s": drain_s,
        "chat_limiters": len(sender.budget._chat_next),
        "rss_start": rss_start,
        "rss_enqueue": rss_enqueue,
        "rss_peak": rss_peak,
        "maxrss_start": maxrss_start / 1024,
        "maxrss_enqueue": maxrss_enqueue / 1024,
        "maxrss_end": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def chat_limiters_memory() -> tuple[float, int]:
    """MiB held by the sender's per-chat pacing after 100k distinct chats, and their count."""
    db = Database(memory=True)
    sender = OutboxSender(BotApiTransport(TOKEN), db, KnowledgeCache(db, DATA), SenderSettings())
    budget = SendBudget(1e9, 1.0)  # no wait between chats: only the per-chat state is measured
    sender.budget = budget

    async def fill() -> None:
        for chat_id in range(FIRST_USER, FIRST_USER + MEMORY_COUNT):
            async with budget.slot(chat_id, Priority.PUSH):
                pass

    tracemalloc.start()
    asyncio.run(fill())
    held, _ = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return held / MIB, len(budget._chat_next)


def memory(server: FakeServerProcess, subscribed: Path, tmp: Path) -> None:
    url = server.reset(None)
    db_path = tmp / "memory.db"
    shutil.copy(subscribed, db_path)
    context = mp.get_context("spawn")
    parent, child = context.Pipe()
    process = context.Process(target=_memory_child, args=(child, str(db_path), url), daemon=True)
    process.start()
    try:
        if not parent.poll(MEMORY_SECONDS + 60):
            raise TimeoutError("the memory measurement did not finish")
        m: dict[str, Any] = parent.recv()
    finally:
        process.join(10)
        if process.is_alive():
            process.kill()
    print(
        f"4. memory of a {MEMORY_COUNT:,}-subscriber broadcast (a separate process:"
        " the sender and its aiohttp transport to the fake, rate 1000, no limit):"
    )
    print(
        f"   process at start: RSS {m['rss_start']:.0f} MiB, ru_maxrss {m['maxrss_start']:.0f} MiB"
        " (its high-water mark was set during start-up)"
    )
    print(
        f"   enqueue of {m['enqueued']:,} deliveries ({m['enqueue_s']:.2f} s): tracemalloc"
        f" peak {m['enqueue_peak'] / MIB:.1f} MiB, RSS {m['rss_enqueue'] - m['rss_start']:+.1f}"
        f" MiB, ru_maxrss {m['maxrss_enqueue'] - m['maxrss_start']:+.1f} MiB (all in SQLite)"
    )
    done = "all" if m["sent"] >= MEMORY_COUNT else f"only {m['sent']:,}"
    print(
        f"   drain, bounded to {MEMORY_SECONDS:.0f} s: {done} of {MEMORY_COUNT:,} sent"
        f" ({m['sent'] / m['drain_s']:.0f} msg/s under tracemalloc);"
        f" tracemalloc peak {m['drain_peak'] / MIB:.1f} MiB (held at the end"
        f" {m['drain_current'] / MIB:.1f} MiB, {m['chat_limiters']:,} per-chat limiters);"
        f" sampled RSS peak {m['rss_peak'] - m['rss_start']:+.1f} MiB,"
        f" ru_maxrss {m['maxrss_end'] - m['maxrss_start']:+.1f} MiB"
    )
    held, kept = chat_limiters_memory()
    print(
        f"   what grows with the broadcast: the per-chat limiters, {held:.1f} MiB for {kept:,}"
        f" (the cap) after {MEMORY_COUNT:,} chats; projected drain peak for all"
        f" {MEMORY_COUNT:,}: about {m['drain_peak'] / MIB + held:.0f} MiB of Python objects"
    )


async def ptb_alone_and_keep(server: FakeServerProcess, into: list[float]) -> None:
    into.append(await ptb_alone(server))


# --------------------------------------------------------------------------------------------
def part(
    label: str, action: Callable[[], Awaitable[None]] | Callable[[], None], started: float
) -> None:
    """Run one part, unless the time budget is spent; a failure is printed, the others run."""
    if time.perf_counter() - started > BUDGET:
        print(f"   ({label} skipped: the {BUDGET:.0f} s budget is spent)")
        return
    try:
        result = action()
        if asyncio.iscoroutine(result):
            asyncio.run(result)
    except (TimeoutError, TelegramError, OSError) as error:
        print(f"   ({label} failed: {error!r})")


def main() -> int:
    started = time.perf_counter()
    from tests.e2e.botapi_spec import SPEC_PATH, load_spec

    with tempfile.TemporaryDirectory(prefix="vigie-bench-push-") as folder:
        tmp = Path(folder)
        base = tmp / "published.db"
        published_db(base)
        subscribed, queued = enqueue(base, tmp)
        if load_spec() is None:
            print(f"Bot API spec absent ({SPEC_PATH}): the fake cannot run; parts 2-4 skipped")
            return 0
        server = FakeServerProcess(bench_api)
        try:
            part("paced send", lambda: paced(server, base, tmp), started)
            part("paced, 100k queued", lambda: paced_big_queue(server, queued), started)
            part("AIORateLimiter", lambda: ptb_limiter(server), started)
            part("paid-broadcast rate", lambda: fast(server, base, tmp), started)
            part("side by side", lambda: fast_in_process(base, tmp), started)
            alone: list[float] = []
            part("PTB alone", lambda: ptb_alone_and_keep(server, alone), started)
            part(
                "sniffio",
                lambda: ptb_alone_with_sniffio(server, alone[0] if alone else 0.0),
                started,
            )
            part("breakdown", lambda: breakdown(base, tmp), started)
            part("memory", lambda: memory(server, subscribed, tmp), started)
        finally:
            server.close()
    print(f"(bench_push took {time.perf_counter() - started:.0f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
