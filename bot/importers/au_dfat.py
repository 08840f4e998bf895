"""Australia's Smartraveller destinations export: levels, dates and links (no prose: its licence
does not let us republish the text)."""

from __future__ import annotations

import datetime as dt
import html
import json
import re

from bot.core.model import SourceAdvice, SourceRegion
from bot.importers.common import FeedEntry, ImportError_, clean_text
from bot.importers.names import resolve_name

SOURCE = "au-dfat"
FEED_URL = "https://www.smartraveller.gov.au/destinations-export"
_LEVELS = {
    "exercise normal safety precautions": 1,
    "exercise a high degree of caution": 2,
    "reconsider your need to travel": 3,
    "do not travel": 4,
}
_REGIONAL = re.compile(
    r"(?P<phrase>Do not travel|Reconsider your need to travel)\s+to\s+(?P<areas>[^.]{3,200})\.",
    re.IGNORECASE,
)


def parse_date(value: str) -> dt.date | None:
    """Smartraveller's "Sun, 2026-03-01 10:29" (no time zone: the date is what matters)."""
    match = re.search(r"(\d{4})-(\d{2})-(\d{2})", value or "")
    if not match:
        return None
    try:
        return dt.date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return None


def parse_feed(raw: bytes) -> list[FeedEntry]:
    """Every destination with a level; the "No travel advice" pseudo-destination is skipped."""
    entries = []
    problems = []
    for item in json.loads(raw):
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
        regions = []
        advice_text = clean_text(item.get("field_advice_levels", ""))
        # Regional levels exist only in the free text: keep the area names and levels (facts),
        # not the reasons (prose we may not republish).
        for m in _REGIONAL.finditer(advice_text):
            areas = re.split(r"\s+due to\s+", m.group("areas"), maxsplit=1)[0].strip()
            areas = re.sub(r"^the\s+", "", areas).strip(" ,")
            area_level = 4 if m.group("phrase").lower().startswith("do not") else 3
            region = SourceRegion((areas,), area_level)
            wanted = resolve_name(areas) != codes and len(areas) <= 120 and area_level > level
            if wanted and region not in regions:
                regions.append(region)
        entries.append(
            FeedEntry(
                codes,
                SourceAdvice(
                    source=SOURCE,
                    label=wording,
                    level=level,
                    date=parse_date(item.get("changed", "")) or dt.date(1970, 1, 1),
                    url=item.get("field_url", "").strip(),
                    regions=tuple(regions),
                ),
                title,
            )
        )
    if problems:
        raise ImportError_("Smartraveller export: " + "; ".join(problems))
    return entries
