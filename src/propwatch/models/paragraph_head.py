"""Which techniques each paragraph uses (SemEval-2023 subtask 3), from the model's token probabilities.

Without a head, a paragraph is labelled with the techniques of the decoded spans that overlap it
(:func:`~propwatch.models.technique_decode.paragraph_labels`). With ``paragraph_head`` in
``model.json`` (``propwatch train paragraph-head``), each technique ``k`` has its own logistic
regression over features of the paragraph's tokens:

* the logits of the max, the mean and the mean of the top 3 calibrated inside probabilities of ``k``;
* the logit of the best decoded span score of ``k`` overlapping the paragraph (0 when none);
* the logit of the max inside probability of ``k`` anywhere in the article (context);
* ``log1p`` of the paragraph's token count, and a one-hot of the article's language.

A paragraph gets every technique whose probability passes the head's threshold: the threshold of
the article's language when the head has one (chosen out of fold per language), else the global one.
The regression
reads the decoding's evidence and the paragraph's surroundings together, which a fixed span rule
cannot: a paragraph with several near-miss tokens of a technique is labelled, a lone short span in a
long paragraph may not be.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Final, Protocol

import numpy as np
import numpy.typing as npt

from propwatch.models.technique_decode import LabeledRange

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

LANGUAGES: Final = ("en", "fr", "de", "it", "pl", "ru")  # ISO 639-1 codes of the training languages
TECHNIQUE_FEATURES: Final = ("max", "mean", "top3", "span", "article_max")
WIDTH: Final = len(TECHNIQUE_FEATURES) + 1 + len(LANGUAGES)
_FLOOR: Final = 1e-4  # probabilities are clipped to [_FLOOR, 1 - _FLOOR] before the logit


class _ScoredRange(LabeledRange, Protocol):
    @property
    def score(self) -> float: ...


def _logit(values: FloatArray) -> FloatArray:
    clipped = np.clip(values, _FLOOR, 1.0 - _FLOOR)
    result: FloatArray = np.log(clipped / (1.0 - clipped))
    return result


def paragraph_features(
    paragraphs: Mapping[int, tuple[int, int]],
    ranges: IntArray,
    inside: npt.NDArray[np.floating],
    spans: Sequence[_ScoredRange],
    labels: Sequence[str],
    language: str | None,
) -> tuple[list[int], FloatArray]:
    """Paragraph numbers and their features ``[P, K, WIDTH]`` (columns as in the module docstring).

    ``paragraphs``: number → character range; ``ranges``/``inside``: the article's token ranges and
    calibrated inside probabilities ``[T, K]``; ``spans``: its decoded technique spans.
    """
    k = len(labels)
    probabilities = np.asarray(inside, dtype=np.float64).reshape(-1, k)
    article_max = probabilities.max(axis=0) if len(probabilities) else np.zeros(k)
    index = {label: i for i, label in enumerate(labels)}
    one_hot = np.array([float(language == code) for code in LANGUAGES])
    numbers = sorted(paragraphs)
    features = np.zeros((len(numbers), k, WIDTH))
    for row, number in enumerate(numbers):
        start, end = paragraphs[number]
        overlap = (ranges[:, 0] < end) & (ranges[:, 1] > start) if len(ranges) else np.zeros(0, bool)
        chosen = probabilities[overlap] if overlap.any() else np.zeros((1, k))
        span_score = np.zeros(k)
        for span in spans:
            if span.start < end and span.end > start and span.label in index:
                position = index[span.label]
                span_score[position] = max(span_score[position], span.score)
        top3 = np.sort(chosen, axis=0)[-3:].mean(axis=0)
        stacked = np.stack([chosen.max(axis=0), chosen.mean(axis=0), top3, span_score, article_max], axis=1)
        features[row, :, : len(TECHNIQUE_FEATURES)] = _logit(stacked)
        features[row, :, len(TECHNIQUE_FEATURES)] = np.log1p(int(overlap.sum()))
        features[row, :, len(TECHNIQUE_FEATURES) + 1 :] = one_hot
    return numbers, features


@dataclass(frozen=True)
class ParagraphHead:
    """One logistic regression per technique over :func:`paragraph_features`; ``threshold`` on its
    probability. A technique the head was not trained for has weights 0 and a very low bias."""

    labels: tuple[str, ...]
    weights: FloatArray  # [K, WIDTH]
    bias: FloatArray  # [K]
    threshold: float
    language_thresholds: Mapping[str, float] = field(default_factory=dict)  # ISO code → threshold

    def threshold_for(self, language: str | None) -> float:
        """The threshold of ``language`` when the head has one, else the global threshold."""
        return self.language_thresholds.get(language or "", self.threshold)

    def probabilities(self, features: FloatArray) -> FloatArray:
        """``[P, K]`` probability that each paragraph uses each technique."""
        scores = np.einsum("pkf,kf->pk", features, self.weights) + self.bias
        result: FloatArray = 1.0 / (1.0 + np.exp(-scores))
        return result

    def paragraph_techniques(
        self,
        paragraphs: Mapping[int, tuple[int, int]],
        ranges: IntArray,
        inside: npt.NDArray[np.floating],
        spans: Sequence[_ScoredRange],
        language: str | None,
    ) -> dict[int, tuple[str, ...]]:
        """Paragraph number → the techniques the head gives it, in the order of ``labels``."""
        numbers, features = paragraph_features(paragraphs, ranges, inside, spans, self.labels, language)
        if not numbers:
            return {}
        passed = self.probabilities(features) > self.threshold_for(language)
        return {
            number: tuple(label for label, yes in zip(self.labels, row, strict=True) if yes)
            for number, row in zip(numbers, passed, strict=True)
        }

    def to_json(self) -> dict[str, object]:
        return {
            "features": [*TECHNIQUE_FEATURES, "log1p_tokens", *(f"language={c}" for c in LANGUAGES)],
            "threshold": self.threshold,
            "language_thresholds": dict(self.language_thresholds),
            "weights": np.round(self.weights, 6).tolist(),
            "bias": np.round(self.bias, 6).tolist(),
        }

    @classmethod
    def from_json(cls, document: Mapping[str, object], labels: Sequence[str]) -> ParagraphHead:
        """Parse ``paragraph_head`` of model.json; ValueError when it does not fit the model."""
        threshold = _probability(document.get("threshold"))
        if threshold is None:
            raise ValueError("'threshold' must be a number between 0 and 1")
        by_language = document.get("language_thresholds", {})
        if not isinstance(by_language, Mapping) or not all(
            code in LANGUAGES and _probability(value) is not None for code, value in by_language.items()
        ):
            raise ValueError(
                f"'language_thresholds' must map language codes ({', '.join(LANGUAGES)}) to numbers "
                "between 0 and 1"
            )
        weights = np.asarray(document.get("weights"), dtype=np.float64)
        bias = np.asarray(document.get("bias"), dtype=np.float64)
        if weights.shape != (len(labels), WIDTH) or bias.shape != (len(labels),):
            raise ValueError(
                f"weights {weights.shape} / bias {bias.shape} do not fit {len(labels)} techniques × {WIDTH}"
            )
        if not (np.isfinite(weights).all() and np.isfinite(bias).all()):
            raise ValueError("weights and bias must be finite")
        return cls(
            tuple(labels),
            weights,
            bias,
            threshold,
            {code: float(value) for code, value in by_language.items()},
        )


def _probability(value: object) -> float | None:
    """``value`` as a float when it is a number strictly between 0 and 1, else None."""
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0.0 < value < 1.0:
        return None
    return float(value)


__all__ = ["LANGUAGES", "TECHNIQUE_FEATURES", "WIDTH", "ParagraphHead", "paragraph_features"]
