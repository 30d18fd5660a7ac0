"""How much an article persuades, from the technique detector's token probabilities: a signal for the
genre head (reporting pieces use fewer techniques than opinion pieces, satire more of some).

The features read the calibrated inside probability of every technique at every token, not the
thresholded spans: a new choice of span thresholds leaves them (and so the genre head) unchanged, and
weak evidence under a threshold still counts. Each is an expected share of the article's tokens:

* ``inside_share``: tokens inside a span of any technique (a noisy-or over the techniques);
* ``mean_max_inside``: the highest technique probability, averaged over the tokens;
* per category and per technique, log(1 + tokens inside per 1,000 tokens).

:data:`PERSUASION_FEATURES` names the columns in order; :func:`persuasion_features` computes them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

import numpy as np
import numpy.typing as npt

from propwatch.models.taxonomy import TECHNIQUES

CATEGORIES: Final[tuple[str, ...]] = tuple(dict.fromkeys(t.category for t in TECHNIQUES.values()))
_TECHNIQUES_OF: Final[dict[str, tuple[str, ...]]] = {
    category: tuple(t for t, info in TECHNIQUES.items() if info.category == category)
    for category in CATEGORIES
}

PERSUASION_FEATURES: Final[tuple[str, ...]] = (
    "inside_share",
    "mean_max_inside",
    *(f"log_{category.lower()}_inside_per_1000_tokens" for category in CATEGORIES),
    *(f"log_{technique.lower()}_inside_per_1000_tokens" for technique in TECHNIQUES),
)


def persuasion_features(labels: Sequence[str], inside: npt.ArrayLike) -> npt.NDArray[np.float64]:
    """The :data:`PERSUASION_FEATURES` of one text from the calibrated inside probabilities ``[T, K]``
    of its tokens for the techniques ``labels`` (a technique the model lacks counts as never inside).

    A text without tokens has every feature 0."""
    probabilities = np.asarray(inside, dtype=np.float64).reshape(-1, len(labels))
    if len(probabilities) == 0:
        return np.zeros(len(PERSUASION_FEATURES), dtype=np.float64)
    column = {label: k for k, label in enumerate(labels)}
    outside = 1.0 - np.clip(probabilities, 0.0, 1.0)

    def share_of(chosen: Sequence[str]) -> float:
        columns = [column[t] for t in chosen if t in column]
        if not columns:
            return 0.0
        return float((1.0 - np.prod(outside[:, columns], axis=1)).mean())

    per_category = [share_of(_TECHNIQUES_OF[category]) for category in CATEGORIES]
    per_technique = [share_of([technique]) for technique in TECHNIQUES]
    values = [
        share_of(list(TECHNIQUES)),
        float(probabilities.max(axis=1).mean()),
        *(float(np.log1p(1000.0 * share)) for share in (*per_category, *per_technique)),
    ]
    return np.array(values, dtype=np.float64)
