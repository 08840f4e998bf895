"""Reading messages: intent, language and destination, on the labelled set and on our own cases."""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from babel import Locale

from bot.core.answer import Knowledge, respond_to_text
from bot.core.places import (
    AREAS,
    PlaceIndex,
    RegionName,
    build_place_index,
    iso_codes,
    names_in_area,
)
from bot.core.render import MAX_MESSAGE, strip_tags
from bot.core.reply import Reply, UserState
from bot.core.understand import (
    INTENTS,
    Understanding,
    VocabularyError,
    load_vocabulary,
    understand,
)
from bot.datafiles.files import read_all
from bot.knowledge import region_names

DEVSET = Path(__file__).resolve().parents[1] / "understand" / "devset.jsonl"
FRESH = Path(__file__).resolve().parents[1] / "understand" / "fresh.jsonl"
REGIONS = (
    RegionName("ML", "bamako", ("Bamako", "District de Bamako")),
    RegionName(
        "ML", "tombouctou", ("Tombouctou", "Timbuktu", "Tombouctou region", "Région de Tombouctou")
    ),
    RegionName("ML", "gao", ("Gao", "Gao region", "Région de Gao")),
    RegionName("ML", "mopti", ("Mopti", "Mopti region", "Région de Mopti")),
    RegionName("ML", "kidal", ("Kidal", "Kidal region", "Région de Kidal", "Tessalit")),
    RegionName("BF", "ouagadougou", ("Ouagadougou", "Ouaga")),
    RegionName("NE", "niamey", ("Niamey", "Niamey region")),
    RegionName("NE", "agadez", ("Agadez", "Agadez region", "Région d'Agadez", "Arlit")),
    # As in data/destinations/LB.toml: "Dakkar" is one letter from "Akkar" and from Dakar.
    RegionName("LB", "north", ("Tripoli and Akkar", "Tripoli et Akkar", "Akkar", "Halba")),
)


@dataclass(frozen=True)
class Floors:
    """The accuracy a labelled set must keep."""

    place: float
    intent: float
    language: float
    out_of_scope_as_advisory: float  # a ceiling
    each_intent: float
    each_language_language: float
    each_language_intent: float
    each_language_place: float


# The development set (devset.jsonl), and a fresh set written in other styles than its phrasings
# (fresh.jsonl: anxious and long, dictated, text shorthand, emergencies as they happen...), whose
# floors sit a little under the figures reached, so that a change that loses generality shows.
LABELLED = {
    "devset": (DEVSET, Floors(0.98, 0.97, 0.99, 0.03, 0.90, 0.98, 0.95, 0.97)),
    "fresh": (FRESH, Floors(0.99, 0.98, 0.99, 0.03, 0.95, 0.99, 0.97, 0.98)),
}


@pytest.fixture(scope="module")
def index() -> PlaceIndex:
    return build_place_index(REGIONS)


def read(text: str, index: PlaceIndex) -> Understanding:
    return understand(text, index)


# ---- the labelled sets ---------------------------------------------------------------


@dataclass
class Scored:
    row: dict[str, Any]
    got: Understanding

    @property
    def place_ok(self) -> bool:
        want = sorted(self.row.get("candidates") or [])
        return (
            self.got.country == self.row.get("country")
            and self.got.region == self.row.get("region")
            and sorted(self.got.candidates) == want
        )

    @property
    def intent_ok(self) -> bool:
        return self.got.intent == self.row["intent"]

    @property
    def lang_ok(self) -> bool:
        return self.got.lang == self.row["lang"]

    def line(self) -> str:
        row, got = self.row, self.got
        return (
            f"  {row['text']!r}\n"
            f"    want {row['intent']}/{row['lang']} {row.get('country')} {row.get('region')} "
            f"{row.get('candidates') or []}\n"
            f"    got  {got.intent}/{got.lang} {got.country} {got.region} "
            f"{list(got.candidates)} (place {got.place!r}, score {got.score})"
        )


@dataclass
class Labelled:
    name: str
    scored: list[Scored]
    floors: Floors


@pytest.fixture(scope="module", params=sorted(LABELLED))
def labelled(request: pytest.FixtureRequest, index: PlaceIndex) -> Labelled:
    name = request.param
    path, floors = LABELLED[name]
    if not path.exists():
        pytest.skip(f"{path} is absent: the labelled sets are written separately")
    with path.open(encoding="utf-8") as handle:
        rows = [json.loads(line) for line in handle if line.strip()]
    if not rows:
        pytest.skip(f"{path} is empty")
    return Labelled(name, [Scored(row, read(str(row["text"]), index)) for row in rows], floors)


def _rate(items: list[Scored], ok: str) -> float:
    return sum(getattr(s, ok) for s in items) / len(items)


