"""The conversation core: an understood message (or a button press) and the user's state in, the
reply out. Pure: no Telegram, no database, no clock (the time is passed in)."""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import ParamSpec

from bot.core import callbacks as cb
from bot.core.dates import parse_until
from bot.core.emergency import (
    EMERGENCY_KINDS,
    emergency_button_label,
    render_emergency,
    render_emergency_without_place,
)
from bot.core.intents import Intent
from bot.core.maps import area_map, country_map
from bot.core.model import SECTIONS, Advisory, SourceInfo
from bot.core.places import PlaceIndex
from bot.core.render import (
    SECTION_EMOJI,
    SECTION_TITLES,
    esc,
    fit,
    flag,
    level_badge,
    render_card,
    render_hotspots,
    render_safest,
    render_section,
    strip_tags,
)
from bot.core.reply import (
    Action,
    Button,
    LocationRequest,
    Mode,
    Reply,
    Scope,
    Subscription,
    UserState,
)
from bot.core.situation import SITUATION_KINDS, render_situation, situation_buttons
from bot.core.textnorm import fold, split_words, strip_accents
from bot.core.two_places import render_border, render_compare, render_route
from bot.core.typography import typeset
from bot.core.understand import Understanding, load_vocabulary, understand
from bot.core.where import where_first_lines
from bot.i18n import N_, Lang, Tr, normalise_lang, tr

