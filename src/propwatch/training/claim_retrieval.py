"""Training the claim-retrieval re-ranker (CheckThat! 2020 Task 2) on the train tweets.

``propwatch train claim-retrieval --data DIR --out MODEL`` runs :func:`train_claim_retrieval`:

1. e5 vectors of the tweets (query side, URLs removed) and of the claims and titles (passage side,
   from the embedding cache of ``propwatch predict claim-retrieval``);
2. a query adapter ``A`` (``q ↦ q + q @ A``): ridge regression of each tweet vector onto the unit
   vector of its claim + 0.25 × title, pushed away from the tweet's best-scoring other claims
   (closed form, numpy);
3. a pairwise linear ranker (scikit-learn logistic regression on feature differences, relevant minus
   other candidate of the same tweet) over :data:`~propwatch.narratives.ranker.FEATURES`, computed
   with *out-of-fold* adapted scores so that it learns how far to trust the adapter on unseen tweets.

The ridge penalty, the push and the ranker's regularisation are chosen by an inner 2-fold split of
the training tweets only (alternate tweets in id order). No step is random: ``seed`` is only recorded.
``evaluate`` first measures the whole procedure honestly: trained on the odd tweet ids, scored on the
even ones, and the other way round (MAP@5 as the official scorer computes it).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import numpy as np
import numpy.typing as npt

from propwatch.errors import InputNotFoundError
from propwatch.narratives.embeddings import Embedder, EmbeddingCache
from propwatch.narratives.ranker import (
    ClaimLexicon,
    ClaimRanker,
    FloatArray,
    adapt_queries,
    candidate_features,
    select_candidates,
)
from propwatch.narratives.retrieval import (
    BM25,
    LEXICAL_WEIGHT,
    TITLE_WEIGHT,
    Query,
    Ranked,
    VerifiedClaim,
    clean_tweet,
    mean_average_precision,
    read_qrels,
    read_queries,
    read_verified_claims,
)
from propwatch.settings import Settings
from propwatch.training.output_paths import check_output_folder

log = logging.getLogger(__name__)

TASK_FOLDER: Final = "checkthat2020_task2_claim_retrieval"
CANDIDATES: Final = 50  # re-ranked claims per tweet (the relevant one is among them for ~98% of tweets)
ADAPTER_PENALTIES: Final = (0.3, 1.0, 3.0, 10.0, 30.0)  # ridge penalty of the query adapter, inner split
ADAPTER_PUSHES: Final = (0.0, 0.25, 0.5, 0.75)  # how far targets move away from confusers, inner split
NEGATIVES: Final = 5  # confusers per target: the best-scoring other claims (zero-shot)
RANKER_C: Final = (0.1, 1.0)  # inverse regularisation of the pairwise logistic ranker, inner split

Matrix = npt.NDArray[np.float32]


@dataclass(frozen=True)
class TaskData:
    """The train tweets, the verified claims, the qrels, and their e5/BM25 scores against each other."""

    queries: list[Query]
    claims: list[VerifiedClaim]
    qrels: dict[str, set[str]]
    tweets: Matrix  # (tweets, dim) query vectors of the cleaned tweets
    claim_vectors: Matrix
    title_vectors: Matrix
    bm25: Matrix  # (tweets, claims) raw BM25
    lexicon: ClaimLexicon

    @property
    def relevant(self) -> list[list[int]]:
        """Positions of each tweet's relevant claims in the collection."""
        where = {c.id: i for i, c in enumerate(self.claims)}
        return [sorted(where[c] for c in self.qrels.get(q.id, ()) if c in where) for q in self.queries]


