"""Updates the bot cannot read are skipped, so that long polling never wedges on one.

python-telegram-bot parses a whole getUpdates answer at once (`Bot.get_updates`, then
`Update.de_list`). One update it cannot parse (`from` as a string, `message` as a list, `date` as
a string, JSON nested deeper than Python's parser goes) makes the whole call fail; the Updater
then logs the raw answer, does not move its offset, and asks again at once, forever: the bot
answers nobody and floods its log. The hook PTB offers for this is the request object that
carries getUpdates (`ApplicationBuilder.get_updates_request`): before PTB sees the answer,
`readable_updates` replaces every update it would fail on by an empty update with the same id,
which PTB accepts, confirms (the offset moves past it) and no handler answers. Each skipped update
is logged once, by id and error type, never with its text.
"""

from __future__ import annotations

import json
import logging
import re
from collections import OrderedDict
from typing import Any

from telegram import Update

log = logging.getLogger(__name__)

UNREADABLE = (
    b'{"ok":false,"error_code":502,"description":"Bad Gateway: unreadable getUpdates answer"}'
)
_ID_AT_START = re.compile(r'\s*\{\s*"update_id"\s*:\s*(\d+)')


class _Seen:
    """The ids already reported, so that an update PTB asks for again is logged once."""

    def __init__(self, size: int = 1000) -> None:
        self._ids: OrderedDict[object, None] = OrderedDict()
        self._size = size

    def first_time(self, key: object) -> bool:
        if key in self._ids:
            return False
        self._ids[key] = None
        if len(self._ids) > self._size:
            self._ids.popitem(last=False)
        return True


_seen = _Seen()


def unreadable(update: Any) -> str | None:
    """Why python-telegram-bot cannot read `update` (an exception type), or None if it can."""
    if update_id_of(update) is None:
        return "no update_id"
    try:
        Update.de_json(update, None)
    except Exception as error:  # PTB's parsers raise whatever malformed input makes them raise
        return type(error).__name__
    return None


def update_id_of(update: Any) -> int | None:
    """The update's id, when it has a valid one."""
    value = update.get("update_id") if isinstance(update, dict) else None
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def skipped(update_id: int | None, why: str) -> dict[str, Any] | None:
    """The empty update that stands for an unreadable one (None when it has no id), logged once."""
    if _seen.first_time(update_id if update_id is not None else why):
        log.warning(
            "skipped update %s: it could not be read (%s); its content is not logged",
            update_id if update_id is not None else "without an id",
            why,
        )
    return None if update_id is None else {"update_id": update_id}


def readable_updates(payload: bytes) -> tuple[bytes, bool]:
    """A getUpdates answer in which every update PTB cannot read is replaced by an empty one;
    and whether the answer could be read at all (else UNREADABLE, which PTB retries with its
    back-off, never a tight loop)."""
    try:
        data = json.loads(payload)
    except (ValueError, RecursionError):
        return _split_and_clean(payload)
    if not isinstance(data, dict) or data.get("ok") is not True:
        return payload, True  # an error answer: PTB raises it as usual
    result = data.get("result")
    if not isinstance(result, list):
        return UNREADABLE, False
    cleaned, changed = [], False
    for update in result:
        why = unreadable(update)
        if why is None:
            cleaned.append(update)
            continue
        changed = True
        stub = skipped(update_id_of(update), why)
        if stub is not None:
            cleaned.append(stub)
    if not changed:
        return payload, True
    return _answer(cleaned, len(result))


def _split_and_clean(payload: bytes) -> tuple[bytes, bool]:
    """The answer Python's parser refused as a whole (nested too deep): read it update by
    update."""
    text = payload.decode("utf-8", "replace")
    items = _result_items(text)
    if items is None:
        if _seen.first_time(("unreadable", len(payload))):
            log.warning("getUpdates: an answer of %d bytes could not be read", len(payload))
        return UNREADABLE, False
    cleaned: list[dict[str, Any]] = []
    for item in items:
        try:
            update = json.loads(item)
        except (ValueError, RecursionError):
            match = _ID_AT_START.match(item)
            stub = skipped(int(match.group(1)) if match else None, "nested too deep")
        else:
            why = unreadable(update)
            if why is None:
                cleaned.append(update)
                continue
            stub = skipped(update_id_of(update), why)
        if stub is not None:
            cleaned.append(stub)
    return _answer(cleaned, len(items))


def _answer(cleaned: list[Any], received: int) -> tuple[bytes, bool]:
    """The cleaned answer; UNREADABLE when updates came and none had an id (nothing would move
    the offset past them: PTB's back-off rather than asking again at once, forever)."""
    if received and not cleaned:
        return UNREADABLE, False
    return json.dumps({"ok": True, "result": cleaned}).encode(), True


def _result_items(text: str) -> list[str] | None:
    """The JSON texts of the elements of `{"ok": true, "result": [...]}`, found by matching
    brackets outside strings (no recursion), or None when `text` is not of that shape."""
    head = re.match(r'\s*\{\s*"ok"\s*:\s*true\s*,\s*"result"\s*:\s*\[', text)
    if head is None:
        return None
    items: list[str] = []
    depth, start, in_string, escaped = 0, 0, False, False
    for index in range(head.end(), len(text)):
        char = text[index]
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
            continue
        if char == '"':
            in_string = True
        elif char in "[{":
            if depth == 0:
                start = index
            depth += 1
        elif char in "]}":
            if depth == 0:  # the end of the result list
                return items
            depth -= 1
            if depth == 0:
                items.append(text[start : index + 1])
    return None
