"""The library functions every front end calls: read sources, analyse, store, report per input.

The CLI, the REST API and the batch runner only parse their input, call one of these and format
what comes back; nothing here prints.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import BinaryIO

from propwatch.domain import Analysis, Article, Failure
from propwatch.errors import PropwatchError
from propwatch.ingest.sources import iter_many
from propwatch.pipeline import Pipeline, batched
from propwatch.settings import Settings
from propwatch.storage.store import ArticleStore


@dataclass(frozen=True)
class Outcome:
    """What happened to one article or one input that failed."""

    analysis: Analysis | None = None
    failure: Failure | None = None
    article_stored: bool = False  # False also when not storing at all
    analysis_stored: bool = False

    @property
    def ok(self) -> bool:
        return self.failure is None


def _input_name(article: Article) -> str:
    return article.origin or article.url or article.id


def analyze_sources(
    sources: Iterable[str],
    settings: Settings,
    *,
    store: ArticleStore | None = None,
    pipeline: Pipeline | None = None,
    stdin: BinaryIO | None = None,
) -> Iterator[Outcome]:
    """Read every source, analyse its articles in batches, store them when ``store`` is given.

    Bad inputs and analyzer failures come back as Outcomes with a Failure; the rest goes on.
    """
    pipeline = pipeline or Pipeline.from_settings(settings)
    for chunk in batched(iter_many(sources, settings, stdin=stdin), settings.batch_size):
        articles = [item for item in chunk if isinstance(item, Article)]
        try:
            analyses = iter(pipeline.run(articles))
        except PropwatchError as exc:
            failed = {
                id(article): Failure(input=_input_name(article), reason=str(exc)) for article in articles
            }
            analyses = None
        for item in chunk:
            if isinstance(item, Failure):
                yield Outcome(failure=item)
            elif analyses is None:
                yield Outcome(failure=failed[id(item)])
            else:
                yield _stored(next(analyses), store)


def _stored(analysis: Analysis, store: ArticleStore | None) -> Outcome:
    if store is None:
        return Outcome(analysis=analysis)
    saved = store.save_analysis(analysis)
    return Outcome(
        analysis=analysis, article_stored=saved.article_stored, analysis_stored=saved.analysis_stored
    )


def ingest_sources(
    sources: Iterable[str], settings: Settings, *, store: ArticleStore, stdin: BinaryIO | None = None
) -> Iterator[Outcome]:
    """Read and store articles without analysing them (re-ingesting the same text changes nothing)."""
    for item in iter_many(sources, settings, stdin=stdin):
        if isinstance(item, Failure):
            yield Outcome(failure=item)
        else:
            yield Outcome(analysis=Analysis(article=item), article_stored=store.save_article(item))
