"""Target mentions in French, Italian, German and Polish texts, where the taggers' spans need fixing:
elisions, surnames with an apostrophe, German common nouns, words run onto a catalogued name, titles."""

from __future__ import annotations

import pytest

from propwatch.targets.aliases import AliasCatalogue
from propwatch.targets.extraction import extract_mentions
from propwatch.targets.ner import NerMention
from target_ner_fixture import FixedNer as _FixedNer

# Every text here is written for these tests.


def _at(text: str, phrase: str, kind: str, nth: int = 0) -> NerMention:
    """The ``nth`` occurrence of ``phrase`` in ``text`` as an entity of ``kind``."""
    start = -1
    for _ in range(nth + 1):
        start = text.index(phrase, start + 1)
    return NerMention(start, start + len(phrase), kind)


def _found(
    text: str, language: str, catalogue: AliasCatalogue, *entities: NerMention
) -> list[tuple[str, str]]:
    return [
        (text[m.start : m.end], m.name)
        for m in extract_mentions(text, language, catalogue, _FixedNer(*entities))
    ]


def test_a_french_elision_before_a_name_is_no_part_of_it(catalogue: AliasCatalogue) -> None:
    text = (
        "D'Olaf Scholz on ne sait rien. D’Ursula von der Leyen aussi. Blinken a menti. Lorsqu'Antony "
        "Blinken est arrivé, D’Emmanuel Macron on attendait plus, mais Emmanuel Macron s'est tu."
    )
    found = _found(
        text,
        "fr",
        catalogue,
        _at(text, "D'Olaf Scholz", "PER"),
        _at(text, "D’Ursula von der Leyen", "PER"),
        _at(text, "Blinken", "PER"),
        _at(text, "Lorsqu'Antony Blinken", "PER"),
        _at(text, "D’Emmanuel Macron", "PER"),
        _at(text, "Emmanuel Macron", "PER", nth=1),
    )
    assert found == [
        ("Olaf Scholz", "Olaf Scholz"),
        ("Ursula von der Leyen", "Ursula von der Leyen"),
        ("Blinken", "Antony Blinken"),  # the earlier surname joins the full name, not "Lorsqu'Antony…"
        ("Antony Blinken", "Antony Blinken"),
        ("Emmanuel Macron", "Emmanuel Macron"),
        ("Emmanuel Macron", "Emmanuel Macron"),
    ]


def test_a_surname_with_an_apostrophe_stays_whole(catalogue: AliasCatalogue) -> None:
    text = "Massimo D'Alema ha risposto. D'Alema dice che Gabriele D’Annunzio era poeta e Conan O'Brien ride."
    # the e5 tagger splits at the apostrophe: "Massimo D" and "Alema"
    entities = [
        _at(text, "Massimo D", "PER"),
        _at(text, "Alema", "PER"),
        _at(text, "D'Alema", "PER", nth=1),
        _at(text, "Gabriele D", "PER"),
        _at(text, "Annunzio", "PER"),
        _at(text, "Conan O'Brien", "PER"),
    ]
    assert _found(text, "it", catalogue, *entities) == [
        ("Massimo D'Alema", "Massimo D'Alema"),
        ("D'Alema", "Massimo D'Alema"),
        ("Gabriele D’Annunzio", "Gabriele D’Annunzio"),
        ("Conan O'Brien", "Conan O'Brien"),
    ]
    text = "D'Alema a répondu."  # a one-word surname after D' in French too
    assert _found(text, "fr", catalogue, _at(text, "D'Alema", "PER")) == [("D'Alema", "D'Alema")]


def test_german_common_nouns_are_no_targets_but_a_people_stays(catalogue: AliasCatalogue) -> None:
    text = (
        "Warum verschenkt die Ampel Milliarden? Sie liefert weitere Panzer. Der Krieg geht weiter, "
        "den Angriffskrieg will niemand. Das Öl- und Gasgeschäft leidet. Ethnische Russen leben dort."
    )
    entities = [
        _at(text, "Ampel Milliarden", "ORG"),
        _at(text, "Panzer", "ORG"),
        _at(text, "Krieg", "ORG"),
        _at(text, "Öl", "ORG"),
        _at(text, "Russen", "LOC"),
    ]
    assert _found(text, "de", catalogue, *entities) == [("Russen", "Russen")]


