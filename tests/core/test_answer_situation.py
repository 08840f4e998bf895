"""Questions about the situation on the ground, and medical emergencies: what we know with its
date, what we cannot know today, newer alerts first; numbers, then care, then the insurer and
the embassy. Built from the real data, with Understanding values as the reader reports them."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from bot.core.answer import Knowledge, respond_to_button, respond_to_understood
from bot.core.model import Alert, Text
from bot.core.render import MAX_MESSAGE, strip_tags
from bot.core.reply import Reply, UserState
from bot.core.situation import SITUATION_KINDS
from bot.core.understand import Understanding
from tests.core.test_answer import assert_french

NOW = dt.datetime(2026, 12, 7, 12, 0, tzinfo=dt.UTC)
AIRPORT_CLOSED = Alert(
    "2026-12-06-airport-closed",
    dt.date(2026, 12, 6),
    "critical",
    Text(
        "Bamako airport closed: all commercial flights are suspended until further notice.",
        "Aéroport de Bamako fermé : tous les vols commerciaux sont suspendus jusqu'à nouvel ordre.",
    ),
)


def read(
    intent: str,
    country: str | None = "ML",
    *,
    detail: str | None = None,
    lang: str = "en",
    region: str | None = None,
    text: str = "",
) -> Understanding:
    return Understanding(
        text or f"{intent} {detail or ''} {country or ''}",
        lang,
        intent,
        country,
        region,
        country,
        (),
        100.0 if country else 0.0,
        places=(country,) if country else (),
        detail=detail,
    )


def answer(
    knowledge: Knowledge, understood: Understanding, state: UserState | None = None
) -> Reply:
    state = state or UserState(lang=understood.lang)
    return respond_to_understood(
        understood, state, knowledge, telegram_lang=understood.lang, now=NOW
    )


def with_alert(knowledge: Knowledge, alert: Alert = AIRPORT_CLOSED) -> Knowledge:
    mali = knowledge.advisories["ML"]
    advisories = {**knowledge.advisories, "ML": replace(mali, alerts=(*mali.alerts, alert))}
    return replace(knowledge, advisories=advisories)


# ---- the situation -------------------------------------------------------------------------------


def test_airport_question_says_what_we_cannot_know_and_the_latest_alert_with_its_date(
    knowledge: Knowledge,
) -> None:
    reply = answer(with_alert(knowledge), read("situation", detail="airport", region="bamako"))
    text = strip_tags(reply.text)
    cannot = text.index("I can't tell whether the airport is open right now.")
    said = text.index("The latest alert on file on this, of December 6, 2026, says:")
    alert = text.index("December 6, 2026: Bamako airport closed")
    ours = text.index("Leave by commercial flight from Bamako")
    assert cannot < said < alert < ours  # the new alert leads, before our older text
    assert "Our own text was last reviewed 13 months ago (November 5, 2025)" in text
    assert text.rstrip().endswith(
        "Check with your airline and your embassy before you go to the airport."
    )
    assert {b.data for row in reply.buttons for b in row} == {
        "s:ML:leaving",
        "s:ML:contacts",
        "a:ML",
    }
    assert reply.state.last_country == "ML"


def test_fuel_question_in_french_is_french_with_dates(
    knowledge: Knowledge, english_fragments: list[str]
) -> None:
    reply = answer(knowledge, read("situation", detail="fuel", lang="fr"))
    text = reply.text
    assert text.startswith("🇲🇱 <b>Carburant au Mali</b>")
    assert "Je ne peux pas savoir si l’on trouve du carburant en ce moment." in text
    assert "du 4 septembre 2025, dit\u00a0:" in text  # the fuel blockade alert, dated
    assert "la pénurie de carburant paralysait les transports" in text  # our text, dated:
    assert "il y a 13 mois (5 novembre 2025)" in text
    assert "Paludisme" not in text  # only what speaks of fuel
    assert_french(reply, english_fragments)


def test_curated_french_text_gets_french_typography(knowledge: Knowledge) -> None:
    text = answer(knowledge, read("situation", detail="family", lang="fr")).text
    assert " :" not in text and " ;" not in text and " ?" not in text
    assert "Niveau 4 – Ne pas voyager" in text


def test_family_question_gets_what_to_do_now_numbers_and_children_advice(
    knowledge: Knowledge,
) -> None:
    text = strip_tags(answer(knowledge, read("situation", detail="family")).text)
    assert text.startswith("🇲🇱 Families in Mali: what to do now")
    assert "Leave by commercial flight from Bamako" in text  # how to leave, then until then:
    assert "Stay in a secure place and keep movements to a minimum." in text
    assert "With children" in text and "meeting point" in text
    assert "Police: 17" in text
    assert text.index("Our own text was last reviewed") < text.index("Leave by commercial")


def test_every_situation_kind_answers_in_both_languages_under_the_limit(
    knowledge: Knowledge, english_fragments: list[str]
) -> None:
    for code in ("ML", "NE", "TH", "FR", "HT"):
        for kind in (*SITUATION_KINDS, None):
            for lang in ("en", "fr"):
                reply = answer(knowledge, read("situation", code, detail=kind, lang=lang))
                assert len(strip_tags(reply.text)) <= MAX_MESSAGE, (code, kind, lang)
                assert reply.text.startswith(f"{chr(0x1F1E6 + ord(code[0]) - 65)}"), (code, kind)
                if lang == "fr":
                    assert_french(reply, english_fragments)


def test_situation_without_a_place_asks_which_country_and_keeps_the_question(
    knowledge: Knowledge,
) -> None:
    asked = answer(knowledge, read("situation", None, detail="fuel"))
    assert asked.state.pending_intent == "situation:fuel" and asked.unmatched == "place"
    follow = answer(knowledge, read("advisory", "ML"), asked.state)
    assert follow.text.startswith("🇲🇱 <b>Fuel in Mali</b>")


def test_a_new_alert_leads_the_departure_section(knowledge: Knowledge) -> None:
    reply = answer(with_alert(knowledge), read("departure"))
    text = strip_tags(reply.text)
    assert text.index("Newer than our text below") < text.index("Leave by commercial flight")
    assert text.index("December 6, 2026: Bamako airport closed") < text.index("Leave by commercial")


def test_sections_carry_the_date_of_our_text_in_both_languages(knowledge: Knowledge) -> None:
    then = dt.datetime(2025, 12, 1, 12, 0, tzinfo=dt.UTC)
    for lang, dated in (
        ("en", "📝 <i>Our own text, as of November 5, 2025:</i>"),
        ("fr", "📝 <i>Notre propre texte, à la date du 5 novembre 2025\u00a0:</i>"),
    ):
        state = UserState(lang=lang)
        text = respond_to_button("s:ML:leaving", state, knowledge, telegram_lang=lang, now=then)
        assert text.text.split("\n")[2] == dated, lang  # before the text that says "now"
    later = respond_to_button(
        "s:ML:leaving", UserState(lang="fr"), knowledge, telegram_lang="fr", now=NOW
    )
    assert "il y a 13 mois (5 novembre 2025)" in later.text


# ---- medical emergencies -------------------------------------------------------------------------


def test_medical_emergency_numbers_then_care_then_insurer_then_embassy(
    knowledge: Knowledge,
) -> None:
    reply = answer(knowledge, read("emergency", detail="medical", region="bamako"))
    text = strip_tags(reply.text)
    numbers = text.index("Police: 17")
    care = text.index("Where to find care")
    care_here = text.index("Health care is very limited")
    insurer = text.index("Call your travel insurer's assistance line now")
    embassy = text.index("Embassy of the United States in Bamako")
    assert numbers < care < care_here < insurer < embassy
    assert "Malaria" not in text  # not the pre-trip health section


def test_medical_emergency_in_french_is_french(
    knowledge: Knowledge, english_fragments: list[str]
) -> None:
    reply = answer(knowledge, read("emergency", detail="medical", lang="fr"))
    text = reply.text
    assert text.index("Police\u00a0: <b>17</b>") < text.index("Où se faire soigner")
    assert "Ambassade de France à Bamako" in text and "de la France" not in text
    assert_french(reply, english_fragments)


def test_medical_detail_is_an_emergency_whatever_the_intent(knowledge: Knowledge) -> None:
    text = answer(knowledge, read("health", "MA", detail="medical")).text
    assert text.startswith("🚨") and "Where to find care" in text


def test_a_route_answer_dates_our_now(knowledge: Knowledge) -> None:
    understood = Understanding(
        "can I drive from Bamako to Dakar?",
        "en",
        "route",
        "ML",
        None,
        "Bamako",
        (),
        100.0,
        places=("ML", "SN"),
        detail="road",
    )
    text = strip_tags(answer(knowledge, understood).text)
    assert text.index("(November 5, 2025)") < text.index("Leave by commercial flight")
    french = strip_tags(answer(knowledge, replace(understood, lang="fr")).text)
    assert french.index("(5 novembre 2025)") < french.index("Partez par un vol commercial")


def test_where_we_wrote_nothing_the_answer_is_each_government_dated_and_whom_to_ask(
    knowledge: Knowledge,
) -> None:
    text = strip_tags(answer(knowledge, read("situation", "TH", detail="fuel")).text)
    assert "I can't tell whether fuel is available right now. No alert is on file" in text
    assert "Our own text says nothing on this for Thailand." in text
    assert "Canada: Exercise a high degree of caution" in text and "2026)" in text
    assert text.rstrip().endswith("Check local news, your hosts or your hotel, and your embassy.")


def test_a_medical_emergency_without_a_place_keeps_its_kind_for_the_place_button(
    knowledge: Knowledge,
) -> None:
    state = UserState(lang="en", last_country="ML")
    asked = answer(knowledge, read("emergency", None, detail="medical"), state)
    assert "Which country are you in?" in asked.text
    [[button]] = asked.buttons
    assert button.data == "p:ML:emergency"
    pressed = respond_to_button(button.data, asked.state, knowledge, telegram_lang="en", now=NOW)
    text = strip_tags(pressed.text)
    assert text.index("Police: 17") < text.index("Where to find care")
