"""Applying what the feeds say to the published advisories: each item made safe to show (links
only on the government's own hosts, names and texts of a sane length, dates not beyond
tomorrow, one item per destination), then per source the rule of bot.core.official_dates; each
change gets a dated note naming its government, in both languages; an official level that now
differs from our curated one is put to the maintainers."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from bot.core.model import SOURCES, Advisory, SourceAdvice, SourceInfo, SourceRegion, Text
from bot.core.official_dates import block_to_keep, too_far_ahead
from bot.datafiles.convert import advisory_from_dict, advisory_to_dict
from bot.i18n import N_, tr
from bot.importers import source_of
from bot.importers.common import FeedEntry, shorten

RAISED = N_("{source} raised its advice for {country} from level {old} to {new} on {date}.")
LOWERED = N_("{source} lowered its advice for {country} from level {old} to {new} on {date}.")
ADDED = N_("{source} advises level {new} for {country} (on {date}).")
UPDATED = N_("{source} updated its advice for {country} on {date}.")

# What a feed may put on a card: longer is cut (a 5,000-character region name would push every
# other government off the card).
MAX_AREA = 200
MAX_AREAS = 30
MAX_REASON = 300
MAX_SUMMARY = 1500
MAX_NOTE = 400
MAX_LABEL = 120


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
    new_blocks: dict[str, dict[str, SourceAdvice]] = field(default_factory=dict)  # source: code:
    drops: dict[str, list[str]] = field(default_factory=dict)  # source: codes lowered 4 -> 1

    def headline_moves(self, published: dict[str, Advisory]) -> list[str]:
        """The destinations whose headline level this merge moves."""
        return [
            code
            for code, new in self.changed.items()
            if code in published and published[code].level != new.level
        ]

    def fingerprint(self, source_id: str) -> str:
        """Names what `source_id` would change (the same feed over the same data: the same)."""
        blocks = self.new_blocks.get(source_id, {})
        text = "\n".join(f"{code}|{block!r}" for code, block in sorted(blocks.items()))
        return hashlib.sha256(text.encode()).hexdigest()[:16]


def newer_block(
    old: SourceAdvice | None, advice: SourceAdvice, today: dt.date
) -> SourceAdvice | None:
    """The block to hold after the feed gave `advice`, or None to keep `old` (the rule of
    bot.core.official_dates)."""
    return block_to_keep(old, advice, today)


def safe_entries(
    source_id: str, entries: list[FeedEntry], today: dt.date
) -> tuple[list[FeedEntry], list[str]]:
    """A feed's entries made safe to publish, and a line per item held back: links off the
    government's own hosts replaced by its home page, over-long names and texts cut, dates
    beyond tomorrow refused, and a destination given twice settled (the later date wins; on the
    same date the more severe level, whatever the order in the feed)."""
    official = source_of(source_id)
    held: list[str] = []
    by_code: dict[tuple[str, ...], list[FeedEntry]] = {}
    for entry in entries:
        advice = entry.advice
        if too_far_ahead(advice.date, today):
            held.append(f"{entry.name[:80]}: dated {advice.date}, beyond tomorrow: refused")
            continue
        if advice.url and not official.owns(advice.url):
            held.append(
                f"{entry.name[:80]}: link not on {official.hosts[0]}: shown as {official.home}"
            )
        by_code.setdefault(entry.codes, []).append(
            replace(entry, advice=_bounded(advice, official.own_link))
        )
    chosen: list[FeedEntry] = []
    for codes, group in by_code.items():
        best = max(group, key=lambda e: (e.advice.date, e.advice.level, e.advice.url))
        if len({(e.advice.date, e.advice.level) for e in group}) > 1:
            levels = ", ".join(f"level {e.advice.level} of {e.advice.date}" for e in group)
            held.append(
                f"{'/'.join(codes)} listed {len(group)} times ({levels}): level"
                f" {best.advice.level} of {best.advice.date} taken"
            )
        chosen.append(best)
    return chosen, held


def _bounded(advice: SourceAdvice, own_link: Callable[[str], str]) -> SourceAdvice:
    regions = tuple(
        SourceRegion(
            tuple(_cut(a, MAX_AREA) for a in region.areas[:MAX_AREAS]),
            region.level,
            _cut(region.reason, MAX_REASON),
        )
        for region in advice.regions
    )
    sections = tuple(replace(s, url=own_link(s.url)) if s.url else s for s in advice.sections)
    return replace(
        advice,
        url=own_link(advice.url),
        label=_cut(advice.label, MAX_LABEL),
        summary=shorten(advice.summary, MAX_SUMMARY),
        summary_fr=shorten(advice.summary_fr, MAX_SUMMARY),
        change_note=shorten(advice.change_note, MAX_NOTE),
        regions=regions,
        sections=sections,
    )


def _cut(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0].rstrip(" ,;") + "…"


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
                merge.new_blocks.setdefault(source_id, {})[code] = block
                if old is not None and old.level == 4 and block.level == 1:
                    merge.drops.setdefault(source_id, []).append(code)
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
