"""Reading the files of a small numpy model folder (``model.json`` + ``weights.npz``), errors included.

The claims and genre/frames models keep their heads this way; both read them through these two
functions, so a damaged folder gets the same clear :class:`ConfigurationError` naming the file.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from propwatch.errors import ConfigurationError


def read_model_document(model_file: Path, kind: str, model_format: str) -> dict[str, Any]:
    """``model.json`` as a dict whose ``format`` is ``model_format``; ``kind`` names the model in errors."""
    try:
        document = json.loads(model_file.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigurationError(str(model_file), f"cannot read the {kind} model: {exc.strerror}") from exc
    except json.JSONDecodeError as exc:
        raise ConfigurationError(
            str(model_file), f"is not valid JSON: {exc.msg} (line {exc.lineno})"
        ) from exc
    if not isinstance(document, dict) or document.get("format") != model_format:
        raise ConfigurationError(str(model_file), f"is not a {model_format} model file")
    return document


def read_weights(weights_file: Path) -> dict[str, npt.NDArray[np.float64]]:
    """Every array of ``weights.npz``, as float64."""
    try:
        with np.load(weights_file) as data:
            return {k: np.asarray(data[k], dtype=np.float64) for k in data.files}
    except (OSError, ValueError) as exc:
        raise ConfigurationError(str(weights_file), f"cannot read the weights: {exc}") from exc
