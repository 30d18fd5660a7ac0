"""``propwatch train ptc-head``: a second head for the PTC-14 view, trained on PTC's own labels.

The technique model tags SemEval-2023 techniques; PTC (SemEval-2020 Task 11) has 14 classes, some of
them merges of SemEval-2023 techniques. The default view maps classes to techniques. This trains a
multinomial logistic head (scikit-learn, deterministic) from the model's own token probabilities over
each PTC gold span (:func:`~propwatch.models.ptc_view.span_features`) on the PTC training articles of
the model's training side, measures PTC-TC micro-F1 of both views on the validation side, and writes
the better view into the model's ``model.json`` (both figures recorded there and in ``MODEL_CARD.md``).
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import numpy as np

from propwatch.corpora import CorpusArticle, read_ptc, read_semeval2023, split_by_article
from propwatch.errors import InputNotFoundError
from propwatch.evaluation.formats import TechniqueSpanRecord
from propwatch.evaluation.ptc import score_tc
from propwatch.evaluation.technique_model import (
    PTC_FOLDER,
    SEMEVAL23_FOLDER,
    SPLIT_FRACTION,
    SPLIT_SEED,
)
from propwatch.models.ptc_view import PtcHead, ptc_classifier, span_features
from propwatch.models.techniques import MODEL_FILE, TechniqueModel

C_GRID: Final = (0.1, 0.3, 1.0, 3.0, 10.0)
CARD_FILE: Final = "MODEL_CARD.md"
CARD_SECTION: Final = "## PTC-14 view"


@dataclass(frozen=True)
class PtcHeadResult:
    """Both views' PTC-TC micro-F1 on the validation articles, and which one the model now uses."""

    mapping_f1: float
    head_f1: float
    chosen: str
    c: float
    train_spans: int
    validation_spans: int


def _features(
    model: TechniqueModel, articles: Sequence[CorpusArticle], chunk: int = 8
) -> tuple[list[np.ndarray], list[str], list[tuple[str, int, int]], list[Any]]:
    """Span features, gold classes and (article, start, end) of every gold span; token probabilities."""
    features: list[np.ndarray] = []
    classes: list[str] = []
    keys: list[tuple[str, int, int]] = []
    probabilities: list[Any] = []
    for first in range(0, len(articles), chunk):
        part = articles[first : first + chunk]
        for article, probs in zip(
            part, model.token_probabilities([a.text for a in part], ["en"] * len(part)), strict=True
        ):
            for span in article.spans:
                features.append(span_features(probs.ranges, probs.inside, span.start, span.end))
                classes.append(span.technique)
                keys.append((article.article_id, span.start, span.end))
                probabilities.append(probs)
    return features, classes, keys, probabilities


def _micro_f1(gold: Sequence[str], predicted: Sequence[str], keys: Sequence[tuple[str, int, int]]) -> float:
    return float(
        score_tc(
            [TechniqueSpanRecord(a, t, s, e) for (a, s, e), t in zip(keys, gold, strict=True)],
            [TechniqueSpanRecord(a, t, s, e) for (a, s, e), t in zip(keys, predicted, strict=True)],
        ).f1
    )


