"""`vigie import SOURCE --file F`: real imports of today's files; refusals change nothing."""

from __future__ import annotations

import hashlib
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.cli import main
from bot.datafiles.files import read_destination, write_destination
from tests.conftest import FEEDS, TODAY, shared_file


def _snapshot(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def _import(data: Path, source: str, *files: Path) -> tuple[int, str]:
    args = ["--data-dir", str(data), "import", source]
    for path in files:
        args += ["--file", str(path)]
    result = CliRunner().invoke(main, args)
    return result.exit_code, result.output


def _bad_files(tmp: Path) -> dict[str, Path]:
    """Things that are not a feed, written once per test into its tmp folder."""
    files = {
        "html": "<!DOCTYPE html><html><body><h1>503 Service Unavailable</h1></body></html>",
        "truncated.json": '{"data": {"country-iso": "TH", "advisory-state": 1, "eng": {"na',
        "truncated.xml": "<rss><channel><item><title>Mali - Level 4: Do Not Travel</title>",
        "empty": "",
    }
    paths = {}
    for name, text in files.items():
        paths[name] = tmp / name
        paths[name].write_text(text, encoding="utf-8")
    return paths


@pytest.mark.parametrize(
    ("source", "bad", "message"),
    [
        ("us-state", "html", "expected an RSS"),
        ("us-state", "truncated.xml", "broken or truncated XML"),
        ("us-state", "2026-10-07/ca/cta-cap-th.json", "expected RSS (XML), found JSON"),
        ("au-dfat", "us-state-dept_2025-10-07.xml", "expected JSON, found HTML or XML"),
        ("au-dfat", "2026-10-07/uk/kenya.json", "expected a list of destinations"),
        ("ca-gac", "canada-index_2014-03-02.json", "index of every country"),
        ("ca-gac", "truncated.json", "broken or truncated JSON"),
        ("ca-gac", "2026-10-07/uk/kenya.json", "expected {'data': {'country-iso'"),
        ("ca-gac", "empty", "expected JSON, found an empty file"),
        ("uk-fcdo", "html", "expected JSON, found HTML"),
        ("uk-fcdo", "2026-10-07/ca/cta-cap-mx.json", "expected a travel_advice page"),
        ("uk-fcdo", "uk-fcdo_index_2015.json", "index of every country"),
        ("us-state", "2026-10-07/us/TAsTWs-sample.xml", "only 22 items where at least 150"),
    ],
)
def test_not_the_sources_feed_is_refused_and_nothing_changes(
    real_data_dir: Path, tmp_path: Path, source: str, bad: str, message: str
) -> None:
    shared_file("feeds/SOURCES.md")
    bad_files = _bad_files(tmp_path)
    path = bad_files.get(bad) or FEEDS / bad
    before = _snapshot(real_data_dir)
    code, output = _import(real_data_dir, source, path)
    assert code != 0
    assert "nothing imported" in output and message in output
    assert _snapshot(real_data_dir) == before


def test_one_refused_country_file_among_good_ones_changes_nothing(
    real_data_dir: Path, tmp_path: Path
) -> None:
    good = shared_file("feeds/2026-10-07/ca/cta-cap-th.json")
    bad = _bad_files(tmp_path)["html"]
    before = _snapshot(real_data_dir)
    code, output = _import(real_data_dir, "ca-gac", good, bad)
    assert code != 0 and str(bad) in output
    assert _snapshot(real_data_dir) == before


def test_canada_country_files_import_with_their_regions(real_data_dir: Path) -> None:
    for code in ("TH", "MX"):  # as before Canada's blocks were first imported
        path = real_data_dir / "destinations" / f"{code}.toml"
        advisory, problems = read_destination(path, TODAY)
        assert advisory is not None and not problems
        kept = tuple(s for s in advisory.sources if s.source != "ca-gac")
        write_destination(real_data_dir, replace(advisory, sources=kept))
    files = [shared_file(f"feeds/2026-10-07/ca/cta-cap-{iso}.json") for iso in ("th", "mx")]
    code, output = _import(real_data_dir, "ca-gac", *files)
    assert code == 0, output
    assert "ca-gac: 2 entries; 2 file(s) written" in output
    text = (real_data_dir / "destinations" / "TH.toml").read_text(encoding="utf-8")
    assert 'source = "ca-gac"' in text
    assert "area within 50 kilometres of the Thailand-Cambodia border" in text
    check = CliRunner().invoke(main, ["--data-dir", str(real_data_dir), "data", "check"])
    assert check.exit_code == 0, check.output


def test_uk_country_pages_import(real_data_dir: Path) -> None:
    files = [shared_file(f"feeds/2026-10-07/uk/{slug}.json") for slug in ("haiti", "kenya")]
    code, output = _import(real_data_dir, "uk-fcdo", *files)
    assert code == 0, output
    text = (real_data_dir / "destinations" / "HT.toml").read_text(encoding="utf-8")
    assert 'source = "uk-fcdo"' in text and "date = 2025-12-10" in text


def test_held_us_items_are_listed_and_the_others_imported(
    real_data_dir: Path, tmp_path: Path
) -> None:
    feed = shared_file("feeds/us-state-dept_2025-10-07.xml").read_text(encoding="utf-8")
    # Chile's tag now contradicts its name under both codings: it is held, the others imported.
    chile = feed.index("<title>Chile - Level 2")
    tag = '<category domain="Country-Tag">CI</category>'
    at = feed.index(tag, chile)
    feed = feed[:at] + '<category domain="Country-Tag">ZA</category>' + feed[at + len(tag) :]
    doubtful = tmp_path / "feed.xml"
    doubtful.write_text(feed, encoding="utf-8")
    code, output = _import(real_data_dir, "us-state", doubtful)
    assert code == 0, output
    assert "us-state: 210 entries" in output
    assert "held, not imported: 'Chile - Level 2: Exercise Increased Caution'" in output


def test_the_us_blocks_on_file_have_no_glued_words() -> None:
    data = Path(__file__).resolve().parents[2] / "data" / "destinations"
    glued = [p.name for p in data.glob("*.toml") if "cautionin" in p.read_text(encoding="utf-8")]
    assert glued == []
