"""What Vigie holds for each destination, for maintainers: per topic, curated text, the
officials' texts (which governments, how old) or nothing; where its emergency numbers come from;
and the curated files to review first (those the officials now contradict, then those with the
most subscribers, then the longest unreviewed)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from bot.core.model import SOURCES, Advisory

# The topics of the report, and the curated sections that answer each ("contacts" and
# "leaving" are what a traveller needing help reads: GOV.UK's "Getting help", Canada's
# "Assistance").
TOPICS = ("security", "health", "entry", "laws", "disasters", "help")
CURATED_TOPICS = {
    "security": "security",
    "health": "health",
    "entry": "entry",
    "contacts": "help",
    "leaving": "help",
}
# The officials' topics that answer each topic of the report: a government's summary, warnings
# and regional risks speak of security too.
OFFICIAL_TOPICS_FOR = {
    "security": ("security", "warnings", "regions", "summary"),
    "health": ("health",),
    "entry": ("entry",),
    "laws": ("laws",),
    "disasters": ("disasters",),
    "help": ("help",),
}
SHORT = {"us-state": "US", "ca-gac": "CA", "uk-fcdo": "UK", "au-dfat": "AU", "fr-meae": "FR"}


@dataclass(frozen=True, slots=True)
class Official:
    """One government's text on a topic: its source, age in days, languages."""

    source: str
    days: int
    langs: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class TopicCoverage:
    """What a destination holds on one topic."""

    curated: bool
    officials: tuple[Official, ...]

    @property
    def status(self) -> str:
        """ "curated", "official" or "nothing"."""
        if self.curated:
            return "curated"
        return "official" if self.officials else "nothing"


@dataclass(frozen=True, slots=True)
class DestinationCoverage:
    """One destination's row of the report."""

    code: str
    topics: dict[str, TopicCoverage]
    emergency: tuple[str, ...]  # where its numbers come from: "curated" and source ids


@dataclass(frozen=True, slots=True)
class Review:
    """A curated file to review, and why."""

    code: str
    disagreements: tuple[str, ...]
    subscribers: int
    reviewed: dt.date | None


@dataclass
class CoverageReport:
    """The whole report."""

    today: dt.date
    destinations: list[DestinationCoverage] = field(default_factory=list)
    review_first: list[Review] = field(default_factory=list)

    def counts(self, topic: str) -> dict[str, int]:
        """How many destinations hold curated text, only official text, or nothing on `topic`."""
        counts = {"curated": 0, "official": 0, "nothing": 0}
        for row in self.destinations:
            counts[row.topics[topic].status] += 1
        return counts

    def emergency_counts(self) -> dict[str, int]:
        """How many destinations have numbers from each origin, and how many have none."""
        counts = {origin: 0 for origin in ("curated", *SOURCES)}
        counts["none"] = 0
        for row in self.destinations:
            for origin in row.emergency:
                counts[origin] += 1
            if not row.emergency:
                counts["none"] += 1
        return counts

    def as_json(self) -> dict[str, Any]:
        """The report as JSON-ready data."""
        return {
            "today": self.today.isoformat(),
            "destinations": [
                {
                    "code": row.code,
                    "topics": {
                        topic: {
                            "status": cell.status,
                            "curated": cell.curated,
                            "officials": [
                                {"source": o.source, "days": o.days, "langs": list(o.langs)}
                                for o in cell.officials
                            ],
                        }
                        for topic, cell in row.topics.items()
                    },
                    "emergency": list(row.emergency),
                }
                for row in self.destinations
            ],
            "review_first": [
                {
                    "code": r.code,
                    "disagreements": list(r.disagreements),
                    "subscribers": r.subscribers,
                    "reviewed": r.reviewed.isoformat() if r.reviewed else None,
                }
                for r in self.review_first
            ],
        }


def topic_coverage(advisory: Advisory, topic: str, today: dt.date) -> TopicCoverage:
    """What `advisory` holds on `topic`."""
    curated = any(CURATED_TOPICS.get(name) == topic for name in advisory.sections)
    officials = []
    for source in advisory.sources:
        found = [s for s in source.sections if s.topic in OFFICIAL_TOPICS_FOR[topic]]
        if not found:
            continue
        newest = max((s.date or source.date) for s in found)
        langs = tuple(lang for lang in ("en", "fr") if any(s.lang == lang for s in found))
        officials.append(Official(source.source, (today - newest).days, langs))
    return TopicCoverage(curated, tuple(officials))


