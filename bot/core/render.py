"""Rendering advisories as Telegram HTML, in the reader's language. Pure functions."""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Mapping

from bot.core.model import Advisory, Region, SourceAdvice, SourceInfo
from bot.i18n import N_, Tr

MAX_MESSAGE = 4096
LEVEL_EMOJI = {1: "🟢", 2: "🟡", 3: "🟠", 4: "🔴"}
LEVEL_NAMES = {
    1: N_("Level 1 – Normal precautions"),
    2: N_("Level 2 – Increased caution"),
    3: N_("Level 3 – Reconsider travel"),
    4: N_("Level 4 – Do not travel"),
}
RISK_NAMES = {
    "crime": N_("crime"),
    "terrorism": N_("terrorism"),
    "kidnapping": N_("kidnapping"),
    "civil_unrest": N_("civil unrest"),
    "health": N_("health"),
    "natural_disaster": N_("natural disasters"),
    "time_limited_event": N_("time-limited event"),
    "wrongful_detention": N_("wrongful detention"),
    "other": N_("other risks"),
}
SECTION_TITLES = {
    "security": N_("Security"),
    "health": N_("Health"),
    "entry": N_("Entry and exit"),
    "leaving": N_("Leaving the country"),
    "contacts": N_("Contacts"),
}
SECTION_EMOJI = {"security": "🛡", "health": "🩺", "entry": "🛂", "leaving": "✈️", "contacts": "☎️"}
SEVERITY_EMOJI = {"critical": "🚨", "warning": "⚠️", "info": "ℹ️"}
EMERGENCY_NAMES = {
    "general": N_("Emergencies"),
    "police": N_("Police"),
    "fire": N_("Fire brigade"),
    "ambulance": N_("Ambulance"),
    "tourist_police": N_("Tourist police"),
}


def esc(text: str) -> str:
    """Escape text for Telegram's HTML parse mode."""
    return html.escape(text, quote=True)


def link(url: str, label: str) -> str:
    """An HTML link (only http(s) URLs become links)."""
    if not url.startswith(("https://", "http://")):
        return esc(label)
    return f'<a href="{esc(url)}">{esc(label)}</a>'


def flag(code: str) -> str:
    """The flag emoji of an ISO code (a white flag where there is none, e.g. Kosovo's XK)."""
    if len(code) != 2 or not code.isalpha() or code == "XK":
        return "🏳"
    return "".join(chr(0x1F1E6 + ord(c) - ord("A")) for c in code.upper())


def level_badge(level: int | None, t: Tr) -> str:
    """'🔴 Level 4 – Do not travel', in the reader's language."""
    if level is None:
        return "⚪ " + t._("No level published")
    return f"{LEVEL_EMOJI[level]} {t._(LEVEL_NAMES[level])}"


def source_label(advice: SourceAdvice, info: SourceInfo | None, t: Tr) -> str:
    """The source's own wording of its level; in French, its translation (marked when ours)."""
    if t.lang == "en" or info is None:
        return advice.label
    wording = info.label(advice.level)
    if wording is None:
        return advice.label
    text = wording.get(t.lang)
    if wording.is_translation(t.lang):
        text += " " + t._("(our translation)")
    return text


def risks_line(advisory: Advisory, t: Tr) -> str:
    """The risk indicators of every source, once each."""
    seen: list[str] = []
    for source in advisory.sources:
        seen += [r for r in source.risks if r not in seen]
    return ", ".join(t._(RISK_NAMES[r]) for r in seen)


def region_line(region: Region, t: Tr, *, highlight: bool = False) -> str:
    """'🔴 Kidal region — level 4'; the region asked about in bold, with its reason."""
    level = t._("level {level}").format(level=region.level)
    if not highlight:
        return f"{LEVEL_EMOJI[region.level]} {esc(region.name.get(t.lang))} — {esc(level)}"
    name = f"<b>{esc(region.name.get(t.lang))}</b>"
    return f"{LEVEL_EMOJI[region.level]} {name} — {esc(level)}: {esc(region.reason.get(t.lang))}"


