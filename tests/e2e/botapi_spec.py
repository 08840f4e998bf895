"""The machine-readable Telegram Bot API spec, and a checker for the requests a bot sends.

`load_spec()` reads ``tests/fixtures/botapi/api-10.0.json`` (a copy of the team's spec; the Bot API
version python-telegram-bot 22.8 implements) and returns ``None`` when it is absent, so the e2e
tests can skip in a clone outside the team. `BotApiSpec.check()` turns a request into a list of
human-readable violations: unknown method or parameter, missing required field, wrong type, a
length limit broken (limits come from the spec's descriptions, e.g. "1-64 bytes") and invalid
Telegram HTML when ``parse_mode`` is HTML. `parse_html()` is Telegram's HTML parse mode: it
returns the plain text, the message entities and the errors.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, Literal

__all__ = [
    "SPEC_DIR",
    "SPEC_PATH",
    "BotApiSpec",
    "FieldSpec",
    "HtmlParseResult",
    "Limit",
    "MethodSpec",
    "TypeSpec",
    "UploadedFile",
    "load_spec",
    "parse_html",
    "utf16_len",
]

SPEC_DIR = Path(__file__).resolve().parents[1] / "fixtures" / "botapi"
SPEC_PATH = SPEC_DIR / "api-10.0.json"

PRIMITIVES = frozenset({"Integer", "String", "Boolean", "Float", "InputFile"})
_INT_RE = re.compile(r"-?\d+")
_FLOAT_RE = re.compile(r"-?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?")
_LIMIT_RE = re.compile(r"(\d+)-(\d+) (characters|bytes)", re.IGNORECASE)
_TAG_VALUE_RE = re.compile(r"""(?:must be|always) ["“]?([a-z0-9_]+)["”]?""")
_COMMAND_RE = re.compile(r"[a-z0-9_]{1,32}")
_TAG_FIELDS = ("type", "status", "source")
_PARSE_MODES = frozenset({"html", "markdown", "markdownv2"})
_TEXT_FIELDS = frozenset({"text", "caption", "message_text"})
_MAX_INLINE_RESULTS = 50
_MAX_COMMANDS = 100


def utf16_len(text: str) -> int:
    """Length of ``text`` in UTF-16 code units (Telegram's unit for entity offsets)."""
    return len(text.encode("utf-16-le")) // 2


@dataclass(frozen=True)
class UploadedFile:
    """A file part of a multipart request: what the Bot API calls an InputFile."""

    filename: str | None
    content_type: str | None
    data: bytes


@dataclass(frozen=True)
class Limit:
    """A length limit of a String field, e.g. 1-4096 characters after entities parsing."""

    low: int
    high: int
    unit: Literal["characters", "bytes"]
    after_entities: bool = False


@dataclass(frozen=True)
class FieldSpec:
    """One parameter of a method or field of a type."""

    name: str
    types: tuple[str, ...]
    required: bool
    description: str
    limit: Limit | None = None


@dataclass(frozen=True)
class MethodSpec:
    """One Bot API method."""

    name: str
    fields: Mapping[str, FieldSpec]
    returns: tuple[str, ...]


@dataclass(frozen=True)
class TypeSpec:
    """One Bot API type; ``subtypes`` is set for unions such as InlineQueryResult."""

    name: str
    fields: Mapping[str, FieldSpec]
    subtypes: tuple[str, ...]
    type_tag: str | None = None
    tag_field: str = "type"


# Limits the checker must enforce even if the spec's wording changes: (owner, field) -> limit.
_EXPLICIT_LIMITS: dict[tuple[str, str], Limit] = {
    ("sendMessage", "text"): Limit(1, 4096, "characters", after_entities=True),
    ("editMessageText", "text"): Limit(1, 4096, "characters", after_entities=True),
    ("answerCallbackQuery", "text"): Limit(0, 200, "characters"),
    ("InlineKeyboardButton", "callback_data"): Limit(1, 64, "bytes"),
    ("BotCommand", "command"): Limit(1, 32, "characters"),
    ("BotCommand", "description"): Limit(1, 256, "characters"),
}


def _limit_from(owner: str, name: str, description: str) -> Limit | None:
    """The length limit stated in a field's description, or an explicit one."""
    if (owner, name) in _EXPLICIT_LIMITS:
        return _EXPLICIT_LIMITS[(owner, name)]
    if owner.startswith("InlineQueryResult") and name == "id":
        return Limit(1, 64, "bytes")
    match = _LIMIT_RE.search(description)
    if match is None:
        return None
    unit: Literal["characters", "bytes"] = (
        "bytes" if match.group(3).lower() == "bytes" else "characters"
    )
    after = "after entities parsing" in description[match.end() : match.end() + 30]
    return Limit(int(match.group(1)), int(match.group(2)), unit, after_entities=after)


def _fields(owner: str, raw: Iterable[Mapping[str, Any]]) -> dict[str, FieldSpec]:
    """Build the FieldSpecs of a method or type from the JSON spec."""
    out: dict[str, FieldSpec] = {}
    for item in raw:
        name = str(item["name"])
        description = str(item.get("description", ""))
        out[name] = FieldSpec(
            name=name,
            types=tuple(item.get("types", ())),
            required=bool(item.get("required", False)),
            description=description,
            limit=_limit_from(owner, name, description),
        )
    return out


# --------------------------------------------------------------------------------------------
# Telegram HTML
# --------------------------------------------------------------------------------------------

_SIMPLE_TAGS: dict[str, str] = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
}
_ALLOWED_ATTRS: dict[str, frozenset[str]] = {
    "span": frozenset({"class"}),
    "a": frozenset({"href"}),
    "code": frozenset({"class"}),
    "pre": frozenset(),
    "blockquote": frozenset({"expandable"}),
    "tg-emoji": frozenset({"emoji-id"}),
    # Bot API 10.0 has the "date_time" entity; its HTML form is <tg-time unix=".." format="..">.
    "tg-time": frozenset({"unix", "format"}),
    **{tag: frozenset() for tag in _SIMPLE_TAGS},
}
_NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_NO_NESTING = frozenset({"code", "pre"})


