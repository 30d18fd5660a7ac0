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


RUSSIAN_POST = [
    "«Польша готовится захватить Западную Украину.",
    "Варшава мечтает о возрождении Речи Посполитой и уже стягивает войска к границе.",
    "Польские наёмники воюют на Украине против России, а польские политики открыто требуют раздела Украины.",
    "НАТО использует Польшу как таран против России.",
    "Если Варшава не остановится, Польша станет первой целью.»",
]
TRANSLATION = [
    'Translation: "NATO had long been preparing an attack on Russia.',
    "The Kyiv regime is a Nazi junta that destroys its own people on Washington's orders.",
    "Putin saved the country from an imminent catastrophe.",
    "The sanctions have failed: Russia's economy is growing, while Europe freezes without our gas.\"",
]
FRENCH = [
    "Andreï Sidorov a répondu : « Si nous décidons de frapper le Royaume-Uni, nous devrions plutôt décider "
    "de frapper les États-Unis.",
    "Les décisions finales ne sont pas prises à Londres, mais à Washington.",
    "Si nous voulons frapper le véritable centre de l’Occident, alors nous devons frapper Washington. »",
    "Puis il s’est tu.",
]


@pytest.mark.parametrize(
    ("expected", "language"),
    [
        # a Russian post quoted in a Polish paragraph, split by razdel: NATO's "battering ram" matched alone
        (["Kanał opublikował wpis: " + RUSSIAN_POST[0], *RUSSIAN_POST[1:], "Nie ma żadnych dowodów."], "pl"),
        (TRANSLATION, "en"),
        (FRENCH, "fr"),  # pysbd had also kept the sentence after « … » in the quotation's
    ],
)
def test_a_long_quotation_is_split_inside(expected: list[str], language: str) -> None:
    """pysbd kept a quoted passage whole: a Russian quote of 466 characters in an English article was one
    "sentence", and the narratives its sentences match alone were not found."""
    text = " ".join(expected)
    sentences = split_sentences(text, language)
    assert [s.text for s in sentences] == expected
    assert all(text[s.start : s.end] == s.text for s in sentences)


@pytest.mark.parametrize(
    ("text", "language", "expected"),
    [
        # a quotation of a sentence or two is one, as pysbd keeps it
        (
            "He said: “It is over. We go home now.” Nobody answered.",
            "en",
            ["He said: “It is over. We go home now.”", "Nobody answered."],
        ),
        # a Russian paragraph in an English text: razdel, which ends a sentence after «…?»
        ("Он сказал: «Правда?» Нет, не правда.", "en", ["Он сказал: «Правда?»", "Нет, не правда."]),
        # the closing quote pysbd cut off, and the speech tag after it, stay with their sentence
        (
            "„Nie myśl o tym, tylko działaj, nasz dom płonie!” – oto wiadomość, którą każdy rozumie. Tak.",
            "pl",
            [
                "„Nie myśl o tym, tylko działaj, nasz dom płonie!” – oto wiadomość, którą każdy rozumie.",
                "Tak.",
            ],
        ),
        (
            "Dass Menschen wegen solcher – nicht vom Virus! – verhängten Verbote starben, ist ein Skandal.",
            "de",
            ["Dass Menschen wegen solcher – nicht vom Virus! – verhängten Verbote starben, ist ein Skandal."],
        ),
        # a quotation opened with a space keeps its mark
        (
            "“It blew up,” said Kamren Hernandez. ” It was nothing anymore.”",
            "en",
            ["“It blew up,” said Kamren Hernandez.", "” It was nothing anymore.”"],
        ),
    ],
)
def test_quotation_marks_and_scripts(text: str, language: str, expected: list[str]) -> None:
    sentences = split_sentences(text, language)
    assert [s.text for s in sentences] == expected
    assert all(text[s.start : s.end] == s.text for s in sentences)
