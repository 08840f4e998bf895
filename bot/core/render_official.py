"""The governments' own words as a traveller reads them: excerpts with who said it and when,
emergency numbers with their source, offices labelled by whose they are. Pure rendering."""

from __future__ import annotations

import datetime as dt
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from babel.lists import format_list

from bot.core.html import esc as _esc
from bot.core.html import flag as _flag
from bot.core.html import link as _link
from bot.core.model import STALE_AFTER, Embassy, SourceInfo
from bot.core.official import Excerpt, NumberLine, Office, OfficialAnswer
from bot.core.typography import foreign
from bot.i18n import N_, Tr

CRISIS_LINES_PATH = Path(__file__).resolve().parents[2] / "data" / "crisis_lines.toml"

EMERGENCY_NAMES = {
    "general": N_("Emergencies"),
    "police": N_("Police"),
    "fire": N_("Fire brigade"),
    "ambulance": N_("Ambulance"),
    "tourist_police": N_("Tourist police"),
}


def source_name(source: str, sources: Mapping[str, SourceInfo], t: Tr) -> str:
    """A government's name in the reader's language ('Government of Canada')."""
    info = sources.get(source)
    return info.name.get(t.lang) if info else source


def _source_flag(source: str, sources: Mapping[str, SourceInfo]) -> str:
    info = sources.get(source)
    return _flag(info.country) if info else "🏛"


# ---- excerpts --------------------------------------------------------------------------------


def excerpt_lines(
    answer: OfficialAnswer,
    sources: Mapping[str, SourceInfo],
    t: Tr,
    *,
    today: dt.date | None,
) -> list[str]:
    """Each government's excerpt under its name and date, then a link to the rest; the
    governments not quoted, linked."""
    lines: list[str] = []
    for excerpt in answer.excerpts:
        lines += ["", *_excerpt(excerpt, sources, t, today=today)]
    if answer.linked:
        also = t._("Also on this, from")
        lines += ["", f"<b>{_esc(also)}</b>"]
        for advice, part in answer.linked:
            name = source_name(advice.source, sources, t)
            when = t.date(part.date or advice.date)
            lines.append(f"• {_link(part.url or advice.url, name)} ({_esc(when)})")
    return lines


def _excerpt(
    excerpt: Excerpt, sources: Mapping[str, SourceInfo], t: Tr, *, today: dt.date | None
) -> list[str]:
    part = excerpt.section
    name = source_name(excerpt.source, sources, t)
    updated = t._("updated {date}").format(date=t.date(excerpt.date))
    title = f" — {part.title}" if part.title else ""
    head = (
        f"{_source_flag(excerpt.source, sources)} <b>{_esc(name)}</b>{_esc(title)}, {_esc(updated)}"
    )
    lines = [head]
    if today is not None and today - excerpt.date > STALE_AFTER:
        old = t._("More than {days} days old: check the page for anything newer.").format(
            days=STALE_AFTER.days
        )
        lines.append(f"⏳ <i>{_esc(old)}</i>")
    if excerpt.translated:
        note = (
            t._("Official text, in English:")
            if part.lang == "en"
            else t._("Official text, in French:")
        )
        lines.append(f"<i>{_esc(note)}</i>")
    # The government's words in another language than the reader's are left as published (no
    # French typography on English text).
    keep = foreign if excerpt.translated else str
    heading = None
    for passage in excerpt.passages:
        if passage.heading and passage.heading != heading:
            lines.append(f"<b>{keep(_esc(passage.heading))}</b>")
            heading = passage.heading
        for line in passage.text.splitlines():
            stripped = line.strip()
            if stripped.startswith("- "):
                lines.append("• " + keep(_esc(stripped[2:])))
            else:
                lines.append(keep(_esc(stripped)))
    if part.url:
        more = (
            t._("Read the rest on the official page")
            if excerpt.left_out
            else t._("The official page")
        )
        lines.append(f"→ {_link(part.url, more)}")
    return lines


