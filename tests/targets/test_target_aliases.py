"""Alias catalogues: US / USA / United States / США / Washington merge; user files extend them."""

from __future__ import annotations

from pathlib import Path

import pytest

from propwatch.errors import MalformedRecordError
from propwatch.settings import Settings
from propwatch.targets.aliases import (
    canonical_target,
    load_aliases,
    normalise_surface,
    parse_aliases,
    polish_case_of,
    polish_cases,
)


@pytest.fixture(scope="module")
def catalogue_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    return Settings(data_dir=tmp_path_factory.mktemp("data"))


def _names(text: str, language: str, settings: Settings) -> list[tuple[str, str]]:
    catalogue = load_aliases(settings)
    return [(text[m.start : m.end], m.entity.name) for m in catalogue.find(text, language)]


def test_us_usa_united_states_and_washington_are_one_target(catalogue_settings: Settings) -> None:
    text = "The US, the USA and the United States of America agree; Washington's answer came later."
    assert _names(text, "en", catalogue_settings) == [
        ("US", "United States"),
        ("USA", "United States"),
        ("United States of America", "United States"),
        ("Washington", "United States"),
    ]


def test_russian_names_match_in_every_case(catalogue_settings: Settings) -> None:
    text = "США давят на Россию, в России ответили Вашингтону, а Соединённых Штатов это не смутило."
    assert _names(text, "ru", catalogue_settings) == [
        ("США", "United States"),
        ("Россию", "Russia"),
        ("России", "Russia"),
        ("Вашингтону", "United States"),
        ("Соединённых Штатов", "United States"),
    ]


def test_a_russian_surname_pymorphy_reads_as_another_word_matches_in_every_case(
    catalogue_settings: Settings,
) -> None:
    text = "Олаф Шольц приехал. Шольца критикуют, со Шольцем спорят, об Олафе Шольце пишут."
    assert _names(text, "ru", catalogue_settings) == [
        ("Олаф Шольц", "Olaf Scholz"),
        ("Шольца", "Olaf Scholz"),
        ("Шольцем", "Olaf Scholz"),
        ("Олафе Шольце", "Olaf Scholz"),
    ]


def test_a_catalogued_mans_surname_in_a_womans_form_is_not_him(catalogue_settings: Settings) -> None:
    text = "Зеленская приехала, Зеленской вручили цветы, а о Путиной не писали; Зеленским и Путина — он."
    assert _names(text, "ru", catalogue_settings) == [
        ("Зеленским", "Volodymyr Zelensky"),
        ("Путина", "Vladimir Putin"),
    ]
    catalogue = load_aliases(catalogue_settings)
    assert canonical_target("Зеленская", catalogue) == "Зеленская"
    assert canonical_target("Зеленского", catalogue) == "Volodymyr Zelensky"


def test_matching_respects_case(catalogue_settings: Settings) -> None:
    # "us" is a pronoun, "запад" a direction: only the capitalised names are targets.
    assert _names("Give us the facts.", "en", catalogue_settings) == []
    assert _names("Ветер дует с запада, а Запад молчит.", "ru", catalogue_settings) == [("Запад", "the West")]


def test_a_metonym_before_another_name_is_not_the_country(catalogue_settings: Settings) -> None:
    text = "The Washington Post wrote that Washington refused."
    assert _names(text, "en", catalogue_settings) == [("Washington", "United States")]
    assert [m.start for m in load_aliases(catalogue_settings).find(text, "en")] == [text.rindex("Washington")]


def test_other_languages(catalogue_settings: Settings) -> None:
    assert _names("Les États-Unis et l'OTAN répondent à Moscou.", "fr", catalogue_settings) == [
        ("États-Unis", "United States"),
        ("OTAN", "NATO"),
        ("Moscou", "Russia"),
    ]
    assert _names("Die NATO und die Vereinigten Staaten warnen Russland.", "de", catalogue_settings) == [
        ("NATO", "NATO"),
        ("Vereinigten Staaten", "United States"),
        ("Russland", "Russia"),
    ]
    assert _names("Stany Zjednoczone i Unia Europejska wspierają Ukrainę.", "pl", catalogue_settings) == [
        ("Stany Zjednoczone", "United States"),
        ("Unia Europejska", "European Union"),
        ("Ukrainę", "Ukraine"),
    ]


def test_lookup_of_whole_mentions(catalogue_settings: Settings) -> None:
    catalogue = load_aliases(catalogue_settings)
    assert catalogue.lookup("NATO’s", "en") is not None
    assert catalogue.lookup("the Kremlin", "en") == catalogue.entities["Russia"]
    assert catalogue.lookup("Кремля", "ru") == catalogue.entities["Russia"]
    assert catalogue.lookup("Rossa Primavera", "en") is None
    assert normalise_surface(" the  United States’ ") == "United States"


