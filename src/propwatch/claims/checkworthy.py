"""CheckThat! 2024 Task 1 (check-worthiness) files: read inputs, write runs, score runs.

* Input: TSV with a header, UTF-8, read without quote handling: the English shape
  ``Sentence_id<TAB>Text[<TAB>class_label]`` or the tweet shape
  ``tweet_id<TAB>tweet_url<TAB>tweet_text[<TAB>class_label]``; the text column is found by name.
* Run (what the official format checker accepts): header ``id<TAB>class_label<TAB>run_id``, then
  ``<id><TAB>Yes|No<TAB><run_id>`` per item, in input order.
* Score: F1 of the ``Yes`` class (the official measure), with precision and recall.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import TextIO

from propwatch.claims.data import NO, YES, tsv_rows
from propwatch.claims.model import CheckWorthinessModel
from propwatch.errors import EmptyInputError, MalformedRecordError
from propwatch.evaluation.scores import Scores, harmonic_f1, ratio

TASK = "checkthat24-task1"
RUN_HEADER = ("id", "class_label", "run_id")
_TEXT_COLUMNS = ("text", "tweet_text", "sentence", "sentence_text")
_RUN_ID = re.compile(r"^[\w-]+$")


@dataclass(frozen=True)
class CheckworthyItem:
    item_id: str
    text: str
    label: bool | None  # the gold label when the file has one


@dataclass(frozen=True)
class CheckworthyPrediction:
    item_id: str
    label: bool
    score: float


def _header(path: Path) -> tuple[list[str], int | None, int | None]:
    """The lower-cased header, and the index of its text and label columns."""
    for number, fields in tsv_rows(path):
        names = [f.strip().lower() for f in fields]
        text = next((names.index(n) for n in _TEXT_COLUMNS if n in names), None)
        label = names.index("class_label") if "class_label" in names else None
        if number != 1 or names[0] in ("yes", "no") or (text is None and label is None):
            raise MalformedRecordError(
                f"{path} line {number}", "expected a header row naming the columns (e.g. Sentence_id, Text)"
            )
        return names, text, label
    raise EmptyInputError(str(path), "the file holds no rows")


def _check_label(path: Path, number: int, value: str) -> bool:
    value = value.strip()
    if value not in (YES, NO):
        raise MalformedRecordError(
            f"{path} line {number}", f"class_label {value!r} is neither 'Yes' nor 'No'"
        )
    return value == YES


def read_checkworthy_input(path: Path) -> list[CheckworthyItem]:
    """Items of a Task 1 input (or gold) file, in order; duplicate ids are an error."""
    names, text_column, label_column = _header(path)
    if text_column is None:
        raise MalformedRecordError(f"{path} line 1", f"no text column (one of {', '.join(_TEXT_COLUMNS)})")
    items: list[CheckworthyItem] = []
    seen: set[str] = set()
    for number, fields in tsv_rows(path):
        if number == 1:
            continue
        if len(fields) != len(names):
            raise MalformedRecordError(
                f"{path} line {number}", f"expected {len(names)} tab-separated columns, found {len(fields)}"
            )
        item_id = fields[0].strip()
        if not item_id:
            raise MalformedRecordError(f"{path} line {number}", "the id is empty")
        if item_id in seen:
            raise MalformedRecordError(f"{path} line {number}", f"id {item_id} is listed twice")
        seen.add(item_id)
        label = None if label_column is None else _check_label(path, number, fields[label_column])
        items.append(CheckworthyItem(item_id, fields[text_column], label))
    if not items:
        raise EmptyInputError(str(path), "the file holds a header but no items")
    return items


def predict_checkworthy(
    items: Sequence[CheckworthyItem],
    model: CheckWorthinessModel,
    *,
    language: str | None = None,
    threshold: float | None = None,
) -> list[CheckworthyPrediction]:
    """Yes/No and the calibrated score of each item; ``threshold`` overrides the model's for ``language``."""
    scores = model.scores([item.text for item in items])
    cut = model.threshold(language) if threshold is None else threshold
    return [
        CheckworthyPrediction(item.item_id, bool(score >= cut), float(score))
        for item, score in zip(items, scores, strict=True)
    ]


def write_checkworthy_run(stream: TextIO, predictions: Iterable[CheckworthyPrediction], run_id: str) -> None:
    """Write a run in the official format: ``id<TAB>class_label<TAB>run_id`` with a header."""
    if not _RUN_ID.match(run_id):
        raise MalformedRecordError(f"run id {run_id!r}", "may hold only letters, digits, '_' and '-'")
    stream.write("\t".join(RUN_HEADER) + "\n")
    for prediction in predictions:
        stream.write(f"{prediction.item_id}\t{YES if prediction.label else NO}\t{run_id}\n")


def read_checkworthy_labels(path: Path) -> dict[str, bool]:
    """Id → Yes/No from a gold file or a run (a run's header may be missing, as some tools write)."""
    labels: dict[str, bool] = {}
    label_column: int | None = None
    for number, fields in tsv_rows(path):
        if number == 1:
            names = [f.strip().lower() for f in fields]
            if "class_label" in names:
                label_column = names.index("class_label")
                continue
            if len(fields) < 2 or fields[1].strip() not in (YES, NO):
                raise MalformedRecordError(f"{path} line 1", "expected a header with a class_label column")
            label_column = 1  # a headerless run: id, label[, run_id]
        assert label_column is not None
        if len(fields) <= label_column:
            raise MalformedRecordError(f"{path} line {number}", f"has {len(fields)} columns, no class_label")
        item_id = fields[0].strip()
        if item_id in labels:
            raise MalformedRecordError(f"{path} line {number}", f"id {item_id} is listed twice")
        labels[item_id] = _check_label(path, number, fields[label_column])
    if not labels:
        raise EmptyInputError(str(path), "the file holds no labelled items")
    return labels


def score_checkworthy(gold_path: Path, predicted_path: Path) -> Scores:
    """F1, precision and recall of the Yes class; the run must label exactly the gold ids."""
    gold = read_checkworthy_labels(gold_path)
    predicted = read_checkworthy_labels(predicted_path)
    missing = sorted(set(gold) - set(predicted))
    extra = sorted(set(predicted) - set(gold))
    if missing or extra:
        parts = []
        if missing:
            parts.append(f"{len(missing)} gold ids have no prediction (first: {missing[0]})")
        if extra:
            parts.append(f"{len(extra)} predicted ids are not in the gold file (first: {extra[0]})")
        raise MalformedRecordError(str(predicted_path), "; ".join(parts))
    return f1_of_yes(TASK, [gold[i] for i in gold], [predicted[i] for i in gold])


def f1_of_yes(task: str, gold: Sequence[bool], predicted: Sequence[bool]) -> Scores:
    """Precision, recall and F1 of the positive class (0 where undefined, as scikit-learn does)."""
    true_positives = sum(1 for g, p in zip(gold, predicted, strict=True) if g and p)
    precision = ratio(true_positives, sum(predicted))
    recall = ratio(true_positives, sum(gold))
    f1: Fraction = harmonic_f1(precision, recall)
    return Scores(
        task=task,
        f1=float(f1),
        precision=float(precision),
        recall=float(recall),
        gold_count=sum(gold),
        predicted_count=sum(predicted),
    )
