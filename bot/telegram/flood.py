"""Per-user flood control: past a sensible rate, one polite notice, then the latest answers.

Someone who writes faster than Telegram lets us answer (one message a second per chat) gets
the first answer, then the notice, then the answers to their latest messages: the replies
still waiting for their chat give way to newer ones (bot/telegram/ratelimit.py), so what they
read last answers what they wrote last, not what they wrote a minute ago. Past `ceiling`
messages a minute (a script, not a person), messages are ignored for a while.
"""

from __future__ import annotations

from limits import RateLimitItemPerMinute, storage, strategies


class FloodControl:
    """Answers `per_minute` messages per user in any moving minute without a word; then one
    notice a minute; then answers again, up to `ceiling` more a minute."""

    def __init__(self, per_minute: int = 20, ceiling: int = 120) -> None:
        self._limiter = strategies.MovingWindowRateLimiter(storage.MemoryStorage())
        self._rate = RateLimitItemPerMinute(per_minute)
        self._notice = RateLimitItemPerMinute(1)
        self._ceiling = RateLimitItemPerMinute(ceiling)

    def check(self, user_id: int) -> str:
        """ "ok" to answer; "notice" to send the one flood notice; "silent" to ignore."""
        if self._limiter.hit(self._rate, "msg", str(user_id)):
            return "ok"
        if self._limiter.hit(self._notice, "notice", str(user_id)):
            return "notice"
        if self._limiter.hit(self._ceiling, "excess", str(user_id)):
            return "ok"
        return "silent"
