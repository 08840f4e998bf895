"""What to tell someone in danger: the place's emergency numbers, its embassies, and what to do
for the kind of emergency (kidnapping, robbery, arrest, passport, injury, illness). Pure."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping

from bot.core.model import Advisory, SourceInfo
from bot.core.official import nationalities, offices, official_answer
from bot.core.render import MAX_MESSAGE, emergency_lines, esc, fit, flag, our_text_date, paragraphs
from bot.core.render_official import excerpt_lines, office_lines, other_nationals_lines
from bot.core.textnorm import fold
from bot.i18n import N_, Tr

# The kinds the message reader reports in Understanding.detail for an emergency.
EMERGENCY_KINDS = (
    "kidnapping",
    "robbery",
    "assault",
    "arrest",
    "passport",
    "injury",
    "medical",
    "help",
)

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
    "medical": (
        N_(
            "Call your travel insurer's assistance line now: it can find a hospital, guarantee"
            " payment and arrange an evacuation."
        ),
    ),
    "help": (N_("If you are in danger now, call the police."),),
}
# Where to find care, for a sick or injured person: after the numbers, before the insurer.
_CARE = (
    N_("If no ambulance can come quickly, go straight to the nearest hospital or clinic."),
    N_(
        "Your embassy keeps a list of doctors and hospitals, and your hotel or hosts know the"
        " nearest."
    ),
)
# Words of a sentence on where care is found (folded, both languages).
_CARE_WORDS = (
    " health care",
    " hospital",
    " clinic",
    " soins ",
    " offre de soins",
    " hopita",
    " clinique",
)
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
# The governments' own words on where to find care: a few paragraphs, not the health page.
_CARE_BUDGET = 900


def care_lines(
    advisory: Advisory | None,
    t: Tr,
    sources: Mapping[str, SourceInfo] | None = None,
    *,
    today: dt.date | None = None,
) -> list[str]:
    """Where to find care: the nearest hospital, the embassy's list of doctors, what our health
    section says of care there (with its date), then what the governments say of it."""
    title = t._("Where to find care")
    lines = [f"<b>🏥 {esc(title)}</b>"]
    lines += [f"• {esc(t._(line))}" for line in _CARE]
    health = advisory.sections.get("health") if advisory else None
    if advisory is not None and health is not None:
        said = [
            sentence
            for sentence in _sentences(health.get(t.lang))
            if any(w in f" {fold(sentence)} " for w in _CARE_WORDS)
        ][:2]
        if said:
            lines += our_text_date(advisory, t, today)
            lines += [f"• {esc(s)}" for s in said]
    if advisory is not None:
        care = official_answer(advisory, "health", t.lang, "hospital care", budget=_CARE_BUDGET)
        if care.excerpts:
            lines += excerpt_lines(care, sources or {}, t, today=today)
    return lines


def _sentences(text: str) -> list[str]:
    out: list[str] = []
    for line in text.strip().splitlines():
        line = line.strip().removeprefix("- ")
        out += [s for s in re.split(r"(?<=\.)\s+", line) if s]
    return out


def render_emergency(
    advisory: Advisory | None,
    code: str,
    kind: str | None,
    t: Tr,
    sources: Mapping[str, SourceInfo] | None = None,
    *,
    today: dt.date | None = None,
) -> str:
    """Numbers first (ours where checked, else each government's, with its name and date; the
    ambulance first for a sick or injured person), then where to find care, then what to do (the
    insurer, the embassy), then the embassies (curated, then the governments' own) and where a
    traveller of another nationality finds theirs."""
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
    if kind in _CARE_KINDS:
        lines += ["", *care_lines(advisory, t, sources, today=today)]
    todo_title = t._("What to do")
    lines += ["", f"<b>{esc(todo_title)}</b>"]
    lines += [f"• {esc(line)}" for line in what_to_do(kind, t)]
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
