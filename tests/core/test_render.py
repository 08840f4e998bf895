"""Rendering long texts: cut inside the line at a safe point, never an empty message."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from bot.core.model import Text
from bot.core.push import PushEvent, render_push
from bot.core.render import MAX_MESSAGE, fit, render_section
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
