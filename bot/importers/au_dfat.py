"""Australia's Smartraveller destinations export: levels, dates and links, and the regional
levels (where each level applies). Smartraveller's prose is not republished: its licence
lets us keep the levels, dates and links, not the text — so a region keeps its areas and level,
and the "due to …" reason is read only to tell where the areas end, never stored."""

from __future__ import annotations

import datetime as dt
import html
import re

from bot.core.model import SourceAdvice, SourceRegion
from bot.importers.common import (
    FeedEntry,
    FeedParse,
    FeedRefused,
    clean_text,
    load_json,
    require_count,
)
from bot.importers.names import resolve_name

SOURCE = "au-dfat"
FEED_URL = "https://www.smartraveller.gov.au/destinations-export"
# The export lists about 180 destinations: far fewer means a truncated or partial file.
MIN_ITEMS = 150
_LEVELS = {
    "exercise normal safety precautions": 1,
    "exercise a high degree of caution": 2,
    "reconsider your need to travel": 3,
    "do not travel": 4,
}
# In `field_advice_levels` each item opens with its level, as written: "Do not travel".
_LABEL = "|".join(re.escape(w[:1].upper() + w[1:]) for w in _LEVELS)
_NEXT_ITEM = re.compile(rf",\s+(?=(?:{_LABEL})\b)")
_ITEM_LABEL = re.compile(rf"(?:{_LABEL})\b")
# After the level: "to", "to:", ":", "in", "for" go; "within", "near", "on"… stay in the area.
_STATEMENT = re.compile(r"\s*(?:to\s*:|to\b|:|in\b|for\b|(?=(?:within|near|on|along|offshore)\b))")
_SENTENCE_END = re.compile(r"\.(?:\s+|$)")
_DUE_TO = re.compile(r",?\s+(?:due to|because of)\b\s*")
# An "area" holding these words has swallowed a reason: the list lost its separators.
_NOT_A_PLACE = re.compile(r"\b(?:due to|because of|risk of|threat of|overall)\b", re.IGNORECASE)
_PLACEHOLDER = re.compile(r"^(?:the\s+)?(?:following|these)\s+(?:locations|areas)$", re.IGNORECASE)
_MAX_AREA = 300


def parse_date(value: str) -> dt.date | None:
    """Smartraveller's "Sun, 2026-03-01 10:29" (no time zone: the date is what matters)."""
    match = re.search(r"(\d{4})-(\d{2})-(\d{2})", value or "")
    if not match:
        return None
    try:
        return dt.date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return None


def parse_feed(raw: bytes, *, minimum: int = MIN_ITEMS) -> FeedParse:
    """Every destination with a level (the "No travel advice" pseudo-destination skipped); an
    unknown level wording or destination is held for a maintainer. Raise FeedRefused when `raw`
    is not the export or lists fewer than `minimum` destinations."""
    data = load_json(raw, "Smartraveller export")
    if not isinstance(data, list) or not all(
        isinstance(i, dict) and "field_overall_advice_level" in i for i in data
    ):
        raise FeedRefused(
            "Smartraveller export: expected a list of destinations with"
            " 'field_overall_advice_level'"
        )
    require_count(len(data), minimum, "Smartraveller export", "destinations")
    entries = []
    problems = []
    for item in data:
        title = html.unescape(item.get("title", "")).strip()
        wording = (item.get("field_overall_advice_level") or "").strip()
        level = _LEVELS.get(wording.lower())
        if level is None:
            if wording.lower() != "no travel advice":
                problems.append(f"{title!r}: unknown level {wording!r}")
            continue
        codes = resolve_name(title)
        if not codes:
            problems.append(f"{title!r}: unknown destination")
            continue
        advice_levels = item.get("field_advice_levels")
        text = clean_text(advice_levels) if isinstance(advice_levels, str) else ""
        entries.append(
            FeedEntry(
                codes,
                SourceAdvice(
                    source=SOURCE,
                    label=wording,
                    level=level,
                    date=parse_date(item.get("changed", "")) or dt.date(1970, 1, 1),
                    url=item.get("field_url", "").strip(),
                    regions=regional_levels(text, title, codes),
                ),
                title,
            )
        )
    return FeedParse(entries, problems)


