"""Per-user flood control: past a sensible rate, one polite notice, then the latest answers.

Someone who writes faster than Telegram lets us answer (one message a second per chat) gets
the first answer, then the notice, then the answers to their latest messages: the replies
still waiting for their chat give way to newer ones (bot/telegram/ratelimit.py), so what they
read last answers what they wrote last, not what they wrote a minute ago. Past `ceiling`
messages a minute (a script, not a person), messages are ignored for a while.

Moving windows kept in memory, by hand: the `limits` library's in-memory storage expires its
keys from a timer thread restarted every 10 ms that walks every user's key — with thousands of
users that thread took more time than answering them (benchmarks/bench_telegram.py).
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable
from typing import Literal

Verdict = Literal["ok", "notice", "silent"]


class MovingWindow:
    """At most `limit` hits per key in any moving window of `seconds`."""

    def __init__(
        self, limit: int, seconds: float = 60.0, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.limit = limit
        self.seconds = seconds
        self._clock = clock
        self._hits: dict[int, deque[float]] = {}
        self._swept = clock()

    def hit(self, key: int) -> bool:
        """Count a hit for `key` if the window has room; say whether it had."""
        now = self._clock()
        if now - self._swept > self.seconds:
            self._sweep(now)
        hits = self._hits.setdefault(key, deque())
        while hits and hits[0] <= now - self.seconds:
            hits.popleft()
        if len(hits) >= self.limit:
            return False
        hits.append(now)
        return True

    def _sweep(self, now: float) -> None:
        """Forget the keys with no hit in the window (once a window, so memory stays bounded)."""
        self._hits = {k: h for k, h in self._hits.items() if h and h[-1] > now - self.seconds}
        self._swept = now


class FloodControl:
    """Answers `per_minute` messages per user in any moving minute without a word; then one
    notice a minute; then answers again, up to `ceiling` more a minute."""

    def __init__(
        self, per_minute: int = 20, ceiling: int = 120, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._rate = MovingWindow(per_minute, clock=clock)
        self._notice = MovingWindow(1, clock=clock)
        self._ceiling = MovingWindow(ceiling, clock=clock)

    def check(self, user_id: int) -> Verdict:
        """ "ok" to answer; "notice" to send the one flood notice; "silent" to ignore."""
        if self._rate.hit(user_id):
            return "ok"
        if self._notice.hit(user_id):
            return "notice"
        if self._ceiling.hit(user_id):
            return "ok"
        return "silent"
