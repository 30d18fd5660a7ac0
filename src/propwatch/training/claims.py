"""Calibration, thresholds and held-out figures of the check-worthiness model (training side).

The recipe itself is :mod:`propwatch.training.claims_finetune`; these helpers are numpy/scikit-learn
only: dataset weights, group folds, Platt scaling, the F1-maximising threshold, the expected
calibration error and the per-dataset / per-language P/R/F1 of Yes table.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from propwatch.claims.checkworthy import f1_of_yes
from propwatch.claims.data import LabelledSentence

FloatArray = npt.NDArray[np.float64]
Progress = Callable[[str], None]

# Relative weight of one item of each dataset: the debate sentences outnumber the tweets 20 to 1.
DATASET_WEIGHTS = {"ct24-en": 1.0, "ct24-ar": 1.0, "ct24-nl": 3.0, "ct21-en": 3.0, "ct20-en": 1.0}


def dataset_weights(items: Sequence[LabelledSentence]) -> FloatArray:
    return np.array([DATASET_WEIGHTS.get(i.dataset, 1.0) for i in items], dtype=np.float64)


def labels(items: Sequence[LabelledSentence]) -> npt.NDArray[np.bool_]:
    return np.array([i.label for i in items], dtype=bool)


def fit_platt(logits: FloatArray, y: npt.NDArray[np.bool_]) -> tuple[float, float]:
    from sklearn.linear_model import LogisticRegression  # type: ignore[import-untyped]

    fitted = LogisticRegression(C=1e4, max_iter=1000).fit(logits.reshape(-1, 1), y)
    return float(fitted.coef_[0, 0]), float(fitted.intercept_[0])


def best_threshold(scores: FloatArray, y: npt.NDArray[np.bool_]) -> tuple[float, float]:
    """(threshold, F1 of Yes) maximising F1 over every distinct score."""
    order = np.argsort(-scores, kind="stable")
    ranked, truth = scores[order], y[order]
    true_positives = np.cumsum(truth)
    predicted = np.arange(1, len(ranked) + 1)
    f1 = 2 * true_positives / (predicted + max(int(truth.sum()), 1))
    # Only cut where the score changes, so equal scores fall on one side.
    last_of_run = np.r_[ranked[1:] != ranked[:-1], True]
    f1 = np.where(last_of_run, f1, -1.0)
    best = int(np.argmax(f1))
    # Halfway to the next lower score: the same cut on these scores, a margin for unseen ones.
    below = float(ranked[best + 1]) if best + 1 < len(ranked) else 0.0
    return (float(ranked[best]) + below) / 2, float(f1[best])


def sigmoid(x: FloatArray) -> FloatArray:
    return np.asarray(0.5 * (1.0 + np.tanh(0.5 * x)), dtype=np.float64)


def expected_calibration_error(
    scores: FloatArray, y: npt.NDArray[np.bool_], bins: int = 10
) -> dict[str, Any]:
    """ECE over equal-width bins, with the per-bin mean score and observed rate (a reliability table)."""
    edges = np.linspace(0.0, 1.0, bins + 1)
    table = []
    ece = 0.0
    for low, high in itertools.pairwise(edges):
        inside = (scores >= low) & ((scores < high) | (high == 1.0))
        if inside.any():
            mean_score, rate = float(scores[inside].mean()), float(y[inside].mean())
            ece += inside.mean() * abs(mean_score - rate)
            table.append(
                {"bin": f"{low:.1f}-{high:.1f}", "n": int(inside.sum()), "score": mean_score, "rate": rate}
            )
    return {"ece": float(ece), "bins": table}


def evaluate_scores(
    items: Sequence[LabelledSentence], scores: FloatArray, threshold: Callable[[str | None], float]
) -> tuple[dict[str, dict[str, float]], dict[str, Any]]:
    """P/R/F1 of Yes per dataset and per language of calibrated ``scores``, and their calibration."""
    y = labels(items)
    subsets: dict[str, npt.NDArray[np.bool_]] = {}
    for dataset in sorted({i.dataset for i in items}):
        subsets[dataset] = np.array([i.dataset == dataset for i in items])
    for language in sorted({i.language for i in items}):
        subsets[f"lang:{language}"] = np.array([i.language == language for i in items])
    figures: dict[str, dict[str, float]] = {}
    for name, mask in subsets.items():
        if not mask.any():
            continue
        language = items[int(np.argmax(mask))].language
        predicted = scores[mask] >= threshold(language)
        result = f1_of_yes(name, list(y[mask]), list(predicted))
        figures[name] = {
            "n": int(mask.sum()),
            "yes": int(y[mask].sum()),
            "precision": result.precision,
            "recall": result.recall,
            "f1": result.f1,
            "best_f1": best_threshold(scores[mask], y[mask])[1] if y[mask].any() else 0.0,
        }
    return figures, expected_calibration_error(scores, y)
