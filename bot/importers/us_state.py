"""The US State Department's travel advisories RSS feed (travel.state.gov)."""

from __future__ import annotations

import datetime as dt
import email.utils
import re

from defusedxml import ElementTree

from bot.core.model import SourceAdvice, SourceRegion
from bot.importers.common import FeedEntry, ImportError_, clean_text, risks_in, shorten
from bot.importers.names import FIPS_TO_ISO, GROUP_TAGS, resolve_name

SOURCE = "us-state"
FEED_URL = "https://travel.state.gov/_res/rss/TAsTWs.xml"
_LABELS = {
    1: "Level 1: Exercise Normal Precautions",
    2: "Level 2: Exercise Increased Caution",
    3: "Level 3: Reconsider Travel",
    4: "Level 4: Do Not Travel",
}
_TITLE = re.compile(
    r"^\s*(?P<name>.+?)\s*(?:Travel Advisory)?\s*-\s*(?:See Summaries\s*-\s*)?"
    r"Level\s*(?P<level>[1-4])\s*:\s*(?P<label>.+?)\s*$"
)
_LEVEL = re.compile(r"Level\s*(?P<level>[1-4])\s*:\s*(?P<label>.+)")
_REGIONAL = re.compile(
    r"(?P<phrase>Do not travel|Reconsider travel)\s+to\s*:?\s*(?P<areas>[^.]{3,300}?)"
    r"\s+due to\s+(?P<reason>[^.]{3,200})\.",
    re.IGNORECASE,
)
_HEADLINE = re.compile(
    r"(?:Exercise normal precautions|Exercise increased caution|Reconsider travel|"
    r"Do not travel)[^.]*?\bdue to\b(?P<risks>[^.]*)\.",
    re.IGNORECASE,
)


def parse_date(value: str | None) -> dt.date | None:
    """An RSS pubDate ("Tue, 07 Oct 2025", no time) as a date, or None when unreadable."""
    if not value:
        return None
    value = value.strip()
    try:
        return email.utils.parsedate_to_datetime(value).date()
    except (TypeError, ValueError):
        pass
    try:
        return dt.datetime.strptime(value, "%a, %d %b %Y").date()
    except ValueError:
        return None


def parse_feed(xml: bytes) -> list[FeedEntry]:
    """Every advisory in the feed, each on its ISO code(s). Raise ImportError_ on any entry whose
    country cannot be established beyond doubt (title and FIPS tag must agree)."""
    root = ElementTree.fromstring(xml)
    entries = []
    problems = []
    for item in root.iter("item"):
        title = (item.findtext("title") or "").strip()
        match = _TITLE.match(title)
        if not match:
            problems.append(f"unreadable title {title!r}")
            continue
        categories = {c.get("domain"): (c.text or "").strip() for c in item.findall("category")}
        level, label = _level_of(categories.get("Threat-Level", ""), match)
        name = match.group("name").strip()
        codes = resolve_name(name)
        tag = categories.get("Country-Tag", "")
        from_tag = FIPS_TO_ISO.get(tag)
        if not codes and from_tag:
            codes = (from_tag,)
        if not codes:
            problems.append(f"{title!r}: unknown destination (tag {tag or 'none'})")
            continue
        if from_tag and from_tag not in codes:
            problems.append(f"{title!r}: name says {codes}, FIPS tag {tag} says {from_tag}")
            continue
        if tag in GROUP_TAGS and GROUP_TAGS[tag] != codes:
            problems.append(f"{title!r}: name says {codes}, group tag {tag} says {GROUP_TAGS[tag]}")
            continue
        entries.append(FeedEntry(codes, _advice(item, level, label, codes), name))
    if problems:
        raise ImportError_("US feed: " + "; ".join(problems))
    return entries


def _level_of(threat_level: str, title: re.Match[str]) -> tuple[int, str]:
    """The level from the Threat-Level category, falling back to the title."""
    match = _LEVEL.search(threat_level)
    level = int(match.group("level")) if match else int(title.group("level"))
    if int(title.group("level")) != level:
        raise ImportError_(f"{title.string!r}: title and Threat-Level disagree ({threat_level})")
    return level, _LABELS[level]


def _advice(item: object, level: int, label: str, codes: tuple[str, ...]) -> SourceAdvice:
    find = item.findtext  # type: ignore[attr-defined]
    text = clean_text(find("description") or "")
    paragraphs = [p for p in text.split("\n") if p.strip()]
    change_note = paragraphs[0] if paragraphs else ""
    body = "\n".join(paragraphs[1:])
    headline = _HEADLINE.search(body)
    risks = risks_in(headline.group("risks")) if headline else ()
    flat = re.sub(r"\s*\n-\s*", "; ", body).replace("\n", " ")
    regions = []
    for m in _REGIONAL.finditer(flat):
        areas = tuple(a for a in _split_areas(m.group("areas")) if resolve_name(a) != codes)
        if areas and "any reason" not in m.group("areas"):
            level_of_area = 4 if m.group("phrase").lower().startswith("do not") else 3
            regions.append(SourceRegion(areas, level_of_area, m.group("reason").strip()))
    summary_end = body.find("If you decide to travel")
    summary = body[: summary_end if summary_end > 0 else None]
    return SourceAdvice(
        source=SOURCE,
        label=label,
        level=level,
        date=parse_date(find("pubDate")) or dt.date(1970, 1, 1),
        url=(find("link") or "").strip(),
        summary=shorten(summary.strip()),
        summary_lang="en",
        risks=risks,
        change_note=shorten(change_note, 300),
        regions=tuple(regions),
    )


def _split_areas(areas: str) -> tuple[str, ...]:
    parts = re.split(r"[,;:]\s*(?:and\s+)?|\s+and\s+", areas.strip())
    cleaned = [
        re.sub(r"^(?:the|areas? of|parts? of)\s+", "", p.strip(" -"), flags=re.I) for p in parts
    ]
    return tuple(p for p in cleaned if 2 < len(p) < 120)
