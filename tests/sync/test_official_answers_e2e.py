"""Issue 15, done when: after one sync of the captures' formats for every destination, a traveller
in trouble anywhere gets a useful, attributed, dated answer, under Telegram's 4096 characters, in
their language where the government publishes it — through the real sync, the real database and
the real conversation core."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pytest

from bot.core.answer import Knowledge, respond_to_text
from bot.core.places import build_place_index
from bot.core.render import MAX_MESSAGE
from bot.core.reply import UserState
from bot.datafiles.files import read_levels
from bot.knowledge import continents, region_names
from bot.store.advisories import load_advisories
from bot.store.db import open_db
from bot.sync import run_sync
from tests.conftest import DATA, shared_file
from tests.e2e.botapi_spec import parse_html
from tests.sync.conftest import NOW, FeedServer, _official_files
from tests.sync.official_corpus import (
    CAPTURES,
    LAYOUTS,
    Page,
    ca_corpus,
    serve,
    uk_corpus,
    uk_destinations,
    uk_page,
)

ASKED_AT = dt.datetime(2026, 11, 24, 9, 0, tzinfo=dt.UTC)
UK_EN = "UK Foreign, Commonwealth & Development Office"
UK_FR = "Ministère britannique des Affaires étrangères (FCDO)"


@pytest.fixture(scope="module")
def corpus() -> list[Page]:
    """Every destination's page; those asked about here in GOV.UK's most common layout of the
    block that gives numbers (the corpus deals some pages a prose layout a careful reader takes
    no number from)."""
    asked = {"TH", "MA", "PE", "CU"}
    captures = {
        s: json.loads(shared_file(f"feeds/2026-10-07/uk/{s}.json").read_text()) for s in CAPTURES
    }
    names = uk_destinations()
    common = next(layout for layout in LAYOUTS if layout.name == "telephone-all-three")
    kept = [p for p in uk_corpus() if p.code not in asked]
    return kept + [uk_page(c, names[c], captures["kenya"], common) for c in sorted(asked)]


@pytest.fixture(scope="module")
def synced(
    _server: FeedServer,
    published_db: Path,
    tmp_path_factory: pytest.TempPathFactory,
    corpus: list[Page],
) -> Knowledge:
    """Every destination's GOV.UK page and Canada file synced once (for the whole module: the
    questions only read); the knowledge the bot reads."""
    db_path = tmp_path_factory.mktemp("answers") / "vigie.db"
    shutil.copy(published_db, db_path)
    _server.files = {**dict(_official_files()), **serve(corpus, ca_corpus())}
    _server.custom.clear()
    db = open_db(db_path)
    try:
        for source in ("uk-fcdo", "ca-gac"):
            report = run_sync(db, DATA, now=NOW, only=source, base_url=_server.url, backoff=0)
            assert not report.failed, report.summary()
        advisories = load_advisories(db)
    finally:
        db.close()
    return Knowledge(
        advisories=advisories,
        sources=read_levels(DATA),
        index=build_place_index(region_names(advisories)),
        continents=continents(),
    )


def ask(knowledge: Knowledge, text: str, lang: str) -> str:
    reply = respond_to_text(text, UserState(lang=lang), knowledge, telegram_lang=lang, now=ASKED_AT)
    parsed = parse_html(reply.text)
    assert not parsed.errors, parsed.errors
    assert len(parsed.text) <= MAX_MESSAGE
    return parsed.text


def page_of(corpus: list[Page], code: str) -> Page:
    return next(p for p in corpus if p.code == code)


def numbers_part(text: str, title: str, end: str) -> str:
    return text.split(title, 1)[1].split(end, 1)[0]


def test_robbed_in_bangkok_leads_with_thailands_numbers_from_gov_uk(
    synced: Knowledge, corpus: list[Page]
) -> None:
    text = ask(synced, "I was robbed in Bangkok", "en")
    assert text.startswith("🚨 Emergency in Thailand")
    numbers = numbers_part(text, "Emergency numbers", "What to do")
    expected = page_of(corpus, "TH").expected
    assert expected
    for _service, number in expected:
        assert number in numbers
    assert f"({UK_EN}, November 20, 2026)" in numbers
    assert "We hold no checked emergency number" not in text


def test_sac_vole_a_marrakech_in_french(synced: Knowledge, corpus: list[Page]) -> None:
    text = ask(synced, "sac volé à Marrakech", "fr")
    assert text.startswith("🚨 Urgence au Maroc")
    numbers = numbers_part(text, "Numéros d’urgence", "Que faire")
    for _service, number in page_of(corpus, "MA").expected:
        assert number in numbers
    assert f"({UK_FR}, 20 novembre 2026)" in numbers


def test_vaccins_pour_le_perou_quotes_canadas_french_first(synced: Knowledge) -> None:
    text = ask(synced, "vaccins pour le Pérou", "fr")
    assert text.startswith("🩺 Santé — Pérou")
    canada = text.index("Gouvernement du Canada")
    assert "mis à jour le 20 novembre 2026" in text[canada:]
    assert "vaccin" in text[canada:].lower()
    english = text.find("Texte officiel, en anglais")
    assert english == -1 or english > canada  # Canada's own French comes before any English
    assert "We hold no checked information" not in text


def test_entry_requirements_peru_quotes_the_governments(synced: Knowledge) -> None:
    text = ask(synced, "entry requirements Peru", "en")
    assert text.startswith("🛂 Entry and exit — Peru")
    assert "updated November 20, 2026" in text
    assert UK_EN in text or "Government of Canada" in text
    assert "Read the rest on the official page" in text or "The official page" in text


def test_embassy_in_havana_names_whose_office_it_is(synced: Knowledge, corpus: list[Page]) -> None:
    text = ask(synced, "embassy in Havana", "en")
    assert text.startswith("☎️ Contacts — Cuba")
    page = page_of(corpus, "CU")
    assert f"British Embassy {page.capital}" in text or "British Embassy" in text
    assert f"Listed by {UK_EN}, November 20, 2026" in text
    # Another nationality is sent to its own foreign ministry, never to the British embassy.
    assert "Citizen of another country?" in text and "France: +33 1 53 59 11 00" in text