def _misses(items: list[Scored], ok: str) -> str:
    lines = [s.line() for s in items if not getattr(s, ok)]
    return f"{len(lines)} misses:\n" + "\n".join(lines)


@pytest.mark.parametrize(
    ("ok", "floor"), [("place_ok", "place"), ("intent_ok", "intent"), ("lang_ok", "language")]
)
def test_labelled_accuracy(labelled: Labelled, ok: str, floor: str) -> None:
    rate, wanted = _rate(labelled.scored, ok), getattr(labelled.floors, floor)
    assert rate >= wanted, f"{labelled.name} {ok} {rate:.1%} < {wanted:.0%}; " + _misses(
        labelled.scored, ok
    )


def test_labelled_out_of_scope_is_rarely_taken_as_advisory(labelled: Labelled) -> None:
    outside = [s for s in labelled.scored if s.row["intent"] == "unknown"]
    if not outside:
        pytest.skip(f"no out-of-scope message in {labelled.name}")
    taken = [s for s in outside if s.got.intent == "advisory"]
    rate = len(taken) / len(outside)
    assert rate < labelled.floors.out_of_scope_as_advisory, (
        f"{rate:.1%} of out-of-scope messages taken as advisory:\n"
        + "\n".join(s.line() for s in taken)
    )


def test_labelled_each_intent(labelled: Labelled) -> None:
    failures = []
    for intent in INTENTS:
        items = [s for s in labelled.scored if s.row["intent"] == intent]
        if items and _rate(items, "intent_ok") < labelled.floors.each_intent:
            failures.append(
                f"{intent} {_rate(items, 'intent_ok'):.1%}\n" + _misses(items, "intent_ok")
            )
    assert not failures, "\n".join(failures)


def test_labelled_each_language(labelled: Labelled) -> None:
    floors = labelled.floors
    failures = []
    for lang in ("en", "fr"):
        items = [s for s in labelled.scored if s.row["lang"] == lang]
        if not items:
            continue
        for ok, floor in (
            ("lang_ok", floors.each_language_language),
            ("intent_ok", floors.each_language_intent),
            ("place_ok", floors.each_language_place),
        ):
            if _rate(items, ok) < floor:
                failures.append(f"{lang} {ok} {_rate(items, ok):.1%}\n" + _misses(items, ok))
    assert not failures, "\n".join(failures)


def test_labelled_report(labelled: Labelled, capsys: pytest.CaptureFixture[str]) -> None:
    """Not a check: the per-intent and per-language figures, shown with `pytest -s`."""
    scored = labelled.scored
    by_intent = Counter(str(s.row["intent"]) for s in scored)
    with capsys.disabled():
        print(f"\n{labelled.name}: {len(scored)} messages")
        for name, ok in (("place", "place_ok"), ("intent", "intent_ok"), ("lang", "lang_ok")):
            print(f"  {name:<8} {_rate(scored, ok):.1%}")
        for intent in INTENTS:
            items = [s for s in scored if s.row["intent"] == intent]
            if items:
                print(f"  {intent:<14} {_rate(items, 'intent_ok'):.1%} of {by_intent[intent]}")


# ---- our own cases ------------------------------------------------------------------------------

