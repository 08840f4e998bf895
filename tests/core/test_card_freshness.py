"""How current a card says it is, the officials' regional levels and their why, on a fixed day."""

from __future__ import annotations

import datetime as dt
import html
from dataclasses import replace

import pytest

from bot.core.answer import Knowledge, answer_for, card_text
from bot.core.excerpt import why_sentence
from bot.core.model import (
    Advisory,
    Alert,
    CuratedLevel,
    Region,
    SourceAdvice,
    SourceInfo,
    SourceRegion,
    Text,
)
from bot.core.places import build_place_index
from bot.core.render import render_card, render_section, strip_tags
from bot.core.reply import UserState
from bot.datafiles.files import read_all, read_levels
from bot.i18n import tr
from bot.knowledge import continents, region_names
from tests.conftest import DATA

TODAY = dt.date(2026, 11, 25)
CHECKED = {
    "us-state": dt.datetime(2026, 11, 25, 6, 5, tzinfo=dt.UTC),
    "au-dfat": dt.datetime(2026, 11, 25, 4, 0, tzinfo=dt.UTC),
}


@pytest.fixture(scope="module")
def sources() -> dict[str, SourceInfo]:
    return read_levels(DATA)


@pytest.fixture(scope="module")
def knowledge(sources: dict[str, SourceInfo]) -> Knowledge:
    advisories = {a.code: a for a in read_all(DATA, TODAY)}
    return Knowledge(
        advisories=advisories,
        sources=sources,
        index=build_place_index(region_names(advisories)),
        continents=continents(),
        checked=CHECKED,
        today=TODAY,
    )


def us(level: int, date: dt.date, regions: tuple[SourceRegion, ...] = ()) -> SourceAdvice:
    url = "https://travel.state.gov/x.html"
    return SourceAdvice("us-state", f"Level {level}", level, date, url, regions=regions)


def au(level: int, date: dt.date, regions: tuple[SourceRegion, ...] = ()) -> SourceAdvice:
    url = "https://www.smartraveller.gov.au/x"
    return SourceAdvice("au-dfat", "Do not travel", level, date, url, regions=regions)


def curated(reviewed: dt.date, *sources: SourceAdvice, alerts: tuple[Alert, ...] = ()) -> Advisory:
    reason = Text("Armed groups threaten the whole country.", "Des groupes armés menacent le pays.")
    return Advisory(
        code="ML",
        sources=sources,
        curated_level=CuratedLevel(4, reason),
        sections={"security": Text("Stay home.", "Restez chez vous.")},
        alerts=alerts,
        reviewed=reviewed,
    )


def test_recent_review_gives_its_date(sources: dict[str, SourceInfo]) -> None:
    advisory = curated(dt.date(2026, 10, 1), us(4, dt.date(2026, 10, 20)))
    text = render_card(advisory, sources, tr("en"), today=TODAY)
    assert "📝 Our own text was last reviewed on October 1, 2026." in text
    assert "⏳" not in text


def test_review_older_than_90_days_is_marked_in_both_languages(
    sources: dict[str, SourceInfo],
) -> None:
    advisory = curated(dt.date(2025, 11, 5), us(4, dt.date(2026, 3, 2)))
    english = render_card(advisory, sources, tr("en"), today=TODAY)
    french = render_card(advisory, sources, tr("fr"), today=TODAY)
    assert (
        "Our own text was last reviewed 13 months ago (November 5, 2025) — the official levels"
        " below are newer." in english
    )
    assert "il y a 13 mois (5 novembre 2025) — les niveaux officiels ci-dessous sont plus" in french
    # the reason stays above the marking, the governments' dated levels below it
    assert english.index("Armed groups") < english.index("13 months ago") < english.index("2026")


def test_old_review_claims_no_newer_official_level_when_there_is_none(
    sources: dict[str, SourceInfo],
) -> None:
    advisory = curated(dt.date(2025, 11, 5), us(4, dt.date(2025, 10, 30)))
    text = render_card(advisory, sources, tr("en"), today=TODAY)
    assert "last reviewed 13 months ago (November 5, 2025)." in text
    assert "newer" not in text


