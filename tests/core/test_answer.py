"""The conversation core: every reply type, in both languages, from the real advisory data."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from bot.core import callbacks as cb
from bot.core.answer import (
    Knowledge,
    forget_question,
    respond_to_button,
    respond_to_text,
    welcome,
)
from bot.core.excerpt import why_sentence
from bot.core.model import STALE_AFTER, Advisory
from bot.core.render import MAX_MESSAGE, render_card, render_section, strip_tags
from bot.core.reply import Reply, Subscription, UserState
from bot.i18n import Tr, tr
from tests.conftest import TODAY

NOW = dt.datetime(2026, 11, 24, 12, 0, tzinfo=dt.UTC)


def ask(knowledge: Knowledge, text: str, state: UserState | None = None, lang: str = "en") -> Reply:
    return respond_to_text(
        text, state or UserState(lang=lang), knowledge, telegram_lang=lang, now=NOW
    )


def press(
    knowledge: Knowledge, data: str, state: UserState | None = None, lang: str = "en"
) -> Reply:
    return respond_to_button(
        data, state or UserState(lang=lang), knowledge, telegram_lang=lang, now=NOW
    )


def assert_french(reply: Reply, fragments: list[str]) -> None:
    # Official English text, shown under its French note, is not template text.
    ours = reply.text.split("Texte officiel, en anglais\u00a0:")[0]
    shown = ours + " ".join(b.label for row in reply.buttons for b in row)
    leaked = [f for f in fragments if f in shown]
    assert leaked == [], leaked
    assert reply.lang == "fr"


def test_card_in_english(knowledge: Knowledge) -> None:
    reply = ask(knowledge, "is it safe to go to Mali?")
    text = reply.text
    assert text.startswith("🇲🇱 <b>Mali</b>")
    assert "🔴 Level 4 – Do not travel" in text
    assert "October 30, 2025" in text  # the date of the advice, by Babel
    assert "Risks: crime, terrorism, kidnapping, civil unrest, health" in text
    assert "Earlier alerts (more than 90 days old)" in text  # the alerts of October 2025
    assert "What each government says" in text
    assert "U.S. Department of State" in text and "Smartraveller" in text
    assert 'href="https://travel.state.gov/' in text
    assert [(b.data, b.link) for b in reply.buttons[0]] == [("sub:ML", ""), ("", "ML")]  # share
    assert reply.buttons[-1][-1].data == "mp:ML"  # the map, after the sections
    assert {b.data for row in reply.buttons[1:] for b in row} - {"mp:ML"} == {
        f"s:ML:{s}" for s in ("security", "health", "entry", "leaving", "contacts")
    }


def test_card_in_french(knowledge: Knowledge, english_fragments: list[str]) -> None:
    reply = ask(knowledge, "c'est dangereux d'aller au Mali ?", lang="fr")
    text = reply.text
    assert "🔴 Niveau 4 – Ne pas voyager" in text
    assert "30 octobre 2025" in text
    assert "Risques\u00a0: criminalité, terrorisme, enlèvements, troubles civils, santé" in text
    assert "Ne pas voyager (traduction Vigie)" in text  # the US wording, our translation
    assert_french(reply, english_fragments)


def test_alerts_are_newest_first(knowledge: Knowledge) -> None:
    text = ask(knowledge, "Mali").text
    assert text.index("October 30, 2025") < text.index("October 28, 2025")


def test_city_asked_comes_first_with_its_own_level(knowledge: Knowledge) -> None:
    text = ask(knowledge, "is Bamako safe").text
    assert text.startswith("🇲🇱 <b>Mali</b>")  # level 4, as the country's headline says
    first_region = text.split("\n\n")[1].split("\n")[0]
    assert first_region.startswith("📍") and "Bamako" in first_region
    tombouctou = ask(knowledge, "Tombouctou", lang="fr").text
    assert tombouctou.split("\n\n")[1].startswith("📍") and "Tombouctou" in tombouctou


def test_sections_in_both_languages(knowledge: Knowledge, english_fragments: list[str]) -> None:
    for section in ("security", "health", "entry", "leaving", "contacts"):
        english = press(knowledge, f"s:NE:{section}")
        french = press(knowledge, f"s:NE:{section}", lang="fr")
        assert english.edit and "Niger" in english.text
        assert_french(french, english_fragments)
        assert english.text != french.text


def test_section_without_any_text_says_so_and_links(knowledge: Knowledge) -> None:
    reply = press(knowledge, "s:NO:health")
    assert "We hold no checked information" in reply.text
    assert 'href="https://travel.state.gov/' in reply.text


def test_section_without_curated_text_quotes_the_governments_own(knowledge: Knowledge) -> None:
    reply = press(knowledge, "s:FR:health")
    assert "We hold no checked information" not in reply.text
    assert "UK Foreign, Commonwealth &amp; Development Office</b> — Health, updated" in reply.text
    assert 'href="https://www.gov.uk/foreign-travel-advice/france/health"' in reply.text


def test_contacts_show_emergency_numbers_and_embassies(knowledge: Knowledge) -> None:
    reply = ask(knowledge, "Bamakko embassy")
    assert "Contacts — Mali" in reply.text
    assert "Police: <b>17</b>" in reply.text
    assert "Embassy of the United States in Bamako" in reply.text
    assert "+223 20 70 23 00" in reply.text


def test_departure_question_answers_with_leaving_the_country(knowledge: Knowledge) -> None:
    reply = ask(knowledge, "comment quitter le Mali ?", lang="fr")
    assert "Quitter le pays — Mali" in reply.text


def test_official_english_text_is_marked_for_french_readers(knowledge: Knowledge) -> None:
    reply = press(knowledge, "s:NE:security", lang="fr")
    assert "Texte officiel, en anglais\u00a0:" in reply.text


def test_hotspots_level_4_then_3_and_by_continent(knowledge: Knowledge) -> None:
    everywhere = ask(knowledge, "which countries should I avoid?").text
    assert everywhere.index("Level 4") < everywhere.index("Level 3")
    assert "Mali" in everywhere and "Ukraine" in everywhere
    africa = ask(knowledge, "pays à éviter en Afrique", lang="fr").text
    assert "Mali" in africa and "Ukraine" not in africa and "Afrique" in africa


def test_ambiguous_congo_asks_with_buttons(knowledge: Knowledge) -> None:
    reply = ask(knowledge, "is Congo safe?")
    assert {b.data for row in reply.buttons for b in row} == {"p:CD:advisory", "p:CG:advisory"}
    assert "DR Congo" in reply.text and "Congo - Kinshasa" not in reply.text
    chosen = press(knowledge, "p:CD:advisory")
    assert "DR Congo" in chosen.text and "Level" in chosen.text


def test_missing_place_asks_and_remembers_the_question(knowledge: Knowledge) -> None:
    question = ask(knowledge, "c'est dangereux ?", lang="fr")
    assert "Quel pays" in question.text and question.unmatched == "place"
    answer = respond_to_text("Mali", question.state, knowledge, telegram_lang="fr", now=NOW)
    assert "Niveau 4" in answer.text
    stale = replace(question.state, pending_at=NOW - dt.timedelta(hours=2))
    later = respond_to_text("embassy Niger", stale, knowledge, telegram_lang="fr", now=NOW)
    assert "Contacts" in later.text


def test_follow_up_uses_the_last_country(knowledge: Knowledge) -> None:
    first = ask(knowledge, "Niger")
    follow = respond_to_text(
        "and the embassy?", first.state, knowledge, telegram_lang="en", now=NOW
    )
    assert "Contacts — Niger" in follow.text


def test_welcome_and_help_teach_by_example(
    knowledge: Knowledge, english_fragments: list[str]
) -> None:
    hello = welcome(UserState(), "en")
    assert "Welcome" in hello.text and "Is it safe to go to Mali?" in hello.text
    assert {b.data for row in hello.buttons for b in row} >= {"l:fr", "l:en"}
    bonjour = welcome(UserState(), "fr-CA")
    assert "Bienvenue" in bonjour.text
    assert_french(bonjour, english_fragments)
    assert "Vigie" in ask(knowledge, "what can you do?").text


def test_unknown_gets_a_kind_answer_with_examples(knowledge: Knowledge) -> None:
    reply = ask(knowledge, "tell me a joke")
    assert "did not understand" in reply.text and reply.unmatched == "intent"
    weather = ask(knowledge, "weather in Bamako tomorrow")
    assert "only help with travel safety" in weather.text
    assert weather.buttons[0][0].data == "a:ML"


def test_subscribe_unsubscribe_and_list(knowledge: Knowledge, english_fragments: list[str]) -> None:
    done = ask(knowledge, "abonne-moi au Mali", lang="fr")
    assert [a.kind for a in done.actions] == ["subscribe"] and done.actions[0].code == "ML"
    assert_french(done, english_fragments)
    state = replace(done.state, subscriptions=(Subscription("ML"),))
    listing = respond_to_text("mes abonnements", state, knowledge, telegram_lang="fr", now=NOW)
    assert "Vous suivez 1 destination" in listing.text
    assert_french(listing, english_fragments)
    stop = press(knowledge, "uns:ML", state)
    assert [a.kind for a in stop.actions] == ["unsubscribe"]


def test_subscribe_until_a_date_sets_the_end(knowledge: Knowledge) -> None:
    reply = ask(knowledge, "subscribe to Niger until 20 December")
    assert [(a.kind, a.value) for a in reply.actions] == [
        ("subscribe", ""),
        ("set_until", "2026-12-20"),
    ]
    assert "December 20, 2026" in reply.text


def test_subscriptions_are_capped(knowledge: Knowledge) -> None:
    many = tuple(Subscription(code) for code in list(knowledge.advisories)[:20] if code != "ML")
    reply = ask(knowledge, "subscribe Mali", UserState(lang="en", subscriptions=many[:20]))
    assert reply.actions == () and "the most we allow" in reply.text


def test_language_switch_by_text_and_button(knowledge: Knowledge) -> None:
    switch = ask(knowledge, "parle français")
    assert switch.lang == "fr" and switch.state.lang == "fr"
    assert switch.actions[0].kind == "set_language"
    back = press(knowledge, "l:en", switch.state)
    assert back.lang == "en" and "English" in back.text


def test_reply_language_choice_then_message_then_telegram(knowledge: Knowledge) -> None:
    chosen = respond_to_text(
        "est-ce que le Mali est dangereux",
        UserState(lang="en"),
        knowledge,
        telegram_lang="fr",
        now=NOW,
    )
    assert chosen.lang == "en"  # the user's explicit choice wins
    message = respond_to_text(
        "est-ce que le Mali est dangereux", UserState(), knowledge, telegram_lang="en", now=NOW
    )
    assert message.lang == "fr"  # the message is clearly French
    unclear = respond_to_text("Mali", UserState(), knowledge, telegram_lang="fr-BE", now=NOW)
    assert unclear.lang == "fr"  # a bare place name: Telegram's language_code decides
    nothing = respond_to_text("Mali", UserState(), knowledge, telegram_lang=None, now=NOW)
    assert nothing.lang == "en"


def test_forged_or_stale_buttons_get_a_notice_only(knowledge: Knowledge) -> None:
    for data in ["", "a:ZZ", "a:ml", "s:ML:weather", "sub:ML:" + "x" * 70, "p:CD:dance", "zz"]:
        reply = press(knowledge, data)
        assert reply.text == "" and "no longer valid" in reply.notice and reply.actions == ()


def test_forget_asks_then_deletes(knowledge: Knowledge) -> None:
    question = forget_question(tr("en"), UserState())
    assert {b.data for row in question.buttons for b in row} == {"fg:yes", "fg:no"}
    assert press(knowledge, "fg:no").actions == ()
    assert [a.kind for a in press(knowledge, "fg:yes").actions] == ["forget"]


def test_every_card_and_section_fits_telegram_and_is_well_formed_html(knowledge: Knowledge) -> None:
    from tests.e2e.botapi_spec import parse_html

    checked = {s: dt.datetime(2026, 11, 24, 6, 0, tzinfo=dt.UTC) for s in knowledge.sources}
    for lang in ("en", "fr"):
        t = tr(lang)
        for advisory in knowledge.advisories.values():
            card = render_card(advisory, knowledge.sources, t, today=TODAY, checked=checked)
            texts = [card, render_card(advisory, knowledge.sources, t)]
            texts += [
                render_section(advisory, s, knowledge.sources, t, today=TODAY)
                for s in ("security", "contacts")
            ]
            for text in texts:
                assert len(strip_tags(text)) <= MAX_MESSAGE
                parsed = parse_html(text)
                assert parsed.errors == [], (advisory.code, lang, parsed.errors)
                assert len(parsed.text) <= MAX_MESSAGE
            assert_freshness_and_regions_shown(advisory, card, t, knowledge)


def assert_freshness_and_regions_shown(
    advisory: Advisory, card: str, t: Tr, knowledge: Knowledge
) -> None:
    """The card says how current it is, the officials' regional levels and a why, where we hold
    the data for them."""
    where = (advisory.code, t.lang)
    if advisory.sources:
        assert "🔄" in card, where  # when Vigie last checked the governments
        for source in advisory.sources:
            assert t.date(source.date) in card, where
    if advisory.reviewed is not None and advisory.has_curated_content:
        assert ("⏳" in card) == (TODAY - advisory.reviewed > STALE_AFTER), where
        assert t.date(advisory.reviewed) in card, where
    high = {a for s in advisory.sources for r in s.regions if r.level >= 3 for a in r.areas}
    if high:
        title = "Avis officiels par région" if t.lang == "fr" else "Official regional advice"
        assert title in card, where
        assert any(area[1:] in strip_tags(card) for area in high), where
    origin = advisory.source(advisory.level_origin or "")
    if advisory.curated_level is None and origin is not None:
        why = card.split("\n")[2]  # under the headline level: from the government that sets it
        info = knowledge.sources[origin.source]
        assert info.name.get(t.lang) in why, where
        if why_sentence(origin.summary):
            assert why.endswith("”</i>") or why.endswith("\u00a0»</i>"), where


def test_data_is_escaped_in_html(knowledge: Knowledge) -> None:
    mali = knowledge.advisories["ML"]
    alert = replace(mali.alerts[0], text=replace(mali.alerts[0].text, en='<script> & "x"'))
    text = render_card(replace(mali, alerts=(alert,)), knowledge.sources, tr("en"))
    assert "&lt;script&gt; &amp; &quot;x&quot;" in text and "<script>" not in text


def test_button_data_fits_64_bytes_and_decodes(knowledge: Knowledge) -> None:
    replies = [ask(knowledge, "Mali"), ask(knowledge, "is Congo safe?"), press(knowledge, "h")]
    for reply in replies:
        for row in reply.buttons:
            for button in row:
                if button.link:
                    continue  # a link to the bot (share), no callback data
                assert len(button.data.encode()) <= 64 and cb.decode(button.data) is not None