def train_ptc_head(
    model_dir: Path, data_dir: Path, model: TechniqueModel, progress: Callable[[str], None] | None = None
) -> PtcHeadResult:
    """Fit, compare with the mapping on the validation split, and write the better view to ``model_dir``."""
    from sklearn.linear_model import LogisticRegression  # type: ignore[import-untyped]
    from sklearn.model_selection import StratifiedKFold, cross_val_score  # type: ignore[import-untyped]

    ptc, semeval = data_dir / PTC_FOLDER, data_dir / SEMEVAL23_FOLDER
    for folder in (ptc, semeval / "en"):
        if not folder.is_dir():
            raise InputNotFoundError(str(folder), "the PTC head needs PTC train and SemEval-2023 English")
    split = split_by_article(
        read_semeval2023(semeval, "en").article_ids(), seed=SPLIT_SEED, fraction=SPLIT_FRACTION
    )
    held_out = set(split.validation)
    articles = read_ptc(ptc).articles
    train = [a for a in articles if a.article_id not in held_out]
    validation = [a for a in articles if a.article_id in held_out]
    say = progress or (lambda line: None)
    say(f"token probabilities of {len(train)} training and {len(validation)} validation PTC articles")
    x_train, y_train, _, _ = _features(model, train)
    x_val, y_val, keys_val, probs_val = _features(model, validation)
    x, y = np.stack(x_train), np.asarray(y_train)
    folds = StratifiedKFold(n_splits=5, shuffle=True, random_state=SPLIT_SEED)
    scores = {}
    if min(np.unique(y, return_counts=True)[1]) >= folds.n_splits:
        for c in C_GRID:
            estimator = LogisticRegression(C=c, max_iter=2000)
            scores[c] = float(cross_val_score(estimator, x, y, cv=folds).mean())
            say(f"C={c}: cross-validated accuracy {scores[c]:.4f}")
    best_c = max(C_GRID, key=lambda c: (scores[c], -c)) if scores else 1.0  # too few spans to cross-validate
    fitted = LogisticRegression(C=best_c, max_iter=2000).fit(x, y)
    head = PtcHead(
        tuple(str(c) for c in fitted.classes_),
        fitted.coef_.astype(np.float32),
        fitted.intercept_.astype(np.float32),
    )
    labels = model.labels
    by_mapping = ptc_classifier({"mode": "mapping"}, labels)
    mapped = [by_mapping(p.ranges, p.inside, s, e) for p, (_, s, e) in zip(probs_val, keys_val, strict=True)]
    headed = [head.classify(f) for f in x_val]
    mapping_f1, head_f1 = _micro_f1(y_val, mapped, keys_val), _micro_f1(y_val, headed, keys_val)
    chosen = "head" if head_f1 > mapping_f1 else "mapping"
    say(f"validation PTC-TC micro-F1: mapping {mapping_f1:.4f}, head {head_f1:.4f} → {chosen}")
    result = PtcHeadResult(mapping_f1, head_f1, chosen, best_c, len(y_train), len(y_val))
    _write(model_dir, head if chosen == "head" else None, result)
    return result


def _atomic_write(path: Path, text: str) -> None:
    handle, temporary = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    with os.fdopen(handle, "w", encoding="utf-8") as stream:
        stream.write(text)
    os.replace(temporary, path)


def _write(model_dir: Path, head: PtcHead | None, result: PtcHeadResult) -> None:
    path = model_dir / MODEL_FILE
    document = json.loads(path.read_text(encoding="utf-8"))
    view: dict[str, Any] = dict(head.to_view()) if head is not None else {"mode": "mapping"}
    view["validation_tc_micro_f1"] = {
        "mapping": round(result.mapping_f1, 6),
        "head": round(result.head_f1, 6),
    }
    view["head_training"] = {
        "C": result.c,
        "train_spans": result.train_spans,
        "validation_spans": result.validation_spans,
        "split": f"SemEval-2023 English split, seed {SPLIT_SEED}, {SPLIT_FRACTION:.0%}",
    }
    if head is None:
        view["mapping"] = document.get("ptc_view", {}).get("mapping")
    document["ptc_view"] = view
    _atomic_write(path, json.dumps(document, indent=2, ensure_ascii=False) + "\n")
    card = model_dir / CARD_FILE
    if card.is_file():
        text = card.read_text(encoding="utf-8")
        text = text.split(f"\n{CARD_SECTION}\n")[0].rstrip("\n") + "\n"
        text += (
            f"\n{CARD_SECTION}\n\nPTC technique-classification micro-F1 on the English validation articles "
            f"({result.validation_spans} gold spans): mapping {result.mapping_f1:.4f}, a logistic head "
            f"trained on PTC's labels of the training articles ({result.train_spans} spans, C={result.c}) "
            f"{result.head_f1:.4f}. The model uses the {result.chosen} (`propwatch train ptc-head`).\n"
        )
        _atomic_write(card, text)
