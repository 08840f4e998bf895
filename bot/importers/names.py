"""Exact country-name resolution for the importers: official feeds' names → ISO codes.

No fuzzy matching here: a feed entry lands on a country only by an exact (normalised) name, and
the US feed's FIPS tag is checked against it. Telling a traveller Niger's level for Nigeria is the
worst bug we can ship, so anything unresolved is an error, never a guess.
"""

from __future__ import annotations

import html
import re
from functools import cache

from babel import Locale

from bot.core.textnorm import strip_accents

# Names used by the feeds that CLDR does not give (or gives differently).
FEED_NAMES: dict[str, tuple[str, ...]] = {
    "burma": ("MM",),
    "myanmar": ("MM",),
    "cote d ivoire": ("CI",),
    "ivory coast": ("CI",),
    "kingdom of denmark": ("DK",),
    "french west indies": ("GP", "MQ", "BL", "MF"),
    "bonaire": ("BQ",),
    "saba": ("BQ",),
    "sint eustatius": ("BQ",),
    "mainland china hong kong and macau": ("CN",),
    "mainland china": ("CN",),
    "bahamas": ("BS",),
    "gambia": ("GM",),
    "cabo verde": ("CV",),
    "republic of the congo": ("CG",),
    "congo brazzaville": ("CG",),
    "democratic republic of the congo": ("CD",),
    "congo kinshasa": ("CD",),
    "federated states of micronesia": ("FM",),
    "micronesia": ("FM",),
    "turkey": ("TR",),
    "turkiye": ("TR",),
    "macau": ("MO",),
    "macao": ("MO",),
    "hong kong": ("HK",),
    "south korea": ("KR",),
    "republic of korea": ("KR",),
    "north korea": ("KP",),
    "democratic people s republic of korea": ("KP",),
    "laos": ("LA",),
    "russia": ("RU",),
    "brunei": ("BN",),
    "brunei darussalam": ("BN",),
    "vietnam": ("VN",),
    "syria": ("SY",),
    "iran": ("IR",),
    "czech republic": ("CZ",),
    "czechia": ("CZ",),
    "eswatini": ("SZ",),
    "swaziland": ("SZ",),
    "timor leste": ("TL",),
    "east timor": ("TL",),
    "kyrgyz republic": ("KG",),
    "kyrgyzstan": ("KG",),
    "united states of america": ("US",),
    "palestine": ("PS",),
    "palestinian territories": ("PS",),
    "vatican": ("VA",),
    "north macedonia": ("MK",),
    "kosovo": ("XK",),
    "saint vincent and the grenadines": ("VC",),
    "azores": ("PT",),
}

# FIPS 10-4 country codes (used by the US feed's Country-Tag) → ISO 3166-1 alpha-2.
FIPS_TO_ISO: dict[str, str] = {
    "AA": "AW", "AC": "AG", "AE": "AE", "AF": "AF", "AG": "DZ", "AJ": "AZ", "AL": "AL",
    "AM": "AM", "AN": "AD", "AO": "AO", "AR": "AR", "AS": "AU", "AU": "AT", "AV": "AI",
    "AY": "AQ", "BA": "BH", "BB": "BB", "BC": "BW", "BD": "BM", "BE": "BE", "BF": "BS",
    "BG": "BD", "BH": "BZ", "BK": "BA", "BL": "BO", "BM": "MM", "BN": "BJ", "BO": "BY",
    "BP": "SB", "BR": "BR", "BT": "BT", "BU": "BG", "BX": "BN", "BY": "BI", "CA": "CA",
    "CB": "KH", "CD": "TD", "CE": "LK", "CF": "CG", "CG": "CD", "CH": "CN", "CI": "CL",
    "CJ": "KY", "CM": "CM", "CN": "KM", "CO": "CO", "CS": "CR", "CT": "CF", "CU": "CU",
    "CV": "CV", "CY": "CY", "DA": "DK", "DJ": "DJ", "DO": "DM", "DR": "DO", "EC": "EC",
    "EG": "EG", "EI": "IE", "EK": "GQ", "EN": "EE", "ER": "ER", "ES": "SV", "ET": "ET",
    "EZ": "CZ", "FI": "FI", "FJ": "FJ", "FM": "FM", "FP": "PF", "FR": "FR", "GA": "GM",
    "GB": "GA", "GG": "GE", "GH": "GH", "GJ": "GD", "GL": "GL", "GM": "DE", "GR": "GR",
    "GT": "GT", "GV": "GN", "GY": "GY", "HA": "HT", "HK": "HK", "HO": "HN", "HR": "HR",
    "HU": "HU", "IC": "IS", "ID": "ID", "IN": "IN", "IR": "IR", "IS": "IL", "IT": "IT",
    "IV": "CI", "IZ": "IQ", "JA": "JP", "JM": "JM", "JO": "JO", "KE": "KE", "KG": "KG",
    "KN": "KP", "KR": "KI", "KS": "KR", "KU": "KW", "KV": "XK", "KZ": "KZ", "LA": "LA",
    "LE": "LB", "LG": "LV", "LH": "LT", "LI": "LR", "LO": "SK", "LS": "LI", "LT": "LS",
    "LU": "LU", "LY": "LY", "MA": "MG", "MC": "MO", "MD": "MD", "MG": "MN", "MH": "MS",
    "MI": "MW", "MJ": "ME", "MK": "MK", "ML": "ML", "MN": "MC", "MO": "MA", "MP": "MU",
    "MR": "MR", "MT": "MT", "MU": "OM", "MV": "MV", "MX": "MX", "MY": "MY", "MZ": "MZ",
    "NC": "NC", "NG": "NE", "NH": "VU", "NI": "NG", "NL": "NL", "NN": "SX", "NO": "NO",
    "NP": "NP", "NR": "NR", "NS": "SR", "NU": "NI", "NZ": "NZ", "OD": "SS", "PA": "PY",
    "PE": "PE", "PK": "PK", "PU": "GW", "PL": "PL", "PM": "PA", "PO": "PT", "PP": "PG", "PS": "PW",
    "QA": "QA", "RI": "RS", "RM": "MH", "RO": "RO", "RP": "PH", "RS": "RU", "RW": "RW",
    "SA": "SA", "SC": "KN", "SE": "SC", "SF": "ZA", "SG": "SN", "SI": "SI", "SL": "SL",
    "SN": "SG", "SO": "SO", "SP": "ES", "SR": "CH", "ST": "LC", "SU": "SD", "SW": "SE",
    "SY": "SY", "TD": "TT", "TH": "TH", "TI": "TJ", "TK": "TC", "TN": "TO", "TO": "TG",
    "TP": "ST", "TS": "TN", "TT": "TL", "TU": "TR", "TV": "TV", "TW": "TW", "TX": "TM",
    "TZ": "TZ", "UC": "CW", "UG": "UG", "UK": "GB", "UP": "UA", "US": "US", "UV": "BF",
    "UY": "UY", "UZ": "UZ", "VC": "VC", "VE": "VE", "VI": "VG", "VM": "VN", "VT": "VA",
    "WA": "NA", "WE": "PS", "WS": "WS", "WZ": "SZ", "YM": "YE", "ZA": "ZM", "ZI": "ZW",
    # Pseudo-codes the State Department uses for its Caribbean groupings.
    "A1": "BQ", "A2": "GF",
}  # fmt: skip

