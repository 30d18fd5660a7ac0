"""What the CLI, the API and the web ask the store beyond ArticleStore: filtered search and facets
(outlet statistics are in :mod:`propwatch.storage.statistics`).

Filters on spans and labels look at each article's latest analysis, as listings and exports do.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    Float,
    Integer,
    Select,
    Subquery,
    bindparam,
    exists,
    false,
    func,
    or_,
    select,
    text,
    union,
)

from propwatch.errors import InputError
from propwatch.models.taxonomy import CATEGORIES, TECHNIQUE_ANALYZER, TECHNIQUES, techniques_in
from propwatch.storage.records import ArticleSummary, summary_from_row, summary_select
from propwatch.storage.schema import (
    FTS_TABLE,
    TSVECTOR_COLUMN,
    TSVECTOR_TEXT_CHARS,
    analyses,
    articles,
    labels,
    spans,
)
from propwatch.storage.search import (
    SNIPPET_ELLIPSIS,
    SNIPPET_END,
    SNIPPET_START,
    fts5_expression,
    genuine_snippets,
    parse_query,
    tsquery_sql,
)
from propwatch.storage.store import ArticleStore
from propwatch.targets.linking import SPAN_PREFIX as TARGET_SPAN_PREFIX
from propwatch.targets.linking import TARGET_LABEL

NARRATIVE_LABEL = "narrative"
ATTACKED_LABEL, PRAISED_LABEL = "attacked", "praised"  # the targets analyzer's stance labels
GENRE_LABEL = "genre"
MAX_PAGE = 200


@dataclass(frozen=True)
class ArticleQuery:
    """Filters of an article search; every one given must hold. ``text`` is a full-text query."""

    outlet: str | None = None
    language: str | None = None
    genre: str | None = None  # the page's genre tag or a 'genre' label of the latest analysis
    label: str | None = None  # a span label from any analyzer
    technique: str | None = None  # a span label from the techniques analyzer
    category: str | None = None  # a technique category: any of its techniques
    narrative: str | None = None  # a 'narrative' label of the latest analysis
    target: str | None = None  # a target the targets analyzer found named (canonical name, any case)
    attacked: str | None = None  # … that it found attacked
    praised: str | None = None  # … that it found praised
    since: date | None = None
    until: date | None = None
    text: str | None = None
    # When it was stored, not published: a client syncing asks for what is new since its last visit, and
    # pages through a fixed set (stored_until) while articles are being added.
    stored_since: datetime | None = None
    stored_until: datetime | None = None
    # Target name → the stored names it matches (set by with_target_names).
    target_names: tuple[tuple[str, tuple[str, ...]], ...] = ()

    def with_target_names(self, canonical: Callable[[str], str], stored: Iterable[str] = ()) -> ArticleQuery:
        """This query with each target name (``target``, ``attacked``, ``praised``) matching every name
        ``canonical`` takes to the same one: the name the targets analyzer stores for an alias ("USA" →
        "United States"), the name as given, and those of the ``stored`` names (:func:`target_names`)
        that stand for it (one stored before the catalogue knew it as an alias)."""
        given = [name.strip() for name in (self.target, self.attacked, self.praised) if name is not None]
        known = [(name, canonical(name)) for name in stored]
        forms = []
        for name in given:
            # The targets meant: the name's own, and those of the stored names it is in another case
            # ("usa" → USA → United States); compared in Python, since SQLite's lower() folds ASCII only.
            folded = name.casefold()
            meant = {canonical(name)} | {its for stored, its in known if stored.casefold() == folded}
            same = [
                stored_name
                for stored_name, its in known
                if its in meant or stored_name.casefold() in {folded, *(m.casefold() for m in meant)}
            ]
            forms.append((name, tuple(dict.fromkeys([*sorted(meant), name, *same]))))
        return replace(self, target_names=tuple(forms))

    def names_for(self, name: str) -> tuple[str, ...]:
        """The stored names a target filter ``name`` matches."""
        name = name.strip()
        return dict(self.target_names).get(name, (name,))


@dataclass(frozen=True)
class Found:
    summary: ArticleSummary
    snippet: str | None = None  # with the full-text matches between SNIPPET_START and SNIPPET_END


@dataclass(frozen=True)
class ResultPage:
    total: int
    items: list[Found]


def _latest_analysis_pk() -> Any:
    # Explicit: inside EXISTS the subquery is two levels deep, where auto-correlation stops.
    return (
        select(func.max(analyses.c.pk))
        .where(analyses.c.article_pk == articles.c.pk)
        .correlate(articles)
        .scalar_subquery()
    )


def _aware(moment: datetime) -> datetime:
    """A time without a zone is read as UTC, as stored_at is kept."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def article_conditions(query: ArticleQuery) -> list[ColumnElement[bool]]:
    """The conditions on ``articles`` of every filter of ``query`` but its full text (:func:`text_hits`)."""
    conditions: list[ColumnElement[bool]] = []
    latest = _latest_analysis_pk()
    if query.outlet is not None:
        conditions.append(articles.c.outlet == query.outlet)
    if query.language is not None:
        if not re.fullmatch(r"[A-Za-z]{2}", query.language.strip()):
            raise InputError(
                f"language={query.language!r}", "is not an ISO 639-1 code: two letters, such as en, ru or de"
            )
        conditions.append(articles.c.language == query.language.strip().lower())
    if query.since is not None:
        conditions.append(articles.c.published >= query.since)
    if query.until is not None:
        conditions.append(articles.c.published <= query.until)
    if query.stored_since is not None:
        conditions.append(articles.c.stored_at >= _aware(query.stored_since))
    if query.stored_until is not None:
        conditions.append(articles.c.stored_at <= _aware(query.stored_until))
    if query.genre is not None:
        genre = query.genre.lower()
        conditions.append(
            or_(
                articles.c.genre_tag == genre,
                exists().where(
                    labels.c.analysis_pk == latest,
                    labels.c.name == GENRE_LABEL,
                    func.lower(labels.c.value) == genre,
                ),
            )
        )
    if query.label is not None:
        conditions.append(exists().where(spans.c.analysis_pk == latest, spans.c.label == query.label))
    if query.technique is not None:
        conditions.append(
            exists().where(
                spans.c.analysis_pk == latest,
                spans.c.analyzer == TECHNIQUE_ANALYZER,
                spans.c.label == _technique_named(query.technique),
            )
        )
    if query.category is not None:
        if query.category not in CATEGORIES:
            raise InputError(
                f"category={query.category!r}", f"unknown category; known: {', '.join(CATEGORIES)}"
            )
        conditions.append(
            exists().where(
                spans.c.analysis_pk == latest,
                spans.c.analyzer == TECHNIQUE_ANALYZER,
                spans.c.label.in_(techniques_in(query.category)),
            )
        )
    if query.narrative is not None:
        conditions.append(
            exists().where(
                labels.c.analysis_pk == latest,
                labels.c.name == NARRATIVE_LABEL,
                labels.c.value == query.narrative,
            )
        )
    if query.target is not None:
        mentions = [f"{TARGET_SPAN_PREFIX}{name}" for name in query.names_for(query.target)]
        conditions.append(
            exists().where(
                spans.c.analysis_pk == latest, or_(*(_same_name(spans.c.label, m) for m in mentions))
            )
        )
    for stance, name in ((ATTACKED_LABEL, query.attacked), (PRAISED_LABEL, query.praised)):
        if name is not None:
            conditions.append(
                exists().where(
                    labels.c.analysis_pk == latest,
                    labels.c.name == stance,
                    or_(*(_same_name(labels.c.value, n) for n in query.names_for(name))),
                )
            )
    return conditions


