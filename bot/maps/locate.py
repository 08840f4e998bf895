"""Which country a point is in, and which countries are near it, on the map's own shapes."""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np

from bot.maps.shapes import Country, Ring, world

KM_PER_DEGREE = 111.2


def _inside(ring: Ring, lon: float, lat: float) -> bool:
    """Even-odd ray casting: does the ring surround the point?"""
    x, y = ring[:-1, 0], ring[:-1, 1]
    x2, y2 = ring[1:, 0], ring[1:, 1]
    crosses = (y > lat) != (y2 > lat)
    with np.errstate(divide="ignore", invalid="ignore"):
        at = (x2 - x) * (lat - y) / (y2 - y) + x
    return bool(np.count_nonzero(crosses & (lon < at)) % 2)


def _distance_km(ring: Ring, lon: float, lat: float) -> float:
    """The shortest distance from the point to the ring's edges, in a local flat projection."""
    scale_x = KM_PER_DEGREE * math.cos(math.radians(lat))
    x = (ring[:, 0] - lon) * scale_x
    y = (ring[:, 1] - lat) * KM_PER_DEGREE
    ax, ay, bx, by = x[:-1], y[:-1], x[1:], y[1:]
    dx, dy = bx - ax, by - ay
    length2 = dx * dx + dy * dy
    with np.errstate(divide="ignore", invalid="ignore"):
        t = np.clip(np.where(length2 > 0, -(ax * dx + ay * dy) / length2, 0.0), 0.0, 1.0)
    px, py = ax + t * dx, ay + t * dy
    return float(np.sqrt(np.min(px * px + py * py)))


def _distance_to(country: Country, lon: float, lat: float, within_km: float) -> float | None:
    """0 inside the country, else its distance in km when under `within_km`, else None."""
    margin_lat = within_km / KM_PER_DEGREE
    margin_lon = margin_lat / max(0.05, math.cos(math.radians(lat)))
    best: float | None = None
    for polygon in country.polygons:
        outer = polygon[0]
        if not (
            outer[:, 0].min() - margin_lon <= lon <= outer[:, 0].max() + margin_lon
            and outer[:, 1].min() - margin_lat <= lat <= outer[:, 1].max() + margin_lat
        ):
            continue
        if _inside(outer, lon, lat) and not any(_inside(hole, lon, lat) for hole in polygon[1:]):
            return 0.0
        distance = min(_distance_km(ring, lon, lat) for ring in polygon)
        if distance <= within_km and (best is None or distance < best):
            best = distance
    return best


def countries_near(
    latitude: float,
    longitude: float,
    within_km: float,
    shapes: Mapping[str, Country] | None = None,
) -> list[tuple[str, float]]:
    """The countries within `within_km` of the point, nearest first, with their distance in km
    (0.0 for the country the point is in)."""
    shapes = world() if shapes is None else shapes
    margin_lat = within_km / KM_PER_DEGREE
    margin_lon = margin_lat / max(0.05, math.cos(math.radians(latitude)))
    found = []
    for code, country in shapes.items():
        west, south, east, north = country.bbox
        if not (
            west - margin_lon <= longitude <= east + margin_lon
            and south - margin_lat <= latitude <= north + margin_lat
        ):
            continue
        distance = _distance_to(country, longitude, latitude, within_km)
        if distance is not None:
            found.append((code, distance))
    return sorted(found, key=lambda item: (item[1], item[0]))
