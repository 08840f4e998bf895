"""The US State Department's travel advisories RSS feed (travel.state.gov).

Since 2026 most item links name the country by its ISO 3166-1 alpha-3 code
(`.../travel-advisories/destination.ner.html`); a few keep the old slug
(`.../traveladvisories/traveladvisories/niger-travel-advisory.html`), and some countries appear
twice, once in each form. Country-Tags mix FIPS 10-4 and ISO codes. An item is imported only when
its country is certain: the link's ISO code agrees with the name, or (old links) the name agrees
with its slug and its tag under one of the two codings. Every other item is held for a maintainer.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import re
from xml.etree.ElementTree import Element

from bot.core.model import SourceAdvice, SourceRegion
from bot.importers.common import (
    FeedEntry,
    FeedParse,
    clean_text,
    load_rss,
    require_count,
    risks_in,
    shorten,
)
from bot.importers.names import FIPS_TO_ISO, GROUP_TAGS, alpha3_to_alpha2, resolve_name

SOURCE = "us-state"
FEED_URL = "https://travel.state.gov/_res/rss/TAsTWs.xml"
# The full feed lists about 220 destinations: far fewer means a truncated or partial file.
MIN_ITEMS = 150
UNKNOWN_DATE = dt.date(1970, 1, 1)  # the merge treats it as "no date" (implausible)
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
_NEW_LINK = re.compile(r"/destination\.(?P<iso3>[A-Za-z]{3})\.html?$")
_OLD_LINK = re.compile(r"/(?P<slug>[A-Za-z0-9-]+?)(?:-travel-advisory)?\.html?$", re.IGNORECASE)
_REGIONAL = re.compile(
    r"(?P<phrase>Do not travel|Reconsider travel)\s+to\s*:?\s*(?P<areas>[^.]{3,300}?)"
    r"\s+due to\s+(?P<reason>[^.]{3,200})\.",
    re.IGNORECASE,
)
_HEADLINE = re.compile(
    r"(?:Exercise normal precautions?|Exercise increased caution|Reconsider travel|"
    r"Do not travel)[^.]*?\bdue to\b(?P<risks>[^.]*)\.",
    re.IGNORECASE,
)
# A description that opens with the advice itself has no change note before it.
_OPENS_WITH_ADVICE = re.compile(
    r"^(?:Exercise normal precautions?|Exercise increased caution|Reconsider travel|"
    r"Do not travel)\b",
    re.IGNORECASE,
)


def parse_date(value: str | None) -> dt.date | None:
    """An RSS pubDate ("Tue, 07 Oct 2025", with or without a time; also "2025-10-07" or
    "07 Oct 2025") as a date, or None when unreadable."""
    if not value:
        return None
    value = value.strip()
    try:
        return email.utils.parsedate_to_datetime(value).date()
    except (TypeError, ValueError, IndexError):
        pass
    for pattern in ("%a, %d %b %Y", "%d %b %Y", "%Y-%m-%d", "%a, %d %B %Y", "%B %d, %Y"):
        try:
            return dt.datetime.strptime(value, pattern).date()
        except ValueError:
            continue
    return None


def parse_feed(xml: bytes, *, minimum: int = MIN_ITEMS) -> FeedParse:
    """Every advisory of the feed whose country is certain, on its ISO code(s); the doubtful ones
    in `held`. Raise FeedRefused when `xml` is not the feed or lists fewer than `minimum` items."""
    root = load_rss(xml, "US feed")
    items = list(root.iter("item"))
    require_count(len(items), minimum, "US feed", "items")
    found: list[tuple[FeedEntry, bool]] = []  # (entry, whether its link is the new ISO form)
    held: list[str] = []
    for item in items:
        entry, reason = _read_item(item)
        if entry is None:
            held.append(reason)
        else:
            found.append((entry, bool(_NEW_LINK.search(entry.advice.url))))
    entries, doubtful = _one_per_destination(found)
    return FeedParse(entries, held + doubtful)


def _read_item(item: Element) -> tuple[FeedEntry | None, str]:
    """The item's entry when its country is certain, else (None, why it is held)."""
    title = (item.findtext("title") or "").strip()
    match = _TITLE.match(title)
    if not match:
        return None, f"unreadable title {title!r}"
    categories = {c.get("domain"): (c.text or "").strip() for c in item.findall("category")}
    threat = _LEVEL.search(categories.get("Threat-Level", ""))
    level = int(match.group("level"))
    if threat and int(threat.group("level")) != level:
        return None, f"{title!r}: title and Threat-Level disagree ({threat.group(0)})"
    name = match.group("name").strip()
    codes = resolve_name(name)
    link = (item.findtext("link") or "").strip()
    new_link = _NEW_LINK.search(link)
    if new_link:
        iso3 = new_link.group("iso3").upper()
        from_link = alpha3_to_alpha2(iso3)
        if from_link is None:
            return None, f"{title!r}: link code {iso3} is not a known country ({link})"
        if not codes:
            return None, f"{title!r}: unknown name; the link says {from_link} ({iso3})"
        if from_link not in codes:
            return None, f"{title!r}: name says {'/'.join(codes)}, link says {from_link} ({iso3})"
    else:
        if not codes:
            tag = categories.get("Country-Tag") or "none"
            return None, f"{title!r}: unknown destination (tag {tag}, link {link or 'none'})"
        doubt = _old_item_doubt(title, codes, categories.get("Country-Tag", ""), link)
        if doubt:
            return None, doubt
    return FeedEntry(codes, _advice(item, level, _LABELS[level], codes), name), ""