def _same_name(column: Any, name: str) -> ColumnElement[bool]:
    """``column`` is ``name``, in any case; exactly as written always matches, since SQLite's lower()
    folds ASCII letters only ("Газпром")."""
    return or_(column == name, func.lower(column) == name.lower())


def _technique_named(name: str) -> str:
    """The technique ``name`` stands for, in any case ("doubt" → "Doubt"); an unknown name is an error."""
    found = {technique.lower(): technique for technique in TECHNIQUES}.get(name.strip().lower())
    if found is None:
        raise InputError(f"technique={name!r}", f"unknown technique; known: {', '.join(TECHNIQUES)}")
    return found


def text_hits(conn: Connection, query_text: str) -> Subquery | None:
    """(pk, rank) of the articles matching a full-text query; None when the query has no words."""
    parsed = parse_query(query_text)
    if parsed.empty:
        return None
    if conn.dialect.name == "sqlite":
        statement = text(
            f"SELECT rowid AS pk, -bm25({FTS_TABLE}, 5.0, 1.0) AS rank FROM {FTS_TABLE} "
            f"WHERE {FTS_TABLE} MATCH :match"
        ).bindparams(match=fts5_expression(parsed))
    else:
        expression, phrases = tsquery_sql(parsed)
        statement = text(
            f"SELECT articles.pk AS pk, ts_rank(articles.{TSVECTOR_COLUMN}, q.query) AS rank "
            f"FROM articles, (SELECT {expression}) AS q(query) "
            f"WHERE articles.{TSVECTOR_COLUMN} @@ q.query"
        ).bindparams(**phrases)
    return statement.columns(pk=Integer, rank=Float).subquery("hits")


