"""Opening an ONNX encoder for CPU inference, the same way for every model (numpy + onnxruntime)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from propwatch.errors import AnalyzerError


def cpu_session(
    path: Path, threads: int, *, missing: str = "missing: the model folder has no encoder"
) -> Any:
    """An onnxruntime CPU session of ``path`` with ``threads`` intra-op threads (0: onnxruntime's
    choice); AnalyzerError naming the file when it is missing (``missing`` says why) or damaged."""
    import onnxruntime as ort  # type: ignore[import-untyped]

    if not path.is_file():
        raise AnalyzerError(str(path), missing)
    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    # Idle threads sleep instead of spinning: calls are large ops, and cores are often shared.
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    try:
        return ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
    except Exception as error:  # onnxruntime raises its own untyped errors for a damaged graph
        raise AnalyzerError(str(path), f"cannot be loaded by onnxruntime: {error}") from error
