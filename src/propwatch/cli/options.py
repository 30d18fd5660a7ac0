"""What every command group shares: settings from the global options, and output files."""

from __future__ import annotations

import contextlib
import json
import os
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any, BinaryIO, TextIO

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.text import Text

from propwatch.errors import ConfigurationError
from propwatch.output_files import replacing
from propwatch.settings import Settings, environment_variable
from propwatch.storage.engine import mask_url


def literal_console(*, stderr: bool = False, **options: Any) -> Console:
    """A console that prints strings as they are: titles, outlets, paths and queries may hold ``[x]``.

    Messages to a stderr that is no terminal (a log file, a pipe) keep one line each: a reader greps
    for the input's name and the reason together. A stdout that is no terminal is 160 columns wide."""
    if stderr and not sys.stderr.isatty():
        options.setdefault("soft_wrap", True)
    # Redirected to a file (a logged evaluation): tables as wide as their names, not folded at Rich's
    # default 80 columns; the user's COLUMNS stands. (soft_wrap would crop the text of panels.)
    redirected = options.get("file") in (None, sys.stdout) and not sys.stdout.isatty()
    if not stderr and redirected and "COLUMNS" not in os.environ:
        options.setdefault("width", 160)
    return Console(stderr=stderr, markup=False, **options)


def write_json(value: Any) -> None:
    """``value`` as indented JSON on stdout, written as it is: Rich's print_json coloured it whenever
    FORCE_COLOR was set, also into a pipe, and the JSON no longer parsed."""
    sys.stdout.write(json.dumps(value, ensure_ascii=False, indent=2) + "\n")
    sys.stdout.flush()


# Terminal controls but line breaks and tabs: a page's or a feed's text in a message must not move the
# cursor, erase lines or plant a hyperlink (ESC [2K, OSC 8) in the analyst's terminal.
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def printable(message: str) -> str:
    """``message`` with terminal control characters shown as U+FFFD."""
    return _CONTROLS.sub("\ufffd", message)


def labelled(label: str, style: str, message: str) -> Text:
    """``label`` in ``style`` then ``message`` verbatim but for terminal controls (e.g. a red ``error:``
    before a file name)."""
    return Text.assemble((label, style), " ", printable(message))


def settings_from(ctx: typer.Context, **overrides: Any) -> Settings:
    """Settings from the root command's --db/--data-dir (kept in its ctx.obj) plus a command's options."""
    given = {**(ctx.find_root().obj or {}), **{k: v for k, v in overrides.items() if v is not None}}
    try:
        settings = Settings(**given)
    except ValidationError as exc:
        problems = [_problem(error, given) for error in exc.errors()]
        if len(problems) == 1:
            raise ConfigurationError(*problems[0]) from exc
        raise ConfigurationError("settings", "; ".join(f"{where}: {why}" for where, why in problems)) from exc
    if "data_dir" in given and "db" not in given and settings.db:
        # keyword > environment held for each setting, yet the store then was PROPWATCH_DB's, unsaid
        literal_console(stderr=True).print(
            f"note: the store is PROPWATCH_DB's ({mask_url(settings.db)}), not one in --data-dir; "
            "--data-dir gives the catalogues and caches (give --db to choose the store)",
            style="yellow",
            highlight=False,
        )
    return settings


def _problem(error: Any, given: dict[str, Any]) -> tuple[str, str]:
    """(what, why) of one invalid setting: its environment variable named when the value came from there."""
    why = str(error["msg"]).removeprefix("Value error, ")
    if not error["loc"]:
        return "environment", why
    name = str(error["loc"][0])
    if name in given:
        return f"setting {name}", why
    value = os.environ.get(environment_variable(name))
    shown = f"={value[:60]!r}" if value is not None else ""
    return f"setting {name} ({environment_variable(name)}{shown})", why


@contextlib.contextmanager
def text_output(path: Path | None) -> Iterator[TextIO]:
    """``path`` opened for UTF-8 text (replaced only when the command succeeds), or stdout when None or
    ``-``."""
    if path is None or str(path) == "-":
        yield sys.stdout
        return
    with replacing(path) as handle:
        yield handle  # type: ignore[misc]


@contextlib.contextmanager
def binary_output(path: Path | None) -> Iterator[BinaryIO]:
    """``path`` opened for bytes (replaced only when the command succeeds), or stdout's buffer when None
    or ``-``."""
    if path is None or str(path) == "-":
        yield sys.stdout.buffer
        return
    with replacing(path, binary=True) as handle:
        yield handle  # type: ignore[misc]


DefaultOutlet = Annotated[
    str | None,
    typer.Option(
        "--outlet",
        help="Outlet of the articles whose source names none (e.g. a folder crawled from one site).",
    ),
]


_GLOBAL_VALUED = ("--db", "--data-dir")


def global_options_first(args: list[str]) -> list[str]:
    """``args`` with the options of ``propwatch`` itself that were written after the command (``analyze
    x --debug``, ``list --db URL``) moved before it, where Click reads them; ``batch`` keeps its own
    ``--db``, and nothing after ``--`` moves."""
    hoisted: list[str] = []
    rest: list[str] = []
    command: int | None = None  # where the command stands in ``rest``
    i = 0
    while i < len(args):
        arg = args[i]
        name = arg.split("=", 1)[0]
        if arg == "--":
            rest.extend(args[i:])
            break
        batch_db = name == "--db" and command is not None and rest[command] == "batch"
        if name in _GLOBAL_VALUED and not batch_db:
            take = 1 if "=" in arg else 2
            given = "=" in arg or (i + 1 < len(args) and not args[i + 1].startswith("-"))
            if not given:  # no value: left where it is, for Click to say what is missing
                rest.append(arg)
                i += 1
                continue
            (hoisted if command is not None else rest).extend(args[i : i + take])
            i += take
            continue
        if arg == "--debug" and command is not None:
            hoisted.append(arg)
        else:
            if command is None and not arg.startswith("-"):
                command = len(rest)
            rest.append(arg)
        i += 1
    if not hoisted or command is None:
        return args
    # Just before the command: after any given before it, so that the one written last wins.
    return rest[:command] + hoisted + rest[command:]


def counted(n: int, noun: str, plural: str | None = None) -> str:
    """'1 article', '2 articles' (``plural`` where it is not noun + s)."""
    return f"{n:,} {noun if n == 1 else plural or noun + 's'}"
