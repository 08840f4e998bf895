"""Applying what the feeds say to the published advisories: per source, only newer advice
replaces what we hold; each change gets a dated note naming its government, in both languages;
an official level that now differs from our curated one is put to the maintainers."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace

from bot.core.model import SOURCES, Advisory, SourceAdvice, SourceInfo, Text
from bot.datafiles.convert import advisory_from_dict, advisory_to_dict
from bot.i18n import N_, tr
from bot.importers.common import FeedEntry, plausible

RAISED = N_("{source} raised its advice for {country} from level {old} to {new} on {date}.")
LOWERED = N_("{source} lowered its advice for {country} from level {old} to {new} on {date}.")
ADDED = N_("{source} advises level {new} for {country} (on {date}).")
UPDATED = N_("{source} updated its advice for {country} on {date}.")


@dataclass(frozen=True, slots=True)
class Review:
    """An official level that, after a sync, differs from the curated level."""

    code: str
    source: str
    level: int
    curated: int
    date: dt.date

    @property
    def key(self) -> str:
        """Asked once per destination, source, level and date."""
        return f"review:{self.code}:{self.source}:{self.level}:{self.date.isoformat()}"


@dataclass(slots=True)
class Merge:
    """What a sync changes in the published advisories."""

    changed: dict[str, Advisory] = field(default_factory=dict)
    notes: dict[str, Text] = field(default_factory=dict)
    blocks: set[str] = field(default_factory=set)  # "CODE/source" written
    reviews: list[Review] = field(default_factory=list)
    unpublished: set[str] = field(default_factory=set)  # codes no maintainer has published
    invalid: list[str] = field(default_factory=list)  # blocks the data rules refuse, with why


def newer_block(
    old: SourceAdvice | None, advice: SourceAdvice, today: dt.date
) -> SourceAdvice | None:
    """The block to hold after the feed gave `advice`, or None to keep `old`: only a later date
    replaces what we hold (on the same date what is published stays, as a file's correction
    does in `vigie data publish`, so the two never undo each other); a missing or implausible
    date counts as today's only if the level changed."""
    if not plausible(advice.date, today):
        if old is not None and old.level == advice.level:
            return None
        advice = replace(advice, date=today)
    elif old is not None and advice.date <= old.date and not _adds_texts(old, advice):
        return None
    return None if advice == old else advice


def _adds_texts(old: SourceAdvice, new: SourceAdvice) -> bool:
    """The same page on the same date, read by a Vigie that now keeps the government's texts
    (issue 15): a block held without any gains them, without waiting for the next update."""
    return (
        new.date == old.date and new.level == old.level and not old.sections and bool(new.sections)
    )


def merge_feeds(
    published: dict[str, Advisory],
    entries: dict[str, list[FeedEntry]],
    sources: dict[str, SourceInfo],
    today: dt.date,
) -> Merge:
    """Every destination whose official blocks change, with its event note and reviews."""
    merge = Merge()
    lines: dict[str, list[tuple[str, str, dict[str, object]]]] = {}
    for source_id, feed in entries.items():
        for entry in feed:
            for code in entry.codes:
                current = merge.changed.get(code) or published.get(code)
                if current is None:
                    merge.unpublished.add(code)
                    continue
                old = current.source(source_id)
                block = newer_block(old, replace(entry.advice, source=source_id), today)
                if block is None:
                    continue
                blocks = [s for s in current.sources if s.source != source_id] + [block]
                blocks.sort(key=lambda s: SOURCES.index(s.source))
                candidate = replace(current, sources=tuple(blocks))
                # What the sync publishes must pass the same checks as a data file (export).
                _, problems = advisory_from_dict(advisory_to_dict(candidate), today=today)
                if problems:
                    merge.invalid.append(f"{code} {source_id}: {problems[0].message}")
                    continue
                merge.changed[code] = candidate
                merge.blocks.add(f"{code}/{source_id}")
                lines.setdefault(code, []).append(_line(source_id, old, block))
                curated = current.curated_level
                moved = old is not None and old.level != block.level  # a government's change
                if curated is not None and moved and block.level != curated.level:
                    merge.reviews.append(
                        Review(code, source_id, block.level, curated.level, block.date)
                    )
    for code, parts in lines.items():
        merge.notes[code] = Text(*(_note(code, parts, sources, lang) for lang in ("en", "fr")))
    return merge


def _line(
    source_id: str, old: SourceAdvice | None, new: SourceAdvice
) -> tuple[str, str, dict[str, object]]:
    values: dict[str, object] = {"old": old.level if old else None, "new": new.level}
    if old is None:
        message = ADDED
    elif new.level > old.level:
        message = RAISED
    elif new.level < old.level:
        message = LOWERED
    else:
        message = UPDATED
    return source_id, message, {**values, "date": new.date}


def _note(
    code: str,
    parts: list[tuple[str, str, dict[str, object]]],
    sources: dict[str, SourceInfo],
    lang: str,
) -> str:
    t = tr(lang)
    out = []
    for source_id, message, values in parts:
        info = sources.get(source_id)
        date = values["date"]
        assert isinstance(date, dt.date)
        out.append(
            t._(message).format(
                source=info.name.get(lang) if info else source_id,
                country=t.country(code),
                old=values["old"],
                new=values["new"],
                date=t.date(date),
            )
        )
    return "\n".join(out)
