"""Sending one push to the Bot API, and what Telegram's answer means for the outbox.

Pushes go straight to `sendMessage` over one aiohttp session rather than through
python-telegram-bot's Bot: a broadcast spends most of its CPU in httpx and in building the
Message objects of the answers, of which a push only needs the message id (measured in
benchmarks/bench_push.py). The conversation itself stays on python-telegram-bot.
"""

from __future__ import annotations

import json
from typing import Any, NoReturn, Protocol

import aiohttp

from bot.core.reply import Button

DEFAULT_BASE_URL = "https://api.telegram.org"


class PushError(Exception):
    """Telegram did not take the message."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class RetryLater(PushError):
    """429: wait `seconds` before sending to this chat again."""

    def __init__(self, reason: str, seconds: float) -> None:
        super().__init__(reason)
        self.seconds = seconds


class Unreachable(PushError):
    """403 (blocked, deactivated) or 400 chat not found: pause the user's subscriptions."""


class Rejected(PushError):
    """Any other 4xx: the message itself is wrong; retrying will not help."""


class Transient(PushError):
    """5xx, a timeout or a network error: try again later."""


class Transport(Protocol):
    """Where the push sender hands its messages (tests may pass their own)."""

    async def send_message(
        self,
        chat_id: int,
        text: str,
        buttons: tuple[tuple[Button, ...], ...],
        *,
        paid_broadcast: bool,
        timeout: float,
    ) -> int:
        """Send an HTML message; return its id, or raise a PushError saying what to do next."""
        ...


def reply_markup(rows: tuple[tuple[Button, ...], ...]) -> dict[str, Any] | None:
    """An InlineKeyboardMarkup as the Bot API expects it."""
    keyboard = [
        [
            {"text": b.label, "url": b.url} if b.url else {"text": b.label, "callback_data": b.data}
            for b in row
        ]
        for row in rows
        if row
    ]
    return {"inline_keyboard": keyboard} if keyboard else None


class BotApiTransport:
    """One HTTP session to the Bot API for the push sender (open it with `async with`)."""

    def __init__(self, token: str, base_url: str = "", *, connections: int = 64) -> None:
        base = (base_url or DEFAULT_BASE_URL).rstrip("/")
        self._url = f"{base}/bot{token}/sendMessage"
        self._photo_url = f"{base}/bot{token}/sendPhoto"
        self._connections = connections
        self._session: aiohttp.ClientSession | None = None

    async def __aenter__(self) -> BotApiTransport:
        connector = aiohttp.TCPConnector(limit=self._connections)
        self._session = aiohttp.ClientSession(connector=connector, json_serialize=json.dumps)
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def send_message(
        self,
        chat_id: int,
        text: str,
        buttons: tuple[tuple[Button, ...], ...],
        *,
        paid_broadcast: bool,
        timeout: float,
    ) -> int:
        """Send an HTML message; return its id, or raise a PushError saying what to do next."""
        if self._session is None:
            raise RuntimeError("BotApiTransport used outside `async with`")
        payload: dict[str, Any] = {
            "chat_id": chat_id,
            "text": text,
            "parse_mode": "HTML",
            "link_preview_options": {"is_disabled": True},
        }
        markup = reply_markup(buttons)
        if markup is not None:
            payload["reply_markup"] = markup
        if paid_broadcast:
            payload["allow_paid_broadcast"] = True
        body = await self._post(self._url, timeout, json=payload)
        return int(body["result"]["message_id"])

    async def send_photo(
        self,
        chat_id: int,
        photo: bytes | str,
        caption: str,
        buttons: tuple[tuple[Button, ...], ...],
        *,
        paid_broadcast: bool,
        timeout: float,
    ) -> tuple[int, str]:
        """Send a photo with an HTML caption: PNG bytes are uploaded (multipart), a str is the
        file_id of one Telegram holds. Return the message id and the photo's file_id."""
        if self._session is None:
            raise RuntimeError("BotApiTransport used outside `async with`")
        fields: dict[str, Any] = {"chat_id": chat_id, "caption": caption, "parse_mode": "HTML"}
        markup = reply_markup(buttons)
        if markup is not None:
            fields["reply_markup"] = markup
        if paid_broadcast:
            fields["allow_paid_broadcast"] = True
        if isinstance(photo, str):
            body = await self._post(self._photo_url, timeout, json={**fields, "photo": photo})
        else:
            form = aiohttp.FormData()
            for name, value in fields.items():
                form.add_field(name, value if isinstance(value, str) else json.dumps(value))
            form.add_field("photo", photo, filename="map.png", content_type="image/png")
            body = await self._post(self._photo_url, timeout, data=form)
        result = body["result"]
        return int(result["message_id"]), str(result["photo"][-1]["file_id"])

    async def _post(self, url: str, timeout: float, **request: Any) -> dict[str, Any]:
        """POST to the Bot API; its answer when ok, else the PushError it means."""
        assert self._session is not None
        try:
            async with self._session.post(
                url, timeout=aiohttp.ClientTimeout(total=timeout), **request
            ) as response:
                status = response.status
                try:
                    body = await response.json(content_type=None)
                except (ValueError, aiohttp.ContentTypeError):
                    body = None
        except TimeoutError as error:
            raise Transient(f"timed out after {timeout:g}s") from error
        except aiohttp.ClientError as error:
            raise Transient(f"network error: {type(error).__name__}") from error
        if isinstance(body, dict) and body.get("ok"):
            return body
        return _raise_for(status, body)


def _raise_for(status: int, body: Any) -> NoReturn:
    """Turn an error answer into the PushError that says what the outbox should do."""
    if not isinstance(body, dict):
        raise Transient(f"{status} unreadable answer")
    code = int(body.get("error_code") or status)
    description = str(body.get("description") or "").removeprefix("Bad Request: ")
    reason = f"{code} {description[:1].upper()}{description[1:]}".strip()
    if code == 429:
        seconds = float((body.get("parameters") or {}).get("retry_after") or 1)
        raise RetryLater(f"429 retry after {seconds:g}s", seconds)
    if code == 403 or (code == 400 and "chat not found" in description.lower()):
        raise Unreachable(reason)
    if 400 <= code < 500:
        raise Rejected(reason)
    raise Transient(reason)
