"""``propwatch outlets``: compare stored outlets, overall or period by period."""

from __future__ import annotations

import csv
import json
from collections import Counter
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, TextIO

import typer
from rich.table import Table

from propwatch.cli import filters
from propwatch.cli.options import labelled, literal_console, settings_from, text_output
from propwatch.export import spreadsheet_safe
from propwatch.storage.queries import ArticleQuery
from propwatch.storage.statistics import (
    Tally,
    default_analyzer,
    mixed_versions_caution,
    outlet_statistics,
    outlet_timelines,
    ranked,
)
from propwatch.storage.store import ArticleStore


class OutletsFormat(StrEnum):
    text = "text"
    json = "json"
    csv = "csv"


class Period(StrEnum):
    week = "week"
    month = "month"
    year = "year"


TOP_LABELS = 3  # techniques named per row of the text table


def register(app: typer.Typer) -> None:
    app.command("outlets")(outlets)


def outlets(
    ctx: typer.Context,
    names: Annotated[
        list[str] | None, typer.Argument(help="Only these outlets (exact names, as `propwatch list` shows).")
    ] = None,
    by: Annotated[
        Period | None, typer.Option("--by", help="One row per outlet and period (week, month or year).")
    ] = None,
    analyzer: Annotated[
        str | None,
        typer.Option(help="Count only this analyzer's spans (default: techniques, if they ran)."),
    ] = None,
    language: filters.Language = None,
    genre: filters.Genre = None,
    since: filters.Since = None,
    until: filters.Until = None,
    technique: filters.Technique = None,
    category: filters.Category = None,
    narrative: filters.Narrative = None,
    target: filters.Target = None,
    attacked: filters.Attacked = None,
    praised: filters.Praised = None,
    fmt: Annotated[OutletsFormat, typer.Option("--format", "-f", help="Output format.")] = OutletsFormat.text,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write to this file (default stdout).")
    ] = None,
) -> None:
    """Compare outlets: articles, spans per article, share of text inside spans, dominant technique
    category, most frequent techniques, narratives and the targets attacked; with --by, period by period.
    The filters of `list` compare them on the articles that match (e.g. --target NATO)."""
    settings = settings_from(ctx)
    options = filters.given(locals())
    with ArticleStore.from_settings(settings, create=False) as store:
        query = filters.article_query(settings, store, **options)
        counted = analyzer or default_analyzer(store)
        periods: dict[str, dict[str, Tally]] | None = None
        from propwatch.targets.aliases import canonical_target, load_aliases

        catalogue = load_aliases(settings)

        def merged(name: str) -> str:  # USA = United States
            return canonical_target(name, catalogue)

        asked = names or None
        if by is None:
            overall = outlet_statistics(store, analyzer=counted, outlets=asked, query=query, canonical=merged)
        else:
            overall, periods = outlet_timelines(
                store, bucket=by.value, analyzer=counted, outlets=asked, query=query, canonical=merged
            )
    if not overall and fmt is OutletsFormat.text:
        filtered = query != ArticleQuery()
        message = (
            "No stored article with an outlet matches." if filtered else "No stored article names its outlet."
        )
        literal_console(stderr=True).print(message, highlight=False)
        return
    comparison = _Comparison(counted, by, overall, periods)
    if caution := mixed_versions_caution(overall.values(), counted):
        literal_console(stderr=True).print(labelled("warning:", "yellow", caution), highlight=False)
    with text_output(output) as stream:
        if fmt is OutletsFormat.json:
            _write_json(stream, comparison)
        elif fmt is OutletsFormat.csv:
            _write_csv(stream, comparison)
        else:
            _print_table(stream, comparison)


@dataclass(frozen=True)
class _Comparison:
    """What the command shows: a tally per outlet and, with --by, per outlet and period."""

    analyzer: str | None
    by: Period | None
    overall: dict[str, Tally]
    periods: dict[str, dict[str, Tally]] | None


def _write_json(stream: TextIO, c: _Comparison) -> None:
    analyzer, by, overall, periods = (c.analyzer, c.by, c.overall, c.periods)
    items: list[dict[str, Any]] = []
    for name, tally in overall.items():
        item: dict[str, Any] = {"outlet": name, **tally.record()}
        if periods is not None:
            item["periods"] = [{"period": p, **t.record()} for p, t in periods[name].items()]
        items.append(item)
    document = {"analyzer": analyzer, "bucket": by.value if by else None, "outlets": items}
    stream.write(json.dumps(document, indent=2, ensure_ascii=False, default=str) + "\n")


