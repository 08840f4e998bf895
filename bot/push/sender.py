"""The push sender: drains the outbox within Telegram's limits, in each subscriber's language.

- Pace: about 30 messages/second overall by default (configurable, up to 1000 with paid
  broadcasts) and one per second per chat, from the budget it shares with the replies, which
  go first (see pacing.py).
- 429: that chat waits `retry_after`, the others go on. Timeouts, network errors and 5xx: retried
  with exponential backoff, then failed with the reason. 403 or "chat not found": the delivery and
  the user's subscriptions are paused until the user writes /start again (see transport.py).
- Several deliveries waiting for one user and destination become one message (latest state).
- The database may be locked by another process (a publish, a VACUUM, a maintainer's sqlite3):
  the sender logs it, backs off and goes on. What happened to each message is written in one
  short transaction per turn of its loop, and kept in memory until it could be written.
- A heartbeat in the meta table (`sender`) says what it is doing, for `vigie push status`.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import json
import logging
import sqlite3
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, replace

from sqlite_utils import Database

from bot.core.maps import MapRequest
from bot.core.push import PushEvent, render_digest, render_goodbye, render_push
from bot.core.reply import Button
from bot.i18n import tr
from bot.knowledge import KnowledgeCache
from bot.push.maps import PhotoTransport, PushMaps
from bot.push.pacing import Priority, SendBudget
from bot.push.transport import Rejected, RetryLater, Transient, Transport, Unreachable
from bot.store.db import get_meta, set_meta, write_transaction
from bot.store.events import events_by_id
from bot.store.outbox import (
    Delivery,
    claim,
    mark_failed,
    mark_paused,
    mark_retry,
    mark_sent,
    recover_in_flight,
)
from bot.store.users import language_of

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 6
TELEGRAM_FREE_RATE = 30.0
HEARTBEAT_KEY = "sender"
Outcome = Callable[[Database], None]


@dataclass(frozen=True, slots=True)
class SenderSettings:
    """How fast the sender may go, and how it waits when the database is busy."""

    rate: float = 29.5  # messages per second overall (Telegram: about 30; 1000 paid)
    chat_rate: float = 1.0  # messages per second to one chat
    concurrency: int = 64  # requests in flight
    idle_poll: float = 0.2  # seconds between looks at an empty outbox
    read_timeout: float = 10.0  # seconds to wait for Telegram's answer before retrying
    heartbeat: float = 5.0  # seconds between two heartbeats in the meta table
    backoff_max: float = 15.0  # seconds: the longest wait after a database error
    maps: bool = False  # level changes carry the country's map (bot/push/maps.py)


@dataclass(frozen=True, slots=True)
class Heartbeat:
    """The sender's state as `vigie push status` shows it."""

    state: str  # running | backing off | stopped
    beat_at: float  # epoch seconds of the last heartbeat
    since: float  # epoch seconds: in this state since
    sent: int  # messages sent since the bot started
    last_error: str = ""
    error_at: float = 0.0

    def describe(self, now: float) -> str:
        """One line for a maintainer."""

        def at(epoch: float) -> str:
            return dt.datetime.fromtimestamp(epoch, dt.UTC).strftime("%Y-%m-%d %H:%M:%S UTC")

        line = (
            f"sender: {self.state} since {at(self.since)}, last beat {now - self.beat_at:.0f} s ago"
        )
        line += f", {self.sent} sent since start"
        if self.last_error:
            line += f"; last error at {at(self.error_at)}: {self.last_error}"
        return line


def read_heartbeat(db: Database) -> Heartbeat | None:
    """The sender's last heartbeat, if it ever ran on this database."""
    raw = get_meta(db, HEARTBEAT_KEY)
    if not raw:
        return None
    return Heartbeat(**json.loads(raw))


