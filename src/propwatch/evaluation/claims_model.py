"""``propwatch evaluate claims``: the check-worthiness model on its own validation split, through the
path the analyzer takes (text → numpy lower layers → int8 graph → Platt → the language's threshold).

The split is the one the model was trained with: :func:`propwatch.claims.data.split_items` with the seed,
fraction and CheckThat! 2020 sampling recorded in its ``model.json`` (``config``), so the figures can be
set against the training report's, which scored the same items through the training path.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from propwatch.claims.data import read_all, split_items
from propwatch.claims.model import CheckWorthinessModel
from propwatch.errors import ConfigurationError
from propwatch.training.claims import evaluate_scores

Progress = Callable[[str], None]
BATCH = 256  # sentences per call: progress lines without slowing the encoder down


@dataclass(frozen=True)
class ClaimsEvaluation:
    figures: dict[str, dict[str, float]]  # subset → n, yes, precision, recall, f1, best_f1
    calibration: dict[str, Any]  # expected calibration error and its bins
    thresholds: dict[str, float]
    version: str


def evaluate_claims_model(
    model: CheckWorthinessModel, data_dir: Path, progress: Progress | None = None
) -> ClaimsEvaluation:
    """F1 of Yes per dataset and language on the validation items of ``data_dir`` (the shared corpora)."""
    if not data_dir.is_dir():
        raise ConfigurationError(str(data_dir), "the corpora folder does not exist")
    config = model.meta.get("config", {})
    seed = int(config.get("seed", model.seed))
    items = read_all(
        data_dir, seed=seed, ct20_negatives_per_positive=float(config.get("ct20_negatives_per_positive", 3.0))
    )
    validation = split_items(
        items, seed=seed, fraction=float(config.get("validation_fraction", 0.15))
    ).validation
    scores = np.zeros(len(validation), dtype=np.float64)
    for start in range(0, len(validation), BATCH):
        chunk = validation[start : start + BATCH]
        scores[start : start + len(chunk)] = model.scores([item.text for item in chunk])
        if progress:
            progress(f"scored {start + len(chunk)}/{len(validation)} validation sentences")
    figures, calibration = evaluate_scores(validation, scores, model.threshold)
    return ClaimsEvaluation(figures, calibration, dict(model.thresholds), model.version)