def load_task(settings: Settings, data: Path, progress: Callable[[str], None] | None = None) -> TaskData:
    """Read ``DATA/checkthat2020_task2_claim_retrieval`` (train split) and compute every score."""
    folder = data / TASK_FOLDER if (data / TASK_FOLDER).is_dir() else data
    tweets_file = folder / "train" / "tweets.queries.tsv"
    if not tweets_file.is_file():
        raise InputNotFoundError(str(folder), f"holds no train/tweets.queries.tsv (expected {TASK_FOLDER}/)")
    queries = read_queries(tweets_file)
    claims = read_verified_claims(folder / "verified_claims.docs.tsv")
    qrels = read_qrels(folder / "train" / "tweet-vclaim-pairs.qrels")
    say = progress or (lambda _: None)
    embedder = Embedder(settings)
    cache = EmbeddingCache.from_settings(settings)
    texts = [c.claim for c in claims]
    titles = [c.title or c.claim for c in claims]
    say(f"claim and title vectors of {len(claims)} claims (cached after the first run)")
    claim_vectors = cache.passages(embedder, texts)
    title_vectors = cache.passages(embedder, titles)
    cleaned = [clean_tweet(q.text) for q in queries]
    say(f"embedding {len(queries)} tweets")
    tweets = embedder.queries(cleaned)
    say("BM25 scores")
    index = BM25([f"{c.claim} {c.title}" for c in claims])
    bm25 = np.stack([index.scores(text) for text in cleaned])
    return TaskData(
        queries, claims, qrels, tweets, claim_vectors, title_vectors, bm25, ClaimLexicon(texts, titles)
    )


def train_adapter(
    tweets: Matrix, targets: Sequence[tuple[int, int]], keys: Matrix, grid: Sequence[tuple[float, float]]
) -> dict[tuple[float, float], FloatArray]:
    """``A`` per (ridge penalty λ, push γ) of ``grid``, so that ``q + q @ A`` comes close to each
    (tweet row, claim j) target: the unit key of ``j`` minus γ × the mean unit key of the tweet's
    :data:`NEGATIVES` other claims nearest to the tweet (cosine with the keys), normalised. Closed
    form, deterministic: ``A = (XᵀX + λI)⁻¹ Xᵀ(Y − X)``."""
    units = np.asarray(keys, dtype=np.float64)
    units /= np.maximum(np.linalg.norm(units, axis=1, keepdims=True), 1e-12)
    x = np.asarray(tweets[[t for t, _ in targets]], dtype=np.float64)
    positives = units[[c for _, c in targets]]
    relevant: dict[int, set[int]] = {}
    for row, claim in targets:
        relevant.setdefault(row, set()).add(claim)
    confusers = np.zeros_like(positives)
    for position, (row, _) in enumerate(targets):
        order = np.argsort(-(units @ np.asarray(tweets[row], dtype=np.float64)), kind="stable")
        others = order[~np.isin(order, list(relevant[row]))][:NEGATIVES]
        if len(others):
            confusers[position] = units[others].mean(0)
    gram = x.T @ x
    identity = np.eye(x.shape[1])
    out: dict[tuple[float, float], FloatArray] = {}
    for penalty, push in grid:
        y = positives - push * confusers
        y /= np.maximum(np.linalg.norm(y, axis=1, keepdims=True), 1e-12)
        out[penalty, push] = np.asarray(np.linalg.solve(gram + penalty * identity, x.T @ (y - x)))
    return out


def _adapted_scores(task: TaskData, adapter: FloatArray, rows: Sequence[int]) -> Matrix:
    vectors = adapt_queries(task.tweets[list(rows)], adapter)
    keys = task.claim_vectors + TITLE_WEIGHT * task.title_vectors
    out: Matrix = vectors @ keys.T
    return out


def _targets(task: TaskData, rows: Sequence[int]) -> list[tuple[int, int]]:
    relevant = task.relevant
    return [(position, claim) for position, row in enumerate(rows) for claim in relevant[row]]


def _fit_adapter(
    task: TaskData, rows: Sequence[int], grid: Sequence[tuple[float, float]]
) -> dict[tuple[float, float], FloatArray]:
    keys = task.claim_vectors + TITLE_WEIGHT * task.title_vectors
    return train_adapter(task.tweets[list(rows)], _targets(task, rows), keys, grid)


def _split(task: TaskData, rows: Sequence[int]) -> tuple[list[int], list[int]]:
    # Alternate tweets in id order: deterministic, and balanced in time (ids follow the crawl).
    ordered = sorted(rows, key=lambda r: _id_key(task.queries[r].id))
    return ordered[0::2], ordered[1::2]


