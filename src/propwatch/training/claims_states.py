"""The frozen lower layers' output for the check-worthiness fine-tuning, computed once and cached on
disk: training runs the trained upper layers on it, and so does scoring of the exported graph."""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt
import torch

from propwatch.claims.encoder import encoder_base

if TYPE_CHECKING:
    from propwatch.training.claims_finetune import SentenceClassifier

Progress = Callable[[str], None]


@dataclass(frozen=True)
class LowerStates:
    """Cached float16 hidden states entering the first trained layer, one row block per sentence."""

    offsets: npt.NDArray[np.int64]
    values: npt.NDArray[np.float16]

    def batch(self, rows: Sequence[int]) -> tuple[torch.Tensor, torch.Tensor]:
        lengths = [int(self.offsets[r + 1] - self.offsets[r]) for r in rows]
        out = np.zeros((len(rows), max(lengths), self.values.shape[1]), dtype=np.float32)
        mask = np.zeros((len(rows), max(lengths)), dtype=np.int64)
        for index, (row, length) in enumerate(zip(rows, lengths, strict=True)):
            out[index, :length] = self.values[self.offsets[row] : self.offsets[row] + length]
            mask[index, :length] = 1
        return torch.from_numpy(out), torch.from_numpy(mask)


def lower_states(
    classifier: SentenceClassifier,
    ids: Sequence[npt.NDArray[np.int64]],
    layers: int,
    folder: Path,
    pad: int,
    say: Progress,
) -> LowerStates:
    """The states entering layer ``layers`` of each tokenised sentence of ``ids``, from the cache in
    ``folder`` (keyed by the encoder file, the layer and the tokens) or computed once and saved there."""
    digest = hashlib.sha256(f"{encoder_base()}|{layers}|{len(ids)}".encode())
    for tokens in ids:
        digest.update(tokens.tobytes() + b"|")
    key = digest.hexdigest()[:16]
    values_path, offsets_path = (
        folder / f"lower-L{layers}-{key}.f16.npy",
        folder / f"lower-L{layers}-{key}.off.npy",
    )
    offsets = np.concatenate([[0], np.cumsum([len(r) for r in ids])]).astype(np.int64)
    if values_path.is_file() and offsets_path.is_file():
        say(f"lower-layer states read from {values_path}")
        return LowerStates(np.load(offsets_path), np.load(values_path, mmap_mode="r"))
    folder.mkdir(parents=True, exist_ok=True)
    partial = values_path.with_name(values_path.name + ".partial")
    hidden = classifier.encoder.config.hidden_size
    values = np.lib.format.open_memmap(partial, mode="w+", dtype=np.float16, shape=(int(offsets[-1]), hidden))
    order = sorted(range(len(ids)), key=lambda i: (len(ids[i]), i))
    started = time.monotonic()
    classifier.eval()
    step = 64
    with torch.inference_mode():
        for first in range(0, len(order), step):
            chosen = order[first : first + step]
            width = max(len(ids[i]) for i in chosen)
            batch = np.full((len(chosen), width), pad, dtype=np.int64)
            mask = np.zeros((len(chosen), width), dtype=np.int64)
            for row, index in enumerate(chosen):
                batch[row, : len(ids[index])] = ids[index]
                mask[row, : len(ids[index])] = 1
            states = classifier.lower(torch.from_numpy(batch), torch.from_numpy(mask), layers).numpy()
            for row, index in enumerate(chosen):
                values[offsets[index] : offsets[index + 1]] = states[row, : len(ids[index])]
            done = min(first + step, len(order))
            if (first // step) % 20 == 0 or done == len(order):
                elapsed = time.monotonic() - started
                say(
                    f"lower layers {done}/{len(order)} ({elapsed:.0f}s, "
                    f"ETA {elapsed / done * (len(order) - done):.0f}s)"
                )
    values.flush()
    del values
    np.save(offsets_path, offsets)
    partial.replace(values_path)
    return LowerStates(offsets, np.load(values_path, mmap_mode="r"))
