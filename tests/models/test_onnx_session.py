from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

CLAIMS_GRAPH = Path(__file__).parents[2] / "src/propwatch/models/claims/encoder.onnx"


def test_opening_a_model_writes_no_telemetry_id(tmp_path: Path) -> None:
    # onnxruntime wrote ~/.cache/Microsoft/…/deviceid and looked up its telemetry host on every run.
    env = {k: v for k, v in os.environ.items() if k != "ORT_DISABLE_TELEMETRY"}
    env["HOME"] = str(tmp_path)
    code = (
        "from pathlib import Path; from propwatch.models.onnx_session import cpu_session; "
        f"cpu_session(Path({str(CLAIMS_GRAPH)!r}), 1)"
    )
    subprocess.run([sys.executable, "-c", code], env=env, check=True, timeout=120)
    assert not (tmp_path / ".cache" / "Microsoft").exists()
