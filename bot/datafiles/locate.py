"""Find the line of a key in a TOML document, so that errors can name it.

tomllib gives values but no positions; this scanner follows table headers and keys line by
line (skipping the bodies of multi-line strings and arrays), which is all our files use.
"""

from __future__ import annotations

import re

Path = tuple[str | int, ...]

_HEADER = re.compile(r"^\s*(\[\[?)\s*([^\]]+?)\s*\]\]?\s*(#.*)?$")
_KEY = re.compile(r'^\s*((?:[A-Za-z0-9_-]+|"[^"]*")(?:\s*\.\s*(?:[A-Za-z0-9_-]+|"[^"]*"))*)\s*=')


def _split_key(key: str) -> list[str]:
    return [part.strip().strip('"') for part in key.split(".")]


def key_lines(text: str) -> dict[Path, int]:
    """Map every key path of a TOML document to its 1-based line number."""
    lines: dict[Path, int] = {}
    counters: dict[Path, int] = {}
    table: Path = ()
    open_delim: str | None = None
    depth = 0  # bracket depth of a multi-line array or inline table
    for number, line in enumerate(text.splitlines(), start=1):
        if open_delim is not None:
            if line.count(open_delim) % 2 == 1:
                open_delim = None
            continue
        if depth > 0:
            depth += _bracket_balance(line)
            continue
        header = _HEADER.match(line)
        if header and not _KEY.match(line):
            names = _split_key(header.group(2))
            table = _resolve(names, table, counters, is_array=header.group(1) == "[[")
            lines.setdefault(table, number)
            continue
        key = _KEY.match(line)
        if not key:
            continue
        path = table + tuple(_split_key(key.group(1)))
        for end in range(len(table) + 1, len(path) + 1):
            lines.setdefault(path[:end], number)
        value = line[key.end() :]
        for delim in ('"""', "'''"):
            if value.count(delim) % 2 == 1:
                open_delim = delim
                break
        else:
            depth = _bracket_balance(value)
    return lines


def _resolve(names: list[str], current: Path, counters: dict[Path, int], *, is_array: bool) -> Path:
    """The concrete path of a table header, with array-of-table indexes filled in."""
    path: Path = ()
    for i, name in enumerate(names):
        path = (*path, name)
        last = i == len(names) - 1
        if last and is_array:
            index = counters.get(path, -1) + 1
            counters[path] = index
            path = (*path, index)
        elif path in counters:
            path = (*path, counters[path])
    del current
    return path


def _bracket_balance(text: str) -> int:
    """Net count of opening brackets/braces outside strings."""
    balance = 0
    in_string: str | None = None
    escaped = False
    for ch in text:
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\" and in_string == '"':
                escaped = True
            elif ch == in_string:
                in_string = None
        elif ch in "\"'":
            in_string = ch
        elif ch == "#":
            break
        elif ch in "[{":
            balance += 1
        elif ch in "]}":
            balance -= 1
    return balance


def line_of(lines: dict[Path, int], path: Path) -> int | None:
    """The line of `path`, or of its closest enclosing key."""
    for end in range(len(path), 0, -1):
        if path[:end] in lines:
            return lines[path[:end]]
    return None