def test_without_a_day_nothing_is_called_old(sources: dict[str, SourceInfo]) -> None:
    advisory = curated(dt.date(2025, 11, 5), us(4, dt.date(2026, 3, 2)))
    text = render_card(advisory, sources, tr("en"))
    assert "last reviewed on November 5, 2025" in text and "ago" not in text


def test_old_section_text_is_marked(sources: dict[str, SourceInfo]) -> None:
    advisory = curated(dt.date(2025, 11, 5), us(4, dt.date(2026, 3, 2)))
    text = render_section(advisory, "security", sources, tr("fr"), today=TODAY)
    assert text.index("il y a 13 mois") < text.index("Restez chez vous.")


def test_last_check_is_the_oldest_of_the_cards_sources(sources: dict[str, SourceInfo]) -> None:
    advisory = curated(TODAY, us(4, dt.date(2026, 3, 2)), au(4, dt.date(2026, 4, 9)))
    english = render_card(advisory, sources, tr("en"), today=TODAY, checked=CHECKED)
    french = render_card(advisory, sources, tr("fr"), today=TODAY, checked=CHECKED)
    assert (
        "🔄 Vigie last checked these governments for changes on November 25, 2026 at 04:00 UTC."
        in english
    )
    assert "06:05" not in english
    assert "le 25 novembre 2026 à 04:00 UTC" in french


def test_no_check_on_record_means_no_check_line(sources: dict[str, SourceInfo]) -> None:
    advisory = curated(TODAY, us(4, dt.date(2026, 3, 2)))
    for checked in ({}, {"ca-gac": CHECKED["us-state"]}):
        assert "checked" not in render_card(advisory, sources, tr("en"), checked=checked)


def test_alert_older_than_90_days_is_dated_history(sources: dict[str, SourceInfo]) -> None:
    old = Alert("old", dt.date(2025, 10, 28), "critical", Text("Leave now.", "Partez."))
    new = Alert("new", dt.date(2026, 11, 20), "warning", Text("Roads closed.", "Routes fermées."))
    advisory = curated(TODAY, us(4, dt.date(2026, 3, 2)), alerts=(old, new))
    text = render_card(advisory, sources, tr("en"), today=TODAY)
    latest, earlier = text.split("Earlier alerts (more than 90 days old)")
    assert "⚠️ November 20, 2026: Roads closed." in latest and "Leave now" not in latest
    assert "🗓 October 28, 2025: Leave now." in earlier and "🚨" not in text
    french = render_card(advisory, sources, tr("fr"), today=TODAY)
    assert "Alertes plus anciennes (plus de 90 jours)" in french


def test_only_old_alerts_give_no_latest_heading(sources: dict[str, SourceInfo]) -> None:
    old = Alert("old", dt.date(2025, 10, 28), "critical", Text("Leave now.", "Partez."))
    advisory = curated(TODAY, us(4, dt.date(2026, 3, 2)), alerts=(old,))
    text = render_card(advisory, sources, tr("en"), today=TODAY)
    assert "Latest alerts" not in text and "Earlier alerts" in text


def test_thailand_card_shows_level_4_near_the_cambodian_border(knowledge: Knowledge) -> None:
    english = card_text(knowledge.advisories["TH"], None, knowledge, tr("en"))
    assert "<b>Official regional advice</b>" in english
    assert "🔴 Areas within 50km of the Thai-Cambodian border — level 4 (United States)" in english
    french = card_text(knowledge.advisories["TH"], None, knowledge, tr("fr"))
    assert "Avis officiels par région" in french and "(texte officiel, en anglais)" in french
    assert "— niveau 4 (États-Unis)" in french


