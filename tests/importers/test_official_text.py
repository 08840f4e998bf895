"""A government's HTML as the plain text Vigie keeps: structure kept, markup gone, never a crash."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.importers.official_text import MAX_CHARS, html_to_text
from tests.conftest import shared_file


def test_headings_paragraphs_and_lists_keep_their_shape() -> None:
    markup = (
        "<h2>Emergency services in Colombia</h2><p>Ambulance: 123</p><p>Fire: 119</p>"
        "<h3>Refunds</h3><p>Find out more, including:</p><ul><li>where to get advice</li>"
        "<li>how to access previous versions</li></ul>"
    )
    assert html_to_text(markup) == (
        "## Emergency services in Colombia\n\nAmbulance: 123\n\nFire: 119\n\n## Refunds\n\n"
        "Find out more, including:\n\n- where to get advice\n- how to access previous versions"
    )


def test_links_keep_their_words_and_lose_their_address_and_no_word_is_glued() -> None:
    markup = (
        '<p>operating in <a href="https://www.gov.uk/x">Keny</a>a on risks.</p><p>See the'
        ' <a rel="external" href="https://x.com/fcdo">travel advice on X</a></p><p>Next</p>'
    )
    text = html_to_text(markup)
    assert text == "operating in Kenya on risks.\n\nSee the travel advice on X\n\nNext"
    assert "http" not in text


def test_entities_decoded_even_when_escaped_twice_and_spaces_tidied() -> None:
    markup = "<p>Women&amp;rsquo;s&nbsp;&nbsp;safety &amp; security\u200b</p><p>a\u00a0b</p>"
    assert html_to_text(markup) == "Women’s safety & security\n\na b"


def test_scripts_styles_and_stray_markup_never_reach_the_text() -> None:
    markup = (
        "<p>Before<script>alert('x')</script> after</p><style>p{color:red}</style>"
        "<p>&lt;b&gt;bold&lt;/b&gt; words <iframe src=x>frame</iframe></p>"
        "<div><p>unclosed <b>bold <i>italic</p><h2>Title<p>text after a broken heading"
    )
    text = html_to_text(markup)
    assert "alert" not in text and "color" not in text and "frame" not in text
    assert "<" not in text and ">" not in text
    assert text.split("\n\n") == [
        "Before after",
        "bold words",
        "unclosed bold italic",
        "## Title",
        "text after a broken heading",
    ]


def test_canadas_heading_wrapped_in_a_paragraph_stays_a_heading() -> None:
    markup = "<h3><p>Ongoing violence</p></h3><p>A state of emergency is in effect.</p>"
    assert html_to_text(markup) == "## Ongoing violence\n\nA state of emergency is in effect."


def test_a_50000_character_part_is_read_and_kept_within_bounds() -> None:
    paragraph = "<p>" + "Crime is common in the capital. " * 20 + "</p>"
    markup = paragraph * 100 + "<script>" + "x" * 10_000  # 70,000 characters, a broken script
    text = html_to_text(markup)
    assert 40_000 < len(text) <= MAX_CHARS
    assert text.endswith("capital.")  # cut at a paragraph's end, never mid-word


def test_every_real_part_converts_to_clean_text() -> None:
    for slug in ("colombia", "france", "haiti", "kenya", "mexico"):
        page = json.loads(shared_file(f"feeds/2026-10-07/uk/{slug}.json").read_text())
        for part in page["details"]["parts"]:
            text = html_to_text(part["body"])
            assert text and "<" not in text and "&nbsp;" not in text and "\n\n\n" not in text
            for line in text.split("\n"):
                assert line == line.strip() and "  " not in line


def test_nothing_usable_gives_empty_text() -> None:
    assert html_to_text(None) == ""
    assert html_to_text(42) == ""
    assert html_to_text("<p> </p><p></p><script>x</script>") == ""


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                "<p>",
                "</p>",
                "<h2>",
                "</h2>",
                "<li>",
                "</ul>",
                "<ul>",
                "<br>",
                "<script>",
                "<",
                ">",
                "&amp;",
                "&",
                "</",
                "<!--",
                "-->",
                "<![CDATA[",
                "<a href='x'>",
                "word",
                " ",
                "\u00a0",
                "\n",
                "<td>",
                "<tr>",
                "<table>",
                "<p/>",
                "<!DOCTYPE",
                "&#",
                "&#x110000;",
            ]
        )
        | st.text(max_size=8),
        max_size=60,
    )
)
def test_any_markup_gives_text_and_never_raises(pieces: list[str]) -> None:
    text = html_to_text("".join(pieces))
    assert isinstance(text, str)
    assert "\n\n\n" not in text


def test_a_table_keeps_one_row_a_line_and_its_cells_apart() -> None:
    markup = (
        "<table><tr><th>Service</th><th>Number</th></tr><tr><td>Police</td><td>191</td></tr>"
        "<tr><td>Tourist police</td><td><strong>1155</strong></td></tr></table>"
    )
    assert html_to_text(markup) == "Service – Number\n\nPolice – 191\n\nTourist police – 1155"
