"""One home for the official sources: the registry (bot.importers) names each government's feed,
hosts and licence, and the core's ids, licences and the level wording in data/levels.toml agree
with it; links on cards only on each government's own host."""

from __future__ import annotations

from bot.core.model import SOURCE_LICENCES, SOURCES
from bot.datafiles.files import read_levels
from bot.importers import REGISTRY, source_of, synced_sources
from bot.sync import SOURCES as SYNCED
from tests.conftest import DATA


def test_the_registry_the_core_and_levels_toml_name_the_same_sources() -> None:
    assert tuple(REGISTRY) == SOURCES
    assert set(read_levels(DATA)) == set(REGISTRY)
    assert {k: s.licence for k, s in REGISTRY.items() if s.licence} == SOURCE_LICENCES
    assert synced_sources() == SYNCED and "fr-meae" not in SYNCED


def test_every_synced_source_has_a_parser_a_feed_on_its_own_host_and_a_home() -> None:
    for source in synced_sources().values():
        assert source.owns(source.url()) and source.owns(source.home)
        entry_points = ("parse_index", "parse_country") if source.indexed else ("parse_feed",)
        assert all(callable(getattr(source.module, name)) for name in entry_points)


def test_a_link_is_the_governments_own_only_on_its_own_host_over_https() -> None:
    us = source_of("us-state")
    page = "https://travel.state.gov/content/travel/destination.mli.html"
    assert us.own_link(page) == page
    for forged in (
        "https://travel.state.gov.evil.example/content/travel/destination.mli.html",
        "http://travel.state.gov/content/travel/destination.mli.html",
        "https://evil.example@travel.state.gov.evil.example/x",
        "https://travel.state.gov:8443/x",
        "javascript:alert(1)",
    ):
        assert us.own_link(forged) == us.home, forged
    canada = source_of("ca-gac")
    assert canada.owns("https://voyage.gc.ca/destinations/mali") and canada.owns(
        "https://travel.gc.ca/destinations/mali"
    )
