"""Readers for bulk sources: JSON Lines and CSV/TSV (WARC archives: :mod:`.warc`, folders: :mod:`.folders`).

Each reader streams its file and yields one Article per good record and one Failure per broken
record (named ``<file> line N``, ``<file> row N`` or ``<file> record N (<uri>)``), then goes on.
A file that is not of the reader's format at all raises an InputError naming the file.
"""

from __future__ import annotations

import csv
import gzip
import io
import itertools
import json
import logging
import re
import zlib
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import IO, Any, cast

from dateutil import parser as date_parser
from pydantic import ValidationError

from propwatch.domain import AUTHOR_SEPARATOR, Article, Failure
from propwatch.errors import (
    ENCODING_HINT,
    BinaryInputError,
    DecodingError,
    EmptyInputError,
    InputError,
    InputNotFoundError,
    MalformedRecordError,
    PropwatchError,
    exception_summary,
)
from propwatch.ingest.base import make_article, one_line, validation_reason, visible_text
from propwatch.ingest.dates import date_from_number, date_from_timestamp, plausible, read_date
from propwatch.ingest.decode import read_text_file, sniff_binary, stream_encoding, wide_encoding
from propwatch.ingest.folders import read_folder as read_folder  # still importable from here
from propwatch.ingest.html import parse_html
from propwatch.ingest.language import language_code
from propwatch.ingest.names import path_name
from propwatch.ingest.plaintext import parse_plain_text
from propwatch.ingest.recode import LineReader, Utf8Lines
from propwatch.settings import Settings

log = logging.getLogger(__name__)

# Field names, in order of preference, as trafilatura's and news-please's JSON output and
# propwatch's own Article fields spell them.
_TEXT_KEYS = ("maintext", "text", "raw_text")
_HTML_KEYS = ("html", "raw_html")
_TITLE_KEYS = ("title", "headline")
_URL_KEYS = ("url", "source", "link")
_OUTLET_KEYS = ("outlet", "source-hostname", "sitename", "site_name", "source_domain", "hostname")
_AUTHOR_KEYS = ("author", "authors", "byline")
# Publication dates only: a download or crawl date is never a publication date.
_DATE_KEYS = ("published", "date_publish", "date", "date_published", "pubdate", "published_at")
_LANGUAGE_KEYS = ("language", "lang")
_ID_KEYS = ("external_id", "id")
_GENRE_KEYS = ("genre_tag", "genre")

GZIP_MAGIC = b"\x1f\x8b"
_Peekable = io.BufferedReader | gzip.GzipFile
_UTF8_BOM = b"\xef\xbb\xbf"
_UNIX_TIME = re.compile(r"\s*\d{9,10}(?:\d{3})?\s*")  # seconds, or milliseconds
HTML_TYPES = ("text/html", "application/xhtml+xml")
# How much of a CSV file its encoding is judged on.
_CSV_HEAD_BYTES = 1 << 16
# Bytes skipped per read while discarding the rest of an oversize line.
SKIP_CHUNK = 1 << 16


def exception_reason(error: BaseException) -> str:
    """A one-line reason for an unexpected exception from a third-party parser (no traceback)."""
    return f"could not be read ({exception_summary(error)})"


# --- records -------------------------------------------------------------------------------------


def article_from_record(
    record: Mapping[str, Any], settings: Settings, *, origin: str, raw: str | None = None
) -> Article:
    """Build an Article from one JSON/CSV record, whatever tool (trafilatura, news-please…) wrote it."""
    fields = {key.strip().lower(): value for key, value in record.items() if isinstance(key, str)}
    text = _first_text(fields, _TEXT_KEYS)

    url, outlet = _url_and_outlet(fields)
    given: dict[str, Any] = {
        "title": _first_text(fields, _TITLE_KEYS),
        "url": url,
        "outlet": outlet,
        "author": _author(fields),
        "published": _published(fields, origin),
        "language": _language(fields),
        "external_id": _first_text(fields, _ID_KEYS, numbers=True),
        "genre_tag": _lower(_first_text(fields, _GENRE_KEYS)),
        "place": _first_text(fields, ("place",)),
        "sources": _strings(fields.get("sources")),
    }
    given = {key: value for key, value in given.items() if value}

    if text is None:
        html = _first_text(fields, _HTML_KEYS)
        if html is None:
            wrong = [
                f"{key} is a JSON {type(fields[key]).__name__}"
                for key in _TEXT_KEYS + _HTML_KEYS
                if fields.get(key) is not None and not isinstance(fields[key], str)
            ]
            if wrong:
                raise MalformedRecordError(origin, f"has no text: {', '.join(wrong)}, not a string")
            raise MalformedRecordError(
                origin, f"has no text (no non-empty {', '.join(_TEXT_KEYS + _HTML_KEYS)})"
            )
        page = parse_html(html, settings, url=url, origin=origin)
        # Values the record states outright win over what was extracted from its HTML.
        return make_article(settings, **{**page.model_dump(), **given})
    # Read as a pasted or uploaded text is (boilerplate, dateline, Source: line), so the same text stores
    # once whichever way it came; a record's title is its field, never a line of its text.
    page = parse_plain_text(text, settings, origin=origin, url=url, raw_format="json", title="")
    sources = tuple(dict.fromkeys([*given.get("sources", ()), *page.sources]))  # the text's Source: line too
    fields = {**page.model_dump(), "title": None, **given, "raw": raw}
    return make_article(settings, **{**fields, "sources": sources})


