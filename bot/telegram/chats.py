"""Whose turn it is in a chat: the subscriber a Telegram update speaks for, and whether the
sender may change a group's alerts (asked of Telegram with getChatMember, only when a turn would
change them: bot/turn.py raises ConsentNeeded)."""

from __future__ import annotations

import logging

from telegram import Bot, ChatMember, Update, User
from telegram.constants import ChatType
from telegram.error import TelegramError

from bot.core.groups import ANONYMOUS_ADMIN_ID

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
