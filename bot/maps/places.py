"""The towns a map marks: the names and area wordings of regional advice, matched to the towns we
hold with coordinates (bot/geo.py). Only whole names match; nothing is guessed or drawn as an
area."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

from bot.core.maps import PlaceMark
from bot.geo import towns_in

MAX_MARKERS = 18
_WORD = re.compile(r"[a-z0-9]+")


@dataclass(frozen=True, slots=True)
class Marker:
    """A town to mark: where, its name, and the level of the region that names it."""

    name: str
    latitude: float
    longitude: float
    level: int


def name_key(text: str) -> str:
    """Lowercase words without accents, one space apart ("Ségou" → "segou")."""
    plain = unicodedata.normalize("NFKD", text.lower())
    plain = "".join(c for c in plain if not unicodedata.combining(c))
    return " ".join(_WORD.findall(plain))


@cache
def _towns_by_name(country: str) -> dict[str, tuple[float, float, str]]:
    index: dict[str, tuple[float, float, str]] = {}
    for latitude, longitude, name, _ in towns_in(country):
        key = name_key(name)
        if len(key) >= 3:
            index.setdefault(key, (latitude, longitude, name))
    return index


def _named_in(text: str, index: dict[str, tuple[float, float, str]]) -> list[str]:
    """The town keys a wording names: the whole text, else its runs of one to three words."""
    key = name_key(text)
    if key in index:
        return [key]
    words = key.split()
    found: list[str] = []
    for size in (3, 2, 1):
        for start in range(len(words) - size + 1):
            run = " ".join(words[start : start + size])
            if len(run) >= 4 and run in index and not any(run in f for f in found):
                found.append(run)
    return found


def markers_for(country: str, places: Iterable[PlaceMark]) -> list[Marker]:
    """The towns of `country` named by `places`, each once at the highest level naming it."""
    index = _towns_by_name(country)
    levels: dict[str, int] = {}
    for place in places:
        for key in _named_in(place.text, index):
            levels[key] = max(levels.get(key, 0), place.level)
    markers = []
    for key, level in sorted(levels.items(), key=lambda item: -item[1])[:MAX_MARKERS]:
        latitude, longitude, name = index[key]
        markers.append(Marker(name, latitude, longitude, level))
    return markers
