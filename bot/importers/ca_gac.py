"""Canada's travel advice index (data.international.gc.ca), English and French."""

from __future__ import annotations

import datetime as dt
import html
import json
import re

from bot.core.model import SourceAdvice
from bot.datafiles.convert import known_codes
from bot.importers.common import FeedEntry, ImportError_

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