@pytest.mark.parametrize(
    ("name", "canonical"),
    [
        ("России", "Russia"),
        ("Россия", "Russia"),
        ("Вашингтона", "United States"),
        ("Пентагона", "United States"),
        ("Евросоюза", "European Union"),
        ("Зеленского", "Volodymyr Zelensky"),
        ("Зеленскому", "Volodymyr Zelensky"),
        ("USA", "United States"),
        ("Пескову", "Пескову"),  # a name the catalogue does not know: as given
        ("запада", "запада"),  # a common word is no name: "запад" is not "Запад"
    ],
)
def test_a_target_filter_takes_a_russian_name_in_any_case(
    catalogue_settings: Settings, name: str, canonical: str
) -> None:
    assert canonical_target(name, load_aliases(catalogue_settings)) == canonical


def test_user_catalogue_in_the_data_dir_adds_entities_and_aliases(tmp_path: Path) -> None:
    folder = tmp_path / "targets"
    folder.mkdir()
    (folder / "mine.yaml").write_text(
        "format: propwatch-targets/1\n"
        "entities:\n"
        "  - name: Rossa Primavera\n"
        "    type: outlet\n"
        "    aliases: {en: [RPNA, Rossa Primavera News Agency]}\n"
        "  - name: NATO\n"
        "    aliases: {en: [the Alliance]}\n",
        encoding="utf-8",
    )
    settings = Settings(data_dir=tmp_path)
    text = "RPNA says the Alliance and NATO lie."
    assert _names(text, "en", settings) == [
        ("RPNA", "Rossa Primavera"),
        ("the Alliance", "NATO"),
        ("NATO", "NATO"),
    ]
    assert load_aliases(settings).entities["NATO"].type == "alliance"  # the first type given stays


@pytest.mark.parametrize(
    ("document", "problem"),
    [
        ("format: nope\nentities: []\n", "format: propwatch-targets/1"),
        ("format: propwatch-targets/1\nentities: []\n", "non-empty list"),
        ("format: propwatch-targets/1\nentities:\n  - type: country\n", "entry 1"),
        ("format: propwatch-targets/1\nentities:\n  - name: X\n    aliases: {english: [X]}\n", "ISO 639"),
        ("format: propwatch-targets/1\nentities:\n  - name: X\n    colour: red\n", "unknown field"),
        ("format: [\n", "not valid YAML"),
    ],
)
def test_malformed_catalogues_name_the_file_and_entry(document: str, problem: str) -> None:
    with pytest.raises(MalformedRecordError, match=problem) as caught:
        parse_aliases(document, "mine.yaml")
    assert str(caught.value).startswith("mine.yaml")


def test_an_acronym_that_is_a_word_in_a_line_of_capitals_is_that_word(catalogue_settings: Settings) -> None:
    catalogue = load_aliases(catalogue_settings)
    text = "WHO ARE THEY?\nLET US PRAY\nThe WHO, NATO and the US\nUS, EU AND NATO"
    found = [(text[m.start : m.end], m.entity.name) for m in catalogue.find(text, "en")]
    assert found == [
        ("WHO", "World Health Organization"),
        ("NATO", "NATO"),
        ("US", "United States"),
        ("US", "United States"),
        ("EU", "European Union"),
        ("NATO", "NATO"),
    ]


def test_health_money_and_davos_organisations_are_one_target_each(catalogue_settings: Settings) -> None:
    catalogue = load_aliases(catalogue_settings)
    cases = {
        "de": "Die WHO und die Weltgesundheitsorganisation, der IWF und Davos.",
        "pl": "Światowej Organizacji Zdrowia, MFW i Światowego Forum Ekonomicznego.",
        "ru": "ВОЗ, Всемирной организации здравоохранения и МВФ.",
        "it": "l'Oms e il Fondo monetario internazionale",
    }
    names = {
        language: [m.entity.name for m in catalogue.find(text, language)] for language, text in cases.items()
    }
    who, imf, wef = "World Health Organization", "International Monetary Fund", "World Economic Forum"
    assert names == {
        "de": [who, who, imf, wef],
        "pl": [who, imf, wef],
        "ru": [who, who, imf],
        "it": [who, imf],
    }


def test_german_genitives_of_catalogued_persons_are_found_as_inflected(catalogue_settings: Settings) -> None:
    catalogue = load_aliases(catalogue_settings)
    for form in ("Scholzens", "Olaf Scholzens", "Lawrows", "von der Leyens"):
        entity = catalogue.lookup(form, "de")
        assert entity is not None and entity.type == "person", form
    text = "Scholzens Regierung und Lawrows Worte."
    assert [(text[m.start : m.end], m.inflected) for m in catalogue.find(text, "de")] == [
        ("Scholzens", True),
        ("Lawrows", True),
    ]
    assert catalogue.lookup("Scholzen", "de") is None  # no other form is made up


