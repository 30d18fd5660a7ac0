"""The technique model's validation figures, with the official shared-task metrics (numpy + scorers).

On our validation split (held-out articles of each language), decoded with the shared decoder:

* ``languages.<code>``: SemEval-2023 subtask-3 micro/macro-F1 (a paragraph's labels = techniques of
  the predicted spans overlapping it), technique-agnostic span F1 (SI formula) and per-technique span F1;
* ``per_technique``: span F1 of each technique pooled over languages;
* ``ptc`` (English only; the same articles as PTC stores them, in its scheme): PTC-SI F1 of the
  spans of techniques that have a PTC class, against PTC's SI gold; PTC-TC micro-F1, labelling each
  gold PTC span with the PTC class of the SemEval-2023 technique of highest mean calibrated inside
  probability over its tokens (techniques without a PTC class skipped).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

from propwatch.corpora import CorpusArticle, read_ptc, read_ptc_si
from propwatch.evaluation import (
    ParagraphLabelsRecord,
    Scores,
    SpanRecord,
    TechniqueSpanRecord,
    score_si,
    score_st3,
    score_tc,
)
from propwatch.models.taxonomy import SEMEVAL23_TO_PTC
from propwatch.models.technique_decode import (
    Calibration,
    DecodedSpan,
    decode_spans,
    paragraph_labels,
    technique_scores_for_range,
    token_char_ranges,
    token_probabilities,
)
from propwatch.training.calibration import ScoredArticle
from propwatch.training.data import PTC_FOLDER


@dataclass(frozen=True)
class PtcValidation:
    """The English validation articles as PTC stores them, scored, with their SI and TC gold.

    PTC's article files are the SemEval-2023 English ones with different line breaks and spacing, so
    the PTC offsets only fit PTC's own text: the model reads those texts for the PTC figures.
    """

    articles: tuple[ScoredArticle, ...]
    si: tuple[SpanRecord, ...]
    tc: tuple[TechniqueSpanRecord, ...]

    def subset(self, article_ids: Collection[str]) -> PtcValidation:
        wanted = set(article_ids)
        return PtcValidation(
            tuple(a for a in self.articles if a.article_id in wanted),
            tuple(r for r in self.si if r.article_id in wanted),
            tuple(r for r in self.tc if r.article_id in wanted),
        )


def read_ptc_validation_articles(data_dir: Path, article_ids: Collection[str]) -> tuple[CorpusArticle, ...]:
    """PTC train articles among ``article_ids`` (none when the PTC folder is absent)."""
    folder = data_dir / PTC_FOLDER
    if not folder.is_dir() or not article_ids:
        return ()
    wanted = set(article_ids)
    return tuple(article for article in read_ptc(folder).articles if article.article_id in wanted)


def ptc_gold(
    data_dir: Path, articles: Sequence[CorpusArticle]
) -> tuple[tuple[SpanRecord, ...], tuple[TechniqueSpanRecord, ...]]:
    """SI gold (PTC's own merged file) and TC gold of ``articles``."""
    wanted = {article.article_id for article in articles}
    si = tuple(r for r in read_ptc_si(data_dir / PTC_FOLDER) if r.article_id in wanted)
    tc = tuple(
        TechniqueSpanRecord(article.article_id, span.technique, span.start, span.end)
        for article in articles
        for span in article.spans
    )
    return si, tc


def _figures(scores: Scores) -> dict[str, Any]:
    return {
        "f1": round(scores.f1, 6),
        "precision": round(scores.precision, 6),
        "recall": round(scores.recall, 6),
        "gold": scores.gold_count,
        "predicted": scores.predicted_count,
    }


def _span_f1(
    gold: Sequence[tuple[str, str, int, int]],
    predicted: Sequence[tuple[str, str, int, int]],
    label: str | None,
) -> dict[str, Any]:
    """SI-formula figures of one label (or of every label merged, ``label=None``)."""
    return _figures(
        score_si(
            [SpanRecord(a, s, e) for a, t, s, e in gold if label is None or t == label],
            [SpanRecord(a, s, e) for a, t, s, e in predicted if label is None or t == label],
        )
    )


def _st3(
    articles: Sequence[ScoredArticle], decoded: dict[str, list[DecodedSpan]], labels: Sequence[str]
) -> Scores:
    gold: list[ParagraphLabelsRecord] = []
    predicted: list[ParagraphLabelsRecord] = []
    for a in articles:
        found = paragraph_labels(a.text, decoded[a.article_id], labels)
        for paragraph in a.article.paragraphs:
            gold.append(ParagraphLabelsRecord(a.article_id, paragraph.number, paragraph.techniques))
            predicted.append(
                ParagraphLabelsRecord(a.article_id, paragraph.number, found.get(paragraph.number, ()))
            )
    return score_st3(gold, predicted, techniques=labels)


def _ptc(gold: PtcValidation, calibration: Calibration) -> dict[str, Any]:
    english = {a.article_id: a for a in gold.articles}
    calibration = calibration.for_language("en")
    decoded = decode_articles(gold.articles, calibration)
    predicted_si = [
        SpanRecord(article_id, span.start, span.end)
        for article_id in english
        for span in decoded[article_id]
        if SEMEVAL23_TO_PTC.get(span.label) is not None
    ]
    si = score_si(gold.si, predicted_si)
    spans_by_key: dict[tuple[str, int, int], int] = defaultdict(int)
    for record in gold.tc:
        spans_by_key[(record.article_id, record.start, record.end)] += 1
    labels = calibration.labels
    mapped = [k for k, label in enumerate(labels) if SEMEVAL23_TO_PTC.get(label) is not None]
    predicted_tc: list[TechniqueSpanRecord] = []
    cache: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    for (article_id, start, end), count in sorted(spans_by_key.items()):
        a = english[article_id]
        if article_id not in cache:
            _, inside = token_probabilities(a.logits, calibration)
            cache[article_id] = (token_char_ranges(a.text, a.offsets), inside)
        ranges, inside = cache[article_id]
        scores = technique_scores_for_range(ranges, inside, start, end)
        classes: list[str] = []
        for k in sorted(mapped, key=lambda k: (-float(scores[k]), k)):
            name = SEMEVAL23_TO_PTC[labels[k]]
            if name is not None and name not in classes:
                classes.append(name)
        predicted_tc.extend(TechniqueSpanRecord(article_id, classes[i], start, end) for i in range(count))
    tc = score_tc(gold.tc, predicted_tc)
    return {
        "articles": len(english),
        "si": _figures(si),
        "tc": {
            "micro_f1": round(tc.f1, 6),
            "spans": tc.gold_count,
            "per_label": {name: round(s.f1, 6) for name, s in tc.per_label.items()},
        },
    }


def decode_articles(
    articles: Sequence[ScoredArticle], calibration: Calibration
) -> dict[str, list[DecodedSpan]]:
    """Decoded spans per article id, each article with its own language's shift."""
    return {
        a.article_id: decode_spans(a.text, a.offsets, a.logits, calibration.for_language(a.article.language))
        for a in articles
    }


SHIFT_GRID = tuple(round(0.25 * i, 2) for i in range(-12, 13))  # logit shifts -3 … +3


def tune_language_shifts(
    articles: Sequence[ScoredArticle], calibration: Calibration, grid: Sequence[float] = SHIFT_GRID
) -> tuple[dict[str, float], dict[str, dict[str, float]]]:
    """Per language (ISO code of the articles), the inside-logit shift that maximises the mean of
    subtask-3 micro-F1 and technique-agnostic span F1 — the two official measures a language is
    judged by — on that language's validation articles; ties go to the shift nearest 0.

    Returns the shifts and, per language, the objective at every grid value (for the model card).
    """
    by_language: dict[str, list[ScoredArticle]] = defaultdict(list)
    for a in articles:
        by_language[a.article.language].append(a)
    labels = calibration.labels
    shifts: dict[str, float] = {}
    curves: dict[str, dict[str, float]] = {}
    for language, group in sorted(by_language.items()):
        gold = [SpanRecord(a.article_id, s.start, s.end) for a in group for s in a.article.spans]
        curve: dict[str, float] = {}
        for shift in grid:
            trial = replace(calibration, language_shift={language: shift})
            decoded = decode_articles(group, trial)
            predicted = [SpanRecord(k, s.start, s.end) for k, spans in decoded.items() for s in spans]
            objective = (_st3(group, decoded, labels).f1 + score_si(gold, predicted).f1) / 2
            curve[f"{shift:+.2f}"] = round(float(objective), 6)
        curves[language] = curve
        shifts[language] = max(grid, key=lambda v: (curve[f"{v:+.2f}"], -abs(v)))
    return shifts, curves


def validation_report(
    articles: Sequence[ScoredArticle], calibration: Calibration, ptc: PtcValidation | None
) -> dict[str, Any]:
    """Every validation figure, as written to model.json's ``validation``."""
    labels = calibration.labels
    decoded = decode_articles(articles, calibration)
    by_language: dict[str, list[ScoredArticle]] = defaultdict(list)
    for a in articles:
        by_language[a.language].append(a)

    def spans_of(
        group: Sequence[ScoredArticle],
    ) -> tuple[list[tuple[str, str, int, int]], list[tuple[str, str, int, int]]]:
        gold = [(a.article_id, s.technique, s.start, s.end) for a in group for s in a.article.spans]
        pred = [(a.article_id, s.label, s.start, s.end) for a in group for s in decoded[a.article_id]]
        return gold, pred

    languages: dict[str, Any] = {}
    for code in sorted(by_language):
        group = by_language[code]
        gold, pred = spans_of(group)
        st3 = _st3(group, decoded, labels)
        languages[code] = {
            "articles": len(group),
            "st3": {
                "micro_f1": round(st3.f1, 6),
                "macro_f1": round(st3.macro_f1 or 0.0, 6),
                "precision": round(st3.precision, 6),
                "recall": round(st3.recall, 6),
                "paragraphs": st3.gold_count,
            },
            "span_f1": _span_f1(gold, pred, None),
            "per_technique": {label: _span_f1(gold, pred, label) for label in labels},
        }
    gold, pred = spans_of(articles)
    report: dict[str, Any] = {
        "split": "own validation split by article (seed and fraction in training), not the official dev set",
        "articles": len(articles),
        "languages": languages,
        "span_f1": _span_f1(gold, pred, None),
        "per_technique": {label: _span_f1(gold, pred, label) for label in labels},
        "ptc": _ptc(ptc, calibration) if ptc is not None and ptc.tc else None,
    }
    return report


def headline(report: dict[str, Any]) -> dict[str, float]:
    """The figures the targets are stated in: PTC-SI, PTC-TC and subtask-3 micro-F1 per language."""
    figures = {f"st3_micro_f1_{code}": lang["st3"]["micro_f1"] for code, lang in report["languages"].items()}
    figures["span_f1"] = report["span_f1"]["f1"]
    if report.get("ptc"):
        figures["ptc_si_f1"] = report["ptc"]["si"]["f1"]
        figures["ptc_tc_micro_f1"] = report["ptc"]["tc"]["micro_f1"]
    return figures
