"""What the store hands back besides domain objects, and the mapping between rows and domain types."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, ClassVar

from sqlalchemy import ColumnElement, Connection, RowMapping, Select, func, select

from propwatch.domain import Analysis, Article, Label, Span
from propwatch.framing.labels import GENRE_LABEL
from propwatch.models.taxonomy import TECHNIQUE_ANALYZER
from propwatch.storage.schema import analyses, articles, labels, spans


@dataclass(frozen=True)
class SaveOutcome:
    """What ``save_analysis`` did: whether the article and the analysis were new."""

    article_id: str
    article_stored: bool
    analysis_stored: bool


@dataclass(frozen=True)
class DeleteOutcome:
    """What ``delete_articles`` did: the full ids of the articles deleted, how many analyses went, and
    whether their texts and URLs are blocked from now on."""

    article_ids: list[str]
    n_analyses: int
    blocked: bool = False


@dataclass(frozen=True)
class ArticleSummary:
    """One line of an article listing; ``n_spans`` counts every span of the latest analysis (claims and
    target mentions too), ``n_technique_spans`` its persuasion-technique spans."""

    id: str
    title: str | None
    outlet: str | None
    url: str | None
    published: date | None
    language: str | None
    genre_tag: str | None
    stored_at: datetime
    n_spans: int | None  # None: no analysis stored (ingested only), which is not "no spans"
    n_technique_spans: int | None  # None also when the latest analysis did not run the technique detector
    genre: str | None  # predicted by the genre analyzer in the latest analysis


@dataclass(frozen=True)
class Appearance:
    """A place and time a stored text was met again, besides the one its article row keeps."""

    url: str | None = None
    outlet: str | None = None
    published: date | None = None
    title: str | None = None
    origin: str | None = None

    FIELDS: ClassVar[tuple[str, ...]] = ("url", "outlet", "published", "title", "origin")

    @classmethod
    def of(cls, article: Article) -> Appearance:
        return cls(article.url, article.outlet, article.published, article.title, article.origin)

    def place(self) -> tuple[str | None, str | None, date | None, str | None]:
        """What makes it another appearance (the file it was read from does not)."""
        return (self.url, self.outlet, self.published, self.title)


@dataclass(frozen=True)
class SearchHit:
    """A search result: the article, a snippet with the matches marked, and a rank (higher is better)."""

    summary: ArticleSummary
    snippet: str
    rank: float


def article_values(article: Article, stored_at: datetime) -> dict[str, Any]:
    return {
        "id": article.id,
        "content_hash": article.content_hash,
        "text": article.text,
        "title": article.title,
        "url": article.url,
        "published": article.published,
        "place": article.place,
        "author": article.author,
        "outlet": article.outlet,
        "genre_tag": article.genre_tag,
        "sources": list(article.sources),
        "quoted_outlets": list(article.quoted_outlets),
        "language": article.language,
        "origin": article.origin,
        "external_id": article.external_id,
        "raw": article.raw,
        "raw_format": article.raw_format,
        "stored_at": stored_at,
    }


# Every Article field is a column of the same name.
ARTICLE_COLUMNS = tuple(articles.c[name] for name in Article.model_fields)


def article_from_row(row: RowMapping) -> Article:
    fields = {name: row[name] for name in Article.model_fields}
    fields["sources"] = tuple(fields["sources"] or ())
    fields["quoted_outlets"] = tuple(fields["quoted_outlets"] or ())
    return Article.model_validate(fields)


def latest_analysis_column(column: ColumnElement[Any]) -> Any:
    """``column`` of the latest stored analysis of the article of the current articles row."""
    # Correlated explicitly: nested in another subquery, auto-correlation would look only one level up
    # and read every article's analyses (the span count of the last analysis stored, for every row).
    return (
        select(column)
        .where(analyses.c.article_pk == articles.c.pk)
        .order_by(analyses.c.pk.desc())
        .limit(1)
        .correlate(articles)
        .scalar_subquery()
    )


def summary_select() -> Select[Any]:
    return select(
        articles.c.pk,
        articles.c.id,
        articles.c.title,
        articles.c.outlet,
        articles.c.url,
        articles.c.published,
        articles.c.language,
        articles.c.genre_tag,
        articles.c.stored_at,
        latest_analysis_column(analyses.c.n_spans).label("n_spans"),
        latest_analysis_column(analyses.c.analyzers).label("analyzers"),
        select(func.count())
        .select_from(spans)
        .where(
            spans.c.analysis_pk == latest_analysis_column(analyses.c.pk),
            spans.c.analyzer == TECHNIQUE_ANALYZER,
        )
        .correlate(articles)
        .scalar_subquery()
        .label("n_technique_spans"),
        select(labels.c.value)
        .where(labels.c.analysis_pk == latest_analysis_column(analyses.c.pk), labels.c.name == GENRE_LABEL)
        .limit(1)
        .correlate(articles)
        .scalar_subquery()
        .label("genre"),
    )


def summary_from_row(row: RowMapping) -> ArticleSummary:
    return ArticleSummary(
        id=row["id"],
        title=row["title"],
        outlet=row["outlet"],
        url=row["url"],
        published=row["published"],
        language=row["language"],
        genre_tag=row["genre_tag"],
        stored_at=row["stored_at"],
        n_spans=None if row["n_spans"] is None else int(row["n_spans"]),
        n_technique_spans=(
            int(row["n_technique_spans"]) if TECHNIQUE_ANALYZER in ran_analyzers(row["analyzers"]) else None
        ),
        genre=row["genre"],
    )


def model_versions(model_version: str) -> dict[str, str]:
    """Analyzer name → version, from an analyses row's key ("claims=5+model3;techniques=…")."""
    pairs = (part.partition("=") for part in model_version.split(";") if "=" in part)
    return {name: version for name, _, version in pairs}


