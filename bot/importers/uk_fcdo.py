"""The UK's foreign travel advice (GOV.UK Content API): the index of every country and one
country's page: its level, the areas the FCDO advises against ("Warnings and insurance"), every
part as an official section, the local emergency numbers and the British office ("Getting
help")."""

from __future__ import annotations

import datetime as dt
import functools
import re
import unicodedata
from pathlib import Path
from typing import Any

from bot.core.model import (
    SOURCE_LICENCES,
    Embassy,
    EmergencyNumber,
    OfficialSection,
    SourceAdvice,
    SourceRegion,
)
from bot.importers.common import (
    FeedEntry,
    FeedRefused,
    IndexItem,
    clean_text,
    load_json,
    require_count,
    shorten,
)
from bot.importers.emergency_numbers import block_after_heading, numbers_in_block
from bot.importers.html_blocks import Node, parse_html
from bot.importers.names import resolve_name
from bot.importers.official_parts import keep_valid, section
from bot.importers.official_text import html_to_text

SOURCE = "uk-fcdo"
INDEX_URL = "https://www.gov.uk/api/content/foreign-travel-advice"
COUNTRY_URL = "https://www.gov.uk/api/content/foreign-travel-advice/{key}"
# GOV.UK publishes advice for about 225 destinations: far fewer means a partial index.
MIN_COUNTRIES = 150
_LABELS = {
    1: "No advice against travel",
    2: "Advises against travel to parts of the country",
    3: "Advises against all but essential travel",
    4: "Advises against all travel",
}
_AGAINST = re.compile(
    r"advises? against (?P<kind>all but essential travel|all travel) (?:to|on|in)\s*(?P<rest>.*)",
    re.IGNORECASE | re.DOTALL,
)
_DUE_TO = re.compile(r"^\s*(?:due to|because of)\s+(?P<reason>.+?),\s*(?:the\s+)?FCDO\b", re.I)
PAGE_URL = "https://www.gov.uk/foreign-travel-advice/{slug}"
# Each part of a country page, by its slug, as one of our topics (OFFICIAL_TOPICS). Pages before
# 2023 had "summary", "terrorism", "local-laws-and-customs", "natural-disasters" parts.
PART_TOPICS = {
    "warnings-and-insurance": "warnings",
    "summary": "warnings",
    "entry-requirements": "entry",
    "safety-and-security": "security",
    "terrorism": "security",
    "regional-risks": "regions",
    "health": "health",
    "local-laws-and-customs": "laws",
    "natural-disasters": "disasters",
    "natural-disasters-and-climate": "disasters",
    "getting-help": "help",
    "travel-advice-help-and-support": "help",
}
# A part whose slug is not in PART_TOPICS: its topic from the words of its slug (first match);
# parts that match none ("money") are left out.
_TOPIC_WORDS = (
    ("warning", "warnings"),
    ("entry", "entry"),
    ("visa", "entry"),
    ("safety", "security"),
    ("security", "security"),
    ("terror", "security"),
    ("region", "regions"),
    ("health", "health"),
    ("law", "laws"),
    ("custom", "laws"),
    ("disaster", "disasters"),
    ("climate", "disasters"),
    ("help", "help"),
)
# A British office's contact page, named by its slug: ".../posts/kenya/british-high-commission-
# nairobi" (since 2024) or ".../world/organisations/british-embassy-havana".
_OFFICE_LINK = re.compile(
    r"/(?:posts/[a-z0-9-]+|world/organisations)/(?P<office>british-(?P<kind>embassy|high-commission|"
    r"deputy-high-commission|consulate-general|consulate)-(?P<city>[a-z0-9-]+?))/?(?:[?#].*)?$"
)
_OFFICE_KINDS = {
    "embassy": ("embassy", "British Embassy"),
    "high-commission": ("embassy", "British High Commission"),
    "deputy-high-commission": ("consulate", "British Deputy High Commission"),
    "consulate-general": ("consulate", "British Consulate General"),
    "consulate": ("consulate", "British Consulate"),
}
_CITIES_FILE = Path(__file__).resolve().parents[2] / "data" / "places" / "cities.tsv"


