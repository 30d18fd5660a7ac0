"""The Polish and German inflection table behind target matching (``targets/data/inflections.tsv``)."""

from __future__ import annotations

import pytest

from propwatch.errors import AnalyzerError
from propwatch.targets.inflections import (
    TABLE,
    build_rows,
    german_noun,
    german_people,
    inflection_table,
    parse_inflections,
)
from propwatch.targets.morphology import lemma


def test_the_shipped_table_is_the_one_the_shipped_catalogue_gives() -> None:
    # fails when aliases.yaml or the CLDR names change without `python -m propwatch.targets.inflections`
    shipped = inflection_table()
    rebuilt: dict[str, dict[str, str]] = {}
    for language, form, lemma_ in build_rows():
        rebuilt.setdefault(language, {})[form] = lemma_
    assert shipped == rebuilt, f"{TABLE} is stale: run python -m propwatch.targets.inflections"


def test_oblique_forms_share_the_lemma_of_their_nominative() -> None:
    assert lemma("Francji", "pl") == lemma("Francja", "pl") == "francja"
    assert lemma("Stanach", "pl") == lemma("Stany", "pl")
    assert lemma("Kremls", "de") == lemma("Kreml", "de")


def test_words_outside_the_table_are_matched_as_written() -> None:
    assert lemma("Gdańskiem", "pl") == "Gdańskiem"  # no catalogue name: no lemma, as written (case too)
    assert lemma("Un", "de") != lemma("UN", "de")
    assert lemma("Paris", "fr") == "paris"


@pytest.mark.parametrize(
    "line", ["pl\tFrancji", "xx\tFrancji\tfrancja", "pl\t\tfrancja", "pl Francji francja"]
)
def test_a_malformed_line_is_named(line: str) -> None:
    with pytest.raises(AnalyzerError, match="line 2"):
        parse_inflections(f"# header\n{line}\n", "inflections.tsv")


@pytest.mark.parametrize(
    ("text", "word", "common"),
    [
        ("Sie liefert weitere Panzer.", "Panzer", True),  # a bare quantifier before it
        ("Es fließt russisches Gas.", "Gas", True),  # a bare adjective
        ("Dafür gehen 100 Milliarden drauf.", "Milliarden", True),  # a number
        ("Keiner will den Angriffskrieg.", "Krieg", True),  # the tail of a compound
        ("Der Ukraine-Krieg dauert.", "Krieg", True),
        ("Das Öl- und Gasgeschäft leidet.", "Öl", True),  # the head of a shortened compound
        ("Dieser Krieg ist falsch.", "Krieg", True),  # a demonstrative (as before)
        ("Der Krieg geht weiter.", "Krieg", False),  # a definite article alone proves nothing
        ("Sie verteidigen Cherson.", "Cherson", False),  # a verb in -en is no adjective
        ("Seit 2014 Donbass und Ostberlin.", "Donbass", False),  # a year is no count
        ("In Westberlin und Berlin.", "Berlin", False),  # a compass word before a place leaves a name
    ],
)
def test_a_german_word_the_text_uses_as_a_common_noun(text: str, word: str, common: bool) -> None:
    assert german_noun(text, word) is common


def test_a_german_people_is_told_by_its_country() -> None:
    assert all(map(german_people, ["Russen", "Afghanen", "Ukrainer", "Chinesen", "Europäer"]))
    assert not any(map(german_people, ["Panzer", "Krieg", "Milliarden", "Oligarchen"]))
