"""What the web app asks the store beyond ArticleStore: filtered search, facets and outlet statistics.

Filters on spans and labels look at each article's latest analysis, as listings and exports do.
Statistics are aggregated in Python from one streamed pass over the rows, so the same code runs on
SQLite and PostgreSQL without dialect-specific date or window functions.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

from sqlalchemy import (
    ColumnElement,
    Connection,
    Float,
    Integer,
    Select,
    Subquery,
    bindparam,
    exists,
    func,
    or_,
    select,
    text,
)

from propwatch.errors import InputError, NotFoundError
from propwatch.models.taxonomy import CATEGORIES, TECHNIQUES, techniques_in
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
    parse_query,
    websearch_expression,
)
from propwatch.storage.store import ArticleStore
from propwatch.targets.linking import SPAN_PREFIX as TARGET_SPAN_PREFIX

TECHNIQUE_ANALYZER = "techniques"
NARRATIVE_LABEL = "narrative"
ATTACKED_LABEL, PRAISED_LABEL = "attacked", "praised"  # the targets analyzer's stance labels
GENRE_LABEL = "genre"
MAX_PAGE = 200
Bucket = Literal["week", "month", "year"]
BUCKETS: tuple[Bucket, ...] = ("week", "month", "year")


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


def _conditions(query: ArticleQuery) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    latest = _latest_analysis_pk()
    if query.outlet is not None:
        conditions.append(articles.c.outlet == query.outlet)
    if query.language is not None:
        conditions.append(articles.c.language == query.language.lower())
    if query.since is not None:
        conditions.append(articles.c.published >= query.since)
    if query.until is not None:
        conditions.append(articles.c.published <= query.until)
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
        mention = f"{TARGET_SPAN_PREFIX}{query.target.strip()}".lower()
        conditions.append(exists().where(spans.c.analysis_pk == latest, func.lower(spans.c.label) == mention))
    for stance, name in ((ATTACKED_LABEL, query.attacked), (PRAISED_LABEL, query.praised)):
        if name is not None:
            conditions.append(
                exists().where(
                    labels.c.analysis_pk == latest,
                    labels.c.name == stance,
                    func.lower(labels.c.value) == name.strip().lower(),
                )
            )
    return conditions


def _technique_named(name: str) -> str:
    """The technique ``name`` stands for, in any case ("doubt" → "Doubt"); an unknown name is an error."""
    found = {technique.lower(): technique for technique in TECHNIQUES}.get(name.strip().lower())
    if found is None:
        raise InputError(f"technique={name!r}", f"unknown technique; known: {', '.join(TECHNIQUES)}")
    return found


def _hits(conn: Connection, query_text: str) -> Subquery | None:
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
        statement = text(
            f"SELECT articles.pk AS pk, ts_rank(articles.{TSVECTOR_COLUMN}, q.query) AS rank "
            "FROM articles, websearch_to_tsquery('simple', :match) AS q(query) "
            f"WHERE articles.{TSVECTOR_COLUMN} @@ q.query"
        ).bindparams(match=websearch_expression(parsed))
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
        statement = text(
            "SELECT a.pk AS pk, ts_headline('simple', "
            "coalesce(a.title || ' — ', '') || left(a.text, :chars), "
            "websearch_to_tsquery('simple', :match), :options) AS snippet "
            "FROM articles AS a WHERE a.pk IN :pks"
        ).bindparams(bindparam("pks", expanding=True))
        params = {
            "match": websearch_expression(parsed),
            "chars": TSVECTOR_TEXT_CHARS,
            "options": f'StartSel="{SNIPPET_START}", StopSel="{SNIPPET_END}", MinWords=12, MaxWords=30',
        }
    params.update(start=SNIPPET_START, end=SNIPPET_END, ellipsis=SNIPPET_ELLIPSIS, pks=pks)
    return {int(row.pk): str(row.snippet or "") for row in conn.execute(statement, params)}


def _check_page(limit: int, offset: int, most: int | None = MAX_PAGE) -> None:
    if limit < 1 or (most is not None and limit > most):
        raise InputError(f"limit={limit}", f"must be between 1 and {most}" if most else "must be at least 1")
    if offset < 0:
        raise InputError(f"offset={offset}", "must not be negative")


def _matching(conn: Connection, query: ArticleQuery) -> tuple[Select[Any], Select[Any]] | None:
    """The page query (summaries, best first) and the count query; None when nothing can match."""
    conditions = _conditions(query)
    rows = summary_select().where(*conditions)
    count = select(func.count()).select_from(articles).where(*conditions)
    if query.text is not None and query.text.strip():
        hits = _hits(conn, query.text)
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
        rows, count = built
        total = int(conn.execute(count).scalar_one())
        found = list(conn.execute(rows.limit(limit).offset(offset)).mappings())
        snippets = _snippets(conn, query.text or "", [int(row["pk"]) for row in found]) if query.text else {}
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


def _latest_pks() -> Select[Any]:
    return select(func.max(analyses.c.pk)).group_by(analyses.c.article_pk)


def facets(store: ArticleStore) -> Facets:
    with store._reading("cannot read the facets") as conn:

        def column_counts(column: Any) -> list[tuple[str, int]]:
            query = (
                select(column, func.count())
                .where(column.is_not(None))
                .group_by(column)
                .order_by(func.count().desc(), column)
            )
            return [(str(value), int(n)) for value, n in conn.execute(query)]

        span_rows = conn.execute(
            select(spans.c.analyzer, spans.c.label, func.count())
            .where(spans.c.analysis_pk.in_(_latest_pks()))
            .group_by(spans.c.analyzer, spans.c.label)
            .order_by(spans.c.analyzer, func.count().desc(), spans.c.label)
        ).all()

        def label_counts(name: str) -> list[tuple[str, int]]:
            rows = conn.execute(
                select(labels.c.value, func.count())
                .where(labels.c.analysis_pk.in_(_latest_pks()), labels.c.name == name)
                .group_by(labels.c.value)
                .order_by(func.count().desc(), labels.c.value)
            )
            return [(str(value), int(n)) for value, n in rows]

        genre_labels = conn.execute(
            select(func.lower(labels.c.value), func.count())
            .where(labels.c.analysis_pk.in_(_latest_pks()), labels.c.name == GENRE_LABEL)
            .group_by(func.lower(labels.c.value))
        ).all()
        genres = Counter(dict(column_counts(articles.c.genre_tag)))
        for value, n in genre_labels:
            genres[str(value)] += int(n)  # an article may count under its tag and its label
        return Facets(
            outlets=column_counts(articles.c.outlet),
            languages=column_counts(articles.c.language),
            genres=sorted(genres.items(), key=lambda kv: (-kv[1], kv[0])),
            span_labels=[(str(a), str(label), int(n)) for a, label, n in span_rows],
            narratives=label_counts(NARRATIVE_LABEL),
            attacked=label_counts(ATTACKED_LABEL),
            praised=label_counts(PRAISED_LABEL),
        )


# --- outlet statistics ---------------------------------------------------------------------------


@dataclass
class Tally:
    """Counts over a set of articles: spans per label, share of text inside spans, narratives and the
    targets they attack (articles each)."""

    articles: int = 0
    analysed: int = 0
    characters: int = 0  # of analysed articles
    covered: int = 0  # characters inside at least one counted span
    spans: int = 0
    labels: Counter[str] = field(default_factory=Counter)
    categories: Counter[str] = field(default_factory=Counter)
    narratives: Counter[str] = field(default_factory=Counter)
    attacked: Counter[str] = field(default_factory=Counter)
    first: date | None = None
    last: date | None = None

    @property
    def coverage(self) -> float:
        """Share of the analysed text that lies inside counted spans, in [0, 1]."""
        return self.covered / self.characters if self.characters else 0.0

    def record(self) -> dict[str, Any]:
        """The tally as the API, the CLI's JSON and the web pages give it (counts most frequent first)."""
        return {
            "articles": self.articles,
            "analysed": self.analysed,
            "spans": self.spans,
            "coverage": round(self.coverage, 6),
            "first_published": self.first,
            "last_published": self.last,
            "labels": dict(self.labels.most_common()),
            "categories": dict(self.categories.most_common()),
            "narratives": dict(self.narratives.most_common()),
            "attacked": dict(self.attacked.most_common()),
        }

    def add(self, fact: _ArticleFact) -> None:
        self.articles += 1
        if fact.day is not None:
            self.first = fact.day if self.first is None else min(self.first, fact.day)
            self.last = fact.day if self.last is None else max(self.last, fact.day)
        if not fact.analysed:
            return
        self.analysed += 1
        self.characters += fact.length
        self.covered += fact.covered
        self.spans += sum(fact.labels.values())
        self.labels.update(fact.labels)
        self.categories.update(fact.categories)
        self.narratives.update(fact.narratives)
        self.attacked.update(fact.attacked)


