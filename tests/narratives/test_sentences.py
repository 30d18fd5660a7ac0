from __future__ import annotations

import pytest

from propwatch.narratives.sentences import split_sentences


@pytest.mark.parametrize(
    ("text", "language", "expected"),
    [
        (
            "The U.S. and NATO refused. Mr. Smith left at 3 p.m. on Jan. 5.\n"
            "A headline without a stop\n\nEnd.",
            "en",
            [
                "The U.S. and NATO refused.",
                "Mr. Smith left at 3 p.m. on Jan. 5.",
                "A headline without a stop",
                "End.",
            ],
        ),
        (
            "США и НАТО отказались. Т.е. всё ясно. В 2022 г. всё началось.\n«Правда?» — спросил он.",
            "ru",
            [
                "США и НАТО отказались.",
                "Т.е. всё ясно.",
                "В 2022 г. всё началось.",
                "«Правда?» — спросил он.",
            ],
        ),
        ("He said: “It is over.” Then he left.", "en", ["He said: “It is over.”", "Then he left."]),
        ("Tere. Kuidas läheb?", "et", ["Tere.", "Kuidas läheb?"]),  # no rules for Estonian: English ones
        ("   \n\n", "en", []),
    ],
)
def test_sentences_and_offsets(text: str, language: str, expected: list[str]) -> None:
    sentences = split_sentences(text, language)
    assert [s.text for s in sentences] == expected
    for sentence in sentences:
        assert text[sentence.start : sentence.end] == sentence.text


def test_a_closing_quote_split_off_joins_its_sentence() -> None:
    text = "They want chaos in order to call Russia the aggressor. This makes talks senseless.”"
    sentences = split_sentences(text, "en")
    assert sentences[-1].text == "This makes talks senseless.”"
    assert sentences[-1].end == len(text)


@pytest.mark.parametrize(
    ("text", "language", "expected"),
    [
        (
            "Prof. Nowak powiedział, że wojna trwa. Tzw. eksperci milczą. Dr hab. Kowalski i m.in. prof. "
            "Wiśniewski mówią inaczej. To koniec.",
            "pl",
            [
                "Prof. Nowak powiedział, że wojna trwa.",
                "Tzw. eksperci milczą.",
                "Dr hab. Kowalski i m.in. prof. Wiśniewski mówią inaczej.",
                "To koniec.",
            ],
        ),
        (
            "Laut Dr. Müller ist das z. B. falsch. Die NATO schweigt.",
            "de",
            ["Laut Dr. Müller ist das z. B. falsch.", "Die NATO schweigt."],
        ),
        ("I said no. The talks ended.", "en", ["I said no.", "The talks ended."]),
    ],
)
def test_abbreviations_and_titles_do_not_end_sentences(text: str, language: str, expected: list[str]) -> None:
    sentences = split_sentences(text, language)
    assert [s.text for s in sentences] == expected
    assert all(text[s.start : s.end] == s.text for s in sentences)


@pytest.mark.parametrize(
    ("text", "language", "expected"),
    [
        (
            "Как пишет газета (прим. ВЗГЛЯД), пресловутого «западного выбора». Новое.",
            "ru",
            ["Как пишет газета (прим. ВЗГЛЯД), пресловутого «западного выбора».", "Новое."],
        ),
        ("Lo ha detto l'on. Meloni ieri. Poi basta.", "it", ["Lo ha detto l'on. Meloni ieri.", "Poi basta."]),
    ],
)
def test_an_abbreviation_after_a_bracket_or_an_apostrophe_ends_no_sentence(
    text: str, language: str, expected: list[str]
) -> None:
    sentences = split_sentences(text, language)
    assert [s.text for s in sentences] == expected
    assert all(text[s.start : s.end] == s.text for s in sentences)


@pytest.mark.parametrize(
    ("text", "language", "expected"),
    [
        (
            "Inflacja wynosi 5 proc., ale ceny energii rosną, bo UE zakazała tańszego gazu z Rosji. "
            "Rząd milczy.",
            "pl",
            [
                "Inflacja wynosi 5 proc., ale ceny energii rosną, bo UE zakazała tańszego gazu z Rosji.",
                "Rząd milczy.",
            ],
        ),
        (
            "Rep. Anna Eshoo, D-Calif., said so. Sen. Dick Durbin, D-Ill.; he agreed.",
            "en",
            ["Rep. Anna Eshoo, D-Calif., said so.", "Sen. Dick Durbin, D-Ill.; he agreed."],
        ),
        # The claims' abbreviations, shared: a capitalised function word after a unit still opens a sentence.
        (
            "Das kostet 5 Tsd. Die Regierung schwieg.",
            "de",
            ["Das kostet 5 Tsd.", "Die Regierung schwieg."],
        ),
    ],
)
def test_a_piece_opening_on_a_comma_goes_on_its_sentence(
    text: str, language: str, expected: list[str]
) -> None:
    """Evidence had begun ", ale ceny energii rosną…": pysbd cut after "proc." before the comma."""
    sentences = split_sentences(text, language)
    assert [s.text for s in sentences] == expected
    assert all(text[s.start : s.end] == s.text for s in sentences)
