"""The US feed as served since 2026: ISO3 links, countries listed twice, FIPS/ISO tags mixed."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.importers import us_state
from bot.importers.common import FeedRefused
from tests.conftest import shared_file

SAMPLE = "feeds/2026-10-07/us/TAsTWs-sample.xml"
NEW = "https://travel.state.gov/content/tsg_aem/us/en/home/international-travel/travel-advisories"
OLD = "https://travel.state.gov/content/travel/en/traveladvisories/traveladvisories"


@pytest.fixture(scope="module")
def sample() -> us_state.FeedParse:
    # 22 of the feed's 223 items: a sample, so the "partial feed" check is lowered.
    return us_state.parse_feed(shared_file(SAMPLE).read_bytes(), minimum=1)


def test_every_country_of_the_2026_sample_lands_on_its_code(sample: us_state.FeedParse) -> None:
    got = {e.name: (e.codes, e.advice.level) for e in sample.entries}
    assert got == {
        "Saudi Arabia": (("SA",), 3),
        "Cambodia": (("KH",), 2),
        "Italy": (("IT",), 2),
        "North Macedonia": (("MK",), 1),
        "Curaçao": (("CW",), 1),  # tag UC (FIPS)
        "United Kingdom": (("GB",), 2),  # tag UK (FIPS)
        "Suriname": (("SR",), 1),  # tag NS (FIPS)
        "Hong Kong": (("HK",), 2),
        "São Tomé and Príncipe": (("ST",), 2),  # tag TP (FIPS)
        "China": (("CN",), 2),  # tag CH: FIPS China, ISO Switzerland
        "Nepal": (("NP",), 2),
        "Morocco": (("MA",), 2),  # tag MO: FIPS Morocco, ISO Macau
        "Peru": (("PE",), 2),
        "Tajikistan": (("TJ",), 2),
        "Bhutan": (("BT",), 1),
        "Niger": (("NE",), 4),  # tag NG: Nigeria's ISO code
        "Namibia": (("NA",), 2),  # listed twice (NA and WA)
        "Burma": (("MM",), 4),  # listed twice (MM and BM)
        "Singapore": (("SG",), 1),  # tag SN: Senegal's ISO code
        "Senegal": (("SN",), 1),  # tag SG: Singapore's ISO code
    }
    assert sample.held == []


def test_a_country_listed_twice_gives_one_entry_from_the_new_link(
    sample: us_state.FeedParse,
) -> None:
    burma = [e for e in sample.entries if e.codes == ("MM",)]
    assert len(burma) == 1
    assert burma[0].advice.url.endswith("/destination.mmr.html")
    assert burma[0].advice.date == dt.date(2026, 5, 8)


def test_the_2026_headline_is_the_summary_not_a_change_note(sample: us_state.FeedParse) -> None:
    cambodia = next(e for e in sample.entries if e.codes == ("KH",)).advice
    assert cambodia.change_note == ""
    assert cambodia.summary.startswith("Exercise increased caution in Cambodia due to crime")
    assert set(cambodia.risks) == {"crime", "civil_unrest", "other"}
    macedonia = next(e for e in sample.entries if e.codes == ("MK",)).advice
    assert macedonia.summary.startswith("Exercise normal precaution in North Macedonia.")


def _feed(*items: str) -> bytes:
    return f"<rss><channel>{''.join(items)}</channel></rss>".encode()


def _item(title: str, link: str, tag: str, date: str = "Tue, 15 Sep 2026") -> str:
    level = int(title.split("Level ")[1][0])
    return f"""<item><title>{title}</title><link>{link}</link><pubDate>{date}</pubDate>
    <description><![CDATA[<p>Updated.</p>]]></description>
    <category domain="Threat-Level">Level {level}: x</category>
    <category domain="Country-Tag">{tag}</category></item>"""


def test_link_contradicting_the_name_is_held_and_the_rest_imported() -> None:
    parsed = us_state.parse_feed(
        _feed(
            _item("Niger - Level 4: Do Not Travel", f"{NEW}/destination.nga.html", "NG"),
            _item("Mali - Level 4: Do Not Travel", f"{NEW}/destination.mli.html", "ML"),
        ),
        minimum=1,
    )
    assert [e.codes for e in parsed.entries] == [("ML",)]
    assert parsed.held == ["'Niger - Level 4: Do Not Travel': name says NE, link says NG (NGA)"]


def test_unknown_name_with_an_iso_link_is_held_not_taken_from_the_link() -> None:
    parsed = us_state.parse_feed(
        _feed(_item("Republic of Nowhere - Level 2: x", f"{NEW}/destination.ner.html", "NG")),
        minimum=1,
    )
    assert parsed.entries == []
    assert "unknown name" in parsed.held[0] and "NE" in parsed.held[0]


def test_old_link_whose_tag_contradicts_the_name_under_both_codings_is_held() -> None:
    # ZA is Zambia in FIPS and South Africa in ISO: neither is Kenya.
    parsed = us_state.parse_feed(
        _feed(_item("Kenya - Level 2: x", f"{OLD}/kenya-travel-advisory.html", "ZA")), minimum=1
    )
    assert parsed.entries == []
    assert "FIPS tag ZA" in parsed.held[0]


def test_country_listed_twice_with_different_levels_on_one_date_is_held() -> None:
    parsed = us_state.parse_feed(
        _feed(
            _item("Namibia - Level 2: x", f"{NEW}/destination.nam.html", "NA"),
            _item("Namibia - Level 3: x", f"{OLD}/namibia-travel-advisory.html", "WA"),
        ),
        minimum=1,
    )
    assert parsed.entries == []
    assert parsed.held[0].startswith("NA listed twice with different levels")


def test_country_listed_twice_takes_the_later_dated_level() -> None:
    parsed = us_state.parse_feed(
        _feed(
            _item("Namibia - Level 2: x", f"{NEW}/destination.nam.html", "NA", "Fri, 15 May 2026"),
            _item(
                "Namibia - Level 3: x",
                f"{OLD}/namibia-travel-advisory.html",
                "WA",
                "Fri, 01 May 2026",
            ),
        ),
        minimum=1,
    )
    assert [(e.codes, e.advice.level) for e in parsed.entries] == [(("NA",), 2)]


def test_backwards_or_unreadable_dates_are_read_or_left_unknown() -> None:
    assert us_state.parse_date("2026-09-15") == dt.date(2026, 9, 15)
    assert us_state.parse_date("15 Sep 2026") == dt.date(2026, 9, 15)
    assert us_state.parse_date("Tue, 15 Sep 2026 10:00:00 GMT") == dt.date(2026, 9, 15)
    assert us_state.parse_date("someday") is None
    parsed = us_state.parse_feed(
        _feed(_item("Mali - Level 4: x", f"{NEW}/destination.mli.html", "ML", "soon")), minimum=1
    )
    assert parsed.entries[0].advice.date == us_state.UNKNOWN_DATE  # the merge never believes it


def test_a_partial_feed_is_refused() -> None:
    items = [_item("Mali - Level 4: x", f"{NEW}/destination.mli.html", "ML")] * 30
    with pytest.raises(FeedRefused, match="only 30 items where at least 150"):
        us_state.parse_feed(_feed(*items))
