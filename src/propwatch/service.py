"""The library functions every front end calls: read sources, analyse, store, report per input.

The CLI, the REST API and the batch runner only parse their input, call one of these and format
what comes back; nothing here prints.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from difflib import get_close_matches
from typing import BinaryIO

from pydantic import ValidationError

from propwatch.domain import Analysis, Article, Failure
from propwatch.errors import (
    BlockedInputError,
    ConfigurationError,
    InputError,
    InputTooLargeError,
    NotFoundError,
    PropwatchError,
    StorageError,
)
from propwatch.ingest.base import UNNAMED_ARTICLE, validation_reason
from propwatch.ingest.sources import iter_many, with_default_outlet
from propwatch.pipeline import Pipeline, batched
from propwatch.republication.signatures import index_missing
from propwatch.settings import Settings
from propwatch.storage.blocking import BlockList, blocked_reason
from propwatch.storage.engine import is_read_only
from propwatch.storage.queries import ArticleQuery, narrative_ids, target_names
from propwatch.storage.store import ArticleStore

log = logging.getLogger(__name__)


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


def _unsaved(article: Article, error: StorageError) -> Failure:
    """The failure of one article the store did not take; a store that takes nothing stops the run."""
    if is_read_only(error):
        raise StorageError(
            error.input_name,
            f"{error.reason}: the store is read-only, so nothing can be stored in it (--db, --data-dir)",
        ) from error
    return Failure(input=_input_name(article), reason=f"not stored ({error.reason}); run again to retry it")


def analyze_sources(
    sources: Iterable[str],
    settings: Settings,
    *,
    store: ArticleStore | None = None,
    pipeline: Pipeline | None = None,
    stdin: BinaryIO | None = None,
    outlet: str | None = None,
) -> Iterator[Outcome]:
    """Read every source, analyse its articles in batches, store them when ``store`` is given.

    ``outlet`` names the outlet of every article whose source names none (a folder crawled from one
    site, plain-text files). Bad inputs and analyzer failures come back as Outcomes with a Failure;
    the rest goes on.
    """
    pipeline = pipeline or Pipeline.from_settings(settings, storing=store is not None)
    read = with_default_outlet(iter_many(sources, settings, stdin=stdin), outlet)
    for chunk in batched(read, settings.batch_size):
        articles = [item for item in chunk if isinstance(item, Article)]
        # Texts deleted with --block are not analysed only to be refused by the store.
        blocked = BlockList(store).find(articles) if store is not None else {}
        articles = [a for a in articles if a.id not in blocked]
        # What is stored of these articles: the findings of analyzers this run does not re-run.
        earlier = store.latest_analyses(a.id for a in articles) if store is not None else {}
        # Stored by these very analyzer versions (a run stopped and started again): not analysed twice.
        done = {a.id: earlier[a.id] for a in articles if a.id in earlier and _covers(earlier[a.id], pipeline)}
        found = _analyse(pipeline, [a for a in articles if a.id not in done], earlier or None)
        for item in chunk:
            if isinstance(item, Failure):
                yield Outcome(failure=item)
            elif item.id in blocked:
                yield Outcome(
                    failure=Failure(input=_input_name(item), reason=blocked_reason(blocked[item.id]))
                )
            elif item.id in done:  # saved again all the same: this copy's page is recorded as an appearance
                yield _stored(done[item.id].model_copy(update={"article": item}), store)
            else:
                result = found[id(item)]
                yield _stored(result, store) if isinstance(result, Analysis) else Outcome(failure=result)
    if store is not None:  # what the run stored: a page looking up near-copies then only reads them
        index_missing(store, settings)


def _stale_part(pipeline: Pipeline, stored: Analysis) -> tuple[str, ...]:
    """The analyzers of ``pipeline`` to run again on ``stored``: those not at their version in it, and
    each that reads what one of those provides (``requires`` or ``after``), in pipeline order."""
    chosen: list[str] = []
    changed: set[str] = set()
    for analyzer in pipeline.analyzers:
        stale = stored.analyzers.get(analyzer.name) != analyzer.version
        if stale or (analyzer.requires | analyzer.after) & changed:
            chosen.append(analyzer.name)
            changed |= analyzer.provides
    return tuple(chosen)


def _part_of(pipeline: Pipeline, names: tuple[str, ...]) -> Pipeline:
    """The analyzers ``names`` of ``pipeline`` (already started) as a pipeline of their own; the whole
    pipeline when they cannot run without the others (a plugin that requires what another provides)."""
    if len(names) == len(pipeline.analyzers):
        return pipeline
    try:
        return Pipeline(
            [a for a in pipeline.analyzers if a.name in names],
            batch_size=pipeline.batch_size,
            max_chars=pipeline.max_chars,
        )
    except ConfigurationError:
        return pipeline


def _covers(stored: Analysis, pipeline: Pipeline) -> bool:
    """Whether ``stored`` holds the findings of every analyzer of ``pipeline``, at its version."""
    return not _stale_part(pipeline, stored)


def _analyse(
    pipeline: Pipeline, articles: list[Article], earlier: Mapping[str, Analysis] | None
) -> dict[int, Analysis | Failure]:
    """Each article's analysis or failure (only the article that breaks an analyzer fails)."""
    return {
        id(article): found
        if isinstance(found, Analysis)
        else Failure(input=_input_name(article), reason=str(found))
        for article, found in zip(articles, pipeline.run_each(articles, earlier), strict=True)
    }


