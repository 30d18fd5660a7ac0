"""``score_files``: score a prediction file against a gold file with a shared task's official metric."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Final

from propwatch.errors import ConfigurationError, EmptyInputError, InputError
from propwatch.evaluation.formats import read_paragraph_labels, read_si_labels, read_technique_spans
from propwatch.evaluation.ptc import score_si, score_tc
from propwatch.evaluation.scores import Scores
from propwatch.evaluation.semeval23 import score_st3
from propwatch.evaluation.semeval23_articles import read_frame_labels, read_genre_labels, score_st1, score_st2
from propwatch.models.taxonomy import PTC_TECHNIQUES, SEMEVAL23_TECHNIQUES

TASKS: Final[tuple[str, ...]] = ("ptc-si", "ptc-tc", "semeval23-st1", "semeval23-st2", "semeval23-st3")


Records = Sequence[Any]  # one task's records (SpanRecord, TechniqueSpanRecord, …), each with an article_id
Scorer = Callable[[Records, Records], Scores]


def task_files(task: str, gold: Path, pred: Path) -> tuple[Records, Records, Scorer]:
    """Gold and predicted records of ``task`` read from their files, and the task's official scorer.

    Raises the errors of :mod:`propwatch.errors` (a malformed line names its file and line number).
    """
    if task == "ptc-si":
        gold_spans = read_si_labels(gold)
        if not gold_spans:  # the other tasks' scorers refuse an empty gold file too
            raise EmptyInputError(str(gold), "holds no spans to score")
        predicted = read_si_labels(pred)
        _check_si_ids(gold, gold_spans, pred, predicted)
        return gold_spans, predicted, score_si
    names = {"predicted_name": str(pred), "gold_name": str(gold)}
    if task == "ptc-tc":
        return (
            read_technique_spans(gold, allowed=PTC_TECHNIQUES),
            read_technique_spans(pred, allowed=PTC_TECHNIQUES),
            lambda g, p: score_tc(g, p, **names),
        )
    if task == "semeval23-st1":
        return read_genre_labels(gold), read_genre_labels(pred), lambda g, p: score_st1(g, p, **names)
    if task == "semeval23-st2":
        return read_frame_labels(gold), read_frame_labels(pred), lambda g, p: score_st2(g, p, **names)
    if task == "semeval23-st3":
        return (
            read_paragraph_labels(gold, allowed=SEMEVAL23_TECHNIQUES),
            read_paragraph_labels(pred, allowed=SEMEVAL23_TECHNIQUES),
            lambda g, p: score_st3(g, p, **names),
        )
    raise ConfigurationError("task", f"unknown task {task!r}; expected one of {', '.join(TASKS)}")


def _check_si_ids(gold: Path, gold_spans: Records, pred: Path, predicted: Records) -> None:
    """Refuse predictions none of whose articles has a gold span: ids written another way ("article1"
    for "1") would score 0 without a word. Some such articles are legitimate false positives."""
    gold_ids = {record.article_id for record in gold_spans}
    pred_ids = sorted({record.article_id for record in predicted})
    if pred_ids and gold_ids.isdisjoint(pred_ids):
        raise InputError(
            str(pred),
            f"none of its {len(pred_ids)} article id(s) has a span in {gold} (e.g. {pred_ids[0]!r} against "
            f"{min(gold_ids)!r}): are the ids written the same way?",
        )


def score_files(task: str, gold: Path, pred: Path) -> Scores:
    """Score ``pred`` against ``gold`` for ``task``: one of :data:`TASKS`."""
    gold_records, pred_records, scorer = task_files(task, gold, pred)
    return scorer(gold_records, pred_records)
