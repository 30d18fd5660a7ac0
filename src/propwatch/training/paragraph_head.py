"""``propwatch train paragraph-head``: per-paragraph technique labels (SemEval-2023 subtask 3) learnt
from a technique model's token probabilities (:mod:`propwatch.models.paragraph_head`).

On the training side of the validation split (by article, the split the technique model was trained
with: the seed and fraction its model.json records, checked against its fingerprints), this fits one
logistic regression per technique on the paragraphs' gold labels, in all the model's languages at once.
C and the probability threshold are chosen by 5-fold cross-validation grouped by article on the training
articles only, by the mean over languages of the subtask-3 micro-F1. A language gets its own threshold
only when a paired bootstrap over its training articles confirms the out-of-fold gain over the global
one. The head is then scored against the span rule on the validation articles with the official scorer
and kept only when its mean over languages is higher. Everything is written into ``model.json``
(``paragraph_head``) and ``MODEL_CARD.md``.

The features of training paragraphs come from a model that was trained on those articles, so they
are more confident than on unseen text; the threshold is chosen out of fold all the same, and the
validation figures are the honest check.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Final

import numpy as np
import numpy.typing as npt

from propwatch.corpora import CorpusArticle, read_semeval2023
from propwatch.corpora.semeval2023 import LANGUAGES as ISO_CODES
from propwatch.errors import InputNotFoundError
from propwatch.evaluation.formats import ParagraphLabelsRecord
from propwatch.evaluation.semeval23 import score_st3
from propwatch.evaluation.technique_model import LANGUAGES, SEMEVAL23_FOLDER, SPLIT_SEED, ModelSplit
from propwatch.models.paragraph_head import WIDTH, ParagraphHead, paragraph_features
from propwatch.models.taxonomy import SEMEVAL23_TECHNIQUES
from propwatch.models.technique_decode import paragraph_labels
from propwatch.models.techniques import MODEL_FILE, TechniqueModel
from propwatch.output_files import write_text
from propwatch.training.artifact import replace_card_section

C_GRID: Final = (0.1, 1.0, 10.0)
THRESHOLD_GRID: Final = tuple(round(0.1 + 0.025 * i, 3) for i in range(13))  # 0.10 … 0.40
FOLDS: Final = 5
BOOTSTRAP_RESAMPLES: Final = 1000
BOOTSTRAP_CONFIDENCE: Final = 0.95  # share of resamples a language's own threshold must win to be kept
MIN_POSITIVES: Final = 5  # fewer positive training paragraphs: the technique is never given
NEVER: Final = -30.0  # bias of a technique the head was not trained for
CARD_FILE: Final = "MODEL_CARD.md"
CARD_SECTION: Final = "## Paragraph head (subtask 3)"

BoolArray = npt.NDArray[np.bool_]


@dataclass(frozen=True)
class _Paragraphs:
    """Every paragraph of a set of articles: features ``[N, K, WIDTH]``, gold ``[N, K]`` and keys."""

    features: npt.NDArray[np.float64]
    gold: BoolArray
    gold_names: tuple[tuple[str, ...], ...]  # gold techniques, the model's or not (the scorer counts all)
    spans_rule: tuple[tuple[str, ...], ...]  # what the spans give each paragraph
    keys: tuple[tuple[str, int], ...]  # (article id, paragraph number)
    languages: tuple[str, ...]  # SemEval folder code of each paragraph

    def take(self, rows: npt.NDArray[np.int64]) -> _Paragraphs:
        pick = [int(r) for r in rows]
        return _Paragraphs(
            self.features[rows],
            self.gold[rows],
            tuple(self.gold_names[r] for r in pick),
            tuple(self.spans_rule[r] for r in pick),
            tuple(self.keys[r] for r in pick),
            tuple(self.languages[r] for r in pick),
        )


@dataclass(frozen=True)
class ParagraphHeadResult:
    """What training chose and measured (figures: subtask-3 micro-F1 per SemEval folder code)."""

    c: float
    threshold: float
    kept: bool
    train_paragraphs: int
    validation_paragraphs: int
    cross_validation: dict[str, float] = field(default_factory=dict)
    validation_spans: dict[str, float] = field(default_factory=dict)
    validation_head: dict[str, float] = field(default_factory=dict)
    language_thresholds: dict[str, float] = field(default_factory=dict)  # ISO code → threshold
    cross_validation_own: dict[str, float] = field(default_factory=dict)  # each language's own threshold
    validation_global: dict[str, float] = field(default_factory=dict)  # the head with the global threshold
    split: str = ModelSplit().describe()  # the technique model's validation split the head was chosen on

    @staticmethod
    def mean(figures: dict[str, float]) -> float:
        return float(np.mean(list(figures.values()))) if figures else 0.0


def _collect(
    model: TechniqueModel, articles: Sequence[CorpusArticle], code: str, chunk: int = 8
) -> _Paragraphs:
    labels = model.labels
    features, gold, names, rule, keys, languages = [], [], [], [], [], []
    for first in range(0, len(articles), chunk):
        group = articles[first : first + chunk]
        read = model.read([a.text for a in group], [a.language for a in group])
        for article, (spans, probabilities) in zip(group, read, strict=True):
            ranges = {p.number: (p.start, p.end) for p in article.paragraphs}
            numbers, x = paragraph_features(
                ranges, probabilities.ranges, probabilities.inside, spans, labels, article.language
            )
            by_rule = paragraph_labels(article.text, spans, labels)
            techniques = {p.number: p.techniques for p in article.paragraphs}
            for row, number in enumerate(numbers):
                features.append(x[row])
                gold.append([label in techniques[number] for label in labels])
                names.append(tuple(techniques[number]))
                rule.append(tuple(by_rule.get(number, ())))
                keys.append((article.article_id, number))
                languages.append(code)
    k = len(labels)
    return _Paragraphs(
        np.asarray(features, dtype=np.float64).reshape(-1, k, WIDTH),
        np.asarray(gold, dtype=bool).reshape(-1, k),
        tuple(names),
        tuple(rule),
        tuple(keys),
        tuple(languages),
    )


def _concat(parts: Sequence[_Paragraphs], k: int) -> _Paragraphs:
    if not parts:
        return _Paragraphs(np.zeros((0, k, WIDTH)), np.zeros((0, k), dtype=bool), (), (), (), ())
    return _Paragraphs(
        np.concatenate([p.features for p in parts]),
        np.concatenate([p.gold for p in parts]),
        tuple(x for p in parts for x in p.gold_names),
        tuple(x for p in parts for x in p.spans_rule),
        tuple(x for p in parts for x in p.keys),
        tuple(x for p in parts for x in p.languages),
    )


def _fit(data: _Paragraphs, c: float) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    from sklearn.linear_model import LogisticRegression  # type: ignore[import-untyped]

    k = data.gold.shape[1]
    weights, bias = np.zeros((k, WIDTH)), np.full(k, NEVER)
    for technique in range(k):
        y = data.gold[:, technique]
        if y.sum() < MIN_POSITIVES or y.all():
            continue
        fitted = LogisticRegression(C=c, max_iter=3000).fit(data.features[:, technique, :], y)
        weights[technique], bias[technique] = fitted.coef_[0], fitted.intercept_[0]
    return weights, bias


def _st3_by_language(data: _Paragraphs, predicted: Sequence[tuple[str, ...]]) -> dict[str, float]:
    """Official subtask-3 micro-F1 per SemEval folder code, over the whole taxonomy."""
    gold: dict[str, list[ParagraphLabelsRecord]] = defaultdict(list)
    found: dict[str, list[ParagraphLabelsRecord]] = defaultdict(list)
    for (article_id, number), code, names, techniques in zip(
        data.keys, data.languages, data.gold_names, predicted, strict=True
    ):
        gold[code].append(ParagraphLabelsRecord(article_id, number, names))
        found[code].append(ParagraphLabelsRecord(article_id, number, techniques))
    return {
        code: round(float(score_st3(gold[code], found[code], techniques=SEMEVAL23_TECHNIQUES).f1), 6)
        for code in sorted(gold)
    }


def _decisions(head: ParagraphHead, data: _Paragraphs) -> list[tuple[str, ...]]:
    if not len(data.features):
        return []
    thresholds = np.array([head.threshold_for(ISO_CODES.get(code, code)) for code in data.languages])
    return _passing(head.probabilities(data.features), head.labels, thresholds[:, None])


def _bootstrap_wins(
    data: _Paragraphs,
    probabilities: npt.NDArray[np.float64],
    labels: tuple[str, ...],
    code: str,
    own: float,
    common: float,
) -> float:
    """Share of article resamples of one language in which ``own`` gives a higher subtask-3 micro-F1
    than ``common`` (paired: both thresholds are scored on the same resampled articles)."""
    rows = [r for r, language in enumerate(data.languages) if language == code]
    articles = sorted({data.keys[r][0] for r in rows})
    index = {article_id: i for i, article_id in enumerate(articles)}
    # Per article: true positives, false positives, false negatives under each threshold.
    counts = np.zeros((2, len(articles), 3))
    classes = frozenset(SEMEVAL23_TECHNIQUES)
    for which, threshold in enumerate((own, common)):
        passed = _passing(probabilities[rows], labels, threshold)
        for r, found in zip(rows, passed, strict=True):
            gold, predicted = set(data.gold_names[r]) & classes, set(found) & classes
            counts[which, index[data.keys[r][0]]] += (
                len(gold & predicted),
                len(predicted - gold),
                len(gold - predicted),
            )
    picks = np.random.default_rng(SPLIT_SEED).integers(0, len(articles), (BOOTSTRAP_RESAMPLES, len(articles)))
    totals = counts[:, picks].sum(axis=2)  # [2, resamples, 3]
    f1 = 2 * totals[..., 0] / np.maximum(2 * totals[..., 0] + totals[..., 1] + totals[..., 2], 1)
    return float(np.mean(f1[0] > f1[1]))


def _fold(article_id: str, seed: int) -> int:
    return int.from_bytes(hashlib.sha256(f"{seed}:paragraph-fold:{article_id}".encode()).digest()[:4], "big")


def _passing(
    probabilities: npt.NDArray[np.float64],
    labels: tuple[str, ...],
    threshold: float | npt.NDArray[np.float64],
) -> list[tuple[str, ...]]:
    passed = probabilities > threshold
    return [tuple(lb for lb, yes in zip(labels, row, strict=True) if yes) for row in passed]


@dataclass(frozen=True)
class _Choice:
    c: float
    threshold: float
    cross_validation: dict[str, float]  # out-of-fold micro-F1 per SemEval folder code, global threshold
    language_thresholds: dict[str, float]  # ISO code → its own threshold
    cross_validation_own: dict[str, float]  # out-of-fold micro-F1 with each language's own threshold


def _choose(train: _Paragraphs, labels: tuple[str, ...], say: Callable[[str], None]) -> _Choice:
    """C and the global threshold maximise the out-of-fold mean over languages; then each language's
    own threshold is chosen on the same out-of-fold probabilities (ties go to the global threshold),
    since the languages' score distributions differ, and kept only if it wins a paired bootstrap over
    the language's articles."""
    folds = np.array([_fold(article_id, SPLIT_SEED) % FOLDS for article_id, _ in train.keys])
    best: tuple[float, float, float, dict[str, float]] | None = None
    best_out_of_fold = np.zeros(train.gold.shape)
    for c in C_GRID:
        out_of_fold = np.zeros(train.gold.shape)
        for fold in range(FOLDS):
            fit_rows, score_rows = np.nonzero(folds != fold)[0], np.nonzero(folds == fold)[0]
            if not len(fit_rows) or not len(score_rows):
                continue
            weights, bias = _fit(train.take(fit_rows), c)
            trial = ParagraphHead(labels, weights, bias, 0.5)
            out_of_fold[score_rows] = trial.probabilities(train.features[score_rows])
        for threshold in THRESHOLD_GRID:
            figures = _st3_by_language(train, _passing(out_of_fold, labels, threshold))
            mean = ParagraphHeadResult.mean(figures)
            # Ties go to the threshold nearest 0.25, then the smaller C: fewer surprises on new text.
            key = (round(mean, 6), -abs(threshold - 0.25))
            if best is None or key > (round(best[0], 6), -abs(best[2] - 0.25)):
                best, best_out_of_fold = (mean, c, threshold, figures), out_of_fold
        assert best is not None
        say(f"C={c}: best out-of-fold mean micro-F1 so far {best[0]:.4f} (C={best[1]}, threshold {best[2]})")
    assert best is not None
    _, c, threshold, figures = best
    curves = {t: _st3_by_language(train, _passing(best_out_of_fold, labels, t)) for t in THRESHOLD_GRID}

    def own_threshold(code: str) -> float:
        return max(THRESHOLD_GRID, key=lambda t: (round(curves[t][code], 6), -abs(t - threshold)))

    own = {code: own_threshold(code) for code in figures}
    wins = {
        code: _bootstrap_wins(train, best_out_of_fold, labels, code, t, threshold)
        for code, t in own.items()
        if t != threshold
    }
    say(
        "per-language thresholds (out of fold): "
        + ", ".join(
            f"{k} {t} ({curves[t][k]:.4f}"
            + (f", beats {threshold} in {wins[k]:.0%} of resamples" if k in wins else "")
            + ")"
            for k, t in own.items()
        )
    )
    # A gain the resampled articles do not confirm is noise: the language keeps the global threshold.
    own = {code: t if wins.get(code, 1.0) >= BOOTSTRAP_CONFIDENCE else threshold for code, t in own.items()}
    return _Choice(
        c,
        threshold,
        figures,
        {ISO_CODES.get(code, code): t for code, t in own.items()},
        {code: curves[t][code] for code, t in own.items()},
    )


