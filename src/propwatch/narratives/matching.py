"""Match text against narrative catalogues with multilingual sentence embeddings.

Each narrative is represented by its passages (its description and every example claim, all
languages), embedded on the e5 passage side and cached per catalogue. A sentence is embedded on the
query side; its score for a narrative is the mean of its two best passage similarities (one odd
passage cannot decide alone). A sentence supports its best-scoring narrative when that score reaches
the threshold for the article's language; a narrative's score in an article is its best sentence's.
Thresholds were calibrated as docs/narratives.md describes (``propwatch narratives calibrate``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Final

import numpy as np

from propwatch.narratives.catalogue import MAX_EVIDENCE, Catalogue, Narrative
from propwatch.narratives.embeddings import Embedder, EmbeddingCache, FloatMatrix
from propwatch.narratives.sentences import Sentence, split_sentences, word_count
from propwatch.sentence_shapes import is_table_row, trimmed
from propwatch.settings import Settings

# Calibrated on the "tune" half of tests/narratives/fixtures/labelled_sentences.tsv with the starter
# catalogue (best F1 of "correct narrative at or above the threshold"); see docs/narratives.md.
CALIBRATED_THRESHOLDS: Final[Mapping[str, float]] = {"en": 0.819, "ru": 0.837}
# Other languages: the strictest calibrated value, favouring precision where nothing was measured.
DEFAULT_THRESHOLD: Final = max(CALIBRATED_THRESHOLDS.values())
TOP_PASSAGES: Final = 2
# Shorter sentences match on their topic words alone: all 12 such evidence sentences of an audit of real
# articles were false ("Wojna na Ukrainie trwa." 0.867); docs/narratives.md.
MIN_WORDS: Final = 7


def threshold_for(language: str | None, settings: Settings) -> float:
    """The similarity a sentence needs to count as repeating a narrative."""
    if settings.narrative_threshold is not None:
        return settings.narrative_threshold
    return CALIBRATED_THRESHOLDS.get((language or "").lower(), DEFAULT_THRESHOLD)


@dataclass(frozen=True)
class Evidence:
    """A sentence of the text that repeats a narrative: ``text[start:end]``."""

    start: int
    end: int
    text: str
    score: float


@dataclass(frozen=True)
class NarrativeMatch:
    narrative: Narrative
    score: float
    evidence: tuple[Evidence, ...]


class NarrativeIndex:
    """Embedded passages of every narrative of the given catalogues."""

    def __init__(
        self, catalogues: Sequence[Catalogue], embedder: Embedder, cache: EmbeddingCache | None = None
    ) -> None:
        self.embedder = embedder
        self.narratives: list[Narrative] = [n for c in catalogues for n in c.narratives]
        blocks: list[FloatMatrix] = []
        bounds: list[int] = [0]
        for catalogue in catalogues:
            texts = [p for n in catalogue.narratives for p in n.passages()]
            blocks.append(cache.passages(embedder, texts) if cache else embedder.passages(texts))
            bounds.extend(bounds[-1] + len(n.passages()) for n in catalogue.narratives)
        self._passages = np.concatenate(blocks) if blocks else np.zeros((0, embedder.dim), np.float32)
        self._bounds = bounds

    def __len__(self) -> int:
        return len(self.narratives)

    def scores(self, query_vectors: FloatMatrix) -> FloatMatrix:
        """``(len(queries), len(narratives))``: mean of each narrative's best passage similarities."""
        similarities = query_vectors @ self._passages.T
        out = np.zeros((len(query_vectors), len(self.narratives)), dtype=np.float32)
        for j in range(len(self.narratives)):
            block = similarities[:, self._bounds[j] : self._bounds[j + 1]]
            k = min(TOP_PASSAGES, block.shape[1])
            best = -np.partition(-block, k - 1, axis=1)[:, :k]
            out[:, j] = best.mean(axis=1)
        return out

    def score_texts(self, texts: Sequence[str]) -> FloatMatrix:
        """Scores of each text (embedded on the query side) for every narrative."""
        if not texts:
            return np.zeros((0, len(self.narratives)), dtype=np.float32)
        return self.scores(self.embedder.queries(texts))

    def match(self, text: str, language: str | None, threshold: float) -> list[NarrativeMatch]:
        """The narratives ``text`` repeats, best first, each with its best evidence sentences."""
        if not self.narratives:
            return []
        # bullets, markdown marks and speaker labels ("Q:", "Ivanov:") are not part of the evidence
        bounds = [trimmed(s.start, s.end, s.text) for s in split_sentences(text, language)]
        sentences = [
            Sentence(start, end, text[start:end])
            for start, end in bounds
            if word_count(text[start:end]) >= MIN_WORDS and not is_table_row(text[start:end])
        ]
        scores = self.score_texts([s.text for s in sentences])
        found: dict[int, list[Evidence]] = {}
        for row, sentence in enumerate(sentences):
            best = int(scores[row].argmax())
            value = float(scores[row, best])
            if value >= threshold:
                found.setdefault(best, []).append(
                    Evidence(sentence.start, sentence.end, sentence.text, min(1.0, max(0.0, value)))
                )
        matches = []
        for j, evidence in found.items():
            ranked = sorted(evidence, key=lambda e: -e.score)[:MAX_EVIDENCE]
            matches.append(NarrativeMatch(self.narratives[j], ranked[0].score, tuple(ranked)))
        return sorted(matches, key=lambda m: -m.score)
