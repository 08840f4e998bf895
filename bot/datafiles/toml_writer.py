"""Write a destination's dict form as a stable, readable TOML file (small, reviewable diffs).

Hand-written rather than tomli-w: tomli-w spreads arrays over several lines, escapes quotes in
multi-line strings and writes sub-tables as [headers] where our files use `name.en = …`, so
`vigie data export` would rewrite files nobody changed."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

_BARE_KEY_CHARS = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-")


def _key(key: str) -> str:
    return key if key and set(key) <= _BARE_KEY_CHARS else json.dumps(key, ensure_ascii=False)


def _string(value: str) -> str:
    if "\n" not in value:
        return _basic(value)
    # Multi-line basic string: keep newlines literal, escape what TOML requires.
    body = []
    for ch in value:
        if ch == "\\":
            body.append("\\\\")
        elif ch == "\n" or ch == "\t":
            body.append(ch)
        elif ch == "\r":
            body.append("\\r")
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            body.append(f"\\u{ord(ch):04x}")
        else:
            body.append(ch)
    text = "".join(body).replace('"""', '""\\"')
    if text.endswith('"'):
        text = text[:-1] + '\\"'
    return '"""\n' + text + '"""'


def _basic(value: str) -> str:
    out = ['"']
    for ch in value:
        if ch == '"':
            out.append('\\"')
        elif ch == "\\":
            out.append("\\\\")
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\t":
            out.append("\\t")
        elif ch == "\r":
            out.append("\\r")
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def _value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, str):
        return _string(value)
    if isinstance(value, list):
        return "[" + ", ".join(_value(v) for v in value) + "]"
    raise TypeError(f"cannot write {value!r} as a TOML value")


def _key_values(table: dict[str, Any], prefix: str = "") -> list[str]:
    """Scalars, arrays of scalars and sub-tables of scalars, as (dotted) key = value lines."""
    lines = []
    for key, value in table.items():
        if isinstance(value, dict):
            lines.extend(_key_values(value, f"{prefix}{_key(key)}."))
        elif isinstance(value, list) and value and isinstance(value[0], dict):
            continue  # written as an array of tables
        else:
            lines.append(f"{prefix}{_key(key)} = {_value(value)}")
    return lines


def _tables(table: dict[str, Any], name: str) -> list[str]:
    """Arrays of tables found in `table`, as [[name.key]] blocks."""
    out = []
    for key, value in table.items():
        if isinstance(value, list) and value and isinstance(value[0], dict):
            for item in value:
                out.append("")
                out.append(f"[[{name}.{_key(key)}]]")
                out.extend(_key_values(item))
                out.extend(_tables(item, f"{name}.{_key(key)}"))
    return out


# Tables whose contents are long texts read best as a [header] with plain keys.
_HEADED_TABLES = ("curated_level", "change_note", "emergency")


def dumps_destination(data: dict[str, Any]) -> str:
    """Serialise a destination dict (see convert.advisory_to_dict) as TOML text."""
    lines: list[str] = []
    top = {
        k: v
        for k, v in data.items()
        if not isinstance(v, dict) and not (isinstance(v, list) and v and isinstance(v[0], dict))
    }
    lines.extend(_key_values(top))
    for name in _HEADED_TABLES:
        if name in data:
            lines += ["", f"[{name}]", *_key_values(data[name])]
    for section, text in data.get("sections", {}).items():
        lines += ["", f"[sections.{_key(section)}]", *_key_values(text)]
    for name in ("embassies", "alerts", "regions", "sources"):
        for item in data.get(name, []):
            lines += ["", f"[[{name}]]", *_key_values(item), *_tables(item, name)]
    return "\n".join(lines) + "\n"
