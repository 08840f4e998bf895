"""Publishing the data files into the database: all or nothing, with history and change events."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

from sqlite_utils import Database

from bot.core.diff import (
    Change,
    diff_advisories,
    event_kind,
    needs_change_note,
    official_update,
)
from bot.core.model import SOURCES, Advisory, Text
from bot.core.official_dates import replaces
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
    generation,
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
# Official blocks a sync wrote that no export has put in the files yet ("CODE/source").
SYNCED_BLOCKS = "synced_blocks_not_exported"


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


def keep_newer_official(
    old: Advisory | None, new: Advisory, synced: frozenset[str] = frozenset()
) -> Advisory:
    """Per official source, the rule of bot.core.official_dates between the database (`old`,
    where the sync writes) and the file (`new`, arriving now): the later date wins, and on an
    equal date the file (a maintainer's correction). A block the sync added and no export has
    written yet is kept when the file lacks it."""
    if old is None:
        return new
    in_file = {s.source: s for s in new.sources}
    kept = []
    for block in old.sources:
        mine = in_file.get(block.source)
        if mine is None and f"{old.code}/{block.source}" in synced:
            kept.append(block)
        elif mine is not None and mine != block and not replaces(block, mine):
            in_file[block.source] = block
    if not kept and all(a is b for a, b in zip(in_file.values(), new.sources, strict=True)):
        return new
    sources = sorted([*in_file.values(), *kept], key=lambda s: SOURCES.index(s.source))
    return replace(new, sources=tuple(sources))


def synced_blocks(db: Database) -> frozenset[str]:
    """The official blocks written by a sync and not yet exported ("CODE/source")."""
    return frozenset(json.loads(get_meta(db, SYNCED_BLOCKS) or "[]"))


def add_synced_blocks(db: Database, blocks: set[str]) -> None:
    """Remember blocks a sync wrote (inside the caller's transaction)."""
    if blocks:
        set_meta(db, SYNCED_BLOCKS, json.dumps(sorted(blocks | synced_blocks(db))))


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
    synced = synced_blocks(db)
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
        new = keep_newer_official(old, keep_telegram_alerts(old, new, exported), synced)
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
    for every major change. Raise DataError (nothing written) if any file is refused. The files
    are read, validated and compared before the write lock is taken; if another writer changed
    the advisories meanwhile, the comparison is made again under the lock."""
    fingerprint = data_fingerprint(data_dir)
    if if_stale and get_meta(db, "data_hash") == fingerprint:
        return PublishReport(publish_id=None, skipped=True)
    at = now.isoformat(timespec="seconds")
    seen = generation(db)
    plans = plan_publish(db, data_dir, now.date(), allow_remove=allow_remove)
    with write_transaction(db):
        if generation(db) != seen:
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


Compute = Callable[[dict[str, Advisory]], tuple[dict[str, Advisory], dict[str, Text]]]


def publish_advisories(
    db: Database,
    compute: Compute,
    *,
    who: str,
    now: dt.datetime,
    quiet: frozenset[str] = frozenset(),
    bookkeeping: Callable[[PublishReport], None] | None = None,
) -> PublishReport:
    """Publish advisories made by `compute` from the published ones (a sync, a maintainer's
    decision in Telegram): `compute` returns the changed advisories and, for each, the note its
    event carries (never the advisory's own change note, which stays the maintainers'). The work
    is done before the write lock is taken, and again under it if the data changed meanwhile.
    Destinations in `quiet` get history but no event (a first sync's baseline). `bookkeeping`
    runs in the same transaction, after the publish: if it fails, nothing is written."""
    at = now.isoformat(timespec="seconds")
    seen = generation(db)
    plans = _plans_from(load_advisories(db), compute)
    with write_transaction(db):
        if generation(db) != seen:
            plans = _plans_from(load_advisories(db), compute)
        report = PublishReport(publish_id=None)
        if plans:
            cursor = db.execute(
                "INSERT INTO publishes (at, who, data_hash, changes, events)"
                " VALUES (?, ?, '', ?, 0)",
                [at, who, sum(len(p.changes) for p, _ in plans)],
            )
            report = PublishReport(publish_id=cursor.lastrowid, plans=[p for p, _ in plans])
            notes_used = last_note_hashes(db)
            for plan, note in plans:
                report.events += _apply_plan(
                    db,
                    plan,
                    at=at,
                    who=who,
                    publish_id=report.publish_id,
                    notes_used=notes_used,
                    event_note=note,
                    push=plan.code not in quiet,
                )
            db.execute(
                "UPDATE publishes SET events = ? WHERE id = ?", [report.events, report.publish_id]
            )
        if bookkeeping is not None:
            bookkeeping(report)
    return report


def _plans_from(
    olds: dict[str, Advisory], compute: Compute
) -> list[tuple[DestinationPlan, Text | None]]:
    changed, notes = compute(olds)
    plans = []
    for code, new in sorted(changed.items()):
        old = olds.get(code)
        if old is not None and content_hash(old) == content_hash(new):
            continue
        plans.append((DestinationPlan(code, old, new, diff_advisories(old, new)), notes.get(code)))
    return plans


def _apply_plan(
    db: Database,
    plan: DestinationPlan,
    *,
    at: str,
    who: str,
    publish_id: int | None,
    notes_used: dict[str, str],
    event_note: Text | None = None,
    push: bool = True,
) -> int:
    """Write one destination's changes, its history rows and its event; return events made.
    With `event_note` (a sync), the event carries it and the advisory's change note is left as
    the maintainers wrote it; an official update that moves no level (a re-issue, a reworded
    text) then goes to the daily digest only. Without `push`, no event at all."""
    new = plan.new
    kind = event_kind(plan.changes)
    if event_note is not None:
        note = event_note if needs_change_note(plan.changes) else None
    else:
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
            note=note if note is not None else event_note,
        )
    if new is None:
        delete_advisory(db, plan.code)
        return 0
    last_note = note_hash(note) if note and event_note is None else notes_used.get(plan.code, "")
    save_advisory(db, new, at=at, last_note=last_note)
    if not push or plan.old is None:
        return 0
    digest_only = kind is None and event_note is not None and official_update(plan.changes)
    if kind is None and not digest_only:
        return 0
    if digest_only:
        note = event_note
    elif note is None:  # new alerts only: their own text is the note
        added = {c.ref for c in plan.changes if c.kind == "alert_added"}
        alerts = [a for a in new.alerts if a.id in added]
        note = Text("\n".join(a.text.en for a in alerts), "\n".join(a.text.fr for a in alerts))
    assert note is not None
    record_event(
        db,
        code=plan.code,
        kind=kind or "update",
        at=at,
        old_level=plan.old.level,
        new_level=new.level,
        note=note,
        changes=[c.summary for c in plan.changes if c.major or digest_only],
        publish_id=publish_id,
        origin="publish",
        digest_only=digest_only,
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
    set_meta(db, SYNCED_BLOCKS, "[]")  # every synced block is in the files now
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