def _snippets(conn: Connection, query_text: str, pks: list[int]) -> dict[int, str]:
    parsed = parse_query(query_text)
    if not pks or parsed.empty:
        return {}
    if conn.dialect.name == "sqlite":
        statement = text(
            f"SELECT rowid AS pk, snippet({FTS_TABLE}, -1, :start, :end, :ellipsis, 24) AS snippet "
            f"FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH :match AND rowid IN :pks"
        ).bindparams(bindparam("pks", expanding=True))
        params: dict[str, Any] = {"match": fts5_expression(parsed)}
    else:
        expression, phrases = tsquery_sql(parsed)
        statement = text(
            "SELECT a.pk AS pk, ts_headline('simple', "
            "coalesce(a.title || ' — ', '') || left(a.text, :chars), "
            f"{expression}, :options) AS snippet "
            "FROM articles AS a WHERE a.pk IN :pks"
        ).bindparams(bindparam("pks", expanding=True))
        params = {
            **phrases,
            "chars": TSVECTOR_TEXT_CHARS,
            "options": f'StartSel="{SNIPPET_START}", StopSel="{SNIPPET_END}", MinWords=12, MaxWords=30',
        }
    params.update(start=SNIPPET_START, end=SNIPPET_END, ellipsis=SNIPPET_ELLIPSIS, pks=pks)
    found = {int(row.pk): str(row.snippet or "") for row in conn.execute(statement, params)}
    return genuine_snippets(conn, found)


def _check_page(limit: int, offset: int, most: int | None = MAX_PAGE) -> None:
    if limit < 1 or (most is not None and limit > most):
        raise InputError(f"limit={limit}", f"must be between 1 and {most}" if most else "must be at least 1")
    if offset < 0:
        raise InputError(f"offset={offset}", "must not be negative")


def _matching(conn: Connection, query: ArticleQuery) -> tuple[Select[Any], Select[Any]] | None:
    """The query of the matching articles' keys (pk and id, best first) and the count query; None when
    nothing can match. A page's summaries are read for its keys alone: PostgreSQL computed the
    summary's subqueries for every row an offset skipped (0.2 s at offset 25,000)."""
    conditions = article_conditions(query)
    rows = select(articles.c.pk, articles.c.id).where(*conditions)
    count = select(func.count()).select_from(articles).where(*conditions)
    if query.text is not None and query.text.strip():
        hits = text_hits(conn, query.text)
        if hits is None:
            return None
        rows = rows.join(hits, hits.c.pk == articles.c.pk).order_by(hits.c.rank.desc(), articles.c.pk.desc())
        count = (
            select(func.count())
            .select_from(articles.join(hits, hits.c.pk == articles.c.pk))
            .where(*conditions)
        )
    else:
        rows = rows.order_by(articles.c.stored_at.desc(), articles.c.pk.desc())
    return rows, count


def find_articles(
    store: ArticleStore, query: ArticleQuery, *, limit: int = 20, offset: int = 0, most: int | None = MAX_PAGE
) -> ResultPage:
    """One page of the articles matching ``query``: best matches first with a text query, else newest.
    ``most`` caps ``limit`` (None: no cap, for callers that are not serving requests)."""
    _check_page(limit, offset, most)
    # _reading maps database errors to StorageError (same package, deliberate).
    with store._reading("cannot search the articles") as conn:
        built = _matching(conn, query)
        if built is None:
            return ResultPage(total=0, items=[])
        keys, count = built
        total = int(conn.execute(count).scalar_one())
        page = [int(row.pk) for row in conn.execute(keys.limit(limit).offset(offset))]
        summaries = {
            int(row["pk"]): row
            for row in conn.execute(summary_select().where(articles.c.pk.in_(page))).mappings()
        }
        found = [summaries[pk] for pk in page if pk in summaries]
        snippets = _snippets(conn, query.text or "", page) if query.text else {}
    return ResultPage(
        total=total, items=[Found(summary_from_row(row), snippets.get(int(row["pk"]))) for row in found]
    )


