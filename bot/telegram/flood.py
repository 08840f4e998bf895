"""Per-user flood control: past a sensible rate, one polite notice, then silence for a while."""

from __future__ import annotations

from limits import RateLimitItemPerMinute, storage, strategies


class FloodControl:
    """Allows `per_minute` messages per user in any moving minute."""

    def __init__(self, per_minute: int = 20) -> None:
        self._limiter = strategies.MovingWindowRateLimiter(storage.MemoryStorage())
        self._rate = RateLimitItemPerMinute(per_minute)
        self._notice = RateLimitItemPerMinute(1)

    def check(self, user_id: int) -> str:
        """ "ok" to answer; "notice" to send the one flood notice; "silent" to ignore."""
        if self._limiter.hit(self._rate, "msg", str(user_id)):
            return "ok"
        if self._limiter.hit(self._notice, "notice", str(user_id)):
            return "notice"
        return "silent"
