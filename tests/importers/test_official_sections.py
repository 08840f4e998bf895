"""Each government's own texts, emergency numbers and offices, as the importers read them from the
real captures (and from Canada's files completed in their own structure: see fixtures/README)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from bot.core.model import Advisory, EmergencyNumber
from bot.datafiles.files import destination_path, read_destination, write_destination
from bot.importers import ca_gac, uk_fcdo, us_state
from tests.conftest import shared_file


def _uk(slug: str) -> bytes:
    return shared_file(f"feeds/2026-10-07/uk/{slug}.json").read_bytes()


def _ca(name: str) -> bytes:
    return shared_file(f"feeds/2026-10-07/ca/{name}.json").read_bytes()


def _ca_full() -> bytes:
    return shared_file("feeds/derived/ca/cta-cap-th-full.json").read_bytes()


def _numbers(numbers: tuple[EmergencyNumber, ...]) -> list[tuple[str, str]]:
    return [(n.service, n.number) for n in numbers]


# --- GOV.UK ------------------------------------------------------------------------------------


def test_every_govuk_part_is_a_section_with_its_own_address() -> None:
    advice = uk_fcdo.parse_country(_uk("mexico")).advice
    assert [(s.topic, s.title) for s in advice.sections] == [
        ("warnings", "Warnings and insurance"),
        ("entry", "Entry requirements"),
        ("security", "Safety and security"),
        ("regions", "Regional risks"),
        ("health", "Health"),
        ("help", "Getting help"),
    ]
    health = advice.sections_on("health")[0]
    assert health.url == "https://www.gov.uk/foreign-travel-advice/mexico/health"
    assert health.lang == "en" and advice.licence == "ogl-uk-3.0"
    assert advice.date == dt.date(2026, 10, 1) and health.date is None  # the page's date applies
    assert "## " in health.text and "<" not in health.text and "http" not in health.text


def test_france_has_no_regional_risks_part_and_is_not_refused_for_it() -> None:
    advice = uk_fcdo.parse_country(_uk("france")).advice
    assert advice.sections_on("regions") == ()
    assert {s.topic for s in advice.sections} == {"warnings", "entry", "security", "health", "help"}


def test_mexicos_numbers_are_911_and_the_mexico_city_tourist_police() -> None:
    advice = uk_fcdo.parse_country(_uk("mexico")).advice
    assert advice.emergency == (
        EmergencyNumber("general", "911"),
        EmergencyNumber("tourist_police", "+52 55 5207 4155", "Mexico City Tourist Police"),
    )


@pytest.mark.parametrize(
    ("slug", "numbers"),
    [
        ("colombia", [("ambulance", "123"), ("fire", "119"), ("police", "123")]),
        # "Telephone 112 (ambulance, fire, police)" then each service; the deaf SMS line is not
        # taken for a general number.
        ("france", [("general", "112"), ("ambulance", "15"), ("fire", "18"), ("police", "17")]),
        # The warning note before the numbers is read past.
        ("haiti", [("ambulance", "116"), ("fire", "115"), ("police", "122")]),
        # "Kenya Tourism Federation" follows the block: not an emergency number.
        ("kenya", [("general", "999")]),
    ],
)
def test_each_captured_country_has_its_emergency_numbers(
    slug: str, numbers: list[tuple[str, str]]
) -> None:
    assert _numbers(uk_fcdo.parse_country(_uk(slug)).advice.emergency) == numbers


def test_the_british_office_is_the_one_getting_help_links_to_with_nothing_invented() -> None:
    kenya = uk_fcdo.parse_country(_uk("kenya")).advice.offices
    assert len(kenya) == 1
    office = kenya[0]
    assert (office.of, office.city) == ("GB", "Nairobi")
    assert office.name == "British High Commission Nairobi"
    assert office.url.endswith("/posts/kenya/british-high-commission-nairobi")
    assert office.phone == "" and office.address == ""  # the page gives neither
    haiti = uk_fcdo.parse_country(_uk("haiti")).advice.offices[0]
    assert (haiti.name, haiti.city) == ("British Embassy Port-au-Prince", "Port-au-Prince")
    colombia = uk_fcdo.parse_country(_uk("colombia")).advice.offices[0]
    assert colombia.city == "Bogotá"  # spelled as our cities list spells it, not "Bogota"


def test_a_page_without_getting_help_keeps_its_level_and_has_no_numbers() -> None:
    page = json.loads(_uk("kenya"))
    page["details"]["parts"] = [
        p for p in page["details"]["parts"] if p["slug"] != "getting-help"
    ] + [{"slug": "money", "title": "Money", "body": "<p>Cash</p>"}, "junk", {"slug": None}]
    advice = uk_fcdo.parse_country(json.dumps(page).encode()).advice
    assert advice.level == 2 and advice.emergency == () and advice.offices == ()
    assert "help" not in {s.topic for s in advice.sections}
    assert "Money" not in {s.title for s in advice.sections}


def test_a_part_with_markup_telegram_would_refuse_or_50000_characters_is_kept_as_text() -> None:
    page = json.loads(_uk("kenya"))
    hostile = "<p>Dial <b>999 <i>now</p><script>alert(1)</script><tg-spoiler>x" * 3
    hostile += "<p>" + "Malaria is present in Kenya. " * 1800 + "</p>"
    for part in page["details"]["parts"]:
        if part["slug"] == "health":
            part["body"] = hostile
    health = uk_fcdo.parse_country(json.dumps(page).encode()).advice.sections_on("health")[0]
    assert "<" not in health.text and "alert" not in health.text
    assert health.text.startswith("Dial 999 now\n\nx")
    assert 45_000 < len(health.text) <= 60_000


@pytest.mark.parametrize("parts", [None, 5, "parts", {"slug": "health"}, [None, 3]])
def test_parts_of_any_odd_shape_leave_the_level_and_no_section(parts: object) -> None:
    page = json.loads(_uk("haiti"))
    page["details"]["parts"] = parts
    advice = uk_fcdo.parse_country(json.dumps(page).encode()).advice
    assert advice.level == 4 and advice.sections == () and advice.emergency == ()


@pytest.mark.parametrize("offices", [None, 5, "x", {"city": "Bangkok"}, [None, 3, []]])
def test_canada_offices_of_any_odd_shape_are_not_an_error(offices: object) -> None:
    page = json.loads(_ca_full())
    page["data"]["eng"]["offices"] = offices
    page["data"]["fra"]["offices"] = offices
    page["data"]["eng"]["health"] = {"not": "text"}
    page["data"]["fra"]["advisories"] = ["not", "text"]
    advice = ca_gac.parse_country(json.dumps(page).encode()).advice
    assert advice.offices == () and advice.level == 2
    assert advice.sections_on("health", "en") == () and advice.sections_on("health", "fr")


def test_an_old_page_maps_its_old_parts() -> None:
    raw = shared_file("feeds/uk-fcdo_turkey_2017.json").read_bytes()
    topics = [s.topic for s in uk_fcdo.parse_country(raw).advice.sections]
    assert topics == [
        *("warnings", "security", "security", "laws"),
        *("entry", "health", "disasters", "help"),
    ]


# --- Canada ------------------------------------------------------------------------------------


def test_canada_capture_gives_its_security_section_and_says_nothing_of_what_is_missing() -> None:
    advice = ca_gac.parse_country(_ca("cta-cap-th")).advice
    assert [s.topic for s in advice.sections] == ["summary", "security"]
    security = advice.sections_on("security", "en")[0]
    assert security.url == "https://travel.gc.ca/destinations/thailand"
    assert security.text.startswith("## Tensions along the Thailand-Cambodia border")
    assert advice.licence == "ogl-canada-2.0"
    assert advice.sections_on("health") == () and advice.emergency == () and advice.offices == ()


def test_canadas_french_sections_come_from_fra_with_the_french_address() -> None:
    advice = ca_gac.parse_country(_ca_full()).advice
    french = [s for s in advice.sections if s.lang == "fr"]
    assert [s.topic for s in french] == [
        "summary",
        "security",
        "entry",
        "health",
        "laws",
        "disasters",
        "help",
    ]
    health = advice.sections_on("health", "fr")[0]
    assert health.title == "Santé" and health.url == "https://voyage.gc.ca/destinations/thailande"
    assert "## Vaccins systématiques" in health.text
    assert advice.sections_on("health", "en")[0].text.startswith("## Relevant Travel Health")


def test_canadas_emergency_services_and_its_embassy_in_both_languages() -> None:
    advice = ca_gac.parse_country(_ca_full()).advice
    assert _numbers(advice.emergency) == [
        ("police", "191"),
        ("ambulance", "1669"),
        ("fire", "199"),
        ("tourist_police", "1155"),
    ]
    (office,) = advice.offices
    assert (office.of, office.kind, office.city) == ("CA", "embassy", "Bangkok")
    assert office.name == "Embassy of Canada in Bangkok"
    assert office.name_fr == "Ambassade du Canada à Bangkok"
    assert office.address == "15th Floor, Abdulrahim Place, 990 Rama IV Road, Bangkok 10500"
    assert office.phone == "+66 (0) 2 646-4300" and office.email == "bngkk@international.gc.ca"


def test_canadas_section_names_are_read_tolerantly_and_odd_fields_are_skipped() -> None:
    page = json.loads(_ca_full())
    eng = page["data"]["eng"]
    eng["natural-disasters-climate"] = eng.pop("disasters-climate")
    eng["health"] = None  # not published
    eng["offices"].append({"type": "Consulate of Canada", "city": "", "email-1": "no"})
    eng["offices"].append({"type": "Consulate of Canada", "city": "Phuket", "email-1": "no"})
    eng["offices"].append("junk")
    del page["data"]["fra"]
    advice = ca_gac.parse_country(json.dumps(page).encode()).advice
    assert advice.sections_on("disasters", "en")[0].text.startswith("## Monsoon")
    assert advice.sections_on("health") == ()
    assert [(o.kind, o.city, o.email) for o in advice.offices] == [
        ("embassy", "Bangkok", "bngkk@international.gc.ca"),
        ("consulate", "Phuket", ""),
    ]


def test_without_english_emergency_services_the_french_ones_are_used() -> None:
    page = json.loads(_ca_full())
    eng = page["data"]["eng"]
    eng["security"] = eng["security"].split("<h3>Emergency services</h3>")[0]
    numbers = ca_gac.parse_country(json.dumps(page).encode()).advice.emergency
    assert ("tourist_police", "1155") in _numbers(numbers)


# --- US ----------------------------------------------------------------------------------------


def test_us_advisory_is_kept_whole_as_its_summary_in_the_public_domain() -> None:
    raw = shared_file("feeds/us-state-dept_2025-10-07.xml").read_bytes()
    entries = {e.codes: e.advice for e in us_state.parse_feed(raw).entries}
    maldives = entries[("MV",)]
    (summary,) = maldives.sections
    assert summary.topic == "summary" and maldives.licence == "public-domain-us"
    assert summary.url == maldives.url
    assert summary.text.startswith("Exercise increased caution in Maldives due to terrorism.")
    assert "Reissued" not in summary.text  # the note on what changed is not the advisory
    assert "- Tourist locations" in summary.text


# --- the data files ----------------------------------------------------------------------------


def test_sections_numbers_and_offices_survive_the_data_file(data_dir: Path) -> None:
    uk = uk_fcdo.parse_country(_uk("mexico")).advice
    ca = ca_gac.parse_country(_ca_full()).advice
    write_destination(data_dir, Advisory(code="MX", sources=(ca, uk)))
    read, problems = read_destination(destination_path(data_dir, "MX"), dt.date(2026, 11, 24))
    assert problems == [] and read is not None
    assert read.source("uk-fcdo") == uk
    assert read.source("ca-gac") == ca


def test_vigie_import_writes_the_texts_numbers_and_office_into_the_file(data_dir: Path) -> None:
    from click.testing import CliRunner

    from bot.cli import main

    page = shared_file("feeds/2026-10-07/uk/kenya.json")
    result = CliRunner().invoke(
        main, ["--data-dir", str(data_dir), "import", "uk-fcdo", "--file", str(page)]
    )
    assert result.exit_code == 0, result.output
    text = destination_path(data_dir, "KE").read_text(encoding="utf-8")
    assert 'licence = "ogl-uk-3.0"' in text
    assert '[[sources.emergency]]\nservice = "general"\nnumber = "999"' in text
    assert 'name = "British High Commission Nairobi"' in text
    assert 'url = "https://www.gov.uk/foreign-travel-advice/kenya/health"' in text
    check = CliRunner().invoke(main, ["--data-dir", str(data_dir), "data", "check"])
    assert check.exit_code == 0, check.output
