"""``propwatch train techniques`` as a user runs it: options reach the config, bad configs are refused."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from propwatch.errors import ConfigurationError
from propwatch.training.config import TrainConfig


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PROPWATCH_")}
    env.update(COLUMNS="200", NO_COLOR="1", TERM="dumb")
    return subprocess.run(
        [sys.executable, "-m", "propwatch", "train", "techniques", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )


def test_help_lists_the_options() -> None:
    result = _run("--help")
    assert result.returncode == 0, result.stderr
    for option in ("--data", "--out", "--checkpoints", "--max-steps", "--resume", "--seed", "--config"):
        assert option in result.stdout


def test_a_config_file_with_an_unknown_field_is_refused_before_training(tmp_path: Path) -> None:
    config = tmp_path / "train.json"
    config.write_text(json.dumps({"learning_rate": 1e-4, "epochs": 3}), encoding="utf-8")
    result = _run(
        "--data",
        str(tmp_path),
        "--out",
        str(tmp_path / "o"),
        "--checkpoints",
        str(tmp_path / "c"),
        "--config",
        str(config),
    )
    assert result.returncode != 0
    assert "epochs" in result.stderr
    assert not (tmp_path / "c").exists()


def test_config_file_values_and_overrides(tmp_path: Path) -> None:
    path = tmp_path / "train.json"
    path.write_text(json.dumps({"learning_rate": 1e-4, "max_steps": 7, "seed": 1}), encoding="utf-8")
    config = TrainConfig.from_file(path, max_steps=9, seed=None)
    assert (config.learning_rate, config.max_steps, config.seed) == (1e-4, 9, 1)
    assert TrainConfig.model_validate_json(config.model_dump_json()) == config
    with pytest.raises(ConfigurationError, match="stride_tokens"):
        TrainConfig.build("options", {"window_tokens": 16, "stride_tokens": 15})
