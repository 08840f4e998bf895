"""The bot's own membership of chats (`my_chat_member` updates): a user blocks or unblocks it, a
group adds or removes it. Pushes pause and resume with the user; a group that removes the bot
stops following; a group that adds it is told how to ask and who may subscribe it."""

from __future__ import annotations

import datetime as dt
import logging

from telegram import ChatMember, ChatMemberRestricted, Update
from telegram.constants import ChatType

from bot.core.membership import group_greeting, welcome_back_reply
from bot.core.reply import Reply, UserState
from bot.i18n import Tr
from bot.store.membership import end_group, pause_blocked, resume_unblocked
from bot.telegram.context import Context
from bot.telegram.handlers import send, speaker

log = logging.getLogger(__name__)

_GONE = (ChatMember.LEFT, ChatMember.BANNED)  # "left", "kicked" (a private chat: blocked)


def _present(member: ChatMember) -> bool:
    """Whether the bot is in the chat (a restricted bot may still be a member)."""
    if isinstance(member, ChatMemberRestricted):
        return member.is_member
    return member.status not in _GONE


async def on_my_chat_member(update: Update, context: Context) -> None:
    """Someone blocked or unblocked the bot, or added it to a group or removed it from one."""
    change = update.my_chat_member
    if change is None:
        return
    chat, old, new = change.chat, change.old_chat_member, change.new_chat_member
    vigie = context.vigie
    now = dt.datetime.now(dt.UTC)
    if chat.type == ChatType.PRIVATE:
        if new.status == ChatMember.BANNED:
            paused = pause_blocked(vigie.db, chat.id, now)
            log.info("a user blocked the bot: %d subscription(s) paused", paused)
        elif old.status == ChatMember.BANNED and _present(new):
            await _welcome_back(update, context, now)
        return
    if not _present(new):
        ended = end_group(vigie.db, chat.id, now)
        log.info("removed from a %s: %d subscription(s) ended", chat.type, ended)
    elif not _present(old) and chat.type in (ChatType.GROUP, ChatType.SUPERGROUP):
        who = speaker(update)
        if who is not None:
            username = context.bot.username or ""

            def greeting(t: Tr, state: UserState) -> Reply:
                return group_greeting(username, t, state)

            await send(context, chat.id, vigie.conversations.notice(who, greeting))


async def _welcome_back(update: Update, context: Context, now: dt.datetime) -> None:
    """Resume the user's paused subscriptions and say so, once (nothing when none were)."""
    vigie = context.vigie
    who = speaker(update)
    if who is None:
        return
    codes = resume_unblocked(vigie.db, who.key, now)
    log.info("a user unblocked the bot: %d subscription(s) resumed", len(codes))
    if not codes:
        return
    advisories = vigie.knowledge.get().advisories

    def welcome_back(t: Tr, state: UserState) -> Reply:
        return welcome_back_reply(codes, advisories, t, state)

    await send(context, who.chat_id, vigie.conversations.notice(who, welcome_back))
