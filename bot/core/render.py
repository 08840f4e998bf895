"""Rendering advisories as Telegram HTML, in the reader's language. Pure functions."""

from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace

from bot.core.excerpt import why_sentence
from bot.core.html import esc, flag, link
from bot.core.model import STALE_AFTER, Advisory, Alert, Region, SourceAdvice, SourceInfo
from bot.core.official import emergency_numbers, nationalities, offices, official_answer
from bot.core.render_official import (
    excerpt_lines,
    number_lines,
    office_lines,
    other_nationals_lines,
)
from bot.core.typography import foreign as as_published
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


def level_badge(level: int | None, t: Tr) -> str:
    """'🔴 Level 4 – Do not travel', in the reader's language."""
    if level is None:
        return "⚪ " + t._("No level published")
    return f"{LEVEL_EMOJI[level]} {t._(LEVEL_NAMES[level])}"


def source_label(advice: SourceAdvice, info: SourceInfo | None, t: Tr) -> str:
    """The source's own wording of its level, or its wording in the reader's language (marked
    when the translation is ours: France's colours for an English reader)."""
    wording = info.label(advice.level) if info is not None else None
    if wording is None or (t.lang == "en" and not wording.is_translation("en")):
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
    reason = esc(region.reason.get(t.lang))
    return f"{LEVEL_EMOJI[region.level]} {name} — {esc(level)}{t.colon()}{reason}"


def render_card(
    advisory: Advisory,
    sources: Mapping[str, SourceInfo],
    t: Tr,
    *,
    region_id: str | None = None,
    max_alerts: int = 3,
    today: dt.date | None = None,
    checked: Mapping[str, dt.datetime] | None = None,
) -> str:
    """The advisory card: headline level and why, how current it is, risks, regions (the one
    asked first), the officials' regional levels, alerts (older ones as dated history), then
    each government's own level side by side and when Vigie last checked them. Without `today`
    nothing is called old."""
    lines = [f"{flag(advisory.code)} <b>{esc(t.country(advisory.code))}</b>"]
    lines.append(f"<b>{level_badge(advisory.level, t)}</b>")
    if advisory.curated_level is not None:
        lines.append(f"<i>{esc(advisory.curated_level.reason.get(t.lang))}</i>")
        lines += curated_vs_official(advisory, sources, t)
        lines += divergence_lines(advisory, sources, t)
    else:
        lines += official_why(advisory, sources, t)
    lines += review_lines(advisory, t, today)
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
            lines.append(esc(_more_regions(len(others) - len(shown), t)))
    lines += official_region_lines(advisory, sources, t, asked=asked)
    lines += alert_lines(advisory, t, today=today, max_alerts=max_alerts)

    if advisory.sources:
        sources_title = t._("What each government says")
        lines += ["", f"<b>{esc(sources_title)}</b>"]
        for advice in advisory.sources:
            info = sources.get(advice.source)
            name = info.name.get(t.lang) if info else advice.source
            source_flag = flag(info.country) if info else "•"
            wording = esc(source_label(advice, info, t))
            lines.append(
                f"{source_flag} {link(advice.url, name)}{t.colon()}{LEVEL_EMOJI[advice.level]} "
                f"{wording} ({esc(t.date(advice.date))})"
            )
        lines += checked_lines(advisory, t, checked or {})
    else:
        lines += ["", esc(t._("No government advice is on file for this destination yet."))]
    return fit("\n".join(lines))


def _more_regions(more: int, t: Tr) -> str:
    return t.ngettext("and %(n)d more region", "and %(n)d more regions", more) % {"n": more}


def is_stale(date: dt.date, today: dt.date | None) -> bool:
    """Whether something dated `date` is more than STALE_AFTER old (never, without a today)."""
    return today is not None and today - date > STALE_AFTER


def curated_vs_official(advisory: Advisory, sources: Mapping[str, SourceInfo], t: Tr) -> list[str]:
    """When our editors' level differs from the governments', say which is which: the headline
    is ours, and the most severe official level is named with its government."""
    curated = advisory.curated_level
    if curated is None or not advisory.sources:
        return []
    highest = max(advisory.sources, key=lambda s: (s.level, s.date))
    if highest.level == curated.level:
        return []
    info = sources.get(highest.source)
    text = t._(
        "This level is our editors' assessment; the highest official level is {level},"
        " from {source} ({date})."
    ).format(
        level=highest.level,
        source=info.name.get(t.lang) if info else highest.source,
        date=t.date(highest.date),
    )
    return [f"⚖️ {esc(text)}"]


