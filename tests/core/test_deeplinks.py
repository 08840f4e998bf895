"""The core's side of Telegram's features: deep-link payloads, share buttons, the question that
offers to share a location, and what Vigie says when its membership of a chat changes."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.core.answer import Knowledge, respond_to_command, respond_to_text
from bot.core.membership import group_greeting, welcome_back_reply
from bot.core.reply import Reply, Subscription, UserState
from bot.i18n import tr

NOW = dt.datetime(2026, 11, 24, 10, 0, tzinfo=dt.UTC)


def start(knowledge: Knowledge, payload: str, state: UserState | None = None) -> Reply:
    return respond_to_command(
        "start", payload, state or UserState(), knowledge, telegram_lang="en", now=NOW
    )


@pytest.mark.parametrize("payload", ["ML", "ml", " ML "])
def test_a_country_code_opens_its_card(knowledge: Knowledge, payload: str) -> None:
    reply = start(knowledge, payload)
    assert reply.text.startswith("🇲🇱 <b>Mali</b>")
    assert reply.state.last_country == "ML"  # "and the embassy?" follows on from it
    assert reply.location_request is None and not reply.actions


@pytest.mark.parametrize("payload", ["sub-ML", "sub_ML", "SUB-ml"])
def test_sub_payload_offers_a_button_and_subscribes_nobody(
    knowledge: Knowledge, payload: str
) -> None:
    reply = start(knowledge, payload)
    assert "Alerts for Mali" in reply.text
    assert reply.actions == ()
    assert reply.buttons[0][0].data == "sub:ML"


def test_sub_payload_for_a_followed_country_says_so(knowledge: Knowledge) -> None:
    reply = start(knowledge, "sub-ML", UserState(subscriptions=(Subscription("ML"),)))
    assert "You already follow Mali" in reply.text and reply.actions == ()


@pytest.mark.parametrize("payload", ["ZZ", "sub-ZZ", "sub-", "MLI", "a:ML", "../../etc", "x" * 64])
def test_an_unknown_payload_gets_the_welcome_and_one_line(
    knowledge: Knowledge, payload: str
) -> None:
    reply = start(knowledge, payload)
    first, rest = reply.text.split("\n\n", 1)
    assert first == "⚠️ This link does not lead to a destination I know."
    assert rest == start(knowledge, "").text
    assert reply.actions == ()


def test_the_share_button_carries_the_card_and_a_line_in_the_reader_language(
    knowledge: Knowledge,
) -> None:
    reply = respond_to_text("Mali", UserState(lang="fr"), knowledge, telegram_lang="fr", now=NOW)
    [share] = [b for row in reply.buttons for b in row if b.link]
    assert share.link == "ML" and share.label == "📤 Partager"
    assert share.share == "Mali\u00a0: les derniers conseils aux voyageurs, par Vigie"


@pytest.mark.parametrize(
    "text",
    [
        "is it safe here?",
        "where am I safe?",
        "is it dangerous where I am?",
        "is it safe around here",
        "est-ce sûr ici ?",
        "c'est dangereux ici ?",
        "où suis-je en sécurité ?",
    ],
)
def test_asking_about_here_offers_to_share_the_location(knowledge: Knowledge, text: str) -> None:
    reply = respond_to_text(text, UserState(), knowledge, telegram_lang="en", now=NOW)
    assert reply.location_request is not None
    assert reply.buttons == ()  # the keyboard rides on this message
    assert reply.state.pending_intent == "advisory"  # or the traveller writes the place


@pytest.mark.parametrize(
    "text", ["is it safe to go to Mali?", "Mali or Niger?", "is it safe?", "hello"]
)
def test_other_questions_get_no_location_button(knowledge: Knowledge, text: str) -> None:
    reply = respond_to_text(text, UserState(), knowledge, telegram_lang="en", now=NOW)
    assert reply.location_request is None


def test_where_am_i_safe_after_a_country_is_about_that_country(knowledge: Knowledge) -> None:
    reply = respond_to_text(
        "where am I safe?", UserState(last_country="ML"), knowledge, telegram_lang="en", now=NOW
    )
    assert reply.location_request is None and "Mali" in reply.text


def test_welcome_back_lists_each_destination_and_its_level_now(knowledge: Knowledge) -> None:
    reply = welcome_back_reply(["ML", "FR"], knowledge.advisories, tr("fr"), UserState())
    lines = reply.text.split("\n")
    assert lines[0] == "🔔 <b>Bon retour\u00a0! Vos alertes sont de nouveau actives\u00a0:</b>"
    assert lines[1].startswith("🇲🇱 Mali — 🔴 Niveau 4") and lines[2].startswith("🇫🇷 France")


def test_group_greeting_names_the_bot_and_the_admins() -> None:
    text = group_greeting("vigie_bot", tr("en"), UserState()).text
    assert "/advisory Mali" in text and "admins" in text and "@vigie_bot" in text
