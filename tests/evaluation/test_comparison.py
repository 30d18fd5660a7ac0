"""Paired bootstrap of two systems' predictions over articles, with the official scorers."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from propwatch.cli import app
from propwatch.errors import ConfigurationError, MalformedRecordError
from propwatch.evaluation.comparison import compare_files, paired_bootstrap
from propwatch.evaluation.formats import ArticleLabelsRecord, SpanRecord
from propwatch.evaluation.ptc import score_si
from propwatch.evaluation.semeval23_articles import score_st1

GENRES = ["opinion"] * 16 + ["reporting"] * 3 + ["satire"]


def _genres(path: Path, labels: list[str]) -> Path:
    path.write_text("".join(f"{100 + i}\t{label}\n" for i, label in enumerate(labels)), encoding="utf-8")
    return path


def _records(labels: list[str]) -> list[ArticleLabelsRecord]:
    return [ArticleLabelsRecord(str(100 + i), (label,)) for i, label in enumerate(labels)]


def test_the_same_predictions_differ_by_nothing() -> None:
    gold, pred = _records(GENRES), _records(["opinion"] * 20)
    result = paired_bootstrap("semeval23-st1", gold, pred, pred, score_st1, resamples=50)
    assert result.difference == 0.0 and result.low == 0.0 and result.high == 0.0
    assert result.b_at_least_a == 1.0 and result.articles == 20


def test_a_clearly_better_system_is_called_better_and_the_draws_are_seeded() -> None:
    labels = ["opinion"] * 30 + ["reporting"] * 8 + ["satire"] * 2
    gold = _records(labels)
    weak = _records(["opinion"] * 40)
    strong = _records([*labels[:-2], "opinion", "opinion"])  # misses the satire pieces only
    result = paired_bootstrap("semeval23-st1", gold, weak, strong, score_st1, resamples=200, seed=5)
    assert result.a == pytest.approx(score_st1(gold, weak).f1) and result.b > result.a
    assert 0 < result.low <= result.difference <= result.high
    assert "B is better" in result.summary()
    again = paired_bootstrap("semeval23-st1", gold, weak, strong, score_st1, resamples=200, seed=5)
    assert again == result
    reverse = paired_bootstrap("semeval23-st1", gold, strong, weak, score_st1, resamples=200, seed=5)
    assert "A is better" in reverse.summary() and reverse.b_at_least_a < 0.05


def test_an_article_drawn_twice_counts_twice() -> None:
    # One article: every resample is that article n times, which must score as the article itself.
    gold = [SpanRecord("1", 0, 10), SpanRecord("1", 20, 30)]
    a = [SpanRecord("1", 0, 5)]
    b = [SpanRecord("1", 0, 10), SpanRecord("1", 40, 50)]
    result = paired_bootstrap("ptc-si", gold, a, b, score_si, resamples=20)
    assert result.low == pytest.approx(result.difference) == pytest.approx(result.high)


def test_files_and_their_errors(tmp_path: Path) -> None:
    gold = _genres(tmp_path / "gold.txt", GENRES)
    a = _genres(tmp_path / "a.txt", ["opinion"] * 20)
    result = compare_files("semeval23-st1", gold, a, gold, resamples=30)
    assert result.b == 1.0 and result.resamples == 30
    bad = tmp_path / "bad.txt"
    bad.write_text("100\n", encoding="utf-8")
    with pytest.raises(MalformedRecordError, match=r"bad\.txt line 1"):
        compare_files("semeval23-st1", gold, a, bad)
    with pytest.raises(ConfigurationError):
        compare_files("semeval23-st1", gold, a, gold, resamples=0)
    short = _genres(tmp_path / "short.txt", GENRES[:-1])  # PRED_B lacks the last article
    with pytest.raises(MalformedRecordError) as caught:
        compare_files("semeval23-st1", gold, a, short, resamples=30)
    assert str(caught.value).startswith(f"{short}: ") and "\x1f" not in str(caught.value)
    assert "1 gold article(s) missing" in str(caught.value)


def test_compare_command(tmp_path: Path) -> None:
    gold = _genres(tmp_path / "gold.txt", GENRES)
    a = _genres(tmp_path / "a.txt", ["opinion"] * 20)
    result = CliRunner().invoke(
        app, ["compare", "semeval23-st1", str(gold), str(a), str(gold), "--resamples", "40", "-f", "json"]
    )
    assert result.exit_code == 0, result.output
    figures = json.loads(result.stdout)
    assert figures["b"] == 1.0 and figures["resamples"] == 40 and len(figures["interval"]) == 2
    text = CliRunner().invoke(
        app, ["compare", "semeval23-st1", str(gold), str(a), str(a), "--resamples", "5"]
    )
    assert "within what resampling the articles gives" in text.stdout
