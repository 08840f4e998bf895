"""Canada: the index of every country, one country in full, its regions and its own French."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from bot.datafiles.files import read_destination
from bot.importers import ca_gac
from bot.importers.common import FeedRefused, merge_entries
from tests.conftest import TODAY, shared_file


def _country(iso: str) -> bytes:
    return shared_file(f"feeds/2026-10-07/ca/cta-cap-{iso}.json").read_bytes()


@pytest.mark.parametrize(
    ("iso", "code", "level", "date"),
    [
        ("ht", "HT", 4, dt.date(2026, 9, 24)),  # advisory-state 3: avoid all travel
        ("ua", "UA", 4, dt.date(2026, 9, 24)),
        ("ke", "KE", 2, dt.date(2026, 10, 7)),  # advisory-state 1: high degree of caution
        ("mx", "MX", 2, dt.date(2026, 10, 7)),
        ("th", "TH", 2, dt.date(2026, 9, 24)),
    ],
)
def test_country_file_gives_level_and_date(iso: str, code: str, level: int, date: dt.date) -> None:
    entry = ca_gac.parse_country(_country(iso))
    assert entry.codes == (code,)
    assert (entry.advice.level, entry.advice.date) == (level, date)
    assert entry.advice.summary_fr == ""  # the captures carry no `fra`


def test_haiti_summary_says_why_in_canadas_words() -> None:
    advice = ca_gac.parse_country(_country("ht")).advice
    assert advice.summary.startswith("Avoid all travel to Haiti due to the threat posed by")
    assert advice.url == "https://travel.gc.ca/destinations/haiti"
    assert {"kidnapping", "civil_unrest"} <= set(advice.risks)


def test_thailand_cambodian_border_is_a_level_4_region() -> None:
    regions = ca_gac.parse_country(_country("th")).advice.regions
    assert [(r.areas[:2], r.level) for r in regions] == [
        (
            (
                "Thailand-Cambodia border",
                "area within 50 kilometres of the Thailand-Cambodia border",
            ),
            4,
        ),
        (
            (
                "Southern provinces of Narathiwat, Pattani, Yala and southern Songkhla province",
                "Narathiwat",
            ),
            4,
        ),
    ]
    assert regions[0].reason == "ongoing tensions in the region"
    assert (
        "southern Songkhla province: Hat Yai city; east of Highways 408 and 4113, including Sakom"
        in regions[1].areas
    )


def test_mexico_states_to_avoid_are_one_level_3_region() -> None:
    [region] = ca_gac.parse_country(_country("mx")).advice.regions
    assert region.level == 3
    assert region.reason == "high levels of violence and organized crime"
    assert len(region.areas) == 14  # Chiapas … Zacatecas
    assert region.areas[1] == "Chihuahua, excluding Chihuahua City"
    assert region.areas[0].startswith("Chiapas, excluding: the city and ruins of Palenque")
    assert "Tuxtla Gutiérrez" in region.areas[0]  # entities decoded


def test_kenya_regions_keep_their_own_levels() -> None:
    regions = ca_gac.parse_country(_country("ke")).advice.regions
    assert [r.level for r in regions] == [4, 4, 4, 3]
    assert regions[0].areas == (
        "Border with Somalia",
        "Mandera, Wajir, Garissa and Lamu counties bordering Somalia",
    )
    assert regions[3].areas == ("Kibera neighbourhood of Nairobi",)


def _with_french(iso: str) -> bytes:
    """A capture with the `fra` block the live files carry (trimmed from the captures)."""
    data = json.loads(_country(iso))
    data["data"]["fra"] = {
        "name": "Haïti",
        "url-slug": "haiti",
        "advisory-text": "&Eacute;vitez tout voyage",
        "advisories": (
            '<div class="AdvisoryContainer AvoidAll"><h3>HAÏTI - ÉVITEZ TOUT VOYAGE</h3>'
            '<p><a class="wb-lbx" href="#levels">&Eacute;vitez tout voyage</a> en Haïti en raison'
            " de la menace que posent les enlèvements.</p></div>"
        ),
    }
    return json.dumps(data).encode()


def test_official_french_is_kept_for_french_readers() -> None:
    advice = ca_gac.parse_country(_with_french("ht")).advice
    assert advice.summary_fr == (
        "Évitez tout voyage en Haïti en raison de la menace que posent les enlèvements."
    )
    assert advice.summary.startswith("Avoid all travel to Haiti")


def test_french_summary_survives_the_data_file(data_dir: Path) -> None:
    merge_entries(data_dir, "ca-gac", [ca_gac.parse_country(_with_french("ht"))], today=TODAY)
    advisory, problems = read_destination(data_dir / "destinations" / "HT.toml", TODAY)
    assert problems == [] and advisory is not None
    assert advisory.source("ca-gac").summary_fr.startswith("Évitez tout voyage en Haïti")


def test_unannounced_level_change_is_detected(data_dir: Path) -> None:
    merge_entries(data_dir, "ca-gac", [ca_gac.parse_country(_country("ke"))], today=TODAY)
    data = json.loads(_country("ke"))
    data["data"]["advisory-state"] = 2  # raised, with only "Editorial change" said
    data["data"]["eng"]["friendly-date"] = "October 20, 2026 09:00 EDT"
    raised = ca_gac.parse_country(json.dumps(data).encode())
    report = merge_entries(data_dir, "ca-gac", [raised], today=TODAY)
    assert report.level_changes == ["KE: 2 -> 3"]
    advisory, _ = read_destination(data_dir / "destinations" / "KE.toml", TODAY)
    assert advisory is not None and advisory.change_note is not None
    assert "relevé" in advisory.change_note.fr


def test_index_lists_every_country_with_its_file() -> None:
    # The 2014 index has the same shape as today's index-updated.json.
    items = ca_gac.parse_index(shared_file("feeds/canada-index_2014-03-02.json").read_bytes())
    by_code = {i.code: i for i in items}
    assert len(items) > 200 and "AF" in by_code
    assert by_code["AF"].url == "https://data.international.gc.ca/travel-voyage/cta-cap-af.json"
    assert by_code["AF"].updated == dt.datetime(2014, 2, 26, 13, 25, 38, tzinfo=dt.UTC)
    assert all(len(i.code) == 2 for i in items)  # no sub-national entry such as PT-20


def test_country_file_is_refused_where_the_index_is_expected() -> None:
    with pytest.raises(FeedRefused, match=r"file of one country \(TH\)"):
        ca_gac.parse_index(_country("th"))


def test_index_is_refused_where_a_country_file_is_expected() -> None:
    raw = shared_file("feeds/canada-index_2014-03-02.json").read_bytes()
    with pytest.raises(FeedRefused, match="index of every country"):
        ca_gac.parse_country(raw)


def test_an_index_of_30_countries_is_refused() -> None:
    data = json.loads(shared_file("feeds/canada-index_2014-03-02.json").read_bytes())
    data["data"] = dict(list(data["data"].items())[:30])
    with pytest.raises(FeedRefused, match=r"only 29 countries where at least 150"):
        ca_gac.parse_index(json.dumps(data).encode())  # 29: one of the 30 is PT-20 (Azores)