def test_senegal_card_shows_the_malian_border_zone(knowledge: Knowledge) -> None:
    text = card_text(knowledge.advisories["SN"], None, knowledge, tr("en"))
    assert "🟠 Eastern border with Mali — level 3 (Australia)" in text


def test_same_areas_from_two_governments_make_one_line(sources: dict[str, SourceInfo]) -> None:
    border = SourceRegion(("Areas within 50 km of the Cambodian border",), 4)
    south = SourceRegion(("Yala", "Pattani", "Narathiwat"), 3)
    low = SourceRegion(("Bangkok",), 2)
    advisory = Advisory(
        code="TH",
        sources=(
            us(2, dt.date(2026, 1, 1), regions=(south, border)),
            au(2, dt.date(2026, 2, 4), regions=(SourceRegion(border.areas, 4), low)),
        ),
    )
    text = render_card(advisory, sources, tr("en"))
    lines = [line for line in text.split("\n") if "level 4 (" in line or "level 3 (" in line]
    assert lines == [
        "🔴 Areas within 50 km of the Cambodian border — level 4 (United States, Australia)",
        "🟠 Yala; Pattani; Narathiwat — level 3 (United States)",
    ]
    assert "Bangkok" not in text  # level 2 areas are not listed


def test_region_named_comes_first_among_official_regions(sources: dict[str, SourceInfo]) -> None:
    border = SourceRegion(("Areas within 50 km of the Cambodian border",), 4)
    south = SourceRegion(("Yala", "Pattani", "Narathiwat"), 3)
    yala = Region("yala", Text("Yala province", "Province de Yala"), 3, Text("x", "x"), ("Yala",))
    advisory = Advisory(
        code="TH",
        sources=(us(2, dt.date(2026, 1, 1), regions=(border, south)),),
        regions=(yala,),
    )
    text = render_card(advisory, sources, tr("en"), region_id="yala")
    official = text.split("Official regional advice")[1]
    assert official.index("<b>Yala; Pattani; Narathiwat</b>") < official.index("Cambodian")


def test_dubai_card_says_why_from_the_government_that_sets_the_level(
    knowledge: Knowledge,
) -> None:
    english = card_text(knowledge.advisories["AE"], None, knowledge, tr("en")).split("\n")
    assert english[1] == "<b>🔴 Level 4 – Do not travel</b>"
    assert english[2] == (
        "🔴 <i>Australian Government (Smartraveller) sets this level: Do not travel"
        " (April 9, 2026).</i>"
    )
    assert "U.S. Department of State: “" not in english[2]  # not another government's quote
    assert english[3] == (
        "⚖️ Governments differ: Australia: Do not travel (April 9, 2026); United States:"
        " Level 2: Exercise Increased Caution (August 8, 2025)."
    )
    french = card_text(knowledge.advisories["AE"], None, knowledge, tr("fr")).split("\n")
    assert french[2].startswith("🔴 <i>Gouvernement australien")
    assert "fixe ce niveau\u00a0:" in french[2]
    assert french[3].startswith("⚖️ Les gouvernements divergent\u00a0: Australie\u00a0:")
    assert "États-Unis\u00a0:" in french[3] and "8 août 2025" in french[3]


def test_a_quote_comes_from_the_government_that_sets_the_level(knowledge: Knowledge) -> None:
    text = card_text(knowledge.advisories["TH"], None, knowledge, tr("en")).split("\n")
    assert text[2].startswith("🟡 <i>Government of Canada: “")  # the latest of the level 2s


def test_governments_one_level_apart_need_no_line(knowledge: Knowledge) -> None:
    for code, advisory in knowledge.advisories.items():
        levels = [s.level for s in advisory.sources]
        if levels and max(levels) - min(levels) < 2:
            assert "Governments differ" not in card_text(advisory, None, knowledge, tr("en")), code


def test_curated_reason_is_not_doubled_by_an_official_quote(knowledge: Knowledge) -> None:
    text = card_text(knowledge.advisories["ML"], None, knowledge, tr("en"))
    assert "U.S. Department of State: “" not in text


