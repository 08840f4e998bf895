"""Each intent's answer is registered in one place (bot/core/answer.py): a new intent is one
registration, and every intent the reader reports reaches an answer of its own kind."""

from __future__ import annotations

import datetime as dt

from bot.core import callbacks as cb
from bot.core.answer import (
    _MESSAGE_ANSWERS,
    _PLACE_ANSWERS,
    Knowledge,
    Question,
    answer_place,
    answers_place,
    respond_to_understood,
)
from bot.core.reply import Reply, UserState
from bot.core.understand import INTENTS, Understanding
from bot.i18n import tr

NOW = dt.datetime(2026, 11, 24, 12, 0, tzinfo=dt.UTC)


def test_every_intent_the_reader_reports_has_a_registered_answer_or_is_about_a_place() -> None:
    about_a_place = set(cb.PLACE_INTENTS) | {"advisory"}
    unanswered = [i for i in INTENTS if i not in _MESSAGE_ANSWERS and i not in about_a_place]
    assert unanswered == []


def test_a_new_intent_is_answered_once_registered(knowledge: Knowledge) -> None:
    @answers_place("test-only")
    def _echo(question: Question) -> Reply:
        return Reply(f"about {question.code}", question.t.lang, state=question.state)

    try:
        understood = Understanding(
            "x", "en", "test-only", "ML", None, "Mali", (), 100.0, places=("ML",)
        )
        reply = respond_to_understood(
            understood, UserState(lang="en"), knowledge, telegram_lang="en", now=NOW
        )
        assert reply.text == "about ML"
    finally:
        del _PLACE_ANSWERS["test-only"]


def test_an_unregistered_place_intent_gets_the_advisory_card(knowledge: Knowledge) -> None:
    question = Question("advisory", knowledge, tr("en"), UserState(lang="en"), code="ML")
    reply = answer_place(question)
    assert reply.text.startswith("🇲🇱 <b>Mali</b>")
    assert reply.state.last_country == "ML"


def test_an_ambiguous_place_in_a_situation_question_is_asked_then_answered(
    knowledge: Knowledge,
) -> None:
    from bot.core.answer import respond_to_button

    understood = Understanding(
        "fuel in Congo",
        "en",
        "situation",
        None,
        None,
        "Congo",
        ("CD", "CG"),
        90.0,
        detail="fuel",
    )
    asked = respond_to_understood(
        understood, UserState(lang="en"), knowledge, telegram_lang="en", now=NOW
    )
    data = [b.data for row in asked.buttons for b in row]
    assert data == ["p:CD:situation", "p:CG:situation"]
    assert asked.state.pending_intent == "situation:fuel"
    picked = respond_to_button(data[0], asked.state, knowledge, telegram_lang="en", now=NOW)
    assert picked.text.startswith("🇨🇩 <b>Fuel in DR Congo</b>")
    assert picked.state.pending_intent is None
    typed = respond_to_understood(
        Understanding("Brazzaville", "en", "advisory", "CG", None, "Brazzaville", (), 100.0),
        asked.state,
        knowledge,
        telegram_lang="en",
        now=NOW,
    )
    assert typed.text.startswith("🇨🇬 <b>Fuel in Congo-Brazzaville</b>")
