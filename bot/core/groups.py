"""Who may change what in a group chat (pure rules: the adapter asks Telegram who is an admin).

In a private chat, the user's subscriptions and settings are their own. In a group, the group is
the subscriber: its subscriptions push to the group, so only the group's admins may change them
(or its language, or forget it). Anyone may still ask questions there.
"""

from __future__ import annotations

from bot.core.render import esc
from bot.core.reply import Reply, UserState
from bot.i18n import Tr

ANONYMOUS_ADMIN_ID = 1087968824  # GroupAnonymousBot: all anonymous group admins share this id

# Every action that changes what a chat receives or what is stored about it.
GROUP_ADMIN_ACTIONS = frozenset(
    {"subscribe", "unsubscribe", "set_mode", "set_scope", "set_until", "set_language", "forget"}
)


def needs_admin(reply: Reply) -> bool:
    """In a group, would carrying out this reply need an admin's consent?"""
    return any(action.kind in GROUP_ADMIN_ACTIONS for action in reply.actions)


def admins_only(state: UserState, t: Tr) -> Reply:
    """The answer to a member who is not an admin: nothing changes, and how to get alerts
    for themselves."""
    text = t._(
        "In a group, only its admins can change its alerts and settings."
        " To get alerts for yourself, write to me in a private chat."
    )
    return Reply(esc(text), t.lang, state=state, notice=text[:200])
