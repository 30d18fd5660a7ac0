"""ClaimDetector: the sentences of an article that make check-worthy factual assertions.

Each sentence (see :mod:`propwatch.claims.sentences`) is scored by the check-worthiness model
(:mod:`propwatch.claims.model`: multilingual-e5-small fine-tuned as a sentence classifier,
int8 ONNX upper layers, calibrated); the ones at or above
the decision threshold of the article's language become ``Claim`` spans with their score.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from propwatch.analyzers.base import Analyzer
from propwatch.claims.claimreview import CLAIM_LABEL
from propwatch.claims.model import CheckWorthinessModel, shipped_model_path
from propwatch.claims.sentences import Sentence, split_sentences
from propwatch.domain import Analysis, Annotations, Span, opening_headline
from propwatch.sentence_shapes import is_table_row, trimmed
from propwatch.settings import Settings

# 2: each sentence scored in its own int8 call (batch-independent scores); 3: no questions nor the
# headline, sentences split with the article's language's abbreviations; 4: "… the U.S. The company …"
# is two sentences (an abbreviation that often ends one, then a capitalised function word); 5: a run of
# more than 1,000 characters is cut at clause marks, table rows are no claims, and bullets, markdown marks
# and speaker labels ("Q:", "SERGEY LAVROV:") are not part of a claim (propwatch.sentence_shapes); the
# model reads shouted sentences in ordinary case (propwatch.models.casing); 6: speaker labels in any case
# ("QUESTION:", "**Host:**"), emphasis closing inside a claim stays whole, a shouted first paragraph; 7: a
# Polish year's "r.", spaced German abbreviations; 8: quotes closed by German “ and «, French » after a space
# and "— said he" stay with their sentence, "!" or "?" inside a short quotation ends none, "?!", "?.." and
# "?“" end questions; 9: »…« quotes do not split German claims; 10: no sentence of the headline that opens
# the text, Spanish and Portuguese abbreviations ("EE. UU.", "Sra.")
ANALYZER_VERSION = "10"
# Fewer words than this cannot state a checkable fact ("Opinion.", "Thank you.").
MIN_WORDS = 4
_WORD = re.compile(r"\w+")
# A question mark, then "!" or dots ("?!", Russian "?.." and "?!.."), closing quotes and brackets ("wird?“").
_QUESTION_END = re.compile(r"[?؟？][?!؟？]*(?:\.+|…)?[\"'”’“‘»«)\]\s]*$")


class ClaimDetector(Analyzer):
    name = "claims"
    version = ANALYZER_VERSION
    provides = frozenset({"spans:claim"})

    def __init__(self, settings: Settings) -> None:
        super().__init__(settings)
        folder = settings.claims_model or shipped_model_path()
        self.model = CheckWorthinessModel.load(folder, threads=settings.inference_threads)
        # Stored analyses are keyed by version: a new model or threshold is a new version.
        threshold = settings.claims_threshold
        # An instance attribute: the class-level name is shared by every model a user may load.
        self.__dict__["version"] = f"{ANALYZER_VERSION}+model{self.model.version}" + (
            f"+t{threshold:g}" if threshold is not None else ""
        )

    def candidates(self, text: str, language: str | None = None, title: str | None = None) -> list[Sentence]:
        """The sentences of ``text`` that may hold a claim: long enough, not a question (it asks, it
        does not assert), and not the headline at the top of the text, any sentence of it (a headline of
        two sentences had given a claim of its second)."""
        headline = " ".join(title.split()).casefold() if title else None
        opening = opening_headline(title, text) or 0
        return [
            s
            for s in map(_trimmed, split_sentences(text, language))
            if s.start >= opening
            and len(_WORD.findall(s.text)) >= MIN_WORDS
            and not is_table_row(s.text)
            and not _QUESTION_END.search(s.text)
            and " ".join(s.text.split()).casefold() != headline
        ]

    def analyze(self, batch: Sequence[Analysis]) -> Sequence[Annotations]:
        per_article = [
            self.candidates(item.article.text, item.article.language, item.article.title) for item in batch
        ]
        texts = [s.text for sentences in per_article for s in sentences]
        scores = self.model.scores(texts)
        results: list[Annotations] = []
        position = 0
        for item, sentences in zip(batch, per_article, strict=True):
            cut = self.settings.claims_threshold
            if cut is None:
                cut = self.model.threshold(item.article.language)
            spans = []
            for sentence in sentences:
                score = float(min(max(scores[position], 0.0), 1.0))
                position += 1
                if score >= cut:
                    spans.append(
                        Span(
                            start=sentence.start,
                            end=sentence.end,
                            label=CLAIM_LABEL,
                            score=score,
                            analyzer=self.name,
                        )
                    )
            results.append(Annotations(spans=tuple(spans)))
        return results


def _trimmed(sentence: Sentence) -> Sentence:
    """``sentence`` without the bullet, markdown marks or speaker label that open its line."""
    start, end = trimmed(sentence.start, sentence.end, sentence.text)
    if (start, end) == (sentence.start, sentence.end):
        return sentence
    return Sentence(start, end, sentence.text[start - sentence.start : end - sentence.start])
