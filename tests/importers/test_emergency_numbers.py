"""Emergency numbers read from the layouts GOV.UK and Canada use, and nothing read from doubt."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.importers.emergency_numbers import block_after_heading, numbers_in_block, parse_line
from bot.importers.official_text import html_to_text


def _read(markup: str) -> set[tuple[str, str]]:
    block = block_after_heading(html_to_text(markup))
    return {(n.service, n.number) for n in numbers_in_block(block)}


ALL_THREE = {("police", "106"), ("ambulance", "104"), ("fire", "105")}


@pytest.mark.parametrize(
    ("block", "expected"),
    [
        pytest.param(
            "<p>Ambulance: 104, Fire: 105, Police: 106</p>", ALL_THREE, id="cuba-one-line"
        ),
        pytest.param(
            "<p>Ambulance: 104</p><p>Fire: 105</p><p>Police: 106</p>", ALL_THREE, id="paragraphs"
        ),
        pytest.param(
            "<p>Ambulance: 104<br>Fire: 105<br/>Police: 106</p>", ALL_THREE, id="line-breaks"
        ),
        pytest.param(
            "<ul><li>Ambulance: 104</li><li>Fire: 105</li><li>Police: 106</li></ul>",
            ALL_THREE,
            id="list",
        ),
        pytest.param(
            "<p>Ambulance – <strong>104</strong></p><p>Fire – <strong>105</strong></p>"
            "<p>Police – <strong>106</strong></p>",
            ALL_THREE,
            id="dashes-and-strong",
        ),
        pytest.param(
            "<p>Telephone 112 (ambulance, fire, police)</p>", {("general", "112")}, id="eu-112"
        ),
        pytest.param("<p>Dial 999</p>", {("general", "999")}, id="dial"),
        pytest.param(
            '<div role="note" class="application-notice help-notice"><p>Emergency services may'
            " be unable to respond or face long delays in 2025.</p></div><p>Ambulance: 116</p>",
            {("ambulance", "116")},
            id="warning-note-first",
        ),
        pytest.param(
            "<p>Police: 1155 (tourist police), 191</p>",
            {("police", "1155"), ("police", "191")},
            id="notes-stay-labels",
        ),
        pytest.param(
            "<p>Telephone: 911 (ambulance, fire, police)</p><h3>Mexico City Tourist Police</h3>"
            "<p>Telephone: (0052) 55 5207 4155</p><p>WhatsApp: (0052) 55 4891 1166</p>",
            {("general", "911"), ("tourist_police", "+52 55 5207 4155")},
            id="mexico",
        ),
        pytest.param(
            "<p>Telephone: 119 (ambulance, fire)</p><p>Telephone: 110 (police)</p>",
            {("ambulance", "119"), ("fire", "119"), ("police", "110")},
            id="japan-two-lines",
        ),
        pytest.param(
            "<p>Telephone: 000 (ambulance, fire, police)</p>",
            {("general", "000")},
            id="australia-000",
        ),
        pytest.param(
            "<p>Police: 10111</p><p>Ambulance: 10177</p>",
            {("police", "10111"), ("ambulance", "10177")},
            id="south-africa-five-digits",
        ),
        pytest.param(
            "<p>Ambulance: 15</p><p>Police: 19 (in cities) 177 (outside cities)</p>",
            {("ambulance", "15"), ("police", "19"), ("police", "177")},
            id="morocco-notes",
        ),
        pytest.param(
            "<p>Police and fire: 100</p><p>Tourist police: 1155</p>",
            {("police", "100"), ("fire", "100"), ("tourist_police", "1155")},
            id="shared-number",
        ),
    ],
)
def test_layout_variants_give_their_numbers(block: str, expected: set[tuple[str, str]]) -> None:
    after = "<h2>Contact your insurer</h2><p>Call 0800 1</p>"
    markup = f"<h2>Emergency services in Cuba</h2>{block}{after}"
    assert _read(markup) == expected


@pytest.mark.parametrize(
    "line",
    [
        "Police: 112 or 17 from a landline in some regions",
        "Response times for 112 calls may be long",
        "Deaf and hard of hearing emergency number (SMS, chat, video and fax): 114",
        "Ambulance: 2024 figures show long delays",
        "Police: 1 (in Paris)",
        "Call the police on their number, 17, or your hotel",
    ],
)
def test_a_doubtful_line_gives_no_number(line: str) -> None:
    assert _read(f"<h2>Emergency services in France</h2><p>{line}</p>") == set()


def test_numbers_outside_the_emergency_block_are_never_read() -> None:
    markup = (
        "<h2>Emergency services in Kenya</h2><p>Telephone: 999 (ambulance, fire, police)</p>"
        "<h2>Kenya Tourism Federation</h2><p>Telephone: 0800 597 000</p>"
        "<h3>Help in the UK</h3><p>Telephone: 020 7008 5000 (24 hours)</p>"
    )
    assert _read(markup) == {("general", "999")}


def test_canadas_french_block_is_read() -> None:
    markup = (
        "<h3>Services d&rsquo;urgence</h3><p>Composez le&nbsp;:</p><ul><li>police&nbsp;: 191"
        "</li><li>assistance médicale&nbsp;: 1669</li><li>pompiers&nbsp;: 199</li></ul>"
    )
    assert _read(markup) == {("police", "191"), ("ambulance", "1669"), ("fire", "199")}


def test_dial_for_emergency_assistance_is_the_general_number() -> None:
    assert _read("<h3>Emergency services</h3><p>Dial 911 for emergency assistance.</p>") == {
        ("general", "911")
    }


def test_no_block_no_numbers() -> None:
    assert _read("<h2>Health</h2><p>Dial 112 and ask for an ambulance.</p>") == set()


@settings(max_examples=200, deadline=1000)
@given(
    st.lists(
        st.sampled_from(
            [
                "Police",
                "Ambulance",
                "Fire",
                "Tourist police",
                "Telephone",
                "Dial",
                ":",
                " – ",
                ", ",
                " and ",
                " or ",
                "(",
                ")",
                "112",
                "17",
                "(0052)",
                "+33",
                "55 5207 4155",
                "ambulance, fire, police",
                "for emergency assistance",
                "WhatsApp",
                "0",
                "1 2",
                ".",
            ]
        )
        | st.text(max_size=6),
        max_size=40,
    ),
    st.sampled_from([None, "Mexico City Tourist Police", "Police"]),
)
def test_any_line_is_read_quickly_and_never_invents_a_digit(
    pieces: list[str], context: str | None
) -> None:
    line = " ".join(pieces)
    found = parse_line(line, context)
    digits = re.sub(r"\D", "", line)
    for number in found or ():
        assert re.sub(r"\D", "", number.number) in digits
        assert number.service in ("general", "police", "ambulance", "fire", "tourist_police")
