"""Compare two versions of a destination's advisory: what changed, and is it major or minor.

Major changes reach subscribers as pushes; minor ones (a typo fix, a reissue with the same
level) are only recorded in the history. For a government's advice, only its level is major: a
re-issue, reworded risks, regions or sections, a source added at the same level are minor (the
headline level moving is major whatever moved it).
"""

from __future__ import annotations

from dataclasses import dataclass

from rapidfuzz.distance import Levenshtein

from bot.core.model import Advisory, Text

# A text edit that changes at most this many characters, and no digit, is a correction.
MINOR_EDIT_CHARS = 40


@dataclass(frozen=True, slots=True)
class Change:
    """One difference between two versions of an advisory."""

    kind: str  # new | level | curated_level | source_level | source_added | source_removed |
    #           source_date | source_text | alert_added | alert_removed | alert_edited |
    #           region_added | region_removed | region_level | region_text | section |
    #           contacts | emergency
    major: bool
    summary: str  # one line for maintainers, in English
    old_level: int | None = None
    new_level: int | None = None
    ref: str = ""  # the source, alert, region or section concerned


def is_minor_edit(old: str, new: str) -> bool:
    """Whether editing `old` into `new` is a small correction that does not change digits."""
    if old == new:
        return True
    if [c for c in old if c.isdigit()] != [c for c in new if c.isdigit()]:
        return False
    return Levenshtein.distance(old, new) <= MINOR_EDIT_CHARS


def _text_minor(old: Text, new: Text) -> bool:
    return is_minor_edit(old.en, new.en) and is_minor_edit(old.fr, new.fr)


def diff_advisories(old: Advisory | None, new: Advisory) -> list[Change]:
    """The changes from `old` (None for a new destination) to `new`, headline level first."""
    if old is None:
        return [Change("new", False, f"new destination at level {new.level}", None, new.level)]
    changes: list[Change] = []
    if old.level != new.level:
        word = "raised" if (new.level or 0) > (old.level or 0) else "lowered"
        changes.append(
            Change(
                "level",
                True,
                f"headline level {word} from {old.level} to {new.level}",
                old.level,
                new.level,
            )
        )
    changes += _curated_changes(old, new)
    changes += _source_changes(old, new)
    changes += _alert_changes(old, new)
    changes += _region_changes(old, new)
    for name in sorted(set(old.sections) | set(new.sections)):
        before, after = old.sections.get(name), new.sections.get(name)
        if before == after:
            continue
        if before is None or after is None:
            verb = "added" if before is None else "removed"
            changes.append(Change("section", True, f"section {name} {verb}", ref=name))
        else:
            major = not _text_minor(before, after)
            kind = "rewritten" if major else "corrected"
            changes.append(Change("section", major, f"section {name} {kind}", ref=name))
    if old.embassies != new.embassies:
        changes.append(Change("contacts", True, "embassies and consulates changed"))
    if old.emergency != new.emergency:
        changes.append(Change("emergency", True, "emergency numbers changed"))
    return changes


def _curated_changes(old: Advisory, new: Advisory) -> list[Change]:
    a, b = old.curated_level, new.curated_level
    if a == b:
        return []
    if a is None or b is None:
        verb = "set" if a is None else "removed"
        level = b.level if b else None
        return [Change("curated_level", False, f"curated level {verb} ({level})")]
    if a.level != b.level:
        return [Change("curated_level", False, f"curated level {a.level} -> {b.level}")]
    return [Change("curated_level", not _text_minor(a.reason, b.reason), "curated reason edited")]


