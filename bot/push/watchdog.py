"""A watchdog for a background task that must never stop: it restarts the task when it ends
while nobody asked it to (an exception, a cancellation, an unexpected return), after a pause."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Coroutine
from typing import Any

log = logging.getLogger(__name__)


class Watchdog:
    """Runs `run()` as a task named `name`, again and again until `stop()`."""

    def __init__(
        self,
        name: str,
        run: Callable[[], Coroutine[Any, Any, None]],
        stop: Callable[[], None],
        *,
        restart_after: float = 1.0,
        restart_max: float = 30.0,
    ) -> None:
        self.name = name
        self._run = run
        self._stop = stop
        self.restart_after = restart_after
        self.restart_max = restart_max
        self.task: asyncio.Task[None] | None = None
        self.restarts = 0
        self._stopping = asyncio.Event()
        self._guard: asyncio.Task[None] | None = None

    def start(self) -> None:
        """Start the task and watch it."""
        self._guard = asyncio.create_task(self._keep_running(), name=f"{self.name}-watchdog")

    async def _keep_running(self) -> None:
        delay = self.restart_after
        while not self._stopping.is_set():
            self.task = asyncio.create_task(self._run(), name=self.name)
            await asyncio.wait([self.task])  # returns however the task ended
            if self._stopping.is_set():
                return
            log.error(
                "%s ended unexpectedly (%s); restarting it in %.0f s",
                self.name,
                _how_it_ended(self.task),
                delay,
                exc_info=_error_of(self.task),
            )
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stopping.wait(), delay)
            self.restarts += 1
            delay = min(self.restart_max, delay * 2)

    async def stop(self, timeout: float = 30.0) -> None:
        """Ask the task to finish (no restart), and wait for it."""
        self._stopping.set()
        self._stop()
        if self.task is not None and not self.task.done():
            with contextlib.suppress(asyncio.CancelledError):
                await asyncio.wait_for(asyncio.shield(self.task), timeout)
        if self._guard is not None:
            await self._guard


def _how_it_ended(task: asyncio.Task[None]) -> str:
    if task.cancelled():
        return "cancelled"
    error = task.exception()
    return "returned" if error is None else repr(error)


def _error_of(task: asyncio.Task[None]) -> BaseException | None:
    return None if task.cancelled() else task.exception()
