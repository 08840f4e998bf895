"""Datasette with deploy/datasette.yml over a real published database: maintainers read the
advisories and the officials' sections, numbers and offices; users' tables and SQL stay closed."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
import yaml

from bot.store.db import open_db
from bot.store.publish import publish
from bot.store.snapshot import snapshot
from tests.conftest import DATA, PROJECT

datasette_app = pytest.importorskip("datasette.app", reason="datasette is in the test extra")

METADATA = PROJECT / "deploy" / "datasette.yml"
READABLE = {"destinations", "history", "events", "publishes", "meta", "sync_state", "sync_items"}
DENIED = {"users", "subscriptions", "deliveries", "unmatched", "notices", "notice_deliveries"}


@pytest.fixture(scope="module")
def database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """What `make browse` serves: a snapshot of a live database (WAL, the bot still holding it
    open with its last writes not yet checkpointed)."""
    folder = tmp_path_factory.mktemp("browse")
    live = open_db(folder / "live.db")
    publish(live, DATA, who="tests", now=dt.datetime(2026, 11, 24, tzinfo=dt.UTC))
    now = "2026-11-24T09:00:00+00:00"
    live["users"].insert({"user_id": 424242, "lang": "fr", "created_at": now, "updated_at": now})
    live["subscriptions"].insert(
        {"user_id": 424242, "code": "ML", "status": "active", "created_at": now}
    )
    path = snapshot(folder / "live.db", folder / "snapshot" / "vigie.db")
    live.close()
    return path


@pytest.fixture
def datasette(database: Path) -> object:
    metadata = yaml.safe_load(METADATA.read_text(encoding="utf-8"))
    return datasette_app.Datasette(immutables=[str(database)], metadata=metadata)


async def _get(datasette: object, path: str) -> tuple[int, str]:
    response = await datasette.client.get(path)  # type: ignore[attr-defined]
    return response.status_code, response.text


async def test_users_tables_are_denied_in_every_form(datasette: object) -> None:
    for table in sorted(DENIED):
        for path in (f"/vigie/{table}", f"/vigie/{table}.json", f"/vigie/{table}/1.json"):
            status, body = await _get(datasette, path)
            assert status == 403, (path, status)
            assert "424242" not in body
    status, body = await _get(datasette, "/vigie.json")
    assert status == 200
    listed = {t["name"] for t in json.loads(body)["tables"]}
    assert not listed & DENIED and listed >= READABLE


async def test_no_sql_of_ones_own(datasette: object) -> None:
    status, body = await _get(datasette, "/vigie.json?sql=select+user_id+from+users")
    assert status == 403 and "424242" not in body
    status, _ = await _get(datasette, "/vigie?sql=select+1")
    assert status == 403


async def test_maintainers_read_the_advisories_and_the_officials_numbers(
    datasette: object,
) -> None:
    status, body = await _get(datasette, "/vigie/destinations.json?code=MX&_shape=array")
    assert status == 200 and '"code": "MX"' in body.replace('":"', '": "')
    status, body = await _get(datasette, "/vigie/emergency_numbers.json?code=MX&_shape=array")
    assert status == 200
    rows = json.loads(body)
    assert {
        "code": "MX",
        "origin": "uk-fcdo",
        "service": "tourist_police",
        "number": "+52 55 5207 4155",
        "label": "Mexico City Tourist Police",
    } in rows
    status, body = await _get(datasette, "/vigie/official_sections.json?code=ke&_shape=array")
    topics = {(r["source"], r["topic"]) for r in json.loads(body)}
    assert ("uk-fcdo", "health") in topics and ("ca-gac", "security") in topics
    status, body = await _get(datasette, "/vigie/offices.json?code=KE&_shape=array")
    names = [r["name"] for r in json.loads(body)]
    assert "British High Commission Nairobi" in names


def test_every_table_is_either_readable_or_denied(database: Path) -> None:
    """A table a migration adds must be placed, on purpose, in deploy/datasette.yml."""
    metadata = yaml.safe_load(METADATA.read_text(encoding="utf-8"))
    tables = metadata["databases"]["vigie"]["tables"]
    denied = {name for name, rules in tables.items() if (rules or {}).get("allow") is False}
    assert denied == DENIED
    db = open_db(database)
    names = set(db.table_names())
    db.close()
    assert names <= set(tables), f"not placed in deploy/datasette.yml: {names - set(tables)}"
    assert metadata["allow_sql"] is False
