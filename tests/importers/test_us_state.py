"""The US State Department feed: every entry on the right ISO code, and the feed's real quirks."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from defusedxml import ElementTree

from bot.datafiles.files import read_destination
from bot.importers import us_state
from bot.importers.common import ImportError_, merge_entries
from bot.importers.names import FIPS_TO_ISO, GROUP_TAGS, resolve_name
from tests.conftest import TODAY, shared_file

US_FEED = "feeds/us-state-dept_2025-10-07.xml"


@pytest.fixture(scope="module")
def feed_bytes() -> bytes:
    return shared_file(US_FEED).read_bytes()


@pytest.fixture(scope="module")
def entries(feed_bytes: bytes) -> dict[str, us_state.FeedEntry]:
    return {e.name: e for e in us_state.parse_feed(feed_bytes)}


def test_every_item_of_the_feed_is_imported(feed_bytes: bytes, entries: dict) -> None:
    assert feed_bytes.count(b"<item>") == 211
    assert len(us_state.parse_feed(feed_bytes)) == 211


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("Niger", "NE"),  # FIPS NG, which is Nigeria's ISO code
        ("Nigeria", "NG"),  # FIPS NI, which is Nicaragua's ISO code
        ("Nicaragua", "NI"),
        ("Australia", "AU"),  # FIPS AS
        ("Austria", "AT"),  # FIPS AU, which is Australia's ISO code
        ("Burkina Faso", "BF"),  # FIPS UV
        ("The Bahamas", "BS"),  # FIPS BF, which is Burkina Faso's ISO code
        ("Chad", "TD"),  # FIPS CD, which is DR Congo's ISO code
        ("Trinidad and Tobago", "TT"),  # FIPS TD, which is Chad's ISO code
        ("Madagascar", "MG"),  # FIPS MA, which is Morocco's ISO code
        ("Morocco", "MA"),
        ("Democratic Republic of the Congo", "CD"),
        ("Republic of the Congo", "CG"),
        ("Kiribati", "KI"),  # FIPS KR, which is South Korea's ISO code
        ("South Korea", "KR"),
        ("Georgia", "GE"),
        ("Gabon", "GA"),  # FIPS GB, which is the UK's ISO code
        ("United Kingdom", "GB"),
        ("Switzerland", "CH"),  # FIPS SR
        ("Suriname", "SR"),
        ("Russia", "RU"),
        ("Serbia", "RS"),
        ("Mali", "ML"),
        ("Oman", "OM"),
        ("Somalia", "SO"),
        ("Burma (Myanmar)", "MM"),
        ("Cote d Ivoire", "CI"),
        ("Kosovo", "XK"),
        ("Hong Kong", "HK"),  # no Country-Tag at all
        ("Macau", "MO"),
        ("Mainland China, Hong Kong & Macau", "CN"),
        ("Kingdom of Denmark", "DK"),
        ("Guinea", "GN"),
        ("Guinea-Bissau", "GW"),
        ("Equatorial Guinea", "GQ"),
        ("Papua New Guinea", "PG"),
        ("Sudan", "SD"),
        ("South Sudan", "SS"),
        ("Dominica", "DM"),
        ("Dominican Republic", "DO"),
        ("British Virgin Islands", "VG"),
    ],
)
def test_feed_entry_lands_on_the_right_iso_code(entries: dict, name: str, code: str) -> None:
    assert entries[name].codes == (code,)


def test_grouped_entries_cover_each_of_their_territories(entries: dict) -> None:
    assert set(entries["French West Indies"].codes) == {"GP", "MQ", "BL", "MF"}
    assert entries["Bonaire"].codes == entries["Saba"].codes == ("BQ",)


def test_name_and_fips_tag_agree_for_every_tagged_item(feed_bytes: bytes) -> None:
    root = ElementTree.fromstring(feed_bytes)
    checked = 0
    for item in root.iter("item"):
        tags = [c.text for c in item.findall("category") if c.get("domain") == "Country-Tag"]
        title = item.findtext("title") or ""
        name = re.split(r"\s*(?:Travel Advisory)?\s+-\s+", title)[0].strip()
        if tags:
            # The tag is FIPS 10-4, except where the feed slips into ISO (Guinea-Bissau: GW).
            codes = resolve_name(name)
            if tags[0] in GROUP_TAGS:
                assert GROUP_TAGS[tags[0]] == codes
            else:
                assert FIPS_TO_ISO.get(tags[0]) in codes or tags[0] in codes, (title, tags)
            checked += 1
    assert checked == 209  # Hong Kong and Macau carry no tag


def test_irregular_title_and_threat_level_give_the_level(entries: dict) -> None:
    mexico = entries["Mexico"].advice
    assert (mexico.level, mexico.label) == (2, "Level 2: Exercise Increased Caution")
    assert entries["Mali"].advice.level == 4
    assert entries["Niger"].advice.level == 3


def test_dates_are_read_without_a_time(entries: dict) -> None:
    assert entries["Maldives"].advice.date == dt.date(2025, 10, 7)
    assert entries["Mali"].advice.date == dt.date(2023, 7, 31)


def test_html_entities_are_decoded_in_summaries(entries: dict) -> None:
    for entry in entries.values():
        text = entry.advice.summary + entry.advice.change_note
        assert not re.search(r"&(#\d+|[a-z]+);", text), entry.name
        assert "<" not in text


def test_change_note_and_risks_come_from_the_prose(entries: dict) -> None:
    maldives = entries["Maldives"].advice
    assert maldives.change_note.startswith("Reissued")
    assert maldives.risks == ("terrorism",)
    niger = entries["Niger"].advice
    assert set(niger.risks) == {"crime", "civil_unrest", "terrorism", "kidnapping", "health"}
    assert any("Diffa region" in r.areas and r.level == 4 for r in niger.regions)


def test_unknown_destination_is_refused_not_guessed() -> None:
    xml = b"""<rss><channel><item><title>Atlantis - Level 4: Do Not Travel</title>
    <pubDate>Tue, 07 Oct 2025</pubDate><link>https://travel.state.gov/a.html</link>
    <description>x</description>
    <category domain="Threat-Level">Level 4: Do Not Travel</category></item></channel></rss>"""
    with pytest.raises(ImportError_, match="Atlantis"):
        us_state.parse_feed(xml)


def test_name_contradicting_the_fips_tag_is_refused() -> None:
    xml = b"""<rss><channel><item><title>Niger - Level 3: Reconsider Travel</title>
    <pubDate>Tue, 07 Oct 2025</pubDate><link>https://travel.state.gov/a.html</link>
    <description>x</description>
    <category domain="Threat-Level">Level 3: Reconsider Travel</category>
    <category domain="Country-Tag">NI</category></item></channel></rss>"""
    with pytest.raises(ImportError_, match="FIPS"):
        us_state.parse_feed(xml)


def _item(title: str, date: str, level: int, tag: str) -> bytes:
    labels = {3: "Reconsider Travel", 4: "Do Not Travel"}
    return f"""<rss><channel><item><title>{title} - Level {level}: {labels[level]}</title>
    <pubDate>{date}</pubDate><link>https://travel.state.gov/n.html</link>
    <description><![CDATA[<p>Updated.</p><p>{labels[level]} to {title} due to crime.</p>]]>
    </description><category domain="Threat-Level">Level {level}: {labels[level]}</category>
    <category domain="Country-Tag">{tag}</category></item></channel></rss>""".encode()


def test_import_writes_the_source_block_into_the_data_file(data_dir: Path) -> None:
    entries = us_state.parse_feed(_item("Niger", "Fri, 21 Mar 2025", 3, "NG"))
    merge_entries(data_dir, "us-state", entries, today=TODAY)
    advisory, problems = read_destination(data_dir / "destinations" / "NE.toml", TODAY)
    assert problems == []
    assert advisory is not None
    assert advisory.source("us-state").level == 3
    assert not (data_dir / "destinations" / "NG.toml").exists()


def test_older_feed_date_never_replaces_newer_advice(data_dir: Path) -> None:
    merge_entries(
        data_dir,
        "us-state",
        us_state.parse_feed(_item("Niger", "Fri, 21 Mar 2025", 4, "NG")),
        today=TODAY,
    )
    report = merge_entries(
        data_dir,
        "us-state",
        us_state.parse_feed(_item("Niger", "Mon, 31 Jul 2023", 3, "NG")),
        today=TODAY,
    )
    advisory, _ = read_destination(data_dir / "destinations" / "NE.toml", TODAY)
    assert advisory is not None
    assert advisory.source("us-state").level == 4
    assert advisory.source("us-state").date == dt.date(2025, 3, 21)
    assert report.kept_newer == ["NE"]


def test_bogus_1970_date_is_not_taken_as_news(data_dir: Path) -> None:
    merge_entries(
        data_dir,
        "us-state",
        us_state.parse_feed(_item("Niger", "Fri, 21 Mar 2025", 3, "NG")),
        today=TODAY,
    )
    merge_entries(
        data_dir,
        "us-state",
        us_state.parse_feed(_item("Niger", "Thu, 01 Jan 1970", 3, "NG")),
        today=TODAY,
    )
    advisory, problems = read_destination(data_dir / "destinations" / "NE.toml", TODAY)
    assert problems == []
    assert advisory is not None
    assert advisory.source("us-state").date == dt.date(2025, 3, 21)


def test_level_change_drafts_a_bilingual_change_note(data_dir: Path) -> None:
    merge_entries(
        data_dir,
        "us-state",
        us_state.parse_feed(_item("Niger", "Fri, 21 Mar 2025", 3, "NG")),
        today=TODAY,
    )
    report = merge_entries(
        data_dir,
        "us-state",
        us_state.parse_feed(_item("Niger", "Tue, 07 Oct 2025", 4, "NG")),
        today=TODAY,
    )
    advisory, _ = read_destination(data_dir / "destinations" / "NE.toml", TODAY)
    assert advisory is not None and advisory.change_note is not None
    assert report.level_changes == ["NE: 3 -> 4"]
    assert "level 3" in advisory.change_note.en and "level 4" in advisory.change_note.en
    assert "relevé" in advisory.change_note.fr
