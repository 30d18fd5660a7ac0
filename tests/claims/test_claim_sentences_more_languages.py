"""Sentence splitting of Spanish and Portuguese abbreviations ("EE. UU.", "Sr.", "Dra."), after the audit of
languages without models: "EE. UU." had cut a Spanish sentence in two."""

from __future__ import annotations

import pytest

from propwatch.claims.sentences import split_sentences


def _texts(text: str, language: str | None) -> list[str]:
    return [sentence.text for sentence in split_sentences(text, language)]


@pytest.mark.parametrize("language", ["es", "en", None])
def test_ee_uu_ends_no_sentence(language: str | None) -> None:
    # a Spanish quotation in an English text too
    text = "Nadie pregunta por qué EE. UU. tiene 800 bases. Basta mirar un mapa."
    assert _texts(text, language) == [
        "Nadie pregunta por qué EE. UU. tiene 800 bases.",
        "Basta mirar un mapa.",
    ]


def test_ee_uu_at_a_sentence_end_is_followed_by_the_next_sentence() -> None:
    assert _texts("Fue en EE. UU. El resto no.", "es") == ["Fue en EE. UU.", "El resto no."]


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("El Sr. García y la Sra. López lo dicen.", "es"),
        ("La Dra. Pérez y el Lic. Gómez firmaron el acuerdo.", "es"),
        ("O Sr. Silva e a Dra. Costa chegaram ontem.", "pt"),
        ("O Prof. Almeida falou com o Eng. Santos.", "pt"),
    ],
)
def test_titles_before_a_name_end_no_sentence(text: str, language: str) -> None:
    assert _texts(text, language) == [text]