def country_url(key: str) -> str:
    """The Content API page of one country (key: its GOV.UK slug)."""
    return COUNTRY_URL.format(key=key)


def level_from_alert_status(statuses: list[str]) -> int:
    """The UK has no numeric level: derive ours from its alert statuses. An empty list means
    the FCDO advises against travel to no part of the country: our level 1, labelled "No advice
    against travel" (never a level the UK did not give)."""
    if "avoid_all_travel_to_whole_country" in statuses:
        return 4
    if "avoid_all_but_essential_travel_to_whole_country" in statuses:
        return 3
    if any(s.endswith("_to_parts") for s in statuses):
        return 2
    return 1


def _date(value: Any) -> dt.date:
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        return dt.date(1970, 1, 1)  # the merge treats it as "no date"


def _datetime(value: Any) -> dt.datetime | None:
    try:
        moment = dt.datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def _is_index(data: dict[str, Any]) -> bool:
    return data.get("document_type") == "travel_advice_index" or (
        data.get("base_path") == "/foreign-travel-advice"
        and isinstance(data.get("links", {}).get("children"), list)
    )


def parse_index(raw: bytes, *, minimum: int = MIN_COUNTRIES) -> list[IndexItem]:
    """Every country the index lists, with its slug and last public update. Children whose name
    no list knows are left out (the per-country import would refuse them anyway). Refuse a
    country page, another document, or an index with far fewer countries than GOV.UK has."""
    data = load_json(raw, "GOV.UK index")
    if not isinstance(data, dict):
        raise FeedRefused("GOV.UK index: expected a Content API document (a JSON object)")
    if "country" in (data.get("details") or {}):
        country = data["details"]["country"]
        raise FeedRefused(
            f"GOV.UK index: this is the page of one country ({country.get('name')}), not the"
            " index (/api/content/foreign-travel-advice)"
        )
    if not _is_index(data):
        raise FeedRefused(
            "GOV.UK index: expected document_type 'travel_advice_index', found"
            f" {data.get('document_type')!r} at {data.get('base_path')!r}"
        )
    items = []
    for child in data.get("links", {}).get("children", []):
        if not isinstance(child, dict):
            continue
        country = (child.get("details") or {}).get("country") or {}
        slug = country.get("slug") or str(child.get("base_path", "")).rsplit("/", 1)[-1]
        name = country.get("name") or re.sub(r"\s+travel advice$", "", child.get("title", ""))
        codes = resolve_name(name) if name else ()
        if not slug or len(codes) != 1:
            continue
        updated = _datetime(child.get("public_updated_at"))
        items.append(IndexItem(codes[0], slug, updated, country_url(slug)))
    require_count(len(items), minimum, "GOV.UK index", "countries")
    return items