def _stored(analysis: Analysis, store: ArticleStore | None) -> Outcome:
    """Store ``analysis`` (the store completes it with the findings of analyzers it did not run); the
    Outcome carries what this run found."""
    if store is None:
        return Outcome(analysis=analysis)
    try:
        saved = store.save_analysis(analysis)
    except StorageError as error:  # busy or gone for a while: this input fails, the run goes on
        return Outcome(failure=_unsaved(analysis.article, error))
    except BlockedInputError as error:  # blocked after it was read: a takedown made meanwhile
        return Outcome(failure=Failure(input=_input_name(analysis.article), reason=error.reason))
    return Outcome(
        analysis=analysis, article_stored=saved.article_stored, analysis_stored=saved.analysis_stored
    )


def ingest_sources(
    sources: Iterable[str],
    settings: Settings,
    *,
    store: ArticleStore,
    stdin: BinaryIO | None = None,
    outlet: str | None = None,
) -> Iterator[Outcome]:
    """Read and store articles without analysing them (re-ingesting the same text changes nothing);
    ``outlet`` as for :func:`analyze_sources`."""
    for item in with_default_outlet(iter_many(sources, settings, stdin=stdin), outlet):
        if isinstance(item, Failure):
            yield Outcome(failure=item)
        else:
            try:
                stored = store.save_article(item)
            except StorageError as error:
                yield Outcome(failure=_unsaved(item, error))
                continue
            except BlockedInputError as error:
                yield Outcome(failure=Failure(input=_input_name(item), reason=error.reason))
                continue
            yield Outcome(analysis=Analysis(article=item), article_stored=stored)
    index_missing(store, settings)  # as analyze_sources


def read_text(
    text: str,
    settings: Settings | None = None,
    *,
    title: str | None = None,
    url: str | None = None,
    origin: str | None = None,
) -> Article:
    """The article in ``text`` (a plain text as a scraper leaves it, or an HTML page), read as
    ``propwatch analyze`` reads a file: metadata from the text, language identified, boilerplate cut.
    ``title`` is the headline when given (no line of the text is taken for it)."""
    from propwatch.ingest.html import looks_like_html, parse_html
    from propwatch.ingest.plaintext import parse_plain_text

    settings = settings or Settings()
    name = origin or "text"
    if not isinstance(text, str):  # bytes: the caller knows their encoding, propwatch would guess
        raise InputError(name, f"is {type(text).__name__}, not str: decode it first")
    size = len(text.encode("utf-8", "surrogatepass"))
    if size > settings.max_input_bytes:  # as a file of that size is refused
        cap = settings.max_input_bytes
        raise InputTooLargeError(name, f"is {size:,} bytes, over the {cap:,}-byte cap (max_input_bytes)")
    try:
        if looks_like_html(text):
            page = parse_html(text, settings, url=url, origin=origin)
            return page if title is None else page.model_copy(update={"title": title})
        return parse_plain_text(text, settings, origin=origin, url=url, title=title)
    except ValidationError as error:  # a NUL, a lone surrogate: named, as a file's would be
        raise InputError(name, validation_reason(error)) from None
    except InputError as error:
        if error.input_name != UNNAMED_ARTICLE:
            raise
        raise type(error)(name, error.reason) from None


def analyze_texts(
    texts: Iterable[str], settings: Settings | None = None, *, pipeline: Pipeline | None = None
) -> list[Analysis]:
    """Analyse texts given as strings (plain text or HTML pages), in order, as ``propwatch analyze
    --no-store`` does files: the library's way to analyse what is already in memory. The models load
    once per process; pass ``pipeline`` (:meth:`Pipeline.from_settings`) to choose the analyzers. A
    text that cannot be read, or that an analyzer fails on, raises the :mod:`propwatch.errors` error
    naming it ("text 3"); :func:`analyze_sources` goes on past failures instead."""
    settings = settings or Settings()
    pipeline = pipeline or Pipeline.from_settings(settings)
    articles = [read_text(text, settings, origin=f"text {n}") for n, text in enumerate(texts, 1)]
    found: list[Analysis] = []
    for chunk in batched(articles, settings.batch_size):
        for result in pipeline.run_each(chunk):
            if isinstance(result, PropwatchError):
                raise type(result)(f"text {len(found) + 1}", str(result)) from result
            found.append(result)
    return found