def matching_ids(store: ArticleStore, query: ArticleQuery, *, limit: int) -> list[str]:
    """Ids of at most ``limit`` matching articles, in the order :func:`find_articles` lists them."""
    with store._reading("cannot search the articles") as conn:
        built = _matching(conn, query)
        if built is None:
            return []
        rows, _ = built
        return [str(row["id"]) for row in conn.execute(rows.limit(limit)).mappings()]


# --- facets --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Facets:
    """Values the filters can take, with how many articles (or spans, for labels) have each."""

    outlets: list[tuple[str, int]]
    languages: list[tuple[str, int]]
    genres: list[tuple[str, int]]
    span_labels: list[tuple[str, str, int]]  # (analyzer, label, spans)
    narratives: list[tuple[str, int]]
    attacked: list[tuple[str, int]] = field(default_factory=list)  # targets, with the articles attacking them
    praised: list[tuple[str, int]] = field(default_factory=list)


def latest_analysis_pks() -> Select[Any]:
    """The primary key of each article's latest analysis."""
    return select(func.max(analyses.c.pk)).group_by(analyses.c.article_pk)


def target_names(store: ArticleStore) -> list[str]:
    """Every target name the latest analyses store (named, attacked or praised)."""
    with store._reading("cannot read the target names") as conn:
        rows = conn.execute(
            select(labels.c.value)
            .where(
                labels.c.analysis_pk.in_(latest_analysis_pks()),
                labels.c.name.in_((TARGET_LABEL, ATTACKED_LABEL, PRAISED_LABEL)),
            )
            .distinct()
        )
        return sorted(str(value) for (value,) in rows)


def narrative_ids(store: ArticleStore) -> list[str]:
    """Every narrative id some stored analysis found (not only the latest ones)."""
    with store._reading("cannot read the narrative ids") as conn:
        rows = conn.execute(select(labels.c.value).where(labels.c.name == NARRATIVE_LABEL).distinct())
        return sorted(str(value) for (value,) in rows)


# The filters each facet leaves out of its own counts, so its other values stay on offer with what
# choosing one of them would give.
_OWN_FILTERS = {
    "outlets": ("outlet",),
    "languages": ("language",),
    "genres": ("genre",),
    "span_labels": ("label",),  # a technique or category chosen stays chosen beside a label
    "narratives": ("narrative",),
    "attacked": ("attacked",),
    "praised": ("praised",),
}


def _facet_scope(conn: Connection, query: ArticleQuery | None, facet: str) -> Select[Any] | None:
    """The pks of the articles ``query`` matches with the facet's own filters left out; None for all."""
    if query is None:
        return None
    left_out: dict[str, Any] = dict.fromkeys(_OWN_FILTERS[facet])
    narrowed = replace(query, **left_out)
    conditions = article_conditions(narrowed)
    # Not correlated: inside a facet's query on articles it must still read its own articles.
    scope = select(articles.c.pk).where(*conditions).correlate(None)
    if narrowed.text is not None and narrowed.text.strip():
        hits = text_hits(conn, narrowed.text)
        if hits is None:
            return scope.where(false())
        scope = scope.join(hits, hits.c.pk == articles.c.pk)
    elif not conditions:
        return None
    return scope


def _latest_of(scope: Select[Any] | None) -> Select[Any]:
    """The latest analysis of each article in ``scope`` (of every article when None)."""
    if scope is None:
        return latest_analysis_pks()
    return latest_analysis_pks().where(analyses.c.article_pk.in_(scope))