def _first_text(fields: Mapping[str, Any], keys: tuple[str, ...], *, numbers: bool = False) -> str | None:
    for key in keys:
        value = fields.get(key)
        if numbers and isinstance(value, int | float) and not isinstance(value, bool):
            value = str(value)
        if isinstance(value, str) and (visible := visible_text(value)).strip():
            if key in _TEXT_KEYS + _HTML_KEYS:
                return visible
            return _cleaned(value) or None  # a control between words leaves a space there
    return None


def _url_and_outlet(fields: Mapping[str, Any]) -> tuple[str | None, str | None]:
    url = None
    for key in _URL_KEYS:
        value = _first_text(fields, (key,))
        if value and value.lower().startswith(("http://", "https://")):
            url = value
            break
    outlet = _first_text(fields, _OUTLET_KEYS)
    if outlet is None:
        # Some exports put the outlet's name (not a URL) under "source".
        source = _first_text(fields, ("source",))
        if source and source != url and "://" not in source:
            outlet = source
    return url, outlet


def _author(fields: Mapping[str, Any]) -> str | None:
    for key in _AUTHOR_KEYS:
        value = fields.get(key)
        if isinstance(value, list | tuple):
            names = [_cleaned(name) for name in value if isinstance(name, str) and _cleaned(name)]
            if names:
                return AUTHOR_SEPARATOR.join(dict.fromkeys(names))
        elif isinstance(value, str) and _cleaned(value):
            return _cleaned(value)
    return None


def _cleaned(value: str) -> str:
    return one_line(value, keep_nul=True)  # a NUL in a record is refused, naming the record


def _published(fields: Mapping[str, Any], origin: str) -> date | None:
    unread = None
    for key in _DATE_KEYS:
        value = fields.get(key)
        if isinstance(value, bool):
            continue
        if isinstance(value, int | float):
            parsed = date_from_number(value)
        elif isinstance(value, str) and value.strip():
            parsed = parse_record_date(value)
        else:
            continue
        if parsed is not None:
            return parsed
        unread = unread or (key, str(value)[:60])
    if unread is not None:  # stored undated all the same; said, so a series is not silently short
        log.warning("%s: its %s %r is no date propwatch can read; stored undated", origin, *unread)
    return None


def parse_record_date(value: str) -> date | None:
    """The calendar date in ``value`` as written ('2022-02-03T10:00:00-05:00', '03.02.2022' day first,
    '3 février 2022', 'Feb 3, 2022', a Unix time); None without a whole, plausible date
    (:mod:`propwatch.ingest.dates`)."""
    found = read_date(value)
    if found is not None:
        return found
    if _UNIX_TIME.fullmatch(value):
        return date_from_timestamp(int(value))
    try:
        # Parsed with two different defaults: a date missing its day or month would differ.
        first = date_parser.parse(value, default=datetime(2000, 1, 1), dayfirst=True)
        second = date_parser.parse(value, default=datetime(2001, 2, 2), dayfirst=True)
    except (ValueError, OverflowError):
        return None
    return plausible(first.date()) if first.date() == second.date() else None


def _language(fields: Mapping[str, Any]) -> str | None:
    value = _first_text(fields, _LANGUAGE_KEYS)
    if value is None:
        return None
    return language_code(value)


def _lower(value: str | None) -> str | None:
    return value.lower() if value else None


