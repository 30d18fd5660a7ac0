"""``propwatch evaluate genre-frames``: a genre/frames model on its validation split through the analyzers'
path scores what its training report says, and writes label files that ``compare`` reads."""

from __future__ import annotations

from pathlib import Path

from rich.console import Console

from genre_corpus_fixture import count_words, fake_persuasion, keyword_encoder, train_synthetic, write_corpus
from propwatch.cli.tasks import _confusion_table, _label_table
from propwatch.evaluation.comparison import compare_files
from propwatch.evaluation.genre_frames_model import FILES, evaluate_genre_frames_model
from propwatch.evaluation.semeval23_articles import read_genre_labels
from propwatch.framing.model import GenreFramesModel
from propwatch.framing.representation import ArticleEncoder
from propwatch.settings import Settings


def test_the_analyzers_path_scores_what_training_reported(tmp_path: Path) -> None:
    root = write_corpus(tmp_path / "data")
    report = train_synthetic(root, tmp_path / "model")
    model = GenreFramesModel.load(tmp_path / "model")
    lines: list[str] = []
    result = evaluate_genre_frames_model(
        model,
        root,
        Settings(data_dir=tmp_path / "pw"),
        ArticleEncoder(keyword_encoder, count_words),
        read_persuasion=fake_persuasion,
        write_to=tmp_path / "labels",
        progress=lines.append,
    )
    for code in ("en", "ru", "all"):
        assert result.genre_macro_f1[code] == report.validation[code]["genre_macro_f1"]
        assert result.genre_articles[code] == report.validation[code]["genre_n"]
        assert result.frames_micro_f1[code] == report.validation[code]["frames_micro_f1"]
    assert result.genre_articles["all"] == 14 and 0 <= result.genre_right["all"] <= 14
    assert result.version == model.version != "?"
    # The confusion table holds every article once; its diagonal is the articles right.
    for code, rows in result.genre_confusion.items():
        assert sum(sum(row.values()) for row in rows.values()) == result.genre_articles[code]
        assert sum(row.get(gold, 0) for gold, row in rows.items()) == result.genre_right[code]
    assert set(result.genre_confusion) == {"en", "ru", "all"}
    assert lines and lines[0].startswith("st1: 14 validation articles")
    assert sorted(p.name for p in (tmp_path / "labels").iterdir()) == sorted(FILES)
    frames_gold = [
        line.split("\t")[1].strip().split(",")
        for line in (tmp_path / "labels" / "st2-gold.txt").read_text(encoding="utf-8").splitlines()
    ]
    assert sum(int(row["gold"]) for row in result.frames_per_frame.values()) == sum(
        len([f for f in frames if f]) for frames in frames_gold
    )
    table = Console(width=120, record=True)
    table.print(_confusion_table(result.genre_confusion))
    table.print(_label_table("Frames per frame", result.frames_per_frame))
    text = table.export_text()
    assert "gold (rows) against predicted (columns)" in text and "Frames per frame" in text
    gold = read_genre_labels(tmp_path / "labels" / "st1-gold.txt")
    assert len(gold) == 14 and all(r.article_id.split(":")[0] in ("en", "ru") for r in gold)
    same = compare_files(
        "semeval23-st1",
        tmp_path / "labels" / "st1-gold.txt",
        tmp_path / "labels" / "st1-pred.txt",
        tmp_path / "labels" / "st1-pred.txt",
        resamples=20,
    )
    assert same.a == result.genre_macro_f1["all"] and same.difference == 0.0
