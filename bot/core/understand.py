"""Read a traveller's message: its language, what it asks (the intent) and which destination.

Intents are found by weighted keywords and phrases of both languages, matched on folded words
with one typo allowed in words of five letters or more. A place with no other request means the
travel advice for it; a place with an out-of-scope topic (weather, hotels, scores) is "unknown",
the place still reported so that the reply can say what the bot does cover. A name Vigie does
not know where a place is expected is reported too (unknown_place), so that the reply asks where
it is rather than answering for the country talked about before.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path

from rapidfuzz.distance import OSA

# Re-exported (`as`): the modules that read the intents here keep working.
from bot.core.intents import EMERGENCY_KINDS as EMERGENCY_KINDS
from bot.core.intents import HOTSPOTS_KINDS as HOTSPOTS_KINDS
from bot.core.intents import INTENTS as INTENTS
from bot.core.intents import SITUATION_KINDS as SITUATION_KINDS
from bot.core.intents import SMALLTALK_KINDS as SMALLTALK_KINDS
from bot.core.intents import Intent as Intent
from bot.core.places import (
    COUNTRY,
    LANG_EN,
    LANG_FR,
    PlaceChoice,
    PlaceIndex,
    PlaceMatch,
    after_preposition,
    find_places,
    names_origin,
    near_misses,
    resolve_places,
)
from bot.core.textnorm import Token, fold, fold_word, split_words, tokenize

CONTINENTS = ("africa", "europe", "asia", "americas", "oceania", "middle_east")
UNKNOWN = "unknown"
# When two intents score the same, the more specific request wins.
_TIE_ORDER = (
    "unsubscribe",
    "subscriptions",
    "subscribe",
    "language",
    "map",
    "hotspots",
    "situation",  # "Bamako airport?": the airport now, before how to leave by it
    "departure",
    "entry",
    "contacts",
    "health",
    "advisory",
    "emergency",  # a weak plea ("help us, is Haiti safe?") loses a tie; a strong one wins outright
    "help",
    "smalltalk",
)


@dataclass(frozen=True, slots=True)
class Understanding:
    """What a message asks, about which destination, in which language."""

    text: str
    lang: str  # "en" | "fr"
    intent: Intent  # a str too: `understood.intent == "advisory"`
    country: str | None  # ISO alpha-2, None when none or ambiguous
    region: str | None  # region_id
    place: str | None  # the words of the message that matched the place
    candidates: tuple[str, ...]  # ISO codes when the place is ambiguous, else ()
    score: float  # 0-100 confidence of the place match (100 exact), 0 when no place
    continent: str | None = None  # for hotspots "in Africa"
    places: tuple[str, ...] = ()  # every distinct country named, in message order
    # True when the place is not safe to answer on (a short typo, a name hiding another, two
    # plausible readings): `candidates` are then "did you mean…?" options, best first.
    uncertain: bool = False
    # emergency kind, situation kind, small-talk kind, or a route's means
    detail: str | None = None
    # Words that look like a place Vigie does not know ("is Zorgania safe?"): the reply asks
    # where that is, and never falls back to the country talked about before.
    unknown_place: str | None = None

    @property
    def follows_up(self) -> bool:
        """Whether the message names no place at all, known or not, so that it may be about
        the destination talked about before ("and the embassy?")."""
        return not (self.country or self.candidates or self.unknown_place)

    def as_json(self) -> dict[str, object]:
        """A JSON-ready dict of every field."""
        return {
            "text": self.text,
            "lang": self.lang,
            "intent": self.intent,
            "country": self.country,
            "region": self.region,
            "place": self.place,
            "candidates": list(self.candidates),
            "score": self.score,
            "continent": self.continent,
            "places": list(self.places),
            "uncertain": self.uncertain,
            "detail": self.detail,
            "unknown_place": self.unknown_place,
        }


# ---- vocabulary ----------------------------------------------------------------------------------
# The keywords of each intent, their weights and the word lists live in data/vocabulary.toml (its
# format: data/README.md), read once at import.

VOCABULARY_PATH = Path(__file__).resolve().parents[2] / "data" / "vocabulary.toml"


class VocabularyError(ValueError):
    """data/vocabulary.toml is broken: the message names the file, the line and what is wrong."""


@dataclass(frozen=True, slots=True)
class _Phrase:
    words: tuple[str, ...]
    intent: str
    weight: float
    detail: str | None = None  # the kind of emergency, of small talk…


@dataclass(frozen=True, slots=True)
class Vocabulary:
    """Everything read from data/vocabulary.toml."""

    phrases: dict[str, list[_Phrase]]  # by first word, longest first
    keyword_lang: dict[str, str]  # the language of each keyword word found in one language only
    english: frozenset[str]
    french: frozenset[str]
    shared: frozenset[str]
    neutral: frozenset[str]
    shorthand: dict[str, str]
    continents: dict[str, str]
    cues: dict[str, frozenset[str]]  # words that shape a question about two places
    means: dict[str, frozenset[str]]  # route means ("road", "bus"…) → their words
    follow_up: frozenset[str] = frozenset()  # openings of a question about one more place
    reading: dict[str, frozenset[str]] = field(default_factory=dict)  # [reading] word lists


def _line_of(text: str, needle: str) -> int:
    at = text.find("\n" + needle)
    at = at + 1 if at >= 0 else text.find(needle)
    return text.count("\n", 0, at) + 1 if at >= 0 else 0


def load_vocabulary(path: Path = VOCABULARY_PATH) -> Vocabulary:
    """Read the vocabulary file; a mistake raises VocabularyError with the file and line."""
    text = path.read_text(encoding="utf-8")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise VocabularyError(f"{path}: {error}") from error
    weights: dict[tuple[tuple[str, ...], str, str | None], float] = {}
    langs: dict[str, set[str]] = {}

    def read_entries(intent: str, detail: str | None, lang_name: str, entries: object) -> None:
        if not isinstance(entries, str) or lang_name not in ("en", "fr"):
            where = f"intents.{intent}" + (f".{detail}" if detail else "")
            line = _line_of(text, f"[{where}]")
            raise VocabularyError(
                f"{path}:{line}: [{where}] {lang_name} must be a string of entries in en or fr"
            )
        for raw in entries.replace("\n", " ").split(","):
            entry = raw.strip()
            if not entry:
                continue
            phrase, _, written_weight = entry.partition("=")
            try:
                weight = float(written_weight or 2)
            except ValueError:
                line = _line_of(text, entry)
                raise VocabularyError(
                    f"{path}:{line}: {entry!r}: the weight after '=' must be a number"
                ) from None
            forms = tuple(_keyword_word(w, fold_word(w)) for w in split_words(phrase))
            if not forms:
                continue
            key = (forms, intent, detail)
            # A phrase both languages use ("visa") counts once.
            weights[key] = max(weights.get(key, 0.0), weight)
            for word in forms:
                langs.setdefault(word, set()).add(lang_name)

    for intent, table in data.get("intents", {}).items():
        if intent not in INTENTS:
            line = _line_of(text, f"[intents.{intent}")
            raise VocabularyError(f"{path}:{line}: unknown intent {intent!r}, not in {INTENTS}")
        for key, value in table.items():
            if isinstance(value, dict):  # [intents.emergency.kidnapping]: a kind of the intent
                for lang_name, entries in value.items():
                    read_entries(intent, key, lang_name, entries)
            else:
                read_entries(intent, None, key, value)
    by_first: dict[str, list[_Phrase]] = {}
    for (phrase_words, intent, detail), weight in weights.items():
        parsed = _Phrase(phrase_words, intent, weight, detail)
        by_first.setdefault(phrase_words[0], []).append(parsed)
    for phrases in by_first.values():
        phrases.sort(key=lambda p: (-len(p.words), p.intent, p.detail or ""))
    words = data.get("words", {})

    def word_set(table: dict[str, object], name: str) -> frozenset[str]:
        return frozenset(fold(str(table.get(name, ""))).split())

    return Vocabulary(
        phrases=by_first,
        keyword_lang={w: next(iter(ls)) for w, ls in langs.items() if len(ls) == 1},
        english=word_set(words, "english"),
        french=word_set(words, "french"),
        shared=word_set(words, "shared"),
        neutral=word_set(words, "neutral"),
        shorthand={fold(k): fold(v) for k, v in data.get("shorthand", {}).items()},
        continents={fold(k): v for k, v in data.get("continents", {}).items()},
        cues={k: word_set(data.get("cues", {}), k) for k in data.get("cues", {})},
        means={k: frozenset(fold(str(v)).split()) for k, v in data.get("means", {}).items()},
        follow_up=frozenset(fold(str(p)) for p in data.get("follow_up", {}).get("phrases", [])),
        # Written folded already ("à" apart from "a"): split, not folded again.
        reading={k: frozenset(str(v).split()) for k, v in data.get("reading", {}).items()},
    )


def _keyword_form(token: Token) -> str:
    """The word as keywords see it: folded, except that "sûr" is not the preposition "sur"."""
    return _keyword_word(token.text, token.norm)


def _keyword_word(written: str, folded: str) -> str:
    """_keyword_form() of a word written so and folded so."""
    if folded.startswith("sur") and "û" in written.lower():
        return "sûr" + folded[3:]
    return folded


_VOCAB = load_vocabulary()
_PHRASES, _KEYWORD_LANG = _VOCAB.phrases, _VOCAB.keyword_lang
_ENGLISH_WORDS = _VOCAB.english
_FRENCH_WORDS = _VOCAB.french
_SHARED_WORDS = _VOCAB.shared
_NEUTRAL = _VOCAB.neutral
_SHORTHAND = _VOCAB.shorthand
_CONTINENTS = _VOCAB.continents
_CUES = _VOCAB.cues
_READING = _VOCAB.reading
# Where a name Vigie does not know stands in a question about a place ([cues] unknown_place_*).
# Folded, "à" would be the article "a": it is told apart by _word_before_at().
_PLACE_BEFORE = (_CUES.get("unknown_place_before", frozenset()) - {"a"}) | {"à"}
_GOING = _CUES.get("unknown_place_going", frozenset())
_SAFETY_AFTER = _CUES.get("unknown_place_then", frozenset())
_QUESTION_START = _CUES.get("unknown_place_after", frozenset()) | {""}
_NAME_THEN_VERB = _CUES.get("person_then", frozenset())
_FOLLOW_UP = _VOCAB.follow_up
_QUESTION_OPENING = _CUES.get("question_opening", frozenset())
_HOTSPOTS_SAFE = _CUES.get("hotspots_safe", frozenset())
_HOTSPOTS_DANGER = _CUES.get("hotspots_danger", frozenset())
_ARTICLES = _READING["articles"]
_PLURAL_PAYS = _READING["plural_pays"]
_MEANS = _VOCAB.means

# Parts of a continent asked about like one place ("is the Sahel dangerous?"): a list of
# countries only when the message asks for one.
_SUBREGIONS = _READING["subregions"]
# A question about one's own state ("what am I…", "which do I…"), not a request.
_STATE_QUESTION = _READING["state_question"]
_FOR_ME = _READING["for_me"]


_VOCABULARY = frozenset(_KEYWORD_LANG) | frozenset(
    w for ps in _PHRASES.values() for p in ps for w in p.words
)
_FRENCH_SPACING = re.compile(r"\w[ \u00a0\u202f][?!:;]")
_CONTINENT_PHRASES = {tuple(k.split()): v for k, v in _CONTINENTS.items()}
_PROTECTED = (
    _VOCABULARY
    | _ENGLISH_WORDS
    | _FRENCH_WORDS
    | frozenset(w for k in _CONTINENTS for w in k.split())
)


def vocabulary() -> frozenset[str]:
    """Every word of the intent keywords (folded)."""
    return _VOCABULARY


def _deletions(word: str) -> set[str]:
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


def _build_typo_index() -> dict[str, tuple[str, ...]]:
    index: dict[str, list[str]] = {}
    for word in sorted(_VOCABULARY):  # so each list comes out sorted, each word in it once
        if len(word) < 3 or not word.isalpha():
            continue
        for key in _deletions(word) | {word}:
            index.setdefault(key, []).append(word)
    return {k: tuple(v) for k, v in index.items()}


_TYPOS = _build_typo_index()


_WORD_INTENTS: dict[str, frozenset[str]] = {
    phrase.words[0]: frozenset(p.intent for p in phrases if p.words == phrase.words)
    for phrases in _PHRASES.values()
    for phrase in phrases
    if len(phrase.words) == 1
}


@lru_cache(maxsize=8192)
def _correct(word: str) -> str | None:
    """The keyword one edit away from `word` (5 letters or more), if only one intent fits."""
    found: set[str] = set()
    for key in _deletions(word) | {word}:
        for candidate in _TYPOS.get(key, ()):
            if len(candidate) >= 5 and OSA.distance(word, candidate, score_cutoff=1) <= 1:
                found.add(candidate)
    if len({_WORD_INTENTS.get(w, frozenset({w})) for w in found}) != 1:
        return None  # "dangeroux" is dangereux or dangerous: both fine; "fights" is not
    if any("emergency" in _WORD_INTENTS.get(w, ()) and len(w) < 7 for w in found):
        return None  # an emergency is read as written: "argent" (money) is not "urgent"
    return min(found)


# ---- reading a message ---------------------------------------------------------------------------


def understand(text: str, index: PlaceIndex) -> Understanding:
    """Read one message: its language, intent and destination."""
    tokens = tokenize(text)
    matches = find_places(text, index, tokens=tokens, protected=_PROTECTED)
    words = _keyword_words(tokens, _covered(matches, len(tokens)), index)
    scored = _score(words, _settings(tokens, words))
    if not matches and any(i in _ABOUT_A_PLACE for i in scored.scores):
        # A question about a place whose name is an everyday word at the start: "Nice est sûre ?"
        matches = find_places(text, index, tokens=tokens, protected=_PROTECTED, lenient=True)
        if matches:
            words = _keyword_words(tokens, _covered(matches, len(tokens)), index)
            scored = _score(words, _settings(tokens, words))
    scores, first = scored.scores, scored.first
    unexplained = _unexplained(tokens, words)
    if unexplained and not any(i != UNKNOWN for i in scores):
        # Lower case and nothing asked about it: "roast turkey" is no country.
        matches = [m for m in matches if not _everyday_word(m, tokens)]
    continent, continent_span = _continent(tokens)
    intent = _decide(
        scores,
        first,
        words,
        has_place=bool(matches),
        unexplained=unexplained,
        many=continent_span is not None
        and not {t.norm for t in tokens[continent_span[0] : continent_span[1]]} & _SUBREGIONS,
        asked="?" in text or (bool(tokens) and tokens[0].norm in _QUESTION_OPENING),
    )
    if intent == "hotspots" and matches:
        # A continent named like a country ("America"), or a place inside the continent's phrase.
        outside = [m for m in matches if not _inside(m, continent_span)]
        if outside and all(not m.fuzzy for m in outside):
            intent = "advisory"
        matches = outside if intent == "advisory" else []
    if intent == UNKNOWN:
        # Off topic, a country named by an everyday word is that word ("turkey recipe",
        # "my friend Chad") unless a preposition makes it a place ("population of Chad").
        matches = [
            m
            for m in matches
            if not (m.name.common and m.name.places[0].kind == COUNTRY)
            or after_preposition(m, tokens)
        ]
    if intent == UNKNOWN and not matches and not scores and _follow_up_cue(tokens):
        intent = "advisory"  # "what about Zorgania?": a place asked about, one we do not know
    if intent not in ("hotspots", "map"):
        continent = None
    if matches and all(names_origin(m, tokens) for m in matches):
        # "numéro de l'ambassade de France", "I'm a US citizen": whose, not where.
        matches = []
    choice = resolve_places(matches, tokens, leaving=intent == "departure") if matches else None
    lang = _language(text, tokens, _covered(matches, len(tokens)), choice, matches)
    detail = None
    if intent == "emergency":
        detail = scored.detail("emergency", EMERGENCY_KINDS)
    elif intent == "smalltalk":
        detail = scored.detail("smalltalk", SMALLTALK_KINDS)
    elif intent == "hotspots":
        detail = _hotspots_kind(tokens)
    elif intent == "situation":
        detail = scored.first_kind("situation", SITUATION_KINDS)
        if detail is None:
            # The kind inside a place's name: "Beirut airport still operating?"
            every_word = [_keyword_form(t) for t in tokens]
            detail = _score(every_word).first_kind("situation", SITUATION_KINDS)
    if choice is None:
        near: tuple[str, ...] = ()
        unknown_place = None
        if intent in _ABOUT_A_PLACE:
            # "Mail safe?": no place, but a word one letter from one. Ask, never assume.
            near = near_misses(tokens, index, _PROTECTED)
            unknown_place = _unknown_place(tokens, words, index)
        return Understanding(
            text,
            lang,
            Intent(intent),
            None,
            None,
            None,
            near,
            0.0,
            continent,
            uncertain=bool(near),
            detail=detail,
            unknown_place=unknown_place,
        )
    understood = Understanding(
        text,
        lang,
        Intent(intent),
        choice.country,
        choice.region,
        choice.place,
        choice.candidates,
        choice.score,
        continent,
        places=choice.places,
        uncertain=choice.uncertain,
        detail=detail,
    )
    return _two_places(understood, tokens, matches, index, scores)


# Intents a question about two places replaces: what else they ask is about both places.
_TWO_PLACE_INTENTS = frozenset({"advisory", "departure", "hotspots", "entry", UNKNOWN})


def _two_places(
    understood: Understanding,
    tokens: Sequence[Token],
    matches: Sequence[PlaceMatch],
    index: PlaceIndex,
    scores: dict[str, float],
) -> Understanding:
    """A border, a route or a comparison when the message names two countries."""
    intent = understood.intent
    if intent not in _TWO_PLACE_INTENTS or understood.uncertain:
        return understood
    norms = [t.norm for t in tokens]
    present = set(norms)
    places = list(understood.places)
    departure = scores.get("departure", 0.0) if intent == "departure" else 0.0
    means = next((kind for word in norms for kind, ws in _MEANS.items() if word in ws), None)
    first_of: dict[str, PlaceMatch] = {}
    for m in matches:
        if m.name.countries:
            first_of.setdefault(m.name.countries[0], m)
    a = first_of.get(places[0]) if places else None
    b = first_of.get(places[1]) if len(places) > 1 else None
    # "from Bamako to Dakar", "du Maroc à la Mauritanie": a journey from one to the other.
    from_to = (
        a is not None
        and b is not None
        and _word_before(tokens, a) in _CUES.get("route_from", frozenset())
        and _word_before(tokens, b) in _CUES.get("route_to", frozenset())
    )
    if present & _CUES.get("border", frozenset()) and not from_to and departure < 4:
        # "the thai cambodian border": countries named by their adjective count here.
        covered = _covered(matches, len(tokens))
        named = [(m.start, c) for m in matches for c in m.name.countries[:1]]
        named += [
            (k, index.demonyms[w])
            for k, w in enumerate(norms)
            if not covered[k] and w in index.demonyms
        ]
        ordered = list(dict.fromkeys(c for _, c in sorted(named)))
        if len(ordered) >= 2 and set(places) <= set(ordered):
            places = ordered
        if len(places) >= 2:
            return _about_both(understood, "border", places)
    if a is None or b is None:
        return understood
    if intent == UNKNOWN and scores.get(UNKNOWN, 0.0) >= 3:
        return understood  # "Mali vs Senegal score"
    between = set(norms[a.end : b.start])
    if not from_to and (
        between & _CUES.get("compare", frozenset())
        or present & _CUES.get("compare_words", frozenset())
    ):
        return _about_both(understood, "compare", places, a)
    if (from_to and (means or intent != "departure")) or (means and departure < 4):
        # Crossing from one to the other with no means said is still a departure question.
        return _about_both(understood, "route", places, a, detail=means or "road")
    return understood


def _word_before(tokens: Sequence[Token], match: PlaceMatch) -> str:
    """The word before a place, articles skipped ("du Maroc à la Mauritanie")."""
    k = match.start - 1
    while k >= 0 and tokens[k].norm in _ARTICLES:
        k -= 1
    return tokens[k].norm if k >= 0 else ""


def _about_both(
    understood: Understanding,
    intent: str,
    places: list[str],
    lead: PlaceMatch | None = None,
    detail: str | None = None,
) -> Understanding:
    """The understanding of a question about two or more countries, the first one leading."""
    region = understood.region if understood.country == places[0] else None
    if lead is not None and lead.name.places[0].country == places[0]:
        region = lead.name.places[0].region  # "from Bamako to Dakar": Bamako's own advice
    return replace(
        understood,
        intent=Intent(intent),
        country=places[0],
        region=region,
        places=tuple(places),
        detail=detail,
    )


def _everyday_word(match: PlaceMatch, tokens: Sequence[Token]) -> bool:
    """A country named by an everyday word, written in lower case with no preposition."""
    return (
        match.name.common
        and not tokens[match.start].capitalised
        and not after_preposition(match, tokens)
    )


@lru_cache(maxsize=8192)
def _near_keyword(word: str) -> bool:
    """Whether a word is one edit from a keyword: a typo of ours, even when too short to fix."""
    if len(word) < 4:
        return False
    return any(
        OSA.distance(word, candidate, score_cutoff=1) <= 1
        for key in _deletions(word) | {word}
        for candidate in _TYPOS.get(key, ())
    )


def _unexplained(tokens: Sequence[Token], words: list[str]) -> int:
    """How many words are neither places, keywords, function words nor small talk of travel."""
    count = 0
    for token, word in zip(tokens, words, strict=True):
        if not word or len(word) < 3 or not word.isalpha() or word in _PROTECTED:
            continue
        if token.capitalised:
            continue  # a name: a town we do not know, an airline, a person
        if word in _NEUTRAL or token.norm in _NEUTRAL or _near_keyword(word):
            continue
        count += 1
    return count


def _unknown_place(tokens: Sequence[Token], words: list[str], index: PlaceIndex) -> str | None:
    """The words where a place is named that Vigie does not know, if any ("is Zorgania safe?",
    "c'est sûr à mbolorvo ?"): a name written with a capital, or an unknown word right after a
    preposition of place or right before "safe" / "dangereux"."""
    for k, (token, word) in enumerate(zip(tokens, words, strict=True)):
        if not _unknown_word(token, word, index):
            continue
        before = _word_before_at(tokens, k)
        after = tokens[k + 1].norm if k + 1 < len(tokens) else ""
        if token.capitalised:
            if after in _NAME_THEN_VERB and k == 0:
                continue  # "Marc est malade": a person
            end = k + 1
            while end < len(tokens) and _unknown_word(tokens[end], words[end], index):
                end += 1
            return " ".join(t.text for t in tokens[k:end])
        if before in _PLACE_BEFORE or (
            before in ("to", "") and k >= 2 and tokens[k - 2].norm in _GOING
        ):
            return token.text
        if after in _SAFETY_AFTER and before in _QUESTION_START:
            return token.text
    return None


def _hotspots_kind(tokens: Sequence[Token]) -> str:
    """ "safest" when a list of places asks where it is safe ("which countries in Africa are
    safe?"), else "dangerous" (the places to avoid)."""
    norms = {t.norm for t in tokens}
    if norms & _HOTSPOTS_SAFE and not norms & _HOTSPOTS_DANGER:
        return "safest"
    return "dangerous"


def _follow_up_cue(tokens: Sequence[Token]) -> bool:
    """A short message that opens like a question about one more place ("what about X?", "et
    X ?") and names something with a capital."""
    norms = [t.norm for t in tokens]
    opening = " ".join(norms[:2])
    return (
        len(tokens) <= 5
        and (opening in _FOLLOW_UP or (bool(norms) and norms[0] in _FOLLOW_UP))
        and any(t.capitalised for t in tokens[1:])
    )


def _unknown_word(token: Token, word: str, index: PlaceIndex) -> bool:
    """A word that is none of ours, no everyday word and no known name: maybe a place."""
    norm = token.norm
    return (
        bool(word)
        and len(norm) >= 4
        and token.text.isalpha()
        and word not in _PROTECTED
        and norm not in _PROTECTED
        and norm not in _NEUTRAL
        and norm not in index.common_words
        and norm not in _SHORTHAND
        and not _near_keyword(word)
    )


def _word_before_at(tokens: Sequence[Token], k: int) -> str:
    """The word before token k, articles skipped; "à" kept apart from the article "a"."""
    j = k - 1
    while j >= 0 and tokens[j].norm in _ARTICLES:
        j -= 1
    if j < 0:
        return ""
    return "à" if tokens[j].text.lower() == "à" else tokens[j].norm


def _covered(matches: Sequence[PlaceMatch], size: int) -> list[bool]:
    covered = [False] * size
    for match in matches:
        for k in range(match.start, match.end):
            covered[k] = True
    return covered


def _inside(match: PlaceMatch, span: tuple[int, int] | None) -> bool:
    return span is not None and span[0] <= match.start and match.end <= span[1]


def _keyword_words(tokens: Sequence[Token], in_place: list[bool], index: PlaceIndex) -> list[str]:
    """Each word in keyword form, typos corrected; "" for the words of a place."""
    words: list[str] = []
    last = len(tokens) - 1
    for k, token in enumerate(tokens):
        if in_place[k]:
            words.append("")
            continue
        word = _keyword_form(token)
        word = _SHORTHAND.get(word, word)
        if word == "sur" and k == last:
            # "c'est sur ?" written without its accent: at the end it can only be "sûr".
            word = "sûr"
        if (
            len(word) >= 5
            and word not in _PROTECTED
            and word not in index.common_words
            and word.isalpha()
        ):
            word = _correct(word) or word
        words.append(word)
    return words


# Verbs of reported speech: "the embassy said I need a visa" asks about the visa, not the
# embassy, so a keyword right before one (pronouns and "a" allowed between) is not counted.
_REPORTING = _READING["reporting"]
_REPORTING_GAP = _READING["reporting_gap"]


# A noun before one of these names a neighbourhood ("the airport area", "hospital district"):
# where a question is about, not a request of its own (danger words keep their sense).
_AREAS = _READING["areas"]


def _reported(words: list[str], end: int) -> bool:
    """Whether a verb of reported speech follows the words that end at `end`."""
    for word in words[end : end + 3]:
        if word in _REPORTING:
            return True
        if word not in _REPORTING_GAP:
            return False
    return False


# Out-of-scope words that are also where a traveller is: after a preposition of place ("near
# my hotel", "from the hotel", "à l'hôtel") they set the scene and ask nothing.
_SETTINGS = _READING["settings"]
_SETTING_PREPOSITIONS = _READING["setting_prepositions"]
_SETTING_DETERMINERS = _READING["setting_determiners"]


def _settings(tokens: Sequence[Token], words: list[str]) -> frozenset[int]:
    """Positions of out-of-scope words that only say where the traveller is."""
    found: set[int] = set()
    for k, word in enumerate(words):
        if word not in _SETTINGS:
            continue
        j = k - 1
        while j >= 0 and words[j] in _SETTING_DETERMINERS and tokens[j].text.lower() != "à":
            j -= 1
        if j >= 0:
            before = "à" if tokens[j].text.lower() == "à" else words[j]
            if before in _SETTING_PREPOSITIONS:
                found.add(k)
    return frozenset(found)


@dataclass
class _Scores:
    """Each intent's score, where it first appears, and the score of each kind (detail)."""

    scores: dict[str, float]
    first: dict[str, int]
    details: dict[str, dict[str, float]]

    def detail(self, intent: str, order: Sequence[str]) -> str | None:
        """The kind of `intent` that scored most (the first of `order` on a tie)."""
        kinds = self.details.get(intent, {})
        if not kinds:
            return None
        return max(kinds, key=lambda d: (kinds[d], -order.index(d) if d in order else -99))

    def first_kind(self, intent: str, order: Sequence[str]) -> str | None:
        """The first kind of `order` the message names for `intent`, whatever its weight."""
        kinds = self.details.get(intent, {})
        return next((kind for kind in order if kind in kinds), None)


def _score(words: list[str], settings: frozenset[int] = frozenset()) -> _Scores:
    """Intent scores from the longest keyword phrases, and where each intent first appears."""
    scores: dict[str, float] = {}
    first: dict[str, int] = {}
    details: dict[str, dict[str, float]] = {}
    hypothetical = _CUES.get("hypothetical", frozenset())
    k = 0
    while k < len(words):
        phrases = _PHRASES.get(words[k])
        taken = 1
        if phrases:
            for phrase in phrases:
                n = len(phrase.words)
                if tuple(words[k : k + n]) == phrase.words:
                    if _reported(words, k + n):
                        taken = n
                        break
                    area = k + n < len(words) and words[k + n] in _AREAS
                    for same in phrases:
                        if same.intent == UNKNOWN and k in settings:
                            continue
                        if area and same.intent != "advisory":
                            continue
                        if same.intent == "emergency" and (
                            hypothetical & set(words[max(0, k - 4) : k])
                            or (k + n < len(words) and words[k + n] in hypothetical)
                        ):
                            # "who do I call if I'm robbed", "kidnapped threats": not happening now
                            continue
                        if same.words == phrase.words:
                            scores[same.intent] = scores.get(same.intent, 0.0) + same.weight
                            first.setdefault(same.intent, k)
                            if same.detail:
                                kinds = details.setdefault(same.intent, {})
                                kinds[same.detail] = kinds.get(same.detail, 0.0) + same.weight
                    taken = n
                    break
        k += taken
    return _Scores(scores, first, details)


# An emergency this strong (an event: "kidnapped", "passport stolen"; a plea: "aidez-moi") wins
# over every other request of the message.
EMERGENCY_FIRST = 4.0
# Intents about the destination itself: when a message asks two of these, the first one asked
# is the question ("is it safe, and do I need a visa?").
_TOPICS = frozenset({"advisory", "health", "entry", "departure", "contacts"})
# …and the intents whose weak cue among other words asks nothing ("my phone network is slow").
_PLACE_TOPICS = _TOPICS | {"situation"}
_ABOUT_A_PLACE = _PLACE_TOPICS | {"subscribe", "unsubscribe", "emergency", "map"}
# Below this, the situation was only a family named ("is it safe for a family?").
_SITUATION_MIN = 1.0
_MANY_PLACES = _READING["many_places"]


def _decide(
    scores: dict[str, float],
    first: dict[str, int],
    words: list[str],
    *,
    has_place: bool,
    unexplained: int,
    many: bool = False,
    asked: bool = True,
) -> str:
    """The intent: the best in-scope score unless an out-of-scope topic weighs as much.

    A place alone asks for its advice; a place with words that are none of ours ("Mali
    economy", "Timbuktu manuscripts") is some other topic. Danger asked about several places
    (`many`: a continent is named) is the hotspots list.
    """
    outside = scores.get(UNKNOWN, 0.0)
    if scores.get("emergency", 0.0) >= EMERGENCY_FIRST:
        return "emergency"  # whatever else the message asks, the emergency comes first
    ranked = sorted(
        (s, -_TIE_ORDER.index(i), i)
        for i, s in scores.items()
        if i not in (UNKNOWN, "smalltalk") and s > 0
    )
    if not ranked:
        small = scores.get("smalltalk", 0.0)
        if small and not has_place and outside < small:
            return "smalltalk"  # "thanks!", "ok", "bonjour"
        if small and has_place and outside == 0:
            return "advisory"  # "yo is it chill in Accra rn"
        return "advisory" if has_place and outside == 0 and not unexplained else UNKNOWN
    best_score, _, best = ranked[-1]
    present = set(words)
    if (
        best in ("subscribe", "unsubscribe")
        and "subscriptions" in scores
        and present & _STATE_QUESTION
        and present & _FOR_ME
    ):
        best, best_score = "subscriptions", max(best_score, scores["subscriptions"])
    if best == "help" and has_place:
        # A greeting before a question about a place is still that question.
        others = [r for r in ranked if r[2] != "help"]
        if others:
            best_score, _, best = others[-1]
        elif best_score <= 1:
            best, best_score = "advisory", 1.0
    if best in _TOPICS:
        strong = [i for i in _TOPICS if scores.get(i, 0.0) >= max(2.5, 0.6 * best_score)]
        if len(strong) > 1:
            best = min(strong, key=lambda i: first[i])
            best_score = max(best_score, scores[best])
    if best == "situation" and best_score < _SITUATION_MIN:
        best = "advisory"
    elif best == "situation" and not has_place and (best_score < 3 or unexplained or not asked):
        # "my phone network is slow", "my school bag is broken": a thing named, nothing asked
        # about a place (a follow-up asks plainly: "and the schools?", "is there fuel?").
        return UNKNOWN
    if best == "advisory" and not has_place:
        if many or present & _MANY_PLACES or _plural_pays(words):
            best = "hotspots"
        elif best_score < 2:
            return UNKNOWN  # "go to the market": nothing asked about safety
    elif (
        best in _PLACE_TOPICS
        and not has_place
        and (
            best_score < 2
            or (best_score < 3 and unexplained)
            or (best_score < 4 and unexplained >= 2)
        )
    ):
        # "my cat is so cute", "how can I root an android phone": a weak cue among words of
        # another topic.
        return UNKNOWN
    if outside >= best_score:
        return UNKNOWN
    return best


def _plural_pays(words: list[str]) -> bool:
    """Whether "pays" is plural here ("quels pays", "les pays"), French having one form."""
    return any(w == "pays" and k > 0 and words[k - 1] in _PLURAL_PAYS for k, w in enumerate(words))


def _continent(tokens: Sequence[Token]) -> tuple[str | None, tuple[int, int] | None]:
    norms = [t.norm for t in tokens]
    for size in (3, 2, 1):
        for start in range(len(norms) - size + 1):
            found = _CONTINENT_PHRASES.get(tuple(norms[start : start + size]))
            if found:
                return found, (start, start + size)
    return None, None


def _language(
    text: str,
    tokens: Sequence[Token],
    in_place: list[bool],
    choice: PlaceChoice | None,
    matches: Sequence[PlaceMatch],
) -> str:
    """en or fr, from function words, keywords, accents and elisions; ties go to English."""
    english = french = 0.0
    strong_french = False
    others = 0
    for k, token in enumerate(tokens):
        if in_place[k]:
            continue
        word = _SHORTHAND.get(token.norm, token.norm)
        if token.text.isdigit():
            continue
        others += 1
        if token.elided:
            french += 1.5
            strong_french = True
            continue
        if token.clitic:
            english += 1.5
            continue
        if token.accented:
            french += 1
            strong_french = True
        if word in _SHARED_WORDS:
            continue
        if word in _ENGLISH_WORDS:
            english += 1
        if word in _FRENCH_WORDS:
            french += 1
        own = _KEYWORD_LANG.get(_keyword_form(token))
        if own == "en" and word not in _ENGLISH_WORDS:
            english += 0.75
        elif own == "fr" and word not in _FRENCH_WORDS:
            french += 0.75
    if others == 0 and choice is not None:
        # Only a place: its own language form decides ("Égypte", "Tombouctou"), or accents
        # English does not write ("Corée").
        accented = any(tokens[k].accented for k in range(len(tokens)) if in_place[k])
        if choice.lang == LANG_FR or (accented and choice.english_ascii):
            return "fr"
        if choice.lang & LANG_EN:
            return "en"
        return "fr" if accented else "en"
    if _FRENCH_SPACING.search(text):
        # French typography puts a space before "?", "!", ":" and ";".
        french += 0.5
        strong_french = True
    for match in matches:
        if match.name.lang == LANG_FR:
            french += 0.5
        elif match.name.lang == LANG_EN:
            english += 0.5
        if match.name.english_ascii and any(
            tokens[k].accented for k in range(match.start, match.end)
        ):
            french += 0.5
            strong_french = True
    if french > english or (french == english and strong_french):
        return "fr"
    return "en"
