"""Official regional levels read from the real feeds: Smartraveller's `field_advice_levels`
items and the US advisories' "Do Not Travel to" lists and sentences (issue 9: a reader asking
about Thailand learns that the US and Australia both say level 4 near the Cambodian border)."""

from __future__ import annotations

import json

import pytest

from bot.core.model import SourceAdvice, SourceRegion
from bot.importers import au_dfat, us_state
from tests.conftest import shared_file

AU_FEED = "feeds/au-smartraveller-shape.json"
US_FEED = "feeds/us-state-dept_2025-10-07.xml"
US_2026_SAMPLE = "feeds/2026-10-07/us/TAsTWs-sample.xml"


@pytest.fixture(scope="module")
def au() -> dict[str, SourceAdvice]:
    raw = shared_file(AU_FEED).read_bytes()
    return {e.codes[0]: e.advice for e in au_dfat.parse_feed(raw).entries}


@pytest.fixture(scope="module")
def us() -> dict[str, SourceAdvice]:
    raw = shared_file(US_FEED).read_bytes()
    return {e.codes[0]: e.advice for e in us_state.parse_feed(raw).entries}


def areas_at(advice: SourceAdvice, level: int) -> list[tuple[str, ...]]:
    return [r.areas for r in advice.regions if r.level == level]


# --- Australia --------------------------------------------------------------------------------


def test_every_smartraveller_entry_is_read_without_error_and_only_with_clean_regions() -> None:
    raw = shared_file(AU_FEED).read_bytes()
    items = json.loads(raw)
    for item in items:  # each entry alone, so one that raises names itself
        parsed = au_dfat.parse_feed(json.dumps([item]).encode(), minimum=1)
        for entry in parsed.entries:
            for region in entry.advice.regions:
                assert 1 <= region.level <= 4
                for area in region.areas:
                    assert 3 <= len(area) <= 300, (entry.name, area)
                    assert " due to " not in area and "overall" not in area, (entry.name, area)
                assert region.reason == "", (entry.name, region.reason)  # not its prose
    regional = [e for e in au_dfat.parse_feed(raw).entries if e.advice.regions]
    assert len(regional) >= 50


def test_thailand_australia_level_4_within_50_km_of_the_cambodian_border(au: dict) -> None:
    thailand = au["TH"]
    assert thailand.level == 2
    assert thailand.regions[0] == SourceRegion(
        (
            "areas within 50 kilometres of the Thailand-Cambodia land border in the provinces of"
            " Sa Kaeo, Buriram, Si Saket, Surin, Ubon Ratchathani, Chanthaburi and mainland Trat",
        ),
        4,
    )
    assert thailand.regions[1].areas == (
        "Yala province, Pattani province, and Narathiwat province",
    )
    assert thailand.regions[1].level == 3
    assert len(thailand.regions) == 2  # the country overall is not a region


def test_cambodia_australia_level_4_within_50_km_of_the_thai_border(au: dict) -> None:
    (region,) = au["KH"].regions
    assert region.level == 4
    assert region.areas[0].startswith("areas within 50 kilometres of the Cambodia-Thailand border")
    assert region.areas[0].endswith("Pursat and Koh Kong")
    assert region.reason == ""  # Smartraveller's prose is not ours to republish (its licence)


@pytest.mark.parametrize(
    ("code", "level", "areas", "reason"),
    [
        (
            "PK",
            4,
            (
                "border areas with Afghanistan and India (excluding Lahore, Wagah, Kasur,"
                " Narowal and Sialkot)",
            ),
            "the volatile security situation",
        ),
        ("SN", 3, ("eastern border with Mali",), "the volatile security situation"),
        (
            "PH",
            4,
            (
                "central and western Mindanao, including the Zamboanga Peninsula",
                "Sulu Archipelago",
                "southern Sulu Sea area",
            ),
            "the very high threat of terrorism and kidnapping",
        ),
        ("EC", 1, ("Galapagos Islands",), ""),  # lower than the country: still a regional level
        (
            "TD",
            3,
            ("N'Djamena",),
            "the threat of violent crime, civil unrest, terrorism and kidnapping",
        ),
        (
            "IN",
            4,
            ("Union Territory of Jammu and Kashmir, the India-Pakistan border or Manipur",),
            "the danger of armed clashes, terrorist activities and violent demonstrations",
        ),
        (
            "MA",
            4,
            (
                "within 30km of the northern or western side of the Berm (a militarised"
                " boundary) or all areas south and east of the Berm",
            ),
            "the risk of armed conflict",
        ),
        (
            "TN",
            3,
            ("Delegation of Remada", "Mount Orbata"),
            "the presence of a military zone, the risk of terrorism, and limited mobile coverage",
        ),
    ],
)
def test_australian_regional_level(
    au: dict, code: str, level: int, areas: tuple[str, ...], reason: str
) -> None:
    del reason  # Smartraveller's reason ends the areas when read; its licence keeps it out
    assert SourceRegion(areas, level) in au[code].regions


def test_short_sentence_gives_the_areas_when_the_full_one_lost_its_list_separators(
    au: dict,
) -> None:
    # "Reconsider your need to travel to Andijan, eastern region of the Ferghana Valley, …
    # Reconsider your need to travel to: Andijan eastern region of the Ferghana Valley other …"
    assert (
        "Andijan, eastern region of the Ferghana Valley, other regions bordering Tajikistan and"
        " the Kyrgyz Republic",
    ) in areas_at(au["UZ"], 3)
    honduras = au["HN"].regions
    assert honduras == (
        SourceRegion(("Chamelecon, Choloma, Cofradia and the Department of Gracias a Dios",), 3),
    )


