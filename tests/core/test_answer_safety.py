"""Answers that keep someone safe: emergencies first, no unsubscribing without a button press,
"did you mean …?" instead of a silent wrong country, and one short line for small talk."""

from __future__ import annotations

import datetime as dt

from bot.core import callbacks as cb
from bot.core.answer import Knowledge, respond_to_button, respond_to_text, respond_to_understood
from bot.core.emergency import EMERGENCY_KINDS, render_emergency
from bot.core.render import MAX_MESSAGE, strip_tags
from bot.core.reply import Reply, Subscription, UserState
from bot.core.understand import Understanding
from bot.i18n import tr
from tests.core.test_answer import assert_french

NOW = dt.datetime(2026, 11, 24, 12, 0, tzinfo=dt.UTC)


def read_as(
    intent: str,
    country: str | None = None,
    *,
    lang: str = "en",
    detail: str | None = None,
    candidates: tuple[str, ...] = (),
    uncertain: bool = False,
    region: str | None = None,
    places: tuple[str, ...] = (),
    text: str = "…",
) -> Understanding:
    """An Understanding as the message reader reports it (issue 10's contract fields)."""
    return Understanding(
        text=text,
        lang=lang,
        intent=intent,
        country=country,
        region=region,
        place=None,
        candidates=candidates,
        score=100.0 if country else 0.0,
        places=places or ((country,) if country else ()),
        uncertain=uncertain,
        detail=detail,
    )


def answer(
    knowledge: Knowledge, understood: Understanding, state: UserState | None = None
) -> Reply:
    state = state or UserState(lang=understood.lang)
    return respond_to_understood(
        understood, state, knowledge, telegram_lang=understood.lang, now=NOW
    )


def datas(reply: Reply) -> list[str]:
    return [b.data for row in reply.buttons for b in row]


# ---- emergencies --------------------------------------------------------------------------------


def test_kidnapping_in_niger_gets_numbers_then_what_to_do_then_embassies_in_french(
    knowledge: Knowledge, english_fragments: list[str]
) -> None:
    reply = answer(knowledge, read_as("emergency", "NE", lang="fr", detail="kidnapping"))
    text = reply.text
    assert text.startswith("🚨 <b>Urgence au Niger</b>")
    assert text.index("Police\u00a0: <b>17</b>") < text.index("Que faire")
    assert text.index("Que faire") < text.index("Ambassades et consulats")
    assert "Ne négociez pas et ne payez pas seul" in text
    assert reply.actions == ()
    assert datas(reply) == ["s:NE:contacts", "a:NE"]
    assert_french(reply, english_fragments)


def test_kidnapping_read_as_unsubscribe_unsubscribes_nobody(knowledge: Knowledge) -> None:
    """The reported bug: "enlevé" (kidnapped) read as "remove" unsubscribed the user."""
    following = UserState(lang="fr", subscriptions=(Subscription("NE"),))
    misread = answer(
        knowledge, read_as("unsubscribe", "NE", lang="fr", detail="kidnapping"), following
    )
    assert misread.actions == () and misread.text.startswith("🚨")
    typed = respond_to_text(
        "aidez moi mon mari a été enlevé au Niger",
        following,
        knowledge,
        telegram_lang="fr",
        now=NOW,
    )
    assert typed.actions == () and "Niger" in typed.text


def test_stolen_passport_read_as_contacts_leads_with_numbers(knowledge: Knowledge) -> None:
    reply = answer(knowledge, read_as("contacts", "ML", detail="passport"))
    text = reply.text
    assert text.startswith("🚨 <b>Emergency in Mali</b>")
    assert text.index("Police: <b>17</b>") < text.index("Embassy of the United States in Bamako")
    assert "emergency travel document" in text and "+223 20 70 23 00" in text


