"""A fake Telegram Bot API server for the end-to-end tests of the bot.

`FakeBotApi` is an aiohttp server on 127.0.0.1 that python-telegram-bot 22 talks to through
``ApplicationBuilder().base_url(api.base_url).base_file_url(api.base_file_url)``. It answers like
Telegram (``{"ok": true, "result": ...}``; errors with ``error_code``, ``description`` and
``parameters``), records every request with the spec violations found in it, lets a test inject
updates (built exactly as Telegram sends them) and faults (429 with retry_after, 403, 400, 5xx,
timeouts), and can enforce Telegram's flood limits.

Typical use::

    async with FakeBotApi(load_spec()) as api:
        app = ApplicationBuilder().token(TOKEN).base_url(api.base_url).build()
        ...
        api.push_text(111, "/start")
        [reply] = await api.wait_for_messages(111, 1)
        assert api.violations == []
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import itertools
import json
import math
import re
import socket
import time
from collections import defaultdict, deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, TypeVar, get_args
from urllib.parse import urlsplit

import aiohttp
from aiohttp import web

from .botapi_spec import BotApiSpec, UploadedFile, parse_html, utf16_len

__all__ = ["ChatType", "FakeBotApi", "FaultKind", "Request", "UploadedFile"]

JSON = dict[str, Any]
ChatType = Literal["private", "group", "supergroup"]
FaultKind = Literal["429", "401", "403", "400", "500", "502", "timeout"]
_T = TypeVar("_T")

_TOKEN_RE = re.compile(r"\d+:[A-Za-z0-9_-]+")
_ATTACH_RE = re.compile(r"attach://([A-Za-z0-9_.-]+)")
_COMMAND_RE = re.compile(r"(?<![\w/@])/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,32})?(?![\w@])")
_MENTION_RE = re.compile(r"(?<![\w@/])@[A-Za-z0-9_]{5,32}(?![\w@])")
_URL_RE = re.compile(r"(?<![\w@])https?://[^\s<>\"']+[^\s<>\"'.,;:!?)\]]")
_FIRST_NAMES = ("Alice", "Bruno", "Chloé", "Dmitri", "Emma", "Farid", "Giulia", "Hiroshi")
_OPT_IN_UPDATES = frozenset({"chat_member", "message_reaction", "message_reaction_count"})
_STRING_IDS = frozenset(
    {"callback_query_id", "inline_query_id", "inline_message_id", "file_id", "shipping_query_id"}
)
_NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup are "
    "exactly the same as a current content and reply markup of the message"
)
_QUERY_TOO_OLD = "Bad Request: query is too old and response timeout expired or query ID is invalid"
_NGINX_502 = (
    "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n"
    "<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx/1.18.0</center>\r\n"
    "</body>\r\n</html>\r\n"
)
_ANONYMOUS_ADMIN: JSON = {
    "id": 1087968824,
    "is_bot": True,
    "first_name": "Group",
    "username": "GroupAnonymousBot",
}
_FAULTS: dict[str, tuple[int, str]] = {
    "401": (401, "Unauthorized"),
    "403": (403, "Forbidden: bot was blocked by the user"),
    "400": (400, "Bad Request: chat not found"),
    "500": (500, "Internal Server Error"),
    "502": (502, "Bad Gateway"),
}


@dataclass
class Request:
    """One HTTP request the bot made to the fake, and how the fake answered it."""

    method: str
    """Canonical method name (``"sendMessage"``), whatever casing the client used."""
    params: dict[str, Any]
    """Parameters as typed values: ints, bools, JSON-decoded objects and lists."""
    raw_params: dict[str, Any]
    """Parameters as sent: strings for a form body, JSON values for a JSON body."""
    violations: list[str]
    content_type: str
    http_method: str = "POST"
    sent_as: str = ""
    files: dict[str, UploadedFile] = field(default_factory=dict)
    status: int | None = None
    """HTTP status of the answer; ``None`` while pending or if the client went away."""
    response: Any = None
    at: float = field(default_factory=time.monotonic)


@dataclass
class _Fault:
    method: str
    kind: FaultKind
    count: int
    chat_id: int | str | None
    retry_after: int
    delay: float
    description: str | None


class _ApiError(Exception):
    """An error answer of the Bot API."""

    def __init__(self, code: int, description: str, parameters: JSON | None = None) -> None:
        super().__init__(description)
        self.code = code
        self.body: JSON = {"ok": False, "error_code": code, "description": description}
        if parameters:
            self.body["parameters"] = parameters


@dataclass
class _Answer:
    status: int
    body: Any
    delay: float = 0.0


def _as_int(value: Any, default: int = 0) -> int:
    """An int parameter whether it came as a form string or a JSON number."""
    if value is None or value == "":
        return default
    return int(value)


def _chat_key(value: Any) -> int | str:
    """A chat_id parameter as an int, or an ``@username`` string."""
    if isinstance(value, bool):
        raise _ApiError(400, "Bad Request: chat not found")
    if isinstance(value, int):
        return value
    text = str(value)
    if re.fullmatch(r"-?\d+", text):
        return int(text)
    return text


def _loose_decode(raw: Mapping[str, Any]) -> dict[str, Any]:
    """Typed parameters without a spec: JSON objects/arrays, booleans and numeric ids."""
    out: dict[str, Any] = {}
    for key, value in raw.items():
        if isinstance(value, str):
            if value[:1] in ("{", "["):
                with contextlib.suppress(ValueError):
                    value = json.loads(value)
            elif value in ("true", "false"):
                value = value == "true"
            elif (
                re.fullmatch(r"-?\d+", value)
                and key not in _STRING_IDS
                and (key.endswith("_id") or key in ("offset", "limit", "timeout", "cache_time"))
            ):
                value = int(value)
        out[key] = value
    return out


def _inline_markup(value: Any) -> JSON | None:
    """The inline keyboard Telegram echoes in a Message (reply keyboards are not echoed)."""
    if isinstance(value, dict) and value.get("inline_keyboard"):
        return value
    return None


def _auto_entities(text: str) -> list[JSON]:
    """Entities Telegram detects in a user's text: bot commands, @mentions and URLs."""
    found: list[JSON] = []
    for regex, kind in ((_COMMAND_RE, "bot_command"), (_MENTION_RE, "mention"), (_URL_RE, "url")):
        for match in regex.finditer(text):
            offset = utf16_len(text[: match.start()])
            found.append({"offset": offset, "length": utf16_len(match.group()), "type": kind})
    return sorted(found, key=lambda e: e["offset"])


def _without_reply(message: JSON) -> JSON:
    """A copy of ``message`` as nested in ``reply_to_message`` (one level only)."""
    nested = copy.deepcopy(message)
    nested.pop("reply_to_message", None)
    return nested


def _is_message_method(name: str) -> bool:
    """Whether a method sends a message (counted by the flood limits)."""
    lowered = name.lower()
    if lowered in ("sendchataction", "sendmessagedraft"):
        return False
    return lowered.startswith("send") or lowered in (
        "copymessage",
        "copymessages",
        "forwardmessage",
        "forwardmessages",
    )


def _snake(name: str) -> str:
    """``VideoNote`` -> ``video_note``."""
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


