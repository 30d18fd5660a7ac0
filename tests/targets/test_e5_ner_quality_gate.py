"""Quality gate: the shipped e5 NER tagger on sentences it never learnt from, in the languages it serves.

The first 2,000 sentences of WikiNEuRal fr and it val (CC BY-NC-SA: evaluation only, never learnt from),
read through the inference path (int8 graph, pseudo-articles of 16 lines, MISC as outside). About a
minute on 2 cores; skipped without the corpora.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from propwatch.targets.e5_ner import E5NerTagger
from propwatch.targets.ner import shipped_model_dir
from propwatch.training.ner import drop_misc, read_conll
from propwatch.training.ner_tagger import score_tagger

DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data"
SENTENCES = 2000
# Pinned a little under what the shipped tagger measured (int8 kernels differ between CPUs).
FLOORS = {"fr": 0.57, "it": 0.585}  # measured 0.5872 and 0.6012 (2026-12-03, 4 passes)


@pytest.mark.slow
@pytest.mark.timeout(600)
@pytest.mark.skipif(not (DATA / "wikineural").is_dir(), reason="the corpora (../shared/data) are not here")
def test_shipped_e5_ner_tagger_stays_above_its_floors(tmp_path: Path) -> None:
    tagger = E5NerTagger.load(shipped_model_dir(), threads=2, cache_dir=tmp_path)
    assert set(FLOORS) <= set(tagger.spec.languages)
    for language, floor in FLOORS.items():
        file = DATA / "wikineural" / language / "val.conllu"
        sentences = [drop_misc(s) for document in read_conll(file, SENTENCES) for s in document]
        scores = score_tagger(tagger, sentences)
        print(f"e5 NER, WikiNEuRal {language} (first {len(sentences)} sentences): F1 {scores.f1:.4f}")
        assert scores.f1 >= floor
