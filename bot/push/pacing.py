"""Telegram's sending budget for the whole bot, shared by the replies and the pushes.

Telegram allows about 30 messages a second per bot, one a second to one chat and 20 a minute to
one group. Replies and pushes draw from one `SendBudget`: each message waits for a slot, and a
slot goes to the oldest waiting reply whose chat may receive a message now; pushes get a slot
only when no such reply waits. So while people are writing, the broadcast yields, and it takes
what the replies leave.

A message counts from its slot until Telegram answered it, and one second more: at most
`ceil(rate)` such messages overall, one per chat (the next a second after the last one was
answered) and 20 a minute per group. However late a busy event loop lets a request leave,
Telegram can then never count more than that in a second: the rate slows down instead of
drawing 429s.
Within that, slots lie on an absolute grid, `1 / rate` apart: neither a token bucket with
room for a burst (which lets 30 messages go at once and then 30 more within the same second,
drawing 429s) nor a bucket of one (which loses every late wake-up of the event loop, 3-4 % of
the rate). A late wake-up keeps its grid time when it is less than one interval late, so the
rate holds; after a quiet period the grid restarts from now, so there is no burst.
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import time
from collections import deque
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from enum import IntEnum

ChatKey = int | str


class Priority(IntEnum):
    """Who is waiting for a slot: replies go first."""

    REPLY = 0
    PUSH = 1


class Superseded(Exception):
    """A newer reply to the same private chat took this one's place while it waited."""


@dataclass(eq=False, slots=True)
class _Waiter:
    chat: ChatKey
    granted: asyncio.Future[float] = field(repr=False)
    pinned: bool = False


def is_group(chat: ChatKey) -> bool:
    """Groups, supergroups and channels (negative ids, or an @username): 20 messages a minute."""
    return isinstance(chat, str) or chat < 0


