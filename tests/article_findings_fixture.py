"""An analysis with every article-level finding the API and the article page show: genre (disagreeing
with the page's own tag), frames, technique spans and "Target:" entity mentions linked to them."""

from __future__ import annotations

from datetime import UTC, datetime

from propwatch.domain import Analysis, Article, Label, Span

FINDINGS_TEXT = (
    "NATO is essentially making a series of unilateral demands on Russia. Russia waits.\n\n"
    "Every patriot knows that our flag never bows."
)


def _at(quote: str, label: str, analyzer: str, score: float | None = None, nth: int = 0) -> Span:
    start = -1
    for _ in range(nth + 1):
        start = FINDINGS_TEXT.index(quote, start + 1)
    return Span(start=start, end=start + len(quote), label=label, score=score, analyzer=analyzer)


def findings_analysis() -> Analysis:
    """NATO attacked (Doubt, Name-calling), Russia named twice with nothing linked, a flag-waving span
    with no target in its sentence; genre "opinion" against the page's "news" tag; four frames."""
    return Analysis(
        article=Article(text=FINDINGS_TEXT, title="Demands", genre_tag="news", language="en"),
        spans=(
            _at("NATO", "Target:NATO", "targets"),
            _at("Russia", "Target:Russia", "targets"),
            _at("Russia", "Target:Russia", "targets", nth=1),
            _at("NATO is essentially making a series of unilateral demands", "Doubt", "techniques", 0.8),
            _at("unilateral demands", "Name_Calling-Labeling", "techniques", 0.6),
            _at("our flag never bows", "Flag_Waving", "techniques", 0.7),
        ),
        labels=(
            Label(name="genre", value="opinion", score=0.93, analyzer="genre"),
            Label(name="frame", value="Security_and_defense", score=0.71, analyzer="frames"),
            Label(name="frame", value="Political", score=0.55, analyzer="frames"),
            Label(name="frame", value="International_relations", score=0.42, analyzer="frames"),
            Label(name="frame", value="Morality", score=0.2, analyzer="frames"),
            Label(name="target", value="NATO", score=1.0, analyzer="targets"),
            Label(name="attacked", value="NATO", score=1.0, analyzer="targets"),
        ),
        analyzers={"techniques": "test-1", "genre": "test-1", "frames": "test-1", "targets": "test-1"},
        created_at=datetime(2025, 1, 2, tzinfo=UTC),
    )
