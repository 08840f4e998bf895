"""The one registry of official sources: for each government, its parser, its feed, the hosts it
publishes on (the only hosts its links on cards and the fetcher's redirects may point to) and the
licence of its texts. Adding a government, or a file of one, starts here.

The pure core keeps the sources' ids in display order (`bot.core.model.SOURCES`, with
`SOURCE_LICENCES`), and `data/levels.toml` their names and level wording; a test holds the three
to this registry."""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from types import ModuleType
from urllib.parse import urlsplit


@dataclass(frozen=True, slots=True)
class OfficialSource:
    """One government's travel advice as Vigie reads it."""

    id: str
    hosts: tuple[str, ...]  # the government's own hosts (https only)
    licence: str  # of its texts ("" when only levels, dates and links are kept)
    home: str  # its advice's home page: the link shown when an item's own link is not its own
    parser: str = ""  # module under bot.importers ("" : entered by hand)
    feed_url: str = ""  # the whole feed, or the index of per-country files
    country_file: str = ""  # per-country file, "{key}" from the index (indexed sources)
    paths: tuple[str, ...] = ()  # path prefixes the feed's files (and redirects) stay within

    @property
    def indexed(self) -> bool:
        """An index, then one file per country (Canada, the UK)."""
        return bool(self.country_file)

    @property
    def syncs(self) -> bool:
        """Whether Vigie fetches this source (France is entered by hand)."""
        return bool(self.feed_url)

    @property
    def module(self) -> ModuleType:
        """The parser (parse_feed, or parse_index and parse_country)."""
        return importlib.import_module(f"bot.importers.{self.parser}")

    def url(self, base: str = "") -> str:
        """The feed's (or index's) URL, on `base` instead of the official host when given."""
        return rebase(self.feed_url, base)

    def country_url(self, key: str, base: str = "") -> str:
        """The URL of one country's file in an indexed source."""
        return rebase(self.country_file.format(key=key, lower=key.lower()), base)

    def owns(self, url: str) -> bool:
        """Whether `url` is an https address on one of this government's own hosts."""
        try:
            parts = urlsplit(url)
        except ValueError:
            return False
        return (
            parts.scheme == "https"
            and (parts.hostname or "") in self.hosts
            and not (parts.username or parts.password or parts.port not in (None, 443))
        )

    def own_link(self, url: str) -> str:
        """`url` if it is on this government's own host, else its advice's home page."""
        return url if self.owns(url) else self.home


def rebase(url: str, base: str) -> str:
    """`url` with its scheme and host replaced by `base`'s (the path kept)."""
    if not base:
        return url
    parts = urlsplit(url)
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    return base.rstrip("/") + path


REGISTRY: dict[str, OfficialSource] = {
    s.id: s
    for s in (
        OfficialSource(
            "us-state",
            hosts=("travel.state.gov",),
            licence="public-domain-us",
            home="https://travel.state.gov/content/travel/en/traveladvisories/traveladvisories.html",
            parser="us_state",
            feed_url="https://travel.state.gov/_res/rss/TAsTWs.xml",
            paths=("/_res/rss/",),
        ),
        OfficialSource(
            "ca-gac",
            hosts=("travel.gc.ca", "voyage.gc.ca", "data.international.gc.ca"),
            licence="ogl-canada-2.0",
            home="https://travel.gc.ca/travelling/advisories",
            parser="ca_gac",
            feed_url="https://data.international.gc.ca/travel-voyage/index-updated.json",
            country_file="https://data.international.gc.ca/travel-voyage/cta-cap-{lower}.json",
            paths=("/travel-voyage/",),
        ),
        OfficialSource(
            "uk-fcdo",
            hosts=("www.gov.uk",),
            licence="ogl-uk-3.0",
            home="https://www.gov.uk/foreign-travel-advice",
            parser="uk_fcdo",
            feed_url="https://www.gov.uk/api/content/foreign-travel-advice",
            country_file="https://www.gov.uk/api/content/foreign-travel-advice/{key}",
            paths=("/api/content/foreign-travel-advice",),
        ),
        OfficialSource(
            "au-dfat",
            hosts=("www.smartraveller.gov.au",),
            licence="",  # Smartraveller's terms: its levels, dates and links, not its prose
            home="https://www.smartraveller.gov.au/destinations",
            parser="au_dfat",
            feed_url="https://www.smartraveller.gov.au/destinations-export",
            paths=("/destinations-export",),
        ),
        OfficialSource(
            "fr-meae",
            hosts=("www.diplomatie.gouv.fr",),
            licence="",
            home="https://www.diplomatie.gouv.fr/fr/conseils-aux-voyageurs/",
            parser="fr_meae",
        ),
    )
}


def synced_sources() -> dict[str, OfficialSource]:
    """The sources Vigie fetches, by id, in display order."""
    return {k: s for k, s in REGISTRY.items() if s.syncs}


def source_of(source_id: str) -> OfficialSource:
    """The registry's entry for `source_id` (KeyError names it if unknown)."""
    return REGISTRY[source_id]
