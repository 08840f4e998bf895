"""Pushes: telling subscribers that the advice for a destination changed.

The path of one change, each step in one place:

1. **event** — `bot/store/publish.py` (`vigie data publish`) or `bot/store/alerts.py` (a
   maintainer's /alert) records a major change with `bot/store/events.py:record_event`, which in
   the same transaction writes
2. **outbox** — one delivery per subscriber who wants it (`bot/store/outbox.py:fan_out`; daily
   digest subscribers' are held until `bot/push/jobs.py:send_digests`). Every delivery ends
   sent, paused, cancelled or failed (`DeliveryStatus`).
3. **sender** — `bot/push/sender.py:OutboxSender` claims due deliveries, writes each message in
   the subscriber's language (`bot/core/push.py`, pure), paces them (`bot/push/pacing.py`) and
   marks each delivery with Telegram's answer;
4. **transport** — `bot/push/transport.py`: anything with `send_message` (the `Transport`
   protocol); `BotApiTransport` posts to the Bot API and turns its errors into what the outbox
   does next (retry later, pause the user, fail).
"""
