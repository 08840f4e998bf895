"""End to end: links that open Vigie at a card (t.me/<bot>?start=ML), share buttons and inline
results that carry them, and the "Share my location" keyboard."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

from bot.store.db import open_db

from .conftest import Running
from .fake_botapi import FakeBotApi

USER = 6161
FR_USER = 6262
LINK = f"https://t.me/{FakeBotApi.BOT_USERNAME}?start=ML"


def buttons(message: dict[str, Any]) -> list[dict[str, Any]]:
    rows = message.get("reply_markup", {}).get("inline_keyboard", [])
    return [button for row in rows for button in row]


async def say(bot: Running, user: int, text: str, *, lang: str = "en", count: int = 1) -> list:
    """Send `text`; return the bot's `count` new messages."""
    before = len(bot.api.sent_messages(user))
    bot.api.push_text(user, text, language_code=lang)
    await bot.api.wait_for_messages(user, before + count)
    await bot.api.idle()
    return bot.api.sent_messages(user)[before:]


def share_target(message: dict[str, Any]) -> tuple[str, str]:
    """The link and the text a card's share button sends (Telegram's share dialog)."""
    [share] = [b for b in buttons(message) if b.get("url", "").startswith("https://t.me/share/")]
    query = parse_qs(urlsplit(share["url"]).query)
    return query["url"][0], query["text"][0]


def subscription_status(bot: Running, user: int, code: str) -> str | None:
    row = (
        open_db(bot.settings.db_path)
        .execute("SELECT status FROM subscriptions WHERE user_id = ? AND code = ?", [user, code])
        .fetchone()
    )
    return row[0] if row else None


def location_keyboards(bot: Running, chat_id: int) -> list[dict[str, Any]]:
    """The reply keyboards sent to a chat (Telegram does not echo them in the message)."""
    return [
        c.params["reply_markup"]
        for c in bot.api.calls("sendMessage")
        if c.params.get("chat_id") == chat_id and "keyboard" in c.params.get("reply_markup", {})
    ]


async def test_start_ML_opens_the_card_of_Mali(bot: Running) -> None:
    [card] = await say(bot, USER, "/start ML")
    assert "Mali" in card["text"] and "Level 4" in card["text"]
    assert "Welcome" not in card["text"]
    data = [b.get("callback_data") for b in buttons(card)]
    assert "sub:ML" in data and "s:ML:security" in data


async def test_deep_link_payload_is_read_in_any_case_and_in_french(bot: Running) -> None:
    [card] = await say(bot, FR_USER, "/start ne", lang="fr")
    assert "Niger" in card["text"] and "Niveau" in card["text"]


async def test_every_card_shares_the_link_that_opens_it(bot: Running) -> None:
    [card] = await say(bot, USER, "is it safe to go to Mali?")
    link, text = share_target(card)
    assert link == LINK
    assert "Mali" in text
    [french] = await say(bot, FR_USER, "c'est dangereux au Mali ?", lang="fr")
    link, text = share_target(french)
    assert link == LINK and "conseils aux voyageurs" in text
    # Whoever receives the link opens the same card, in their own language.
    [opened] = await say(bot, FR_USER + 1, "/start ML", lang="fr")
    assert "Mali" in opened["text"] and "Niveau 4" in opened["text"]


async def test_start_sub_ML_offers_the_subscription_and_subscribes_only_on_the_button(
    bot: Running,
) -> None:
    [offer] = await say(bot, USER, "/start sub-ML")
    assert "Alerts for Mali" in offer["text"] and "Level 4" in offer["text"]
    assert subscription_status(bot, USER, "ML") is None  # nothing followed yet
    [subscribe] = [b for b in buttons(offer) if b.get("callback_data") == "sub:ML"]
    calls = len(bot.api.calls("answerCallbackQuery"))
    bot.api.push_callback(USER, subscribe["callback_data"], offer["message_id"])
    await bot.api.wait_for_calls("answerCallbackQuery", calls + 1)
    await bot.api.wait_for(lambda: subscription_status(bot, USER, "ML") == "active")
    [_, done] = await bot.api.wait_for_messages(USER, 2)
    assert "you will get a message here" in done["text"]
    [again] = await say(bot, USER, "/start sub-ML")
    assert "You already follow Mali" in again["text"]


async def test_unknown_or_forged_payload_gets_the_welcome_and_one_line(bot: Running) -> None:
    for payload in ("ZZ", "sub-QQ", "x' OR 1=1", "a:ML"):
        messages = await say(bot, USER, f"/start {payload}", count=2)
        welcome = messages[0]
        assert welcome["text"].startswith("⚠️ This link does not lead to a destination I know.")
        assert "Welcome" in welcome["text"]
        assert welcome["text"].count("\n") > 3  # the whole welcome follows the line


async def test_inline_results_offer_the_link_to_the_card(bot: Running) -> None:
    bot.api.push_inline_query(USER, "mali")
    [call] = await bot.api.wait_for_calls("answerInlineQuery", 1)
    [result] = call.params["results"]
    [[button]] = result["reply_markup"]["inline_keyboard"]
    assert button["url"] == LINK
    assert "Mali" in result["input_message_content"]["message_text"]


async def test_start_ends_with_the_share_my_location_keyboard(bot: Running) -> None:
    welcome, prompt = await say(bot, USER, "/start", count=2)
    assert "Welcome" in welcome["text"] and buttons(welcome)  # the language buttons stay
    assert "share your location" in prompt["text"]
    [keyboard] = location_keyboards(bot, USER)
    [[button]] = keyboard["keyboard"]
    assert button == {"text": "📍 Share my location", "request_location": True}
    assert keyboard["one_time_keyboard"] is True and keyboard["resize_keyboard"] is True


async def test_is_it_safe_here_asks_for_the_location_then_answers_where_the_user_is(
    bot: Running,
) -> None:
    [question] = await say(bot, USER, "is it safe here?")
    assert "Share your location" in question["text"]
    [keyboard] = location_keyboards(bot, USER)
    assert keyboard["keyboard"][0][0]["request_location"] is True
    before = len(bot.api.sent_messages(USER))
    bot.api.push_location(USER, 12.6392, -8.0029)  # Bamako
    [card] = (await bot.api.wait_for_messages(USER, before + 1))[before:]
    assert "Mali" in card["text"] and "Bamako" in card["text"]


async def test_where_am_i_safe_in_french_gets_the_french_button(bot: Running) -> None:
    [question] = await say(bot, FR_USER, "où suis-je en sécurité ?", lang="fr")
    assert "position" in question["text"]
    [keyboard] = location_keyboards(bot, FR_USER)
    assert keyboard["keyboard"][0][0]["text"] == "📍 Partager ma position"
    # Writing the country instead answers the question.
    [card] = await say(bot, FR_USER, "Mali", lang="fr")
    assert "Niveau 4" in card["text"]


async def test_groups_get_no_location_keyboard(bot: Running) -> None:
    group = -6363
    before = len(bot.api.sent_messages(group))
    bot.api.push_text(USER, "/start@vigie_test_bot", chat_id=group, chat_type="group")
    await bot.api.wait_for_messages(group, before + 1)
    await bot.api.idle()
    assert len(bot.api.sent_messages(group)) == before + 1
    assert location_keyboards(bot, group) == []