def official_why(advisory: Advisory, sources: Mapping[str, SourceInfo], t: Tr) -> list[str]:
    """Why the headline has its level, from the government that sets it (`level_origin`): one
    quoted sentence, attributed (and marked when in another language than the reader's), else
    its own wording of the level; then, when governments differ by two levels or more, one line
    naming the highest and the lowest."""
    origin = advisory.source(advisory.level_origin or "")
    if origin is None:
        return []
    lines = [_why_from(origin, sources, t)]
    return lines + divergence_lines(advisory, sources, t)


def _source_name(source_id: str, sources: Mapping[str, SourceInfo], t: Tr) -> str:
    info = sources.get(source_id)
    return info.name.get(t.lang) if info else source_id


def _why_from(advice: SourceAdvice, sources: Mapping[str, SourceInfo], t: Tr) -> str:
    name = _source_name(advice.source, sources, t)
    own_french = t.lang == "fr" and bool(advice.summary_fr)  # Canada's official French
    sentence = why_sentence(advice.summary_fr if own_french else advice.summary)
    if sentence is None:
        text = t._("{source} sets this level: {label} ({date}).").format(
            source=name,
            label=source_label(advice, sources.get(advice.source), t),
            date=t.date(advice.date),
        )
        return f"{LEVEL_EMOJI[advice.level]} <i>{esc(text)}</i>"
    quote = esc(sentence)
    if own_french or advice.summary_lang == t.lang:
        quoted = t._("{source}: “{quote}”")
    elif advice.summary_lang == "en":
        quoted, quote = t._("{source} (official text, in English): “{quote}”"), as_published(quote)
    else:
        quoted, quote = t._("{source} (official text, in French): “{quote}”"), as_published(quote)
    text = quoted.format(source="\x00", quote="\x01")
    text = esc(text).replace("\x00", esc(name)).replace("\x01", quote)
    return f"{LEVEL_EMOJI[advice.level]} <i>{text}</i>"


def divergence_lines(advisory: Advisory, sources: Mapping[str, SourceInfo], t: Tr) -> list[str]:
    """When governments differ by two levels or more, one line: the highest and the lowest,
    each with its own wording and date."""
    if len(advisory.sources) < 2:
        return []
    highest = max(advisory.sources, key=lambda s: (s.level, s.date))
    lowest = min(advisory.sources, key=lambda s: (s.level, -s.date.toordinal()))
    if highest.level - lowest.level < 2:
        return []
    parts = []
    for advice in (highest, lowest):
        info = sources.get(advice.source)
        who = t.country(info.country) if info else advice.source
        parts.append(f"{who}{t.colon()}{source_label(advice, info, t)} ({t.date(advice.date)})")
    text = t._("Governments differ: {views}.").format(views="; ".join(parts))
    return [f"⚖️ {esc(text)}"]


def review_lines(advisory: Advisory, t: Tr, today: dt.date | None) -> list[str]:
    """When maintainers last reviewed our own text; past STALE_AFTER, how long ago, and that the
    officials' levels are newer when they are. Nothing where we wrote nothing or gave no date."""
    reviewed = advisory.reviewed
    if reviewed is None or not advisory.has_curated_content:
        return []
    if today is None or not is_stale(reviewed, today):
        text = t._("Our own text was last reviewed on {date}.").format(date=t.date(reviewed))
        return [f"📝 {esc(text)}"]
    if any(s.date > reviewed for s in advisory.sources):
        text = t._(
            "Our own text was last reviewed {ago} ({date}) — the official levels below are newer."
        )
    else:
        text = t._("Our own text was last reviewed {ago} ({date}).")
    text = text.format(ago=t.ago(reviewed, today), date=t.date(reviewed))
    return [f"⏳ <b>{esc(text)}</b>"]


def checked_lines(advisory: Advisory, t: Tr, checked: Mapping[str, dt.datetime]) -> list[str]:
    """When Vigie last checked this card's governments for changes (the oldest of those checks,
    so it holds for each); nothing when none of them has been checked."""
    moments = [checked[s.source] for s in advisory.sources if s.source in checked]
    if not moments:
        return []
    oldest = min(_as_utc(m) for m in moments)
    text = t._("Vigie last checked these governments for changes on {date} at {time} UTC.")
    return [f"🔄 {esc(text.format(date=t.date(oldest.date()), time=t.utc_time(oldest)))}"]


