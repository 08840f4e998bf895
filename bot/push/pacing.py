"""Pacing pushes on an absolute schedule: at most `rate` sends per second overall, and at most
`chat_rate` per second to one chat.

Why not a token bucket (aiolimiter, PTB's AIORateLimiter): a bucket with room for a burst lets
30 messages go at once and then 30 more within the same second, which draws 429s; a bucket of one
loses every late wake-up of the event loop, which costs 3-4 % of the rate. Reserving slots on a
fixed grid (each slot `1/rate` after the previous one, never before now) does neither. Slots are
taken without awaiting, so on one event loop no lock is needed.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable


class Pacer:
    """Hands out send times spaced `1 / rate` apart overall, and `1 / per_key_rate` per key."""

    def __init__(
        self, rate: float, per_key_rate: float, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.interval = 1.0 / rate
        self.key_interval = 1.0 / per_key_rate
        self.clock = clock
        self._next = 0.0
        self._next_by_key: dict[int, float] = {}

    def try_reserve(self, key: int) -> tuple[bool, float]:
        """(True, slot): a global slot for this send. (False, when): the key is busy until then;
        no global slot is taken, so one busy chat never holds the others back."""
        now = self.clock()
        key_free = self._next_by_key.get(key, 0.0)
        if key_free > now:
            return False, key_free
        slot = max(now, self._next)
        self._next = slot + self.interval
        self._next_by_key[key] = slot + self.key_interval
        if len(self._next_by_key) > 100_000:
            self._forget_before(now)
        return True, slot

    async def wait(self, key: int) -> None:
        """Sleep until this send may start."""
        while True:
            reserved, when = self.try_reserve(key)
            delay = when - self.clock()
            if delay > 0:
                await asyncio.sleep(delay)
            if reserved:
                return

    def _forget_before(self, now: float) -> None:
        """Drop chats whose next slot has passed: they are free again anyway."""
        self._next_by_key = {k: t for k, t in self._next_by_key.items() if t > now}
