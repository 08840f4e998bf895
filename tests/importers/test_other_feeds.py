"""Australia, Canada and the UK: each importer on the real samples in ../shared/feeds."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from bot.importers import au_dfat, uk_fcdo
from bot.importers.common import FeedEntry
from tests.conftest import shared_file


@pytest.fixture(scope="module")
def au_entries() -> dict[str, FeedEntry]:
    raw = shared_file("feeds/au-smartraveller-shape.json").read_bytes()
    return {e.name: e for e in au_dfat.parse_feed(raw).entries}


def test_every_australian_destination_is_imported_but_the_pseudo_one(au_entries: dict) -> None:
    assert len(au_entries) == 179  # 180 in the export, less "No travel advice"
    assert "No travel advice" not in au_entries


@pytest.mark.parametrize(
    ("name", "code", "level"),
    [
        ("Niger", "NE", 4),
        ("Nigeria", "NG", 3),
        ("Austria", "AT", 1),
        ("Mali", "ML", 4),
        ("Burkina Faso", "BF", 4),
        ("Chad", "TD", 4),
        ("Madagascar", "MG", 2),
        ("Türkiye", "TR", 2),
        ("Côte d'Ivoire (Ivory Coast)", "CI", 2),
        ("North Korea (Democratic People's Republic of Korea)", "KP", 4),
        ("South Korea (Republic of Korea)", "KR", 1),
        ("Democratic Republic of the Congo", "CD", 4),
        ("Kyrgyz Republic", "KG", 2),
    ],
)
def test_australian_entry_lands_on_the_right_code_and_level(
    au_entries: dict, name: str, code: str, level: int
) -> None:
    entry = au_entries[name]
    assert entry.codes == (code,)
    assert entry.advice.level == level


def test_australian_dates_without_time_zone_and_no_prose(au_entries: dict) -> None:
    afghanistan = au_entries["Afghanistan"].advice
    assert afghanistan.date == dt.date(2026, 3, 1)
    assert afghanistan.url == "https://www.smartraveller.gov.au/destinations/asia/afghanistan"
    for entry in au_entries.values():
        assert entry.advice.summary == ""  # Smartraveller's prose is not ours to republish
        for region in entry.advice.regions:
            assert "&" not in region.areas[0] and "**" not in region.areas[0]


def test_australian_regional_levels_are_read_from_free_text(au_entries: dict) -> None:
    algeria = au_entries["Algeria"].advice
    assert any("Mali and Niger" in r.areas[0] and r.level == 4 for r in algeria.regions)


def test_unknown_australian_level_wording_is_held() -> None:
    raw = json.dumps(
        [
            {
                "title": "Mali",
                "field_overall_advice_level": "Be careful",
                "changed": "",
                "field_url": "",
            }
        ]
    ).encode()
    parsed = au_dfat.parse_feed(raw, minimum=1)
    assert parsed.entries == []
    assert len(parsed.held) == 1 and "unknown level" in parsed.held[0]


def test_uk_country_page_without_alert_status_is_level_1() -> None:
    raw = shared_file("feeds/uk-fcdo_turkey_2017.json").read_bytes()
    entry = uk_fcdo.parse_country(raw)
    assert entry.codes == ("TR",)
    assert entry.advice.level == 1
    assert entry.advice.date == dt.date(2017, 2, 14)  # public_updated_at (issue 9), not updated_at
    assert entry.advice.url == "https://www.gov.uk/foreign-travel-advice/turkey"
    assert entry.advice.summary.startswith("Summary")


def test_uk_alert_statuses_map_to_levels() -> None:
    assert uk_fcdo.level_from_alert_status(["avoid_all_travel_to_whole_country"]) == 4
    assert uk_fcdo.level_from_alert_status(["avoid_all_but_essential_travel_to_whole_country"]) == 3
    assert uk_fcdo.level_from_alert_status(["avoid_all_travel_to_parts"]) == 2
    assert uk_fcdo.level_from_alert_status([]) == 1


def test_uk_index_gives_no_levels_only_the_pages_to_fetch() -> None:
    raw = shared_file("feeds/uk-fcdo_index_2015.json").read_bytes()
    # The 2015 index publishes no alert_status: it names pages, never a level (7 children only).
    items = uk_fcdo.parse_index(raw, minimum=1)
    assert items[0].code == "AF" and items[0].key == "afghanistan"
    assert items[0].url == "https://www.gov.uk/api/content/foreign-travel-advice/afghanistan"


def test_uk_albania_resolves_and_keeps_the_change_description() -> None:
    raw = shared_file("feeds/uk-fcdo_albania_2017.json").read_bytes()
    entry = uk_fcdo.parse_country(raw)
    assert entry.codes == ("AL",)
    assert "Tirana" in entry.advice.change_note
