"""The first sentence of an official summary that says why: what a card quotes when we hold no
curated reason. Pure."""

from __future__ import annotations

import re

MAX_QUOTE = 280

# "Country Summary: …", "Summary of the advisory: …": a heading glued to the text.
_LEAD_LABEL = re.compile(r"^[A-Z][\w’'-]*(?:\s+[\w’'-]+){0,4}:\s+(?=\S)")
# A full stop ends a sentence unless it closes an initial or a usual abbreviation ("U.S.").
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"”»)]?\s+(?=[\"“«(]?[A-Z0-9ÀÂÉÈÊÎÔÛÇ])")
_ABBREVIATION = re.compile(r"(?:\b[A-Za-z]\.|\b(?:Mr|Mrs|Ms|Dr|St|No|etc|e\.g|i\.e|approx|km)\.)$")
_BOILERPLATE = re.compile(
    r"read the (?:entire|whole|full)|read the country information|country information page"
    r"|some areas have (?:increased|higher)|certaines zones présentent"
    r"|advisory (?:was )?reissued|reissued (?:with|after|to)|this advisory|see the full"
    r"|^(?:do not travel|reconsider travel|exercise increased caution) (?:to|in):?$",
    re.IGNORECASE,
)
_REASON = re.compile(
    r"\b(?:due to|because|owing to|risks?|attacks?|conflict|terror\w*|kidnap\w*|unrest"
    r"|crimes?|violen\w*|protests?|fighting|war|en raison|à cause|menace|risque)\b",
    re.IGNORECASE,
)


# "This is due to …": a sentence that leans on the one before it.
_BACK_REFERENCE = re.compile(
    r"^(?:This|These|That|Those|It|They|Such|However|Ceci|Cela|Ils|Elles|Cependant|Toutefois)\b"
)


def sentences(text: str) -> list[str]:
    """The sentences of plain text, by line and full stop; the items of a list introduced by a
    heading ("Do Not Travel to:") are left out, being fragments."""
    found: list[str] = []
    in_list = False
    for raw in text.splitlines():
        line = raw.strip()
        if line.startswith(("-", "•", "*")):
            if in_list:
                continue
            line = line.lstrip("-•* ")
        elif line:
            in_list = line.endswith(":")
        line = _LEAD_LABEL.sub("", line)
        start = 0
        for match in _SENTENCE_END.finditer(line):
            if _ABBREVIATION.search(line[start : match.start()]):
                continue
            found.append(line[start : match.start()].strip())
            start = match.end()
        found.append(line[start:].strip())
    return [s for s in found if s]


def _meaningful(sentence: str) -> bool:
    return (
        len(sentence.split()) >= 4
        and not sentence.endswith(":")
        and not _BOILERPLATE.search(sentence)
        and not _BACK_REFERENCE.match(sentence)
    )


def why_sentence(summary: str) -> str | None:
    """The first sentence of `summary` that gives a reason (a risk, a threat, "due to"), else its
    first meaningful one; None when there is none. Cut at a word, with "…", past MAX_QUOTE."""
    candidates = [s for s in sentences(summary) if _meaningful(s)]
    if not candidates:
        return None
    chosen = next((s for s in candidates if _REASON.search(s)), candidates[0])
    chosen = chosen[0].upper() + chosen[1:]
    if len(chosen) > MAX_QUOTE:
        chosen = chosen[:MAX_QUOTE].rsplit(" ", 1)[0].rstrip(",;:") + "…"
    return chosen
