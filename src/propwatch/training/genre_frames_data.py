"""The genre/frames training data: SemEval-2023 Task 3 subtask-1 and -2 train articles of six languages,
their split (the technique model's, so no article is on two sides across models) and article vectors."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from propwatch.corpora.corpus import read_article_text
from propwatch.corpora.semeval2023 import LANGUAGES as ISO_OF
from propwatch.corpora.split import ArticleSplit, split_by_article
from propwatch.errors import InputNotFoundError
from propwatch.evaluation.semeval23_articles import read_frame_labels, read_genre_labels
from propwatch.framing.representation import (
    ChunkCache,
    CountTokens,
    Encode,
    FloatMatrix,
    article_chunks,
    article_vector,
)
from propwatch.ingest.shared_task import shared_task_id

Progress = Callable[[str], None]

SEMEVAL23_FOLDER = "semeval2023_task3"
LANGUAGE_CODES = ("en", "fr", "ge", "it", "po", "ru")


@dataclass(frozen=True)
class LabelledArticle:
    """One training article with its genre (subtask 1) and/or frames (subtask 2)."""

    code: str  # SemEval-2023 folder code (``ge``, ``po``…)
    article_id: str
    text: str
    genre: str | None
    frames: tuple[str, ...] | None

    @property
    def key(self) -> str:
        """``code:id``, unique across languages (ids are unique per language only)."""
        return f"{self.code}:{self.article_id}"

    @property
    def language(self) -> str:
        return ISO_OF[self.code]


def _article_files(folder: Path) -> dict[str, Path]:
    if not folder.is_dir():
        return {}
    return {i: p for p in folder.iterdir() if (i := shared_task_id(p)) is not None}


def read_labelled_articles(data_dir: Path, codes: Sequence[str] | None = None) -> list[LabelledArticle]:
    """Subtask-1 and subtask-2 train articles of ``codes`` (default: every language folder there), merged
    by id, sorted by language and id."""
    semeval = data_dir / SEMEVAL23_FOLDER
    if not semeval.is_dir():
        raise InputNotFoundError(str(semeval), "no SemEval-2023 Task 3 data here")
    chosen = codes if codes is not None else [c for c in LANGUAGE_CODES if (semeval / c).is_dir()]
    if not chosen:
        raise InputNotFoundError(
            str(semeval), f"holds none of the language folders {', '.join(LANGUAGE_CODES)}"
        )
    found: list[LabelledArticle] = []
    for code in chosen:
        base = semeval / code
        genres = {r.article_id: r.labels for r in read_genre_labels(base / "train-labels-subtask-1.txt")}
        frames = {r.article_id: r.labels for r in read_frame_labels(base / "train-labels-subtask-2.txt")}
        files = {
            **_article_files(base / "train-articles-subtask-1"),
            **_article_files(base / "train-articles-subtask-2"),  # the frames folder wins: same texts
        }
        for article_id in sorted(set(genres) | set(frames), key=lambda i: (len(i), i)):
            path = files.get(article_id)
            if path is None:
                raise InputNotFoundError(
                    str(base), f"article {article_id} is labelled but has no article file"
                )
            found.append(
                LabelledArticle(
                    code=code,
                    article_id=article_id,
                    text=read_article_text(path),
                    genre=genres[article_id][0] if article_id in genres else None,
                    frames=tuple(dict.fromkeys(frames[article_id])) if article_id in frames else None,
                )
            )
    return found


def split_articles(
    data_dir: Path, articles: Sequence[LabelledArticle], seed: int = 13, fraction: float = 0.15
) -> dict[str, ArticleSplit]:
    """Per language: the subtask-3 ids split as the technique model splits them, the others on their own."""
    splits: dict[str, ArticleSplit] = {}
    for code in sorted({a.code for a in articles}, key=LANGUAGE_CODES.index):
        ids = {a.article_id for a in articles if a.code == code}
        technique_ids = set(_article_files(data_dir / SEMEVAL23_FOLDER / code / "train-articles-subtask-3"))
        shared = split_by_article(technique_ids, seed=seed, fraction=fraction)
        extra_ids = ids - technique_ids
        extra = (
            split_by_article(extra_ids, seed=seed, fraction=fraction) if extra_ids else ArticleSplit((), ())
        )
        validation = (set(shared.validation) | set(extra.validation)) & ids
        splits[code] = ArticleSplit(
            train=tuple(sorted(ids - validation)), validation=tuple(sorted(validation))
        )
    return splits


def embed_articles(
    articles: Sequence[LabelledArticle],
    cache: ChunkCache,
    encode: Encode,
    count: CountTokens,
    progress: Progress | None = None,
) -> FloatMatrix:
    """The article vectors of ``articles`` (chunk embeddings from ``cache`` where it has them)."""
    say = progress or (lambda _message: None)
    chunked = [article_chunks(a.text, None, count) for a in articles]
    flat = [c for chunks in chunked for c in chunks]
    say(f"embedding {len(articles)} articles: {len(flat)} chunks ({len(cache)} cached)")
    vectors = cache.embed(flat, encode, progress=lambda done, total: say(f"embedded {done}/{total} chunks"))
    out = np.zeros((len(articles), 2 * vectors.shape[1]), dtype=np.float32)
    position = 0
    for row, chunks in enumerate(chunked):
        out[row] = article_vector(vectors[position : position + len(chunks)])
        position += len(chunks)
    return out