def render_card(
    advisory: Advisory,
    sources: Mapping[str, SourceInfo],
    t: Tr,
    *,
    region_id: str | None = None,
    max_alerts: int = 3,
) -> str:
    """The advisory card: headline level, date, risks, regions (the one asked first), latest
    alerts, then each government's own level side by side."""
    lines = [f"{flag(advisory.code)} <b>{esc(t.country(advisory.code))}</b>"]
    lines.append(f"<b>{level_badge(advisory.level, t)}</b>")
    if advisory.curated_level is not None:
        lines.append(f"<i>{esc(advisory.curated_level.reason.get(t.lang))}</i>")
    if advisory.latest_date is not None:
        updated = t._("Latest official advice or alert: {date}").format(
            date=t.date(advisory.latest_date)
        )
        lines.append(esc(updated))
    risks = risks_line(advisory, t)
    if risks:
        lines.append(esc(t._("Risks: {risks}").format(risks=risks)))

    asked = advisory.region(region_id) if region_id else None
    others = [r for r in advisory.regions if r is not asked]
    if asked is not None or others:
        lines.append("")
        if asked is not None:
            lines.append("📍 " + region_line(asked, t, highlight=True))
        shown = others[: 6 if asked is None else 4]
        if shown:
            regions_title = t._("Regions")
            lines.append(f"<b>{esc(regions_title)}</b>")
            lines += [region_line(r, t) for r in shown]
        if len(others) > len(shown):
            more = len(others) - len(shown)
            lines.append(
                esc(
                    t.ngettext("and %(n)d more region", "and %(n)d more regions", more)
                    % {"n": more}
                )
            )

    alerts = advisory.alerts_newest_first()[:max_alerts]
    if alerts:
        alerts_title = t._("Latest alerts")
        lines += ["", f"<b>{esc(alerts_title)}</b>"]
        for alert in alerts:
            emoji = SEVERITY_EMOJI.get(alert.severity, "•")
            lines.append(f"{emoji} {esc(t.date(alert.date))}: {esc(alert.text.get(t.lang))}")

    if advisory.sources:
        sources_title = t._("What each government says")
        lines += ["", f"<b>{esc(sources_title)}</b>"]
        for advice in advisory.sources:
            info = sources.get(advice.source)
            name = info.name.get(t.lang) if info else advice.source
            source_flag = flag(info.country) if info else "•"
            wording = esc(source_label(advice, info, t))
            lines.append(
                f"{source_flag} {link(advice.url, name)}: {LEVEL_EMOJI[advice.level]} "
                f"{wording} ({esc(t.date(advice.date))})"
            )
    else:
        lines += ["", esc(t._("No government advice is on file for this destination yet."))]
    return fit("\n".join(lines))


def render_section(
    advisory: Advisory, section: str, sources: Mapping[str, SourceInfo], t: Tr
) -> str:
    """One curated section; where we hold no checked text, say so and link the official pages."""
    heading = f"{t._(SECTION_TITLES[section])} — {t.country(advisory.code)}"
    lines = [f"{SECTION_EMOJI[section]} <b>{esc(heading)}</b>", ""]
    text = advisory.sections.get(section)
    if section == "contacts":
        lines += _contacts(advisory, t)
    if text is not None:
        lines.append(paragraphs(text.get(t.lang)))
    elif section != "contacts" or not (advisory.embassies or advisory.emergency):
        none = t._(
            "We hold no checked information on this for this country."
            " Please read the official advice:"
        )
        lines.append(esc(none))
        lines += _official_links(advisory, sources, t)
    if section == "security":
        lines += _official_summaries(advisory, sources, t)
    return fit("\n".join(lines).strip())


def _contacts(advisory: Advisory, t: Tr) -> list[str]:
    lines = []
    if advisory.emergency:
        emergency_title = t._("Emergency numbers")
        lines.append(f"<b>{esc(emergency_title)}</b>")
        for service, number in advisory.emergency.items():
            lines.append(f"• {esc(t._(EMERGENCY_NAMES[service]))}: <b>{esc(number)}</b>")
        lines.append("")
    for embassy in advisory.embassies:
        if embassy.kind == "consulate":
            what = t._("Consulate of {country} in {city}")
        else:
            what = t._("Embassy of {country} in {city}")
        name = what.format(country=t.country(embassy.of), city=embassy.city)
        head = link(embassy.url, name) if embassy.url else esc(name)
        lines.append(f"{flag(embassy.of)} <b>{head}</b>")
        if embassy.address:
            lines.append(f"   {esc(embassy.address)}")
        if embassy.phone:
            lines.append(f"   ☎️ {esc(embassy.phone)}")
        if embassy.email:
            lines.append(f"   ✉️ {esc(embassy.email)}")
    if advisory.embassies:
        lines.append("")
    return lines