def _source_changes(old: Advisory, new: Advisory) -> list[Change]:
    changes = []
    before = {s.source: s for s in old.sources}
    after = {s.source: s for s in new.sources}
    for source_id in sorted(set(before) | set(after)):
        a, b = before.get(source_id), after.get(source_id)
        if a == b:
            continue
        if a is None and b is not None:
            changes.append(
                Change(
                    "source_added", False, f"{source_id} added at level {b.level}", ref=source_id
                )
            )
        elif b is None and a is not None:
            changes.append(Change("source_removed", False, f"{source_id} removed", ref=source_id))
        elif a is not None and b is not None:
            if a.level != b.level:
                changes.append(
                    Change(
                        "source_level",
                        True,
                        f"{source_id} level {a.level} -> {b.level} ({b.label})",
                        a.level,
                        b.level,
                        ref=source_id,
                    )
                )
            elif set(b.risks) - set(a.risks) or a.regions != b.regions:
                changes.append(
                    Change(
                        "source_text", False, f"{source_id} risks or regions changed", ref=source_id
                    )
                )
            elif a.date != b.date:
                changes.append(
                    Change("source_date", False, f"{source_id} reissued {b.date}", ref=source_id)
                )
            elif (a.sections, a.emergency, a.offices) != (b.sections, b.emergency, b.offices):
                changes.append(
                    Change(
                        "source_text",
                        False,
                        f"{source_id} sections, numbers or offices updated",
                        ref=source_id,
                    )
                )
            else:
                changes.append(
                    Change("source_text", False, f"{source_id} text updated", ref=source_id)
                )
    return changes


def _alert_changes(old: Advisory, new: Advisory) -> list[Change]:
    changes = []
    before = {a.id: a for a in old.alerts}
    after = {a.id: a for a in new.alerts}
    for alert_id, alert in after.items():
        previous = before.get(alert_id)
        if previous is None:
            changes.append(Change("alert_added", True, f"new alert {alert_id}", ref=alert_id))
        elif previous != alert:
            major = previous.severity != alert.severity or not _text_minor(
                previous.text, alert.text
            )
            changes.append(Change("alert_edited", major, f"alert {alert_id} edited", ref=alert_id))
    for alert_id in before.keys() - after.keys():
        changes.append(Change("alert_removed", False, f"alert {alert_id} removed", ref=alert_id))
    return changes


def _region_changes(old: Advisory, new: Advisory) -> list[Change]:
    changes = []
    before = {r.id: r for r in old.regions}
    after = {r.id: r for r in new.regions}
    for region_id, region in after.items():
        previous = before.get(region_id)
        if previous is None:
            changes.append(
                Change(
                    "region_added",
                    True,
                    f"region {region_id} added at level {region.level}",
                    None,
                    region.level,
                    ref=region_id,
                )
            )
        elif previous.level != region.level:
            changes.append(
                Change(
                    "region_level",
                    True,
                    f"region {region_id} level {previous.level} -> {region.level}",
                    previous.level,
                    region.level,
                    ref=region_id,
                )
            )
        elif previous != region:
            major = not _text_minor(previous.reason, region.reason)
            changes.append(
                Change("region_text", major, f"region {region_id} edited", ref=region_id)
            )
    for region_id in before.keys() - after.keys():
        changes.append(Change("region_removed", True, f"region {region_id} removed", ref=region_id))
    return changes


def needs_change_note(changes: list[Change]) -> bool:
    """Whether a publish of these changes needs a change note: a major change besides new alerts
    (an alert carries its own bilingual text)."""
    return any(c.major and c.kind != "alert_added" for c in changes)


OFFICIAL_KINDS = frozenset(
    {"source_added", "source_removed", "source_date", "source_text", "source_level"}
)


def official_update(changes: list[Change]) -> bool:
    """Whether these changes include a government's own update (for the daily digest)."""
    return any(c.kind in OFFICIAL_KINDS for c in changes)


def event_kind(changes: list[Change]) -> str | None:
    """The kind of push event these changes make: "level", "alert", "update", or None if minor."""
    if any(c.kind == "level" for c in changes):
        return "level"
    if not any(c.major for c in changes):
        return None
    if all(c.kind == "alert_added" for c in changes if c.major):
        return "alert"
    return "update"
