"""The official sources the sync fetches, and where from (overridable for a mirror or tests)."""

from __future__ import annotations

from dataclasses import dataclass
from types import ModuleType
from urllib.parse import urlsplit

from bot.importers import au_dfat, ca_gac, uk_fcdo, us_state


@dataclass(frozen=True, slots=True)
class Source:
    """One government's feed: a single file (US, Australia) or an index of per-country files
    (Canada, the UK)."""

    id: str
    module: ModuleType
    indexed: bool

    def url(self, base: str = "") -> str:
        """The feed's (or index's) URL, on `base` instead of the official host when given."""
        official: str = self.module.INDEX_URL if self.indexed else self.module.FEED_URL
        return rebase(official, base)

    def country_url(self, key: str, base: str = "") -> str:
        """The URL of one country's file in an indexed source."""
        if self.module is ca_gac:
            index = self.url(base)
            return index.rsplit("/", 1)[0] + f"/cta-cap-{key.lower()}.json"
        return f"{self.url(base)}/{key}"


SOURCES: dict[str, Source] = {
    "us-state": Source("us-state", us_state, indexed=False),
    "ca-gac": Source("ca-gac", ca_gac, indexed=True),
    "uk-fcdo": Source("uk-fcdo", uk_fcdo, indexed=True),
    "au-dfat": Source("au-dfat", au_dfat, indexed=False),
}


def rebase(url: str, base: str) -> str:
    """`url` with its scheme and host replaced by `base`'s (the path kept)."""
    if not base:
        return url
    parts = urlsplit(url)
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    return base.rstrip("/") + path
