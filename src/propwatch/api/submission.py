"""Turning what a user submits (a URL, a web page, pasted text, an uploaded file) into a stored analysis.

The API and the submit page share this, so both read input exactly as the CLI does: URLs through the
same fetcher and its SSRF guard, pages through the same HTML reader, text through the same parser.
"""

from __future__ import annotations

import csv
import io
import threading
from dataclasses import dataclass
from datetime import date
from itertools import islice
from typing import Any

from propwatch.domain import Analysis, Article
from propwatch.errors import (
    BinaryInputError,
    InputError,
    InputTooLargeError,
    PropwatchError,
    UnsupportedInputError,
)
from propwatch.ingest.bulk import csv_header
from propwatch.ingest.decode import decode_bytes, sniff_binary
from propwatch.ingest.feeds import is_feed_document
from propwatch.ingest.fetch import fetch_article, without_credentials
from propwatch.ingest.html import looks_like_html, parse_html
from propwatch.ingest.plaintext import parse_plain_text
from propwatch.ingest.sources import is_json_object_line
from propwatch.pipeline import Pipeline
from propwatch.republication.signatures import sign_article
from propwatch.settings import Settings
from propwatch.storage.store import ArticleStore


@dataclass(frozen=True)
class Metadata:
    """What the submitter says about the article; each given field replaces what the reader found."""

    title: str | None = None
    url: str | None = None
    outlet: str | None = None
    published: date | None = None
    author: str | None = None
    language: str | None = None
    genre_tag: str | None = None

    def given(self) -> dict[str, Any]:
        values = {
            "title": self.title,
            "url": self.url,
            "outlet": self.outlet,
            "published": self.published,
            "author": self.author,
            "language": self.language.lower() if self.language else None,
            "genre_tag": self.genre_tag.lower() if self.genre_tag else None,
        }
        return {key: value for key, value in values.items() if value not in (None, "")}


def with_metadata(article: Article, metadata: Metadata, input_name: str) -> Article:
    given = metadata.given()
    if not given:
        return article
    try:
        return Article.model_validate({**article.model_dump(), **given})
    except ValueError as exc:
        raise InputError(input_name, f"invalid metadata: {exc}") from exc


def read_submission(
    settings: Settings,
    *,
    url: str | None = None,
    html: str | None = None,
    text: str | None = None,
    data: bytes | None = None,
    filename: str | None = None,
    metadata: Metadata | None = None,
) -> Article:
    """The article of exactly one of ``url``, ``html``, ``text`` or uploaded ``data`` (an empty file
    counts as given, so that it is refused as empty, by name)."""
    given = [name for name, value in (("url", url), ("html", html), ("text", text)) if value]
    given += ["file"] if data is not None else []
    if len(given) != 1:
        raise InputError("submission", "give exactly one of a URL, an HTML page, a text or a file")
    metadata = metadata or Metadata()
    if url:
        name = without_credentials(url.strip())
        article = fetch_article(url.strip(), settings)  # the SSRF guard lives in the fetcher
    elif html:
        name = "submitted HTML"
        _check_content(html, name, settings)
        article = parse_html(html, settings, url=metadata.url, origin=name)
    elif text:
        name = "submitted text"
        _check_content(text, name, settings)
        article = parse_plain_text(
            text, settings, origin=name, url=metadata.url, title=metadata.title or None
        )
    else:
        assert data is not None
        name = filename or "uploaded file"
        _check_not_records(name)
        content = decode_bytes(data, name, settings)
        _check_content_not_records(content, name)
        if looks_like_html(content):
            article = parse_html(content, settings, url=metadata.url, origin=name)
        else:
            article = parse_plain_text(
                content, settings, origin=name, url=metadata.url, title=metadata.title or None
            )
    limit = settings.api_max_article_chars
    if len(article.text) > limit:
        raise InputTooLargeError(
            name,
            f"has {len(article.text):,} characters of text, over the {limit:,} a submission may have "
            "analysed (api_max_article_chars); analyse it with propwatch analyze",
        )
    return with_metadata(article, metadata, name)


# Files of many records, which the one-article form would store as one article of their raw text.
_RECORD_FILES = {
    ".csv": "a CSV table",
    ".tsv": "a TSV table",
    ".jsonl": "a JSON Lines file",
    ".ndjson": "a JSON Lines file",
    ".json": "a JSON file",
    ".warc": "a WARC archive",
    ".arc": "an ARC archive",
    ".parquet": "a Parquet table",
    ".pq": "a Parquet table",
    ".rss": "a feed",
    ".atom": "a feed",
    ".rdf": "a feed",
}


