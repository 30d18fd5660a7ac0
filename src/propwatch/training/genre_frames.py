"""Train the genre and frame heads: ``propwatch train genre-frames --data ../shared/data --out DIR``.

Recipe (every step seeded by ``GenreFramesConfig.seed``, stored in model.json):

1. read SemEval-2023 Task 3 subtask-1 (genre) and subtask-2 (frames) train data of all six languages,
   each article from its own subtask folder;
2. hold out validation articles per language with :func:`~propwatch.corpora.split.split_by_article`
   (seed 13, 15 %): the subtask-3 articles are split exactly as the technique model's training splits
   them, the few subtask-1-only articles separately, so no article is on two sides across models;
3. embed every article (:mod:`propwatch.framing.representation`, chunk embeddings cached on disk),
   standardise and project on the first 128 principal components of the training vectors, whitened
   (folded into the saved heads, so inference reads the raw vector); for the genre head, also the
   article signals of :mod:`propwatch.framing.signals` (style, and persuasion density from the
   technique model's token probabilities, cached on disk; ``genre_signals="style"`` reads style alone, so
   the genre head does not change with the technique model), standardised and scaled by ``signal_weight``;
4. choose the regularisation C by 5-fold cross-validation on the *training* articles only (frames:
   also whether to add a language one-hot; micro-F1); genre: C and the weight ``alpha`` of a
   per-language prior correction, by out-of-fold macro-F1 (the mean of English and of the mean over
   languages), averaged over three fold draws;
5. genre: a multinomial logistic regression with balanced class weights, whose logits get
   ``alpha * log prior(genre | language)`` (class priors differ a lot between languages, and balanced
   weights ignore them); frames: one logistic regression per frame, each with the threshold that
   maximises its F1 on out-of-fold scores; an article always gets its best-scoring frame;
6. report macro-F1 (genre) and micro-F1 (frames) per language on the untouched validation articles,
   with the official subtask-1/2 metrics.

The heads take any article vector: ``fit_heads`` and the model only know its size and the name of
the representation it came from.

Needs the ``train`` extra (scikit-learn); the saved model runs on numpy alone.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from propwatch.corpora.semeval2023 import LANGUAGES as ISO_OF
from propwatch.corpora.split import fold_of, split_fingerprint
from propwatch.errors import ConfigurationError
from propwatch.evaluation.formats import ArticleLabelsRecord
from propwatch.evaluation.semeval23_articles import score_st1, score_st2
from propwatch.framing.labels import FRAMES, GENRES
from propwatch.framing.model import GenreFramesModel, LinearHead
from propwatch.framing.representation import (
    REPRESENTATION,
    ChunkCache,
    CountTokens,
    Encode,
    FloatMatrix,
    PassageEncoder,
    engine_token_count,
)
from propwatch.framing.signals import (
    SIGNAL_SETS,
    PersuasionCache,
    ReadPersuasion,
    TechniquePersuasionReader,
    signal_matrix,
)
from propwatch.settings import Settings
from propwatch.training.genre_frames_data import (
    LANGUAGE_CODES,
    LabelledArticle,
    embed_articles,
    read_labelled_articles,
    split_articles,
)
from propwatch.training.genre_head import (
    GenreDesign,
    choose_genre,
    fit_reduction,
    genre_logistic,
    log_priors,
)
from propwatch.training.output_paths import check_output_folder

FloatArray = npt.NDArray[np.float64]
Progress = Callable[[str], None]
PERSUASION_CACHE_FILE = "technique-persuasion.jsonl"


@dataclass(frozen=True)
class GenreFramesConfig:
    seed: int = 13
    validation_fraction: float = 0.15
    folds: int = 5
    components: int = 128
    c_grid: tuple[float, ...] = (0.003, 0.01, 0.03, 0.1, 0.3, 1.0)
    genre_signals: str = "all"  # a key of SIGNAL_SETS: "style" keeps genre independent of the technique model
    signal_weight: float = 2.0
    genre_prior_grid: tuple[float, ...] = (0.0, 0.25, 0.5, 0.75, 1.0)
    genre_cv_repeats: int = 3  # fold draws averaged when choosing the genre head (few non-opinion articles)
    min_positives_for_threshold: int = 8
    version: str = "5"


@dataclass
class GenreFramesReport:
    config: GenreFramesConfig
    counts: dict[str, dict[str, int]] = field(default_factory=dict)
    fingerprints: dict[str, str] = field(default_factory=dict)
    choices: dict[str, Any] = field(default_factory=dict)
    cross_validation: dict[str, dict[str, float]] = field(default_factory=dict)
    validation: dict[str, dict[str, float]] = field(default_factory=dict)
    seconds: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "config": asdict(self.config)}

    def summary(self) -> str:
        lines = [
            f"{'lang':<5} {'genre n':>7} {'macro-F1':>8} {'frames n':>8} {'micro-F1':>8} {'macro-F1':>8}"
        ]
        for code, figures in self.validation.items():
            value = {k: figures.get(k, float("nan")) for k in ("genre_macro_f1", "frames_micro_f1")}
            lines.append(
                f"{code:<5} {int(figures.get('genre_n', 0)):>7} {value['genre_macro_f1']:>8.4f} "
                f"{int(figures.get('frames_n', 0)):>8} {value['frames_micro_f1']:>8.4f} "
                f"{figures.get('frames_macro_f1', float('nan')):>8.4f}"
            )
        lines.append("choices: " + json.dumps(self.choices, sort_keys=True))
        lines.append("splits: " + ", ".join(f"{k}={v}" for k, v in self.fingerprints.items()))
        return "\n".join(lines)


# --- heads ---------------------------------------------------------------------------------------


def _frame_logistic(
    h: FloatArray, y: npt.NDArray[np.bool_], c: float, seed: int
) -> tuple[FloatArray, FloatArray]:
    from sklearn.linear_model import LogisticRegression  # type: ignore[import-untyped]

    weight = np.zeros((h.shape[1], y.shape[1]))
    bias = np.zeros(y.shape[1])
    for column in range(y.shape[1]):
        target = y[:, column]
        if target.all() or not target.any():
            bias[column] = 20.0 if target.all() else -20.0
            continue
        fitted = LogisticRegression(C=c, max_iter=3000, random_state=seed).fit(h, target)
        weight[:, column] = fitted.coef_[0]
        bias[column] = fitted.intercept_[0]
    return weight, bias


def _micro_f1(truth: npt.NDArray[np.bool_], predicted: npt.NDArray[np.bool_]) -> float:
    tp = int((truth & predicted).sum())
    wrong = int((truth ^ predicted).sum())
    return 2 * tp / (2 * tp + wrong) if tp or wrong else 1.0


def _best_threshold(scores: FloatArray, truth: npt.NDArray[np.bool_]) -> float:
    """The cut with the best F1 of this frame, halfway to the next lower score."""
    order = np.argsort(-scores, kind="stable")
    ranked, hits = scores[order], truth[order]
    tp = np.cumsum(hits)
    f1 = 2 * tp / (np.arange(1, len(ranked) + 1) + max(int(hits.sum()), 1))
    f1 = np.where(np.r_[ranked[1:] != ranked[:-1], True], f1, -1.0)
    best = int(np.argmax(f1))
    below = float(ranked[best + 1]) if best + 1 < len(ranked) else 0.0
    return (float(ranked[best]) + below) / 2


def _with_languages(x: FloatArray, codes: Sequence[str], languages: Sequence[str]) -> FloatArray:
    if not languages:
        return x
    onehot = np.zeros((len(x), len(languages)))
    for row, code in enumerate(codes):
        onehot[row, languages.index(ISO_OF[code])] = 1.0
    return np.hstack([x, onehot])


@dataclass(frozen=True)
class _Fitted:
    genre_head: LinearHead
    frame_head: LinearHead
    thresholds: dict[str, float]
    languages: tuple[str, ...]
    genre_signals: tuple[str, ...]


def fit_heads(
    articles: Sequence[LabelledArticle],
    vectors: FloatMatrix,
    config: GenreFramesConfig,
    report: GenreFramesReport,
    progress: Progress | None = None,
    signals: FloatArray | None = None,
) -> _Fitted:
    """Choose C (frames: and the language one-hot; genre: and the prior correction) by cross-validation
    on ``articles``, then fit both heads. ``signals``: the genre head's article signals, one row each."""
    say = progress or (lambda _message: None)
    x_all = vectors.astype(np.float64)
    reduction = fit_reduction(x_all, config.components)
    report.choices["components"] = reduction.projection.shape[1]
    folds = np.array([fold_of(a.key, config.seed, config.folds) for a in articles])
    codes = [a.code for a in articles]
    all_languages = tuple(ISO_OF[c] for c in LANGUAGE_CODES)
    genre_rows = np.array([a.genre is not None for a in articles])
    frame_rows = np.array([a.frames is not None for a in articles])
    frame_y = np.array(
        [[f in (a.frames or ()) for f in FRAMES] for a in articles if a.frames is not None], dtype=bool
    )
    best_frames: tuple[float, float, tuple[str, ...], FloatArray] = (-1.0, 0.0, (), np.zeros(0))
    for languages in ((), all_languages):
        xf = reduction.apply(_with_languages(x_all, codes, languages))[frame_rows]
        ff = folds[frame_rows]
        for c in config.c_grid:
            say(f"cross-validation (frames): C={c:g}, language one-hot {'on' if languages else 'off'}")
            frame_oof = np.zeros(frame_y.shape)
            for fold in range(config.folds):
                held_f = ff == fold
                weight, bias = _frame_logistic(xf[~held_f], frame_y[~held_f], c, config.seed)
                frame_oof[held_f] = 0.5 * (1.0 + np.tanh(0.5 * (xf[held_f] @ weight + bias)))
            cuts = np.array([_best_threshold(frame_oof[:, j], frame_y[:, j]) for j in range(len(FRAMES))])
            frame_f1 = _micro_f1(frame_y, _at_least_one(frame_oof, cuts))
            key = f"C={c:g}/lang={'on' if languages else 'off'}"
            report.cross_validation[key] = {"frames_micro_f1": frame_f1}
            if frame_f1 > best_frames[0]:
                best_frames = (frame_f1, c, languages, frame_oof)
    genre = GenreDesign.build(reduction, x_all, signals, config, genre_rows)
    genre_codes = [c for c, row in zip(codes, genre_rows, strict=True) if row]
    genre_y = np.array([GENRES.index(a.genre) for a in articles if a.genre is not None], dtype=np.int64)
    genre_articles = [a for a in articles if a.genre is not None]
    c_genre, alpha = choose_genre(genre.x, genre_y, genre_articles, config, report, say)
    languages = all_languages if alpha > 0 else best_frames[2]
    report.choices |= {
        "genre_C": c_genre,
        "genre_prior_alpha": alpha,
        "genre_signals": len(genre.names),
        "signal_weight": config.signal_weight if genre.names else 0.0,
        "frames_C": best_frames[1],
        "frames_language_onehot": bool(best_frames[2]),
    }
    frame_oof = best_frames[3]
    thresholds = {}
    for j, frame in enumerate(FRAMES):
        positives = int(frame_y[:, j].sum())
        # Too few positives for a cut of its own: the frame's base rate is too unsure to tune on.
        thresholds[frame] = (
            _best_threshold(frame_oof[:, j], frame_y[:, j])
            if positives >= config.min_positives_for_threshold
            else 0.5
        )
    say("final fit")
    weight, bias = genre_logistic(genre.x, genre_y, c_genre, config.seed)
    priors = log_priors(genre_y, genre_codes)
    genre_head = genre.head(weight, bias, languages, {ISO_OF.get(c, c): p for c, p in priors.items()}, alpha)
    frame_x = reduction.apply(_with_languages(x_all, codes, best_frames[2]))[frame_rows]
    frame_head = _pad(
        reduction.head(*_frame_logistic(frame_x, frame_y, best_frames[1], config.seed)),
        best_frames[2],
        languages,
    )
    return _Fitted(genre_head, frame_head, thresholds, languages, genre.names)


