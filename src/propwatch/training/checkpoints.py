"""Checkpoints of a training run: trainable weights, optimizer, scheduler, RNG states and step.

Files are ``step-000050.pt`` in the checkpoint folder, written to a temporary name and renamed, so a
run killed while saving leaves the previous checkpoint intact. Only the newest ``keep`` are kept.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import torch

from propwatch.errors import ConfigurationError, StorageError

_NAME = re.compile(r"step-(\d{6,})\.pt")
# Settings that do not change the trained weights (min_span_precision only steers decoding after
# training): a run may be resumed with other values.
# Fields that do not change the weights: a checkpoint resumes under other values (or without them).
_OPERATIONAL = frozenset(
    {"checkpoint_every", "keep_checkpoints", "threads", "version", "min_span_precision", "span_hysteresis"}
)


@dataclass(frozen=True)
class Checkpoint:
    step: int
    path: Path


def list_checkpoints(folder: Path) -> list[Checkpoint]:
    """Checkpoints in ``folder``, oldest first."""
    if not folder.is_dir():
        return []
    found = [
        Checkpoint(int(match.group(1)), path)
        for path in folder.iterdir()
        if (match := _NAME.fullmatch(path.name))
    ]
    return sorted(found, key=lambda c: c.step)


def refuse_another_run(folder: Path, *, resume: bool) -> None:
    """A run started afresh (no ``resume``) in a folder holding checkpoints is refused: pruning keeps the
    highest step numbers whoever wrote them, so the new run's own checkpoints would be deleted."""
    found = list_checkpoints(folder)
    if found and not resume:
        raise ConfigurationError(
            str(folder),
            f"holds the checkpoints of an earlier run (up to {found[-1].path.name}); continue that run "
            "with --resume, or give another (or an empty) checkpoint folder",
        )


def rng_state() -> dict[str, Any]:
    state = {"torch": torch.get_rng_state(), "numpy": np.random.get_state(), "random": random.getstate()}
    # Dropout on a GPU draws from the GPU's generator: an exact resume there needs its state too.
    if torch.cuda.is_available() and torch.cuda.is_initialized():  # type: ignore[no-untyped-call]
        state["cuda"] = torch.cuda.get_rng_state_all()
    return state


def restore_rng(state: dict[str, Any]) -> None:
    torch.set_rng_state(state["torch"])
    np.random.set_state(state["numpy"])
    random.setstate(state["random"])
    if "cuda" in state and torch.cuda.is_available() and torch.cuda.device_count() >= len(state["cuda"]):
        torch.cuda.set_rng_state_all(state["cuda"])


def save_checkpoint(folder: Path, step: int, payload: dict[str, Any], keep: int) -> Path:
    """Write ``payload`` (plus step and RNG states) as the step's checkpoint; prune old ones."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"step-{step:06d}.pt"
    partial = path.with_suffix(".pt.partial")
    try:
        torch.save({**payload, "step": step, "rng": rng_state()}, partial)
        partial.replace(path)
    except OSError as error:
        raise StorageError(str(path), f"cannot write checkpoint: {error}") from error
    for old in list_checkpoints(folder)[:-keep]:
        old.path.unlink(missing_ok=True)
    return path


def load_latest(folder: Path, config: dict[str, Any]) -> dict[str, Any] | None:
    """The newest checkpoint's payload, or None when there is none; it must come from the same config."""
    checkpoints = list_checkpoints(folder)
    if not checkpoints:
        return None
    latest = checkpoints[-1]
    payload: dict[str, Any] = torch.load(latest.path, map_location="cpu", weights_only=False)
    saved = payload.get("config") or {}
    changed = sorted(
        k for k in set(saved) | set(config) if k not in _OPERATIONAL and saved.get(k) != config.get(k)
    )
    if changed:
        raise ConfigurationError(
            str(latest.path),
            f"checkpoint was written with another config (differs in {', '.join(changed[:5])}); "
            "resume with the same config or use a fresh checkpoint folder",
        )
    return payload
