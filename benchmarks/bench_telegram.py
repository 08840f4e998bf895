"""Updates per second: Vigie against a bare python-telegram-bot echo bot, on the same fake server.

Run: .venv/bin/python benchmarks/bench_telegram.py

The fake Bot API (tests/e2e/fake_botapi.py, which needs the team's Bot API spec in
../shared/botapi) runs in a separate process. Before each run it queues N text messages ("is it
safe to go to Mali?" and variations) from N distinct users (Vigie allows 20 messages a minute per
user); the clock runs, on the server, from the bot's first getUpdates until every user has a
reply. The echo bot is a minimal Application whose one MessageHandler answers
message.reply_text(text); Vigie is build_application() on a copy of a freshly published database,
started and stopped as tests/e2e/conftest.py does. The bots run alternately, RUNS times each, and
the medians are compared (target: Vigie >= 0.9x the echo bot sending Vigie's replies, below).
The echo bots handle one update at a time (python-telegram-bot's default); Vigie handles updates
of different chats concurrently, four turns at once, each chat's in order
(bot/telegram/ordering.py), as it runs in production, with its send budget opened to 1,000
messages a second (the fake enforces no limit and the echo bots pace nothing).

Where the time goes: a third bot, "echo+card", is the echo bot sending Vigie's own replies
(computed beforehand), which separates the cost of the replies' size (PTB and the fake handle
~1 KB of HTML with buttons instead of a short text) from Vigie's work; then the CPU per update
of the fake and of the bot, and Vigie's own steps (understand, the answer, the database)
measured directly. Every loop is bounded in count and time; the script prints figures and
exits 0.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import itertools
import shutil
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from telegram import LinkPreviewOptions, Update
from telegram.ext import Application, ApplicationBuilder, ContextTypes, MessageHandler, filters

from benchmarks.fake_process import FakeServerProcess
from bot.config import PROJECT_ROOT, Settings
from bot.core.answer import respond_to_text
from bot.core.reply import Reply, UserState
from bot.core.understand import understand
from bot.knowledge import KnowledgeCache
from bot.store.db import open_db
from bot.store.publish import publish
from bot.store.users import load_state, save_turn
from bot.telegram.flood import FloodControl
from bot.telegram.keyboards import inline_keyboard
from tests.e2e.conftest import start_bot, stop_bot

DATA = PROJECT_ROOT / "data"
TOKEN = "987654:VIGIE-BENCH-TOKEN"
UPDATES = 2_000
RUNS = 3
RUN_TIMEOUT = 25.0  # seconds for one run to answer every update
BUDGET = 150.0  # seconds: runs not started by then are skipped
FIRST_USER = 2_000_000
NO_PREVIEW = LinkPreviewOptions(is_disabled=True)
TEMPLATES = (
    ("en", "is it safe to go to {p}?"),
    ("en", "Is it safe to travel to {p} right now"),
    ("en", "{p} safe?"),
    ("en", "embassy in {p}"),
    ("en", "how do I get out of {p}"),
    ("en", "do I need a visa for {p}"),
    ("fr", "est-ce dangereux d'aller au {p} ?"),
    ("fr", "c'est sûr {p} en ce moment ?"),
    ("fr", "comment quitter {p} ?"),
)
PLACES = (
    "Mali",
    "Bamako",
    "Bamakko",
    "Niger",
    "Burkina Faso",
    "Nigeria",
    "Somalia",
    "Afghanistan",
    "Kyiv",
    "Haiti",
    "Japan",
    "Canada",
    "Sénégal",
    "Tombouctou",
)


def messages(count: int) -> list[tuple[str, str]]:
    """(language_code, text) for `count` users: the templates over the places, in turn."""
    pairs = itertools.cycle(itertools.product(TEMPLATES, PLACES))
    return [
        (lang, template.format(p=place))
        for (lang, template), place in (next(pairs) for _ in range(count))
    ]


# --------------------------------------------------------------------------------------------
# The fake Bot API in its own process
# --------------------------------------------------------------------------------------------
def bench_api(_: object = None) -> Any:
    """A FakeBotApi that times the run (first getUpdates → every user answered); None without
    the spec."""
    from tests.e2e.botapi_spec import load_spec
    from tests.e2e.fake_botapi import FakeBotApi, Request

    spec = load_spec()
    if spec is None:
        return None

    class BenchApi(FakeBotApi):
        def __init__(self) -> None:
            super().__init__(spec, privacy_mode=False)
            self.expected: set[int] = set()
            self.replies: Counter[int] = Counter()
            self.answered: set[int] = set()
            self.first_poll: tuple[float, float] | None = None  # (monotonic, cpu)
            self.done: tuple[float, float] | None = None
            self.done_event = asyncio.Event()
            self.statuses: Counter[str] = Counter()
            self.violation_count = 0
            self.reply_chars = 0
            self.reply_times: list[float] = []

        async def _answer(self, record: Request, *, known: bool) -> Any:
            if record.method == "getUpdates" and self.first_poll is None and self._queue:
                self.first_poll = (time.monotonic(), time.process_time())
            answer = await super()._answer(record, known=known)
            self.statuses[f"{record.method} {answer.status}"] += 1
            self.violation_count += len(record.violations)
            chat = record.params.get("chat_id")
            if record.method == "sendMessage" and answer.status == 200 and chat in self.expected:
                self.replies[chat] += 1
                self.reply_chars += len(str(record.params.get("text", "")))
                if chat not in self.answered:
                    self.reply_times.append(time.monotonic())
                self.answered.add(chat)
                if len(self.answered) == len(self.expected) and self.done is None:
                    self.done = (time.monotonic(), time.process_time())
                    self.done_event.set()
            self.requests.clear()
            return answer

        def push(self, texts: list[tuple[int, str, str]]) -> int:
            for user, lang, text in texts:
                self.expected.add(user)
                self.push_text(user, text, language_code=lang)
            return len(texts)

        async def result(self, timeout: float) -> dict[str, Any]:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.done_event.wait(), timeout)
            await asyncio.sleep(0.3)  # replies after the first one, if any
            return {
                "first_poll": self.first_poll,
                "done": self.done,
                "answered": len(self.answered),
                "replies": sum(self.replies.values()),
                "reply_chars": self.reply_chars,
                "reply_times": self.reply_times,
                "statuses": dict(self.statuses),
                "violations": self.violation_count,
            }

    return BenchApi()


# --------------------------------------------------------------------------------------------
# The two bots
# --------------------------------------------------------------------------------------------
async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The whole echo bot."""
    if update.message is not None and update.message.text:
        await update.message.reply_text(update.message.text)


