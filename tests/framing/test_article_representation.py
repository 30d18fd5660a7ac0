"""Article chunks and vectors: what the genre and frame heads read, with a fake encoder and token count."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from propwatch.framing.representation import (
    CHUNK_TOKENS,
    DIM,
    VECTOR_SIZE,
    ArticleEncoder,
    ChunkCache,
    FloatMatrix,
    article_chunks,
    article_vector,
    engine_token_count,
    normalize_text,
)


def count_words(text: str) -> int:
    """A stand-in for e5's token count: one token per word plus prefix and special tokens."""
    return len(text.split()) + 3


class CountingEncoder:
    """Deterministic fake embeddings (a hash of the text), remembering every text it was asked for."""

    def __init__(self) -> None:
        self.seen: list[str] = []

    def __call__(self, texts: Sequence[str]) -> FloatMatrix:
        self.seen.extend(texts)
        out = np.zeros((len(texts), DIM), dtype=np.float32)
        for row, text in enumerate(texts):
            rng = np.random.default_rng(abs(hash(text)) % 2**32)
            vector = rng.normal(size=DIM)
            out[row] = vector / np.linalg.norm(vector)
        return out


def test_normalize_text() -> None:
    assert normalize_text("\ufeffA  b\r\n c https://x.org/p?q=1 end ") == "A b c URL end"


def test_paragraphs_are_packed_into_chunks_up_to_the_limit() -> None:
    text = "Title here\n\none two three\r\nfour five six seven\n\neight nine\nten eleven twelve"
    chunks = article_chunks(text, None, count_words, chunk_tokens=3 + 7, max_chunks=5)
    assert chunks == ["Title here one two three", "four five six seven eight nine", "ten eleven twelve"]
    assert all(count_words(c) <= 10 for c in chunks)


def test_only_the_first_chunks_are_read() -> None:
    text = "\n".join(f"paragraph {i} has five words" for i in range(20))
    chunks = article_chunks(text, None, count_words, chunk_tokens=3 + 10, max_chunks=2)
    assert chunks == [
        "paragraph 0 has five words paragraph 1 has five words",
        "paragraph 2 has five words paragraph 3 has five words",
    ]


def test_a_long_paragraph_is_cut_between_words() -> None:
    words = [f"w{i}" for i in range(25)]
    chunks = article_chunks(" ".join(words), None, count_words, chunk_tokens=3 + 10, max_chunks=3)
    assert chunks == [" ".join(words[:10]), " ".join(words[10:20]), " ".join(words[20:])]


def test_a_word_too_long_for_a_chunk_is_cut_between_characters() -> None:
    # A 2-million-letter line was one chunk: the encoder ran on all of it and analyze never ended.
    def count_letters(text: str) -> int:
        return 3 + len(text)

    chunks = article_chunks(
        "x" * 2_000_000 + " tail", None, count_letters, chunk_tokens=3 + 100, max_chunks=2
    )
    assert chunks == ["x" * 100, "x" * 100]


def test_a_line_without_spaces_is_read_in_bounded_chunks_by_e5() -> None:
    chunks = article_chunks("ab" * 100_000)
    assert len(chunks) == 2 and all(engine_token_count(c) <= CHUNK_TOKENS for c in chunks)


def test_the_title_comes_first_unless_the_text_starts_with_it() -> None:
    assert article_chunks("Body text.", "A title", count_words)[0] == "A title Body text."
    assert article_chunks("A title\n\nBody text.", "A title", count_words) == ["A title Body text."]
    assert article_chunks("   \n", None, count_words) == ["."]


def test_article_vector_is_normalised_mean_then_first_chunk() -> None:
    chunks = np.zeros((2, DIM), dtype=np.float32)
    chunks[0, 0] = 1.0
    chunks[1, 1] = 1.0
    vector = article_vector(chunks)
    assert vector.shape == (VECTOR_SIZE,)
    assert vector[0] == pytest.approx(2**-0.5) and vector[1] == pytest.approx(2**-0.5)
    assert vector[DIM] == 1.0 and vector[DIM + 1] == 0.0
    single = article_vector(chunks[:1])
    assert np.array_equal(single[:DIM], single[DIM:])


def test_article_encoder_embeds_each_article_once() -> None:
    encoder = CountingEncoder()
    articles = ArticleEncoder(encoder, count_words, remember=4)
    first = articles.vectors([("T1", "one two"), ("T2", "three four")])
    assert len(encoder.seen) == 2
    again = articles.vectors([("T2", "three four"), ("T1", "one two")])
    assert len(encoder.seen) == 2, "the second analyzer of a run must not embed again"
    assert np.array_equal(again[0], first[1]) and np.array_equal(again[1], first[0])
    for n in range(5):
        articles.vectors([(None, f"other article {n}")])
    articles.vectors([("T1", "one two")])
    assert len(encoder.seen) == 2 + 5 + 1, "only the last few articles are remembered"


def test_chunk_cache_resumes_from_disk(tmp_path: Path) -> None:
    encoder = CountingEncoder()
    cache = ChunkCache(tmp_path / "cache")
    vectors = cache.embed(["a b", "c d", "a b"], encoder, save_every=1)
    assert encoder.seen == ["a b", "c d"] and len(list((tmp_path / "cache").glob("part-*.npz"))) == 2
    (tmp_path / "cache" / "part-00009.npz").write_bytes(b"cut short")
    reopened = ChunkCache(tmp_path / "cache")
    assert len(reopened) == 2
    again = reopened.embed(["c d", "a b"], encoder)
    assert encoder.seen == ["a b", "c d"]
    assert np.array_equal(again[0], vectors[1]) and np.array_equal(again[1], vectors[0])


def test_shouted_paragraphs_are_encoded_in_ordinary_case() -> None:
    """The article vector, like the technique model, reads a rant in capitals as ordinary text."""
    from propwatch.framing.representation import ArticleEncoder

    seen: list[str] = []

    def encode(texts: Sequence[str]) -> np.ndarray:
        seen.extend(texts)
        return np.ones((len(texts), 384), dtype=np.float32)

    shouted = "\n".join(
        [
            "THE US AND NATO REFUSED TO DISCUSS THE KEY ISSUES WITH RUSSIA.",
            "THEY WANT WAR, NOT PEACE IN EUROPE.",
        ]
    )
    ArticleEncoder(encode, count=lambda text: len(text.split())).vectors([(None, shouted)])
    assert "The us and nato refused" in " ".join(seen) and "REFUSED" not in " ".join(seen)