CASES = [
    # text, intent, lang, country, region, candidates
    ("Is Mali safe?", "advisory", "en", "ML", None, ()),
    ("Mali", "advisory", "en", "ML", None, ()),
    ("bamako", "advisory", "en", "ML", "bamako", ()),
    ("Bamakko?", "advisory", "en", "ML", "bamako", ()),
    ("Tombouctou", "advisory", "fr", "ML", "tombouctou", ()),
    ("Timbuktu", "advisory", "en", "ML", "tombouctou", ()),
    ("Égypte", "advisory", "fr", "EG", None, ()),
    ("Egypte", "advisory", "fr", "EG", None, ()),
    ("Egypt", "advisory", "en", "EG", None, ()),
    ("Birmanie", "advisory", "fr", "MM", None, ()),
    ("Burma", "advisory", "en", "MM", None, ()),
    ("Corée", "advisory", "fr", None, None, ("KP", "KR")),
    ("Is Korea safe?", "advisory", "en", None, None, ("KP", "KR")),
    ("situation au Congo", "advisory", "fr", None, None, ("CD", "CG")),
    ("Guinée équatoriale c'est sûr ?", "advisory", "fr", "GQ", None, ()),
    ("est-ce sûr en Côte d’Ivoire", "advisory", "fr", "CI", None, ()),
    ("l'Algérie est-elle sûre ?", "advisory", "fr", "DZ", None, ()),
    ("c'est sur au Niger ?", "advisory", "fr", "NE", None, ()),
    ("ça craint à Gao ?", "advisory", "fr", "ML", "gao", ()),
    ("what's happening in Kidal", "advisory", "en", "ML", "kidal", ()),
    ("que se passe-t-il à Bamako", "advisory", "fr", "ML", "bamako", ()),
    ("heading to Bamako tomorrow", "advisory", "en", "ML", "bamako", ()),
    ("je pars au Mali la semaine prochaine", "advisory", "fr", "ML", None, ()),
    ("I'm a male traveler going to Mali", "advisory", "en", "ML", None, ()),
    ("Nice est-elle sûre ?", "advisory", "fr", "FR", None, ()),
    ("is it sfae in Mali", "advisory", "en", "ML", None, ()),
    ("dangeroux au Niger ?", "advisory", "fr", "NE", None, ()),
    ("is it safe to go to Mali and do I need a visa", "advisory", "en", "ML", None, ()),
    ("what vaccines do I need for Mali", "health", "en", "ML", None, ()),
    ("paludisme au Tchad", "health", "fr", "TD", None, ()),
    ("palu Tombouctou", "health", "fr", "ML", "tombouctou", ()),
    ("médecin à Gao", "health", "fr", "ML", "gao", ()),
    ("yellow fever Senegal", "health", "en", "SN", None, ()),
    ("can I drink tap water in Egypt", "health", "en", "EG", None, ()),
    ("vacine for Ghana", "health", "en", "GH", None, ()),
    ("do I need a visa for Mali", "entry", "en", "ML", None, ()),
    ("faut-il un visa pour le Burkina", "entry", "fr", "BF", None, ()),
    ("conditions d'entrée au Tchad", "entry", "fr", "TD", None, ()),
    ("US citizen, do I need a visa for Chad", "entry", "en", "TD", None, ()),
    ("douane Algérie", "entry", "fr", "DZ", None, ()),
    ("how do I leave Mali", "departure", "en", "ML", None, ()),
    ("how to get out of Sudan", "departure", "en", "SD", None, ()),
    ("comment quitter le Niger", "departure", "fr", "NE", None, ()),
    ("vols depuis Niamey", "departure", "fr", "NE", "niamey", ()),
    ("comment rentrer en France depuis Abidjan", "departure", "fr", "CI", None, ()),
    ("border crossing from Niger to Benin to get out", "departure", "en", "NE", None, ()),
    ("US embassy in Bamako", "contacts", "en", "ML", "bamako", ()),
    ("ambassade de France au Mali", "contacts", "fr", "ML", None, ()),
    ("ambassade de Belgique au Congo", "contacts", "fr", None, None, ("CD", "CG")),
    ("numéro d'urgence au Niger", "contacts", "fr", "NE", None, ()),
    ("who do I call in Nigeria", "contacts", "en", "NG", None, ()),
    # Issue 10: a lost passport is an emergency now, not a contacts question.
    ("I lost my passport in Dakar", "emergency", "en", "SN", None, ()),
    ("subscribe to Mali", "subscribe", "en", "ML", None, ()),
    ("keep me posted on Haiti", "subscribe", "en", "HT", None, ()),
    ("abonne-moi au Mali", "subscribe", "fr", "ML", None, ()),
    ("préviens-moi si ça change à Bamako", "subscribe", "fr", "ML", "bamako", ()),
    ("unsubscribe from Mali", "unsubscribe", "en", "ML", None, ()),
    ("stop alerts", "unsubscribe", "en", None, None, ()),
    ("désabonne-moi du Mali", "unsubscribe", "fr", "ML", None, ()),
    ("arrêter les alertes pour le Niger", "unsubscribe", "fr", "NE", None, ()),
    ("remove Nigeria from my alerts", "unsubscribe", "en", "NG", None, ()),
    ("my subscriptions", "subscriptions", "en", None, None, ()),
    ("what am I subscribed to?", "subscriptions", "en", None, None, ()),
    ("à quoi suis-je abonné ?", "subscriptions", "fr", None, None, ()),
    ("which countries should I avoid", "hotspots", "en", None, None, ()),
    ("pays les plus dangereux", "hotspots", "fr", None, None, ()),
    ("level 4 countries", "hotspots", "en", None, None, ()),
    ("map of Mali", "map", "en", "ML", None, ()),
    ("carte du Mali", "map", "fr", "ML", None, ()),
    ("switch to French", "language", "en", None, None, ()),
    ("parle français", "language", "fr", None, None, ()),
    ("en anglais stp", "language", "fr", None, None, ()),
    ("English please", "language", "en", None, None, ()),
    # Issue 10: greetings and thanks are small talk, answered in one line.
    ("hello", "smalltalk", "en", None, None, ()),
    ("bonjour", "smalltalk", "fr", None, None, ()),
    ("what can you do?", "help", "en", None, None, ()),
    ("que sais-tu faire ?", "help", "fr", None, None, ()),
    ("merci", "smalltalk", "fr", None, None, ()),
    ("/start", "help", "en", None, None, ()),
    ("Hi! Is Niger safe?", "advisory", "en", "NE", None, ()),
    ("weather in Paris", "unknown", "en", "FR", None, ()),
    ("hôtel à Dakar", "unknown", "fr", "SN", None, ()),
    ("Mali vs Senegal score", "unknown", "en", "ML", None, ()),
    ("météo à Nice ce week-end", "unknown", "fr", "FR", None, ()),
    ("population of Chad", "unknown", "en", "TD", None, ()),
    ("Timbuktu manuscripts", "unknown", "en", "ML", "tombouctou", ()),
    ("Mali economy", "unknown", "en", "ML", None, ()),
    ("tell me a joke", "unknown", "en", None, None, ()),
    ("raconte-moi une blague", "unknown", "fr", None, None, ()),
    ("how are you", "unknown", "en", None, None, ()),
    ("j'ai une réunion demain à 9h", "unknown", "fr", None, None, ()),
    ("turkey recipe for christmas", "unknown", "en", None, None, ()),
    ("roast turkey", "unknown", "en", None, None, ()),
    ("recette de la dinde de Noël", "unknown", "fr", None, None, ()),
    ("my friend Chad wants to know the weather", "unknown", "en", None, None, ()),
    ("best chili con carne recipe", "unknown", "en", None, None, ()),
    ("I go to the main market", "unknown", "en", None, None, ()),
    # Emergencies as they happen: a hotel is where the traveller is, not what is asked.
    ("gunshots near my hotel in Niamey what do I do", "advisory", "en", "NE", "niamey", ()),
    ("on entend des tirs à Ouaga", "advisory", "fr", "BF", "ouagadougou", ()),
    ("best hotel in Niamey", "unknown", "en", "NE", "niamey", ()),
    # Reported speech: the embassy is the source, the visa the question.
    ("embasy said i need visa for mali", "entry", "en", "ML", None, ()),
    ("l'ambassade m'a dit qu'il faut un visa pour le Tchad", "entry", "fr", "TD", None, ()),
    # Text-message shorthand.
    ("r u sure its safe in timbuktu", "advisory", "en", "ML", "tombouctou", ()),
    ("c koi la situation au Tchad", "advisory", "fr", "TD", None, ()),
    ("sa craint a Gao ?", "advisory", "fr", "ML", "gao", ()),
    # Going somewhere is a trip, not a departure; an area names where, not what.
    (
        "je compte partir au Cameroun en janvier quels sont les risques",
        "advisory",
        "fr",
        "CM",
        None,
        (),
    ),
    ("is niamey airport area safe to stay tonight", "advisory", "en", "NE", "niamey", ()),
    ("should we cancel our trip to Sri Lanka", "advisory", "en", "LK", None, ()),
    # Negations and worries.
    ("I don't want alerts anymore for Mali", "unsubscribe", "en", "ML", None, ()),
    ("i dont want notifications anymore", "unsubscribe", "en", None, None, ()),
    ("je suis inquiète pour mon frère qui vit à Kinshasa", "advisory", "fr", "CD", None, ()),
    ("mon vol est annulé je suis bloqué à Agadez", "departure", "fr", "NE", "agadez", ()),
    # A lower-case everyday town loses to a real one.
    ("taxi price from airport to downtown Nairobi", "unknown", "en", "KE", None, ()),
    # Issue 10: each row of the issue's table.
    ("aidez moi mon mari a été enlevé au Niger", "emergency", "fr", "NE", None, ()),
    ("on m'a volé mon passeport à Bamako, que faire ?", "emergency", "fr", "ML", "bamako", ()),
    ("my son was kidnapped in Mali", "emergency", "en", "ML", None, ()),
    ("y a-t-il du carburant à Bamako ?", "situation", "fr", "ML", "bamako", ()),
    ("is Bamako airport open?", "situation", "en", "ML", "bamako", ()),
    ("Dakkar", "advisory", "en", None, None, ("SN",)),
    ("c dangereux dakkar ?", "advisory", "fr", None, None, ("SN",)),
    ("Surin", "advisory", "en", "TH", None, ()),
    ("Mail safe?", "advisory", "en", None, None, ("ML",)),
    ("are there travel alerts for the us", "advisory", "en", "US", None, ()),
    ("safe to go to the USA", "advisory", "en", "US", None, ()),
    ("would it be safe to go to columbia", "advisory", "en", None, None, ("CO", "US")),
    ("can I go by road from Bamako to Dakar?", "route", "en", "ML", "bamako", ()),
    ("is the thai cambodian border safe?", "border", "en", "TH", None, ()),
    ("Mali or Senegal, which is safer?", "compare", "en", "ML", None, ()),
    ("Kenya safari c'est risqué ?", "advisory", "fr", "KE", None, ()),
    ("what animals have alpha males", "unknown", "en", None, None, ()),
    ("how can i root an android phone", "unknown", "en", None, None, ()),
    ("thanks!", "smalltalk", "en", None, None, ()),
    ("merci beaucoup", "smalltalk", "fr", None, None, ()),
    # Issue 16: the situation now, and medical emergencies.
    ("pénurie d'essence Bamako", "situation", "fr", "ML", "bamako", ()),
    ("les écoles sont-elles fermées à Bamako ?", "situation", "fr", "ML", "bamako", ()),
    ("is Bamako airport open?", "situation", "en", "ML", "bamako", ()),
    ("flights out of Bamako", "departure", "en", "ML", "bamako", ()),
    ("is mexico city safe for a family with kids", "advisory", "en", "MX", None, ()),
    ("I need a hospital in Marrakech, my son is very sick", "emergency", "en", "MA", None, ()),
    ("hospital in Niamey", "health", "en", "NE", "niamey", ()),
    ("yellow fever Mali", "health", "en", "ML", None, ()),
]