def test_why_sentence_skips_boilerplate_and_list_items() -> None:
    summary = (
        "Exercise normal precautions in Senegal. Some areas have increased risk. Read the"
        " entire Travel Advisory.\nExercise Increased Caution in:\n- The Casamance region due"
        " to crime and landmines."
    )
    assert why_sentence(summary) == "Exercise normal precautions in Senegal."
    labelled = "Summary of the advisory: do not travel to Mali because of crime. U.S. staff left."
    assert why_sentence(labelled) == "Do not travel to Mali because of crime."
    leaning = "Exercise normal precautions in Qatar.\nThis is due to risks to civil aviation."
    assert why_sentence(leaning) == "Exercise normal precautions in Qatar."
    assert why_sentence("If you decide to travel:\n- Enroll in STEP.") is None


def test_reply_dates_the_card_with_the_knowledge_day(knowledge: Knowledge) -> None:
    reply = answer_for("advisory", "ML", None, knowledge, tr("en"), UserState())
    assert "13 months ago" in reply.text and "Earlier alerts" in reply.text
    long_ago = answer_for(
        "advisory", "ML", None, replace(knowledge, today=None), tr("en"), UserState()
    )
    assert "ago" not in strip_tags(long_ago.text)


def test_a_curated_level_above_the_officials_says_which_is_which(
    knowledge: Knowledge, sources: dict[str, SourceInfo]
) -> None:
    from bot.core.model import CuratedLevel

    us = SourceAdvice("us-state", "Level 3: Reconsider Travel", 3, dt.date(2026, 11, 20), "u")
    advisory = Advisory(
        "ML", sources=(us,), curated_level=CuratedLevel(4, Text("Leave now.", "Partez."))
    )
    en = html.unescape(render_card(advisory, sources, tr("en"), today=dt.date(2026, 11, 25)))
    assert "Level 4" in en
    assert "our editors' assessment; the highest official level is 3" in en
    fr = html.unescape(render_card(advisory, sources, tr("fr"), today=dt.date(2026, 11, 25)))
    assert "l’évaluation de notre rédaction" in fr
    same = replace(advisory, sources=(replace(us, level=4),))
    assert "editors" not in render_card(same, sources, tr("en"))


def test_a_french_reader_sees_canadas_own_french(sources: dict[str, SourceInfo]) -> None:
    ca = SourceAdvice(
        "ca-gac",
        "Avoid all travel",
        4,
        dt.date(2026, 9, 24),
        "u",
        summary="Avoid all travel to Haiti due to kidnappings.",
        summary_fr="Évitez tout voyage en Haïti en raison des enlèvements.",
    )
    card = render_card(Advisory("HT", sources=(ca,)), sources, tr("fr"))
    assert "Évitez tout voyage en Haïti en raison des enlèvements." in card
    why = card.splitlines()[2]
    assert "Évitez tout voyage en Haïti" in why and "en anglais" not in why


def test_frances_colour_is_worded_for_an_english_reader(sources: dict[str, SourceInfo]) -> None:
    fr = SourceAdvice("fr-meae", "rouge", 4, dt.date(2025, 11, 5), "https://www.diplomatie.gouv.fr")
    card = render_card(Advisory("ML", sources=(fr,)), sources, tr("en"))
    assert "Formally advised against (red) (our translation)" in card
    assert "Formellement déconseillé (rouge)" in render_card(
        Advisory("ML", sources=(fr,)), sources, tr("fr")
    )


def test_french_card_colons_have_their_non_breaking_space(knowledge: Knowledge) -> None:
    card = render_card(
        knowledge.advisories["ML"],
        knowledge.sources,
        tr("fr"),
        region_id="bamako",
        today=dt.date(2026, 11, 25),
    )
    assert "30 octobre 2025\u00a0: " in card  # a dated alert
    assert "niveau 4\u00a0: " in card  # the region asked about, with its reason
    assert "</a>\u00a0: 🔴" in card  # each government's level