@dataclass
class HtmlParseResult:
    """Telegram's reading of an HTML-formatted text."""

    text: str
    entities: list[dict[str, Any]]
    errors: list[str]


@dataclass
class _Open:
    tag: str
    entity: dict[str, Any] | None
    start: int


class _TelegramHtml(HTMLParser):
    """html.parser subclass that applies Telegram's HTML parse-mode rules."""

    def __init__(self, source: str) -> None:
        super().__init__(convert_charrefs=False)
        self.source = source
        self.line_starts = [0]
        for index, char in enumerate(source):
            if char == "\n":
                self.line_starts.append(index + 1)
        self.errors: list[str] = []
        self.parts: list[str] = []
        self.u16_pos = 0
        self.stack: list[_Open] = []
        self.entities: list[dict[str, Any]] = []

    # -- helpers --------------------------------------------------------------------------
    def _error(self, message: str) -> None:
        if message not in self.errors:
            self.errors.append(message)

    def _append(self, text: str) -> None:
        self.parts.append(text)
        self.u16_pos += utf16_len(text)

    def _index(self) -> int:
        line, column = self.getpos()
        return self.line_starts[line - 1] + column

    def _terminated(self, length: int) -> bool:
        """Whether the reference at the current position (``&`` + ``length``) ends with ';'."""
        end = self._index() + length
        return end < len(self.source) and self.source[end] == ";"

    # -- callbacks ------------------------------------------------------------------------
    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        """Open a tag: check it is allowed, its attributes, quoting and nesting."""
        raw = self.get_starttag_text() or f"<{tag}>"
        if tag not in _ALLOWED_ATTRS:
            self._error(f"unsupported tag <{tag}>")
            self.stack.append(_Open(tag, None, self.u16_pos))
            return
        values: dict[str, str | None] = {}
        for name, value in attrs:
            values[name] = value
            if name not in _ALLOWED_ATTRS[tag]:
                self._error(f"unsupported attribute {name!r} in <{tag}>")
            elif value is not None and not re.search(
                rf"\s{re.escape(name)}\s*=\s*[\"']", raw, re.IGNORECASE
            ):
                self._error(f"unquoted value of attribute {name!r} in {raw}")
        if any(opened.tag in _NO_NESTING for opened in self.stack) and not (
            tag == "code" and self.stack[-1].tag == "pre"
        ):
            self._error(f"<{tag}> inside <{self.stack[-1].tag}>: entities can't nest in code")
        if tag == "blockquote" and any(o.tag == "blockquote" for o in self.stack):
            self._error("<blockquote> can't be nested")
        if tag == "a" and any(o.tag == "a" for o in self.stack):
            self._error("<a> can't be nested")
        self.stack.append(_Open(tag, self._entity_for(tag, values), self.u16_pos))

    def _entity_for(self, tag: str, values: Mapping[str, str | None]) -> dict[str, Any] | None:
        """The MessageEntity (without offset/length) a start tag opens."""
        if tag in _SIMPLE_TAGS:
            return {"type": _SIMPLE_TAGS[tag]}
        if tag == "span":
            if values.get("class") != "tg-spoiler":
                self._error('<span> must have class="tg-spoiler"')
            return {"type": "spoiler"}
        if tag == "a":
            href = values.get("href")
            if not href:
                self._error("<a> without href")
            return {"type": "text_link", "url": href or ""}
        if tag == "code":
            css = values.get("class") or ""
            if css and not css.startswith("language-"):
                self._error(f'<code class="{css}">: class must be "language-..."')
            entity: dict[str, Any] = {"type": "code"}
            if css.startswith("language-"):
                entity["language"] = css.removeprefix("language-")
            return entity
        if tag == "pre":
            return {"type": "pre"}
        if tag == "blockquote":
            expandable = "expandable" in values
            return {"type": "expandable_blockquote" if expandable else "blockquote"}
        if tag == "tg-emoji":
            emoji_id = values.get("emoji-id")
            if not emoji_id:
                self._error("<tg-emoji> without emoji-id")
            return {"type": "custom_emoji", "custom_emoji_id": emoji_id or ""}
        unix = values.get("unix") or ""
        if not _INT_RE.fullmatch(unix):
            self._error('<tg-time> needs an integer "unix" attribute')
        entity = {"type": "date_time", "unix_time": int(unix) if _INT_RE.fullmatch(unix) else 0}
        if values.get("format"):
            entity["date_time_format"] = values["format"]
        return entity

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        """Self-closing tags do not exist in Telegram HTML."""
        self._error(f"self-closing tag <{tag}/> is not supported")

    def handle_endtag(self, tag: str) -> None:
        """Close a tag, which must be the innermost open one."""
        if not any(opened.tag == tag for opened in self.stack):
            self._error(f"closing tag </{tag}> without a matching start tag")
            return
        if self.stack[-1].tag != tag:
            self._error(f"</{tag}> closes <{self.stack[-1].tag}>: tags must be properly nested")
        while self.stack:
            opened = self.stack.pop()
            self._close(opened)
            if opened.tag == tag:
                break

    def _close(self, opened: _Open) -> None:
        """Turn a closed tag into an entity (code inside pre sets the pre's language)."""
        entity = opened.entity
        if entity is None:
            return
        if entity["type"] == "code" and self.stack and self.stack[-1].tag == "pre":
            parent = self.stack[-1].entity
            if parent is not None and "language" in entity:
                parent["language"] = entity["language"]
            return
        length = self.u16_pos - opened.start
        if length > 0:
            self.entities.append({**entity, "offset": opened.start, "length": length})

    def handle_data(self, data: str) -> None:
        """Text: ``<``, ``>`` and ``&`` must be escaped."""
        for char, name in (("<", "&lt;"), (">", "&gt;"), ("&", "&amp;")):
            if char in data:
                self._error(f"unescaped {char!r} in text: write {name}")
        self._append(data)

    def handle_entityref(self, name: str) -> None:
        """Named entities: only &lt; &gt; &amp; &quot; exist in Telegram HTML."""
        if name not in _NAMED_ENTITIES:
            self._error(f"unsupported named entity &{name};")
            self._append("&" + name)
            return
        if not self._terminated(1 + len(name)):
            self._error(f"entity &{name} is not terminated by ';'")
        self._append(_NAMED_ENTITIES[name])

    def handle_charref(self, name: str) -> None:
        """Numeric entities: &#NNN; and &#xHHH;."""
        if not self._terminated(2 + len(name)):
            self._error(f"entity &#{name} is not terminated by ';'")
        try:
            code = int(name[1:], 16) if name[:1] in ("x", "X") else int(name)
            self._append(chr(code))
        except (ValueError, OverflowError):
            self._error(f"invalid numeric entity &#{name};")

    def handle_comment(self, data: str) -> None:
        """Comments are not Telegram HTML."""
        self._error("HTML comments are not supported")

    def handle_decl(self, decl: str) -> None:
        """Declarations are not Telegram HTML."""
        self._error(f"unsupported declaration <!{decl}>")

    def unknown_decl(self, data: str) -> None:
        """CDATA and the like are not Telegram HTML."""
        self._error(f"unsupported declaration <![{data}]>")

    def handle_pi(self, data: str) -> None:
        """Processing instructions are not Telegram HTML."""
        self._error(f"unsupported processing instruction <?{data}>")

    def finish(self) -> HtmlParseResult:
        """Close the parser and report tags left open."""
        self.close()
        for opened in reversed(self.stack):
            self._error(f"unclosed tag <{opened.tag}>")
        self.stack.clear()
        entities = sorted(self.entities, key=lambda e: (e["offset"], -e["length"]))
        return HtmlParseResult("".join(self.parts), entities, self.errors)


