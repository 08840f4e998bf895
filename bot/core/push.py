"""The text of pushes: what changed for a destination, in the subscriber's language. Pure."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, replace

from bot.core import callbacks as cb
from bot.core.model import Advisory, Text
from bot.core.render import LEVEL_EMOJI, esc, fit, flag, level_badge
from bot.core.reply import Button
from bot.core.typography import typeset
from bot.i18n import Tr

MAX_NOTES = 5


@dataclass(frozen=True, slots=True)
class PushEvent:
    """A recorded change event, as a push shows it."""

    kind: str  # level | alert | update
    old_level: int | None
    new_level: int | None
    note: Text
    at: dt.datetime


def _level_change(events: Sequence[PushEvent], advisory: Advisory | None, t: Tr) -> str:
    old = next((e.old_level for e in events if e.old_level is not None), None)
    new = advisory.level if advisory is not None else events[-1].new_level
    if old is None or new is None or old == new:
        return f"<b>{level_badge(new, t)}</b>"
    before = t._("Level {level}").format(level=old)
    return f"{LEVEL_EMOJI[old]} {esc(before)} → <b>{level_badge(new, t)}</b>"


def _notes(events: Sequence[PushEvent], t: Tr, advisory: Advisory | None = None) -> list[str]:
    lines = []
    for event in list(reversed(events))[:MAX_NOTES]:
        for day, note in dated_notes(event, advisory, t):
            lines.append(f"• {esc(t.date(day))}{t.colon()}{esc(note)}")
    if len(events) > MAX_NOTES:
        more = len(events) - MAX_NOTES
        lines.append(
            esc(
                t.ngettext("and %(n)d earlier change", "and %(n)d earlier changes", more)
                % {"n": more}
            )
        )
    return lines


def dated_notes(event: PushEvent, advisory: Advisory | None, t: Tr) -> list[tuple[dt.date, str]]:
    """An event's note with its date: an alert's own date (the note of new alerts is their
    text, one per line), else the day the change was published."""
    note = event.note.get(t.lang).strip()
    if not note:
        return []
    english = [line.strip() for line in event.note.en.strip().splitlines()]
    shown = note.splitlines()
    alerts = {a.text.en.strip(): a for a in advisory.alerts} if advisory else {}
    if alerts and len(english) == len(shown) and all(line in alerts for line in english):
        return [(alerts[e].date, s) for e, s in zip(english, shown, strict=True)]
    return [(event.at.date(), note)]


def push_buttons(code: str, t: Tr) -> tuple[tuple[Button, ...], ...]:
    """Open the card, switch to the daily digest, or unsubscribe."""
    return (
        (Button(f"{flag(code)} " + t._("Open the advisory"), cb.encode(cb.CARD, code)),),
        (
            Button(t._("Daily digest"), cb.encode(cb.MODE, code, "digest")),
            Button("🔕 " + t._("Unsubscribe"), cb.encode(cb.UNSUBSCRIBE, code)),
        ),
    )


def render_push(
    code: str, advisory: Advisory | None, events: Sequence[PushEvent], t: Tr
) -> tuple[str, tuple[tuple[Button, ...], ...]]:
    """One message for one destination: old → new level, what changed (the change notes), when,
    with buttons. Several events waiting for the same subscriber make one message."""
    if any(e.kind == "level" for e in events):
        head = t._("{country}: the travel advice level changed")
    elif all(e.kind == "alert" for e in events):
        head = t._("{country}: new alert")
    else:
        head = t._("{country}: the travel advice was updated")
    lines = [f"🔔 {flag(code)} <b>{esc(head.format(country=t.country(code)))}</b>"]
    lines.append(_level_change(events, advisory, t))
    notes = _notes(events, t, advisory)
    if notes:
        what_changed = t._("What changed")
        lines += ["", f"<b>{esc(what_changed)}</b>", *notes]
    return _typeset(fit("\n".join(lines)), push_buttons(code, t), t)


def render_digest(
    items: Sequence[tuple[str, Advisory | None, Sequence[PushEvent]]], t: Tr
) -> tuple[str, tuple[tuple[Button, ...], ...]]:
    """The daily digest: every followed destination that changed, one message."""
    title = t._("Your daily travel advice digest")
    lines = [f"🗞 <b>{esc(title)}</b>"]
    buttons = []
    for code, advisory, events in items:
        lines += [
            "",
            f"{flag(code)} <b>{esc(t.country(code))}</b> — {_level_change(events, advisory, t)}",
        ]
        lines += _notes(events, t, advisory)
        buttons.append(Button(f"{flag(code)} {t.country(code)}", cb.encode(cb.CARD, code)))
    rows = tuple(tuple(buttons[i : i + 3]) for i in range(0, len(buttons), 3))
    return _typeset(fit("\n".join(lines)), rows, t)


def render_goodbye(code: str, t: Tr) -> tuple[str, tuple[tuple[Button, ...], ...]]:
    """The last message when a subscription reaches its end date."""
    text = t._(
        "Your trip to {country_the} is over: I stopped sending you its alerts. Safe travels!"
    ).format(**t.country_args(code))
    again = Button(t._("Subscribe again"), cb.encode(cb.SUBSCRIBE, code))
    return _typeset(f"👋 {esc(text)}", ((again,),), t)


def _typeset(
    text: str, buttons: tuple[tuple[Button, ...], ...], t: Tr
) -> tuple[str, tuple[tuple[Button, ...], ...]]:
    """A push's text and buttons with the typography of its language (bot/core/typography.py)."""
    rows = tuple(tuple(replace(b, label=typeset(b.label, t.lang)) for b in row) for row in buttons)
    return typeset(text, t.lang), rows
