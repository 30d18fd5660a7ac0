"""Articles from the HTML pages of WARC / ARC archives (plain or gzip-compressed), via warcio."""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed

from propwatch.domain import Article, Failure
from propwatch.errors import EmptyInputError, InputError, MalformedRecordError
from propwatch.ingest.bulk import GZIP_MAGIC, HTML_TYPES, SKIP_CHUNK, check_file, record_failure
from propwatch.ingest.decode import decode_bytes, sniff_binary
from propwatch.ingest.html import looks_like_html, parse_html
from propwatch.settings import Settings


def read_warc(path: Path, settings: Settings) -> Iterator[Article | Failure]:
    """Articles from the HTML pages (200 responses) of a WARC/ARC archive, plain or gzip-compressed.

    Requests, metadata, redirects and non-HTML responses are skipped. The article's date is the
    page's own, never the crawl date. A truncated or corrupt archive yields its good records, then
    one Failure for the rest.
    """
    _check_archive_start(path)
    try:
        size = path.stat().st_size
        handle = path.open("rb")
    except OSError as error:
        raise InputError(str(path), f"cannot be read: {error.strerror or error}") from error
    with handle:
        archive = ArchiveIterator(handle, arc2warc=True)
        records = iter(archive)
        number = 0
        end = 0
        while True:
            try:
                record = next(records)
            except StopIteration:
                break
            except MemoryError:
                raise
            except Exception as error:
                if number == 0:
                    # warcio's own errors say what is wrong; others are its internals tripping on a
                    # record whose headers lack something (e.g. WARC-Target-URI).
                    detail = (
                        str(error)
                        if isinstance(error, ArchiveLoadFailed)
                        else "the headers of its first record are incomplete or damaged"
                    )
                    raise MalformedRecordError(
                        str(path), f"is not a readable WARC or ARC archive ({detail})"
                    ) from error
                yield _rest_skipped(path, number)
                return
            number += 1
            item = _warc_record(record, path, number, settings)
            try:
                # warcio silently returns what it has of a cut record, so check its declared length.
                complete = _read_to_end(record)
                end = archive.get_record_offset() + archive.get_record_length()
            except MemoryError:
                raise
            except Exception:
                complete = False
            if not complete:
                yield Failure(
                    input=_record_name(path, number, record),
                    reason="is cut short: the archive is truncated or corrupt inside it",
                )
                return
            if item is not None:
                yield item
        if number == 0:
            raise EmptyInputError(str(path), "holds no WARC records")
        # warcio also stops without a word at a record cut inside its headers: check nothing is left.
        if not _only_blank_after(handle, end, size):
            yield _rest_skipped(path, number)


def _rest_skipped(path: Path, number: int) -> Failure:
    return Failure(
        input=f"{path} record {number + 1}",
        reason=f"the archive is truncated or corrupt after record {number}; the rest of the file is skipped",
    )


def _record_name(path: Path, number: int, record: Any) -> str:
    uri = record.rec_headers.get_header("WARC-Target-URI")
    return f"{path} record {number} ({uri})" if uri else f"{path} record {number}"


def _read_to_end(record: Any) -> bool:
    """Read what is left of the record; False when the archive ends before its declared length."""
    stream = record.raw_stream
    while stream.read(SKIP_CHUNK):
        pass
    if record.length is None:
        return False  # every WARC/ARC record states its length; a header cut short does not
    if record.format == "warc" and not str(record.rec_headers.get_header("Content-Length") or "").isdigit():
        return False
    return int(getattr(stream, "limit", 0)) <= 0


def _only_blank_after(handle: IO[bytes], end: int, size: int) -> bool:
    if end >= size:
        return True
    if size - end > 64:
        return False
    handle.seek(end)
    return not handle.read().strip()


def _check_archive_start(path: Path) -> None:
    check_file(path)
    try:
        with path.open("rb") as probe:
            head = probe.read(SKIP_CHUNK)
    except OSError as error:
        raise InputError(str(path), f"cannot be read: {error.strerror or error}") from error
    if head.startswith(GZIP_MAGIC):
        try:
            # Only the start: a truncated file must still reach the reader to yield its good records.
            head = zlib.decompressobj(wbits=31).decompress(head, 16)
        except zlib.error as error:
            raise MalformedRecordError(
                str(path), f"is not a WARC or ARC archive (bad gzip data: {error})"
            ) from error
    if not head.strip():
        if head or not path.stat().st_size:
            raise EmptyInputError(str(path), "holds no WARC records")
        raise MalformedRecordError(str(path), "is truncated before its first WARC record")
    # warcio reads almost any line as an ARC header, so check the magic every archive starts with.
    if not head.startswith((b"WARC/", b"filedesc:")):
        binary = sniff_binary(head)
        raise MalformedRecordError(
            str(path), f"is not a WARC or ARC archive ({binary or 'it does not start with a WARC header'})"
        )


def _warc_record(record: Any, path: Path, number: int, settings: Settings) -> Article | Failure | None:
    if record.rec_type != "response" or record.http_headers is None:
        return None
    uri = record.rec_headers.get_header("WARC-Target-URI")
    failure_name = _record_name(path, number, record)
    try:
        if record.http_headers.get_statuscode() != "200":
            return None
        content_type = record.http_headers.get_header("Content-Type") or ""
        media_type, charset = _media_type(content_type)
        if media_type and media_type not in HTML_TYPES:
            return None  # images, scripts, style sheets: a crawl is full of them
        limit = settings.max_input_bytes
        body = record.content_stream().read(limit + 1)
        if len(body) > limit:
            return Failure(input=failure_name, reason=f"is over the {limit:,}-byte cap (max_input_bytes)")
        origin = f"{path} record {number}"
        if not media_type and (not body.strip() or sniff_binary(body)):
            return None  # no Content-Type: only a body that reads as a web page counts
        text = decode_bytes(body, failure_name, settings, declared_encoding=charset)
        if not media_type and not looks_like_html(text):
            return None
        return parse_html(text, settings, url=uri, origin=origin)
    except MemoryError:
        raise
    except Exception as error:
        return record_failure(failure_name, error)


def _media_type(content_type: str) -> tuple[str, str | None]:
    parts = [part.strip() for part in content_type.split(";")]
    charset = None
    for part in parts[1:]:
        name, _, value = part.partition("=")
        if name.strip().lower() == "charset" and value.strip():
            charset = value.strip().strip("\"'")
    return parts[0].lower(), charset
