"""``propwatch delete``: remove stored articles (a takedown, a mistaken crawl) and all found in them."""

from __future__ import annotations

import sys
from typing import Annotated

import typer
from rich.table import Table

from propwatch.cli import filters
from propwatch.cli.options import counted, literal_console, settings_from
from propwatch.errors import ConfigurationError
from propwatch.storage.blocking import BlockList
from propwatch.storage.store import ArticleStore

SHOWN = 20  # articles listed before asking

out = literal_console()
err = literal_console(stderr=True)


def register(app: typer.Typer) -> None:
    app.command("delete")(delete)
    app.command("blocked")(blocked)
    app.command("unblock")(unblock)


def delete(
    ctx: typer.Context,
    article_ids: Annotated[
        list[str] | None,
        typer.Argument(
            metavar="[ID]...", help="Article ids (or unique prefixes of 6+ characters).", show_default=False
        ),
    ] = None,
    outlet: filters.Outlet = None,
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
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Delete without asking.")] = False,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Only list what would be deleted.")] = False,
    block: Annotated[
        bool,
        typer.Option(
            "--block",
            help="Also refuse these texts and their links if ingest, analyze, watch, batch or the API meet "
            "them again (a takedown); only digests are kept.",
        ),
    ] = False,
) -> None:
    """Delete stored articles, given by id or by the filters of `list`, with their analyses, spans,
    appearances and republication signatures, all or nothing. Asks first unless --yes; without a
    terminal (a pipe, cron) it refuses unless --yes."""
    settings = settings_from(ctx)
    options = filters.given(locals())
    given = filters.chosen(options)
    if bool(article_ids) == bool(given):
        raise ConfigurationError(
            "delete",
            "give article ids or filters (e.g. --outlet), not both"
            if given
            else "give the ids of the articles to delete, or filters of `list` (e.g. --outlet) choosing them",
        )
    with ArticleStore.from_settings(settings, create=False) as store:
        if article_ids:  # an unknown or ambiguous id fails here, before anything is deleted
            chosen_ids = list(dict.fromkeys(store.get_article(article_id).id for article_id in article_ids))
        else:
            chosen_ids = filters.matching_ids(settings, store, options)
        if not chosen_ids:
            out.print("No stored article matches: nothing to delete.")
            return
        _show(store, chosen_ids)
        if dry_run:
            out.print(f"Would delete {counted(len(chosen_ids), 'article')} (--dry-run: nothing deleted).")
            return
        n = counted(len(chosen_ids), "article")
        if not yes:
            if not sys.stdin.isatty():
                raise ConfigurationError(
                    "delete",
                    f"would delete {n}: pass --yes to delete without asking",
                )
            if not typer.confirm(f"Delete {n}?", default=False):
                err.print("Nothing deleted.")
                raise typer.Exit(1)
        try:
            outcome = store.delete_articles(chosen_ids, block=block)
        except KeyboardInterrupt:  # one transaction: rolled back, all or nothing
            err.print("Interrupted: nothing was deleted.", highlight=False)
            raise typer.Exit(130) from None
    analyses = counted(outcome.n_analyses, "analysis", "analyses")
    kept_out = "; their texts and links are refused from now on ('propwatch blocked')" if block else ""
    out.print(f"Deleted {counted(len(outcome.article_ids), 'article')} and {analyses}{kept_out}.")


def blocked(ctx: typer.Context) -> None:
    """List the texts deleted with --block, which ingest, analyze, watch, batch and the API refuse."""
    with ArticleStore.from_settings(settings_from(ctx), create=False) as store:
        entries = BlockList(store).entries()
    if not entries:
        out.print("No text is blocked.")
        return
    table = Table(title=f"{counted(len(entries), 'blocked text')}", title_justify="left")
    for column in ("Id", "Blocked", "Links"):
        table.add_column(column, no_wrap=True)
    for entry in entries:
        table.add_row(entry.article_id, f"{entry.blocked_at:%Y-%m-%d %H:%M} UTC", str(entry.urls))
    out.print(table)


def unblock(
    ctx: typer.Context,
    article_ids: Annotated[
        list[str], typer.Argument(metavar="ID...", help="Ids of blocked texts (or unique prefixes of 6+).")
    ],
) -> None:
    """Let texts deleted with --block in again (their text and links), all or nothing."""
    with ArticleStore.from_settings(settings_from(ctx), create=False) as store:
        lifted = BlockList(store).unblock(article_ids)
    out.print(f"Unblocked {counted(len(lifted), 'text')}: {', '.join(lifted)}.")


def _show(store: ArticleStore, article_ids: list[str]) -> None:
    table = Table(title=f"{counted(len(article_ids), 'article')} to delete", title_justify="left")
    table.add_column("Id", no_wrap=True, min_width=16)
    table.add_column("Published", no_wrap=True, min_width=10)
    for column in ("Outlet", "Title", "URL"):
        table.add_column(column, overflow="fold")
    for article_id in article_ids[:SHOWN]:
        article = store.get_article(article_id)
        when = article.published.isoformat() if article.published else ""
        table.add_row(article.id, when, article.outlet or "", article.title or "", article.url or "")
    if len(article_ids) > SHOWN:
        table.caption = f"and {len(article_ids) - SHOWN} more"
    out.print(table)
