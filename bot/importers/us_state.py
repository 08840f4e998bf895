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
import itertools
import re
from dataclasses import replace
from xml.etree.ElementTree import Element

from bot.core.model import SOURCE_LICENCES, OfficialSection, SourceAdvice, SourceRegion
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
from bot.importers.official_parts import keep_valid, section
from bot.importers.official_text import html_to_text

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
# "Do Not Travel to:", "Do not travel to the following locations due to R:", then "- " lines.
_LIST_HEAD = re.compile(
    r"^(?P<phrase>Do not travel|Reconsider travel)\s+to\b(?P<what>[^:]*):\s*$", re.IGNORECASE
)
_PLACEHOLDER = re.compile(
    r"^(?:the\s+)?(?:following|these|below)\s+(?:locations|areas|places)(?:\s+of\s+[\w ]+)?$",
    re.IGNORECASE,
)
_SENTENCE_END = re.compile(r"(?<!\b[A-Z])(?<!\bMt)(?<!\bSt)\.(?:\s+|$)")
# A part that opens with these words goes on from the part before ("X, including Y").
_CONTINUES = re.compile(
    r"(?:including|particularly|especially|notably|such as|which|where|that|except|excluding|"
    r"at|in|on|within|between|from|near|along|beyond|other than|its|their|surrounding|"
    r"(?:north|south|east|west) of|the most|[a-z]+ed)\b"
)
_OBJECT_AT_END = re.compile(
    r"\b(?:of|with|near|between|along|bordering|from)\s+(?:the\s+)?[A-Z][^,;]*"
    r"(?:,\s*(?:(?:and|or)\s+)?[A-Z][^,;]*)*$"
)
_AREA_NOUN = re.compile(
    r"areas?|regions?|provinces?|states?|departments?|districts?|count(?:y|ies)|borders?|"
    r"governorates?|zones?|peninsula|city|cities|towns?|neighbou?rhoods?|municipalit(?:y|ies)|"
    r"archipelago|islands?|territor(?:y|ies)|reserves?|parks?|highways?|roads?|camps?|valleys?|"
    r"coasts?|divisions?|prefectures?|oblasts?|parish(?:es)?|communes?|suburbs?|gulf|sea|"
    r"rivers?|mountains?"
)
_MAX_AREA = 250
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
    regions = _regions(body, codes)
    summary_end = body.find("If you decide to travel")
    summary = body[: summary_end if summary_end > 0 else None]
    url = (item.findtext("link") or "").strip()
    advisory = summary_section(item.findtext("description") or "", url)
    return keep_valid(
        SourceAdvice(
            source=SOURCE,
            label=label,
            level=level,
            date=parse_date(item.findtext("pubDate")) or UNKNOWN_DATE,
            url=url,
            summary=shorten(summary.strip()),
            summary_lang="en",
            risks=risks,
            change_note=shorten(change_note, 300),
            regions=tuple(regions),
            sections=(advisory,) if advisory else (),
            licence=SOURCE_LICENCES[SOURCE],
        )
    )


def summary_section(description: str, url: str) -> OfficialSection | None:
    """The advisory in full as the "summary" section (public domain), without the note on what
    changed that opens most descriptions."""
    blocks = html_to_text(description).split("\n\n")
    if blocks and not _OPENS_WITH_ADVICE.match(blocks[0]) and len(blocks) > 1:
        blocks = blocks[1:]
    return section("summary", "Travel advisory", "\n\n".join(blocks), "en", url)


def _regions(body: str, codes: tuple[str, ...]) -> tuple[SourceRegion, ...]:
    """The areas the advisory puts at level 3 or 4: its lists ("Do Not Travel to:" and one
    "- area due to reason" line each), then its sentences ("Do not travel to X due to R.")."""
    regions: list[SourceRegion] = []
    sentences: list[str] = []
    lines = body.split("\n")
    at = 0
    while at < len(lines):
        head = _LIST_HEAD.match(lines[at])
        items = list(itertools.takewhile(lambda line: line.startswith("- "), lines[at + 1 :]))
        if head is None or not items:
            sentences.append(lines[at])
            at += 1
            continue
        at += 1 + len(items)
        what, due, shared_reason = head.group("what").partition("due to")
        shared_reason = shared_reason if due else ""
        if what.strip() and not _PLACEHOLDER.match(what.strip()):
            continue  # a list whose heading names its own areas: not a form we know
        for item in items:
            first = _SENTENCE_END.split(item[2:].strip(" ;"), maxsplit=1)[0]
            areas_text, due, reason = first.partition(" due to ")
            region = _region(head.group("phrase"), areas_text, reason if due else shared_reason)
            _add(regions, region, areas_text, codes)
    flat = re.sub(r"\s*\n-\s*", "; ", "\n".join(sentences)).replace("\n", " ")
    for m in _REGIONAL.finditer(flat):
        areas_text = m.group("areas")
        if "any reason" in areas_text or _PLACEHOLDER.match(areas_text.strip(" :;")):
            continue
        region = _region(m.group("phrase"), areas_text, m.group("reason"))
        _add(regions, region, areas_text, codes)
    return tuple(regions)


def _region(phrase: str, areas_text: str, reason: str) -> SourceRegion:
    level = 4 if phrase.lower().startswith("do not") else 3
    return SourceRegion(_split_areas(areas_text), level, reason.strip(" .,;:"))


