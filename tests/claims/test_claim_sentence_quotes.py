"""Sentence splitting around quotation marks: German, French and Russian closing marks, attributions, and
"!" or "?" inside a quoted name."""

from __future__ import annotations

import pytest

from propwatch.claims.sentences import split_sentences


def _texts(text: str, language: str | None) -> list[str]:
    sentences = split_sentences(text, language)
    assert all(text[s.start : s.end] == s.text for s in sentences)
    return [s.text for s in sentences]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Sie war laut. Laut und lange.“ Denn für viele Maßnahmen gibt es schlicht keine Evidenz.",
            ["Sie war laut.", "Laut und lange.“", "Denn für viele Maßnahmen gibt es schlicht keine Evidenz."],
        ),
        (
            "Er fragte: „Ob die Ukraine noch existieren wird?“ Niemand weiß es.",
            ["Er fragte: „Ob die Ukraine noch existieren wird?“", "Niemand weiß es."],
        ),
        ("Er sagte: ‚Nein.‘ Dann ging er.", ["Er sagte: ‚Nein.‘", "Dann ging er."]),
        (
            "»Wir hatten ein angespanntes Wochenende.« Notwendig seien Zahlungen.",
            ["»Wir hatten ein angespanntes Wochenende.«", "Notwendig seien Zahlungen."],
        ),
        # an attribution after the closing mark stays
        ("„Das ist falsch.“, sagte er. Dann ging er.", ["„Das ist falsch.“, sagte er.", "Dann ging er."]),
    ],
)
def test_german_closing_quotes_end_the_sentence(text: str, expected: list[str]) -> None:
    """ "Laut und lange.“ Denn…" had been one claim: German closes with “, which was no closing mark."""
    assert _texts(text, "de") == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "He said “Stop.” Then he left. “We will see,” she said.",
            ["He said “Stop.”", "Then he left.", "“We will see,” she said."],
        ),
        ("The word “war” is banned. Nobody says it.", ["The word “war” is banned.", "Nobody says it."]),
        ("It ended. ‘New,’ he said.", ["It ended.", "‘New,’ he said."]),
    ],
)
def test_english_opening_quotes_after_a_space_open_the_next_sentence(text: str, expected: list[str]) -> None:
    assert _texts(text, "en") == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Selon elle, « nous allons tous mourir un jour. » Les grandes chaînes russes en parlent.",
            ["Selon elle, « nous allons tous mourir un jour. »", "Les grandes chaînes russes en parlent."],
        ),
        (
            "« Nous allons tous mourir un jour.\u00a0» Les chaînes en parlent.",
            ["« Nous allons tous mourir un jour.\u00a0»", "Les chaînes en parlent."],
        ),
        (
            "« Nous ne céderons jamais. » a déclaré Hill. La suite.",
            ["« Nous ne céderons jamais. » a déclaré Hill.", "La suite."],
        ),
        (
            "« ET C’EST UNE RAISON SUFFISANTE ! » a-t-elle clamé.",
            ["« ET C’EST UNE RAISON SUFFISANTE ! » a-t-elle clamé."],
        ),
        (
            "« C’est fini. », a-t-il dit. Puis il est parti.",
            ["« C’est fini. », a-t-il dit.", "Puis il est parti."],
        ),
    ],
)
def test_a_french_closing_guillemet_after_a_space_stays_with_its_quote(
    text: str, expected: list[str]
) -> None:
    """ "» Les grandes chaînes…" had opened the next sentence, and "» a déclaré Hill." had lost its quote."""
    assert _texts(text, "fr") == expected


@pytest.mark.parametrize(
    ("text", "language", "expected"),
    [
        ("«Мы победим!» — заявил он. Потом ушёл.", "ru", ["«Мы победим!» — заявил он.", "Потом ушёл."]),
        ("«Мы победим!» — Он ушёл.", "ru", ["«Мы победим!»", "— Он ушёл."]),
        ("„Wygrało życie!” – napisał poseł. Koniec.", "pl", ["„Wygrało życie!” – napisał poseł.", "Koniec."]),
        ("“It is over.” said Hill. Next.", "en", ["“It is over.” said Hill.", "Next."]),
    ],
)
def test_an_attribution_in_lower_case_after_a_dash_stays_with_its_quote(
    text: str, language: str, expected: list[str]
) -> None:
    """ "— заявил он." had been cut off and dropped as too short, so the quote lost its speaker."""
    assert _texts(text, language) == expected