def _as_utc(moment: dt.datetime) -> dt.datetime:
    if moment.tzinfo is None:
        return moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(dt.UTC)


@dataclass(frozen=True, slots=True)
class RegionGroup:
    """Areas that one or more governments put at the same level, in the same words."""

    level: int
    areas: tuple[str, ...]
    sources: tuple[str, ...]
    lang: str


def official_region_groups(advisory: Advisory, min_level: int = 3) -> list[RegionGroup]:
    """The officials' regional levels from `min_level` up, the most severe first; identical
    areas at the same level from several governments make one group."""
    groups: dict[tuple[int, tuple[str, ...]], RegionGroup] = {}
    for advice in advisory.sources:
        for region in advice.regions:
            if region.level < min_level or not region.areas:
                continue
            key = (region.level, tuple(" ".join(a.casefold().split()) for a in region.areas))
            found = groups.get(key)
            if found is None:
                groups[key] = RegionGroup(
                    region.level, region.areas, (advice.source,), advice.summary_lang
                )
            elif advice.source not in found.sources:
                groups[key] = replace(found, sources=(*found.sources, advice.source))
    return sorted(groups.values(), key=lambda g: -g.level)


def _names_region(group: RegionGroup, region: Region) -> bool:
    names = {n.casefold() for n in (region.name.en, region.name.fr, *region.aliases) if len(n) > 2}
    text = " ".join(group.areas).casefold()
    return any(re.search(rf"(?<!\w){re.escape(n)}(?!\w)", text) for n in names)


def official_region_lines(
    advisory: Advisory,
    sources: Mapping[str, SourceInfo],
    t: Tr,
    *,
    asked: Region | None = None,
    limit: int = 6,
) -> list[str]:
    """'🔴 Areas within 50 km of the Cambodian border — level 4 (United States, Australia)', one
    line per group at level 3–4; the groups naming the region asked about first, in bold."""
    groups = official_region_groups(advisory)
    if not groups:
        return []
    if asked is not None:
        groups.sort(key=lambda g: not _names_region(g, asked))
    title = esc(t._("Official regional advice"))
    foreign = {g.lang for g in groups[:limit] if g.lang != t.lang}
    if foreign == {"en"}:
        title += " <i>" + esc(t._("(official wording, in English)")) + "</i>"
    elif foreign == {"fr"}:
        title += " <i>" + esc(t._("(official wording, in French)")) + "</i>"
    lines = ["", f"<b>{title}</b>"]
    for group in groups[:limit]:
        joined = "; ".join(group.areas)
        areas = esc(joined[:1].upper() + joined[1:])
        if group.lang != t.lang:
            areas = as_published(areas)
        if asked is not None and _names_region(group, asked):
            areas = f"<b>{areas}</b>"
        governments = ", ".join(
            t.country(sources[s].country) if s in sources else s for s in group.sources
        )
        level = t._("level {level}").format(level=group.level)
        lines.append(f"{LEVEL_EMOJI[group.level]} {areas} — {esc(level)} ({esc(governments)})")
    if len(groups) > limit:
        lines.append(esc(_more_regions(len(groups) - limit, t)))
    return lines


def alert_lines(
    advisory: Advisory, t: Tr, *, today: dt.date | None, max_alerts: int = 3
) -> list[str]:
    """The latest alerts, newest first; those older than STALE_AFTER under their own heading,
    as dated history (no severity sign, which would read as current)."""
    alerts = advisory.alerts_newest_first()
    recent = [a for a in alerts if not is_stale(a.date, today)][:max_alerts]
    earlier = [a for a in alerts if is_stale(a.date, today)][: max_alerts - len(recent)]
    lines: list[str] = []
    if recent:
        alerts_title = t._("Latest alerts")
        lines += ["", f"<b>{esc(alerts_title)}</b>"]
        for alert in recent:
            emoji = SEVERITY_EMOJI.get(alert.severity, "•")
            when = esc(t.date(alert.date))
            lines.append(f"{emoji} {when}{t.colon()}{esc(alert.text.get(t.lang))}")
    if earlier:
        earlier_title = t._("Earlier alerts (more than {days} days old)").format(
            days=STALE_AFTER.days
        )
        lines += ["", f"<b>{esc(earlier_title)}</b>"]
        for alert in earlier:
            when = esc(t.date(alert.date))
            lines.append(f"🗓 {when}{t.colon()}{esc(alert.text.get(t.lang))}")
    return lines


