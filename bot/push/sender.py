"""The push sender: drains the outbox within Telegram's limits, in each subscriber's language.

- Pace: about 30 messages/second overall by default (configurable, up to 1000 with paid
  broadcasts) and one per second per chat, on an absolute schedule (see pacing.py).
- 429: that chat waits `retry_after`, the others go on. Timeouts, network errors and 5xx: retried
  with exponential backoff, then failed with the reason. 403 or "chat not found": the delivery and
  the user's subscriptions are paused until the user writes /start again (see transport.py).
- Several deliveries waiting for one user and destination become one message (latest state).
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

from sqlite_utils import Database

from bot.core.push import PushEvent, render_digest, render_goodbye, render_push
from bot.core.reply import Button
from bot.i18n import tr
from bot.knowledge import KnowledgeCache
from bot.push.pacing import Pacer
from bot.push.transport import Rejected, RetryLater, Transient, Transport, Unreachable
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


@dataclass(frozen=True, slots=True)
class SenderSettings:
    """How fast the sender may go."""

    rate: float = 29.5  # messages per second overall (Telegram: about 30; 1000 paid)
    chat_rate: float = 1.0  # messages per second to one chat
    concurrency: int = 64  # requests in flight
    idle_poll: float = 0.2  # seconds between looks at an empty outbox
    read_timeout: float = 10.0  # seconds to wait for Telegram's answer before retrying


class OutboxSender:
    """Sends queued deliveries until stopped; safe to kill at any moment."""

    def __init__(
        self,
        transport: Transport,
        db: Database,
        knowledge: KnowledgeCache,
        settings: SenderSettings = SenderSettings(),
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.transport = transport
        self.db = db
        self.knowledge = knowledge
        self.settings = settings
        self.clock = clock
        self._pacer = Pacer(settings.rate, settings.chat_rate)
        self._slots = asyncio.Semaphore(settings.concurrency)
        self._wake = asyncio.Event()
        self._stopping = asyncio.Event()
        self.sent = 0

    def wake(self) -> None:
        """New deliveries were queued: look at the outbox now."""
        self._wake.set()

    def stop(self) -> None:
        """Finish the messages in flight, then return from run()."""
        self._stopping.set()
        self._wake.set()

    async def run(self) -> None:
        """Drain the outbox until stop() is called."""
        recovered = recover_in_flight(self.db)
        if recovered:
            log.info("re-queued %d deliveries that were in flight at the last stop", recovered)
        tasks: set[asyncio.Task[None]] = set()
        while not self._stopping.is_set():
            groups = claim(self.db, limit=self.settings.concurrency, now=self.clock())
            if not groups:
                self._wake.clear()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), self.settings.idle_poll)
                continue
            for group in groups:
                await self._slots.acquire()
                task = asyncio.create_task(self._send_group(group))
                tasks.add(task)
                task.add_done_callback(tasks.discard)
            # Claim the next batch only when this one is nearly out of the door.
            while len(tasks) > self.settings.concurrency // 2 and not self._stopping.is_set():
                await asyncio.sleep(0.01)
        if tasks:
            await asyncio.gather(*tasks, return_exceptions=True)

    async def _send_group(self, group: list[Delivery]) -> None:
        try:
            await self._deliver(group)
        except Exception as error:
            log.exception("unexpected error sending deliveries %s", [d.id for d in group])
            mark_retry(
                self.db,
                [d.id for d in group],
                not_before=self.clock() + 60,
                reason=f"internal error: {error!r}"[:300],
            )
        finally:
            self._slots.release()

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
        await self._pacer.wait(first.chat_id)
        try:
            message_id = await self.transport.send_message(
                first.chat_id,
                text,
                buttons,
                paid_broadcast=self.settings.rate > TELEGRAM_FREE_RATE,
                timeout=self.settings.read_timeout,
            )
        except RetryLater as error:
            mark_retry(self.db, ids, not_before=self.clock() + error.seconds, reason=error.reason)
            return
        except Unreachable as error:
            self._pause(group, error.reason)
            return
        except Rejected as error:
            mark_failed(self.db, ids, reason=error.reason[:300])
            return
        except Transient as error:
            self._backoff(group, error.reason[:300])
            return
        mark_sent(self.db, ids, message_id=message_id, at=dt.datetime.now(dt.UTC))
        self.sent += 1

    def _pause(self, group: list[Delivery], reason: str) -> None:
        """The user blocked the bot or the chat is gone: pause rather than retry."""
        ids = [d.id for d in group]
        mark_paused(
            self.db, ids, user_id=group[0].user_id, reason=reason, at=dt.datetime.now(dt.UTC)
        )

    def _backoff(self, group: list[Delivery], reason: str) -> None:
        ids = [d.id for d in group]
        attempts = max(d.attempts for d in group) + 1
        if attempts >= MAX_ATTEMPTS:
            mark_failed(self.db, ids, reason=f"gave up after {attempts} attempts: {reason}")
        else:
            delay = min(600.0, 2.0**attempts)
            mark_retry(self.db, ids, not_before=self.clock() + delay, reason=reason)
