"""``techniques``: persuasion-technique spans (the 23 SemEval-2023 techniques) with calibrated scores.

Each span's label is the technique name; its category and the one-line explanation for analysts come
from :mod:`propwatch.models.taxonomy` (the report shows them). The model is the one shipped in
``propwatch/models/technique_model/`` unless the ``technique_model`` setting names another folder; it is
loaded once per process (:func:`~propwatch.models.techniques.shared_technique_model`), and a missing or
damaged model is an :class:`AnalyzerError`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar, Final

from propwatch.analyzers.base import Analyzer
from propwatch.domain import Analysis, Annotations, Span
from propwatch.models.function_words import function_words_only
from propwatch.models.taxonomy import TECHNIQUE_ANALYZER
from propwatch.models.techniques import shared_technique_model, shipped_model_version
from propwatch.settings import Settings

SPANS_TECHNIQUE: Final = "spans:technique"
NO_MODEL_VERSION: Final = "no-model"
# What the analyzer does to the model's spans, after the model's version: spans2 drops the spans that
# hold function words only (:mod:`propwatch.models.function_words`); spans3, since the model's spans
# lose their trailing function words ("Зеленский и"), results differ from spans2's; spans4: a span no longer
# splits a character written as several code points (an accent apart, emoji joined by U+200D); spans5: a
# span starting at or after an apostrophe inside a word takes the word ("won't tell you", not "t tell");
# spans6: a span never holds half a flag (one regional indicator of 🇷🇺, or a subdivision flag's tags);
# spans7: the model reads shouted paragraphs in ordinary case (propwatch.models.casing), so spans differ;
# spans8: also a shouted first paragraph ending in a full stop (a text whose title a reader moved out).
OUTPUT_VERSION: Final = "spans8"


class TechniqueSpanDetector(Analyzer):
    name: ClassVar[str] = TECHNIQUE_ANALYZER
    # The shipped artifact's version, read from its model.json (small) when this module is imported.
    version: ClassVar[str] = f"{shipped_model_version() or NO_MODEL_VERSION}+{OUTPUT_VERSION}"
    provides: ClassVar[frozenset[str]] = frozenset({SPANS_TECHNIQUE})

    def __init__(self, settings: Settings) -> None:
        super().__init__(settings)
        # The process's shared model: the genre analyzer reads its remembered output of these articles.
        self.model = shared_technique_model(settings)
        mine = f"{self.model.version}+{OUTPUT_VERSION}"
        if mine != type(self).version:
            # Another model folder: results must be stored under that model's own version.
            setattr(self, "version", mine)  # noqa: B010 - instance value over the ClassVar

    def analyze(self, batch: Sequence[Analysis]) -> Sequence[Annotations]:
        found = self.model.predict(
            [item.article.text for item in batch], [item.article.language for item in batch]
        )
        return [
            Annotations(
                spans=tuple(
                    Span(start=s.start, end=s.end, label=s.technique, score=s.score, analyzer=self.name)
                    for s in spans
                    # A fragment of grammar ("will", "of the") shows the analyst nothing.
                    if not function_words_only(item.article.text[s.start : s.end], item.article.language)
                )
            )
            for item, spans in zip(batch, found, strict=True)
        ]