def our_text_date(advisory: Advisory, t: Tr, today: dt.date | None) -> list[str]:
    """The date our own text speaks from, to put before it (whatever it says of "now"): when it
    was last reviewed, marked when that is older than STALE_AFTER. Nothing without a date."""
    reviewed = advisory.reviewed
    if reviewed is None:
        return []
    if is_stale(reviewed, today):
        assert today is not None
        old = t._(
            "Our own text was last reviewed {ago} ({date}): check the official advice for"
            " anything newer."
        ).format(ago=t.ago(reviewed, today), date=t.date(reviewed))
        return [f"⏳ <b>{esc(old)}</b>"]
    text = t._("Our own text, as of {date}:").format(date=t.date(reviewed))
    return [f"📝 <i>{esc(text)}</i>"]


def newer_alerts(advisory: Advisory) -> list[Alert]:
    """The alerts dated after our own text was reviewed (newest first): they come before it."""
    if advisory.reviewed is None:
        return []
    reviewed = advisory.reviewed
    return [a for a in advisory.alerts_newest_first() if a.date > reviewed]


def newer_alert_lines(
    advisory: Advisory, t: Tr, *, today: dt.date | None, limit: int = 3
) -> list[str]:
    """The alerts newer than our own text, under their heading, each with its date."""
    alerts = newer_alerts(advisory)[:limit]
    if not alerts:
        return []
    title = t._("Newer than our text below")
    return [f"<b>{esc(title)}</b>", *(alert_line(a, t, today=today) for a in alerts)]


def alert_line(alert: Alert, t: Tr, *, today: dt.date | None) -> str:
    """'⚠️ 6 December 2026: …' (a 🗓 instead of the severity once older than STALE_AFTER)."""
    sign = "🗓" if is_stale(alert.date, today) else SEVERITY_EMOJI.get(alert.severity, "•")
    return f"{sign} {esc(t.date(alert.date))}{t.colon()}{esc(alert.text.get(t.lang))}"


def render_section(
    advisory: Advisory,
    section: str,
    sources: Mapping[str, SourceInfo],
    t: Tr,
    *,
    today: dt.date | None = None,
    question: str = "",
) -> str:
    """One section: our curated text first (marked when its review is older than STALE_AFTER),
    then what each government says on it, cut to the paragraphs that answer `question`, with
    who said it and when. Where nobody wrote anything on it, say so and link the official
    pages."""
    heading = f"{t._(SECTION_TITLES[section])} — {t.country(advisory.code)}"
    lines = [f"{SECTION_EMOJI[section]} <b>{esc(heading)}</b>", ""]
    text = advisory.sections.get(section)
    newer = newer_alert_lines(advisory, t, today=today)
    if newer:
        lines += [*newer, ""]
    contacts: list[str] = []
    if section == "contacts":
        contacts = _contacts(advisory, sources, t)
        lines += contacts
    if text is not None:
        lines += our_text_date(advisory, t, today)
        lines.append(paragraphs(text.get(t.lang)))
    used = _u16(strip_tags("\n".join(lines)))
    budget = max(MAX_MESSAGE - used - 600, 0)
    if contacts:  # the numbers and offices are the answer: the help pages are linked
        budget = 0
    answer = official_answer(advisory, section, t.lang, question, budget=budget)
    lines += excerpt_lines(answer, sources, t, today=today)
    quoted = {e.source for e in answer.excerpts} | {a.source for a, _ in answer.linked}
    if text is None and not answer.excerpts and not contacts:
        none = t._(
            "We hold no checked information on this for this country."
            " Please read the official advice:"
        )
        lines.append(esc(none))
        lines += _official_links(advisory, sources, t)
    if section == "security":
        lines += _official_summaries(advisory, sources, t, skip=quoted)
    return fit(re.sub(r"\n{3,}", "\n\n", "\n".join(lines).strip()))


