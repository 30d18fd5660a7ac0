"""propwatch.storage: articles and analyses in SQLite or PostgreSQL, with full-text search."""

from propwatch.storage.records import ArticleSummary, SaveOutcome, SearchHit
from propwatch.storage.search import SNIPPET_END, SNIPPET_START, snippet_text
from propwatch.storage.store import ArticleStore

__all__ = [
    "SNIPPET_END",
    "SNIPPET_START",
    "ArticleStore",
    "ArticleSummary",
    "SaveOutcome",
    "SearchHit",
    "snippet_text",
]
