"""A corpus of official pages for every destination, made from the real captures: GOV.UK country
pages whose "Emergency services in …" block takes, country by country, one of the layouts
GOV.UK uses (with known numbers), and Canada files in the structure of the live ones (English and
French, every section, offices). Served at the official paths by the sync's test server, it
checks what one sync of the captures' formats leaves on file (tests) and what it costs
(benchmarks/bench_sections.py)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from bot.datafiles.convert import known_codes
from bot.i18n import country_name
from bot.importers.names import resolve_name
from tests.conftest import DATA, shared_file
from tests.sync.conftest import (
    CA_INDEX,
    UK_INDEX,
    ca_index_entry,
    ca_path,
    renamed_ca,
    renamed_uk,
    slug,
    uk_index_child,
    uk_path,
)

# Later than anything in data/, so that one sync replaces every official block.
UK_DATE = "2026-11-20T10:00:00+00:00"
CA_DATE = "November 20, 2026 10:00 EST"
CAPTURES = ("colombia", "france", "haiti", "kenya", "mexico")

Numbers = frozenset[tuple[str, str]]


@dataclass(frozen=True)
class Known:
    """A destination's known numbers, as the generator gives them."""

    general: str
    police: str
    ambulance: str
    fire: str
    tourist: str
    tourist_full: str  # a tourist police's full number: "+NN 55 5207 4155"

    def three(self) -> Numbers:
        return frozenset(
            {("police", self.police), ("ambulance", self.ambulance), ("fire", self.fire)}
        )


@dataclass(frozen=True)
class Layout:
    """One way GOV.UK writes the block: its HTML, and the numbers it gives (none when the
    layout is one a careful reader must not guess from)."""

    name: str
    html: Callable[[Known, str], str]
    expected: Callable[[Known], Numbers]
    weight: int = 1


def _p(*lines: str) -> str:
    return "".join(f"<p>{line}</p>\n\n" for line in lines)


