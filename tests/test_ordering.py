"""Updates run concurrently across chats, one after the other within a chat."""

from __future__ import annotations

import asyncio
import datetime as dt

from telegram import Chat, Message, Update

from bot.telegram.ordering import PerChatOrder, turn_done


def update(update_id: int, chat_id: int) -> Update:
    chat = Chat(chat_id, Chat.PRIVATE)
    return Update(update_id, message=Message(update_id, dt.datetime.now(dt.UTC), chat, text="hi"))


async def test_a_chats_updates_finish_in_order_while_other_chats_overlap() -> None:
    order = PerChatOrder(max_concurrent_updates=8)
    finished: list[int] = []

    async def handle(update_id: int, seconds: float) -> None:
        await asyncio.sleep(seconds)
        finished.append(update_id)

    await asyncio.gather(
        order.process_update(update(1, 10), handle(1, 0.2)),  # slow, chat 10
        order.process_update(update(2, 10), handle(2, 0.0)),  # quick, same chat: waits for 1
        order.process_update(update(3, 20), handle(3, 0.0)),  # another chat: does not wait
    )
    assert finished == [3, 1, 2]
    assert order._locks == {}  # nothing kept for chats with nothing to do


async def test_a_chats_next_turn_starts_once_the_reply_is_queued_not_sent() -> None:
    order = PerChatOrder(max_concurrent_updates=8)
    events: list[str] = []

    async def handle(update_id: int) -> None:
        events.append(f"turn {update_id}")
        turn_done()  # the reply is queued: it waits for its slot in the send budget
        await asyncio.sleep(0.1)
        events.append(f"sent {update_id}")

    await asyncio.gather(
        order.process_update(update(1, 10), handle(1)),
        order.process_update(update(2, 10), handle(2)),
    )
    assert events == ["turn 1", "turn 2", "sent 1", "sent 2"]
    assert order._locks == {}


async def test_waiting_to_send_holds_no_turn() -> None:
    order = PerChatOrder(max_concurrent_updates=8, max_turns=1)
    events: list[str] = []

    async def handle(update_id: int) -> None:
        events.append(f"turn {update_id}")
        turn_done()
        await asyncio.sleep(0.1)
        events.append(f"sent {update_id}")

    await asyncio.gather(*(order.process_update(update(i, 10 * i), handle(i)) for i in (1, 2, 3)))
    # One turn at a time, but the other chats' turns do not wait for the first reply to leave.
    assert events[:3] == ["turn 1", "turn 2", "turn 3"]
