"""An empty NER training file (a download cut short) is named, not an IndexError."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from propwatch.errors import EmptyInputError
from propwatch.training.ner import heldout_split, read_training_file


def test_train_ner_names_the_empty_file(tmp_path: Path) -> None:
    from propwatch.cli import app

    empty = tmp_path / "data" / "wikiann" / "de" / "train.conllu"
    empty.parent.mkdir(parents=True)
    empty.write_text("", encoding="utf-8")
    result = CliRunner().invoke(
        app,
        ["train", "ner", "--data", str(tmp_path / "data"), "--out", str(tmp_path / "o"), "--language", "de"],
    )
    assert isinstance(result.exception, EmptyInputError), result.output
    assert result.exception.input_name == str(empty)
    assert "holds no sentences" in str(result.exception)


def test_blank_lines_alone_are_no_sentences_and_the_split_of_nothing_is_empty(tmp_path: Path) -> None:
    blank = tmp_path / "train.conllu"
    blank.write_text("\n\n#DOCSTART\n\n", encoding="utf-8")
    with pytest.raises(EmptyInputError, match="holds no sentences"):
        read_training_file(blank)
    assert heldout_split([], 0.1, 13) == ([], [])


def test_the_e5_tagger_names_an_empty_source_too(tmp_path: Path) -> None:
    pytest.importorskip("torch")
    from propwatch.training.ner_tagger import read_sources

    data = tmp_path / "data"
    for file in ("en", "de", "pl", "ru"):
        path = data / "wikiann" / file / "train.conllu"
        path.parent.mkdir(parents=True)
        path.write_text("0\tBerlin\tB-LOC\n\n", encoding="utf-8")
    for language in ("pl", "ru"):
        path = data / "bsnlp" / language / "ec.conllu"
        path.parent.mkdir(parents=True)
        path.write_text("", encoding="utf-8")
    with pytest.raises(EmptyInputError) as raised:
        read_sources(data, 13)
    assert raised.value.input_name == str(data / "bsnlp" / "pl" / "ec.conllu")
