"""Reading a folder: every visible file under it, recursively, each by its own reader."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

from propwatch.domain import Article, Failure
from propwatch.errors import EmptyInputError, InputError, InputNotFoundError
from propwatch.ingest.names import path_name
from propwatch.ingest.shared_task import is_shared_task_folder, read_shared_task_folder
from propwatch.settings import Settings


def read_folder(path: Path, settings: Settings) -> Iterator[Article | Failure]:
    """Articles from every visible file under ``path``, recursively, in sorted order.

    A folder of shared-task ``article<ID>.txt`` files goes to the shared-task reader, which keeps
    their text byte for byte; the label files beside them are not articles and are skipped.
    """
    if not path.exists():
        raise InputNotFoundError(path_name(path), "no such folder")
    if not path.is_dir():
        raise InputError(path_name(path), "is a file, not a folder")
    found = False
    for item in _read_tree(path, settings):
        found = True
        yield item
    if not found:
        raise EmptyInputError(path_name(path), "holds no files")


def _read_tree(folder: Path, settings: Settings) -> Iterator[Article | Failure]:
    from propwatch.ingest.sources import iter_articles  # sources dispatches to this module

    try:
        entries = sorted(
            (entry for entry in os.scandir(folder) if not entry.name.startswith(".")),
            key=lambda entry: entry.name,
        )
    except OSError as error:
        yield Failure(input=path_name(folder), reason=f"cannot be listed: {error.strerror or error}")
        return
    shared_task = is_shared_task_folder(folder)
    if shared_task:
        yield from read_shared_task_folder(folder, settings)
    for entry in entries:
        # Symlinked folders are not followed: a link back up the tree would loop forever.
        if entry.is_dir(follow_symlinks=False):
            yield from _read_tree(Path(entry.path), settings)
        elif entry.is_file():
            # Beside a shared task's article<ID>.txt files (read above, byte-exact), its own label files
            # (article<ID>.labels…) are no articles; any other file is read as usual.
            if not (shared_task and entry.name.startswith("article")):
                yield from iter_articles(entry.path, settings)
        elif entry.is_symlink() and entry.is_dir():
            yield Failure(
                input=path_name(entry.path),
                reason="is a link to a folder, which is not followed: name it itself",
            )
        elif entry.is_symlink() and not os.path.exists(entry.path):
            yield Failure(
                input=path_name(entry.path),
                reason=f"is a link to {path_name(os.readlink(entry.path))}, which does not exist",
            )
        else:
            # A pipe, socket or device (or a link to one) has no size to check and may never end.
            yield Failure(
                input=path_name(entry.path), reason="is not a regular file (a pipe, socket or device)"
            )
