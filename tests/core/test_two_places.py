"""Questions about two places: "X or Y", "from X to Y by road", "the X-Y border"."""

from __future__ import annotations

import datetime as dt

from bot.core.answer import Knowledge
from bot.core.render import MAX_MESSAGE, strip_tags
from bot.core.two_places import mentions, render_border, render_route
from bot.i18n import tr
from tests.core.test_answer import assert_french
from tests.core.test_answer_safety import answer, datas, read_as


def test_mali_or_senegal_compares_both_side_by_side(knowledge: Knowledge) -> None:
    reply = answer(knowledge, read_as("compare", "ML", places=("ML", "SN")))
    text = reply.text
    assert "🇲🇱 <b>Mali</b> — 🔴 Level 4 – Do not travel" in text
    assert "🇸🇳 <b>Senegal</b> — 🟡 Level 2 – Increased caution" in text
    assert text.index("🇲🇱 <b>Mali</b>") < text.index("🇸🇳 <b>Senegal</b>")
    assert "Terrorism and kidnapping threaten the whole country" in text  # Mali's one line
    assert "Senegal has the lowest level (2)" in text
    assert datas(reply) == ["a:ML", "a:SN"]


def test_comparison_in_french(knowledge: Knowledge, english_fragments: list[str]) -> None:
    reply = answer(knowledge, read_as("compare", "ML", places=("ML", "SN"), lang="fr"))
    assert "Niveau 4" in reply.text and "Niveau 2" in reply.text
    assert "c’est le Sénégal qui a le niveau le plus bas (2)" in reply.text
    assert [b.label for row in reply.buttons for b in row] == [
        "🇲🇱 Fiche du Mali",
        "🇸🇳 Fiche du Sénégal",
    ]
    assert_french(reply, english_fragments)


def test_bamako_to_dakar_by_road_answers_from_leaving_mali_and_senegal_border(
    knowledge: Knowledge,
) -> None:
    reply = answer(knowledge, read_as("route", "ML", places=("ML", "SN"), detail="road"))
    text = reply.text
    assert text.startswith("🛣 <b>From Mali to Senegal</b>")
    assert "Do not leave by road" in text  # Mali's leaving section
    assert text.index("Leaving Mali") < text.index("Arriving in Senegal")
    assert "eastern border with Mali" in text  # Smartraveller's region of Senegal, level 3
    assert datas(reply) == ["s:ML:leaving", "a:ML", "a:SN"]


def test_route_in_french(knowledge: Knowledge, english_fragments: list[str]) -> None:
    reply = answer(knowledge, read_as("route", "ML", places=("ML", "SN"), lang="fr"))
    assert reply.text.startswith("🛣 <b>Du Mali au Sénégal</b>")
    assert "Ne partez pas par la route" in reply.text
    assert "Arrivée au Sénégal\u00a0: les régions à l’entrée" in reply.text
    assert_french(reply, english_fragments)


def test_thai_cambodian_border_gives_both_countries_level_4_areas(knowledge: Knowledge) -> None:
    reply = answer(knowledge, read_as("border", "TH", places=("TH", "KH")))
    text = strip_tags(reply.text)
    assert text.startswith("🚧 The border between Thailand and Cambodia")
    thailand, cambodia = text.split("🇰🇭 Cambodia")
    assert "level 4: areas within 50km of the Thai-Cambodian border" in thailand
    assert "level 4: areas within 50km of the Cambodia – Thailand border" in cambodia
    assert "Leaving" not in text
    assert datas(reply) == ["a:TH", "a:KH"]


def test_border_in_french_marks_the_official_english(knowledge: Knowledge) -> None:
    reply = answer(knowledge, read_as("border", "TH", places=("TH", "KH"), lang="fr"))
    text = strip_tags(reply.text)
    assert text.startswith("🚧 La frontière entre la Thaïlande et le Cambodge")
    assert "Texte officiel, en anglais\u00a0:" in text and "niveau 4\u00a0:" in text


def test_one_place_only_falls_back_to_the_one_place_answer(knowledge: Knowledge) -> None:
    compare = answer(knowledge, read_as("compare", "ML"))
    assert compare.text.startswith("🇲🇱 <b>Mali</b>")  # the card
    route = answer(knowledge, read_as("route", "ML"))
    assert "Leaving the country — Mali" in route.text
    nowhere = answer(knowledge, read_as("route"))
    assert "Which country" in nowhere.text and nowhere.state.pending_intent == "departure"


def test_a_country_is_mentioned_by_its_name_or_adjective_not_a_longer_name() -> None:
    assert mentions("eastern border with Mali", "ML")
    assert mentions("Areas along the Cambodian border", "KH")
    assert mentions("la frontière sénégalaise", "SN")
    assert not mentions("the border with Nigeria", "NE")
    assert not mentions("Somalia", "ML")


def test_every_route_and_border_answer_fits_telegram(knowledge: Knowledge) -> None:
    from tests.e2e.botapi_spec import parse_html

    for lang in ("en", "fr"):
        t = tr(lang)
        for code in knowledge.advisories:
            for text in (
                render_route(code, "ML", knowledge.advisories, knowledge.sources, t),
                render_border(code, "TH", knowledge.advisories, knowledge.sources, t),
            ):
                parsed = parse_html(text)
                assert parsed.errors == [], (code, lang, parsed.errors)
                assert len(parsed.text) <= MAX_MESSAGE


def test_an_old_road_alert_on_a_route_is_dated_history_not_current(knowledge: Knowledge) -> None:
    t = tr("en")
    args = (knowledge.advisories, knowledge.sources, t)
    then = render_route("ML", "SN", *args, today=dt.date(2025, 11, 5))
    now = render_route("ML", "SN", *args, today=dt.date(2026, 11, 25))
    assert "⚠️ October 28, 2025" in then  # a week old: a warning
    assert "🗓 October 28, 2025" in now and "⚠️ October 28, 2025" not in now  # a year old