def _rows(
    overall: dict[str, Tally], periods: dict[str, dict[str, Tally]] | None
) -> list[tuple[str, str, Tally]]:
    if periods is None:
        return [(name, "", tally) for name, tally in overall.items()]
    return [
        (name, period, tally) for name, by_period in periods.items() for period, tally in by_period.items()
    ]


def _write_csv(stream: TextIO, c: _Comparison) -> None:
    rows = _rows(c.overall, c.periods)
    labels = _ranked(t.labels for _, _, t in rows)
    categories = _ranked(t.categories for _, _, t in rows)
    narratives = _ranked(t.narratives for _, _, t in rows)
    attacked = _ranked(t.attacked for _, _, t in rows)
    writer = csv.writer(stream, lineterminator="\n")
    writer.writerow(
        spreadsheet_safe(cell)
        for cell in [
            "outlet",
            "period",
            "articles",
            "analysed",
            "undated",
            "spans",
            "spans_per_article",
            "coverage",
            "characters",
            "covered",
            "narratives_checked",
            "targets_checked",
            "first_published",
            "last_published",
            "dominant_category",
            # Span counts apart from article counts: a narrative's evidence spans are "narrative:<id>" too.
            *(f"spans:{label}" for label in labels),
            *(f"category:{c}" for c in categories),
            *(f"narrative:{n}" for n in narratives),
            *(f"attacked:{n}" for n in attacked),
        ]
    )
    for name, period, t in rows:
        writer.writerow(
            spreadsheet_safe(cell)
            for cell in [
                name,
                period,
                t.articles,
                t.analysed,
                t.undated,
                t.spans,
                "" if t.spans_per_article is None else f"{t.spans_per_article:.3f}",
                "" if t.coverage is None else f"{t.coverage:.6f}",
                t.characters,
                t.covered,
                t.narratives_checked,
                t.targets_checked,
                t.first.isoformat() if t.first else "",
                t.last.isoformat() if t.last else "",
                _dominant(t),
                *(t.labels[label] for label in labels),
                *(t.categories[c] for c in categories),
                *(t.narratives[n] for n in narratives),
                *(t.attacked[n] for n in attacked),
            ]
        )


def _print_table(stream: TextIO, c: _Comparison) -> None:
    analyzer, by, overall, periods = (c.analyzer, c.by, c.overall, c.periods)
    counted = f"{analyzer} spans" if analyzer else "spans of every analyzer"
    title = f"{len(overall)} outlets, {counted}" + (f", by {by.value}" if by else "")
    table = Table(title=title)
    columns = ["Outlet", *(["Period"] if by else []), "Articles", "Published", "Spans/article"]
    for column in (*columns, "Text in spans", "Dominant category", "Most frequent", "Narratives", "Attacks"):
        table.add_column(column, overflow="fold")
    for name, period, t in _rows(overall, periods):
        first_of_outlet = periods is None or period == next(iter(periods[name]))
        if by is not None and first_of_outlet and table.row_count:
            table.add_section()
        published = f"{t.first.isoformat()} – {t.last.isoformat()}" if t.first and t.last else ""
        if t.undated:
            published = f"{published} ({t.undated} undated)".strip()
        table.add_row(
            name if first_of_outlet else "",
            *([period] if by else []),
            f"{t.articles}" + (f" ({t.analysed} analysed)" if t.analysed != t.articles else ""),
            published,
            "—" if t.spans_per_article is None else f"{t.spans_per_article:.1f}",
            "—" if t.coverage is None else f"{100 * t.coverage:.1f}%",
            _dominant(t),
            _top(t.labels, TOP_LABELS),
            _top(t.narratives, 2),
            _top(t.attacked, 2),
        )
    literal_console(file=stream).print(table)


def _dominant(t: Tally) -> str:
    return t.dominant_category or ""


def _top(counts: Counter[str], n: int) -> str:
    """The ``n`` most frequent, ties in alphabetical order (the order rows were stored in is no rank)."""
    return ", ".join(f"{value} ×{count}" for value, count in list(ranked(counts).items())[:n])


def _ranked(counters: Any) -> list[str]:
    total: dict[str, int] = {}
    for counter in counters:
        for key, n in counter.items():
            total[key] = total.get(key, 0) + n
    return sorted(total, key=lambda key: (-total[key], key))
