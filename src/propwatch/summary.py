"""The article-level picture of one analysis: how much of it persuades, how, about what, in which genre.

* **propaganda share** — Prta's measure: the characters covered by at least one technique span
  (overlaps counted once) over the text length;
* techniques per 1,000 words, spans per technique and per category
  (:data:`propwatch.models.taxonomy.TECHNIQUES`), the dominant category (most spans; ties go to more
  characters covered, then to the taxonomy's order);
* the top frames (``frame`` labels, best score first);
* the predicted genre next to the page's own tag, and whether they disagree (only when the tag names
  one of the three genres: an "analysis" or "interview" tag is not compared).

A technique span is any span whose label is a SemEval-2023 technique name, whichever analyzer made it.
The technique figures are None when no technique analyzer ran and no such span is there: propwatch
does not report "0 %" for what it has not looked for.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from pydantic import BaseModel, ConfigDict, Field

from propwatch.domain import Analysis
from propwatch.framing.labels import FRAME_LABEL, GENRE_LABEL, genre_of_page_tag
from propwatch.models.taxonomy import CATEGORIES, TECHNIQUE_ANALYZER, TECHNIQUES
from propwatch.models.technique_decode import LabeledRange

TOP_FRAMES = 3


class FrameScore(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    frame: str = Field(description="SemEval-2023 frame name, e.g. 'Security_and_defense'.")
    score: float | None = Field(description="The frame classifier's score in [0, 1].")


class ArticleSummary(BaseModel):
    """Article-level figures computed from the spans and labels of one analysis."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    words: int = Field(description="Words in the text (white-space separated).")
    techniques_measured: bool = Field(
        description="Whether a technique analyzer ran (or technique spans are present); when not, the "
        "technique figures are null."
    )
    technique_spans: int = Field(description="Spans labelled with a persuasion technique.")
    propaganda_share: float | None = Field(
        description="Share of the text's characters inside at least one technique span (0-1)."
    )
    techniques_per_1000_words: float | None = Field(description="Technique spans per 1,000 words.")
    per_technique: dict[str, int] = Field(description="Technique spans per technique, most first.")
    per_category: dict[str, int] = Field(description="Technique spans per technique category, most first.")
    dominant_category: str | None = Field(description="The category with the most technique spans.")
    top_frames: list[FrameScore] = Field(description="The highest-scoring frames, best first.")
    genre: str | None = Field(description="Genre predicted by the genre analyzer.")
    genre_score: float | None = Field(description="Its probability.")
    genre_tag: str | None = Field(description="Genre the page gives itself (Article.genre_tag).")
    genre_disagrees: bool | None = Field(
        description="True when the page's tag names another genre than the predicted one; None when "
        "either is missing or the tag names none of opinion/reporting/satire."
    )


def covered_characters(spans: Iterable[LabeledRange]) -> int:
    """Characters inside at least one of ``spans`` (overlaps counted once)."""
    covered = 0
    reach = -1
    for span in sorted(spans, key=lambda s: (s.start, s.end)):
        start = max(span.start, reach)
        if span.end > start:
            covered += span.end - start
        reach = max(reach, span.end)
    return covered


def _ranked(counts: Counter[str]) -> dict[str, int]:
    return dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))


def summarize(analysis: Analysis, top_frames: int = TOP_FRAMES) -> ArticleSummary:
    """The article-level summary of ``analysis``."""
    article = analysis.article
    spans = [s for s in analysis.spans if s.label in TECHNIQUES]
    words = len(article.text.split())
    per_technique = Counter(s.label for s in spans)
    per_category = Counter(TECHNIQUES[s.label].category for s in spans)
    dominant = None
    if spans:
        reach = {
            c: covered_characters([s for s in spans if TECHNIQUES[s.label].category == c]) for c in CATEGORIES
        }
        dominant = max(CATEGORIES, key=lambda c: (per_category[c], reach[c], -CATEGORIES.index(c)))
    frames = sorted(
        (label for label in analysis.labels if label.name == FRAME_LABEL),
        key=lambda label: (-(label.score if label.score is not None else -1.0), label.value),
    )
    genre = next((label for label in analysis.labels if label.name == GENRE_LABEL), None)
    tag_genre = genre_of_page_tag(article.genre_tag)
    measured = bool(spans) or TECHNIQUE_ANALYZER in analysis.analyzers
    return ArticleSummary(
        words=words,
        techniques_measured=measured,
        technique_spans=len(spans),
        propaganda_share=covered_characters(spans) / len(article.text) if measured else None,
        techniques_per_1000_words=(1000 * len(spans) / words if words else 0.0) if measured else None,
        per_technique=_ranked(per_technique),
        per_category=_ranked(per_category),
        dominant_category=dominant,
        top_frames=[FrameScore(frame=label.value, score=label.score) for label in frames[:top_frames]],
        genre=genre.value if genre else None,
        genre_score=genre.score if genre else None,
        genre_tag=article.genre_tag,
        genre_disagrees=(tag_genre != genre.value) if genre and tag_genre else None,
    )


def genre_note(summary: ArticleSummary) -> str | None:
    """One line for a reader when the page's tag and the predicted genre disagree, else None."""
    if not summary.genre_disagrees:
        return None
    score = f" ({summary.genre_score:.2f})" if summary.genre_score is not None else ""
    return (
        f"The page calls itself {summary.genre_tag!r}, but the genre model reads it as "
        f"{summary.genre!r}{score}."
    )
