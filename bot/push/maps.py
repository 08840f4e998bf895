"""The map a level-change push carries: drawn once per change and language, uploaded once (the
first sendPhoto, multipart), then sent by Telegram's `file_id` to every other subscriber.

The file_id is kept in memory and in the database with the event (bot/store/push_maps.py), so a
sender restarted after a crash sends the same file instead of uploading it again. A push whose
text does not fit a caption (1024 characters) goes as text, without the map; a map Telegram
refuses never costs the push: the text is sent instead.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import logging
import sqlite3
from collections.abc import Callable, Mapping
from functools import lru_cache
from typing import Protocol, runtime_checkable

from sqlite_utils import Database

from bot.core.maps import MapRequest, country_map, fits_caption
from bot.core.model import Advisory
from bot.core.reply import Button
from bot.i18n import tr
from bot.maps.render import render_map
from bot.push.transport import Rejected, Transport
from bot.store.push_maps import ensure_push_maps, forget_file_id, store_file_id, stored_file_id

log = logging.getLogger(__name__)
Outcome = Callable[[Database], None]


@runtime_checkable
class PhotoTransport(Transport, Protocol):
    """A transport that can send photos too (BotApiTransport)."""

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
        """Send a photo (bytes: uploaded; str: a file_id); return message id and file_id."""
        ...


@lru_cache(maxsize=64)
def map_key(request: MapRequest) -> str:
    """What a map shows, as a short stable key (equal requests draw the same picture)."""
    return hashlib.sha256(repr(request).encode("utf-8")).hexdigest()[:32]


class PushMaps:
    """Sends pushes with their map, uploading each map once."""

    def __init__(
        self,
        db: Database,
        transport: PhotoTransport,
        record: Callable[[Outcome], None],
        render: Callable[[MapRequest], bytes] = render_map,
    ) -> None:
        self.db = db
        self.transport = transport
        self.record = record  # the sender writes it at its next turn, in its transaction
        self.render = render
        self.uploads = 0
        self._file_ids: dict[str, str] = {}
        self._locks: dict[str, asyncio.Lock] = {}
        # (code, language) → the advisories it was made from and the map: one per change and
        # language, not one per subscriber (building one takes about a millisecond).
        self._requests: dict[tuple[str, str], tuple[Mapping[str, Advisory], MapRequest]] = {}

    def map_for(
        self, code: str, advisories: Mapping[str, Advisory], lang: str, text: str
    ) -> MapRequest | None:
        """The map a level-change push of `code` shows, or None when its text would not fit
        a caption (it then goes as text)."""
        advisory = advisories.get(code)
        if advisory is None or not fits_caption(text):
            return None
        made = self._requests.get((code, lang))
        if made is None or made[0] is not advisories:  # new data since: a new map
            made = (advisories, country_map(advisory, advisories, tr(lang)))
            self._requests[(code, lang)] = made
        return made[1]

    def _known(self, key: str) -> str | None:
        """The map's file_id from memory, else from the database (a restarted sender)."""
        if key not in self._file_ids:
            try:
                stored = stored_file_id(self.db, key)
            except sqlite3.OperationalError:  # no table yet (no map ever sent), or busy
                stored = None
            if stored is not None:
                self._file_ids[key] = stored
        return self._file_ids.get(key)

    async def send(
        self,
        chat_id: int,
        request: MapRequest,
        caption: str,
        buttons: tuple[tuple[Button, ...], ...],
        *,
        event_id: int | None,
        paid_broadcast: bool,
        timeout: float,
    ) -> int:
        """Send the push as a photo with `caption`; return its message id. Errors are the
        transport's (retry later, pause, …), except a map Telegram refuses: then the text."""
        key = map_key(request)

        async def by_id(file_id: str) -> int:
            message_id, _ = await self.transport.send_photo(
                chat_id, file_id, caption, buttons, paid_broadcast=paid_broadcast, timeout=timeout
            )
            return message_id

        file_id = self._known(key)
        if file_id is not None:
            try:
                return await by_id(file_id)
            except Rejected as error:
                log.warning("push map %s refused by id (%s): uploading it again", key, error)
                self._forget(key)
        async with self._locks.setdefault(key, asyncio.Lock()):
            file_id = self._file_ids.get(key)
            if file_id is not None:  # another subscriber's push uploaded it meanwhile
                return await by_id(file_id)
            png = await asyncio.to_thread(self.render, request)
            try:
                message_id, file_id = await self.transport.send_photo(
                    chat_id, png, caption, buttons, paid_broadcast=paid_broadcast, timeout=timeout
                )
            except Rejected as error:
                log.warning("push map %s refused (%s): sending the text alone", key, error)
                return await self.transport.send_message(
                    chat_id, caption, buttons, paid_broadcast=paid_broadcast, timeout=timeout
                )
            self.uploads += 1
            self._file_ids[key] = file_id
            at = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
            self.record(lambda db: self._store(db, key, file_id, event_id, at))
            return message_id

    def _store(self, db: Database, key: str, file_id: str, event_id: int | None, at: str) -> None:
        ensure_push_maps(db)
        store_file_id(db, key, file_id, event_id, at)

    def _forget(self, key: str) -> None:
        self._file_ids.pop(key, None)

        def forget(db: Database) -> None:
            ensure_push_maps(db)
            forget_file_id(db, key)

        self.record(forget)
