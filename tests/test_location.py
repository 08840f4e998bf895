"""Shared locations: the country (and region) from coordinates, offline."""

from __future__ import annotations

import pytest

from bot.datafiles.files import read_destination
from bot.geo import nearest_place, region_for
from tests.conftest import DATA, TODAY


@pytest.mark.parametrize(
    ("lat", "lon", "country"),
    [
        (12.6392, -8.0029, "ML"),  # Bamako
        (13.5116, 2.1254, "NE"),  # Niamey: Niger, not Nigeria
        (12.0022, 8.5920, "NG"),  # Kano: Nigeria, not Niger
        (-4.3217, 15.3126, "CD"),  # Kinshasa
        (-4.2634, 15.2429, "CG"),  # Brazzaville, across the river
        (12.3714, -1.5197, "BF"),  # Ouagadougou
        (48.2082, 16.3738, "AT"),  # Vienna: Austria, not Australia
        (-33.8688, 151.2093, "AU"),  # Sydney
    ],
)
def test_location_gives_the_country(lat: float, lon: float, country: str) -> None:
    place = nearest_place(lat, lon)
    assert place is not None and place.country == country


def test_open_ocean_and_invalid_positions_give_nothing() -> None:
    assert nearest_place(0.0, -30.0) is None
    assert nearest_place(123.0, 0.0) is None


def test_location_finds_the_curated_region() -> None:
    mali, _ = read_destination(DATA / "destinations" / "ML.toml", TODAY)
    place = nearest_place(16.7735, -3.0074)  # Timbuktu
    assert place is not None and region_for(place, mali) == "tombouctou"
