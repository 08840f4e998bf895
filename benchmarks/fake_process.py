"""The fake Bot API in its own process, for the benchmarks: the bot measured and the server it
talks to must not share one CPU.

The parent sends (command, argument) pairs: "reset" builds a fresh server with
`make_api(argument)` and answers its URL; "stop" ends the process; any other command calls the
server's method of that name (with the argument unless it is None) and answers its result.
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import multiprocessing as mp
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Any


def _serve(conn: Connection, make_api: Callable[[Any], Any]) -> None:
    asyncio.run(_serve_async(conn, make_api))


async def _serve_async(conn: Connection, make_api: Callable[[Any], Any]) -> None:
    api: Any = None
    stopped = asyncio.Event()
    loop = asyncio.get_running_loop()
    running: set[asyncio.Task[None]] = set()

    async def run(command: str, argument: Any) -> None:
        nonlocal api
        if command == "stop":
            stopped.set()
        elif command == "reset":
            if api is not None:
                await api.close()
            api = make_api(argument)
            if api is not None:
                await api.start()
            conn.send(api.url if api is not None else None)
        else:
            method = getattr(api, command)
            result = method() if argument is None else method(argument)
            conn.send(await result if inspect.isawaitable(result) else result)

    def on_command() -> None:
        try:
            command, argument = conn.recv()
        except EOFError:
            stopped.set()
            return
        task = loop.create_task(run(command, argument))
        running.add(task)
        task.add_done_callback(running.discard)

    loop.add_reader(conn.fileno(), on_command)
    conn.send("ready")
    await stopped.wait()
    loop.remove_reader(conn.fileno())
    if api is not None:
        await api.close()


class FakeServerProcess:
    """A spawned process serving the fake Bot API that `make_api` builds (a module-level
    function: it is sent to the child by name)."""

    def __init__(self, make_api: Callable[[Any], Any]) -> None:
        context = mp.get_context("spawn")
        self._conn, child = context.Pipe()
        self._process = context.Process(target=_serve, args=(child, make_api), daemon=True)
        self._process.start()
        self._receive(60.0)

    def _receive(self, timeout: float) -> Any:
        if not self._conn.poll(timeout):
            raise TimeoutError("the fake Bot API process did not answer")
        return self._conn.recv()

    def call(self, command: str, argument: Any = None, timeout: float = 30.0) -> Any:
        """Send a command; wait for its answer."""
        self._conn.send((command, argument))
        return self._receive(timeout)

    def reset(self, argument: Any = None) -> str:
        """A fresh server; its URL."""
        return str(self.call("reset", argument))

    def close(self) -> None:
        """Stop the process."""
        with contextlib.suppress(OSError):
            self._conn.send(("stop", None))
        self._process.join(10)
        if self._process.is_alive():
            self._process.kill()
            self._process.join(5)
