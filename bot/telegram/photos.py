"""Replies that carry a map: drawn off the event loop (an "upload_photo" action shows meanwhile),
sent as a photo with the reply as its caption when it fits, else the photo, then the text.

A map Telegram already holds is sent again by its `file_id`, without drawing or uploading it.
"""

from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict

from telegram import Message
from telegram.constants import ChatAction, ChatType
from telegram.error import BadRequest

from bot.core.maps import MapRequest, fits_caption
from bot.core.render import esc
from bot.core.reply import Reply
from bot.maps.render import render_map
from bot.telegram.context import Context
from bot.telegram.keyboards import inline_keyboard

log = logging.getLogger(__name__)
_KEPT_FILE_IDS = 256
# By Bot API server (its base URL, which holds the token) and map: a file_id is the server's.
_file_ids: OrderedDict[tuple[str, MapRequest], str] = OrderedDict()


def _remember(context: Context, request: MapRequest, message: Message) -> None:
    if message.photo:
        key = (context.bot.base_url, request)
        _file_ids[key] = message.photo[-1].file_id
        _file_ids.move_to_end(key)
        while len(_file_ids) > _KEPT_FILE_IDS:
            _file_ids.popitem(last=False)


async def _photo(context: Context, chat_id: int, request: MapRequest) -> str | bytes:
    """The map's file_id when Telegram holds it already, else its PNG (drawn in a thread while
    the chat shows "sending a photo")."""
    known = _file_ids.get((context.bot.base_url, request))
    if known is not None:
        return known
    action = asyncio.create_task(context.bot.send_chat_action(chat_id, ChatAction.UPLOAD_PHOTO))
    png = await asyncio.to_thread(render_map, request)
    try:
        await action
    except Exception:  # the action is a courtesy: never let it stop the reply
        log.info("upload_photo action not sent", exc_info=True)
    return png


async def send_with_map(
    context: Context,
    chat_id: int,
    reply: Reply,
    *,
    under: Message | None = None,
) -> None:
    """Send a reply whose `photo` is set: the map with the reply as caption (its buttons under
    it) when the text fits, else the map captioned with its title and then the text. Always a
    new message: a press under a map (another continent) answers with a new map below it."""
    request = reply.photo
    assert request is not None
    photo = await _photo(context, chat_id, request)
    try:
        await _send(context, chat_id, reply, photo, under=under)
    except BadRequest as error:
        if not isinstance(photo, str):
            raise
        # Telegram no longer knows the file (another bot token, an old id): upload it again.
        log.info("map file_id refused (%s): uploading the map again", error)
        _file_ids.pop((context.bot.base_url, request), None)
        png = await asyncio.to_thread(render_map, request)
        await _send(context, chat_id, reply, png, under=under)


async def _send(
    context: Context,
    chat_id: int,
    reply: Reply,
    photo: str | bytes,
    *,
    under: Message | None,
) -> None:
    request = reply.photo
    assert request is not None
    markup = inline_keyboard(reply.buttons, context.bot.username or "")
    fits = fits_caption(reply.text)
    caption = reply.text if fits else esc(request.title)
    below = markup if fits else None
    if under is not None:
        quote = under.chat.type != ChatType.PRIVATE
        sent = await under.reply_photo(photo, caption=caption, reply_markup=below, do_quote=quote)
    else:
        sent = await context.bot.send_photo(chat_id, photo, caption=caption, reply_markup=below)
    _remember(context, request, sent)
    if not fits:
        await context.bot.send_message(chat_id, reply.text, reply_markup=markup)