@dataclass
class _ArticleFact:
    pk: int
    outlet: str | None
    day: date | None
    length: int
    analysed: bool = False
    covered: int = 0
    labels: Counter[str] = field(default_factory=Counter)
    categories: Counter[str] = field(default_factory=Counter)
    narratives: Counter[str] = field(default_factory=Counter)
    attacked: Counter[str] = field(default_factory=Counter)


def _category(analyzer: str, label: str) -> str | None:
    if analyzer == TECHNIQUE_ANALYZER and label in TECHNIQUES:
        return TECHNIQUES[label].category
    return None


def _union_length(intervals: list[tuple[int, int]]) -> int:
    total, reach = 0, -1
    for start, end in sorted(intervals):
        if end <= reach:
            continue
        total += end - max(start, reach)
        reach = end
    return total


def _article_filter(conn: Connection, query: ArticleQuery | None) -> list[ColumnElement[bool]] | None:
    """The conditions on ``articles`` of ``query`` (its full-text part too); None when nothing matches."""
    if query is None:
        return []
    conditions = _conditions(query)
    if query.text is not None and query.text.strip():
        hits = _hits(conn, query.text)
        if hits is None:
            return None
        conditions.append(articles.c.pk.in_(select(hits.c.pk)))
    return conditions


def _facts(
    conn: Connection, outlet: str | None, analyzer: str | None, query: ArticleQuery | None = None
) -> Iterator[_ArticleFact]:
    """One fact per article (of ``outlet``, or all; only those matching ``query`` when given), with
    what its latest analysis found.

    Only spans of ``analyzer`` (all spans when None) count; the day is the publication date, or the
    day the article was stored when the page gave none.
    """
    chosen = _article_filter(conn, query)
    if chosen is None:
        return
    where = [*([articles.c.outlet == outlet] if outlet is not None else []), *chosen]
    facts: dict[int, _ArticleFact] = {}
    for row in conn.execute(
        select(
            articles.c.pk,
            articles.c.outlet,
            articles.c.published,
            articles.c.stored_at,
            func.length(articles.c.text).label("length"),
        ).where(*where)
    ):
        day = row.published or row.stored_at.date()
        facts[int(row.pk)] = _ArticleFact(int(row.pk), row.outlet, day, int(row.length))
    latest = select(analyses.c.pk, analyses.c.article_pk).where(analyses.c.pk.in_(_latest_pks()))
    if where:
        latest = latest.join(articles, articles.c.pk == analyses.c.article_pk).where(*where)
    article_of: dict[int, int] = {}
    for analysis_row in conn.execute(latest):
        article_of[int(analysis_row.pk)] = int(analysis_row.article_pk)
        facts[int(analysis_row.article_pk)].analysed = True
    span_query = select(
        spans.c.analysis_pk, spans.c.start_char, spans.c.end_char, spans.c.label, spans.c.analyzer
    )
    if analyzer is not None:
        span_query = span_query.where(spans.c.analyzer == analyzer)
    intervals: dict[int, list[tuple[int, int]]] = {}
    for row in conn.execute(
        span_query.where(spans.c.analysis_pk.in_(latest.with_only_columns(analyses.c.pk)))
    ):
        fact = facts[article_of[int(row.analysis_pk)]]
        fact.labels[row.label] += 1
        category = _category(row.analyzer, row.label)
        if category is not None:
            fact.categories[category] += 1
        intervals.setdefault(fact.pk, []).append((int(row.start_char), int(row.end_char)))
    for pk, found in intervals.items():
        facts[pk].covered = _union_length(found)
    for label_row in conn.execute(
        select(labels.c.analysis_pk, labels.c.name, labels.c.value).where(
            labels.c.name.in_((NARRATIVE_LABEL, ATTACKED_LABEL)),
            labels.c.analysis_pk.in_(latest.with_only_columns(analyses.c.pk)),
        )
    ):
        fact = facts[article_of[int(label_row.analysis_pk)]]
        (fact.narratives if label_row.name == NARRATIVE_LABEL else fact.attacked)[label_row.value] += 1
    yield from facts.values()


