"""Text normalisation shared by the place matcher and the message reader.

Everything is compared on folded words: lower case, no diacritics, ligatures spelt out, and any
run of punctuation (hyphens, apostrophes, dots, spaces) taken as a word break, so that
"Côte-d’Ivoire", "cote d ivoire" and "COTE D'IVOIRE" read the same. A flag emoji (a pair of
regional indicators, "🇹🇭") is a word of its own. This is the one fold of the project: whatever
compares text without case or accents uses fold(), fold_word() or strip_accents().
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

APOSTROPHES = "'’‘`´ʼ"
# Letters that NFKD does not decompose into a base letter and a mark.
# Capitals whose spelling-out keeps a capital ("Œuvre" → "Oeuvre", not "oeuvre").
_CAPITAL_SPELL_OUT = {"Œ": "Oe", "Æ": "Ae"}
_SPELL_OUT = str.maketrans(
    {"œ": "oe", "Œ": "oe", "æ": "ae", "Æ": "ae", "ß": "ss", "ø": "o", "Ø": "o", "ł": "l"}
    | {"Ł": "l", "đ": "d", "Đ": "d", "ı": "i", "ð": "d", "þ": "th"}
)
# Letters and digits, or a flag: two regional indicator symbols.
_WORD = re.compile(r"[^\W_]+|[\U0001F1E6-\U0001F1FF]{2}")
_REGIONAL_A = 0x1F1E6
# Abbreviations spelt out so that "St Kitts" is "Saint Kitts".
_ABBREVIATIONS = {"st": "saint", "ste": "sainte", "mt": "mount"}
# French elided words ("l'", "d'", "qu'"), written before an apostrophe and a word.
FRENCH_ELISIONS = frozenset(
    {"l", "d", "j", "qu", "n", "c", "s", "m", "t", "jusqu", "lorsqu", "puisqu", "quoiqu"}
)
# English contractions, written after a word and an apostrophe ("it's", "don't", "I'm").
ENGLISH_CLITICS = frozenset({"s", "t", "m", "re", "ve", "ll", "d"})


@lru_cache(maxsize=65536)
def fold_word(word: str) -> str:
    """One word folded: lower case, without diacritics, ligatures spelt out."""
    if word.isascii():
        folded = word.lower()
    else:
        decomposed = unicodedata.normalize("NFKD", word.translate(_SPELL_OUT))
        folded = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    return _ABBREVIATIONS.get(folded, folded)


def strip_accents(text: str) -> str:
    """`text` as written, case kept, without its diacritics ("Ségou" → "Segou", "Œuvre" →
    "Oeuvre"): for comparing names and sorting, where fold() would also drop the punctuation."""
    if text.isascii():
        return text
    spelt = "".join(_CAPITAL_SPELL_OUT.get(c, c) for c in text).translate(_SPELL_OUT)
    decomposed = unicodedata.normalize("NFKD", spelt)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def flag_country(word: str) -> str | None:
    """The ISO code a flag emoji stands for ("🇹🇭" → "TH"), None for any other word."""
    if len(word) != 2 or not all(0 <= ord(c) - _REGIONAL_A < 26 for c in word):
        return None
    return "".join(chr(ord("A") + ord(c) - _REGIONAL_A) for c in word)


def flag_of(code: str) -> str:
    """The flag emoji of an ISO code ("TH" → "🇹🇭")."""
    return "".join(chr(_REGIONAL_A + ord(c) - ord("A")) for c in code.upper())


def fold(text: str) -> str:
    """Text folded to space-separated words (see the module docstring)."""
    return " ".join([fold_word(w) for w in _WORD.findall(text)])


def split_words(text: str) -> list[str]:
    """The words of `text` as written: what tokenize() reads, without folding or offsets."""
    return _WORD.findall(text)


@dataclass(frozen=True, slots=True)
class Token:
    """A word of a message, with where it stands in the original text."""

    text: str  # as written
    norm: str  # folded
    start: int
    end: int
    elided: bool = False  # a French elided word: "l" in "l'Algérie"
    clitic: bool = False  # an English contraction: "s" in "what's"
    accented: bool = False  # written with a diacritic or a French ligature

    @property
    def capitalised(self) -> bool:
        """Whether the word was written with a capital first letter."""
        return self.text[:1].isupper()


def tokenize(text: str) -> list[Token]:
    """The words of `text`, folded, with their offsets and elision marks."""
    tokens: list[Token] = []
    for match in _WORD.finditer(text):
        word = match.group()
        start, end = match.span()
        norm = fold_word(word)
        # The word lists first: most words are neither, and need no look around.
        elided = (
            norm in FRENCH_ELISIONS
            and text[end : end + 1] in APOSTROPHES
            and text[end + 1 : end + 2].isalpha()
            and not (start and text[start - 1].isalpha())
        )
        clitic = (
            not elided
            and norm in ENGLISH_CLITICS
            and start >= 2
            and text[start - 1] in APOSTROPHES
            and text[start - 2].isalpha()
            and not text[end : end + 1].isalpha()
        )
        accented = not word.isascii() and norm != word.lower()
        tokens.append(Token(word, norm, start, end, elided, clitic, accented))
    return tokens
