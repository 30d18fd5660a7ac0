"""The PTC-14 view of a technique model: which PTC class a character range belongs to (numpy only).

A model's ``model.json`` holds ``ptc_view`` in one of two modes:

* ``mapping`` — a PTC class scores the best calibrated inside probability of the SemEval-2023
  techniques it covers (:data:`~propwatch.models.taxonomy.SEMEVAL23_TO_PTC`); five techniques have no
  PTC class;
* ``head`` — a multinomial logistic head trained on PTC's own technique-classification labels
  (``propwatch train ptc-head``) over :func:`span_features` of the range: the mean and the maximum
  inside probability of every technique and the range's length.

``propwatch train ptc-head`` measures both on the validation split and keeps the better one.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from propwatch.models.taxonomy import PTC_TECHNIQUES, SEMEVAL23_TO_PTC

FloatArray = npt.NDArray[np.float32]
IntArray = npt.NDArray[np.int64]
PtcClassifier = Callable[[IntArray, FloatArray, int, int], str]  # (ranges, inside, start, end) → class


def span_features(ranges: IntArray, inside: FloatArray, start: int, end: int) -> FloatArray:
    """``[2K + 1]``: mean and max inside probability per technique over the tokens overlapping
    ``[start, end)`` (the nearest token before it when none does), and ``log1p(characters) / 5``."""
    overlap = (ranges[:, 0] < end) & (ranges[:, 1] > start)
    if not overlap.any():
        before = np.nonzero(ranges[:, 1] <= start)[0]
        overlap = np.zeros(len(ranges), dtype=bool)
        if len(before):
            overlap[before[-1]] = True
    k = inside.shape[1]
    if overlap.any():
        chosen = inside[overlap].astype(np.float64)
        mean, peak = chosen.mean(axis=0), chosen.max(axis=0)
    else:
        mean = peak = np.zeros(k)
    length = math.log1p(max(0, end - start)) / 5.0
    return np.concatenate([mean, peak, [length]]).astype(np.float32)


def mapping_classes(labels: Sequence[str]) -> dict[str, list[str]]:
    """PTC class → the model's techniques it covers."""
    covered: dict[str, list[str]] = {}
    for technique in labels:
        ptc = SEMEVAL23_TO_PTC.get(technique)
        if ptc is not None:
            covered.setdefault(ptc, []).append(technique)
    return covered


@dataclass(frozen=True)
class PtcHead:
    """``argmax(weights @ features + bias)`` over ``classes``."""

    classes: tuple[str, ...]
    weights: FloatArray  # [C, 2K + 1]
    bias: FloatArray  # [C]

    def classify(self, features: FloatArray) -> str:
        scores = self.weights @ features + self.bias
        return self.classes[int(np.argmax(scores))]

    def to_view(self) -> dict[str, object]:
        return {
            "mode": "head",
            "features": "mean and max calibrated inside probability per technique, log1p(chars) / 5",
            "classes": list(self.classes),
            "weights": np.round(self.weights.astype(np.float64), 6).tolist(),
            "bias": np.round(self.bias.astype(np.float64), 6).tolist(),
        }

    @classmethod
    def from_view(cls, view: Mapping[str, object], labels: Sequence[str]) -> PtcHead:
        """Parse a ``head`` view; ValueError when its shapes or classes do not fit the model."""
        classes = view.get("classes")
        if not isinstance(classes, list) or not classes or not set(classes) <= set(PTC_TECHNIQUES):
            raise ValueError("'classes' must be PTC technique names")
        weights = np.asarray(view.get("weights"), dtype=np.float32)
        bias = np.asarray(view.get("bias"), dtype=np.float32)
        if weights.shape != (len(classes), 2 * len(labels) + 1) or bias.shape != (len(classes),):
            raise ValueError(f"weights {weights.shape} / bias {bias.shape} do not fit {len(labels)} labels")
        if not (np.isfinite(weights).all() and np.isfinite(bias).all()):
            raise ValueError("weights and bias must be finite")
        return cls(tuple(str(c) for c in classes), weights, bias)


def ptc_classifier(view: Mapping[str, object], labels: Sequence[str]) -> PtcClassifier:
    """The classifier a ``ptc_view`` describes; ValueError for an unknown mode or a malformed head."""
    mode = view.get("mode")
    if mode == "head":
        head = PtcHead.from_view(view, labels)

        def by_head(ranges: IntArray, inside: FloatArray, start: int, end: int) -> str:
            return head.classify(span_features(ranges, inside, start, end))

        return by_head
    if mode == "mapping":
        covered = mapping_classes(labels)
        if not covered:
            raise ValueError("no technique of the model has a PTC class")
        index = {label: k for k, label in enumerate(labels)}

        def by_mapping(ranges: IntArray, inside: FloatArray, start: int, end: int) -> str:
            mean = span_features(ranges, inside, start, end)[: len(labels)]
            return max(covered, key=lambda ptc: max(float(mean[index[t]]) for t in covered[ptc]))

        return by_mapping
    raise ValueError(f"PTC view mode {mode!r} is not supported by this propwatch")