def _add(
    regions: list[SourceRegion], region: SourceRegion, areas_text: str, codes: tuple[str, ...]
) -> None:
    """Add `region` unless it is the destination itself ("Trinidad and Tobago", "or remain in
    Venezuela") or already there; areas that are the destination are left out."""
    whole = re.sub(r"^(?:or\s+)?(?:remain\s+)?in\s+", "", areas_text.strip(" :;."))
    if resolve_name(whole) == codes:
        return
    areas = tuple(a for a in region.areas if resolve_name(a) != codes)
    kept = replace(region, areas=areas)
    if areas and kept not in regions:
        regions.append(kept)


def _split_areas(areas: str) -> tuple[str, ...]:
    """A list of areas as separate areas ("Malian border area, Diffa region, northern Agadez,
    and Lake Chad region"), but one area where "and" joins words that share a noun ("the
    Cambodian and Thai border", "Yala, Pattani, and Narathiwat provinces", "Kidal and Gao
    regions") or the names after one preposition ("neighborhoods of Eastleigh and Kibera",
    "borders with Bolivia, Colombia, and Venezuela"); "X, including Y" stays one area. Joined
    areas keep the feed's own words and commas."""
    text = areas.strip(" :;")
    spans = _top_level_spans(text)
    # Each area: [start, end, end of its own words, before any "including …"]
    merged: list[list[int]] = []
    for start, end, after_and in spans:
        part = text[start:end]
        if merged:
            before = text[merged[-1][0] : merged[-1][2]]
            if (
                _CONTINUES.match(part)
                or _both_directions(before, part)
                or (after_and and _is_modifier(before) and _ends_with_noun(part))
                or _continues_examples(text[merged[-1][0] : merged[-1][1]], part)
                or (
                    _ends_with_object(text[merged[-1][0] : merged[-1][1]])
                    and _starts_with_name(part)
                )
            ):
                grows_core = not _CONTINUES.match(part)
                merged[-1][1] = end
                if grows_core:
                    merged[-1][2] = end
                continue
        merged.append([start, end, end])
    cores = [text[a:c] for a, _, c in merged]
    if len(merged) > 1 and _ends_with_noun(cores[-1]) and all(_is_modifier(c) for c in cores[:-1]):
        merged = [[merged[0][0], merged[-1][1], merged[-1][2]]]
    cleaned = [_strip_article(text[a:b]) for a, b, _ in merged]
    return tuple(p for p in cleaned if 2 < len(p) <= _MAX_AREA)


def _top_level_spans(text: str) -> list[tuple[int, int, bool]]:
    """(start, end, whether it follows a bare " and ") of the parts of `text` between its
    commas, semicolons and " and " outside brackets, a leading "and"/"or" left out."""
    spans, depth, start, after_and = [], 0, 0, False
    for m in re.finditer(r"[()]|[,;]\s*(?:(?:and|or)\s+)?|\s+and\s+", text):
        if m.group(0) == "(":
            depth += 1
        elif m.group(0) == ")":
            depth = max(0, depth - 1)
        elif depth == 0:
            if text[start : m.start()].strip():
                spans.append((start, m.start(), after_and))
            start, after_and = m.end(), m.group(0).strip() == "and"
    if text[start:].strip():
        spans.append((start, len(text), after_and))
    return spans


def _unbracketed(text: str) -> str:
    return re.sub(r"\s*\([^)]*\)", "", text).strip()


def _ends_with_noun(text: str) -> bool:
    """Whether `text` ends with a noun for an area ("… provinces", "… border")."""
    words = _unbracketed(text).split()
    return bool(words) and _AREA_NOUN.fullmatch(words[-1].lower()) is not None


def _is_modifier(text: str) -> bool:
    """A part that needs the next one's noun: "Yala", "the Cambodian", "parts of East"."""
    return not _ends_with_noun(text)


def _ends_with_object(text: str) -> bool:
    """Whether `text` ends with names after a preposition ("… borders with Bolivia, Peru")."""
    return _OBJECT_AT_END.search(_unbracketed(text)) is not None


def _starts_with_name(text: str) -> bool:
    """ "Côte d’Ivoire", "Kibera", "Arenillas in the province of El Oro"; not "the border"."""
    first = _unbracketed(text).split()[:1]
    return bool(first) and first[0][:1].isupper() and first[0].lower() not in ("the", "all")


def _continues_examples(before: str, part: str) -> bool:
    """ "developments, such as favelas, vilas, or comunidades": the examples go on."""
    words = _unbracketed(part).split()
    return (
        re.search(r"\b(?:such as|including)\b[^;]*$", before) is not None
        and 0 < len(words) <= 3
        and not any(_AREA_NOUN.fullmatch(w.lower()) for w in words)
    )


def _both_directions(before: str, part: str) -> bool:
    """ "all areas north and east extending to …": two directions make one area."""
    return (
        re.search(r"\b(?:north|south|east|west)$", before) is not None
        and re.match(r"(?:north|south|east|west)\b", part) is not None
    )


def _strip_article(text: str) -> str:
    return re.sub(r"^the\s+", "", text.strip(" -.;,"), flags=re.IGNORECASE)