def ran_analyzers(analyzers: Any) -> list[str]:
    """The analyzer names an analyses row records (JSON: a list, or its text where it comes back raw)."""
    if isinstance(analyzers, str):
        analyzers = json.loads(analyzers)
    return [str(name) for name in analyzers or []]


def analysis_from_rows(
    article: Article,
    analysis: RowMapping | None,
    span_rows: Sequence[RowMapping],
    label_rows: Sequence[RowMapping],
    stored_at: datetime,
) -> Analysis:
    """Rebuild an Analysis; with no analysis row, the bare article (no spans, no labels), dated when
    it was stored, so that reading it twice gives the same record."""
    if analysis is None:
        return Analysis(article=article, created_at=stored_at)
    return Analysis(
        article=article,
        spans=tuple(
            Span(
                start=row["start_char"],
                end=row["end_char"],
                label=row["label"],
                score=row["score"],
                analyzer=row["analyzer"],
            )
            for row in span_rows
        ),
        labels=tuple(
            Label(name=row["name"], value=row["value"], score=row["score"], analyzer=row["analyzer"])
            for row in label_rows
        ),
        analyzers=dict(analysis["analyzers"]),
        created_at=analysis["created_at"],
    )


def assemble_analyses(
    conn: Connection, article_pks: list[int], analysis_rows: Mapping[int, RowMapping]
) -> dict[int, Analysis]:
    """Analyses of these articles from their analysis rows (keyed by article pk), with spans and labels."""
    article_rows = conn.execute(
        select(articles.c.pk, articles.c.stored_at, *ARTICLE_COLUMNS).where(articles.c.pk.in_(article_pks))
    ).mappings()
    stored_articles = {row["pk"]: (article_from_row(row), row["stored_at"]) for row in article_rows}
    analysis_pks = [row["pk"] for row in analysis_rows.values()]
    span_rows: dict[int, list[RowMapping]] = {pk: [] for pk in analysis_pks}
    label_rows: dict[int, list[RowMapping]] = {pk: [] for pk in analysis_pks}
    if analysis_pks:
        for row in conn.execute(
            select(spans).where(spans.c.analysis_pk.in_(analysis_pks)).order_by(spans.c.position)
        ).mappings():
            span_rows[row["analysis_pk"]].append(row)
        for row in conn.execute(
            select(labels).where(labels.c.analysis_pk.in_(analysis_pks)).order_by(labels.c.position)
        ).mappings():
            label_rows[row["analysis_pk"]].append(row)
    found: dict[int, Analysis] = {}
    for pk in article_pks:
        if pk not in stored_articles:
            continue  # deleted since its pk was read (in another transaction)
        analysis = analysis_rows.get(pk)
        article, stored_at = stored_articles[pk]
        found[pk] = analysis_from_rows(
            article,
            analysis,
            span_rows[analysis["pk"]] if analysis is not None else [],
            label_rows[analysis["pk"]] if analysis is not None else [],
            stored_at,
        )
    return found
