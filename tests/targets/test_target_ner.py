"""The shipped CRF NER models (German, Polish, the French/Italian fallback) and missing-model errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from propwatch.errors import AnalyzerError
from propwatch.targets.crf import tokenize
from propwatch.targets.ner import CRF_MODELS, NerBackends, missing, shipped_model_dir

# Written for this test: news-like sentences with one person and one place or company each.
SENTENCES = {
    "de": (
        "Der Manager Thomas Müller sprach gestern in Frankfurt mit Journalisten.",
        "Thomas Müller",
        "Frankfurt",
    ),
    "pl": (
        "Prezes Jan Kowalski z firmy Orlen spotkał się w Gdańsku z dziennikarzami.",
        "Jan Kowalski",
        "Gdańsku",
    ),
    "fr": ("Le ministre Jean Dupont a rencontré hier les dirigeants de Renault.", "Jean Dupont", "Renault"),
    "it": ("Il ministro Mario Rossi ha incontrato ieri a Napoli i dirigenti.", "Mario Rossi", "Napoli"),
}


@pytest.fixture(scope="module")
def backends() -> NerBackends:
    return NerBackends()


def test_shipped_models_are_small_and_present() -> None:
    for model in set(CRF_MODELS.values()):
        path = shipped_model_dir() / f"{model}.crfsuite"
        assert path.is_file() and path.stat().st_size < 4_000_000
    assert missing(CRF_MODELS) == []


@pytest.mark.parametrize("language", sorted(SENTENCES))
def test_crf_models_find_people_and_places(backends: NerBackends, language: str) -> None:
    text, person, other = SENTENCES[language]
    backend = backends.get(language)
    assert backend is not None
    found = {text[m.start : m.end]: m.type for m in backend.entities(text)}
    assert found.get(person) == "PER"
    assert other in found


def test_french_and_italian_share_the_fallback(backends: NerBackends) -> None:
    assert backends.get("fr") is backends.get("it")
    assert backends.get("es") is None and backends.get(None) is None


def test_missing_model_is_an_analyzer_error_naming_the_file(tmp_path: Path) -> None:
    assert any("pl.crfsuite" in line for line in missing(["pl", "xx-unknown"], tmp_path))
    with pytest.raises(
        AnalyzerError, match=r"analyzer 'targets': the de NER model .*de\.crfsuite is missing"
    ):
        NerBackends(tmp_path).get("de")


def test_tokens_keep_offsets() -> None:
    text = "d'Alema, Kyiv-based: 3"
    tokens = tokenize(text)
    assert [t.text for t in tokens] == ["d'Alema", ",", "Kyiv-based", ":", "3"]
    assert all(text[t.start : t.end] == t.text for t in tokens)
