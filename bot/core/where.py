"""Where the reader is, first: when the place asked about (a city, a region) or a shared
location lies in an area a government, or our editors, advise against, the lines that say so
(the area, the level, who says it, the date), to put before the country's headline. Pure."""

from __future__ import annotations

import re
from collections.abc import Mapping

from bot.core.model import Advisory, SourceInfo
from bot.core.render import LEVEL_EMOJI, esc
from bot.core.textnorm import fold
from bot.core.two_places import about_border, country_words, mentions
from bot.core.typography import foreign as as_published
from bot.i18n import Tr

_KM = re.compile(r"(\d+)\s*(?:km|kilomet)", re.IGNORECASE)


def names_place(area: str, place: str) -> bool:
    """Whether an official area's text names `place` (whole words, accents and case folded)."""
    wanted = fold(place)
    return len(wanted) > 2 and f" {wanted} " in f" {fold(area)} "


def near_border(area: str, country: str, nearby: Mapping[str, float]) -> bool:
    """Whether an area "within N km of the X border" holds a position `nearby` (country → km to
    its border, estimated from the towns around: bot/geo.py) puts within N km of X."""
    found = _KM.search(area)
    if found is None or not about_border(area):
        return False
    limit = float(found.group(1))
    return any(
        km <= limit and other != country and mentions(area, other) for other, km in nearby.items()
    )


def where_first_lines(
    advisory: Advisory,
    sources: Mapping[str, SourceInfo],
    t: Tr,
    *,
    place: str | None = None,
    region_id: str | None = None,
    nearby: Mapping[str, float] | None = None,
    located: bool = False,
    limit: int = 3,
) -> list[str]:
    """'📍 Hat Yai — Canada: 🔴 level 4, avoid all travel (14 October 2026): “southern Songkhla
    province: Hat Yai city…”', the most severe first; nothing when no area at level 3 or 4
    holds the place at a level above the country's headline (which says it otherwise).
    `located`: the place is where the reader is (a shared location)."""
    found: list[tuple[int, str]] = []
    if place and fold(place) in country_words(advisory.code):
        place = None  # the country itself, not a place in it
    region = advisory.region(region_id) if region_id else None
    names = [n for n in (place, *(_region_names(advisory, region_id))) if n]
    if region is not None and region.level >= 3 and advisory.reviewed is not None:
        text = t._("{area} — our editors: level {level} ({date}).").format(
            area=region.name.get(t.lang), level=region.level, date=t.date(advisory.reviewed)
        )
        found.append((region.level, f"📍 {LEVEL_EMOJI[region.level]} <b>{esc(text)}</b>"))
    for advice in advisory.sources:
        info = sources.get(advice.source)
        for official in advice.regions:
            if official.level < 3:
                continue
            named = [a for a in official.areas if any(names_place(a, n) for n in names)]
            bordering = [a for a in official.areas if near_border(a, advisory.code, nearby or {})]
            if not (named or bordering):
                continue
            areas = "; ".join(named or bordering)
            who = t.country(info.country) if info else advice.source
            wording = info.label(official.level) if info else None
            level = (
                wording.get(t.lang)
                if wording is not None
                else t._("level {level}").format(level=official.level)
            )
            text = t._("{government}: {level} ({date})").format(
                government=who, level=level, date=t.date(advice.date)
            )
            quoted = esc(areas if len(areas) <= 160 else areas[:159].rstrip() + "…")
            line = f"📍 {LEVEL_EMOJI[official.level]} <b>{esc(text)}</b>{t.colon()}"
            if advice.summary_lang != t.lang:  # the government's own words, marked as such
                note = (
                    t._("(official wording, in English)")
                    if advice.summary_lang == "en"
                    else t._("(official wording, in French)")
                )
                line += f"“{as_published(quoted)}” <i>{esc(note)}</i>"
            else:
                line += f"“{quoted}”"
            found.append((official.level, line))
    headline = advisory.level or 0
    found = [item for item in found if item[0] > headline]  # else the headline says it already
    found.sort(key=lambda item: -item[0])
    lines = [line for _, line in found[:limit]]
    if lines:
        if place and not located:
            head = t._("Where you asked about ({place}), travel is advised against:")
        else:
            head = t._("Where you are, travel is advised against:")
        lines.insert(0, f"<b>{esc(head.format(place=place))}</b>")
    return lines


def _region_names(advisory: Advisory, region_id: str | None) -> tuple[str, ...]:
    region = advisory.region(region_id) if region_id else None
    if region is None:
        return ()
    short = (region.name.en.split(" (")[0], region.name.fr.split(" (")[0])
    return (*short, *region.aliases)
