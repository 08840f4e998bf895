"""Rendering long texts: cut inside the line at a safe point, never an empty message."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import replace
from pathlib import Path

import pytest

from bot.core.answer import Knowledge
from bot.core.model import Text
from bot.core.push import PushEvent, render_push
from bot.core.render import MAX_MESSAGE, fit, render_card, render_section, strip_tags
from bot.datafiles.files import read_all, read_levels
from bot.i18n import tr
from tests.conftest import DATA, TODAY
from tests.e2e.botapi_spec import parse_html


def well_formed_and_fits(text: str) -> str:
    """The plain text Telegram would show; fails if the HTML is broken or too long."""
    parsed = parse_html(text)
    assert parsed.errors == [], parsed.errors
    assert len(parsed.text.encode("utf-16-le")) // 2 <= MAX_MESSAGE
    return parsed.text


def test_one_over_long_section_line_is_cut_not_dropped() -> None:
    mali = next(a for a in read_all(DATA, TODAY) if a.code == "ML")
    long_line = "Armed groups operate in the north and the centre. " * 200  # 10,000 characters
    text = render_section(
        replace(mali, sections={**mali.sections, "security": Text(long_line, long_line)}),
        "security",
        read_levels(DATA),
        tr("en"),
    )
    shown = well_formed_and_fits(text)
    assert "Armed groups operate in the north" in shown
    assert len(shown) > 3000  # most of the room is used, not just the heading
    assert shown.endswith("…")
    assert "centre. Armed" in shown or shown.rstrip("…").endswith(("the", "centre."))


def test_an_alert_full_of_markup_characters_still_says_what_changed() -> None:
    note = "Roads <closed> & curfew from 18:00 & no flights; " * 300
    event = PushEvent("alert", 4, 4, Text(note, note), dt.datetime(2026, 11, 24, tzinfo=dt.UTC))
    text, _buttons = render_push("ML", None, [event], tr("en"))
    shown = well_formed_and_fits(text)
    assert "Roads <closed> & curfew" in shown
    assert len(shown) > 3000


def test_cut_never_splits_an_entity_or_a_tag_and_closes_open_tags() -> None:
    for filler in range(0, 12):
        text = "<b>" + "x" * filler + "&amp;" * 5000 + "</b>"
        cut = fit(text, limit=100)
        assert well_formed_and_fits(cut)
        assert cut.endswith("</b>…")
        assert "&am…" not in cut and "&amp</b>" not in cut
    linked = "Read " + '<a href="https://example.org/a?b=1&amp;c=2">' + "the advice " * 50 + "</a>"
    assert well_formed_and_fits(fit(linked, limit=60)).startswith("Read the advice")


def test_short_text_is_left_alone_and_lines_are_preferred_when_they_keep_most() -> None:
    assert fit("<b>Mali</b>\nshort") == "<b>Mali</b>\nshort"
    lines = "\n".join(f"line {n:03d} of the advice" for n in range(300))
    cut = fit(lines, limit=500)
    assert cut.endswith("of the advice\n…")
    assert len(cut) <= 500


# ---- French typography, in one formatter ---------------------------------------------------------


def test_french_typography_puts_a_no_break_space_before_double_marks_and_inside_guillemets() -> (
    None
):
    from bot.core.typography import typeset

    text = "Paludisme : risque ; vraiment? oui! «ceinture» et « déjà »"
    assert typeset(text, "fr") == (
        "Paludisme\u00a0: risque\u00a0; vraiment\u00a0? oui\u00a0! «\u00a0ceinture\u00a0» et"
        " «\u00a0déjà\u00a0»"
    )
    assert typeset(text, "en") == text  # English is left as written


def test_french_typography_leaves_urls_tags_entities_and_times_alone() -> None:
    from bot.core.typography import typeset

    html = (
        '<a href="https://ml.ambafrance.org/?a=1&amp;b=2">Lien</a>: ouvert de 10:30 à 12:00;'
        " AT&amp;T ?! https://travel.gc.ca/x?y=z"
    )
    assert typeset(html, "fr") == (
        '<a href="https://ml.ambafrance.org/?a=1&amp;b=2">Lien</a>\u00a0: ouvert de 10:30 à'
        " 12:00\u00a0; AT&amp;T\u00a0?! https://travel.gc.ca/x?y=z"
    )
    once = typeset(html, "fr")
    assert typeset(once, "fr") == once  # applying it twice changes nothing
    assert typeset("🇫🇷 Français", "fr") == "🇫🇷 Français"


def test_every_french_card_has_french_typography_but_official_english_is_as_published(
    knowledge: Knowledge,
) -> None:
    from bot.core.answer import respond_to_button
    from bot.core.reply import UserState
    from bot.core.typography import typeset

    wrong = re.compile(r"[^\u00a0\u202f\d/][:;?!»]|«[^\u00a0\u202f]")
    foreign = re.compile("\u2068[^\u2069]*\u2069")
    now = dt.datetime(2026, 12, 7, 12, 0, tzinfo=dt.UTC)
    t = tr("fr")
    for code in ("ML", "NE", "FR", "TH", "HT", "MX"):
        advisory = knowledge.advisories[code]
        for section in ("health", "contacts", "leaving", "security", None):
            if section is None:
                raw = render_card(advisory, knowledge.sources, t, today=now.date())
                data = f"a:{code}"
            else:
                raw = render_section(advisory, section, knowledge.sources, t, today=now.date())
                data = f"s:{code}:{section}"
            reply = respond_to_button(
                data, UserState(lang="fr"), knowledge, telegram_lang="fr", now=now
            )
            assert reply.text == typeset(raw, "fr"), data  # the reply is typeset once, whole
            ours = strip_tags(typeset(foreign.sub("", raw), "fr"))
            ours = re.sub(r"https?://\S+", "", ours)
            assert not wrong.search(ours), (data, wrong.search(ours))
            for quoted in foreign.findall(raw):  # a government's English stays as published
                assert quoted.strip("\u2068\u2069") in reply.text, data


# ---- names and embassies as French and English readers write them -------------------------------


def test_country_names_are_written_as_readers_write_them_not_cldr_short_forms() -> None:
    en, fr = tr("en"), tr("fr")
    assert en.country("CD") == "DR Congo" and fr.country("CD") == "RD Congo"
    assert fr.country_in("CD") == "en RD Congo" and fr.country_the("CD") == "la RD Congo"
    assert en.country("MO") == "Macao" and fr.country("MO") == "Macao"
    assert en.country("BA") == "Bosnia and Herzegovina" and fr.country("ML") == "Mali"


def test_an_embassy_of_france_is_the_ambassade_de_france() -> None:
    from bot.core.model import Advisory, Embassy
    from bot.core.render import embassy_lines

    embassies = tuple(
        Embassy(of, "embassy", "Bamako") for of in ("FR", "US", "CA", "IT", "GB", "CH")
    )
    lines = "\n".join(embassy_lines(Advisory("ML", embassies=embassies), tr("fr")))
    for name in (
        "Ambassade de France à Bamako",
        "Ambassade des États-Unis à Bamako",
        "Ambassade du Canada à Bamako",
        "Ambassade d’Italie à Bamako",
        "Ambassade du Royaume-Uni à Bamako",
        "Ambassade de Suisse à Bamako",
    ):
        assert name in lines
    assert "de la France" not in lines


# ---- pushes date an alert by its own date ------------------------------------------------------


def test_a_pushed_alert_is_dated_by_its_own_date_not_the_day_it_was_published() -> None:
    from bot.core.model import Alert

    mali = next(a for a in read_all(DATA, TODAY) if a.code == "ML")
    alert = Alert(
        "2026-12-06-airport",
        dt.date(2026, 12, 6),
        "critical",
        Text("Bamako airport closed.", "Aéroport de Bamako fermé."),
    )
    advisory = replace(mali, alerts=(*mali.alerts, alert))
    published = dt.datetime(2026, 12, 7, 8, 0, tzinfo=dt.UTC)
    event = PushEvent("alert", 4, 4, alert.text, published)
    english, _ = render_push("ML", advisory, [event], tr("en"))
    assert "• December 6, 2026: Bamako airport closed." in english
    assert "December 7" not in english
    french, buttons = render_push("ML", advisory, [event], tr("fr"))
    assert "• 6 décembre 2026\u00a0: Aéroport de Bamako fermé." in french
    assert buttons
    note = PushEvent("level", 3, 4, Text("Raised.", "Relevé."), published)
    assert "December 7, 2026: Raised." in render_push("ML", advisory, [note], tr("en"))[0]


def test_a_broken_name_override_names_the_file_and_the_line(tmp_path: Path) -> None:
    from bot.i18n import GrammarError, name_overrides

    path = tmp_path / "country_names.toml"
    path.write_text('[fr]\nCD = "RD Congo"\n\n[fr_form]\nCD = "feminine"\n', encoding="utf-8")
    with pytest.raises(GrammarError, match=r"country_names\.toml:5: CD = 'feminine'"):
        name_overrides(path)