LAYOUTS: tuple[Layout, ...] = (
    Layout(  # Kenya, Mexico; most of Europe writes 112
        "telephone-all-three",
        lambda n, _: _p(f"Telephone: {n.general} (ambulance, fire, police)"),
        lambda n: frozenset({("general", n.general)}),
        weight=6,
    ),
    Layout(  # France
        "telephone-then-each",
        lambda n, _: _p(
            f"Telephone {n.general} (ambulance, fire, police)",
            f"Ambulance: {n.ambulance}",
            f"Fire: {n.fire}",
            f"Police: {n.police}",
            f"Deaf and hard of hearing emergency number (SMS, chat, video and fax): {n.tourist}",
        ),
        lambda n: frozenset({("general", n.general)}) | n.three(),
        weight=3,
    ),
    Layout(  # Colombia
        "each-paragraph",
        lambda n, _: _p(f"Ambulance: {n.ambulance} ", f"Fire: {n.fire} ", f"Police: {n.police} "),
        lambda n: n.three(),
        weight=5,
    ),
    Layout(  # Haiti
        "warning-note-first",
        lambda n, name: (
            '<div role="note" aria-label="Warning" class="application-notice help-notice">\n'
            f"<p>Due to the security situation in {name}, emergency services may be unable to"
            " respond or face long delays in reaching you. </p>\n</div>\n\n"
            + _p(f"Ambulance: {n.ambulance}", f"Fire: {n.fire}", f"Police: {n.police}    ")
        ),
        lambda n: n.three(),
        weight=2,
    ),
    Layout(  # Cuba
        "one-line",
        lambda n, _: _p(f"Ambulance: {n.ambulance}, Fire: {n.fire}, Police: {n.police}"),
        lambda n: n.three(),
        weight=2,
    ),
    Layout(
        "line-breaks",
        lambda n, _: f"<p>Ambulance: {n.ambulance}<br>Fire: {n.fire}<br>Police: {n.police}</p>",
        lambda n: n.three(),
    ),
    Layout(
        "list",
        lambda n, _: (
            f"<ul>\n  <li>ambulance: {n.ambulance}</li>\n  <li>fire: {n.fire}</li>\n"
            f"  <li>police: {n.police}</li>\n</ul>\n"
        ),
        lambda n: n.three(),
    ),
    Layout(
        "dashes-strong",
        lambda n, _: _p(
            f"Police – <strong>{n.police}</strong>",
            f"Ambulance – <strong>{n.ambulance}</strong>",
            f"Fire – <strong>{n.fire}</strong>",
        ),
        lambda n: n.three(),
    ),
    Layout(  # Mexico
        "city-tourist-police",
        lambda n, name: (
            _p(f"Telephone: {n.general} (ambulance, fire, police)")
            + f'<h3 id="tourist-police">{name} City Tourist Police</h3>\n\n'
            + _p(f"Telephone: {n.tourist_full}", f"WhatsApp: {n.tourist_full[:-1]}9")
        ),
        lambda n: frozenset({("general", n.general), ("tourist_police", _full(n.tourist_full))}),
        weight=2,
    ),
    Layout(  # Thailand, Egypt …
        "tourist-police-line",
        lambda n, _: _p(
            f"Ambulance: {n.ambulance}",
            f"Fire: {n.fire}",
            f"Police: {n.police}",
            f"Tourist police: {n.tourist}",
        ),
        lambda n: n.three() | {("tourist_police", n.tourist)},
        weight=2,
    ),
    Layout(
        "dial",
        lambda n, _: _p(f"Dial {n.general}"),
        lambda n: frozenset({("general", n.general)}),
    ),
    Layout(
        "shared-number",
        lambda n, _: _p(f"Police and fire: {n.police}", f"Ambulance: {n.ambulance}"),
        lambda n: frozenset({("police", n.police), ("fire", n.police), ("ambulance", n.ambulance)}),
    ),
    Layout(  # Japan
        "telephone-per-service",
        lambda n, _: _p(
            f"Telephone: {n.ambulance} (ambulance, fire)", f"Telephone: {n.police} (police)"
        ),
        lambda n: frozenset(
            {("ambulance", n.ambulance), ("fire", n.ambulance), ("police", n.police)}
        ),
    ),
    Layout(  # South Africa
        "five-digits",
        lambda n, _: _p(f"Police: 10{n.police}", f"Ambulance: 10{n.ambulance}"),
        lambda n: frozenset({("police", f"10{n.police}"), ("ambulance", f"10{n.ambulance}")}),
    ),
    Layout(  # Morocco
        "numbers-with-notes",
        lambda n, _: _p(
            f"Ambulance: {n.ambulance}", f"Police: {n.police} (in cities) {n.fire} (elsewhere)"
        ),
        lambda n: frozenset({("ambulance", n.ambulance), ("police", n.police), ("police", n.fire)}),
    ),
    Layout(  # prose a careful reader does not turn into numbers
        "prose",
        lambda n, _: _p(
            f"The emergency number is {n.general}, but operators rarely speak English; in rural"
            f" areas call {n.police} for the police."
        ),
        lambda n: frozenset(),
    ),
)


def _full(written: str) -> str:
    """ "(0052) 55 5207 4155" as Vigie keeps it: "+52 55 5207 4155"."""
    match = re.match(r"\(00(\d+)\) (.*)", written)
    assert match
    return f"+{match.group(1)} {match.group(2)}"


def numbers_for(code: str) -> Known:
    """Known, distinct numbers for a destination (the same on every run)."""
    seed = int(hashlib.sha256(code.encode()).hexdigest(), 16)
    general = ("112", "911", "999", "190", "117", "100")[seed % 6]
    base = 100 + seed % 800
    police, ambulance, fire = str(base), str(base + 1), str(base + 2)
    tourist = str(1000 + seed % 9000)
    country = 20 + seed % 70
    tourist_full = f"(00{country}) 55 {5000 + seed % 4000} {1000 + seed % 8999}"
    return Known(general, police, ambulance, fire, tourist, tourist_full)


def uk_destinations() -> dict[str, str]:
    """The destinations the test server's GOV.UK index lists, with their English names."""
    return {
        code: country_name(code, "en")
        for code in sorted(known_codes())
        if resolve_name(country_name(code, "en")) == (code,)
    }


@dataclass
class Page:
    """A GOV.UK page of the corpus and what a reader should take from it."""

    code: str
    slug: str
    layout: str
    expected: Numbers
    capital: str
    body: dict[str, Any] = field(repr=False, default_factory=dict)


