"""Shared locations placed by the map's shapes, the nearest town as a second opinion: near a
border, placed in the right country or asked about — never placed in the wrong one."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from bot.core import callbacks as cb
from bot.geo import locate
from bot.knowledge import KnowledgeCache
from bot.store.db import open_db
from bot.turn import Conversations, Location, Speaker
from tests.conftest import DATA

# 2 km on either side of five border crossings, on the line between the two towns (the border
# taken from the crossing itself, not from our shapes).
BORDERS = [
    ("Goma", -1.685, 29.227, "CD", "RW"),
    ("Gisenyi", -1.690, 29.263, "RW", "CD"),
    ("Tijuana", 32.5245, -117.0296, "MX", "US"),
    ("San Ysidro", 32.5605, -117.0296, "US", "MX"),
    ("Ou Smach", 14.414, 103.695, "KH", "TH"),
    ("Kap Choeng", 14.450, 103.695, "TH", "KH"),
    ("Gaya", 11.886, 3.437, "NE", "BJ"),
    ("Malanville", 11.864, 3.399, "BJ", "NE"),
    ("Ciudad Juárez", 31.7297, -106.4864, "MX", "US"),
    ("El Paso", 31.7657, -106.4864, "US", "MX"),
]


@pytest.mark.parametrize(("town", "lat", "lon", "right", "across"), BORDERS)
def test_two_km_from_a_border_is_placed_right_or_asked_never_wrong(
    town: str, lat: float, lon: float, right: str, across: str
) -> None:
    where = locate(lat, lon)
    assert where.country != across, town
    if where.country is None:
        assert right in where.candidates and across in where.candidates, (town, where)
    else:
        assert where.country == right


@pytest.mark.parametrize(
    ("lat", "lon", "code"),
    [
        (12.6392, -8.0029, "ML"),  # Bamako
        (48.85, 2.35, "FR"),  # Paris
        (-1.95, 30.06, "RW"),  # Kigali, 100 km from the border with Goma
        (32.72, -117.16, "US"),  # San Diego, 20 km north of the border
        (13.75, 100.50, "TH"),  # Bangkok
        (43.69, 7.27, "FR"),  # Nice's seafront: the coarse coastline misses it
    ],
)
def test_far_from_borders_the_map_places_the_location(lat: float, lon: float, code: str) -> None:
    assert locate(lat, lon).country == code


def test_at_sea_says_so() -> None:
    where = locate(30.0, -40.0)  # the middle of the Atlantic
    assert where.at_sea and where.country is None and not where.candidates


@pytest.fixture
def conversations(published_db: Path, tmp_path: Path) -> Conversations:
    db_path = tmp_path / "vigie.db"
    shutil.copy(published_db, db_path)
    db = open_db(db_path)
    clock = lambda: dt.datetime(2026, 11, 24, 10, 0, tzinfo=dt.UTC)  # noqa: E731
    return Conversations(db, KnowledgeCache(db, DATA), clock=clock)


WHO = Speaker(key=77, chat_id=77, author=77, telegram_lang="en")


def test_near_goma_the_bot_asks_with_both_countries_as_buttons(
    conversations: Conversations,
) -> None:
    reply = conversations.turn(WHO, Location(-1.690, 29.263))
    assert "close to the border between" in reply.text and "Which country" in reply.text
    data = [b.data for row in reply.buttons for b in row]
    assert sorted(data) == [
        cb.encode(cb.PICK, "CD", "advisory"),
        cb.encode(cb.PICK, "RW", "advisory"),
    ]


def test_a_location_in_bamako_gets_malis_card_and_region(conversations: Conversations) -> None:
    reply = conversations.turn(WHO, Location(12.6392, -8.0029))
    assert reply.text.startswith("📍 Near Bamako, Mali:")
    assert "Level 4" in reply.text
    assert reply.state.last_country == "ML" and reply.state.last_region == "bamako"


def test_a_location_at_sea_is_told_so(conversations: Conversations) -> None:
    reply = conversations.turn(WHO, Location(30.0, -40.0))
    assert "at sea" in reply.text and not reply.buttons


def test_a_location_in_french_at_sea(conversations: Conversations) -> None:
    reply = conversations.turn(
        Speaker(key=78, chat_id=78, author=78, telegram_lang="fr"), Location(30.0, -40.0)
    )
    assert "Ce lieu est en mer\u00a0:" in reply.text
