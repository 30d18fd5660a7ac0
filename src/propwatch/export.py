"""Writing analyses in the formats analysts load elsewhere: JSON, JSON Lines, CSV."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable
from typing import Any, Literal, TextIO

from propwatch.domain import Analysis

ExportFormat = Literal["json", "jsonl", "csv"]
FORMATS: tuple[ExportFormat, ...] = ("json", "jsonl", "csv")

# One CSV row per span, article columns repeated, so a spreadsheet filter on a label just works.
CSV_COLUMNS = (
    "article_id",
    "title",
    "url",
    "outlet",
    "published",
    "language",
    "genre_tag",
    "model_version",
    "span_start",
    "span_end",
    "span_label",
    "span_score",
    "span_analyzer",
    "span_text",
)


def analysis_record(analysis: Analysis, *, include_raw: bool = False) -> dict[str, Any]:
    """The JSON-ready form of an analysis, as described by docs/analysis.schema.json."""
    record = analysis.model_dump(mode="json")
    if not include_raw:
        record["article"]["raw"] = None  # raw HTML can be megabytes; provenance is kept in the store
    record["model_version"] = analysis.model_version
    return record


def analysis_json_schema() -> dict[str, Any]:
    schema = Analysis.model_json_schema(mode="serialization")
    schema["properties"]["model_version"] = {
        "type": "string",
        "description": "name=version of every analyzer, joined by ';' ('none' when no analyzer ran)",
    }
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "propwatch analysis"
    return schema


def _csv_rows(analysis: Analysis) -> Iterable[dict[str, Any]]:
    article = analysis.article
    base = {
        "article_id": article.id,
        "title": article.title,
        "url": article.url,
        "outlet": article.outlet,
        "published": article.published.isoformat() if article.published else None,
        "language": article.language,
        "genre_tag": article.genre_tag,
        "model_version": analysis.model_version,
    }
    if not analysis.spans:
        yield base  # every article appears, even one with nothing found
    for span in sorted(analysis.spans, key=lambda s: (s.start, s.end, s.label)):
        yield {
            **base,
            "span_start": span.start,
            "span_end": span.end,
            "span_label": span.label,
            "span_score": span.score,
            "span_analyzer": span.analyzer,
            "span_text": span.text_of(article),
        }


def write_analyses(analyses: Iterable[Analysis], fmt: ExportFormat, out: TextIO) -> int:
    """Write ``analyses`` to ``out`` in ``fmt``; returns how many were written."""
    count = 0
    if fmt == "jsonl":
        for analysis in analyses:
            out.write(json.dumps(analysis_record(analysis), ensure_ascii=False) + "\n")
            count += 1
    elif fmt == "json":
        out.write("[")
        for analysis in analyses:
            out.write(",\n" if count else "\n")
            out.write(json.dumps(analysis_record(analysis), ensure_ascii=False, indent=2))
            count += 1
        out.write("\n]\n" if count else "]\n")
    elif fmt == "csv":
        writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS)
        writer.writeheader()
        for analysis in analyses:
            writer.writerows(_csv_rows(analysis))
            count += 1
    else:
        raise ValueError(f"unknown export format {fmt!r}")
    return count