def test_a_polish_word_is_read_in_the_cases_a_mans_name_takes() -> None:
    assert polish_cases("Zełenskiego") == {0, 1}  # any word may be a nominative as written
    assert polish_cases("Tuskiem") == {0, 3}
    assert polish_cases("Reżim") == {0}
    assert polish_cases("Joe") == {0, 1, 2, 3, 4}  # it does not decline: it agrees with any case
    assert polish_case_of("tuska", "donald tusk") and polish_case_of("tuskowi", "donald tusk")
    assert not polish_case_of("tusk", "donald tusk")  # the nominative itself is no case made here


# --- Spanish, Portuguese and Dutch (no NER reads them: the catalogue is all that finds their targets;
# "EE. UU.", "Rusia", "NAVO", "Moskou" had named nothing) ----------------------------------------------


@pytest.mark.parametrize(
    ("language", "text", "expected"),
    [
        (
            "es",
            "EE. UU., la OTAN y la Unión Europea acusan a Rusia; Moscú responde a Bruselas y a Ucrania.",
            [
                ("EE. UU.", "United States"),
                ("OTAN", "NATO"),
                ("Unión Europea", "European Union"),
                ("Rusia", "Russia"),
                ("Moscú", "Russia"),
                ("Bruselas", "European Union"),
                ("Ucrania", "Ukraine"),
            ],
        ),
        (
            "pt",
            "Os EUA, a NATO e a União Europeia acusam a Rússia; Moscovo responde a Bruxelas e à Ucrânia.",
            [
                ("EUA", "United States"),
                ("NATO", "NATO"),
                ("União Europeia", "European Union"),
                ("Rússia", "Russia"),
                ("Moscovo", "Russia"),
                ("Bruxelas", "European Union"),
                ("Ucrânia", "Ukraine"),
            ],
        ),
        (
            "nl",
            "De Verenigde Staten, de NAVO en de Europese Unie beschuldigen Rusland; Moskou antwoordt "
            "Brussel.",
            [
                ("Verenigde Staten", "United States"),
                ("NAVO", "NATO"),
                ("Europese Unie", "European Union"),
                ("Rusland", "Russia"),
                ("Moskou", "Russia"),
                ("Brussel", "European Union"),
            ],
        ),
    ],
)
def test_spanish_portuguese_and_dutch_names(
    catalogue_settings: Settings, language: str, text: str, expected: list[tuple[str, str]]
) -> None:
    assert _names(text, language, catalogue_settings) == expected


def test_metonyms_and_people(catalogue_settings: Settings) -> None:
    text = "El Kremlin y Kiev culpan a Washington; Zelenski y Putin no hablan con Biden en el Pentágono."
    assert _names(text, "es", catalogue_settings) == [
        ("Kremlin", "Russia"),
        ("Kiev", "Ukraine"),
        ("Washington", "United States"),
        ("Zelenski", "Volodymyr Zelensky"),
        ("Putin", "Vladimir Putin"),
        ("Biden", "Joe Biden"),
        ("Pentágono", "United States"),
    ]
    assert _names("Het Westen steunt Oekraïne.", "nl", catalogue_settings) == [
        ("Het Westen", "the West"),
        ("Oekraïne", "Ukraine"),
    ]


def test_a_user_catalogue_takes_any_language_code(tmp_path: Path) -> None:
    catalogue = parse_aliases(
        "format: propwatch-targets/1\nentities:\n  - name: Rossa Primavera\n    type: outlet\n"
        "    aliases: {es: [Rossa Primavera], pt: [RP], nl: [Rossa]}\n",
        "x.yaml",
    )
    assert catalogue.lookup("RP", "pt") == catalogue.entities["Rossa Primavera"]
    assert catalogue.lookup("Rossa", "nl") == catalogue.entities["Rossa Primavera"]


@pytest.mark.parametrize(
    ("language", "text", "expected"),
    [
        ("es", "Hungría y Portugal votaron contra Europa.", ["Hungary", "Portugal", "Europe"]),
        ("pt", "A Hungria e a Polónia votaram contra.", ["Hungary", "Poland"]),
        ("nl", "Hongarije en Polen stemden tegen.", ["Hungary", "Poland"]),
    ],
)
def test_the_world_s_countries_are_named_in_spanish_portuguese_and_dutch_too(
    catalogue_settings: Settings, language: str, text: str, expected: list[str]
) -> None:
    """A language with a hand-written list had lost every other country: "Portugal" and "Europa" no longer
    matched in Spanish once Spanish had names of its own."""
    assert [name for _, name in _names(text, language, catalogue_settings)] == expected
