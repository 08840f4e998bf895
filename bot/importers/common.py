"""What every importer shares: fetching a feed, cleaning its text, and merging its advice into
the data files for a maintainer to review (git diff) before publishing."""

from __future__ import annotations

import datetime as dt
import html
import json
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import Element, ParseError

from defusedxml import ElementTree

from bot.core.model import RISKS, SOURCES, Advisory, SourceAdvice, SourceInfo, Text
from bot.core.official_dates import EARLIEST, block_to_keep, too_far_ahead
from bot.datafiles.convert import EARLIEST_PLAUSIBLE
from bot.datafiles.files import (
    DataError,
    destination_path,
    read_destination,
    read_levels,
    write_destination,
)


class ImportError_(Exception):
    """A feed entry could not be imported safely; nothing was written."""


class FeedRefused(ImportError_):
    """The input is not this source's feed, or is broken: nothing was read from it and nothing
    may be changed. The message says what was expected and what was found."""


@dataclass(frozen=True, slots=True)
class FeedEntry:
    """One destination's advice as read from a feed, before merging."""

    codes: tuple[str, ...]
    advice: SourceAdvice
    name: str  # the feed's own name for the destination, for messages


@dataclass(frozen=True)
class IndexItem:
    """One country of a source's index: `key` is what its per-country URL needs."""

    code: str
    key: str
    updated: dt.datetime | None
    url: str


@dataclass
class FeedParse:
    """What a feed gave: the entries we are sure of, and the doubtful items held back (each a
    one-line reason for a maintainer)."""

    entries: list[FeedEntry]
    held: list[str] = field(default_factory=list)


@dataclass(slots=True)
class ImportReport:
    """What an import changed in the data files."""

    written: list[str] = field(default_factory=list)  # codes whose file changed
    created: list[str] = field(default_factory=list)
    level_changes: list[str] = field(default_factory=list)
    kept_newer: list[str] = field(default_factory=list)  # feed older than what we hold
    skipped: list[str] = field(default_factory=list)  # feed entries that are not destinations
    refused: list[str] = field(default_factory=list)  # dated beyond tomorrow


def fetch(url: str, allowed_hosts: tuple[str, ...] = (), paths: tuple[str, ...] = ()) -> bytes:
    """Download a feed for a maintainer's `vigie import`, through the sync's bounded fetcher
    (size caps, deadlines, redirects only to `allowed_hosts` under `paths`); raise
    ImportError_ saying what went wrong."""
    from bot.sync.fetch import Fetcher, FetchError, allowed_for

    try:
        with Fetcher() as fetcher:
            fetched = fetcher.get(url, allowed_for(url, allowed_hosts, paths))
    except FetchError as error:
        raise ImportError_(str(error)) from None
    assert fetched.body is not None  # no validators were sent: never a 304
    return fetched.body


# Tags that start a new block when a browser renders them: they separate words, unlike <b> or <a>.
_BLOCK_TAGS = (
    r"p|div|section|article|header|footer|aside|nav|main|blockquote|pre|address|figure"
    r"|ul|ol|dl|dt|dd|table|thead|tbody|tr|td|th|caption|h[1-6]|hr"
)


def clean_text(raw: str) -> str:
    """HTML to plain text without gluing words: block tags and <br> become line breaks, list
    items "- " lines, inline tags vanish; entities decoded (twice: feeds double-escape),
    artefacts such as '&**Safety&**' removed, a line break inside a sentence (the next line
    starts in lower case) joined with a space, one line break between blocks."""
    if "<" not in raw and "&lt;" in raw:
        raw = html.unescape(raw)  # markup escaped as text: decode it before reading the tags
    text = re.sub(r"(?i)<br\s*/?>", "\n", raw)
    text = re.sub(r"(?i)<li\b[^>]*>", "\n- ", text)
    text = re.sub(rf"(?i)</?(?:{_BLOCK_TAGS}|li)\b[^>]*>", "\n", text)
    text = re.sub(r"<[^>]+>", "", text)
    text = html.unescape(html.unescape(text))
    text = text.replace("&**", "").replace("**", "")
    text = text.replace("\u00a0", " ").replace("\u202f", " ").replace("\u2009", " ")
    text = re.sub(r"[ \t]+", " ", text)
    text = re.sub(r" *\n *", "\n", text)
    text = re.sub(r"(?<=[^\s.!?:;])\n+(?=[a-z])", " ", text)
    text = re.sub(r"\n-\s*(?=\n|$)", "", text)  # empty list items
    text = re.sub(r"\n{2,}", "\n", text)  # a closing and an opening tag make one line break
    return text.strip()