@pytest.mark.parametrize(
    ("text", "intent", "lang", "country", "region", "candidates"),
    CASES,
    ids=[c[0] for c in CASES],
)
def test_understands(
    index: PlaceIndex,
    text: str,
    intent: str,
    lang: str,
    country: str | None,
    region: str | None,
    candidates: tuple[str, ...],
) -> None:
    got = read(text, index)
    assert (got.intent, got.lang, got.country, got.region, got.candidates) == (
        intent,
        lang,
        country,
        region,
        candidates,
    )


def test_hotspots_in_a_continent(index: PlaceIndex) -> None:
    for text, continent in (
        ("most dangerous countries in Africa", "africa"),
        ("pays les plus dangereux en Afrique", "africa"),
        ("which countries to avoid in South America", "americas"),
        ("pays à éviter au Moyen-Orient", "middle_east"),
        ("quels sont les pays les plus dangereux d'Asie", "asia"),
    ):
        got = read(text, index)
        assert (got.intent, got.continent, got.country) == ("hotspots", continent, None), text
    assert read("Is Mali safe?", index).continent is None


def test_as_json(index: PlaceIndex) -> None:
    got = read("aux États-Unis, c'est dangereux ?", index)
    assert got.as_json() == {
        "text": "aux États-Unis, c'est dangereux ?",
        "lang": "fr",
        "intent": "advisory",
        "country": "US",
        "region": None,
        "place": "États-Unis",
        "candidates": [],
        "score": 100.0,
        "continent": None,
        "places": ["US"],
        "uncertain": False,
        "detail": None,
        "unknown_place": None,
    }
    json.dumps(got.as_json())