def _id_key(identifier: str) -> tuple[int, int | str]:
    return (0, int(identifier)) if identifier.isdigit() else (1, identifier)


def _map_at_5(task: TaskData, rows: Sequence[int], ranked: dict[int, list[int]]) -> float:
    run = {
        task.queries[r].id: [Ranked(task.claims[c].id, -float(n)) for n, c in enumerate(ranked[r])]
        for r in rows
    }
    qrels = {task.queries[r].id: task.qrels.get(task.queries[r].id, set()) for r in rows}
    return mean_average_precision(qrels, run, 5).map


def _top5(scores: FloatArray) -> list[int]:
    return [int(i) for i in np.argsort(-scores, kind="stable")[:5]]


@dataclass(frozen=True)
class _Candidates:
    indices: list[npt.NDArray[np.intp]]
    features: list[FloatArray]
    labels: list[FloatArray]


def _candidates(task: TaskData, rows: Sequence[int], adapted: Matrix) -> _Candidates:
    """Candidates and features of ``rows`` given their adapted scores (``adapted[i]`` for ``rows[i]``)."""
    relevant = task.relevant
    claim_title_cos = np.einsum("ij,ij->i", task.claim_vectors, task.title_vectors)
    indices, features, labels = [], [], []
    for position, row in enumerate(rows):
        vector = task.tweets[row]
        scores, _ = select_candidates(
            task.claim_vectors @ vector,
            task.title_vectors @ vector,
            task.bm25[row],
            adapted[position],
            task.claim_vectors,
            claim_title_cos,
            candidates=CANDIDATES,
            lexical_weight=LEXICAL_WEIGHT,
        )
        text = clean_tweet(task.queries[row].text)
        indices.append(scores.indices)
        features.append(
            candidate_features(
                text, scores, task.lexicon, title_weight=TITLE_WEIGHT, lexical_weight=LEXICAL_WEIGHT
            )
        )
        labels.append(np.isin(scores.indices, relevant[row]).astype(np.float64))
    return _Candidates(indices, features, labels)


