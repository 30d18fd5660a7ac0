"""Threshold calibration and retrieval quality on a labelled set of sentences.

The labelled set is a TAB-separated file with a header ``language<TAB>narrative<TAB>split<TAB>text``:
``narrative`` is a narrative id or ``none`` (a sentence that repeats no catalogued narrative),
``split`` is ``tune`` (used to choose thresholds) or ``heldout`` (only reported).

* precision@1: share of labelled sentences whose best-scoring narrative is the right one;
* recall@5: share whose right narrative is among the five best;
* thresholded precision / recall / F1: a sentence counts as found when its best narrative is the
  right one and scores at or above the threshold; any other sentence at or above it (a ``none``
  sentence, or the wrong narrative) is a false positive.

:func:`calibrate` picks, per language, the threshold with the best F1 on the ``tune`` split (the
highest such threshold on ties, favouring precision).
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from propwatch.errors import DecodingError, InputNotFoundError, MalformedRecordError
from propwatch.narratives.embeddings import FloatMatrix
from propwatch.narratives.matching import NarrativeIndex

NONE = "none"
SPLITS = ("tune", "heldout")


@dataclass(frozen=True)
class LabelledSentence:
    language: str
    narrative: str | None
    split: str
    text: str


@dataclass(frozen=True)
class Quality:
    """Retrieval and decision quality of one language on one split."""

    language: str
    split: str
    sentences: int
    labelled: int
    precision_at_1: float
    recall_at_5: float
    threshold: float
    precision: float
    recall: float
    f1: float


def read_labelled(path: Path, known_ids: Iterable[str] | None = None) -> list[LabelledSentence]:
    """Read a labelled set; with ``known_ids``, a narrative id not among them is an error."""
    known = set(known_ids) if known_ids is not None else None
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
            header = next(reader, None)
            if header != ["language", "narrative", "split", "text"]:
                raise MalformedRecordError(
                    f"{path} line 1", "header must be language, narrative, split, text"
                )
            rows = []
            for row in reader:
                where = f"{path} line {reader.line_num}"
                if not any(cell.strip() for cell in row):
                    continue
                if len(row) != 4:
                    raise MalformedRecordError(where, f"expected 4 TAB-separated columns, got {len(row)}")
                language, narrative, split, text = (cell.strip() for cell in row)
                if split not in SPLITS:
                    raise MalformedRecordError(where, f"split must be 'tune' or 'heldout', got {split!r}")
                if not text or not language:
                    raise MalformedRecordError(where, "empty language or text")
                if known is not None and narrative != NONE and narrative not in known:
                    raise MalformedRecordError(where, f"narrative {narrative!r} is in no loaded catalogue")
                rows.append(LabelledSentence(language, None if narrative == NONE else narrative, split, text))
    except FileNotFoundError as exc:
        raise InputNotFoundError(str(path), "no such file") from exc
    except UnicodeDecodeError as exc:
        raise DecodingError(str(path), f"not UTF-8 text ({exc.reason} at byte {exc.start})") from exc
    if not rows:
        raise MalformedRecordError(str(path), "holds no labelled sentence")
    return rows


def _decisions(scores: FloatMatrix, gold: Sequence[int], threshold: float) -> tuple[float, float, float]:
    best = scores.argmax(axis=1)
    top = scores.max(axis=1)
    chosen = top >= threshold
    correct = chosen & (best == np.asarray(gold))
    positives = sum(1 for g in gold if g >= 0)
    tp, predicted = int(correct.sum()), int(chosen.sum())
    precision = tp / predicted if predicted else 1.0
    recall = tp / positives if positives else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def best_threshold(scores: FloatMatrix, gold: Sequence[int]) -> float:
    """The threshold with the best F1 (the highest one on ties)."""
    candidates = sorted({round(float(v), 3) for v in scores.max(axis=1)}, reverse=True)
    best_value, best_f1 = candidates[0] if candidates else 1.0, -1.0
    for candidate in candidates:
        f1 = _decisions(scores, gold, candidate)[2]
        if f1 > best_f1 + 1e-12:
            best_value, best_f1 = candidate, f1
    return best_value


@dataclass(frozen=True)
class Calibration:
    thresholds: dict[str, float]
    quality: list[Quality]


def calibrate(
    index: NarrativeIndex, sentences: Sequence[LabelledSentence], thresholds: dict[str, float] | None = None
) -> Calibration:
    """Thresholds per language from the ``tune`` split (unless given), and quality on both splits."""
    untuned = sorted({s.language for s in sentences} - {s.language for s in sentences if s.split == "tune"})
    if not thresholds and untuned:
        raise MalformedRecordError(
            f"labelled set ({', '.join(untuned)})",
            "has no 'tune' sentences to choose a threshold on in these languages; add some, or measure "
            "the shipped thresholds (--shipped)",
        )
    ids = [n.id for n in index.narratives]
    scores = index.score_texts([s.text for s in sentences])
    gold = [ids.index(s.narrative) if s.narrative in ids else -1 for s in sentences]
    languages = sorted({s.language for s in sentences})
    chosen = dict(thresholds or {})
    for language in languages:
        if language not in chosen:
            rows = [i for i, s in enumerate(sentences) if s.language == language and s.split == "tune"]
            if rows:
                chosen[language] = best_threshold(scores[rows], [gold[i] for i in rows])
    quality = []
    for language in languages:
        for split in SPLITS:
            rows = [i for i, s in enumerate(sentences) if s.language == language and s.split == split]
            if not rows or language not in chosen:
                continue
            part, part_gold = scores[rows], [gold[i] for i in rows]
            labelled = [k for k, g in enumerate(part_gold) if g >= 0]
            order = np.argsort(-part[labelled], axis=1) if labelled else np.zeros((0, 0), int)
            p1 = (
                float(np.mean([order[a, 0] == part_gold[k] for a, k in enumerate(labelled)]))
                if labelled
                else 0.0
            )
            r5 = (
                float(np.mean([part_gold[k] in order[a, :5] for a, k in enumerate(labelled)]))
                if labelled
                else 0.0
            )
            precision, recall, f1 = _decisions(part, part_gold, chosen[language])
            quality.append(
                Quality(
                    language, split, len(rows), len(labelled), p1, r5, chosen[language], precision, recall, f1
                )
            )
    return Calibration(chosen, quality)
