"""Maps drawn from plain data: levels as colours, towns named by regional advice as marks, the
reader's language in the legend, the date of the data; cached until what they show changes."""

from __future__ import annotations

import dataclasses
import io
from collections.abc import Mapping

import pytest
from PIL import Image

from bot.core.maps import MapRequest, PlaceMark, area_map, country_map, fits_caption
from bot.core.model import Advisory
from bot.datafiles.files import read_all
from bot.i18n import tr
from bot.knowledge import continents
from bot.maps.places import markers_for, name_key
from bot.maps.render import LEVEL_COLOURS, NO_LEVEL, draw_map, pixel_of, render_map
from tests.conftest import DATA, TODAY


@pytest.fixture(scope="module")
def advisories() -> Mapping[str, Advisory]:
    return {a.code: a for a in read_all(DATA, TODAY)}


def picture(png: bytes) -> Image.Image:
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    return Image.open(io.BytesIO(png)).convert("RGB")


def test_africa_map_colours_each_country_by_its_headline_level(
    advisories: Mapping[str, Advisory],
) -> None:
    request = area_map(
        advisories, tr("en"), "Destinations to avoid in Africa", continents()["africa"]
    )
    image = picture(draw_map(request))
    assert image.width == 1200
    for code, lat, lon in [("ML", 17.0, -2.0), ("NE", 17.0, 9.0), ("ZA", -30.0, 24.0)]:
        level = advisories[code].level
        assert level is not None
        assert image.getpixel(pixel_of(request, lat, lon)) == LEVEL_COLOURS[level], code


def test_a_country_with_no_advisory_is_grey_never_a_neighbours_colour(
    advisories: Mapping[str, Advisory],
) -> None:
    assert "EH" not in advisories  # Western Sahara: no advice of ours (Laayoune, south of 27°40)
    request = area_map(advisories, tr("en"), "Africa", continents()["africa"])
    image = picture(draw_map(request))
    assert image.getpixel(pixel_of(request, 25.0, -13.0)) == NO_LEVEL


def test_legend_and_date_are_in_the_readers_language(advisories: Mapping[str, Advisory]) -> None:
    english = area_map(advisories, tr("en"), "Destinations to avoid")
    french = area_map(advisories, tr("fr"), "Destinations à éviter")
    assert (4, "Level 4 – Do not travel") in english.legend
    assert (4, "Niveau 4 – Ne pas voyager") in french.legend
    assert french.no_level == "Aucun conseil enregistré"
    newest = max(s.date for a in advisories.values() for s in a.sources)
    assert english.footer.startswith(f"Advice as of {tr('en').date(newest)}")
    assert french.footer.startswith(f"Conseils au {tr('fr').date(newest)}")
    assert picture(draw_map(french)).size == picture(draw_map(english)).size


def test_mali_map_marks_the_towns_its_regions_name(advisories: Mapping[str, Advisory]) -> None:
    request = country_map(advisories["ML"], advisories, tr("en"))
    assert request.country == "ML" and request.title == "Mali — Level 4 – Do not travel"
    names = {m.name for m in markers_for("ML", request.places)}
    assert {"Bamako", "Timbuktu", "Gao", "Kidal", "Mopti", "Kayes"} <= names


def test_marks_are_only_towns_the_advice_names(advisories: Mapping[str, Advisory]) -> None:
    request = country_map(advisories["TH"], advisories, tr("en"))
    texts = " ".join(name_key(p.text) for p in request.places)
    markers = markers_for("TH", request.places)
    assert markers
    for marker in markers:
        assert name_key(marker.name) in texts
    # "within 50 km of the Thai-Cambodian border" names no town: it is not drawn as an area.
    assert markers_for("TH", [PlaceMark("areas within 50 km of the border", 4)]) == []


def test_a_marked_town_shows_its_regions_level(advisories: Mapping[str, Advisory]) -> None:
    request = country_map(advisories["TH"], advisories, tr("en"))
    [narathiwat] = [m for m in markers_for("TH", request.places) if m.name == "Narathiwat"]
    assert narathiwat.level == 4  # Canada's level for the southern provinces
    image = picture(draw_map(request))
    x, y = pixel_of(request, narathiwat.latitude, narathiwat.longitude)
    assert image.getpixel((x, y)) == LEVEL_COLOURS[4]


def test_the_same_map_is_drawn_once_and_a_level_change_draws_anew(
    advisories: Mapping[str, Advisory],
) -> None:
    request = country_map(advisories["ML"], advisories, tr("en"))
    first = render_map(request)
    hits = render_map.cache_info().hits
    assert render_map(dataclasses.replace(request)) is first
    assert render_map.cache_info().hits == hits + 1
    levels = tuple((c, 3 if c == "ML" else level) for c, level in request.levels)
    assert render_map(dataclasses.replace(request, levels=levels)) != first


def test_a_request_is_plain_hashable_data() -> None:
    request = MapRequest("t", (("ML", 4),), ((4, "x"),), "none", "footer", ("ML",), "ML")
    assert hash(request) == hash(dataclasses.replace(request))
    assert request.level_of("ML") == 4 and request.level_of("NE") is None


def test_world_map_renders(advisories: Mapping[str, Advisory]) -> None:
    image = picture(render_map(area_map(advisories, tr("en"), "Destinations to avoid")))
    assert image.width == 1200 and image.height < 800


def test_a_caption_counts_what_telegram_counts() -> None:
    assert fits_caption("<b>" + "a" * 1000 + "</b>" + "&amp;" * 24)  # tags unseen, &amp; one
    assert not fits_caption("a" * 1025)
    assert not fits_caption("🔴" * 513)  # an emoji is two UTF-16 units: 1026
    assert fits_caption("🔴" * 512)


def test_an_island_too_small_for_the_shapes_is_shown_by_its_towns(
    advisories: Mapping[str, Advisory],
) -> None:
    request = country_map(advisories["TV"], advisories, tr("en"))  # Tuvalu: not in 1:50m
    image = picture(draw_map(request))
    level = advisories["TV"].level
    assert level is not None
    x, y = pixel_of(request, -8.5247, 179.1942)  # Funafuti
    assert image.getpixel((x, y)) == LEVEL_COLOURS[level]


def test_a_small_country_to_avoid_is_not_lost_on_the_world_map(
    advisories: Mapping[str, Advisory],
) -> None:
    assert advisories["BH"].level == 4  # Bahrain: a few pixels wide at world scale
    request = area_map(advisories, tr("en"), "Destinations to avoid")
    image = picture(draw_map(request))
    x, y = pixel_of(request, 26.0, 50.55)
    red = sum(
        image.getpixel((x + dx, y + dy)) == LEVEL_COLOURS[4]
        for dx in range(-4, 5)
        for dy in range(-4, 5)
    )
    assert red >= 20  # a dot of its level's colour, not two pixels
