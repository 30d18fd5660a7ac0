"""The article text cut into segments at span boundaries, so overlapping spans can all be shown.

Every segment carries the spans covering it, outermost first; the template nests one ``<mark>`` per
span. Each span keeps one *lane* (like a track in a genome browser) on all its segments, so its
underline sits at the same depth along its whole length and overlaps read as stacked lines.
"""

from __future__ import annotations

import hashlib
import itertools
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from propwatch.domain import Analysis, Span
from propwatch.export import span_meaning
from propwatch.models.taxonomy import CATEGORIES, TECHNIQUE_ANALYZER, TECHNIQUES
from propwatch.targets.linking import SPAN_PREFIX

PALETTE_SIZE = 12  # colour classes pal-0 … pal-11 in app.css
MAX_LANE = 3  # deeper overlaps share the last lane's underline offset
_CATEGORY_CLASS = {category: f"cat-{n}" for n, category in enumerate(CATEGORIES)}


def colour_class(analyzer: str, label: str) -> str:
    """One colour per technique category; any other label a stable palette colour."""
    if analyzer == TECHNIQUE_ANALYZER and label in TECHNIQUES:
        return _CATEGORY_CLASS[TECHNIQUES[label].category]
    digest = hashlib.blake2s(f"{analyzer}\x00{label}".encode(), digest_size=2).digest()
    return f"pal-{int.from_bytes(digest, 'big') % PALETTE_SIZE}"


def category_class(category: str) -> str:
    return _CATEGORY_CLASS.get(category, "pal-0")


def pretty(name: str) -> str:
    """'Name_Calling-Labeling' → 'Name Calling / Labeling'; an id after a prefix stays as it is
    ('narrative:west-provokes-russia' → 'narrative: west-provokes-russia')."""
    prefix, colon, rest = name.partition(":")
    if colon:
        return f"{prefix.replace('_', ' ')}: {rest}"
    return name.replace("-", " / ").replace("_", " ")


@dataclass(frozen=True)
class SpanView:
    number: int  # 1-based, in text order
    start: int
    end: int
    label: str
    analyzer: str
    score: float | None
    category: str | None
    explanation: str | None
    colour: str
    lane: int
    quote: str

    @property
    def key(self) -> str:
        """What the legend filters on: analyzer and label."""
        return f"{self.analyzer}\x1f{self.label}"

    @property
    def title(self) -> str:
        return pretty(self.label)

    @property
    def score_text(self) -> str:
        return f"{self.score:.2f}" if self.score is not None else "n/a"


@dataclass(frozen=True)
class Mark:
    span: SpanView
    first: bool  # the span's first segment: the one that takes keyboard focus


@dataclass(frozen=True)
class Segment:
    text: str
    marks: tuple[Mark, ...]


@dataclass(frozen=True)
class LegendEntry:
    key: str
    analyzer: str
    label: str
    title: str
    colour: str
    count: int
    category: str | None
    explanation: str | None


def _lanes(spans: list[Span]) -> list[int]:
    """Lowest free lane for each span in (start, -end) order: overlapping spans never share one."""
    lane_end: list[int] = []
    lanes: list[int] = []
    for span in spans:
        for lane, busy_until in enumerate(lane_end):
            if busy_until <= span.start:
                lane_end[lane] = span.end
                lanes.append(lane)
                break
        else:
            lane_end.append(span.end)
            lanes.append(len(lane_end) - 1)
    return lanes


def highlighted(span: Span) -> bool:
    """Whether the page marks ``span`` in the text: entity mentions ("Target:…") are summed up per
    target in their own section instead, as marks they would bury the technique evidence."""
    return not span.label.startswith(SPAN_PREFIX)


def span_views(analysis: Analysis, narrative_titles: Mapping[str, str] | None = None) -> list[SpanView]:
    """The highlighted spans of ``analysis``, in text order, numbered from 1; a narrative's evidence is
    explained by its title from ``narrative_titles``."""
    text = analysis.article.text
    shown = [span for span in analysis.spans if highlighted(span)]
    ordered = sorted(shown, key=lambda s: (s.start, -s.end, s.analyzer, s.label))
    views: list[SpanView] = []
    for number, (span, lane) in enumerate(zip(ordered, _lanes(ordered), strict=True), 1):
        explained = span.analyzer == TECHNIQUE_ANALYZER or span.label not in TECHNIQUES
        category, explanation = span_meaning(span.label, narrative_titles) if explained else (None, None)
        views.append(
            SpanView(
                number=number,
                start=span.start,
                end=span.end,
                label=span.label,
                analyzer=span.analyzer,
                score=span.score,
                category=category,
                explanation=explanation,
                colour=colour_class(span.analyzer, span.label),
                lane=min(lane, MAX_LANE),
                quote=" ".join(text[span.start : span.end].split()),
            )
        )
    return views


def views_of(spans: Iterable[Span], views: list[SpanView]) -> list[SpanView]:
    """The views of ``spans`` (those highlighted), in their order: links from a summary to the marks."""
    found = {(v.start, v.end, v.label, v.analyzer): v for v in reversed(views)}
    keys = ((s.start, s.end, s.label, s.analyzer) for s in spans)
    return [found[key] for key in keys if key in found]


def segments(text: str, views: list[SpanView]) -> list[Segment]:
    """Consecutive pieces of ``text``; each with the spans covering it, outermost (lowest lane) first."""
    cuts = sorted({0, len(text), *(v.start for v in views), *(v.end for v in views)})
    starting: dict[int, list[SpanView]] = {}
    for view in views:
        starting.setdefault(view.start, []).append(view)
    active: list[SpanView] = []
    found: list[Segment] = []
    for left, right in itertools.pairwise(cuts):
        active = [v for v in active if v.end > left]
        opened = starting.get(left, [])
        active.extend(opened)
        active.sort(key=lambda v: (v.lane, v.number))
        found.append(Segment(text=text[left:right], marks=tuple(Mark(v, first=v in opened) for v in active)))
    return found


def legend(views: list[SpanView]) -> list[LegendEntry]:
    """One entry per (analyzer, label): techniques in category order, then the rest by frequency."""
    counts = Counter(v.key for v in views)
    first = {v.key: v for v in reversed(views)}
    entries = [
        LegendEntry(
            key=key,
            analyzer=view.analyzer,
            label=view.label,
            title=view.title,
            colour=view.colour,
            count=counts[key],
            category=view.category,
            explanation=view.explanation,
        )
        for key, view in first.items()
    ]

    def order(entry: LegendEntry) -> tuple[int, int, int, str]:
        if entry.category is not None:
            return (0, CATEGORIES.index(entry.category), -entry.count, entry.label)
        return (1, 0, -entry.count, entry.analyzer + entry.label)

    return sorted(entries, key=order)
