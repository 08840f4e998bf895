"""The push sender behind its Transport: any object with send_message can stand for Telegram."""

from __future__ import annotations

import asyncio
import datetime as dt
import shutil
from pathlib import Path

from bot.core.model import Text
from bot.core.reply import Action, Button, UserState
from bot.knowledge import KnowledgeCache
from bot.push.sender import OutboxSender, SenderSettings
from bot.push.transport import Unreachable
from bot.store.alerts import add_telegram_alert
from bot.store.db import open_db
from bot.store.outbox import status_counts
from bot.store.users import save_turn
from tests.conftest import DATA

NOW = dt.datetime(2026, 11, 24, 12, 0, tzinfo=dt.UTC)


class RecordingTransport:
    """Telegram as a list: what was sent where; chats in `blocked` answer 403."""

    def __init__(self, blocked: set[int]) -> None:
        self.blocked = blocked
        self.sent: list[tuple[int, str]] = []

    async def send_message(
        self,
        chat_id: int,
        text: str,
        buttons: tuple[tuple[Button, ...], ...],
        *,
        paid_broadcast: bool,
        timeout: float,
    ) -> int:
        if chat_id in self.blocked:
            raise Unreachable("403 Forbidden: bot was blocked by the user")
        self.sent.append((chat_id, text))
        return len(self.sent)


async def test_an_alert_reaches_subscribers_in_their_language_and_a_block_pauses(
    tmp_path: Path, published_db: Path
) -> None:
    shutil.copy(published_db, tmp_path / "vigie.db")
    db = open_db(tmp_path / "vigie.db")
    for user, lang in ((1, "fr"), (2, "en"), (3, "en")):
        state = UserState(lang=lang)
        follow = [Action("subscribe", "ML")]
        save_turn(db, user, chat_id=user, state=state, reply_lang=lang, actions=follow, now=NOW)
    add_telegram_alert(
        db, code="ML", text=Text("Curfew.", "Couvre-feu."), severity="critical", who="t", now=NOW
    )
    transport = RecordingTransport(blocked={3})
    sender = OutboxSender(transport, db, KnowledgeCache(db, DATA), SenderSettings(rate=1000))
    running = asyncio.create_task(sender.run())
    for _ in range(200):
        if status_counts(db)[0].counts["queued"] == 0 and len(transport.sent) == 2:
            break
        await asyncio.sleep(0.02)
    sender.stop()
    await running
    texts = dict(transport.sent)
    assert "Couvre-feu." in texts[1] and "Curfew." in texts[2]
    counts = status_counts(db)[0].counts
    assert (counts["sent"], counts["paused"]) == (2, 1)
