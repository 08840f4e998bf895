"""Canada's travel advice (data.international.gc.ca): the index of every country
(`index-updated.json`) and one country in full (`cta-cap-<iso>.json`): its level, its regions,
its sections (security, entry and exit, health, laws and culture, natural disasters and climate,
help abroad) with the emergency numbers they give, and Canada's offices, in English and in
Canada's official French (`fra`) when the file carries it."""

from __future__ import annotations

import datetime as dt
import html
import re
import unicodedata
from typing import Any

from bot.core.model import (
    SOURCE_LICENCES,
    Embassy,
    EmergencyNumber,
    OfficialSection,
    SourceAdvice,
    SourceRegion,
)
from bot.datafiles.convert import known_codes
from bot.importers.common import (
    FeedEntry,
    FeedRefused,
    IndexItem,
    clean_text,
    load_json,
    require_count,
    risks_in,
    shorten,
)
from bot.importers.emergency_numbers import block_after_heading, numbers_in_block
from bot.importers.html_blocks import Node, parse_html
from bot.importers.official_parts import keep_valid, section
from bot.importers.official_text import html_to_text

SOURCE = "ca-gac"
INDEX_URL = "https://data.international.gc.ca/travel-voyage/index-updated.json"
COUNTRY_URL = "https://data.international.gc.ca/travel-voyage/cta-cap-{key}.json"
# Canada's index lists about 230 destinations: far fewer means a truncated or partial file.
MIN_COUNTRIES = 150
# advisory-state 0–3, Canada's scale, onto ours 1–4.
_STATE_TO_LEVEL = {0: 1, 1: 2, 2: 3, 3: 4}
_PHRASE_LEVELS = (  # the longer phrase first: "avoid all travel" starts neither
    ("avoid non-essential travel", 3),
    ("avoid all travel", 4),
    ("exercise a high degree of caution", 2),
    ("take normal security precautions", 1),
)
_GENERIC_HEADING = re.compile(r"^(?:regional advisor(?:y|ies)|avis régional)$", re.IGNORECASE)
PAGE_URL = {
    "en": "https://travel.gc.ca/destinations/{slug}",
    "fr": "https://voyage.gc.ca/destinations/{slug}",
}
# Canada's sections in the order of its page: (topic, English title, French title, the words its
# key is recognised by). Keys are read tolerantly ("disasters-climate" and
# "natural-disasters-climate" alike); "advisories" is the risk level and its regions.
_SECTIONS = (
    ("summary", "Risk levels", "Niveaux de risque", ("advisories", "avis")),
    ("security", "Safety and security", "Sécurité", ("security", "securite", "safety")),
    (
        "entry",
        "Entry and exit requirements",
        "Exigences d’entrée et de sortie",
        ("entry", "exit", "entree", "sortie"),
    ),
    ("health", "Health", "Santé", ("health", "sante")),
    ("laws", "Laws and culture", "Lois et culture", ("laws", "law", "culture", "lois")),
    (
        "disasters",
        "Natural disasters and climate",
        "Catastrophes naturelles et climat",
        ("disasters", "disaster", "climate", "catastrophes", "climat"),
    ),
)
_HELP_TITLES = {"en": "Assistance", "fr": "Assistance"}
_OFFICE_KIND_WORDS = ("consul",)  # "Consulate General of Canada", "Consul honoraire du Canada"
_MONTHS = [
    *("january", "february", "march", "april", "may", "june"),
    *("july", "august", "september", "october", "november", "december"),
]


def country_url(key: str) -> str:
    """The JSON file of one country (key: its ISO code, as the index gives it)."""
    return COUNTRY_URL.format(key=key.lower())


def parse_index(raw: bytes, *, minimum: int = MIN_COUNTRIES) -> list[IndexItem]:
    """Every country of the index (sub-national entries such as "PT-20" left out), with the date
    Canada last published its advice. Refuse a per-country file or a short index."""
    data = load_json(raw, "Canada index")
    body = data.get("data") if isinstance(data, dict) else None
    if isinstance(body, dict) and "country-iso" in body:
        raise FeedRefused(
            f"Canada index: this is the file of one country ({body.get('country-iso')}),"
            " not the index of every country (index-updated.json)"
        )
    if not isinstance(body, dict) or not all(isinstance(v, dict) for v in body.values()):
        raise FeedRefused("Canada index: expected {'data': {ISO code: country, …}}")
    items = []
    for key, item in body.items():
        code = key.upper()
        if code not in known_codes() or "advisory-state" not in item:
            continue
        items.append(IndexItem(code, key.lower(), _published(item), country_url(key)))
    require_count(len(items), minimum, "Canada index", "countries")
    return items


