"""The push pacer: never faster than the rate, globally or per chat, and no burst after a pause."""

from __future__ import annotations

import asyncio
import itertools
import time

from bot.push.pacing import Pacer


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_global_slots_are_spaced_by_one_over_the_rate() -> None:
    pacer = Pacer(29.5, 1.0, Clock())
    slots = [pacer.try_reserve(chat)[1] for chat in range(90)]
    gaps = [b - a for a, b in itertools.pairwise(slots)]
    assert min(gaps) >= 1 / 29.5 - 1e-9
    # In any one-second window starting at a slot: at most 30 sends (Telegram's limit).
    assert max(sum(1 for s in slots if start <= s < start + 1) for start in slots) == 30


def test_a_busy_chat_waits_without_holding_back_the_others() -> None:
    clock = Clock()
    pacer = Pacer(1000.0, 1.0, clock)
    assert pacer.try_reserve(7) == (True, 100.0)
    assert pacer.try_reserve(7) == (False, 101.0)  # one message a second to a chat
    reserved, slot = pacer.try_reserve(8)
    assert reserved and slot < 100.01  # another chat goes at once
    clock.now = 101.0
    assert pacer.try_reserve(7)[0]


def test_no_burst_after_a_quiet_period() -> None:
    clock = Clock()
    pacer = Pacer(30.0, 1.0, clock)
    pacer.try_reserve(1)
    clock.now += 60  # a minute with nothing to send
    (_, first), (_, second) = pacer.try_reserve(2), pacer.try_reserve(3)
    assert first == clock.now and second - first >= 1 / 30 - 1e-9


def test_waiting_on_the_event_loop_keeps_the_pace() -> None:
    async def run() -> list[float]:
        pacer = Pacer(200.0, 1.0)
        stamps: list[float] = []

        async def send(chat: int) -> None:
            await pacer.wait(chat)
            stamps.append(time.monotonic())

        await asyncio.gather(*(send(chat) for chat in range(60)))
        return stamps

    stamps = sorted(asyncio.run(run()))
    assert stamps[-1] - stamps[0] >= 59 / 200 - 0.01