def _strings(value: Any) -> tuple[str, ...]:
    if isinstance(value, str) and value.strip():
        return (value.strip(),)
    if isinstance(value, list | tuple):
        return tuple(item.strip() for item in value if isinstance(item, str) and item.strip())
    return ()


def record_failure(origin: str, error: Exception) -> Failure:
    if isinstance(error, PropwatchError):
        return Failure(input=origin, reason=error.reason)
    if isinstance(error, ValidationError):
        return Failure(input=origin, reason=validation_reason(error))
    return Failure(input=origin, reason=exception_reason(error))


def check_file(path: Path) -> None:
    if not path.exists():
        raise InputNotFoundError(path_name(path), "no such file")
    if path.is_dir():
        raise InputNotFoundError(path_name(path), "is a folder, not a file")


@contextmanager
def _open_binary(path: Path) -> Iterator[_Peekable]:
    """``path`` opened once for bytes, gunzipped on the fly when it is gzip-compressed: a named pipe
    can be read only once (three opens of one had hung waiting for a writer)."""
    check_file(path)
    try:
        handle = path.open("rb")
        compressed = handle.peek(2)[:2] == GZIP_MAGIC
    except OSError as error:
        raise InputError(path_name(path), f"cannot be read: {error.strerror or error}") from error
    with handle:
        if compressed:
            with gzip.GzipFile(fileobj=handle, mode="rb") as unzipped:
                yield unzipped
        else:
            yield handle


# --- JSON Lines ----------------------------------------------------------------------------------


def read_jsonl(path: Path, settings: Settings) -> Iterator[Article | Failure]:
    """Articles from a JSON Lines file (plain or gzip-compressed), one JSON object per line; in UTF-8 or
    the ``input_encoding`` line by line, or in UTF-16/32 as a whole."""
    name = path_name(path)
    with _open_binary(path) as stream:
        try:
            head = stream.peek(8192)[:8192]  # read ahead, not consumed
        except (OSError, EOFError, zlib.error):
            head = b""  # a damaged compressed stream is reported, line by line, by the reader itself
        codec = wide_encoding(head, settings.input_encoding)
        lines: LineReader = stream if codec is None else Utf8Lines(stream, codec)
        if codec is None and (binary := sniff_binary(head)):
            raise BinaryInputError(name, binary)
        yield from json_lines(lines, name, settings, check=lambda line: _check_looks_like_jsonl(name, line))


def json_lines(
    stream: LineReader,
    name: str,
    settings: Settings,
    *,
    first: bytes = b"",
    check: Callable[[bytes], None] | None = None,
) -> Iterator[Article | Failure]:
    """Articles from a JSON Lines stream named ``name`` (a file, or standard input with ``first``, its
    first line, already read), one JSON object per line; ``check`` judges the first record's line. A line
    that is not UTF-8 is read in ``input_encoding`` when that is set."""
    limit = settings.max_input_bytes
    fallback = _legacy_encoding(settings)
    number = 0
    seen_record = False
    while True:
        try:
            line, first = (first, b"") if first else (stream.readline(limit + 1), b"")
            oversize = len(line) > limit and not line.endswith(b"\n")
            if oversize:
                _skip_rest_of_line(stream)
        except (OSError, EOFError, zlib.error) as error:
            if number == 0:
                raise MalformedRecordError(name, f"cannot be decompressed: {error}") from error
            yield Failure(
                input=f"{name} line {number + 1}",
                reason="the compressed file is truncated or corrupt here; the rest is skipped",
            )
            return
        if not line:
            break
        number += 1
        origin = f"{name} line {number}"
        if oversize:
            seen_record = True
            yield Failure(input=origin, reason=f"is over the {limit:,}-byte cap (max_input_bytes)")
            continue
        if number == 1 and line.startswith(_UTF8_BOM):
            line = line[len(_UTF8_BOM) :]
        stripped = line.strip()
        if not stripped:
            continue
        if not seen_record:
            if check is not None:
                check(stripped)
            seen_record = True
        yield _jsonl_record(stripped, settings, origin, fallback)
    if not seen_record:
        raise EmptyInputError(name, "holds no JSON records")


def _legacy_encoding(settings: Settings) -> str | None:
    """The ``input_encoding`` a line that is not UTF-8 is read in (UTF-16/32 is read as a whole)."""
    codec = settings.input_encoding
    return None if codec is None or codec.startswith(("utf-8", "utf-16", "utf-32")) else codec


