"""What a message can ask: the intents and their kinds (Understanding.intent and .detail).

An intent's words live in data/vocabulary.toml, one table per intent (and per kind); adding an
intent is a member here, its table there, and its answer in bot/core/answer.py.
"""

from __future__ import annotations

from enum import StrEnum


class Intent(StrEnum):
    """What a message asks (string-compatible: `Intent.ADVISORY == "advisory"`)."""

    ADVISORY = "advisory"
    HEALTH = "health"
    ENTRY = "entry"
    DEPARTURE = "departure"
    CONTACTS = "contacts"
    SUBSCRIBE = "subscribe"
    UNSUBSCRIBE = "unsubscribe"
    SUBSCRIPTIONS = "subscriptions"
    HOTSPOTS = "hotspots"  # detail: one of HOTSPOTS_KINDS
    MAP = "map"  # a map of the place (or of the continent, or the world)
    LANGUAGE = "language"
    HELP = "help"
    UNKNOWN = "unknown"
    EMERGENCY = "emergency"  # detail: one of EMERGENCY_KINDS
    COMPARE = "compare"  # "X or Y": places holds both
    ROUTE = "route"  # "from X to Y by road": detail is the means
    BORDER = "border"  # "the X-Y border"
    SMALLTALK = "smalltalk"  # detail: one of SMALLTALK_KINDS
    SITUATION = "situation"  # the situation now, where the traveller is: one of SITUATION_KINDS


INTENTS: tuple[str, ...] = tuple(i.value for i in Intent)

# Kinds of emergency, most specific first (a tie goes to the first). "medical": someone sick,
# feverish, bitten, in need of a hospital or an ambulance; "injury": hurt in an accident, shot.
EMERGENCY_KINDS = (
    "kidnapping",
    "assault",
    "robbery",
    "arrest",
    "passport",
    "injury",
    "medical",
    "help",
)
SMALLTALK_KINDS = ("thanks", "bye", "greeting", "ack")
# A list of places: the ones to avoid, or the safest ("which countries in Africa are safe?").
HOTSPOTS_KINDS = ("dangerous", "safest")
# Kinds of situation question; when a message names several, the first here is its detail (a
# thing named beats "we are a family", which beats "what should we do").
SITUATION_KINDS = (
    "fuel",
    "airport",
    "flights",
    "roads",
    "schools",
    "curfew",
    "internet",
    "protests",
    "family",
    "what_to_do",
)
