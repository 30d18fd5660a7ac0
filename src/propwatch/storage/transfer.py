"""Copying a whole store into another database: a laptop's SQLite file into the newsroom's PostgreSQL, or
back, with every analysis of every model version, the other places texts appeared, and the API tokens.

Articles are copied a page at a time, each page in one transaction of the target, and an article whose
text the target already holds is left as it is there: an interrupted copy, run again, goes on where it
stopped, and copying into a store that is in use adds only what it lacks. Dates stored (``stored_at``)
are kept, so listings come in the same order. Republication signatures are made again in the target,
with its own settings.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

from sqlalchemy import Connection, RowMapping, Table, insert, select

from propwatch.errors import InputError
from propwatch.storage.engine import database_identity
from propwatch.storage.schema import analyses, api_tokens, appearances, articles, blocked_texts, labels, spans
from propwatch.storage.store import ArticleStore
from propwatch.storage.writing import new_pk

PAGE = 200  # articles per transaction of the target


@dataclass(frozen=True)
class CopyOutcome:
    """What :func:`copy_store` did; ``skipped`` articles were in the target already and kept as they were."""

    articles: int
    skipped: int
    analyses: int
    spans: int
    tokens: int
    blocks: int = 0  # blocked texts (delete --block) the target did not have


@dataclass(frozen=True)
class _Page:
    articles: list[RowMapping]
    analyses: list[RowMapping]
    spans: list[RowMapping]
    labels: list[RowMapping]
    appearances: list[RowMapping]


def copy_store(
    source: ArticleStore,
    target: ArticleStore,
    *,
    tokens: bool = True,
    progress: Callable[[int], None] | None = None,
) -> CopyOutcome:
    """Copy every article of ``source`` (with its analyses, spans, labels and appearances) and, with
    ``tokens``, the API tokens whose names ``target`` lacks, into ``target``. ``progress`` is called with
    the number of articles done after each page. The two must be different databases."""
    into = database_identity(target._url)
    if into == ("sqlite", ":memory:"):
        raise InputError(
            target.url, "is an in-memory database, gone when the command ends: give a file or server"
        )
    if database_identity(source._url) == into:
        raise InputError(target.url, "is the database being copied: give another one to copy into")
    blocks = _copy_blocks(source, target)  # first: a takedown holds in the copy too
    done = skipped = n_analyses = n_spans = 0
    last_pk = 0
    while True:
        page = _read_page(source, last_pk)
        if not page.articles:
            break
        added, n_a, n_s = target._retrying_write(
            "cannot store the copied articles", partial(_write_page, page)
        )
        done += added
        skipped += len(page.articles) - added
        n_analyses += n_a
        n_spans += n_s
        last_pk = int(page.articles[-1]["pk"])
        if progress is not None:
            progress(len(page.articles))
    copied_tokens = _copy_tokens(source, target) if tokens else 0
    return CopyOutcome(done, skipped, n_analyses, n_spans, copied_tokens, blocks)


def _read_page(source: ArticleStore, last_pk: int) -> _Page:
    with source._reading("cannot read the articles to copy") as conn:
        rows = list(
            conn.execute(select(articles).where(articles.c.pk > last_pk).order_by(articles.c.pk).limit(PAGE))
            .mappings()
            .all()
        )
        pks = [int(row["pk"]) for row in rows]
        analysis_rows = _rows(conn, analyses, analyses.c.article_pk, pks)
        analysis_pks = [int(row["pk"]) for row in analysis_rows]
        return _Page(
            articles=rows,
            analyses=analysis_rows,
            spans=_rows(conn, spans, spans.c.analysis_pk, analysis_pks),
            labels=_rows(conn, labels, labels.c.analysis_pk, analysis_pks),
            appearances=_rows(conn, appearances, appearances.c.article_pk, pks),
        )


def _rows(conn: Connection, table: Table, key: Any, values: Sequence[int]) -> list[RowMapping]:
    if not values:
        return []
    return list(conn.execute(select(table).where(key.in_(values)).order_by(table.c.pk)).mappings().all())


def _without_pk(row: RowMapping, **changed: Any) -> dict[str, Any]:
    values = {name: value for name, value in row.items() if name != "pk"}
    values.update(changed)
    return values


def _write_page(page: _Page, conn: Connection) -> tuple[int, int, int]:
    """Insert the page's articles the target lacks, with everything of theirs; returns how many articles,
    analyses and spans were added."""
    hashes = [str(row["content_hash"]) for row in page.articles]
    held = set(
        conn.execute(select(articles.c.content_hash).where(articles.c.content_hash.in_(hashes))).scalars()
    )
    article_pks: dict[int, int] = {}
    for row in page.articles:
        if row["content_hash"] not in held:
            article_pks[int(row["pk"])] = new_pk(conn.execute(insert(articles).values(_without_pk(row))))
    analysis_pks: dict[int, int] = {}
    for row in page.analyses:
        if (article_pk := article_pks.get(int(row["article_pk"]))) is not None:
            values = _without_pk(row, article_pk=article_pk)
            analysis_pks[int(row["pk"])] = new_pk(conn.execute(insert(analyses).values(values)))
    span_rows = [
        _without_pk(row, analysis_pk=analysis_pks[int(row["analysis_pk"])])
        for row in page.spans
        if int(row["analysis_pk"]) in analysis_pks
    ]
    label_rows = [
        _without_pk(row, analysis_pk=analysis_pks[int(row["analysis_pk"])])
        for row in page.labels
        if int(row["analysis_pk"]) in analysis_pks
    ]
    appearance_rows = [
        _without_pk(row, article_pk=article_pks[int(row["article_pk"])])
        for row in page.appearances
        if int(row["article_pk"]) in article_pks
    ]
    for table, new_rows in ((spans, span_rows), (labels, label_rows), (appearances, appearance_rows)):
        if new_rows:
            conn.execute(insert(table), new_rows)
    return len(article_pks), len(analysis_pks), len(span_rows)


def _copy_blocks(source: ArticleStore, target: ArticleStore) -> int:
    """The blocked texts' digests (``delete --block``) the target lacks."""
    with source._reading("cannot read the blocked texts to copy") as conn:
        rows = list(conn.execute(select(blocked_texts).order_by(blocked_texts.c.pk)).mappings().all())

    def write(conn: Connection) -> int:
        known = {(k, d) for k, d in conn.execute(select(blocked_texts.c.kind, blocked_texts.c.digest))}
        new = [_without_pk(row) for row in rows if (row["kind"], row["digest"]) not in known]
        if new:
            conn.execute(insert(blocked_texts), new)
        return len(new)

    return target._retrying_write("cannot store the copied blocked texts", write) if rows else 0


def _copy_tokens(source: ArticleStore, target: ArticleStore) -> int:
    """API tokens (their hashes: the secrets are nowhere) under names the target does not use yet."""
    with source._reading("cannot read the API tokens to copy") as conn:
        rows = list(conn.execute(select(api_tokens).order_by(api_tokens.c.pk)).mappings().all())

    def write(conn: Connection) -> int:
        names = set(conn.execute(select(api_tokens.c.name)).scalars())
        hashes = set(conn.execute(select(api_tokens.c.token_hash)).scalars())
        new = [
            _without_pk(row) for row in rows if row["name"] not in names and row["token_hash"] not in hashes
        ]
        if new:
            conn.execute(insert(api_tokens), new)
        return len(new)

    return target._retrying_write("cannot store the copied API tokens", write) if rows else 0
