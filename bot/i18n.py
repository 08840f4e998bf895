"""Languages: gettext catalogs (locales/), and Babel's country names, dates and plurals.

Message ids are English. Catalogs are compiled by `make compile-catalogs`; when a compiled
catalog is missing or older than its .po file, it is compiled in memory at first use, so a fresh
checkout never shows stale or missing translations.

Country names in sentences take their article and preposition from data/places/grammar.toml
("au Mali", "de l’Inde", "aux États-Unis"; "in the United States"). A template about a country is
formatted with `t.country_args(code)`, so a translation may use any of {country} (the bare name),
{country_the} ("le Mali"), {country_in} ("au Mali") and {country_of} ("du Mali").
"""

from __future__ import annotations

import datetime as dt
import gettext
import io
import tomllib
from dataclasses import dataclass
from enum import StrEnum
from functools import cache, lru_cache
from pathlib import Path

from babel import Locale
from babel.dates import format_date as babel_format_date
from babel.dates import format_time, format_timedelta
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from bot.core.textnorm import strip_accents

DOMAIN = "vigie"
LOCALES_DIR = Path(__file__).resolve().parents[1] / "locales"
GRAMMAR_PATH = Path(__file__).resolve().parents[1] / "data" / "places" / "grammar.toml"
NAMES_PATH = Path(__file__).resolve().parents[1] / "data" / "country_names.toml"
# French forms of a country name: (article, "in", "of"); "{n}" is the name. An elided "de" before
# a vowel ("d’Oman") is applied afterwards, see _french_forms.
FRENCH_FORMS = {
    "m": ("le {n}", "au {n}", "du {n}"),  # le Mali, au Mali, du Mali
    "f": ("la {n}", "en {n}", "de la {n}"),  # la France, en France, de la France
    "v": ("l’{n}", "en {n}", "de l’{n}"),  # l’Inde, en Inde, de l’Inde
    "pl": ("les {n}", "aux {n}", "des {n}"),  # les États-Unis, aux États-Unis, des États-Unis
    "fa": ("la {n}", "à la {n}", "de la {n}"),  # la Barbade, à la Barbade, de la Barbade
    "none": ("{n}", "à {n}", "de {n}"),  # Cuba, à Cuba, de Cuba (d’Oman)
    "en": ("{n}", "en {n}", "de {n}"),  # Israël, en Israël, d’Israël
}
_VOWELS = frozenset("aeiouy")


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

    def country_the(self, code: str) -> str:
        """The name as a sentence uses it: 'le Mali', 'les États-Unis'; 'the United States'."""
        return country_forms(code, self.lang)[0]

    def country_in(self, code: str) -> str:
        """'au Mali', 'en France', 'à Cuba'; 'in Mali', 'in the United States'."""
        return country_forms(code, self.lang)[1]

    def country_of(self, code: str) -> str:
        """'du Mali', 'de l’Inde', 'des États-Unis'; 'of Mali', 'of the United States'."""
        return country_forms(code, self.lang)[2]

    def country_args(self, code: str) -> dict[str, str]:
        """Every form of a country's name, for a template's {country}, {country_the},
        {country_in}, {country_of} and {country_de} (what an embassy is "of": "de France",
        "d’Italie", "du Canada", "des États-Unis"; in English, "of France")."""
        the, in_, of = country_forms(code, self.lang)
        return {
            "country": self.country(code),
            "country_the": the,
            "country_in": in_,
            "country_of": of,
            "country_de": country_de(code, self.lang),
        }

    def sort_key(self, text: str) -> tuple[str, str]:
        """Sort as a reader of this language expects: accents do not move a word ('Éthiopie'
        among the E)."""
        return collation_key(text)

    def colon(self) -> str:
        """The separator between a label and its value: ': ', or ' : ' in French."""
        return "\u00a0: " if self.lang == "fr" else ": "

    def date(self, date: dt.date) -> str:
        """A date as travellers read it in this language."""
        return format_date(date, self.lang)

    def ago(self, then: dt.date, today: dt.date) -> str:
        """How long before `today` `then` was: '13 months ago' / 'il y a 13 mois'."""
        return format_ago(today - then, self.lang)

    def utc_time(self, moment: dt.datetime) -> str:
        """The time of day of `moment` in UTC, as '06:05'."""
        return str(format_time(moment, "HH:mm", tzinfo=dt.UTC, locale=_locale(self.lang)))


@cache
def tr(lang: str) -> Tr:
    """The translator for `lang` ('en' or 'fr')."""
    return Tr(normalise_lang(lang))


def country_name(code: str, lang: str) -> str:
    """A country's name in `lang` as its readers write it: data/country_names.toml where CLDR's
    short form is not ('RD Congo', 'Macao'), else CLDR's ('Mali', 'Côte d’Ivoire')."""
    override = name_overrides().get(normalise_lang(lang), {}).get(code)
    if override:
        return override
    names = _locale(lang).territories
    return str(names.get(code, code))