def regional_levels(text: str, title: str, codes: tuple[str, ...]) -> tuple[SourceRegion, ...]:
    """The regional levels of a `field_advice_levels` text, such as "Exercise a high degree of
    caution Exercise a high degree of caution in Cambodia overall due to …, Do not travel Do not
    travel to areas within 50 kilometres of the Cambodia-Thailand border … due to armed conflict
    …": every item but the first (the country overall). An item that cannot be read with
    certainty (a list whose separators the export lost, a reason glued to an area) is left out."""
    regions: list[SourceRegion] = []
    for item in _NEXT_ITEM.split(text)[1:]:
        region = _read_item(item.strip())
        if region is None or any(_names_destination(a, title, codes) for a in region.areas):
            continue
        if region not in regions:
            regions.append(region)
    return tuple(regions)


def _names_destination(area: str, title: str, codes: tuple[str, ...]) -> bool:
    """Whether an "area" is the destination itself ("Iraq, including the Kurdistan Region")."""
    head = re.split(r"[,(]", area, maxsplit=1)[0].strip()
    return head == title or resolve_name(head) == codes


def _read_item(item: str) -> SourceRegion | None:
    """One item: its level, then its sentence ("Do not travel Do not travel to X due to R."),
    or a short sentence and then the full one ("Do not travel to X. Do not travel to X due to
    R."): the short one gives the areas (its list is written out), the full one the reason."""
    label = _ITEM_LABEL.match(item)
    if label is None:
        return None
    wording = label.group(0)
    level = _LEVELS[wording.lower()]
    repeated = re.match(rf"{re.escape(wording)}\.?\s+(?={re.escape(wording)}\b)", item)
    second = -1 if repeated else item.find(f". {wording}")
    if second < 0:
        read = _read_statement(item[repeated.end() :] if repeated else item, wording)
        return SourceRegion(read[0], level) if read else None
    short = _read_statement(item[: second + 1], wording) or _read_statement(
        item[second + 2 :], wording
    )
    return SourceRegion(short[0], level) if short else None


def _read_statement(statement: str, wording: str) -> tuple[tuple[str, ...], str] | None:
    """(areas, reason) of "Do not travel to X due to R. …", or None when it cannot be read."""
    prep = _STATEMENT.match(statement, len(wording))
    if prep is None:
        return None
    listed = ":" in prep.group(0)
    rest = statement[prep.end() :]
    end = _SENTENCE_END.search(rest)
    if end is None:  # an item that stops mid-sentence has lost part of its text
        return None
    after = rest[end.end() :]
    if after[:1].islower():  # a period inside a list, not a sentence end
        return None
    sentence = rest[: end.start()]
    due = _DUE_TO.search(sentence)
    if due is None and _DUE_TO.search(after) and listed:
        return None  # a list cut by a period before its reason: part of it would be lost
    areas_text = sentence[: due.start()] if due else sentence
    reason = sentence[due.end() :] if due else ""
    if _DUE_TO.search(reason):
        return None  # "A due to R1 B due to R2": areas glued to another area's reason
    if reason.startswith(":"):
        reason = ""  # a list of reasons whose separators were lost
    areas_text = areas_text.strip(" ,")
    if _PLACEHOLDER.match(areas_text):
        return _bulleted(reason)
    if listed and not re.search(r"[,;]", re.sub(r"\([^)]*\)", "", areas_text)):
        return None  # "to: Balochistan Khyber-Pakhtunkhwa": the list lost its separators
    areas = tuple(_area(a) for a in areas_text.split(";"))
    if not all(3 <= len(a) <= _MAX_AREA and not _NOT_A_PLACE.search(a) for a in areas):
        return None
    return areas, reason.strip(" ,")


def _bulleted(reason_and_list: str) -> tuple[tuple[str, ...], str] | None:
    """ "the following locations, due to R: • A • B": the bullets are the areas."""
    reason, colon, listed = reason_and_list.partition(":")
    if not colon or not listed.strip().startswith("•"):
        return None
    areas = tuple(_area(a) for a in listed.split("•") if a.strip(" ."))
    if not areas or not all(3 <= len(a) <= _MAX_AREA for a in areas):
        return None
    return areas, reason.strip(" ,")


def _area(text: str) -> str:
    text = text.strip(" .,")
    return re.sub(r"^(?:and\s+)?(?:the\s+)?", "", text).strip()
