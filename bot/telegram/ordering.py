"""Updates handled concurrently across chats, in order within each chat.

Handled one at a time, the bot would sit idle during every round trip to Telegram (the reply's
sendMessage) before reading the next update: with many travellers writing at once, that waiting,
not Vigie's own work, is most of the time an update takes (benchmarks/bench_telegram.py). Updates
of different chats now overlap; within a chat they still run one after the other, so replies keep
the order of the messages they answer. A conversation turn never awaits (bot/turn.py), so a
user's state is read and written without interleaving.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor


def _chat_of(update: object) -> int | None:
    if not isinstance(update, Update):
        return None
    if update.effective_chat is not None:
        return update.effective_chat.id
    return update.effective_user.id if update.effective_user is not None else None


class PerChatOrder(BaseUpdateProcessor):
    """Up to `max_concurrent_updates` updates at once, never two of the same chat."""

    def __init__(self, max_concurrent_updates: int = 4) -> None:
        super().__init__(max_concurrent_updates)
        self._locks: dict[int, asyncio.Lock] = {}
        self._waiting: dict[int, int] = {}  # updates of each chat being or waiting to be run

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        """Run the update once the chat's previous updates are done."""
        chat = _chat_of(update)
        if chat is None:
            await coroutine
            return
        lock = self._locks.setdefault(chat, asyncio.Lock())
        self._waiting[chat] = self._waiting.get(chat, 0) + 1
        try:
            async with lock:
                await coroutine
        finally:
            self._waiting[chat] -= 1
            if not self._waiting[chat]:  # the chat's last update: forget its lock
                del self._waiting[chat], self._locks[chat]

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to release."""
