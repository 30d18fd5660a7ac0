"""The article filters ``propwatch list`` and ``propwatch search`` share: the page's metadata and what
the latest stored analysis found (techniques, narratives, targets and their stance)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

import typer

from propwatch.errors import ConfigurationError
from propwatch.ingest.dates import calendar_day
from propwatch.settings import Settings
from propwatch.storage.queries import ArticleQuery
from propwatch.storage.store import ArticleStore

Outlet = Annotated[str | None, typer.Option(help="Only this outlet.")]
Language = Annotated[str | None, typer.Option(help="Only this language (ISO 639-1).")]
Genre = Annotated[str | None, typer.Option(help="Only this genre: the page's own tag or the predicted one.")]
Since = Annotated[str | None, typer.Option(help="Published on or after (YYYY-MM-DD).")]
Until = Annotated[str | None, typer.Option(help="Published on or before (YYYY-MM-DD).")]
Technique = Annotated[
    str | None, typer.Option(help="Only articles with a span of this technique (e.g. Doubt).")
]
Category = Annotated[
    str | None,
    typer.Option(help="Only articles with a technique of this category (e.g. Attack_on_Reputation)."),
]
Narrative = Annotated[
    str | None, typer.Option(help="Only articles repeating this catalogue narrative (its id).")
]
Target = Annotated[
    str | None, typer.Option(help="Only articles naming this target (any alias: USA, США, Washington…).")
]
Attacked = Annotated[str | None, typer.Option(help="Only articles that attack this target (any alias).")]
Praised = Annotated[str | None, typer.Option(help="Only articles that praise this target (any alias).")]


NAMES = (
    *("outlet", "language", "genre", "since", "until"),
    *("technique", "category", "narrative", "target", "attacked", "praised"),
)


def given(options: dict[str, Any]) -> dict[str, str | None]:
    """The filter options among a command's parameters (its ``locals()``), for :func:`article_query`;
    a filter the command does not offer is None."""
    return {name: options.get(name) for name in NAMES}


def article_query(settings: Settings, store: ArticleStore, **options: str | None) -> ArticleQuery:
    """The query of the filter ``options`` (:func:`given`, and ``text``) on ``store``, dates parsed
    (:func:`propwatch.service.article_query`)."""
    from propwatch.service import article_query as resolved

    since, until = options.pop("since", None), options.pop("until", None)
    return resolved(
        settings,
        store,
        since=date_option("--since", since),
        until=date_option("--until", until),
        narrative_option="--narrative",
        **options,
    )


def matching_ids(settings: Settings, store: ArticleStore, options: dict[str, str | None]) -> list[str]:
    """The ids of every stored article the filter ``options`` (:func:`given`) match, newest stored first."""
    from propwatch.storage.queries import find_articles
    from propwatch.storage.queries import matching_ids as query_ids

    query = article_query(settings, store, **options)
    total = find_articles(store, query, limit=1, most=None).total
    return query_ids(store, query, limit=max(total, 1))


def chosen(options: dict[str, str | None]) -> list[str]:
    """The filter options given, as the user typed their names (``--outlet``)."""
    return [f"--{name}" for name, value in options.items() if value is not None]


def date_option(name: str, value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return calendar_day(value)
    except ValueError as exc:
        # '2022-02-30' is in that form: say it is no date, whatever the reason
        raise ConfigurationError(name, f"{value!r} is not a date: give YYYY-MM-DD") from exc
