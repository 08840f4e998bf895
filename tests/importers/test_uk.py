"""GOV.UK Content API: the index, one country's page, the areas the FCDO advises against."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from bot.importers import uk_fcdo
from bot.importers.common import FeedRefused
from tests.conftest import shared_file


def _page(slug: str) -> bytes:
    return shared_file(f"feeds/2026-10-07/uk/{slug}.json").read_bytes()


@pytest.mark.parametrize(
    ("slug", "code", "level", "date"),
    [
        ("haiti", "HT", 4, dt.date(2025, 12, 10)),  # public_updated_at, not the capture date
        ("france", "FR", 1, dt.date(2026, 8, 11)),  # alert_status []: no advice against travel
        ("colombia", "CO", 2, dt.date(2026, 10, 6)),
        ("kenya", "KE", 2, dt.date(2026, 10, 7)),
        ("mexico", "MX", 2, dt.date(2026, 10, 1)),
    ],
)
def test_country_page_gives_level_and_public_date(
    slug: str, code: str, level: int, date: dt.date
) -> None:
    entry = uk_fcdo.parse_country(_page(slug))
    assert entry.codes == (code,)
    assert (entry.advice.level, entry.advice.date) == (level, date)
    assert entry.advice.url == f"https://www.gov.uk/foreign-travel-advice/{slug}"


def test_haiti_summary_says_why_and_has_no_region() -> None:
    advice = uk_fcdo.parse_country(_page("haiti")).advice
    assert advice.summary.startswith(
        "FCDO advises against all travel to Haiti due to the volatile security situation."
    )
    assert advice.regions == ()


def test_kenya_areas_against_all_travel_and_all_but_essential() -> None:
    regions = uk_fcdo.parse_country(_page("kenya")).advice.regions
    assert [r.level for r in regions] == [4, 3]
    assert regions[0].areas[0] == "Mandera County"
    assert regions[0].reason == "the risk of terrorism from groups based in Somalia"
    assert regions[1].areas == (
        "Garissa Town",
        "Tana River County north of the Tana River as far as the town of Saka",
        "within 15km of the east coast between the Tana River and the Galana"
        " (Athi-Galana-Sabaki) River",
    )


def test_colombia_regions_leave_out_venezuelas_border_regions() -> None:
    regions = uk_fcdo.parse_country(_page("colombia")).advice.regions
    assert len(regions) == 5 and {r.level for r in regions} == {3}
    assert not any("Venezuela’s border regions" in a for r in regions for a in r.areas)
    assert regions[0].areas[1] == "all of Arauca Department"
    assert regions[3].areas == (
        "within 5km of the border with Ecuador, except: all of Cauca Department, except for the"
        " department capital Popayán; the border crossing on the Pan-American highway at the"
        " Puente Internacional de Rumichaca; the city of Ipiales in Nariño Department",
    )


def test_mexico_exceptions_stay_with_their_state() -> None:
    regions = uk_fcdo.parse_country(_page("mexico")).advice.regions
    areas = [a for r in regions for a in r.areas]
    assert "state of Zacatecas" in areas
    assert any(a.startswith("state of Chihuahua, except: the city of Chihuahua;") for a in areas)
    assert "airside transit through Tijuana airport" not in areas  # an exception, not an area


def _index(count: int) -> bytes:
    names = ["Afghanistan", "Albania", "Algeria", "Andorra", "Angola", "Argentina", "Armenia"]
    children = [
        {
            "base_path": f"/foreign-travel-advice/{name.lower()}",
            "api_path": f"/api/content/foreign-travel-advice/{name.lower()}",
            "title": f"{name} travel advice",
            "public_updated_at": "2026-10-01T09:30:00+01:00",
            "document_type": "travel_advice",
            "details": {"country": {"name": name, "slug": name.lower(), "synonyms": []}},
        }
        for name in (names * (count // len(names) + 1))[:count]
    ]
    return json.dumps(
        {
            "base_path": "/foreign-travel-advice",
            "document_type": "travel_advice_index",
            "schema_name": "travel_advice_index",
            "title": "Foreign travel advice",
            "links": {"children": children},
        }
    ).encode()


def test_index_gives_each_country_its_slug_and_update_time() -> None:
    items = uk_fcdo.parse_index(_index(200))
    assert len(items) == 200
    assert items[1].code == "AL" and items[1].key == "albania"
    assert items[1].url == "https://www.gov.uk/api/content/foreign-travel-advice/albania"
    assert items[1].updated == dt.datetime(2026, 10, 1, 8, 30, tzinfo=dt.UTC)


def test_index_of_30_countries_is_refused() -> None:
    with pytest.raises(FeedRefused, match="only 30 countries"):
        uk_fcdo.parse_index(_index(30))


def test_country_page_is_refused_where_the_index_is_expected() -> None:
    with pytest.raises(FeedRefused, match=r"page of one country \(Kenya\)"):
        uk_fcdo.parse_index(_page("kenya"))


def test_index_is_refused_where_a_country_page_is_expected() -> None:
    with pytest.raises(FeedRefused, match="index of every country"):
        uk_fcdo.parse_country(_index(200))


def test_page_without_alert_status_is_refused_not_called_safe() -> None:
    data = json.loads(_page("kenya"))
    del data["details"]["alert_status"]
    with pytest.raises(FeedRefused, match="no alert_status"):
        uk_fcdo.parse_country(json.dumps(data).encode())
