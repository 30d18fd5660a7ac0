"""Readers of the shared-task training corpora (PTC, SemEval-2023 Task 3, SemEval-2021 Task 6 memes).

The corpora live outside the repository (``../shared/data``, read-only, never committed); these readers
turn them into :class:`Corpus` records with span boundaries repaired where the data is known to be off.
"""

from propwatch.corpora.corpus import (
    BoundaryStats,
    Corpus,
    CorpusArticle,
    GoldSpan,
    Paragraph,
    boundary_stats,
    complete_short_end,
    corpus_boundary_stats,
    paragraph_ranges,
    read_article_text,
    trim_whitespace,
)
from propwatch.corpora.ptc import read_articles_folder, read_ptc, read_ptc_si
from propwatch.corpora.semeval2021 import read_semeval2021_memes
from propwatch.corpora.semeval2023 import LANGUAGES, read_semeval2023
from propwatch.corpora.split import ArticleSplit, split_by_article, split_fingerprint

__all__ = [
    "LANGUAGES",
    "ArticleSplit",
    "BoundaryStats",
    "Corpus",
    "CorpusArticle",
    "GoldSpan",
    "Paragraph",
    "boundary_stats",
    "complete_short_end",
    "corpus_boundary_stats",
    "paragraph_ranges",
    "read_article_text",
    "read_articles_folder",
    "read_ptc",
    "read_ptc_si",
    "read_semeval2021_memes",
    "read_semeval2023",
    "split_by_article",
    "split_fingerprint",
    "trim_whitespace",
]
