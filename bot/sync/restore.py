"""`vigie sync restore SOURCE`: put back what one source's blocks were before its last applied
change (a wrong feed got through), through the publish machinery (history, events, pushes where
a level moves back), and refuse that same change if the feed offers it again."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, replace
from pathlib import Path

from sqlite_utils import Database

from bot.core.model import SOURCES, Advisory, SourceAdvice, Text
from bot.datafiles.convert import advisory_from_dict
from bot.datafiles.files import read_levels
from bot.i18n import N_, tr
from bot.store.notices import add_notice
from bot.store.publish import PublishReport, publish_advisories
from bot.store.sync_state import forget_previous, held_key, previous_state

RESTORED = N_(
    "A maintainer withdrew the last update from {source} for {country}: its earlier advice,"
    " level {level} of {date}, is back."
)
REMOVED = N_("A maintainer withdrew {source}'s advice for {country}, added by the last update.")


class NothingToRestore(Exception):
    """No sync changed this source since the last restore (or ever)."""


@dataclass(frozen=True, slots=True)
class Restored:
    """What a restore did."""

    source: str
    codes: list[str]
    since: str  # when the withdrawn change was applied
    events: int


def restore_source(db: Database, data_dir: Path, source_id: str, *, now: dt.datetime) -> Restored:
    """Restore `source_id`'s blocks as they were before its last applied change; raise
    NothingToRestore if there is none."""
    previous = previous_state(db, source_id)
    if previous is None:
        raise NothingToRestore(f"{source_id}: no sync change to undo (or it was restored already)")
    olds: dict[str, SourceAdvice | None] = {}
    for code, doc in previous["blocks"].items():
        advisory, _ = advisory_from_dict(json.loads(doc))
        olds[code] = advisory.source(source_id) if advisory else None
    infos = read_levels(data_dir)
    name = infos[source_id].name if source_id in infos else Text(source_id, source_id)

    def compute(published: dict[str, Advisory]) -> tuple[dict[str, Advisory], dict[str, Text]]:
        changed, notes = {}, {}
        for code, old in olds.items():
            current = published.get(code)
            if current is None or current.source(source_id) == old:
                continue
            blocks = [s for s in current.sources if s.source != source_id] + ([old] if old else [])
            blocks.sort(key=lambda s: SOURCES.index(s.source))
            changed[code] = replace(current, sources=tuple(blocks))
            notes[code] = Text(*(_note(lang, name, code, old) for lang in ("en", "fr")))
        return changed, notes

    def bookkeeping(report: PublishReport) -> None:
        forget_previous(db, source_id)
        add_notice(  # the same change offered again by the feed is not applied
            db,
            key=held_key(source_id, previous["fingerprint"]),
            kind="held",
            params={"source": source_id, "why": "withdrawn with vigie sync restore"},
            at=now,
        )
        db.execute(
            "UPDATE notices SET decision = 'discard', decided_by = 'vigie sync restore',"
            " sent_at = ? WHERE key = ?",
            [now.isoformat(timespec="seconds"), held_key(source_id, previous["fingerprint"])],
        )

    report = publish_advisories(
        db, compute, who="vigie sync restore", now=now, bookkeeping=bookkeeping
    )
    return Restored(source_id, [p.code for p in report.plans], previous["at"], report.events)


def _note(lang: str, name: Text, code: str, old: SourceAdvice | None) -> str:
    t = tr(lang)
    if old is None:
        return t._(REMOVED).format(source=name.get(lang), country=t.country(code))
    return t._(RESTORED).format(
        source=name.get(lang), country=t.country(code), level=old.level, date=t.date(old.date)
    )
