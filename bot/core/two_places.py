"""Questions about two places: compare them, go from one to the other, or cross their border.
Finds the regional advice about a border and renders each answer. Pure functions."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from bot.core.model import Advisory, Region, SourceInfo, SourceRegion
from bot.core.render import (
    LEVEL_EMOJI,
    esc,
    fit,
    flag,
    is_stale,
    level_badge,
    newer_alert_lines,
    our_text_date,
    paragraphs,
    region_line,
    risks_line,
)
from bot.core.textnorm import fold
from bot.i18n import Tr, country_name, grammar

BORDER_WORDS = frozenset(
    {
        "border",
        "borders",
        "borderlands",
        "frontier",
        "frontiers",
        "frontiere",
        "frontieres",
        "frontalier",
        "frontaliers",
        "frontaliere",
        "frontalieres",
    }
)
ROAD_WORDS = frozenset({"road", "roads", "overland", "route", "routes", "routiere", "routier"})
# Endings that make a country's adjective from its name: Malian, Cambodian, Senegalese, Nigérien.
_ADJECTIVE_ENDINGS = ("", "n", "an", "ese", "ien", "ienne", "ais", "aise")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


@dataclass(frozen=True, slots=True)
class BorderAdvice:
    """One country's advice about an area near a border: a curated region or a source's own."""

    level: int
    region: Region | None = None
    source: str = ""  # the source id, for a source's region
    official: SourceRegion | None = None


def country_words(code: str) -> tuple[str, ...]:
    """The folded names of a country, in English and French ('cote d ivoire', 'mali')."""
    names = {country_name(code, "en"), country_name(code, "fr")}
    extra = grammar().french_names.get(code)
    if extra:
        names.add(extra)
    return tuple(sorted({fold(n) for n in names if n}))


def mentions(text: str, code: str) -> bool:
    """Whether `text` names the country `code`, or its adjective ('Malian', 'Cambodian')."""
    words = fold(text).split()
    padded = f" {' '.join(words)} "
    for name in country_words(code):
        if f" {name} " in padded:
            return True
        if " " not in name and any(
            w.startswith(name) and w[len(name) :] in _ADJECTIVE_ENDINGS for w in words
        ):
            return True
    return False


def about_border(text: str) -> bool:
    """Whether `text` speaks of a border."""
    return any(w in BORDER_WORDS for w in fold(text).split())


def _region_text(region: Region) -> str:
    return " ".join(
        (region.name.en, region.name.fr, *region.aliases, region.reason.en, region.reason.fr)
    )


def border_advice(advisory: Advisory, other: str) -> list[BorderAdvice]:
    """`advisory`'s curated and official regions that mention the country `other` or a border,
    those naming `other` first, then the most severe."""
    found: list[tuple[bool, BorderAdvice]] = []
    for region in advisory.regions:
        text = _region_text(region)
        if mentions(text, other) or about_border(text):
            found.append((mentions(text, other), BorderAdvice(region.level, region=region)))
    for source in advisory.sources:
        for official in source.regions:
            text = " ".join((*official.areas, official.reason))
            if mentions(text, other) or about_border(text):
                advice = BorderAdvice(official.level, source=source.source, official=official)
                found.append((mentions(text, other), advice))
    found.sort(key=lambda item: (not item[0], -item[1].level))
    return [advice for _, advice in found]


def main_reason(advisory: Advisory, t: Tr, limit: int = 200) -> str:
    """One line on why the destination has its level: the curated reason's opening sentences,
    else its risks."""
    if advisory.curated_level is not None:
        sentences = _SENTENCE_END.split(advisory.curated_level.reason.get(t.lang).strip())
        line = sentences[0]
        for sentence in sentences[1:]:
            if len(line) >= 60 or len(line) + len(sentence) + 1 > limit:
                break
            line += " " + sentence
        return line if len(line) <= limit else line[: limit - 1].rstrip() + "…"
    risks = risks_line(advisory, t)
    if risks:
        return t._("Risks: {risks}").format(risks=risks)
    return ""


def render_compare(codes: Sequence[str], advisories: Mapping[str, Advisory], t: Tr) -> str:
    """The destinations side by side: flag, name, level and the main reason, then which has the
    lowest level by the advice we hold."""
    names = " · ".join(t.country(c) for c in codes)
    lines = [f"⚖️ <b>{esc(names)}</b>"]
    levels: dict[str, int] = {}
    for code in codes:
        advisory = advisories.get(code)
        level = advisory.level if advisory else None
        lines += ["", f"{flag(code)} <b>{esc(t.country(code))}</b> — {level_badge(level, t)}"]
        if advisory is None:
            lines.append(esc(t._("We hold no advisory for this destination yet.")))
            continue
        if level is not None:
            levels[code] = level
        reason = main_reason(advisory, t)
        if reason:
            lines.append(esc(reason))
    lines += ["", esc(_verdict(levels, t))]
    return fit("\n".join(lines))


def _verdict(levels: Mapping[str, int], t: Tr) -> str:
    if len(levels) < 2:
        return t._("Open each card for the regions and the latest alerts.")
    lowest = min(levels.values())
    safest = [c for c, level in levels.items() if level == lowest]
    if len(safest) == len(levels):
        return t._(
            "They are at the same level: open each card for the regions and the latest alerts."
        )
    if len(safest) > 1:
        return t._("The lowest level is {level}. Open each card for the regions.").format(
            level=lowest
        )
    return t._(
        "By the advice we hold, {country_the} has the lowest level ({level})."
        " Open each card for the regions."
    ).format(level=lowest, **t.country_args(safest[0]))


def render_route(
    start: str,
    end: str,
    advisories: Mapping[str, Advisory],
    sources: Mapping[str, SourceInfo],
    t: Tr,
    *,
    today: dt.date | None = None,
) -> str:
    """From `start` to `end`: how to leave `start` (its leaving section and road warnings),
    then `end`'s regions along the way in (those naming `start` or a border). A road warning
    older than STALE_AFTER is shown as dated history, never as current."""
    title = t._("From {start} to {end}").format(
        start=t.country_the(start),
        end=t.country_the(end),
        start_of=t.country_of(start),
        end_in=t.country_in(end),
    )
    title = title[:1].upper() + title[1:]
    lines = [f"🛣 <b>{esc(title)}</b>"]
    leaving = advisories.get(start)
    heading = t._("Leaving {country_the}").format(**t.country_args(start))
    lines += ["", f"{flag(start)} <b>{esc(heading)}</b>"]
    if leaving is None:
        lines.append(esc(t._("We hold no advisory for this destination yet.")))
    else:
        lines.append(level_badge(leaving.level, t))
        section = leaving.sections.get("leaving")
        lines += newer_alert_lines(leaving, t, today=today)
        if section is not None:
            lines += our_text_date(leaving, t, today)  # its "now" is as of that date
            lines.append(paragraphs(section.get(t.lang)))
        else:
            none = t._("We hold no checked advice on leaving this country: read its card.")
            lines.append(esc(none))
        for alert in leaving.alerts_newest_first():
            if any(w in ROAD_WORDS for w in fold(alert.text.en).split()):
                sign = "🗓" if is_stale(alert.date, today) else "⚠️"
                when = esc(t.date(alert.date))
                lines.append(f"{sign} {when}{t.colon()}{esc(alert.text.get(t.lang))}")
                break
    lines += ["", *_border_block(end, start, advisories, sources, t, arriving=True)]
    return fit("\n".join(lines))


def render_border(
    first: str,
    second: str,
    advisories: Mapping[str, Advisory],
    sources: Mapping[str, SourceInfo],
    t: Tr,
) -> str:
    """The border between two countries, from each one's regional advice."""
    title = t._("The border between {first} and {second}").format(
        first=t.country_the(first), second=t.country_the(second)
    )
    lines = [f"🚧 <b>{esc(title)}</b>"]
    for code, other in ((first, second), (second, first)):
        lines += ["", *_border_block(code, other, advisories, sources, t, arriving=False)]
    return fit("\n".join(lines))