@cache
def name_overrides(path: Path = NAMES_PATH) -> dict[str, dict[str, str]]:
    """data/country_names.toml: per language ("en", "fr", and "fr_form"), code → name."""
    if not path.exists():
        return {}
    text = path.read_text(encoding="utf-8")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise GrammarError(f"{path}: {error}") from error
    forms_at = _line_of(text, "[fr_form]")
    for code, form in data.get("fr_form", {}).items():
        if form not in FRENCH_FORMS:
            line = forms_at + _line_of("\n".join(text.splitlines()[forms_at:]), f"{code} =")
            raise GrammarError(
                f"{path}:{line}: {code} = {form!r}: the form must be one of"
                f" {', '.join(FRENCH_FORMS)} (see data/places/grammar.toml)"
            )
    return {lang: dict(names) for lang, names in data.items()}


class GrammarError(ValueError):
    """data/places/grammar.toml is broken; the message names the file, the line and the fix."""


@dataclass(frozen=True, slots=True)
class Grammar:
    """How country names sit in a sentence (data/places/grammar.toml)."""

    french: dict[str, str]  # code → form, a key of FRENCH_FORMS
    french_names: dict[str, str]  # code → a name for sentences where CLDR's is a formal one
    french_h_muet: frozenset[str]  # names in "h" that elide "de": d’Haïti
    english_the: frozenset[str]  # codes whose English name takes "the"


def read_grammar(path: Path = GRAMMAR_PATH) -> Grammar:
    """Read and check the grammar file; errors name the file and the line."""
    text = path.read_text(encoding="utf-8")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise GrammarError(f"{path}: {error}") from error
    french = data.get("french", {})
    for code, form in french.items():
        if form not in FRENCH_FORMS:
            line = _line_of(text, f"{code} =")
            raise GrammarError(
                f"{path}:{line}: {code} = {form!r}: the form must be one of"
                f" {', '.join(FRENCH_FORMS)} (see the comments at the top of the file)"
            )
    english = data.get("english", {})
    return Grammar(
        french=dict(french),
        french_names=dict(data.get("french_names", {})),
        french_h_muet=frozenset(data.get("french_h_muet", [])),
        english_the=frozenset(english.get("the", [])),
    )


def _line_of(text: str, start: str) -> int:
    for number, line in enumerate(text.splitlines(), start=1):
        if line.strip().startswith(start):
            return number
    return 1


@cache
def grammar() -> Grammar:
    """The grammar of data/places/grammar.toml, read once."""
    return read_grammar()


@lru_cache(maxsize=1024)
def country_forms(code: str, lang: str) -> tuple[str, str, str]:
    """(the name with its article, "in …", "of …") in `lang`."""
    rules = grammar()
    lang = normalise_lang(lang)
    if lang == "en":
        name = country_name(code, "en")
        the = f"the {name}" if code in rules.english_the else name
        return the, f"in {the}", f"of {the}"
    name = rules.french_names.get(code) or country_name(code, "fr")
    form = name_overrides().get("fr_form", {}).get(code) or rules.french.get(code, "none")
    the, in_, of = (pattern.format(n=name) for pattern in FRENCH_FORMS[form])
    first = collation_key(name)[0][:1]
    if of == f"de {name}" and (first in _VOWELS or code in rules.french_h_muet):
        of = f"d’{name}"
    return the, in_, of


def country_de(code: str, lang: str) -> str:
    """What an embassy is "of": French drops the article of a feminine name ("Ambassade de
    France", "d’Italie") and keeps the others ("du Canada", "des États-Unis")."""
    the, _, of = country_forms(code, lang)
    if normalise_lang(lang) == "en":
        return of
    name = grammar().french_names.get(code) or country_name(code, "fr")
    if the in (f"la {name}", f"l’{name}") and not the.startswith("la RD"):
        return f"d’{name}" if collation_key(name)[0][:1] in _VOWELS else f"de {name}"
    return of


def collation_key(text: str) -> tuple[str, str]:
    """A sort key that folds accents and case first, then breaks ties on the exact text."""
    return strip_accents(text).casefold(), text


@lru_cache(maxsize=8192)
def format_date(date: dt.date, lang: str) -> str:
    """A date as travellers read it: 'November 12, 2025' / '12 novembre 2025'."""
    return str(babel_format_date(date, format="long", locale=_locale(lang)))


def format_ago(elapsed: dt.timedelta, lang: str) -> str:
    """An elapsed time in words, in the past: '13 months ago' / 'il y a 13 mois' (Babel, CLDR)."""
    words = format_timedelta(
        -elapsed, granularity="day", threshold=1.5, add_direction=True, locale=_locale(lang)
    )
    return str(words)


def catalog_path(lang: str) -> Path:
    """The .po file of `lang`."""
    return LOCALES_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"
