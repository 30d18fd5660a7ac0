"""Per-technique calibration (Platt scaling of the inside logits) and decision thresholds (numpy).

Both are fitted on the validation split — our own held-out articles — after training:

* calibration: ``p = sigmoid(logit / temperature + bias)`` fitted by Newton's method on the inside
  logits of every validation token against its inside target (training used ``pos_weight``, which
  inflates raw probabilities; this brings them back to frequencies an analyst can read);
* thresholds: per technique, the calibrated inside probability that maximises that technique's span
  F1 (the SI formula, partial credit for overlap) over a grid, decoding with the shared decoder.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

import numpy as np
import numpy.typing as npt

from propwatch.corpora import CorpusArticle
from propwatch.evaluation import Scores, SpanRecord, score_si
from propwatch.models.technique_decode import Calibration, decode_spans

THRESHOLD_GRID: Final = tuple(round(0.05 * i, 2) for i in range(1, 20))
MIN_SLOPE: Final = 0.02  # a slope this small means "no signal"; keeps the temperature finite

FloatArray = npt.NDArray[np.float32]


@dataclass(frozen=True)
class ScoredArticle:
    """What the decoder needs about one validation article, and its gold spans."""

    article: CorpusArticle
    language: str  # SemEval-2023 folder code
    offsets: npt.NDArray[np.int64]
    logits: FloatArray  # merged token logits [T, 2K]
    targets: npt.NDArray[np.uint8]  # [T, 2K]

    @property
    def article_id(self) -> str:
        return self.article.article_id

    @property
    def text(self) -> str:
        return self.article.text


def fit_platt(
    logits: npt.NDArray[np.floating], targets: npt.NDArray[np.generic], iterations: int = 50
) -> tuple[float, float]:
    """(slope, intercept) minimising the log-loss of ``sigmoid(slope * logit + intercept)``.

    Uses Platt's smoothed targets ((n₊+1)/(n₊+2), 1/(n₋+2)) against over-confidence on few positives.
    """
    x = np.asarray(logits, dtype=np.float64)
    y = np.asarray(targets, dtype=np.float64)
    positives, negatives = y.sum(), len(y) - y.sum()
    y = np.where(y > 0, (positives + 1) / (positives + 2), 1 / (negatives + 2))
    a, b = 1.0, 0.0
    for _ in range(iterations):
        p = 0.5 * (1.0 + np.tanh(0.5 * (a * x + b)))  # the sigmoid, without overflow
        w = np.maximum(p * (1 - p), 1e-12)
        g_a, g_b = np.sum((p - y) * x), np.sum(p - y)
        h_aa, h_ab, h_bb = np.sum(w * x * x) + 1e-6, np.sum(w * x), np.sum(w) + 1e-6
        det = h_aa * h_bb - h_ab * h_ab
        if det <= 0:
            break
        d_a = (h_bb * g_a - h_ab * g_b) / det
        d_b = (h_aa * g_b - h_ab * g_a) / det
        a, b = a - d_a, b - d_b
        if abs(d_a) < 1e-7 and abs(d_b) < 1e-7:
            break
    return float(a), float(b)


def fit_calibration(
    articles: Sequence[ScoredArticle], labels: Sequence[str], min_positives: int
) -> tuple[npt.NDArray[np.float32], npt.NDArray[np.float32], dict[str, int]]:
    """Temperatures and biases ``[K]`` per label, and the positive token count each was fitted on.

    A label with fewer than ``min_positives`` positive tokens keeps temperature 1, bias 0.
    """
    logits = np.concatenate([a.logits[:, 1::2] for a in articles]) if articles else np.zeros((0, len(labels)))
    targets = (
        np.concatenate([a.targets[:, 1::2] for a in articles]) if articles else np.zeros((0, len(labels)))
    )
    temperature = np.ones(len(labels), dtype=np.float32)
    bias = np.zeros(len(labels), dtype=np.float32)
    counts: dict[str, int] = {}
    for k, label in enumerate(labels):
        counts[label] = int(targets[:, k].sum())
        if counts[label] < min_positives:
            continue
        slope, intercept = fit_platt(logits[:, k], targets[:, k])
        slope = max(slope, MIN_SLOPE)
        temperature[k], bias[k] = 1.0 / slope, intercept
    return temperature, bias, counts


def label_span_scores(
    predicted: dict[str, list[tuple[int, int]]], gold: dict[str, list[tuple[int, int]]]
) -> Scores:
    """SI-formula span scores (overlaps merged per article) of one label's spans over articles."""
    return score_si(
        [SpanRecord(a, s, e) for a, spans in gold.items() for s, e in spans],
        [SpanRecord(a, s, e) for a, spans in predicted.items() for s, e in spans],
    )


def choose_threshold(
    f1: dict[str, float], precision: dict[str, float], grid: Sequence[float], min_precision: float = 0.0
) -> float:
    """The grid value with the best F1 among those whose span precision reaches ``min_precision``
    (ties go to the higher threshold); the highest value when none does: spans an analyst would
    mostly find wrong are not worth showing, whatever they add to F1."""
    allowed = [v for v in grid if precision[f"{v:.2f}"] >= min_precision]
    if not allowed:
        return max(grid)
    return max(allowed, key=lambda v: (f1[f"{v:.2f}"], v))


def decode_all(
    articles: Sequence[ScoredArticle], calibration: Calibration
) -> dict[str, list[tuple[str, int, int]]]:
    """Decoded (technique, start, end) spans per article id."""
    return {
        a.article_id: [
            (s.label, s.start, s.end) for s in decode_spans(a.text, a.offsets, a.logits, calibration)
        ]
        for a in articles
    }


def tune_thresholds(
    articles: Sequence[ScoredArticle],
    labels: Sequence[str],
    temperature: FloatArray,
    bias: FloatArray,
    grid: Sequence[float] = THRESHOLD_GRID,
    min_precision: float = 0.0,
    hysteresis: float = 0.0,
) -> tuple[npt.NDArray[np.float32], dict[str, dict[str, float]], dict[str, dict[str, float]]]:
    """Per-label thresholds by :func:`choose_threshold` over the grid, decoding with ``hysteresis``.

    Returns the thresholds and, per label, the span F1 and the span precision at every grid value (for
    the model card); a label with no predicted span at a value has precision 1 there (nothing wrong shown).
    """
    curves: dict[str, dict[str, float]] = {label: {} for label in labels}
    precisions: dict[str, dict[str, float]] = {label: {} for label in labels}
    gold: dict[str, dict[str, list[tuple[int, int]]]] = {label: {} for label in labels}
    for a in articles:
        for span in a.article.spans:
            if span.technique in gold:
                gold[span.technique].setdefault(a.article_id, []).append((span.start, span.end))
    for value in grid:
        calibration = Calibration(
            tuple(labels),
            temperature,
            bias,
            np.full(len(labels), value, dtype=np.float32),
            hysteresis=hysteresis,
        )
        decoded = decode_all(articles, calibration)
        for label in labels:
            predicted = {
                article: [(s, e) for t, s, e in spans if t == label] for article, spans in decoded.items()
            }
            scores, key = label_span_scores(predicted, gold[label]), f"{value:.2f}"
            curves[label][key] = scores.f1
            precisions[label][key] = scores.precision if scores.predicted_count else 1.0
    thresholds = np.empty(len(labels), dtype=np.float32)
    for k, label in enumerate(labels):
        thresholds[k] = choose_threshold(curves[label], precisions[label], grid, min_precision)
    return thresholds, curves, precisions
