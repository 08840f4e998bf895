"""Updates handled concurrently across chats, in order within each chat.

Handled one at a time, the bot would sit idle during every round trip to Telegram (the reply's
sendMessage) before reading the next update: with many travellers writing at once, that waiting,
not Vigie's own work, is most of the time an update takes (benchmarks/bench_telegram.py). Updates
of different chats now overlap; within a chat, turns run one after the other, so a user's state
is read and written without interleaving (a conversation turn never awaits, bot/turn.py).

A chat's next update may start as soon as the previous one's reply is queued for sending
(`turn_done`, called by handlers.send), not only once Telegram accepted it: the send budget
(bot/push/pacing.py) keeps each chat's messages in the order they were queued, and may then let a
newer reply take the place of an older one still waiting (a flood: the answers to the latest
messages). Waiting for the budget holds no turn: at most `max_turns` updates are being worked on
at once (more makes httpcore's pool scans dearer than the overlap saves), however many replies
wait for their slot.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

_turn_done: ContextVar[Callable[[], None] | None] = ContextVar("vigie_turn_done", default=None)


def turn_done() -> None:
    """The current update's turn is over and its reply about to be queued: let the chat's next
    update start (nothing when not called from an update)."""
    release = _turn_done.get()
    if release is not None:
        release()


def _chat_of(update: object) -> int | None:
    if not isinstance(update, Update):
        return None
    if update.effective_chat is not None:
        return update.effective_chat.id
    return update.effective_user.id if update.effective_user is not None else None


class PerChatOrder(BaseUpdateProcessor):
    """Up to `max_concurrent_updates` updates at once (those waiting to send their reply
    included), at most `max_turns` of them being worked on, never two turns of the same chat."""

    def __init__(self, max_concurrent_updates: int = 256, max_turns: int = 4) -> None:
        super().__init__(max_concurrent_updates)
        self._turns = asyncio.Semaphore(max_turns)
        self._locks: dict[int, asyncio.Lock] = {}
        self._waiting: dict[int, int] = {}  # updates of each chat in a turn or waiting for one

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        """Run the update once the chat's previous turns are done."""
        chat = _chat_of(update)
        lock = None
        if chat is not None:
            lock = self._locks.setdefault(chat, asyncio.Lock())
            self._waiting[chat] = self._waiting.get(chat, 0) + 1
            try:
                await lock.acquire()
            except BaseException:
                self._leave(chat)
                raise
        try:
            await self._turns.acquire()
        except BaseException:
            if lock is not None and chat is not None:
                lock.release()
                self._leave(chat)
            raise
        done = False

        def release() -> None:
            nonlocal done
            if done:
                return
            done = True
            self._turns.release()
            if lock is not None and chat is not None:
                lock.release()
                self._leave(chat)

        token = _turn_done.set(release)
        try:
            await coroutine
        finally:
            _turn_done.reset(token)
            release()

    def _leave(self, chat: int) -> None:
        self._waiting[chat] -= 1
        if not self._waiting[chat]:  # the chat's last update: forget its lock
            del self._waiting[chat], self._locks[chat]

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to release."""
