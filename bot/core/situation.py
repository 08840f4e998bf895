"""Questions about the situation on the ground (fuel, flights, the airport, roads, schools, a
curfew, the internet, protests, "what should we do", "we are a family"): what we know and its
date, what we cannot know today, and whom to ask. Pure rendering: text and buttons together."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping

from bot.core import callbacks as cb
from bot.core.model import Advisory, Alert, SourceInfo
from bot.core.render import (
    LEVEL_EMOJI,
    SECTION_EMOJI,
    SECTION_TITLES,
    alert_line,
    emergency_lines,
    esc,
    fit,
    flag,
    level_badge,
    newer_alerts,
    our_text_date,
    source_label,
)
from bot.core.reply import Button
from bot.core.textnorm import fold
from bot.i18n import N_, Tr

# The kinds the message reader reports in Understanding.detail for a question on the situation.
SITUATION_KINDS = (
    "fuel",
    "flights",
    "airport",
    "roads",
    "schools",
    "curfew",
    "internet",
    "protests",
    "what_to_do",
    "family",
)
_TITLES = {
    "fuel": N_("Fuel {country_in}"),
    "flights": N_("Flights {country_in}"),
    "airport": N_("Airports {country_in}"),
    "roads": N_("Roads {country_in}"),
    "schools": N_("Schools {country_in}"),
    "curfew": N_("Curfews {country_in}"),
    "internet": N_("Internet and phones {country_in}"),
    "protests": N_("Protests {country_in}"),
    "what_to_do": N_("What to do now {country_in}"),
    "family": N_("Families {country_in}: what to do now"),
}
_CANNOT_KNOW = {
    "fuel": N_("I can't tell whether fuel is available right now."),
    "flights": N_("I can't tell whether flights are operating right now."),
    "airport": N_("I can't tell whether the airport is open right now."),
    "roads": N_("I can't tell whether the roads are open or safe right now."),
    "schools": N_("I can't tell whether schools are open right now."),
    "curfew": N_("I can't tell whether a curfew is in force right now."),
    "internet": N_("I can't tell whether the internet and phone networks work right now."),
    "protests": N_("I can't tell whether protests are taking place right now."),
}
_ASK = {
    "flights": N_("Check with your airline and your embassy before you go to the airport."),
    "airport": N_("Check with your airline and your embassy before you go to the airport."),
}
_ASK_LOCALLY = N_("Check local news, your hosts or your hotel, and your embassy.")
# What to do now anywhere, where we wrote nothing of our own for the destination.
_ANYWHERE = (
    N_("Follow the instructions of the local authorities and keep away from gatherings."),
    N_("Keep your passport, cash, medicines and a charged phone with you."),
    N_("Tell your embassy where you are, and someone at home how to reach you."),
)
_FAMILY = (
    N_("Keep every family member's passport, and a copy of each, with you."),
    N_(
        "Register each of you with your embassy, and agree on a meeting point if you are separated."
    ),
    N_("Keep children's medicines, water, food and a charged phone ready to leave or stay in."),
)
# Words that tie a line of our text, or an alert, to the topic asked about (folded, both
# languages; a prefix matches: "flight" finds "flights").
_TOPIC_WORDS = {
    "fuel": ("fuel", "petrol", "gasoline", "diesel", "carburant", "essence", "citerne", "tanker"),
    "flights": ("flight", "airline", "airport", "fly", "vol ", "vols", "avion", "aeroport"),
    "airport": ("airport", "flight", "airline", "aeroport", "vol ", "vols", "avion"),
    "roads": ("road", "convoy", "checkpoint", "route", "convoi", "barrage", "axe"),
    "schools": ("school", "ecole", "scolaire"),
    "curfew": ("curfew", "couvre feu"),
    "internet": ("internet", "network", "telecom", "phone", "reseau", "telephon"),
    "protests": (
        "protest",
        "demonstration",
        "unrest",
        "gathering",
        "manifestation",
        "rassemblement",
        "troubles",
    ),
}
# The sections a topic reads first (the rest follow).
_SECTIONS_FIRST = {
    "flights": ("leaving", "security"),
    "airport": ("leaving", "security"),
    "roads": ("leaving", "security"),
    "fuel": ("security", "leaving", "health"),
}
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-ZÀ-Ý«“])")


def about_topic(text: str, kind: str | None) -> bool:
    """Whether `text` speaks of the topic `kind` (every text does, for a general question)."""
    words = _TOPIC_WORDS.get(kind or "")
    if not words:
        return True
    folded = fold(text) + " "
    return any(re.search(rf"(?<!\w){re.escape(w)}", folded) for w in words)


def topic_lines(advisory: Advisory, kind: str, t: Tr, limit: int = 4) -> list[str]:
    """The lines of our own sections that speak of `kind`, in the reader's language."""
    order = _SECTIONS_FIRST.get(kind, ("security", "leaving", "health", "entry"))
    found: list[str] = []
    for section in (*order, *(s for s in advisory.sections if s not in order)):
        text = advisory.sections.get(section)
        if text is None:
            continue
        english, shown_lines = _lines(text.en), _lines(text.get(t.lang))
        # Where both languages have the same lines, the English decides, so both show the same.
        pairs = (
            zip(english, shown_lines, strict=True)
            if len(english) == len(shown_lines)
            else ((line, line) for line in shown_lines)
        )
        for deciding, shown in pairs:
            if about_topic(deciding, kind) and shown not in found:
                found.append(shown)
            if len(found) >= limit:
                return found
    return found


def _lines(text: str) -> list[str]:
    out = []
    for line in text.strip().splitlines():
        line = line.strip().removeprefix("- ").strip()
        if line and not line.endswith(":"):
            out.append(line)
    return out


