"""The shipped NER back-ends (CRF models for German and Polish and the Latin-script fallback, the e5 tagger
for the languages it serves) and missing-model errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from propwatch.errors import AnalyzerError
from propwatch.settings import Settings
from propwatch.targets.aliases import load_aliases
from propwatch.targets.crf import tokenize
from propwatch.targets.extraction import extract_mentions
from propwatch.targets.ner import (
    CRF_MODELS,
    CrfBackend,
    E5Backend,
    NerBackends,
    e5_languages,
    missing,
    shipped_model_dir,
)

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
def test_crf_models_find_people_and_places(language: str) -> None:
    text, person, other = SENTENCES[language]
    backend = CrfBackend(shipped_model_dir() / f"{CRF_MODELS[language]}.crfsuite")
    found = {text[m.start : m.end]: m.type for m in backend.entities(text)}
    assert found.get(person) == "PER"
    assert other in found


@pytest.mark.parametrize("language", sorted(SENTENCES))
def test_each_language_finds_people_and_places_with_its_back_end(
    backends: NerBackends, language: str
) -> None:
    text, person, other = SENTENCES[language]
    backend = backends.get(language)
    assert backend is not None
    mentions = extract_mentions(text, language, load_aliases(Settings()), backend)
    found = {text[m.start : m.end]: m.type for m in mentions}
    assert found.get(person) == "PER"  # "ministre Jean Dupont" from the e5 tagger is Jean Dupont
    assert other in found


def test_french_and_italian_share_one_back_end(backends: NerBackends) -> None:
    assert backends.get("fr") is backends.get("it")
    assert isinstance(backends.get("fr"), E5Backend) == ({"fr", "it"} <= e5_languages())
    assert not isinstance(backends.get("de"), E5Backend) and not isinstance(backends.get("pl"), E5Backend)
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


def test_russian_names_do_not_run_across_a_line_break(backends: NerBackends) -> None:
    text = "Письмо Зеленскому\r\nКолумнистка Мария Иванова пишет, что Владимир Зеленский молчит."
    backend = backends.get("ru")
    assert backend is not None
    assert all("\n" not in text[m.start : m.end] for m in backend.entities(text))