def article_query(
    settings: Settings,
    store: ArticleStore,
    *,
    outlet: str | None = None,
    language: str | None = None,
    genre: str | None = None,
    since: date | None = None,
    until: date | None = None,
    technique: str | None = None,
    category: str | None = None,
    narrative: str | None = None,
    target: str | None = None,
    attacked: str | None = None,
    praised: str | None = None,
    text: str | None = None,
    narrative_option: str = "narrative",
) -> ArticleQuery:
    """The filters of ``propwatch list`` as a query for :func:`propwatch.storage.queries.find_articles`,
    resolved as the CLI and API resolve them: ``narrative`` an id of the catalogues in use or of the
    stored analyses (a typo is an error naming the nearest ids, under ``narrative_option``), and a
    target name matching every name that stands for the same target (USA, США, United States)."""
    from propwatch.narratives.catalogue import iter_narratives, readable_catalogues, resolve_narrative_id

    if narrative is not None:
        # A broken catalogue file does not stop a filter on the ids already stored (a warning says so).
        known = {found.id for found in iter_narratives(readable_catalogues(settings, "the narrative filter"))}
        narrative = resolve_narrative_id(narrative, known | set(narrative_ids(store)), narrative_option)
    query = ArticleQuery(
        outlet=outlet,
        language=language,
        genre=genre,
        technique=technique,
        category=category,
        narrative=narrative,
        target=target,
        attacked=attacked,
        praised=praised,
        since=since,
        until=until,
        text=text,
    )
    if target is None and attacked is None and praised is None:
        return query  # the alias catalogues are read only when a target is asked for
    from propwatch.targets.aliases import canonical_target, load_aliases

    aliases = load_aliases(settings)
    stored = target_names(store)
    query = query.with_target_names(lambda name: canonical_target(name, aliases), stored)
    _warn_of_unknown_targets(query, stored)
    return query


def _warn_of_unknown_targets(query: ArticleQuery, stored: Sequence[str]) -> None:
    """Say so when no stored analysis names a target filter's name, with the nearest stored names: a typo
    ("Natto") found no article and looked like an answer."""
    known = set(stored)
    folded = {name.casefold(): name for name in stored}
    for name, forms in query.target_names:
        if known.intersection(forms):
            continue
        near = get_close_matches(name.casefold(), list(folded), n=3, cutoff=0.6)
        hint = f"; nearest stored names: {', '.join(folded[n] for n in near)}" if near else ""
        log.warning("No stored analysis names the target %r%s.", name, hint)


def reanalyze_stored(
    settings: Settings,
    store: ArticleStore,
    article_ids: Sequence[str] | None = None,
    *,
    pipeline: Pipeline | None = None,
    matched: bool = False,
) -> Iterator[Outcome]:
    """Analyse stored articles again from their stored text (all, or ``article_ids``; ``matched``: ids a
    query found a moment ago, skipped when deleted since), after a model or catalogue changed: of the
    analyzers of ``pipeline``, each article runs those not at their version in its stored analysis and
    those that read their findings; the findings of the others are kept, and an article whose analysis
    is current is not analysed again."""
    pipeline = pipeline or Pipeline.from_settings(settings, storing=True)
    stored = store.iter_analyses(article_ids=article_ids, stored_order=matched, matched=matched)
    for chunk in batched(stored, settings.batch_size):
        found: dict[int, Analysis | Failure] = {}
        # Each article runs only its analyzers that are not current, and those that read their findings
        # (a changed catalogue re-runs narratives and targets, not the technique model on every article).
        by_stale: dict[tuple[str, ...], list[Analysis]] = {}
        for analysis in chunk:
            by_stale.setdefault(_stale_part(pipeline, analysis), []).append(analysis)
        for names, group in by_stale.items():
            if names:
                part = _part_of(pipeline, names)
                found |= _analyse(part, [a.article for a in group], {a.article.id: a for a in group})
        for analysis in chunk:
            if id(analysis.article) not in found:
                yield Outcome(analysis=analysis)  # current already: counted as already stored
                continue
            result = found[id(analysis.article)]
            if not isinstance(result, Analysis):
                yield Outcome(failure=result)
                continue
            try:
                saved = store.save_analysis(result, stored_only=True)
            except (NotFoundError, BlockedInputError):
                continue  # deleted (or blocked) while it was analysed: it stays so, and is no failure
            except StorageError as error:
                yield Outcome(failure=_unsaved(result.article, error))
                continue
            yield Outcome(analysis=result, analysis_stored=saved.analysis_stored)
