"""The replies' side of Telegram's budget: a python-telegram-bot rate limiter that draws from the
same `SendBudget` as the push sender, with priority over the pushes.

Every message the conversation sends (replies, notices, messages after a button) waits for a
slot of the shared budget: one a second to a chat, 20 a minute to a group, about 30 a second in
all. A 429 is waited out (`retry_after`) and the message sent again, up to `max_retries` times,
as PTB's own AIORateLimiter does, but only that chat waits. In a private chat at most
`keep_latest` replies wait: a newer reply takes the place of the oldest waiting one, so someone
who writes faster than Telegram lets us answer gets the answers to their latest messages
(`Superseded` is raised in the handler of the older one; the error handler says nothing).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from enum import Enum
from typing import Any

from telegram.error import RetryAfter
from telegram.ext import BaseRateLimiter

from bot.push.pacing import Priority, SendBudget, Superseded, is_group

__all__ = ["Send", "SharedRateLimiter", "Superseded", "sends_message"]

log = logging.getLogger(__name__)

Result = bool | dict[str, Any] | list[dict[str, Any]]


class Send(Enum):
    """`rate_limit_args` for a message that must not be superseded and goes first in its chat."""

    NOTICE = "notice"


def sends_message(endpoint: str) -> bool:
    """Whether a Bot API method sends a message (what Telegram's limits count)."""
    name = endpoint.lower()
    if name in ("sendchataction", "sendmessagedraft"):
        return False
    return name.startswith("send") or name in (
        "copymessage",
        "copymessages",
        "forwardmessage",
        "forwardmessages",
    )


def _chat_key(value: object) -> int | str | None:
    if value is None:
        return None
    try:
        return int(str(value))
    except ValueError:
        return str(value)  # an @username: a channel or a supergroup


def _seconds(error: RetryAfter) -> float:
    # As PTB's AIORateLimiter reads it: the public `retry_after` warns about its future type.
    return error._retry_after.total_seconds()


class SharedRateLimiter(BaseRateLimiter[Send]):
    """Paces the bot's own messages on the budget it shares with the push sender."""

    def __init__(
        self,
        budget: SendBudget,
        *,
        max_retries: int = 5,
        keep_latest: int = 3,
        max_requests: int = 16,
    ) -> None:
        self.budget = budget
        self.max_retries = max_retries
        self.keep_latest = keep_latest
        self.retried = 0
        # Requests on the wire at once: beyond a few, httpcore's connection pool spends more
        # time scanning its connections than the overlap saves (benchmarks/bench_telegram.py).
        # Telegram's budget keeps far fewer in flight; this bounds what it does not count.
        self._requests = asyncio.Semaphore(max_requests)

    async def initialize(self) -> None:
        """Nothing to set up: the budget lives as long as the application."""

    async def shutdown(self) -> None:
        """Nothing to release."""

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, Result]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: Send | None,
    ) -> Result:
        """Wait for a slot (messages only), send, and wait out a 429 before sending again."""
        chat = _chat_key(data.get("chat_id"))
        pinned = rate_limit_args is Send.NOTICE
        keep = None if pinned or chat is None or is_group(chat) else self.keep_latest
        for attempt in range(self.max_retries + 1):
            try:
                if chat is None or not sends_message(endpoint):
                    async with self._requests:
                        return await callback(*args, **kwargs)
                async with self.budget.slot(chat, Priority.REPLY, keep_latest=keep, pinned=pinned):
                    try:
                        async with self._requests:
                            return await callback(*args, **kwargs)
                    except RetryAfter as error:
                        self.budget.hold_chat(chat, _seconds(error) + 0.1)
                        raise
            except RetryAfter as error:
                if attempt == self.max_retries:
                    log.error(
                        "%s to %s: still rate-limited after %d retries", endpoint, chat, attempt
                    )
                    raise
                wait = _seconds(error) + 0.1
                self.retried += 1
                log.info("%s to %s: rate-limited, retrying in %.1f s", endpoint, chat, wait)
                if chat is None or not sends_message(endpoint):
                    await asyncio.sleep(wait)
        raise AssertionError("unreachable")  # the last attempt returns or raises
