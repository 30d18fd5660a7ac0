"""Linear heads over the article vector: its whitened principal components, and the genre head.

The frame heads and the whole training run are in :mod:`propwatch.training.genre_frames`; this module
holds what the genre head adds to them: the article signals next to the components, the per-language
prior correction, and the cross-validated choice of C and the correction's weight.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from propwatch.corpora.split import fold_of
from propwatch.framing.labels import GENRES
from propwatch.framing.model import LinearHead
from propwatch.framing.signals import SIGNAL_SETS
from propwatch.training.genre_frames_data import LabelledArticle

if TYPE_CHECKING:
    from propwatch.training.genre_frames import GenreFramesConfig, GenreFramesReport

FloatArray = npt.NDArray[np.float64]
Progress = Callable[[str], None]


def standardise(x: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Column means and standard deviations (constant columns: scale 1)."""
    mean = x.mean(axis=0)
    scale = x.std(axis=0)
    scale[scale < 1e-6] = 1.0
    return mean, scale


@dataclass(frozen=True)
class Reduction:
    """Standardise the article vector, then project it on its first principal components, whitened.

    Logistic regressions on 128 components instead of 768 raw dimensions fit ten times faster (the
    whole cross-validation grid stays within a CPU-minute) and lose nothing measurable; the projection
    is folded into the saved heads, so inference still reads the raw vector.
    """

    mean: FloatArray
    scale: FloatArray
    projection: FloatArray  # (vector size, components)

    def apply(self, x: FloatArray) -> FloatArray:
        size = len(self.mean)
        return np.hstack([((x[:, :size] - self.mean) / self.scale) @ self.projection, x[:, size:]])

    def head(self, weight: FloatArray, bias: FloatArray) -> LinearHead:
        """The head on raw ``[vector, one-hot]`` inputs of weights fitted on ``apply``'d ones."""
        components = self.projection.shape[1]
        extra = weight.shape[0] - components
        return LinearHead(
            np.r_[self.mean, np.zeros(extra)],
            np.r_[self.scale, np.ones(extra)],
            np.vstack([self.projection @ weight[:components], weight[components:]]),
            bias,
        )


def fit_reduction(vectors: FloatArray, components: int) -> Reduction:
    mean, scale = standardise(vectors)
    z = (vectors - mean) / scale
    _, singular, basis = np.linalg.svd(z, full_matrices=False)
    count = min(components, len(singular))
    spread = np.maximum(singular[:count] / np.sqrt(len(z)), 1e-6)
    return Reduction(mean, scale, basis[:count].T / spread)


def genre_logistic(
    h: FloatArray, y: npt.NDArray[np.int64], c: float, seed: int
) -> tuple[FloatArray, FloatArray]:
    from sklearn.linear_model import LogisticRegression  # type: ignore[import-untyped]

    fitted = LogisticRegression(C=c, class_weight="balanced", max_iter=3000, random_state=seed).fit(h, y)
    # Classes missing from a training fold get a logit that never wins.
    weight = np.zeros((h.shape[1], len(GENRES)))
    bias = np.full(len(GENRES), -1e4)
    for column, label in enumerate(fitted.classes_):
        if len(fitted.classes_) == 2:  # binary sklearn fits one row: class 1 against class 0
            sign = 1.0 if column == 1 else -1.0
            weight[:, label] = sign * fitted.coef_[0] / 2
            bias[label] = sign * fitted.intercept_[0] / 2
        else:
            weight[:, label] = fitted.coef_[column]
            bias[label] = fitted.intercept_[column]
    return weight, bias


def macro_f1(truth: Sequence[str], predicted: Sequence[str]) -> float:
    """Subtask-1 macro-F1 (genres present in either side), for model selection."""
    present = sorted(set(truth) | set(predicted))
    total = 0.0
    for label in present:
        tp = sum(t == p == label for t, p in zip(truth, predicted, strict=True))
        fp = sum(p == label != t for t, p in zip(truth, predicted, strict=True))
        fn = sum(t == label != p for t, p in zip(truth, predicted, strict=True))
        total += 2 * tp / (2 * tp + fp + fn) if tp + fp + fn else 0.0
    return total / len(present)


