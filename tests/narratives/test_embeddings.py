from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from propwatch.narratives.embeddings import Embedder, EmbeddingCache, FloatMatrix, Progress
from propwatch.settings import Settings


class CountingEmbedder(Embedder):
    def __init__(self, settings: Settings) -> None:
        super().__init__(settings)
        self.embedded: list[str] = []

    def passages(self, texts: Sequence[str], progress: Progress | None = None) -> FloatMatrix:
        self.embedded.extend(texts)
        return super().passages(texts, progress)


def test_vectors_are_normalised_and_sides_differ(settings: Settings) -> None:
    embedder = Embedder(settings)
    texts = ["NATO is moving east.", "The weather is fine today."]
    queries, passages = embedder.queries(texts), embedder.passages(texts)
    assert queries.shape == passages.shape == (2, 384)
    assert np.allclose(np.linalg.norm(queries, axis=1), 1.0, atol=1e-3)
    assert not np.allclose(queries, passages)  # the engine adds different prefixes
    assert embedder.queries([]).shape == (0, 384)


def test_a_russian_sentence_is_closest_to_its_english_counterpart(settings: Settings) -> None:
    embedder = Embedder(settings)
    russian = embedder.queries(["Пентагон разрабатывает биологическое оружие в лабораториях на Украине."])
    english = embedder.passages(
        [
            "The Pentagon develops biological weapons in laboratories in Ukraine.",
            "Sanctions against Russia are hurting European farmers.",
            "The European Union is about to fall apart.",
        ]
    )
    assert int((russian @ english.T).argmax()) == 0


def test_cache_reuses_vectors_for_the_same_texts(tmp_path: Path, settings: Settings) -> None:
    embedder = CountingEmbedder(settings)
    cache = EmbeddingCache(tmp_path / "cache")
    texts = ["first passage", "second passage"]
    first = cache.passages(embedder, texts)
    assert embedder.embedded == texts
    second = cache.passages(embedder, texts)
    assert embedder.embedded == texts  # nothing embedded again
    assert np.array_equal(first, second)
    files = list((tmp_path / "cache").iterdir())
    assert [f.suffix for f in files] == [".npy"]  # one file, no temporary left behind

    cache.passages(embedder, [*texts, "third"])  # other content, other key
    assert embedder.embedded[-3:] == [*texts, "third"]
    assert len(list((tmp_path / "cache").iterdir())) == 2


def test_damaged_cache_file_is_recomputed(tmp_path: Path, settings: Settings) -> None:
    embedder = CountingEmbedder(settings)
    cache = EmbeddingCache(tmp_path / "cache")
    texts = ["a passage"]
    good = cache.passages(embedder, texts)
    [path] = (tmp_path / "cache").iterdir()
    path.write_bytes(b"not numpy")
    again = cache.passages(embedder, texts)
    assert embedder.embedded == texts * 2
    assert np.allclose(good, again)


def test_unwritable_cache_does_not_stop_embedding(tmp_path: Path, settings: Settings) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    cache = EmbeddingCache(blocker / "cache")  # a folder under a file cannot be made
    vectors = cache.passages(Embedder(settings), ["still embedded"])
    assert vectors.shape == (1, 384)