def _published(item: dict[str, Any]) -> dt.datetime | None:
    published = item.get("date-published") or {}
    stamp = published.get("timestamp") if isinstance(published, dict) else None
    if isinstance(stamp, int | float) and stamp > 0:
        return dt.datetime.fromtimestamp(stamp, dt.UTC)
    text = published.get("date") if isinstance(published, dict) else None
    try:  # "2026-09-24 09:14:13", Ottawa time: only compared with itself, never shown
        return dt.datetime.fromisoformat(text) if isinstance(text, str) else None
    except ValueError:
        return None


def parse_country(raw: bytes) -> FeedEntry:
    """One country's advice: level, date, Canada's summary (English, and its French when the file
    has `fra`), and the regional advisories as regions. Refuse the index or any other file."""
    data = load_json(raw, "Canada country file")
    body = data.get("data") if isinstance(data, dict) else None
    if not isinstance(body, dict) or "country-iso" not in body:
        if isinstance(body, dict) and body and all(isinstance(v, dict) for v in body.values()):
            raise FeedRefused(
                "Canada country file: this is the index of every country; give the per-country"
                " files (cta-cap-XX.json)"
            )
        raise FeedRefused("Canada country file: expected {'data': {'country-iso': …}}")
    code = str(body["country-iso"]).upper()
    if code not in known_codes():
        raise FeedRefused(f"Canada country file: unknown country code {code!r}")
    state = body.get("advisory-state")
    if state not in _STATE_TO_LEVEL:
        raise FeedRefused(f"Canada country file {code}: unknown advisory-state {state!r}")
    eng = body.get("eng")
    if not isinstance(eng, dict) or not eng.get("advisories"):
        raise FeedRefused(f"Canada country file {code}: no English advice ('eng.advisories')")
    fra: dict[str, Any] = body["fra"] if isinstance(body.get("fra"), dict) else {}
    level = _STATE_TO_LEVEL[state]
    summary, regions = _advisories(eng.get("advisories", ""), level)
    if body.get("has-regional-advisory") and not regions:
        _, regions = _advisories(eng.get("security", ""), level)
    summary_fr, _ = _advisories(fra.get("advisories", ""), level) if fra else ("", ())
    label = _text(eng.get("advisory-text", ""))
    slug = str(eng.get("url-slug") or "")
    url = PAGE_URL["en"].format(slug=slug)
    blocks = {"en": eng, "fr": fra} if fra else {"en": eng}
    sections: list[OfficialSection] = []
    for lang, block in blocks.items():
        slug_fr = str(block.get("url-slug") or "") if lang == "fr" else ""
        page = PAGE_URL["fr"].format(slug=slug_fr) if slug_fr else url
        sections.extend(official_sections(block, lang, page))
    advice = SourceAdvice(
        source=SOURCE,
        label=label.capitalize() if label.isupper() else label,
        level=level,
        date=_date(eng.get("friendly-date"), data.get("metadata")),
        url=url,
        summary=shorten(summary),
        summary_lang="en",
        summary_fr=shorten(summary_fr),
        risks=risks_in(_due_to(summary)),
        change_note=shorten(_text(eng.get("recent-updates", "")), 300),
        regions=regions,
        sections=tuple(sections),
        emergency=emergency_numbers(tuple(sections)),
        offices=canada_offices(eng, fra),
        licence=SOURCE_LICENCES[SOURCE],
    )
    return FeedEntry((code,), keep_valid(advice), _text(eng.get("name", code)))


def _key_words(key: str) -> set[str]:
    ascii_key = unicodedata.normalize("NFKD", key).encode("ascii", "ignore").decode().lower()
    return set(re.split(r"[^a-z]+", ascii_key)) - {""}


