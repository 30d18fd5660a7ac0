"""The genre and frame model: two linear heads over an article vector, numpy only.

A model is a folder with ``model.json`` (labels, thresholds, the representation its vectors come from,
the training record) and ``weights.npz`` (standardisation and weights of each head). The heads take
any article vector of the size ``model.json`` names, optionally followed by a one-hot of the article's
language; :mod:`propwatch.framing.representation` builds the e5 vectors the shipped model was trained on.
The genre head may also read article signals (``genre_signals`` in ``model.json``, the columns of
one of :data:`propwatch.framing.signals.SIGNAL_SETS`: style alone, or style and persuasion density)
between the vector and the one-hot; a model without them reads the vector alone.

* genre: a multinomial logistic regression, softmax over :data:`~propwatch.framing.labels.GENRES`;
* frames: one logistic regression per frame, each with its own decision threshold; an article always
  gets its best-scoring frame (every training article has at least one).
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

from propwatch.errors import ConfigurationError
from propwatch.framing.signals import SIGNAL_SETS
from propwatch.models.model_files import read_model_document, read_weights

FORMAT = "propwatch-genre-frames/1"
MODEL_FILE = "model.json"
WEIGHTS_FILE = "weights.npz"

FloatArray = npt.NDArray[np.float64]


def shipped_model_path() -> Path:
    """The folder of the model shipped inside the package."""
    return Path(str(resources.files("propwatch.models") / "genre_frames"))


@dataclass(frozen=True)
class LinearHead:
    """Standardise, then one dense layer: ``((x - mean) / scale) @ weight + bias``."""

    mean: FloatArray
    scale: FloatArray
    weight: FloatArray  # (inputs, outputs)
    bias: FloatArray  # (outputs,)

    def logits(self, features: npt.NDArray[np.floating[Any]]) -> FloatArray:
        z = (np.asarray(features, dtype=np.float64) - self.mean) / self.scale
        # Row by row: a matrix product picks its BLAS kernel by batch size, and the last bits of an
        # article's scores then depended on the articles batched with it.
        rows = [row @ self.weight for row in z]
        stacked = np.stack(rows) if rows else np.zeros((0, self.weight.shape[1]))
        return np.asarray(stacked + self.bias, dtype=np.float64)

    def check(self, where: str, inputs: int, outputs: int) -> None:
        shapes_fit = (
            self.mean.shape == (inputs,)
            and self.scale.shape == (inputs,)
            and self.weight.shape == (inputs, outputs)
            and self.bias.shape == (outputs,)
        )
        if not shapes_fit:
            raise ConfigurationError(
                where, f"a head has shape {self.weight.shape}, expected ({inputs}, {outputs})"
            )
        if not (np.all(self.scale > 0) and all(np.all(np.isfinite(a)) for a in self.arrays("").values())):
            raise ConfigurationError(where, "the weights are not finite numbers")

    def arrays(self, prefix: str) -> dict[str, FloatArray]:
        return {
            f"{prefix}mean": self.mean,
            f"{prefix}scale": self.scale,
            f"{prefix}weight": self.weight,
            f"{prefix}bias": self.bias,
        }


def _softmax(logits: FloatArray) -> FloatArray:
    shifted = np.exp(logits - logits.max(axis=1, keepdims=True))
    return np.asarray(shifted / shifted.sum(axis=1, keepdims=True), dtype=np.float64)


def _sigmoid(x: FloatArray) -> FloatArray:
    return np.asarray(0.5 * (1.0 + np.tanh(0.5 * x)), dtype=np.float64)


@dataclass(frozen=True)
class GenreFramesModel:
    """Genre probabilities and frame scores of articles, from their vectors."""

    representation: str  # what the vectors are (see propwatch.framing.representation.REPRESENTATION)
    vector_size: int
    languages: tuple[str, ...]  # ISO codes of the language one-hot appended to the vector; () for none
    genres: tuple[str, ...]
    frames: tuple[str, ...]
    genre_head: LinearHead
    frame_head: LinearHead
    frame_thresholds: Mapping[str, float]
    seed: int
    version: str
    meta: Mapping[str, Any] = field(default_factory=dict)
    genre_signals: tuple[str, ...] = ()  # the signal columns the genre head reads after the vector

    @property
    def input_size(self) -> int:
        return self.vector_size + len(self.languages)

    def genre_inputs(
        self,
        vectors: npt.NDArray[np.floating[Any]],
        languages: Sequence[str | None],
        signals: npt.NDArray[np.floating[Any]] | None = None,
    ) -> FloatArray:
        """What the genre head reads: the vectors, the signals (when it uses them), the one-hot."""
        x = self.features(vectors, languages)
        if not self.genre_signals:
            return x
        if signals is None:
            raise ValueError("this genre head reads article signals; none were given")
        extra = np.asarray(signals, dtype=np.float64).reshape(len(x), len(self.genre_signals))
        return np.hstack([x[:, : self.vector_size], extra, x[:, self.vector_size :]])

    def features(self, vectors: npt.NDArray[np.floating[Any]], languages: Sequence[str | None]) -> FloatArray:
        """Vectors followed by the language one-hot (all zeros for a language not trained on)."""
        x = np.asarray(vectors, dtype=np.float64).reshape(-1, self.vector_size)
        if len(languages) != len(x):
            raise ValueError(f"{len(x)} vectors but {len(languages)} languages")
        if not self.languages:
            return x
        onehot = np.zeros((len(x), len(self.languages)), dtype=np.float64)
        for row, language in enumerate(languages):
            if language in self.languages:
                onehot[row, self.languages.index(language)] = 1.0
        return np.hstack([x, onehot])

    def genre_probabilities(
        self,
        vectors: npt.NDArray[np.floating[Any]],
        languages: Sequence[str | None],
        signals: npt.NDArray[np.floating[Any]] | None = None,
    ) -> FloatArray:
        """(n, len(genres)) probabilities, rows summing to 1; ``signals`` when ``genre_signals`` is set."""
        return _softmax(self.genre_head.logits(self.genre_inputs(vectors, languages, signals)))

    def frame_scores(
        self, vectors: npt.NDArray[np.floating[Any]], languages: Sequence[str | None]
    ) -> FloatArray:
        """(n, len(frames)) scores in [0, 1], one logistic regression per frame."""
        return _sigmoid(self.frame_head.logits(self.features(vectors, languages)))

    def genres_of(self, probabilities: FloatArray) -> list[str]:
        return [self.genres[int(i)] for i in np.argmax(probabilities, axis=1)]

    def frames_of(self, scores: FloatArray) -> list[tuple[str, ...]]:
        """The frames at or above their thresholds, best first; the best one when none is."""
        cuts = np.array([self.frame_thresholds[f] for f in self.frames])
        found = []
        for row in scores:
            order = np.argsort(-row, kind="stable")
            chosen = [self.frames[int(i)] for i in order if row[i] >= cuts[i]]
            found.append(tuple(chosen) or (self.frames[int(order[0])],))
        return found

    # --- files ------------------------------------------------------------------------------

    def save(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        document = {
            "format": FORMAT,
            "version": self.version,
            "representation": self.representation,
            "vector_size": self.vector_size,
            "languages": list(self.languages),
            "genres": list(self.genres),
            "frames": list(self.frames),
            "frame_thresholds": {f: self.frame_thresholds[f] for f in self.frames},
            "seed": self.seed,
            "genre_signals": list(self.genre_signals),
            **{k: v for k, v in self.meta.items() if k not in _RESERVED},
        }
        (folder / MODEL_FILE).write_text(
            json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
        )
        arrays: dict[str, Any] = {
            k: v.astype(np.float32)
            for k, v in {**self.genre_head.arrays("genre_"), **self.frame_head.arrays("frame_")}.items()
        }
        np.savez_compressed(folder / WEIGHTS_FILE, **arrays)

    @classmethod
    def load(cls, folder: Path, representation: str | None = None) -> GenreFramesModel:
        """Read a model folder; every problem is a :class:`ConfigurationError` naming the file.

        ``representation``: the vectors the caller will give; a model trained on others is refused.
        """
        model_file, weights_file = folder / MODEL_FILE, folder / WEIGHTS_FILE
        document = read_model_document(model_file, "genre/frames", FORMAT)
        try:
            genres = tuple(str(g) for g in document["genres"])
            frames = tuple(str(f) for f in document["frames"])
            thresholds = {str(k): float(v) for k, v in document["frame_thresholds"].items()}
            trained_on = str(document["representation"])
            vector_size = int(document["vector_size"])
            languages = tuple(str(lang) for lang in document["languages"])
            seed, version = int(document["seed"]), str(document["version"])
            genre_signals = tuple(str(name) for name in document.get("genre_signals", ()))
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise ConfigurationError(str(model_file), f"lacks or garbles the field {exc}") from exc
        if representation is not None and trained_on != representation:
            raise ConfigurationError(
                str(model_file), f"was trained on {trained_on!r} vectors, not {representation!r}"
            )
        if genre_signals not in SIGNAL_SETS.values():
            raise ConfigurationError(
                str(model_file),
                "its genre head reads article signals this version of propwatch cannot compute",
            )
        if not genres or not frames or set(thresholds) != set(frames):
            raise ConfigurationError(str(model_file), "needs genres, frames and one threshold per frame")
        if not all(math.isfinite(v) for v in thresholds.values()):
            raise ConfigurationError(str(model_file), "thresholds are not finite numbers")
        arrays = read_weights(weights_file)
        try:
            genre_head, frame_head = (
                LinearHead(*(arrays[f"{p}_{n}"] for n in ("mean", "scale", "weight", "bias")))
                for p in ("genre", "frame")
            )
        except KeyError as exc:
            raise ConfigurationError(str(weights_file), f"lacks the array {exc}") from exc
        inputs = vector_size + len(languages)
        genre_head.check(str(weights_file), inputs + len(genre_signals), len(genres))
        frame_head.check(str(weights_file), inputs, len(frames))
        meta = {k: v for k, v in document.items() if k not in _RESERVED}
        return cls(
            representation=trained_on,
            vector_size=vector_size,
            languages=languages,
            genres=genres,
            frames=frames,
            genre_head=genre_head,
            frame_head=frame_head,
            frame_thresholds=thresholds,
            seed=seed,
            version=version,
            meta=meta,
            genre_signals=genre_signals,
        )


_RESERVED = frozenset(
    {
        "format",
        "version",
        "representation",
        "vector_size",
        "languages",
        "genres",
        "frames",
        "frame_thresholds",
        "seed",
        "genre_signals",
    }
)
