"""Languages: gettext catalogs (locales/), and Babel's country names, dates and plurals.

Message ids are English. Catalogs are compiled by `make compile-catalogs`; when a compiled
catalog is missing or older than its .po file, it is compiled in memory at first use, so a fresh
checkout never shows stale or missing translations.
"""

from __future__ import annotations

import datetime as dt
import gettext
import io
from dataclasses import dataclass
from enum import StrEnum
from functools import cache, lru_cache
from pathlib import Path

from babel import Locale
from babel.dates import format_date as babel_format_date
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

DOMAIN = "vigie"
LOCALES_DIR = Path(__file__).resolve().parents[1] / "locales"


def N_(message: str) -> str:
    """Mark a string for extraction without translating it now."""
    return message


class Lang(StrEnum):
    """The languages Vigie speaks."""

    EN = "en"
    FR = "fr"


def normalise_lang(code: str | None) -> Lang:
    """'fr', 'fr-CA', 'fr_BE' → 'fr'; anything else → 'en'."""
    return Lang.FR if code and code.lower().startswith("fr") else Lang.EN


@cache
def _locale(lang: str) -> Locale:
    return Locale.parse(normalise_lang(lang))


@cache
def _translations(lang: str) -> gettext.NullTranslations:
    if lang == "en":
        return gettext.NullTranslations()
    po = LOCALES_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"
    mo = po.with_suffix(".mo")
    if mo.exists() and (not po.exists() or mo.stat().st_mtime >= po.stat().st_mtime):
        with mo.open("rb") as handle:
            return gettext.GNUTranslations(handle)
    if not po.exists():
        return gettext.NullTranslations()
    with po.open("rb") as handle:
        catalog = read_po(handle, locale=lang, domain=DOMAIN)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)


@dataclass(frozen=True, slots=True)
class Tr:
    """Everything language-dependent, for one language: gettext, plurals, names and dates."""

    lang: str

    def _(self, message: str) -> str:
        """Translate a message."""
        return _translations(self.lang).gettext(message)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        """Translate a message with a plural form chosen for `n`."""
        return _translations(self.lang).ngettext(singular, plural, n)

    def country(self, code: str) -> str:
        """The CLDR name of a country in this language."""
        return country_name(code, self.lang)

    def date(self, date: dt.date) -> str:
        """A date as travellers read it in this language."""
        return format_date(date, self.lang)


@cache
def tr(lang: str) -> Tr:
    """The translator for `lang` ('en' or 'fr')."""
    return Tr(normalise_lang(lang))


def country_name(code: str, lang: str) -> str:
    """The CLDR name of a country in `lang` ('Mali', 'Côte d’Ivoire', 'Kosovo')."""
    names = _locale(lang).territories
    return str(names.get(code, code))


@lru_cache(maxsize=8192)
def format_date(date: dt.date, lang: str) -> str:
    """A date as travellers read it: 'November 12, 2025' / '12 novembre 2025'."""
    return str(babel_format_date(date, format="long", locale=_locale(lang)))


def catalog_path(lang: str) -> Path:
    """The .po file of `lang`."""
    return LOCALES_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"
