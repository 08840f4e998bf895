"""The send budget shared by replies and pushes: never faster than the rate, globally, per chat
and per group; replies before pushes; no burst after a pause; a flood keeps its latest replies."""

from __future__ import annotations

import asyncio
import itertools

import pytest

from bot.push.pacing import Priority, SendBudget, Superseded
from bot.telegram.ratelimit import SharedRateLimiter

REPLY, PUSH = Priority.REPLY, Priority.PUSH


def run(coro):  # type: ignore[no-untyped-def]
    return asyncio.run(coro)


async def send(budget: SendBudget, chat: int | str, priority: Priority, **options: object) -> float:
    """Take a slot and send at once (Telegram answers instantly here); the slot's time."""
    async with budget.slot(chat, priority, **options) as slot:  # type: ignore[arg-type]
        return slot


def test_global_slots_are_spaced_by_one_over_the_rate() -> None:
    async def scenario() -> list[float]:
        budget = SendBudget(97.5, 1.0)
        return list(await asyncio.gather(*(send(budget, chat, PUSH) for chat in range(150))))

    slots = sorted(run(scenario()))
    gaps = [b - a for a, b in itertools.pairwise(slots)]
    assert min(gaps) >= 1 / 97.5 - 1e-9
    # In any one-second window starting at a slot: at most ceil(97.5) = 98 sends, and not
    # much fewer (the rate is used).
    assert max(sum(1 for s in slots if start <= s < start + 1) for start in slots) in (97, 98)


def test_one_chat_gets_its_messages_in_order_one_interval_apart() -> None:
    async def scenario() -> list[tuple[int, float]]:
        budget = SendBudget(1000.0, 10.0)
        done: list[tuple[int, float]] = []

        async def one(n: int) -> None:
            done.append((n, await send(budget, 7, REPLY)))

        await asyncio.gather(*(one(n) for n in range(4)))
        return done

    done = run(scenario())
    assert [n for n, _ in done] == [0, 1, 2, 3]
    assert min(b - a for (_, a), (_, b) in itertools.pairwise(done)) >= 0.1 - 1e-9


def test_a_busy_chat_waits_without_holding_back_the_others() -> None:
    async def scenario() -> tuple[float, float, float]:
        budget = SendBudget(1000.0, 1.0)
        first = await send(budget, 7, REPLY)
        busy = asyncio.create_task(send(budget, 7, REPLY))
        other = await send(budget, 8, REPLY)
        busy.cancel()
        return first, other, budget.free_at(7, other)

    first, other, busy_until = run(scenario())
    assert other - first < 0.05  # another chat goes at once
    assert busy_until >= first + 1.0  # one message a second to a chat


def test_replies_go_before_the_pushes_already_waiting() -> None:
    async def scenario() -> list[str]:
        budget = SendBudget(50.0, 1.0)
        order: list[str] = []

        async def one(kind: str, chat: int, priority: Priority) -> None:
            await send(budget, chat, priority)
            order.append(kind)

        pushes = [asyncio.create_task(one("push", 1000 + n, PUSH)) for n in range(20)]
        await asyncio.sleep(0.05)  # the broadcast is under way
        replies = [asyncio.create_task(one("reply", n, REPLY)) for n in range(5)]
        await asyncio.gather(*pushes, *replies)
        return order

    order = run(scenario())
    last_reply = max(i for i, kind in enumerate(order) if kind == "reply")
    assert last_reply <= 9  # 2-3 pushes before the replies came, then the 5 replies at once
    assert order.count("push") == 20  # the broadcast finishes afterwards


def test_no_burst_after_a_quiet_period() -> None:
    async def scenario() -> tuple[float, float]:
        budget = SendBudget(30.0, 1.0)
        await send(budget, 1, PUSH)
        await asyncio.sleep(0.2)  # nothing to send for a while
        return await send(budget, 2, PUSH), await send(budget, 3, PUSH)

    first, second = run(scenario())
    assert second - first >= 1 / 30 - 1e-9


def test_a_group_gets_at_most_its_messages_a_minute() -> None:
    async def scenario() -> tuple[int, bool]:
        budget = SendBudget(1000.0, 100.0, group_per_minute=3)
        for _ in range(3):
            await send(budget, -100, REPLY)
        fourth = asyncio.create_task(send(budget, -100, REPLY))
        await send(budget, -200, REPLY)  # another group is not held back
        await asyncio.sleep(0.1)
        waiting = not fourth.done()
        fourth.cancel()
        return budget.granted[REPLY], waiting

    granted, fourth_waits = run(scenario())
    assert granted == 4 and fourth_waits


def test_a_newer_reply_replaces_the_oldest_waiting_one_but_never_the_notice() -> None:
    async def scenario() -> list[str]:
        budget = SendBudget(1000.0, 20.0)
        sent: list[str] = []

        async def reply(label: str, *, pinned: bool = False) -> None:
            try:
                await send(budget, 42, REPLY, keep_latest=2, pinned=pinned)
                sent.append(label)
            except Superseded:
                sent.append(f"({label} replaced)")

        tasks = [asyncio.create_task(reply(f"answer {n}")) for n in range(1, 5)]
        await asyncio.sleep(0)
        tasks.append(asyncio.create_task(reply("notice", pinned=True)))
        await asyncio.sleep(0)
        tasks += [asyncio.create_task(reply(f"answer {n}")) for n in range(5, 9)]
        await asyncio.gather(*tasks)
        return [s for s in sent if "replaced" not in s]

    assert run(scenario()) == ["answer 1", "notice", "answer 7", "answer 8"]


def test_a_chat_that_drew_a_429_waits_it_out() -> None:
    async def scenario() -> float:
        budget = SendBudget(1000.0, 100.0)
        first = await send(budget, 5, PUSH)
        budget.hold_chat(5, 0.3)
        return await send(budget, 5, PUSH) - first

    assert run(scenario()) >= 0.3 - 1e-3


@pytest.mark.parametrize("chat, group", [(5, False), (-100, True), ("@news", True)])
def test_groups_and_channels_are_told_apart(chat: int | str, group: bool) -> None:
    from bot.push.pacing import is_group

    assert is_group(chat) is group


async def test_the_rate_limiter_keeps_a_bounded_number_of_requests_on_the_wire() -> None:
    limiter = SharedRateLimiter(SendBudget(1000, 1000), max_requests=2)
    on_the_wire, most = 0, 0

    async def request(chat: int) -> bool:
        nonlocal on_the_wire, most
        on_the_wire += 1
        most = max(most, on_the_wire)
        await asyncio.sleep(0.01)
        on_the_wire -= 1
        return True

    await asyncio.gather(
        *(
            limiter.process_request(request, (chat,), {}, "sendMessage", {"chat_id": chat}, None)
            for chat in range(1, 9)
        )
    )
    assert most == 2
