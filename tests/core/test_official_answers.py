"""Issue 15: where we hold no curated text, the governments' own texts answer — cut to what was
asked, attributed and dated, in the reader's language where the government publishes it — and
every emergency reply leads with the numbers they give."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest

from bot.core.answer import Knowledge, respond_to_text
from bot.core.emergency import render_emergency
from bot.core.model import (
    Advisory,
    Embassy,
    EmergencyNumber,
    OfficialSection,
    SourceAdvice,
    Text,
)
from bot.core.official import choose, emergency_numbers, focus_of, offices, official_answer
from bot.core.render import MAX_MESSAGE, render_section, strip_tags
from bot.core.reply import UserState
from bot.i18n import tr
from tests.e2e.botapi_spec import parse_html

TODAY = dt.date(2026, 12, 7)
NOW = dt.datetime(2026, 12, 7, 9, 0, tzinfo=dt.UTC)

# A health part in GOV.UK's shape (sub-headings, lists introduced by a sentence).
UK_HEALTH = """\
## Before you travel

Check the latest information on risks to health and vaccine recommendations for Peru.

## Vaccine recommendations and health risks

At least 8 weeks before your trip:

- check the latest vaccine recommendations for Peru
- see where to get vaccines on the NHS travel vaccinations page

A yellow fever vaccination certificate is required if you arrive from a country at risk.

## Altitude

Altitude sickness is a risk in Cusco and Puno.

## Medication

The legal status of some medicines prescribed in the UK can be different in other countries.

## Healthcare in Peru

Public hospitals in Lima are crowded. Private clinics such as Clínica Anglo Americana give good
care but ask for payment or an insurance guarantee before treatment.

Outside Lima, medical facilities are limited; serious cases are flown to Lima.
"""
UK_ENTRY = """\
## Passport validity requirements

Your passport must be valid for 6 months from the date you arrive.

## Visa requirements

You can visit Peru without a visa for up to 90 days.

## Customs rules

There are strict rules about goods you can take into or out of Peru.
"""
CA_HEALTH_FR = """\
## Vaccins systématiques

Assurez-vous que vos vaccins systématiques sont à jour, quelle que soit votre destination.

## Fièvre jaune

Une preuve de vaccination contre la fièvre jaune est exigée des voyageurs venant de pays où la
maladie est présente.

## Soins médicaux

