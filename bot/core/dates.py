"""End dates typed by travellers ("until 20 December", "jusqu'au 20 décembre"). Pure."""

from __future__ import annotations

import datetime as dt
import re
from functools import cache

from babel import Locale

from bot.core.textnorm import strip_accents


def _fold(text: str) -> str:
    return strip_accents(text.lower()).replace("’", "'")


@cache
def _months() -> dict[str, int]:
    """Month names and abbreviations in English and French (CLDR), folded."""
    names: dict[str, int] = {}
    for lang in ("en", "fr"):
        locale = Locale.parse(lang)
        for width in ("wide", "abbreviated"):
            for context in ("format", "stand-alone"):
                for number, name in locale.months[context][width].items():
                    names[_fold(str(name)).rstrip(".")] = int(number)
    names["sept"] = 9
    return names


_UNTIL = r"(?:until|till|til|through|to|jusqu'?au|jusqu'?a|au)\s+(?:the\s+|le\s+)?"
_DAY_MONTH = re.compile(
    _UNTIL + r"(\d{1,2})(?:st|nd|rd|th|er)?\s+(?:of\s+)?([a-z]+)\.?(?:\s+(\d{4}))?"
)
_MONTH_DAY = re.compile(_UNTIL + r"([a-z]+)\.?\s+(\d{1,2})(?:st|nd|rd|th)?(?:,?\s+(\d{4}))?")
_NUMERIC = re.compile(_UNTIL + r"(\d{1,2})[/.](\d{1,2})(?:[/.](\d{2,4}))?")
_ISO = re.compile(_UNTIL + r"(\d{4})-(\d{2})-(\d{2})")


def parse_until(text: str, today: dt.date) -> dt.date | None:
    """The end date in `text` ("until 20 December", "jusqu'au 20/12"), the next such date on or
    after `today` when no year is given; None when there is none or it is not a real date."""
    folded = _fold(text)
    months = _months()
    found: tuple[int, int, int | None] | None = None
    if m := _ISO.search(folded):
        found = (int(m[3]), int(m[2]), int(m[1]))
    elif (m := _DAY_MONTH.search(folded)) and m[2] in months:
        found = (int(m[1]), months[m[2]], int(m[3]) if m[3] else None)
    elif (m := _MONTH_DAY.search(folded)) and m[1] in months:
        found = (int(m[2]), months[m[1]], int(m[3]) if m[3] else None)
    elif m := _NUMERIC.search(folded):  # day/month, as both our languages write it
        year = int(m[3]) if m[3] else None
        if year is not None and year < 100:
            year += 2000
        found = (int(m[1]), int(m[2]), year)
    if found is None:
        return None
    day, month, year = found
    try:
        date = dt.date(year or today.year, month, day)
        if year is None and date < today:
            date = dt.date(today.year + 1, month, day)
    except ValueError:
        return None
    return date if date >= today else None
