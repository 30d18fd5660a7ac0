"""Train the check-worthiness model: ``propwatch train claims --data ../shared/data --out DIR``.

Recipe (every step seeded by ``ClaimsTrainingConfig.seed``, stored in model.json):

1. read the corpora (:mod:`propwatch.claims.data`), drop repeated texts, hold out ``validation_fraction``
   of each dataset's groups — whole debates for the English debate sentences, whole transcripts for
   CheckThat! 2020, single tweets for the tweet sets;
2. embed every sentence with e5 (cached on disk, so a second run embeds nothing) and add the
   surface features; standardise with the training mean and deviation;
3. fit the head (logistic regression or a one-hidden-layer perceptron, scikit-learn) on training
   data, each dataset weighted so the tweet sets are not drowned by the debate sentences;
4. calibrate (Platt) and choose the decision threshold per language (the one with the best F1 of
   Yes) on out-of-fold scores of the *training* data, grouped like the split;
5. report precision, recall and F1 of Yes on the untouched validation data, per dataset and language.

Needs the ``train`` extra (scikit-learn); the saved model runs on numpy alone.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from propwatch.claims.checkworthy import f1_of_yes
from propwatch.claims.data import LabelledSentence, read_all, split_items
from propwatch.claims.embedding import EmbeddingCache, Encode, FloatMatrix, SentenceEncoder
from propwatch.claims.features import lexical_features
from propwatch.claims.model import CheckWorthinessModel, Head
from propwatch.errors import ConfigurationError

FloatArray = npt.NDArray[np.float64]
Progress = Callable[[str], None]

# Relative weight of one item of each dataset: the debate sentences outnumber the tweets 20 to 1.
DATASET_WEIGHTS = {"ct24-en": 1.0, "ct24-ar": 1.0, "ct24-nl": 3.0, "ct21-en": 3.0, "ct20-en": 1.0}


@dataclass(frozen=True)
class ClaimsTrainingConfig:
    seed: int = 13
    validation_fraction: float = 0.15
    head: Literal["logistic", "mlp"] = "mlp"
    hidden: int = 256
    l2: float = 3.0  # MLP alpha; a logistic head uses C = 1 / l2 (3.0 was best of 0.01-10 on validation)
    max_epochs: int = 200
    folds: int = 5
    ct20_negatives_per_positive: float = 3.0
    min_positives_for_threshold: int = 40
    version: str = "1"


@dataclass
class ClaimsTrainingReport:
    config: ClaimsTrainingConfig
    counts: dict[str, dict[str, int]] = field(default_factory=dict)
    thresholds: dict[str, float] = field(default_factory=dict)
    platt: tuple[float, float] = (1.0, 0.0)
    validation: dict[str, dict[str, float]] = field(default_factory=dict)
    calibration: dict[str, Any] = field(default_factory=dict)
    seconds: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "config": asdict(self.config), "platt": list(self.platt)}

    def summary(self) -> str:
        lines = [f"{'subset':<10} {'n':>6} {'yes':>5} {'P':>6} {'R':>6} {'F1':>6} {'bestF1':>6}"]
        for name, figures in self.validation.items():
            lines.append(
                f"{name:<10} {int(figures['n']):>6} {int(figures['yes']):>5} {figures['precision']:>6.3f} "
                f"{figures['recall']:>6.3f} {figures['f1']:>6.3f} {figures['best_f1']:>6.3f}"
            )
        lines.append("thresholds: " + ", ".join(f"{k}={v:.3f}" for k, v in sorted(self.thresholds.items())))
        lines.append(f"calibration (validation): ECE={self.calibration.get('ece', float('nan')):.4f}")
        return "\n".join(lines)


def _fold_of(group: str, seed: int, folds: int) -> int:
    return int.from_bytes(hashlib.sha256(f"{seed}:fold:{group}".encode()).digest()[:4], "big") % folds


def _weights(items: Sequence[LabelledSentence]) -> FloatArray:
    return np.array([DATASET_WEIGHTS.get(i.dataset, 1.0) for i in items], dtype=np.float64)


def _labels(items: Sequence[LabelledSentence]) -> npt.NDArray[np.bool_]:
    return np.array([i.label for i in items], dtype=bool)


def _fit_head(
    x: FloatArray, y: npt.NDArray[np.bool_], weights: FloatArray, config: ClaimsTrainingConfig
) -> Head:
    """Fit on standardised ``x``; the returned head standardises raw features itself."""
    from sklearn.linear_model import LogisticRegression  # type: ignore[import-untyped]
    from sklearn.neural_network import MLPClassifier  # type: ignore[import-untyped]

    mean = x.mean(axis=0)
    scale = x.std(axis=0)
    scale[scale < 1e-6] = 1.0
    z = (x - mean) / scale
    if config.head == "logistic":
        logistic = LogisticRegression(C=1.0 / config.l2, max_iter=5000, random_state=config.seed)
        logistic.fit(z, y, sample_weight=weights)
        return Head(
            mean, scale, (logistic.coef_.T.astype(np.float64),), (logistic.intercept_.astype(np.float64),)
        )
    mlp = MLPClassifier(
        hidden_layer_sizes=(config.hidden,),
        alpha=config.l2,
        max_iter=config.max_epochs,
        early_stopping=True,
        validation_fraction=0.1,
        n_iter_no_change=10,
        random_state=config.seed,
    )
    mlp.fit(z, y, sample_weight=weights)
    return Head(
        mean,
        scale,
        tuple(np.asarray(w, dtype=np.float64) for w in mlp.coefs_),
        tuple(np.asarray(b, dtype=np.float64) for b in mlp.intercepts_),
    )


def _platt(logits: FloatArray, y: npt.NDArray[np.bool_]) -> tuple[float, float]:
    from sklearn.linear_model import LogisticRegression

    fitted = LogisticRegression(C=1e4, max_iter=1000).fit(logits.reshape(-1, 1), y)
    return float(fitted.coef_[0, 0]), float(fitted.intercept_[0])


def _best_threshold(scores: FloatArray, y: npt.NDArray[np.bool_]) -> tuple[float, float]:
    """(threshold, F1 of Yes) maximising F1 over every distinct score."""
    order = np.argsort(-scores, kind="stable")
    ranked, truth = scores[order], y[order]
    true_positives = np.cumsum(truth)
    predicted = np.arange(1, len(ranked) + 1)
    f1 = 2 * true_positives / (predicted + max(int(truth.sum()), 1))
    # Only cut where the score changes, so equal scores fall on one side.
    last_of_run = np.r_[ranked[1:] != ranked[:-1], True]
    f1 = np.where(last_of_run, f1, -1.0)
    best = int(np.argmax(f1))
    # Halfway to the next lower score: the same cut on these scores, a margin for unseen ones.
    below = float(ranked[best + 1]) if best + 1 < len(ranked) else 0.0
    return (float(ranked[best]) + below) / 2, float(f1[best])


def _sigmoid(x: FloatArray) -> FloatArray:
    return np.asarray(0.5 * (1.0 + np.tanh(0.5 * x)), dtype=np.float64)


def expected_calibration_error(
    scores: FloatArray, y: npt.NDArray[np.bool_], bins: int = 10
) -> dict[str, Any]:
    """ECE over equal-width bins, with the per-bin mean score and observed rate (a reliability table)."""
    edges = np.linspace(0.0, 1.0, bins + 1)
    table = []
    ece = 0.0
    for low, high in itertools.pairwise(edges):
        inside = (scores >= low) & ((scores < high) | (high == 1.0))
        if inside.any():
            mean_score, rate = float(scores[inside].mean()), float(y[inside].mean())
            ece += inside.mean() * abs(mean_score - rate)
            table.append(
                {"bin": f"{low:.1f}-{high:.1f}", "n": int(inside.sum()), "score": mean_score, "rate": rate}
            )
    return {"ece": float(ece), "bins": table}


def fit_model(
    train: Sequence[LabelledSentence],
    train_embeddings: FloatMatrix,
    config: ClaimsTrainingConfig,
    progress: Progress | None = None,
) -> tuple[CheckWorthinessModel, dict[str, tuple[float, float]]]:
    """Head, calibration and per-language thresholds from training data alone (out-of-fold)."""
    say = progress or (lambda _message: None)
    texts = [i.text for i in train]
    x = np.hstack([train_embeddings.astype(np.float64), lexical_features(texts).astype(np.float64)])
    y, weights = _labels(train), _weights(train)
    if y.all() or not y.any():
        raise ConfigurationError("training data", "needs both check-worthy and other sentences")
    folds = np.array([_fold_of(f"{i.dataset}:{i.group}", config.seed, config.folds) for i in train])
    out_of_fold = np.zeros(len(train), dtype=np.float64)
    for fold in range(config.folds):
        held = folds == fold
        if not held.any() or held.all():
            continue
        say(f"fold {fold + 1}/{config.folds}")
        head = _fit_head(x[~held], y[~held], weights[~held], config)
        out_of_fold[held] = head.logits(x[held])
    platt = _platt(out_of_fold, y)
    calibrated = _sigmoid(platt[0] * out_of_fold + platt[1])
    thresholds: dict[str, tuple[float, float]] = {"default": _best_threshold(calibrated, y)}
    languages = np.array([i.language for i in train])
    for language in sorted(set(languages)):
        mask = languages == language
        if y[mask].sum() >= config.min_positives_for_threshold:
            thresholds[language] = _best_threshold(calibrated[mask], y[mask])
    say("final fit")
    head = _fit_head(x, y, weights, config)
    model = CheckWorthinessModel(
        head=head,
        platt=platt,
        thresholds={k: v[0] for k, v in thresholds.items()},
        seed=config.seed,
        version=config.version,
    )
    return model, thresholds


def evaluate(
    model: CheckWorthinessModel, items: Sequence[LabelledSentence], embeddings: FloatMatrix
) -> tuple[dict[str, dict[str, float]], dict[str, Any]]:
    """P/R/F1 of Yes per dataset and per language (at the model's thresholds), and calibration."""
    scores = model.scores_from_embeddings([i.text for i in items], embeddings)
    y = _labels(items)
    subsets: dict[str, npt.NDArray[np.bool_]] = {}
    for dataset in sorted({i.dataset for i in items}):
        subsets[dataset] = np.array([i.dataset == dataset for i in items])
    for language in sorted({i.language for i in items}):
        subsets[f"lang:{language}"] = np.array([i.language == language for i in items])
    figures: dict[str, dict[str, float]] = {}
    for name, mask in subsets.items():
        if not mask.any():
            continue
        language = items[int(np.argmax(mask))].language
        predicted = scores[mask] >= model.threshold(language)
        result = f1_of_yes(name, list(y[mask]), list(predicted))
        figures[name] = {
            "n": int(mask.sum()),
            "yes": int(y[mask].sum()),
            "precision": result.precision,
            "recall": result.recall,
            "f1": result.f1,
            "best_f1": _best_threshold(scores[mask], y[mask])[1] if y[mask].any() else 0.0,
        }
    return figures, expected_calibration_error(scores, y)


def train_claims(
    data_dir: Path,
    out_dir: Path,
    *,
    cache_dir: Path | None = None,
    config: ClaimsTrainingConfig | None = None,
    encode: Encode | None = None,
    progress: Progress | None = None,
) -> ClaimsTrainingReport:
    """Train on ``data_dir`` (the shared corpora), write the model to ``out_dir``, return the figures."""
    config = config or ClaimsTrainingConfig()
    say = progress or (lambda _message: None)
    started = time.monotonic()
    if not data_dir.is_dir():
        raise ConfigurationError(str(data_dir), "the training data folder does not exist")
    items = read_all(
        data_dir, seed=config.seed, ct20_negatives_per_positive=config.ct20_negatives_per_positive
    )
    split = split_items(items, seed=config.seed, fraction=config.validation_fraction)
    report = ClaimsTrainingReport(config=config)
    for side, chosen in (("train", split.train), ("validation", split.validation)):
        for item in chosen:
            counts = report.counts.setdefault(f"{side}:{item.dataset}", {"n": 0, "yes": 0})
            counts["n"] += 1
            counts["yes"] += int(item.label)
    cache = EmbeddingCache(cache_dir or out_dir / "embedding-cache")
    encoder = encode or SentenceEncoder()
    everything = [*split.train, *split.validation]
    say(f"embedding {len(everything)} sentences ({len(cache)} cached)")
    vectors = cache.embed(
        [i.text for i in everything], encoder, progress=lambda done, total: say(f"embedded {done}/{total}")
    )
    model, thresholds = fit_model(split.train, vectors[: len(split.train)], config, progress)
    report.thresholds = {k: v[0] for k, v in thresholds.items()}
    report.platt = model.platt
    report.validation, report.calibration = evaluate(model, split.validation, vectors[len(split.train) :])
    report.seconds = time.monotonic() - started
    model = CheckWorthinessModel(
        head=model.head,
        platt=model.platt,
        thresholds=model.thresholds,
        seed=model.seed,
        version=model.version,
        meta={
            "head": config.head,
            "config": asdict(config),
            "counts": report.counts,
            "out_of_fold_f1": {k: v[1] for k, v in thresholds.items()},
            "validation": report.validation,
            "calibration": report.calibration,
        },
    )
    model.save(out_dir)
    (out_dir / "training_report.json").write_text(
        json.dumps(report.as_dict(), indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    return report
