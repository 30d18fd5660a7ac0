from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from propwatch.errors import ConfigurationError
from propwatch.narratives.embeddings import Embedder
from propwatch.narratives.ranker import (
    FEATURES,
    SHIPPED_MODEL,
    CandidateScores,
    ClaimLexicon,
    ClaimRanker,
    adapt_queries,
    candidate_features,
    select_candidates,
    split_signature,
)
from propwatch.narratives.retrieval import ClaimRetriever, Query, VerifiedClaim
from propwatch.settings import Settings

COLUMN = {name: i for i, name in enumerate(FEATURES)}

# Written for the tests: a tweet with an embedded-tweet signature, and three fact-checks.
TWEET = "Iran could threaten Trump hotels in 2020 — Ilhan Omar (@IlhanMN) January 6, 2020"
CLAIMS = [
    "In January 2020, Rep. Ilhan Omar said Iran should attack Trump hotels.",
    "A photograph shows sharks on a flooded highway in Houston.",
    "IlhanMN tweeted about 17 hotels.",
]
TITLES = ["Did Omar Advise Iran?", "Sharks on a Highway?", "Hotel Tweet"]


def _ranker(weights: dict[str, float], dim: int = 4, candidates: int = 50) -> ClaimRanker:
    w = np.zeros(len(FEATURES))
    for name, value in weights.items():
        w[COLUMN[name]] = value
    return ClaimRanker(
        adapter=np.zeros((dim, dim)),
        mean=np.zeros(len(FEATURES)),
        scale=np.ones(len(FEATURES)),
        weights=w,
        candidates=candidates,
    )


def test_split_signature() -> None:
    sig = split_signature(TWEET)
    assert (sig.body, sig.name, sig.handle, sig.month, sig.year) == (
        "Iran could threaten Trump hotels in 2020",
        "Ilhan Omar",
        "IlhanMN",
        "January",
        "2020",
    )
    plain = split_signature("no signature here, 2020")
    assert plain.body == "no signature here, 2020" and plain.name == "" and plain.year == ""


def test_candidate_features_read_names_numbers_and_signature() -> None:
    lexicon = ClaimLexicon(CLAIMS, TITLES)
    n = len(CLAIMS)
    scores = CandidateScores(
        indices=np.arange(n),
        claim_cos=np.array([0.9, 0.5, 0.7]),
        title_cos=np.array([0.8, 0.4, 0.6]),
        bm25=np.array([4.0, 0.0, 2.0]),
        bm25_best=4.0,
        adapted=np.array([0.95, 0.4, 0.6]),
        similarity_to_best=np.array([1.0, 0.2, 0.5]),
        claim_title_cos=np.array([0.9, 0.9, 0.8]),
    )
    x = candidate_features(TWEET, scores, lexicon, title_weight=0.25, lexical_weight=0.1)
    assert x.shape == (n, len(FEATURES))
    assert x[0, COLUMN["fused"]] == pytest.approx(0.9 + 0.25 * 0.8 + 0.1 * 1.0)
    assert x[:, COLUMN["fused_gap"]].max() == 0.0
    assert list(x[:, COLUMN["rr_bm25"]]) == [1.0, 1 / 3, 1 / 2]
    assert list(x[:, COLUMN["signature_name_in_claim"]]) == [1.0, 0.0, 0.0]
    assert list(x[:, COLUMN["signature_handle_in_claim"]]) == [0.0, 0.0, 1.0]
    assert list(x[:, COLUMN["signature_year_in_claim"]]) == [1.0, 0.0, 0.0]
    assert list(x[:, COLUMN["signature_month_in_claim"]]) == [1.0, 0.0, 0.0]
    assert x[0, COLUMN["names_shared"]] == 2  # Iran, Trump ("Ilhan Omar" is the signature, not the body)
    assert list(x[:, COLUMN["claim_has_other_number"]]) == [0.0, 0.0, 1.0]  # 17 is not in the tweet
    assert x[1, COLUMN["overlap_of_tweet"]] == 0.0


def test_select_candidates_orders_by_adapted_score_plus_bm25() -> None:
    vectors = np.eye(5, dtype=np.float32)
    adapted = np.array([0.1, 0.5, 0.2, 0.45, 0.0])
    bm25 = np.array([0.0, 0.0, 0.0, 10.0, 5.0])
    scores, fused = select_candidates(
        adapted, adapted, bm25, adapted, vectors, np.ones(5), candidates=3, lexical_weight=0.1
    )
    assert list(scores.indices) == [3, 1, 2]  # 0.55, 0.5, 0.2 (4 has 0.05, 0 has 0.1 … 2 wins)
    assert fused[4] == pytest.approx(0.05)
    assert list(scores.similarity_to_best) == [1.0, 0.0, 0.0]