def facets(
    store: ArticleStore, canonical: Callable[[str], str] | None = None, query: ArticleQuery | None = None
) -> Facets:
    """The values each filter can take, with the articles each gives; ``canonical`` merges the target
    names that stand for one target (as the target filters do, :meth:`ArticleQuery.with_target_names`).
    With ``query``, each facet counts the articles that its other filters match: what choosing a value
    would give, as the filters stand."""
    with store._reading("cannot read the facets") as conn:
        scopes = {facet: _facet_scope(conn, query, facet) for facet in _OWN_FILTERS}

        def column_counts(column: Any, scope: Select[Any] | None) -> list[tuple[str, int]]:
            counting = select(column, func.count()).where(column.is_not(None))
            if scope is not None:
                counting = counting.where(articles.c.pk.in_(scope))
            counting = counting.group_by(column).order_by(func.count().desc(), column)
            return [(str(value), int(n)) for value, n in conn.execute(counting)]

        # Articles, not spans: the count is what choosing the value in a filter gives.
        latest_spans = spans.c.analysis_pk.in_(_latest_of(scopes["span_labels"]))
        if conn.dialect.name == "postgresql":
            # count(DISTINCT …) sorted on disk there (0.38 s at 25,000 articles; 0.19 s counting the
            # distinct rows); SQLite is faster the plain way.
            each = select(spans.c.analyzer, spans.c.label, spans.c.analysis_pk).where(latest_spans).distinct()
            distinct_rows = each.subquery()
            analyzer, label, articles_with = distinct_rows.c.analyzer, distinct_rows.c.label, func.count()
            counting = select(analyzer, label, articles_with)
        else:
            analyzer, label, articles_with = (
                spans.c.analyzer,
                spans.c.label,
                func.count(func.distinct(spans.c.analysis_pk)),
            )
            counting = select(analyzer, label, articles_with).where(latest_spans)
        span_rows = conn.execute(
            counting.group_by(analyzer, label).order_by(analyzer, articles_with.desc(), label)
        ).all()

        def label_counts(name: str, scope: Select[Any] | None) -> list[tuple[str, int]]:
            rows = conn.execute(
                select(labels.c.value, func.count())
                .where(labels.c.analysis_pk.in_(_latest_of(scope)), labels.c.name == name)
                .group_by(labels.c.value)
                .order_by(func.count().desc(), labels.c.value)
            )
            return [(str(value), int(n)) for value, n in rows]

        def target_counts(name: str, scope: Select[Any] | None) -> list[tuple[str, int]]:
            if canonical is None:
                return label_counts(name, scope)
            articles_of: dict[str, set[int]] = {}
            for analysis_pk, value in conn.execute(
                select(labels.c.analysis_pk, labels.c.value).where(
                    labels.c.analysis_pk.in_(_latest_of(scope)), labels.c.name == name
                )
            ):
                articles_of.setdefault(canonical(str(value)), set()).add(int(analysis_pk))
            return sorted(
                ((v, len(pks)) for v, pks in articles_of.items()), key=lambda item: (-item[1], item[0])
            )

        # An article counts once under a genre, whether its page's tag or the predicted label says it.
        pairs = union(
            select(articles.c.pk.label("pk"), func.lower(articles.c.genre_tag).label("genre")).where(
                articles.c.genre_tag.is_not(None)
            ),
            select(analyses.c.article_pk.label("pk"), func.lower(labels.c.value).label("genre"))
            .join(analyses, analyses.c.pk == labels.c.analysis_pk)
            .where(labels.c.analysis_pk.in_(latest_analysis_pks()), labels.c.name == GENRE_LABEL),
        ).subquery()
        by_genre = select(pairs.c.genre, func.count())
        if scopes["genres"] is not None:
            by_genre = by_genre.where(pairs.c.pk.in_(scopes["genres"]))
        by_genre = by_genre.group_by(pairs.c.genre)
        genres = conn.execute(by_genre.order_by(func.count().desc(), pairs.c.genre)).all()
        return Facets(
            outlets=column_counts(articles.c.outlet, scopes["outlets"]),
            languages=column_counts(articles.c.language, scopes["languages"]),
            genres=[(str(genre), int(n)) for genre, n in genres],
            span_labels=[(str(a), str(label), int(n)) for a, label, n in span_rows],
            narratives=label_counts(NARRATIVE_LABEL, scopes["narratives"]),
            attacked=target_counts(ATTACKED_LABEL, scopes["attacked"]),
            praised=target_counts(PRAISED_LABEL, scopes["praised"]),
        )