def emergency_origins(advisory: Advisory) -> tuple[str, ...]:
    """Where a destination's emergency numbers come from: "curated", then each government."""
    origins = ["curated"] if advisory.emergency else []
    origins += [s.source for s in advisory.sources if s.emergency]
    return tuple(origins)


def disagreements(advisory: Advisory) -> tuple[str, ...]:
    """How the officials now contradict what maintainers wrote: the curated level against the
    most severe official level; a curated number against the officials' numbers for the same
    service, when no government gives the curated one."""
    found = []
    curated = advisory.curated_level
    if curated is not None and advisory.sources:
        top = max(s.level for s in advisory.sources)
        if curated.level != top:
            levels = ", ".join(
                f"{SHORT.get(s.source, s.source)} {s.level}" for s in advisory.sources
            )
            found.append(f"level: curated {curated.level}, officials {levels}")
    for service, number in advisory.emergency.items():
        official = {
            (s.source, n.number)
            for s in advisory.sources
            for n in s.emergency
            if n.service == service
        }
        if official and number not in {n for _, n in official}:
            theirs = ", ".join(f"{SHORT.get(src, src)} {n}" for src, n in sorted(official))
            found.append(f"{service}: curated {number}, officials {theirs}")
    return tuple(found)


def coverage_report(
    advisories: Mapping[str, Advisory], subscribers: Mapping[str, int], today: dt.date
) -> CoverageReport:
    """The report for every destination in `advisories` (subscribers: active, by code)."""
    report = CoverageReport(today)
    for code in sorted(advisories):
        advisory = advisories[code]
        report.destinations.append(
            DestinationCoverage(
                code,
                {topic: topic_coverage(advisory, topic, today) for topic in TOPICS},
                emergency_origins(advisory),
            )
        )
    reviews = [
        Review(code, disagreements(a), subscribers.get(code, 0), a.reviewed)
        for code, a in advisories.items()
        if a.has_curated_content
    ]
    reviews.sort(
        key=lambda r: (not r.disagreements, -r.subscribers, r.reviewed or dt.date.min, r.code)
    )
    report.review_first = reviews
    return report


def format_cell(cell: TopicCoverage) -> str:
    """A table cell: "C" for curated text, then each government and its age ("UK 67d"), a "fr"
    mark where its French is held; "-" for nothing."""
    parts = ["C"] if cell.curated else []
    for official in cell.officials:
        french = "+fr" if "fr" in official.langs else ""
        parts.append(f"{SHORT.get(official.source, official.source)}{french} {official.days}d")
    return " ".join(parts) or "-"


def format_report(report: CoverageReport) -> str:
    """The report as a plain-text table, its totals, then the files to review first."""
    rows = [["code", *TOPICS, "emergency"]]
    for row in report.destinations:
        numbers = ",".join(SHORT.get(o, o) if o != "curated" else "C" for o in row.emergency)
        rows.append([row.code, *(format_cell(row.topics[t]) for t in TOPICS), numbers or "-"])
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = [
        "  ".join(cell.ljust(w) for cell, w in zip(r, widths, strict=True)).rstrip() for r in rows
    ]
    lines.append("")
    lines.append(
        f"{len(report.destinations)} destinations (C: curated text; UK 67d: GOV.UK's text, 67"
        " days old; +fr: in French too)"
    )
    for topic in TOPICS:
        c = report.counts(topic)
        lines.append(
            f"  {topic:<10} curated {c['curated']:>3}  official only {c['official']:>3}"
            f"  nothing {c['nothing']:>3}"
        )
    e = report.emergency_counts()
    origins = ", ".join(f"{SHORT.get(k, k)} {v}" for k, v in e.items() if k not in ("none",) and v)
    lines.append(f"  emergency numbers from: {origins or 'nowhere'}; none: {e['none']}")
    lines.append("")
    lines.append("Review first (officials disagree, then most subscribers, then oldest review):")
    for review in report.review_first:
        reviewed = review.reviewed.isoformat() if review.reviewed else "never"
        lines.append(
            f"  {review.code}  {review.subscribers} subscriber(s), reviewed {reviewed}"
            + "".join(f"\n      disagrees: {d}" for d in review.disagreements)
        )
    if not report.review_first:
        lines.append("  (no curated file)")
    return "\n".join(lines)
