"""What the handlers share, typed: python-telegram-bot's `ContextTypes` with our own classes for
`context.bot_data` and `context.user_data` instead of string keys."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

from sqlite_utils import Database
from telegram.ext import CallbackContext, ContextTypes, ExtBot, JobQueue

from bot.config import Settings
from bot.knowledge import KnowledgeCache
from bot.push.pacing import SendBudget
from bot.telegram.flood import FloodControl
from bot.telegram.ratelimit import Send
from bot.turn import Conversations

if TYPE_CHECKING:
    from bot.push.sender import OutboxSender
    from bot.push.transport import BotApiTransport
    from bot.push.watchdog import Watchdog


class BotData:
    """The application's shared objects. python-telegram-bot creates it empty;
    `build_application` fills it in with `setup`."""

    db: Database
    knowledge: KnowledgeCache
    settings: Settings
    flood: FloodControl
    conversations: Conversations
    budget: SendBudget  # Telegram's send budget, shared by the replies and the push sender

    def __init__(self) -> None:
        self.transport: BotApiTransport | None = None  # the push sender's HTTP session
        self.sender: OutboxSender | None = None
        self.watchdog: Watchdog | None = None  # restarts the sender if it ever ends
        self.token_rejected = False  # Telegram answered 401: stopping, then exit non-zero
        self.webhook_stop: asyncio.Event | None = None  # set: our webhook server stops
        self.syncing = False  # a scheduled sync is running
        self.menus: asyncio.Task[None] | None = None  # setting descriptions and menus (menus.py)

    def setup(self, settings: Settings, db: Database, budget: SendBudget) -> None:
        """Open what the handlers need for this settings' database and data."""
        self.db = db
        self.settings = settings
        self.budget = budget
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


class Context(CallbackContext[ExtBot[Send], UserData, dict[Any, Any], BotData]):
    """The `context` every handler receives (its bot takes our rate limiter's `Send` args)."""

    @property
    def vigie(self) -> BotData:
        """The application's shared objects."""
        return self.bot_data

    @property
    def jobs(self) -> JobQueue[Context] | None:
        """The application's JobQueue, typed with this context (PTB's `job_queue` leaves its
        context type unbound)."""
        return cast("JobQueue[Context] | None", self.job_queue)


CONTEXT_TYPES = ContextTypes(context=Context, bot_data=BotData, user_data=UserData)