def _border_block(
    code: str,
    other: str,
    advisories: Mapping[str, Advisory],
    sources: Mapping[str, SourceInfo],
    t: Tr,
    *,
    arriving: bool,
) -> list[str]:
    advisory = advisories.get(code)
    if arriving:
        heading = t._("Arriving {country_in}: the regions on the way in").format(
            **t.country_args(code)
        )
    else:
        heading = t.country(code)
    lines = [f"{flag(code)} <b>{esc(heading)}</b>"]
    if advisory is None:
        return [*lines, esc(t._("We hold no advisory for this destination yet."))]
    found = border_advice(advisory, other)
    if not found:
        none = t._("No region has its own advice about this border. The country's level:")
        return [*lines, esc(none), level_badge(advisory.level, t)]
    official_note = False
    for advice in found[:6]:
        if advice.region is not None:
            lines.append(region_line(advice.region, t, highlight=True))
            continue
        assert advice.official is not None
        if t.lang != "en" and not official_note:
            note = t._("Official text, in English:")
            lines.append(f"<i>{esc(note)}</i>")
            official_note = True
        info = sources.get(advice.source)
        source = info.name.get(t.lang) if info else advice.source
        level = t._("level {level}").format(level=advice.level)
        areas = ", ".join(advice.official.areas)
        reason = f" ({advice.official.reason})" if advice.official.reason else ""
        lines.append(
            f"{LEVEL_EMOJI[advice.level]} {esc(source)} — {esc(level)}{t.colon()}"
            f"{esc(areas + reason)}"
        )
    if len(found) > 6:
        more = len(found) - 6
        lines.append(
            esc(t.ngettext("and %(n)d more region", "and %(n)d more regions", more) % {"n": more})
        )
    return lines
