"""Every user-visible string is in the gettext catalogs, and the French catalog is complete."""

from __future__ import annotations

from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from bot.i18n import catalog_path, format_date, tr

PROJECT = Path(__file__).resolve().parents[1]
KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2)}


def extracted_ids() -> set[str]:
    """Every message id marked in the code, as `make extract` would find it."""
    ids = set()
    for _, _, message, _, _ in extract_from_dir(
        PROJECT / "bot", method_map=[("**.py", "python")], keywords=KEYWORDS
    ):
        ids.add(message if isinstance(message, str) else message[0])
    return ids


def test_every_message_in_the_code_has_a_french_translation() -> None:
    with catalog_path("fr").open("rb") as handle:
        catalog = read_po(handle, locale="fr")
    translated = {
        (m.id if isinstance(m.id, str) else m.id[0])
        for m in catalog
        if m.id
        and m.string
        and (all(m.string) if isinstance(m.string, tuple) else True)
        and not m.fuzzy
    }
    assert not catalog.fuzzy, "a fuzzy catalog is skipped by pybabel compile"
    missing = sorted(extracted_ids() - translated)
    assert missing == [], f"untranslated (run make update-catalogs, then translate): {missing}"


def test_there_are_many_messages_to_translate() -> None:
    assert len(extracted_ids()) > 100


def test_french_plurals_follow_french_rules() -> None:
    t = tr("fr")
    assert t.ngettext("and %(n)d more region", "and %(n)d more regions", 1) % {"n": 1} == (
        "et 1 autre région"
    )
    assert t.ngettext("and %(n)d more region", "and %(n)d more regions", 3) % {"n": 3} == (
        "et 3 autres régions"
    )


def test_dates_are_localised_by_babel() -> None:
    import datetime as dt

    assert format_date(dt.date(2025, 11, 12), "fr") == "12 novembre 2025"
    assert format_date(dt.date(2025, 11, 12), "en") == "November 12, 2025"


def test_french_uses_the_catalog_and_english_the_ids() -> None:
    assert tr("fr")._("Security") == "Sécurité"
    assert tr("en")._("Security") == "Security"
    assert tr("fr").country("CI") == "Côte d’Ivoire"


def test_no_message_is_hidden_inside_an_f_string() -> None:
    """pybabel cannot see a literal inside an f-string: it would never be translated."""
    import re

    hidden = re.compile(r"""f(["'])[^"']*\{[^}]*\bt\._\(["']""")
    offenders = [
        f"{path.relative_to(PROJECT)}:{number}"
        for path in (PROJECT / "bot").rglob("*.py")
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if hidden.search(line)
    ]
    assert offenders == []


# ---- French that a francophone would write -------------------------------------------------------


def test_every_destination_has_its_grammar_reviewed() -> None:
    from bot.i18n import grammar

    destinations = {p.stem for p in (PROJECT / "data" / "destinations").glob("*.toml")}
    assert destinations - set(grammar().french) == set()


def test_country_names_take_their_article_and_preposition() -> None:
    fr, en = tr("fr"), tr("en")
    assert [fr.country_in(c) for c in ("ML", "FR", "US", "CU", "IR", "YE", "IN", "BB")] == [
        "au Mali",
        "en France",
        "aux États-Unis",
        "à Cuba",
        "en Iran",
        "au Yémen",
        "en Inde",
        "à la Barbade",
    ]
    assert [fr.country_of(c) for c in ("ML", "IN", "US", "HT", "OM", "HN")] == [
        "du Mali",
        "de l’Inde",
        "des États-Unis",
        "d’Haïti",
        "d’Oman",
        "du Honduras",
    ]
    assert fr.country_the("NE") == "le Niger" and fr.country_in("HK") == "à Hong Kong"
    assert (en.country_in("US"), en.country_of("ML")) == ("in the United States", "of Mali")


def test_a_broken_grammar_file_names_the_file_and_the_line(tmp_path: Path) -> None:
    import pytest

    from bot.i18n import GrammarError, read_grammar

    path = tmp_path / "grammar.toml"
    path.write_text('[french]\nML = "m"\nFR = "feminine"\n', encoding="utf-8")
    with pytest.raises(GrammarError, match=r"grammar\.toml:3: FR = 'feminine'"):
        read_grammar(path)


def test_every_french_message_has_non_breaking_spaces_where_french_wants_them() -> None:
    """French typography: U+00A0 before : ? ! » and after «, in every compiled message."""
    import re

    from bot.i18n import _translations

    wrong = re.compile(r"[^\u00a0\u202f][:?!»]|«[^\u00a0\u202f]")
    compiled = _translations("fr")
    with catalog_path("fr").open("rb") as handle:
        catalog = read_po(handle, locale="fr")
    offenders = []
    for message in catalog:
        if not message.id:
            continue
        msgid = message.id if isinstance(message.id, str) else message.id[0]
        text = compiled.gettext(msgid) if isinstance(message.id, str) else str(message.string[0])
        if wrong.search(text.replace("://", "")):
            offenders.append(text)
    assert offenders == []


def test_french_lists_are_sorted_the_french_way() -> None:
    names = ["Zambie", "Éthiopie", "Espagne", "Fidji", "Égypte", "Danemark"]
    assert sorted(names, key=tr("fr").sort_key) == [
        "Danemark",
        "Égypte",
        "Espagne",
        "Éthiopie",
        "Fidji",
        "Zambie",
    ]


def test_the_level_number_reads_the_same_in_french() -> None:
    fr = tr("fr")
    assert fr._("Level 4 – Do not travel").startswith("Niveau 4")
    assert fr._("level {level}").format(level=3) == "niveau 3"