def _found(raw: bytes) -> str:
    """What was given, described for a refusal message without quoting it (an error text reaches
    the maintainers in Telegram: a server must not be able to write in it)."""
    head = raw.lstrip()[:200].lower()
    if not head:
        return "an empty file"
    if head.startswith((b"<!doctype html", b"<html")) or b"<html" in head:
        kind = "an HTML page"
    elif head.startswith(b"<"):
        kind = "XML"
    elif head[:1] in (b"{", b"["):
        kind = "JSON"
    else:
        try:
            head.decode("utf-8")
            kind = "text"
        except UnicodeDecodeError:
            kind = "binary data"
    return f"{kind} of {len(raw)} bytes"


def load_json(raw: bytes, what: str) -> Any:
    """Parse a JSON feed, or refuse it saying what it looks like instead."""
    start = raw.lstrip()[:1]
    if start == b"<":
        raise FeedRefused(f"{what}: expected JSON, found HTML or XML: {_found(raw)}")
    if start not in (b"{", b"["):
        raise FeedRefused(f"{what}: expected JSON, found {_found(raw)}")
    try:
        return json.loads(raw)
    except (ValueError, UnicodeDecodeError) as error:
        raise FeedRefused(f"{what}: broken or truncated JSON ({error})") from error


def load_rss(raw: bytes, what: str) -> Element:
    """Parse an RSS feed, or refuse it (HTML page, truncated XML, another format)."""
    if raw.lstrip()[:1] in (b"{", b"["):
        raise FeedRefused(f"{what}: expected RSS (XML), found JSON: {_found(raw)}")
    try:
        root: Element = ElementTree.fromstring(raw)
    except ParseError as error:
        raise FeedRefused(f"{what}: broken or truncated XML ({error}): {_found(raw)}") from error
    if root.tag != "rss" or root.find("channel") is None:
        raise FeedRefused(f"{what}: expected an RSS <rss><channel>, found <{root.tag[:30]}>")
    return root


def require_count(count: int, minimum: int, what: str, unit: str) -> None:
    """Refuse an index or feed that lists far fewer destinations than the source publishes."""
    if count < minimum:
        raise FeedRefused(
            f"{what}: only {count} {unit} where at least {minimum} are expected"
            " (a truncated or partial file?)"
        )


def shorten(text: str, limit: int = 700) -> str:
    """Cut `text` at a sentence end before `limit` characters (never after an initial such as
    the "S." of "U.S.")."""
    if len(text) <= limit:
        return text
    cut = text[:limit]
    ends = [m.end() for m in re.finditer(r"(?<!\b[A-Z])\.(?=\s)", cut)]
    end = ends[-1] if ends else 0
    return cut[:end] if end > limit // 3 else cut.rsplit(" ", 1)[0] + "…"


_RISK_WORDS = (
    ("crime", ("crime", "criminal", "robbery", "gang")),
    ("terrorism", ("terroris",)),
    ("kidnapping", ("kidnap", "hostage")),
    ("civil_unrest", ("unrest", "demonstration", "protest", "political violence")),
    ("health", ("health", "medical", "disease", "epidemic", "outbreak")),
    ("natural_disaster", ("natural disaster", "weather", "environmental hazard", "earthquake")),
    ("time_limited_event", ("time-limited", "time limited", "election")),
    ("wrongful_detention", ("wrongful", "arbitrary detention", "arbitrary arrest", "detention")),
    (
        "other",
        (
            "armed conflict",
            "landmine",
            "land mine",
            "unexploded",
            "piracy",
            "missile",
            "arbitrary enforcement",
            "hostilities",
            "armed violence",
            "border clash",
            "civil aviation",
            "war ",
            "invasion",
        ),
    ),
)