def test_no_place_scores_zero(index: PlaceIndex) -> None:
    got = read("hello", index)
    assert (got.place, got.score, got.candidates) == (None, 0.0, ())


def test_fuzzy_place_scores_below_100(index: PlaceIndex) -> None:
    got = read("is bamakko safe", index)
    assert got.place == "bamakko"
    assert 50 < got.score < 100


def test_every_intent_is_reachable(index: PlaceIndex) -> None:
    seen = {read(c[0], index).intent for c in CASES}
    assert seen == set(INTENTS)


@pytest.mark.parametrize("text", ["", "   ", "😂😂", "?!", "1234", "a" * 5000])
def test_odd_messages_do_not_break(index: PlaceIndex, text: str) -> None:
    got = read(text, index)
    assert got.intent in INTENTS
    assert got.lang in ("en", "fr")


# ---- issue 10: emergencies, two places, near misses, small talk, out of scope -------------------

ISSUE10 = Path(__file__).resolve().parents[1] / "understand" / "issue10.jsonl"
OUT_OF_SCOPE = Path(__file__).resolve().parents[1] / "understand" / "out_of_scope.txt"
DATA = Path(__file__).resolve().parents[2] / "data"
# Floors per kind of message of the issue-10 set (written before the fixes; 37 % of it was read
# right before them, 100 % after).
ISSUE10_FLOORS = {
    "emergency": 0.95,
    "two_places": 0.9,
    "near_miss": 0.9,
    "everyday_name": 0.95,
    "smalltalk": 0.95,
    "out_of_scope": 0.95,
}


@pytest.fixture(scope="module")
def real_index() -> PlaceIndex:
    """The place index of the real advisory data, with every curated region."""
    advisories = {a.code: a for a in read_all(DATA, None)}
    return build_place_index(region_names(advisories))


def _issue10_ok(row: dict[str, Any], got: Understanding) -> bool:
    return (
        got.intent == row["intent"]
        and got.lang == row["lang"]
        and got.country == row["country"]
        and sorted(got.candidates) == sorted(row["candidates"])
        and got.uncertain == row["uncertain"]
        and ("region" not in row or got.region == row["region"])
        and ("places" not in row or list(got.places) == row["places"])
        and ("detail" not in row or got.detail == row["detail"])
    )


