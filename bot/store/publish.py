"""Publishing the data files into the database: all or nothing, with history and change events."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field, replace
from pathlib import Path

from sqlite_utils import Database

from bot.core.diff import Change, diff_advisories, event_kind, needs_change_note
from bot.core.model import Advisory, Text
from bot.datafiles.files import (
    DataError,
    FileProblem,
    data_fingerprint,
    destination_path,
    read_all,
    write_destination,
)
from bot.store.advisories import (
    content_hash,
    delete_advisory,
    last_note_hashes,
    load_advisories,
    note_hash,
    record_history,
    save_advisory,
)
from bot.store.db import get_meta, set_meta, write_transaction
from bot.store.events import record_event


@dataclass(frozen=True, slots=True)
class DestinationPlan:
    """What a publish would do to one destination."""

    code: str
    old: Advisory | None
    new: Advisory | None  # None: removed
    changes: list[Change]

    @property
    def major(self) -> bool:
        return any(c.major for c in self.changes)


@dataclass(slots=True)
class PublishReport:
    """What a publish did."""

    publish_id: int | None
    plans: list[DestinationPlan] = field(default_factory=list)
    events: int = 0
    skipped: bool = False


EXPORTED_ALERTS = "exported_telegram_alerts"


def keep_telegram_alerts(
    old: Advisory | None, new: Advisory, exported: frozenset[str] = frozenset()
) -> Advisory:
    """Alerts sent from Telegram live in the database until exported: keep them on publish. Once
    exported they are in the file, and a maintainer who deletes one there deletes it."""
    if old is None:
        return new
    ids = {a.id for a in new.alerts}
    extra = tuple(
        a
        for a in old.alerts
        if a.origin == "telegram" and a.id not in ids and f"{old.code}/{a.id}" not in exported
    )
    return replace(new, alerts=new.alerts + extra) if extra else new


def exported_alerts(db: Database) -> frozenset[str]:
    """The Telegram alerts already written to the files ("CODE/id")."""
    return frozenset(json.loads(get_meta(db, EXPORTED_ALERTS) or "[]"))


def plan_publish(
    db: Database, data_dir: Path, today: dt.date, *, allow_remove: bool = False
) -> list[DestinationPlan]:
    """Read and validate every file and compare with the database; raise DataError if anything
    would be refused. Nothing is written."""
    plans, problems = plan_changes(db, data_dir, today, allow_remove=allow_remove)
    if problems:
        raise DataError(problems)
    return plans


def plan_changes(
    db: Database, data_dir: Path, today: dt.date, *, allow_remove: bool = False
) -> tuple[list[DestinationPlan], list[FileProblem]]:
    """Every destination's changes, and the problems that would make a publish refuse them.
    Raise DataError if a file itself is invalid."""
    new_by_code = {a.code: a for a in read_all(data_dir, today)}
    old_by_code = load_advisories(db)
    notes_used = last_note_hashes(db)
    exported = exported_alerts(db)
    plans: list[DestinationPlan] = []
    problems: list[FileProblem] = []
    for code in sorted(new_by_code.keys() | old_by_code.keys()):
        old = old_by_code.get(code)
        new = new_by_code.get(code)
        if new is None:
            if not allow_remove:
                problems.append(
                    FileProblem(
                        destination_path(data_dir, code),
                        None,
                        "file missing but the destination is published; restore it or publish"
                        " with --allow-remove",
                    )
                )
            plans.append(DestinationPlan(code, old, None, [Change("removed", False, "removed")]))
            continue
        new = keep_telegram_alerts(old, new, exported)
        if old is not None and content_hash(old) == content_hash(new):
            continue
        changes = diff_advisories(old, new)
        if needs_change_note(changes):
            fresh = new.change_note is not None and note_hash(new.change_note) != notes_used.get(
                code, ""
            )
            if not fresh:
                majors = "; ".join(c.summary for c in changes if c.major)
                problems.append(
                    FileProblem(
                        destination_path(data_dir, code),
                        1,
                        f"major change ({majors}) needs a new [change_note] with en and fr",
                    )
                )
        plans.append(DestinationPlan(code, old, new, changes))
    return plans, problems


def publish(
    db: Database,
    data_dir: Path,
    *,
    who: str,
    now: dt.datetime,
    allow_remove: bool = False,
    if_stale: bool = False,
) -> PublishReport:
    """Import every data file into the database in one transaction, recording history and an event
    for every major change. Raise DataError (nothing written) if any file is refused."""
    fingerprint = data_fingerprint(data_dir)
    if if_stale and get_meta(db, "data_hash") == fingerprint:
        return PublishReport(publish_id=None, skipped=True)
    at = now.isoformat(timespec="seconds")
    with write_transaction(db):
        plans = plan_publish(db, data_dir, now.date(), allow_remove=allow_remove)
        cursor = db.execute(
            "INSERT INTO publishes (at, who, data_hash, changes, events) VALUES (?, ?, ?, ?, 0)",
            [at, who, fingerprint, sum(len(p.changes) for p in plans)],
        )
        publish_id = cursor.lastrowid
        report = PublishReport(publish_id=publish_id, plans=plans)
        notes_used = last_note_hashes(db)
        for plan in plans:
            report.events += _apply_plan(
                db, plan, at=at, who=who, publish_id=publish_id, notes_used=notes_used
            )
        db.execute("UPDATE publishes SET events = ? WHERE id = ?", [report.events, publish_id])
        set_meta(db, "data_hash", fingerprint)
    return report


def _apply_plan(
    db: Database,
    plan: DestinationPlan,
    *,
    at: str,
    who: str,
    publish_id: int | None,
    notes_used: dict[str, str],
) -> int:
    """Write one destination's changes, its history rows and its event; return events made."""
    new = plan.new
    kind = event_kind(plan.changes)
    note = new.change_note if new and needs_change_note(plan.changes) else None
    for change in plan.changes:
        record_history(
            db,
            publish_id=publish_id,
            code=plan.code,
            at=at,
            who=who,
            kind=change.kind,
            major=change.major,
            summary=change.summary,
            note=note,
        )
    if new is None:
        delete_advisory(db, plan.code)
        return 0
    last_note = note_hash(note) if note else notes_used.get(plan.code, "")
    save_advisory(db, new, at=at, last_note=last_note)
    if kind is None or plan.old is None:
        return 0
    if note is None:  # new alerts only: their own text is the note
        added = {c.ref for c in plan.changes if c.kind == "alert_added"}
        alerts = [a for a in new.alerts if a.id in added]
        note = Text("\n".join(a.text.en for a in alerts), "\n".join(a.text.fr for a in alerts))
    record_event(
        db,
        code=plan.code,
        kind=kind,
        at=at,
        old_level=plan.old.level,
        new_level=new.level,
        note=note,
        changes=[c.summary for c in plan.changes if c.major],
        publish_id=publish_id,
        origin="publish",
    )
    return 1


def export(db: Database, data_dir: Path) -> list[Path]:
    """Write every published destination back to its file (lossless), and remember which
    Telegram alerts are now in the files."""
    advisories = load_advisories(db).values()
    paths = [write_destination(data_dir, a) for a in advisories]
    written = {
        f"{a.code}/{al.id}" for a in advisories for al in a.alerts if al.origin == "telegram"
    }
    set_meta(db, EXPORTED_ALERTS, json.dumps(sorted(written | exported_alerts(db))))
    return paths


def history_of(db: Database, code: str) -> list[dict[str, object]]:
    """The change history of one destination, newest publish first (headline change first)."""
    rows = db.execute(
        "SELECT at, who, kind, major, summary, note_en, note_fr FROM history WHERE code = ?"
        " ORDER BY publish_id DESC, id ASC",
        [code],
    ).fetchall()
    keys = ("at", "who", "kind", "major", "summary", "note_en", "note_fr")
    return [dict(zip(keys, row, strict=True)) for row in rows]
