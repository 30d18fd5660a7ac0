"""Countries and continents named in five languages (CLDR via Babel) under their English name."""

from __future__ import annotations

from pathlib import Path

import pytest

from propwatch.settings import Settings
from propwatch.targets.aliases import load_aliases
from propwatch.targets.countries import country_names


@pytest.fixture(scope="module")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    return Settings(data_dir=tmp_path_factory.mktemp("data"))


@pytest.mark.parametrize(
    ("language", "text", "expected"),
    [
        ("ru", "Венгрии и Южной Корее", ["Hungary", "South Korea"]),  # any case, everyday names too
        ("de", "Ungarn und Nordkorea", ["Hungary", "North Korea"]),
        ("de", "die Türkei und Tschechien", ["Turkey", "Czech Republic"]),  # the names English texts use
        ("fr", "la Hongrie et la Birmanie", ["Hungary", "Myanmar"]),  # CLDR's "Myanmar (Birmanie)"
        ("it", "Ungheria e Europa", ["Hungary", "Europe"]),
        ("pl", "Węgry i Azja", ["Hungary", "Asia"]),
        ("ru", "Грузия", ["Georgia"]),
        # Polish and German oblique cases of names listed in the nominative only, by their lemmas
        ("pl", "rząd Węgier i władze Francji, Niemcom i Chinach", ["Hungary", "France", "Germany", "China"]),
        ("pl", "w Kazachstanie i na Litwie", ["Kazakhstan", "Lithuania"]),
        # "Ungarn" is also the plural of "Ungar": a form still matches as written when its lemma differs
        ("de", "die Haltung Ungarns und Ungarn selbst", ["Hungary", "Hungary"]),
        ("de", "Frankreichs Präsident und Israels Regierung", ["France", "Israel"]),
    ],
)
def test_country_names_in_other_languages_are_one_target(
    settings: Settings, language: str, text: str, expected: list[str]
) -> None:
    found = [m.entity.name for m in load_aliases(settings).find(text, language)]
    assert found == expected


def test_the_hand_written_catalogue_keeps_its_entities_and_english_is_left_to_ner(settings: Settings) -> None:
    catalogue = load_aliases(settings)
    assert catalogue.lookup("Германии", "ru").name == "Germany"  # type: ignore[union-attr]
    assert catalogue.entities["Germany"].type == "country"
    # English texts: spaCy's own names are the English names already; "Jordan", "Chad", "Georgia" are
    # also people and a state there.
    assert catalogue.lookup("Hungary", "en") is None
    assert catalogue.find("Chad Jordan moved to Georgia.", "en") == []


def test_names_that_are_common_words_or_territories_are_left_out(settings: Settings) -> None:
    catalogue = load_aliases(settings)
    assert catalogue.find("Того же мнения был министр.", "ru") == []  # "Togo" opens sentences
    assert catalogue.find("Maurice a répondu.", "fr") == []  # a first name
    names = {name for name, _ in country_names()}
    assert "Jersey" not in names and "Réunion" not in names and "European Union" not in names
    assert {"Africa", "Asia", "Europe", "Democratic Republic of the Congo"} <= names
    assert len(names) > 190


def test_a_user_catalogue_still_overrides_a_country_name(tmp_path: Path) -> None:
    (tmp_path / "targets").mkdir()
    (tmp_path / "targets" / "mine.yaml").write_text(
        "format: propwatch-targets/1\nentities:\n  - name: Orbán government\n    type: government\n"
        "    aliases:\n      de: [Ungarn]\n",
        encoding="utf-8",
    )
    catalogue = load_aliases(Settings(data_dir=tmp_path))
    assert catalogue.lookup("Ungarn", "de").name == "Orbán government"  # type: ignore[union-attr]


def test_lemmas_do_not_make_a_common_word_a_target(settings: Settings) -> None:
    # "zachodzie" (in the west of) shares the lemma of the West, "Polski" in lower case is an adjective
    catalogue = load_aliases(settings)
    assert catalogue.find("Na zachodzie kraju mówi się po polsku.", "pl") == []
    # the adjective "polski" in a name is not Poland; Poland's own cases are
    assert catalogue.find("święto Wojska Polskiego, wywiad dla Gazety Polskiej", "pl") == []
    assert [m.entity.name for m in catalogue.find("w Polsce i dla Polski", "pl")] == ["Poland", "Poland"]
    found = catalogue.find("Sankcje wobec Zachodu i Rosji.", "pl")
    assert [m.entity.name for m in found] == ["the West", "Russia"]
