"""Quality gate: the shipped genre/frames model on its held-out English validation articles.

Embeds the English validation articles from scratch (no cache) with the real e5 engine, about
53 articles of at most two 256-token chunks each, and runs the shipped technique model over them for
the genre signals: about 1.5 CPU-minutes (3 minutes of wall clock on 2 busy cores), hence ``slow``.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from propwatch.framing.model import GenreFramesModel, shipped_model_path
from propwatch.framing.representation import REPRESENTATION, ArticleEncoder
from propwatch.framing.signals import TechniquePersuasionReader, signal_matrix
from propwatch.settings import Settings
from propwatch.training.genre_frames import evaluate, read_labelled_articles, split_articles

DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data"
# The English split of the shipped model (seed 13, 15 %); a new split means retraining and re-pinning.
SPLIT_FINGERPRINT_EN = "7509dca630a4cf38"
VALIDATION_ARTICLES_EN = 53
# Pinned a little under what the shipped model measured here (float drift across platforms).
# Genre: version 3 measured 0.5435, version 4 (signals from technique model 2026.12.8) 0.5583, 45 of 53
# right, version 5 (signals from 2026.12.11) the same 0.5583, 45 of 53 right (49 opinion, 4 reporting);
# one article moves it by about 0.1, and the int8 technique graph's
# kernels differ between CPUs, so the floor sits one article under it.
FLOOR_GENRE_MACRO_F1 = 0.44
FLOOR_FRAMES_MICRO_F1 = 0.615  # measured 0.6355


@pytest.mark.slow
@pytest.mark.timeout(600)  # 1.5 CPU-minutes, over 3 minutes of wall clock on 2 shared cores
@pytest.mark.skipif(
    not (DATA / "semeval2023_task3" / "en").is_dir(), reason="the corpora (../shared/data) are not here"
)
def test_shipped_genre_frames_model_stays_above_its_floors() -> None:
    model = GenreFramesModel.load(shipped_model_path(), representation=REPRESENTATION)
    articles = read_labelled_articles(DATA, codes=("en",))
    split = split_articles(DATA, articles, seed=model.seed)["en"]
    assert split.fingerprint() == SPLIT_FINGERPRINT_EN, "the split changed: retrain or re-pin the gate"
    assert model.meta["split"]["fingerprints"]["en"] == SPLIT_FINGERPRINT_EN
    held = [a for a in articles if a.article_id in set(split.validation)]
    assert len(held) == VALIDATION_ARTICLES_EN
    started = time.monotonic()
    vectors = ArticleEncoder().vectors([(None, a.text) for a in held])
    texts, languages = [a.text for a in held], [a.language for a in held]
    signals = signal_matrix(texts, languages, TechniquePersuasionReader(Settings())(texts, languages))
    figures = evaluate(model, held, vectors, signals)["en"]
    genre, articles = figures["genre_macro_f1"], int(figures["genre_n"])
    print(
        f"en validation: genre macro-F1 {genre:.4f} ({articles} articles), "
        f"frames micro-F1 {figures['frames_micro_f1']:.4f} ({int(figures['frames_n'])} articles), "
        f"embedded in {time.monotonic() - started:.0f} s"
    )
    assert figures["genre_macro_f1"] >= FLOOR_GENRE_MACRO_F1
    assert figures["frames_micro_f1"] >= FLOOR_FRAMES_MICRO_F1