def _pad(head: LinearHead, has: tuple[str, ...], wanted: tuple[str, ...]) -> LinearHead:
    """A head fitted without the language one-hot, given zero weights for it."""
    if has == wanted:
        return head
    extra = len(wanted)
    return LinearHead(
        np.r_[head.mean, np.zeros(extra)],
        np.r_[head.scale, np.ones(extra)],
        np.vstack([head.weight, np.zeros((extra, head.weight.shape[1]))]),
        head.bias,
    )


def _at_least_one(scores: FloatArray, cuts: FloatArray) -> npt.NDArray[np.bool_]:
    chosen = scores >= cuts
    chosen[np.arange(len(scores)), np.argmax(scores, axis=1)] = True
    return np.asarray(chosen, dtype=bool)


# --- evaluation and the whole run ----------------------------------------------------------------


def evaluate(
    model: GenreFramesModel,
    articles: Sequence[LabelledArticle],
    vectors: FloatMatrix,
    signals: FloatArray | None = None,
) -> dict[str, dict[str, float]]:
    """Official subtask-1 and subtask-2 figures per language, and pooled (``all``), on ``articles``
    (``signals``: their article signals, when the genre head reads them)."""
    languages = [a.language for a in articles]
    genres = model.genres_of(model.genre_probabilities(vectors, languages, signals))
    frames = model.frames_of(model.frame_scores(vectors, languages))
    figures: dict[str, dict[str, float]] = {}
    for code in [*sorted({a.code for a in articles}, key=LANGUAGE_CODES.index), "all"]:
        rows = [i for i, a in enumerate(articles) if code in ("all", a.code)]
        result: dict[str, float] = {}
        # Ids are unique per language only: pooled records carry the language too.
        ids = {i: articles[i].key for i in rows}
        genre_rows = [i for i in rows if articles[i].genre is not None]
        if genre_rows:
            st1 = score_st1(
                [ArticleLabelsRecord(ids[i], (articles[i].genre or "",)) for i in genre_rows],
                [ArticleLabelsRecord(ids[i], (genres[i],)) for i in genre_rows],
            )
            result["genre_n"] = len(genre_rows)
            result["genre_macro_f1"] = st1.f1
            result["genre_accuracy"] = float(st1.micro_f1 or 0.0)
            for genre in GENRES:
                result[f"genre_n_{genre}"] = sum(articles[i].genre == genre for i in genre_rows)
        frame_rows = [i for i in rows if articles[i].frames is not None]
        if frame_rows:
            st2 = score_st2(
                [ArticleLabelsRecord(ids[i], articles[i].frames or ()) for i in frame_rows],
                [ArticleLabelsRecord(ids[i], frames[i]) for i in frame_rows],
            )
            result["frames_n"] = len(frame_rows)
            result["frames_micro_f1"] = st2.f1
            result["frames_macro_f1"] = float(st2.macro_f1 or 0.0)
        figures[code] = result
    return figures


