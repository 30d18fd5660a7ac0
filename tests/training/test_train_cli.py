"""``propwatch train techniques`` as a user runs it: options reach the config, bad configs are refused."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import Result
from typer.testing import CliRunner

from propwatch.errors import ConfigurationError, DecodingError, InputNotFoundError
from propwatch.training.config import TrainConfig


def _run(*args: str) -> Result:
    from propwatch.cli import app

    return CliRunner().invoke(app, ["train", "techniques", *args], env={"COLUMNS": "200", "NO_COLOR": "1"})


def test_help_lists_the_options() -> None:
    result = _run("--help")
    assert result.exit_code == 0, result.output
    for option in ("--data", "--out", "--checkpoints", "--max-steps", "--resume", "--seed", "--config"):
        assert option in result.output


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
    assert isinstance(result.exception, ConfigurationError)
    assert "epochs" in str(result.exception)
    assert not (tmp_path / "c").exists()


def test_a_config_that_is_not_utf8_or_is_a_folder_is_a_clear_error(tmp_path: Path) -> None:
    binary = tmp_path / "config.json"
    binary.write_bytes(b"\xff\xfe{}")
    with pytest.raises(DecodingError, match="not UTF-8"):
        TrainConfig.from_file(binary)
    with pytest.raises(InputNotFoundError, match="is a folder"):
        TrainConfig.from_file(tmp_path)


def test_config_file_values_and_overrides(tmp_path: Path) -> None:
    path = tmp_path / "train.json"
    path.write_text(json.dumps({"learning_rate": 1e-4, "max_steps": 7, "seed": 1}), encoding="utf-8")
    config = TrainConfig.from_file(path, max_steps=9, seed=None)
    assert (config.learning_rate, config.max_steps, config.seed) == (1e-4, 9, 1)
    assert TrainConfig.model_validate_json(config.model_dump_json()) == config
    with pytest.raises(ConfigurationError, match="stride_tokens"):
        TrainConfig.build("options", {"window_tokens": 16, "stride_tokens": 15})


@pytest.mark.parametrize("command", ["techniques", "ptc-si-tagger", "ner-tagger"])
def test_a_device_that_is_not_there_is_refused_before_training(tmp_path: Path, command: str) -> None:
    pytest.importorskip("torch")
    from propwatch.cli import app

    places = {"techniques": ["--out", str(tmp_path / "o")], "ner-tagger": ["--out", str(tmp_path / "o")]}
    result = CliRunner().invoke(
        app,
        [
            "train",
            command,
            "--data",
            str(tmp_path),
            "--checkpoints",
            str(tmp_path / "c"),
            *places.get(command, []),
            "--device",
            "meta",
        ],
        env={"COLUMNS": "200", "NO_COLOR": "1"},
    )
    assert isinstance(result.exception, ConfigurationError), result.output
    assert "cpu or cuda" in str(result.exception)
    assert not (tmp_path / "c").exists() and not (tmp_path / "o").exists()
