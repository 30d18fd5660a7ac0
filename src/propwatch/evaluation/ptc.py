"""Official metrics of SemEval-2020 Task 11 on the Propaganda Techniques Corpus (PTC).

Replicates the organisers' scorers ``task-SI_scorer.py`` and ``task-TC_scorer.py`` (Giovanni Da San
Martino, 2019-2020; distributed with the task tools, e.g. in ``tools/`` of the public repository
``aschern/semeval2020_task11``), re-implemented here from their definition; the arithmetic is exact
(fractions) so the result does not depend on the order of the records.

**SI** (``compute_score_pr`` with the ``-m`` merge option): in each article, overlapping spans are merged
(transitively; spans that only touch, ``[a, b)`` and ``[b, c)``, stay apart), in the gold file and in the
submission alike. With ``|s ∩ t|`` the number of characters two spans share::

    P = Σ_articles Σ_{s ∈ pred} Σ_{t ∈ gold} |s ∩ t| / |s|   /   (number of predicted spans)
    R = Σ_articles Σ_{s ∈ pred} Σ_{t ∈ gold} |s ∩ t| / |t|   /   (number of gold spans)
    F1 = 2PR / (P + R);   F1 = 1 when both files are empty, 0 when P or R is 0.

Deviation, for robustness only: the official script stops with an error when the submission names an
article that is absent from the gold file; here such an article simply has no gold spans.

**TC**: the submission must hold exactly the gold spans (same article ids, same ``(start, end)``
multiset per article); each line carries one technique. Where one span has several gold techniques the
lines are aligned to maximise agreement (any order of repeated lines is accepted). Micro-averaged
precision, recall and F1 are then equal to the share of correctly labelled lines; per-technique
precision, recall and F1 are scikit-learn's (0 on a zero denominator).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from fractions import Fraction
from types import MappingProxyType

from propwatch.errors import EmptyInputError, MalformedRecordError
from propwatch.evaluation.formats import SpanRecord, TechniqueSpanRecord
from propwatch.evaluation.scores import LabelScores, Scores, harmonic_f1, ratio
from propwatch.models.taxonomy import PTC_TECHNIQUES

Interval = tuple[int, int]


def merge_overlapping(spans: Iterable[Interval]) -> list[Interval]:
    """Merge spans that share at least one character; the result is sorted and disjoint."""
    merged: list[Interval] = []
    for start, end in sorted(spans):
        if merged and start < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def _by_article(records: Iterable[SpanRecord]) -> dict[str, list[Interval]]:
    grouped: dict[str, list[Interval]] = defaultdict(list)
    for record in records:
        grouped[record.article_id].append((record.start, record.end))
    return {article: merge_overlapping(spans) for article, spans in grouped.items()}


def _overlap(a: Interval, b: Interval) -> int:
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


def score_si(gold: Iterable[SpanRecord], predicted: Iterable[SpanRecord]) -> Scores:
    """Span-identification precision, recall and F1 with partial credit for character overlap."""
    gold_spans = _by_article(gold)
    pred_spans = _by_article(predicted)
    n_gold = sum(len(spans) for spans in gold_spans.values())
    n_pred = sum(len(spans) for spans in pred_spans.values())
    precision_sum = Fraction(0)
    recall_sum = Fraction(0)
    for article, spans in pred_spans.items():
        for span in spans:
            for gold_span in gold_spans.get(article, ()):
                shared = _overlap(span, gold_span)
                if shared:
                    precision_sum += Fraction(shared, span[1] - span[0])
                    recall_sum += Fraction(shared, gold_span[1] - gold_span[0])
    precision = ratio(precision_sum, n_pred)
    recall = ratio(recall_sum, n_gold)
    f1 = Fraction(1) if n_pred == 0 and n_gold == 0 else harmonic_f1(precision, recall)
    return Scores(
        task="ptc-si",
        f1=float(f1),
        precision=float(precision),
        recall=float(recall),
        gold_count=n_gold,
        predicted_count=n_pred,
    )


def score_technique_spans(
    gold: Iterable[TechniqueSpanRecord], predicted: Iterable[TechniqueSpanRecord]
) -> Scores:
    """The SI formula per technique: a predicted span earns credit only for the characters it shares with
    gold spans of its own technique (spans merged per article and technique). Pooled over techniques in
    ``f1``/``precision``/``recall``; each technique's own figures in ``per_label``. Not an official
    measure: it judges the labelled spans an analyst is shown, which neither SI nor TC does alone."""
    gold_by: dict[str, list[SpanRecord]] = defaultdict(list)
    predicted_by: dict[str, list[SpanRecord]] = defaultdict(list)
    for into, records in ((gold_by, gold), (predicted_by, predicted)):
        for r in records:
            into[r.technique].append(SpanRecord(f"{r.article_id}\t{r.technique}", r.start, r.end))
    per_label = {}
    for technique in sorted(set(gold_by) | set(predicted_by)):
        s = score_si(gold_by[technique], predicted_by[technique])
        per_label[technique] = LabelScores(s.precision, s.recall, s.f1, s.gold_count, s.predicted_count)
    pooled = score_si(
        [r for rs in gold_by.values() for r in rs], [r for rs in predicted_by.values() for r in rs]
    )
    return Scores(
        task="technique-spans",
        f1=pooled.f1,
        precision=pooled.precision,
        recall=pooled.recall,
        gold_count=pooled.gold_count,
        predicted_count=pooled.predicted_count,
        per_label=MappingProxyType(per_label),
    )


def _labels_by_span(records: Iterable[TechniqueSpanRecord]) -> dict[tuple[str, int, int], Counter[str]]:
    grouped: dict[tuple[str, int, int], Counter[str]] = defaultdict(Counter)
    for record in records:
        grouped[(record.article_id, record.start, record.end)][record.technique] += 1
    return grouped


def _check_same_spans(
    gold: Mapping[tuple[str, int, int], Counter[str]],
    predicted: Mapping[tuple[str, int, int], Counter[str]],
    predicted_name: str,
) -> None:
    gold_articles = {key[0] for key in gold}
    pred_articles = {key[0] for key in predicted}
    if gold_articles != pred_articles:
        missing = sorted(gold_articles - pred_articles)
        extra = sorted(pred_articles - gold_articles)
        detail = (
            f"missing articles {missing[:5]}" if missing else f"articles not in the gold file {extra[:5]}"
        )
        raise MalformedRecordError(predicted_name, f"the article ids differ from the gold file: {detail}")
    for key in sorted(set(gold) | set(predicted)):
        n_gold = sum(gold.get(key, Counter()).values())
        n_pred = sum(predicted.get(key, Counter()).values())
        if n_gold != n_pred:
            article, start, end = key
            raise MalformedRecordError(
                predicted_name,
                f"article {article} span {start}-{end}: {n_pred} predicted line(s) for {n_gold} gold "
                "line(s); a TC submission must label exactly the spans of the template",
            )


def score_tc(
    gold: Sequence[TechniqueSpanRecord],
    predicted: Sequence[TechniqueSpanRecord],
    *,
    techniques: Sequence[str] = PTC_TECHNIQUES,
    predicted_name: str = "predictions",
    gold_name: str = "gold",
) -> Scores:
    """Technique-classification micro-F1 (= accuracy over the given spans) and per-technique figures."""
    if not gold:
        raise EmptyInputError(gold_name, "holds no spans to score")
    gold_labels = _labels_by_span(gold)
    pred_labels = _labels_by_span(predicted)
    _check_same_spans(gold_labels, pred_labels, predicted_name)
    correct: Counter[str] = Counter()
    for key, labels in gold_labels.items():
        correct.update(labels & pred_labels[key])
    gold_counts = Counter(record.technique for record in gold)
    pred_counts = Counter(record.technique for record in predicted)
    accuracy = ratio(sum(correct.values()), len(gold))
    per_label: dict[str, LabelScores] = {}
    for name in techniques:
        tp = correct[name]
        precision = ratio(tp, pred_counts[name])
        recall = ratio(tp, gold_counts[name])
        f1 = ratio(2 * tp, pred_counts[name] + gold_counts[name])
        per_label[name] = LabelScores(
            float(precision), float(recall), float(f1), gold_counts[name], pred_counts[name]
        )
    return Scores(
        task="ptc-tc",
        f1=float(accuracy),
        precision=float(accuracy),
        recall=float(accuracy),
        gold_count=len(gold),
        predicted_count=len(predicted),
        per_label=MappingProxyType(per_label),
    )