def parse_country(raw: bytes) -> FeedEntry:
    """One country's advice: the level from `details.alert_status`, the date from
    `public_updated_at`, the areas the FCDO advises against as regions. Refuse the index, a page
    without an alert status (its level is unknown, not "safe"), or anything else."""
    data = load_json(raw, "GOV.UK country page")
    if not isinstance(data, dict):
        raise FeedRefused("GOV.UK country page: expected a Content API document (a JSON object)")
    if _is_index(data):
        raise FeedRefused(
            "GOV.UK country page: this is the index of every country; give the country pages"
            " (/api/content/foreign-travel-advice/<slug>)"
        )
    details = data.get("details") or {}
    country = details.get("country") or {}
    if data.get("document_type", "travel_advice") != "travel_advice" or not country.get("name"):
        raise FeedRefused(
            "GOV.UK country page: expected a travel_advice page with details.country, found"
            f" {data.get('document_type')!r} at {data.get('base_path')!r}"
        )
    name, slug = country["name"], country.get("slug", "")
    codes = resolve_name(name)
    if not codes:
        raise FeedRefused(f"GOV.UK country page: unknown destination {name!r} ({slug})")
    statuses = details.get("alert_status")
    if not isinstance(statuses, list):
        raise FeedRefused(f"GOV.UK country page {name!r}: no alert_status, so its level is unknown")
    level = level_from_alert_status(statuses)
    note = clean_text(details.get("change_description") or "")
    note = note.removeprefix("Latest update:").strip()
    listed = details.get("parts")
    parts = [p for p in listed if isinstance(p, dict)] if isinstance(listed, list) else []
    warnings = _warnings_part(parts)
    summary, regions = _against(warnings, level, codes, slug) if warnings else ("", ())
    sections = official_sections(parts, slug)
    advice = SourceAdvice(
        source=SOURCE,
        label=_LABELS[level],
        level=level,
        date=_date(data.get("public_updated_at") or details.get("updated_at")),
        url=PAGE_URL.format(slug=slug),
        summary=shorten(summary or note, 500),
        summary_lang="en",
        change_note=shorten(note, 300),
        regions=regions,
        sections=sections,
        emergency=emergency_numbers(sections),
        offices=british_offices(parts, codes),
        licence=SOURCE_LICENCES[SOURCE],
    )
    return FeedEntry(codes, keep_valid(advice), name)


def official_sections(parts: list[dict[str, Any]], slug: str) -> tuple[OfficialSection, ...]:
    """Every part of the page as plain text, with its own URL; parts with no text or no topic
    are left out (a part GOV.UK does not publish is simply absent)."""
    out = []
    for part in parts:
        part_slug = str(part.get("slug") or "")
        topic = _topic(part_slug)
        if topic is None or not re.fullmatch(r"[a-z0-9-]+", part_slug):
            continue
        made = section(
            topic,
            html_to_text(part.get("title")) or part_slug.replace("-", " ").capitalize(),
            html_to_text(part.get("body")),
            "en",
            f"{PAGE_URL.format(slug=slug)}/{part_slug}",
        )
        if made is not None:
            out.append(made)
    return tuple(out)


def _topic(part_slug: str) -> str | None:
    if part_slug in PART_TOPICS:
        return PART_TOPICS[part_slug]
    return next((topic for word, topic in _TOPIC_WORDS if word in part_slug), None)


def emergency_numbers(sections: tuple[OfficialSection, ...]) -> tuple[EmergencyNumber, ...]:
    """The numbers of the "Emergency services in …" block ("Getting help" first)."""
    ordered = sorted(sections, key=lambda s: s.topic != "help")
    for part in ordered:
        block = block_after_heading(part.text)
        if block:
            return numbers_in_block(block)
    return ()


def british_offices(parts: list[dict[str, Any]], codes: tuple[str, ...]) -> tuple[Embassy, ...]:
    """The British embassy, high commission or consulate whose contact page "Getting help" links
    to, named as GOV.UK names it; its address and phone are not on the page, so none is set."""
    offices: list[Embassy] = []
    for part in parts:
        if _topic(str(part.get("slug") or "")) != "help":
            continue
        for link in parse_html(str(part.get("body") or "")).find_all("a"):
            href = link.attrs.get("href", "")
            match = _OFFICE_LINK.search(href)
            if match is None or not href.startswith("https://"):
                continue
            kind, title = _OFFICE_KINDS[match.group("kind")]
            city = _city(match.group("city"), codes)
            office = Embassy(
                of="GB", kind=kind, city=city, url=href, name=f"{title} {city}".strip()
            )
            if office not in offices:
                offices.append(office)
    return tuple(offices)