@dataclass(frozen=True)
class GenreDesign:
    """The genre head's inputs: whitened components of the vector, then the scaled article signals."""

    reduction: Reduction
    x: FloatArray  # (genre articles, components + signals)
    names: tuple[str, ...]
    signal_mean: FloatArray
    signal_scale: FloatArray  # standard deviation / signal_weight

    @classmethod
    def build(
        cls,
        reduction: Reduction,
        x_all: FloatArray,
        signals: FloatArray | None,
        config: GenreFramesConfig,
        rows: npt.NDArray[np.bool_],
    ) -> GenreDesign:
        parts = [reduction.apply(x_all)]
        names = SIGNAL_SETS[config.genre_signals]
        if signals is None or not names:
            return cls(reduction, parts[0][rows], (), np.zeros(0), np.zeros(0))
        if signals.shape[1] != len(names):
            wanted = f"the {len(names)} of {config.genre_signals!r}"
            raise ValueError(f"{signals.shape[1]} signal columns for {wanted}")
        mean, scale = standardise(signals.astype(np.float64))
        scale = scale / config.signal_weight
        parts.append((signals - mean) / scale)
        return cls(reduction, np.hstack(parts)[rows], names, mean, scale)

    def head(
        self,
        weight: FloatArray,
        bias: FloatArray,
        languages: tuple[str, ...],
        log_priors: dict[str, FloatArray],
        alpha: float,
    ) -> LinearHead:
        """The head on raw ``[vector, signals, one-hot]`` inputs. The prior correction: the pooled prior
        in the bias, each language's difference from it on its one-hot (an unknown language: pooled)."""
        components = self.reduction.projection.shape[1]
        pooled = log_priors["*"]
        onehot = np.array([alpha * (log_priors.get(lang, pooled) - pooled) for lang in languages])
        return LinearHead(
            np.r_[self.reduction.mean, self.signal_mean, np.zeros(len(languages))],
            np.r_[self.reduction.scale, self.signal_scale, np.ones(len(languages))],
            np.vstack(
                [self.reduction.projection @ weight[:components], weight[components:], onehot.reshape(-1, 3)]
            ),
            bias + alpha * pooled,
        )


def log_priors(y: npt.NDArray[np.int64], codes: Sequence[str]) -> dict[str, FloatArray]:
    """log P(genre) per language code (counts plus one), and pooled under ``"*"``."""
    found = {}
    for code in [*dict.fromkeys(codes), "*"]:
        mask = np.array([code in ("*", c) for c in codes])
        counts = np.bincount(y[mask], minlength=len(GENRES)) + 1.0
        found[code] = np.log(counts / counts.sum())
    return found


def choose_genre(
    x: FloatArray,
    y: npt.NDArray[np.int64],
    articles: Sequence[LabelledArticle],
    config: GenreFramesConfig,
    report: GenreFramesReport,
    say: Progress,
) -> tuple[float, float]:
    """C and the prior weight alpha with the best selection score out of fold, averaged over
    ``genre_cv_repeats`` fold draws (ties: the first in the grids). The score is the mean of English
    macro-F1 and the mean per-language macro-F1 (English is the language the genre target is set in;
    without English articles, the latter alone). Each fold's priors come from its own training articles.
    """
    codes = [a.code for a in articles]
    truth = [GENRES[i] for i in y]
    best = (-1.0, config.c_grid[0], 0.0)
    for c in config.c_grid:
        say(f"cross-validation (genre): C={c:g}")
        figures: dict[float, list[dict[str, float]]] = {alpha: [] for alpha in config.genre_prior_grid}
        for repeat in range(config.genre_cv_repeats):
            folds = np.array([fold_of(a.key, config.seed + repeat, config.folds) for a in articles])
            logits = np.zeros((len(x), len(GENRES)))
            shift = np.zeros((len(x), len(GENRES)))
            for fold in range(config.folds):
                held = folds == fold
                weight, bias = genre_logistic(x[~held], y[~held], c, config.seed)
                logits[held] = x[held] @ weight + bias
                priors = log_priors(y[~held], [code for code, h in zip(codes, held, strict=True) if not h])
                shift[held] = [
                    priors.get(code, priors["*"]) for code, h in zip(codes, held, strict=True) if h
                ]
            for alpha in config.genre_prior_grid:
                guess = [GENRES[i] for i in np.argmax(logits + alpha * shift, axis=1)]
                per_language = {
                    code: macro_f1(
                        [t for t, k in zip(truth, codes, strict=True) if k == code],
                        [g for g, k in zip(guess, codes, strict=True) if k == code],
                    )
                    for code in dict.fromkeys(codes)
                }
                mean = float(np.mean(list(per_language.values())))
                figures[alpha].append(
                    {
                        "selection_score": (mean + per_language["en"]) / 2 if "en" in per_language else mean,
                        "mean_language_macro_f1": mean,
                        "pooled_macro_f1": macro_f1(truth, guess),
                        **{f"{code}_macro_f1": f1 for code, f1 in per_language.items()},
                    }
                )
        for alpha, runs in figures.items():
            averaged = {k: float(np.mean([run[k] for run in runs])) for k in runs[0]}
            report.cross_validation[f"genre:C={c:g}/prior={alpha:g}"] = averaged
            if averaged["selection_score"] > best[0] + 1e-12:
                best = (averaged["selection_score"], c, alpha)
    return best[1], best[2]
