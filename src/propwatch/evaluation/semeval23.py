"""Official metric of SemEval-2023 Task 3, subtask 3 (persuasion techniques per paragraph).

Replicates the organisers' ``scorer-subtask-3.py`` (task bundle, ``scorers/``; a copy is in the public
repository ``yrf1/SemEval23-Task-3-UIUC-Team``), re-implemented from its definition with exact arithmetic:

* each line ``article_id<TAB>paragraph<TAB>t1,t2,…`` is one example; the submission must list exactly
  the gold examples (same ``(article_id, paragraph)`` set) and only the known technique names;
* labels are binarised over the full technique list (23 names), repeated labels count once;
* ``micro_f1`` = 2·TP / (2·TP + FP + FN) summed over all techniques and examples;
* ``macro_f1`` = mean over **all** listed techniques of the per-technique F1, where a technique that is
  neither in the gold file nor predicted scores **1** (scikit-learn's ``zero_division=1``, as the
  official scorer sets it). English uses only 19 of the 23 techniques, so its macro-F1 includes four 1s.

Micro precision and recall use the same ``zero_division=1`` convention. Deviation, for safety: the
official script silently keeps the last of two lines for the same paragraph; here that is an error.
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction
from types import MappingProxyType

from propwatch.errors import EmptyInputError, MalformedRecordError
from propwatch.evaluation.formats import ParagraphLabelsRecord
from propwatch.evaluation.scores import LabelScores, Scores, ratio
from propwatch.models.taxonomy import SEMEVAL23_TECHNIQUES

ParagraphKey = tuple[str, int]


def _label_sets(
    records: Sequence[ParagraphLabelsRecord], classes: frozenset[str], name: str
) -> dict[ParagraphKey, frozenset[str]]:
    sets: dict[ParagraphKey, frozenset[str]] = {}
    for record in records:
        key = (record.article_id, record.paragraph)
        if key in sets:
            raise MalformedRecordError(name, f"article {key[0]} paragraph {key[1]} is listed twice")
        unknown = sorted(set(record.techniques) - classes)
        if unknown:
            raise MalformedRecordError(
                name, f"article {key[0]} paragraph {key[1]}: unknown technique {unknown[0]!r}"
            )
        sets[key] = frozenset(record.techniques)
    return sets


def _f1(tp: int, fp: int, fn: int) -> Fraction:
    # scikit-learn's F-score with zero_division=1: 1 when there is nothing to find and nothing predicted.
    return ratio(2 * tp, 2 * tp + fp + fn, zero_division=1.0)


def score_st3(
    gold: Sequence[ParagraphLabelsRecord],
    predicted: Sequence[ParagraphLabelsRecord],
    *,
    techniques: Sequence[str] = SEMEVAL23_TECHNIQUES,
    predicted_name: str = "predictions",
    gold_name: str = "gold",
) -> Scores:
    """Micro- and macro-F1 over (article, paragraph, technique) triples, as the official scorer."""
    classes = frozenset(techniques)
    gold_sets = _label_sets(gold, classes, gold_name)
    pred_sets = _label_sets(predicted, classes, predicted_name)
    if not gold_sets:
        raise EmptyInputError(gold_name, "holds no paragraphs to score")
    if gold_sets.keys() != pred_sets.keys():
        missing = sorted(gold_sets.keys() - pred_sets.keys())
        extra = sorted(pred_sets.keys() - gold_sets.keys())
        detail = (
            f"{len(missing)} gold paragraph(s) missing, first {missing[0][0]} paragraph {missing[0][1]}"
            if missing
            else f"{len(extra)} paragraph(s) not in the gold file, first {extra[0][0]} "
            f"paragraph {extra[0][1]}"
        )
        raise MalformedRecordError(predicted_name, f"the paragraphs differ from the gold file: {detail}")
    per_label: dict[str, LabelScores] = {}
    total_tp = total_fp = total_fn = 0
    macro_sum = Fraction(0)
    for name in techniques:
        tp = fp = fn = 0
        for key, gold_labels in gold_sets.items():
            in_gold = name in gold_labels
            in_pred = name in pred_sets[key]
            tp += in_gold and in_pred
            fp += in_pred and not in_gold
            fn += in_gold and not in_pred
        f1 = _f1(tp, fp, fn)
        macro_sum += f1
        per_label[name] = LabelScores(
            precision=float(ratio(tp, tp + fp, zero_division=1.0)),
            recall=float(ratio(tp, tp + fn, zero_division=1.0)),
            f1=float(f1),
            gold=tp + fn,
            predicted=tp + fp,
        )
        total_tp, total_fp, total_fn = total_tp + tp, total_fp + fp, total_fn + fn
    return Scores(
        task="semeval23-st3",
        f1=float(_f1(total_tp, total_fp, total_fn)),
        precision=float(ratio(total_tp, total_tp + total_fp, zero_division=1.0)),
        recall=float(ratio(total_tp, total_tp + total_fn, zero_division=1.0)),
        macro_f1=float(macro_sum / len(techniques)),
        gold_count=len(gold_sets),
        predicted_count=len(pred_sets),
        per_label=MappingProxyType(per_label),
    )
