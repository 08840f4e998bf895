"""Convert between plain dicts (as read from TOML or JSON) and the advisory model, validating.

The same dict form is what the TOML files hold and what the database stores, so one pair of
functions serves the files, the store and the lossless export.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any
from urllib.parse import urlparse

from bot.core.model import (
    EMBASSY_KINDS,
    EMERGENCY_SERVICES,
    FR_MEAE_COLOURS,
    LANGS,
    LEVELS,
    OFFICIAL_TOPICS,
    RISKS,
    SECTIONS,
    SEVERITIES,
    SOURCES,
    Advisory,
    Alert,
    CuratedLevel,
    Embassy,
    EmergencyNumber,
    OfficialSection,
    Region,
    SourceAdvice,
    SourceRegion,
    Text,
)

Path = tuple[str | int, ...]
EARLIEST_PLAUSIBLE = dt.date(1995, 1, 1)
_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_PHONE = re.compile(r"^\+?[0-9][0-9 ()./-]{2,30}[0-9](\s*(ext\.?|poste)\s*[0-9]+)?$")
_EMERGENCY_NUMBER = re.compile(r"^[0-9][0-9 ]{1,14}$")


@dataclass(frozen=True, slots=True)
class Problem:
    """Something wrong in a data file, at a key path."""

    path: Path
    message: str


@cache
def known_codes() -> frozenset[str]:
    """ISO 3166-1 alpha-2 codes known to CLDR (plus XK, Kosovo): the very codes the place
    matcher can find."""
    from bot.core.places import iso_codes

    return frozenset(iso_codes())


class _Reader:
    """Reads one destination dict, collecting problems instead of stopping at the first."""

    def __init__(self, today: dt.date | None) -> None:
        self.today = today
        self.problems: list[Problem] = []

    def fail(self, path: Path, message: str) -> None:
        self.problems.append(Problem(path, message))

    def table(self, value: Any, path: Path, allowed: tuple[str, ...]) -> dict[str, Any]:
        if not isinstance(value, Mapping):
            self.fail(path, "expected a table")
            return {}
        for key in value:
            if key not in allowed:
                self.fail(
                    (*path, key), f"unknown key {key!r} (expected one of {', '.join(allowed)})"
                )
        return dict(value)

    def array(self, value: Any, path: Path) -> list[Any]:
        if value is None:
            return []
        if not isinstance(value, list):
            self.fail(path, "expected an array")
            return []
        return value

    def string(
        self, table: Mapping[str, Any], key: str, path: Path, *, required: bool = True
    ) -> str:
        value = table.get(key)
        if value is None:
            if required:
                self.fail(path, f"missing {key!r}")
            return ""
        if not isinstance(value, str):
            self.fail((*path, key), f"{key!r} must be a string")
            return ""
        if required and not value.strip():
            self.fail((*path, key), f"{key!r} is empty")
        return value

    def choice(
        self, table: Mapping[str, Any], key: str, path: Path, options: tuple[str, ...]
    ) -> str:
        value = self.string(table, key, path)
        if value and value not in options:
            self.fail((*path, key), f"{key!r} is {value!r}, expected one of {', '.join(options)}")
        return value

    def level(self, table: Mapping[str, Any], key: str, path: Path) -> int:
        value = table.get(key)
        if value is None:
            self.fail(path, f"missing {key!r}")
            return 0
        if isinstance(value, bool) or not isinstance(value, int) or value not in LEVELS:
            self.fail((*path, key), f"level must be 1, 2, 3 or 4, not {value!r}")
            return 0
        return value

    def date(
        self, table: Mapping[str, Any], key: str, path: Path, *, required: bool = True
    ) -> dt.date:
        value = table.get(key)
        if value is None:
            if required:
                self.fail(path, f"missing {key!r}")
            return EARLIEST_PLAUSIBLE
        if isinstance(value, str):
            try:
                value = dt.date.fromisoformat(value)
            except ValueError:
                self.fail((*path, key), f"{key!r} is not a date (YYYY-MM-DD): {value!r}")
                return EARLIEST_PLAUSIBLE
        if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
            self.fail((*path, key), f"{key!r} must be a date written YYYY-MM-DD, not {value!r}")
            return EARLIEST_PLAUSIBLE
        if value < EARLIEST_PLAUSIBLE:
            self.fail((*path, key), f"{key!r} {value} is implausibly old")
        if self.today is not None and value > self.today:
            self.fail((*path, key), f"{key!r} {value} is in the future")
        return value

    def url(self, table: Mapping[str, Any], key: str, path: Path, *, required: bool) -> str:
        value = self.string(table, key, path, required=required)
        if value:
            parsed = urlparse(value)
            if parsed.scheme not in ("http", "https") or "." not in parsed.netloc or " " in value:
                self.fail((*path, key), f"{key!r} is not a well-formed http(s) URL: {value!r}")
        return value

    def text(self, value: Any, path: Path) -> Text:
        table = self.table(value, path, LANGS)
        en = self.string(table, "en", path)
        fr = self.string(table, "fr", path)
        return Text(en=en, fr=fr)

    def code(self, table: Mapping[str, Any], key: str, path: Path) -> str:
        value = self.string(table, key, path)
        if value and value not in known_codes():
            self.fail((*path, key), f"{value!r} is not an ISO 3166-1 alpha-2 country code")
        return value

    def unique(self, items: list[Any], get: Callable[[Any], str], path: Path, what: str) -> None:
        seen: set[str] = set()
        for i, item in enumerate(items):
            key = get(item)
            if key in seen:
                self.fail((*path, i), f"duplicate {what} {key!r}")
            seen.add(key)


_TOP = (
    "code",
    "reviewed",
    "curated_level",
    "change_note",
    "sections",
    "emergency",
    "embassies",
    "alerts",
    "regions",
    "sources",
)


def advisory_from_dict(
    data: Mapping[str, Any], *, today: dt.date | None = None, expected_code: str | None = None
) -> tuple[Advisory | None, list[Problem]]:
    """Build an Advisory from its dict form; return it (None if unusable) and the problems found."""
    r = _Reader(today)
    top = r.table(data, (), _TOP)
    code = r.code(top, "code", ())
    if expected_code and code and code != expected_code:
        r.fail(("code",), f"code {code!r} does not match the file name ({expected_code})")

    curated = None
    if "curated_level" in top:
        t = r.table(top["curated_level"], ("curated_level",), ("level", "reason"))
        curated = CuratedLevel(
            level=r.level(t, "level", ("curated_level",)),
            reason=r.text(t.get("reason", {}), ("curated_level", "reason")),
        )
    change_note = r.text(top["change_note"], ("change_note",)) if "change_note" in top else None
    sections = {
        name: r.text(value, ("sections", name))
        for name, value in r.table(top.get("sections", {}), ("sections",), SECTIONS).items()
    }
    emergency: dict[str, str] = {}
    for service, number in r.table(
        top.get("emergency", {}), ("emergency",), EMERGENCY_SERVICES
    ).items():
        if not isinstance(number, str) or not _EMERGENCY_NUMBER.match(number):
            r.fail(("emergency", service), f"emergency number must be digits, not {number!r}")
        else:
            emergency[service] = number

    embassies = [
        _embassy(r, item, ("embassies", i))
        for i, item in enumerate(r.array(top.get("embassies"), ("embassies",)))
    ]
    alerts = [
        _alert(r, item, ("alerts", i))
        for i, item in enumerate(r.array(top.get("alerts"), ("alerts",)))
    ]
    r.unique(alerts, lambda a: a.id, ("alerts",), "alert id")
    regions = [
        _region(r, item, ("regions", i))
        for i, item in enumerate(r.array(top.get("regions"), ("regions",)))
    ]
    r.unique(regions, lambda g: g.id, ("regions",), "region id")
    sources = [
        _source(r, item, ("sources", i))
        for i, item in enumerate(r.array(top.get("sources"), ("sources",)))
    ]
    r.unique(sources, lambda s: s.source, ("sources",), "source")
    reviewed = r.date(top, "reviewed", (), required=False) if "reviewed" in top else None

    if r.problems:
        return None, r.problems
    advisory = Advisory(
        code=code,
        sources=tuple(sorted(sources, key=lambda s: SOURCES.index(s.source))),
        curated_level=curated,
        sections={name: sections[name] for name in SECTIONS if name in sections},
        emergency={s: emergency[s] for s in EMERGENCY_SERVICES if s in emergency},
        embassies=tuple(embassies),
        alerts=tuple(alerts),
        regions=tuple(regions),
        change_note=change_note,
        reviewed=reviewed,
    )
    return advisory, []


def _embassy(r: _Reader, value: Any, path: Path, *, official: bool = False) -> Embassy:
    """A curated embassy (phone checked strictly) or an official office (phone kept as the
    government wrote it: "+1 (613) 996-8885 / 8886" is still worth showing)."""
    keys = ("of", "kind", "city", "address", "phone", "email", "url", "name", "name_fr")
    t = r.table(value, path, keys)
    phone = r.string(t, "phone", path, required=False)
    if phone and not official and not _PHONE.match(phone):
        r.fail((*path, "phone"), f"phone {phone!r} is not a phone number (+country code, digits)")
    email = r.string(t, "email", path, required=False)
    if email and not re.match(r"^[^@\s]+@[^@\s]+\.[a-z]{2,}$", email):
        r.fail((*path, "email"), f"email {email!r} is not an e-mail address")
    return Embassy(
        of=r.code(t, "of", path),
        kind=r.choice(t, "kind", path, EMBASSY_KINDS),
        city=r.string(t, "city", path),
        address=r.string(t, "address", path, required=False),
        phone=phone,
        email=email,
        url=r.url(t, "url", path, required=False),
        name=r.string(t, "name", path, required=False),
        name_fr=r.string(t, "name_fr", path, required=False),
    )


def _alert(r: _Reader, value: Any, path: Path) -> Alert:
    t = r.table(value, path, ("id", "date", "severity", "en", "fr", "url", "origin"))
    alert_id = r.string(t, "id", path)
    if alert_id and not _SLUG.match(alert_id):
        r.fail((*path, "id"), f"alert id {alert_id!r}: use lower-case letters, digits and -")
    return Alert(
        id=alert_id,
        date=r.date(t, "date", path),
        severity=r.choice(t, "severity", path, SEVERITIES),
        text=Text(en=r.string(t, "en", path), fr=r.string(t, "fr", path)),
        url=r.url(t, "url", path, required=False),
        origin=r.string(t, "origin", path, required=False),
    )


def _region(r: _Reader, value: Any, path: Path) -> Region:
    t = r.table(value, path, ("id", "name", "aliases", "level", "reason"))
    region_id = r.string(t, "id", path)
    if region_id and not _SLUG.match(region_id):
        r.fail((*path, "id"), f"region id {region_id!r}: use lower-case letters, digits and -")
    aliases = r.array(t.get("aliases"), (*path, "aliases"))
    if not all(isinstance(a, str) and a.strip() for a in aliases):
        r.fail((*path, "aliases"), "aliases must be non-empty strings")
        aliases = []
    return Region(
        id=region_id,
        name=r.text(t.get("name", {}), (*path, "name")),
        level=r.level(t, "level", path),
        reason=r.text(t.get("reason", {}), (*path, "reason")),
        aliases=tuple(aliases),
    )


def _source(r: _Reader, value: Any, path: Path) -> SourceAdvice:
    keys = (
        "source",
        "label",
        "level",
        "date",
        "url",
        "summary",
        "summary_lang",
        "summary_fr",
        "risks",
        "change_note",
        "regions",
        "licence",
        "sections",
        "emergency",
        "offices",
    )
    t = r.table(value, path, keys)
    level = _french_level(r, t, path) if t.get("source") == "fr-meae" else None
    risks = r.array(t.get("risks"), (*path, "risks"))
    for risk in risks:
        if risk not in RISKS:
            r.fail((*path, "risks"), f"unknown risk {risk!r} (expected one of {', '.join(RISKS)})")
    regions = []
    for i, item in enumerate(r.array(t.get("regions"), (*path, "regions"))):
        rp = (*path, "regions", i)
        rt = r.table(item, rp, ("areas", "level", "reason"))
        areas = r.array(rt.get("areas"), (*rp, "areas"))
        if not areas or not all(isinstance(a, str) and a.strip() for a in areas):
            r.fail((*rp, "areas"), "areas must be a non-empty list of names")
        regions.append(
            SourceRegion(
                areas=tuple(areas),
                level=r.level(rt, "level", rp),
                reason=r.string(rt, "reason", rp, required=False),
            )
        )
    summary_lang = t.get("summary_lang", "en")
    if summary_lang not in LANGS:
        r.fail((*path, "summary_lang"), f"summary_lang must be en or fr, not {summary_lang!r}")
    return SourceAdvice(
        source=r.choice(t, "source", path, SOURCES),
        label=r.string(t, "label", path),
        level=level if level is not None else r.level(t, "level", path),
        date=r.date(t, "date", path),
        url=r.url(t, "url", path, required=True),
        summary=r.string(t, "summary", path, required=False),
        summary_lang=summary_lang,
        summary_fr=r.string(t, "summary_fr", path, required=False),
        risks=tuple(sorted(set(risks), key=lambda x: RISKS.index(x) if x in RISKS else 99)),
        change_note=r.string(t, "change_note", path, required=False),
        regions=tuple(regions),
        sections=tuple(
            _official_section(r, item, (*path, "sections", i))
            for i, item in enumerate(r.array(t.get("sections"), (*path, "sections")))
        ),
        emergency=tuple(
            _official_number(r, item, (*path, "emergency", i))
            for i, item in enumerate(r.array(t.get("emergency"), (*path, "emergency")))
        ),
        offices=tuple(
            _embassy(r, item, (*path, "offices", i), official=True)
            for i, item in enumerate(r.array(t.get("offices"), (*path, "offices")))
        ),
        licence=r.string(t, "licence", path, required=False),
    )


def _official_section(r: _Reader, value: Any, path: Path) -> OfficialSection:
    t = r.table(value, path, ("topic", "title", "lang", "url", "date", "text"))
    lang = t.get("lang", "en")
    if lang not in LANGS:
        r.fail((*path, "lang"), f"lang must be en or fr, not {lang!r}")
    return OfficialSection(
        topic=r.choice(t, "topic", path, OFFICIAL_TOPICS),
        title=r.string(t, "title", path, required=False),
        text=r.string(t, "text", path),
        lang=lang,
        url=r.url(t, "url", path, required=False),
        date=r.date(t, "date", path, required=False) if "date" in t else None,
    )


def _official_number(r: _Reader, value: Any, path: Path) -> EmergencyNumber:
    t = r.table(value, path, ("service", "number", "label"))
    number = r.string(t, "number", path)
    if number and not (_EMERGENCY_NUMBER.match(number) or _PHONE.match(number)):
        r.fail((*path, "number"), f"{number!r} is not a phone number")
    return EmergencyNumber(
        service=r.choice(t, "service", path, EMERGENCY_SERVICES),
        number=number,
        label=r.string(t, "label", path, required=False),
    )


def _french_level(r: _Reader, t: Mapping[str, Any], path: Path) -> int:
    """France's level, entered by hand as its map colour (label vert / jaune / orange / rouge);
    `level`, when written, must be the colour's."""
    colour = t.get("label")
    if colour not in FR_MEAE_COLOURS:
        r.fail(
            (*path, "label"),
            f"fr-meae label must be a colour of France's map ({', '.join(FR_MEAE_COLOURS)}),"
            f" not {colour!r}",
        )
        return 0
    level = FR_MEAE_COLOURS[colour]
    if "level" in t and t["level"] != level:
        r.fail((*path, "level"), f"level {t['level']!r} is not {colour!r}: write level = {level}")
    return level


