"""What Vigie says when its membership of a chat changes: welcome back to a user who unblocked
it, and a greeting to a group that added it."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from bot.core.model import Advisory
from bot.core.render import esc, flag, level_badge
from bot.core.reply import Reply, UserState
from bot.i18n import Tr


def welcome_back_reply(
    codes: Sequence[str], advisories: Mapping[str, Advisory], t: Tr, state: UserState
) -> Reply:
    """A user unblocked the bot: their alerts are on again, with each destination's level now
    (what changed while they were away was not sent)."""
    heading = t._("Welcome back! Your alerts are on again:")
    lines = [f"🔔 <b>{esc(heading)}</b>"]
    for code in codes:
        advisory = advisories.get(code)
        level = level_badge(advisory.level if advisory else None, t)
        lines.append(f"{flag(code)} {esc(t.country(code))} — {esc(level)}")
    return Reply("\n".join(lines), t.lang, state=state)


def group_greeting(bot_username: str, t: Tr, state: UserState) -> Reply:
    """Added to a group: how to ask here, and who may subscribe the group to alerts."""
    hello = t._(
        "Hello! I am Vigie: I tell travellers how safe a destination is, from the official"
        " advice of several governments."
    )
    how = t._(
        "Ask me here with a command, for example /advisory Mali or /hotspots africa, or reply"
        " to one of my messages."
    )
    who = t._(
        "Only this group's admins can subscribe the group to alerts (/subscribe Mali); anyone"
        " can follow destinations for themselves in a private chat with {bot}."
    ).format(bot=f"@{bot_username}" if bot_username else "Vigie")
    return Reply(f"👋 {esc(hello)}\n\n{esc(how)}\n\n{esc(who)}", t.lang, state=state)
