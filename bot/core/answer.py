"""The conversation core: an understood message (or a button press) and the user's state in, the
reply out. Pure: no Telegram, no database, no clock (the time is passed in)."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, replace

from bot.core import callbacks as cb
from bot.core.dates import parse_until
from bot.core.model import SECTIONS, Advisory, SourceInfo
from bot.core.places import PlaceIndex
from bot.core.render import (
    SECTION_EMOJI,
    SECTION_TITLES,
    esc,
    flag,
    level_badge,
    render_card,
    render_hotspots,
    render_section,
    strip_tags,
)
from bot.core.reply import Action, Button, Mode, Reply, Scope, UserState
from bot.core.understand import Understanding, understand
from bot.i18n import N_, Lang, Tr, normalise_lang, tr

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
_WANTS_FRENCH = re.compile(r"\b(fran[cç]ais|french|francais)\b", re.IGNORECASE)
_WANTS_ENGLISH = re.compile(r"\b(anglais|english|inglés|ingles)\b", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Knowledge:
    """What the core answers from: the published advisories and the place index."""

    advisories: Mapping[str, Advisory]
    sources: Mapping[str, SourceInfo]
    index: PlaceIndex
    continents: Mapping[str, frozenset[str]]  # africa | europe | … | middle_east → ISO codes


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
    words = re.findall(r"[^\W\d_]+", understood.text)
    place_words = len(re.findall(r"[^\W\d_]+", understood.place or ""))
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
    lang = reply_language(state, understood, telegram_lang)
    t = tr(lang)
    intent = understood.intent
    pending = state.pending_intent
    if pending and state.pending_at and now - state.pending_at > PENDING_FOR:
        pending = None
    has_place = bool(understood.country or understood.candidates)
    if pending and has_place and intent in ("advisory", "unknown"):
        intent = pending  # "c'est dangereux ?" → "Quel pays ?" → "Mali"
    state = replace(state, pending_intent=None, pending_at=None)

    if intent == "help":
        return help_reply(t, state)
    if intent == "language":
        return _language_switch(text, t, state)
    if intent == "hotspots":
        return hotspots_reply(knowledge, t, state, understood.continent)
    if intent == "subscriptions":
        return subscriptions_reply(knowledge, t, state)
    if intent == "unknown":
        return _unknown(understood, knowledge, t, state)

    if understood.candidates:
        return ambiguous_reply(understood.candidates, intent, t, state)
    code, region = understood.country, understood.region
    if code is None and state.last_country:
        code, region = state.last_country, None  # a follow-up: "and the embassy?"
    if code is None:
        question = t._("Which country do you mean? Write its name, or a city.")
        state = replace(state, pending_intent=intent, pending_at=now)
        return Reply(esc(question), lang, state=state, unmatched="place")
    until = parse_until(text, now.date()) if intent == "subscribe" else None
    return answer_for(intent, code, region, knowledge, t, state, until=until)


def answer_for(
    intent: str,
    code: str,
    region: str | None,
    knowledge: Knowledge,
    t: Tr,
    state: UserState,
    *,
    until: dt.date | None = None,
) -> Reply:
    """Answer `intent` about destination `code` (and region); `until` ends a subscription."""
    advisory = knowledge.advisories.get(code)
    if intent == "subscribe":
        return _subscribe(code, region, knowledge, t, state, until=until)
    if intent == "unsubscribe":
        return _unsubscribe(code, t, state)
    state = replace(state, last_country=code, last_region=region)
    if advisory is None:
        text = t._("We have no advisory for {country} yet. Check your government's travel advice.")
        return Reply(esc(text.format(country=t.country(code))), t.lang, state=state)
    if intent in INTENT_SECTION:
        return section_reply(advisory, INTENT_SECTION[intent], knowledge, t, state)
    return card_reply(advisory, region, knowledge, t, state)


def card_reply(
    advisory: Advisory, region: str | None, knowledge: Knowledge, t: Tr, state: UserState
) -> Reply:
    """The advisory card with its subscribe and section buttons."""
    text = render_card(advisory, knowledge.sources, t, region_id=region)
    return Reply(text, t.lang, buttons=card_buttons(advisory, region, t, state), state=state)


def card_buttons(
    advisory: Advisory, region: str | None, t: Tr, state: UserState
) -> tuple[tuple[Button, ...], ...]:
    """Subscribe or unsubscribe, then one button per section."""
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
    return ((follow,), tuple(sections[:3]), tuple(sections[3:]))


def section_reply(
    advisory: Advisory, section: str, knowledge: Knowledge, t: Tr, state: UserState
) -> Reply:
    """One section, with a way back to the card and to the other sections."""
    text = render_section(advisory, section, knowledge.sources, t)
    code = advisory.code
    others = [
        Button(f"{SECTION_EMOJI[s]} {t._(SECTION_TITLES[s])}", cb.encode(cb.SECTION, code, s))
        for s in SECTIONS
        if s != section
    ]
    back = Button(
        f"{flag(code)} " + t._("Advisory for {country}").format(country=t.country(code)),
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
    return Reply(text, t.lang, buttons=(others,), state=state)


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
        advisory = knowledge.advisories.get(sub.code)
        level = level_badge(advisory.level if advisory else None, t)
        mode = t._("daily digest") if sub.mode == Mode.DIGEST else t._("immediate")
        scope = t._("level changes only") if sub.scope == Scope.LEVEL else t._("every major update")
        until = " · " + t._("until {date}").format(date=t.date(sub.until)) if sub.until else ""
        lines.append(
            f"{flag(sub.code)} <b>{esc(t.country(sub.code))}</b> — {level}\n"
            f"    {esc(mode)} · {esc(scope)}{esc(until)}"
        )
        other_mode = Mode.IMMEDIATE if sub.mode == Mode.DIGEST else Mode.DIGEST
        mode_label = t._("Immediate") if other_mode == Mode.IMMEDIATE else t._("Daily digest")
        rows.append(
            (
                Button(f"{flag(sub.code)} {mode_label}", cb.encode(cb.MODE, sub.code, other_mode)),
                Button("🔕 " + t._("Unsubscribe"), cb.encode(cb.UNSUBSCRIBE, sub.code)),
            )
        )
    return Reply("\n".join(lines), t.lang, buttons=tuple(rows), state=state)


def _subscribe(
    code: str,
    region: str | None,
    knowledge: Knowledge,
    t: Tr,
    state: UserState,
    *,
    until: dt.date | None = None,
) -> Reply:
    name = t.country(code)
    state = replace(state, last_country=code, last_region=region)
    ending = (Action("set_until", code, value=until.isoformat()),) if until else ()
    trip = " " + t._("Alerts stop after {date}.").format(date=t.date(until)) if until else ""
    if code not in knowledge.advisories:
        text = t._("We have no advisory for {country} yet, so there is nothing to follow.")
        return Reply(esc(text.format(country=name)), t.lang, state=state)
    if state.subscribed_to(code):
        text = t._("You already follow {country}.").format(country=name) + trip
        return Reply(
            esc(text), t.lang, buttons=_manage_buttons(code, t), actions=ending, state=state
        )
    if len(state.subscriptions) >= MAX_SUBSCRIPTIONS:
        text = t._("You follow {n} destinations, the most we allow. Unsubscribe from one first.")
        return Reply(esc(text.format(n=MAX_SUBSCRIPTIONS)), t.lang, state=state)
    text = t._(
        "Done: you will get a message here, in your language, whenever the advice for"
        " {country} changes."
    ).format(country=name)
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
    name = t.country(code)
    if not state.subscribed_to(code):
        text = t._("You do not follow {country}.").format(country=name)
        return Reply(esc(text), t.lang, state=state)
    text = t._("You will no longer get alerts for {country}.").format(country=name)
    return Reply(
        "🔕 " + esc(text),
        t.lang,
        buttons=((Button(t._("Subscribe again"), cb.encode(cb.SUBSCRIBE, code)),),),
        actions=(Action("unsubscribe", code),),
        state=state,
    )


def ambiguous_reply(candidates: tuple[str, ...], intent: str, t: Tr, state: UserState) -> Reply:
    """Ask which of several countries the user means, one button each."""
    names = [t.country(c) for c in candidates]
    question = t._("Which one do you mean: {choices}?").format(choices=" / ".join(names))
    intent = intent if intent in cb.PLACE_INTENTS else "advisory"
    buttons = tuple(
        (Button(f"{flag(c)} {t.country(c)}", cb.encode(cb.PICK, c, intent)),) for c in candidates
    )
    return Reply(esc(question), t.lang, buttons=buttons, state=state)


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
            "I can only help with travel safety. Here is what I can tell you about {country}:"
        ).format(country=t.country(code))
        button = Button(
            f"{flag(code)} " + t._("Advisory for {country}").format(country=t.country(code)),
            cb.encode(cb.CARD, code),
        )
        return Reply(esc(text), t.lang, buttons=((button,),), state=state)
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


def welcome(state: UserState, telegram_lang: str | None) -> Reply:
    """The first message: who Vigie is, the language choice, and examples."""
    lang = reply_language(state, None, telegram_lang)
    t = tr(lang)
    hello = t._("Welcome! Choose your language, then ask me about any destination.")
    reply = help_reply(t, state)
    return replace(reply, text=f"👋 <b>{esc(hello)}</b>\n\n{reply.text}")


def respond_to_button(
    data: str | None,
    state: UserState,
    knowledge: Knowledge,
    *,
    telegram_lang: str | None,
    now: dt.datetime,
) -> Reply:
    """Answer a button press; forged, stale or unknown data gets a short notice and nothing else."""
    del now
    lang = reply_language(state, None, telegram_lang)
    t = tr(lang)
    press = cb.decode(data)
    if press is None or (press.code and press.code not in knowledge.advisories):
        return Reply("", lang, state=state, notice=t._("This button is no longer valid."))
    advisory = knowledge.advisories.get(press.code) if press.code else None
    if press.kind == cb.CARD and advisory:
        region = press.region if advisory.region(press.region) else None
        state = replace(state, last_country=press.code, last_region=region)
        return replace(card_reply(advisory, region, knowledge, t, state), edit=True)
    if press.kind == cb.SECTION and advisory:
        state = replace(state, last_country=press.code)
        return replace(section_reply(advisory, press.value, knowledge, t, state), edit=True)
    if press.kind == cb.PICK:
        return answer_for(press.value, press.code, None, knowledge, t, state)
    if press.kind == cb.SUBSCRIBE:
        return _subscribe(press.code, press.region or None, knowledge, t, state)
    if press.kind == cb.UNSUBSCRIBE:
        return _unsubscribe(press.code, t, state)
    if press.kind == cb.LANGUAGE:
        return language_set_reply(press.value, state)
    if press.kind == cb.HOTSPOTS:
        return replace(hotspots_reply(knowledge, t, state, press.value or None), edit=True)
    if press.kind == cb.HELP:
        return help_reply(t, state)
    if press.kind in (cb.MODE, cb.SCOPE):
        return _set_option(press, t, state)
    if press.kind == cb.FORGET:
        return forget_reply(press.value == "yes", t, state)
    return Reply("", lang, state=state, notice=t._("This button is no longer valid."))


def _set_option(press: cb.Callback, t: Tr, state: UserState) -> Reply:
    if not state.subscribed_to(press.code):
        text = t._("You do not follow {country}.").format(country=t.country(press.code))
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
PLACE_COMMANDS = ("advisory", "subscribe", "unsubscribe")
MAINTAINER_COMMANDS = ("alert",)


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
        return welcome(state, telegram_lang)
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
        if intent == "advisory" and state.last_country:
            return answer_for(intent, state.last_country, None, knowledge, t, state)
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
    return answer_for(intent, understood.country, understood.region, knowledge, t, state)


def respond_to_location(
    town: str | None,
    country: str | None,
    distance_km: float,
    state: UserState,
    knowledge: Knowledge,
    *,
    telegram_lang: str | None,
) -> Reply:
    """Answer a shared location, given the nearest known town (None when there is none): the
    advisory where the user is, with its buttons."""
    t = tr(reply_language(state, None, telegram_lang))
    advisory = knowledge.advisories.get(country or "")
    if town is None or advisory is None or distance_km > 300:
        text = t._("I could not tell which country this location is in.")
        return Reply(esc(text), t.lang, state=state)
    region = region_listing(advisory, town)
    intro = t._("Near {town}, {country}:").format(town=town, country=t.country(advisory.code))
    state = replace(state, last_country=advisory.code, last_region=region)
    card = render_card(advisory, knowledge.sources, t, region_id=region)
    return Reply(
        f"📍 {esc(intro)}\n\n{card}",
        t.lang,
        buttons=card_buttons(advisory, region, t, state),
        state=state,
    )


def _name_key(name: str) -> str:
    text = unicodedata.normalize("NFKD", name.lower())
    return "".join(c for c in text if c.isalnum() and not unicodedata.combining(c))


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
        card = render_card(advisory, knowledge.sources, t, region_id=region)
        cards.append(
            InlineCard(
                id=f"{code}-{region or ''}-{t.lang}",
                title=t.country(code),
                description=strip_tags(card.split("\n")[1]) if "\n" in card else "",
                text=card,
            )
        )
    return cards


def maintainers_only_reply(t: Tr, state: UserState) -> Reply:
    """A maintainer command from someone else: a polite refusal."""
    text = t._("Sorry, this command is reserved for Vigie's maintainers.")
    return Reply(esc(text), t.lang, state=state)


def unreadable_reply(t: Tr, state: UserState) -> Reply:
    """Stickers, photos, voice: a short hint."""
    text = t._("I can only read text. Write a country or a city, for example “Mali” or “Bamako”.")
    return Reply(esc(text), t.lang, state=state)


def flood_reply(t: Tr, state: UserState) -> Reply:
    """The one notice before a flooding user is ignored for a while."""
    text = t._("You are sending messages very fast. I will answer again in a minute.")
    return Reply(esc(text), t.lang, state=state)
