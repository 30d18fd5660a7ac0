"""``--config`` takes model.json's ``training`` block as it stands (the card's reproduce recipe): what it
records of the run is ignored, unknown keys are still refused, all named at once."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest
from typer.testing import CliRunner

from propwatch.errors import ConfigurationError
from propwatch.models.techniques import shipped_model_folder
from propwatch.training.config import RECORDED_KEYS, TrainConfig


def _shipped_training() -> dict[str, object]:
    document = json.loads((shipped_model_folder() / "model.json").read_text(encoding="utf-8"))
    training: dict[str, object] = document["training"]
    return training


def test_the_shipped_models_training_block_is_a_config(tmp_path: Path) -> None:
    training = _shipped_training()
    assert {"split", "split_fingerprints", "data", "loss", "software"} <= set(training)
    path = tmp_path / "training.json"
    path.write_text(json.dumps(training), encoding="utf-8")
    config = TrainConfig.from_file(path, seed=7)
    settings = {k: v for k, v in training.items() if k in TrainConfig.model_fields}
    assert config == TrainConfig.build("expected", {**settings, "seed": 7})


def test_unknown_keys_are_refused_all_at_once(tmp_path: Path) -> None:
    path = tmp_path / "training.json"
    path.write_text(json.dumps({**_shipped_training(), "epochs": 3, "lr": 1e-4}), encoding="utf-8")
    with pytest.raises(ConfigurationError, match="unknown keys epochs, lr") as raised:
        TrainConfig.from_file(path)
    assert raised.value.input_name == str(path)
    with pytest.raises(ConfigurationError, match="unknown keys epochs, split"):
        TrainConfig.build("options", {"split": {}, "epochs": 3})  # recorded keys only pass in a file


def test_the_command_accepts_the_block(tmp_path: Path) -> None:
    pytest.importorskip("torch")
    from propwatch.cli import app

    config = tmp_path / "training.json"
    config.write_text(json.dumps(_shipped_training()), encoding="utf-8")
    a_file = tmp_path / "afile"
    a_file.write_text("x\n", encoding="utf-8")
    arguments = ["--data", str(tmp_path), "--out", str(a_file), "--checkpoints", str(tmp_path / "c")]
    result = CliRunner().invoke(app, ["train", "techniques", *arguments, "--config", str(config)])
    # Past the config: the next check up front is the output folder's.
    assert isinstance(result.exception, ConfigurationError), result.output
    assert "--out is a file" in str(result.exception)


def test_every_key_a_run_records_is_a_setting_or_listed_as_recorded() -> None:
    from propwatch.training.artifact import TrainingRecord, training_section

    config = TrainConfig()
    prepared = SimpleNamespace(splits={}, train=(), windows=(), positive_rates=np.zeros(4))
    record = TrainingRecord(config, prepared, steps=1, losses=[0.5], train_minutes=0.1, finalize_minutes=0.1)
    keys = set(training_section(record))
    assert keys - set(TrainConfig.model_fields) == RECORDED_KEYS
