"""``propwatch reanalyze``: analyse stored articles again from their stored text, after a model or a
narrative catalogue changed, without their sources."""

from __future__ import annotations

from typing import Annotated

import typer

from propwatch.cli import filters
from propwatch.cli.options import literal_console, settings_from
from propwatch.cli.tally import Tally
from propwatch.errors import ConfigurationError
from propwatch.service import reanalyze_stored
from propwatch.storage.store import ArticleStore

err = literal_console(stderr=True)


def register(app: typer.Typer) -> None:
    app.command("reanalyze")(reanalyze)


def reanalyze(
    ctx: typer.Context,
    article_ids: Annotated[
        list[str] | None,
        typer.Argument(
            metavar="[ID]...", help="Article ids (or unique prefixes of 6+ characters).", show_default=False
        ),
    ] = None,
    analyzer: Annotated[
        list[str] | None,
        typer.Option(
            "--analyzer", "-a", help="Run only these analyzers (repeatable); the others' findings stay."
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
) -> None:
    """Analyse stored articles again from their stored text: all, those given, or those the filters of
    `list` match, after a model or narrative catalogue changed. Only the analyzers that are not current
    run (and those that read their findings); an interrupted run, run again, goes on."""
    options = filters.given(locals())
    settings = settings_from(ctx, analyzers=tuple(analyzer) if analyzer else None)
    if article_ids and filters.chosen(options):
        raise ConfigurationError("reanalyze", "give ids or filters (e.g. --outlet), not both")
    tally = Tally("Checked", already="already current", already_done=True)
    try:
        with ArticleStore.from_settings(settings, create=False) as store:
            filtered = bool(filters.chosen(options))
            ids = filters.matching_ids(settings, store, options) if filtered else article_ids or None
            for _ in tally.track(reanalyze_stored(settings, store, ids, matched=filtered)):
                pass
    except KeyboardInterrupt:
        tally.interrupted(storing=True)
    if tally.seen == 0:  # filters that match nothing, as for list and export: no error
        err.print("No stored article to analyse again.", highlight=False)
        return
    tally.finish(storing=True)
