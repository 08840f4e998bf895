"""The conversation core's fixture: the knowledge built from the project's real data/."""

from __future__ import annotations

import re

import pytest
from babel.messages.pofile import read_po

from bot.core.answer import Knowledge
from bot.core.places import build_place_index
from bot.datafiles.files import read_all, read_levels
from bot.i18n import catalog_path
from bot.knowledge import continents, region_names
from tests.conftest import DATA, TODAY


@pytest.fixture(scope="session")
def knowledge() -> Knowledge:
    """Every published destination, its sources and the place index, as the bot has them."""
    advisories = {a.code: a for a in read_all(DATA, TODAY)}
    return Knowledge(
        advisories=advisories,
        sources=read_levels(DATA),
        index=build_place_index(region_names(advisories)),
        continents=continents(),
    )


@pytest.fixture(scope="session")
def english_fragments() -> list[str]:
    """Pieces of English message ids whose French translation differs (a French reply showing one
    of them shows untranslated template text)."""
    with catalog_path("fr").open("rb") as handle:
        catalog = read_po(handle, locale="fr")
    fragments = []
    for message in catalog:
        if not message.id or not message.string:
            continue
        msgid = message.id if isinstance(message.id, str) else message.id[0]
        msgstr = message.string if isinstance(message.string, str) else message.string[0]
        if msgid == msgstr:
            continue
        for piece in re.split(r"\{[^}]*\}|%\([^)]*\)d", msgid):
            if len(piece.strip()) >= 10:
                fragments.append(piece.strip())
    return fragments