def test_issue10_set_each_kind(real_index: PlaceIndex) -> None:
    rows = [json.loads(line) for line in ISSUE10.read_text(encoding="utf-8").splitlines() if line]
    assert len(rows) >= 150
    failures = []
    for kind, floor in ISSUE10_FLOORS.items():
        items = [(r, understand(r["text"], real_index)) for r in rows if r["kind"] == kind]
        misses = [f"  {r['text']!r} -> {g}" for r, g in items if not _issue10_ok(r, g)]
        if 1 - len(misses) / len(items) < floor:
            failures.append(f"{kind}: {len(misses)} misses of {len(items)}\n" + "\n".join(misses))
    assert not failures, "\n".join(failures)


def test_out_of_scope_sentences_are_not_read_as_travel_topics(index: PlaceIndex) -> None:
    lines = OUT_OF_SCOPE.read_text(encoding="utf-8").splitlines()
    sentences = [line for line in lines if line.strip() and not line.startswith("#")]
    assert len(sentences) >= 100
    topics = {"advisory", "health", "entry", "contacts", "situation"}
    taken = [(s, read(s, index)) for s in sentences]
    wrong = [f"  {s!r} -> {g.intent} {g.country}" for s, g in taken if g.intent in topics]
    assert len(wrong) / len(sentences) <= 0.03, "\n".join(wrong)
    emergencies = [f"  {s!r}" for s, g in taken if g.intent == "emergency"]
    assert len(emergencies) / len(sentences) <= 0.03, "\n".join(emergencies)


def test_travel_alert_finds_the_country_for_every_destination_name(index: PlaceIndex) -> None:
    """Every CLDR name of every destination, in English and French, and "the us"."""
    questions: list[tuple[str, str]] = [("are there travel alerts for the us", "US")]
    for locale, template in (("en", "travel alert for {}"), ("fr", "alerte voyage pour {}")):
        names = Locale.parse(locale).territories
        questions += [(template.format(names[c]), c) for c in iso_codes() if c in names]
    missed = [
        f"  {q!r} -> {read(q, index).country}" for q, c in questions if read(q, index).country != c
    ]
    assert 1 - len(missed) / len(questions) >= 0.98, (
        f"{len(missed)} of {len(questions)}:\n" + "\n".join(missed)
    )


def test_an_event_in_a_condition_is_no_emergency(index: PlaceIndex) -> None:
    assert read("who do I call if I'm robbed in Lagos", index).intent == "contacts"
    assert read("kidnapping risk in Lagos", index).intent == "advisory"
    assert read("my son was kidnapped in Lagos", index).detail == "kidnapping"


def test_enleve_is_kidnapped_not_remove(index: PlaceIndex) -> None:
    got = read("mon mari a été enlevé au Niger", index)
    assert (got.intent, got.detail, got.country) == ("emergency", "kidnapping", "NE")
    assert read("enlève le Niger de mes alertes", index).intent == "unsubscribe"


def test_us_is_a_pronoun_unless_it_follows_the(index: PlaceIndex) -> None:
    assert read("travel alerts for the us", index).country == "US"
    assert read("can you tell us if Mali is safe", index).country == "ML"
    assert read("help us please", index).country is None


def test_two_places_in_message_order(index: PlaceIndex) -> None:
    got = read("peut-on aller de Bamako à Dakar en bus ?", index)
    assert (got.intent, got.places, got.detail) == ("route", ("ML", "SN"), "bus")
    got = read("frontière Mali-Sénégal, c'est sûr ?", index)
    assert (got.intent, got.places) == ("border", ("ML", "SN"))
    got = read("Senegal or Mali?", index)
    assert (got.intent, got.places, got.country) == ("compare", ("SN", "ML"), "SN")


def test_crossing_from_one_country_to_another_without_means_stays_departure(
    index: PlaceIndex,
) -> None:
    assert read("border crossing from Niger to Benin to get out", index).intent == "departure"


def test_small_talk_kinds(index: PlaceIndex) -> None:
    for text, kind in (
        ("thanks!", "thanks"),
        ("bonjour", "greeting"),
        ("ok", "ack"),
        ("bye", "bye"),
    ):
        got = read(text, index)
        assert (got.intent, got.detail) == ("smalltalk", kind), text