def article_signals_of(
    articles: Sequence[LabelledArticle],
    cache_file: Path,
    read_persuasion: ReadPersuasion,
    technique_version: str,
    progress: Progress | None = None,
) -> FloatArray:
    """The genre signals of ``articles``: persuasion features from ``cache_file`` (cached under
    ``technique_version``) where cached, the others read by ``read_persuasion`` (the technique model
    runs about a second per article on 2 cores) and added to it."""
    say = progress or (lambda _message: None)
    cache = PersuasionCache(cache_file, technique_version)
    texts, languages = [a.text for a in articles], [a.language for a in articles]
    say(f"persuasion features of {len(articles)} articles ({len(cache)} cached)")
    persuasion = cache.features(
        texts,
        languages,
        read_persuasion,
        progress=lambda done, total: say(f"persuasion features {done}/{total}"),
    )
    return signal_matrix(texts, languages, persuasion)


def _fingerprint_of(articles: Sequence[LabelledArticle]) -> str:
    digest = hashlib.sha256()
    for article in articles:
        digest.update(f"{article.key}\x00".encode())
    return digest.hexdigest()[:16]


def train_genre_frames(
    data_dir: Path,
    out_dir: Path,
    *,
    cache_dir: Path | None = None,
    config: GenreFramesConfig | None = None,
    encode: Encode | None = None,
    count: CountTokens | None = None,
    progress: Progress | None = None,
    read_persuasion: ReadPersuasion | None = None,
    technique_version: str | None = None,
) -> GenreFramesReport:
    """Train on ``data_dir`` (the shared corpora), write the model to ``out_dir``, return the figures.

    The persuasion features of the genre signals come from ``read_persuasion`` (default: the technique
    model of the ``technique_model`` setting, else the shipped one), cached in
    ``technique-persuasion.jsonl`` of the cache folder under ``technique_version`` (default: that
    model's version)."""
    config = config or GenreFramesConfig()
    if config.genre_signals not in SIGNAL_SETS:
        raise ConfigurationError(
            "genre_signals", f"{config.genre_signals!r} is not one of {', '.join(SIGNAL_SETS)}"
        )
    say = progress or (lambda _message: None)
    started = time.monotonic()
    if not data_dir.is_dir():
        raise ConfigurationError(str(data_dir), "the training data folder does not exist")
    check_output_folder(out_dir, "--out")
    if cache_dir is not None:
        check_output_folder(cache_dir, "--cache")
    articles = read_labelled_articles(data_dir)
    splits = split_articles(data_dir, articles, seed=config.seed, fraction=config.validation_fraction)
    report = GenreFramesReport(config=config)
    validation_ids = {(code, i) for code, split in splits.items() for i in split.validation}
    train = [a for a in articles if (a.code, a.article_id) not in validation_ids]
    held = [a for a in articles if (a.code, a.article_id) in validation_ids]
    for code, split in splits.items():
        report.fingerprints[code] = split_fingerprint(split)
        for side, chosen in (("train", train), ("validation", held)):
            mine = [a for a in chosen if a.code == code]
            counts = report.counts.setdefault(f"{side}:{code}", {"articles": len(mine)})
            counts["frames"] = sum(a.frames is not None for a in mine)
            for genre in GENRES:
                counts[genre] = sum(a.genre == genre for a in mine)
    cache_folder = cache_dir or out_dir / "embedding-cache"
    cache = ChunkCache(cache_folder)
    ordered = [*train, *held]
    vectors = embed_articles(ordered, cache, encode or PassageEncoder(), count or engine_token_count, say)
    signals, technique = None, None
    if config.genre_signals == "style":
        signals = signal_matrix([a.text for a in ordered], [a.language for a in ordered], None)
    elif config.genre_signals == "all":
        reader = read_persuasion or TechniquePersuasionReader(Settings())
        cache_file = cache_folder / PERSUASION_CACHE_FILE
        technique = technique_version or getattr(reader, "version", None)
        if not technique:
            raise ConfigurationError(
                str(cache_file), "persuasion features need the version of the technique model they came from"
            )
        signals = article_signals_of(ordered, cache_file, reader, technique, say)
    fitted = fit_heads(
        train, vectors[: len(train)], config, report, say, None if signals is None else signals[: len(train)]
    )
    model = GenreFramesModel(
        representation=REPRESENTATION,
        vector_size=vectors.shape[1],
        languages=fitted.languages,
        genres=GENRES,
        frames=FRAMES,
        genre_head=fitted.genre_head,
        frame_head=fitted.frame_head,
        frame_thresholds=fitted.thresholds,
        seed=config.seed,
        version=config.version,
        genre_signals=fitted.genre_signals,
    )
    report.validation = evaluate(
        model, held, vectors[len(train) :], None if signals is None else signals[len(train) :]
    )
    report.seconds = time.monotonic() - started
    meta = {
        "config": asdict(config),
        "split": {
            "method": "propwatch.corpora.split.split_by_article per language: subtask-3 ids as the "
            "technique model splits them, subtask-1-only ids separately",
            "seed": config.seed,
            "fraction": config.validation_fraction,
            "fingerprints": report.fingerprints,
            "validation_articles": _fingerprint_of(held),
        },
        "choices": report.choices,
        "signals_technique_model": technique,  # the persuasion signals' source: retrain when it changes
        "counts": report.counts,
        "cross_validation": report.cross_validation,
        "validation": report.validation,
    }
    model = dataclasses.replace(model, meta=meta)
    model.save(out_dir)
    (out_dir / "training_report.json").write_text(
        json.dumps(report.as_dict(), indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    return report


__all__ = [
    "GenreFramesConfig",
    "GenreFramesReport",
    "LabelledArticle",
    "article_signals_of",
    "embed_articles",
    "evaluate",
    "fit_heads",
    "read_labelled_articles",
    "split_articles",
    "train_genre_frames",
]
