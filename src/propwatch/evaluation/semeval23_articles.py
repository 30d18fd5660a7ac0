"""Official metrics of SemEval-2023 Task 3 subtasks 1 (genre) and 2 (frames), article level.

Re-implemented from the organisers' ``scorer-subtask-1.py`` and ``scorer-subtask-2.py`` (task bundle,
``scorers/``; a copy is in the public repository ``yrf1/SemEval23-Task-3-UIUC-Team``), with exact
arithmetic:

* both files list one article per line, ``article_id<TAB>label1,label2,…``; the submission must list
  exactly the gold articles and only known labels;
* **subtask 1** (one genre per article): ``f1`` is the **macro-F1** over the genres that occur in the
  gold file or in the predictions (scikit-learn's default label set, ``zero_division=0``): a genre that
  is neither in the gold file nor predicted is left out; ``precision``/``recall`` are the macro
  averages and ``micro_f1`` the accuracy, which the official scorer also prints;
* **subtask 2** (any number of the 14 frames): ``f1`` is the **micro-F1** over (article, frame) pairs,
  ``macro_f1`` the mean per-frame F1 over all 14 frames, with ``zero_division=1`` as the official
  scorer sets it (a frame neither in the gold file nor predicted scores 1).

Deviation, for safety: the official scripts silently keep the last of two lines for one article; here
that is an error naming the file and the line.
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction
from pathlib import Path
from types import MappingProxyType

from propwatch.errors import EmptyInputError, MalformedRecordError
from propwatch.evaluation.formats import ArticleLabelsRecord, _lines
from propwatch.evaluation.scores import LabelScores, Scores, ratio
from propwatch.framing.labels import FRAMES, GENRES
from propwatch.output_files import replacing


def _read(path: Path, classes: Sequence[str], *, single: bool) -> list[ArticleLabelsRecord]:
    records: list[ArticleLabelsRecord] = []
    seen: dict[str, str] = {}
    what = "genre" if single else "frame1,frame2,…"
    for where, fields in _lines(path):
        if len(fields) not in (1, 2):
            raise MalformedRecordError(
                where,
                f"expected article_id<TAB>{what}, got {len(fields)} TAB-separated columns",
            )
        article_id = fields[0].strip()
        if not article_id:
            raise MalformedRecordError(where, "empty article id")
        if article_id in seen:
            raise MalformedRecordError(
                where, f"article {article_id} is listed twice (first on line {seen[article_id]})"
            )
        seen[article_id] = where.rsplit(" line ", 1)[-1]
        value = fields[1].strip() if len(fields) == 2 else ""
        labels = tuple(label.strip() for label in value.split(",")) if value else ()
        if single and len(labels) != 1:
            raise MalformedRecordError(
                where, f"article {article_id} needs exactly one genre, got {len(labels)}"
            )
        for label in labels:
            if label not in classes:
                raise MalformedRecordError(
                    where, f"unknown {'genre' if single else 'frame'} {label!r} (known: {', '.join(classes)})"
                )
        records.append(ArticleLabelsRecord(article_id, labels))
    return records


def read_genre_labels(path: Path, genres: Sequence[str] = GENRES) -> list[ArticleLabelsRecord]:
    """Read a subtask-1 file, ``article_id<TAB>genre`` per line; a bad line names the file and line."""
    return _read(path, genres, single=True)


def read_frame_labels(path: Path, frames: Sequence[str] = FRAMES) -> list[ArticleLabelsRecord]:
    """Read a subtask-2 file, ``article_id<TAB>frame1,frame2,…`` per line (no frame: empty second column)."""
    return _read(path, frames, single=False)


def _label_sets(
    records: Sequence[ArticleLabelsRecord], classes: Sequence[str], name: str, *, single: bool
) -> dict[str, frozenset[str]]:
    sets: dict[str, frozenset[str]] = {}
    for number, record in enumerate(records, 1):
        where = f"{name} record {number}"
        if record.article_id in sets:
            raise MalformedRecordError(where, f"article {record.article_id} is listed twice")
        if single and len(record.labels) != 1:
            raise MalformedRecordError(
                where, f"article {record.article_id} needs exactly one label, got {len(record.labels)}"
            )
        unknown = sorted(set(record.labels) - set(classes))
        if unknown:
            raise MalformedRecordError(
                where,
                f"article {record.article_id}: unknown label {unknown[0]!r} (known: {', '.join(classes)})",
            )
        sets[record.article_id] = frozenset(record.labels)
    return sets


def _matching(
    gold: dict[str, frozenset[str]], predicted: dict[str, frozenset[str]], gold_name: str, predicted_name: str
) -> None:
    if not gold:
        raise EmptyInputError(gold_name, "holds no articles to score")
    if gold.keys() != predicted.keys():
        missing = sorted(gold.keys() - predicted.keys())
        extra = sorted(predicted.keys() - gold.keys())
        detail = (
            f"{len(missing)} gold article(s) missing, first {missing[0]}"
            if missing
            else f"{len(extra)} article(s) not in the gold file, first {extra[0]}"
        )
        raise MalformedRecordError(predicted_name, f"the articles differ from the gold file: {detail}")


def _counts(
    name: str, gold: dict[str, frozenset[str]], predicted: dict[str, frozenset[str]]
) -> tuple[int, int, int]:
    tp = fp = fn = 0
    for article_id, gold_labels in gold.items():
        in_gold, in_pred = name in gold_labels, name in predicted[article_id]
        tp += in_gold and in_pred
        fp += in_pred and not in_gold
        fn += in_gold and not in_pred
    return tp, fp, fn


def score_st1(
    gold: Sequence[ArticleLabelsRecord],
    predicted: Sequence[ArticleLabelsRecord],
    *,
    genres: Sequence[str] = GENRES,
    predicted_name: str = "predictions",
    gold_name: str = "gold",
) -> Scores:
    """Macro-F1 over the genres present (gold or predicted), as the official subtask-1 scorer."""
    gold_sets = _label_sets(gold, genres, gold_name, single=True)
    pred_sets = _label_sets(predicted, genres, predicted_name, single=True)
    _matching(gold_sets, pred_sets, gold_name, predicted_name)
    present = [g for g in genres if any(g in s for s in (*gold_sets.values(), *pred_sets.values()))]
    per_label: dict[str, LabelScores] = {}
    f1_sum = precision_sum = recall_sum = Fraction(0)
    for name in present:
        tp, fp, fn = _counts(name, gold_sets, pred_sets)
        precision, recall = ratio(tp, tp + fp), ratio(tp, tp + fn)
        f1 = ratio(2 * tp, 2 * tp + fp + fn)
        f1_sum, precision_sum, recall_sum = f1_sum + f1, precision_sum + precision, recall_sum + recall
        per_label[name] = LabelScores(float(precision), float(recall), float(f1), tp + fn, tp + fp)
    correct = sum(gold_sets[k] == pred_sets[k] for k in gold_sets)
    return Scores(
        task="semeval23-st1",
        f1=float(f1_sum / len(present)),
        precision=float(precision_sum / len(present)),
        recall=float(recall_sum / len(present)),
        macro_f1=float(f1_sum / len(present)),
        micro_f1=float(Fraction(correct, len(gold_sets))),
        gold_count=len(gold_sets),
        predicted_count=len(pred_sets),
        per_label=MappingProxyType(per_label),
    )


def score_st2(
    gold: Sequence[ArticleLabelsRecord],
    predicted: Sequence[ArticleLabelsRecord],
    *,
    frames: Sequence[str] = FRAMES,
    predicted_name: str = "predictions",
    gold_name: str = "gold",
) -> Scores:
    """Micro-F1 over (article, frame) pairs and macro-F1 over the 14 frames, as the official scorer."""
    gold_sets = _label_sets(gold, frames, gold_name, single=False)
    pred_sets = _label_sets(predicted, frames, predicted_name, single=False)
    _matching(gold_sets, pred_sets, gold_name, predicted_name)
    per_label: dict[str, LabelScores] = {}
    total_tp = total_fp = total_fn = 0
    macro_sum = Fraction(0)
    for name in frames:
        tp, fp, fn = _counts(name, gold_sets, pred_sets)
        f1 = ratio(2 * tp, 2 * tp + fp + fn, zero_division=1.0)
        macro_sum += f1
        per_label[name] = LabelScores(
            precision=float(ratio(tp, tp + fp, zero_division=1.0)),
            recall=float(ratio(tp, tp + fn, zero_division=1.0)),
            f1=float(f1),
            gold=tp + fn,
            predicted=tp + fp,
        )
        total_tp, total_fp, total_fn = total_tp + tp, total_fp + fp, total_fn + fn
    micro = ratio(2 * total_tp, 2 * total_tp + total_fp + total_fn, zero_division=1.0)
    return Scores(
        task="semeval23-st2",
        f1=float(micro),
        precision=float(ratio(total_tp, total_tp + total_fp, zero_division=1.0)),
        recall=float(ratio(total_tp, total_tp + total_fn, zero_division=1.0)),
        macro_f1=float(macro_sum / len(frames)),
        micro_f1=float(micro),
        gold_count=len(gold_sets),
        predicted_count=len(pred_sets),
        per_label=MappingProxyType(per_label),
    )


def write_article_labels(path: Path, records: Sequence[ArticleLabelsRecord]) -> None:
    """Write a subtask-1 or subtask-2 file: ``article_id<TAB>label1,label2,…`` per line."""
    with replacing(path) as handle:  # "\n" on every platform: the official scorers split on it
        for record in records:
            handle.write(f"{record.article_id}\t{','.join(record.labels)}\n")
