"""The offline console: the same core in a terminal, scriptable line by line."""

from __future__ import annotations

import shutil
from pathlib import Path

from click.testing import CliRunner

from bot.cli import main
from bot.store.db import open_db


def chat(db: Path, lines: list[str], *args: str, command: str = "chat") -> str:
    result = CliRunner().invoke(
        main,
        ["--db", str(db), command, *args],
        input="\n".join(lines) + "\n",
        env={"TELEGRAM_BOT_TOKEN": ""},
    )
    assert result.exit_code == 0, result.output
    return result.output


def published(tmp_path: Path, published_db: Path) -> Path:
    db = tmp_path / "console.db"
    shutil.copy(published_db, db)
    return db


def test_console_answers_a_scripted_conversation(tmp_path: Path, published_db: Path) -> None:
    db = published(tmp_path, published_db)
    out = chat(db, ["is it safe to go to Mali?", "1", "/subscriptions", "Tombouctou"])
    assert "Welcome" in out
    assert "Mali" in out and "Level 4 – Do not travel" in out
    assert "[1] 🔔 Subscribe to alerts" in out
    assert "you will get a message here" in out  # typing 1 pressed Subscribe
    assert "You follow 1 destination" in out
    assert "📍" in out and "Timbuktu" in out
    rows = open_db(db).execute("SELECT code, status FROM subscriptions").fetchall()
    assert rows == [("ML", "active")]


def test_console_in_french(tmp_path: Path, published_db: Path) -> None:
    out = chat(published(tmp_path, published_db), ["ambassade", "Mali"], "--lang", "fr")
    assert "Bienvenue" in out and "Quel pays" in out and "Contacts — Mali" in out


def test_run_without_token_opens_the_console(tmp_path: Path, published_db: Path) -> None:
    out = chat(published(tmp_path, published_db), ["Niger"], command="run")
    assert "No TELEGRAM_BOT_TOKEN" in out and "Niger" in out


def test_console_records_what_it_did_not_understand(tmp_path: Path, published_db: Path) -> None:
    db = published(tmp_path, published_db)
    chat(db, ["tell me a joke", "tell me a joke", "c'est dangereux ?"])
    result = CliRunner().invoke(main, ["--db", str(db), "data", "unmatched"])
    assert "2  en  no intent  tell me a joke" in result.output
    assert "no place" in result.output
    assert "user" not in open_db(db).table("unmatched").columns_dict


def test_console_shows_links_as_text_and_url(tmp_path: Path, published_db: Path) -> None:
    out = chat(published(tmp_path, published_db), ["is it safe to go to Mali?"])
    assert (
        "U.S. Department of State (https://travel.state.gov/content/travel/en/traveladvisories/"
        in out
    )
    assert "<a href" not in out


def test_console_unsubscribes_only_when_the_button_is_pressed(
    tmp_path: Path, published_db: Path
) -> None:
    db = published(tmp_path, published_db)
    asked = chat(db, ["subscribe Mali", "stop Mali alerts"])
    assert "This will stop the alerts for Mali" in asked and "[1] 🔕" in asked
    status = "SELECT code, status FROM subscriptions"
    assert open_db(db).execute(status).fetchall() == [("ML", "active")]
    chat(db, ["stop Mali alerts", "1"])
    assert open_db(db).execute(status).fetchall() != [("ML", "active")]


def test_console_start_resumes_paused_subscriptions_as_telegram_does(
    tmp_path: Path, published_db: Path
) -> None:
    db = published(tmp_path, published_db)
    chat(db, ["subscribe Mali"])
    store = open_db(db)
    store.execute("UPDATE subscriptions SET status = 'paused', status_reason = '403 blocked'")
    store.close()
    chat(db, ["/subscriptions"])  # the console starts with /start
    rows = open_db(db).execute("SELECT code, status FROM subscriptions").fetchall()
    assert rows == [("ML", "active")]
