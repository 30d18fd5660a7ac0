"""``NarrativeMatcher``: does the article repeat a known disinformation narrative, and where?

Adds one ``narrative`` label per matched narrative (value: the narrative id, score: the best evidence
sentence's similarity) and one span per evidence sentence, labelled ``narrative:<id>``. Catalogues,
embeddings and thresholds: :mod:`propwatch.narratives` and docs/narratives.md.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import ClassVar

from propwatch.analyzers.base import TEXT, Analyzer
from propwatch.domain import Analysis, Annotations, Label, Span
from propwatch.narratives.catalogue import NARRATIVE_LABEL, NARRATIVE_SPAN_PREFIX, Catalogue, load_catalogues
from propwatch.narratives.embeddings import Embedder, EmbeddingCache
from propwatch.narratives.matching import CALIBRATED_THRESHOLDS, NarrativeIndex, threshold_for
from propwatch.settings import Settings

LABEL = NARRATIVE_LABEL
SPAN_PREFIX = NARRATIVE_SPAN_PREFIX


class NarrativeMatcher(Analyzer):
    name: ClassVar[str] = "narratives"
    # 1.1: evidence sentences have 7 words at least; 1.2: no table rows, runs cut at 1,000 characters;
    # 1.3: speaker labels in any case ("QUESTION:") are no part of evidence, emphasis pairs stay whole
    version: ClassVar[str] = "1.5"
    requires: ClassVar[frozenset[str]] = frozenset({TEXT})
    provides: ClassVar[frozenset[str]] = frozenset({"labels:narrative", "spans:narrative-evidence"})

    def __init__(self, settings: Settings) -> None:
        super().__init__(settings)
        catalogues = load_catalogues(settings)
        self.index = NarrativeIndex(catalogues, Embedder(settings), EmbeddingCache.from_settings(settings))
        setattr(self, "version", matcher_version(settings, catalogues))  # noqa: B010

    def analyze(self, batch: Sequence[Analysis]) -> list[Annotations]:
        return [self._annotate(item) for item in batch]

    def _annotate(self, item: Analysis) -> Annotations:
        article = item.article
        matches = self.index.match(
            article.text, article.language, threshold_for(article.language, self.settings)
        )
        labels = tuple(
            Label(name=LABEL, value=m.narrative.id, score=m.score, analyzer=self.name) for m in matches
        )
        spans = tuple(
            Span(
                start=e.start,
                end=e.end,
                label=f"{SPAN_PREFIX}{m.narrative.id}",
                score=e.score,
                analyzer=self.name,
            )
            for m in matches
            for e in m.evidence
        )
        return Annotations(spans=spans, labels=labels)


def matcher_version(settings: Settings, catalogues: Sequence[Catalogue]) -> str:
    """The narratives analyzer's version with ``catalogues`` and the thresholds of ``settings``: analyses
    are stored per version, so other catalogues or thresholds never overwrite old results, and a display
    can tell an analysis made with other catalogues than those in use."""
    digest = hashlib.sha256()
    for catalogue in catalogues:
        digest.update(catalogue.content_hash.encode())
    digest.update(repr((settings.narrative_threshold, sorted(CALIBRATED_THRESHOLDS.items()))).encode())
    return f"{NarrativeMatcher.version}+{digest.hexdigest()[:10]}"
