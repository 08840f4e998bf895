"""Urgent alerts sent by maintainers from Telegram: stored with the advisory, pushed at once."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from sqlite_utils import Database

from bot.core.model import Alert, Text
from bot.store.advisories import (
    last_note_hashes,
    load_advisory,
    record_history,
    save_advisory,
)
from bot.store.db import write_transaction
from bot.store.events import record_event


def add_telegram_alert(
    db: Database, *, code: str, text: Text, severity: str, who: str, now: dt.datetime
) -> int:
    """Add an alert to `code`'s advisory, its history row and its change event (with one delivery
    per subscriber), all in one transaction. `vigie data publish` keeps it; `export` writes it."""
    at = now.isoformat(timespec="seconds")
    with write_transaction(db):
        advisory = load_advisory(db, code)
        if advisory is None:
            raise ValueError(f"no published advisory for {code}")
        taken = {a.id for a in advisory.alerts}
        base = f"tg-{now:%Y%m%d-%H%M}"
        alert_id = base
        n = 1
        while alert_id in taken:
            n += 1
            alert_id = f"{base}-{n}"
        alert = Alert(alert_id, now.date(), severity, text, origin="telegram")
        updated = replace(advisory, alerts=(*advisory.alerts, alert))
        save_advisory(db, updated, at=at, last_note=last_note_hashes(db).get(code, ""))
        record_history(
            db,
            publish_id=None,
            code=code,
            at=at,
            who=who,
            kind="alert_added",
            major=True,
            summary=f"new alert {alert_id} (Telegram)",
            note=text,
        )
        return record_event(
            db,
            code=code,
            kind="alert",
            at=at,
            old_level=advisory.level,
            new_level=updated.level,
            note=text,
            changes=[f"new alert {alert_id}"],
            publish_id=None,
            origin="telegram",
        )
