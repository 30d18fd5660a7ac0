"""CheckThat! 2024 Task 1 files: input reading, runs, scoring, and the CLI commands."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from propwatch.claims.checkworthy import (
    CheckworthyPrediction,
    f1_of_yes,
    predict_checkworthy,
    read_checkworthy_input,
    read_checkworthy_labels,
    score_checkworthy,
    write_checkworthy_run,
)
from propwatch.claims.model import CheckWorthinessModel
from propwatch.cli.claims import register_predict, register_score, register_train
from propwatch.errors import EmptyInputError, MalformedRecordError

GOLD = (
    "Sentence_id\tText\tclass_label\n"
    "1\tWe cut taxes by 20 percent for 4 million families in 2012.\tYes\n"
    "2\tThank you, it is good to be here tonight.\tNo\n"
    '3\tUnemployment "fell" to 4.5 percent last year.\tYes\n'
    "4\tWhat do you want to tell the voters?\tNo\n"
)


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_reads_the_english_shape_with_stray_quotes(tmp_path: Path) -> None:
    items = read_checkworthy_input(_write(tmp_path, "in.tsv", GOLD))
    assert [i.item_id for i in items] == ["1", "2", "3", "4"]
    assert items[2].text == 'Unemployment "fell" to 4.5 percent last year.'
    assert [i.label for i in items] == [True, False, True, False]


def test_reads_the_tweet_shape_without_labels(tmp_path: Path) -> None:
    text = "tweet_id\ttweet_url\ttweet_text\n55\thttp://x/55\tKabinet steunt ondernemers met 3 miljard\n"
    items = read_checkworthy_input(_write(tmp_path, "nl.tsv", text))
    assert items[0].item_id == "55" and items[0].text.startswith("Kabinet") and items[0].label is None


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("1\tNo header here\tYes\n", "line 1: expected a header row"),
        (
            "Sentence_id\tText\tclass_label\n1\tOnly two\n",
            "line 2: expected 3 tab-separated columns, found 2",
        ),
        ("Sentence_id\tText\tclass_label\n1\tA\tYes\n1\tB\tNo\n", "line 3: id 1 is listed twice"),
        ("Sentence_id\tText\tclass_label\n1\tA\tyes\n", "line 2: class_label 'yes' is neither"),
        ("Sentence_id\tText\tclass_label\n\t A\tNo\n", "line 2: the id is empty"),
    ],
)
def test_malformed_input_names_file_and_line(tmp_path: Path, text: str, message: str) -> None:
    path = _write(tmp_path, "bad.tsv", text)
    with pytest.raises(MalformedRecordError, match=message) as caught:
        read_checkworthy_input(path)
    assert str(path) in str(caught.value)


def test_a_lone_carriage_return_inside_a_text_reads_as_a_space(tmp_path: Path) -> None:
    """A tweet holding "First line\\rsecond line" had split its row ("expected 3 … columns, found 1")."""
    path = tmp_path / "cr.tsv"
    rows = [
        "tweet_id\ttweet_text\tclass_label",
        "1\tFirst line\rsecond line\tYes",
        "2\tPlain\tNo",
        "3\tA\tyes",
    ]
    path.write_bytes("\r\n".join(rows).encode())
    with pytest.raises(MalformedRecordError, match="line 4: class_label 'yes'"):
        read_checkworthy_input(path)  # the rows keep their numbers
    path.write_bytes(("\r\n".join(rows[:3]) + "\r\n").encode())
    items = read_checkworthy_input(path)
    assert [(i.item_id, i.text, i.label) for i in items] == [
        ("1", "First line second line", True),
        ("2", "Plain", False),
    ]


def test_a_file_of_old_mac_line_ends_reads_row_by_row(tmp_path: Path) -> None:
    path = tmp_path / "mac.tsv"
    path.write_bytes(b"tweet_id\ttweet_text\tclass_label\r1\tFirst\tYes\r2\tSecond\tNo\r")
    items = read_checkworthy_input(path)
    assert [(i.item_id, i.text, i.label) for i in items] == [("1", "First", True), ("2", "Second", False)]


def test_header_only_is_empty(tmp_path: Path) -> None:
    with pytest.raises(EmptyInputError):
        read_checkworthy_input(_write(tmp_path, "empty.tsv", "Sentence_id\tText\n"))


def test_run_format_is_the_official_one() -> None:
    stream = io.StringIO()
    write_checkworthy_run(
        stream, [CheckworthyPrediction("7", True, 0.9), CheckworthyPrediction("8", False, 0.1)], "r1"
    )
    assert stream.getvalue() == "id\tclass_label\trun_id\n7\tYes\tr1\n8\tNo\tr1\n"
    with pytest.raises(MalformedRecordError, match="run id"):
        write_checkworthy_run(io.StringIO(), [], "bad id")


def test_score_is_f1_of_yes(tmp_path: Path) -> None:
    gold = _write(tmp_path, "gold.tsv", GOLD)
    # Predicted Yes: 1 (right), 2 (wrong); missed 3.  P = 1/2, R = 1/2, F1 = 1/2.
    run = _write(tmp_path, "run.tsv", "id\tclass_label\trun_id\n1\tYes\tr\n2\tYes\tr\n3\tNo\tr\n4\tNo\tr\n")
    scores = score_checkworthy(gold, run)
    assert (scores.precision, scores.recall, scores.f1) == (0.5, 0.5, 0.5)
    headerless = _write(tmp_path, "plain.tsv", "4\tNo\n3\tYes\n2\tNo\n1\tYes\n")
    assert score_checkworthy(gold, headerless).f1 == 1.0
    assert read_checkworthy_labels(headerless) == {"1": True, "2": False, "3": True, "4": False}


def test_score_refuses_runs_that_do_not_cover_the_gold(tmp_path: Path) -> None:
    gold = _write(tmp_path, "gold.tsv", GOLD)
    run = _write(tmp_path, "run.tsv", "id\tclass_label\trun_id\n1\tYes\tr\n2\tNo\tr\n3\tNo\tr\n9\tNo\tr\n")
    with pytest.raises(
        MalformedRecordError, match=r"1 gold ids have no prediction.*1 predicted ids are not in the gold"
    ):
        score_checkworthy(gold, run)


def test_f1_without_positives_is_zero() -> None:
    assert f1_of_yes("t", [False, False], [False, False]).f1 == 0.0


def test_predict_with_a_trained_model(tiny_model: CheckWorthinessModel, tmp_path: Path) -> None:
    items = read_checkworthy_input(_write(tmp_path, "in.tsv", GOLD))
    predictions = predict_checkworthy(items, tiny_model, language="en")
    assert [p.item_id for p in predictions] == ["1", "2", "3", "4"]
    assert [p.label for p in predictions] == [True, False, True, False]
    assert all(0.0 <= p.score <= 1.0 for p in predictions)
    # A threshold above every score says No everywhere.
    assert not any(p.label for p in predict_checkworthy(items, tiny_model, threshold=1.0))


def _cli() -> typer.Typer:
    app = typer.Typer()
    predict, score, train = typer.Typer(), typer.Typer(), typer.Typer()
    register_predict(predict)
    register_score(score)
    register_train(train)
    app.add_typer(predict, name="predict")
    app.add_typer(score, name="score")
    app.add_typer(train, name="train")
    return app


def test_cli_predict_then_score_with_the_shipped_model(tmp_path: Path) -> None:
    gold = _write(tmp_path, "gold.tsv", GOLD)
    run = tmp_path / "run.tsv"
    runner = CliRunner()
    result = runner.invoke(
        _cli(), ["predict", "checkworthy", str(gold), "-o", str(run), "--run-id", "test-1"]
    )
    assert result.exit_code == 0, result.output
    lines = run.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "id\tclass_label\trun_id"
    assert [line.split("\t")[0] for line in lines[1:]] == ["1", "2", "3", "4"]
    assert {line.split("\t")[2] for line in lines[1:]} == {"test-1"}
    result = runner.invoke(_cli(), ["score", "checkworthy", str(gold), str(run)])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("checkthat24-task1: F1=")
    as_json = runner.invoke(_cli(), ["score", "checkworthy", str(gold), str(run), "-f", "json"])
    assert as_json.exit_code == 0 and "f1" in json.loads(as_json.output)  # -f json, as every score command
    # The shipped model gets these easy sentences right.
    assert [line.split("\t")[1] for line in lines[1:]] == ["Yes", "No", "Yes", "No"]


def test_cli_predict_reads_a_language_tag_and_refuses_a_non_language(tmp_path: Path) -> None:
    gold = _write(tmp_path, "gold.tsv", GOLD)
    run = tmp_path / "run.tsv"
    result = CliRunner().invoke(
        _cli(), ["predict", "checkworthy", str(gold), "-o", str(run), "--language", "English"]
    )
    assert result.exit_code != 0 and not run.exists()
    assert "'English' is not an ISO 639-1 language code" in str(result.exception)
    result = CliRunner().invoke(
        _cli(), ["predict", "checkworthy", str(gold), "-o", str(run), "--language", "en-US"]
    )
    assert result.exit_code == 0, result.output
    assert "(language en)" in result.output


def test_cli_train_refuses_a_missing_data_folder(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        _cli(),
        [
            "train",
            "claims",
            "--data",
            str(tmp_path / "none"),
            "--out",
            str(tmp_path / "o"),
            "--checkpoints",
            str(tmp_path),
        ],
    )
    assert result.exit_code == 2  # refused by the option itself, before torch is imported
    assert "Invalid value for '--data'" in result.output


def test_cli_train_refuses_freezing_every_layer(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        _cli(),
        [
            "train",
            "claims",
            "--data",
            str(tmp_path),
            "--out",
            str(tmp_path / "o"),
            "--checkpoints",
            str(tmp_path),
            "--frozen-layers",
            "12",
        ],
    )
    assert result.exit_code != 0
