"""Which map a reply shows: the world or a continent coloured by level, or one country with the
places its regional advice names. Pure: this builds a `MapRequest` (plain, hashable data, in the
reader's language); the adapter draws it with bot/maps/."""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace

from bot.core.model import Advisory
from bot.core.render import LEVEL_NAMES, strip_tags
from bot.i18n import Tr

MAX_PLACES = 80  # phrases handed to the renderer for one country map
MAX_CAPTION = 1024  # Telegram's limit for a photo's caption, after entity parsing


def fits_caption(text: str) -> bool:
    """Whether a reply's HTML fits a photo's caption (Telegram counts the visible text, in
    UTF-16 code units: an emoji counts two)."""
    return len(html.unescape(strip_tags(text)).encode("utf-16-le")) // 2 <= MAX_CAPTION


@dataclass(frozen=True, slots=True)
class PlaceMark:
    """A place named by regional advice: `text` is a town's name or a source's own wording of
    an area ("areas within 50 km of the Thai-Cambodian border"); the renderer marks the towns
    it knows in it, never a drawn area."""

    text: str
    level: int


@dataclass(frozen=True, slots=True)
class MapRequest:
    """A map to draw, as plain data: equal requests draw the same picture (the cache key)."""

    title: str
    levels: tuple[tuple[str, int], ...]  # destination code → headline level (coloured)
    legend: tuple[tuple[int, str], ...]  # level → its name in the reader's language
    no_level: str  # the legend's words for a grey country
    footer: str  # the date of the data and the shapes' credit
    focus: tuple[str, ...] = ()  # the codes the view frames; none: the whole world
    country: str = ""  # a country map: the one outlined, whose places are marked
    places: tuple[PlaceMark, ...] = ()

    def level_of(self, code: str) -> int | None:
        """The level a country is coloured with, if any."""
        return dict(self.levels).get(code)


def _levels(advisories: Iterable[Advisory]) -> tuple[tuple[str, int], ...]:
    return tuple(sorted((a.code, a.level) for a in advisories if a.level is not None))


def _newest_date(advisories: Iterable[Advisory]) -> dt.date | None:
    dates = [s.date for a in advisories for s in a.sources]
    dates += [a.reviewed for a in advisories if a.reviewed is not None]
    return max(dates, default=None)


def _base(t: Tr, title: str, advisories: list[Advisory]) -> MapRequest:
    newest = _newest_date(advisories)
    credit = t._("Borders: Natural Earth")
    footer = credit
    if newest is not None:
        footer = t._("Advice as of {date}").format(date=t.date(newest)) + f" · {credit}"
    return MapRequest(
        title=title,
        levels=_levels(advisories),
        legend=tuple((level, t._(LEVEL_NAMES[level])) for level in (4, 3, 2, 1)),
        no_level=t._("No advice on file"),
        footer=footer,
    )


def area_map(
    advisories: Mapping[str, Advisory], t: Tr, title: str, codes: Iterable[str] | None = None
) -> MapRequest:
    """Every destination coloured by its headline level; framed on `codes` (a continent) when
    given, else the world."""
    focus = tuple(sorted(codes)) if codes is not None else ()
    return replace(_base(t, title, list(advisories.values())), focus=focus)


def country_map(advisory: Advisory, advisories: Mapping[str, Advisory], t: Tr) -> MapRequest:
    """One country and its neighbours coloured by level, with the places named by curated or
    official regional advice marked at their region's level."""
    groups = [
        [PlaceMark(text, region.level) for text in (*region.aliases, region.name.en)]
        for region in advisory.regions
    ]
    groups += [
        [PlaceMark(text, area.level) for text in area.areas]
        for source in advisory.sources
        for area in source.regions
    ]
    groups.sort(key=lambda group: -group[0].level if group else 0)
    # Round robin: each region's first place, then each one's second…, so that every region
    # is marked before any is marked twice.
    places = [g[i] for i in range(max(map(len, groups), default=0)) for g in groups if i < len(g)]
    title = t.country(advisory.code)
    if advisory.level is not None:
        title += " — " + t._(LEVEL_NAMES[advisory.level])
    return replace(
        _base(t, title, list(advisories.values())),
        focus=(advisory.code,),
        country=advisory.code,
        places=tuple(dict.fromkeys(places))[:MAX_PLACES],
    )
