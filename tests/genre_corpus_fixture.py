"""A small synthetic SemEval-2023 subtask-1/2 folder and a keyword encoder for genre/frames training and
evaluation tests (written for the tests)."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from genre_frames_fixture import persuasion_rows
from propwatch.framing.representation import DIM, FloatMatrix
from propwatch.training.genre_frames import GenreFramesConfig, GenreFramesReport, train_genre_frames

# Each genre and frame has a word the fake encoder turns into one vector dimension.
GENRE_WORDS = {"opinion": "believe", "reporting": "reported", "satire": "hilarious"}
FRAME_WORDS = {"Security_and_defense": "army", "Political": "parliament", "Economic": "prices"}


def count_words(text: str) -> int:
    return len(text.split()) + 3


def keyword_encoder(texts: Sequence[str]) -> FloatMatrix:
    words = [*GENRE_WORDS.values(), *FRAME_WORDS.values()]
    out = np.zeros((len(texts), DIM), dtype=np.float32)
    for row, text in enumerate(texts):
        seed = int.from_bytes(hashlib.sha256(text.encode()).digest()[:4], "big")
        out[row] = np.random.default_rng(seed).normal(scale=0.1, size=DIM)
        for column, word in enumerate(words):
            out[row, column] += 3.0 * text.count(word)
    return out


def _article(number: int) -> tuple[str, str, tuple[str, ...]]:
    genre = ("opinion", "opinion", "reporting", "satire")[number % 4]
    frames = tuple(f for j, f in enumerate(FRAME_WORDS) if (number >> j) % 2) or ("Economic",)
    words = [GENRE_WORDS[genre], *(FRAME_WORDS[f] for f in frames)]
    text = f"Headline {number}\n\nIn article {number} we {' and '.join(words)}.\r\nMore text here.\n"
    return text, genre, frames


def write_corpus(root: Path, codes: Sequence[str] = ("en", "ru"), count: int = 48) -> Path:
    for code in codes:
        base = root / "semeval2023_task3" / code
        for subtask in (1, 2, 3):
            (base / f"train-articles-subtask-{subtask}").mkdir(parents=True)
        genres, frames = [], []
        for number in range(count):
            article_id = f"{7 if code == 'en' else 3}{number:04d}"
            text, genre, frame_list = _article(number)
            folders = [2, 3] if number < count - 6 else [1]  # the last six: subtask 1 only
            for subtask in folders:
                path = base / f"train-articles-subtask-{subtask}" / f"article{article_id}.txt"
                path.write_text(text, encoding="utf-8", newline="")
            genres.append(f"{article_id}\t{genre}\n")
            if 2 in folders:
                frames.append(f"{article_id}\t{','.join(frame_list)}\n")
        (base / "train-labels-subtask-1.txt").write_text("".join(genres), encoding="utf-8")
        (base / "train-labels-subtask-2.txt").write_text("".join(frames), encoding="utf-8")
    return root


CONFIG = GenreFramesConfig(folds=2, c_grid=(1.0,), min_positives_for_threshold=4)


def fake_persuasion(texts: Sequence[str], languages: Sequence[str | None]) -> np.ndarray:
    """Opinion pieces ("believe") have a tenth of their tokens inside a technique, the others none."""
    return persuasion_rows([0.1 if "believe" in text else 0.0 for text in texts])


def train_synthetic(root: Path, out: Path) -> GenreFramesReport:
    """A genre/frames model trained on ``write_corpus(root)`` with the keyword encoder (seconds)."""
    return train_genre_frames(
        root,
        out,
        config=CONFIG,
        encode=keyword_encoder,
        count=count_words,
        read_persuasion=fake_persuasion,
        technique_version="fake-1",
    )
