"""What the importers share about a government's own texts, numbers and offices: only parts that
pass the data files' rules are kept, so that one odd office or number never makes the sync refuse
a whole block (and with it a level change)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from bot.core.model import Advisory, Embassy, EmergencyNumber, OfficialSection, SourceAdvice
from bot.datafiles.convert import EARLIEST_PLAUSIBLE, advisory_from_dict, advisory_to_dict


def _problems(advice: SourceAdvice) -> int:
    """How many problems the data files' rules find in `advice` (its date aside: the merge
    deals with unknown dates)."""
    dated = replace(advice, date=EARLIEST_PLAUSIBLE)
    data: dict[str, Any] = advisory_to_dict(Advisory(code="FR", sources=(dated,)))
    _, problems = advisory_from_dict(data)
    return len(problems)


def keep_valid(advice: SourceAdvice) -> SourceAdvice:
    """`advice` without the sections, numbers and offices that the data rules would refuse."""
    bare = replace(advice, sections=(), emergency=(), offices=())
    base = _problems(bare)
    if _problems(advice) == base:
        return advice
    sections: list[OfficialSection] = [
        s for s in advice.sections if _problems(replace(bare, sections=(s,))) == base
    ]
    numbers: list[EmergencyNumber] = [
        n for n in advice.emergency if _problems(replace(bare, emergency=(n,))) == base
    ]
    offices: list[Embassy] = [
        o for o in advice.offices if _problems(replace(bare, offices=(o,))) == base
    ]
    return replace(
        advice, sections=tuple(sections), emergency=tuple(numbers), offices=tuple(offices)
    )


def section(topic: str, title: str, text: str, lang: str, url: str) -> OfficialSection | None:
    """A section, or None when the government published nothing in it."""
    text = text.strip()
    if not text:
        return None
    return OfficialSection(topic=topic, title=title.strip(), text=text, lang=lang, url=url)