def _skip_rest_of_line(stream: LineReader) -> None:
    while chunk := stream.readline(SKIP_CHUNK):
        if chunk.endswith(b"\n"):
            return


def _check_looks_like_jsonl(name: str, first_line: bytes) -> None:
    if not first_line.startswith(b"{"):
        raise MalformedRecordError(name, "is not JSON Lines: its first line is not a JSON object")


def _jsonl_record(line: bytes, settings: Settings, origin: str, fallback: str | None) -> Article | Failure:
    try:
        text = line.decode("utf-8")
    except UnicodeDecodeError as error:
        if fallback is None:
            reason = f"is not valid UTF-8 (at byte {error.start} of the line); {ENCODING_HINT}"
            return Failure(input=origin, reason=reason)
        try:
            text = line.decode(fallback)
        except UnicodeDecodeError as legacy:
            reason = f"is neither UTF-8 nor {fallback} (at byte {legacy.start} of the line)"
            return Failure(input=origin, reason=reason)
    try:
        record = json.loads(text)
    except json.JSONDecodeError as error:
        return Failure(input=origin, reason=f"is not valid JSON ({error.msg}, column {error.colno})")
    if not isinstance(record, dict):
        return Failure(input=origin, reason=f"is a JSON {type(record).__name__}, not an object")
    try:
        return article_from_record(record, settings, origin=origin, raw=text)
    except MemoryError:
        raise
    except Exception as error:
        return record_failure(origin, error)


def read_json(path: Path, settings: Settings) -> Iterator[Article | Failure]:
    """Articles from a .json file: one object, an array of objects, or (failing both) JSON Lines."""
    text = read_text_file(path, settings)
    try:
        document = json.loads(text)
    except json.JSONDecodeError:
        # Many ".json" dumps are really one object per line.
        yield from read_jsonl(path, settings)
        return
    records = document if isinstance(document, list) else [document]
    name = path_name(path)
    for number, record in enumerate(records, start=1):
        origin = name if isinstance(document, dict) else f"{name} record {number}"
        if not isinstance(record, dict):
            yield Failure(input=origin, reason=f"is a JSON {type(record).__name__}, not an object")
            continue
        try:
            yield article_from_record(
                record, settings, origin=origin, raw=json.dumps(record, ensure_ascii=False)
            )
        except MemoryError:
            raise
        except Exception as error:
            yield record_failure(origin, error)


# --- CSV -----------------------------------------------------------------------------------------


def read_csv(path: Path, settings: Settings) -> Iterator[Article | Failure]:
    """Articles from a CSV/TSV file with a header row; rows are numbered as a spreadsheet shows them.

    The header is row 1, so the first article is row 2 (a quoted multi-line field is one row).
    """
    check_file(path)
    name = path_name(path)
    # Fields as long as a whole article must fit; the csv module's default cap is 128 KiB.
    csv.field_size_limit(max(csv.field_size_limit(), settings.max_input_bytes))
    try:
        # One open, read ahead in its buffer: a named pipe can be read only once.
        with cast(io.BufferedReader, path.open("rb", buffering=_CSV_HEAD_BYTES)) as raw:
            head_bytes = raw.peek(_CSV_HEAD_BYTES)[:_CSV_HEAD_BYTES]
            binary = sniff_binary(head_bytes[:4096])
            if binary:
                raise BinaryInputError(name, binary)
            # Excel saves "CSV" in the system's code page (cp1251, cp1252…) and "Unicode text" as UTF-16.
            codec = settings.input_encoding or (stream_encoding(head_bytes, name) if head_bytes else "utf-8")
            # Bytes the codec cannot read become lone surrogates, so the row holding them is named and
            # the rows after it are still read (the codec was chosen from the file's head only).
            handle = io.TextIOWrapper(
                raw, encoding="utf-8-sig" if codec == "utf-8" else codec, errors="surrogateescape", newline=""
            )
            yield from _read_csv_rows(path, handle, settings, codec)
    except UnicodeDecodeError as error:
        raise DecodingError(
            name, f"is not valid {codec} throughout ({error.reason}); save it as UTF-8"
        ) from error
    except OSError as error:
        raise InputError(name, f"cannot be read: {error.strerror or error}") from error


