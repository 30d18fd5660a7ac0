"""Quality gate: the shipped CRF NER models (German, Polish, the fallback) on their own held-out sentences.

The held-out part is carved from the training files with the recipe's fixed seed (training/ner.py
split_sources): WikiANN de; WikiANN pl and BSNLP pl; WikiANN en, de, pl for the fallback. CRF tagging is
deterministic, so the floors sit just under what training printed (models/ner/metrics.json).
About 20 s on 2 cores; skipped without the corpora.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from propwatch.targets.ner import shipped_model_dir
from propwatch.training.ner import score_crf, split_sources

DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data"
# language: (floor, held-out sentences, hash of their words); measured 0.7855, 0.7991, 0.7198 (2026-12-03)
GATES = {
    "de": (0.775, 2000, "12c846d7e9e1ca8f"),
    "pl": (0.789, 2100, "705e94e388c3b15e"),
    "xx": (0.71, 2100, "7be7d6b285b0e5ef"),
}


def _fingerprint(sentences: list[tuple[list[str], list[str]]]) -> str:
    return hashlib.sha256("\n".join(" ".join(words) for words, _ in sentences).encode()).hexdigest()[:16]


@pytest.mark.parametrize("language", sorted(GATES))
@pytest.mark.skipif(not (DATA / "wikiann").is_dir(), reason="the corpora (../shared/data) are not here")
def test_shipped_crf_ner_model_stays_above_its_floor(language: str) -> None:
    floor, count, fingerprint = GATES[language]
    _, by_source = split_sources(DATA, language)
    heldout = [sentence for part in by_source.values() for sentence in part]
    print(f"CRF NER {language}: {len(heldout)} held-out sentences, words {_fingerprint(heldout)}")
    assert (len(heldout), _fingerprint(heldout)) == (count, fingerprint), "the split changed: re-pin"
    scores = score_crf(shipped_model_dir() / f"{language}.crfsuite", heldout)
    print(f"CRF NER {language}: F1 {scores.f1:.4f}")
    assert scores.f1 >= floor