# ---- emergency numbers -------------------------------------------------------------------------


def number_lines(
    numbers: Sequence[NumberLine], sources: Mapping[str, SourceInfo], t: Tr
) -> list[str]:
    """'• Police: 191 (UK Foreign…, 1 October 2026)': our checked numbers bare, the
    governments' with who gives them and when."""
    lines = []
    for number in numbers:
        service = t._(EMERGENCY_NAMES[number.service])
        label = f" ({number.label})" if number.label and number.label != service else ""
        line = f"• {_esc(service + label)}{t.colon()}<b>{_esc(number.number)}</b>"
        if number.sources:
            who = ", ".join(source_name(s, sources, t) for s in number.sources)
            when = f", {t.date(number.date)}" if number.date else ""
            line += f" <i>({_esc(who + when)})</i>"
        lines.append(line)
    return lines


# ---- offices ----------------------------------------------------------------------------------


def office_name(embassy: Embassy, t: Tr) -> str:
    """The office's own name as its government writes it ("British High Commission Nairobi",
    "Ambassade du Canada à Bamako"), else whose it is and where ("Embassy of France in Lima")."""
    own = embassy.name_fr if t.lang == "fr" else embassy.name
    if own:
        return own
    if embassy.kind == "consulate":
        what = t._("Consulate of {country_the} in {city}")
    else:
        what = t._("Embassy of {country_the} in {city}")
    return what.format(**t.country_args(embassy.of), city=embassy.city)


def office_lines(listed: Sequence[Office], sources: Mapping[str, SourceInfo], t: Tr) -> list[str]:
    """Each office named by whose it is, with its address, phone, e-mail and link; a
    government's own listing says whose list it comes from."""
    lines = []
    for office in listed:
        embassy = office.embassy
        name = office_name(embassy, t)
        head = _link(embassy.url, name) if embassy.url else _esc(name)
        lines.append(f"{_flag(embassy.of)} <b>{head}</b>")
        if embassy.address:
            lines.append(f"   {_esc(embassy.address)}")
        if embassy.phone:
            lines.append(f"   ☎️ {_esc(embassy.phone)}")
        if embassy.email:
            lines.append(f"   ✉️ {_esc(embassy.email)}")
        if office.source:
            who = source_name(office.source, sources, t)
            when = f", {t.date(office.date)}" if office.date else ""
            listed_by = t._("Listed by {source}").format(source=who)
            lines.append(f"   <i>{_esc(listed_by + when)}</i>")
    return lines


@dataclass(frozen=True, slots=True)
class CrisisLine:
    """A foreign ministry's round-the-clock line for its citizens abroad."""

    country: str
    phone: str
    url: str


@cache
def crisis_lines(path: Path = CRISIS_LINES_PATH) -> tuple[CrisisLine, ...]:
    """The crisis lines of data/crisis_lines.toml."""
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    return tuple(
        CrisisLine(code, table["phone"], table.get("url", "")) for code, table in data.items()
    )


def other_nationals_lines(listed_countries: Sequence[str], t: Tr) -> list[str]:
    """For a traveller of another nationality than the offices listed: their own embassy and
    their foreign ministry's crisis line, never another country's embassy as theirs."""
    if listed_countries:
        of = format_list([t.country_args(c)["country_de"] for c in listed_countries], locale=t.lang)
        intro = t._(
            "These offices serve the citizens {countries_of}. Citizen of another country? Your"
            " own embassy helps you; your foreign ministry's crisis line tells you where it is:"
        ).format(countries_of=of)
    else:
        intro = t._(
            "Your own country's embassy helps you; your foreign ministry's crisis line tells you"
            " where it is:"
        )
    lines = [_esc(intro)]
    for line in crisis_lines():
        name = t.country(line.country)
        label = _link(line.url, name) if line.url else _esc(name)
        lines.append(f"{_flag(line.country)} {label}{t.colon()}{_esc(line.phone)}")
    return lines
