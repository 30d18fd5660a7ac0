"""How much an article persuades, from the technique detector's spans: a signal for the genre head
(reporting pieces use fewer techniques than opinion pieces, satire more of some).

The features come from the spans the ``techniques`` analyzer already found, so the genre analyzer
reuses them instead of running the technique model a second time. :data:`PERSUASION_FEATURES` names
the columns in order; :func:`persuasion_features` computes them.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from typing import Final, Protocol

import numpy as np
import numpy.typing as npt

from propwatch.models.taxonomy import TECHNIQUES
from propwatch.models.technique_decode import LabeledRange
from propwatch.summary import covered_characters

CATEGORIES: Final[tuple[str, ...]] = tuple(dict.fromkeys(t.category for t in TECHNIQUES.values()))

PERSUASION_FEATURES: Final[tuple[str, ...]] = (
    "covered_share",
    "log_spans_per_1000_words",
    "mean_span_score",
    *(f"log_{category.lower()}_per_1000_words" for category in CATEGORIES),
)

_WORD: Final = re.compile(r"\w+", re.UNICODE)


class ScoredRange(LabeledRange, Protocol):
    """A technique span: character range, technique name and score (domain spans, model spans)."""

    @property
    def score(self) -> float | None: ...


def persuasion_features(text: str, spans: Iterable[ScoredRange]) -> npt.NDArray[np.float64]:
    """The :data:`PERSUASION_FEATURES` of ``text`` given its technique spans, in that order.

    Spans of labels outside the SemEval-2023 techniques (another analyzer's) are ignored."""
    chosen = [s for s in spans if s.label in TECHNIQUES]
    words = max(len(_WORD.findall(text)), 1)
    per_category = dict.fromkeys(CATEGORIES, 0)
    for span in chosen:
        per_category[TECHNIQUES[span.label].category] += 1
    scores = [float(s.score) for s in chosen if s.score is not None]
    values = [
        covered_characters(chosen) / max(len(text), 1),
        math.log1p(1000.0 * len(chosen) / words),
        sum(scores) / len(scores) if scores else 0.0,
        *(math.log1p(1000.0 * per_category[c] / words) for c in CATEGORIES),
    ]
    return np.array(values, dtype=np.float64)