def test_each_kind_gets_its_own_advice(knowledge: Knowledge) -> None:
    expected = {
        "kidnapping": "Do not negotiate or pay alone",
        "robbery": "Block your bank cards",
        "assault": "Get to a safe place first, then call the police",
        "arrest": "Ask the police to tell your embassy or consulate",
        "passport": "emergency travel document",
        "injury": "Call an ambulance",
        "medical": "Where to find care",
        "help": "If you are in danger now, call the police",
    }
    assert set(expected) == set(EMERGENCY_KINDS)
    for kind, advice in expected.items():
        text = strip_tags(answer(knowledge, read_as("emergency", "TH", detail=kind)).text)
        assert advice in text, kind
        assert "Contact your country's embassy or consulate" in text


def test_emergency_where_we_hold_no_numbers_says_so_and_still_advises(
    knowledge: Knowledge,
) -> None:
    text = answer(knowledge, read_as("emergency", "SN", detail="robbery")).text
    assert "We hold no checked emergency number in Senegal" in text
    assert "Report it to the police" in text


def test_emergency_without_a_place_advises_asks_and_remembers(knowledge: Knowledge) -> None:
    state = UserState(lang="en", last_country="ML")
    asked = answer(knowledge, read_as("emergency", detail="help"), state)
    assert "Call the local emergency services" in asked.text
    assert "Which country are you in?" in asked.text
    assert asked.state.pending_intent == "emergency"
    assert datas(asked) == ["p:ML:emergency"]  # offered, never assumed
    then = respond_to_text("Niger", asked.state, knowledge, telegram_lang="en", now=NOW)
    assert then.text.startswith("🚨 <b>Emergency in Niger</b>")
    pressed = respond_to_button(
        "p:ML:emergency", asked.state, knowledge, telegram_lang="en", now=NOW
    )
    assert pressed.text.startswith("🚨 <b>Emergency in Mali</b>")


def test_emergency_in_a_doubtful_place_asks_with_emergency_buttons(knowledge: Knowledge) -> None:
    reply = answer(
        knowledge,
        read_as("emergency", detail="kidnapping", candidates=("SN",), uncertain=True),
    )
    assert "Do not negotiate" in reply.text and datas(reply) == ["p:SN:emergency"]


def test_every_emergency_reply_fits_telegram_and_is_well_formed(knowledge: Knowledge) -> None:
    from tests.e2e.botapi_spec import parse_html

    for lang in ("en", "fr"):
        t = tr(lang)
        for code, advisory in knowledge.advisories.items():
            text = render_emergency(advisory, code, "kidnapping", t)
            parsed = parse_html(text)
            assert parsed.errors == [], (code, lang, parsed.errors)
            assert len(parsed.text) <= MAX_MESSAGE and len(strip_tags(text)) <= MAX_MESSAGE


# ---- nothing changes a subscription from text alone ---------------------------------------------


def test_stop_mali_alerts_shows_what_stops_and_waits_for_the_button(knowledge: Knowledge) -> None:
    state = UserState(lang="en", subscriptions=(Subscription("ML", mode="digest"),))
    question = respond_to_text("stop Mali alerts", state, knowledge, telegram_lang="en", now=NOW)
    assert question.actions == ()
    assert "This will stop the alerts for Mali:" in question.text
    assert "daily digest" in question.text  # what exactly would stop
    assert datas(question) == ["uns:ML", "k"]
    done = respond_to_button("uns:ML", state, knowledge, telegram_lang="en", now=NOW)
    assert [(a.kind, a.code) for a in done.actions] == [("unsubscribe", "ML")]
    kept = respond_to_button("k", state, knowledge, telegram_lang="en", now=NOW)
    assert kept.actions == () and "Nothing was changed" in kept.text


def test_desabonne_moi_lists_every_subscription_with_a_button_each(
    knowledge: Knowledge, english_fragments: list[str]
) -> None:
    state = UserState(lang="fr", subscriptions=(Subscription("ML"), Subscription("US")))
    question = respond_to_text("désabonne-moi", state, knowledge, telegram_lang="fr", now=NOW)
    assert question.actions == ()
    assert "Vous suivez 2 destinations. Quelles alertes dois-je arrêter\u00a0?" in question.text
    assert datas(question) == ["uns:ML", "uns:US", "ua", "k"]
    assert_french(question, english_fragments)
    everything = respond_to_button("ua", state, knowledge, telegram_lang="fr", now=NOW)
    assert sorted(a.code for a in everything.actions if a.kind == "unsubscribe") == ["ML", "US"]
    assert "États-Unis, Mali" in everything.text  # sorted the French way