def risks_in(phrase: str) -> tuple[str, ...]:
    """The risk indicators named in a phrase such as 'due to crime, terrorism and kidnapping'."""
    lower = phrase.lower() + " "
    found = [risk for risk, words in _RISK_WORDS if any(w in lower for w in words)]
    return tuple(r for r in RISKS if r in found)


def plausible(date: dt.date | None, today: dt.date) -> bool:
    """Whether a feed's date can be believed: not before 1995, not beyond tomorrow."""
    return date is not None and date >= EARLIEST_PLAUSIBLE and not too_far_ahead(date, today)


def change_note_for(info: SourceInfo, old: SourceAdvice, new: SourceAdvice) -> Text:
    """A bilingual note for a level change found in a feed, for the maintainer to review."""
    old_label, new_label = info.label(old.level), info.label(new.level)
    verb_en = "raised" if new.level > old.level else "lowered"
    verb_fr = "relevé" if new.level > old.level else "abaissé"
    return Text(
        en=(
            f"{info.name.en} {verb_en} its advice from level {old.level}"
            f" ({old_label.en if old_label else old.label}) to level {new.level}"
            f" ({new_label.en if new_label else new.label}) on {new.date.isoformat()}."
        ),
        fr=(
            f"{info.name.fr} a {verb_fr} son niveau de {old.level}"
            f" ({old_label.fr if old_label else old.label}) à {new.level}"
            f" ({new_label.fr if new_label else new.label}) le {new.date.isoformat()}."
        ),
    )


def merge_entries(
    data_dir: Path, source_id: str, entries: list[FeedEntry], *, today: dt.date
) -> ImportReport:
    """Merge feed entries into the data files. Every file is validated first; nothing is written
    if any is broken. Which version wins: bot.core.official_dates."""
    levels = read_levels(data_dir)
    info = levels[source_id]
    report = ImportReport()
    updated: dict[str, Advisory] = {}
    for entry in entries:
        for code in entry.codes:
            current = updated.get(code)
            if current is None:
                path = destination_path(data_dir, code)
                if path.exists():
                    current, problems = read_destination(path, today)
                    if problems:
                        raise DataError(problems)
                    assert current is not None
                else:
                    current = Advisory(code=code)
                    report.created.append(code)
            merged = _merge_one(current, entry.advice, info, today, report)
            if merged != current or code in report.created:
                updated[code] = merged
    for code, advisory in sorted(updated.items()):
        write_destination(data_dir, advisory)
        report.written.append(code)
    return report


def _merge_one(
    current: Advisory, advice: SourceAdvice, info: SourceInfo, today: dt.date, report: ImportReport
) -> Advisory:
    old = current.source(advice.source)
    if too_far_ahead(advice.date, today):
        report.refused.append(f"{current.code}: dated {advice.date}, beyond tomorrow")
        return current
    block = block_to_keep(old, advice, today)
    if block is None:
        if old is not None and EARLIEST <= advice.date < old.date:
            report.kept_newer.append(current.code)
        return current
    advice = block
    sources = (*(s for s in current.sources if s.source != advice.source), advice)
    merged = replace(current, sources=tuple(sorted(sources, key=lambda s: SOURCES.index(s.source))))
    if old is not None and old.level != advice.level:
        note = change_note_for(info, old, advice)
        earlier = any(c.startswith(f"{current.code}:") for c in report.level_changes)
        if earlier and current.change_note is not None:  # several changes in one import
            note = Text(
                f"{current.change_note.en}\n{note.en}", f"{current.change_note.fr}\n{note.fr}"
            )
        report.level_changes.append(f"{current.code}: {old.level} -> {advice.level}")
        merged = replace(merged, change_note=note)
    return merged