def test_a_broken_vocabulary_file_names_its_line(tmp_path: Path) -> None:
    broken = tmp_path / "vocabulary.toml"
    broken.write_text('[intents.advisory]\nen = """\nsafe=4,\ndanger=lots\n"""\n', encoding="utf-8")
    with pytest.raises(VocabularyError, match=r"vocabulary.toml:4: 'danger=lots'"):
        load_vocabulary(broken)
    broken.write_text('[intents.advise]\nen = "safe"\n', encoding="utf-8")
    with pytest.raises(VocabularyError, match=r"vocabulary.toml:1: unknown intent 'advise'"):
        load_vocabulary(broken)


# ---- issue 16: crisis situations, medical emergencies, the right place every time ---------------

ISSUE16 = Path(__file__).resolve().parents[1] / "understand" / "issue16.jsonl"
ISSUE16_KINDS = (
    "situation",
    "medical",
    "unknown_place",
    "region",
    "flag",
    "ambiguous",
    "consulate",
    "persona",
)


def _issue16_rows() -> list[dict[str, Any]]:
    lines = ISSUE16.read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def _country_meant(row: dict[str, Any], got: Understanding) -> str | None:
    """The country a reply is about: the one named, else (`previous`: the country talked about
    before) the previous one when the message may follow up on it."""
    if got.country or got.candidates:
        return got.country
    follows_up = getattr(got, "follows_up", True)
    return row.get("previous") if follows_up else None


def _issue16_ok(row: dict[str, Any], got: Understanding) -> bool:
    return (
        got.intent == row["intent"]
        and got.lang == row["lang"]
        and _country_meant(row, got) == row["country"]
        and sorted(got.candidates) == sorted(row["candidates"])
        and ("region" not in row or got.region == row["region"])
        and ("detail" not in row or got.detail == row["detail"])
    )


def _issue16_scores(index: PlaceIndex) -> dict[str, tuple[int, int, list[str]]]:
    """Per kind: (right, total, the misses as lines)."""
    scores: dict[str, tuple[int, int, list[str]]] = {}
    for kind in ISSUE16_KINDS:
        items = [(r, understand(r["text"], index)) for r in _issue16_rows() if r["kind"] == kind]
        misses = [
            f"  {r['text']!r} (after {r.get('previous')}) -> {g.intent}/{g.detail} {g.lang} "
            f"{_country_meant(r, g)} {g.region} {list(g.candidates)}"
            for r, g in items
            if not _issue16_ok(r, g)
        ]
        scores[kind] = (len(items) - len(misses), len(items), misses)
    return scores


def test_issue16_report(real_index: PlaceIndex, capsys: pytest.CaptureFixture[str]) -> None:
    """Not a check: each kind's figure, shown with `pytest -s -k issue16_report`."""
    scores = _issue16_scores(real_index)
    with capsys.disabled():
        print(f"\nissue16: {sum(t for _, t, _ in scores.values())} messages")
        for kind, (right, total, _) in scores.items():
            print(f"  {kind:<14} {right / total:6.1%} ({right} of {total})")


# Floors per kind of the issue-16 set, a little under the figures reached (before the fixes:
# situation 0 %, medical 6 %, unknown places 23 %, regions 48 %, flags 0 %, names two countries
# share 38 %, consulates 67 %, personas 0 %; after: 100 % each).
ISSUE16_FLOORS = {
    "situation": 0.95,
    "medical": 0.95,
    "unknown_place": 0.95,
    "region": 0.95,
    "flag": 0.9,
    "ambiguous": 0.9,
    "consulate": 0.9,
    "persona": 0.9,
}


def test_issue16_set_each_kind(real_index: PlaceIndex) -> None:
    assert len(_issue16_rows()) >= 150
    failures = []
    for kind, (right, total, misses) in _issue16_scores(real_index).items():
        if right / total < ISSUE16_FLOORS[kind]:
            failures.append(f"{kind}: {len(misses)} misses of {total}\n" + "\n".join(misses))
    assert not failures, "\n".join(failures)


NOW = dt.datetime(2026, 12, 7, 12, 0, tzinfo=dt.UTC)


def _turn(knowledge: Knowledge, text: str, state: UserState) -> Reply:
    return respond_to_text(text, state, knowledge, telegram_lang="en", now=NOW)


def test_after_mali_a_region_elsewhere_is_answered_for_its_own_country(
    knowledge: Knowledge,
) -> None:
    mali = _turn(knowledge, "Is Mali safe?", UserState(lang="en"))
    assert mali.state.last_country == "ML"
    for text, country in (
        ("is Tigray safe?", "ET"),
        ("is Sinaloa safe?", "MX"),
        ("🇹🇭 safe?", "TH"),
        ("is Hat Yai safe?", "TH"),
        ("Bodrum", "TR"),
    ):
        assert _turn(knowledge, text, mali.state).state.last_country == country, text