class OutboxSender:
    """Sends queued deliveries until stopped; safe to kill at any moment."""

    def __init__(
        self,
        transport: Transport,
        db: Database,
        knowledge: KnowledgeCache,
        settings: SenderSettings = SenderSettings(),
        clock: Callable[[], float] = time.time,
        budget: SendBudget | None = None,
    ) -> None:
        self.transport = transport
        self.db = db
        self.knowledge = knowledge
        self.settings = settings
        self.clock = clock
        self.budget = budget or SendBudget(settings.rate, settings.chat_rate)
        self._slots = asyncio.Semaphore(settings.concurrency)
        self._wake = asyncio.Event()
        self._stopping = asyncio.Event()
        self._outcomes: list[Outcome] = []
        self._recovered = False
        self._beat_due = 0.0
        self.heartbeat = Heartbeat("starting", 0.0, clock(), 0)
        self.sent = 0
        self.maps: PushMaps | None = None
        if settings.maps and isinstance(transport, PhotoTransport):
            self.maps = PushMaps(db, transport, self._record)

    def wake(self) -> None:
        """New deliveries were queued: look at the outbox now."""
        self._wake.set()

    def stop(self) -> None:
        """Finish the messages in flight, then return from run()."""
        self._stopping.set()
        self._wake.set()

    async def run(self) -> None:
        """Drain the outbox until stop() is called; database errors are waited out."""
        tasks: set[asyncio.Task[None]] = set()
        failures = 0
        while not self._stopping.is_set():
            self._wake.clear()
            try:
                groups = self._turn(claim_more=len(tasks) <= self.settings.concurrency // 2)
            except sqlite3.Error as error:
                failures += 1
                await self._back_off(error, failures)
                continue
            failures = 0
            for group in groups:
                if self._slots.locked():
                    # Every push the database does not yet know as sent would go out again
                    # after a crash: write what is known before waiting for a slot.
                    self._flush()
                await self._slots.acquire()
                task = asyncio.create_task(self._send_group(group))
                tasks.add(task)
                task.add_done_callback(tasks.discard)
            if not groups:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), self.settings.idle_poll)
        if tasks:
            await asyncio.gather(*tasks, return_exceptions=True)
        self._set_state("stopped")
        for _ in range(3):
            try:
                self._turn(claim_more=False)
                break
            except sqlite3.Error as error:
                log.warning("push sender: could not record its last outcomes yet (%s)", error)
                await asyncio.sleep(1.0)

    def _turn(self, *, claim_more: bool) -> list[list[Delivery]]:
        """One short write transaction: what happened to the messages sent since the last
        turn, the heartbeat when due, then the next deliveries to send."""
        with write_transaction(self.db):
            if not self._recovered:
                recovered = recover_in_flight(self.db)
                if recovered:
                    log.info(
                        "re-queued %d deliveries that were in flight at the last stop", recovered
                    )
            for outcome in self._outcomes:
                outcome(self.db)
            now = self.clock()
            self._set_state("running")
            if now >= self._beat_due:
                self._beat_due = now + self.settings.heartbeat
                self.heartbeat = replace(self.heartbeat, beat_at=now, sent=self.sent)
                set_meta(self.db, HEARTBEAT_KEY, json.dumps(asdict(self.heartbeat)))
            groups = claim(self.db, limit=self.settings.concurrency, now=now) if claim_more else []
        self._recovered = True
        self._outcomes.clear()
        return groups

    def _flush(self) -> None:
        """Write the outcomes known so far, in one short transaction (kept in memory for the
        next turn when the database is busy)."""
        if not self._outcomes or not self._recovered:
            return
        try:
            with write_transaction(self.db):
                for outcome in self._outcomes:
                    outcome(self.db)
        except sqlite3.Error:
            return
        self._outcomes.clear()

    def _set_state(self, state: str, *, error: str = "") -> None:
        now = self.clock()
        if error:
            self.heartbeat = replace(self.heartbeat, last_error=error, error_at=now)
        if self.heartbeat.state != state:
            self.heartbeat = replace(self.heartbeat, state=state, since=now)
            self._beat_due = 0.0  # written at the next turn

    async def _back_off(self, error: sqlite3.Error, failures: int) -> None:
        """Log, wait (longer each time, up to backoff_max), and let run() go on."""
        delay = min(self.settings.backoff_max, 0.5 * 2 ** (failures - 1))
        self._set_state("backing off", error=str(error)[:200])
        log.warning(
            "push sender: database error (%s); %d outcome(s) kept in memory; retrying in %.1f s",
            error,
            len(self._outcomes),
            delay,
        )
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._stopping.wait(), delay)

    async def _send_group(self, group: list[Delivery]) -> None:
        try:
            await self._deliver(group)
        except Exception as error:
            log.exception("unexpected error sending deliveries %s", [d.id for d in group])
            ids = [d.id for d in group]
            reason = f"internal error: {error!r}"[:300]
            not_before = self.clock() + 60
            self._record(lambda db: mark_retry(db, ids, not_before=not_before, reason=reason))
        finally:
            self._slots.release()

    def _record(self, outcome: Outcome) -> None:
        """Written at the next turn of run(), in its transaction."""
        self._outcomes.append(outcome)
        self._wake.set()

    def _compose(self, group: list[Delivery]) -> tuple[str, tuple[tuple[Button, ...], ...]]:
        first = group[0]
        t = tr(language_of(self.db, first.user_id))
        knowledge = self.knowledge.get()
        if first.kind == "goodbye":
            return render_goodbye(first.code, t)
        events = events_by_id(self.db, [d.event_id for d in group if d.event_id])
        by_code: dict[str, list[PushEvent]] = {}
        for delivery in group:
            event = events.get(delivery.event_id or -1)
            if event is None:
                continue
            by_code.setdefault(delivery.code, []).append(
                PushEvent(
                    kind=event.kind,
                    old_level=event.old_level,
                    new_level=event.new_level,
                    note=event.note,
                    at=dt.datetime.fromisoformat(event.created_at),
                )
            )
        if first.batch.startswith("digest-"):
            items = [(code, knowledge.advisories.get(code), evs) for code, evs in by_code.items()]
            return render_digest(items, t)
        code = first.code
        return render_push(code, knowledge.advisories.get(code), by_code.get(code, []), t)

    async def _deliver(self, group: list[Delivery]) -> None:
        ids = [d.id for d in group]
        first = group[0]
        text, buttons = self._compose(group)
        try:
            async with self.budget.slot(first.chat_id, Priority.PUSH):
                try:
                    message_id = await self._send(group, text, buttons)
                except RetryLater as error:
                    self.budget.hold_chat(first.chat_id, error.seconds)
                    raise
        except RetryLater as error:
            not_before, reason = self.clock() + error.seconds, error.reason
            self._record(lambda db: mark_retry(db, ids, not_before=not_before, reason=reason))
            return
        except Unreachable as error:
            self._pause(group, error.reason)
            return
        except Rejected as error:
            reason = error.reason[:300]
            self._record(lambda db: mark_failed(db, ids, reason=reason))
            return
        except Transient as error:
            self._backoff(group, error.reason[:300])
            return
        at = dt.datetime.now(dt.UTC)
        self._record(lambda db: mark_sent(db, ids, message_id=message_id, at=at))
        self.sent += 1

    async def _send(
        self, group: list[Delivery], text: str, buttons: tuple[tuple[Button, ...], ...]
    ) -> int:
        """One push to Telegram: with the country's map for a level change (maps.py)."""
        first = group[0]
        paid = self.settings.rate > TELEGRAM_FREE_RATE
        timeout = self.settings.read_timeout
        photo = self._map_for(group, text)
        if photo is not None and self.maps is not None:
            return await self.maps.send(
                first.chat_id,
                photo,
                text,
                buttons,
                event_id=first.event_id,
                paid_broadcast=paid,
                timeout=timeout,
            )
        return await self.transport.send_message(
            first.chat_id, text, buttons, paid_broadcast=paid, timeout=timeout
        )

    def _map_for(self, group: list[Delivery], text: str) -> MapRequest | None:
        first = group[0]
        if self.maps is None or first.kind == "goodbye" or first.batch.startswith("digest-"):
            return None
        events = events_by_id(self.db, [d.event_id for d in group if d.event_id])
        if not any(event.kind == "level" for event in events.values()):
            return None
        advisories = self.knowledge.get().advisories
        return self.maps.map_for(first.code, advisories, language_of(self.db, first.user_id), text)

    def _pause(self, group: list[Delivery], reason: str) -> None:
        """The user blocked the bot or the chat is gone: pause rather than retry."""
        ids, user_id, at = [d.id for d in group], group[0].user_id, dt.datetime.now(dt.UTC)
        self._record(lambda db: mark_paused(db, ids, user_id=user_id, reason=reason, at=at))

    def _backoff(self, group: list[Delivery], reason: str) -> None:
        ids = [d.id for d in group]
        attempts = max(d.attempts for d in group) + 1
        if attempts >= MAX_ATTEMPTS:
            gave_up = f"gave up after {attempts} attempts: {reason}"
            self._record(lambda db: mark_failed(db, ids, reason=gave_up))
        else:
            not_before = self.clock() + min(600.0, 2.0**attempts)
            self._record(lambda db: mark_retry(db, ids, not_before=not_before, reason=reason))
