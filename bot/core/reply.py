"""What the conversation core returns: a reply (HTML text and buttons), side effects for the
adapter to carry out, and the user's new conversation state."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.core.maps import MapRequest


class Mode(StrEnum):
    """When a subscriber hears about a change."""

    IMMEDIATE = "immediate"  # as soon as it is published
    DIGEST = "digest"  # in one daily message


class Scope(StrEnum):
    """Which changes a subscriber hears about."""

    MAJOR = "major"  # every major update
    LEVEL = "level"  # level changes only


@dataclass(frozen=True, slots=True)
class Button:
    """An inline button: callback data (≤ 64 bytes), a URL, or a link to the bot itself.

    `link` is a deep-link payload: the adapter, which knows the bot's username, makes it a link
    that opens the bot with `/start <link>` (the deep link itself, or with `share` set, Telegram's
    share dialog sending that link with the text `share`)."""

    label: str
    data: str = ""
    url: str = ""
    link: str = ""
    share: str = ""


@dataclass(frozen=True, slots=True)
class LocationRequest:
    """A reply-keyboard button that shares the user's location (private chats only). It rides
    on the reply's own message when that has no inline buttons, else on a message of its own
    saying `prompt` (a Telegram message carries one keyboard)."""

    label: str
    prompt: str
    placeholder: str = ""  # shown in the empty input field while the keyboard is up


@dataclass(frozen=True, slots=True)
class Subscription:
    """One of the user's subscriptions, as the core sees it."""

    code: str
    region: str = ""
    mode: Mode = Mode.IMMEDIATE
    scope: Scope = Scope.MAJOR
    until: dt.date | None = None


@dataclass(frozen=True, slots=True)
class UserState:
    """What the conversation remembers about a user between messages."""

    lang: str | None = None  # the user's explicit choice
    last_country: str | None = None
    last_region: str | None = None
    pending_intent: str | None = None  # asked "which country?" for this intent
    pending_at: dt.datetime | None = None
    subscriptions: tuple[Subscription, ...] = ()

    def subscribed_to(self, code: str) -> bool:
        """Whether the user follows `code` (any region)."""
        return any(s.code == code for s in self.subscriptions)


@dataclass(frozen=True, slots=True)
class Action:
    """A side effect the adapter must carry out (the core never writes anything itself)."""

    kind: str  # subscribe | unsubscribe | set_language | forget | set_mode | set_scope | set_until
    code: str = ""
    region: str = ""
    value: str = ""


@dataclass(frozen=True, slots=True)
class Reply:
    """A reply in Telegram HTML, with its buttons (rows), effects and the new state."""

    text: str
    lang: str
    buttons: tuple[tuple[Button, ...], ...] = ()
    actions: tuple[Action, ...] = ()
    state: UserState = field(default_factory=UserState)
    edit: bool = False  # a button press whose answer reads best in place of the old message
    unmatched: str = ""  # not understood: "intent", "place", or "question" (a place, no question)
    notice: str = ""  # a short answer to a button press (answerCallbackQuery)
    location_request: LocationRequest | None = None  # offer a "Share my location" keyboard
    photo: MapRequest | None = None  # a map sent with the text (the adapter draws it)