def test_after_mali_a_place_vigie_does_not_know_is_asked_about(knowledge: Knowledge) -> None:
    mali = _turn(knowledge, "Is Mali safe?", UserState(lang="en"))
    reply = _turn(knowledge, "is Zorgania safe?", mali.state)
    assert reply.unmatched == "place"
    assert "Mali" not in reply.text
    assert _turn(knowledge, "and the embassy?", mali.state).state.last_country == "ML"


def test_a_name_two_countries_share_is_asked_about(knowledge: Knowledge) -> None:
    reply = _turn(knowledge, "is Balochistan safe?", UserState(lang="en"))
    picks = {b.data for row in reply.buttons for b in row}
    assert any(":PK:" in d for d in picks) and any(":IR:" in d for d in picks), picks


def test_a_medical_emergency_is_an_emergency(index: PlaceIndex) -> None:
    for text in (
        "urgence médicale à Bamako, ma fille a beaucoup de fièvre",
        "I need a hospital in Marrakech, my son is very sick",
        "snake bite in Kenya, what do I do",
    ):
        got = read(text, index)
        assert (got.intent, got.detail) == ("emergency", "medical"), text
    assert read("what vaccines do I need for Mali", index).intent == "health"
    assert read("ambulance number in Kenya", index).intent == "contacts"


def test_situation_kinds_go_from_the_thing_named_to_the_family_to_what_to_do(
    index: PlaceIndex,
) -> None:
    for text, kind in (
        ("fuel shortage Bamako", "fuel"),
        ("les écoles sont-elles fermées à Bamako ?", "schools"),
        ("we are a family in Bamako, is the airport open?", "airport"),
        ("Nous sommes une famille française à Bamako, que devons-nous faire ?", "family"),
        ("I'm in Bamako, what now?", "what_to_do"),
    ):
        got = read(text, index)
        assert (got.intent, got.detail, got.country) == ("situation", kind, "ML"), text


def test_areas_named_in_regional_advice_are_places_of_their_country() -> None:
    assert names_in_area(
        "southern Songkhla province: Hat Yai city; east of Highways 408 and 4113, including Sakom"
    ) == ["Songkhla", "Hat Yai", "Sakom"]
    assert names_in_area("Gracias a Dios Department") == ["Gracias a Dios"]
    index = build_place_index(
        [RegionName("HN", AREAS, ("Gracias a Dios Department", "the Honduras border"))]
    )
    got = read("is Gracias a Dios safe?", index)
    assert (got.country, got.region) == ("HN", None)


def test_a_place_vigie_does_not_know_is_reported_and_stops_a_follow_up(index: PlaceIndex) -> None:
    got = read("is Zorgania safe?", index)
    assert (got.country, got.unknown_place, got.follows_up) == (None, "Zorgania", False)
    assert read("c'est sûr à mbolorvo ?", index).unknown_place == "mbolorvo"
    assert read("what about Blorvania?", index).intent == "advisory"
    for follow_up in ("and the embassy?", "is it safe at night?", "et les écoles ?"):
        assert read(follow_up, index).follows_up, follow_up
    # A person named at the start is no place: the follow-up stays possible.
    assert read("Julie est très malade, que faire ?", index).follows_up


def test_a_nationality_alone_names_no_destination(index: PlaceIndex) -> None:
    got = read("numéro de l'ambassade de France", index)
    assert (got.intent, got.country, got.follows_up) == ("contacts", None, True)
    assert read("I'm a US citizen, do I need a visa?", index).country is None
    assert read("Czech Republic passport rules", index).country == "CZ"


def test_issue16_replies_fit_one_message_in_the_readers_language(knowledge: Knowledge) -> None:
    """Each conversation of the set, answered as the bot would (after its previous country)."""
    too_long, wrong_language = [], []
    for row in _issue16_rows():
        state = UserState(last_country=row.get("previous"))
        reply = respond_to_text(row["text"], state, knowledge, telegram_lang=row["lang"], now=NOW)
        # Telegram counts the text once its HTML is read, in UTF-16 code units.
        size = len(strip_tags(reply.text).encode("utf-16-le")) // 2
        if size > MAX_MESSAGE:
            too_long.append(f"  {row['text']!r}: {size} characters")
        if reply.lang != row["lang"]:
            wrong_language.append(f"  {row['text']!r}: {reply.lang}")
    assert not too_long, "\n".join(too_long)
    assert not wrong_language, "\n".join(wrong_language)


def test_a_list_of_places_asks_for_the_safest_or_the_ones_to_avoid(index: PlaceIndex) -> None:
    for text, kind in (
        ("which countries in Africa are safe?", "safest"),
        ("quels sont les pays les plus sûrs d'Afrique ?", "safest"),
        ("most dangerous countries in Africa", "dangerous"),
        ("least safe countries", "dangerous"),
        ("où ne faut-il pas aller ?", "dangerous"),
    ):
        got = read(text, index)
        assert (got.intent, got.detail) == ("hotspots", kind), text
