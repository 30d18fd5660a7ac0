"""Sentence splitting: boundaries and exact offsets."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from propwatch.claims.sentences import split_sentences
from propwatch.ingest.plaintext import parse_plain_text
from propwatch.settings import Settings

SAMPLE = Path(__file__).parents[2] / "examples" / "rossa-primavera-2022-02-03-opinion.txt"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Mr. Smith went to Washington. He said U.S. troops left on Feb. 3. The rate was 3.5 percent!",
            [
                "Mr. Smith went to Washington.",
                "He said U.S. troops left on Feb. 3.",
                "The rate was 3.5 percent!",
            ],
        ),
        (
            "J. R. Doe spoke on 03.02.2022 in Moscow. Then he left.",
            ["J. R. Doe spoke on 03.02.2022 in Moscow.", "Then he left."],
        ),
        ('"Is it true?" he asked. "Yes." It was.', ['"Is it true?" he asked.', '"Yes."', "It was."]),
        (
            "Он сказал: «Нет». Затем т. е. ушёл. США вышли из договора.",
            ["Он сказал: «Нет».", "Затем т. е. ушёл.", "США вышли из договора."],
        ),
        (
            "A heading without a stop\n\nThe body starts here. See example.com for more",
            ["A heading without a stop", "The body starts here.", "See example.com for more"],
        ),
        ("The line\nwraps in the middle. Next one.", ["The line\nwraps in the middle.", "Next one."]),
        ("هل هذا صحيح؟ نعم، هذا صحيح.", ["هل هذا صحيح؟", "نعم، هذا صحيح."]),
        ("", []),
        ("   \n\n  ", []),
    ],
)
def test_boundaries(text: str, expected: list[str]) -> None:
    assert [s.text for s in split_sentences(text)] == expected


@pytest.mark.parametrize(
    ("text", "language", "expected"),
    [
        (
            "Acme will build two new plants in the U.S. The company said it would cost $40 billion.",
            "en",
            ["Acme will build two new plants in the U.S.", "The company said it would cost $40 billion."],
        ),
        (
            "The notice was issued at 4 p.m. Its shares dropped 9% in New York.",
            "en",
            ["The notice was issued at 4 p.m.", "Its shares dropped 9% in New York."],
        ),
        ("It was sold to Acme Inc. The deal closed.", None, ["It was sold to Acme Inc.", "The deal closed."]),
        (
            "Die Zahl stieg auf 2,8 Mio. Die Regierung schwieg.",
            "de",
            ["Die Zahl stieg auf 2,8 Mio.", "Die Regierung schwieg."],
        ),
        # A title's name may be a function word; an acronym before a name goes on; initials stay.
        ("Mr. Will Smith said so. Dr. May agreed.", "en", ["Mr. Will Smith said so.", "Dr. May agreed."]),
        (
            "The U.S. Army and the U.K. Foreign Office agreed.",
            "en",
            ["The U.S. Army and the U.K. Foreign Office agreed."],
        ),
        ("А. И. Солженицын писал об этом.", "ru", ["А. И. Солженицын писал об этом."]),
        # A name that starts with a function word, after an abbreviation that does not end sentences.
        ("Media, e.g. The Guardian, said so.", "en", ["Media, e.g. The Guardian, said so."]),
        ("Mieszkańcy ul. Na Skarpie protestowali.", "pl", ["Mieszkańcy ul. Na Skarpie protestowali."]),
        ("Parteien, u.a. Die Linke, stimmten zu.", "de", ["Parteien, u.a. Die Linke, stimmten zu."]),
        ("Voir cf. Le Monde d'hier.", "fr", ["Voir cf. Le Monde d'hier."]),
        # Any other abbreviation ends a sentence before a capitalised function word.
        ("Начались в 2022 г. Он заявил.", "ru", ["Начались в 2022 г.", "Он заявил."]),
        ("Сообщили США и др. Они требуют.", "ru", ["Сообщили США и др.", "Они требуют."]),
        ("Shown by Smith et al. The study is new.", "en", ["Shown by Smith et al.", "The study is new."]),
        ("She holds a Ph.D. He does not.", "en", ["She holds a Ph.D.", "He does not."]),
    ],
)
def test_an_abbreviation_ends_a_sentence_when_a_capitalised_function_word_follows(
    text: str, language: str | None, expected: list[str]
) -> None:
    """Two sentences had become one check-worthy claim after "U.S.", "p.m." or "Inc."."""
    assert [s.text for s in split_sentences(text, language)] == expected


def test_offsets_point_into_the_text_exactly() -> None:
    text = "  First one.  Second — with “quotes.”\r\n\r\nThird?! Yes…   "
    sentences = split_sentences(text)
    assert [s.text for s in sentences] == ["First one.", "Second — with “quotes.”", "Third?!", "Yes…"]
    for sentence in sentences:
        assert text[sentence.start : sentence.end] == sentence.text
        assert sentence.text == sentence.text.strip()


def test_sample_article_sentences() -> None:
    article = parse_plain_text(SAMPLE.read_text(encoding="utf-8"), Settings(detect_language=False))
    sentences = split_sentences(article.text)
    texts = [s.text for s in sentences]
    assert len(texts) == 14
    assert texts[0] == "The US and NATO need such agreements that drive Russia into a corner"  # the headline
    assert texts[3].startswith("In their responses, the US and NATO refused to discuss with Russia")
    assert texts[3].endswith("redeployment of NATO troops to Russia’s borders.")
    assert texts[11].startswith("Calls for so-called de-escalation") and texts[11].endswith(
        "this de-escalation."
    )
    for sentence in sentences:
        assert article.text[sentence.start : sentence.end] == sentence.text


@pytest.mark.parametrize(
    ("text", "language", "expected"),
    [
        (
            "Der Krieg begann am 24. Februar 2022 mit einem Angriff. Das ist z. B. falsch. "
            "Die NATO schweigt.",
            "de",
            [
                "Der Krieg begann am 24. Februar 2022 mit einem Angriff.",
                "Das ist z. B. falsch.",
                "Die NATO schweigt.",
            ],
        ),
        (
            "Tzw. eksperci mówią, m.in. w TVN. To koniec.",
            "pl",
            ["Tzw. eksperci mówią, m.in. w TVN.", "To koniec."],
        ),
        ("Il sig. Rossi cita l'art. 4. Fine.", "it", ["Il sig. Rossi cita l'art. 4.", "Fine."]),
        (
            "The museum of modern art. The war went on.",
            "en",
            ["The museum of modern art.", "The war went on."],
        ),
        ("\u200bLa guerra è finita. Sì.", "it", ["La guerra è finita.", "Sì."]),
        (
            "W 2014 r. Rosja zajęła Krym. Zapłacono 5 zł. Potem koniec, itd. Nowy wątek.",
            "pl",
            ["W 2014 r. Rosja zajęła Krym.", "Zapłacono 5 zł.", "Potem koniec, itd.", "Nowy wątek."],
        ),
        (
            "Seit der Mitte des 20. Jahrhunderts gilt Art. 5 zum 3. Mal für 100 Mio. Euro. Es stieg auf 20. "
            "Dann fiel es.",
            "de",
            [
                "Seit der Mitte des 20. Jahrhunderts gilt Art. 5 zum 3. Mal für 100 Mio. Euro.",
                "Es stieg auf 20.",
                "Dann fiel es.",
            ],
        ),
        (
            "Он сослался на ст. 5 договора, на газ, нефть и т.д. Лавров отметил это. "
            "Ущерб 5 млрд. руб. Много.",
            "ru",
            [
                "Он сослался на ст. 5 договора, на газ, нефть и т.д.",
                "Лавров отметил это.",
                "Ущерб 5 млрд. руб.",
                "Много.",
            ],
        ),
        ("Voir p. 12 du rapport. La suite.", "fr", ["Voir p. 12 du rapport.", "La suite."]),
    ],
)
def test_the_articles_language_keeps_its_abbreviations_and_dates_inside_sentences(
    text: str, language: str, expected: list[str]
) -> None:
    sentences = split_sentences(text, language)
    assert [s.text for s in sentences] == expected
    assert all(text[s.start : s.end] == s.text for s in sentences)


def test_a_year_s_r_reads_only_the_number_before_it(monkeypatch: pytest.MonkeyPatch) -> None:
    # "w 2014 r." is read back to its number: each "r." had searched all the text before it
    from propwatch.claims import sentences as module

    read: list[int] = []
    pattern = module._NUMBER_BEFORE

    class Reading:
        def search(self, text: str, pos: int = 0, endpos: int | None = None) -> re.Match[str] | None:
            end = len(text) if endpos is None else endpos
            read.append(end - pos)
            return pattern.search(text, pos, end)

    monkeypatch.setattr(module, "_NUMBER_BEFORE", Reading())
    text = "W 2014 r. rząd przyjął ustawę, a w 2015 r. Sejm ją zmienił. " * 200
    found = [s.text for s in split_sentences(text, "pl")]
    assert found == ["W 2014 r. rząd przyjął ustawę, a w 2015 r. Sejm ją zmienił."] * 200
    assert len(read) == 400 and max(read) <= len(" 2015 ")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Polska przekazała Ukrainie 44 czołgi w 2023 r. Rosja wystrzeliła w tym czasie 3 tys. rakiet.",
            [
                "Polska przekazała Ukrainie 44 czołgi w 2023 r.",
                "Rosja wystrzeliła w tym czasie 3 tys. rakiet.",
            ],
        ),
        (
            "W 2023 r. Polska przekazała Ukrainie 44 czołgi.",
            ["W 2023 r. Polska przekazała Ukrainie 44 czołgi."],
        ),
        ("Od 24 lutego 2022 r. Rosja prowadzi wojnę.", ["Od 24 lutego 2022 r. Rosja prowadzi wojnę."]),
        (
            "W ub. r. Polska przekazała Ukrainie czołgi. Rosja milczała.",
            ["W ub. r. Polska przekazała Ukrainie czołgi.", "Rosja milczała."],
        ),
        (
            "Polska przekazała czołgi w ub. r. Rosja milczała.",
            ["Polska przekazała czołgi w ub. r.", "Rosja milczała."],
        ),
        ("Mimo ofensywy – 19 kwietnia br. – Rosja stoi.", ["Mimo ofensywy – 19 kwietnia br. – Rosja stoi."]),
        # A name of several words after the year goes on; a function word opens the next sentence.
        (
            "Zmiany przyszły po opublikowaniu w 1957 r. Raportu Wolfendena. Od 2014 r. Rosja okupuje Krym.",
            [
                "Zmiany przyszły po opublikowaniu w 1957 r. Raportu Wolfendena.",
                "Od 2014 r. Rosja okupuje Krym.",
            ],
        ),
        ("To myślenie z 1992 r. I niestety popularne.", ["To myślenie z 1992 r.", "I niestety popularne."]),
    ],
)
def test_a_polish_year_ends_a_sentence_unless_its_phrase_opens_one(text: str, expected: list[str]) -> None:
    """ "…czołgi w 2023 r. Rosja wystrzeliła…" had been one claim; "W ub. r." had been left outside its."""
    sentences = split_sentences(text, "pl")
    assert [s.text for s in sentences] == expected
    assert all(text[s.start : s.end] == s.text for s in sentences)


@pytest.mark.parametrize(
    "text",
    [
        "Die Bundesregierung hat u. a. Luftabwehrsysteme und Munition geliefert.",
        "Das ist teuer, d. h. Milliarden fließen ab.",
        "Geliefert wurden z. T. Panzer, u. U. Haubitzen, v. a. Munition.",
        "Wie gesagt, s. o. Kapitel drei.",
        "Das ist z. B. falsch, siehe Nr. 1 vom 3. Februar.",
    ],
)
def test_german_abbreviations_written_with_a_space_end_no_sentence(text: str) -> None:
    """ "Die Bundesregierung hat u. a." had been cut off its sentence."""
    assert [s.text for s in split_sentences(text, "de")] == [text]


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Rozmowy były trudne, bo rzecznik por. Anna Michalska milczała.", "pl"),
        ("Tak wynika z raportu (zob. „Komentarze IEŚ”, nr 556).", "pl"),
        ("«Им (лидерам ЕС – прим. Baltnews) это не нравится».", "ru"),
    ],
)
def test_the_abbreviations_the_narratives_splitter_knew_are_known_here_too(text: str, language: str) -> None:
    """One table for both splitters: "por.", "zob.", "прим." had ended claims here only."""
    assert [s.text for s in split_sentences(text, language)] == [text]


@pytest.mark.parametrize(
    "text",
    [
        "Po aneksji Krymu w 2014 r. Rosja rozpoczęła wojnę w Donbasie.",
        "Po wybuchu wojny w 2022 r. Polska przyjęła miliony uchodźców z Ukrainy.",
        "Według danych GUS w 2023 r. Polacy wydali więcej na żywność niż rok wcześniej.",
        "Podczas szczytu NATO w Wilnie w 2023 r. Zełenski skrytykował sojuszników.",
        "Dopiero po aneksji Krymu w 2014 r. Berlin rozpoczął modernizację sprzętu.",
        "Natomiast po decyzji Sejmu z ub. r. Kreml gromadzi wojska.",
    ],
)
def test_a_polish_year_inside_an_opening_adverbial_phrase_ends_no_sentence(text: str) -> None:
    """ "Po aneksji Krymu w 2014 r." had been cut off "Rosja rozpoczęła wojnę": it has no verb of its own."""
    assert [s.text for s in split_sentences(text, "pl")] == [text]


@pytest.mark.parametrize(
    ("text", "cut"),
    [
        ("Na Ukrainie trwa wojna od 2014 r. Rosja okupuje Krym.", "Na Ukrainie trwa wojna od 2014 r."),
        (
            "W Brukseli podpisano umowę w 2014 r. Rosja jej nie przestrzega.",
            "W Brukseli podpisano umowę w 2014 r.",
        ),
        (
            "Po wyborach rząd kieruje się do Brukseli od 2015 r. Polska czeka.",
            "Po wyborach rząd kieruje się do Brukseli od 2015 r.",
        ),
        (
            "W Polsce przyjęli uchodźców w 2022 r. Polacy z całego kraju.",
            "W Polsce przyjęli uchodźców w 2022 r.",
        ),
    ],
)
def test_a_polish_year_after_the_sentence_s_verb_ends_it(text: str, cut: str) -> None:
    """An opening preposition keeps no sentence going once its verb has come ("trwa", "podpisano")."""
    assert [s.text for s in split_sentences(text, "pl")] == [cut, text[len(cut) + 1 :]]
