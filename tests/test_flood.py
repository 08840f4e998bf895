"""Per-user flood control: 20 messages in any moving minute, one notice, then the latest answers
up to a ceiling, then silence."""

from __future__ import annotations

from bot.telegram.flood import FloodControl


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_twenty_a_minute_then_one_notice_then_silence_until_the_window_moves() -> None:
    clock = Clock()
    flood = FloodControl(per_minute=20, ceiling=0, clock=clock)  # no answers after the notice
    verdicts = [flood.check(7) for _ in range(23)]
    assert verdicts == ["ok"] * 20 + ["notice", "silent", "silent"]
    assert flood.check(8) == "ok"  # another user is not affected
    clock.now += 30
    assert flood.check(7) == "silent"
    clock.now += 31  # the first twenty are now more than a minute old
    assert flood.check(7) == "ok"


def test_users_who_stopped_writing_are_forgotten() -> None:
    clock = Clock()
    flood = FloodControl(clock=clock)
    for user in range(1000):
        flood.check(user)
    clock.now += 61
    flood.check(5000)
    assert len(flood._rate._hits) == 1


def test_after_the_notice_answers_go_on_up_to_the_ceiling() -> None:
    clock = Clock()
    flood = FloodControl(per_minute=20, ceiling=3, clock=clock)
    verdicts = [flood.check(7) for _ in range(26)]
    assert verdicts == ["ok"] * 20 + ["notice"] + ["ok"] * 3 + ["silent", "silent"]
    clock.now += 61
    assert flood.check(7) == "ok"
