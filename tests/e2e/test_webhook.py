"""Webhook mode: Telegram posts updates to us, each carrying the secret token."""

from __future__ import annotations

import asyncio
import dataclasses
import json
import shutil
import socket
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import aiohttp
import pytest

from bot.config import Settings
from bot.telegram.app import build_application, on_ready, stop_background, webhook_options
from bot.telegram.webhook import MAX_BODY, SECRET_HEADER, serving
from tests.conftest import DATA

from .botapi_spec import BotApiSpec
from .conftest import TOKEN
from .fake_botapi import FakeBotApi
from .test_bad_updates import SECRET_TEXT, unreadable_updates

SECRET = "s3cret-Token_1"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Hooked:
    api: FakeBotApi
    port: int

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/telegram"


@pytest.fixture
async def hooked(spec: BotApiSpec, published_db: Path, tmp_path: Path) -> AsyncIterator[Hooked]:
    """Vigie serving its webhook on 127.0.0.1, the fake Bot API posting to it."""
    db_path = tmp_path / "vigie.db"
    shutil.copy(published_db, db_path)
    port = free_port()
    async with FakeBotApi(spec, privacy_mode=False) as api:
        settings = Settings(
            data_dir=DATA, db_path=db_path, token=TOKEN, base_url=api.url, webhook_secret=SECRET
        )
        app = build_application(settings)
        await app.initialize()
        await on_ready(app)
        await app.start()
        options = webhook_options(settings, f"http://127.0.0.1:{port}", "127.0.0.1", port)
        try:
            async with serving(app, options):
                yield Hooked(api, port)
        finally:
            await stop_background(app)
            await app.stop()
            await app.shutdown()
    assert api.violations == []


async def test_webhook_answers_with_the_secret_and_refuses_without(hooked: Hooked) -> None:
    api = hooked.api
    [call] = api.calls("setWebhook")
    assert call.params["secret_token"] == "s3cret-Token_1"
    api.push_text(7001, "is Niger safe?")
    [reply] = await api.wait_for_messages(7001, 1, timeout=10)
    assert "Niger" in reply["text"]
    async with aiohttp.ClientSession() as session:
        forged = {"update_id": 1, "message": {"message_id": 1}}
        async with session.post(hooked.url, json=forged) as response:
            assert response.status == 403


def rss_mb() -> float:
    """This process's resident memory (Linux)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmRSS")


async def upload_until_answered(
    port: int, headers: str, size: int, *, chunked: bool = False
) -> tuple[str, int]:
    """POST a `size`-byte body slowly enough to see when the server answers: (status line,
    bytes sent by then). `chunked`: without Content-Length, as a stream."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    length = "Transfer-Encoding: chunked" if chunked else f"Content-Length: {size}"
    head = (
        f"POST /telegram HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        f"{length}\r\n{headers}\r\n"
    )
    writer.write(head.encode())
    chunk = b" " * 65536
    if chunked:
        chunk = b"10000\r\n" + chunk + b"\r\n"
    sent = 0
    answer = asyncio.create_task(reader.readline())
    try:
        while sent < size and not answer.done():
            writer.write(chunk)
            sent += len(chunk)
            await asyncio.wait_for(writer.drain(), timeout=5)
            await asyncio.sleep(0)
    except (ConnectionError, TimeoutError):
        pass  # the server closed the connection: it will not read the rest
    status = (await asyncio.wait_for(answer, timeout=10)).decode().strip()
    writer.close()
    return status, sent


async def test_a_large_body_without_the_secret_is_refused_before_it_is_read(
    hooked: Hooked,
) -> None:
    before = rss_mb()
    size = 98 * 1024 * 1024
    uploads = [upload_until_answered(hooked.port, "", size) for _ in range(8)]
    results = await asyncio.gather(*uploads)
    for status, sent in results:
        assert status == "HTTP/1.1 403 Forbidden"
        assert sent < size / 4  # refused long before the client finished sending
    assert rss_mb() - before < 50  # eight 98 MB bodies were never held in memory


async def test_a_body_over_one_megabyte_is_refused_even_with_the_secret(hooked: Hooked) -> None:
    status, sent = await upload_until_answered(
        hooked.port, f"{SECRET_HEADER}: {SECRET}\r\n", 50 * MAX_BODY
    )
    assert status == "HTTP/1.1 413 Request Entity Too Large"
    assert sent < 10 * MAX_BODY
    status, sent = await upload_until_answered(  # no Content-Length: counted as it comes
        hooked.port, f"{SECRET_HEADER}: {SECRET}\r\n", 50 * MAX_BODY, chunked=True
    )
    assert status == "HTTP/1.1 413 Request Entity Too Large"
    assert sent < 10 * MAX_BODY


async def test_malformed_json_with_the_secret_gets_400_not_500(hooked: Hooked) -> None:
    async with aiohttp.ClientSession() as session:
        for body in (b"{not json", b"[1, 2]", b'{"message": "no update id"}', b"\xff\xfe"):
            async with session.post(
                hooked.url,
                data=body,
                headers={SECRET_HEADER: SECRET, "Content-Type": "application/json"},
            ) as response:
                assert response.status == 400, body
    hooked.api.push_text(7002, "is Mali safe?")  # and the bot still answers
    [reply] = await hooked.api.wait_for_messages(7002, 1, timeout=10)
    assert "Mali" in reply["text"]


def test_webhook_mode_needs_a_secret(tmp_path: Path) -> None:
    settings = Settings(data_dir=DATA, db_path=tmp_path / "v.db", token=TOKEN)
    with pytest.raises(SystemExit, match="VIGIE_WEBHOOK_SECRET"):
        webhook_options(settings, "https://bot.example.org", "127.0.0.1", 8443)
    ok = dataclasses.replace(settings, webhook_secret="abc")
    assert webhook_options(ok, "https://bot.example.org/", "127.0.0.1", 8443)["webhook_url"] == (
        "https://bot.example.org/telegram"
    )


async def test_the_webhook_refuses_unreadable_updates_with_400_and_goes_on(
    hooked: Hooked, caplog: pytest.LogCaptureFixture
) -> None:
    headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET, "Content-Type": "application/json"}
    bodies = [
        json.dumps({"update_id": 900 + i, **u}).encode()
        for i, u in enumerate(unreadable_updates(7002)[:3])
    ]
    raw_deep = b'{"update_id": 999, "message": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"
    async with aiohttp.ClientSession() as session:
        for body in [*bodies, raw_deep]:
            async with session.post(hooked.url, data=body, headers=headers) as response:
                assert response.status == 400
    assert SECRET_TEXT not in caplog.text and "X1234567" not in caplog.text
    hooked.api.push_text(7001, "is Niger safe?")
    [reply] = await hooked.api.wait_for_messages(7001, 1, timeout=10)
    assert "Niger" in reply["text"]
    assert not hooked.api.sent_messages(7002)