def default_analyzer(store: ArticleStore) -> str | None:
    """The analyzer whose spans statistics count: the technique detector when it has run, else all."""
    with store._reading("cannot read the analyses") as conn:
        found = conn.execute(
            select(spans.c.pk).where(spans.c.analyzer == TECHNIQUE_ANALYZER).limit(1)
        ).first()
    return TECHNIQUE_ANALYZER if found is not None else None


def outlet_statistics(
    store: ArticleStore,
    *,
    analyzer: str | None = None,
    outlets: Sequence[str] | None = None,
    query: ArticleQuery | None = None,
) -> dict[str, Tally]:
    """A tally per outlet (articles without an outlet are left out), most articles first; only
    ``outlets`` when given, each of which must have a stored article; only the articles matching
    ``query`` when given (e.g. those attacking NATO)."""
    return _outlet_tallies(store, analyzer, outlets, None, query)[0]


def outlet_timelines(
    store: ArticleStore,
    *,
    bucket: Bucket = "month",
    analyzer: str | None = None,
    outlets: Sequence[str] | None = None,
    query: ArticleQuery | None = None,
) -> tuple[dict[str, Tally], dict[str, dict[str, Tally]]]:
    """The tally per outlet (as :func:`outlet_statistics`) and, for each outlet, a tally per period,
    oldest first: the table that compares outlets over time, read in one pass over the store."""
    if bucket not in BUCKETS:
        raise InputError(f"bucket={bucket!r}", f"must be one of {', '.join(BUCKETS)}")
    return _outlet_tallies(store, analyzer, outlets, bucket, query)


