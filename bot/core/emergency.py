"""What to tell someone in danger: the place's emergency numbers, its embassies, and what to do
for the kind of emergency (kidnapping, robbery, arrest, passport, injury). Pure rendering."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from bot.core.model import Advisory, SourceInfo
from bot.core.official import nationalities, offices, official_answer
from bot.core.render import MAX_MESSAGE, emergency_lines, esc, fit, flag, paragraphs
from bot.core.render_official import excerpt_lines, office_lines, other_nationals_lines
from bot.i18n import N_, Tr

# The kinds the message reader reports in Understanding.detail for an emergency.
EMERGENCY_KINDS = ("kidnapping", "robbery", "assault", "arrest", "passport", "injury", "help")

_WHAT_TO_DO = {
    "kidnapping": (
        N_(
            "Call the local police now, then your embassy or your foreign ministry's crisis line:"
            " they have teams for kidnappings."
        ),
        N_(
            "Do not negotiate or pay alone, and do not talk to the media: let the police and your"
            " embassy guide you."
        ),
        N_(
            "Write down what you know: when and where it happened, who was there, every contact"
            " from the kidnappers."
        ),
    ),
    "robbery": (
        N_("Get to a safe place first. Do not resist or follow the thieves."),
        N_(
            "Report it to the police and ask for a written report: you need it for insurance and"
            " new documents."
        ),
        N_("Block your bank cards and phone at once."),
    ),
    "assault": (
        N_("Get to a safe place first, then call the police."),
        N_("If you are hurt, call an ambulance or go to the nearest hospital."),
        N_("Your embassy can help you find a doctor, a lawyer and support."),
    ),
    "arrest": (
        N_(
            "Stay calm and polite. Ask the police to tell your embassy or consulate: it is your"
            " right."
        ),
        N_("Do not sign anything you do not understand. Ask for an interpreter and a lawyer."),
    ),
    "passport": (
        N_("Report the loss or theft to the police and ask for a written report."),
        N_(
            "Contact your embassy or consulate: it can issue an emergency travel document so that"
            " you can travel home."
        ),
    ),
    "injury": (
        N_("Call an ambulance, or go to the nearest hospital."),
        N_("Call your travel insurer's assistance line: it can arrange care and an evacuation."),
    ),
    "help": (N_("If you are in danger now, call the police."),),
}
_ALWAYS = N_(
    "Contact your country's embassy or consulate, or your foreign ministry's crisis line, and"
    " tell them where you are."
)


def what_to_do(kind: str | None, t: Tr) -> list[str]:
    """Short 'what to do' lines for an emergency of `kind`, then the advice that always holds."""
    lines = [t._(line) for line in _WHAT_TO_DO.get(kind or "help", _WHAT_TO_DO["help"])]
    return [*lines, t._(_ALWAYS)]


# Kinds of emergency where a person needs care: the ambulance leads and where to find care follows.
_CARE_KINDS = ("injury", "medical")
_CARE_BUDGET = 900


def render_emergency(
    advisory: Advisory | None,
    code: str,
    kind: str | None,
    t: Tr,
    sources: Mapping[str, SourceInfo] | None = None,
    *,
    today: dt.date | None = None,
) -> str:
    """Numbers first (ours where checked, else each government's, with its name and date), then
    what to do, where to find care for a sick or injured person, then the embassies (curated,
    then the governments' own) and where a traveller of another nationality finds theirs."""
    sources = sources or {}
    title = t._("Emergency {country_in}").format(**t.country_args(code))
    lines = [f"🚨 <b>{esc(title)}</b>", ""]
    first = ("ambulance", "general") if kind in _CARE_KINDS else ("general", "police")
    numbers = emergency_lines(advisory, t, sources, first=first) if advisory else []
    if numbers:
        lines += numbers
    else:
        none = t._(
            "We hold no checked emergency number {country_in}: call the local emergency"
            " services, and your embassy."
        ).format(**t.country_args(code))
        lines.append(f"<b>{esc(none)}</b>")
    todo_title = t._("What to do")
    lines += ["", f"<b>{esc(todo_title)}</b>"]
    lines += [f"• {esc(line)}" for line in what_to_do(kind, t)]
    if advisory is not None and kind in _CARE_KINDS:
        care = official_answer(advisory, "health", t.lang, "hospital care", budget=_CARE_BUDGET)
        if care.excerpts:
            care_title = t._("Where to find care")
            lines += ["", f"<b>🏥 {esc(care_title)}</b>"]
            lines += excerpt_lines(care, sources, t, today=today)[1:]
    listed = offices(advisory) if advisory else []
    if listed:
        embassies_title = t._("Embassies and consulates")
        lines += ["", f"<b>{esc(embassies_title)}</b>", *office_lines(listed, sources, t)]
    lines += ["", *other_nationals_lines(nationalities(listed), t)]
    contacts = advisory.sections.get("contacts") if advisory else None
    if contacts is not None and _u16_len("\n".join(lines)) < MAX_MESSAGE - 600:
        lines += ["", paragraphs(contacts.get(t.lang))]
    return fit("\n".join(lines))


def _u16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def render_emergency_without_place(kind: str | None, t: Tr) -> str:
    """The advice that holds anywhere, and the question: where are you?"""
    first = t._("Call the local emergency services if you are in danger.")
    question = t._("Which country are you in? I will give you its emergency numbers and embassies.")
    lines = [f"🚨 <b>{esc(first)}</b>", ""]
    lines += [f"• {esc(line)}" for line in what_to_do(kind, t)]
    lines += ["", f"<b>{esc(question)}</b>"]
    return "\n".join(lines)


def emergency_button_label(code: str, t: Tr) -> str:
    """'🇲🇱 Emergency numbers: Mali'."""
    return f"{flag(code)} " + t._("Emergency numbers") + t.colon() + t.country(code)
