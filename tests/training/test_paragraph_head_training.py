"""``train_paragraph_head``: a per-paragraph head chosen out of fold, kept only when it beats the spans."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("sklearn")

import propwatch.training.paragraph_head as training
from propwatch.errors import InputNotFoundError
from propwatch.models.techniques import TechniqueModel
from propwatch.settings import Settings
from propwatch.training.paragraph_head import train_paragraph_head
from technique_corpus_fixture import EN_ARTICLES, FR_ARTICLES, write_fake_data
from technique_fixture import write_planted_model

LABELS = tuple(
    sorted({t for arts in (EN_ARTICLES, FR_ARTICLES) for _, spans in arts.values() for t, _ in spans})
)


def _model(tmp_path: Path, data: Path, settings: Settings) -> Path:
    articles = [*EN_ARTICLES.values(), *FR_ARTICLES.values()]
    return write_planted_model(tmp_path / "model", settings.data_dir / "cache", data, LABELS, articles)


def test_head_is_chosen_out_of_fold_compared_and_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(training, "MIN_POSITIVES", 1)  # the fixture has a handful of paragraphs
    data = write_fake_data(tmp_path / "data")
    settings = Settings(data_dir=tmp_path / "propwatch")
    folder = _model(tmp_path, data, settings)
    before = json.loads((folder / "model.json").read_text(encoding="utf-8"))
    lines: list[str] = []
    result = train_paragraph_head(folder, data, TechniqueModel.load(folder, settings), lines.append)
    assert result.c in training.C_GRID and result.threshold in training.THRESHOLD_GRID
    assert result.train_paragraphs > 0 and set(result.cross_validation) == {"en", "fr"}
    # Each language's own threshold comes from the same grid, out of fold, and never scores below
    # the global one there (the global threshold is among its candidates).
    assert set(result.language_thresholds) == {"en", "fr"}
    assert set(result.language_thresholds.values()) <= set(training.THRESHOLD_GRID)
    assert all(result.cross_validation_own[c] >= result.cross_validation[c] for c in ("en", "fr"))
    assert set(result.validation_global) == set(result.validation_head)
    assert set(result.validation_head) == set(result.validation_spans)
    assert result.kept == (result.mean(result.validation_head) > result.mean(result.validation_spans))
    after = json.loads((folder / "model.json").read_text(encoding="utf-8"))
    key = "paragraph_head" if result.kept else "paragraph_head_training"
    written = after[key]["training"] if result.kept else after[key]
    assert written["C"] == result.c and written["validation_micro_f1"]["head"] == result.validation_head
    assert written["language_thresholds"] == result.language_thresholds
    assert {k: v for k, v in after.items() if not k.startswith("paragraph_head")} == before
    card = (folder / "MODEL_CARD.md").read_text(encoding="utf-8")
    assert card.count("## Paragraph head (subtask 3)") == 1 and "## Limits" in card
    assert any("validation subtask-3 micro-F1" in line for line in lines)
    # The model loads with what was written and labels paragraphs either way; a rerun keeps one section.
    model = TechniqueModel.load(folder, settings)
    assert (model.card.paragraph_head is not None) == result.kept
    if model.card.paragraph_head is not None:
        assert model.card.paragraph_head.language_thresholds == result.language_thresholds
    text = EN_ARTICLES["111"][0]
    assert set(model.paragraph_techniques([text], ["en"])[0]) <= {1, 3, 4}
    train_paragraph_head(folder, data, model)
    assert (folder / "MODEL_CARD.md").read_text(encoding="utf-8").count("## Paragraph head") == 1


def test_a_head_that_loses_is_not_kept(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(training, "MIN_POSITIVES", 10**6)  # no technique trained: the head finds nothing
    data = write_fake_data(tmp_path / "data")
    settings = Settings(data_dir=tmp_path / "propwatch")
    folder = _model(tmp_path, data, settings)
    result = train_paragraph_head(folder, data, TechniqueModel.load(folder, settings))
    assert all(value == 0.0 for value in result.validation_head.values())
    if any(result.validation_spans.values()):
        assert not result.kept
        after = json.loads((folder / "model.json").read_text(encoding="utf-8"))
        assert "paragraph_head" not in after and "paragraph_head_training" in after


def test_missing_data_is_a_clear_error(tmp_path: Path) -> None:
    data = write_fake_data(tmp_path / "data")
    shutil.rmtree(data / "semeval2023_task3")
    settings = Settings(data_dir=tmp_path / "propwatch")
    folder = _model(tmp_path, write_fake_data(tmp_path / "other"), settings)
    with pytest.raises(InputNotFoundError, match="semeval2023_task3"):
        train_paragraph_head(folder, data, TechniqueModel.load(folder, settings))


def test_a_model_with_a_head_labels_paragraphs_by_it(tmp_path: Path) -> None:
    import numpy as np

    from propwatch.models.paragraph_head import WIDTH, ParagraphHead

    settings = Settings(data_dir=tmp_path / "propwatch")
    folder = _model(tmp_path, write_fake_data(tmp_path / "data"), settings)
    model = TechniqueModel.load(folder, settings)
    text = EN_ARTICLES["111"][0]
    by_spans = model.paragraph_techniques([text], ["en"])[0]
    assert by_spans  # the fixture model finds its planted spans
    given = {t for names in by_spans.values() for t in names}
    missing = next(label for label in LABELS if label not in given)  # a technique the spans do not give
    bias = np.full(len(LABELS), -30.0)
    bias[LABELS.index(missing)] = 30.0
    head = ParagraphHead(LABELS, np.zeros((len(LABELS), WIDTH)), bias, 0.5)
    document = json.loads((folder / "model.json").read_text(encoding="utf-8"))
    document["paragraph_head"] = head.to_json()
    (folder / "model.json").write_text(json.dumps(document), encoding="utf-8")
    found = TechniqueModel.load(folder, settings).paragraph_techniques([text], ["en"])[0]
    assert found == {number: (missing,) for number in (1, 3, 4)}


def _paragraphs(gold: list[tuple[str, ...]], articles: list[str]) -> training._Paragraphs:
    n = len(gold)
    return training._Paragraphs(
        np.zeros((n, 1, training.WIDTH)),
        np.array([[bool(g)] for g in gold]),
        tuple(gold),
        tuple(() for _ in gold),
        tuple((a, i) for i, a in enumerate(articles)),
        tuple("ru" for _ in gold),
    )


def test_a_language_keeps_its_own_threshold_only_when_resampled_articles_confirm_it() -> None:
    labels = ("Doubt",)
    # Ten articles, two paragraphs each: every positive paragraph scores 0.35 and every negative 0.28,
    # so 0.30 is right everywhere and 0.25 flags every negative: the own threshold wins every resample.
    gold = [("Doubt",), ()] * 10
    articles = [f"a{i // 2}" for i in range(20)]
    data = _paragraphs(gold, articles)
    clear = np.array([[0.35], [0.28]] * 10)
    assert training._bootstrap_wins(data, clear, labels, "ru", 0.30, 0.25) == 1.0
    # One article out of ten decides the difference: a resample without it is a tie, not a win.
    narrow = np.array([[0.35], [0.20]] * 9 + [[0.35], [0.28]])
    wins = training._bootstrap_wins(data, narrow, labels, "ru", 0.30, 0.25)
    assert 0.5 < wins < training.BOOTSTRAP_CONFIDENCE
    # Identical decisions never win.
    assert training._bootstrap_wins(data, clear, labels, "ru", 0.25, 0.25) == 0.0


def test_a_language_the_model_serves_missing_from_the_data_is_refused(tmp_path: Path) -> None:
    # With only some language folders the head was retrained on those and replaced the six-language one.
    data = write_fake_data(tmp_path / "data")
    settings = Settings(data_dir=tmp_path / "propwatch")
    folder = _model(tmp_path, data, settings)
    card = json.loads((folder / "model.json").read_text(encoding="utf-8"))
    card["training"]["languages"] = ["en", "fr", "ge"]
    (folder / "model.json").write_text(json.dumps(card), encoding="utf-8")
    before = (folder / "model.json").read_bytes()
    with pytest.raises(InputNotFoundError, match="has no folder for ge"):
        train_paragraph_head(folder, data, TechniqueModel.load(folder, settings))
    assert (folder / "model.json").read_bytes() == before