def _outlet_tallies(
    store: ArticleStore,
    analyzer: str | None,
    outlets: Sequence[str] | None,
    bucket: Bucket | None,
    query: ArticleQuery | None = None,
) -> tuple[dict[str, Tally], dict[str, dict[str, Tally]]]:
    overall: dict[str, Tally] = {}
    periods: dict[str, dict[str, Tally]] = {}
    with store._reading("cannot compute the outlet statistics") as conn:
        for fact in _facts(conn, None, analyzer, query):
            if fact.outlet is None or (outlets is not None and fact.outlet not in outlets):
                continue
            overall.setdefault(fact.outlet, Tally()).add(fact)
            if bucket is not None and fact.day is not None:
                periods.setdefault(fact.outlet, {}).setdefault(period_of(fact.day, bucket), Tally()).add(fact)
        if query is not None and outlets:
            # An outlet with articles, none of which matches, is compared as empty, not unknown.
            stored = conn.execute(select(articles.c.outlet).where(articles.c.outlet.in_(outlets)).distinct())
            for (name,) in stored:
                overall.setdefault(str(name), Tally())
    _check_outlets(outlets, overall)
    ranked = sorted(overall, key=lambda name: (-overall[name].articles, name))
    return (
        {name: overall[name] for name in ranked},
        {name: dict(sorted(periods.get(name, {}).items())) for name in ranked} if bucket else {},
    )


def _check_outlets(asked: Sequence[str] | None, found: dict[str, Tally]) -> None:
    missing = [name for name in asked or () if name not in found]
    if missing:
        raise NotFoundError(f"outlet {missing[0]!r}", "no stored article is from this outlet")


def period_of(day: date, bucket: Bucket) -> str:
    """'2024', '2024-03' or the ISO week '2024-W09' of a day."""
    if bucket == "year":
        return f"{day.year:04d}"
    if bucket == "month":
        return f"{day.year:04d}-{day.month:02d}"
    year, week, _ = day.isocalendar()
    return f"{year:04d}-W{week:02d}"


def timeline(
    store: ArticleStore,
    *,
    outlet: str | None = None,
    bucket: Bucket = "month",
    analyzer: str | None = None,
    query: ArticleQuery | None = None,
) -> tuple[Tally, dict[str, Tally]]:
    """The overall tally and one per period (oldest first) of one outlet's articles, or of all (only
    those matching ``query`` when given)."""
    if bucket not in BUCKETS:
        raise InputError(f"bucket={bucket!r}", f"must be one of {', '.join(BUCKETS)}")
    overall = Tally()
    periods: dict[str, Tally] = {}
    with store._reading("cannot compute the statistics over time") as conn:
        for fact in _facts(conn, outlet, analyzer, query):
            overall.add(fact)
            if fact.day is not None:
                periods.setdefault(period_of(fact.day, bucket), Tally()).add(fact)
    return overall, dict(sorted(periods.items()))
