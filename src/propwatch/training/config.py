"""A technique-model training run's settings (:class:`TrainConfig`) and outcome (:class:`TrainResult`).

Every choice that changes the model is a field here, so ``model.json`` can record the run exactly.
The defaults are the ones of the first release, chosen by a short step-time measurement on 2 CPU
cores (see ``frozen_layers`` and ``max_steps``).
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from propwatch.errors import ConfigurationError, DecodingError, InputNotFoundError

# model.json `training` keys that record the run's outcome, not a setting: --config ignores them.
RECORDED_KEYS: Final = frozenset(
    {
        "split",
        "split_fingerprints",
        "data",
        "positive_rates",
        "pos_weight",
        "steps",
        "passes_over_data",
        "minutes",
        "finalize_minutes",
        "loss",
        "software",
    }
)


class TrainConfig(BaseModel):
    """Hyper-parameters and data choices of one training run (JSON round-trips exactly)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    seed: int = Field(default=13, description="Seeds torch, numpy, random, the data order and the split.")
    languages: tuple[str, ...] = Field(
        default=("en", "fr", "ge", "it", "po", "ru"), description="SemEval-2023 Task 3 folder codes."
    )
    validation_fraction: float = Field(default=0.15, gt=0, lt=1, description="Share of articles held out.")
    window_tokens: int = Field(default=256, ge=8, description="Window length including <s> and </s>.")
    stride_tokens: int = Field(default=192, ge=1, description="Tokens between consecutive window starts.")
    batch_size: int = Field(default=16, ge=1)
    max_steps: int = Field(
        default=300,
        ge=1,
        description="Optimizer steps. A step (batch 16 × 256, 8 frozen layers) costs ~17 CPU-seconds, "
        "~9 s on 2 idle cores; measured median 13 s, mean 16 s, max 48 s with the 2 cores at load 5-10: "
        "300 steps ≈ 45-90 min. 300 × 16 = 4,800 windows, about 0.75 of a pass over the 6,369.",
    )
    learning_rate: float = Field(default=5e-5, gt=0, description="Peak learning rate of the encoder.")
    head_learning_rate: float = Field(default=1e-3, gt=0, description="Peak learning rate of the head.")
    weight_decay: float = Field(default=0.01, ge=0)
    warmup_fraction: float = Field(default=0.06, ge=0, lt=1, description="Linear warm-up, then linear decay.")
    grad_clip: float = Field(default=1.0, gt=0)
    frozen_layers: int = Field(
        default=8,
        ge=0,
        description="Lowest encoder layers kept frozen (with the embedding block). Measured on 2 cores: "
        "batch 16 × 256 took ~7.4 s per step with none frozen and ~5.2 s with 4; with the machine shared "
        "(load 6-8) 4 frozen ran at 30-43 s per step, far over an hour for one pass. Backward through "
        "4 of 12 layers (8 frozen) costs ~30% less again; the upper layers and the head carry the "
        "task-specific change in token tagging, the low layers change least in fine-tuning.",
    )
    cache_frozen_features: bool = Field(
        default=True,
        description="Compute the frozen layers' output once per window and train the upper layers on it "
        "(frozen layers then run without dropout). Same model, a fraction of the step time.",
    )
    encoder_layers: int | None = Field(
        default=None, ge=1, description="Keep only the lowest N encoder layers (None: all 12; tests use 1)."
    )
    dropout: float = Field(default=0.1, ge=0, lt=1, description="Dropout before the head.")
    pos_weight_power: float = Field(
        default=0.5,
        ge=0,
        description="pos_weight of a channel = (negatives/positives) ** power, capped: 0 disables it. "
        "Begin positives are ~0.2-1% of tokens and inside ~1-10%: unweighted, rare techniques get "
        "almost no gradient in a one-hour run.",
    )
    pos_weight_cap: float = Field(default=10.0, ge=1)
    bucket_batches: int = Field(
        default=8, ge=1, description="Batches sorted by length together (less padding, same data order)."
    )
    checkpoint_every: int = Field(default=50, ge=1, description="Steps between checkpoints.")
    keep_checkpoints: int = Field(default=2, ge=1)
    threads: int = Field(default=2, ge=1, description="torch.set_num_threads.")
    min_calibration_positives: int = Field(
        default=20, ge=1, description="Fewer positive validation tokens than this: no calibration."
    )
    min_span_precision: float = Field(
        default=0.0,
        ge=0,
        le=1,
        description="A technique's threshold must give at least this span precision (SI formula) on "
        "validation; when no threshold does, it gets the highest one. 0: thresholds maximise F1 alone.",
    )
    span_hysteresis: float = Field(
        default=0.5,
        ge=0,
        lt=1,
        description="A technique span's run goes on down to threshold * (1 - this) once a token reaches "
        "the threshold (0: runs of tokens at or above the threshold, as releases before 2026.12.10 "
        "were trained; 0.5 won on validation and on unseen meme texts, see the technique card).",
    )
    version: str = Field(default="2026.11.1", description="Calendar version written to model.json.")

    @classmethod
    def from_file(cls, path: Path, **overrides: Any) -> TrainConfig:
        """A JSON config file, with ``overrides`` (non-None values) on top; a model.json ``training``
        block is one too (its :data:`RECORDED_KEYS` are ignored)."""
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError as error:
            raise InputNotFoundError(str(path), "no such config file") from error
        except IsADirectoryError as error:
            raise InputNotFoundError(str(path), "is a folder, expected a JSON config file") from error
        except UnicodeDecodeError as error:
            raise DecodingError(
                str(path), f"not UTF-8 text ({error.reason} at byte {error.start})"
            ) from error
        except OSError as error:
            raise InputNotFoundError(str(path), f"cannot be read: {error.strerror or error}") from error
        except json.JSONDecodeError as error:
            raise ConfigurationError(str(path), f"not JSON: {error.msg} at line {error.lineno}") from error
        if not isinstance(data, dict):
            raise ConfigurationError(str(path), "a training config must be a JSON object")
        settings = {k: v for k, v in data.items() if k not in RECORDED_KEYS or k in cls.model_fields}
        return cls.build(str(path), {**settings, **{k: v for k, v in overrides.items() if v is not None}})

    @classmethod
    def build(cls, where: str, values: dict[str, Any]) -> TrainConfig:
        """Validate ``values``; errors name ``where`` and the offending field."""
        unknown = sorted(str(k) for k in values if k not in cls.model_fields)
        if unknown:  # all at once: a config copied from elsewhere may hold several
            raise ConfigurationError(
                where, f"unknown keys {', '.join(unknown)}: not training settings (TrainConfig fields)"
            )
        try:
            config = cls(**values)
        except ValidationError as error:
            problem = error.errors()[0]
            name = ".".join(str(p) for p in problem["loc"]) or "config"
            raise ConfigurationError(f"{where}: {name}", problem["msg"]) from error
        if config.stride_tokens > config.window_tokens - 2:
            raise ConfigurationError(f"{where}: stride_tokens", "must not exceed window_tokens - 2")
        return config


def config_for_passes(
    name: str, recipe: Mapping[str, Any], windows: int, passes: float, overrides: Mapping[str, Any] | None
) -> TrainConfig:
    """``recipe`` with ``overrides`` on top, its ``max_steps`` (unless given) ``passes`` over ``windows``
    training windows in batches; errors name ``name``."""
    values: dict[str, Any] = {**recipe, **(overrides or {})}
    batch = int(values.get("batch_size", TrainConfig.model_fields["batch_size"].default))
    values.setdefault("max_steps", max(1, math.ceil(passes * windows / batch)))
    return TrainConfig.build(name, values)


@dataclass(frozen=True)
class TrainResult:
    """Where the artifact went and how the run went."""

    artifact_dir: Path
    steps: int
    minutes: float
    final_loss: float
    validation: dict[str, Any] = field(default_factory=dict)
    onnx_max_abs_diff: float = 0.0


@dataclass(frozen=True)
class StepReport:
    """One optimizer step, for progress display."""

    step: int
    max_steps: int
    loss: float
    seconds: float
    phase: str = "train"
