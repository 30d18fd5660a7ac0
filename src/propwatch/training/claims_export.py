"""Export of the check-worthiness classifier's trained upper layers to int8 ONNX, and scoring the
exported graph on cached lower-layer states (what inference computes), for the training recipe in
:mod:`propwatch.training.claims_finetune`."""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt
import torch
from torch import nn

from propwatch.claims.model import ENCODER_FILE
from propwatch.models.onnx_session import cpu_session
from propwatch.training.export import quantize

if TYPE_CHECKING:
    from propwatch.training.claims_finetune import SentenceClassifier
    from propwatch.training.claims_states import LowerStates

FloatArray = npt.NDArray[np.float64]


class UpperGraph(nn.Module):
    """The exported graph: ``hidden_states [B,T,H]`` + ``attention_mask [B,T]`` → ``logits [B]``."""

    def __init__(self, classifier: SentenceClassifier, first: int) -> None:
        super().__init__()
        self.classifier = classifier
        self.first = first

    def forward(self, hidden_states: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        return self.classifier.upper(hidden_states, attention_mask, self.first)


def member_file(member: int) -> str:
    """The upper graph's file name of ensemble member ``member`` (1: the single model's file)."""
    return ENCODER_FILE if member == 1 else f"encoder-{member}.onnx"


def export_upper(classifier: SentenceClassifier, first: int, folder: Path, name: str = ENCODER_FILE) -> Path:
    """int8 ONNX (per-channel, dynamic quantisation) of the trained layers, pooling and head."""
    classifier.eval()
    classifier.encoder.set_attn_implementation("eager")
    hidden = classifier.encoder.config.hidden_size
    states, mask = torch.randn(2, 7, hidden), torch.ones(2, 7, dtype=torch.int64)
    mask[1, 5:] = 0
    fp32 = folder / "upper.fp32.onnx"
    with warnings.catch_warnings(), torch.no_grad():
        warnings.simplefilter("ignore")  # the TorchScript exporter's deprecation notices
        torch.onnx.export(
            UpperGraph(classifier, first).eval(),
            (states, mask),
            str(fp32),
            input_names=["hidden_states", "attention_mask"],
            output_names=["logits"],
            dynamic_axes={
                "hidden_states": {0: "batch", 1: "sequence"},
                "attention_mask": {0: "batch", 1: "sequence"},
                "logits": {0: "batch"},
            },
            opset_version=17,
            do_constant_folding=True,
            dynamo=False,
        )
    target = folder / name
    quantize(fp32, target)
    fp32.unlink()
    return target


def onnx_logits(path: Path, states: LowerStates, rows: Sequence[int], threads: int) -> FloatArray:
    """Logits of the exported graph on the cached lower-layer states (what inference computes)."""
    session = cpu_session(path, threads)
    out = np.zeros(len(rows), dtype=np.float64)
    order = sorted(range(len(rows)), key=lambda i: int(states.offsets[rows[i] + 1] - states.offsets[rows[i]]))
    for start in range(0, len(order), 64):
        chosen = order[start : start + 64]
        hidden, mask = states.batch([rows[i] for i in chosen])
        (logits,) = session.run(["logits"], {"hidden_states": hidden.numpy(), "attention_mask": mask.numpy()})
        out[chosen] = np.asarray(logits, dtype=np.float64).reshape(-1)
    return out
