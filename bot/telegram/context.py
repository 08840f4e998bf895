"""What the handlers share, typed: python-telegram-bot's `ContextTypes` with our own classes for
`context.bot_data` and `context.user_data` instead of string keys."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlite_utils import Database
from telegram.ext import CallbackContext, ContextTypes, ExtBot

from bot.config import Settings
from bot.knowledge import KnowledgeCache
from bot.telegram.flood import FloodControl
from bot.turn import Conversations

if TYPE_CHECKING:
    from bot.push.sender import OutboxSender
    from bot.push.transport import BotApiTransport


class BotData:
    """The application's shared objects. python-telegram-bot creates it empty;
    `build_application` fills it in with `setup`."""

    db: Database
    knowledge: KnowledgeCache
    settings: Settings
    flood: FloodControl
    conversations: Conversations

    def __init__(self) -> None:
        self.transport: BotApiTransport | None = None  # the push sender's HTTP session
        self.sender: OutboxSender | None = None
        self.sender_task: asyncio.Task[None] | None = None

    def setup(self, settings: Settings, db: Database) -> None:
        """Open what the handlers need for this settings' database and data."""
        self.db = db
        self.settings = settings
        self.knowledge = KnowledgeCache(db, settings.data_dir)
        self.flood = FloodControl()
        self.conversations = Conversations(db, self.knowledge)

    def wake_sender(self) -> None:
        """New deliveries were queued: the sender looks at the outbox now."""
        if self.sender is not None:
            self.sender.wake()


@dataclass(slots=True)
class AlertDraft:
    """An urgent alert a maintainer is writing (/alert)."""

    code: str
    en: str = ""
    fr: str = ""


class UserData:
    """What is kept per Telegram user between updates (in memory only)."""

    def __init__(self) -> None:
        self.alert: AlertDraft | None = None


class Context(CallbackContext[ExtBot[None], UserData, dict[Any, Any], BotData]):
    """The `context` every handler receives."""

    @property
    def vigie(self) -> BotData:
        """The application's shared objects."""
        return self.bot_data


CONTEXT_TYPES = ContextTypes(context=Context, bot_data=BotData, user_data=UserData)
