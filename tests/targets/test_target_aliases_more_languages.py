"""Spanish, Portuguese and Dutch names in the shipped catalogue (es, pt, nl: no NER reads them, so the
catalogue is all that finds their targets): "EE. UU.", "Rusia", "NAVO", "Moskou" had named nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from propwatch.settings import Settings
from propwatch.targets.aliases import load_aliases, parse_aliases


@pytest.fixture(scope="module")
def catalogue_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    return Settings(data_dir=tmp_path_factory.mktemp("data"))


def _names(text: str, language: str, settings: Settings) -> list[tuple[str, str]]:
    catalogue = load_aliases(settings)
    return [(text[m.start : m.end], m.entity.name) for m in catalogue.find(text, language)]


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
