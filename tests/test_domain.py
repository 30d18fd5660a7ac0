from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import pytest
from pydantic import ValidationError

from propwatch.domain import Analysis, Annotations, Article, Label, Span, content_hash
from propwatch.export import analysis_json_schema


def test_id_is_stable_and_derived_from_text() -> None:
    a = Article(text="Same text.", title="One")
    b = Article(text="Same text.", title="Another title", url="https://example.org/x")
    assert a.id == b.id == content_hash("Same text.")[:16]
    assert Article(text="Same text!").id != a.id


def test_blank_text_is_refused() -> None:
    with pytest.raises(ValidationError, match="empty"):
        Article(text=" \n\t ")


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"text": "Hello \x00 world"}, "NUL character at character 6"),
        ({"text": "Text with \ud800 inside."}, "text holds invalid Unicode: a lone surrogate U+D800"),
        ({"text": "Fine.", "title": "Bad \udfff title"}, "title holds invalid Unicode"),
        ({"text": "Fine.", "sources": ("TASS", "\ud83d")}, "sources holds invalid Unicode"),
    ],
)
def test_text_that_cannot_be_stored_is_refused(fields: dict[str, object], message: str) -> None:
    with pytest.raises(ValidationError, match=re.escape(message)):
        Article.model_validate(fields)


def test_articles_are_frozen() -> None:
    article = Article(text="Text.")
    with pytest.raises(ValidationError):
        article.title = "changed"  # type: ignore[misc]


def test_json_round_trip_keeps_everything() -> None:
    article = Article(
        text="Body\r\nwith CRLF.",
        title="T",
        published=date(2022, 2, 3),
        sources=("Agency",),
        quoted_outlets=("El Pais",),
        raw="raw",
        raw_format="text",
    )
    dumped = json.loads(article.model_dump_json())
    assert dumped["id"] == article.id
    assert Article.model_validate(dumped) == article


@pytest.mark.parametrize(("start", "end"), [(5, 5), (6, 2)])
def test_span_must_have_positive_length(start: int, end: int) -> None:
    with pytest.raises(ValidationError):
        Span(start=start, end=end, label="x", analyzer="a")


def test_span_score_is_a_probability() -> None:
    with pytest.raises(ValidationError):
        Span(start=0, end=1, label="x", score=1.5, analyzer="a")


def test_analysis_refuses_spans_past_the_text() -> None:
    article = Article(text="short")
    with pytest.raises(ValidationError, match="past the text"):
        Analysis(article=article, spans=(Span(start=0, end=6, label="x", analyzer="a"),))


def test_with_annotations_adds_and_records_versions() -> None:
    article = Article(text="NATO said so.")
    first = Analysis(article=article)
    added = Annotations(
        spans=(Span(start=0, end=4, label="Actor", analyzer="a"),),
        labels=(Label(name="genre", value="news", analyzer="a"),),
    )
    second = first.with_annotations("a", "1", added)
    assert first.spans == () and first.analyzers == {}
    assert second.spans[0].text_of(article) == "NATO"
    assert second.model_version == "a=1"
    assert second.created_at == first.created_at


def test_schema_in_docs_is_generated_from_the_types() -> None:
    path = Path(__file__).parent.parent / "docs" / "analysis.schema.json"
    assert json.loads(path.read_text(encoding="utf-8")) == analysis_json_schema(), "run `make schema`"