def test_a_closing_mark_written_for_an_opening_one_is_left_alone() -> None:
    # ” after a space opens here (nothing is open), so it is not taken into the sentence before
    text = "“It blew up,” said Kamren Hernandez. ” It was nothing anymore.”"
    assert _texts(text, "en") == ["“It blew up,” said Kamren Hernandez.", "” It was nothing anymore.”"]


@pytest.mark.parametrize(
    ("text", "language", "expected"),
    [
        (
            'Он привел в пример проект "Жить! Войне и смерти вопреки" благотворительной организации. Всё.',
            "ru",
            [
                'Он привел в пример проект "Жить! Войне и смерти вопреки" благотворительной организации.',
                "Всё.",
            ],
        ),
        (
            "Проект «Жить! Войне вопреки» получил 5 млн рублей.",
            "ru",
            ["Проект «Жить! Войне вопреки» получил 5 млн рублей."],
        ),
        (
            "Das Portal meldete: „Wetter in NRW: Achtung! Tropenhitze im Anmarsch“. Es blieb kühl.",
            "de",
            ["Das Portal meldete: „Wetter in NRW: Achtung! Tropenhitze im Anmarsch“.", "Es blieb kühl."],
        ),
        (
            "“Stop! Come back!” he shouted. Then he left.",
            "en",
            ["“Stop! Come back!” he shouted.", "Then he left."],
        ),
    ],
)
def test_an_exclamation_or_question_inside_a_short_quotation_ends_no_sentence(
    text: str, language: str, expected: list[str]
) -> None:
    """ "Войне и смерти вопреки" благотворительной…" had become a claim with no subject."""
    assert _texts(text, language) == expected


@pytest.mark.parametrize(
    ("text", "language", "expected"),
    [
        # the quotation opened long before the "?": a speech, cut as before
        (
            "«Удалось ли русским захватить Киев и президента Украины Владимира Зеленского "
            "за две недели или никогда? Ответ выглядит как «никогда».",
            "ru",
            [
                "«Удалось ли русским захватить Киев и президента Украины Владимира Зеленского "
                "за две недели или никогда?",
                "Ответ выглядит как «никогда».",
            ],
        ),
        # the mark within reach closes a quotation opened after the "?", not the one around it
        ("Он спросил «Зачем? Он сказал «нет».", "ru", ["Он спросил «Зачем?", "Он сказал «нет»."]),
        # no closing mark on the line
        (
            'He said "Stop! Then it went on.\nNext line "here".',
            "en",
            ['He said "Stop!', "Then it went on.", 'Next line "here".'],
        ),
        ('"Is it true?" He asked.', "en", ['"Is it true?"', "He asked."]),
    ],
)
def test_a_quotation_that_is_long_or_closes_elsewhere_is_cut_as_before(
    text: str, language: str, expected: list[str]
) -> None:
    assert _texts(text, language) == expected


@pytest.mark.parametrize(
    ("text", "language", "expected"),
    [
        (
            "Er rief: »Wir kämpfen weiter!« Was meint er damit? »Das weiß niemand«, sagte ein Sprecher.",
            "de",
            [
                "Er rief: »Wir kämpfen weiter!«",
                "Was meint er damit?",
                "»Das weiß niemand«, sagte ein Sprecher.",
            ],
        ),
        (
            "»Vi giver ikke op!« Det sagde ministeren. »Aldrig!« Så gik hun.",
            "da",
            ["»Vi giver ikke op!«", "Det sagde ministeren.", "»Aldrig!«", "Så gik hun."],
        ),
        (
            "He shouted »Stop!« Then he left. Why? Nobody knows.",
            "en",
            ["He shouted »Stop!«", "Then he left.", "Why?", "Nobody knows."],
        ),
        # a question inside a short »…« quotation ends no sentence
        ("Er fragte: »Warum?« und ging.", "de", ["Er fragte: »Warum?« und ging."]),
        (
            "Das Buch »Warum? Darum« wurde ein Erfolg. Ja.",
            "de",
            ["Das Buch »Warum? Darum« wurde ein Erfolg.", "Ja."],
        ),
        # „…“ on the same line still closes with “
        (
            "„Das ist falsch!“ Die Regierung widerspricht. Wer hat recht? „Niemand“, sagt er.",
            "de",
            ["„Das ist falsch!“", "Die Regierung widerspricht.", "Wer hat recht?", "„Niemand“, sagt er."],
        ),
    ],
)
def test_a_closing_guillemet_of_german_quotes_opens_no_quotation(
    text: str, language: str, expected: list[str]
) -> None:
    """In »…« the closing « had opened a quotation that the next » closed, so the "?" between them ended
    no sentence and "Was meint er damit?" was glued to the quote after it."""
    assert _texts(text, language) == expected
