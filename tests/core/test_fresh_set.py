"""Floors on the fresh labelled set: messages written unlike the development set's phrasings.

tests/understand/fresh.jsonl holds travellers' messages in English and French written in other
styles than the development set (anxious and long, dictated without punctuation, text-message
shorthand, family members abroad, emergencies as they happen, trips with dates, negations,
typos on the request words, places all over the world, small talk). It is labelled with the
same rules as devset.jsonl. The floors sit a little under the figures reached, so that a change
that loses generality shows here.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from bot.core.places import PlaceIndex, build_place_index
from bot.core.understand import INTENTS
from tests.core.test_understand import REGIONS, Scored, _misses, _rate, read

FRESH = Path(__file__).resolve().parents[1] / "understand" / "fresh.jsonl"

INTENT_FLOOR = 0.98
PLACE_FLOOR = 0.99
LANGUAGE_FLOOR = 0.99
OUT_OF_SCOPE_AS_ADVISORY_CEILING = 0.03
EACH_INTENT_FLOOR = 0.95
EACH_LANGUAGE_INTENT_FLOOR = 0.97
EACH_LANGUAGE_PLACE_FLOOR = 0.98


@pytest.fixture(scope="module")
def index() -> PlaceIndex:
    return build_place_index(REGIONS)


@pytest.fixture(scope="module")
def fresh(index: PlaceIndex) -> list[Scored]:
    if not FRESH.exists():
        pytest.skip(f"{FRESH} is absent: the fresh labelled set is written separately")
    with FRESH.open(encoding="utf-8") as handle:
        rows = [json.loads(line) for line in handle if line.strip()]
    if not rows:
        pytest.skip(f"{FRESH} is empty")
    return [Scored(row, read(str(row["text"]), index)) for row in rows]


def test_fresh_intent_accuracy(fresh: list[Scored]) -> None:
    rate = _rate(fresh, "intent_ok")
    assert rate >= INTENT_FLOOR, f"intent {rate:.1%} < {INTENT_FLOOR:.0%}; " + _misses(
        fresh, "intent_ok"
    )


def test_fresh_place_accuracy(fresh: list[Scored]) -> None:
    rate = _rate(fresh, "place_ok")
    assert rate >= PLACE_FLOOR, f"place {rate:.1%} < {PLACE_FLOOR:.0%}; " + _misses(
        fresh, "place_ok"
    )


def test_fresh_language_accuracy(fresh: list[Scored]) -> None:
    rate = _rate(fresh, "lang_ok")
    assert rate >= LANGUAGE_FLOOR, f"language {rate:.1%} < {LANGUAGE_FLOOR:.0%}; " + _misses(
        fresh, "lang_ok"
    )


def test_fresh_out_of_scope_is_rarely_taken_as_advisory(fresh: list[Scored]) -> None:
    outside = [s for s in fresh if s.row["intent"] == "unknown"]
    if not outside:
        pytest.skip("no out-of-scope message in the fresh set")
    taken = [s for s in outside if s.got.intent == "advisory"]
    rate = len(taken) / len(outside)
    assert rate < OUT_OF_SCOPE_AS_ADVISORY_CEILING, (
        f"{rate:.1%} of out-of-scope messages taken as advisory:\n"
        + "\n".join(s.line() for s in taken)
    )


def test_fresh_each_intent(fresh: list[Scored]) -> None:
    failures = []
    for intent in INTENTS:
        items = [s for s in fresh if s.row["intent"] == intent]
        if items and _rate(items, "intent_ok") < EACH_INTENT_FLOOR:
            failures.append(
                f"{intent} {_rate(items, 'intent_ok'):.1%}\n" + _misses(items, "intent_ok")
            )
    assert not failures, "\n".join(failures)


def test_fresh_each_language(fresh: list[Scored]) -> None:
    failures = []
    for lang in ("en", "fr"):
        items = [s for s in fresh if s.row["lang"] == lang]
        if not items:
            continue
        for ok, floor in (
            ("lang_ok", LANGUAGE_FLOOR),
            ("intent_ok", EACH_LANGUAGE_INTENT_FLOOR),
            ("place_ok", EACH_LANGUAGE_PLACE_FLOOR),
        ):
            if _rate(items, ok) < floor:
                failures.append(f"{lang} {ok} {_rate(items, ok):.1%}\n" + _misses(items, ok))
    assert not failures, "\n".join(failures)


def test_fresh_report(fresh: list[Scored], capsys: pytest.CaptureFixture[str]) -> None:
    """Not a check: the per-intent and per-language figures, shown with `pytest -s`."""
    by_intent = Counter(str(s.row["intent"]) for s in fresh)
    with capsys.disabled():
        print(f"\nfresh set: {len(fresh)} messages")
        for name, ok in (("place", "place_ok"), ("intent", "intent_ok"), ("lang", "lang_ok")):
            print(f"  {name:<8} {_rate(fresh, ok):.1%}")
        for intent in INTENTS:
            items = [s for s in fresh if s.row["intent"] == intent]
            if items:
                print(f"  {intent:<14} {_rate(items, 'intent_ok'):.1%} of {by_intent[intent]}")
