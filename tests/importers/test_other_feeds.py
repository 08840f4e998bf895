"""Australia, Canada and the UK: each importer on the real samples in ../shared/feeds."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from bot.datafiles.files import read_destination
from bot.importers import au_dfat, ca_gac, uk_fcdo
from bot.importers.common import ImportError_, merge_entries
from tests.conftest import TODAY, shared_file


@pytest.fixture(scope="module")
def au_entries() -> dict[str, au_dfat.FeedEntry]:
    raw = shared_file("feeds/au-smartraveller_2026-04.json").read_bytes()
    return {e.name: e for e in au_dfat.parse_feed(raw)}


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


def test_unknown_australian_level_wording_is_refused() -> None:
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
    with pytest.raises(ImportError_, match="unknown level"):
        au_dfat.parse_feed(raw)


@pytest.fixture(scope="module")
def ca_entries() -> dict[str, ca_gac.FeedEntry]:
    raw = shared_file("feeds/canada-index_2014-03-02.json").read_bytes()
    return {e.codes[0]: e for e in ca_gac.parse_feed(raw)}


def test_canada_advisory_state_maps_to_our_levels(ca_entries: dict) -> None:
    assert ca_entries["AF"].advice.level == 4  # advisory-state 3: avoid all travel
    assert ca_entries["AF"].advice.label == "Avoid all travel"
    assert ca_entries["AF"].advice.date == dt.date(2014, 2, 26)
    levels = {e.advice.level for e in ca_entries.values()}
    assert levels == {1, 2, 3, 4}
    assert "PT" not in ca_entries or ca_entries["PT"].name != "Azores"  # sub-national entry


def test_canada_html_entities_are_decoded(ca_entries: dict) -> None:
    for entry in ca_entries.values():
        assert "&eacute;" not in entry.advice.summary and "&amp;" not in entry.advice.summary


def test_canada_unannounced_level_change_is_detected(data_dir: Path, ca_entries: dict) -> None:
    original = ca_entries["ML"]
    merge_entries(data_dir, "ca-gac", [original], today=TODAY)
    # The next index lowers Mali by one step but only says "Minor editorial change".
    lowered = ca_gac.FeedEntry(
        original.codes,
        original.advice.__class__(
            **{
                **{f: getattr(original.advice, f) for f in original.advice.__slots__},
                "level": original.advice.level - 1,
                "date": dt.date(2014, 3, 10),
            }
        ),
        original.name,
    )
    report = merge_entries(data_dir, "ca-gac", [lowered], today=TODAY)
    assert report.level_changes == [f"ML: {original.advice.level} -> {original.advice.level - 1}"]
    advisory, _ = read_destination(data_dir / "destinations" / "ML.toml", TODAY)
    assert advisory is not None and advisory.change_note is not None
    assert "abaissé" in advisory.change_note.fr


def test_uk_country_page_without_alert_status_is_level_1() -> None:
    raw = shared_file("feeds/uk-fcdo_turkey_2017.json").read_bytes()
    [entry] = uk_fcdo.parse_feed(raw)
    assert entry.codes == ("TR",)
    assert entry.advice.level == 1
    assert entry.advice.date == dt.date(2017, 2, 16)
    assert entry.advice.url == "https://www.gov.uk/foreign-travel-advice/turkey"
    assert entry.advice.summary.startswith("Summary")


def test_uk_alert_statuses_map_to_levels() -> None:
    assert uk_fcdo.level_from_alert_status(["avoid_all_travel_to_whole_country"]) == 4
    assert uk_fcdo.level_from_alert_status(["avoid_all_but_essential_travel_to_whole_country"]) == 3
    assert uk_fcdo.level_from_alert_status(["avoid_all_travel_to_parts"]) == 2
    assert uk_fcdo.level_from_alert_status([]) == 1


def test_uk_index_entries_without_status_are_not_called_safe() -> None:
    raw = shared_file("feeds/uk-fcdo_index_2015.json").read_bytes()
    # The 2015 index publishes no alert_status: Afghanistan must not come out as level 1.
    assert uk_fcdo.parse_feed(raw) == []


def test_uk_albania_resolves_and_keeps_the_change_description() -> None:
    raw = shared_file("feeds/uk-fcdo_albania_2017.json").read_bytes()
    [entry] = uk_fcdo.parse_feed(raw)
    assert entry.codes == ("AL",)
    assert "Tirana" in entry.advice.change_note