async def start_echo(url: str, tmp: Path) -> Application:  # type: ignore[type-arg]
    app = ApplicationBuilder().token(TOKEN).base_url(f"{url}/bot").build()
    app.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, echo))
    await app.initialize()
    await app.start()
    assert app.updater is not None
    await app.updater.start_polling(poll_interval=0, timeout=1)
    return app


def card_echo_starter(
    replies: dict[str, Reply],
) -> Callable[[str, Path], Awaitable[Application]]:  # type: ignore[type-arg]
    """The echo bot answering each message with Vigie's reply to it, computed beforehand (a
    diagnostic: what the size of Vigie's answers costs PTB and the fake, without Vigie's work)."""
    answers = {text: (r.text, inline_keyboard(r.buttons)) for text, r in replies.items()}

    async def card(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        if update.message is not None and update.message.text:
            text, markup = answers[update.message.text]
            await update.message.reply_html(
                text, reply_markup=markup, link_preview_options=NO_PREVIEW
            )

    async def start_card_echo(url: str, tmp: Path) -> Application:  # type: ignore[type-arg]
        app = ApplicationBuilder().token(TOKEN).base_url(f"{url}/bot").build()
        app.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, card))
        await app.initialize()
        await app.start()
        assert app.updater is not None
        await app.updater.start_polling(poll_interval=0, timeout=1)
        return app

    return start_card_echo


async def stop_echo(app: Application) -> None:  # type: ignore[type-arg]
    if app.updater is not None and app.updater.running:
        await app.updater.stop()
    if app.running:
        await app.stop()
    await app.shutdown()


def vigie_starter(published: Path) -> Callable[[str, Path], Awaitable[Application]]:  # type: ignore[type-arg]
    async def start_vigie(url: str, tmp: Path) -> Application:  # type: ignore[type-arg]
        """Vigie as the end-to-end tests start it, on a copy of the published database."""
        db_path = tmp / "vigie.db"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db_path}{suffix}").unlink(missing_ok=True)
        shutil.copy(published, db_path)
        # The fake enforces no limit and the echo bots pace nothing: Vigie's send budget
        # (Telegram's ~30/s, shared with pushes) is opened to the paid-broadcast ceiling, so
        # the comparison measures the work per update, not the pacing.
        settings = Settings(
            data_dir=DATA,
            db_path=db_path,
            token=TOKEN,
            base_url=url,
            push_rate=1000.0,
            push_chat_rate=30.0,
        )
        return await start_bot(settings)

    return start_vigie


async def stop_vigie(app: Application) -> None:  # type: ignore[type-arg]
    """As the tests stop the bot, then close its database."""
    await stop_bot(app)
    app.bot_data.db.close()


