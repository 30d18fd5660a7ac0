"""Function-word-only spans: grammar in six languages, never the words that carry persuasion."""

from __future__ import annotations

import pytest

from propwatch.models.function_words import (
    EVIDENCE_WORDS,
    function_words,
    function_words_only,
    without_trailing_function_words,
)


@pytest.mark.parametrize(
    ("text", "language", "only"),
    [
        ("It is", "en", True),
        ("of the", "en", True),
        ("will", "en", True),
        ("never", "en", False),  # an absolute: the exaggeration itself
        ("so-called", "en", False),
        ("the traitors", "en", False),
        ("einen", "de", True),
        ("niemals", "de", False),
        ("будет", "ru", True),
        ("никогда", "ru", False),
        ("dell", "it", True),
        ("jest", "pl", True),
        ("sera", "fr", True),
        ("jamais", "fr", False),
        ("einen", None, False),  # no language, no list
        ("einen", "es", False),
        ("…", "en", False),  # no word at all
    ],
)
def test_function_words_only(text: str, language: str | None, only: bool) -> None:
    assert function_words_only(text, language) is only


def test_evidence_words_are_never_function_words() -> None:
    for language, words in EVIDENCE_WORDS.items():
        assert not words & function_words(language)
        assert len(function_words(language)) > 200  # spaCy's lists, less the evidence words


@pytest.mark.parametrize(
    ("text", "language", "kept"),
    [
        ("Зеленский и", "ru", "Зеленский"),
        ("Fluch der", "de", "Fluch"),
        ("les migrants et", "fr", "les migrants"),
        ("una fortuna per l'", "it", "una fortuna"),
        ("the war of the", "en", "the war"),
        ("lies, and", "en", "lies"),
        ("against them", "en", "against them"),  # a pronoun ends a phrase
        ("the corrupt elite", "en", "the corrupt elite"),  # leading words stay
        ("Fluch der", "es", "Fluch der"),  # a language without a list: as it is
        ("and the", "en", ""),
    ],
)
def test_trailing_function_words_are_dropped(text: str, language: str, kept: str) -> None:
    assert text[: without_trailing_function_words(text, 0, len(text), language)] == kept


def test_stop_words_are_read_without_importing_spacy() -> None:
    # The first English search of a process imported all of spaCy for one word list (1 s, 250 MB).
    import subprocess
    import sys

    code = (
        "import sys; from propwatch.storage.search import parse_query; parse_query('the sanctions'); "
        "from propwatch.models.function_words import stop_words; assert 'the' in stop_words('en'); "
        "print('spacy' in sys.modules)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True
    )
    assert done.stdout.strip() == "False"