# The State Department's pseudo-tags for groups of territories.
GROUP_TAGS: dict[str, tuple[str, ...]] = {"A3": ("GP", "MQ", "BL", "MF")}


def normalise_name(name: str) -> str:
    """Lower-case, accents and punctuation removed, '&' as 'and', 'St.' as 'saint', no 'the'."""
    text = html.unescape(name)
    text = strip_accents(text).lower()
    text = text.replace("&", " and ")
    text = re.sub(r"\bst\.?(?=\s)", "saint", text)
    text = re.sub(r"[^a-z0-9()]+", " ", text)
    text = re.sub(r"\s+", " ", text).strip()
    return re.sub(r"^the ", "", text)


@cache
def _name_index() -> dict[str, tuple[str, ...]]:
    index: dict[str, tuple[str, ...]] = {}
    for code, name in Locale("en").territories.items():
        if len(code) == 2 and code.isalpha() and code not in ("EU", "EZ", "UN", "QO", "ZZ"):
            index.setdefault(normalise_name(name), (code,))
            # CLDR writes "Congo - Kinshasa", "Myanmar (Burma)": index the parts too.
            plain = re.sub(r"\(.*?\)", "", normalise_name(name)).strip()
            index.setdefault(plain, (code,))
    for name, codes in FEED_NAMES.items():
        index[normalise_name(name)] = codes
    return index


def resolve_name(name: str) -> tuple[str, ...]:
    """The ISO codes a feed's destination name stands for; () if unknown."""
    index = _name_index()
    key = normalise_name(name)
    if key in index:
        return index[key]
    # "Burma (Myanmar)", "Côte d'Ivoire (Ivory Coast)": try without, then inside, the brackets.
    outside = re.sub(r"\(.*?\)", "", key).strip()
    if outside in index:
        return index[outside]
    for inside in re.findall(r"\((.*?)\)", key):
        if inside.strip() in index:
            return index[inside.strip()]
    return ()


# ISO 3166-1 alpha-3 codes CLDR does not map to our codes (Kosovo's user-assigned codes).
_ALPHA3_EXTRA = {"XKX": "XK", "XKS": "XK", "KOS": "XK"}


@cache
def _alpha3_index() -> dict[str, str]:
    from babel.core import get_global

    from bot.datafiles.convert import known_codes

    index = {}
    for alias, replacements in get_global("territory_aliases").items():
        single = len(replacements) == 1 and replacements[0] in known_codes()
        if len(alias) == 3 and alias.isalpha() and single:
            index[alias.upper()] = replacements[0]
    return index | _ALPHA3_EXTRA


def alpha3_to_alpha2(code: str) -> str | None:
    """The ISO 3166-1 alpha-2 code of an alpha-3 code ("NER" → "NE"), from CLDR; None if unknown."""
    return _alpha3_index().get(code.upper())
