"""Updates run concurrently across chats, one after the other within a chat."""

from __future__ import annotations

import asyncio
import datetime as dt

from telegram import Chat, Message, Update

from bot.telegram.ordering import PerChatOrder


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