def fit_pairwise(
    features: Sequence[FloatArray], labels: Sequence[FloatArray], c: float
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """(mean, scale, weights) of a logistic model of "relevant ranks above other" on feature differences."""
    from sklearn.linear_model import LogisticRegression  # type: ignore[import-untyped]

    stacked = np.concatenate(features)
    mean = stacked.mean(0)
    scale = stacked.std(0)
    scale[scale < 1e-9] = 1.0
    differences = []
    for x, y in zip(features, labels, strict=True):
        z = (x - mean) / scale
        for positive in np.flatnonzero(y > 0):
            differences.append(z[positive] - z[y == 0])
    if not differences:
        raise ValueError("no training tweet has its relevant claim among the candidates")
    d = np.concatenate(differences)
    model = LogisticRegression(C=c, fit_intercept=False, max_iter=5000)
    model.fit(np.concatenate([d, -d]), np.concatenate([np.ones(len(d)), np.zeros(len(d))]))
    return mean, scale, np.asarray(model.coef_[0], dtype=np.float64)


@dataclass(frozen=True)
class _Linear:
    mean: FloatArray
    scale: FloatArray
    weights: FloatArray

    def score(self, features: FloatArray) -> FloatArray:
        out: FloatArray = ((features - self.mean) / self.scale) @ self.weights
        return out


def _ranked_by(candidates: _Candidates, scores: Callable[[FloatArray], FloatArray]) -> list[list[int]]:
    out = []
    for indices, features in zip(candidates.indices, candidates.features, strict=True):
        out.append([int(indices[i]) for i in _top5(scores(features))])
    return out


def train_ranker(
    task: TaskData, rows: Sequence[int], say: Callable[[str], None] | None = None
) -> tuple[ClaimRanker, dict[str, Any]]:
    """The adapter and ranker trained on ``rows`` only, regularisation chosen by an inner 2-fold split."""
    say = say or (lambda _: None)
    inner = _split(task, rows)
    best: tuple[float, tuple[float, float], Matrix] | None = None
    choices: dict[str, Any] = {"adapter_inner_map5": {}, "ranker_c_inner_map5": {}}
    where = {r: i for i, r in enumerate(rows)}
    grid = [(penalty, push) for penalty in ADAPTER_PENALTIES for push in ADAPTER_PUSHES]
    snapshots = [_fit_adapter(task, fit_rows, grid) for fit_rows in inner]
    for setting in grid:
        out_of_fold = np.zeros((len(rows), len(task.claims)), dtype=np.float32)
        for fitted, score_rows in zip(snapshots, inner[::-1], strict=True):
            out_of_fold[[where[r] for r in score_rows]] = _adapted_scores(task, fitted[setting], score_rows)
        fused = out_of_fold + LEXICAL_WEIGHT * task.bm25[list(rows)] / np.maximum(
            task.bm25[list(rows)].max(1, keepdims=True), 1e-9
        )
        value = _map_at_5(task, rows, {r: _top5(fused[i]) for i, r in enumerate(rows)})
        choices["adapter_inner_map5"][f"penalty {setting[0]} push {setting[1]}"] = round(value, 4)
        say(f"  adapter penalty {setting[0]} push {setting[1]}: inner MAP@5 {value:.4f}")
        if best is None or value > best[0]:
            best = (value, setting, out_of_fold)
    assert best is not None
    _, setting, out_of_fold = best
    candidates = _candidates(task, rows, out_of_fold)
    position = {r: i for i, r in enumerate(rows)}
    best_c: tuple[float, float] | None = None
    for c in RANKER_C:
        ranked: dict[int, list[int]] = {}
        for fit_rows, score_rows in (inner, inner[::-1]):
            fit = [position[r] for r in fit_rows]
            mean, scale, weights = fit_pairwise(
                [candidates.features[i] for i in fit], [candidates.labels[i] for i in fit], c
            )
            scored = _Candidates(
                [candidates.indices[position[r]] for r in score_rows],
                [candidates.features[position[r]] for r in score_rows],
                [candidates.labels[position[r]] for r in score_rows],
            )
            linear = _Linear(mean, scale, weights)
            ranked |= dict(zip(score_rows, _ranked_by(scored, linear.score), strict=True))
        value = _map_at_5(task, rows, ranked)
        choices["ranker_c_inner_map5"][str(c)] = round(value, 4)
        say(f"  ranker C {c}: inner MAP@5 {value:.4f}")
        if best_c is None or value > best_c[0]:
            best_c = (value, c)
    assert best_c is not None
    c = best_c[1]
    mean, scale, weights = fit_pairwise(candidates.features, candidates.labels, c)
    adapter = _fit_adapter(task, rows, (setting,))[setting]
    choices |= {"adapter_penalty": setting[0], "adapter_push": setting[1], "ranker_c": c}
    ranker = ClaimRanker(adapter, mean, scale, weights, CANDIDATES, TITLE_WEIGHT, LEXICAL_WEIGHT)
    return ranker, choices


def rank_rows(task: TaskData, ranker: ClaimRanker, rows: Sequence[int]) -> dict[int, list[int]]:
    """The five best claims per tweet row with a trained ranker (as ``ClaimRetriever.rank`` orders them)."""
    adapted = _adapted_scores(task, ranker.adapter, rows)
    candidates = _candidates(task, rows, adapted)
    return dict(zip(rows, _ranked_by(candidates, ranker.score), strict=True))


def zero_shot_rows(task: TaskData, rows: Sequence[int]) -> dict[int, list[int]]:
    """The five best claims per tweet row of the zero-shot scorer."""
    out = {}
    for row in rows:
        v = task.tweets[row]
        bm25 = task.bm25[row]
        fused = task.claim_vectors @ v + TITLE_WEIGHT * (task.title_vectors @ v)
        fused = fused + (LEXICAL_WEIGHT * bm25 / bm25.max() if bm25.max() > 0 else 0.0)
        out[row] = _top5(fused)
    return out


def cross_fit(task: TaskData, say: Callable[[str], None] | None = None) -> dict[str, Any]:
    """MAP@5 of the whole training procedure, trained on odd tweet ids and scored on even, and back."""
    say = say or (lambda _: None)
    odd = [i for i, q in enumerate(task.queries) if q.id.isdigit() and int(q.id) % 2 == 1]
    even = [i for i, q in enumerate(task.queries) if i not in set(odd)]
    learned: dict[int, list[int]] = {}
    adapted_only: dict[int, list[int]] = {}
    folds = {}
    for name, fit_rows, score_rows in (("odd->even", odd, even), ("even->odd", even, odd)):
        say(f"cross-fitting: train on {name.split('->')[0]} ids ({len(fit_rows)} tweets)")
        ranker, choices = train_ranker(task, fit_rows, say)
        learned |= rank_rows(task, ranker, score_rows)
        adapted = _adapted_scores(task, ranker.adapter, score_rows)
        bm25 = task.bm25[score_rows]
        fused = adapted + LEXICAL_WEIGHT * bm25 / np.maximum(bm25.max(1, keepdims=True), 1e-9)
        adapted_only |= {r: _top5(fused[i]) for i, r in enumerate(score_rows)}
        folds[name] = choices
    zero = zero_shot_rows(task, range(len(task.queries)))
    report: dict[str, Any] = {"folds": folds}
    for label, ranked in (("zero_shot", zero), ("adapter_only", adapted_only), ("reranked", learned)):
        report[label] = {
            "map5_even": round(_map_at_5(task, even, ranked), 4),
            "map5_odd": round(_map_at_5(task, odd, ranked), 4),
            "map5_all": round(_map_at_5(task, range(len(task.queries)), ranked), 4),
        }
        say(
            f"{label}: MAP@5 even {report[label]['map5_even']:.4f} odd {report[label]['map5_odd']:.4f}"
            f" all {report[label]['map5_all']:.4f}"
        )
    return report


def train_claim_retrieval(
    settings: Settings,
    data: Path,
    out: Path,
    seed: int = 13,
    *,
    evaluate: bool = True,
    say: Callable[[str], None] | None = None,
) -> dict[str, Any]:
    """Train on all train tweets and write the model folder; with ``evaluate``, cross-fit first."""
    import json

    say = say or log.info
    check_output_folder(out, "--out")
    started = time.monotonic()
    task = load_task(settings, data, say)
    report: dict[str, Any] = {
        "data": f"CheckThat! 2020 Task 2 train: {len(task.queries)} tweets, "
        f"{sum(len(v) for v in task.qrels.values())} qrels, {len(task.claims)} verified claims",
        "seed": seed,
        "candidates": CANDIDATES,
        "adapter": {
            "kind": "ridge regression of the tweet vector onto its claim + title key minus push ×"
            f" the mean key of its {NEGATIVES} best-scoring other claims (residual)",
            "penalties_tried": list(ADAPTER_PENALTIES),
            "pushes_tried": list(ADAPTER_PUSHES),
        },
        "ranker_c_tried": list(RANKER_C),
    }
    if evaluate:
        report["cross_fitted"] = cross_fit(task, say)
    say(f"training on all {len(task.queries)} tweets")
    ranker, choices = train_ranker(task, list(range(len(task.queries))), say)
    report["final"] = choices
    report["seconds"] = round(time.monotonic() - started, 1)
    summary = {k: report[k] for k in ("data", "seed", "final")}
    if "cross_fitted" in report:
        summary["cross_fitted"] = {
            k: report["cross_fitted"][k] for k in ("zero_shot", "adapter_only", "reranked")
        }
    ClaimRanker(
        ranker.adapter,
        ranker.mean,
        ranker.scale,
        ranker.weights,
        ranker.candidates,
        ranker.title_weight,
        ranker.lexical_weight,
        summary,
    ).save(out)
    (out / "training_report.json").write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    say(f"wrote {out} in {report['seconds']:.0f} s")
    return report
