"""The advisory data model: plain, immutable dataclasses shared by every part of Vigie."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

LANGS = ("en", "fr")
SOURCES = ("us-state", "ca-gac", "uk-fcdo", "au-dfat", "fr-meae")
SECTIONS = ("security", "health", "entry", "leaving", "contacts")
RISKS = (
    "crime",
    "terrorism",
    "kidnapping",
    "civil_unrest",
    "health",
    "natural_disaster",
    "time_limited_event",
    "wrongful_detention",
    "other",
)
SEVERITIES = ("info", "warning", "critical")
EMBASSY_KINDS = ("embassy", "consulate")
EMERGENCY_SERVICES = ("general", "police", "fire", "ambulance", "tourist_police")
# The parts of a government's own page that Vigie keeps (OfficialSection.topic), in reading order.
# "summary": the advisory's own summary (US); "help": getting help, emergency numbers, consular
# help; "laws": local laws and culture; "disasters": natural disasters and climate.
OFFICIAL_TOPICS = (
    "summary",
    "warnings",
    "security",
    "regions",
    "entry",
    "health",
    "laws",
    "disasters",
    "help",
)
LEVELS = (1, 2, 3, 4)
# France publishes no numbered levels: its map colours, entered by hand, onto our 1–4.
FR_MEAE_COLOURS = {"vert": 1, "jaune": 2, "orange": 3, "rouge": 4}
# The licences official texts are published under, by source (no prose is kept from au-dfat).
SOURCE_LICENCES = {
    "us-state": "public-domain-us",
    "ca-gac": "ogl-canada-2.0",
    "uk-fcdo": "ogl-uk-3.0",
}
# Curated text or an alert older than this is shown as old, and `vigie data check` warns.
STALE_AFTER = dt.timedelta(days=90)


@dataclass(frozen=True, slots=True)
class Text:
    """A curated text in both languages."""

    en: str
    fr: str

    def get(self, lang: str) -> str:
        """The text in `lang`, falling back to English."""
        return self.fr if lang == "fr" else self.en


@dataclass(frozen=True, slots=True)
class CuratedLevel:
    """A level set by maintainers, which overrides the official ones for the headline."""

    level: int
    reason: Text


@dataclass(frozen=True, slots=True)
class SourceRegion:
    """A source's regional advice: some areas at their own level."""

    areas: tuple[str, ...]
    level: int
    reason: str = ""


@dataclass(frozen=True, slots=True)
class Embassy:
    """An embassy or consulate in the destination."""

    of: str  # whose it is: the ISO code of the country it represents ("GB", "CA")
    kind: str
    city: str
    address: str = ""
    phone: str = ""
    email: str = ""
    url: str = ""
    # The office's own name as its government writes it ("British High Commission Nairobi",
    # "Embassy of Canada in Bangkok"; "Ambassade du Canada à Bangkok"), when it gives one.
    name: str = ""
    name_fr: str = ""


@dataclass(frozen=True, slots=True)
class OfficialSection:
    """One part of a government's page (GOV.UK's "Health", Canada's "security"), as published.

    `text` is plain text: paragraphs separated by a blank line, sub-headings as lines that start
    with "## ", list items as lines that start with "- ". `date` is the part's own date when the
    source gives one, else None (the SourceAdvice's date then applies)."""

    topic: str  # one of OFFICIAL_TOPICS
    title: str
    text: str
    lang: str = "en"
    url: str = ""
    date: dt.date | None = None


@dataclass(frozen=True, slots=True)
class EmergencyNumber:
    """A local emergency number as a government gives it ("Ambulance: 104")."""

    service: str  # one of EMERGENCY_SERVICES
    number: str  # digits and spaces, or a full phone number ("+52 55 5207 4155")
    label: str = ""  # the source's own words when they say more ("Mexico City Tourist Police")


