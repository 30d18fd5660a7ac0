"""The store's writes, each run by :class:`~propwatch.storage.store.ArticleStore` inside one transaction."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, CursorResult, delete, func, insert, select

from propwatch.domain import Analysis, Article
from propwatch.errors import NotFoundError
from propwatch.storage.blocking import check_not_blocked
from propwatch.storage.records import Appearance, SaveOutcome, article_values, assemble_analyses
from propwatch.storage.schema import FTS_TABLE, analyses, appearances, articles, labels, spans


def new_pk(result: CursorResult[Any]) -> int:
    key = result.inserted_primary_key
    if key is None:
        raise AssertionError("the database returned no primary key for an insert")
    return int(key[0])


def insert_article(conn: Connection, article: Article, *, stored_only: bool = False) -> tuple[int, bool]:
    """The article's primary key, and whether it was inserted now; a text already stored that comes from
    elsewhere this time is recorded as an appearance of it. With ``stored_only`` an article no longer
    stored (deleted meanwhile) raises NotFoundError instead of coming back."""
    check_not_blocked(conn, article)  # also a stored text met at a blocked link: no appearance there
    existing = conn.execute(  # locked on PostgreSQL: two analyses of one article complete in turn
        select(articles.c.pk).where(articles.c.content_hash == article.content_hash).with_for_update()
    ).scalar_one_or_none()
    if existing is not None:
        insert_appearance(conn, int(existing), Appearance.of(article))
        return int(existing), False
    if stored_only:
        raise NotFoundError(article.id, "is no longer stored (deleted while it was analysed again)")
    result = conn.execute(insert(articles).values(article_values(article, datetime.now(UTC))))
    return new_pk(result), True


def insert_appearance(conn: Connection, pk: int, seen: Appearance) -> bool:
    """Record ``seen`` unless the article row or an earlier appearance already says it, or it names no
    place at all (the same text pasted again, with no URL, outlet or date)."""
    if seen.url is None and seen.outlet is None and seen.published is None:
        return False
    stored = conn.execute(
        select(articles.c.url, articles.c.outlet, articles.c.published, articles.c.title).where(
            articles.c.pk == pk
        )
    ).one()
    if seen.place() == (stored.url, stored.outlet, stored.published, stored.title):
        return False
    known = conn.execute(
        select(appearances.c.url, appearances.c.outlet, appearances.c.published, appearances.c.title).where(
            appearances.c.article_pk == pk
        )
    ).all()
    if any(seen.place() == tuple(row) for row in known):
        return False
    conn.execute(
        insert(appearances).values(
            article_pk=pk,
            url=seen.url,
            outlet=seen.outlet,
            published=seen.published,
            title=seen.title,
            origin=seen.origin,
            stored_at=datetime.now(UTC),
        )
    )
    return True


def insert_analysis(conn: Connection, analysis: Analysis, *, stored_only: bool = False) -> SaveOutcome:
    article_pk, article_stored = insert_article(conn, analysis.article, stored_only=stored_only)
    latest = None
    if not article_stored:
        latest = (
            conn.execute(
                select(analyses)
                .where(analyses.c.article_pk == article_pk)
                .order_by(analyses.c.pk.desc())
                .limit(1)
            )
            .mappings()
            .first()
        )
        if latest is not None:
            analysis = analysis.completing(
                assemble_analyses(conn, [article_pk], {article_pk: latest})[article_pk]
            )
    version = analysis.model_version
    existing = conn.execute(
        select(analyses.c.pk).where(analyses.c.article_pk == article_pk, analyses.c.model_version == version)
    ).first()
    if existing is not None:
        if latest is None or int(existing.pk) == int(latest["pk"]):
            return SaveOutcome(analysis.article.id, article_stored, analysis_stored=False)
        # Back to earlier models or catalogues after a trial: their analysis becomes the latest again
        # (the trial's had stayed the one shown, and every run since called the article current).
        conn.execute(delete(analyses).where(analyses.c.pk == existing.pk))
    result = conn.execute(
        insert(analyses).values(
            article_pk=article_pk,
            model_version=version,
            analyzers=dict(analysis.analyzers),
            created_at=analysis.created_at,
            stored_at=datetime.now(UTC),
            n_spans=len(analysis.spans),
        )
    )
    analysis_pk = new_pk(result)
    if analysis.spans:
        conn.execute(
            insert(spans),
            [
                {
                    "analysis_pk": analysis_pk,
                    "position": position,
                    "start_char": span.start,
                    "end_char": span.end,
                    "label": span.label,
                    "score": span.score,
                    "analyzer": span.analyzer,
                }
                for position, span in enumerate(analysis.spans)
            ],
        )
    if analysis.labels:
        conn.execute(
            insert(labels),
            [
                {
                    "analysis_pk": analysis_pk,
                    "position": position,
                    "name": label.name,
                    "value": label.value,
                    "score": label.score,
                    "analyzer": label.analyzer,
                }
                for position, label in enumerate(analysis.labels)
            ],
        )
    return SaveOutcome(analysis.article.id, article_stored, analysis_stored=True)


def delete_articles(conn: Connection, article_pks: Sequence[int]) -> int:
    """Delete these articles with everything stored of them (analyses, spans, labels, appearances,
    republication signatures: the foreign keys cascade; the search index follows by trigger or column).
    Returns how many analyses went with them."""
    if not article_pks:
        return 0
    n_analyses = int(
        conn.execute(
            select(func.count()).select_from(analyses).where(analyses.c.article_pk.in_(article_pks))
        ).scalar_one()
    )
    conn.execute(delete(articles).where(articles.c.pk.in_(article_pks)))
    if conn.dialect.name == "sqlite":
        # The trigger only records the deletion; merging the index's segments drops the deleted words,
        # which would otherwise stay readable in the file.
        conn.exec_driver_sql(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES('optimize')")
    return n_analyses
