"""The check-worthiness model: a small head over e5 sentence embeddings and surface features.

A model is a folder with ``model.json`` (what it was trained on, how to read the weights, the
Platt calibration and the decision thresholds, the seed) and ``weights.npz`` (the feature
standardisation and the layers). Inference is numpy only; the head is a logistic regression or a
one-hidden-layer perceptron, as ``model.json`` says.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from propwatch.claims.embedding import DIM, ENCODER_NAME, Encode, SentenceEncoder
from propwatch.claims.features import FEATURE_NAMES, lexical_features
from propwatch.errors import ConfigurationError
from propwatch.models.model_files import read_model_document, read_weights

FORMAT = "propwatch-claims/1"
MODEL_FILE = "model.json"
WEIGHTS_FILE = "weights.npz"

FloatArray = npt.NDArray[np.float64]


def shipped_model_path() -> Path:
    """The folder of the model shipped inside the package."""
    return Path(str(resources.files("propwatch.models") / "claims"))


def _sigmoid(x: FloatArray) -> FloatArray:
    return np.asarray(0.5 * (1.0 + np.tanh(0.5 * x)), dtype=np.float64)


@dataclass(frozen=True)
class Head:
    """Standardisation and dense layers; ReLU between layers, the last one gives one logit."""

    mean: FloatArray
    scale: FloatArray
    weights: tuple[FloatArray, ...]
    biases: tuple[FloatArray, ...]

    def logits(self, features: npt.NDArray[np.floating[Any]]) -> FloatArray:
        hidden = (np.asarray(features, dtype=np.float64) - self.mean) / self.scale
        for index, (weight, bias) in enumerate(zip(self.weights, self.biases, strict=True)):
            hidden = hidden @ weight + bias
            if index < len(self.weights) - 1:
                hidden = np.maximum(hidden, 0.0)
        return np.asarray(hidden.reshape(-1), dtype=np.float64)

    def arrays(self) -> dict[str, FloatArray]:
        out = {"mean": self.mean, "scale": self.scale}
        for index, (weight, bias) in enumerate(zip(self.weights, self.biases, strict=True)):
            out[f"w{index}"] = weight
            out[f"b{index}"] = bias
        return out


@dataclass(frozen=True)
class CheckWorthinessModel:
    """Scores sentences: calibrated probability that a fact-checker would want to check them."""

    head: Head
    platt: tuple[float, float]  # p = sigmoid(a * logit + b)
    thresholds: Mapping[str, float]  # per language code, and "default"
    seed: int
    version: str
    meta: Mapping[str, Any] = field(default_factory=dict)

    @property
    def input_size(self) -> int:
        return DIM + len(FEATURE_NAMES)

    def threshold(self, language: str | None) -> float:
        """Decision threshold on the calibrated score for ``language`` (the default one if unknown)."""
        return self.thresholds.get(language or "", self.thresholds["default"])

    def features(self, texts: Sequence[str], embeddings: npt.NDArray[np.float32]) -> FloatArray:
        return np.hstack([embeddings.astype(np.float64), lexical_features(texts).astype(np.float64)])

    def scores_from_embeddings(self, texts: Sequence[str], embeddings: npt.NDArray[np.float32]) -> FloatArray:
        """Calibrated scores in [0, 1] of ``texts`` given their e5 embeddings."""
        if len(texts) == 0:
            return np.zeros(0, dtype=np.float64)
        a, b = self.platt
        return _sigmoid(a * self.head.logits(self.features(texts, embeddings)) + b)

    def scores(self, texts: Sequence[str], encode: Encode | None = None) -> FloatArray:
        """Calibrated scores of ``texts``; embeds them with e5 (or ``encode``) first."""
        if len(texts) == 0:
            return np.zeros(0, dtype=np.float64)
        return self.scores_from_embeddings(texts, (encode or SentenceEncoder())(texts))

    # --- files ------------------------------------------------------------------------------

    def save(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        document = {
            "format": FORMAT,
            "version": self.version,
            "encoder": ENCODER_NAME,
            "features": [*(f"e5_{i}" for i in range(DIM)), *FEATURE_NAMES],
            "layers": len(self.head.weights),
            "platt": {"a": self.platt[0], "b": self.platt[1]},
            "thresholds": dict(self.thresholds),
            "seed": self.seed,
            **{k: v for k, v in self.meta.items() if k not in _RESERVED},
        }
        (folder / MODEL_FILE).write_text(
            json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
        )
        arrays: dict[str, Any] = {k: v.astype(np.float32) for k, v in self.head.arrays().items()}
        np.savez_compressed(folder / WEIGHTS_FILE, **arrays)

    @classmethod
    def load(cls, folder: Path) -> CheckWorthinessModel:
        """Read a model folder; every problem is a :class:`ConfigurationError` naming the file."""
        model_file, weights_file = folder / MODEL_FILE, folder / WEIGHTS_FILE
        document = read_model_document(model_file, "claims", FORMAT)
        if document.get("encoder") != ENCODER_NAME:
            raise ConfigurationError(
                str(model_file),
                f"was trained on {document.get('encoder')!r} embeddings, not {ENCODER_NAME!r}",
            )
        try:
            layers = int(document["layers"])
            platt = (float(document["platt"]["a"]), float(document["platt"]["b"]))
            thresholds = {str(k): float(v) for k, v in document["thresholds"].items()}
            seed, version = int(document["seed"]), str(document["version"])
            if "default" not in thresholds:
                raise KeyError("thresholds.default")
        except (KeyError, TypeError, ValueError) as exc:
            raise ConfigurationError(str(model_file), f"lacks or garbles the field {exc}") from exc
        arrays = read_weights(weights_file)
        head = _head(weights_file, arrays, layers, DIM + len(FEATURE_NAMES))
        if not all(math.isfinite(v) for v in (*platt, *thresholds.values())):
            raise ConfigurationError(str(model_file), "calibration or thresholds are not finite numbers")
        meta = {k: v for k, v in document.items() if k not in _RESERVED}
        return cls(head=head, platt=platt, thresholds=thresholds, seed=seed, version=version, meta=meta)


_RESERVED = frozenset({"format", "version", "encoder", "features", "layers", "platt", "thresholds", "seed"})


def _head(where: Path, arrays: dict[str, FloatArray], layers: int, size: int) -> Head:
    try:
        mean, scale = arrays["mean"], arrays["scale"]
        weights = tuple(arrays[f"w{i}"] for i in range(layers))
        biases = tuple(arrays[f"b{i}"] for i in range(layers))
    except KeyError as exc:
        raise ConfigurationError(str(where), f"lacks the array {exc}") from exc
    expected = size
    for index, (weight, bias) in enumerate(zip(weights, biases, strict=True)):
        if weight.ndim != 2 or weight.shape[0] != expected or bias.shape != (weight.shape[1],):
            raise ConfigurationError(
                str(where), f"layer {index} has shape {weight.shape}, expected ({expected}, n)"
            )
        expected = weight.shape[1]
    if expected != 1 or mean.shape != (size,) or scale.shape != (size,) or not np.all(scale > 0):
        raise ConfigurationError(str(where), "the weights do not fit the model's features")
    return Head(mean=mean, scale=scale, weights=weights, biases=biases)