def test_a_pending_unsubscribe_answered_by_a_place_still_asks(knowledge: Knowledge) -> None:
    state = UserState(
        lang="en",
        pending_intent="unsubscribe",
        pending_at=NOW,
        subscriptions=(Subscription("ML"),),
    )
    reply = respond_to_text("Mali", state, knowledge, telegram_lang="en", now=NOW)
    assert reply.actions == () and datas(reply) == ["uns:ML", "k"]


def test_unsubscribing_from_a_country_not_followed_says_so(knowledge: Knowledge) -> None:
    reply = answer(knowledge, read_as("unsubscribe", "US"))
    assert reply.actions == () and "You do not follow the United States." in reply.text


# ---- never a silent wrong country ---------------------------------------------------------------


def test_uncertain_place_asks_did_you_mean_with_a_way_out(
    knowledge: Knowledge, english_fragments: list[str]
) -> None:
    reply = answer(knowledge, read_as("contacts", candidates=("SN",), uncertain=True, lang="fr"))
    assert reply.text == "Vouliez-vous dire le Sénégal\u00a0?"
    assert datas(reply) == ["p:SN:contacts", "n:contacts"]
    assert_french(reply, english_fragments)
    way_out = respond_to_button("n:contacts", reply.state, knowledge, telegram_lang="fr", now=NOW)
    assert way_out.state.pending_intent == "contacts" and "nom du pays" in way_out.text
    then = respond_to_text("Dakar", way_out.state, knowledge, telegram_lang="fr", now=NOW)
    assert "Contacts — Sénégal" in then.text


def test_did_you_mean_shows_the_place_matched_in_each_country(knowledge: Knowledge) -> None:
    reply = answer(
        knowledge, read_as("advisory", candidates=("ML", "NE"), uncertain=True, region="bamako")
    )
    assert reply.text == "Did you mean one of these: Mali (Bamako) / Niger?"
    assert datas(reply) == ["p:ML:advisory", "p:NE:advisory", "n:advisory"]


def test_two_readings_without_doubt_keep_the_plain_question(knowledge: Knowledge) -> None:
    reply = respond_to_text(
        "is Congo safe?", UserState(lang="en"), knowledge, telegram_lang="en", now=NOW
    )
    assert "Which one do you mean" in reply.text and "n:advisory" not in datas(reply)


def test_forged_none_of_these_is_refused(knowledge: Knowledge) -> None:
    assert cb.decode("n:dance") is None
    reply = respond_to_button("n:dance", UserState(), knowledge, telegram_lang="en", now=NOW)
    assert reply.text == "" and "no longer valid" in reply.notice


# ---- small talk ---------------------------------------------------------------------------------


def test_thanks_gets_one_short_line_not_the_help(knowledge: Knowledge) -> None:
    thanks = answer(knowledge, read_as("smalltalk", detail="thanks"))
    assert strip_tags(thanks.text) == "You're welcome — stay safe." and thanks.buttons == ()
    merci = answer(knowledge, read_as("smalltalk", detail="thanks", lang="fr"))
    assert merci.text == "Je vous en prie — soyez prudent."
    for kind in ("greeting", "ack", "bye", None):
        line = answer(knowledge, read_as("smalltalk", detail=kind)).text
        assert "\n" not in line and "/subscribe" not in line


def test_french_hotspots_sort_accented_names_among_their_letter(knowledge: Knowledge) -> None:
    text = strip_tags(
        respond_to_button("h", UserState(lang="fr"), knowledge, telegram_lang="fr", now=NOW).text
    )
    lines = [line for line in text.split("\n") if "Éthiopie" in line]
    assert lines, "Éthiopie is among the destinations to avoid in our data"
    names = lines[0].split(", ")
    assert names == sorted(names, key=tr("fr").sort_key)
    assert names.index("Éthiopie") < names.index("Guatemala")