def official_sections(block: dict[str, Any], lang: str, url: str) -> list[OfficialSection]:
    """One language's sections (`eng` or `fra`): each of Canada's text fields found by its key's
    words, then "offices-help-abroad" (its opening and closing text). A field that is absent or
    empty is "not published": no section."""
    found: list[OfficialSection] = []
    taken: set[str] = set()
    for topic, title_en, title_fr, words in _SECTIONS:
        for key, value in block.items():
            if key in taken or not isinstance(value, str) or "office" in key:
                continue
            if _key_words(key) & set(words):
                taken.add(key)
                made = section(
                    topic, title_fr if lang == "fr" else title_en, html_to_text(value), lang, url
                )
                if made is not None:
                    found.append(made)
    help_block = next(
        (v for k, v in block.items() if "help" in _key_words(k) or "aide" in _key_words(k)), None
    )
    if isinstance(help_block, dict):
        parts = [help_block.get(k) for k in ("opening-text", "closing-text")]
        text = "\n\n".join(t for t in (html_to_text(p) for p in parts) if t)
        made = section("help", _HELP_TITLES[lang], text, lang, url)
        if made is not None:
            found.append(made)
    return found


def emergency_numbers(sections: tuple[OfficialSection, ...]) -> tuple[EmergencyNumber, ...]:
    """The numbers of an "Emergency services" block ("Services d’urgence" in French), the
    English sections first: security, then the others."""
    ordered = sorted(sections, key=lambda s: (s.lang != "en", s.topic != "security"))
    for part in ordered:
        block = block_after_heading(part.text)
        numbers = numbers_in_block(block) if block else ()
        if numbers:
            return numbers
    return ()


def canada_offices(eng: dict[str, Any], fra: dict[str, Any]) -> tuple[Embassy, ...]:
    """Canada's offices for this destination (`offices`, in each language block or with `eng`
    and `fra` inside each office), each named in English and, when given, in French."""
    english = _dicts(eng.get("offices"))
    french = _dicts(fra.get("offices")) if fra else []
    offices: list[Embassy] = []
    for at, office in enumerate(english):
        en: dict[str, Any] = office["eng"] if isinstance(office.get("eng"), dict) else office
        fr: dict[str, Any] = french[at] if at < len(french) else {}
        if isinstance(office.get("fra"), dict):
            fr = office["fra"]
        made = _office(en, fr)
        if made is not None and made not in offices:
            offices.append(made)
    return tuple(offices)


def _dicts(value: Any) -> list[dict[str, Any]]:
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def _field(office: dict[str, Any], key: str) -> str:
    return re.sub(r"\s+", " ", html_to_text(str(office.get(key) or ""))).strip()


def _office(en: dict[str, Any], fr: dict[str, Any]) -> Embassy | None:
    kind_words = _field(en, "type")
    city = _field(en, "city")
    if not city or not kind_words:
        return None
    kind = "consulate" if any(w in kind_words.lower() for w in _OFFICE_KIND_WORDS) else "embassy"
    address = re.sub(r"\s*\n\s*", ", ", html_to_text(str(en.get("address") or ""))).strip(", ")
    email = _field(en, "email-1")
    url = _field(en, "internet")
    fr_type, fr_city = _field(fr, "type"), _field(fr, "city") or city
    return Embassy(
        of="CA",
        kind=kind,
        city=city,
        address=re.sub(r"(?:,\s*){2,}", ", ", address),
        phone=_field(en, "tel-legacy"),
        email=email if re.fullmatch(r"[^@\s]+@[^@\s]+\.[a-z]{2,}", email) else "",
        url=url if re.match(r"https?://[^\s/]+\.[^\s]+$", url) else "",
        name=f"{kind_words} in {city}",
        name_fr=f"{fr_type} à {fr_city}" if fr_type else "",
    )


def _text(value: Any) -> str:
    return html.unescape(html.unescape(str(value or ""))).strip()


