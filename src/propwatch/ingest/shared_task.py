"""Read the article files of the PTC (SemEval-2020 task 11) and SemEval-2023 task 3 corpora.

Their label files give character offsets into each ``article<ID>.txt`` read as UTF-8 exactly as
stored, so the text is kept byte for byte: ``\\r\\n`` line endings (most non-English files), a leading
byte-order mark (a few English files; the offsets count it), leading and trailing blank lines.
Nothing is stripped, decoded by guesswork or translated.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from propwatch.domain import Article, Failure
from propwatch.errors import (
    BinaryInputError,
    DecodingError,
    EmptyInputError,
    InputError,
    InputNotFoundError,
    PropwatchError,
)
from propwatch.ingest.base import make_article
from propwatch.ingest.decode import read_file_bytes, sniff_binary
from propwatch.settings import Settings

SHARED_TASK_FILE = re.compile(r"article(?P<id>\d+)\.txt")
_BOM = "\ufeff"


def shared_task_id(path: Path) -> str | None:
    """The <ID> of an ``article<ID>.txt`` file name, else None."""
    match = SHARED_TASK_FILE.fullmatch(path.name)
    return match.group("id") if match else None


def is_shared_task_folder(path: Path) -> bool:
    """True for a folder holding at least one ``article<digits>.txt`` file."""
    if not path.is_dir():
        return False
    try:
        return any(child.is_file() and shared_task_id(child) for child in path.iterdir())
    except OSError:
        return False


def read_shared_task_article(path: Path, settings: Settings) -> Article:
    """One ``article<ID>.txt`` with its text exactly as stored, so label offsets apply unchanged."""
    name = str(path)
    article_id = shared_task_id(path)
    if article_id is None:
        raise InputError(name, "is not a shared-task article: the name must be article<ID>.txt")
    data = read_file_bytes(path, settings)

    binary = sniff_binary(data)
    if binary:
        raise BinaryInputError(name, binary)
    try:
        # Plain "utf-8", not "utf-8-sig": the label offsets count a leading byte-order mark.
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise DecodingError(
            name, f"is not valid UTF-8 (byte {error.start}: {error.reason}); shared-task articles are UTF-8"
        ) from error
    if not text.replace(_BOM, "").strip():
        raise EmptyInputError(name, "holds no text")
    return shared_task_article(settings, text, article_id, name)


def shared_task_article(settings: Settings, text: str, article_id: str, origin: str) -> Article:
    """The Article of a shared-task text already read byte-exact: its first line as the title."""
    return make_article(
        settings,
        text=text,
        title=_first_line(text),
        external_id=article_id,
        origin=origin,
        raw=text,
        raw_format="shared-task",
    )


def read_shared_task_folder(path: Path, settings: Settings) -> Iterator[Article | Failure]:
    """Every ``article<ID>.txt`` in ``path`` by numeric ID; a broken file is a Failure and the rest go on."""
    name = str(path)
    if not path.exists():
        raise InputNotFoundError(name, "no such folder")
    if not path.is_dir():
        raise InputError(name, "is not a folder")
    try:
        files = [child for child in path.iterdir() if shared_task_id(child) is not None]
    except OSError as error:
        raise InputNotFoundError(name, f"cannot be listed: {error.strerror or error}") from error
    if not files:
        raise EmptyInputError(name, "holds no article<ID>.txt files")
    for file in sorted(files, key=lambda child: (int(shared_task_id(child) or 0), child.name)):
        try:
            yield read_shared_task_article(file, settings)
        except PropwatchError as error:
            yield Failure(input=str(file), reason=error.reason)


def _first_line(text: str) -> str | None:
    for line in text.replace(_BOM, "").splitlines():
        if line.strip():
            return line.strip()
    return None