def _trained_languages(model_dir: Path) -> list[str]:
    """The SemEval-2023 language codes the technique model in ``model_dir`` was trained on (its
    model.json says; empty when it does not)."""
    card = json.loads((model_dir / "model.json").read_text(encoding="utf-8"))
    return [str(code) for code in card.get("training", {}).get("languages") or []]


def train_paragraph_head(
    model_dir: Path,
    data_dir: Path,
    model: TechniqueModel,
    progress: Callable[[str], None] | None = None,
    *,
    languages: Sequence[str] | None = None,
) -> ParagraphHeadResult:
    """Fit, choose by cross-validation, compare with the span rule on validation, write ``model_dir``."""
    semeval = data_dir / SEMEVAL23_FOLDER
    if not semeval.is_dir() or not any((semeval / c).is_dir() for c in LANGUAGES):
        raise InputNotFoundError(str(semeval), "no SemEval-2023 Task 3 language folder here")
    codes = list(
        languages or _trained_languages(model_dir) or [c for c in LANGUAGES if (semeval / c).is_dir()]
    )
    missing = [c for c in codes if not (semeval / c).is_dir()]
    if missing:
        # The head replaces the one in the model folder: trained on fewer languages, it would drop the
        # others' paragraph labels and thresholds without a word.
        raise InputNotFoundError(
            str(semeval),
            f"has no folder for {', '.join(missing)}, which the technique model serves; the new head "
            "would leave them out (copy the complete data, or train the technique model on fewer languages)",
        )
    say = progress or (lambda line: None)
    recorded = ModelSplit.of(model)
    corpora = {code: read_semeval2023(semeval, code) for code in codes}
    # Checked for every language before any is read by the model: a refusal comes before the work.
    splits = {code: recorded.split(code, corpus.article_ids(), semeval) for code, corpus in corpora.items()}
    train_parts, validation_parts = [], []
    for code, corpus in corpora.items():
        held_out = set(splits[code].validation)
        say(f"{code}: token probabilities of {len(corpus.articles)} articles ({len(held_out)} validation)")
        fit = [a for a in corpus.articles if a.article_id not in held_out]
        kept_back = [a for a in corpus.articles if a.article_id in held_out]
        train_parts.append(_collect(model, fit, code))
        validation_parts.append(_collect(model, kept_back, code))
    labels = model.labels
    train, validation = _concat(train_parts, len(labels)), _concat(validation_parts, len(labels))
    choice = _choose(train, labels, say)
    weights, bias = _fit(train, choice.c)
    head = ParagraphHead(labels, weights, bias, choice.threshold, choice.language_thresholds)
    by_spans = _st3_by_language(validation, validation.spans_rule)
    by_head = _st3_by_language(validation, _decisions(head, validation))
    by_global = _st3_by_language(validation, _decisions(replace(head, language_thresholds={}), validation))
    kept = ParagraphHeadResult.mean(by_head) > ParagraphHeadResult.mean(by_spans)
    say(
        "validation subtask-3 micro-F1, spans → head: "
        + ", ".join(f"{code} {by_spans[code]:.4f} → {by_head[code]:.4f}" for code in by_spans)
        + f"; {'head kept' if kept else 'spans kept'} (one global threshold: "
        + ", ".join(f"{code} {figure:.4f}" for code, figure in by_global.items())
        + ")"
    )
    result = ParagraphHeadResult(
        choice.c,
        choice.threshold,
        kept,
        len(train.keys),
        len(validation.keys),
        choice.cross_validation,
        by_spans,
        by_head,
        choice.language_thresholds,
        choice.cross_validation_own,
        by_global,
        recorded.describe(),
    )
    _write(model_dir, head if kept else None, result)
    return result