def _text_dict(text: Text) -> dict[str, str]:
    return {"en": text.en, "fr": text.fr}


def advisory_to_dict(a: Advisory) -> dict[str, Any]:
    """The dict form of an advisory, in the order the files are written; empty fields left out."""
    out: dict[str, Any] = {"code": a.code}
    if a.reviewed:
        out["reviewed"] = a.reviewed
    if a.curated_level:
        out["curated_level"] = {
            "level": a.curated_level.level,
            "reason": _text_dict(a.curated_level.reason),
        }
    if a.change_note:
        out["change_note"] = _text_dict(a.change_note)
    if a.sections:
        out["sections"] = {name: _text_dict(text) for name, text in a.sections.items()}
    if a.emergency:
        out["emergency"] = dict(a.emergency)
    if a.embassies:
        out["embassies"] = [_embassy_dict(e) for e in a.embassies]
    if a.alerts:
        out["alerts"] = [
            _compact(
                {
                    "id": al.id,
                    "date": al.date,
                    "severity": al.severity,
                    "en": al.text.en,
                    "fr": al.text.fr,
                    "url": al.url,
                    "origin": al.origin,
                }
            )
            for al in a.alerts
        ]
    if a.regions:
        out["regions"] = [
            _compact(
                {
                    "id": g.id,
                    "name": _text_dict(g.name),
                    "aliases": list(g.aliases),
                    "level": g.level,
                    "reason": _text_dict(g.reason),
                }
            )
            for g in a.regions
        ]
    if a.sources:
        out["sources"] = [
            _compact(
                {
                    "source": s.source,
                    "label": s.label,
                    "level": s.level,
                    "date": s.date,
                    "url": s.url,
                    "summary": s.summary,
                    "summary_lang": s.summary_lang if s.summary else "",
                    "summary_fr": s.summary_fr,
                    "risks": list(s.risks),
                    "change_note": s.change_note,
                    "regions": [
                        _compact({"areas": list(g.areas), "level": g.level, "reason": g.reason})
                        for g in s.regions
                    ],
                    "licence": s.licence,
                    "sections": [
                        _compact(
                            {
                                "topic": sec.topic,
                                "title": sec.title,
                                "lang": sec.lang,
                                "url": sec.url,
                                "date": sec.date,
                                "text": sec.text,
                            }
                        )
                        for sec in s.sections
                    ],
                    "emergency": [
                        _compact({"service": n.service, "number": n.number, "label": n.label})
                        for n in s.emergency
                    ],
                    "offices": [_embassy_dict(e) for e in s.offices],
                }
            )
            for s in a.sources
        ]
    return out


def _embassy_dict(e: Embassy) -> dict[str, Any]:
    return _compact(
        {
            "of": e.of,
            "kind": e.kind,
            "city": e.city,
            "address": e.address,
            "phone": e.phone,
            "email": e.email,
            "url": e.url,
            "name": e.name,
            "name_fr": e.name_fr,
        }
    )


def _compact(d: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in d.items() if v not in ("", None, [], {})}
