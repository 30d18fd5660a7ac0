"""``propwatch settings``: the settings in effect, where each came from, and their reference."""

from __future__ import annotations

import json
from enum import StrEnum
from typing import Annotated

import typer
from rich.table import Table

from propwatch.cli.options import literal_console, settings_from, write_json
from propwatch.settings import effective_settings, settings_markdown

out = literal_console()


class SettingsFormat(StrEnum):
    text = "text"
    json = "json"
    markdown = "markdown"


def register(app: typer.Typer) -> None:
    app.command("settings")(show_settings)


def show_settings(
    ctx: typer.Context,
    fmt: Annotated[
        SettingsFormat,
        typer.Option(
            "--format",
            "-f",
            help="text: a table of the values in effect; json: with type, default and help; markdown: the "
            "reference page (docs/settings.md).",
        ),
    ] = SettingsFormat.text,
) -> None:
    """Show every setting in effect, its environment variable, and whether it came from an option, the
    environment or the default (the database password masked)."""
    if fmt is SettingsFormat.markdown:
        out.print(settings_markdown(), end="", soft_wrap=True)
        return
    given = ctx.find_root().obj or {}
    rows = effective_settings(settings_from(ctx), given)
    if fmt is SettingsFormat.json:
        write_json(rows)
        return
    table = Table("Setting", "Value", "From", "Environment variable")
    for row in rows:
        value = row["value"]
        shown = "" if value is None else value if isinstance(value, str) else json.dumps(value)
        table.add_row(row["name"], shown, row["source"], row["variable"])
    out.print(table)