def parse_html(text: str) -> HtmlParseResult:
    """Parse ``text`` as Telegram's HTML parse mode: plain text, entities and errors."""
    parser = _TelegramHtml(text)
    parser.feed(text)
    return parser.finish()


# --------------------------------------------------------------------------------------------
# The spec and the checker
# --------------------------------------------------------------------------------------------


@dataclass
class _Match:
    """How well a value matches one type: structural mismatches and all violations."""

    structural: int = 0
    violations: list[str] = field(default_factory=list)


class BotApiSpec:
    """The Bot API methods and types, with a request checker."""

    def __init__(self, data: Mapping[str, Any]) -> None:
        """Index the JSON spec (``{"methods": {...}, "types": {...}}``)."""
        self.version: str = str(data.get("version", "unknown"))
        self.methods: dict[str, MethodSpec] = {}
        for name, raw in data.get("methods", {}).items():
            self.methods[name] = MethodSpec(
                name=name,
                fields=_fields(name, raw.get("fields", ())),
                returns=tuple(raw.get("returns", ())),
            )
        self.types: dict[str, TypeSpec] = {}
        for name, raw in data.get("types", {}).items():
            fields = _fields(name, raw.get("fields", ()))
            tag, tag_field = None, "type"
            for candidate in _TAG_FIELDS:
                if candidate in fields and (
                    m := _TAG_VALUE_RE.search(fields[candidate].description)
                ):
                    tag, tag_field = m.group(1), candidate
                    break
            subtypes = tuple(raw.get("subtypes", ()))
            self.types[name] = TypeSpec(name, fields, subtypes, tag, tag_field)
        self._by_lower = {name.lower(): spec for name, spec in self.methods.items()}

    def method(self, name: str) -> MethodSpec | None:
        """The method called ``name``; Telegram method names are case-insensitive."""
        return self._by_lower.get(name.lower())

    # -- public checks --------------------------------------------------------------------
    def check(self, method: str, params: Mapping[str, Any]) -> list[str]:
        """Violations of the spec by a request: ``params`` as sent (form strings or JSON)."""
        spec = self.method(method)
        if spec is None:
            return [f"unknown method {method!r}"]
        violations = self._check_fields(spec.name, spec.fields, params, spec.name, wire=True)[1]
        violations.extend(self._method_rules(spec.name, params))
        return violations

    def check_object(self, type_name: str, value: Any, path: str | None = None) -> list[str]:
        """Violations of the spec by an object (e.g. an Update the fake sends)."""
        return self._match_types((type_name,), value, path or type_name, wire=False).violations

    def example(self, type_expr: str, _depth: int = 0) -> Any:
        """A minimal value of ``type_expr``: every required field filled with a placeholder."""
        if type_expr.startswith("Array of "):
            return []
        placeholders: dict[str, Any] = {
            "Integer": 1,
            "Float": 0.0,
            "Boolean": False,
            "String": "example",
            "InputFile": "example",
        }
        if type_expr in placeholders:
            return placeholders[type_expr]
        spec = self.types.get(type_expr)
        if spec is None or _depth > 8:
            return {}
        if spec.subtypes:
            return self.example(spec.subtypes[0], _depth + 1)
        value: dict[str, Any] = {}
        for name, item in spec.fields.items():
            if name == spec.tag_field and spec.type_tag is not None:
                value[name] = spec.type_tag
            elif item.required:
                value[name] = self.example(item.types[0], _depth + 1)
        return value

    def decode(self, method: str, params: Mapping[str, Any]) -> dict[str, Any]:
        """Wire parameters (form strings, JSON-serialized objects) as typed Python values."""
        spec = self.method(method)
        out: dict[str, Any] = {}
        for name, value in params.items():
            types = spec.fields[name].types if spec and name in spec.fields else ()
            out[name] = _decode_value(value, types)
        return out

    # -- internals ------------------------------------------------------------------------
    def _check_fields(
        self,
        owner: str,
        fields: Mapping[str, FieldSpec],
        values: Mapping[str, Any],
        path: str,
        *,
        wire: bool,
    ) -> tuple[int, list[str]]:
        """Check a parameter/field mapping: unknown, missing, types, limits and HTML."""
        structural = 0
        violations: list[str] = []
        kind = "parameter" if wire else "field"
        for name, value in values.items():
            spec = fields.get(name)
            if spec is None:
                structural += 1
                violations.append(f"{path}: unknown {kind} {name!r}")
                continue
            if value is None:
                continue
            match = self._match_types(spec.types, value, f"{path}.{name}", wire=wire)
            violations.extend(match.violations)
        for spec in fields.values():
            value = values.get(spec.name)
            if spec.required and (value is None or (wire and value == "")):
                if value == "" and spec.limit is not None:
                    continue  # an empty string is a length problem, reported below
                structural += 1
                violations.append(f"{path}: missing required {kind} {spec.name!r}")
        owner_type = self.types.get(owner)
        if owner_type is not None and owner_type.type_tag is not None:
            key, tag = owner_type.tag_field, owner_type.type_tag
            if key in values and values[key] != tag:
                structural += 1
                violations.append(f"{path}.{key}: must be {tag!r}, got {values[key]!r}")
        violations.extend(self._text_rules(fields, values, path))
        return structural, violations

    def _text_rules(
        self, fields: Mapping[str, FieldSpec], values: Mapping[str, Any], path: str
    ) -> list[str]:
        """Length limits and parse-mode checks of the String fields of one mapping."""
        violations: list[str] = []
        for name, value in values.items():
            spec = fields.get(name)
            if name.endswith("parse_mode") and isinstance(value, str):
                if value.lower() not in _PARSE_MODES:
                    violations.append(f"{path}.{name}: unsupported parse mode {value!r}")
                continue
            if spec is None or not isinstance(value, str):
                continue
            mode_key = f"{name}_parse_mode" if f"{name}_parse_mode" in fields else None
            if mode_key is None and name in _TEXT_FIELDS and "parse_mode" in fields:
                mode_key = "parse_mode"
            mode = values.get(mode_key) if mode_key else None
            counted = value
            if isinstance(mode, str) and mode.lower() == "html":
                parsed = parse_html(value)
                violations.extend(f"{path}.{name}: invalid HTML: {e}" for e in parsed.errors)
                counted = parsed.text
            limit = spec.limit
            if limit is None:
                continue
            if limit.unit == "bytes":
                size = len(value.encode("utf-8"))
            else:
                size = len(counted if limit.after_entities else value)
            unit = limit.unit + (" after entities parsing" if limit.after_entities else "")
            if not limit.low <= size <= limit.high:
                violations.append(
                    f"{path}.{name}: must be {limit.low}-{limit.high} {unit}, got {size}"
                )
            elif limit.low >= 1 and limit.after_entities and not counted.strip():
                violations.append(f"{path}.{name}: must not be empty or only whitespace")
        return violations

    def _method_rules(self, method: str, params: Mapping[str, Any]) -> list[str]:
        """Method-specific rules not expressed as a field limit in the spec."""
        violations: list[str] = []
        if method == "answerInlineQuery":
            results = _decode_value(params.get("results"), ("Array of InlineQueryResult",))
            if isinstance(results, list):
                if len(results) > _MAX_INLINE_RESULTS:
                    violations.append(
                        f"{method}.results: at most {_MAX_INLINE_RESULTS} results, "
                        f"got {len(results)}"
                    )
                ids = [r.get("id") for r in results if isinstance(r, dict)]
                duplicates = sorted({str(i) for i in ids if ids.count(i) > 1})
                if duplicates:
                    violations.append(f"{method}.results: duplicate result ids {duplicates}")
        if method == "setMyCommands":
            commands = _decode_value(params.get("commands"), ("Array of BotCommand",))
            if isinstance(commands, list):
                if len(commands) > _MAX_COMMANDS:
                    violations.append(
                        f"{method}.commands: at most {_MAX_COMMANDS} commands, got {len(commands)}"
                    )
                for index, command in enumerate(commands):
                    text = command.get("command") if isinstance(command, dict) else None
                    if isinstance(text, str) and not _COMMAND_RE.fullmatch(text):
                        violations.append(
                            f"{method}.commands[{index}].command: {text!r} must be 1-32 "
                            "characters of lowercase English letters, digits and underscores"
                        )
        return violations

    def _match_types(self, types: Iterable[str], value: Any, path: str, *, wire: bool) -> _Match:
        """Check ``value`` against a union of type expressions; report the best match."""
        types = tuple(types)
        candidates = [m for t in types if (m := self._match_one(t, value, path, wire)) is not None]
        if not candidates:
            expected = " or ".join(types) or "?"
            got = type(value).__name__
            shown = repr(value) if len(repr(value)) <= 40 else repr(value)[:37] + "..."
            return _Match(1, [f"{path}: expected {expected}, got {got} {shown}"])
        return min(candidates, key=lambda m: (m.structural, len(m.violations)))

    def _match_one(self, type_expr: str, value: Any, path: str, wire: bool) -> _Match | None:
        """Check one type expression; ``None`` when ``value`` is not of that kind at all."""
        if type_expr.startswith("Array of "):
            inner = type_expr.removeprefix("Array of ")
            if wire and isinstance(value, str):
                value = _json_or_none(value)
            if not isinstance(value, list):
                return None
            total = _Match()
            for index, item in enumerate(value):
                sub = self._match_types((inner,), item, f"{path}[{index}]", wire=False)
                total.structural += sub.structural
                total.violations.extend(sub.violations)
            return total
        if type_expr in PRIMITIVES:
            return _Match() if _is_primitive(type_expr, value, wire) else None
        spec = self.types.get(type_expr)
        if spec is None:
            return _Match()  # a type the spec does not describe: accept anything
        if wire and isinstance(value, str):
            value = _json_or_none(value)
        if not isinstance(value, dict):
            return None
        if spec.subtypes:
            return self._match_types(spec.subtypes, value, path, wire=False)
        structural, violations = self._check_fields(spec.name, spec.fields, value, path, wire=False)
        return _Match(structural, violations)