class FakeBotApi:
    """A Telegram Bot API server for tests, on 127.0.0.1, driven from the test."""

    BOT_USERNAME = "vigie_test_bot"

    def __init__(
        self,
        spec: BotApiSpec | None = None,
        *,
        rate_limit: int | None = None,
        per_chat_limit: int = 1,
        group_limit_per_minute: int = 20,
        privacy_mode: bool = True,
        strict_chats: bool = False,
        reject_invalid: bool = False,
        bot_name: str = "Vigie",
        host: str = "127.0.0.1",
        port: int = 0,
    ) -> None:
        """Configure the fake; ``rate_limit`` (messages/second) turns the flood limits on.

        ``privacy_mode``: in groups, deliver only commands and replies to the bot, as Telegram
        does for bots with privacy mode on. ``strict_chats``: answer "chat not found" for chats
        no update introduced. ``reject_invalid``: answer 400 to requests violating the spec
        (default: answer normally and record the violation).
        """
        self.spec = spec
        self.rate_limit = rate_limit
        self.per_chat_limit = per_chat_limit
        self.group_limit_per_minute = group_limit_per_minute
        self.privacy_mode = privacy_mode
        self.strict_chats = strict_chats
        self.reject_invalid = reject_invalid
        self.bot_name = bot_name
        self.host = host
        self.port = port
        self.token: str | None = None
        self.bot_id = 123456
        self.requests: list[Request] = []
        self.updates: list[JSON] = []
        self.dropped_updates: list[JSON] = []
        self.count_429 = 0
        self.commands: dict[tuple[str, str], list[JSON]] = {}
        # (field, language_code) -> text: ("description", "fr"), ("short_description", "")
        self.descriptions: dict[tuple[str, str], str] = {}
        self.callback_answers: dict[str, JSON] = {}
        self.inline_answers: dict[str, JSON] = {}
        self.deleted: list[tuple[int | str, int]] = []
        self.admins: dict[int, set[int]] = {}  # chat id -> its admins' user ids
        self.webhook: JSON = {}
        self._queue: list[JSON] = []
        self._delivered_upto = 0
        self._next_update_id = 100_000_001
        self._allowed_updates: list[str] | None = None
        self._users: dict[int, JSON] = {}
        self._chats: dict[int | str, JSON] = {}
        self._messages: dict[int | str, dict[int, JSON]] = {}
        self._message_ids: dict[int | str, int] = {}
        self._open_queries: set[str] = set()
        self._faults: list[_Fault] = []
        self._sent_global: deque[float] = deque()
        self._sent_chat: defaultdict[Any, deque[float]] = defaultdict(deque)
        self._sent_group: defaultdict[Any, deque[float]] = defaultdict(deque)
        self._files: dict[str, bytes] = {}
        self._ids = itertools.count(1)
        self._poll_generation = 0
        self._changed = asyncio.Event()
        self._closing = asyncio.Event()
        self._runner: web.AppRunner | None = None
        self._webhook_task: asyncio.Task[None] | None = None
        self._handlers: dict[str, Callable[[dict[str, Any]], Any]] = {
            "getme": lambda _: self.bot_user,
            "logout": lambda _: True,
            "close": lambda _: True,
            "deletewebhook": self._delete_webhook,
            "setwebhook": self._set_webhook,
            "getwebhookinfo": self._get_webhook_info,
            "setmycommands": self._set_my_commands,
            "getmycommands": self._get_my_commands,
            "deletemycommands": self._delete_my_commands,
            "setmydescription": lambda p: self._set_description("description", p),
            "getmydescription": lambda p: self._get_description("description", p),
            "setmyshortdescription": lambda p: self._set_description("short_description", p),
            "getmyshortdescription": lambda p: self._get_description("short_description", p),
            "sendmessage": self._send_message,
            "editmessagetext": self._edit_message_text,
            "editmessagereplymarkup": self._edit_message_reply_markup,
            "answercallbackquery": self._answer_callback_query,
            "answerinlinequery": self._answer_inline_query,
            "sendlocation": self._send_location,
            "deletemessage": self._delete_message,
            "sendchataction": self._send_chat_action,
            "getchat": self._get_chat,
            "getchatmember": self._get_chat_member,
            "getfile": self._get_file,
            "copymessage": lambda params: self._copy_message(params, forward=False),
            "forwardmessage": lambda params: self._copy_message(params, forward=True),
        }

    # ------------------------------------------------------------------------------------
    # Life cycle
    # ------------------------------------------------------------------------------------
    async def start(self) -> None:
        """Start serving on ``host``:``port`` (a free port when 0)."""
        app = web.Application(client_max_size=50 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        app.router.add_get("/file/bot{token}/{path:.+}", self._handle_file)
        self._runner = web.AppRunner(
            app,
            handle_signals=False,
            handler_cancellation=True,
            access_log=None,
            shutdown_timeout=1.0,
        )
        await self._runner.setup()
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((self.host, self.port))
        self.port = sock.getsockname()[1]
        await web.SockSite(self._runner, sock).start()
        self._webhook_task = asyncio.create_task(self._deliver_webhook())

    async def close(self) -> None:
        """Stop serving; pending long polls and injected delays end at once."""
        self._closing.set()
        self._notify()
        if self._webhook_task is not None:
            self._webhook_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._webhook_task
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> FakeBotApi:
        """Start the server."""
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        """Stop the server."""
        await self.close()

    @property
    def url(self) -> str:
        """Root URL of the server."""
        return f"http://{self.host}:{self.port}"

    @property
    def base_url(self) -> str:
        """For ``ApplicationBuilder().base_url()``: PTB appends ``{token}/{method}``."""
        return f"{self.url}/bot"

    @property
    def base_file_url(self) -> str:
        """For ``ApplicationBuilder().base_file_url()``: PTB appends ``{token}/{file_path}``."""
        return f"{self.url}/file/bot"

    @property
    def bot_user(self) -> JSON:
        """The bot as getMe returns it."""
        return {
            **self._bot_sender(),
            "can_join_groups": True,
            "can_read_all_group_messages": not self.privacy_mode,
            "supports_inline_queries": True,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    # ------------------------------------------------------------------------------------
    # Inspection
    # ------------------------------------------------------------------------------------
    @property
    def violations(self) -> list[str]:
        """Every spec violation found in the requests so far."""
        return [v for request in self.requests for v in request.violations]

    def calls(self, method: str) -> list[Request]:
        """The requests to ``method`` (case-insensitive)."""
        return [r for r in self.requests if r.method.lower() == method.lower()]

    def sent_messages(self, chat_id: int | str) -> list[JSON]:
        """The bot's messages in a chat, oldest first, as they are now (edits applied)."""
        messages = self._messages.get(self._chat_id(chat_id), {}).values()
        return [copy.deepcopy(m) for m in messages if m.get("from", {}).get("id") == self.bot_id]

    def message(self, chat_id: int | str, message_id: int) -> JSON | None:
        """A message (the bot's or a user's) as it is now, or None if absent or deleted."""
        found = self._messages.get(self._chat_id(chat_id), {}).get(message_id)
        return copy.deepcopy(found) if found is not None else None

    @property
    def pending_updates(self) -> list[JSON]:
        """Updates not yet confirmed by the bot."""
        return copy.deepcopy(self._queue)

    # ------------------------------------------------------------------------------------
    # Waiting
    # ------------------------------------------------------------------------------------
    async def wait_for(self, predicate: Callable[[], _T], timeout: float = 5.0) -> _T:
        """Wait until ``predicate()`` is truthy (checked after every request); return it."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            result = predicate()
            if result:
                return result
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise TimeoutError(f"condition not met within {timeout}s; {self._summary()}")
            changed = self._changed
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(changed.wait(), min(remaining, 0.5))

    async def wait_for_messages(
        self, chat_id: int | str, count: int = 1, timeout: float = 5.0
    ) -> list[JSON]:
        """Wait until the bot has ``count`` messages (or more) in a chat; return them all."""

        def enough() -> list[JSON]:
            messages = self.sent_messages(chat_id)
            return messages if len(messages) >= count else []

        return await self.wait_for(enough, timeout)

    async def wait_for_calls(
        self, method: str, count: int = 1, timeout: float = 5.0
    ) -> list[Request]:
        """Wait until ``method`` was called ``count`` times (or more) and answered."""

        def enough() -> list[Request]:
            done = [r for r in self.calls(method) if r.status is not None]
            return done if len(done) >= count else []

        return await self.wait_for(enough, timeout)

    async def idle(self, quiet: float = 0.2, timeout: float = 5.0) -> None:
        """Wait until every update is delivered and the bot made no call for ``quiet`` s."""
        deadline = time.monotonic() + timeout
        while True:
            busy = [r.at for r in self.requests if r.method != "getUpdates"]
            last = max(busy, default=0.0)
            delivered = all(u["update_id"] <= self._delivered_upto for u in self._queue)
            if delivered and time.monotonic() - last >= quiet:
                return
            if time.monotonic() > deadline:
                raise TimeoutError(f"bot not idle within {timeout}s; {self._summary()}")
            await asyncio.sleep(0.02)

    def _summary(self) -> str:
        """The last requests, for timeout messages."""
        recent = [
            f"{r.method}({', '.join(f'{k}={v!r:.40}' for k, v in r.params.items())}) -> {r.status}"
            for r in self.requests[-8:]
        ]
        pending = len(self._queue)
        return f"{pending} update(s) pending; last requests: " + ("; ".join(recent) or "none")

    def _notify(self) -> None:
        """Wake everything waiting for a change."""
        self._changed.set()
        self._changed = asyncio.Event()

    async def _sleep(self, seconds: float) -> None:
        """Sleep, but wake up when the server closes."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._closing.wait(), seconds)

    # ------------------------------------------------------------------------------------
    # Fault injection
    # ------------------------------------------------------------------------------------
    def fail_next(
        self,
        method: str,
        kind: FaultKind,
        *,
        count: int = 1,
        chat_id: int | str | None = None,
        retry_after: int = 3,
        delay: float = 6.0,
        description: str | None = None,
    ) -> None:
        """Make the next ``count`` calls of ``method`` ("*" for any) fail like Telegram.

        ``kind``: "429" (with ``retry_after``), "401" (token wrong or revoked), "403" (bot
        blocked), "400" (chat not found), "500", "502" (nginx HTML page, as Telegram's front
        end sends) or "timeout": the request takes effect but the answer comes after ``delay``
        seconds, longer than the client's read timeout (PTB's default is 5 s). ``chat_id``
        restricts the fault to one chat; ``description`` replaces Telegram's error text.
        """
        if kind not in get_args(FaultKind):
            raise ValueError(f"unknown fault kind {kind!r}; use one of {get_args(FaultKind)}")
        key = _chat_key(chat_id) if chat_id is not None else None
        self._faults.append(
            _Fault(method.lower(), kind, count, key, retry_after, delay, description)
        )

    def _take_fault(self, method: str, params: Mapping[str, Any]) -> _Fault | None:
        """The injected fault matching this call, if any (consumes one count)."""
        for fault in self._faults:
            if fault.method not in ("*", method.lower()):
                continue
            if fault.chat_id is not None:
                chat = params.get("chat_id")
                if chat is None or _chat_key(chat) != fault.chat_id:
                    continue
            fault.count -= 1
            if fault.count <= 0:
                self._faults.remove(fault)
            return fault
        return None

    def _fault_answer(self, fault: _Fault) -> _Answer:
        """The error Telegram would send for an injected fault."""
        if fault.kind == "429":
            seconds = fault.retry_after
            description = fault.description or f"Too Many Requests: retry after {seconds}"
            return _Answer(429, _ApiError(429, description, {"retry_after": seconds}).body)
        code, description = _FAULTS[fault.kind]
        if fault.kind == "502" and fault.description is None:
            return _Answer(502, _NGINX_502)
        return _Answer(code, _ApiError(code, fault.description or description).body)

    def _flood_wait(self, method: str, params: Mapping[str, Any]) -> int | None:
        """Seconds to wait if this message breaks the flood limits, else None (and count it)."""
        if self.rate_limit is None or not _is_message_method(method):
            return None
        now = time.monotonic()
        chat = params.get("chat_id")
        windows = [
            (self._sent_global, 1.0, self.rate_limit),
            (self._sent_chat[chat], 1.0, self.per_chat_limit),
        ]
        if isinstance(chat, int) and chat < 0:
            windows.append((self._sent_group[chat], 60.0, self.group_limit_per_minute))
        wait = 0.0
        for stamps, span, limit in windows:
            while stamps and stamps[0] <= now - span:
                stamps.popleft()
            if len(stamps) >= limit:
                wait = max(wait, stamps[0] + span - now)
        if wait > 0:
            return max(1, math.ceil(wait))
        for stamps, _, _ in windows:
            stamps.append(now)
        return None

    # ------------------------------------------------------------------------------------
    # HTTP
    # ------------------------------------------------------------------------------------
    async def _handle(self, request: web.Request) -> web.StreamResponse:
        """Serve ``/bot{token}/{method}``."""
        token = request.match_info["token"]
        sent_as = request.match_info["method"]
        if not _TOKEN_RE.fullmatch(token):
            return web.json_response(_ApiError(404, "Not Found").body, status=404)
        self.token = token
        self.bot_id = int(token.split(":", 1)[0])
        try:
            raw, files, content_type = await self._read_params(request)
        except ValueError as exc:
            body = _ApiError(400, f"Bad Request: can't parse request body: {exc}").body
            return web.json_response(body, status=400)
        spec_method = self.spec.method(sent_as) if self.spec else None
        method = spec_method.name if spec_method else sent_as
        if self.spec is not None:
            violations = self.spec.check(sent_as, raw)
            params = self.spec.decode(sent_as, raw)
        else:
            violations, params = [], _loose_decode(raw)
        record = Request(
            method, params, raw, violations, content_type, request.method, sent_as, files
        )
        self.requests.append(record)
        try:
            answer = await self._answer(record, known=spec_method is not None or not self.spec)
        except Exception as exc:  # a bug of the fake: make the test fail loudly
            record.violations.append(f"{method}: fake Bot API internal error: {exc!r}")
            answer = _Answer(500, _ApiError(500, f"Internal Server Error: {exc!r}").body)
        record.status, record.response = answer.status, answer.body
        if answer.status == 429:
            self.count_429 += 1
        self._notify()
        if answer.delay:
            await self._sleep(answer.delay)
        if isinstance(answer.body, str):
            return web.Response(text=answer.body, status=answer.status, content_type="text/html")
        return web.json_response(answer.body, status=answer.status)

    async def _read_params(
        self, request: web.Request
    ) -> tuple[dict[str, Any], dict[str, UploadedFile], str]:
        """Parameters from the query string and a JSON, form or multipart body."""
        raw: dict[str, Any] = dict(request.query)
        files: dict[str, UploadedFile] = {}
        content_type = request.content_type if request.body_exists else ""
        if content_type == "application/json":
            body = await request.json()
            if not isinstance(body, dict):
                raise ValueError("the JSON body must be an object")
            raw.update(body)
        elif content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
            form = await request.post()
            for key, value in form.items():
                if isinstance(value, web.FileField):
                    data = value.file.read()
                    files[key] = UploadedFile(value.filename, value.content_type, data)
                else:
                    raw[key] = value if isinstance(value, str) else value.decode()
        elif request.body_exists:
            raise ValueError(f"unsupported content type {content_type!r}")
        attached = {
            name
            for value in raw.values()
            if isinstance(value, str)
            for name in _ATTACH_RE.findall(value)
        }
        for key, upload in files.items():
            if key not in attached:
                raw[key] = upload
        return raw, files, content_type

    async def _answer(self, record: Request, *, known: bool) -> _Answer:
        """Compute the answer to a request: fault, flood limit, error or result."""
        name = record.method.lower()
        handler = self._handlers.get(name)
        if handler is None and name != "getupdates" and not known:
            return _Answer(404, _ApiError(404, "Not Found").body)
        if self.reject_invalid and record.violations:
            problem = record.violations[0]
            if "invalid HTML: " in problem:
                problem = "can't parse entities: " + problem.split("invalid HTML: ", 1)[1]
            return _Answer(400, _ApiError(400, f"Bad Request: {problem}").body)
        fault = self._take_fault(record.method, record.params)
        delay = 0.0
        if fault is not None and fault.kind != "timeout":
            return self._fault_answer(fault)
        if fault is not None:
            delay = fault.delay
        wait = self._flood_wait(record.method, record.params)
        if wait is not None:
            error = _ApiError(429, f"Too Many Requests: retry after {wait}", {"retry_after": wait})
            return _Answer(429, error.body)
        try:
            if name == "getupdates":
                result: Any = await self._get_updates(record.params)
            elif handler is not None:
                result = handler(record.params)
            else:
                result = self._generic(record.method, record.params, record.files)
        except _ApiError as api_error:
            return _Answer(api_error.code, api_error.body, delay)
        except (KeyError, TypeError, ValueError) as exc:
            invalid = _ApiError(400, f"Bad Request: invalid parameters: {exc!r}")
            return _Answer(400, invalid.body, delay)
        return _Answer(200, {"ok": True, "result": result}, delay)

    async def _handle_file(self, request: web.Request) -> web.StreamResponse:
        """Serve file downloads (``{base_file_url}{token}/{file_path}``)."""
        path = request.match_info["path"]
        file_id = path.rsplit("/", 1)[-1]
        data = self._files.get(file_id)
        if data is None:
            return web.json_response(_ApiError(404, "Not Found").body, status=404)
        return web.Response(body=data, content_type="application/octet-stream")

    # ------------------------------------------------------------------------------------
    # Updates: queue, long polling, webhook
    # ------------------------------------------------------------------------------------
    def push_update(self, update: JSON) -> JSON:
        """Queue a raw update (``update_id`` is assigned); return it."""
        update = {"update_id": self._next_update_id, **update}
        self._next_update_id += 1
        kind = next(key for key in update if key != "update_id")
        allowed = self._allowed_updates
        wanted = kind in allowed if allowed else kind not in _OPT_IN_UPDATES
        if not wanted or not self._reaches_bot(update.get("message")):
            self.dropped_updates.append(update)
            return update
        self.updates.append(update)
        self._queue.append(update)
        self._notify()
        return copy.deepcopy(update)

    def _reaches_bot(self, message: JSON | None) -> bool:
        """Privacy mode: in groups the bot only gets commands and replies to its messages."""
        if message is None or not self.privacy_mode:
            return True
        if message["chat"]["type"] == "private":
            return True
        replied = message.get("reply_to_message", {}).get("from", {})
        if replied.get("id") == self.bot_id:
            return True
        text = message.get("text") or message.get("caption") or ""
        return text.startswith("/")

    def _confirm(self, offset: int) -> None:
        """Forget updates confirmed by a getUpdates offset."""
        if offset > 0:
            self._queue = [u for u in self._queue if u["update_id"] >= offset]
        elif offset < 0:
            self._queue = self._queue[offset:]

    async def _get_updates(self, params: Mapping[str, Any]) -> list[JSON]:
        """getUpdates: confirm < offset, then long-poll up to ``timeout`` seconds."""
        if self.webhook.get("url"):
            raise _ApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; "
                "use deleteWebhook to delete the webhook first",
            )
        offset = _as_int(params.get("offset"))
        limit = min(max(_as_int(params.get("limit"), 100), 1), 100)
        timeout = max(float(params.get("timeout") or 0), 0.0)
        if "allowed_updates" in params:
            self._allowed_updates = list(params["allowed_updates"] or [])
        self._confirm(offset)
        self._poll_generation += 1
        generation = self._poll_generation
        self._notify()
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while not self._queue and not self._closing.is_set():
            remaining = deadline - loop.time()
            if remaining <= 0:
                break
            changed = self._changed
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(changed.wait(), remaining)
            if generation != self._poll_generation:
                raise _ApiError(
                    409,
                    "Conflict: terminated by other getUpdates request; make sure that only one "
                    "bot instance is running",
                )
        batch = self._queue[:limit]
        if batch:
            self._delivered_upto = max(self._delivered_upto, batch[-1]["update_id"])
        return copy.deepcopy(batch)

    async def _deliver_webhook(self) -> None:
        """Deliver queued updates to the webhook, one at a time, retrying on failure."""
        async with aiohttp.ClientSession() as session:
            while not self._closing.is_set():
                url = self.webhook.get("url")
                host = urlsplit(url).hostname if url else None
                if not self._queue or host not in ("127.0.0.1", "localhost"):
                    changed = self._changed
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(changed.wait(), 0.5)
                    continue
                update = self._queue[0]
                headers = {}
                if self.webhook.get("secret_token"):
                    headers["X-Telegram-Bot-Api-Secret-Token"] = self.webhook["secret_token"]
                error = None
                try:
                    async with session.post(
                        str(url), json=update, headers=headers, timeout=aiohttp.ClientTimeout(10)
                    ) as response:
                        if not 200 <= response.status < 300:
                            error = f"Wrong response from the webhook: {response.status}"
                except (aiohttp.ClientError, TimeoutError) as exc:
                    error = f"Connection failed: {exc!r}"
                if error is None:
                    self._delivered_upto = max(self._delivered_upto, update["update_id"])
                    if self._queue and self._queue[0] is update:
                        self._queue.pop(0)
                    self._notify()
                else:
                    self.webhook["last_error_date"] = int(time.time())
                    self.webhook["last_error_message"] = error
                    await self._sleep(0.1)

    # ------------------------------------------------------------------------------------
    # Users, chats and messages
    # ------------------------------------------------------------------------------------
    def set_user(
        self,
        user_id: int,
        *,
        first_name: str | None = None,
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = None,
        is_premium: bool | None = None,
    ) -> JSON:
        """Create or change the user that updates from ``user_id`` come from."""
        user = self._user(user_id)
        changes = {
            "first_name": first_name,
            "last_name": last_name,
            "username": username,
            "language_code": language_code,
            "is_premium": is_premium,
        }
        user.update({key: value for key, value in changes.items() if value is not None})
        return copy.deepcopy(user)

    def _user(self, user_id: int, language_code: str | None = None) -> JSON:
        """The user ``user_id`` (created on first use), with this update's language."""
        if user_id <= 0:
            raise ValueError("user ids are positive")
        user = self._users.setdefault(
            user_id,
            {
                "id": user_id,
                "is_bot": False,
                "first_name": _FIRST_NAMES[user_id % len(_FIRST_NAMES)],
                "username": f"user{user_id}",
            },
        )
        if language_code is not None:
            user["language_code"] = language_code
        return user

    def _bot_sender(self) -> JSON:
        """The bot as ``from`` of its messages."""
        return {
            "id": self.bot_id,
            "is_bot": True,
            "first_name": self.bot_name,
            "username": self.BOT_USERNAME,
        }

    def _private_chat(self, user_id: int) -> JSON:
        """The private chat with a user."""
        user = self._user(user_id)
        chat = {"id": user_id, "first_name": user["first_name"], "type": "private"}
        for key in ("last_name", "username"):
            if key in user:
                chat[key] = user[key]
        self._chats[user_id] = chat
        return chat

    def _chat_for(self, user_id: int, chat_id: int | None, chat_type: ChatType) -> JSON:
        """The chat a user's update happens in."""
        if chat_type == "private":
            if chat_id not in (None, user_id):
                raise ValueError("a private chat's id is the user's id")
            return self._private_chat(user_id)
        if chat_id is None:
            chat_id = -user_id if chat_type == "group" else int(f"-100{user_id}")
        if chat_id >= 0:
            raise ValueError("group and supergroup chat ids are negative")
        title = "Vigie test group" if chat_type == "group" else "Vigie test supergroup"
        chat = self._chats.setdefault(chat_id, {"id": chat_id, "title": title, "type": chat_type})
        chat["type"] = chat_type
        return chat

    def _chat_id(self, chat_id: Any) -> int | str:
        """The id messages of a chat are stored under (``@username`` -> its numeric id)."""
        key = _chat_key(chat_id)
        chat = self._chats.get(key)
        return chat["id"] if isinstance(key, str) and chat is not None else key

    def _resolve_chat(self, chat_id: Any) -> JSON:
        """The chat a request addresses; unknown chats are made up unless strict_chats."""
        key = _chat_key(chat_id)
        if key in self._chats:
            return self._chats[key]
        if self.strict_chats:
            raise _ApiError(400, "Bad Request: chat not found")
        if isinstance(key, str):
            if not key.startswith("@"):
                raise _ApiError(400, "Bad Request: chat not found")
            new_id = -1_000_000_000_000 - len(self._chats)
            chat = {"id": new_id, "title": key[1:], "username": key[1:], "type": "channel"}
            self._chats[key] = self._chats[new_id] = chat
            return chat
        if key > 0:
            return self._private_chat(key)
        kind = "supergroup" if str(key).startswith("-100") else "group"
        self._chats[key] = {"id": key, "title": f"Chat {key}", "type": kind}
        return self._chats[key]

    def _new_message(self, chat: JSON, sender: JSON, content: JSON) -> JSON:
        """Store a new message in a chat (ids increase per chat) and return it."""
        chat_id = chat["id"]
        message_id = self._message_ids.get(chat_id, 0) + 1
        self._message_ids[chat_id] = message_id
        message = {
            "message_id": message_id,
            "from": copy.deepcopy(sender),
            "chat": copy.deepcopy(chat),
            "date": int(time.time()),
            **content,
        }
        self._messages.setdefault(chat_id, {})[message_id] = message
        return message

    def _user_message(
        self,
        user_id: int,
        content: JSON,
        *,
        chat_id: int | None,
        chat_type: ChatType,
        language_code: str | None,
        reply_to_bot: bool = False,
    ) -> JSON:
        """A message a user sends (stored, so the bot can reply to it)."""
        user = self._user(user_id, language_code)
        chat = self._chat_for(user_id, chat_id, chat_type)
        if reply_to_bot:
            mine = self.sent_messages(chat["id"])
            if not mine:
                raise ValueError(f"the bot has no message in chat {chat['id']} to reply to")
            content = {**content, "reply_to_message": _without_reply(mine[-1])}
        return self._new_message(chat, user, content)

    def _file_ids(self, data: bytes | None = None) -> tuple[str, str]:
        """A new (file_id, file_unique_id) pair; ``data`` becomes downloadable."""
        n = next(self._ids)
        file_id = f"AgACAgQAAxkBAAIB{n:06d}Fake{n:04d}"
        self._files[file_id] = data if data is not None else b"fake file %d" % n
        return file_id, f"AQAD{n:06d}"

    def _photo_sizes(self, data: bytes | None = None) -> list[JSON]:
        """The PhotoSize list Telegram makes of a photo."""
        sizes = []
        for width, height in ((90, 67), (320, 240), (1280, 960)):
            file_id, unique = self._file_ids(data)
            sizes.append(
                {
                    "file_id": file_id,
                    "file_unique_id": unique,
                    "file_size": width * height // 10,
                    "width": width,
                    "height": height,
                }
            )
        return sizes

    # ------------------------------------------------------------------------------------
    # Injecting updates
    # ------------------------------------------------------------------------------------
    def push_text(
        self,
        user_id: int,
        text: str,
        *,
        chat_id: int | None = None,
        chat_type: ChatType = "private",
        language_code: str | None = "en",
        reply_to_bot: bool = False,
        anonymous_admin: bool = False,
    ) -> JSON:
        """A user sends ``text`` (entities for /commands, @mentions and URLs as Telegram).

        ``anonymous_admin``: in a group, the admin writes anonymously, as Telegram shows it:
        from GroupAnonymousBot (one user id for every anonymous admin), sender_chat the group.
        """
        content: JSON = {"text": text}
        if entities := _auto_entities(text):
            content["entities"] = entities
        message = self._user_message(
            user_id,
            content,
            chat_id=chat_id,
            chat_type=chat_type,
            language_code=language_code,
            reply_to_bot=reply_to_bot,
        )
        if anonymous_admin:
            if message["chat"]["type"] not in ("group", "supergroup"):
                raise ValueError("anonymous admins write in groups")
            message["from"] = copy.deepcopy(_ANONYMOUS_ADMIN)
            message["sender_chat"] = copy.deepcopy(message["chat"])
        return self.push_update({"message": copy.deepcopy(message)})

    def push_callback(
        self,
        user_id: int,
        data: str,
        message_id: int,
        *,
        chat_id: int | None = None,
        language_code: str | None = "en",
        check_button: bool = True,
    ) -> JSON:
        """A user presses an inline button of a message the bot sent (private chat by default).

        With ``check_button`` the message must have a button with this callback_data.
        """
        key = user_id if chat_id is None else chat_id
        message = self._messages.get(key, {}).get(message_id)
        if message is None or not message.get("from", {}).get("is_bot"):
            raise ValueError(f"the bot sent no message {message_id} in chat {key}")
        if check_button:
            keyboard = message.get("reply_markup", {}).get("inline_keyboard", [])
            data_ok = [button.get("callback_data") for row in keyboard for button in row]
            if data not in data_ok:
                raise ValueError(f"message {message_id} has no button {data!r}: {data_ok}")
        query_id = str(4_000_000_000_000_000_000 + next(self._ids))
        self._open_queries.add(query_id)
        instance = (int(key) * 6364136223846793005 + 1442695040888963407) % 2**63
        query = {
            "id": query_id,
            "from": copy.deepcopy(self._user(user_id, language_code)),
            "message": copy.deepcopy(message),
            "chat_instance": str(-instance),
            "data": data,
        }
        return self.push_update({"callback_query": query})

    def push_inline_query(
        self,
        user_id: int,
        query: str,
        *,
        offset: str = "",
        chat_type: str = "sender",
        language_code: str | None = "en",
    ) -> JSON:
        """A user types ``@vigie_test_bot query`` in a chat."""
        query_id = str(5_000_000_000_000_000_000 + next(self._ids))
        self._open_queries.add(query_id)
        inline = {
            "id": query_id,
            "from": copy.deepcopy(self._user(user_id, language_code)),
            "query": query,
            "offset": offset,
            "chat_type": chat_type,
        }
        return self.push_update({"inline_query": inline})

    def push_location(
        self,
        user_id: int,
        latitude: float,
        longitude: float,
        *,
        chat_id: int | None = None,
        chat_type: ChatType = "private",
        live_period: int | None = None,
        language_code: str | None = "en",
    ) -> JSON:
        """A user shares a location (a live one with ``live_period``)."""
        location: JSON = {"latitude": latitude, "longitude": longitude}
        if live_period is not None:
            location["live_period"] = live_period
        message = self._user_message(
            user_id,
            {"location": location},
            chat_id=chat_id,
            chat_type=chat_type,
            language_code=language_code,
        )
        return self.push_update({"message": copy.deepcopy(message)})

    def push_my_chat_member(
        self,
        user_id: int,
        old_status: str,
        new_status: str,
        *,
        chat_id: int | None = None,
        chat_type: ChatType = "private",
        language_code: str | None = "en",
    ) -> JSON:
        """The bot's own membership of a chat changes, as Telegram reports it: in a private
        chat, "kicked" is the user blocking the bot and "member" after it unblocking; in a
        group, ``user_id`` added ("member", "administrator") or removed ("left", "kicked") it."""
        chat = self._chat_for(user_id, chat_id, chat_type)
        bot = self._bot_sender()

        def member(status: str) -> JSON:
            found: JSON = {"status": status, "user": copy.deepcopy(bot)}
            if status == "kicked":
                found["until_date"] = 0
            elif status == "administrator":
                found.update(
                    {
                        name: False
                        for name in (
                            "can_be_edited",
                            "is_anonymous",
                            "can_manage_chat",
                            "can_delete_messages",
                            "can_manage_video_chats",
                            "can_restrict_members",
                            "can_promote_members",
                            "can_change_info",
                            "can_invite_users",
                            "can_post_stories",
                            "can_edit_stories",
                            "can_delete_stories",
                        )
                    }
                )
            return found

        change = {
            "chat": copy.deepcopy(chat),
            "from": copy.deepcopy(self._user(user_id, language_code)),
            "date": int(time.time()),
            "old_chat_member": member(old_status),
            "new_chat_member": member(new_status),
        }
        return self.push_update({"my_chat_member": change})

    def push_sticker(
        self,
        user_id: int,
        *,
        emoji: str = "👍",
        chat_id: int | None = None,
        chat_type: ChatType = "private",
        language_code: str | None = "en",
    ) -> JSON:
        """A user sends a sticker."""
        file_id, unique = self._file_ids()
        thumb_id, thumb_unique = self._file_ids()
        sticker = {
            "width": 512,
            "height": 512,
            "emoji": emoji,
            "set_name": "VigieTestStickers",
            "is_animated": False,
            "is_video": False,
            "type": "regular",
            "thumbnail": {
                "file_id": thumb_id,
                "file_unique_id": thumb_unique,
                "file_size": 4512,
                "width": 128,
                "height": 128,
            },
            "file_id": file_id,
            "file_unique_id": unique,
            "file_size": 20480,
        }
        message = self._user_message(
            user_id,
            {"sticker": sticker},
            chat_id=chat_id,
            chat_type=chat_type,
            language_code=language_code,
        )
        return self.push_update({"message": copy.deepcopy(message)})

    def push_photo(
        self,
        user_id: int,
        *,
        caption: str | None = None,
        chat_id: int | None = None,
        chat_type: ChatType = "private",
        language_code: str | None = "en",
    ) -> JSON:
        """A user sends a photo, optionally with a caption."""
        content: JSON = {"photo": self._photo_sizes()}
        if caption is not None:
            content["caption"] = caption
            if entities := _auto_entities(caption):
                content["caption_entities"] = entities
        message = self._user_message(
            user_id, content, chat_id=chat_id, chat_type=chat_type, language_code=language_code
        )
        return self.push_update({"message": copy.deepcopy(message)})

    def push_edited_text(
        self, user_id: int, message_id: int, text: str, *, chat_id: int | None = None
    ) -> JSON:
        """A user edits a text message they sent earlier."""
        key = user_id if chat_id is None else chat_id
        message = self._messages.get(key, {}).get(message_id)
        if message is None or message.get("from", {}).get("id") != user_id:
            raise ValueError(f"user {user_id} sent no message {message_id} in chat {key}")
        if "text" not in message:
            raise ValueError(f"message {message_id} has no text to edit")
        message["text"] = text
        message.pop("entities", None)
        if entities := _auto_entities(text):
            message["entities"] = entities
        message["edit_date"] = int(time.time())
        return self.push_update({"edited_message": copy.deepcopy(message)})

    # ------------------------------------------------------------------------------------
    # Methods
    # ------------------------------------------------------------------------------------
    def _formatted(self, params: Mapping[str, Any], key: str, entities_key: str) -> JSON:
        """Text (or caption) after entity parsing, with its entities, as Telegram stores it."""
        value = params.get(key)
        if value is None:
            return {}
        text = str(value)
        mode = params.get("parse_mode")
        entities = params.get(entities_key)
        if isinstance(mode, str) and mode.lower() == "html":
            parsed = parse_html(text)
            text, entities = parsed.text, parsed.entities
        out: JSON = {key: text}
        if entities:
            out[entities_key] = entities
        return out

    def _reply_to(self, chat: JSON, params: Mapping[str, Any]) -> JSON:
        """``reply_to_message`` for reply_parameters, as Telegram includes it."""
        reply = params.get("reply_parameters")
        if not isinstance(reply, dict) or "message_id" not in reply:
            return {}
        target_chat = self._chat_id(reply.get("chat_id", chat["id"]))
        target = self._messages.get(target_chat, {}).get(int(reply["message_id"]))
        if target is None:
            if reply.get("allow_sending_without_reply"):
                return {}
            raise _ApiError(400, "Bad Request: message to be replied not found")
        return {"reply_to_message": _without_reply(target)}

    def _send_message(self, params: Mapping[str, Any]) -> JSON:
        """sendMessage."""
        chat = self._resolve_chat(params["chat_id"])
        content = {**self._reply_to(chat, params), **self._formatted(params, "text", "entities")}
        if markup := _inline_markup(params.get("reply_markup")):
            content["reply_markup"] = markup
        return copy.deepcopy(self._new_message(chat, self._bot_sender(), content))

    def _send_location(self, params: Mapping[str, Any]) -> JSON:
        """sendLocation."""
        chat = self._resolve_chat(params["chat_id"])
        location = {"latitude": float(params["latitude"]), "longitude": float(params["longitude"])}
        for key in ("horizontal_accuracy", "live_period", "heading", "proximity_alert_radius"):
            if key in params:
                location[key] = params[key]
        content: JSON = {**self._reply_to(chat, params), "location": location}
        if markup := _inline_markup(params.get("reply_markup")):
            content["reply_markup"] = markup
        return copy.deepcopy(self._new_message(chat, self._bot_sender(), content))

    def _editable(self, params: Mapping[str, Any]) -> JSON:
        """The bot's message an edit addresses, with Telegram's errors."""
        key = self._chat_id(params["chat_id"])
        message = self._messages.get(key, {}).get(_as_int(params["message_id"]))
        if message is None:
            raise _ApiError(400, "Bad Request: message to edit not found")
        if not message.get("from", {}).get("is_bot"):
            raise _ApiError(400, "Bad Request: message can't be edited")
        return message

    def _apply_edit(self, message: JSON, changes: JSON, markup: JSON | None) -> JSON:
        """Apply an edit; "message is not modified" when nothing changes."""
        edited = {k: v for k, v in message.items() if k not in ("reply_markup", "edit_date")}
        for key, value in changes.items():
            if value is None:
                edited.pop(key, None)
            else:
                edited[key] = value
        if markup is not None:
            edited["reply_markup"] = markup
        before = {k: v for k, v in message.items() if k != "edit_date"}
        if edited == before:
            raise _ApiError(400, _NOT_MODIFIED)
        edited["edit_date"] = int(time.time())
        message.clear()
        message.update(edited)
        return copy.deepcopy(message)

    def _edit_message_text(self, params: Mapping[str, Any]) -> JSON | bool:
        """editMessageText (the inline keyboard goes unless reply_markup is passed again)."""
        if "inline_message_id" in params:
            return True
        message = self._editable(params)
        if "text" not in message:
            raise _ApiError(400, "Bad Request: there is no text in the message to edit")
        formatted = self._formatted(params, "text", "entities")
        changes: JSON = {"text": formatted["text"], "entities": formatted.get("entities")}
        return self._apply_edit(message, changes, _inline_markup(params.get("reply_markup")))

    def _edit_message_reply_markup(self, params: Mapping[str, Any]) -> JSON | bool:
        """editMessageReplyMarkup."""
        if "inline_message_id" in params:
            return True
        message = self._editable(params)
        return self._apply_edit(message, {}, _inline_markup(params.get("reply_markup")))

    def _delete_message(self, params: Mapping[str, Any]) -> bool:
        """deleteMessage."""
        key = self._chat_id(params["chat_id"])
        message_id = _as_int(params["message_id"])
        if self._messages.get(key, {}).pop(message_id, None) is None:
            raise _ApiError(400, "Bad Request: message to delete not found")
        self.deleted.append((key, message_id))
        return True

    def _answer_callback_query(self, params: Mapping[str, Any]) -> bool:
        """answerCallbackQuery: the id must be one of an unanswered pushed callback."""
        query_id = str(params["callback_query_id"])
        if query_id not in self._open_queries:
            raise _ApiError(400, _QUERY_TOO_OLD)
        self._open_queries.discard(query_id)
        self.callback_answers[query_id] = dict(params)
        return True

    def _answer_inline_query(self, params: Mapping[str, Any]) -> bool:
        """answerInlineQuery: the id must be one of an unanswered pushed inline query."""
        query_id = str(params["inline_query_id"])
        if query_id not in self._open_queries:
            raise _ApiError(400, _QUERY_TOO_OLD)
        self._open_queries.discard(query_id)
        self.inline_answers[query_id] = dict(params)
        return True

    def _copy_message(self, params: Mapping[str, Any], *, forward: bool) -> JSON:
        """copyMessage (returns a MessageId) and forwardMessage (returns the Message)."""
        chat = self._resolve_chat(params["chat_id"])
        source_chat = self._chat_id(params["from_chat_id"])
        source = self._messages.get(source_chat, {}).get(_as_int(params["message_id"]))
        if source is None:
            verb = "forward" if forward else "copy"
            raise _ApiError(400, f"Bad Request: message to {verb} not found")
        skipped = ("message_id", "from", "chat", "date", "edit_date", "reply_to_message")
        content = {k: copy.deepcopy(v) for k, v in source.items() if k not in skipped}
        if forward:
            origin = {"type": "user", "sender_user": source["from"], "date": source["date"]}
            content["forward_origin"] = copy.deepcopy(origin)
        else:
            content.update(self._reply_to(chat, params))
            if "caption" in params:
                content.pop("caption_entities", None)
                content.update(self._formatted(params, "caption", "caption_entities"))
            content.pop("reply_markup", None)
            if markup := _inline_markup(params.get("reply_markup")):
                content["reply_markup"] = markup
        message = self._new_message(chat, self._bot_sender(), content)
        return copy.deepcopy(message) if forward else {"message_id": message["message_id"]}

    def _send_chat_action(self, params: Mapping[str, Any]) -> bool:
        """sendChatAction."""
        self._resolve_chat(params["chat_id"])
        return True

    def _get_chat(self, params: Mapping[str, Any]) -> JSON:
        """getChat: the chat as a ChatFullInfo."""
        chat = self._resolve_chat(params["chat_id"])
        base = self.spec.example("ChatFullInfo") if self.spec else {}
        return {**base, **copy.deepcopy(chat), "accent_color_id": 0, "max_reaction_count": 11}

    def _get_chat_member(self, params: Mapping[str, Any]) -> JSON:
        """getChatMember: the users of ``admins[chat_id]`` own the group, the others are plain
        members."""
        chat = self._resolve_chat(params["chat_id"])
        user_id = _as_int(params["user_id"])
        user = self._bot_sender() if user_id == self.bot_id else self._user(user_id)
        if user_id in self.admins.get(chat["id"], set()):
            return {"status": "creator", "user": copy.deepcopy(user), "is_anonymous": False}
        return {"status": "member", "user": copy.deepcopy(user)}

    def _get_file(self, params: Mapping[str, Any]) -> JSON:
        """getFile: downloadable under base_file_url."""
        file_id = str(params["file_id"])
        if file_id not in self._files:
            raise _ApiError(400, "Bad Request: invalid file_id")
        return {
            "file_id": file_id,
            "file_unique_id": f"AQAD{file_id[-4:]}",
            "file_size": len(self._files[file_id]),
            "file_path": f"documents/{file_id}",
        }

    def _set_webhook(self, params: Mapping[str, Any]) -> bool:
        """setWebhook (http is accepted for 127.0.0.1, where the fake delivers)."""
        url = str(params.get("url") or "")
        if not url:
            return self._delete_webhook(params)
        parts = urlsplit(url)
        local = parts.hostname in ("127.0.0.1", "localhost")
        if parts.scheme != "https" and not (local and parts.scheme == "http"):
            raise _ApiError(
                400, "Bad Request: bad webhook: An HTTPS URL must be provided for webhook"
            )
        if params.get("drop_pending_updates"):
            self._queue.clear()
        self.webhook = {"url": url, "ip_address": "127.0.0.1"}
        for key in ("secret_token", "max_connections", "allowed_updates"):
            if params.get(key) is not None:
                self.webhook[key] = params[key]
        if isinstance(params.get("allowed_updates"), list):
            self._allowed_updates = list(params["allowed_updates"])
        self._notify()
        return True

    def _delete_webhook(self, params: Mapping[str, Any]) -> bool:
        """deleteWebhook."""
        if params.get("drop_pending_updates"):
            self._queue.clear()
        self.webhook = {}
        return True

    def _get_webhook_info(self, params: Mapping[str, Any]) -> JSON:
        """getWebhookInfo."""
        info: JSON = {
            "url": self.webhook.get("url", ""),
            "has_custom_certificate": False,
            "pending_update_count": len(self._queue),
        }
        for key in (
            "ip_address",
            "last_error_date",
            "last_error_message",
            "max_connections",
            "allowed_updates",
        ):
            if key in self.webhook:
                info[key] = self.webhook[key]
        return info

    @staticmethod
    def _commands_key(params: Mapping[str, Any]) -> tuple[str, str]:
        """Commands are stored per (scope, language_code)."""
        scope = params.get("scope") or {"type": "default"}
        return json.dumps(scope, sort_keys=True), str(params.get("language_code") or "")

    def _set_my_commands(self, params: Mapping[str, Any]) -> bool:
        """setMyCommands."""
        self.commands[self._commands_key(params)] = list(params["commands"])
        return True

    def _get_my_commands(self, params: Mapping[str, Any]) -> list[JSON]:
        """getMyCommands."""
        return copy.deepcopy(self.commands.get(self._commands_key(params), []))

    def _delete_my_commands(self, params: Mapping[str, Any]) -> bool:
        """deleteMyCommands."""
        self.commands.pop(self._commands_key(params), None)
        return True

    def _set_description(self, field: str, params: Mapping[str, Any]) -> bool:
        """setMyDescription / setMyShortDescription: per language ("" is the default); an
        empty text removes the language's own."""
        key = (field, str(params.get("language_code") or ""))
        text = str(params.get(field) or "")
        if text:
            self.descriptions[key] = text
        else:
            self.descriptions.pop(key, None)
        return True

    def _get_description(self, field: str, params: Mapping[str, Any]) -> JSON:
        """getMyDescription / getMyShortDescription: the language's own, else the default."""
        lang = str(params.get("language_code") or "")
        text = self.descriptions.get((field, lang), self.descriptions.get((field, ""), ""))
        return {field: text}

    def _generic(
        self, method: str, params: Mapping[str, Any], files: Mapping[str, UploadedFile]
    ) -> Any:
        """Any other method of the spec: a message for send* methods, else True or a stub."""
        spec = self.spec.method(method) if self.spec else None
        returns = spec.returns if spec else ("Boolean",)
        editing = method.startswith(("edit", "stop"))
        if "Message" in returns and "chat_id" in params and not editing:
            chat = self._resolve_chat(params["chat_id"])
            content = {**self._reply_to(chat, params), **self._media(method, params, files)}
            content.update(self._formatted(params, "caption", "caption_entities"))
            if markup := _inline_markup(params.get("reply_markup")):
                content["reply_markup"] = markup
            return copy.deepcopy(self._new_message(chat, self._bot_sender(), content))
        if returns[:1] == ("Array of Message",) and isinstance(params.get("media"), list):
            return self._send_media_group(params, files)
        if "Message" in returns and "chat_id" in params:
            message = self._editable(params)
            changes = self._formatted(params, "caption", "caption_entities")
            markup = _inline_markup(params.get("reply_markup"))
            return self._apply_edit(message, changes, markup)
        if "Boolean" in returns or self.spec is None:
            return True
        return self.spec.example(returns[0])

    def _send_media_group(
        self, params: Mapping[str, Any], files: Mapping[str, UploadedFile]
    ) -> list[JSON]:
        """sendMediaGroup: one message per item, sharing a media_group_id."""
        chat = self._resolve_chat(params["chat_id"])
        group_id = str(13_000_000_000_000_000 + next(self._ids))
        sent = []
        for item in params["media"]:
            kind = str(item.get("type", "photo"))
            match = _ATTACH_RE.fullmatch(str(item.get("media", "")))
            upload = files.get(match.group(1)) if match else None
            content = {**self._media_value(kind, item, upload), "media_group_id": group_id}
            content.update(self._formatted(item, "caption", "caption_entities"))
            sent.append(copy.deepcopy(self._new_message(chat, self._bot_sender(), content)))
        return sent

    def _media(
        self, method: str, params: Mapping[str, Any], files: Mapping[str, UploadedFile]
    ) -> JSON:
        """The media field of a message sent with send<Media> (sendPhoto -> photo, ...)."""
        if not method.startswith("send"):
            return {}
        key = _snake(method.removeprefix("send"))
        return self._media_value(key, params, files.get(key))

    def _media_value(
        self, key: str, params: Mapping[str, Any], upload: UploadedFile | None
    ) -> JSON:
        """``{key: value}`` for a Message media field, or {} when Message has no such field."""
        message_type = self.spec.types.get("Message") if self.spec else None
        if self.spec is None or message_type is None or key not in message_type.fields:
            return {"photo": self._photo_sizes()} if key == "photo" else {}
        data = upload.data if upload is not None else None
        sent_as = params.get(key)
        if upload is None and isinstance(sent_as, str) and "://" not in sent_as:
            # A file sent again by its file_id: Telegram knows it, or refuses the message.
            if sent_as not in self._files:
                raise _ApiError(400, "Bad Request: wrong file identifier/HTTP URL specified")
            data = self._files[sent_as]
        type_expr = message_type.fields[key].types[0]
        if type_expr == "Array of PhotoSize":
            return {key: self._photo_sizes(data)}
        value = self.spec.example(type_expr)
        if isinstance(value, dict):
            for name in list(value):
                if name in params and isinstance(params[name], str | int | float):
                    value[name] = params[name]
            if "file_id" in value:
                value["file_id"], value["file_unique_id"] = self._file_ids(data)
            if "location" in value and "latitude" in params and "longitude" in params:
                value["location"] = {
                    "latitude": float(params["latitude"]),
                    "longitude": float(params["longitude"]),
                }
            if key == "dice":
                value["emoji"] = params.get("emoji") or "🎲"
                value["value"] = 4
            if upload is not None and upload.filename and key in ("document", "audio", "video"):
                value["file_name"] = upload.filename
        return {key: value}
