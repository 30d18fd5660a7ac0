"""``train_genre_frames`` end to end on a small synthetic SemEval-2023 folder, with a keyword encoder."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pytest

from genre_corpus_fixture import (
    CONFIG,
    count_words,
    keyword_encoder,
    train_synthetic,
    write_corpus,
)
from propwatch.corpora.split import split_by_article
from propwatch.errors import ConfigurationError, InputNotFoundError, MalformedRecordError
from propwatch.framing.model import GenreFramesModel
from propwatch.framing.representation import DIM
from propwatch.framing.signals import SIGNALS, STYLE_SIGNALS
from propwatch.training.genre_frames import (
    GenreFramesConfig,
    read_labelled_articles,
    split_articles,
    train_genre_frames,
)


def test_reads_both_subtasks_merged_by_article(tmp_path: Path) -> None:
    articles = read_labelled_articles(write_corpus(tmp_path), codes=("en",))
    assert len(articles) == 48
    only_genre = [a for a in articles if a.frames is None]
    assert len(only_genre) == 6 and all(a.genre for a in only_genre)
    assert all(a.language == "en" and "\r\n" in a.text for a in articles)


def test_split_keeps_the_technique_model_split_of_subtask_3_articles(tmp_path: Path) -> None:
    root = write_corpus(tmp_path)
    articles = read_labelled_articles(root)
    splits = split_articles(root, articles, seed=13, fraction=0.15)
    assert set(splits) == {"en", "ru"}
    for code, split in splits.items():
        st3 = [p.stem.removeprefix("article") for p in (root / "semeval2023_task3" / code).glob("*-3/*.txt")]
        technique_side = set(split_by_article(st3, seed=13, fraction=0.15).validation)
        assert technique_side <= set(split.validation)
        assert len(split.validation) == len(technique_side) + 1  # one of the six subtask-1-only articles
        assert not set(split.train) & set(split.validation)


def test_training_writes_a_model_that_learns_the_keywords(tmp_path: Path) -> None:
    root = write_corpus(tmp_path / "data")
    report = train_synthetic(root, tmp_path / "model")
    assert set(report.validation) == {"en", "ru", "all"}
    # 42 subtask-3 articles → 6 held out, and 1 of the 6 subtask-1-only articles.
    assert report.validation["en"]["genre_n"] == 7 and report.validation["en"]["frames_n"] == 6
    assert report.validation["all"]["genre_macro_f1"] >= 0.9
    assert report.validation["all"]["frames_micro_f1"] >= 0.9
    assert set(report.choices) >= {"genre_C", "frames_C", "genre_prior_alpha", "frames_language_onehot"}
    assert [k for k in report.cross_validation if k.startswith("C=")] == ["C=1/lang=off", "C=1/lang=on"]
    genre_grid = [k for k in report.cross_validation if k.startswith("genre:")]
    assert genre_grid == [f"genre:C=1/prior={a:g}" for a in CONFIG.genre_prior_grid]
    assert set(report.cross_validation[genre_grid[0]]) >= {"en_macro_f1", "ru_macro_f1", "pooled_macro_f1"}
    model = GenreFramesModel.load(tmp_path / "model")
    assert model.genre_signals == SIGNALS
    assert model.genre_head.weight.shape == (2 * DIM + len(SIGNALS) + len(model.languages), 3)
    cache_file = tmp_path / "model" / "embedding-cache" / "technique-persuasion.jsonl"
    assert len(cache_file.read_text(encoding="utf-8").splitlines()) == 96
    assert model.meta["signals_technique_model"] == "fake-1"
    assert model.seed == 13 and model.meta["split"]["fingerprints"] == report.fingerprints
    assert (tmp_path / "model" / "training_report.json").is_file()
    assert "choices" in report.summary() and "splits: en=" in report.summary()
    # A second run from the cache embeds nothing and gives the same model.
    again = train_genre_frames(
        root,
        tmp_path / "model2",
        cache_dir=tmp_path / "model" / "embedding-cache",
        config=CONFIG,
        encode=lambda texts: pytest.fail("everything is cached"),  # type: ignore[arg-type, return-value]
        count=count_words,
        read_persuasion=lambda texts, languages: pytest.fail("every text is cached"),
        technique_version="fake-1",
    )
    assert again.validation == report.validation
    same = GenreFramesModel.load(tmp_path / "model2")
    assert np.array_equal(same.genre_head.weight, model.genre_head.weight)
    assert same.frame_thresholds == model.frame_thresholds


def test_bad_data_folders(tmp_path: Path) -> None:
    with pytest.raises(InputNotFoundError, match="no SemEval-2023 Task 3 data"):
        read_labelled_articles(tmp_path)
    root = write_corpus(tmp_path / "data", codes=("en",), count=8)
    labels = root / "semeval2023_task3" / "en" / "train-labels-subtask-1.txt"
    labels.write_text(labels.read_text(encoding="utf-8") + "99999\topinion\n", encoding="utf-8")
    with pytest.raises(InputNotFoundError, match="article 99999 is labelled but has no article file"):
        read_labelled_articles(root, codes=("en",))
    labels.write_text("70000\tnews\n", encoding="utf-8")
    with pytest.raises(MalformedRecordError, match="line 1"):
        read_labelled_articles(root, codes=("en",))


def test_signals_can_be_left_out(tmp_path: Path) -> None:
    root = write_corpus(tmp_path / "data", count=24)
    config = GenreFramesConfig(folds=2, c_grid=(1.0,), genre_signals="none", genre_prior_grid=(0.0,))
    report = train_genre_frames(
        root,
        tmp_path / "model",
        config=config,
        encode=keyword_encoder,
        count=count_words,
        read_persuasion=lambda texts, languages: pytest.fail("no signals, no technique model"),
    )
    model = GenreFramesModel.load(tmp_path / "model")
    assert model.genre_signals == () and report.choices["genre_prior_alpha"] == 0.0
    assert model.genre_head.weight.shape[0] == 2 * DIM + len(model.languages)


def test_style_signals_never_run_the_technique_model(tmp_path: Path) -> None:
    root = write_corpus(tmp_path / "data", count=24)
    config = GenreFramesConfig(folds=2, c_grid=(1.0,), genre_signals="style", genre_prior_grid=(0.0,))
    train_genre_frames(
        root,
        tmp_path / "model",
        config=config,
        encode=keyword_encoder,
        count=count_words,
        read_persuasion=lambda texts, languages: pytest.fail("style signals need no technique model"),
    )
    model = GenreFramesModel.load(tmp_path / "model")
    assert model.genre_signals == STYLE_SIGNALS
    assert model.genre_head.weight.shape[0] == 2 * DIM + len(STYLE_SIGNALS) + len(model.languages)
    assert model.meta["signals_technique_model"] is None
    assert not (tmp_path / "model" / "embedding-cache" / "technique-persuasion.jsonl").exists()
    with pytest.raises(ConfigurationError, match="'density' is not one of none, style, all"):
        bad = dataclasses.replace(config, genre_signals="density")
        train_genre_frames(root, tmp_path / "bad", config=bad)
