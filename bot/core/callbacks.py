"""Callback data of inline buttons: a small grammar, encoded in ≤ 64 bytes, validated on return.

Anything that does not parse exactly (forged, stale, truncated) decodes to None.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from bot.core.model import SECTIONS
from bot.core.reply import Mode, Scope
from bot.core.understand import CONTINENTS
from bot.i18n import Lang

MAX_BYTES = 64


class Kind(StrEnum):
    """What a button does: the prefix of its callback data."""

    CARD = "a"  # a:ML[:region]        the advisory card
    SECTION = "s"  # s:ML:security       a curated section
    SUBSCRIBE = "sub"  # sub:ML[:region]
    UNSUBSCRIBE = "uns"  # uns:ML
    PICK = "p"  # p:CD:intent           a choice among ambiguous countries
    LANGUAGE = "l"  # l:fr
    HOTSPOTS = "h"  # h[:continent]
    HELP = "help"
    MODE = "m"  # m:ML:digest|immediate
    SCOPE = "o"  # o:ML:level|major
    FORGET = "fg"  # fg:yes|no
    ALERT = "al"  # al:critical|warning|no   a maintainer confirms an urgent alert
    UNSUBSCRIBE_ALL = "ua"  # ua                 confirms stopping every subscription
    KEEP = "k"  # k                               cancels a change offered for confirmation
    NONE_OF_THESE = "n"  # n:intent              none of the "did you mean" countries
    REVIEW = "rv"  # rv:ML:keep|follow:17  a maintainer settles the disagreement notice 17
    HELD = "hr"  # hr:confirm|discard:18  a maintainer settles the held sync change notice 18
    SAFEST = "sf"  # sf[:continent]        the safest destinations
    MAP = "mp"  # mp:ML                  the country's map


# The kinds by their short names, as handlers and the core write them (cb.CARD).
CARD, SECTION, SUBSCRIBE, UNSUBSCRIBE = Kind.CARD, Kind.SECTION, Kind.SUBSCRIBE, Kind.UNSUBSCRIBE
PICK, LANGUAGE, HOTSPOTS, HELP = Kind.PICK, Kind.LANGUAGE, Kind.HOTSPOTS, Kind.HELP
MODE, SCOPE, FORGET, ALERT = Kind.MODE, Kind.SCOPE, Kind.FORGET, Kind.ALERT
UNSUBSCRIBE_ALL, KEEP, NONE_OF_THESE, REVIEW, HELD, SAFEST = (
    Kind.UNSUBSCRIBE_ALL,
    Kind.KEEP,
    Kind.NONE_OF_THESE,
    Kind.REVIEW,
    Kind.HELD,
    Kind.SAFEST,
)
MAP = Kind.MAP

# The intents that are about one place: a choice among ambiguous countries carries one of them.
PLACE_INTENTS = (
    "advisory",
    "health",
    "entry",
    "departure",
    "contacts",
    "subscribe",
    "unsubscribe",
    "emergency",
    "situation",
    "map",
)
_CODE = r"[A-Z]{2}"
_REGION = r"[a-z0-9][a-z0-9-]{0,30}"
_PATTERNS = {
    CARD: re.compile(rf"^a:(?P<code>{_CODE})(?::(?P<region>{_REGION}))?$"),
    SECTION: re.compile(rf"^s:(?P<code>{_CODE}):(?P<value>{'|'.join(SECTIONS)})$"),
    SUBSCRIBE: re.compile(rf"^sub:(?P<code>{_CODE})(?::(?P<region>{_REGION}))?$"),
    UNSUBSCRIBE: re.compile(rf"^uns:(?P<code>{_CODE})$"),
    PICK: re.compile(rf"^p:(?P<code>{_CODE}):(?P<value>{'|'.join(PLACE_INTENTS)})$"),
    LANGUAGE: re.compile(rf"^l:(?P<value>{'|'.join(Lang)})$"),
    HOTSPOTS: re.compile(rf"^h(?::(?P<value>{'|'.join(CONTINENTS)}))?$"),
    SAFEST: re.compile(rf"^sf(?::(?P<value>{'|'.join(CONTINENTS)}))?$"),
    HELP: re.compile(r"^help$"),
    MODE: re.compile(rf"^m:(?P<code>{_CODE}):(?P<value>{'|'.join(Mode)})$"),
    SCOPE: re.compile(rf"^o:(?P<code>{_CODE}):(?P<value>{'|'.join(Scope)})$"),
    FORGET: re.compile(r"^fg:(?P<value>yes|no)$"),
    ALERT: re.compile(r"^al:(?P<value>critical|warning|no)$"),
    UNSUBSCRIBE_ALL: re.compile(r"^ua$"),
    KEEP: re.compile(r"^k$"),
    NONE_OF_THESE: re.compile(rf"^n:(?P<value>{'|'.join(PLACE_INTENTS)})$"),
    REVIEW: re.compile(
        rf"^rv:(?P<code>{_CODE}):(?P<value>keep|follow)(?::(?P<ref>[0-9]{{1,12}}))?$"
    ),
    HELD: re.compile(r"^hr:(?P<value>confirm|discard):(?P<ref>[0-9]{1,12})$"),
    Kind.MAP: re.compile(rf"^mp:(?P<code>{_CODE})$"),
}


@dataclass(frozen=True, slots=True)
class Callback:
    """A decoded button press."""

    kind: Kind
    code: str = ""
    region: str = ""
    value: str = ""
    ref: str = ""  # the notice a maintainer's button settles


def encode(kind: Kind, code: str = "", value: str = "", region: str = "", ref: str = "") -> str:
    """The callback data of a button (checked against its own grammar and the 64-byte limit)."""
    parts: list[str] = [kind]
    if code:
        parts.append(code)
    if region:
        parts.append(region)
    if value:
        parts.append(value)
    if ref:
        parts.append(ref)
    data = ":".join(parts)
    if decode(data) is None:
        raise ValueError(f"invalid callback data {data!r}")
    return data


def decode(data: str | None) -> Callback | None:
    """The button press `data` stands for, or None if it is not one we could have sent."""
    if not data or len(data.encode("utf-8")) > MAX_BYTES:
        return None
    try:
        kind = Kind(data.split(":", 1)[0])
    except ValueError:
        return None
    match = _PATTERNS[kind].match(data)
    if match is None:
        return None
    groups = match.groupdict()
    return Callback(
        kind=kind,
        code=groups.get("code") or "",
        region=groups.get("region") or "",
        value=groups.get("value") or "",
        ref=groups.get("ref") or "",
    )