def _read_csv_rows(
    path: Path, handle: IO[str], settings: Settings, codec: str
) -> Iterator[Article | Failure]:
    shown = path_name(path)
    # Whole lines, replayed to the reader below: a pipe cannot seek back.
    head_lines: list[str] = []
    while sum(map(len, head_lines)) < 1024 and (line := handle.readline()):
        head_lines.append(line)
    sample = "".join(head_lines)
    if not sample.strip():
        raise EmptyInputError(shown, "holds no CSV header row")
    if sample.startswith("\ufeff"):
        sample = sample[1:]
    if _UNDECODED.search(sample):
        raise DecodingError(shown, f"is not valid {codec}: save it as UTF-8 or give --encoding")
    header, dialect = csv_header(path_name(path), sample)
    # strict: a quote left open would otherwise swallow every later row into one field, unreported.
    reader = csv.reader(itertools.chain(head_lines, handle), dialect, strict=True)
    next(reader)  # the header, already parsed
    columns = [name.strip().lower() for name in header]
    limit = settings.max_input_bytes
    row_number = 1
    while True:
        row_number += 1
        origin = f"{shown} row {row_number}"
        line_before = reader.line_num
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            reason = str(error)
            if reason == "unexpected end of data":
                reason = (
                    "a quoted field is not closed before the end of the file; "
                    "the rows after it were read into it"
                )
            elif reason.startswith("field larger than field limit"):
                limit = settings.max_input_bytes
                yield Failure(
                    input=origin,
                    reason=f"has a field over the {limit:,}-byte cap (max_input_bytes)",
                )
                continue
            elif reader.line_num > line_before + 1:  # the bad quote took the next lines with it
                reason += f"; lines {line_before + 1}-{reader.line_num} of the file are skipped with it"
            yield Failure(input=origin, reason=f"is not valid CSV ({reason})")
            continue
        if not any(cell.strip() for cell in row):
            continue
        if any(_UNDECODED.search(cell) for cell in row):
            yield Failure(
                input=origin,
                reason=f"holds bytes that are not valid {codec} (the encoding read from the file's start); "
                "save the file as UTF-8 or give --encoding",
            )
            continue
        if sum(len(cell.encode("utf-8", "surrogatepass")) for cell in row) > limit:  # bytes, as for files
            yield Failure(input=origin, reason=f"is over the {limit:,}-byte cap (max_input_bytes)")
            continue
        if len(row) > len(columns):
            yield Failure(input=origin, reason=f"has {len(row)} fields but the header names {len(columns)}")
            continue
        record = {name: cell for name, cell in zip(columns, row, strict=False) if name}
        try:
            yield article_from_record(
                record, settings, origin=origin, raw=json.dumps(record, ensure_ascii=False)
            )
        except MemoryError:
            raise
        except Exception as error:
            yield record_failure(origin, error)


_UNDECODED = re.compile("[\udc80-\udcff]")  # bytes surrogateescape kept


def csv_header(name: str, sample: str) -> tuple[list[str], type[csv.Dialect]]:
    """The header row and the dialect that reads it with a text column: sniffed, then the usual ones;
    ``name`` (the input's, for a .tsv's tabs and for the error) and ``sample``, its first whole lines."""
    candidates: list[type[csv.Dialect]] = []
    try:
        sniffed = csv.Sniffer().sniff(sample, delimiters=",;\t|")
    except csv.Error:
        pass
    else:
        # Only the delimiter is trusted: the sniffer turns off doubled-quote escapes unless the
        # first KB happens to contain one, which would garble every later quoted quote.
        quotechar = sniffed.quotechar if sniffed.quotechar in ('"', "'") else '"'
        candidates.append(
            type("SniffedDialect", (csv.excel,), {"delimiter": sniffed.delimiter, "quotechar": quotechar})
        )
    usual: list[type[csv.Dialect]] = [csv.excel, csv.excel_tab]
    if name.lower().endswith(".tsv"):
        usual.reverse()
    candidates.extend(usual)
    first_header: list[str] | None = None
    wanted = set(_TEXT_KEYS + _HTML_KEYS)
    for dialect in candidates:
        header = next(csv.reader(io.StringIO(sample), dialect), [])
        if first_header is None:
            first_header = header
        if wanted & {name.strip().lower() for name in header}:
            return header, dialect
    names = ", ".join(name.strip() for name in (first_header or []) if name.strip()) or "none"
    raise MalformedRecordError(
        name,
        f"has no text column (one of {', '.join(_TEXT_KEYS + _HTML_KEYS)}); its columns: {names}",
    )