Les soins de santé sont de bonne qualité à Lima mais limités ailleurs.
"""


def uk_block(**changes: object) -> SourceAdvice:
    advice = SourceAdvice(
        source="uk-fcdo",
        label="No advice against travel",
        level=2,
        date=dt.date(2026, 10, 1),
        url="https://www.gov.uk/foreign-travel-advice/peru",
        sections=(
            OfficialSection(
                "health",
                "Health",
                UK_HEALTH,
                "en",
                "https://www.gov.uk/foreign-travel-advice/peru/health",
            ),
            OfficialSection(
                "entry",
                "Entry requirements",
                UK_ENTRY,
                "en",
                "https://www.gov.uk/foreign-travel-advice/peru/entry-requirements",
            ),
        ),
        emergency=(
            EmergencyNumber("ambulance", "117"),
            EmergencyNumber("fire", "116"),
            EmergencyNumber("police", "105"),
        ),
        offices=(
            Embassy(
                "GB", "embassy", "Lima", address="Torre Parque Mar, Lima", phone="+51 1 617 3000"
            ),
        ),
        licence="ogl-uk-3.0",
    )
    return replace(advice, **changes)  # type: ignore[arg-type]


def ca_block(**changes: object) -> SourceAdvice:
    advice = SourceAdvice(
        source="ca-gac",
        label="Exercise a high degree of caution",
        level=2,
        date=dt.date(2026, 11, 2),
        url="https://travel.gc.ca/destinations/peru",
        sections=(
            OfficialSection(
                "health",
                "Santé",
                CA_HEALTH_FR,
                "fr",
                "https://voyage.gc.ca/destinations/perou",
            ),
        ),
        emergency=(EmergencyNumber("police", "105"), EmergencyNumber("general", "911")),
        offices=(Embassy("CA", "embassy", "Lima", phone="+51 1 319 3200"),),
        licence="ogl-canada-2.0",
    )
    return replace(advice, **changes)  # type: ignore[arg-type]


@pytest.fixture
def peru(knowledge: Knowledge) -> Knowledge:
    """The real knowledge, with Peru known only through the UK's and Canada's own texts."""
    advisory = Advisory("PE", sources=(ca_block(), uk_block()))
    return replace(knowledge, advisories={**knowledge.advisories, "PE": advisory})


def section(k: Knowledge, code: str, name: str, lang: str, question: str) -> str:
    html = render_section(
        k.advisories[code], name, k.sources, tr(lang), today=TODAY, question=question
    )
    parsed = parse_html(html)
    assert not parsed.errors, parsed.errors
    assert len(parsed.text) <= MAX_MESSAGE
    return parsed.text


def test_vaccines_get_the_vaccination_paragraphs_not_the_whole_health_part(peru: Knowledge) -> None:
    text = section(peru, "PE", "health", "en", "vaccines for Peru")
    assert "yellow fever vaccination certificate" in text
    assert "8 weeks before your trip" in text
    assert "Altitude sickness" not in text and "legal status" not in text
    assert "UK Foreign, Commonwealth & Development Office — Health, updated October 1, 2026" in text
    assert "We hold no checked information" not in text
    assert "Read the rest on the official page" in text


def test_a_hospital_question_gets_the_healthcare_paragraphs(peru: Knowledge) -> None:
    text = section(peru, "PE", "health", "en", "I need a hospital in Lima")
    assert "Private clinics" in text and "serious cases are flown to Lima" in text
    assert "vaccine recommendations" not in text


def test_entry_visa_and_passport(peru: Knowledge) -> None:
    visa = section(peru, "PE", "entry", "en", "do I need a visa for Peru?")
    assert "without a visa for up to 90 days" in visa
    assert "strict rules about goods" not in visa
    everything = section(peru, "PE", "entry", "en", "entry requirements Peru")
    assert "valid for 6 months" in everything and "without a visa" in everything


def test_a_french_reader_gets_canadas_french_first_then_english_marked(peru: Knowledge) -> None:
    text = section(peru, "PE", "health", "fr", "vaccins pour le Pérou")
    assert "Gouvernement du Canada — Santé, mis à jour le 2 novembre 2026" in text
    assert "fièvre jaune est exigée" in text
    # The UK's English follows, marked as the official English text, never as ours.
    assert text.index("Gouvernement du Canada") < text.index("Texte officiel, en anglais")
    assert "yellow fever vaccination certificate" in text


def test_without_french_the_english_official_text_is_marked(peru: Knowledge) -> None:
    text = section(peru, "PE", "entry", "fr", "visa Pérou")
    assert "Texte officiel, en anglais\u00a0:" in text
    assert "without a visa for up to 90 days" in text


def test_an_excerpt_older_than_90_days_says_so(peru: Knowledge) -> None:
    old = Advisory("PE", sources=(uk_block(date=dt.date(2026, 6, 1)),))
    k = replace(peru, advisories={**peru.advisories, "PE": old})
    text = section(k, "PE", "health", "en", "vaccines")
    assert "More than 90 days old" in text
    fresh = section(peru, "PE", "health", "en", "vaccines")
    assert "More than 90 days old" not in fresh


def test_curated_text_comes_first_then_the_officials(peru: Knowledge) -> None:
    curated = replace(
        peru.advisories["PE"],
        sections={"health": Text("Our checked advice: carry repellent.", "Notre conseil.")},
        reviewed=dt.date(2026, 11, 30),
    )
    k = replace(peru, advisories={**peru.advisories, "PE": curated})
    text = section(k, "PE", "health", "en", "vaccines")
    assert text.index("Our checked advice") < text.index("UK Foreign, Commonwealth")


def test_markup_and_a_50000_character_part_still_give_a_short_valid_message(
    peru: Knowledge,
) -> None:
    hostile = "<b>unclosed <i>tags & <script>alert(1)</script> vaccine " * 1200
    huge = uk_block(sections=(OfficialSection("health", "Health", hostile, "en", ""),))
    k = replace(peru, advisories={**peru.advisories, "PE": Advisory("PE", sources=(huge,))})
    for question in ("vaccines", "health"):
        text = section(k, "PE", "health", "en", question)
        assert "<script>alert(1)</script>" in text  # shown as text, never as markup
        assert len(text) < 2500


def test_the_focus_is_read_in_both_languages() -> None:
    assert [f.name for f in focus_of("vaccins pour le Pérou", "health")] == ["vaccines"]
    sick_child = [f.name for f in focus_of("hôpital à Marrakech, mon fils est malade", "health")]
    assert sick_child == ["care", "children"]
    assert [f.name for f in focus_of("visa", "entry")] == ["visa"]
    assert focus_of("health in Peru", "health") == ()


def test_a_list_keeps_the_sentence_that_introduces_it() -> None:
    kept, left_out = choose(UK_HEALTH, focus_of("vaccines", "health"), budget=2000)
    texts = [p.text for p in kept]
    intro = texts.index("At least 8 weeks before your trip:")
    assert texts[intro + 1].startswith("- check the latest vaccine")
    assert left_out


# ---- emergency numbers and offices ---------------------------------------------------------------


def test_a_curated_number_wins_and_governments_that_differ_are_both_shown() -> None:
    advisory = Advisory(
        "PE",
        sources=(
            ca_block(emergency=(EmergencyNumber("police", "105"), EmergencyNumber("fire", "116"))),
            uk_block(emergency=(EmergencyNumber("police", "105"), EmergencyNumber("fire", "119"))),
        ),
        emergency={"ambulance": "106"},
    )
    lines = {(n.service, n.number): n.sources for n in emergency_numbers(advisory)}
    assert lines[("police", "105")] == ("ca-gac", "uk-fcdo")  # agreeing: one line, both named
    assert lines[("fire", "116")] == ("ca-gac",) and lines[("fire", "119")] == ("uk-fcdo",)
    assert lines[("ambulance", "106")] == ()  # ours, checked
    with_uk_ambulance = replace(
        advisory, sources=(uk_block(emergency=(EmergencyNumber("ambulance", "117"),)),)
    )
    assert [n.number for n in emergency_numbers(with_uk_ambulance)] == ["106"]


def test_robbed_in_peru_leads_with_the_official_numbers_and_their_source(peru: Knowledge) -> None:
    reply = respond_to_text("I was robbed in Lima", UserState(), peru, telegram_lang="en", now=NOW)
    text = strip_tags(reply.text)
    assert len(reply.text) <= MAX_MESSAGE
    lines = [line for line in text.splitlines() if line.strip()]
    assert lines[1] == "Emergency numbers"
    assert lines[2].startswith("• Emergencies: 911 (Government of Canada")
    assert (
        "• Police: 105 (Government of Canada, UK Foreign, Commonwealth & Development Office" in text
    )
    assert "We hold no checked emergency number" not in text
    assert text.index("Emergency numbers") < text.index("What to do") < text.index("Embassies")


def test_a_medical_emergency_puts_the_ambulance_first_then_where_to_find_care(
    peru: Knowledge,
) -> None:
    text = strip_tags(
        render_emergency(peru.advisories["PE"], "PE", "injury", tr("en"), peru.sources, today=TODAY)
    )
    numbers = text.split("Emergency numbers")[1].split("What to do")[0]
    assert numbers.strip().startswith("• Ambulance: 117")
    assert "Where to find care" in text and "Private clinics" in text


def test_offices_are_labelled_by_whose_they_are_and_other_nationals_are_pointed_home(
    peru: Knowledge,
) -> None:
    listed = offices(peru.advisories["PE"])
    assert [(o.embassy.of, o.source) for o in listed] == [("CA", "ca-gac"), ("GB", "uk-fcdo")]
    text = section(peru, "PE", "contacts", "en", "embassy in Lima")
    assert "Embassy of Canada in Lima" in text and "Embassy of the United Kingdom in Lima" in text
    assert "These offices serve the citizens of Canada and of the United Kingdom." in text
    assert "France: +33 1 53 59 11 00" in text
    fr = section(peru, "PE", "contacts", "fr", "ambassade à Lima")
    assert "Ambassade du Canada à Lima" in fr or "Ambassade du Canada" in fr
    assert "Ces représentations servent les citoyens du Canada et du Royaume-Uni." in fr


def test_a_curated_embassy_comes_before_the_governments_own_listing(peru: Knowledge) -> None:
    curated = replace(
        peru.advisories["PE"],
        embassies=(Embassy("FR", "embassy", "Lima", phone="+51 1 215 8400"),),
    )
    listed = offices(curated)
    assert [o.embassy.of for o in listed] == ["FR", "CA", "GB"]
    assert listed[0].source == ""


def test_official_answer_quotes_at_most_two_governments_and_links_the_rest() -> None:
    us = SourceAdvice(
        "us-state",
        "Level 2",
        2,
        dt.date(2026, 9, 1),
        "https://travel.state.gov/x",
        sections=(OfficialSection("health", "Health", "Vaccines are advised.", "en", ""),),
    )
    advisory = Advisory("PE", sources=(us, ca_block(), uk_block()))
    answer = official_answer(advisory, "health", "en", "vaccines", budget=3000)
    assert len(answer.excerpts) == 2
    assert len(answer.linked) == 1