P = ParamSpec("P")
PENDING_FOR = dt.timedelta(minutes=15)
MAX_SUBSCRIPTIONS = 20
INTENT_SECTION = {
    "health": "health",
    "entry": "entry",
    "departure": "leaving",
    "contacts": "contacts",
}
CONTINENT_TITLES = {
    "africa": N_("Africa"),
    "europe": N_("Europe"),
    "asia": N_("Asia"),
    "americas": N_("the Americas"),
    "oceania": N_("Oceania"),
    "middle_east": N_("the Middle East"),
}
# One short line for small talk, by Understanding.detail.
SMALLTALK = {
    "thanks": N_("You're welcome — stay safe."),
    "greeting": N_("Hello! Ask me about any destination, for example: is it safe to go to Mali?"),
    "ack": N_("Good. Write to me whenever you need."),
    "bye": N_("Goodbye, and safe travels!"),
}
_WANTS_FRENCH = re.compile(r"\b(fran[cç]ais|french|francais)\b", re.IGNORECASE)
_WANTS_ENGLISH = re.compile(r"\b(anglais|english|inglés|ingles)\b", re.IGNORECASE)
# "Is it safe here?", "where am I safe?": data/vocabulary.toml [cues] here, where, me.
_CUES = load_vocabulary().cues
_HERE, _WHERE, _ME = (_CUES.get(k, frozenset()) for k in ("here", "where", "me"))
# A deep link's payload (t.me/<bot>?start=ML, or /start ML): a card, or "sub-ML" to follow it.
_DEEP_LINK = re.compile(r"^(?:(?P<sub>sub)[-_])?(?P<code>[A-Za-z]{2})$", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Knowledge:
    """What the core answers from: the published advisories and the place index, and how
    current they are (`checked`: source id → last successful check, UTC; `today`: the date the
    adapter read its clock, for replies given without one)."""

    advisories: Mapping[str, Advisory]
    sources: Mapping[str, SourceInfo]
    index: PlaceIndex
    continents: Mapping[str, frozenset[str]]  # africa | europe | … | middle_east → ISO codes
    checked: Mapping[str, dt.datetime] = field(default_factory=dict)
    today: dt.date | None = None


def typeset_reply(respond: Callable[P, Reply]) -> Callable[P, Reply]:
    """Every reply leaves the core through here: French typography applied once to its text,
    buttons and notice (bot/core/typography.py), whoever wrote them."""

    @functools.wraps(respond)
    def typeset_it(*args: P.args, **kwargs: P.kwargs) -> Reply:
        return typeset_whole(respond(*args, **kwargs))

    return typeset_it


def typeset_whole(reply: Reply) -> Reply:
    """`reply` with French typography in its text, button labels and notice."""
    lang = reply.lang
    buttons = tuple(
        tuple(replace(b, label=typeset(b.label, lang)) for b in row) for row in reply.buttons
    )
    return replace(
        reply,
        text=typeset(reply.text, lang),
        buttons=buttons,
        notice=typeset(reply.notice, lang),
    )


def reply_language(
    state: UserState, understood: Understanding | None, telegram_lang: str | None
) -> str:
    """The user's explicit choice, else the message's language when it is clear, else Telegram's
    language_code (fr* → French), else English."""
    if state.lang in (Lang.EN, Lang.FR):
        return state.lang
    if understood is not None and language_is_clear(understood):
        return understood.lang
    return normalise_lang(telegram_lang)


def language_is_clear(understood: Understanding) -> bool:
    """A message says its language when it has words beyond a place name."""
    words = [w for w in split_words(understood.text) if not w.isdigit()]
    place_words = sum(1 for w in split_words(understood.place or "") if not w.isdigit())
    return len(words) - place_words >= 2 or (understood.lang == "fr" and len(words) > place_words)


def respond_to_text(
    text: str,
    state: UserState,
    knowledge: Knowledge,
    *,
    telegram_lang: str | None,
    now: dt.datetime,
) -> Reply:
    """Answer a free-text message."""
    understood = understand(text[:1000], knowledge.index)
    return respond_to_understood(understood, state, knowledge, telegram_lang=telegram_lang, now=now)


@typeset_reply
def respond_to_understood(
    understood: Understanding,
    state: UserState,
    knowledge: Knowledge,
    *,
    telegram_lang: str | None,
    now: dt.datetime,
) -> Reply:
    """Answer a message once read: what it asks, about which places, in which language. Each
    intent's answer is registered below (`answers_message`, `answers_place`)."""
    lang = reply_language(state, understood, telegram_lang)
    t = tr(lang)
    intent: str = understood.intent
    if intent == "emergency" or (
        understood.detail in EMERGENCY_KINDS and understood.detail != "help"
    ):
        intent = "emergency"  # emergencies first, whatever else the message seems to ask
    pending = state.pending_intent
    if pending and state.pending_at and now - state.pending_at > PENDING_FOR:
        pending = None
    has_place = bool(understood.country or understood.candidates)
    if pending and has_place and intent in ("advisory", "unknown"):
        # "c'est dangereux ?" → "Quel pays ?" → "Mali"; the question's detail kept with it
        intent, _, detail = pending.partition(":")
        understood = replace(understood, intent=Intent(intent), detail=detail or understood.detail)
    state = replace(state, pending_intent=None, pending_at=None)
    question = Question(
        intent,
        knowledge,
        t,
        state,
        understood=understood,
        code=understood.country,
        region=understood.region,
        now=now,
        today=now.date(),
        detail=understood.detail,
    )

    registered = _MESSAGE_ANSWERS.get(intent)
    if registered is not None and not registered.after_ambiguity:
        return registered.answer(question)
    if intent == "map" and not has_place:
        return _map_without_place(understood, knowledge, t, state)
    if understood.candidates:
        # The question waits for the place, with its detail: a button or the name answers it
        # (not a subscription: a name typed later must not subscribe by itself).
        waiting = state
        if intent not in ("subscribe", "unsubscribe"):
            pending = _pending(intent, understood.detail)
            waiting = replace(state, pending_intent=pending, pending_at=now)
        return ambiguous_reply(
            understood.candidates,
            intent,
            t,
            waiting,
            uncertain=understood.uncertain,
            places=_candidate_places(understood, knowledge, t),
        )
    if registered is not None:
        return registered.answer(question)
    if (
        intent == "advisory"
        and understood.country is None
        and asks_about_here(understood.text, state)
    ):
        return where_are_you_reply(t, state, now)
    code, region = understood.country, understood.region
    if code is None and state.last_country and understood.follows_up:
        code, region = state.last_country, None  # a follow-up: "and the embassy?"
    if code is None:
        text = t._("Which country do you mean? Write its name, or a city.")
        state = replace(state, pending_intent=_pending(intent, understood.detail), pending_at=now)
        return Reply(esc(text), lang, state=state, unmatched="place")
    until = parse_until(understood.text, now.date()) if intent == "subscribe" else None
    return answer_place(replace(question, code=code, region=region, until=until))


def _pending(intent: str, detail: str | None) -> str:
    """The question kept while asking "which country?": the intent, and its detail ("fuel")."""
    return f"{intent}:{detail}" if detail else intent


def answer_for(
    intent: str,
    code: str,
    region: str | None,
    knowledge: Knowledge,
    t: Tr,
    state: UserState,
    *,
    until: dt.date | None = None,
    today: dt.date | None = None,
) -> Reply:
    """Answer `intent` about destination `code` (and region); `until` ends a subscription;
    `today` dates the card's freshness (else `knowledge.today`)."""
    question = Question(
        intent, knowledge, t, state, code=code, region=region, until=until, today=today
    )
    return answer_place(question)


# ---- the registry: each intent's answer, registered where it is written -----------------------


@dataclass(frozen=True, slots=True)
class Question:
    """One question to answer: the intent, what the message said (None for a button or a
    command), the destination once settled (`code`, `region`), the reader's language (`t`) and
    state, and when (`now` for messages; `today` dates freshness, else `knowledge.today`)."""

    intent: str
    knowledge: Knowledge
    t: Tr
    state: UserState
    understood: Understanding | None = None
    code: str | None = None
    region: str | None = None
    until: dt.date | None = None
    now: dt.datetime | None = None
    today: dt.date | None = None
    detail: str | None = None  # what exactly is asked ("fuel", "medical"), kept across turns

    @property
    def advisory(self) -> Advisory | None:
        """The published advisory of `code`, if any."""
        return self.knowledge.advisories.get(self.code or "")

    @property
    def day(self) -> dt.date | None:
        """The date freshness is measured against."""
        return self.today or self.knowledge.today


Answer = Callable[[Question], Reply]


@dataclass(frozen=True, slots=True)
class _Registered:
    answer: Answer
    after_ambiguity: bool  # an ambiguous place is settled first ("which one do you mean?")


# Intents answered from the message itself (they read its places, if any, themselves).
_MESSAGE_ANSWERS: dict[str, _Registered] = {}
# Intents about one destination: `Question.code` is set (the place named, the last one talked
# about, or a button's); an intent not registered here gets the advisory card.
_PLACE_ANSWERS: dict[str, Answer] = {}


def answers_message(*intents: str, after_ambiguity: bool = False) -> Callable[[Answer], Answer]:
    """Register the answer to a message of `intents`, read before any place is settled (or,
    `after_ambiguity`, once an ambiguous place has been asked about)."""

    def register(answer: Answer) -> Answer:
        for intent in intents:
            _MESSAGE_ANSWERS[intent] = _Registered(answer, after_ambiguity)
        return answer

    return register


def answers_place(*intents: str) -> Callable[[Answer], Answer]:
    """Register the answer to `intents` about one destination (`Question.code`)."""

    def register(answer: Answer) -> Answer:
        for intent in intents:
            _PLACE_ANSWERS[intent] = answer
        return answer

    return register


def answer_place(question: Question) -> Reply:
    """The registered answer to `question.intent` about `question.code` (the card by default)."""
    return _PLACE_ANSWERS.get(question.intent, _card_answer)(question)


def _about_destination(answer: Callable[[Question, Advisory], Reply]) -> Answer:
    """An answer that needs the destination's advisory: remembers the destination as the one
    talked about, and says so when we hold no advisory for it."""

    def answer_with_advisory(question: Question) -> Reply:
        code = question.code
        assert code is not None
        t = question.t
        state = replace(question.state, last_country=code, last_region=question.region)
        question = replace(question, state=state)
        advisory = question.advisory
        if advisory is None:
            text = t._(
                "We have no advisory for {country_the} yet. Check your government's travel advice."
            )
            return Reply(esc(text.format(**t.country_args(code))), t.lang, state=state)
        return answer(question, advisory)

    return answer_with_advisory


@_about_destination
def _card_answer(question: Question, advisory: Advisory) -> Reply:
    understood = question.understood
    place = understood.place if understood and understood.country == advisory.code else None
    return card_reply(
        advisory,
        question.region,
        question.knowledge,
        question.t,
        question.state,
        today=question.today,
        place=place,
    )


@answers_place(*INTENT_SECTION)
@_about_destination
def _section_answer(question: Question, advisory: Advisory) -> Reply:
    return section_reply(
        advisory,
        INTENT_SECTION[question.intent],
        question.knowledge,
        question.t,
        question.state,
        today=question.today,
        question=question.understood.text if question.understood else "",
    )


@answers_place("subscribe")
def _subscribe_answer(question: Question) -> Reply:
    assert question.code is not None
    return _subscribe(
        question.code,
        question.region,
        question.knowledge,
        question.t,
        question.state,
        until=question.until,
    )


@answers_place("map")
def _map_answer(question: Question) -> Reply:
    assert question.code is not None
    return map_reply(question.code, question.knowledge, question.t, question.state)


@answers_message("unsubscribe", after_ambiguity=True)
@answers_place("unsubscribe")
def _unsubscribe_answer(question: Question) -> Reply:
    return unsubscribe_question(question.code, question.knowledge, question.t, question.state)


@answers_message("emergency")
def _emergency_message(question: Question) -> Reply:
    assert question.understood is not None and question.now is not None
    return emergency_reply(
        question.understood, question.knowledge, question.t, question.state, now=question.now
    )


@answers_place("emergency")
def _emergency_answer(question: Question) -> Reply:
    assert question.code is not None
    return emergency_for(
        question.code,
        question.region,
        question.detail if question.detail in EMERGENCY_KINDS else None,
        question.knowledge,
        question.t,
        question.state,
        today=question.day,
    )


@answers_place("situation")
@_about_destination
def _situation_answer(question: Question, advisory: Advisory) -> Reply:
    kind = question.detail if question.detail in SITUATION_KINDS else None
    text = render_situation(
        advisory, kind, question.t, today=question.day, sources=question.knowledge.sources
    )
    understood = question.understood
    place = understood.place if understood and understood.country == advisory.code else None
    first = where_first_lines(
        advisory, question.knowledge.sources, question.t, place=place, region_id=question.region
    )
    if first:
        text = fit("\n".join([*first, "", text]))
    buttons = situation_buttons(advisory.code, question.t)
    return Reply(text, question.t.lang, buttons=buttons, state=question.state)


@answers_message("smalltalk")
def _smalltalk_answer(question: Question) -> Reply:
    detail = question.understood.detail if question.understood else None
    return smalltalk_reply(detail, question.t, question.state)


@answers_message("help")
def _help_answer(question: Question) -> Reply:
    return help_reply(question.t, question.state)


@answers_message("language")
def _language_answer(question: Question) -> Reply:
    text = question.understood.text if question.understood else ""
    return _language_switch(text, question.t, question.state)


@answers_message("hotspots")
def _hotspots_answer(question: Question) -> Reply:
    understood = question.understood
    continent = understood.continent if understood else None
    if understood is not None and understood.detail == "safest":
        return safest_reply(question.knowledge, question.t, question.state, continent)
    return hotspots_reply(question.knowledge, question.t, question.state, continent)


@answers_message("subscriptions")
def _subscriptions_answer(question: Question) -> Reply:
    return subscriptions_reply(question.knowledge, question.t, question.state)


@answers_message("unknown")
def _unknown_answer(question: Question) -> Reply:
    assert question.understood is not None
    return _unknown(question.understood, question.knowledge, question.t, question.state)


@answers_message("compare", "route", "border", after_ambiguity=True)
def _two_places_answer(question: Question) -> Reply:
    assert question.understood is not None and question.now is not None
    return two_places_reply(
        question.intent,
        question.understood,
        question.knowledge,
        question.t,
        question.state,
        now=question.now,
    )


def card_text(
    advisory: Advisory,
    region: str | None,
    knowledge: Knowledge,
    t: Tr,
    *,
    today: dt.date | None = None,
    place: str | None = None,
    nearby: Mapping[str, float] | None = None,
) -> str:
    """The advisory card's HTML, with how current it is (`today`, else `knowledge.today`); when
    the place asked about (`place`, `region`) or a shared location (`nearby`: country → km to
    its nearest town) lies in an area advised against, that comes first."""
    card = render_card(
        advisory,
        knowledge.sources,
        t,
        region_id=region,
        today=today or knowledge.today,
        checked=knowledge.checked,
    )
    first = where_first_lines(
        advisory,
        knowledge.sources,
        t,
        place=place,
        region_id=region,
        nearby=nearby,
        located=nearby is not None,
    )
    return fit("\n".join([*first, "", card])) if first else card


def card_reply(
    advisory: Advisory,
    region: str | None,
    knowledge: Knowledge,
    t: Tr,
    state: UserState,
    *,
    today: dt.date | None = None,
    place: str | None = None,
) -> Reply:
    """The advisory card with its subscribe and section buttons."""
    text = card_text(advisory, region, knowledge, t, today=today, place=place)
    return Reply(text, t.lang, buttons=card_buttons(advisory, region, t, state), state=state)


def card_buttons(
    advisory: Advisory, region: str | None, t: Tr, state: UserState
) -> tuple[tuple[Button, ...], ...]:
    """Subscribe or unsubscribe and share, then one button per section."""
    code = advisory.code
    if state.subscribed_to(code):
        follow = Button("🔕 " + t._("Unsubscribe"), cb.encode(cb.UNSUBSCRIBE, code))
    else:
        region_id = region if region and advisory.region(region) else ""
        follow = Button(
            "🔔 " + t._("Subscribe to alerts"), cb.encode(cb.SUBSCRIBE, code, region=region_id)
        )
    sections = [
        Button(f"{SECTION_EMOJI[s]} {t._(SECTION_TITLES[s])}", cb.encode(cb.SECTION, code, s))
        for s in SECTIONS
    ]
    map_button = Button("🗺 " + t._("Map"), cb.encode(cb.MAP, code))
    return (
        (follow, share_button(code, t)),
        tuple(sections[:3]),
        (*sections[3:], map_button),
    )


def share_button(code: str, t: Tr) -> Button:
    """Share the card: Telegram's share dialog sends the link that opens it (t.me/<bot>?start=ML)
    with a line naming the destination."""
    text = t._("{country}: the latest travel advice, from Vigie").format(country=t.country(code))
    return Button("📤 " + t._("Share"), link=code, share=text)


def section_reply(
    advisory: Advisory,
    section: str,
    knowledge: Knowledge,
    t: Tr,
    state: UserState,
    *,
    today: dt.date | None = None,
    question: str = "",
) -> Reply:
    """One section (the officials' paragraphs chosen for `question`), with a way back to the
    card and to the other sections."""
    today = today or knowledge.today
    text = render_section(advisory, section, knowledge.sources, t, today=today, question=question)
    code = advisory.code
    others = [
        Button(f"{SECTION_EMOJI[s]} {t._(SECTION_TITLES[s])}", cb.encode(cb.SECTION, code, s))
        for s in SECTIONS
        if s != section
    ]
    back = Button(
        f"{flag(code)} " + t._("Advisory for {country_the}").format(**t.country_args(code)),
        cb.encode(cb.CARD, code),
    )
    return Reply(text, t.lang, buttons=((back,), tuple(others[:2]), tuple(others[2:])), state=state)


def hotspots_reply(knowledge: Knowledge, t: Tr, state: UserState, continent: str | None) -> Reply:
    """The destinations to avoid: level 4 then 3, for a continent when one was named."""
    if continent in CONTINENT_TITLES:
        codes: set[str] | None = set(knowledge.continents.get(continent, ()))
        title = t._("Destinations to avoid in {area}").format(area=t._(CONTINENT_TITLES[continent]))
    else:
        codes = None
        title = t._("Destinations to avoid")
    text = render_hotspots(knowledge.advisories.values(), t, codes=codes, title=title)
    others = tuple(
        Button(t._(CONTINENT_TITLES[k]), cb.encode(cb.HOTSPOTS, value=k))
        for k in ("africa", "middle_east", "asia", "americas", "europe")
        if k != continent
    )
    photo = area_map(knowledge.advisories, t, title, codes)
    return Reply(text, t.lang, buttons=(others,), state=state, photo=photo)


def map_reply(code: str, knowledge: Knowledge, t: Tr, state: UserState) -> Reply:
    """A country's map: it and its neighbours by level, the towns its regional advice names."""
    advisory = knowledge.advisories.get(code)
    state = replace(state, last_country=code, last_region=None)
    if advisory is None:
        text = t._(
            "We have no advisory for {country_the} yet. Check your government's travel advice."
        )
        return Reply(esc(text.format(**t.country_args(code))), t.lang, state=state)
    text = t._(
        "Map {country_of}: the colours are the levels of advice; the dots mark the towns"
        " that regional advice names, at their region's level."
    ).format(**t.country_args(code))
    back = Button(
        f"{flag(code)} " + t._("Advisory for {country_the}").format(**t.country_args(code)),
        cb.encode(cb.CARD, code),
    )
    photo = country_map(advisory, knowledge.advisories, t)
    return Reply(f"🗺 {esc(text)}", t.lang, buttons=((back,),), state=state, photo=photo)


def _map_without_place(
    understood: Understanding, knowledge: Knowledge, t: Tr, state: UserState
) -> Reply:
    """ "A map of Africa", "show me a map": the continent's or the world's levels; after a
    card, "and a map?" is that country's."""
    if understood.continent is None and state.last_country:
        return map_reply(state.last_country, knowledge, t, state)
    return hotspots_reply(knowledge, t, state, understood.continent)


def safest_reply(knowledge: Knowledge, t: Tr, state: UserState, continent: str | None) -> Reply:
    """The safest destinations (level 1) by region, for a continent when one was named."""
    if continent in CONTINENT_TITLES:
        title = t._("The safest destinations in {area}").format(
            area=t._(CONTINENT_TITLES[continent])
        )
        groups = [(t._(CONTINENT_TITLES[continent]), knowledge.continents.get(continent))]
    else:
        title = t._("The safest destinations")
        groups = [
            (t._(CONTINENT_TITLES[k]), knowledge.continents.get(k))
            for k in CONTINENT_TITLES
            if k in knowledge.continents
        ]
        placed = frozenset().union(*(codes for _, codes in groups if codes))
        groups.append((t._("Elsewhere"), frozenset(knowledge.advisories) - placed))
    text = render_safest(knowledge.advisories.values(), t, groups=groups, title=title)
    others = tuple(
        Button(_capitalised(t._(CONTINENT_TITLES[k])), cb.encode(cb.SAFEST, value=k))
        for k in ("africa", "middle_east", "asia", "americas", "europe")
        if k != continent
    )
    avoid = Button(
        "🌍 " + t._("Destinations to avoid"), cb.encode(cb.HOTSPOTS, value=continent or "")
    )
    return Reply(text, t.lang, buttons=(others, (avoid,)), state=state)


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


def subscriptions_reply(knowledge: Knowledge, t: Tr, state: UserState) -> Reply:
    """What the user follows, each with buttons to change or end it."""
    if not state.subscriptions:
        text = t._(
            "You follow no destination yet. Ask about a country and press “Subscribe”,"
            " or write for example “subscribe Mali”."
        )
        return Reply(esc(text), t.lang, state=state)
    count = len(state.subscriptions)
    heading = t.ngettext("You follow %(n)d destination:", "You follow %(n)d destinations:", count)
    lines = [f"<b>{esc(heading % {'n': count})}</b>"]
    rows: list[tuple[Button, ...]] = []
    for sub in state.subscriptions:
        lines += _subscription_lines(sub, knowledge, t)
        other_mode = Mode.IMMEDIATE if sub.mode == Mode.DIGEST else Mode.DIGEST
        mode_label = t._("Immediate") if other_mode == Mode.IMMEDIATE else t._("Daily digest")
        rows.append(
            (
                Button(f"{flag(sub.code)} {mode_label}", cb.encode(cb.MODE, sub.code, other_mode)),
                Button("🔕 " + t._("Unsubscribe"), cb.encode(cb.UNSUBSCRIBE, sub.code)),
            )
        )
    return Reply("\n".join(lines), t.lang, buttons=tuple(rows), state=state)


def _subscription_lines(sub: Subscription, knowledge: Knowledge, t: Tr) -> list[str]:
    advisory = knowledge.advisories.get(sub.code)
    level = level_badge(advisory.level if advisory else None, t)
    mode = t._("daily digest") if sub.mode == Mode.DIGEST else t._("immediate")
    scope = t._("level changes only") if sub.scope == Scope.LEVEL else t._("every major update")
    until = " · " + t._("until {date}").format(date=t.date(sub.until)) if sub.until else ""
    return [
        f"{flag(sub.code)} <b>{esc(t.country(sub.code))}</b> — {level}",
        f"    {esc(mode)} · {esc(scope)}{esc(until)}",
    ]


def _subscribe(
    code: str,
    region: str | None,
    knowledge: Knowledge,
    t: Tr,
    state: UserState,
    *,
    until: dt.date | None = None,
) -> Reply:
    names = t.country_args(code)
    state = replace(state, last_country=code, last_region=region)
    ending = (Action("set_until", code, value=until.isoformat()),) if until else ()
    trip = " " + t._("Alerts stop after {date}.").format(date=t.date(until)) if until else ""
    if code not in knowledge.advisories:
        text = t._("We have no advisory for {country_the} yet, so there is nothing to follow.")
        return Reply(esc(text.format(**names)), t.lang, state=state)
    if state.subscribed_to(code):
        text = t._("You already follow {country_the}.").format(**names) + trip
        return Reply(
            esc(text), t.lang, buttons=_manage_buttons(code, t), actions=ending, state=state
        )
    if len(state.subscriptions) >= MAX_SUBSCRIPTIONS:
        text = t._("You follow {n} destinations, the most we allow. Unsubscribe from one first.")
        return Reply(esc(text.format(n=MAX_SUBSCRIPTIONS)), t.lang, state=state)
    text = t._(
        "Done: you will get a message here, in your language, whenever the advice for"
        " {country_the} changes."
    ).format(**names)
    return Reply(
        "🔔 " + esc(text + trip),
        t.lang,
        buttons=_manage_buttons(code, t),
        actions=(Action("subscribe", code, region or ""), *ending),
        state=state,
    )


def _manage_buttons(code: str, t: Tr) -> tuple[tuple[Button, ...], ...]:
    return (
        (
            Button(t._("Daily digest"), cb.encode(cb.MODE, code, Mode.DIGEST)),
            Button(t._("Level changes only"), cb.encode(cb.SCOPE, code, Scope.LEVEL)),
        ),
        (Button("🔕 " + t._("Unsubscribe"), cb.encode(cb.UNSUBSCRIBE, code)),),
    )


def _unsubscribe(code: str, t: Tr, state: UserState) -> Reply:
    names = t.country_args(code)
    if not state.subscribed_to(code):
        text = t._("You do not follow {country_the}.").format(**names)
        return Reply(esc(text), t.lang, state=state)
    text = t._("You will no longer get alerts for {country_the}.").format(**names)
    return Reply(
        "🔕 " + esc(text),
        t.lang,
        buttons=((Button(t._("Subscribe again"), cb.encode(cb.SUBSCRIBE, code)),),),
        actions=(Action("unsubscribe", code),),
        state=state,
    )


def ambiguous_reply(
    candidates: tuple[str, ...],
    intent: str,
    t: Tr,
    state: UserState,
    *,
    uncertain: bool = False,
    places: Mapping[str, str] | None = None,
) -> Reply:
    """Ask which of several countries the user means, one button each (answering the original
    question for it); when the match is `uncertain`, "Did you mean …?" with a way out.
    `places` adds the place matched in a country: "Senegal (Dakar)"."""
    places = places or {}

    def name(code: str, country: str) -> str:
        where = places.get(code)
        return f"{country} ({where})" if where else country

    names = [name(c, t.country(c)) for c in candidates]
    if uncertain and len(names) == 1:
        choice = name(candidates[0], t.country_the(candidates[0]))
        question = t._("Did you mean {choice}?").format(choice=choice)
    elif uncertain:
        question = t._("Did you mean one of these: {choices}?").format(choices=" / ".join(names))
    else:
        question = t._("Which one do you mean: {choices}?").format(choices=" / ".join(names))
    intent = intent if intent in cb.PLACE_INTENTS else "advisory"
    rows = [
        (Button(f"{flag(c)} {label}", cb.encode(cb.PICK, c, intent)),)
        for c, label in zip(candidates, names, strict=True)
    ]
    if uncertain:
        rows.append((Button(t._("None of these"), cb.encode(cb.NONE_OF_THESE, value=intent)),))
    return Reply(esc(question), t.lang, buttons=tuple(rows), state=state)


def _candidate_places(understood: Understanding, knowledge: Knowledge, t: Tr) -> dict[str, str]:
    """The region the message matched, shown beside the candidate country that has it."""
    if not understood.region:
        return {}
    shown = {}
    for code in understood.candidates:
        advisory = knowledge.advisories.get(code)
        region = advisory.region(understood.region) if advisory else None
        if region is not None:
            shown[code] = region.name.get(t.lang).split(" (")[0]  # "Bamako (capital)" → "Bamako"
    return shown


def none_of_these_reply(intent: str, t: Tr, state: UserState, now: dt.datetime) -> Reply:
    """None of the suggested countries: ask for the name, and keep the question for it."""
    text = t._("Then please write the country's name, or a city.")
    state = replace(state, pending_intent=intent, pending_at=now)
    return Reply(esc(text), t.lang, state=state, edit=True)


def emergency_reply(
    understood: Understanding,
    knowledge: Knowledge,
    t: Tr,
    state: UserState,
    *,
    now: dt.datetime,
) -> Reply:
    """Someone in danger: the place's emergency numbers and embassies, first. Without a sure
    place, the advice that holds anywhere, a question, and buttons for the likely places."""
    kind = understood.detail if understood.detail in EMERGENCY_KINDS else None
    code = None if understood.uncertain else understood.country
    if code is not None:
        return emergency_for(code, understood.region, kind, knowledge, t, state, today=now.date())
    likely = understood.candidates or ((state.last_country,) if state.last_country else ())
    buttons = tuple(
        (Button(emergency_button_label(c, t), cb.encode(cb.PICK, c, "emergency")),)
        for c in likely
        if c in knowledge.advisories
    )
    kept = kind if kind != "help" else None
    state = replace(state, pending_intent=_pending("emergency", kept), pending_at=now)
    text = render_emergency_without_place(kind, t)
    return Reply(text, t.lang, buttons=buttons, state=state, unmatched="place")


def emergency_for(
    code: str,
    region: str | None,
    kind: str | None,
    knowledge: Knowledge,
    t: Tr,
    state: UserState,
    *,
    today: dt.date | None = None,
) -> Reply:
    """The emergency numbers, what to do and the embassies for destination `code`."""
    advisory = knowledge.advisories.get(code)
    text = render_emergency(
        advisory, code, kind, t, knowledge.sources, today=today or knowledge.today
    )
    state = replace(state, last_country=code, last_region=region)
    if advisory is None:
        return Reply(text, t.lang, state=state)
    buttons = (
        (
            Button(
                f"{SECTION_EMOJI['contacts']} {t._(SECTION_TITLES['contacts'])}",
                cb.encode(cb.SECTION, code, "contacts"),
            ),
            Button(
                f"{flag(code)} " + t._("Advisory for {country_the}").format(**t.country_args(code)),
                cb.encode(cb.CARD, code),
            ),
        ),
    )
    return Reply(text, t.lang, buttons=buttons, state=state)


def smalltalk_reply(kind: str | None, t: Tr, state: UserState) -> Reply:
    """Thanks, hello, ok, bye: one short line, not the help text."""
    line = SMALLTALK.get(kind or "", SMALLTALK["ack"])
    return Reply(esc(t._(line)), t.lang, state=state)


def two_places_reply(
    intent: str,
    understood: Understanding,
    knowledge: Knowledge,
    t: Tr,
    state: UserState,
    *,
    now: dt.datetime,
) -> Reply:
    """Compare two places, go from one to the other, or cross their border. With fewer than two
    places known, the one-place answer (the card, or how to leave)."""
    places = [c for c in dict.fromkeys(understood.places) if c]
    if len(places) < 2:
        single = "departure" if intent == "route" else "advisory"
        code = places[0] if places else understood.country
        if code is None:
            question = t._("Which country do you mean? Write its name, or a city.")
            state = replace(state, pending_intent=single, pending_at=now)
            return Reply(esc(question), t.lang, state=state, unmatched="place")
        return answer_for(single, code, understood.region, knowledge, t, state)
    advisories, sources = knowledge.advisories, knowledge.sources
    if intent == "compare":
        places = places[:4]
        text = render_compare(places, advisories, t)
    elif intent == "route":
        places = places[:2]
        text = render_route(places[0], places[1], advisories, sources, t, today=now.date())
    else:
        places = places[:2]
        text = render_border(places[0], places[1], advisories, sources, t)
    cards = tuple(
        Button(
            f"{flag(c)} " + t._("Advisory for {country_the}").format(**t.country_args(c)),
            cb.encode(cb.CARD, c),
        )
        for c in places
        if c in advisories
    )
    rows: list[tuple[Button, ...]] = [(card,) for card in cards]
    if intent == "route" and places[0] in advisories:
        leaving = Button(
            f"{SECTION_EMOJI['leaving']} {t._(SECTION_TITLES['leaving'])}",
            cb.encode(cb.SECTION, places[0], "leaving"),
        )
        rows.insert(0, (leaving,))
    state = replace(state, last_country=places[-1], last_region=None)
    return Reply(text, t.lang, buttons=tuple(rows), state=state)


def unsubscribe_question(code: str | None, knowledge: Knowledge, t: Tr, state: UserState) -> Reply:
    """Show what would stop, with a confirm button: no message unsubscribes by itself."""
    if code is not None:
        if not state.subscribed_to(code):
            text = t._("You do not follow {country_the}.").format(**t.country_args(code))
            return Reply(esc(text), t.lang, state=state)
        chosen = tuple(s for s in state.subscriptions if s.code == code)
        heading = t._("This will stop the alerts for {country_the}:").format(**t.country_args(code))
        stop = t._("Stop the alerts for {country_the}").format(**t.country_args(code))
        rows: list[tuple[Button, ...]] = [(Button(f"🔕 {stop}", cb.encode(cb.UNSUBSCRIBE, code)),)]
    else:
        if not state.subscriptions:
            return subscriptions_reply(knowledge, t, state)
        chosen = state.subscriptions
        count = len(chosen)
        heading = t.ngettext(
            "You follow %(n)d destination. Press to stop its alerts:",
            "You follow %(n)d destinations. Which alerts should I stop?",
            count,
        ) % {"n": count}
        rows = [
            (Button(f"🔕 {flag(s.code)} {t.country(s.code)}", cb.encode(cb.UNSUBSCRIBE, s.code)),)
            for s in chosen
        ]
        if count > 1:
            rows.append((Button("🔕 " + t._("Stop them all"), cb.encode(cb.UNSUBSCRIBE_ALL)),))
    rows.append((Button(t._("Keep my alerts"), cb.encode(cb.KEEP)),))
    lines = [f"<b>{esc(heading)}</b>"]
    for sub in chosen:
        lines += _subscription_lines(sub, knowledge, t)
    return Reply("\n".join(lines), t.lang, buttons=tuple(rows), state=state)


def unsubscribe_all_reply(t: Tr, state: UserState) -> Reply:
    """Carry out "stop them all", pressed on the confirmation."""
    if not state.subscriptions:
        text = t._("You follow no destination.")
        return Reply(esc(text), t.lang, state=state, edit=True)
    actions = tuple(Action("unsubscribe", s.code) for s in state.subscriptions)
    names = ", ".join(sorted((t.country(s.code) for s in state.subscriptions), key=t.sort_key))
    text = t._("You will no longer get any alerts (stopped: {countries}).").format(countries=names)
    state = replace(state, subscriptions=())
    return Reply("🔕 " + esc(text), t.lang, actions=actions, state=state, edit=True)


def _language_switch(text: str, t: Tr, state: UserState) -> Reply:
    if _WANTS_FRENCH.search(text):
        lang = "fr"
    elif _WANTS_ENGLISH.search(text):
        lang = "en"
    else:
        lang = "en" if t.lang == "fr" else "fr"
    return language_set_reply(lang, state)


def language_set_reply(lang: str, state: UserState) -> Reply:
    """Confirm a language choice (stored by the adapter)."""
    t = tr(lang)
    state = replace(state, lang=lang)
    text = t._("I will answer in English from now on.")
    return Reply(esc(text), lang, actions=(Action("set_language", value=lang),), state=state)


def _unknown(understood: Understanding, knowledge: Knowledge, t: Tr, state: UserState) -> Reply:
    if understood.country and understood.country in knowledge.advisories:
        code = understood.country
        text = t._(
            "I can only help with travel safety. Here is what I can tell you about {country_the}:"
        ).format(**t.country_args(code))
        button = Button(
            f"{flag(code)} " + t._("Advisory for {country_the}").format(**t.country_args(code)),
            cb.encode(cb.CARD, code),
        )
        # A place but not the question: maintainers see it in `vigie data unmatched`.
        return Reply(esc(text), t.lang, buttons=((button,),), state=state, unmatched="question")
    text = t._("Sorry, I did not understand. I answer questions about travel safety, for example:")
    return Reply(
        esc(text) + "\n" + _examples(t),
        t.lang,
        buttons=_help_buttons(t),
        state=state,
        unmatched="intent",
    )


def _examples(t: Tr) -> str:
    examples = [
        t._("Is it safe to go to Mali?"),
        t._("Bamako embassy"),
        t._("How do I leave Niger?"),
        t._("Vaccines for Burkina Faso"),
        t._("Which countries should I avoid in Africa?"),
        t._("Subscribe to Mali"),
    ]
    return "\n".join(f"• <i>{esc(e)}</i>" for e in examples)


def _help_buttons(t: Tr) -> tuple[tuple[Button, ...], ...]:
    return (
        (Button("🌍 " + t._("Destinations to avoid"), cb.encode(cb.HOTSPOTS)),),
        (
            Button("🇫🇷 Français", cb.encode(cb.LANGUAGE, value="fr")),
            Button("🇬🇧 English", cb.encode(cb.LANGUAGE, value="en")),
        ),
    )


def help_reply(t: Tr, state: UserState) -> Reply:
    """What Vigie can do, taught by example."""
    intro = t._(
        "I am Vigie. I tell travellers how safe a destination is, from the advice of several"
        " governments, and I warn you when it changes. Write in English or French, for example:"
    )
    outro = t._(
        "Commands: /advisory, /subscribe, /subscriptions, /hotspots, /language, /forget, /help."
    )
    return Reply(
        f"{esc(intro)}\n{_examples(t)}\n\n{esc(outro)}",
        t.lang,
        buttons=_help_buttons(t),
        state=state,
    )


@typeset_reply
def welcome(state: UserState, telegram_lang: str | None) -> Reply:
    """The first message: who Vigie is, the language choice, and examples."""
    lang = reply_language(state, None, telegram_lang)
    t = tr(lang)
    hello = t._("Welcome! Choose your language, then ask me about any destination.")
    reply = help_reply(t, state)
    prompt = t._("Or share your location: I will tell you what the advice is where you are.")
    return replace(
        reply,
        text=f"👋 <b>{esc(hello)}</b>\n\n{reply.text}",
        location_request=location_request(t, esc(prompt)),
    )


def location_request(t: Tr, prompt: str) -> LocationRequest:
    """The "Share my location" keyboard, sent with `prompt` (HTML) when it needs a message."""
    return LocationRequest(
        "📍 " + t._("Share my location"), prompt, t._("Or write a town or a country")
    )


def asks_about_here(text: str, state: UserState) -> bool:
    """Whether a message with no place asks about where the traveller is: "is it safe here?";
    or, with no destination asked about before, "where am I safe?"."""
    words = set(fold(text).split())
    if words & _HERE:
        return True
    return state.last_country is None and bool(words & _WHERE) and bool(words & _ME)


def where_are_you_reply(t: Tr, state: UserState, now: dt.datetime) -> Reply:
    """Ask where the traveller is, with the button that shares their location; a town or a
    country written instead answers the question too."""
    text = t._(
        "Where are you? Share your location and I will tell you what the advice is there,"
        " or write the name of the town or country."
    )
    state = replace(state, pending_intent="advisory", pending_at=now)
    return Reply(
        "📍 " + esc(text),
        t.lang,
        state=state,
        location_request=location_request(t, esc(text)),
    )


def start_reply(
    payload: str,
    state: UserState,
    knowledge: Knowledge,
    *,
    telegram_lang: str | None,
    now: dt.datetime,
) -> Reply:
    """/start, alone (the welcome) or with a deep link's payload (t.me/<bot>?start=ML): "ML"
    opens the card, "sub-ML" offers to follow it; anything else is the welcome with one line
    saying the link led nowhere."""
    if not payload:
        return welcome(state, telegram_lang)
    match = _DEEP_LINK.match(payload)
    code = match.group("code").upper() if match else ""
    advisory = knowledge.advisories.get(code)
    if match is None or advisory is None:
        reply = welcome(state, telegram_lang)
        t = tr(reply.lang)
        line = t._("This link does not lead to a destination I know.")
        return replace(reply, text=f"⚠️ {esc(line)}\n\n{reply.text}")
    t = tr(reply_language(state, None, telegram_lang))
    state = replace(state, last_country=code, last_region=None)
    if match.group("sub"):
        return subscribe_offer(advisory, t, state)
    return card_reply(advisory, None, knowledge, t, state, today=now.date())


def subscribe_offer(advisory: Advisory, t: Tr, state: UserState) -> Reply:
    """A link to follow a destination: its level and a Subscribe button (nothing is followed
    until the button is pressed)."""
    code = advisory.code
    names = t.country_args(code)
    if state.subscribed_to(code):
        text = t._("You already follow {country_the}.").format(**names)
        return Reply(esc(text), t.lang, buttons=_manage_buttons(code, t), state=state)
    title = t._("Alerts for {country_the}").format(**names)
    offer = t._(
        "Press the button to get a message here, in your language, whenever the advice for"
        " {country_the} changes."
    ).format(**names)
    level = esc(level_badge(advisory.level, t))
    text = f"🔔 <b>{esc(title)}</b>\n{level}\n\n{esc(offer)}"
    card = Button(
        f"{flag(code)} " + t._("Advisory for {country_the}").format(**names),
        cb.encode(cb.CARD, code),
    )
    follow = Button("🔔 " + t._("Subscribe to alerts"), cb.encode(cb.SUBSCRIBE, code))
    return Reply(text, t.lang, buttons=((follow,), (card,)), state=state)


@typeset_reply
def respond_to_button(
    data: str | None,
    state: UserState,
    knowledge: Knowledge,
    *,
    telegram_lang: str | None,
    now: dt.datetime,
) -> Reply:
    """Answer a button press; forged, stale or unknown data gets a short notice and nothing else."""
    today = now.date()
    lang = reply_language(state, None, telegram_lang)
    t = tr(lang)
    press = cb.decode(data)
    if press is None or (press.code and press.code not in knowledge.advisories):
        return Reply("", lang, state=state, notice=t._("This button is no longer valid."))
    advisory = knowledge.advisories.get(press.code) if press.code else None
    if press.kind == cb.CARD and advisory:
        region = press.region if advisory.region(press.region) else None
        state = replace(state, last_country=press.code, last_region=region)
        return replace(card_reply(advisory, region, knowledge, t, state, today=today), edit=True)
    if press.kind == cb.SECTION and advisory:
        state = replace(state, last_country=press.code)
        reply = section_reply(advisory, press.value, knowledge, t, state, today=today)
        return replace(reply, edit=True)
    if press.kind == cb.PICK:
        waiting, _, detail = (state.pending_intent or "").partition(":")
        fresh = state.pending_at is not None and now - state.pending_at <= PENDING_FOR
        state = replace(state, pending_intent=None, pending_at=None)
        question = Question(
            press.value,
            knowledge,
            t,
            state,
            code=press.code,
            today=today,
            detail=detail if waiting == press.value and fresh else None,
        )
        return answer_place(question)
    if press.kind == cb.SUBSCRIBE:
        return _subscribe(press.code, press.region or None, knowledge, t, state)
    if press.kind == cb.UNSUBSCRIBE:
        return _unsubscribe(press.code, t, state)
    if press.kind == cb.LANGUAGE:
        return language_set_reply(press.value, state)
    if press.kind == cb.HOTSPOTS:
        return replace(hotspots_reply(knowledge, t, state, press.value or None), edit=True)
    if press.kind == cb.SAFEST:
        return replace(safest_reply(knowledge, t, state, press.value or None), edit=True)
    if press.kind == cb.MAP:
        return map_reply(press.code, knowledge, t, state)
    if press.kind == cb.HELP:
        return help_reply(t, state)
    if press.kind in (cb.MODE, cb.SCOPE):
        return _set_option(press, t, state)
    if press.kind == cb.FORGET:
        return forget_reply(press.value == "yes", t, state)
    if press.kind == cb.UNSUBSCRIBE_ALL:
        return unsubscribe_all_reply(t, state)
    if press.kind == cb.KEEP:
        return Reply(esc(t._("Nothing was changed.")), t.lang, state=state, edit=True)
    if press.kind == cb.NONE_OF_THESE:
        return none_of_these_reply(press.value, t, state, now)
    return Reply("", lang, state=state, notice=t._("This button is no longer valid."))


def _set_option(press: cb.Callback, t: Tr, state: UserState) -> Reply:
    if not state.subscribed_to(press.code):
        text = t._("You do not follow {country_the}.").format(**t.country_args(press.code))
        return Reply(esc(text), t.lang, state=state)
    if press.kind == cb.MODE:
        kind = "set_mode"
        if press.value == Mode.DIGEST:
            text = t._("{country}: you will get one daily digest.")
        else:
            text = t._("{country}: you will get each change as soon as it is published.")
    else:
        kind = "set_scope"
        if press.value == Scope.LEVEL:
            text = t._("{country}: you will hear only about level changes.")
        else:
            text = t._("{country}: you will hear about every major update.")
    return Reply(
        esc(text.format(country=t.country(press.code))),
        t.lang,
        actions=(Action(kind, press.code, value=press.value),),
        state=state,
        notice=t._("Saved."),
    )


def language_question(t: Tr, state: UserState) -> Reply:
    """Offer the two languages."""
    return Reply(
        esc(t._("Choose your language:")), t.lang, buttons=_help_buttons(t)[1:], state=state
    )


def forget_question(t: Tr, state: UserState) -> Reply:
    """Ask before deleting everything we store about the user."""
    text = t._(
        "Delete everything Vigie stores about you (language, subscriptions, conversation)?"
        " This cannot be undone."
    )
    buttons = (
        (
            Button("🗑 " + t._("Yes, delete"), cb.encode(cb.FORGET, value="yes")),
            Button(t._("No, keep"), cb.encode(cb.FORGET, value="no")),
        ),
    )
    return Reply(esc(text), t.lang, buttons=buttons, state=state)


def forget_reply(confirmed: bool, t: Tr, state: UserState) -> Reply:
    """Carry out, or cancel, /forget."""
    if not confirmed:
        return Reply(esc(t._("Nothing was deleted.")), t.lang, state=state, edit=True)
    text = t._("Everything Vigie stored about you has been deleted. Write /start to begin again.")
    return Reply(esc(text), t.lang, actions=(Action("forget"),), state=UserState(), edit=True)


# The slash commands every adapter understands (Telegram's menu adds their descriptions).
PLACE_COMMANDS = ("advisory", "subscribe", "unsubscribe", "map")
MAINTAINER_COMMANDS = ("alert",)


@typeset_reply
def respond_to_command(
    name: str,
    argument: str,
    state: UserState,
    knowledge: Knowledge,
    *,
    telegram_lang: str | None,
    now: dt.datetime,
) -> Reply:
    """Answer a slash command (`name` without the slash, `argument` what follows it)."""
    argument = argument.strip()
    if name == "start":
        return start_reply(argument, state, knowledge, telegram_lang=telegram_lang, now=now)
    if name in PLACE_COMMANDS:
        return _place_command(
            name, argument, state, knowledge, telegram_lang=telegram_lang, now=now
        )
    t = tr(reply_language(state, None, telegram_lang))
    if name == "help":
        return help_reply(t, state)
    if name == "hotspots":
        continent = (
            understand(f"hotspots {argument}", knowledge.index).continent if argument else None
        )
        return hotspots_reply(knowledge, t, state, continent)
    if name == "subscriptions":
        return subscriptions_reply(knowledge, t, state)
    if name == "language":
        return language_question(t, state)
    if name == "forget":
        return forget_question(t, state)
    if name in MAINTAINER_COMMANDS:
        return maintainers_only_reply(t, state)
    return respond_to_text(
        f"/{name} {argument}", state, knowledge, telegram_lang=telegram_lang, now=now
    )


def _place_command(
    intent: str,
    argument: str,
    state: UserState,
    knowledge: Knowledge,
    *,
    telegram_lang: str | None,
    now: dt.datetime,
) -> Reply:
    """/advisory, /subscribe, /unsubscribe: the place in the argument, or ask which country."""
    if not argument:
        t = tr(reply_language(state, None, telegram_lang))
        if intent in ("advisory", "map") and state.last_country:
            return answer_for(
                intent, state.last_country, None, knowledge, t, state, today=now.date()
            )
        question = t._("Which country? For example: /{command} Mali").format(command=intent)
        state = replace(state, pending_intent=intent, pending_at=now)
        return Reply(esc(question), t.lang, state=state)
    understood = understand(argument, knowledge.index)
    if not (understood.country or understood.candidates):
        return respond_to_text(argument, state, knowledge, telegram_lang=telegram_lang, now=now)
    t = tr(reply_language(state, understood, telegram_lang))
    if understood.candidates:
        return ambiguous_reply(understood.candidates, intent, t, state)
    assert understood.country is not None
    return answer_for(
        intent, understood.country, understood.region, knowledge, t, state, today=now.date()
    )


@typeset_reply
def respond_to_location(
    town: str | None,
    country: str | None,
    distance_km: float,
    state: UserState,
    knowledge: Knowledge,
    *,
    telegram_lang: str | None,
    now: dt.datetime,
    nearby: Mapping[str, float] | None = None,
    candidates: tuple[str, ...] = (),
    at_sea: bool = False,
) -> Reply:
    """Answer a shared location: where the user is first when an area there is advised against,
    then the advisory, with its buttons. `country` is where the map places it (None when
    unsure), `town` the nearest known town in it; `nearby` (country → km to its nearest town)
    for areas "within N km of the border"; `candidates` the countries to ask about near a
    border; `at_sea` when no land is near."""
    t = tr(reply_language(state, None, telegram_lang))
    if at_sea:
        text = t._("This location is at sea: no country is within 15 km of it.")
        return Reply(f"🌊 {esc(text)}", t.lang, state=state)
    if country is None and len(candidates) >= 2:
        return _border_question(candidates, knowledge, t, state)
    advisory = knowledge.advisories.get(country or "")
    if advisory is None:
        text = t._("I could not tell which country this location is in.")
        if country:
            text = t._(
                "This location is {country_in}. We have no advisory for it yet."
                " Check your government's travel advice."
            ).format(**t.country_args(country))
        return Reply(esc(text), t.lang, state=state)
    region = region_listing(advisory, town) if town else None
    if town is None or distance_km > 300:
        intro = t._("You are {country_in}:").format(**t.country_args(advisory.code))
    else:
        intro = t._("Near {town}, {country}:").format(town=town, country=t.country(advisory.code))
    state = replace(state, last_country=advisory.code, last_region=region)
    card = card_text(
        advisory, region, knowledge, t, today=now.date(), place=town, nearby=nearby or {}
    )
    return Reply(
        fit(f"📍 {esc(intro)}\n\n{card}"),
        t.lang,
        buttons=card_buttons(advisory, region, t, state),
        state=state,
    )


def _border_question(
    candidates: tuple[str, ...], knowledge: Knowledge, t: Tr, state: UserState
) -> Reply:
    """Near a border our map cannot settle: ask which country, one button each."""
    names = [t.country(code) for code in candidates]
    both = t._("{first} and {last}").format(first=", ".join(names[:-1]), last=names[-1])
    text = t._(
        "This location is close to the border between {countries}: I would rather ask than"
        " guess. Which country are you in?"
    ).format(countries=both)
    buttons = tuple(
        (Button(f"{flag(code)} {t.country(code)}", cb.encode(cb.PICK, code, "advisory")),)
        for code in candidates
        if code in knowledge.advisories
    )
    return Reply(f"📍 {esc(text)}", t.lang, buttons=buttons, state=state)


def _name_key(name: str) -> str:
    return "".join(c for c in strip_accents(name.lower()) if c.isalnum())


def region_listing(advisory: Advisory, town: str) -> str | None:
    """The curated region of `advisory` that lists this town, if any."""
    wanted = _name_key(town)
    for region in advisory.regions:
        names = (region.name.en, region.name.fr, *region.aliases)
        if any(_name_key(n) == wanted for n in names):
            return region.id
    return None


@dataclass(frozen=True, slots=True)
class InlineCard:
    """One advisory card offered to share from an inline query (`@bot mali`)."""

    id: str
    title: str
    description: str
    text: str
    buttons: tuple[tuple[Button, ...], ...] = ()  # under the shared card: open it in Vigie


def inline_cards(
    query: str, state: UserState, knowledge: Knowledge, *, telegram_lang: str | None
) -> list[InlineCard]:
    """The cards matching an inline query, in the asking user's language (at most ten)."""
    text = query.strip()[:200]
    if not text:
        return []
    understood = understand(text, knowledge.index)
    t = tr(reply_language(state, None, telegram_lang))
    codes = list(understood.candidates) or ([understood.country] if understood.country else [])
    cards = []
    for code in codes[:10]:
        advisory = knowledge.advisories.get(code)
        if advisory is None:
            continue
        region = understood.region if code == understood.country else None
        card = card_text(advisory, region, knowledge, t)
        cards.append(
            InlineCard(
                id=f"{code}-{region or ''}-{t.lang}",
                title=t.country(code),
                description=strip_tags(card.split("\n")[1]) if "\n" in card else "",
                text=typeset(card, t.lang),
                buttons=((Button("📲 " + t._("Open in Vigie"), link=code),),),
            )
        )
    return cards


@typeset_reply
def maintainers_only_reply(t: Tr, state: UserState) -> Reply:
    """A maintainer command from someone else: a polite refusal."""
    text = t._("Sorry, this command is reserved for Vigie's maintainers.")
    return Reply(esc(text), t.lang, state=state)


@typeset_reply
def unreadable_reply(t: Tr, state: UserState) -> Reply:
    """Stickers, photos, voice: a short hint."""
    text = t._("I can only read text. Write a country or a city, for example “Mali” or “Bamako”.")
    return Reply(esc(text), t.lang, state=state)


@typeset_reply
def flood_reply(t: Tr, state: UserState) -> Reply:
    """The one notice to someone writing faster than we may answer: their latest messages are
    answered (bot/telegram/flood.py)."""
    text = t._("You are sending messages very fast: I will answer your latest ones.")
    return Reply(esc(text), t.lang, state=state)