def _date(friendly: Any, metadata: Any) -> dt.date:
    """ "September 24, 2026 08:53 EDT", else the file's generation date, else unknown (1970)."""
    match = re.match(r"\s*([A-Za-z]+)\s+(\d{1,2}),\s*(\d{4})", str(friendly or ""))
    if match and match[1].lower() in _MONTHS:
        try:
            return dt.date(int(match[3]), _MONTHS.index(match[1].lower()) + 1, int(match[2]))
        except ValueError:
            pass
    generated = (metadata or {}).get("generated", {}) if isinstance(metadata, dict) else {}
    match = re.match(r"(\d{4})-(\d{2})-(\d{2})", str(generated.get("date", "")))
    if match:
        return dt.date(int(match[1]), int(match[2]), int(match[3]))
    return dt.date(1970, 1, 1)


def _due_to(sentence: str) -> str:
    match = re.search(r"\bdue to\b(.*?)(?:[.:]|$)", sentence)
    return match.group(1) if match else ""


def _phrase_level(text: str) -> int | None:
    lower = text.lower()
    for phrase, level in _PHRASE_LEVELS:
        if phrase in lower:
            return level
    return None


def _advisories(markup: object, level: int) -> tuple[str, tuple[SourceRegion, ...]]:
    """The national advice (first block) as plain text, and each regional advisory block
    ("<h3>Area - Avoid all travel</h3>…") above the national level as a region."""
    if not isinstance(markup, str) or not markup:
        return "", ()
    root = parse_html(markup)
    blocks = [n for n in root.find_all("div") if "AdvisoryContainer" in n.attrs.get("class", "")]
    if not blocks:
        return clean_text(markup), ()
    national = [b for b in blocks if "RegionalAdv" not in b.attrs.get("class", "")]
    summary = ""
    if national:
        paragraphs = [p for p in national[0].children_nodes() if p.tag != "h3"]
        summary = clean_text("".join(p.markup() for p in paragraphs))
    regions = []
    for block in blocks:
        if "RegionalAdv" not in block.attrs.get("class", ""):
            continue
        region = _region(block)
        if region is not None and region.level > level and region not in regions:
            regions.append(region)
    return summary, tuple(regions)


def _region(block: Node) -> SourceRegion | None:
    heading = next(iter(block.find_all("h3")), None)
    title = heading.text() if heading else ""
    area_title, _, phrase = title.rpartition(" - ")
    region_level = _phrase_level(phrase) or _phrase_level(block.text())
    if region_level is None:
        return None
    # The sentence after the heading: "Avoid all travel to <areas>, due to <reason>."
    body = " ".join(n.text(lists=False) for n in block.children_nodes() if n.tag != "h3")
    body = re.sub(r"\s+", " ", body).strip()
    match = re.search(
        r"(?:travel|voyage)\s+(?:to|in|dans|à|au|aux|en)\s+(?P<areas>.+?),?\s+"
        r"(?:due to|because of|en raison)\s+(?P<reason>.+?)(?:[.:]\s|[.:]?$)",
        body,
        re.IGNORECASE,
    )
    areas: list[str] = []
    if area_title and not _GENERIC_HEADING.match(area_title.strip()):
        areas.append(area_title.strip())
    reason = match.group("reason").strip() if match else ""
    named = re.sub(r"^the\s+", "", match.group("areas").strip()) if match else ""
    top_list = next(iter(block.find_all("ul")), None)
    if named and not re.match(r"(?:following|suivant)", named, re.IGNORECASE):
        areas.append(named)
    elif top_list is not None:  # "to the following areas:" then a list
        areas.extend(_list_items(top_list))
    areas = [a for a in dict.fromkeys(a.strip(" ,;") for a in areas) if a]
    if not areas:
        return None
    return SourceRegion(tuple(areas), region_level, reason)


def _list_items(ul: Node) -> list[str]:
    """Each top-level item of a list, nested exceptions folded in ("Chiapas, excluding: a; b")."""
    items: list[str] = []
    for child in ul.children_nodes():
        if child.tag == "li":
            own = child.text(lists=False).strip()
            nested = [
                "; ".join(_list_items(sub)) for sub in child.children_nodes() if sub.tag == "ul"
            ]
            items.append(" ".join([own, *nested]).strip())
        elif child.tag == "ul" and items:  # a sub-list written beside its item, not inside it
            items[-1] = f"{items[-1]} {'; '.join(_list_items(child))}".strip()
    return [re.sub(r"\s+", " ", i) for i in items if i]