@dataclass(frozen=True, slots=True)
class SourceAdvice:
    """One government's advice for a destination, as it published it."""

    source: str
    label: str
    level: int
    date: dt.date
    url: str
    summary: str = ""
    summary_lang: str = "en"
    summary_fr: str = ""  # the source's own French, when it publishes one (Canada)
    risks: tuple[str, ...] = ()
    change_note: str = ""
    regions: tuple[SourceRegion, ...] = ()
    # The government's own texts, numbers and offices (issue 15), kept beside its level.
    sections: tuple[OfficialSection, ...] = ()
    emergency: tuple[EmergencyNumber, ...] = ()
    offices: tuple[Embassy, ...] = ()  # its own embassies and consulates in the destination
    licence: str = ""  # the licence its texts are published under (SOURCE_LICENCES)

    def sections_on(self, topic: str, lang: str | None = None) -> tuple[OfficialSection, ...]:
        """This source's sections on `topic` (in `lang` when given)."""
        return tuple(
            s for s in self.sections if s.topic == topic and (lang is None or s.lang == lang)
        )


@dataclass(frozen=True, slots=True)
class Alert:
    """A dated alert, in both languages."""

    id: str
    date: dt.date
    severity: str
    text: Text
    url: str = ""
    origin: str = ""


@dataclass(frozen=True, slots=True)
class Region:
    """A part of the destination with its own advice."""

    id: str
    name: Text
    level: int
    reason: Text
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Advisory:
    """Everything Vigie knows about one destination."""

    code: str
    sources: tuple[SourceAdvice, ...] = ()
    curated_level: CuratedLevel | None = None
    sections: dict[str, Text] = field(default_factory=dict)
    emergency: dict[str, str] = field(default_factory=dict)
    embassies: tuple[Embassy, ...] = ()
    alerts: tuple[Alert, ...] = ()
    regions: tuple[Region, ...] = ()
    change_note: Text | None = None
    reviewed: dt.date | None = None

    @property
    def level(self) -> int | None:
        """The headline level: the curated one when set, else the most severe official one."""
        if self.curated_level is not None:
            return self.curated_level.level
        return max((s.level for s in self.sources), default=None)

    @property
    def level_origin(self) -> str | None:
        """Where the headline level comes from: "curated" or the id of the most severe source."""
        if self.curated_level is not None:
            return "curated"
        if not self.sources:
            return None
        return max(self.sources, key=lambda s: (s.level, s.date)).source

    @property
    def latest_date(self) -> dt.date | None:
        """The most recent date of any official advice or alert."""
        dates = [s.date for s in self.sources] + [a.date for a in self.alerts]
        return max(dates, default=None)

    @property
    def has_curated_content(self) -> bool:
        """Whether maintainers wrote anything here beyond the official blocks."""
        return bool(
            self.curated_level
            or self.sections
            or self.alerts
            or self.regions
            or self.emergency
            or self.embassies
        )

    def source(self, source_id: str) -> SourceAdvice | None:
        """This destination's advice from `source_id`, if any."""
        return next((s for s in self.sources if s.source == source_id), None)

    def region(self, region_id: str) -> Region | None:
        """The region `region_id`, if any."""
        return next((r for r in self.regions if r.id == region_id), None)

    def alerts_newest_first(self) -> list[Alert]:
        """Alerts, the newest first."""
        return sorted(self.alerts, key=lambda a: (a.date, a.id), reverse=True)


@dataclass(frozen=True, slots=True)
class LevelLabel:
    """How a source words one of its levels, in both languages."""

    level: int
    en: str
    fr: str
    translated: tuple[str, ...] = ()  # languages in which the wording is our translation

    def get(self, lang: str) -> str:
        """The wording in `lang`."""
        return self.fr if lang == "fr" else self.en

    def is_translation(self, lang: str) -> bool:
        """Whether the wording in `lang` is our own translation, not the source's."""
        return lang in self.translated


@dataclass(frozen=True, slots=True)
class SourceInfo:
    """An official source: its name and its level wording."""

    id: str
    name: Text
    country: str
    labels: dict[int, LevelLabel]

    def label(self, level: int) -> LevelLabel | None:
        """The wording of `level` for this source."""
        return self.labels.get(level)
