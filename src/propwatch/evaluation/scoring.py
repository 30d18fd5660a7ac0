"""``score_files``: score a prediction file against a gold file with a shared task's official metric."""

from __future__ import annotations

from pathlib import Path
from typing import Final

from propwatch.errors import ConfigurationError
from propwatch.evaluation.formats import read_paragraph_labels, read_si_labels, read_technique_spans
from propwatch.evaluation.ptc import score_si, score_tc
from propwatch.evaluation.scores import Scores
from propwatch.evaluation.semeval23 import score_st3
from propwatch.evaluation.semeval23_articles import read_frame_labels, read_genre_labels, score_st1, score_st2
from propwatch.models.taxonomy import PTC_TECHNIQUES, SEMEVAL23_TECHNIQUES

TASKS: Final[tuple[str, ...]] = ("ptc-si", "ptc-tc", "semeval23-st1", "semeval23-st2", "semeval23-st3")


def score_files(task: str, gold: Path, pred: Path) -> Scores:
    """Score ``pred`` against ``gold`` for ``task``: one of :data:`TASKS`.

    Raises the errors of :mod:`propwatch.errors` (a malformed line names its file and line number).
    """
    if task == "ptc-si":
        return score_si(read_si_labels(gold), read_si_labels(pred))
    if task == "ptc-tc":
        return score_tc(
            read_technique_spans(gold, allowed=PTC_TECHNIQUES),
            read_technique_spans(pred, allowed=PTC_TECHNIQUES),
            predicted_name=str(pred),
            gold_name=str(gold),
        )
    if task == "semeval23-st1":
        return score_st1(
            read_genre_labels(gold), read_genre_labels(pred), predicted_name=str(pred), gold_name=str(gold)
        )
    if task == "semeval23-st2":
        return score_st2(
            read_frame_labels(gold), read_frame_labels(pred), predicted_name=str(pred), gold_name=str(gold)
        )
    if task == "semeval23-st3":
        return score_st3(
            read_paragraph_labels(gold, allowed=SEMEVAL23_TECHNIQUES),
            read_paragraph_labels(pred, allowed=SEMEVAL23_TECHNIQUES),
            predicted_name=str(pred),
            gold_name=str(gold),
        )
    raise ConfigurationError("task", f"unknown task {task!r}; expected one of {', '.join(TASKS)}")