async def one_run(
    server: FakeServerProcess,
    start: Callable[[str, Path], Awaitable[Application]],  # type: ignore[type-arg]
    stop: Callable[[Application], Awaitable[None]],  # type: ignore[type-arg]
    first_user: int,
    tmp: Path,
) -> dict[str, Any]:
    """Queue the updates, start the bot, wait for every reply (bounded), stop the bot."""
    url = server.call("reset")
    texts = [(first_user + i, lang, text) for i, (lang, text) in enumerate(messages(UPDATES))]
    server.call("push", texts)
    cpu = time.process_time()
    app = await start(url, tmp)
    try:
        result: dict[str, Any] = await asyncio.to_thread(
            server.call, "result", RUN_TIMEOUT, RUN_TIMEOUT + 30
        )
    finally:
        await stop(app)
    result["bot_cpu"] = time.process_time() - cpu
    first, done, times = result["first_poll"], result["done"], result["reply_times"]
    if first is None or not times:
        result.update(rate=0.0, seconds=RUN_TIMEOUT, server_cpu=0.0, steady=0.0)
        return result
    end = done if done is not None else (times[-1], first[1])  # time limit hit: partial
    result["seconds"] = end[0] - first[0]
    result["rate"] = len(times) / result["seconds"]
    result["server_cpu"] = end[1] - first[1] if done is not None else 0.0
    steady = times[UPDATES // 10 :]  # without the first 10 %: the warm-up
    result["steady"] = (len(steady) - 1) / (steady[-1] - steady[0]) if len(steady) > 1 else 0.0
    return result


# --------------------------------------------------------------------------------------------
# Where Vigie's time goes, measured directly
# --------------------------------------------------------------------------------------------
def breakdown(published: Path, tmp: Path) -> dict[str, float]:
    """Milliseconds per update of each step answer_text() takes, on the same messages."""
    db_path = tmp / "breakdown.db"
    shutil.copy(published, db_path)
    db = open_db(db_path)
    knowledge = KnowledgeCache(db, DATA)
    start = time.perf_counter()
    knowledge.get()
    cold = time.perf_counter() - start
    flood = FloodControl()
    steps: Counter[str] = Counter()
    chars = 0
    batch = messages(UPDATES)
    for i, (lang, text) in enumerate(batch):
        user = FIRST_USER + i
        now = dt.datetime.now(dt.UTC)
        marks = [time.perf_counter()]
        flood.check(user)
        marks.append(time.perf_counter())
        state = load_state(db, user)
        marks.append(time.perf_counter())
        current = knowledge.get()
        marks.append(time.perf_counter())
        understand(text, current.index)
        marks.append(time.perf_counter())
        reply = respond_to_text(text, state, current, telegram_lang=lang, now=now)
        marks.append(time.perf_counter())
        save_turn(
            db,
            user,
            chat_id=user,
            state=reply.state,
            reply_lang=reply.lang,
            actions=reply.actions,
            now=now,
        )
        marks.append(time.perf_counter())
        inline_keyboard(reply.buttons)
        marks.append(time.perf_counter())
        chars += len(reply.text)
        names = ("flood", "load_state", "knowledge", "understand", "respond", "save_turn", "kbd")
        for name, begin, end in zip(names, marks, marks[1:], strict=False):
            steps[name] += end - begin
    db.close()
    result = {name: 1000 * total / len(batch) for name, total in steps.items()}
    result["chars"] = chars / len(batch)
    result["cold_knowledge"] = 1000 * cold
    return result


def vigie_replies(published: Path) -> dict[str, Reply]:
    """Vigie's answer to each distinct benchmark message, for a new user."""
    db = open_db(published)
    knowledge = KnowledgeCache(db, DATA).get()
    now = dt.datetime.now(dt.UTC)
    replies = {
        text: respond_to_text(text, UserState(), knowledge, telegram_lang=lang, now=now)
        for lang, text in set(messages(UPDATES))
    }
    db.close()
    return replies


# --------------------------------------------------------------------------------------------
def publish_db(path: Path) -> None:
    db = open_db(path)
    publish(db, DATA, who="bench", now=dt.datetime.now(dt.UTC))
    db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()


def describe(label: str, runs: list[dict[str, Any]]) -> str:
    rates = [r["rate"] for r in runs]
    last = runs[-1]
    steady = statistics.median(r["steady"] for r in runs)
    return (
        f"{label:<9} median {statistics.median(rates):4.0f} updates/s"
        f" (runs: {', '.join(f'{r:.0f}' for r in rates)}; {steady:.0f}/s without the first"
        f" 10 %); {last['answered']}/{UPDATES} answered, {last['replies'] / UPDATES:.2f}"
        f" replies/update, {last['reply_chars'] / max(1, last['replies']):.0f} chars/reply"
    )


def main() -> int:
    started = time.perf_counter()
    from tests.e2e.botapi_spec import SPEC_PATH, load_spec

    if load_spec() is None:
        print(f"Bot API spec absent ({SPEC_PATH}): the fake Bot API cannot run; nothing measured")
        return 0
    with tempfile.TemporaryDirectory(prefix="vigie-bench-telegram-") as folder:
        tmp = Path(folder)
        published = tmp / "published.db"
        publish_db(published)
        server = FakeServerProcess(bench_api)
        replies = vigie_replies(published)
        results: dict[str, list[dict[str, Any]]] = {"echo": [], "card": [], "vigie": []}
        bots = {
            "echo": (start_echo, stop_echo),
            "card": (card_echo_starter(replies), stop_echo),
            "vigie": (vigie_starter(published), stop_vigie),
        }
        try:
            for run, (name, (start, stop)) in enumerate(
                itertools.islice(itertools.cycle(bots.items()), RUNS * len(bots))
            ):
                if time.perf_counter() - started > BUDGET:
                    print(f"   (runs after {run} skipped: the {BUDGET:.0f} s budget is spent)")
                    break
                first_user = FIRST_USER + run * UPDATES  # new users each run
                try:
                    outcome = asyncio.run(one_run(server, start, stop, first_user, tmp))
                except (TimeoutError, OSError) as error:
                    print(f"   ({name}, run {run + 1} failed: {error!r})")
                    continue
                results[name].append(outcome)
        finally:
            server.close()
        costs = breakdown(published, tmp)

    print(f"{UPDATES:,} text updates from {UPDATES:,} distinct users, fake Bot API in its own")
    print("process; time from the first getUpdates until every user has a reply:")
    if not results["echo"] or not results["vigie"]:
        print("   (not enough runs finished to compare)")
        return 0
    echo_rate = statistics.median(r["rate"] for r in results["echo"])
    vigie_rate = statistics.median(r["rate"] for r in results["vigie"])
    print("  " + describe("echo bot", results["echo"]))
    print("  " + describe("Vigie", results["vigie"]))
    print(f"  ratio Vigie / echo: {vigie_rate / echo_rate:.2f}x (target >= 0.9x)")
    card_rate = statistics.median(r["rate"] for r in results["card"]) if results["card"] else 0
    if card_rate:
        print(
            "  " + describe("echo+card", results["card"]) + ": the echo bot sending Vigie's"
            " replies (computed beforehand, same HTML and buttons): what their size costs"
        )
        print(
            f"  ratio Vigie / echo+card: {vigie_rate / card_rate:.2f}x (target >= 0.9x: Vigie's"
            " own work against the same replies)"
        )
    print("per update, medians:")
    for name in ("echo", "card", "vigie"):
        runs = results[name]
        if not runs:
            continue
        wall = statistics.median(1000 / r["rate"] if r["rate"] else 0.0 for r in runs)
        server_cpu = statistics.median(1000 * r["server_cpu"] / UPDATES for r in runs)
        bot_cpu = statistics.median(1000 * r["bot_cpu"] / UPDATES for r in runs)
        print(
            f"  {name:<6} {wall:.2f} ms wall; fake server CPU {server_cpu:.2f} ms; bot process"
            f" CPU {bot_cpu:.2f} ms (start-up and shut-down included)"
        )
    extra = 1000 / vigie_rate - 1000 / echo_rate
    line = f"  Vigie's extra time per update: {extra:.2f} ms"
    if card_rate:
        size = 1000 / card_rate - 1000 / echo_rate
        line += (
            f" = {size:.2f} ms for the size of its replies (echo+card - echo)"
            f" + {extra - size:.2f} ms for the rest (Vigie - echo+card)"
        )
    print(line)
    print(
        f"  Vigie's own steps, measured directly on the same messages"
        f" (the first knowledge.get() builds the place index: {costs['cold_knowledge']:.0f} ms,"
        " paid by the first message after start):"
    )
    print(
        f"    understand() {costs['understand']:.2f} ms; respond_to_text() (understand + answer)"
        f" {costs['respond']:.2f} ms; load_state {costs['load_state']:.2f} ms;"
        f" save_turn {costs['save_turn']:.2f} ms;"
    )
    print(
        f"    flood check {costs['flood']:.3f} ms; knowledge.get {costs['knowledge']:.3f} ms;"
        f" keyboard {costs['kbd']:.3f} ms; reply size {costs['chars']:.0f} chars of HTML"
        " (the fake validates it, and PTB sends it)"
    )
    statuses = Counter[str]()
    every = [outcome for runs in results.values() for outcome in runs]
    for outcome in every:
        statuses.update(outcome["statuses"])
    errors = {k: v for k, v in statuses.items() if not k.endswith(" 200")}
    violations = sum(r["violations"] for r in every)
    print(f"  errors answered by the fake: {errors or 'none'}; spec violations: {violations}")
    print(f"(bench_telegram took {time.perf_counter() - started:.0f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
