"""The one rule for two versions of a government's advice for a destination, wherever they meet:
a feed and the data files (`vigie import`), a feed and the database (the sync), a file and the
database (`vigie data publish`). Pure.

- The later date wins.
- On the same date, the version arriving now wins when its content differs: a same-day
  correction (by the government, or by a maintainer's file) replaces the earlier one. The same
  content is nothing new.
- A date beyond tomorrow is refused (a feed dated 2099 would otherwise block every later
  update); tomorrow's date (a government ahead of UTC) counts as today's.
- A missing or implausibly old date (before 1995: a feed's "1 Jan 1970") is today's when the
  level changed, else nothing new.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from bot.core.model import SourceAdvice

EARLIEST = dt.date(1995, 1, 1)


def too_far_ahead(date: dt.date, today: dt.date) -> bool:
    """Whether a feed's date is beyond tomorrow: the item is refused, not taken."""
    return date > today + dt.timedelta(days=1)


def replaces(held: SourceAdvice | None, incoming: SourceAdvice) -> bool:
    """Whether `incoming` replaces `held` (both dated plausibly): later date, or same date and
    different content."""
    if held is None:
        return True
    return incoming.date > held.date or (incoming.date == held.date and incoming != held)


def block_to_keep(
    held: SourceAdvice | None, incoming: SourceAdvice, today: dt.date
) -> SourceAdvice | None:
    """The block to hold after `incoming` arrives, or None to keep `held` (also when `incoming`
    is refused: check `too_far_ahead` first to tell the maintainers)."""
    if too_far_ahead(incoming.date, today):
        return None
    if incoming.date > today:
        incoming = replace(incoming, date=today)
    if incoming.date < EARLIEST:
        if held is not None and held.level == incoming.level:
            return None
        incoming = replace(incoming, date=today)
    return incoming if replaces(held, incoming) else None