def test_score_and_adapter() -> None:
    ranker = _ranker({"claim_cos": 2.0})
    features = np.zeros((2, len(FEATURES)))
    features[:, COLUMN["claim_cos"]] = [0.1, 0.3]
    assert list(ranker.score(features)) == pytest.approx([0.2, 0.6])
    queries = np.array([[3.0, 4.0, 0.0, 0.0]])
    assert adapt_queries(queries, np.zeros((4, 4))) == pytest.approx(np.array([[0.6, 0.8, 0.0, 0.0]]))
    swap = np.zeros((4, 4))
    swap[0, 2] = 1.0  # adds the first coordinate to the third
    assert ranker.adapt(queries) == pytest.approx(np.array([[0.6, 0.8, 0.0, 0.0]]))
    assert adapt_queries(queries, swap)[0] == pytest.approx(np.array([3, 4, 3, 0]) / np.sqrt(34))


def test_json_round_trip(tmp_path: Path) -> None:
    rng = np.random.default_rng(1)
    d = len(FEATURES)
    ranker = ClaimRanker(
        rng.normal(size=(4, 4)),
        rng.normal(size=d),
        rng.uniform(0.5, 2, size=d),
        rng.normal(size=d),
        candidates=7,
        title_weight=0.3,
        lexical_weight=0.2,
        training={"note": "test"},
    )
    ranker.save(tmp_path / "model")
    loaded = ClaimRanker.load(tmp_path / "model")
    assert loaded.candidates == 7 and loaded.title_weight == 0.3 and loaded.lexical_weight == 0.2
    assert loaded.training == {"note": "test"}
    assert loaded.adapter == pytest.approx(ranker.adapter, abs=1e-6)
    x = rng.normal(size=(5, d))
    assert loaded.score(x) == pytest.approx(ranker.score(x), abs=1e-5)


def test_load_rejects_other_files(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError, match=r"model\.json"):
        ClaimRanker.load(tmp_path)
    _ranker({"fused": 1.0}).save(tmp_path)
    document = json.loads((tmp_path / "model.json").read_text(encoding="utf-8"))
    document["features"] = document["features"][:-1]
    (tmp_path / "model.json").write_text(json.dumps(document), encoding="utf-8")
    with pytest.raises(ConfigurationError, match="other features"):
        ClaimRanker.load(tmp_path)
    (tmp_path / "model.json").write_text('{"format": "something-else"}', encoding="utf-8")
    with pytest.raises(ConfigurationError):
        ClaimRanker.load(tmp_path)


def test_invalid_ranker_shapes() -> None:
    d = len(FEATURES)
    with pytest.raises(ValueError):
        ClaimRanker(np.zeros((2, 3)), np.zeros(d), np.ones(d), np.zeros(d))
    with pytest.raises(ValueError):
        ClaimRanker(np.zeros((2, 2)), np.zeros(d - 1), np.ones(d), np.zeros(d))
    with pytest.raises(ValueError):
        ClaimRanker(np.zeros((2, 2)), np.zeros(d), np.zeros(d), np.zeros(d))


def test_shipped_ranker_loads() -> None:
    ranker = ClaimRanker.load(SHIPPED_MODEL)
    assert ranker.adapter.shape == (384, 384)
    assert ranker.candidates >= 5
    assert np.abs(ranker.weights).sum() > 0
    assert (SHIPPED_MODEL / "MODEL_CARD.md").is_file()


def test_retriever_reranks_candidates_then_ranks_the_rest_below(settings: Settings) -> None:
    claims = [
        VerifiedClaim(str(i), text, title) for i, (text, title) in enumerate(zip(CLAIMS, TITLES, strict=True))
    ]
    claims.append(VerifiedClaim("9", "The moon landing was filmed in a studio.", "Moon Landing Faked?"))
    embedder = Embedder(settings)
    # Ranks by the signature-name match first: claim 0 is the only one naming Ilhan Omar.
    learned = _ranker({"signature_name_in_claim": 5.0, "adapted_fused": 1.0}, dim=embedder.dim, candidates=2)
    retriever = ClaimRetriever(claims, embedder, ranker=learned)
    ranked = retriever.rank([Query("q", TWEET)], depth=4)["q"]
    assert ranked[0].claim_id == "0"
    assert len(ranked) == 4 and len({r.claim_id for r in ranked}) == 4
    scores = [r.score for r in ranked]
    assert scores == sorted(scores, reverse=True) and scores[1] > scores[2]
    assert ranked[-1].claim_id in {"1", "9"}
    shallow = retriever.rank([Query("q", TWEET)], depth=1)["q"]
    assert [r.claim_id for r in shallow] == ["0"]


def test_retriever_rejects_an_adapter_of_another_size(settings: Settings) -> None:
    with pytest.raises(ValueError, match="384"):
        ClaimRetriever([VerifiedClaim("1", "x")], Embedder(settings), ranker=_ranker({"fused": 1.0}, dim=4))
