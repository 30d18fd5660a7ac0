"""The one entry point that turns what a user names (a file, folder, URL or "-") into articles.

The CLI, the API and batch runs all call :func:`iter_articles` / :func:`iter_many`. Bad input never
raises: every problem with one source or record comes out as a :class:`~propwatch.domain.Failure`
naming it, so a batch lists what failed and goes on.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import BinaryIO

from propwatch.domain import Article, Failure
from propwatch.errors import (
    EmptyInputError,
    InputError,
    InputNotFoundError,
    InputTooLargeError,
    PropwatchError,
    UnsupportedInputError,
)
from propwatch.ingest.bulk import (
    exception_reason,
    json_lines,
    read_csv,
    read_json,
    read_jsonl,
)
from propwatch.ingest.decode import decode_bytes, read_text_file, wide_encoding
from propwatch.ingest.feeds import is_feed_document, read_feed_document
from propwatch.ingest.fetch import fetch_url, without_credentials
from propwatch.ingest.folders import read_folder
from propwatch.ingest.html import looks_like_html, parse_html
from propwatch.ingest.names import path_name
from propwatch.ingest.plaintext import parse_plain_text
from propwatch.ingest.recode import ByteReader, Utf8Lines
from propwatch.ingest.shared_task import read_shared_task_article, shared_task_id
from propwatch.ingest.warc import read_warc
from propwatch.settings import Settings

STDIN_NAME = "<stdin>"

_JSONL_SUFFIXES = (".jsonl", ".jsonl.gz", ".ndjson", ".ndjson.gz")
_CSV_SUFFIXES = (".csv", ".tsv")
_WARC_SUFFIXES = (".warc", ".warc.gz", ".arc", ".arc.gz")
_HTML_SUFFIXES = (".html", ".htm", ".xhtml")
_TEXT_SUFFIXES = (".txt", ".text", ".md")
_OTHER_URL = re.compile(r"^[a-z][a-z0-9+.-]*://", re.IGNORECASE)
_FEED_SUFFIXES = (".rss", ".atom", ".xml")


def iter_articles(
    source: str, settings: Settings, *, stdin: BinaryIO | None = None
) -> Iterator[Article | Failure]:
    """Articles read from ``source``: "-" (standard input), an http(s) URL, a folder or a file.

    Yields a Failure (never raises) for every source or record that cannot be read.
    """
    if source == "-":
        name = STDIN_NAME
    else:
        name = path_name(without_credentials(source)) if source.strip() else repr(source)
    try:
        yield from _dispatch(source, settings, stdin)
    except PropwatchError as error:
        yield Failure(input=name, reason=error.reason)
    except MemoryError:
        raise
    except Exception as error:
        # A third-party parser choking on one input must not end a batch with a traceback.
        yield Failure(input=name, reason=exception_reason(error))


def iter_many(
    sources: Iterable[str], settings: Settings, *, stdin: BinaryIO | None = None
) -> Iterator[Article | Failure]:
    """Articles from every source in turn, with a Failure for each one that cannot be read."""
    for source in sources:
        yield from iter_articles(source, settings, stdin=stdin)


def with_default_outlet(
    items: Iterable[Article | Failure], outlet: str | None
) -> Iterator[Article | Failure]:
    """``items`` with ``outlet`` given to every article whose source names none (``--outlet``)."""
    if outlet is not None and not outlet.strip():
        raise InputError("--outlet", "is empty: give the outlet's name")
    for item in items:
        if outlet is not None and isinstance(item, Article) and item.outlet is None:
            yield item.model_copy(update={"outlet": outlet.strip()})
        else:
            yield item


def _dispatch(source: str, settings: Settings, stdin: BinaryIO | None) -> Iterator[Article | Failure]:
    if source == "-":
        yield from _read_stdin(settings, stdin if stdin is not None else sys.stdin.buffer)
    elif source.lower().startswith(("http://", "https://")):
        yield from _read_url(source, settings)
    elif not source.strip():
        raise InputNotFoundError(repr(source), "is not a file, folder or URL")
    elif _OTHER_URL.match(source) and not Path(source).exists():
        raise UnsupportedInputError(source, "is a URL propwatch cannot fetch: only http:// and https://")
    else:
        path = Path(source)
        if path.is_dir():
            yield from read_folder(path, settings)
        elif path.exists():
            yield from _read_file(path, settings)
        else:
            raise InputNotFoundError(source, "no such file or folder")


def _read_stdin(settings: Settings, stream: BinaryIO) -> Iterator[Article | Failure]:
    """One text or page; or, when its first line is a JSON object, JSON Lines records, read as they
    come (``scraper | propwatch ingest -`` had stored the whole stream as one article's text)."""
    limit = settings.max_input_bytes
    lines: ByteReader = stream
    first = stream.readline(limit + 1)
    declared = settings.input_encoding
    if codec := wide_encoding(first, declared):
        # UTF-16 (PowerShell's ">"), read on as UTF-8: split at b"\n", it had been taken for one text.
        lines, declared = Utf8Lines(stream, codec, first=first), None
        first = lines.readline(limit + 1)
    while first and not first.strip() and len(first) <= limit:
        first = lines.readline(limit + 1)
    if first.strip().startswith((b"{", b"\xef\xbb\xbf{")) and is_json_object_line(first):
        yield from json_lines(lines, STDIN_NAME, settings, first=first)
        return
    # One byte past the cap tells "too large" apart without reading an endless pipe.
    data = first + lines.read(max(0, limit + 1 - len(first)))
    if len(data) > limit:
        raise InputTooLargeError(STDIN_NAME, f"is over the {limit:,}-byte cap (max_input_bytes)")
    if not data.strip():
        raise EmptyInputError(STDIN_NAME, "is empty")
    text = decode_bytes(data, STDIN_NAME, settings, declared_encoding=declared)
    if looks_like_html(text):
        yield parse_html(text, settings, origin=STDIN_NAME)
    else:
        yield parse_plain_text(text, settings, origin=STDIN_NAME)


def is_json_object_line(line: bytes) -> bool:
    """Whether a first line (bytes, perhaps after a UTF-8 BOM) is one JSON object: JSON Lines."""
    # Any bytes in its strings: a cp1251 record is still JSON Lines, to be read in its --encoding.
    try:
        return isinstance(
            json.loads(line.removeprefix(b"\xef\xbb\xbf").decode("utf-8", "surrogateescape")), dict
        )
    except ValueError:
        return False


def _read_url(url: str, settings: Settings) -> Iterator[Article | Failure]:
    page = fetch_url(url, settings)
    text = page.text
    content_type = (page.content_type or "").lower()
    if is_feed_document(text):
        yield from read_feed_document(text, settings, origin=page.url, base=page.final_url)
    elif "html" in content_type or looks_like_html(text):
        yield parse_html(text, settings, url=page.final_url, origin=page.url)
    else:
        yield parse_plain_text(text, settings, origin=page.url, url=page.final_url)


def _read_file(path: Path, settings: Settings) -> Iterator[Article | Failure]:
    name = path.name.lower()
    if shared_task_id(path) is not None:
        yield read_shared_task_article(path, settings)
    elif name.endswith(_JSONL_SUFFIXES):
        yield from read_jsonl(path, settings)
    elif name.endswith(".json"):
        yield from read_json(path, settings)
    elif name.endswith(_CSV_SUFFIXES):
        yield from read_csv(path, settings)
    elif name.endswith(_WARC_SUFFIXES):
        yield from read_warc(path, settings)
    elif name.endswith(_HTML_SUFFIXES):
        yield parse_html(read_text_file(path, settings), settings, origin=path_name(path))
    elif name.endswith(_TEXT_SUFFIXES):
        yield parse_plain_text(read_text_file(path, settings), settings, origin=path_name(path))
    elif name.endswith(_FEED_SUFFIXES):
        yield from _read_sniffed(path, settings, xml=True)
    elif name.endswith((".parquet", ".pq")):
        from propwatch.batch.parquet_input import read_parquet  # pyarrow loads only when needed

        yield from read_parquet(path, settings)
    else:
        # No or unknown extension: go by what the content looks like.
        yield from _read_sniffed(path, settings)


def _read_sniffed(path: Path, settings: Settings, *, xml: bool = False) -> Iterator[Article | Failure]:
    """A feed, a page or plain text, by content; an .xml/.rss/.atom file must be a feed or a page."""
    text = read_text_file(path, settings)
    if is_feed_document(text):
        yield from read_feed_document(text, settings, origin=path_name(path))
    elif looks_like_html(text):
        yield parse_html(text, settings, origin=path_name(path))
    elif xml:
        raise UnsupportedInputError(path_name(path), "is XML but not an RSS or Atom feed")
    else:
        yield parse_plain_text(text, settings, origin=path_name(path))