def _captures() -> dict[str, dict[str, Any]]:
    return {
        s: json.loads(shared_file(f"feeds/2026-10-07/uk/{s}.json").read_text()) for s in CAPTURES
    }


def _capital(code: str) -> str:
    for line in (DATA / "places" / "cities.tsv").read_text(encoding="utf-8").split("\n"):
        cells = line.split("\t")
        if len(cells) > 3 and cells[1] == code and cells[3] == "1":
            return cells[0]
    return ""


_EMERGENCY_BLOCK = re.compile(
    r'<h2 id="emergency-services-in-[^"]*">.*?(?=<h2 id="(?!emergency))', re.DOTALL
)
_OFFICE_LINK = re.compile(r"/posts/[a-z-]+/british-(?:embassy|high-commission)-[a-z-]+")


def uk_page(code: str, name: str, capture: dict[str, Any], layout: Layout) -> Page:
    """A GOV.UK page for `name`, from a real capture, with the emergency block in `layout`."""
    page = renamed_uk(capture, name)
    page["public_updated_at"] = UK_DATE
    page_slug = page["details"]["country"]["slug"]
    numbers = numbers_for(code)
    capital = _capital(code)
    block = (
        f'<h2 id="emergency-services-in-{page_slug}">Emergency services in {name}</h2>\n\n'
        + layout.html(numbers, capital or name)
    )
    for part in page["details"]["parts"]:
        if part["slug"] == "getting-help":
            body = _EMERGENCY_BLOCK.sub(lambda _: block, part["body"], count=1)
            if capital:
                office = f"/posts/{page_slug}/british-embassy-{slug(capital)}"
                body = _OFFICE_LINK.sub(office, body)
            part["body"] = body
    expected = layout.expected(numbers)
    if layout.name == "city-tourist-police" and not capital:
        expected = frozenset({("general", numbers.general)})
    return Page(code, page_slug, layout.name, frozenset(expected), capital, page)


def uk_corpus(destinations: dict[str, str] | None = None) -> list[Page]:
    """One page per destination; layouts dealt in turn by their weight."""
    captures = _captures()
    dealt = [layout for layout in LAYOUTS for _ in range(layout.weight)]
    pages = []
    for at, (code, name) in enumerate(sorted((destinations or uk_destinations()).items())):
        capture = captures[CAPTURES[at % len(CAPTURES)]]
        pages.append(uk_page(code, name, capture, dealt[at % len(dealt)]))
    return pages


def ca_corpus(destinations: dict[str, str] | None = None) -> dict[str, dict[str, Any]]:
    """A Canada file per destination: the Thailand file completed with its French, sections and
    offices (fixtures/feeds/derived), renamed, dated CA_DATE."""
    full = json.loads(shared_file("feeds/derived/ca/cta-cap-th-full.json").read_text())
    files = {}
    for code, name in sorted((destinations or uk_destinations()).items()):
        page = renamed_ca(full, code, name)
        page["data"]["eng"]["friendly-date"] = CA_DATE
        fra = page["data"]["fra"]
        fra["name"] = country_name(code, "fr")
        fra["url-slug"] = slug(fra["name"])
        files[code] = page
    return files


def serve(pages: list[Page], canada: dict[str, dict[str, Any]] | None = None) -> dict[str, bytes]:
    """The files the test server serves for the corpus: each page and the indexes listing them."""
    files: dict[str, bytes] = {}
    for page in pages:
        files[uk_path(page.slug)] = json.dumps(page.body, ensure_ascii=False).encode()
    files[UK_INDEX] = json.dumps(
        {
            "base_path": "/foreign-travel-advice",
            "document_type": "travel_advice_index",
            "schema_name": "travel_advice_index",
            "title": "Foreign travel advice",
            "links": {"children": [uk_index_child(p.body) for p in pages]},
        }
    ).encode()
    if canada:
        index = {}
        for code, page in canada.items():
            files[ca_path(code)] = json.dumps(page, ensure_ascii=False).encode()
            index[code] = ca_index_entry(page)
        files[CA_INDEX] = json.dumps(
            {"metadata": {"generated": {"date": dt.date(2026, 11, 20).isoformat()}}, "data": index}
        ).encode()
    return files