def _official_links(advisory: Advisory, sources: Mapping[str, SourceInfo], t: Tr) -> list[str]:
    if not advisory.sources:
        return [esc(t._("No official page is on file for this destination."))]
    return [
        f"• {link(s.url, sources[s.source].name.get(t.lang) if s.source in sources else s.source)}"
        for s in advisory.sources
    ]


def _official_summaries(advisory: Advisory, sources: Mapping[str, SourceInfo], t: Tr) -> list[str]:
    lines = []
    for advice in advisory.sources:
        if not advice.summary:
            continue
        info = sources.get(advice.source)
        name = info.name.get(t.lang) if info else advice.source
        lines += ["", f"<b>{esc(name)}</b> ({esc(t.date(advice.date))})"]
        if advice.summary_lang != t.lang:
            note = (
                t._("Official text, in English:")
                if advice.summary_lang == "en"
                else t._("Official text, in French:")
            )
            lines.append(f"<i>{esc(note)}</i>")
        lines.append(paragraphs(advice.summary))
    return lines


def paragraphs(text: str) -> str:
    """Plain curated text (blank lines, '- ' bullets) as escaped HTML."""
    out = []
    for line in text.strip().splitlines():
        stripped = line.strip()
        out.append("• " + esc(stripped[2:]) if stripped.startswith("- ") else esc(stripped))
    return "\n".join(out)


def render_hotspots(
    advisories: Iterable[Advisory], t: Tr, *, codes: set[str] | None = None, title: str
) -> str:
    """The destinations at level 4, then 3 (optionally only among `codes`)."""
    lines = [f"<b>{esc(title)}</b>"]
    chosen = [a for a in advisories if a.level in (3, 4) and (codes is None or a.code in codes)]
    for level in (4, 3):
        names = sorted(t.country(a.code) for a in chosen if a.level == level)
        if not names:
            continue
        lines += ["", f"<b>{level_badge(level, t)}</b> ({len(names)})", esc(", ".join(names))]
    if len(lines) == 1:
        lines.append(esc(t._("No destination is at level 3 or 4 here.")))
    return fit("\n".join(lines))


def strip_tags(text: str) -> str:
    """Telegram HTML to plain text (for the console and previews)."""
    return html.unescape(_TAG.sub("", text))


_TAG = re.compile(r"<[^>]*>")
# One unit of Telegram HTML: a tag, an entity, or one character.
_TOKEN = re.compile(r"<[^>]*>|&(?:#\d+|#x[0-9a-fA-F]+|[a-zA-Z]+);|[\s\S]")
_TAG_NAME = re.compile(r"</?\s*([a-zA-Z-]+)")
ELLIPSIS = "…"


def _u16(text: str) -> int:
    """Telegram counts message length in UTF-16 code units."""
    return len(text.encode("utf-16-le")) // 2


def fit(text: str, limit: int = MAX_MESSAGE) -> str:
    """Trim HTML text to Telegram's limit (counted after entities are parsed), never inside a tag
    or an entity, closing the tags left open and ending with "…". The cut is at a line break
    when one keeps most of the text, else at a space, else mid-word: one over-long line is
    shortened, never dropped."""
    if _u16(strip_tags(text)) <= limit:
        return text
    budget = limit - _u16(ELLIPSIS) - 1
    open_tags: list[str] = []
    size = 0
    end = 0  # the text kept so far: text[:end]
    last_line: tuple[int, list[str]] | None = None
    last_space: tuple[int, list[str]] | None = None
    for token in _TOKEN.finditer(text):
        piece = token.group()
        if piece.startswith("<") and len(piece) > 1:
            name = _TAG_NAME.match(piece)
            if name is not None:
                if piece.startswith("</"):
                    closed = name.group(1).lower()
                    if closed in open_tags:
                        del open_tags[len(open_tags) - 1 - open_tags[::-1].index(closed)]
                else:
                    open_tags.append(name.group(1).lower())
            end = token.end()
            continue
        width = _u16(html.unescape(piece))
        if size + width > budget:
            break
        if piece == "\n":
            last_line = (token.start(), list(open_tags))
        elif piece.isspace():
            last_space = (token.start(), list(open_tags))
        size += width
        end = token.end()
    cut, still_open, tail = end, open_tags, ELLIPSIS
    if last_line is not None and last_line[0] >= end * 3 // 4:
        (cut, still_open), tail = last_line, "\n" + ELLIPSIS
    elif last_space is not None and last_space[0] >= end * 3 // 4:
        cut, still_open = last_space
    closing = "".join(f"</{name}>" for name in reversed(still_open))
    return text[:cut].rstrip() + closing + tail
