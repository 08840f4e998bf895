"""HTML cleaning without glued words, and France Diplomatie: its pages and hand-entered levels."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.cli import main
from bot.datafiles.files import read_destination
from bot.importers.common import clean_text
from bot.importers.fr_meae import page_url
from tests.conftest import DATA, TODAY

PAGES = "https://www.diplomatie.gouv.fr/fr/conseils-aux-voyageurs/conseils-par-pays-destination"


@pytest.mark.parametrize(
    ("markup", "text"),
    [
        (
            "Exercise increased caution<p>in <b>France</b> due to <b>terrorism</b>.</p>",
            "Exercise increased caution in France due to terrorism.",
        ),
        (
            "Reconsider travel<p>to&nbsp;<b>Burma&nbsp;</b>now.</p>",
            "Reconsider travel to Burma now.",
        ),
        ("<p>One.</p><p>Two.</p>", "One.\nTwo."),
        ("Line one<br>Line two<br/>", "Line one\nLine two"),
        ("<div>Areas:</div><ul><li>Kidal</li><li>Gao</li></ul>", "Areas:\n- Kidal\n- Gao"),
        ("<h3>Security</h3><p>Stay alert.</p>", "Security\nStay alert."),
        ("<td>Police</td><td>17</td>", "Police\n17"),
        ("a <b>bold</b> <a href='x'>link</a>", "a bold link"),
        ("&lt;p&gt;Escaped&lt;/p&gt;&lt;p&gt;markup&lt;/p&gt;", "Escaped markup"),
    ],
)
def test_clean_text_never_glues_words(markup: str, text: str) -> None:
    assert clean_text(markup) == text


@pytest.mark.parametrize(
    ("code", "slug"),
    [
        ("ML", "mali"),
        ("BF", "burkina-faso"),
        ("NE", "niger"),
        ("CI", "cote-d-ivoire"),  # Côte d’Ivoire: accent and apostrophe
        ("US", "etats-unis"),
        ("KR", "coree-du-sud"),
        ("AE", "emirats-arabes-unis"),
        ("CD", "republique-democratique-du-congo"),  # reviewed override (CLDR: Congo-Kinshasa)
        ("MM", "birmanie"),  # reviewed override
        ("IL", "israel-territoires-palestiniens"),
    ],
)
def test_every_destination_links_to_its_france_diplomatie_page(code: str, slug: str) -> None:
    assert page_url(code) == f"{PAGES}/{slug}/"


def test_france_and_its_own_territories_have_no_page() -> None:
    assert page_url("FR") == page_url("RE") == page_url("ZZ") == ""


@pytest.mark.parametrize("code", ["ML", "BF", "NE"])
def test_france_level_is_on_file_for_the_sahel(code: str) -> None:
    advisory, problems = read_destination(DATA / "destinations" / f"{code}.toml", TODAY)
    assert problems == [] and advisory is not None
    france = advisory.source("fr-meae")
    assert france is not None
    assert (france.label, france.level, france.summary_lang) == ("rouge", 4, "fr")
    assert france.url == page_url(code)
    assert "saisi à la main" in france.summary
    assert advisory.curated_level is not None and advisory.curated_level.level == 4


def _with_french_block(data_dir: Path, label: str, level: str = "") -> Path:
    path = data_dir / "destinations" / "ML.toml"
    path.write_text(
        'code = "ML"\n\n[[sources]]\nsource = "fr-meae"\n'
        f'label = "{label}"\n{level}date = 2025-11-05\n'
        f'url = "{PAGES}/mali/"\n',
        encoding="utf-8",
    )
    return path


def test_a_french_colour_gives_the_level(data_dir: Path) -> None:
    path = _with_french_block(data_dir, "orange")  # no level written: the colour gives it
    advisory, problems = read_destination(path, TODAY)
    assert problems == [] and advisory is not None
    assert advisory.source("fr-meae").level == 3


def test_a_wrong_french_colour_names_its_file_and_line(data_dir: Path) -> None:
    path = _with_french_block(data_dir, "red")
    _, problems = read_destination(path, TODAY)
    assert [(p.line, p.message) for p in problems] == [
        (
            5,
            "fr-meae label must be a colour of France's map (vert, jaune, orange, rouge),"
            " not 'red'",
        )
    ]
    result = CliRunner().invoke(main, ["--data-dir", str(data_dir), "data", "check"])
    assert result.exit_code != 0 and f"{path}:5:" in result.output


def test_a_level_that_is_not_the_colours_is_refused(data_dir: Path) -> None:
    path = _with_french_block(data_dir, "jaune", "level = 4\n")
    _, problems = read_destination(path, TODAY)
    assert [(p.line, p.message) for p in problems] == [
        (6, "level 4 is not 'jaune': write level = 2")
    ]