def _check_not_records(name: str) -> None:
    """Refuse a file of records (a CSV export, JSON Lines, a feed) by its name, pointing to the command
    that analyses them one by one: read as one text, a spreadsheet had become one article of its cells."""
    lowered = name.lower().removesuffix(".gz")
    suffix = lowered[lowered.rfind(".") :] if "." in lowered else ""
    what = _RECORD_FILES.get(suffix)
    if what is not None:
        raise UnsupportedInputError(name, _records_reason(what))


def _check_content_not_records(content: str, name: str) -> None:
    """Refuse a feed, JSON Lines or a CSV table by content, whatever the file's name: an RSS feed saved as
    .xml had been stored as one article of raw XML. The sniffers are those `propwatch analyze` reads by."""
    if is_feed_document(content):
        what, suffix = "a feed", ".xml"
    elif looks_like_html(content):
        return  # a page, XHTML too
    elif _is_json_lines(content):
        what, suffix = "a JSON Lines file", ".jsonl"
    elif _is_csv_table(content, name):
        what, suffix = "a CSV table", ".csv"
    else:
        return
    raise UnsupportedInputError(
        name, _records_reason(what, None if name.lower().endswith(suffix) else suffix)
    )


# Rows read to tell a table from prose: an article opening "HTML, the language…" then a sentence with one
# comma had been refused as a CSV table of one record.
_SNIFFED_ROWS = 20


def _is_json_lines(content: str) -> bool:
    """Whether every non-blank line of ``content`` (the first few) is a JSON object: an article that opens
    by quoting one record is prose."""
    lines = [line for line in content.lstrip("\ufeff").splitlines() if line.strip()][:_SNIFFED_ROWS]
    return bool(lines) and all(is_json_object_line(line.encode("utf-8", "replace")) for line in lines)


def _is_csv_table(content: str, name: str) -> bool:
    """Whether ``content`` opens with a header row of two or more columns, one a text column that
    `propwatch analyze` reads, and two records or more, every one of as many fields: prose of commas is
    not a table."""
    content = content.lstrip("\ufeff")
    sample = content[:4096]
    try:
        header, dialect = csv_header(name, sample[: sample.rfind("\n") + 1])  # whole lines
        rows = (row for row in csv.reader(io.StringIO(content), dialect) if any(cell.strip() for cell in row))
        next(rows, None)
        records = list(islice(rows, _SNIFFED_ROWS))  # from the whole text: an article may outrun the sample
    except (PropwatchError, csv.Error):
        return False
    return len(header) >= 2 and len(records) >= 2 and all(len(row) == len(header) for row in records)


def _records_reason(what: str, save_as: str | None = None) -> str:
    saved = f" (saved under a name ending in {save_as})" if save_as else ""
    return (
        f"is {what} of records, not one article: the workbench takes one text, page or URL; analyse its "
        f"records with `propwatch analyze FILE`{saved}"
    )


def _check_content(content: str, name: str, settings: Settings) -> None:
    """The checks a file's bytes get: the size cap, and no NUL or control bytes of binary data."""
    data = content.encode("utf-8")
    if len(data) > settings.max_input_bytes:
        raise InputTooLargeError(
            name, f"is {len(data):,} bytes, over the {settings.max_input_bytes:,}-byte cap (max_input_bytes)"
        )
    binary = sniff_binary(data)
    if binary:
        raise BinaryInputError(name, binary)


class Analyst:
    """The pipeline of a server: analyzers loaded once, on first use, and run one batch at a time."""

    def __init__(self, settings: Settings, pipeline: Pipeline | None = None) -> None:
        self._settings = settings
        self._pipeline = pipeline
        self._lock = threading.Lock()  # analyzers are not required to be thread-safe

    def analyse(self, article: Article, earlier: Analysis | None = None) -> Analysis:
        """``article`` analysed; ``earlier``, its stored analysis, gives the findings of analyzers this
        server does not run (:meth:`Pipeline.run`)."""
        with self._lock:
            if self._pipeline is None:
                self._pipeline = Pipeline.from_settings(self._settings, storing=True)
            return self._pipeline.run([article], {article.id: earlier} if earlier is not None else None)[0]

    @property
    def settings(self) -> Settings:
        return self._settings

    def versions(self) -> dict[str, str] | None:
        """Name → version of the loaded analyzers; None before the first analysis."""
        return None if self._pipeline is None else self._pipeline.versions


@dataclass(frozen=True)
class Submitted:
    analysis: Analysis
    article_stored: bool
    analysis_stored: bool


def analyse_and_store(article: Article, analyst: Analyst, store: ArticleStore) -> Submitted:
    """Analyse ``article`` and store it; the stored analysis of the same version is kept as it was."""
    analysis = analyst.analyse(article, store.latest_analyses([article.id]).get(article.id))
    outcome = store.save_analysis(analysis)
    if outcome.article_stored:
        sign_article(store, analysis.article, analyst.settings)  # its near-copies, found on its page
    return Submitted(analysis, outcome.article_stored, outcome.analysis_stored)
