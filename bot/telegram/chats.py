"""Whose turn it is in a chat: the subscriber a Telegram update speaks for, and whether the
sender may change a group's alerts (asked of Telegram with getChatMember)."""

from __future__ import annotations

import logging

from telegram import Bot, ChatMember, Update, User
from telegram.constants import ChatType
from telegram.error import TelegramError

from bot.core.groups import ANONYMOUS_ADMIN_ID, admins_only, needs_admin
from bot.core.reply import Reply, UserState
from bot.i18n import tr

log = logging.getLogger(__name__)

ADMIN_STATUSES = (ChatMember.OWNER, ChatMember.ADMINISTRATOR)


def subscriber_id(update: Update, user: User) -> int:
    """Whose state and subscriptions a turn of `user` uses: the user's own in a private chat (or
    with no chat, as for inline queries); the chat's in a group or channel, so anonymous admins
    and channels, who share one user id, are told apart by their chat."""
    chat = update.effective_chat
    if chat is None or chat.type == ChatType.PRIVATE:
        return user.id
    return chat.id


async def sender_is_admin(update: Update, bot: Bot) -> bool:
    """Is the sender an admin of this group? An anonymous admin writes as the group itself."""
    chat, user, message = update.effective_chat, update.effective_user, update.effective_message
    if chat is None or user is None:
        return False
    if update.callback_query is None and message is not None and message.sender_chat is not None:
        return message.sender_chat.id == chat.id  # anonymous admin; a channel is not an admin
    if user.id == ANONYMOUS_ADMIN_ID:
        return False
    try:
        member = await bot.get_chat_member(chat.id, user.id)
    except TelegramError as error:
        log.info("could not check the admins of chat %s: %s", chat.id, error)
        return False
    return member.status in ADMIN_STATUSES


async def with_consent(update: Update, bot: Bot, reply: Reply, state: UserState) -> Reply:
    """`reply` itself, unless it would change a group's alerts or settings and the sender is not
    one of the group's admins: then a refusal that changes nothing (`state` is the group's
    state before this turn)."""
    chat = update.effective_chat
    if chat is None or chat.type == ChatType.PRIVATE or not needs_admin(reply):
        return reply
    if await sender_is_admin(update, bot):
        return reply
    return admins_only(state, tr(reply.lang))
