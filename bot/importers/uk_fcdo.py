"""The UK's foreign travel advice (GOV.UK Content API): the index of every country and one
country's page, whose "Warnings and insurance" part lists the areas the FCDO advises against."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from bot.core.model import SourceAdvice, SourceRegion
from bot.importers.common import (
    FeedEntry,
    FeedRefused,
    IndexItem,
    clean_text,
    load_json,
    require_count,
    shorten,
)
from bot.importers.html_blocks import Node, parse_html
from bot.importers.names import resolve_name

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
    warnings = _warnings_part(details.get("parts") or [])
    summary, regions = _against(warnings, level, codes, slug) if warnings else ("", ())
    return FeedEntry(
        codes,
        SourceAdvice(
            source=SOURCE,
            label=_LABELS[level],
            level=level,
            date=_date(data.get("public_updated_at") or details.get("updated_at")),
            url=f"https://www.gov.uk/foreign-travel-advice/{slug}",
            summary=shorten(summary or note, 500),
            summary_lang="en",
            change_note=shorten(note, 300),
            regions=regions,
        ),
        name,
    )


def _warnings_part(parts: list[Any]) -> str:
    """The HTML of the part that lists where the FCDO advises against travel: "Warnings and
    insurance" since 2023, "Summary" before."""
    by_slug = {p.get("slug"): p.get("body", "") for p in parts if isinstance(p, dict)}
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
