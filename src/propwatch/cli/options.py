"""What every command group shares: settings from the global options, and output files."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any, BinaryIO, TextIO

import typer
from pydantic import ValidationError

from propwatch.errors import ConfigurationError
from propwatch.settings import Settings


def settings_from(ctx: typer.Context, **overrides: Any) -> Settings:
    """Settings from the root command's --db/--data-dir (kept in its ctx.obj) plus a command's options."""
    given = {**(ctx.find_root().obj or {}), **{k: v for k, v in overrides.items() if v is not None}}
    try:
        return Settings(**given)
    except ValidationError as exc:
        problem = exc.errors()[0]
        where = ".".join(str(p) for p in problem["loc"]) or "settings"
        raise ConfigurationError(f"setting {where}", problem["msg"]) from exc


def _open(path: Path, mode: str) -> Any:
    try:
        return path.open(mode, encoding="utf-8", newline="") if "b" not in mode else path.open(mode)
    except OSError as exc:
        raise ConfigurationError(str(path), f"cannot write the output file: {exc.strerror}") from exc


@contextlib.contextmanager
def text_output(path: Path | None) -> Iterator[TextIO]:
    """``path`` opened for UTF-8 text, or stdout when None."""
    if path is None:
        yield sys.stdout
        return
    with _open(path, "w") as handle:
        yield handle


@contextlib.contextmanager
def binary_output(path: Path | None) -> Iterator[BinaryIO]:
    """``path`` opened for bytes, or stdout's buffer when None."""
    if path is None:
        yield sys.stdout.buffer
        return
    with _open(path, "wb") as handle:
        yield handle