def _contacts(advisory: Advisory, sources: Mapping[str, SourceInfo], t: Tr) -> list[str]:
    """Emergency numbers, then the embassies (curated first, then the governments' own), then
    where a traveller of another nationality finds their own."""
    lines = emergency_lines(advisory, t, sources)
    if lines:
        lines.append("")
    listed = offices(advisory)
    if listed:
        embassies_title = t._("Embassies and consulates")
        lines += [f"<b>{esc(embassies_title)}</b>", *office_lines(listed, sources, t), ""]
        lines += [*other_nationals_lines(nationalities(listed), t), ""]
    return lines


def emergency_lines(
    advisory: Advisory,
    t: Tr,
    sources: Mapping[str, SourceInfo] | None = None,
    *,
    first: tuple[str, ...] = (),
) -> list[str]:
    """The destination's emergency numbers under their title: ours where a maintainer checked
    them, else each government's with its name and date (none when nobody gives any)."""
    numbers = emergency_numbers(advisory, first=first)
    if not numbers:
        return []
    emergency_title = t._("Emergency numbers")
    return [f"<b>{esc(emergency_title)}</b>", *number_lines(numbers, sources or {}, t)]


def embassy_lines(
    advisory: Advisory, t: Tr, sources: Mapping[str, SourceInfo] | None = None
) -> list[str]:
    """Each embassy and consulate (curated, then the governments' own listings) with its
    address, phone, e-mail and link."""
    return office_lines(offices(advisory), sources or {}, t)


def _official_links(advisory: Advisory, sources: Mapping[str, SourceInfo], t: Tr) -> list[str]:
    if not advisory.sources:
        return [esc(t._("No official page is on file for this destination."))]
    return [
        f"• {link(s.url, sources[s.source].name.get(t.lang) if s.source in sources else s.source)}"
        for s in advisory.sources
    ]


def _official_summaries(
    advisory: Advisory,
    sources: Mapping[str, SourceInfo],
    t: Tr,
    *,
    skip: set[str] | frozenset[str] = frozenset(),
) -> list[str]:
    lines = []
    for advice in advisory.sources:
        if not advice.summary or advice.source in skip:
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
        text = paragraphs(advice.summary)
        lines.append(as_published(text) if advice.summary_lang != t.lang else text)
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
        names = sorted((t.country(a.code) for a in chosen if a.level == level), key=t.sort_key)
        if not names:
            continue
        lines += ["", f"<b>{level_badge(level, t)}</b> ({len(names)})", esc(", ".join(names))]
    if len(lines) == 1:
        lines.append(esc(t._("No destination is at level 3 or 4 here.")))
    return fit("\n".join(lines))


def render_safest(
    advisories: Iterable[Advisory],
    t: Tr,
    *,
    groups: Iterable[tuple[str, frozenset[str] | None]],
    title: str,
) -> str:
    """The destinations at level 1 (normal precautions), one paragraph per region (`groups`:
    its title and codes, None for every destination); a ⚠️ marks those where some area is
    advised against."""
    level_one = [a for a in advisories if a.level == 1]
    lines = [f"<b>{esc(title)}</b>", f"<b>{level_badge(1, t)}</b>"]
    marked = False
    for group_title, codes in groups:
        chosen = [a for a in level_one if codes is None or a.code in codes]
        if not chosen:
            continue
        names = []
        for advisory in sorted(chosen, key=lambda a: t.sort_key(t.country(a.code))):
            warned = _has_area_advised_against(advisory)
            marked |= warned
            names.append(t.country(advisory.code) + (" ⚠️" if warned else ""))
        heading = group_title[:1].upper() + group_title[1:]
        lines += ["", f"<b>{esc(heading)}</b> ({len(names)})", esc(", ".join(names))]
    if len(lines) == 2:
        lines.append(esc(t._("No destination is at level 1 here.")))
    if marked:
        lines += ["", "⚠️ " + esc(t._("Some areas there are advised against: read the card."))]
    note = t._(
        "Level 1 by the advice we hold: no place is free of risk. Ask about a destination for"
        " its card."
    )
    lines += ["", esc(note)]
    return fit("\n".join(lines))


def _has_area_advised_against(advisory: Advisory) -> bool:
    return any(r.level >= 3 for r in advisory.regions) or any(
        r.level >= 3 for s in advisory.sources for r in s.regions
    )


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