def _write(model_dir: Path, head: ParagraphHead | None, result: ParagraphHeadResult) -> None:
    path = model_dir / MODEL_FILE
    document: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    training = {
        "C": result.c,
        "threshold": result.threshold,
        "train_paragraphs": result.train_paragraphs,
        "validation_paragraphs": result.validation_paragraphs,
        "split": f"SemEval-2023 Task 3 per language, by article, {result.split}",
        "language_thresholds": result.language_thresholds,
        "cross_validation_micro_f1": result.cross_validation,
        "cross_validation_micro_f1_language_thresholds": result.cross_validation_own,
        "validation_micro_f1": {
            "spans": result.validation_spans,
            "head": result.validation_head,
            "head_global_threshold": result.validation_global,
        },
    }
    if head is None:
        document.pop("paragraph_head", None)
        document["paragraph_head_training"] = training
    else:
        document.pop("paragraph_head_training", None)
        document["paragraph_head"] = {**head.to_json(), "training": training}
    write_text(path, json.dumps(document, indent=2, ensure_ascii=False) + "\n")
    card = model_dir / CARD_FILE
    if not card.is_file():
        return
    rows = "\n".join(
        f"| {code} | {result.validation_spans[code]:.4f} | {result.validation_global.get(code, 0.0):.4f} | "
        f"{result.language_thresholds.get(ISO_CODES.get(code, code), result.threshold)} | "
        f"{result.validation_head[code]:.4f} |"
        for code in result.validation_spans
    )
    body = (
        "Subtask 3 asks which techniques each paragraph uses. A logistic regression per "
        "technique reads the paragraph's token probabilities (max, mean, top-3 mean), its best decoded "
        "span score, the technique's max in the whole article, the paragraph's length and the language "
        f"(`propwatch train paragraph-head`). C={result.c} and the global threshold {result.threshold} were "
        f"chosen by 5-fold cross-validation on the {result.train_paragraphs} training paragraphs (grouped by "
        "article), then each language's own threshold on the same out-of-fold probabilities, kept only "
        f"where it beats the global one in at least {BOOTSTRAP_CONFIDENCE:.0%} of {BOOTSTRAP_RESAMPLES} "
        "paired resamples of the language's training articles. Subtask-3 "
        "micro-F1 on the validation articles, labels from the spans in each paragraph against the head "
        "with the global threshold and with each language's own:\n\n"
        "| language | spans | head, global threshold | own threshold | head, own threshold |\n"
        f"|---|---|---|---|---|\n{rows}\n\n"
        f"The model uses the {'head' if head is not None else 'spans'} for paragraph labels."
    )
    write_text(card, replace_card_section(card.read_text(encoding="utf-8"), CARD_SECTION, body))


__all__ = ["ParagraphHeadResult", "train_paragraph_head"]