def _old_item_doubt(title: str, codes: tuple[str, ...], tag: str, link: str) -> str:
    """Why an old-style item's country is doubtful ("" when name, slug and tag agree)."""
    slug = _OLD_LINK.search(link)
    if slug:
        from_slug = resolve_name(slug.group("slug").replace("-", " "))
        if from_slug and from_slug != codes:
            return f"{title!r}: name says {'/'.join(codes)}, link says {'/'.join(from_slug)}"
    if not tag:
        return ""
    if tag in GROUP_TAGS:
        if GROUP_TAGS[tag] != codes:
            return f"{title!r}: name says {'/'.join(codes)}, group tag {tag} says otherwise"
        return ""
    # The tag is FIPS 10-4, but the feed slips into ISO now and then (Guinea-Bissau: GW).
    if FIPS_TO_ISO.get(tag) in codes or tag in codes:
        return ""
    fips = FIPS_TO_ISO.get(tag, "nothing")
    return f"{title!r}: name says {'/'.join(codes)}, FIPS tag {tag} says {fips}"


def _one_per_destination(
    found: list[tuple[FeedEntry, bool]],
) -> tuple[list[FeedEntry], list[str]]:
    """A country listed twice (once per link form) gives one entry: the new link's when both
    give the same level, else the later date's; it is held if they disagree on the same date.
    Territories sharing a code under old links (Bonaire, Saba) each keep their entry."""
    by_codes: dict[tuple[str, ...], list[tuple[FeedEntry, bool]]] = {}
    for entry, is_new in found:
        by_codes.setdefault(entry.codes, []).append((entry, is_new))
    entries: list[FeedEntry] = []
    held: list[str] = []
    for codes, group in by_codes.items():
        if len(group) == 1 or not any(is_new for _, is_new in group):
            entries.extend(entry for entry, _ in group)
            continue
        if len({e.advice.level for e, _ in group}) == 1:
            group.sort(key=lambda pair: (pair[1], pair[0].advice.date), reverse=True)
            entries.append(group[0][0])
            continue
        latest_date = max(e.advice.date for e, _ in group)
        latest = [e for e, _ in group if e.advice.date == latest_date]
        if latest_date == UNKNOWN_DATE or len({e.advice.level for e in latest}) > 1:
            levels = ", ".join(f"level {e.advice.level} ({e.advice.url})" for e, _ in group)
            held.append(f"{'/'.join(codes)} listed twice with different levels: {levels}")
            continue
        entries.append(latest[0])
    return entries, held


def _advice(item: Element, level: int, label: str, codes: tuple[str, ...]) -> SourceAdvice:
    text = clean_text(item.findtext("description") or "")
    paragraphs = [p for p in text.split("\n") if p.strip()]
    if paragraphs and not _OPENS_WITH_ADVICE.match(paragraphs[0]):
        change_note, body = paragraphs[0], "\n".join(paragraphs[1:])
    else:
        change_note, body = "", "\n".join(paragraphs)
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
        date=parse_date(item.findtext("pubDate")) or UNKNOWN_DATE,
        url=(item.findtext("link") or "").strip(),
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
