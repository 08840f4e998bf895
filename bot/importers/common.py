"""What every importer shares: fetching a feed, cleaning its text, and merging its advice into
the data files for a maintainer to review (git diff) before publishing."""

from __future__ import annotations

import datetime as dt
import html
import re
import urllib.request
from dataclasses import dataclass, field, replace
from pathlib import Path

from bot.core.model import RISKS, SOURCES, Advisory, SourceAdvice, SourceInfo, Text
from bot.datafiles.convert import EARLIEST_PLAUSIBLE
from bot.datafiles.files import (
    DataError,
    destination_path,
    read_destination,
    read_levels,
    write_destination,
)


class ImportError_(Exception):
    """A feed entry could not be imported safely; nothing was written."""


@dataclass(frozen=True, slots=True)
class FeedEntry:
    """One destination's advice as read from a feed, before merging."""

    codes: tuple[str, ...]
    advice: SourceAdvice
    name: str  # the feed's own name for the destination, for messages


@dataclass(slots=True)
class ImportReport:
    """What an import changed in the data files."""

    written: list[str] = field(default_factory=list)  # codes whose file changed
    created: list[str] = field(default_factory=list)
    level_changes: list[str] = field(default_factory=list)
    kept_newer: list[str] = field(default_factory=list)  # feed older than what we hold
    skipped: list[str] = field(default_factory=list)  # feed entries that are not destinations


def fetch(url: str, timeout: float = 30.0) -> bytes:
    """Download a feed (maintainer command only; the bot itself never does)."""
    request = urllib.request.Request(url, headers={"User-Agent": "vigie-importer/1.0"})
    with urllib.request.urlopen(request, timeout=timeout) as response:
        data: bytes = response.read()
        return data


def clean_text(raw: str) -> str:
    """HTML to plain text: tags dropped, entities decoded (twice: feeds double-escape),
    artefacts such as '&**Safety&**' removed, blank lines normalised."""
    text = re.sub(r"(?i)<br\s*/?>|</p>|</li>|</h\d>", "\n", raw)
    text = re.sub(r"(?i)<li[^>]*>", "\n- ", text)
    text = re.sub(r"<[^>]+>", "", text)
    text = html.unescape(html.unescape(text))
    text = text.replace("&**", "").replace("**", "")
    text = text.replace("\u00a0", " ").replace("\u202f", " ")
    text = re.sub(r"[ \t]+", " ", text)
    text = re.sub(r" *\n *", "\n", text)
    text = re.sub(r"\n{3,}", "\n\n", text)
    return text.strip()


def shorten(text: str, limit: int = 700) -> str:
    """Cut `text` at a sentence end before `limit` characters."""
    if len(text) <= limit:
        return text
    cut = text[:limit]
    end = max(cut.rfind(". "), cut.rfind(".\n"))
    return cut[: end + 1] if end > limit // 3 else cut.rsplit(" ", 1)[0] + "…"


_RISK_WORDS = (
    ("crime", ("crime", "criminal", "robbery", "gang")),
    ("terrorism", ("terroris",)),
    ("kidnapping", ("kidnap", "hostage")),
    ("civil_unrest", ("unrest", "demonstration", "protest", "political violence")),
    ("health", ("health", "medical", "disease", "epidemic", "outbreak")),
    ("natural_disaster", ("natural disaster", "weather", "environmental hazard", "earthquake")),
    ("time_limited_event", ("time-limited", "time limited", "election")),
    ("wrongful_detention", ("wrongful", "arbitrary detention", "arbitrary arrest", "detention")),
    (
        "other",
        (
            "armed conflict",
            "landmine",
            "land mine",
            "unexploded",
            "piracy",
            "missile",
            "arbitrary enforcement",
            "hostilities",
            "armed violence",
            "border clash",
            "civil aviation",
            "war ",
        ),
    ),
)


def risks_in(phrase: str) -> tuple[str, ...]:
    """The risk indicators named in a phrase such as 'due to crime, terrorism and kidnapping'."""
    lower = phrase.lower() + " "
    found = [risk for risk, words in _RISK_WORDS if any(w in lower for w in words)]
    return tuple(r for r in RISKS if r in found)


def plausible(date: dt.date | None, today: dt.date) -> bool:
    """Whether a feed's date can be believed: not before 1995, not in the future."""
    return date is not None and EARLIEST_PLAUSIBLE <= date <= today


def change_note_for(info: SourceInfo, old: SourceAdvice, new: SourceAdvice) -> Text:
    """A bilingual note for a level change found in a feed, for the maintainer to review."""
    old_label, new_label = info.label(old.level), info.label(new.level)
    verb_en = "raised" if new.level > old.level else "lowered"
    verb_fr = "relevé" if new.level > old.level else "abaissé"
    return Text(
        en=(
            f"{info.name.en} {verb_en} its advice from level {old.level}"
            f" ({old_label.en if old_label else old.label}) to level {new.level}"
            f" ({new_label.en if new_label else new.label}) on {new.date.isoformat()}."
        ),
        fr=(
            f"{info.name.fr} a {verb_fr} son niveau de {old.level}"
            f" ({old_label.fr if old_label else old.label}) à {new.level}"
            f" ({new_label.fr if new_label else new.label}) le {new.date.isoformat()}."
        ),
    )


def merge_entries(
    data_dir: Path, source_id: str, entries: list[FeedEntry], *, today: dt.date
) -> ImportReport:
    """Merge feed entries into the data files. Every file is validated first; nothing is written
    if any is broken. Older or implausible feed dates never replace what we hold."""
    levels = read_levels(data_dir)
    info = levels[source_id]
    report = ImportReport()
    updated: dict[str, Advisory] = {}
    for entry in entries:
        for code in entry.codes:
            current = updated.get(code)
            if current is None:
                path = destination_path(data_dir, code)
                if path.exists():
                    current, problems = read_destination(path, today)
                    if problems:
                        raise DataError(problems)
                    assert current is not None
                else:
                    current = Advisory(code=code)
                    report.created.append(code)
            merged = _merge_one(current, entry.advice, info, today, report)
            if merged != current or code in report.created:
                updated[code] = merged
    for code, advisory in sorted(updated.items()):
        write_destination(data_dir, advisory)
        report.written.append(code)
    return report


def _merge_one(
    current: Advisory, advice: SourceAdvice, info: SourceInfo, today: dt.date, report: ImportReport
) -> Advisory:
    old = current.source(advice.source)
    if old is not None:
        if plausible(advice.date, today) and advice.date < old.date:
            report.kept_newer.append(current.code)
            return current
        if not plausible(advice.date, today):
            if advice.level == old.level:
                advice = replace(advice, date=old.date)
            else:
                advice = replace(advice, date=today)  # a real change seen today, date unknown
    elif not plausible(advice.date, today):
        advice = replace(advice, date=today)
    sources = (*(s for s in current.sources if s.source != advice.source), advice)
    merged = replace(current, sources=tuple(sorted(sources, key=lambda s: SOURCES.index(s.source))))
    if old is not None and old.level != advice.level:
        note = change_note_for(info, old, advice)
        earlier = any(c.startswith(f"{current.code}:") for c in report.level_changes)
        if earlier and current.change_note is not None:  # several changes in one import
            note = Text(
                f"{current.change_note.en}\n{note.en}", f"{current.change_note.fr}\n{note.fr}"
            )
        report.level_changes.append(f"{current.code}: {old.level} -> {advice.level}")
        merged = replace(merged, change_note=note)
    return merged
