"""Outlet statistics: per outlet, per period, or both, over all stored articles or those a query matches.

They are aggregated in Python from one streamed pass over the rows, so the same code runs on SQLite and
PostgreSQL without dialect-specific date or window functions. Spans and labels are those of each
article's latest analysis, as listings and exports use.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, Literal

from sqlalchemy import ColumnElement, Connection, String, cast, func, select

from propwatch.analyzers import registry
from propwatch.errors import InputError, NotFoundError
from propwatch.models.taxonomy import CATEGORIES, TECHNIQUE_ANALYZER, TECHNIQUES
from propwatch.storage.queries import (
    ATTACKED_LABEL,
    NARRATIVE_LABEL,
    ArticleQuery,
    article_conditions,
    latest_analysis_pks,
    text_hits,
)
from propwatch.storage.records import model_versions, ran_analyzers
from propwatch.storage.schema import analyses, articles, labels, spans
from propwatch.storage.store import ArticleStore
from propwatch.summary import covered_characters

Bucket = Literal["week", "month", "year"]
BUCKETS: tuple[Bucket, ...] = ("week", "month", "year")
UNDATED = "undated"  # the period of the articles without a publication date
Canonical = Callable[[str], str]  # a target name → the name of the target it stands for
# The analyzer argument's default: the technique detector once it has run (default_analyzer), as the
# CLI, API and pages count; None counts the spans of every analyzer (targets, claims… too).
DEFAULT_ANALYZER = "(default)"
# Whose findings the narrative and attacked counts are (named here: importing the analyzers loads models).
NARRATIVE_ANALYZER, TARGET_ANALYZER = "narratives", "targets"
_CATEGORY_ORDER = {category: n for n, category in enumerate(CATEGORIES)}


def ranked(counts: Counter[str]) -> dict[str, int]:
    """``counts`` most frequent first, ties in alphabetical order (Counter.most_common keeps the
    order rows happened to be read in)."""
    return dict(sorted(counts.items(), key=lambda item: (-item[1], item[0])))


@dataclass
class Tally:
    """Counts over a set of articles: spans per label, share of text inside spans, narratives and the
    targets they attack (articles each)."""

    articles: int = 0
    analysed: int = 0  # articles whose latest analysis ran the counted analyzer: spans and share are theirs
    undated: int = 0  # articles whose page gave no publication date: not in first/last
    characters: int = 0  # of analysed articles
    covered: int = 0  # characters inside at least one counted span
    narratives_checked: int = 0  # articles whose latest analysis ran the narrative matcher
    targets_checked: int = 0  # articles whose latest analysis ran the target extractor
    spans: int = 0
    labels: Counter[str] = field(default_factory=Counter)
    categories: Counter[str] = field(default_factory=Counter)
    category_characters: Counter[str] = field(default_factory=Counter)  # characters inside each's spans
    narratives: Counter[str] = field(default_factory=Counter)
    attacked: Counter[str] = field(default_factory=Counter)
    first: date | None = None
    last: date | None = None
    versions: Counter[tuple[str, str]] = field(default_factory=Counter)  # (analyzer, version): articles

    @property
    def mixed_versions(self) -> dict[str, Counter[str]]:
        """The analyzers whose counted findings were made by more than one version (an upgrade half
        re-analysed), each with its articles per version: the figures mix what those versions found."""
        by_analyzer: dict[str, Counter[str]] = {}
        for (name, version), count in self.versions.items():
            by_analyzer.setdefault(name, Counter())[version] += count
        return {name: found for name, found in sorted(by_analyzer.items()) if len(found) > 1}

    @property
    def coverage(self) -> float | None:
        """Share of the analysed text that lies inside counted spans, in [0, 1]; None when no article
        was analysed (nothing was measured, which is not 0 %)."""
        return self.covered / self.characters if self.analysed and self.characters else None

    @property
    def spans_per_article(self) -> float | None:
        """Counted spans per analysed article; None when no article was analysed."""
        return self.spans / self.analysed if self.analysed else None

    @property
    def dominant_category(self) -> str | None:
        """The technique category with the most spans (ties: the one covering more characters, then the
        official order, as an article's own summary breaks them); None without any."""
        if not self.categories:
            return None
        return min(
            self.categories,
            key=lambda c: (-self.categories[c], -self.category_characters[c], _CATEGORY_ORDER.get(c, 99)),
        )

    def record(self) -> dict[str, Any]:
        """The tally as the API, the CLI's JSON and the web pages give it (counts most frequent first,
        ties alphabetical)."""
        return {
            "articles": self.articles,
            "analysed": self.analysed,
            "undated": self.undated,
            "spans": self.spans,
            "spans_per_article": None if self.spans_per_article is None else round(self.spans_per_article, 6),
            "coverage": None if self.coverage is None else round(self.coverage, 6),
            "characters": self.characters,
            "covered": self.covered,
            "narratives_checked": self.narratives_checked,
            "targets_checked": self.targets_checked,
            "dominant_category": self.dominant_category,
            "first_published": self.first,
            "last_published": self.last,
            "labels": ranked(self.labels),
            "categories": ranked(self.categories),
            "narratives": ranked(self.narratives),
            "attacked": ranked(self.attacked),
        }

    def add(self, fact: _ArticleFact) -> None:
        self.articles += 1
        if fact.day is None:
            self.undated += 1
        else:
            self.first = fact.day if self.first is None else min(self.first, fact.day)
            self.last = fact.day if self.last is None else max(self.last, fact.day)
        # Narratives and targets are counted wherever an analysis found them; spans and the share of text
        # only where the counted analyzer ran (an article checked for claims only is not "0 spans").
        self.narratives.update(fact.narratives)
        self.attacked.update(fact.attacked)
        self.narratives_checked += NARRATIVE_ANALYZER in fact.ran
        self.targets_checked += TARGET_ANALYZER in fact.ran
        self.versions.update(fact.versions.items())
        if not fact.analysed:
            return
        self.analysed += 1
        self.characters += fact.length
        self.covered += fact.covered
        self.spans += sum(fact.labels.values())
        self.labels.update(fact.labels)
        self.categories.update(fact.categories)
        self.category_characters.update(fact.category_characters)


@dataclass
class _ArticleFact:
    pk: int
    outlet: str | None
    day: date | None
    length: int
    analysed: bool = False  # the latest analysis ran the counted analyzer (any, when all count)
    ran: frozenset[str] = frozenset()  # the analyzers of the latest analysis
    versions: dict[str, str] = field(default_factory=dict)  # their versions
    covered: int = 0
    labels: Counter[str] = field(default_factory=Counter)
    categories: Counter[str] = field(default_factory=Counter)
    category_characters: Counter[str] = field(default_factory=Counter)
    narratives: Counter[str] = field(default_factory=Counter)
    attacked: Counter[str] = field(default_factory=Counter)


def _category(analyzer: str, label: str) -> str | None:
    if analyzer == TECHNIQUE_ANALYZER and label in TECHNIQUES:
        return TECHNIQUES[label].category
    return None


def _texts(conn: Connection, pks: set[int]) -> dict[int, str]:
    """The texts of the articles ``pks``."""
    found: dict[int, str] = {}
    ordered = sorted(pks)
    for offset in range(0, len(ordered), 500):  # a bounded IN list per query
        chunk = ordered[offset : offset + 500]
        for row in conn.execute(select(articles.c.pk, articles.c.text).where(articles.c.pk.in_(chunk))):
            found[int(row.pk)] = str(row.text)
    return found


def _article_filter(conn: Connection, query: ArticleQuery | None) -> list[ColumnElement[bool]] | None:
    """The conditions on ``articles`` of ``query`` (its full-text part too); None when nothing matches."""
    if query is None:
        return []
    conditions = article_conditions(query)
    if query.text is not None and query.text.strip():
        hits = text_hits(conn, query.text)
        if hits is None:
            return None
        conditions.append(articles.c.pk.in_(select(hits.c.pk)))
    return conditions


def _facts(
    conn: Connection,
    outlet: str | None,
    analyzer: str | None,
    query: ArticleQuery | None = None,
    canonical: Canonical | None = None,
) -> Iterator[_ArticleFact]:
    """One fact per article (of ``outlet``, or all; only those matching ``query`` when given), with
    what its latest analysis found.

    Only spans of ``analyzer`` (all spans when None) count, and only in articles whose latest analysis
    ran it; the day is the publication date, None when the page gave none (the day it was stored or
    crawled is not when it was published). ``canonical`` merges the names of one target (USA, United
    States), each counted once per article.
    """
    if analyzer == DEFAULT_ANALYZER:
        analyzer = _counted_by_default(conn)
    _check_analyzer(conn, analyzer)
    chosen = _article_filter(conn, query)
    if chosen is None:
        return
    where = [*([articles.c.outlet == outlet] if outlet is not None else []), *chosen]
    facts: dict[int, _ArticleFact] = {}
    crlf: set[int] = set()  # articles with CRLF line breaks: their spans are measured on the text
    for row in conn.execute(
        select(
            articles.c.pk,
            articles.c.outlet,
            articles.c.published,
            # A CRLF line break counts as one character, as in the article's own summary.
            func.length(func.replace(articles.c.text, "\r\n", "\n")).label("length"),
            func.length(articles.c.text).label("raw_length"),
        ).where(*where)
    ):
        facts[int(row.pk)] = _ArticleFact(int(row.pk), row.outlet, row.published, int(row.length))
        if row.length != row.raw_length:
            crlf.add(int(row.pk))
    latest = select(
        analyses.c.pk, analyses.c.article_pk, analyses.c.analyzers, analyses.c.model_version
    ).where(analyses.c.pk.in_(latest_analysis_pks()))
    if where:
        latest = latest.join(articles, articles.c.pk == analyses.c.article_pk).where(*where)
    article_of: dict[int, int] = {}
    for analysis_row in conn.execute(latest):
        article_of[int(analysis_row.pk)] = int(analysis_row.article_pk)
        fact = facts[int(analysis_row.article_pk)]
        fact.ran = frozenset(ran_analyzers(analysis_row.analyzers))
        fact.versions = model_versions(analysis_row.model_version)
        fact.analysed = analyzer is None or analyzer in fact.ran
    span_query = select(
        spans.c.analysis_pk, spans.c.start_char, spans.c.end_char, spans.c.label, spans.c.analyzer
    )
    if analyzer is not None:
        span_query = span_query.where(spans.c.analyzer == analyzer)
    intervals: dict[int, list[tuple[int, int]]] = {}
    by_category: dict[tuple[int, str], list[tuple[int, int]]] = {}
    for span_row in conn.execute(
        span_query.where(spans.c.analysis_pk.in_(latest.with_only_columns(analyses.c.pk)))
    ):
        fact = facts[article_of[int(span_row.analysis_pk)]]
        fact.labels[span_row.label] += 1
        category = _category(span_row.analyzer, span_row.label)
        if category is not None:
            fact.categories[category] += 1
            by_category.setdefault((fact.pk, category), []).append(
                (int(span_row.start_char), int(span_row.end_char))
            )
        intervals.setdefault(fact.pk, []).append((int(span_row.start_char), int(span_row.end_char)))
    texts = _texts(conn, crlf & intervals.keys())
    for pk, found in intervals.items():
        facts[pk].covered = covered_characters(found, texts.get(pk))
    for (pk, category), found in by_category.items():
        facts[pk].category_characters[category] = covered_characters(found, texts.get(pk))
    for label_row in conn.execute(
        select(labels.c.analysis_pk, labels.c.name, labels.c.value).where(
            labels.c.name.in_((NARRATIVE_LABEL, ATTACKED_LABEL)),
            labels.c.analysis_pk.in_(latest.with_only_columns(analyses.c.pk)),
        )
    ):
        fact = facts[article_of[int(label_row.analysis_pk)]]
        if label_row.name == NARRATIVE_LABEL:
            fact.narratives[label_row.value] += 1
        else:
            name = canonical(label_row.value) if canonical is not None else label_row.value
            fact.attacked[name] = 1  # an article storing two names of one target attacks it once
    yield from facts.values()


def _check_analyzer(conn: Connection, analyzer: str | None) -> None:
    """A misspelt analyzer would count no span and compare every outlet as 0: refuse it instead."""
    if analyzer is None:
        return
    # A stored span settles it at once; the installed analyzers are looked up only when none does.
    if conn.execute(select(spans.c.pk).where(spans.c.analyzer == analyzer).limit(1)).first() is not None:
        return
    if analyzer in registry.installed_names():
        return
    stored = sorted(str(name) for (name,) in conn.execute(select(spans.c.analyzer).distinct()))
    raise InputError(
        f"analyzer {analyzer!r}",
        "is not installed and no stored span comes from it; stored spans come from "
        + (", ".join(stored) if stored else "no analyzer yet"),
    )


def default_analyzer(store: ArticleStore) -> str | None:
    """The analyzer whose spans statistics count: the technique detector when it has run, else all."""
    with store._reading("cannot read the analyses") as conn:
        return _counted_by_default(conn)


def _counted_by_default(conn: Connection) -> str | None:
    # Whether the detector ran, not whether it found a span: a store of plain reporting otherwise
    # counted claims and target mentions as "text in spans", and changed meaning with its first span.
    found = conn.execute(select(spans.c.pk).where(spans.c.analyzer == TECHNIQUE_ANALYZER).limit(1)).first()
    if found is not None:
        return TECHNIQUE_ANALYZER
    # The analyzers column is a JSON list of names: a quoted name in its text is one of them.
    recorded = cast(analyses.c.analyzers, String).contains(f'"{TECHNIQUE_ANALYZER}"')
    ran = conn.execute(select(analyses.c.pk).where(recorded).limit(1)).first()
    return TECHNIQUE_ANALYZER if ran is not None else None


def outlet_statistics(
    store: ArticleStore,
    *,
    analyzer: str | None = DEFAULT_ANALYZER,
    outlets: Sequence[str] | None = None,
    query: ArticleQuery | None = None,
    canonical: Canonical | None = None,
) -> dict[str, Tally]:
    """A tally per outlet (articles without an outlet are left out), most articles first; only
    ``outlets`` when given, each of which must have a stored article; only the articles matching
    ``query`` when given (e.g. those attacking NATO); ``canonical`` merges a target's names."""
    return _outlet_tallies(store, analyzer, outlets, None, query, canonical)[0]


def outlet_timelines(
    store: ArticleStore,
    *,
    bucket: Bucket = "month",
    analyzer: str | None = DEFAULT_ANALYZER,
    outlets: Sequence[str] | None = None,
    query: ArticleQuery | None = None,
    canonical: Canonical | None = None,
) -> tuple[dict[str, Tally], dict[str, dict[str, Tally]]]:
    """The tally per outlet (as :func:`outlet_statistics`) and, for each outlet, a tally per period,
    oldest first: the table that compares outlets over time, read in one pass over the store."""
    if bucket not in BUCKETS:
        raise InputError(f"bucket={bucket!r}", f"must be one of {', '.join(BUCKETS)}")
    return _outlet_tallies(store, analyzer, outlets, bucket, query, canonical)


def _outlet_tallies(
    store: ArticleStore,
    analyzer: str | None,
    outlets: Sequence[str] | None,
    bucket: Bucket | None,
    query: ArticleQuery | None = None,
    canonical: Canonical | None = None,
) -> tuple[dict[str, Tally], dict[str, dict[str, Tally]]]:
    overall: dict[str, Tally] = {}
    periods: dict[str, dict[str, Tally]] = {}
    with store._reading("cannot compute the outlet statistics") as conn:
        for fact in _facts(conn, None, analyzer, query, canonical):
            if fact.outlet is None or (outlets is not None and fact.outlet not in outlets):
                continue
            overall.setdefault(fact.outlet, Tally()).add(fact)
            if bucket is not None:  # undated articles in a period of their own, after the dated ones
                period = UNDATED if fact.day is None else period_of(fact.day, bucket)
                periods.setdefault(fact.outlet, {}).setdefault(period, Tally()).add(fact)
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


def outlets_overview(
    store: ArticleStore,
    *,
    bucket: Bucket = "month",
    analyzer: str | None = DEFAULT_ANALYZER,
    canonical: Canonical | None = None,
) -> tuple[dict[str, Tally], Tally, dict[str, Tally]]:
    """The tally per outlet (as :func:`outlet_statistics`) and, over the articles of every outlet, the
    overall tally and one per period (as :func:`timeline` with ``with_outlet``): a dashboard's figures
    from one pass over the store (two passes took 4.6 s a page at 25,000 articles)."""
    if bucket not in BUCKETS:
        raise InputError(f"bucket={bucket!r}", f"must be one of {', '.join(BUCKETS)}")
    outlets: dict[str, Tally] = {}
    overall = Tally()
    periods: dict[str, Tally] = {}
    with store._reading("cannot compute the outlet statistics") as conn:
        for fact in _facts(conn, None, analyzer, None, canonical):
            if fact.outlet is None:
                continue
            outlets.setdefault(fact.outlet, Tally()).add(fact)
            overall.add(fact)
            period = UNDATED if fact.day is None else period_of(fact.day, bucket)
            periods.setdefault(period, Tally()).add(fact)
    ranked = sorted(outlets, key=lambda name: (-outlets[name].articles, name))
    return {name: outlets[name] for name in ranked}, overall, dict(sorted(periods.items()))


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


def _period_start(period: str, bucket: Bucket) -> date:
    if bucket == "year":
        return date(int(period), 1, 1)
    if bucket == "month":
        return date(int(period[:4]), int(period[5:7]), 1)
    return date.fromisocalendar(int(period[:4]), int(period[6:8]), 1)


def _next_period(day: date, bucket: Bucket) -> date:
    if bucket == "year":
        return date(day.year + 1, 1, 1)
    if bucket == "month":
        return date(day.year + day.month // 12, day.month % 12 + 1, 1)
    return day + timedelta(days=7)


MAX_FILLED_PERIODS = 1200  # a century of months; a placeholder date (1970, 9999) would make thousands


def with_empty_periods(periods: dict[str, Tally], bucket: Bucket) -> dict[str, Tally]:
    """``periods`` with the periods between its first and last that hold no article, as empty tallies
    (a chart over time must not close a gap); the undated ones stay last. Spans of more than
    ``MAX_FILLED_PERIODS`` periods are left as they are."""
    dated = sorted(p for p in periods if p != UNDATED)
    if not dated:
        return periods
    filled: dict[str, Tally] = {}
    day, last = _period_start(dated[0], bucket), _period_start(dated[-1], bucket)
    length = {"year": 365.25, "month": 30.44, "week": 7.0}[bucket]
    if (last - day).days / length >= MAX_FILLED_PERIODS:
        return periods
    while True:
        key = period_of(day, bucket)
        filled[key] = periods.get(key, Tally())
        if day >= last:
            break  # before computing the next period: after December 9999 there is none
        day = _next_period(day, bucket)
    if UNDATED in periods:
        filled[UNDATED] = periods[UNDATED]
    return filled


def timeline(
    store: ArticleStore,
    *,
    outlet: str | None = None,
    bucket: Bucket = "month",
    analyzer: str | None = DEFAULT_ANALYZER,
    query: ArticleQuery | None = None,
    with_outlet: bool = False,
    canonical: Canonical | None = None,
) -> tuple[Tally, dict[str, Tally]]:
    """The overall tally and one per period (oldest first, the undated articles last, as in
    :func:`outlet_timelines`) of one outlet's articles, or of all (only those matching ``query`` when
    given; only those of some outlet with ``with_outlet``, as a comparison of outlets counts)."""
    if bucket not in BUCKETS:
        raise InputError(f"bucket={bucket!r}", f"must be one of {', '.join(BUCKETS)}")
    overall = Tally()
    periods: dict[str, Tally] = {}
    with store._reading("cannot compute the statistics over time") as conn:
        for fact in _facts(conn, outlet, analyzer, query, canonical):
            if with_outlet and fact.outlet is None:
                continue
            overall.add(fact)
            period = UNDATED if fact.day is None else period_of(fact.day, bucket)
            periods.setdefault(period, Tally()).add(fact)
    return overall, dict(sorted(periods.items()))


def mixed_versions_caution(tallies: Iterable[Tally], counted: str | None) -> str | None:
    """A caution when the compared articles' figures were made by more than one version of an analyzer
    they use (``counted``, whose spans are counted, all when None, and the narrative matcher and target
    extractor) after an upgrade half re-analysed a store, naming the versions and their articles."""
    total = Tally()
    for tally in tallies:
        total.versions.update(tally.versions)
    used = {NARRATIVE_ANALYZER, TARGET_ANALYZER} | ({counted} if counted else set())
    mixed = {name: found for name, found in total.mixed_versions.items() if counted is None or name in used}
    if not mixed:
        return None
    listed = "; ".join(
        f"{name} "
        + ", ".join(
            f"{version} ({count} article{'' if count == 1 else 's'})"
            for version, count in found.most_common()
        )
        for name, found in mixed.items()
    )
    return (
        f"These figures mix findings of different analyzer versions: {listed}. `propwatch reanalyze` "
        "(or `reanalyze --outlet NAME` and the other filters of list) brings articles to the installed ones."
    )
