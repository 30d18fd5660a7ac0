"""Hidden states of the frozen lower encoder layers, computed once per run and cached on disk.

With ``frozen_layers = k`` the embedding block and layers ``0 … k-1`` never change, so the hidden states
entering layer ``k`` of a training window are the same at every step. Computing them once (eval mode:
frozen layers get no dropout) and training the upper layers on them leaves a step only the upper
layers' forward and backward: on 2 CPU cores with 8 of 12 layers frozen, about a third of a full step.

The cache is a float16 memmap of every window's rows (``<s>`` and ``</s>`` included) plus row offsets,
named by a hash of the inputs, in the checkpoint folder: a resumed run reads it instead of recomputing.
"""

from __future__ import annotations

import hashlib
import logging
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt
import torch

from propwatch.training.data import TokenizedArticle, Window, make_batch
from propwatch.training.model import TechniqueTagger

log = logging.getLogger(__name__)

FEATURE_BATCH = 16  # windows per forward pass while filling the cache


@dataclass(frozen=True)
class FrozenFeatures:
    """Cached hidden states entering encoder layer ``layer``, one row block per training window."""

    layer: int
    offsets: npt.NDArray[np.int64]  # [W + 1]: window w owns rows offsets[w]:offsets[w + 1]
    values: npt.NDArray[np.float16]  # [rows, hidden]

    def batch(self, windows: Sequence[int], device: torch.device | str = "cpu") -> torch.Tensor:
        """``[B, width, hidden]`` float32 on ``device``, zero-padded to the longest window (as in batches)."""
        lengths = [int(self.offsets[w + 1] - self.offsets[w]) for w in windows]
        out = np.zeros((len(windows), max(lengths), self.values.shape[1]), dtype=np.float32)
        for row, (window, length) in enumerate(zip(windows, lengths, strict=True)):
            out[row, :length] = self.values[self.offsets[window] : self.offsets[window] + length]
        return torch.from_numpy(out).to(device)


def cache_key(articles: Sequence[TokenizedArticle], windows: Sequence[Window], layer: int, base: str) -> str:
    """Hash of everything the cached states depend on: token ids, windows, layer and base encoder."""
    digest = hashlib.sha256(f"{base}|{layer}|{len(windows)}".encode())
    for article in articles:
        digest.update(article.ids.tobytes())
    digest.update(np.asarray([(w.article, w.start, w.end) for w in windows], dtype=np.int64).tobytes())
    return digest.hexdigest()[:16]


def frozen_features(
    tagger: TechniqueTagger,
    articles: Sequence[TokenizedArticle],
    windows: Sequence[Window],
    layer: int,
    folder: Path,
    *,
    base: str,
    specials: tuple[int, int, int],
    progress: Callable[[int, int], None] | None = None,
    device: torch.device | str = "cpu",
) -> FrozenFeatures:
    """The cached states of ``windows`` from ``folder``, computed (on ``device``) and written first when
    missing."""
    key = cache_key(articles, windows, layer, base)
    values_path = folder / f"frozen-L{layer}-{key}.f16.npy"
    offsets_path = folder / f"frozen-L{layer}-{key}.offsets.npy"
    lengths = np.asarray([w.length for w in windows], dtype=np.int64)
    offsets = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64)
    if values_path.is_file() and offsets_path.is_file() and np.array_equal(np.load(offsets_path), offsets):
        log.info("frozen-layer states read from %s", values_path)
        return FrozenFeatures(layer, offsets, np.load(values_path, mmap_mode="r"))
    folder.mkdir(parents=True, exist_ok=True)
    hidden = tagger.encoder.config.hidden_size
    partial = values_path.with_name(values_path.name + ".partial")
    values = np.lib.format.open_memmap(partial, mode="w+", dtype=np.float16, shape=(int(offsets[-1]), hidden))
    order = sorted(range(len(windows)), key=lambda i: (windows[i].length, i))  # little padding per pass
    bos, eos, pad = specials
    was_training = tagger.training
    tagger.eval()
    with torch.inference_mode():
        for first in range(0, len(order), FEATURE_BATCH):
            chosen = order[first : first + FEATURE_BATCH]
            batch = make_batch(articles, [windows[i] for i in chosen], bos=bos, eos=eos, pad=pad)
            states = tagger.lower_forward(
                torch.from_numpy(batch.ids).to(device), torch.from_numpy(batch.mask).to(device), layer
            ).cpu()
            for row, window in enumerate(chosen):
                values[offsets[window] : offsets[window + 1]] = states[row, : lengths[window]].numpy()
            if progress is not None:
                progress(min(first + FEATURE_BATCH, len(order)), len(order))
    tagger.train(was_training)
    values.flush()
    del values
    np.save(offsets_path, offsets)
    os.replace(partial, values_path)  # the complete file appears at once; a killed run leaves .partial
    log.info("frozen-layer states of %d windows written to %s", len(windows), values_path)
    return FrozenFeatures(layer, offsets, np.load(values_path, mmap_mode="r"))
