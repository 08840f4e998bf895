"""What the coverage report needs from the database beyond the advisories: subscribers."""

from __future__ import annotations

from sqlite_utils import Database


def active_subscribers(db: Database) -> dict[str, int]:
    """How many active subscriptions each destination has."""
    rows = db.execute(
        "SELECT code, COUNT(*) FROM subscriptions WHERE status = 'active' GROUP BY code"
    ).fetchall()
    return {code: count for code, count in rows}
