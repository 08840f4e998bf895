"""The governments' own texts, numbers and offices, chosen for a question. Pure.

A section answer quotes the officials after any curated text: for each government that publishes
the section, the paragraphs that answer what was asked ("vaccines" → the vaccination paragraphs
of the health part), within a budget that keeps the message on a phone's screen, in the reader's
language where the government publishes it. Emergency numbers are merged (a curated number
wins; where two governments disagree, both are kept with their sources) and offices are listed
after the curated embassies, each labelled by whose it is.
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from bot.core.model import (
    EMERGENCY_SERVICES,
    SOURCES,
    Advisory,
    Embassy,
    OfficialSection,
    SourceAdvice,
)
from bot.core.textnorm import fold

FOCUS_PATH = Path(__file__).resolve().parents[2] / "data" / "official_focus.toml"

# Which of a government's parts answer each section of ours, in the order they are quoted.
SECTION_TOPICS: dict[str, tuple[str, ...]] = {
    "security": ("security", "regions", "summary"),
    "health": ("health",),
    "entry": ("entry",),
    "leaving": ("warnings", "security", "regions", "summary"),
    "contacts": ("help",),
}
# What a section is about when the question says nothing more precise.
SECTION_DEFAULT_FOCUS = {"leaving": ("leaving",), "contacts": ("embassy",)}
# At most this many governments are quoted in full; the others are linked.
MAX_QUOTED = 2
# A phone screen or two: no government is quoted at more length than this.
MAX_EXCERPT = 1800
# A quote shorter than this is not worth its heading: the government is linked instead.
MIN_QUOTE = 350
# Lines that open many official parts and answer nothing.
_BOILERPLATE = re.compile(
    r"cannot provide tailored advice|carry out your own research|this information is for people"
    r"|read this travel advice|ne peut pas fournir de conseils|is the official source"
    r"|this advice reflects the uk government|read the rest of the",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class Focus:
    """One thing a traveller asks about: the question's words, and the texts' words."""

    name: str
    sections: tuple[str, ...]
    ask: frozenset[str]  # folded words and phrases
    find: tuple[str, ...]  # folded word beginnings and phrases


@cache
def focuses(path: Path = FOCUS_PATH) -> tuple[Focus, ...]:
    """The focuses of data/official_focus.toml."""
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    return tuple(
        Focus(
            name=name,
            sections=tuple(table.get("sections", ())),
            ask=frozenset(fold(w) for w in table.get("ask", ())),
            find=tuple(dict.fromkeys(fold(w) for w in table.get("find", ()))),
        )
        for name, table in data.items()
    )


def focus_of(question: str, section: str) -> tuple[Focus, ...]:
    """What `question` asks about within `section` (nothing precise: the section's default)."""
    words = fold(question).split()
    phrases = set(words) | {" ".join(words[i : i + 2]) for i in range(len(words) - 1)}
    found = tuple(f for f in focuses() if section in f.sections and f.ask & phrases)
    if found:
        return found
    default = SECTION_DEFAULT_FOCUS.get(section, ())
    return tuple(f for f in focuses() if f.name in default)


def _mentions(folded: str, focus: Focus) -> int:
    """How many of `focus`'s words a folded text holds."""
    hits = 0
    padded = f" {folded} "
    for term in focus.find:
        if len(term) <= 4:  # short words whole ("vol", "bus"), or their plural
            if f" {term} " in padded or f" {term}s " in padded:
                hits += 1
        elif f" {term}" in padded:
            hits += 1
    return hits


# ---- passages --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Passage:
    """A paragraph of an official part, under the sub-heading it stands under."""

    heading: str  # "" before the first sub-heading
    text: str  # a paragraph, or a list (lines starting "- ")
    index: int


def passages(text: str) -> list[Passage]:
    """The paragraphs of an OfficialSection's text, each with its sub-heading."""
    out: list[Passage] = []
    heading = ""
    for chunk in re.split(r"\n\s*\n", text.strip()):
        lines = [line.rstrip() for line in chunk.strip().splitlines() if line.strip()]
        while lines and lines[0].startswith("## "):
            heading = lines.pop(0)[3:].strip()
        if lines:
            out.append(Passage(heading, "\n".join(lines), len(out)))
    return out


def _score(passage: Passage, chosen: tuple[Focus, ...]) -> tuple[int, int]:
    """(hits in the heading, hits in the paragraph)."""
    head = fold(passage.heading)
    body = fold(passage.text)
    return (
        sum(_mentions(head, f) for f in chosen),
        sum(_mentions(body, f) for f in chosen),
    )


def choose(text: str, chosen: tuple[Focus, ...], budget: int) -> tuple[list[Passage], bool]:
    """The paragraphs of `text` that answer `chosen`, in reading order, within `budget`
    characters; and whether anything of the text was left out. With no focus, or none that
    matches, the text's opening paragraphs."""
    every = [p for p in passages(text) if not _BOILERPLATE.search(p.text)]
    if not every:
        return [], bool(text.strip())
    ranked: list[Passage] = []
    if chosen:
        scores = {p.index: _score(p, chosen) for p in every}
        under_heading = [p for p in every if scores[p.index][0] > 0]
        in_text = [p for p in every if scores[p.index][0] == 0 and scores[p.index][1] > 0]
        if under_heading:  # a heading says it: other paragraphs only where they say it twice
            in_text = [p for p in in_text if scores[p.index][1] >= 2]
        in_text.sort(key=lambda p: -scores[p.index][1])
        ranked = under_heading + in_text
    if not ranked:
        ranked = list(every)
    picked: dict[int, Passage] = {}
    size = 0
    by_index = {p.index: p for p in every}
    for passage in ranked:
        group = [passage]
        # A list is read with the sentence that introduces it, and that sentence with its list.
        before = by_index.get(passage.index - 1)
        after = by_index.get(passage.index + 1)
        if passage.text.startswith("- ") and before and before.text.endswith(":"):
            group.insert(0, before)
        if passage.text.endswith(":") and after and after.text.startswith("- "):
            group.append(after)
        new = [p for p in group if p.index not in picked]
        cost = sum(len(p.text) + len(p.heading) + 4 for p in new)
        if size + cost > budget:
            if not picked and new:  # one paragraph longer than the budget: cut it
                first = new[0]
                cut = first.text[: max(budget - len(first.heading) - 4, 0)]
                cut = cut[: cut.rfind(" ")] if " " in cut else cut
                picked[first.index] = Passage(first.heading, cut.rstrip() + " …", first.index)
            continue
        for p in new:
            picked[p.index] = p
        size += cost
    kept = [picked[i] for i in sorted(picked)]
    left_out = len(kept) < len(every) or any(p.text.endswith(" …") for p in kept)
    return kept, left_out


# ---- excerpts --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Excerpt:
    """What one government says on a section, cut for the question."""

    source: str
    section: OfficialSection
    date: dt.date
    passages: tuple[Passage, ...]
    left_out: bool  # more on the page than quoted
    translated: bool  # False: the government's own words in the reader's language


@dataclass(frozen=True, slots=True)
class OfficialAnswer:
    """The officials' excerpts for a section, and the governments only linked."""

    excerpts: tuple[Excerpt, ...]
    linked: tuple[tuple[SourceAdvice, OfficialSection], ...]


def _sections_for(advice: SourceAdvice, section: str, lang: str) -> list[OfficialSection]:
    """The parts of `advice` that answer `section`, in the reader's language when published in
    it, else in the language it has."""
    out = []
    for topic in SECTION_TOPICS.get(section, ()):
        parts = advice.sections_on(topic)
        own = [p for p in parts if p.lang == lang]
        out += own or [p for p in parts if p.lang != lang][:1]
    return out


def official_answer(
    advisory: Advisory, section: str, lang: str, question: str, budget: int
) -> OfficialAnswer:
    """Each government's paragraphs on `section` that answer `question`, in `lang` where it
    publishes that language, within `budget` characters in all."""
    chosen = focus_of(question, section)
    # One part per government (the first of its topics that answers the section), ranked: the
    # government's own words in the reader's language, then a part that speaks of what was
    # asked, then the newest; on a tie, the order of SOURCES.
    candidates: list[tuple[tuple[int, int, int], SourceAdvice, OfficialSection]] = []
    for advice in advisory.sources:
        parts = _sections_for(advice, section, lang)
        if not parts:
            continue
        part = parts[0]
        relevance = sum(_mentions(fold(part.text), f) for f in chosen)
        date = part.date or advice.date
        rank = (int(part.lang == lang), int(relevance > 0), date.toordinal())
        candidates.append((rank, advice, part))
    candidates.sort(key=lambda c: (c[0], -SOURCES.index(c[1].source)), reverse=True)
    excerpts: list[Excerpt] = []
    linked: list[tuple[SourceAdvice, OfficialSection]] = []
    share = min(budget // max(min(len(candidates), MAX_QUOTED), 1), MAX_EXCERPT)
    for _, advice, part in candidates:
        if len(excerpts) >= MAX_QUOTED or share < MIN_QUOTE:
            linked.append((advice, part))
            continue
        kept, left_out = choose(part.text, chosen, share)
        if not kept:
            linked.append((advice, part))
            continue
        excerpts.append(
            Excerpt(
                source=advice.source,
                section=part,
                date=part.date or advice.date,
                passages=tuple(kept),
                left_out=left_out,
                translated=part.lang != lang,
            )
        )
    return OfficialAnswer(tuple(excerpts), tuple(linked))


# ---- emergency numbers -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class NumberLine:
    """One emergency number to show: ours (no sources) or the governments' that give it."""

    service: str
    number: str
    label: str = ""
    sources: tuple[str, ...] = ()  # () for a curated number
    date: dt.date | None = None  # the latest date of the sources that give it


def _digits(number: str) -> str:
    return re.sub(r"\D", "", number)


def emergency_numbers(advisory: Advisory, *, first: Iterable[str] = ()) -> list[NumberLine]:
    """Every emergency number we can give: per service, the curated one when a maintainer
    checked it, else each different number the governments give, with who gives it. Services in
    `first` lead (the ambulance for a medical emergency)."""
    lead = [s for s in first if s in EMERGENCY_SERVICES]
    order = lead + [s for s in EMERGENCY_SERVICES if s not in lead]
    lines: list[NumberLine] = []
    for service in order:
        curated = advisory.emergency.get(service)
        if curated:
            lines.append(NumberLine(service, curated))
            continue
        found: dict[tuple[str, str], list[SourceAdvice]] = {}
        labels: dict[tuple[str, str], str] = {}
        numbers: dict[tuple[str, str], str] = {}
        for advice in advisory.sources:
            for given in advice.emergency:
                if given.service != service or not _digits(given.number):
                    continue
                key = (_digits(given.number), fold(given.label))
                found.setdefault(key, []).append(advice)
                labels.setdefault(key, given.label)
                numbers.setdefault(key, given.number)
        for key, advices in found.items():
            lines.append(
                NumberLine(
                    service,
                    numbers[key],
                    labels[key],
                    tuple(dict.fromkeys(a.source for a in advices)),
                    max(a.date for a in advices),
                )
            )
    return lines


# ---- offices ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Office:
    """An embassy or consulate to show: curated (no source) or a government's own listing."""

    embassy: Embassy
    source: str = ""
    date: dt.date | None = None


def offices(advisory: Advisory) -> list[Office]:
    """The curated embassies, then each government's own offices not already listed."""
    out = [Office(e) for e in advisory.embassies]
    seen = {(e.of, e.kind, fold(e.city)) for e in advisory.embassies}
    for advice in advisory.sources:
        for office in advice.offices:
            key = (office.of, office.kind, fold(office.city))
            if key in seen:
                continue
            seen.add(key)
            out.append(Office(office, advice.source, advice.date))
    return out


def nationalities(listed: Iterable[Office]) -> list[str]:
    """The countries whose offices are listed, in order."""
    return list(dict.fromkeys(o.embassy.of for o in listed))
