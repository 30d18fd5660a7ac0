from __future__ import annotations

import numpy as np
import pytest

from propwatch.narratives.ranker import FEATURES, ClaimLexicon, ClaimRanker, adapt_queries
from propwatch.narratives.retrieval import BM25, Query, VerifiedClaim
from propwatch.training.claim_retrieval import (
    ADAPTER_PENALTIES,
    ADAPTER_PUSHES,
    RANKER_C,
    TaskData,
    cross_fit,
    fit_pairwise,
    rank_rows,
    train_adapter,
    train_ranker,
)

pytest.importorskip("sklearn")

WORDS = ("alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel", "india", "juliet")


def _task(seed: int = 0, tweets: int = 24, claims: int = 30, dim: int = 8) -> TaskData:
    """Synthetic vectors: each tweet is its claim's vector, mixed by a fixed matrix, plus noise."""
    rng = np.random.default_rng(seed)
    claim_vectors = rng.normal(size=(claims, dim)).astype(np.float32)
    claim_vectors /= np.linalg.norm(claim_vectors, axis=1, keepdims=True)
    title_vectors = claim_vectors.copy()
    mix = np.eye(dim) + 0.8 * rng.normal(size=(dim, dim))
    relevant = rng.integers(0, claims, size=tweets)
    vectors = claim_vectors[relevant] @ mix + 0.3 * rng.normal(size=(tweets, dim))
    vectors = (vectors / np.linalg.norm(vectors, axis=1, keepdims=True)).astype(np.float32)
    texts = [" ".join(rng.choice(WORDS, size=4)) for _ in range(claims)]
    claim_list = [VerifiedClaim(str(i), text, text.title()) for i, text in enumerate(texts)]
    queries = [Query(str(i + 1), texts[relevant[i]].split()[0] + " tweet") for i in range(tweets)]
    index = BM25([f"{c.claim} {c.title}" for c in claim_list])
    bm25 = np.stack([index.scores(q.text) for q in queries])
    qrels = {q.id: {str(relevant[i])} for i, q in enumerate(queries)}
    return TaskData(
        queries,
        claim_list,
        qrels,
        vectors,
        claim_vectors,
        title_vectors,
        bm25,
        ClaimLexicon(texts, [c.title for c in claim_list]),
    )


def test_adapter_moves_tweets_towards_their_claims() -> None:
    task = _task()
    keys = task.claim_vectors
    targets = [(row, claims[0]) for row, claims in enumerate(task.relevant)]

    def margin(adapter: np.ndarray) -> float:
        scores = adapt_queries(task.tweets, adapter) @ keys.T
        right = np.array([scores[r, c] for r, c in targets])
        return float((right - scores.mean(1)).mean())

    adapters = train_adapter(task.tweets, targets, keys, [(0.1, 0.0), (10.0, 0.0), (0.1, 0.5)])
    assert set(adapters) == {(0.1, 0.0), (10.0, 0.0), (0.1, 0.5)}
    assert adapters[0.1, 0.0].shape == (8, 8)
    # In-sample, less shrinkage fits the training pairs better, and any adapter beats none.
    assert margin(adapters[0.1, 0.0]) > margin(adapters[10.0, 0.0]) > margin(np.zeros((8, 8)))
    assert np.abs(adapters[10.0, 0.0]).sum() < np.abs(adapters[0.1, 0.0]).sum()
    assert not np.allclose(adapters[0.1, 0.5], adapters[0.1, 0.0])  # the push moves the targets


def test_push_moves_tweets_away_from_their_confusers() -> None:
    # Two near-identical claims: the push must separate a tweet of claim 0 from claim 1.
    keys = np.array([[1.0, 0.0, 0.0], [0.96, 0.28, 0.0], [0.0, 0.0, 1.0]], dtype=np.float32)
    tweets = np.array([[0.9, 0.3, 0.3], [0.9, 0.35, -0.3]], dtype=np.float32)
    tweets /= np.linalg.norm(tweets, axis=1, keepdims=True)
    targets = [(0, 0), (1, 0)]
    adapters = train_adapter(tweets, targets, keys, [(0.01, 0.0), (0.01, 0.75)])

    def gap(adapter: np.ndarray) -> float:
        scores = adapt_queries(tweets, adapter) @ keys.T
        return float((scores[:, 0] - scores[:, 1]).mean())

    assert gap(adapters[0.01, 0.75]) > gap(adapters[0.01, 0.0]) > gap(np.zeros((3, 3)))


def test_pairwise_fit_weights_the_informative_feature() -> None:
    rng = np.random.default_rng(3)
    features, labels = [], []
    for _ in range(30):
        x = rng.normal(size=(10, 3))
        y = np.zeros(10)
        y[int(np.argmax(x[:, 1] + 0.1 * rng.normal(size=10)))] = 1.0
        features.append(x)
        labels.append(y)
    mean, scale, weights = fit_pairwise(features, labels, 1.0)
    assert mean.shape == scale.shape == weights.shape == (3,)
    assert weights[1] > 5 * max(abs(weights[0]), abs(weights[2]))
    with pytest.raises(ValueError):
        fit_pairwise([rng.normal(size=(4, 3))], [np.zeros(4)], 1.0)


def test_train_ranker_and_cross_fit_on_a_synthetic_task() -> None:
    task = _task()
    ranker, choices = train_ranker(task, list(range(len(task.queries))))
    assert isinstance(ranker, ClaimRanker)
    assert ranker.adapter.shape == (8, 8) and ranker.weights.shape == (len(FEATURES),)
    assert choices["adapter_penalty"] in ADAPTER_PENALTIES and choices["adapter_push"] in ADAPTER_PUSHES
    assert choices["ranker_c"] in RANKER_C
    top5 = rank_rows(task, ranker, [0, 1, 2])
    assert all(len(v) == 5 for v in top5.values())
    report = cross_fit(task)
    for system in ("zero_shot", "adapter_only", "reranked"):
        assert set(report[system]) == {"map5_even", "map5_odd", "map5_all"}
        assert all(0.0 <= v <= 1.0 for v in report[system].values())
    assert set(report["folds"]) == {"odd->even", "even->odd"}
