"""The UK's foreign travel advice (GOV.UK Content API): one country page or the index."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from bot.core.model import SourceAdvice
from bot.importers.common import FeedEntry, ImportError_, clean_text, shorten
from bot.importers.names import resolve_name

SOURCE = "uk-fcdo"
FEED_URL = "https://www.gov.uk/api/content/foreign-travel-advice"
_LABELS = {
    1: "No advice against travel",
    2: "Advises against travel to parts of the country",
    3: "Advises against all but essential travel",
    4: "Advises against all travel",
}


def level_from_alert_status(statuses: list[str]) -> int:
    """The UK has no numeric level: derive ours from its alert statuses."""
    if "avoid_all_travel_to_whole_country" in statuses:
        return 4
    if "avoid_all_but_essential_travel_to_whole_country" in statuses:
        return 3
    if any(s.endswith("_to_parts") for s in statuses):
        return 2
    return 1


def _date(*values: str | None) -> dt.date:
    for value in values:
        if value:
            try:
                return dt.date.fromisoformat(value[:10])
            except ValueError:
                continue
    return dt.date(1970, 1, 1)


def _entry(name: str, slug: str, details: dict[str, Any], *dates: str | None) -> FeedEntry | None:
    codes = resolve_name(name)
    if not codes:
        raise ImportError_(f"GOV.UK: unknown destination {name!r} ({slug})")
    statuses = details.get("alert_status")
    if statuses is None:
        return None  # no alert status published: the level is unknown, not "no advice against"
    level = level_from_alert_status(list(statuses))
    note = clean_text(details.get("change_description") or "")
    note = note.removeprefix("Latest update:").strip()
    return FeedEntry(
        codes,
        SourceAdvice(
            source=SOURCE,
            label=_LABELS[level],
            level=level,
            date=_date(*dates),
            url=f"https://www.gov.uk/foreign-travel-advice/{slug}",
            summary=shorten(note, 500),
            summary_lang="en",
            change_note=shorten(note, 300),
        ),
        name,
    )


def parse_feed(raw: bytes) -> list[FeedEntry]:
    """A country page gives one entry; the index gives one per child country that publishes an
    alert status (entries without one are left out: their level is unknown)."""
    data = json.loads(raw)
    details = data.get("details", {})
    if "country" in details:
        country = details["country"]
        entries = [
            _entry(
                country["name"],
                country["slug"],
                details,
                details.get("updated_at"),
                data.get("public_updated_at"),
            )
        ]
    else:
        entries = [
            _entry(
                child["details"]["country"]["name"],
                child["details"]["country"]["slug"],
                child["details"],
                child["details"].get("updated_at"),
                child.get("public_updated_at"),
            )
            for child in data.get("links", {}).get("children", [])
        ]
    return [e for e in entries if e is not None]
