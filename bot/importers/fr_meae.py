"""France's travel advice (France Diplomatie, "Conseils aux voyageurs"). France publishes no
machine-readable feed: every destination links to its page, and maintainers enter France's
level by hand in the destination file (a `[[sources]]` block with `source = "fr-meae"` and the
map colour as its label: vert, jaune, orange or rouge)."""

from __future__ import annotations

import re
import tomllib
from functools import cache
from pathlib import Path

from babel import Locale

from bot.core.model import FR_MEAE_COLOURS
from bot.core.textnorm import strip_accents
from bot.datafiles.convert import known_codes

SOURCE = "fr-meae"
PAGES = "https://www.diplomatie.gouv.fr/fr/conseils-aux-voyageurs/conseils-par-pays-destination/"
OVERRIDES_FILE = Path(__file__).resolve().parents[2] / "data" / "fr-meae-pages.toml"


@cache
def _overrides() -> dict[str, str]:
    with OVERRIDES_FILE.open("rb") as handle:
        slugs: dict[str, str] = tomllib.load(handle)["slugs"]
    return slugs


def slugify(name: str) -> str:
    """A French name as France Diplomatie writes it in addresses: "Côte d’Ivoire" →
    "cote-d-ivoire" (brackets dropped, accents stripped, spaces and apostrophes as hyphens)."""
    text = re.sub(r"\(.*?\)", "", name)
    text = strip_accents(text).lower()
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")


def page_url(code: str) -> str:
    """The "Conseils aux voyageurs" page of destination `code` (ISO alpha-2), or "" where France
    publishes none (France itself and its own territories)."""
    code = code.upper()
    overrides = _overrides()
    if code in overrides:
        slug = overrides[code]
    else:
        name = Locale("fr").territories.get(code)
        if not name or code not in known_codes():
            return ""
        slug = slugify(name)
    return f"{PAGES}{slug}/" if slug else ""


def level_of(colour: str) -> int | None:
    """Our level of one of France's map colours (vert 1, jaune 2, orange 3, rouge 4)."""
    return FR_MEAE_COLOURS.get(colour.strip().lower())
