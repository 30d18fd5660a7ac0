"""Read articles from Parquet files whose columns are named like the JSON Lines fields.

A Parquet export of a crawl (text, title, url, published, outlet, …) is read row by row, in
batches, through the same record mapping as JSON Lines and CSV, so the same field names work.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from datetime import date, datetime
from pathlib import Path
from typing import Any, BinaryIO

from propwatch.domain import Article, Failure
from propwatch.errors import EmptyInputError, MalformedRecordError
from propwatch.ingest.bulk import article_from_record, check_file, exception_reason, record_failure
from propwatch.ingest.sources import iter_articles
from propwatch.settings import Settings

PARQUET_SUFFIXES = (".parquet", ".pq")
_ROWS_PER_READ = 256


def read_parquet(path: Path, settings: Settings) -> Iterator[Article | Failure]:
    """Articles from a Parquet file, one per row; rows are numbered from 1 as ``<file> row N``."""
    import pyarrow.parquet as pq  # only batch runs need pyarrow

    check_file(path)
    try:
        parquet = pq.ParquetFile(path)
    except Exception as error:
        raise MalformedRecordError(str(path), f"is not a Parquet file ({exception_reason(error)})") from error
    number = 0
    with parquet:
        for batch in parquet.iter_batches(batch_size=_ROWS_PER_READ):
            for row in batch.to_pylist():
                number += 1
                yield _row_article(row, settings, f"{path} row {number}")
    if number == 0:
        raise EmptyInputError(str(path), "holds no rows")


def _row_article(row: Mapping[str, Any], settings: Settings, origin: str) -> Article | Failure:
    record = {str(key): _plain(value) for key, value in row.items()}
    size = sum(len(value) for value in record.values() if isinstance(value, str))
    if size > settings.max_input_bytes:
        return Failure(
            input=origin, reason=f"is over the {settings.max_input_bytes:,}-byte cap (max_input_bytes)"
        )
    try:
        raw = json.dumps(record, ensure_ascii=False, default=str)
        return article_from_record(record, settings, origin=origin, raw=raw)
    except MemoryError:
        raise
    except Exception as error:
        return record_failure(origin, error)


def _plain(value: Any) -> Any:
    """Parquet dates and timestamps as the ISO strings the record reader parses."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    return value


def iter_batch_sources(
    sources: Iterable[str], settings: Settings, *, stdin: BinaryIO | None = None
) -> Iterator[Article | Failure]:
    """Like :func:`propwatch.ingest.sources.iter_many`, with Parquet files read as well."""
    for source in sources:
        if source.lower().endswith(PARQUET_SUFFIXES) and Path(source).is_file():
            try:
                yield from read_parquet(Path(source), settings)
            except MemoryError:
                raise
            except Exception as error:
                yield record_failure(source, error)
        else:
            yield from iter_articles(source, settings, stdin=stdin)