def _fold(name: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")


@functools.cache
def _cities() -> dict[tuple[str, str], str]:
    """(country, folded name) -> the city's name as written in data/places/cities.tsv."""
    found: dict[tuple[str, str], str] = {}
    try:
        lines = _CITIES_FILE.read_text(encoding="utf-8").split("\n")
    except OSError:
        return found
    for line in lines:
        cells = line.split("\t")
        if line.startswith(("#", "name\t")) or len(cells) < 2:
            continue
        names = [cells[0], *(cells[4].split(";") if len(cells) > 4 and cells[4] else [])]
        for name in names:
            found.setdefault((cells[1], _fold(name)), cells[0])
    return found


def _city(slug: str, codes: tuple[str, ...]) -> str:
    """The city a slug names ("port-au-prince" -> "Port-au-Prince", "bogota" -> "Bogotá"),
    spelled as our list of cities spells it, else as the slug's words."""
    for code in codes:
        known = _cities().get((code, slug))
        if known:
            return known
    return " ".join(w if w in ("de", "la", "el", "al") else w.capitalize() for w in slug.split("-"))


def _warnings_part(parts: list[dict[str, Any]]) -> str:
    """The HTML of the part that lists where the FCDO advises against travel: "Warnings and
    insurance" since 2023, "Summary" before."""
    by_slug = {p.get("slug"): p.get("body", "") for p in parts}
    return str(by_slug.get("warnings-and-insurance") or by_slug.get("summary") or "")


def _against(
    markup: str, level: int, codes: tuple[str, ...], slug: str
) -> tuple[str, tuple[SourceRegion, ...]]:
    """The first "FCDO advises against" paragraph (the why, for the card) and the areas advised
    against, each heading's lists as one region per level, when above the country's level."""
    root = parse_html(markup)
    summary = ""
    regions: list[SourceRegion] = []
    nodes = [n for n in root.iter() if n.tag in ("h2", "h3", "p", "ul")]
    for i, node in enumerate(nodes):
        if node.tag != "p":
            continue
        text = re.sub(r"\s+", " ", node.text()).strip()
        match = _AGAINST.search(text)
        if not match or _names_another_country(node, slug):
            continue
        if not summary and "due to" in text:
            summary = text
        region_level = 3 if "essential" in match.group("kind").lower() else 4
        rest = match.group("rest").strip()
        following = nodes[i + 1] if i + 1 < len(nodes) else None
        reason = _DUE_TO.match(text)
        reason_text = ""
        areas: tuple[str, ...] = ()
        if rest.rstrip().endswith(":") and following is not None and following.tag == "ul":
            items = _items(following)
            lead = rest.rstrip(" :")
            exception = re.match(r"(?P<area>.*?),?\s+except(?: for)?(?: the)?$", lead, re.I)
            if exception:  # "to the state of Chihuahua, except: a; b" is one area
                area = re.sub(r"^the\s+", "", exception.group("area"))
                areas = (f"{area}, except: {'; '.join(items)}",)
            else:
                areas = tuple(items)
        elif rest and not rest.endswith(":"):
            sentence = re.split(r"\.(?:\s|$)", rest, maxsplit=1)[0]
            area, _, due = sentence.partition(" due to ")
            areas = (re.sub(r"^the\s+", "", area).strip(),)
            reason_text = due.strip()
        if not areas or region_level <= level or resolve_name(areas[0]) == codes:
            continue  # "advises against all travel to Haiti": the whole country, not a region
        if reason:
            reason_text = reason.group("reason")
        region = SourceRegion(areas, region_level, reason_text)
        if region not in regions:
            regions.append(region)
    return summary, tuple(regions)


def _names_another_country(paragraph: Node, slug: str) -> bool:
    """Whether the paragraph points to another country's advice ("FCDO advises against all
    travel to Venezuela's border regions with Colombia"): those areas are not this country's."""
    for link in paragraph.find_all("a"):
        target = re.search(r"/foreign-travel-advice/([a-z-]+)/?$", link.attrs.get("href", ""))
        if target and target.group(1) != slug:
            return True
    return False


def _items(ul: Node) -> list[str]:
    return [
        re.sub(r"\s+", " ", li.text()).strip().rstrip(".")
        for li in ul.children_nodes()
        if li.tag == "li" and li.text().strip()
    ]