def _is_primitive(type_name: str, value: Any, wire: bool) -> bool:
    """Whether ``value`` is a valid Integer/String/Boolean/Float/InputFile."""
    if type_name == "InputFile":
        return isinstance(value, UploadedFile)
    if type_name == "String":
        return isinstance(value, str)
    if isinstance(value, str):
        if not wire:
            return False
        if type_name == "Integer":
            return _INT_RE.fullmatch(value) is not None
        if type_name == "Float":
            return _FLOAT_RE.fullmatch(value) is not None
        return value.lower() in ("true", "false", "1", "0")
    if isinstance(value, bool):
        return type_name == "Boolean"
    if type_name == "Integer":
        return isinstance(value, int)
    if type_name == "Float":
        return isinstance(value, int | float)
    return False


def _json_or_none(value: str) -> Any:
    """``json.loads(value)``, or ``None`` when it is not JSON."""
    try:
        return json.loads(value)
    except ValueError:
        return None


def _decode_value(value: Any, types: tuple[str, ...]) -> Any:
    """A wire value as the Python value its spec types describe."""
    if not isinstance(value, str):
        return value
    structured = any(t not in PRIMITIVES for t in types)
    if (structured or not types) and value[:1] in ("{", "["):
        decoded = _json_or_none(value)
        if decoded is not None:
            return decoded
    if "Integer" in types and _INT_RE.fullmatch(value):
        return int(value)
    if "Float" in types and _FLOAT_RE.fullmatch(value):
        return float(value)
    if "Boolean" in types and value.lower() in ("true", "false", "1", "0"):
        return value.lower() in ("true", "1")
    return value


@functools.cache
def _load(path: Path) -> BotApiSpec | None:
    """Read and index the spec file once per path."""
    if not path.is_file():
        return None
    return BotApiSpec(json.loads(path.read_text(encoding="utf-8")))


def load_spec(path: Path | None = None) -> BotApiSpec | None:
    """The Bot API 10.0 spec, or ``None`` when the shared botapi folder is absent."""
    return _load((path or SPEC_PATH).resolve())
