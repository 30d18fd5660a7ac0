"""The Parquet tables of a batch run: their schemas and how analyses become rows.

Rows carry no timestamps, so two runs over the same input with the same analyzers write the same
tables, whether or not one of them was interrupted and resumed.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import pyarrow as pa
import pyarrow.compute as pc

from propwatch.domain import Analysis, Article, Failure

ARTICLES = pa.schema(
    [
        ("id", pa.string()),
        ("content_hash", pa.string()),
        ("url", pa.string()),
        ("outlet", pa.string()),
        ("published", pa.date32()),
        ("language", pa.string()),
        ("title", pa.string()),
        ("author", pa.string()),
        ("genre_tag", pa.string()),
        ("origin", pa.string()),
        ("external_id", pa.string()),
        ("text", pa.large_string()),
        ("model_version", pa.string()),
        ("n_spans", pa.int32()),
        ("n_labels", pa.int32()),
    ]
)
# The finished articles table: each row also names its republication cluster (null: none).
FINAL_ARTICLES = ARTICLES.append(pa.field("cluster_id", pa.string()))
SPANS = pa.schema(
    [
        ("article_id", pa.string()),
        ("start", pa.int32()),
        ("end", pa.int32()),
        ("label", pa.string()),
        ("score", pa.float64()),
        ("analyzer", pa.string()),
        ("text", pa.string()),
    ]
)
LABELS = pa.schema(
    [
        ("article_id", pa.string()),
        ("name", pa.string()),
        ("value", pa.string()),
        ("score", pa.float64()),
        ("analyzer", pa.string()),
    ]
)
FAILURES = pa.schema([("input", pa.string()), ("reason", pa.string()), ("article_id", pa.string())])
# Exact copies: the same text met again at another URL or outlet (the article row keeps the first).
COPIES = pa.schema(
    [
        ("article_id", pa.string()),
        ("url", pa.string()),
        ("outlet", pa.string()),
        ("published", pa.date32()),
        ("title", pa.string()),
        ("origin", pa.string()),
    ]
)
SIGNATURES = pa.schema([("article_id", pa.string()), ("params", pa.string()), ("hashvalues", pa.binary())])
CLUSTERS = pa.schema(
    [
        ("cluster_id", pa.string()),
        ("article_id", pa.string()),
        ("url", pa.string()),
        ("outlet", pa.string()),
        ("published", pa.date32()),
        ("title", pa.string()),
        ("is_origin", pa.bool_()),
        ("n_copies", pa.int32()),
        ("n_outlets", pa.int32()),
    ]
)
# Claims and narratives come from whichever analyzers make them: rows whose analyzer, span label or
# label name contains the word, from spans and from labels alike.
DERIVED = pa.schema(
    [
        ("article_id", pa.string()),
        ("source", pa.string()),
        ("analyzer", pa.string()),
        ("name", pa.string()),
        ("value", pa.string()),
        ("start", pa.int32()),
        ("end", pa.int32()),
        ("score", pa.float64()),
    ]
)
# Tables holding one built-in analyzer's spans and labels: table name → analyzer name.
DERIVED_TABLES = {"claims": "claims", "narratives": "narratives"}

# Tables written for each partition, in this order.
PARTITION_TABLES = {
    "articles": ARTICLES,
    "spans": SPANS,
    "labels": LABELS,
    "failures": FAILURES,
    "copies": COPIES,
    "signatures": SIGNATURES,
}
# How each finished table is sorted, so that its content does not depend on partitioning.
SORT_KEYS: dict[str, list[tuple[str, str]]] = {
    "articles": [("id", "ascending")],
    "spans": [(name, "ascending") for name in ("article_id", "start", "end", "label", "analyzer")],
    "labels": [(name, "ascending") for name in ("article_id", "name", "value", "analyzer")],
    "failures": [(name, "ascending") for name in ("input", "reason")],
    "copies": [(name, "ascending") for name in ("article_id", "url", "outlet", "origin")],
    "claims": [(name, "ascending") for name in ("article_id", "source", "start", "name", "value")],
    "narratives": [(name, "ascending") for name in ("article_id", "source", "start", "name", "value")],
}


def article_rows(analyses: Iterable[Analysis], failed: Iterable[Article]) -> pa.Table:
    """One row per article; an article whose analysis failed has no model version."""
    rows = [_article_row(analysis.article, analysis) for analysis in analyses]
    rows += [_article_row(article, None) for article in failed]
    return pa.Table.from_pylist(rows, schema=ARTICLES)


def _article_row(article: Article, analysis: Analysis | None) -> dict[str, object]:
    return {
        "id": article.id,
        "content_hash": article.content_hash,
        "url": article.url,
        "outlet": article.outlet,
        "published": article.published,
        "language": article.language,
        "title": article.title,
        "author": article.author,
        "genre_tag": article.genre_tag,
        "origin": article.origin,
        "external_id": article.external_id,
        "text": article.text,
        "model_version": analysis.model_version if analysis is not None else None,
        "n_spans": len(analysis.spans) if analysis is not None else 0,
        "n_labels": len(analysis.labels) if analysis is not None else 0,
    }


def span_rows(analyses: Iterable[Analysis]) -> pa.Table:
    return pa.Table.from_pylist(
        [
            {
                "article_id": analysis.article.id,
                "start": span.start,
                "end": span.end,
                "label": span.label,
                "score": span.score,
                "analyzer": span.analyzer,
                "text": span.text_of(analysis.article),
            }
            for analysis in analyses
            for span in analysis.spans
        ],
        schema=SPANS,
    )


def label_rows(analyses: Iterable[Analysis]) -> pa.Table:
    return pa.Table.from_pylist(
        [
            {
                "article_id": analysis.article.id,
                "name": label.name,
                "value": label.value,
                "score": label.score,
                "analyzer": label.analyzer,
            }
            for analysis in analyses
            for label in analysis.labels
        ],
        schema=LABELS,
    )


def failure_rows(failures: Iterable[tuple[Failure, str | None]]) -> pa.Table:
    """Rows of (failure, id of the article it is about, if it was read)."""
    return pa.Table.from_pylist(
        [
            {"input": failure.input, "reason": failure.reason, "article_id": article_id}
            for failure, article_id in failures
        ],
        schema=FAILURES,
    )


def copy_rows(copies: Iterable[Article]) -> pa.Table:
    return pa.Table.from_pylist(
        [
            {
                "article_id": article.id,
                "url": article.url,
                "outlet": article.outlet,
                "published": article.published,
                "title": article.title,
                "origin": article.origin,
            }
            for article in copies
        ],
        schema=COPIES,
    )


def signature_rows(signatures: Sequence[tuple[str, str, bytes]]) -> pa.Table:
    """Rows of (article id, signature params key, signature bytes)."""
    return pa.Table.from_pylist(
        [
            {"article_id": article_id, "params": params, "hashvalues": data}
            for article_id, params, data in signatures
        ],
        schema=SIGNATURES,
    )


def derived_rows(spans: pa.Table, labels: pa.Table, analyzer: str) -> pa.Table:
    """The span and label rows of ``analyzer`` (a plugin whose names merely mention it is not taken)."""
    from_spans = spans.filter(pc.equal(spans["analyzer"], analyzer))
    from_labels = labels.filter(pc.equal(labels["analyzer"], analyzer))
    span_part = pa.table(
        {
            "article_id": from_spans["article_id"],
            "source": pa.array(["span"] * from_spans.num_rows, pa.string()),
            "analyzer": from_spans["analyzer"],
            "name": from_spans["label"],
            "value": from_spans["text"],
            "start": from_spans["start"],
            "end": from_spans["end"],
            "score": from_spans["score"],
        },
        schema=DERIVED,
    )
    label_part = pa.table(
        {
            "article_id": from_labels["article_id"],
            "source": pa.array(["label"] * from_labels.num_rows, pa.string()),
            "analyzer": from_labels["analyzer"],
            "name": from_labels["name"],
            "value": from_labels["value"],
            "start": pa.nulls(from_labels.num_rows, pa.int32()),
            "end": pa.nulls(from_labels.num_rows, pa.int32()),
            "score": from_labels["score"],
        },
        schema=DERIVED,
    )
    return pa.concat_tables([span_part, label_part])
