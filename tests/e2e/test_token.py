"""A wrong or revoked token: one clear line, a non-zero exit, and the token never printed."""

from __future__ import annotations

import asyncio
import io
import logging
import os
import shutil
import sys
from pathlib import Path

from bot.telegram.app import TOKEN_REJECTED, install_token_redaction
from tests.conftest import DATA

from .botapi_spec import BotApiSpec
from .conftest import TOKEN
from .fake_botapi import FakeBotApi
from .test_webhook import free_port

VIGIE = Path(sys.executable).with_name("vigie")


async def start_vigie(
    api: FakeBotApi, db_path: Path, *args: str, secret: str = ""
) -> asyncio.subprocess.Process:
    """`vigie run` (polling, or `args` for a webhook) against the fake, as systemd starts it."""
    env = {
        **os.environ,
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_BASE_URL": api.url,
        "VIGIE_DB": str(db_path),
        "VIGIE_DATA_DIR": str(DATA),
        "VIGIE_WEBHOOK_SECRET": secret,
    }
    return await asyncio.create_subprocess_exec(
        str(VIGIE),
        "run",
        *args,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )


async def finish(process: asyncio.subprocess.Process) -> tuple[int, str]:
    """Exit code and everything the process printed (stdout and stderr)."""
    out, err = await asyncio.wait_for(process.communicate(), timeout=30)
    assert process.returncode is not None
    return process.returncode, out.decode() + err.decode()


async def test_a_rejected_token_ends_vigie_run_with_one_line_and_no_token(
    spec: BotApiSpec, published_db: Path, tmp_path: Path
) -> None:
    db_path = tmp_path / "vigie.db"
    shutil.copy(published_db, db_path)
    async with FakeBotApi(spec) as api:
        api.fail_next("*", "401", count=1000)
        code, printed = await finish(await start_vigie(api, db_path))
    assert code != 0
    assert printed.strip().splitlines() == [TOKEN_REJECTED]
    assert TOKEN not in printed and TOKEN.split(":")[1] not in printed


async def test_a_token_revoked_while_polling_stops_the_process_non_zero(
    spec: BotApiSpec, published_db: Path, tmp_path: Path
) -> None:
    db_path = tmp_path / "vigie.db"
    shutil.copy(published_db, db_path)
    async with FakeBotApi(spec) as api:
        process = await start_vigie(api, db_path)
        try:
            await api.wait_for_calls("getUpdates", 1, timeout=20)
            api.push_text(4242, "is Mali safe?")
            await api.wait_for_messages(4242, 1, timeout=10)
            api.fail_next("*", "401", count=1000)
            api.push_text(4242, "and Niger?")  # ends the long poll: the next one gets 401
            code, printed = await finish(process)
        finally:
            if process.returncode is None:
                process.kill()
    assert code != 0
    lines = printed.strip().splitlines()
    assert lines[-1] == TOKEN_REJECTED
    assert "Vigie is ready" in printed
    assert "Traceback" not in printed
    assert TOKEN not in printed and TOKEN.split(":")[1] not in printed


async def test_vigie_run_webhook_answers_then_stops_on_a_revoked_token(
    spec: BotApiSpec, published_db: Path, tmp_path: Path
) -> None:
    db_path = tmp_path / "vigie.db"
    shutil.copy(published_db, db_path)
    port = free_port()
    async with FakeBotApi(spec) as api:
        webhook = ("--webhook-url", f"http://127.0.0.1:{port}", "--port", str(port))
        process = await start_vigie(api, db_path, *webhook, secret="hook-Secret_2")
        try:
            await api.wait_for_calls("setWebhook", 1, timeout=20)
            assert api.webhook["secret_token"] == "hook-Secret_2"
            api.push_text(4343, "is Mali safe?")  # delivered by POST to Vigie's webhook
            [reply] = await api.wait_for_messages(4343, 1, timeout=10)
            assert "Mali" in reply["text"]
            api.fail_next("*", "401", count=1000)
            api.push_text(4343, "and Niger?")
            code, printed = await finish(process)
        finally:
            if process.returncode is None:
                process.kill()
    assert code != 0
    assert printed.strip().splitlines()[-1] == TOKEN_REJECTED
    assert "Traceback" not in printed and TOKEN not in printed


def test_tracebacks_in_log_records_are_redacted() -> None:
    secret = "555:REDACT-ME-IN-TRACEBACKS"
    install_token_redaction(secret)
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    logger = logging.getLogger("vigie-test-redaction")
    logger.addHandler(handler)
    try:
        try:
            raise RuntimeError(f"The token `{secret}` was rejected by the server.")
        except RuntimeError:
            logger.exception("polling failed for %s", f"https://api.telegram.org/bot{secret}/x")
        logger.warning("with a stack", stack_info=True, extra={"url": secret})
    finally:
        logger.removeHandler(handler)
    logged = stream.getvalue()
    assert "Traceback" in logged and "RuntimeError: The token `<token>` was rejected" in logged
    assert "bot<token>/x" in logged
    assert secret not in logged
