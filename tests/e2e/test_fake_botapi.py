"""Prove FakeBotApi against the real python-telegram-bot 22, and the spec checker."""

from __future__ import annotations

import asyncio
import datetime as dtm
import json
import socket
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from telegram import (
    Bot,
    BotCommand,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InlineQueryResultArticle,
    InputTextMessageContent,
    Update,
)
from telegram.constants import ParseMode
from telegram.error import (
    BadRequest,
    Conflict,
    EndPointNotFound,
    Forbidden,
    NetworkError,
    RetryAfter,
    TimedOut,
)
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    InlineQueryHandler,
    MessageHandler,
    filters,
)

from .botapi_spec import SPEC_PATH, BotApiSpec, UploadedFile, load_spec, parse_html
from .fake_botapi import FakeBotApi

TOKEN = "123456:TEST-TOKEN"
USER = 111
OTHER = 222


# ---------------------------------------------------------------------------------------------
# Fixtures: the spec, the fake, and a small real PTB application
# ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def spec() -> BotApiSpec:
    """The Bot API 10.0 spec; skip when the team's shared folder is not there."""
    loaded = load_spec()
    if loaded is None:
        pytest.skip(
            f"Bot API spec not found at {SPEC_PATH}: the shared/botapi folder next to the "
            "project is absent in this clone, so the fake Bot API cannot check requests"
        )
    return loaded


@pytest.fixture
async def api(spec: BotApiSpec) -> AsyncIterator[FakeBotApi]:
    """A running fake Bot API."""
    async with FakeBotApi(spec) as fake:
        yield fake


async def on_start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/start: an HTML welcome with an inline keyboard."""
    assert update.message is not None
    keyboard = InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton("🇫🇷 France", callback_data="country:FR"),
                InlineKeyboardButton("🇯🇵 Japon", callback_data="country:JP"),
            ]
        ]
    )
    await update.message.reply_html(
        "<b>Bienvenue</b> sur Vigie &amp; bon voyage&#160;!", reply_markup=keyboard
    )


async def on_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Echo plain text."""
    assert update.message is not None and update.message.text is not None
    await update.message.reply_text(update.message.text)


