"""The summary's caution for targets in a language no named-entity tagger reads (es, pt, nl, uk…): they come
from the alias catalogue alone, so people and organisations it does not list are missed."""

from __future__ import annotations

import pytest

from propwatch.domain import Analysis, Article
from propwatch.summary import summarize

TEXT = " ".join(["La OTAN provoca a Rusia y luego se hace la víctima, dijo el columnista."] * 10)


def _cautions(language: str, analyzers: dict[str, str]) -> list[str]:
    """The cautions about targets (a Latin text read as 'uk' carries a mixed-script one too)."""
    analysis = Analysis(article=Article(text=TEXT, language=language), analyzers=analyzers)
    return [caution for caution in summarize(analysis).cautions if "target" in caution]


@pytest.mark.parametrize("language", ["es", "pt", "nl", "uk", "ar"])
def test_targets_without_a_tagger_carry_a_caution(language: str) -> None:
    [caution] = _cautions(language, {"targets": "1"})
    assert f"'{language}'" in caution and "alias catalogue only" in caution and "missed" in caution


@pytest.mark.parametrize("language", ["en", "ru", "de", "pl", "fr", "it"])
def test_targets_with_a_tagger_carry_none(language: str) -> None:
    assert _cautions(language, {"targets": "1"}) == []


def test_no_caution_when_the_target_extractor_did_not_run() -> None:
    assert _cautions("es", {"claims": "1"}) == []
