"""A tiny hand-made genre/frames model and a keyword encoder, so analyzers and commands run in milliseconds.

The fake encoder sets one vector dimension per keyword in the text; the model's weights read those
dimensions: "mock" → satire, "wire" → reporting, otherwise opinion; "army" → Security_and_defense,
"vote" → Political; Public_opinion (0.38) and Economic (0.3) always stay under their 0.5 thresholds.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from propwatch.framing.labels import FRAMES, GENRES
from propwatch.framing.model import GenreFramesModel, LinearHead
from propwatch.framing.representation import REPRESENTATION, VECTOR_SIZE, ArticleEncoder

KEYWORDS = ("mock", "wire", "army", "vote")


class KeywordEncoder(ArticleEncoder):
    """Article vectors with a 1 in dimension i when KEYWORDS[i] occurs in title or text; counts calls."""

    def __init__(self) -> None:
        super().__init__(encode=lambda texts: np.zeros((len(texts), 384), dtype=np.float32), count=len)
        self.calls = 0

    def vectors(self, articles: Sequence[tuple[str | None, str]]) -> np.ndarray:  # type: ignore[override]
        self.calls += 1
        out = np.zeros((len(articles), VECTOR_SIZE), dtype=np.float32)
        for row, (title, text) in enumerate(articles):
            words = f"{title or ''} {text}".lower()
            for column, keyword in enumerate(KEYWORDS):
                out[row, column] = float(keyword in words)
        return out


def tiny_model(version: str = "test") -> GenreFramesModel:
    inputs = VECTOR_SIZE + 2  # the vector, then a one-hot of en, ru
    genre_weight = np.zeros((inputs, len(GENRES)))
    genre_weight[0, GENRES.index("satire")] = 10.0
    genre_weight[1, GENRES.index("reporting")] = 10.0
    genre_bias = np.array([1.0, 0.0, 0.0])
    frame_weight = np.zeros((inputs, len(FRAMES)))
    frame_weight[2, FRAMES.index("Security_and_defense")] = 8.0
    frame_weight[3, FRAMES.index("Political")] = 6.0
    frame_bias = np.full(len(FRAMES), -4.0)
    frame_bias[FRAMES.index("Economic")] = np.log(0.3 / 0.7)
    frame_bias[FRAMES.index("Public_opinion")] = -0.5  # 0.38: the best frame when nothing passes its cut
    ones, zeros = np.ones(inputs), np.zeros(inputs)
    return GenreFramesModel(
        representation=REPRESENTATION,
        vector_size=VECTOR_SIZE,
        languages=("en", "ru"),
        genres=GENRES,
        frames=FRAMES,
        genre_head=LinearHead(zeros, ones, genre_weight, genre_bias),
        frame_head=LinearHead(zeros, ones, frame_weight, frame_bias),
        frame_thresholds=dict.fromkeys(FRAMES, 0.5),
        seed=13,
        version=version,
        meta={"note": "hand-made for tests"},
    )


def write_tiny_model(folder: Path, version: str = "test") -> Path:
    tiny_model(version).save(folder)
    return folder


def signal_model(version: str = "test") -> GenreFramesModel:
    """A model whose genre head also reads the article signals: "mock" → satire; otherwise opinion when
    a fifth or more of the tokens are likely inside a technique span, reporting below that."""
    from propwatch.framing.signals import SIGNALS

    base = tiny_model(version)
    inputs = VECTOR_SIZE + len(SIGNALS) + 2
    weight = np.zeros((inputs, len(GENRES)))
    weight[0, GENRES.index("satire")] = 20.0
    weight[VECTOR_SIZE + SIGNALS.index("persuasion:inside_share"), GENRES.index("opinion")] = 10.0
    bias = np.array([-2.0, 0.0, 0.0])
    head = LinearHead(np.zeros(inputs), np.ones(inputs), weight, bias)
    return GenreFramesModel(
        representation=base.representation,
        vector_size=base.vector_size,
        languages=base.languages,
        genres=base.genres,
        frames=base.frames,
        genre_head=head,
        frame_head=base.frame_head,
        frame_thresholds=base.frame_thresholds,
        seed=base.seed,
        version=version,
        meta=base.meta,
        genre_signals=SIGNALS,
    )


def persuasion_rows(shares: Sequence[float]) -> np.ndarray:
    """Persuasion features with ``inside_share`` set to each of ``shares`` and everything else 0."""
    from propwatch.framing.persuasion import PERSUASION_FEATURES

    rows = np.zeros((len(shares), len(PERSUASION_FEATURES)))
    rows[:, PERSUASION_FEATURES.index("inside_share")] = shares
    return rows
