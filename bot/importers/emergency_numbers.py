"""Local emergency numbers read from a government's "Emergency services" block, as the plain
text `official_text.html_to_text` makes of it: "Ambulance: 104, Fire: 105, Police: 106",
"Telephone: 999 (ambulance, fire, police)", "Police – 191", "Dial 911 for emergency assistance",
"police : 191" (Canada's French), a sub-heading ("## Mexico City Tourist Police") over the lines
it names. A wrong number is worse than none: a line read with any doubt gives nothing."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.core.model import EmergencyNumber

# The words a government uses for each service, compared whole (lower case, "the" dropped).
_SERVICE_WORDS: dict[str, tuple[str, ...]] = {
    "police": (
        "police",
        "police emergency",
        "police emergencies",
        "emergency police",
        "national police",
        "police emergency number",
        "police secours",
    ),
    "ambulance": (
        "ambulance",
        "ambulances",
        "ambulance service",
        "ambulance services",
        "medical",
        "medical emergency",
        "medical emergencies",
        "medical assistance",
        "emergency medical services",
        "emergency medical service",
        "medical services",
        "assistance médicale",
        "urgences médicales",
        "samu",
    ),
    "fire": (
        "fire",
        "fire brigade",
        "fire service",
        "fire services",
        "fire department",
        "firefighters",
        "fire fighters",
        "fire and rescue",
        "fire & rescue",
        "pompiers",
        "sapeurs-pompiers",
        "incendie",
    ),
    "tourist_police": (
        "tourist police",
        "tourism police",
        "police touristique",
        "tourist police hotline",
    ),
    "general": (
        "emergency",
        "emergencies",
        "emergency services",
        "emergency service",
        "emergency number",
        "emergency numbers",
        "all emergencies",
        "all emergency services",
        "general emergency",
        "general emergencies",
        "general emergency number",
        "emergency assistance",
        "emergency help",
        "urgence",
        "urgences",
        "services d'urgence",
        "numéro d'urgence",
        "aide d'urgence",
    ),
}
_WORD_TO_SERVICE = {word: service for service, words in _SERVICE_WORDS.items() for word in words}
_ALL_THREE = {"police", "ambulance", "fire"}
_ORDER = ("general", "police", "ambulance", "fire", "tourist_police")
# "Mexico City Tourist Police": a place's name before the tourist police.
_PLACE_TOURIST_POLICE = re.compile(
    r"^(?:[A-ZÀ-Þ][\w'’.-]*\s+){1,4}(?:tourist|tourism)\s+police$", re.IGNORECASE
)
_PLACE_WORD = re.compile(r"^[A-ZÀ-Þ]")
_VERB = re.compile(
    r"^(?:telephone|tel\.?|phone|call|dial|ring|téléphone|tél\.?|composez|appelez)"
    r"(?:\s+(?:le|the))?(?:\s+number)?\s*:?\s*(?=[\d(+])",
    re.IGNORECASE,
)
# One number as written: an optional international prefix ("+52", "(0052)", "00 52") and digits
# with single spaces, hyphens or dots between them.
_NUMBER = re.compile(
    r"(?P<prefix>\+\s?\d{1,4}|\(\s*(?:\+|00)\s?\d{1,4}\s*\)|00\s?\d{1,4}(?=[\s-]))?"
    r"\s*(?P<body>(?:\(\d{1,5}\)|\d{1,5})(?:[ .-]?(?:\(\d{1,5}\)|\d{1,5})){0,5})"
)
_NOTE = re.compile(r"\s*\((?P<note>[^()]{1,80})\)")
_BETWEEN_NUMBERS = re.compile(r"\s*(?:,|/|\bor\b|\bou\b)\s*", re.IGNORECASE)
_SEGMENT_START = re.compile(r"\s*(?:[,;|]\s*|\b(?:and|et)\s+)?")
_LABEL = re.compile(r"(?P<label>[^\d:–—()+|;]{2,80}?)\s*(?::|–|—|\s-|-(?=\s))?\s*(?=[\d(+])")
# No line that gives a number is longer: a longer one is prose, read with doubt.
_MAX_LINE = 240
_TAIL = re.compile(
    r"^(?:for|to reach|to contact|to call|and ask for|in case of|in|pour obtenir|pour)\s+"
    r"(?:an?\s+|the\s+|de\s+l['’]\s*|l['’]\s*|les\s+|la\s+|le\s+)?(?P<what>[^.]{2,60}?)\.?$",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class _Found:
    number: str
    note: str


def services_named(words: str) -> set[str] | None:
    """The services a label names ("Ambulance", "police, ambulance and fire", "Mexico City
    Tourist Police"), or None when any part of it is not a service we know."""
    text = re.sub(r"\s+", " ", words.replace("’", "'")).strip(" .:-–—").lower()
    text = re.sub(r"^(?:the|la|le|les|l')\s*", "", text)
    if not text:
        return None
    if text in _WORD_TO_SERVICE:
        return {_WORD_TO_SERVICE[text]}
    if _PLACE_TOURIST_POLICE.match(words.strip()) and _PLACE_WORD.match(words.strip()):
        return {"tourist_police"}
    parts = [p.strip() for p in re.split(r",|&|/|\band\b|\bor\b|\bet\b|\bou\b", text)]
    parts = [re.sub(r"^(?:the|la|le|les|l')\s*", "", p) for p in parts if p]
    found = set()
    for part in parts:
        service = _WORD_TO_SERVICE.get(part)
        if service is None or service == "general":
            return None
        found.add(service)
    return found or None


def _as_general(services: set[str]) -> set[str]:
    return {"general"} if services >= _ALL_THREE or services == {"general"} else services


def clean_number(prefix: str | None, body: str) -> str | None:
    """A number as Vigie keeps it: a short code ("112"), or a full number with its country code
    ("+52 55 5207 4155"); None when it cannot be an emergency or phone number."""
    digits_body = re.sub(r"\D", "", body)
    spaced = re.sub(r"[\s.()-]+", " ", body).strip()
    if prefix:
        code = re.sub(r"\D", "", prefix)
        code = code[2:] if code.startswith("00") else code
        total = len(code) + len(digits_body)
        if not code or code.startswith("0") or not 8 <= total <= 15:
            return None
        return f"+{code} {spaced}"
    if len(digits_body) <= 4:
        if len(digits_body) < 2 or re.fullmatch(r"0\d", digits_body) or " " in spaced:
            return None
        return digits_body
    if len(digits_body) == 5:
        return digits_body if " " not in spaced else None  # South Africa's police: 10111
    if not 6 <= len(digits_body) <= 15:
        return None
    return spaced


def _numbers_at(text: str, pos: int) -> tuple[list[_Found], int] | None:
    """The numbers (each with its note in brackets) written from `pos`, and where they end;
    None when there is none, or one that cannot be a number to call."""
    found: list[_Found] = []
    while True:
        match = _NUMBER.match(text, pos)
        if match is None or not match.group("body"):
            break
        number = clean_number(match.group("prefix"), match.group("body"))
        if number is None:
            return None
        pos = match.end()
        note = _NOTE.match(text, pos)
        if note and re.match(r"\s*(?:\+|00)\d", note.group("note")):
            note = None  # "(0052)" opens the next number, it is no note
        if note:
            pos = note.end()
        found.append(_Found(number, note.group("note").strip() if note else ""))
        between = _BETWEEN_NUMBERS.match(text, pos)
        if (between is None or between.end() == pos) and note:
            between = re.compile(r"\s+").match(text, pos)  # "19 (in cities) 177 (outside)"
        if between is None or not re.match(r"[\d(+]", text[between.end() :]):
            break
        pos = between.end()
    return (found, pos) if found else None


def _numbers(
    services: set[str], found: list[_Found], label: str, base: str, *, note_services: bool
) -> list[EmergencyNumber]:
    """One EmergencyNumber per service and number; a note that names services ("(ambulance,
    fire, police)") says which, any other note ("(in cities)") is kept in the label."""
    out: list[EmergencyNumber] = []
    for item in found:
        named = services_named(item.note) if item.note and note_services else None
        chosen = _as_general(named) if named else services
        words = label
        if item.note and not named:
            words = f"{base} ({item.note})" if base else item.note
        for service in sorted(chosen, key=_ORDER.index):
            out.append(EmergencyNumber(service, item.number, words))
    return out


def parse_line(line: str, context: str | None) -> list[EmergencyNumber] | None:
    """The numbers one line gives, under the sub-heading `context` (None: directly under the
    block's heading). [] when the line holds no number; None when it holds numbers that cannot
    be read with certainty (then nothing of it is kept)."""
    text = re.sub(r"\s+", " ", line).strip().removeprefix("- ").strip()
    text = text.replace("\u2011", "-").replace("\u2212", "-").rstrip(" .;")
    if not re.search(r"\d", text):
        return []
    if len(text) > _MAX_LINE:
        return None
    context_services = services_named(context) if context else None
    if context is not None and context_services is None:
        return None  # under a sub-heading that names no service: not sure whose numbers
    label = context or ""
    verb = _VERB.match(text)
    if verb is None:
        return _label_segments(text, label)
    read = _numbers_at(text, verb.end())
    if read is None:
        return None
    found, end = read
    tail = text[end:].strip(" .,;:")
    services: set[str] | None = _as_general(context_services) if context_services else None
    if tail:
        what = _TAIL.match(tail)
        named = services_named(what.group("what")) if what else None
        if named is None or (services is not None and _as_general(named) != services):
            return None
        services = _as_general(named)
    if services is None:
        services = {"general"}  # "Telephone: 112", right under "Emergency services in …"
    return _numbers(services, found, label, label, note_services=True)


def _label_segments(text: str, context_label: str) -> list[EmergencyNumber] | None:
    """ "Ambulance: 104, Fire: 105, Police: 106", "Police – 191", "Police: 19 (in cities)": every
    part of the line must read as a label and its numbers."""
    out: list[EmergencyNumber] = []
    pos = 0
    while text[pos:].strip(" ."):
        start = _SEGMENT_START.match(text, pos)
        assert start is not None  # it matches the empty string
        label = _LABEL.match(text, start.end())
        if label is None:
            return None
        read = _numbers_at(text, label.end())
        if read is None:
            return None
        found, pos = read
        words = label.group("label").strip(" ,")
        services = services_named(words)
        if services is None:
            continue  # WhatsApp, the coastguard, mountain rescue …: not a service we keep
        base = context_label or words
        out.extend(_numbers(_as_general(services), found, context_label, base, note_services=False))
    return out


def numbers_in_block(text: str) -> tuple[EmergencyNumber, ...]:
    """Every number an "Emergency services" block gives (its plain text, without its own
    heading), each once; lines with doubtful numbers are left out."""
    numbers: list[EmergencyNumber] = []
    context: str | None = None
    for raw in text.split("\n"):
        line = raw.strip()
        if not line:
            continue
        if line.startswith("## "):
            context = line[3:].strip()
            continue
        found = parse_line(line, context)
        for number in found or ():
            if not any(n.service == number.service and n.number == number.number for n in numbers):
                numbers.append(number)
    return tuple(numbers)


_BLOCK_HEADING = re.compile(
    r"^(?:emergency (?:services?|numbers?|contacts?|telephone numbers?)\b|services d['’]urgence"
    r"|numéros? d['’]urgence)",
    re.IGNORECASE,
)


def block_after_heading(text: str) -> str:
    """The lines under a plain text's "## Emergency services …" heading, up to the next
    heading that is not about a service ("## Mexico City Tourist Police" stays in)."""
    lines = text.split("\n")
    for at, line in enumerate(lines):
        if line.startswith("## ") and _BLOCK_HEADING.match(line[3:].strip()):
            kept = []
            for following in lines[at + 1 :]:
                if following.startswith("## ") and services_named(following[3:]) is None:
                    break
                kept.append(following)
            return "\n".join(kept)
    return ""