def test_a_word_run_onto_a_catalogued_name_leaves_the_name(catalogue: AliasCatalogue) -> None:
    text = "Reżim Zełenskiego upada. Tymczasem Zełenskiemu nikt nie wierzy, a Huntera Bidena nikt nie pyta."
    entities = [
        _at(text, "Reżim Zełenskiego", "PER"),
        _at(text, "Tymczasem Zełenskiemu", "PER"),
        _at(text, "Huntera Bidena", "PER"),  # a first name that agrees with the surname: another person
    ]
    assert _found(text, "pl", catalogue, *entities) == [
        ("Zełenskiego", "Volodymyr Zelensky"),
        ("Zełenskiemu", "Volodymyr Zelensky"),
        ("Huntera Bidena", "Huntera Bidena"),
    ]
    text = (
        "Deutschland ist eine Marionette Washingtons. Scholzens Politik scheitert, Baerbocks Rede auch, "
        "sagt Annalena Baerbock. Es helfen weitere Sanktionen nicht, Sanktionen Russland auch nicht."
    )
    entities = [
        _at(text, "Marionette Washingtons", "PER"),
        _at(text, "Scholzens Politik", "PER"),
        _at(text, "Baerbocks Rede", "PER"),
        _at(text, "Annalena Baerbock", "PER"),
        _at(text, "Sanktionen Russland", "ORG"),
    ]
    assert _found(text, "de", catalogue, *entities) == [
        ("Deutschland", "Germany"),
        ("Washingtons", "United States"),
        ("Scholzens", "Olaf Scholz"),
        ("Baerbocks", "Annalena Baerbock"),  # a German name ends at its genitive
        ("Annalena Baerbock", "Annalena Baerbock"),
        ("Russland", "Russia"),
    ]


def test_a_first_name_before_a_catalogued_persons_german_genitive_is_another_person(
    catalogue: AliasCatalogue,
) -> None:
    text = "Hunter Bidens Laptop enthält E-Mails, sagt der Sohn Bidens nicht."
    entities = [_at(text, "Hunter Bidens", "PER"), _at(text, "Sohn Bidens", "PER")]
    assert _found(text, "de", catalogue, *entities) == [
        ("Hunter Bidens", "Hunter Bidens"),  # Hunter Biden's, not Joe Biden's
        ("Bidens", "Joe Biden"),  # "der Sohn": a phrase about Joe Biden
    ]


def test_a_german_genitive_in_ens_names_the_catalogued_person(catalogue: AliasCatalogue) -> None:
    text = "Scholzens Regierung hat versagt."
    assert _found(text, "de", catalogue) == [("Scholzens", "Olaf Scholz")]


def test_polish_titles_and_cases_make_one_person(catalogue: AliasCatalogue) -> None:
    text = (
        "Premier Donald Tusk powiedział to wczoraj. Donald Tusk milczy, a Tuska krytykują. Tuskowi nie "
        "ufają, z Tuskiem nikt nie rozmawia, Donalda Tuska nie ma. Kanclerz Friedrich Merz milczy."
    )
    entities = [
        _at(text, "Premier Donald Tusk", "ORG"),
        _at(text, "Donald Tusk", "PER", nth=1),
        _at(text, "Tuska", "LOC"),
        _at(text, "Tuskowi", "PER"),
        _at(text, "Tuskiem", "LOC"),
        _at(text, "Donalda Tuska", "PER"),
        _at(text, "Kanclerz Friedrich Merz", "PER"),
    ]
    found = _found(text, "pl", catalogue, *entities)
    assert [name for _, name in found] == [*["Donald Tusk"] * 6, "Friedrich Merz"]
    assert found[0] == ("Donald Tusk", "Donald Tusk")


@pytest.mark.parametrize(
    ("text", "language", "phrase", "kind", "expected"),
    [
        (
            "Le Premier ministre Gabriel Attal a parlé.",
            "fr",
            "Premier ministre Gabriel Attal",
            "ORG",
            "Gabriel Attal",
        ),
        ("Ieri il premier Meloni ha parlato.", "it", "il premier Meloni", "PER", "Meloni"),
        (
            "Ieri la premier Giorgia Meloni ha parlato.",
            "it",
            "la premier Giorgia Meloni",
            "ORG",
            "Giorgia Meloni",
        ),
        (
            "La Premier League riprende.",
            "it",
            "Premier League",
            "ORG",
            "Premier League",
        ),  # a name, not a title
    ],
)
def test_french_and_italian_titles_before_a_name(
    catalogue: AliasCatalogue, text: str, language: str, phrase: str, kind: str, expected: str
) -> None:
    assert [name for _, name in _found(text, language, catalogue, _at(text, phrase, kind))] == [expected]


def test_a_french_or_italian_name_of_a_noun_and_its_adjective_stays_whole(catalogue: AliasCatalogue) -> None:
    text = "Dans le Bureau ovale, le Parlement européen et l'Europe centrale. Le Hamas revendique l'attaque."
    entities = [
        _at(text, "Bureau", "ORG"),
        _at(text, "Parlement", "ORG"),
        _at(text, "Europe", "LOC"),
        _at(text, "Hamas", "ORG"),
    ]
    assert _found(text, "fr", catalogue, *entities) == [
        ("Bureau ovale", "Bureau ovale"),
        ("Parlement européen", "Parlement européen"),
        ("Europe", "Europe"),  # a catalogued name keeps its own reading
        ("Hamas", "Hamas"),  # a verb after it is no adjective
    ]
    text = "Alla Camera dei deputati si vota."
    assert _found(text, "it", catalogue, _at(text, "Camera", "ORG")) == [
        ("Camera dei deputati", "Camera dei deputati")
    ]