async def on_callback(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A country button: answer the query and edit the message."""
    query = update.callback_query
    assert query is not None and query.data is not None
    await query.answer("C'est noté")
    await query.edit_message_text(
        f"Pays choisi : <b>{query.data.split(':')[1]}</b>", parse_mode=ParseMode.HTML
    )


async def on_inline(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Inline mode: one article per matching country."""
    assert update.inline_query is not None
    content = InputTextMessageContent("<b>France</b> : vigilance", parse_mode=ParseMode.HTML)
    await update.inline_query.answer(
        [InlineQueryResultArticle(id="FR", title="France", input_message_content=content)]
    )


async def on_location(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A shared location: reply with it and a location back."""
    assert update.message is not None and update.message.location is not None
    location = update.message.location
    await update.message.reply_text(f"📍 {location.latitude:.4f}, {location.longitude:.4f}")
    await update.message.reply_location(location.latitude, location.longitude)


async def on_media(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Stickers and photos."""
    message = update.message
    assert message is not None
    if message.sticker is not None:
        await message.reply_text(f"sticker {message.sticker.emoji}")
    else:
        await message.reply_text(f"photo {len(message.photo)} {message.caption}")


async def on_edited(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """An edited message."""
    assert update.edited_message is not None
    await update.edited_message.reply_text(f"edited: {update.edited_message.text}")


def build_app(api: FakeBotApi) -> Application[Any, Any, Any, Any, Any, Any]:
    """A real PTB Application pointed at the fake."""
    app = (
        ApplicationBuilder()
        .token(TOKEN)
        .base_url(api.base_url)
        .base_file_url(api.base_file_url)
        .build()
    )
    app.add_handler(CommandHandler("start", on_start))
    app.add_handler(
        MessageHandler(filters.UpdateType.MESSAGE & filters.TEXT & ~filters.COMMAND, on_text)
    )
    app.add_handler(MessageHandler(filters.UpdateType.EDITED_MESSAGE, on_edited))
    app.add_handler(MessageHandler(filters.LOCATION, on_location))
    app.add_handler(MessageHandler(filters.Sticker.ALL | filters.PHOTO, on_media))
    app.add_handler(CallbackQueryHandler(on_callback, pattern=r"^country:"))
    app.add_handler(InlineQueryHandler(on_inline))
    return app


@pytest.fixture
async def app(api: FakeBotApi) -> AsyncIterator[Application[Any, Any, Any, Any, Any, Any]]:
    """The application, polling the fake (PTB 22's way)."""
    application = build_app(api)
    async with application:
        await application.start()
        assert application.updater is not None
        await application.updater.start_polling(poll_interval=0)
        try:
            yield application
        finally:
            await application.updater.stop()
            await application.stop()


def assert_payloads_match_spec(api: FakeBotApi, spec: BotApiSpec) -> None:
    """Every update pushed and every result returned by the fake conforms to the spec."""
    for update in api.updates:
        assert spec.check_object("Update", update) == [], update
    for request in api.requests:
        method = spec.method(request.method)
        if request.status != 200 or method is None or method.returns == ("Boolean",):
            continue
        result = request.response["result"]
        for type_name in method.returns:
            if not spec.check_object(type_name, result):
                break
        else:
            pytest.fail(f"{request.method} result {result} matches none of {method.returns}")


# ---------------------------------------------------------------------------------------------
# The fake with a real PTB application
# ---------------------------------------------------------------------------------------------


async def test_start_keyboard_callback_and_echo(
    api: FakeBotApi, app: Application[Any, Any, Any, Any, Any, Any], spec: BotApiSpec
) -> None:
    """A /start, a button press and an echo go through PTB like with Telegram."""
    assert app.bot.username == "vigie_test_bot"
    assert [r.method for r in api.requests[:2]] == ["getMe", "deleteWebhook"]

    api.push_text(USER, "/start", language_code="fr")
    [welcome] = await api.wait_for_messages(USER, 1)
    assert welcome["text"] == "Bienvenue sur Vigie & bon voyage\xa0!"
    assert welcome["entities"] == [{"type": "bold", "offset": 0, "length": 9}]
    assert welcome["from"]["username"] == "vigie_test_bot" and welcome["from"]["is_bot"]
    assert welcome["chat"] == {
        "id": USER,
        "first_name": "Hiroshi",
        "username": f"user{USER}",
        "type": "private",
    }
    assert welcome["message_id"] == 2  # the user's /start was message 1 of this chat
    assert abs(welcome["date"] - time.time()) < 5  # seconds, not milliseconds
    buttons = welcome["reply_markup"]["inline_keyboard"][0]
    assert [b["callback_data"] for b in buttons] == ["country:FR", "country:JP"]

    api.push_callback(USER, "country:JP", welcome["message_id"])
    [answer] = await api.wait_for_calls("answerCallbackQuery")
    assert answer.params["text"] == "C'est noté"
    await api.wait_for(lambda: "edit_date" in api.sent_messages(USER)[0])
    [edited] = api.sent_messages(USER)
    assert edited["text"] == "Pays choisi : JP"
    assert "reply_markup" not in edited  # editMessageText without reply_markup drops it

    api.push_text(USER, "Quelle est la situation à Tokyo ? 🗼")
    messages = await api.wait_for_messages(USER, 2)
    assert messages[-1]["text"] == "Quelle est la situation à Tokyo ? 🗼"
    assert messages[-1]["message_id"] == 4

    sent = api.calls("sendMessage")[0]
    assert sent.content_type == "application/x-www-form-urlencoded"  # PTB 22 posts forms
    assert sent.raw_params["chat_id"] == str(USER) and sent.params["chat_id"] == USER
    assert isinstance(sent.raw_params["reply_markup"], str)  # nested objects: JSON strings
    assert api.violations == []
    assert_payloads_match_spec(api, spec)


async def test_other_update_kinds(
    api: FakeBotApi, app: Application[Any, Any, Any, Any, Any, Any], spec: BotApiSpec
) -> None:
    """Inline queries, locations, stickers, photos and edits reach the handlers."""
    api.push_inline_query(USER, "fra")
    [answer] = await api.wait_for_calls("answerInlineQuery")
    [result] = answer.params["results"]
    assert result["id"] == "FR" and result["type"] == "article"

    api.push_location(USER, 48.8566, 2.3522)
    messages = await api.wait_for_messages(USER, 2)
    assert messages[0]["text"] == "📍 48.8566, 2.3522"
    assert messages[1]["location"] == {"latitude": 48.8566, "longitude": 2.3522}

    api.push_sticker(USER, emoji="🏖")
    api.push_photo(USER, caption="Vue de #Lisbonne")
    messages = await api.wait_for_messages(USER, 4)
    assert [m["text"] for m in messages[2:]] == ["sticker 🏖", "photo 3 Vue de #Lisbonne"]

    first = api.push_text(USER, "Lisbon")
    await api.wait_for_messages(USER, 5)
    api.push_edited_text(USER, first["message"]["message_id"], "Lisbonne")
    messages = await api.wait_for_messages(USER, 6)
    assert messages[-1]["text"] == "edited: Lisbonne"
    assert "reply_to_message" not in messages[-1]  # PTB 22 quotes only outside private chats
    assert api.violations == []
    assert_payloads_match_spec(api, spec)


async def test_group_privacy_mode(
    api: FakeBotApi, app: Application[Any, Any, Any, Any, Any, Any]
) -> None:
    """In a group the bot only gets commands and replies to it (privacy mode)."""
    group = -4_001
    api.push_text(USER, "bonjour tout le monde", chat_id=group, chat_type="group")
    await api.idle()
    assert api.sent_messages(group) == []
    api.push_text(USER, "/start@vigie_test_bot", chat_id=group, chat_type="group")
    [welcome] = await api.wait_for_messages(group, 1)
    assert welcome["chat"]["type"] == "group"
    api.push_text(OTHER, "merci !", chat_id=group, chat_type="group", reply_to_bot=True)
    messages = await api.wait_for_messages(group, 2)
    assert messages[-1]["text"] == "merci !"
    quoted = messages[-1]["reply_to_message"]  # PTB quotes in groups: reply_parameters
    assert quoted["text"] == "merci !" and "reply_to_message" not in quoted
    assert [u["message"]["text"] for u in api.dropped_updates] == ["bonjour tout le monde"]
    entities = api.updates[0]["message"]["entities"]
    assert entities == [{"offset": 0, "length": 21, "type": "bot_command"}]
    assert api.violations == []


async def test_faults_reach_ptb_as_exceptions(
    api: FakeBotApi,
    app: Application[Any, Any, Any, Any, Any, Any],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Each injected fault raises the PTB exception Telegram's answer would raise."""
    monkeypatch.setenv("PTB_TIMEDELTA", "true")  # RetryAfter.retry_after as a timedelta
    bot = app.bot

    api.fail_next("sendMessage", "429", retry_after=7)
    with pytest.raises(RetryAfter) as flood:
        await bot.send_message(USER, "flood")
    assert flood.value.retry_after == dtm.timedelta(seconds=7)
    assert api.calls("sendMessage")[-1].response == {
        "ok": False,
        "error_code": 429,
        "description": "Too Many Requests: retry after 7",
        "parameters": {"retry_after": 7},
    }

    api.fail_next("sendMessage", "403")
    with pytest.raises(Forbidden, match="bot was blocked by the user"):
        await bot.send_message(USER, "blocked")

    api.fail_next("sendMessage", "400")
    with pytest.raises(BadRequest, match=r"(?i)chat not found"):
        await bot.send_message(USER, "nowhere")

    for kind in ("500", "502"):
        api.fail_next("sendMessage", kind)
        with pytest.raises(NetworkError) as server_error:
            await bot.send_message(USER, "server error")
        assert type(server_error.value) is NetworkError

    api.fail_next("sendMessage", "timeout", delay=1.0)
    with pytest.raises(TimedOut):
        await bot.send_message(USER, "slow", read_timeout=0.3)

    api.fail_next("sendMessage", "403", chat_id=OTHER, count=2)
    await bot.send_message(USER, "still fine")
    for _ in range(2):
        with pytest.raises(Forbidden):
            await bot.send_message(OTHER, "blocked here")
    await bot.send_message(OTHER, "unblocked")

    # Telegram sent the slow message although the client gave up on the answer.
    texts = [m["text"] for m in api.sent_messages(USER)]
    assert texts == ["slow", "still fine"]
    assert api.count_429 == 1
    assert api.violations == []


async def test_rate_limiter(spec: BotApiSpec, monkeypatch: pytest.MonkeyPatch) -> None:
    """With rate_limit the fake enforces N messages/s overall and 1/s per chat."""
    monkeypatch.setenv("PTB_TIMEDELTA", "true")
    async with FakeBotApi(spec, rate_limit=3) as api:
        app = build_app(api)
        async with app:
            await app.bot.send_message(1, "a")
            with pytest.raises(RetryAfter) as per_chat:
                await app.bot.send_message(1, "b")
            assert per_chat.value.retry_after == dtm.timedelta(seconds=1)
            await app.bot.send_message(2, "c")
            await app.bot.send_message(3, "d")
            await app.bot.send_chat_action(4, "typing")  # not a message: not limited
            with pytest.raises(RetryAfter):
                await app.bot.send_message(4, "e")
        assert api.count_429 == 2
        assert api.calls("sendMessage")[1].response["parameters"] == {"retry_after": 1}


async def test_telegram_errors_the_fake_reproduces(spec: BotApiSpec) -> None:
    """Unknown chats, invalid HTML, unchanged edits, stale queries: Telegram's 400s."""
    async with (
        FakeBotApi(spec, strict_chats=True, reject_invalid=True) as api,
        Bot(TOKEN, base_url=api.base_url) as bot,
    ):
        with pytest.raises(BadRequest, match="Chat not found"):
            await bot.send_message(999, "who?")
        api.push_text(USER, "hi")
        with pytest.raises(BadRequest, match="Can't parse entities: unclosed tag <b>"):
            await bot.send_message(USER, "<b>gras", parse_mode=ParseMode.HTML)
        keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("ok", callback_data="ok")]])
        sent = await bot.send_message(USER, "alerte", reply_markup=keyboard)
        with pytest.raises(BadRequest, match="Message is not modified"):
            await bot.edit_message_text("alerte", USER, sent.message_id, reply_markup=keyboard)
        with pytest.raises(BadRequest, match="Message to edit not found"):
            await bot.edit_message_text("alerte", USER, 999)
        with pytest.raises(BadRequest, match="Query is too old"):
            await bot.answer_callback_query("42")
        reply = await bot.send_message(USER, "réponse", reply_to_message_id=1)
        assert reply.reply_to_message is not None and reply.reply_to_message.text == "hi"
        assert await bot.delete_message(USER, sent.message_id)
        with pytest.raises(BadRequest, match="Message to delete not found"):
            await bot.delete_message(USER, sent.message_id)
        assert api.deleted == [(USER, sent.message_id)]
        assert api.violations == ["sendMessage.text: invalid HTML: unclosed tag <b>"]


async def test_webhook_mode(api: FakeBotApi) -> None:
    """With a webhook set the fake POSTs updates to it (and getUpdates conflicts)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    url = f"http://127.0.0.1:{port}/hook"
    app = build_app(api)
    async with app:
        await app.start()
        assert app.updater is not None
        await app.updater.start_webhook(
            listen="127.0.0.1", port=port, url_path="hook", webhook_url=url, secret_token="s3cr3t"
        )
        try:
            api.push_text(USER, "par webhook")
            [reply] = await api.wait_for_messages(USER, 1)
            assert reply["text"] == "par webhook"
            info = await app.bot.get_webhook_info()
            assert info.url == url and info.pending_update_count == 0
            with pytest.raises(Conflict, match="webhook is active"):
                await app.bot.get_updates()
        finally:
            await app.updater.stop()
            await app.stop()
    assert api.webhook["secret_token"] == "s3cr3t"
    assert api.violations == []


async def test_uploads_commands_and_unknown_method(
    api: FakeBotApi, app: Application[Any, Any, Any, Any, Any, Any], spec: BotApiSpec
) -> None:
    """Multipart uploads, file downloads, bot commands and an unknown method."""
    picture = b"\x89PNG\r\n\x1a\nfake map"
    message = await app.bot.send_photo(
        USER, photo=picture, caption="<b>Carte</b> des alertes", parse_mode=ParseMode.HTML
    )
    assert message.caption == "Carte des alertes" and len(message.photo) == 3
    upload = api.calls("sendPhoto")[0]
    assert upload.content_type == "multipart/form-data"
    photo = upload.params["photo"]
    assert isinstance(photo, UploadedFile) and photo.data == picture
    file = await app.bot.get_file(message.photo[-1].file_id)
    assert bytes(await file.download_as_bytearray()) == picture

    commands = [BotCommand("start", "Démarrer"), BotCommand("alertes", "Mes alertes")]
    assert await app.bot.set_my_commands(commands, language_code="fr")
    assert await app.bot.get_my_commands(language_code="fr") == tuple(commands)
    assert await app.bot.get_my_commands() == ()
    assert await app.bot.delete_my_commands(language_code="fr")
    assert api.violations == []
    assert_payloads_match_spec(api, spec)

    with pytest.raises(EndPointNotFound):
        await app.bot.do_api_request("sendTelepathy", api_kwargs={"chat_id": USER})
    assert api.violations == ["unknown method 'sendTelepathy'"]


async def test_long_polling_offsets_and_json_bodies(api: FakeBotApi) -> None:
    """getUpdates blocks until an update or the timeout, honours offset; JSON bodies work."""
    url = f"{api.base_url}{TOKEN}"
    async with aiohttp.ClientSession() as session:

        async def call(method: str, **params: Any) -> Any:
            async with session.post(f"{url}/{method}", json=params) as response:
                return await response.json()

        started = time.monotonic()
        assert await call("getUpdates", timeout=1) == {"ok": True, "result": []}
        assert time.monotonic() - started >= 0.9

        poll = asyncio.create_task(call("getUpdates", timeout=5))
        await asyncio.sleep(0.1)
        api.push_text(USER, "hello")
        started = time.monotonic()
        first = await poll
        assert time.monotonic() - started < 1
        [update] = first["result"]
        api.push_text(USER, "again")
        second = (await call("getUpdates", offset=update["update_id"] + 1))["result"]
        assert [u["update_id"] for u in second] == [update["update_id"] + 1]
        assert len(api.pending_updates) == 1  # the first one is confirmed
        await call("getUpdates", offset=second[0]["update_id"] + 1)
        assert api.pending_updates == []

        older = asyncio.create_task(call("getUpdates", timeout=5))
        await asyncio.sleep(0.1)
        assert (await call("getUpdates"))["ok"] is True
        conflict = await older
        assert conflict["error_code"] == 409 and "terminated by other" in conflict["description"]

        sent = await call("SENDMESSAGE", chat_id=USER, text="json", disable_notification=True)
        assert sent["ok"] and sent["result"]["text"] == "json"
        request = api.calls("sendMessage")[0]
        assert request.content_type == "application/json" and request.sent_as == "SENDMESSAGE"
        assert request.params["disable_notification"] is True

        unauthorized = await session.post(f"{api.base_url}not-a-token/getMe")
        assert unauthorized.status == 404
    assert api.violations == []


async def test_wait_for_times_out_with_context(api: FakeBotApi) -> None:
    """wait_for fails with the recent requests rather than hanging."""
    api.push_text(USER, "nobody polls")
    with pytest.raises(TimeoutError, match="1 update"):
        await api.wait_for_messages(USER, 1, timeout=0.2)
    with pytest.raises(ValueError, match="no message"):
        api.push_callback(USER, "x", 42)


# ---------------------------------------------------------------------------------------------
# The spec checker
# ---------------------------------------------------------------------------------------------


def markup(*callback_data: str) -> str:
    """A reply_markup as PTB sends it: a JSON-serialized InlineKeyboardMarkup."""
    row = [{"text": f"b{i}", "callback_data": data} for i, data in enumerate(callback_data)]
    return json.dumps({"inline_keyboard": [row]})


def article(result_id: str) -> dict[str, Any]:
    """An InlineQueryResultArticle."""
    content = {"message_text": "x"}
    return {"type": "article", "id": result_id, "title": "t", "input_message_content": content}


def commands(*pairs: tuple[str, str]) -> str:
    """A setMyCommands ``commands`` parameter."""
    return json.dumps([{"command": c, "description": d} for c, d in pairs])


HTML = {"chat_id": "1", "parse_mode": "HTML"}
ALL_TAGS = (
    "<b>b</b><strong>s</strong><i>i</i><em>e</em><u>u</u><ins>i</ins><s>s</s>"
    "<strike>s</strike><del>d</del><span class='tg-spoiler'>sp</span><tg-spoiler>sp</tg-spoiler>"
    '<a href="https://example.org/?a=1&amp;b=2">l</a><code>c</code>'
    '<pre><code class="language-python">p</code></pre><blockquote>q</blockquote>'
    '<blockquote expandable>q</blockquote><tg-emoji emoji-id="5368324170671202286">👍</tg-emoji>'
)


@pytest.mark.parametrize(
    ("method", "params", "expected"),
    [
        ("sendMessage", {"chat_id": "1", "text": "x" * 4097}, "1-4096 characters"),
        ("sendMessage", {"chat_id": "1", "text": ""}, "1-4096 characters"),
        ("sendMessage", {"chat_id": "1", "text": " \n "}, "only whitespace"),
        ("sendMessage", {**HTML, "text": "&amp;" * 4097}, "got 4097"),
        ("editMessageText", {**HTML, "message_id": "2", "text": "é" * 4097}, "1-4096"),
        (
            "sendMessage",
            {"chat_id": "1", "text": "t", "reply_markup": markup("ok", "x" * 65)},
            "inline_keyboard[0][1].callback_data: must be 1-64 bytes, got 65",
        ),
        (
            "editMessageReplyMarkup",
            {"chat_id": "1", "message_id": "2", "reply_markup": markup("é" * 33)},
            "1-64 bytes, got 66",
        ),
        ("sendMessage", {**HTML, "text": "<b>gras"}, "unclosed tag <b>"),
        ("sendMessage", {**HTML, "text": "<div>bloc</div>"}, "unsupported tag <div>"),
        ("sendMessage", {**HTML, "text": "Tom & Jerry"}, "unescaped '&'"),
        ("sendMessage", {**HTML, "text": "1 < 2"}, "unescaped '<'"),
        ("sendMessage", {**HTML, "text": "a &nbsp; b"}, "unsupported named entity"),
        ("sendMessage", {**HTML, "text": "<b><i>x</b></i>"}, "properly nested"),
        ("sendMessage", {**HTML, "text": "<a href=https://x.org>x</a>"}, "unquoted"),
        ("sendMessage", {**HTML, "text": "<span>x</span>"}, "tg-spoiler"),
        ("sendMessage", {**HTML, "text": "<b class='x'>x</b>"}, "unsupported attribute"),
        ("sendMessage", {**HTML, "text": "<code><b>x</b></code>"}, "can't nest in code"),
        ("sendMessage", {"text": "hi"}, "missing required parameter 'chat_id'"),
        ("sendMessage", {"chat_id": "1", "text": "hi", "colour": "red"}, "unknown parameter"),
        ("sendMessage", {"chat_id": "1", "text": "t", "parse_mode": "markdownV3"}, "parse mode"),
        ("sendMessage", {"chat_id": "1", "text": "t", "message_thread_id": "x"}, "Integer"),
        ("sendMessage", {"chat_id": 1, "text": "t", "disable_notification": "yes"}, "Boolean"),
        ("sendMessage", {"chat_id": 1.5, "text": "t"}, "expected Integer or String"),
        ("sendMessage", {"chat_id": "1", "text": "t", "reply_markup": "{oops"}, "expected"),
        ("sendLocation", {"chat_id": "1", "latitude": "north", "longitude": "2"}, "Float"),
        ("sendMesage", {"chat_id": "1", "text": "hi"}, "unknown method 'sendMesage'"),
        ("answerCallbackQuery", {"callback_query_id": "1", "text": "x" * 201}, "0-200"),
        (
            "answerInlineQuery",
            {"inline_query_id": "1", "results": json.dumps([article(str(i)) for i in range(51)])},
            "at most 50 results",
        ),
        (
            "answerInlineQuery",
            {"inline_query_id": "1", "results": json.dumps([article("x" * 65)])},
            "results[0].id: must be 1-64 bytes",
        ),
        (
            "answerInlineQuery",
            {"inline_query_id": "1", "results": json.dumps([{**article("1"), "type": "artcle"}])},
            "must be 'article'",
        ),
        ("setMyCommands", {"commands": commands(("Start", "Go"))}, "lowercase"),
        ("setMyCommands", {"commands": commands(("c" * 33, "Go"))}, "1-32 characters"),
        ("setMyCommands", {"commands": commands(("go", "d" * 257))}, "1-256 characters"),
        ("setMyCommands", {"commands": commands(("go", ""))}, "1-256 characters, got 0"),
        (
            "setMyCommands",
            {"commands": commands(*[(f"c{i}", "d") for i in range(101)])},
            "at most 100 commands",
        ),
    ],
)
def test_checker_catches(
    spec: BotApiSpec, method: str, params: dict[str, Any], expected: str
) -> None:
    """Each broken request yields a violation naming the problem."""
    violations = spec.check(method, params)
    assert any(expected in v for v in violations), violations


@pytest.mark.parametrize(
    ("method", "params"),
    [
        ("sendMessage", {"chat_id": "111", "text": "x" * 4096}),
        ("SendMessage", {"chat_id": 111, "text": "é" * 4096, "disable_notification": True}),
        ("sendMessage", {"chat_id": "@vigie_alerts", "text": "canal"}),
        ("sendMessage", {**HTML, "text": "<b>" + "a" * 4096 + "</b>"}),
        ("sendMessage", {**HTML, "text": "&amp;" * 4096}),
        ("sendMessage", {**HTML, "text": ALL_TAGS}),
        ("sendMessage", {**HTML, "text": "&lt;3 &gt; &quot;q&quot; &#128512; &#x1F600; AT&amp;T"}),
        ("sendMessage", {**HTML, "text": "<B>Majuscules</B>"}),
        (
            "sendMessage",
            {
                "chat_id": "1",
                "text": "t",
                "reply_markup": markup("x" * 64, "é" * 32),
                "reply_parameters": json.dumps({"message_id": 3}),
                "link_preview_options": json.dumps({"is_disabled": True}),
            },
        ),
        ("sendMessage", {"chat_id": 1, "text": "t", "reply_markup": {"remove_keyboard": True}}),
        (
            "editMessageText",
            {**HTML, "message_id": "2", "text": "<i>ok</i>", "reply_markup": markup("a")},
        ),
        ("answerCallbackQuery", {"callback_query_id": "1", "text": "x" * 200}),
        ("answerCallbackQuery", {"callback_query_id": "1"}),
        (
            "answerInlineQuery",
            {"inline_query_id": "1", "results": json.dumps([article(str(i)) for i in range(50)])},
        ),
        ("setMyCommands", {"commands": commands(*[(f"c_{i}", "d" * 256) for i in range(100)])}),
        (
            "setMyCommands",
            {"commands": commands(("start", "Go")), "scope": json.dumps({"type": "default"})},
        ),
        ("sendLocation", {"chat_id": "1", "latitude": "48.85", "longitude": "-2"}),
        ("getUpdates", {"offset": "100000002", "timeout": "10"}),
        ("sendPhoto", {"chat_id": "1", "photo": UploadedFile("a.png", "image/png", b"x")}),
        ("sendChatAction", {"chat_id": "1", "action": "typing"}),
    ],
)
def test_checker_accepts(spec: BotApiSpec, method: str, params: dict[str, Any]) -> None:
    """Correct requests, as PTB sends them (form strings) or as JSON, give no violation."""
    assert spec.check(method, params) == []


def test_parse_html_counts_like_telegram() -> None:
    """Entities use UTF-16 offsets, entities are decoded and tags are not counted."""
    parsed = parse_html('🇫🇷 <b>Paris</b> &amp; <a href="https://t.me">lien</a>')
    assert parsed.text == "🇫🇷 Paris & lien"
    assert parsed.errors == []
    assert parsed.entities == [
        {"type": "bold", "offset": 5, "length": 5},
        {"type": "text_link", "url": "https://t.me", "offset": 13, "length": 4},
    ]


def test_spec_loader_returns_none_when_absent(tmp_path: Path) -> None:
    """Outside the team the shared folder is missing: the loader says so with None."""
    assert load_spec(tmp_path / "absent" / "api-10.0.json") is None