def topic_alerts(advisory: Advisory, kind: str | None) -> list[Alert]:
    """The alerts on the topic, newest first (every alert, for a general question)."""
    return [a for a in advisory.alerts_newest_first() if about_topic(a.text.en, kind)]


def render_situation(
    advisory: Advisory,
    kind: str | None,
    t: Tr,
    *,
    today: dt.date | None,
    sources: Mapping[str, SourceInfo] | None = None,
) -> str:
    """What we know of the situation `kind` in the destination, each fact with its date: what we
    cannot know today first, with the latest alert on file; then the alerts newer than our
    text, our text (dated), each government's level (dated), and whom to ask. A general
    question ("what should we do", a family) gets what to do now."""
    code = advisory.code
    title = t._(_TITLES.get(kind or "", N_("What to do now {country_in}")))
    title = title.format(**t.country_args(code))
    lines = [f"{flag(code)} <b>{esc(title[:1].upper() + title[1:])}</b>"]
    lines.append(level_badge(advisory.level, t))
    alerts = topic_alerts(advisory, kind)
    shown: set[str] = set()
    cannot = _CANNOT_KNOW.get(kind or "")
    if cannot:
        latest = alerts[0] if alerts else next(iter(advisory.alerts_newest_first()), None)
        if latest is None:
            said = t._("No alert is on file for {country_the}.").format(**t.country_args(code))
        elif alerts:
            said = t._("The latest alert on file on this, of {date}, says:")
        else:
            said = t._("The latest alert on file, of {date}, says:")
        said = said.format(date=t.date(latest.date)) if latest else said
        lines += ["", f"❔ <b>{esc(t._(cannot))}</b> {esc(said)}"]
        if latest is not None:
            lines.append(alert_line(latest, t, today=today))
            shown.add(latest.id)
    newer = [a for a in newer_alerts(advisory) if a.id not in shown][:3]
    if newer:
        latest_title = t._("Latest alerts")
        lines += ["", f"<b>{esc(latest_title)}</b>"]
        lines += [alert_line(a, t, today=today) for a in newer]
    known = topic_lines(advisory, kind, t) if kind in _TOPIC_WORDS else _what_to_do_now(advisory, t)
    if known:
        lines += ["", *our_text_date(advisory, t, today)]
        lines += [f"• {esc(line)}" for line in known]
    elif kind in _TOPIC_WORDS:
        none = t._("Our own text says nothing on this for {country_the}.").format(
            **t.country_args(code)
        )
        lines += ["", esc(none)]
    else:
        lines += ["", *(f"• {esc(t._(line))}" for line in _ANYWHERE)]
    if kind == "family":
        children_title = t._("With children")
        lines += ["", f"<b>{esc(children_title)}</b>"]
        lines += [f"• {esc(t._(line))}" for line in _FAMILY]
    if not known and sources is not None:
        lines += ["", *government_levels(advisory, sources, t)]
    numbers = emergency_lines(advisory, t)
    if numbers and kind in ("what_to_do", "family", None):
        lines += ["", *numbers]
    ask = t._(_ASK.get(kind or "", _ASK_LOCALLY))
    lines += ["", f"👉 {esc(ask)}"]
    return fit("\n".join(lines))


def government_levels(advisory: Advisory, sources: Mapping[str, SourceInfo], t: Tr) -> list[str]:
    """Each government's level for the whole country, with its date."""
    if not advisory.sources:
        return []
    title = t._("Each government's advice for the whole country")
    lines = [f"<b>{esc(title)}</b>"]
    for advice in advisory.sources:
        info = sources.get(advice.source)
        who = t.country(info.country) if info else advice.source
        wording = source_label(advice, info, t)
        lines.append(
            f"{LEVEL_EMOJI[advice.level]} {esc(who)}{t.colon()}{esc(wording)}"
            f" ({esc(t.date(advice.date))})"
        )
    return lines


def _what_to_do_now(advisory: Advisory, t: Tr, limit: int = 5) -> list[str]:
    """Our "what to do now": how to leave (the opening of that section), then what to do until
    then (the list under a heading such as "Until you can leave:" in the security section);
    else the headline reason's last sentence."""
    found: list[str] = []
    leaving = advisory.sections.get("leaving")
    if leaving is not None:
        found += _lines(leaving.get(t.lang))[:1]
    security = advisory.sections.get("security")
    if security is not None:
        found += _after_heading(security.get(t.lang))[: limit - len(found)]
    if not found and advisory.curated_level is not None:
        reason = advisory.curated_level.reason.get(t.lang)
        found += [s for s in _SENTENCE.split(reason) if s.strip()][-1:]
    return found[:limit]


def _after_heading(text: str) -> list[str]:
    """The list items under the last heading line ("Until you can leave:") of `text`."""
    items: list[str] | None = None  # none before a heading: the facts, not what to do
    for line in text.strip().splitlines():
        line = line.strip()
        if line.endswith(":"):
            items = []
        elif line.startswith("- ") and items is not None:
            items.append(line[2:].strip())
    return items or []


def situation_buttons(code: str, t: Tr) -> tuple[tuple[Button, ...], ...]:
    """How to leave, whom to call, and the whole card."""

    def section(name: str) -> Button:
        return Button(
            f"{SECTION_EMOJI[name]} {t._(SECTION_TITLES[name])}", cb.encode(cb.SECTION, code, name)
        )

    card = Button(
        f"{flag(code)} " + t._("Advisory for {country_the}").format(**t.country_args(code)),
        cb.encode(cb.CARD, code),
    )
    return ((section("leaving"), section("contacts")), (card,))
