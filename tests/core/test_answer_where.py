"""Where the reader is, first (a city asked about, a shared location in an area advised against),
and the safest destinations when that is what is asked. From the real data."""

from __future__ import annotations

import datetime as dt

from bot.core import callbacks as cb
from bot.core.answer import Knowledge, respond_to_button, respond_to_location, respond_to_text
from bot.core.model import Advisory, SourceAdvice, SourceRegion
from bot.core.reply import Reply, UserState
from bot.core.understand import Understanding
from bot.core.where import near_border, where_first_lines
from bot.geo import nearest_place
from bot.i18n import tr
from tests.core.test_answer_situation import answer

NOW = dt.datetime(2026, 12, 7, 12, 0, tzinfo=dt.UTC)
OU_SMACH = (14.4248, 103.6957)


def located(knowledge: Knowledge, latitude: float, longitude: float, lang: str = "en") -> Reply:
    place = nearest_place(latitude, longitude)
    assert place is not None
    return respond_to_location(
        place.name,
        place.country,
        place.distance_km,
        UserState(lang=lang),
        knowledge,
        telegram_lang=lang,
        now=NOW,
        nearby=place.nearby,
    )


def test_location_near_ou_smach_opens_with_the_border_area_before_the_headline(
    knowledge: Knowledge,
) -> None:
    text = located(knowledge, *OU_SMACH).text
    lines = text.split("\n")
    assert lines[0] == "📍 Near Ou Smach, Cambodia:"
    assert lines[2] == "<b>Where you are, travel is advised against:</b>"
    assert lines[3].startswith("📍 🔴 <b>")
    where = text[: text.index("🇰🇭 <b>Cambodia</b>")]
    assert "Cambodia – Thailand border" in where or "Cambodia-Thailand border" in where
    assert "United States" in where and "Australia" in where  # who says it, with the date
    assert "(July" in where or "2025)" in where or "2026)" in where
    assert text.index("Where you are") < text.index("Level 2 – Increased caution")


def test_location_in_phnom_penh_has_no_border_warning(knowledge: Knowledge) -> None:
    text = located(knowledge, 11.5564, 104.9282).text
    assert "travel is advised against" not in text.split("🇰🇭 <b>Cambodia</b>")[0]


def test_location_in_french_names_the_area_in_french_typography(knowledge: Knowledge) -> None:
    text = located(knowledge, *OU_SMACH, lang="fr").text
    assert "<b>Là où vous êtes, le voyage est déconseillé\u00a0:</b>" in text
    assert "États-Unis\u00a0:" in text


def test_hat_yai_opens_with_canada_avoid_all_travel_before_thailand_level_2(
    knowledge: Knowledge,
) -> None:
    text = respond_to_text(
        "is Hat Yai safe?", UserState(lang="en"), knowledge, telegram_lang="en", now=NOW
    ).text
    lines = text.split("\n")
    assert lines[0] == "<b>Where you asked about (Hat Yai), travel is advised against:</b>"
    assert lines[1].startswith("📍 🔴 <b>Canada: Avoid all travel (")
    assert "Hat Yai city" in lines[1]
    assert text.index("Hat Yai city") < text.index("Level 2 – Increased caution")


def test_a_country_asked_by_name_gets_no_where_lines(knowledge: Knowledge) -> None:
    for question in ("is Thailand safe?", "Cambodia"):
        text = respond_to_text(
            question, UserState(lang="en"), knowledge, telegram_lang="en", now=NOW
        ).text
        assert "travel is advised against" not in text, question


def test_near_border_needs_the_distance_within_the_area_and_the_neighbour_named() -> None:
    area = "areas within 50 kilometres of the Cambodia-Thailand border"
    assert near_border(area, "KH", {"TH": 28.0})
    assert not near_border(area, "KH", {"TH": 70.0})
    assert not near_border(area, "KH", {"VN": 10.0})  # another border
    assert not near_border("Preah Vihear province", "KH", {"TH": 5.0})


def test_no_where_lines_when_the_headline_already_says_as_much(knowledge: Knowledge) -> None:
    for question in ("is Bamako safe", "Port-au-Prince", "Niamey"):
        text = respond_to_text(
            question, UserState(lang="en"), knowledge, telegram_lang="en", now=NOW
        ).text
        assert "travel is advised against" not in text, question
        assert "Level 4 – Do not travel" in text.split("\n")[1], question


def test_where_lines_put_the_most_severe_first() -> None:
    advisory = Advisory(
        code="XX",
        sources=(
            SourceAdvice(
                "us-state",
                "Level 2",
                2,
                dt.date(2026, 1, 1),
                "",
                regions=(
                    SourceRegion(("Foo city",), 3),
                    SourceRegion(("the north, including Foo city",), 4),
                ),
            ),
        ),
    )
    lines = where_first_lines(advisory, {}, tr("en"), place="Foo")
    assert lines[1].startswith("📍 🔴") and lines[2].startswith("📍 🟠")


# ---- the safest destinations ---------------------------------------------------------------------


def safest(continent: str | None = None, lang: str = "en") -> Understanding:
    return Understanding(
        "which countries are safe",
        lang,
        "hotspots",
        None,
        None,
        None,
        (),
        0.0,
        continent=continent,
        detail="safest",
    )


def test_which_countries_are_safe_lists_level_1_by_region_not_the_ones_to_avoid(
    knowledge: Knowledge,
) -> None:
    reply = answer(knowledge, safest())
    text = reply.text
    assert text.startswith("<b>The safest destinations</b>\n<b>🟢 Level 1 – Normal precautions</b>")
    assert "Do not travel" not in text and "Mali" not in text
    assert "<b>Europe</b>" in text and "<b>Oceania</b>" in text and "Portugal" in text
    level_one = {a.code for a in knowledge.advisories.values() if a.level == 1}
    assert "NZ" in level_one and "New Zealand" in text
    assert "🌍 Destinations to avoid" in [b.label for row in reply.buttons for b in row]


def test_safest_in_africa_only_africa_and_a_button_per_other_continent(
    knowledge: Knowledge,
) -> None:
    reply = answer(knowledge, safest("africa"))
    assert reply.text.startswith("<b>The safest destinations in Africa</b>")
    assert "Portugal" not in reply.text and "Cape Verde" in reply.text
    data = [b.data for row in reply.buttons for b in row]
    assert "sf:asia" in data and "sf:africa" not in data and "h:africa" in data
    pressed = respond_to_button(
        cb.encode(cb.SAFEST, value="europe"),
        UserState(lang="fr"),
        knowledge,
        telegram_lang="fr",
        now=NOW,
    )
    assert pressed.edit and "Les destinations les plus sûres – Europe" in pressed.text


def test_safest_in_french_is_french(knowledge: Knowledge, english_fragments: list[str]) -> None:
    from tests.core.test_answer import assert_french

    reply = answer(knowledge, safest(lang="fr"))
    assert "Niveau 1" in reply.text
    assert_french(reply, english_fragments)
