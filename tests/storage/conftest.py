"""Builders of articles and analyses for the storage tests (the db fixtures are in tests/conftest.py)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

import pytest

from propwatch.domain import Analysis, Article, Label, Span

ArticleMaker = Callable[..., Article]
AnalysisMaker = Callable[..., Analysis]


def build_article(
    text: str = "The minister said the alliance is a threat to peace.", **fields: Any
) -> Article:
    return Article(text=text, **fields)


def build_analysis(article: Article, version: str = "1.0", n_spans: int = 2) -> Analysis:
    """An analysis with ``n_spans`` spans (over the first words) and two labels."""
    words = article.text.split()
    spans: list[Span] = []
    position = 0
    for index, word in enumerate(words[:n_spans]):
        start = article.text.index(word, position)
        position = start + len(word)
        spans.append(
            Span(
                start=start,
                end=position,
                label=f"Technique_{index}",
                score=0.25 * (index % 4),
                analyzer="spans",
            )
        )
    return Analysis(
        article=article,
        spans=tuple(spans),
        labels=(
            Label(name="genre", value="opinion", score=0.875, analyzer="genre"),
            Label(name="frame", value="security", analyzer="frames"),
        ),
        analyzers={"spans": version, "genre": "2.1"},
        created_at=datetime(2025, 3, 4, 5, 6, 7, 891011, tzinfo=UTC),
    )


@pytest.fixture
def make_article() -> ArticleMaker:
    return build_article


@pytest.fixture
def make_analysis() -> AnalysisMaker:
    return build_analysis


@pytest.fixture
def full_article() -> Article:
    """An article with every field set, tuples and raw included."""
    return Article(
        text="Moscow, 2 March. The West is waging a war against us, the spokesman said.\nSource: TASS",
        title="Spokesman: the West wages war",
        url="https://example.org/news/1",
        published=date(2024, 3, 2),
        place="Moscow",
        author="I. Ivanov",
        outlet="Example News",
        genre_tag="news",
        sources=("TASS", "RIA"),
        quoted_outlets=("Reuters",),
        language="en",
        origin="/data/article1.html",
        external_id="111111112",
        raw="<html><body><p>Moscow, 2 March. …</p></body></html>",
        raw_format="html",
    )
