"""``propwatch copy``: the whole store into another database (SQLite to PostgreSQL, or back)."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from propwatch.cli.options import counted, literal_console, settings_from
from propwatch.storage.engine import mask_url
from propwatch.storage.store import ArticleStore

out = literal_console()
err = literal_console(stderr=True)


def register(app: typer.Typer) -> None:
    app.command("copy")(copy)


def copy(
    ctx: typer.Context,
    target_url: Annotated[
        str,
        typer.Argument(
            metavar="TARGET", help="Database URL to copy into (postgresql://user@host/db, sqlite:///file.db)."
        ),
    ],
    tokens: Annotated[
        bool, typer.Option("--tokens/--no-tokens", help="Copy the API tokens too (names the target lacks).")
    ] = True,
) -> None:
    """Copy every stored article, with all its analyses, spans and appearances, into another database
    (the store of --db / --data-dir is read, not changed). Articles the target holds are kept as they
    are there, so an interrupted copy, run again, goes on where it stopped."""
    from propwatch.republication.signatures import index_missing
    from propwatch.storage.transfer import copy_store

    settings = settings_from(ctx)
    with (
        ArticleStore.from_settings(settings, create=False) as source,
        ArticleStore.open(target_url) as target,
    ):
        total = source.count_articles()
        with Progress(
            TextColumn("copying"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=err,
            transient=True,
            disable=not err.is_terminal,
        ) as progress:
            task = progress.add_task("copy", total=total)
            try:
                done = copy_store(source, target, tokens=tokens, progress=lambda n: progress.advance(task, n))
            except KeyboardInterrupt:
                progress.stop()
                err.print(
                    f"Interrupted: the articles copied so far stay in {mask_url(target_url)}; run the same "
                    "command again to go on where it stopped.",
                    highlight=False,
                )
                raise typer.Exit(130) from None
        signed = index_missing(target, settings)
    copied = f"{counted(done.articles, 'article')} ({counted(done.analyses, 'analysis', 'analyses')}, "
    copied += f"{counted(done.spans, 'span')})"
    extras = [counted(done.tokens, "API token")] if tokens else []
    if done.blocks:
        extras.append(counted(done.blocks, "blocked text digest"))
    if extras:
        copied += " and " + ", ".join(extras)
    out.print(f"Copied {copied} into {mask_url(target_url)}.")
    if done.skipped:
        out.print(f"{counted(done.skipped, 'article')} already there kept as they were.")
    out.print(f"{counted(signed, 'text')} signed for republication search.")
