"""French typography for every French message, in one place: a no-break space (U+00A0) before
: ; ? ! » and after «, whoever wrote the text (the catalog, our curated files, an alert sent
from Telegram). Never inside an HTML tag or entity, a URL, a time (10:30) or a run of marks
("?!" takes one space), nor inside a government's own text in another language, marked with
`foreign()`. Replies and pushes pass through `typeset` where they are rendered."""

from __future__ import annotations

import re

NBSP = "\u00a0"
# Around official text quoted in another language than the reader's: left as published. The
# Unicode isolate marks are invisible; `typeset` removes them.
FOREIGN_START, FOREIGN_END = "\u2068", "\u2069"
# What is left as it is: foreign text, a tag, an entity, a URL (in text or in an attribute).
_PROTECTED = (
    r"\u2068[^\u2069]*\u2069?"
    r"|<[^>]*>"
    r"|&(?:#\d+|#x[0-9a-fA-F]+|[a-zA-Z]+);"
    r"|(?:(?:https?|tg)://|www\.)[^\s<>\"']+"
)
_TOKENS = re.compile(
    rf"(?P<keep>{_PROTECTED})"
    r"|(?P<open>«)[ \u00a0\u202f]*"
    r"|(?P<space>[ \u00a0\u202f]*)(?P<marks>[:;?!»][:;?!»]*)"
)
_SPACES = " \u00a0\u202f"


def foreign(text: str) -> str:
    """Mark official text in another language than the reader's: `typeset` leaves it as it is."""
    return f"{FOREIGN_START}{text}{FOREIGN_END}"


def typeset(text: str, lang: str) -> str:
    """`text` (Telegram HTML or plain) with French typography when `lang` is French; the marks
    of `foreign` text removed in every language."""
    if lang == "fr" and text:
        text = _TOKENS.sub(lambda m: _fix(m, text), text)
    return text.replace(FOREIGN_START, "").replace(FOREIGN_END, "")


def _fix(match: re.Match[str], text: str) -> str:
    if match.group("keep") is not None:
        return match.group("keep")  # the foreign marks go with the rest, in typeset
    if match.group("open") is not None:
        return "«" + NBSP
    marks = match.group("marks")
    start = match.start()
    before = text[start - 1] if start > 0 else "\n"
    after_end = match.end()
    after = text[after_end] if after_end < len(text) else "\n"
    space = match.group("space")
    if not space and (before == "\n" or (marks[0] == ":" and before.isdigit() and after.isdigit())):
        return match.group()  # a line that starts with a mark, a time (10:30)
    if not space and marks[0] in ":" and after not in _SPACES + "\n<" and not after.isalnum():
        return match.group()
    if not space and before in "([/":
        return match.group()
    return NBSP + marks
