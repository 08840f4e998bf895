"""`vigie data check`: every file validated; errors name the file and the line."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.cli import main
from bot.datafiles.files import DataError, read_all, read_destination, review_warnings
from tests.conftest import TODAY

GOOD = """code = "ML"

[curated_level]
level = 4
reason.en = "Armed groups encircle Bamako."
reason.fr = "Des groupes armés encerclent Bamako."

[[alerts]]
id = "fuel"
date = 2025-10-28
severity = "critical"
en = "Leave now by commercial flight."
fr = "Partez maintenant par un vol commercial."

[[sources]]
source = "us-state"
label = "Level 4: Do Not Travel"
level = 4
date = 2025-10-30
url = "https://travel.state.gov/mali.html"
risks = ["crime", "terrorism"]
"""


def write(data_dir: Path, code: str, text: str) -> Path:
    path = data_dir / "destinations" / f"{code}.toml"
    path.write_text(text, encoding="utf-8")
    return path


def problems_of(data_dir: Path, code: str, text: str) -> list[str]:
    _, problems = read_destination(write(data_dir, code, text), TODAY)
    return [f"{p.line}: {p.message}" for p in problems]


def test_valid_file_has_no_problem(data_dir: Path) -> None:
    assert problems_of(data_dir, "ML", GOOD) == []


def test_level_5_is_refused_with_its_line(data_dir: Path) -> None:
    text = GOOD.replace("level = 4\ndate = 2025-10-30", "level = 5\ndate = 2025-10-30")
    assert problems_of(data_dir, "ML", text) == ["18: level must be 1, 2, 3 or 4, not 5"]


def test_future_date_is_refused(data_dir: Path) -> None:
    text = GOOD.replace("date = 2025-10-28", "date = 2027-01-01")
    assert problems_of(data_dir, "ML", text) == ["10: 'date' 2027-01-01 is in the future"]


def test_implausible_date_is_refused(data_dir: Path) -> None:
    text = GOOD.replace("date = 2025-10-30", "date = 1970-01-01")
    assert problems_of(data_dir, "ML", text) == ["19: 'date' 1970-01-01 is implausibly old"]


def test_missing_french_is_refused(data_dir: Path) -> None:
    text = GOOD.replace('reason.fr = "Des groupes armés encerclent Bamako."\n', "")
    assert problems_of(data_dir, "ML", text) == ["5: missing 'fr'"]  # the reason table


def test_bad_url_and_unknown_risk_are_refused(data_dir: Path) -> None:
    text = GOOD.replace("https://travel.state.gov/mali.html", "travel.state.gov mali").replace(
        '"terrorism"]', '"terrorist"]'
    )
    found = problems_of(data_dir, "ML", text)
    assert any(p.startswith("20: 'url' is not a well-formed") for p in found)
    assert any(p.startswith("21: unknown risk 'terrorist'") for p in found)


def test_unknown_key_is_refused(data_dir: Path) -> None:
    text = GOOD.replace("[curated_level]", "[curated_levle]")
    assert problems_of(data_dir, "ML", text)[0].startswith("3: unknown key 'curated_levle'")


def test_code_not_matching_the_file_name_is_refused(data_dir: Path) -> None:
    assert problems_of(data_dir, "NE", GOOD) == ["1: code 'ML' does not match the file name (NE)"]


def test_not_an_iso_code_is_refused(data_dir: Path) -> None:
    assert problems_of(data_dir, "QQ", GOOD.replace('"ML"', '"QQ"')) == [
        "1: 'QQ' is not an ISO 3166-1 alpha-2 country code"
    ]


def test_toml_syntax_error_names_the_line(data_dir: Path) -> None:
    found = problems_of(data_dir, "ML", GOOD.replace("level = 4\n", "level = \n", 1))
    assert found[0].startswith("4: not valid TOML")


def test_duplicate_alert_ids_are_refused(data_dir: Path) -> None:
    alert = GOOD[GOOD.index("[[alerts]]") : GOOD.index("[[sources]]")]
    text = GOOD.replace("[[sources]]", alert + "[[sources]]")
    assert "duplicate alert id 'fuel'" in problems_of(data_dir, "ML", text)[0]


def test_read_all_reports_every_broken_file(data_dir: Path) -> None:
    write(data_dir, "ML", GOOD.replace("level = 4", "level = 0", 1))
    write(
        data_dir,
        "NE",
        GOOD.replace('"ML"', '"NE"').replace('severity = "critical"', 'severity = "bad"'),
    )
    with pytest.raises(DataError) as error:
        read_all(data_dir, TODAY)
    files = sorted(p.file.name for p in error.value.problems)
    assert files == ["ML.toml", "NE.toml"]


def test_cli_check_exits_non_zero_naming_file_and_line(data_dir: Path) -> None:
    write(data_dir, "ML", GOOD.replace("level = 4", "level = 9", 1))
    result = CliRunner().invoke(main, ["--data-dir", str(data_dir), "data", "check"])
    assert result.exit_code != 0
    assert f"{data_dir / 'destinations' / 'ML.toml'}:4: level must be" in result.output


def test_project_data_is_valid() -> None:
    result = CliRunner().invoke(main, ["data", "check"])
    assert result.exit_code == 0, result.output


def test_check_warns_about_curated_text_not_reviewed_for_90_days(data_dir: Path) -> None:
    write(data_dir, "ML", GOOD.replace('code = "ML"\n', 'code = "ML"\nreviewed = 2025-11-05\n'))
    write(data_dir, "NE", GOOD.replace('"ML"', '"NE"'))  # curated, never reviewed
    fresh = f"reviewed = {dt.datetime.now(dt.UTC).date().isoformat()}\n"
    write(data_dir, "BF", GOOD.replace('code = "ML"\n', f'code = "BF"\n{fresh}'))
    result = CliRunner().invoke(main, ["--data-dir", str(data_dir), "data", "check"])
    assert result.exit_code == 0, result.output
    folder = data_dir / "destinations"
    stale = f"warning: {folder / 'ML.toml'}:2: curated text last reviewed 2025-11-05,"
    assert stale in result.output
    assert f"warning: {folder / 'NE.toml'}: curated text with no review date" in result.output
    assert "BF.toml" not in result.output
    assert "3 destinations OK, 2 warning(s)" in result.output


def test_review_warnings_leave_official_only_files_alone(data_dir: Path) -> None:
    official = GOOD[GOOD.index("[[sources]]") :]
    write(data_dir, "ML", 'code = "ML"\n\n' + official)
    advisories = read_all(data_dir, TODAY)
    assert review_warnings(data_dir, advisories, TODAY) == []


def test_cli_check_warns_about_an_over_long_section_but_passes(data_dir: Path) -> None:
    long_text = "Armed groups operate in the north. " * 100  # 3,500 characters
    section = f'\n[sections.security]\nen = "Short."\nfr = "{long_text}"\n'
    write(data_dir, "ML", GOOD + section)
    result = CliRunner().invoke(main, ["--data-dir", str(data_dir), "data", "check"])
    assert result.exit_code == 0, result.output
    line = (GOOD + section).splitlines().index(f'fr = "{long_text}"') + 1
    ml = data_dir / "destinations" / "ML.toml"
    assert f"warning: {ml}:{line}: section security.fr is 3,500 characters long" in result.output
    assert "security.en" not in result.output
    assert "1 destinations OK" in result.output
