"""``propwatch predict|score semeval23-st1|st2``: genre and frame files for a folder of article<ID>.txt."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from genre_frames_fixture import KeywordEncoder, persuasion_rows, signal_model, tiny_model, write_tiny_model
from propwatch.cli import app
from propwatch.errors import MalformedRecordError
from propwatch.evaluation.semeval23_articles import read_genre_labels
from propwatch.framing.tasks import predict_article_labels
from propwatch.settings import Settings


@pytest.fixture()
def articles(tmp_path: Path) -> Path:
    folder = tmp_path / "articles"
    folder.mkdir()
    texts = {
        "111": "A mock piece\n\nThe army marched.\r\n",
        "25": "Wire report\n\nThe vote was held.\n",
        "7": "Views\n\nWe think so.\n",
    }
    for article_id, text in texts.items():
        (folder / f"article{article_id}.txt").write_text(text, encoding="utf-8", newline="")
    (folder / "article9.txt").write_bytes(b"\x00\x01binary")
    (folder / "notes.txt").write_text("not an article", encoding="utf-8")
    return folder


def test_genres_and_frames_of_a_folder(articles: Path, tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, detect_language=False)
    genres = predict_article_labels(articles, "genre", tiny_model(), KeywordEncoder(), settings)
    assert [(r.article_id, r.labels) for r in genres.records] == [
        ("7", ("opinion",)),
        ("25", ("reporting",)),
        ("111", ("satire",)),
    ]
    assert genres.articles == 3 and [f.input for f in genres.failures] == [str(articles / "article9.txt")]
    seen: list[tuple[int, int]] = []
    frames = predict_article_labels(
        articles, "frames", tiny_model(), KeywordEncoder(), settings, lambda d, n: seen.append((d, n))
    )
    assert [r.labels for r in frames.records] == [
        ("Public_opinion",),
        ("Political",),
        ("Security_and_defense",),
    ]
    assert seen == [(3, 3)]


def test_genres_with_signals_read_the_persuasion_features(articles: Path, tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, detect_language=False)
    read: list[str] = []

    def persuasion(texts: Sequence[str], languages: Sequence[str | None]) -> np.ndarray:
        read.extend(texts)
        return persuasion_rows([0.5 if "think" in text else 0.0 for text in texts])

    genres = predict_article_labels(
        articles, "genre", signal_model(), KeywordEncoder(), settings, read_persuasion=persuasion
    )
    assert [r.labels for r in genres.records] == [("opinion",), ("reporting",), ("satire",)]
    assert len(read) == 3
    frames = predict_article_labels(
        articles, "frames", signal_model(), KeywordEncoder(), settings, read_persuasion=persuasion
    )
    assert len(frames.records) == 3 and len(read) == 3, "frames need no technique model"


def test_predict_and_score_commands(articles: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in [k for k in os.environ if k.startswith("PROPWATCH_")]:
        monkeypatch.delenv(name)
    monkeypatch.setenv("PROPWATCH_DATA_DIR", str(tmp_path))
    (articles / "article9.txt").unlink()
    model = write_tiny_model(tmp_path / "model")
    runner = CliRunner()
    out1 = tmp_path / "st1.txt"
    first = runner.invoke(
        app, ["predict", "semeval23-st1", str(articles), "-o", str(out1), "--model", str(model)]
    )
    assert first.exit_code == 0, first.output
    assert "Wrote 3 genres for 3 articles" in first.output
    assert [r.article_id for r in read_genre_labels(out1)] == ["7", "25", "111"]
    monkeypatch.chdir(tmp_path)
    piped = runner.invoke(app, ["predict", "semeval23-st1", str(articles), "-o", "-", "--model", str(model)])
    assert piped.exit_code == 0 and not (tmp_path / "-").exists()  # "-" had become a file named "-"
    assert piped.stdout == out1.read_text(encoding="utf-8")
    gold = tmp_path / "gold.txt"
    gold.write_text("7\topinion\n25\treporting\n111\tsatire\n", encoding="utf-8")
    same = runner.invoke(app, ["score", "semeval23-st1", str(gold), str(gold)])
    assert same.exit_code == 0 and "semeval23-st1: F1=1.000000" in same.output
    gold.write_text("7\topinion\n25\tnews\n", encoding="utf-8")
    bad = runner.invoke(app, ["score", "semeval23-st1", str(gold), str(out1)])
    assert isinstance(bad.exception, MalformedRecordError)
    assert str(bad.exception) == f"{gold} line 2: unknown genre 'news' (known: opinion, reporting, satire)"
