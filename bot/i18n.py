"""Languages: gettext catalogs, and Babel's country names, dates and plurals."""

from __future__ import annotations

import datetime as dt
from functools import cache

from babel import Locale
from babel.dates import format_date as babel_format_date

SUPPORTED = ("en", "fr")


def normalise_lang(code: str | None) -> str:
    """'fr', 'fr-CA', 'fr_BE' → 'fr'; anything else → 'en'."""
    return "fr" if code and code.lower().startswith("fr") else "en"


@cache
def _locale(lang: str) -> Locale:
    return Locale.parse(normalise_lang(lang))


def country_name(code: str, lang: str) -> str:
    """The CLDR name of a country in `lang` ('Mali', 'Côte d’Ivoire', 'Kosovo')."""
    names = _locale(lang).territories
    return str(names.get(code, code))


def format_date(date: dt.date, lang: str) -> str:
    """A date as travellers read it: 'November 12, 2025' / '12 novembre 2025'."""
    return str(babel_format_date(date, format="long", locale=_locale(lang)))
