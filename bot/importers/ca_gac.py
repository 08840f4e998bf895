"""Canada's travel advice index (data.international.gc.ca), English and French."""

from __future__ import annotations

import datetime as dt
import html
import json
import re
from typing import Any

from bot.core.model import SourceAdvice
from bot.datafiles.convert import known_codes
from bot.importers.common import FeedEntry, FeedRefused, ImportError_, IndexItem

SOURCE = "ca-gac"
FEED_URL = "https://data.international.gc.ca/travel-voyage/index-alpha-eng.json"
# advisory-state 0–3, Canada's scale, onto ours 1–4.
_STATE_TO_LEVEL = {0: 1, 1: 2, 2: 3, 3: 4}


def parse_feed(raw: bytes) -> list[FeedEntry]:
    """Every country in the index. Level changes are often not announced in
    `recent-updates-type`: the merge compares levels itself."""
    data = json.loads(raw)
    entries = []
    problems = []
    for key, item in data.get("data", data).items():
        code = key.upper()
        if code not in known_codes():
            continue  # sub-national entries such as "PT-20" (Azores)
        state = item.get("advisory-state")
        if state not in _STATE_TO_LEVEL:
            problems.append(f"{code}: unknown advisory-state {state!r}")
            continue
        eng = item.get("eng", {})
        published = (item.get("date-published") or {}).get("date", "")
        match = re.match(r"(\d{4})-(\d{2})-(\d{2})", published)
        date = (
            dt.date(int(match[1]), int(match[2]), int(match[3])) if match else dt.date(1970, 1, 1)
        )
        slug = eng.get("url-slug") or ""
        label = html.unescape(html.unescape(eng.get("advisory-text", ""))).strip()
        entries.append(
            FeedEntry(
                (code,),
                SourceAdvice(
                    source=SOURCE,
                    label=label.capitalize() if label.isupper() else label,
                    level=_STATE_TO_LEVEL[state],
                    date=date,
                    url=f"https://travel.gc.ca/destinations/{slug}",
                    summary=html.unescape(html.unescape(eng.get("recent-updates", ""))).strip(),
                    summary_lang="en",
                ),
                html.unescape(eng.get("name", code)),
            )
        )
    if problems:
        raise ImportError_("Canada index: " + "; ".join(problems))
    return entries


INDEX_URL = "https://data.international.gc.ca/travel-voyage/index-updated.json"
MIN_INDEX_COUNTRIES = 150


def _json_data(raw: bytes, what: str) -> dict[str, Any]:
    try:
        data = json.loads(raw)
    except ValueError as error:
        raise FeedRefused(f"Canada: expected {what} (JSON), found {error}") from error
    if not isinstance(data, dict) or not isinstance(data.get("data"), dict):
        raise FeedRefused(f"Canada: expected {what} with a 'data' object")
    inner: dict[str, Any] = data["data"]
    return inner


def parse_index(raw: bytes) -> list[IndexItem]:
    """Every country of index-updated.json, with its publication date."""
    data = _json_data(raw, "the index")
    if "country-iso" in data:
        raise FeedRefused("Canada: expected the index, found a single-country file")
    items = []
    for key, item in data.items():
        code = key.upper()
        if code not in known_codes() or not isinstance(item, dict):
            continue
        published = (item.get("date-published") or {}).get("date", "")
        try:
            updated = dt.datetime.fromisoformat(published).replace(tzinfo=dt.UTC)
        except ValueError:
            updated = None
        url = f"https://data.international.gc.ca/travel-voyage/cta-cap-{code.lower()}.json"
        items.append(IndexItem(code, code, updated, url))
    if len(items) < MIN_INDEX_COUNTRIES:
        raise FeedRefused(f"Canada: expected an index of about 200 countries, found {len(items)}")
    return items


def parse_country(raw: bytes) -> FeedEntry:
    """One country's cta-cap-<iso>.json."""
    item = _json_data(raw, "a country file")
    code = str(item.get("country-iso", "")).upper()
    state = item.get("advisory-state")
    if code not in known_codes() or state not in _STATE_TO_LEVEL:
        raise FeedRefused(
            f"Canada: expected one country's file, found country {code!r} state {state!r}"
        )
    eng = item.get("eng") or {}
    friendly = re.match(r"([A-Z][a-z]+ \d{1,2}, \d{4})", eng.get("friendly-date") or "")
    date = (
        dt.datetime.strptime(friendly[1], "%B %d, %Y").date() if friendly else dt.date(1970, 1, 1)
    )
    label = html.unescape(eng.get("advisory-text", "")).strip()
    return FeedEntry(
        (code,),
        SourceAdvice(
            source=SOURCE,
            label=label,
            level=_STATE_TO_LEVEL[state],
            date=date,
            url=f"https://travel.gc.ca/destinations/{eng.get('url-slug') or ''}",
            summary_lang="en",
        ),
        html.unescape(eng.get("name", code)),
    )