@pytest.mark.parametrize(
    ("code", "why"),
    [
        ("NG", "'Abia Adamawa Anambra Akawa Ibom …': a list whose separators were lost"),
        ("MX", "a list of states glued together, a period inside it"),
        ("CO", "a list cut by a period before its reason"),
        ("ET", "'the following locations' followed by a glued list"),
        ("AZ", "'A due to R1 B due to R2': the second area glued into the first reason"),
    ],
)
def test_unreadable_australian_lists_are_left_out_not_guessed(
    au: dict, code: str, why: str
) -> None:
    assert not [r for r in au[code].regions if r.level == 4 or code == "MX"], why


def test_nigeria_keeps_no_australian_region_but_its_level(au: dict) -> None:
    assert au["NG"].level == 3 and au["NG"].regions == ()


def test_country_wide_items_are_not_regions(au: dict) -> None:
    for code in ("AF", "IQ", "UA", "VE", "YE", "SS", "ML", "TZ", "LA"):
        for region in au[code].regions:
            assert not any(a.startswith(("Afghanistan", "Iraq", "Ukraine")) for a in region.areas)
    assert au["IQ"].regions == () and au["UA"].regions == () and au["ML"].regions == ()


# --- United States ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "areas"),
    [
        (
            "Areas along the Cambodian and Thai border",
            ("Areas along the Cambodian and Thai border",),
        ),
        ("the Yala and Pattani provinces", ("Yala and Pattani provinces",)),
        ("Yala, Pattani, and Narathiwat provinces", ("Yala, Pattani, and Narathiwat provinces",)),
        ("Kidal and Gao regions", ("Kidal and Gao regions",)),
        ("North and South Kivu provinces", ("North and South Kivu provinces",)),
        (
            "the Malian border area, the Diffa region, northern Agadez, and the Lake Chad region",
            ("Malian border area", "Diffa region", "northern Agadez", "Lake Chad region"),
        ),
        ("Tigray Region and the border with Eritrea", ("Tigray Region", "border with Eritrea")),
        (
            "the Nairobi neighborhoods of Eastleigh and Kibera",
            ("Nairobi neighborhoods of Eastleigh and Kibera",),
        ),
        (
            "northern border areas near Burkina Faso and Côte d’Ivoire",
            ("northern border areas near Burkina Faso and Côte d’Ivoire",),
        ),
        (
            "the Sulu Archipelago, including the southern Sulu Sea",
            ("Sulu Archipelago, including the southern Sulu Sea",),
        ),
        (
            "Ma’an City and some areas of Ma’an Governorate",
            ("Ma’an City", "some areas of Ma’an Governorate"),
        ),
        (
            "Kenya-Somalia border counties (Garissa, Wajir, Mandera), Tana River County, and"
            " coastal areas north of Malindi",
            (
                "Kenya-Somalia border counties (Garissa, Wajir, Mandera)",
                "Tana River County",
                "coastal areas north of Malindi",
            ),
        ),
    ],
)
def test_us_areas_split_only_between_whole_areas(text: str, areas: tuple[str, ...]) -> None:
    assert us_state._split_areas(text) == areas


@pytest.mark.parametrize(
    ("code", "level", "areas", "reason"),
    [
        ("TH", 4, ("Areas along the Cambodian and Thai border",), "armed conflict"),
        (
            "TH",
            4,
            ("areas within 50km of the Thai-Cambodian border",),
            "ongoing fighting between Thai and Cambodian military forces",
        ),
        ("KH", 4, ("Areas along Cambodian and Thai border",), "armed conflict"),
        (
            "CD",
            4,
            ("North and South Kivu provinces",),
            "crime, terrorism, civil unrest, armed conflict, and kidnapping",
        ),
        ("NG", 4, ("Borno, Yobe, Kogi, and northern Adamawa states",), "terrorism and kidnapping"),
        (
            "NG",
            4,
            ("Bauchi, Gombe, Kaduna, Kano, Katsina, Sokoto, and Zamfara states",),
            "kidnapping",
        ),
        ("KE", 3, ("Nairobi neighborhoods of Eastleigh and Kibera",), "crime and kidnapping"),
        (
            "NE",
            4,
            ("Malian border area", "Diffa region", "northern Agadez", "Lake Chad region"),
            "terrorism",
        ),
        ("CM", 4, ("Northwest and Southwest Regions",), "armed violence, crime, and kidnapping"),
        (
            "GE",
            4,
            ("Russian-occupied Georgian regions of South Ossetia and Abkhazia",),
            "risk of crime, civil unrest, and landmines",
        ),
    ],
)
def test_us_regional_level(
    us: dict, code: str, level: int, areas: tuple[str, ...], reason: str
) -> None:
    assert SourceRegion(areas, level, reason) in us[code].regions


def test_us_list_items_each_keep_their_own_reason_not_the_next_areas(us: dict) -> None:
    for advice in us.values():
        for region in advice.regions:
            for area in region.areas:
                assert " due to " not in area and not area.startswith(("or ", "and ")), area
            assert region.areas not in (("these areas",), ("following locations",))
    assert len([r for r in us["NG"].regions if r.level == 4]) == 3


def test_us_whole_country_is_not_a_region(us: dict) -> None:
    assert us["TT"].regions == ()  # "Reconsider travel to Trinidad and Tobago due to crime"
    assert not [r for r in us["VE"].regions if "Venezuela" in " ".join(r.areas)]


def test_truncated_2026_sample_gives_no_garbled_region() -> None:
    raw = shared_file(US_2026_SAMPLE).read_bytes()
    for entry in us_state.parse_feed(raw, minimum=1).entries:
        for region in entry.advice.regions:
            assert all(len(a) > 10 and not a.endswith(" a") for a in region.areas), region
