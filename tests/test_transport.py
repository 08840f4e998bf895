"""What each of Telegram's answers means for a push (the sender acts on these)."""

from __future__ import annotations

import pytest

from bot.core.reply import Button
from bot.push.transport import (
    Rejected,
    RetryLater,
    Transient,
    Unreachable,
    _raise_for,
    reply_markup,
)


def error(code: int, description: str, **parameters: int) -> dict[str, object]:
    body: dict[str, object] = {"ok": False, "error_code": code, "description": description}
    if parameters:
        body["parameters"] = parameters
    return body


def test_429_says_how_long_to_wait() -> None:
    with pytest.raises(RetryLater) as raised:
        _raise_for(429, error(429, "Too Many Requests: retry after 7", retry_after=7))
    assert raised.value.seconds == 7 and raised.value.reason == "429 retry after 7s"


@pytest.mark.parametrize(
    ("code", "description"),
    [(403, "Forbidden: bot was blocked by the user"), (400, "Bad Request: chat not found")],
)
def test_blocked_or_gone_chats_are_unreachable(code: int, description: str) -> None:
    with pytest.raises(Unreachable):
        _raise_for(code, error(code, description))


def test_other_client_errors_are_rejected_with_the_reason() -> None:
    with pytest.raises(Rejected, match="400 Message is too long"):
        _raise_for(400, error(400, "Bad Request: message is too long"))


def test_server_errors_and_unreadable_answers_are_transient() -> None:
    with pytest.raises(Transient):
        _raise_for(502, None)
    with pytest.raises(Transient):
        _raise_for(500, error(500, "Internal Server Error"))


def test_buttons_become_an_inline_keyboard() -> None:
    rows = ((Button("Open", "a:ML"), Button("Site", url="https://example.org")),)
    assert reply_markup(rows) == {
        "inline_keyboard": [
            [
                {"text": "Open", "callback_data": "a:ML"},
                {"text": "Site", "url": "https://example.org"},
            ]
        ]
    }
    assert reply_markup(()) is None