class SendBudget:
    """Hands out send slots: at most `rate` a second overall, `chat_rate` a second to one chat,
    `group_per_minute` a minute to one group; replies before pushes, each chat in order."""

    def __init__(
        self,
        rate: float,
        chat_rate: float = 1.0,
        group_per_minute: int = 20,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.interval = 1.0 / rate
        self.per_second = max(1, math.ceil(rate))
        self.chat_interval = 1.0 / chat_rate
        self.group_per_minute = group_per_minute
        self.clock = clock
        self.granted = {Priority.REPLY: 0, Priority.PUSH: 0}
        self._next = 0.0
        self._chat_next: dict[ChatKey, float] = {}
        self._group_sent: dict[ChatKey, deque[float]] = {}
        self._in_flight: set[ChatKey] = set()  # one message in flight per chat at most
        self._answered: deque[float] = deque()  # when the last second's messages were answered
        self._waiting: dict[Priority, deque[_Waiter]] = {p: deque() for p in Priority}
        self._timer: asyncio.TimerHandle | None = None

    # -- what callers use ------------------------------------------------------------------
    @contextlib.asynccontextmanager
    async def slot(
        self,
        chat: ChatKey,
        priority: Priority,
        *,
        keep_latest: int | None = None,
        pinned: bool = False,
    ) -> AsyncIterator[float]:
        """Send one message to `chat` inside this block (see `_acquire`); the block ends when
        Telegram answered, or gave up."""
        granted = await self._acquire(chat, priority, keep_latest=keep_latest, pinned=pinned)
        try:
            yield granted
        finally:
            self._release(chat)

    def _release(self, chat: ChatKey) -> None:
        now = self.clock()
        self._in_flight.discard(chat)
        self._answered.append(now)
        self._chat_next[chat] = max(self._chat_next.get(chat, 0.0), now + self.chat_interval)
        if is_group(chat):
            self._group_sent.setdefault(chat, deque()).append(now)
        self._dispatch()

    async def _acquire(
        self,
        chat: ChatKey,
        priority: Priority,
        *,
        keep_latest: int | None = None,
        pinned: bool = False,
    ) -> float:
        """Wait for a slot to send one message to `chat`; return the slot's time on the clock.

        `keep_latest`: at most that many messages wait for this chat; an older one raises
        `Superseded` instead of going out (pinned ones excepted). `pinned`: goes ahead of the
        chat's other waiting messages and is never superseded (the flood notice)."""
        waiter = _Waiter(chat, asyncio.get_running_loop().create_future(), pinned)
        queue = self._waiting[priority]
        if pinned:
            ahead = next(
                (i for i, w in enumerate(queue) if w.chat == chat and not w.granted.done()),
                len(queue),
            )
            queue.insert(ahead, waiter)
        else:
            queue.append(waiter)
        if keep_latest is not None:
            self._supersede(queue, chat, keep_latest)
        self._dispatch()
        try:
            slot = await waiter.granted
        except asyncio.CancelledError:
            granted = waiter.granted
            if granted.done() and not granted.cancelled() and granted.exception() is None:
                self._release(chat)  # granted, then cancelled before it could send
            raise
        self.granted[priority] += 1
        return slot

    def _supersede(self, queue: deque[_Waiter], chat: ChatKey, keep: int) -> None:
        waiting = [w for w in queue if w.chat == chat and not w.pinned and not w.granted.done()]
        for waiter in waiting[: max(0, len(waiting) - keep)]:
            waiter.granted.set_exception(Superseded(f"a newer message to {chat} took its place"))

    def hold_chat(self, chat: ChatKey, seconds: float) -> None:
        """Telegram answered 429 for this chat: nothing goes to it for `seconds`."""
        self._chat_next[chat] = max(self._chat_next.get(chat, 0.0), self.clock() + seconds)
        self._dispatch()

    def waiting(self, priority: Priority) -> int:
        """How many messages of this priority wait for a slot."""
        return sum(1 for w in self._waiting[priority] if not w.granted.done())

    # -- the dispatcher ----------------------------------------------------------------------
    def free_at(self, chat: ChatKey, now: float) -> float:
        """When `chat` may receive its next message (now or later; inf: one is in flight)."""
        if chat in self._in_flight:
            return float("inf")
        free = self._chat_next.get(chat, 0.0)
        sent = self._group_sent.get(chat)
        if sent:
            while sent and sent[0] <= now - 60.0:
                sent.popleft()
            if len(sent) >= self.group_per_minute:
                free = max(free, sent[0] + 60.0)
        return free

    def _pick(self, now: float) -> tuple[_Waiter | None, float]:
        """The waiter to grant now, else when to look again (inf: when someone arrives)."""
        wake = float("inf")
        for priority in Priority:
            queue = self._waiting[priority]
            blocked: set[ChatKey] = set()
            for index, waiter in enumerate(queue):
                if waiter.granted.done():  # cancelled or superseded
                    continue
                if waiter.chat in blocked:
                    continue
                free = self.free_at(waiter.chat, now)
                if free <= now:
                    del queue[index]
                    return waiter, now
                blocked.add(waiter.chat)  # keeps each chat's messages in order
                wake = min(wake, free)
            while queue and queue[0].granted.done():
                queue.popleft()
        return None, wake

    def _dispatch(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        now = self.clock()
        if now < self._next:
            self._schedule(self._next, now)
            return
        while self._answered and self._answered[0] <= now - 1.0:
            self._answered.popleft()
        if len(self._in_flight) + len(self._answered) >= self.per_second:
            if self._answered:  # else: when one in flight is answered
                self._schedule(self._answered[0] + 1.0, now)
            return
        waiter, wake = self._pick(now)
        if waiter is None:
            if wake != float("inf"):
                self._schedule(wake, now)
            return
        # Less than one interval late: keep the grid (the rate holds); later: restart from now.
        slot = self._next if now - self._next < self.interval else now
        self._next = slot + self.interval
        self._in_flight.add(waiter.chat)
        self._chat_next[waiter.chat] = slot + self.chat_interval
        if len(self._chat_next) > 100_000:
            self._forget_before(now)
        waiter.granted.set_result(slot)
        self._schedule(self._next, now)

    def _schedule(self, when: float, now: float) -> None:
        loop = asyncio.get_running_loop()
        self._timer = loop.call_later(max(0.0, when - now), self._dispatch)

    def _forget_before(self, now: float) -> None:
        """Drop chats whose next slot has passed: they are free again anyway."""
        self._chat_next = {k: t for k, t in self._chat_next.items() if t > now}
        self._group_sent = {k: s for k, s in self._group_sent.items() if s and s[-1] > now - 60}
