"""End to end, where the order on screen matters: a family in Bamako asking what to do, a medical
emergency, a location near a border, and a new alert that must lead the answers and be dated by
its own date in the push. The real Application over HTTP, against the fake Bot API."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from bot.store.db import open_db
from bot.store.publish import publish
from tests.conftest import DATA

from .conftest import Running
from .test_bot_scenarios import say
from .test_push import subscribe

FAMILY = 7001
TRAVELLER = 7002
AIRPORT_ALERT = """
[[alerts]]
id = "2026-12-06-bamako-airport-closed"
date = 2026-12-06
severity = "critical"
en = "Bamako airport closed: all commercial flights are suspended until further notice."
fr = "Aéroport de Bamako fermé : tous les vols commerciaux sont suspendus jusqu'à nouvel ordre."
"""


def plain(text: str) -> str:
    return text.replace("\u00a0", " ")


async def test_french_family_in_bamako_gets_what_to_do_then_a_medical_emergency_in_order(
    bot: Running,
) -> None:
    asked = await say(
        bot,
        FAMILY,
        "Nous sommes une famille française à Bamako avec deux enfants, que devons-nous faire ?",
        lang="fr",
    )
    text = asked["text"]
    assert text.startswith("🇲🇱 Familles au Mali\u00a0: que faire maintenant")
    assert "Avec des enfants" in text and "Police\u00a0: 17" in text
    assert " :" not in text and " ;" not in text  # French typography, our own text included
    fuel = await say(bot, FAMILY, "y a-t-il du carburant à Bamako ?", lang="fr")
    assert "Je ne peux pas savoir si l’on trouve du carburant en ce moment." in fuel["text"]
    assert "4 septembre 2025" in fuel["text"]  # what we know, with its date
    sick = await say(
        bot, FAMILY, "urgence médicale à Bamako, ma fille a beaucoup de fièvre", lang="fr"
    )
    text = plain(sick["text"])
    order = [
        text.index("Police : 17"),
        text.index("Où se faire soigner"),
        text.index("l’assistance de votre assurance voyage"),
        text.index("Ambassade de France à Bamako"),
    ]
    assert order == sorted(order)
    assert "Paludisme" not in text


async def test_english_hospital_question_is_an_emergency(bot: Running) -> None:
    reply = await say(bot, TRAVELLER, "I need a hospital in Marrakech, my son is very sick")
    text = reply["text"]
    assert text.startswith("🚨 Emergency in Morocco")
    assert text.index("Where to find care") < text.index("Call your travel insurer")


async def test_a_location_near_ou_smach_says_where_the_reader_is_first(bot: Running) -> None:
    before = len(bot.api.sent_messages(TRAVELLER))
    # 14 km south of the Ou Smach crossing: in Cambodia, within the 50 km of the border where
    # the US and Australia say do not travel. (At the crossing itself the map asks which
    # country: tests/e2e/test_maps.py.)
    bot.api.push_location(TRAVELLER, 14.30, 103.70)
    [reply] = (await bot.api.wait_for_messages(TRAVELLER, before + 1))[before:]
    text = reply["text"]
    assert text.startswith("📍 ") and "Cambodia" in text.split("\n")[0]
    assert text.index("Where you are, travel is advised against:") < text.index(
        "Level 2 – Increased caution"
    )


@pytest.fixture
def data_with_alert(tmp_path: Path) -> Path:
    folder = tmp_path / "data-alert"
    shutil.copytree(DATA, folder, ignore=shutil.ignore_patterns("*.db*"))
    mali = folder / "destinations" / "ML.toml"
    mali.write_text(mali.read_text(encoding="utf-8") + AIRPORT_ALERT, encoding="utf-8")
    return folder


async def test_a_new_alert_is_pushed_with_its_own_date_and_leads_the_airport_answer(
    bot: Running, data_with_alert: Path
) -> None:
    db = open_db(bot.settings.db_path)
    subscribe(db, [TRAVELLER], "ML", lang="fr")
    published = dt.datetime(2026, 12, 7, 8, 0, tzinfo=dt.UTC)
    assert publish(db, data_with_alert, who="test", now=published).events == 1
    push = await bot.api.wait_for(
        lambda: next(iter(bot.api.sent_messages(TRAVELLER)), None), timeout=10
    )
    assert "6 décembre 2026\u00a0: Aéroport de Bamako fermé\u00a0:" in push["text"]
    assert "7 décembre" not in push["text"]
    airport = await say(bot, TRAVELLER, "l'aéroport est-il ouvert à Bamako ?", lang="fr")
    text = plain(airport["text"])
    assert text.index("Je ne peux pas savoir si l’aéroport est ouvert") < text.index(
        "6 décembre 2026 : Aéroport de Bamako fermé"
    )
    english = await say(bot, TRAVELLER + 1, "is Bamako airport open?")
    assert english["text"].index("December 6, 2026: Bamako airport closed") < english["text"].index(
        "Leave by commercial flight"
    )
    leaving = await say(bot, TRAVELLER + 1, "how do I leave Mali?")
    assert leaving["text"].index("Bamako airport closed") < leaving["text"].index(
        "Leave by commercial flight"
    )


async def test_which_countries_in_africa_are_safe_lists_the_safest_not_those_to_avoid(
    bot: Running,
) -> None:
    reply = await say(bot, TRAVELLER, "which countries in Africa are safe?")
    text = reply["text"]
    assert text.startswith("The safest destinations in Africa")
    assert "Level 1 – Normal precautions" in text and "Cape Verde" in text
    assert "Mali" not in text and "Do not travel" not in text
    french = await say(bot, FAMILY, "quels pays sont sûrs en Afrique ?", lang="fr")
    assert french["text"].startswith("Les destinations les plus sûres – Afrique")
