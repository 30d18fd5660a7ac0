from __future__ import annotations

import io
from pathlib import Path

import pytest

from propwatch.errors import MalformedRecordError
from propwatch.narratives.embeddings import Embedder
from propwatch.narratives.retrieval import (
    BM25,
    ClaimRetriever,
    Query,
    Ranked,
    VerifiedClaim,
    clean_tweet,
    mean_average_precision,
    read_qrels,
    read_queries,
    read_run,
    read_verified_claims,
    write_trec_run,
)
from propwatch.settings import Settings

# Written for the tests in the CheckThat! 2020 Task 2 shapes.
VCLAIMS = (
    "\tvclaim\ttitle\n"
    "10\tA photograph shows sharks swimming on a flooded highway after a hurricane.\tSharks on a Highway?\n"
    "11\tDrinking hot water every fifteen minutes cures the coronavirus.\tDoes Hot Water Kill the Virus?\n"
    '12\tA senator said "we will ban all cars by 2025."\tDid a Senator Vow to Ban Cars?\n'
    "13\tThe Eiffel Tower will be dismantled and moved to Las Vegas.\tIs the Eiffel Tower Moving?\n"
)
TWEETS = (
    "\ttweet_content\n"
    "1\tLOOK at this shark on the freeway in Houston after the storm!! pic.twitter.com/abc123\n"
    "2\tMy aunt says if you sip hot water every 15 min the virus dies. Stay safe https://t.co/x\n"
    "3\tSo they're taking the Eiffel Tower apart and shipping it to Vegas? — Someone (@someone) May 1, 2020\n"
)
QRELS = "1\t0\t10\t1\n2\t0\t11\t1\n3\t0\t13\t1\n"


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    paths = {}
    for name, text in (("vclaims", VCLAIMS), ("tweets", TWEETS), ("qrels", QRELS)):
        paths[name] = tmp_path / f"{name}.tsv"
        paths[name].write_text(text, encoding="utf-8")
    return paths


def test_readers(files: dict[str, Path]) -> None:
    claims = read_verified_claims(files["vclaims"])
    assert [c.id for c in claims] == ["10", "11", "12", "13"]
    assert claims[2].claim == 'A senator said "we will ban all cars by 2025."'
    assert claims[0].title == "Sharks on a Highway?"
    assert [q.id for q in read_queries(files["tweets"])] == ["1", "2", "3"]
    assert read_qrels(files["qrels"]) == {"1": {"10"}, "2": {"11"}, "3": {"13"}}


def test_malformed_files_name_the_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.tsv"
    bad.write_text("\tvclaim\ttitle\n1\tonly two columns\n", encoding="utf-8")
    with pytest.raises(MalformedRecordError, match=r"bad\.tsv line 2: expected 3"):
        read_verified_claims(bad)
    bad.write_text("\tvclaim\ttitle\n1\ta\tb\n1\tc\td\n", encoding="utf-8")
    with pytest.raises(MalformedRecordError, match="occurs more than once"):
        read_verified_claims(bad)
    bad.write_text("1 0 10\n", encoding="utf-8")
    with pytest.raises(MalformedRecordError, match=r"line 1"):
        read_qrels(bad)
    bad.write_text("1 Q0 10 1 high run\n", encoding="utf-8")
    with pytest.raises(MalformedRecordError, match="score 'high'"):
        read_run(bad)
    bad.write_text("1 Q0 10 1 0.5 run\n1 Q0 10 2 0.4 run\n", encoding="utf-8")
    with pytest.raises(MalformedRecordError, match="ranked twice"):
        read_run(bad)


def test_map_at_k_follows_the_official_scorer() -> None:
    qrels = {"a": {"1", "2"}, "b": {"9"}, "c": {"5"}, "unanswered": {"7"}}
    run = {
        # relevant at ranks 1 and 3: (1/1 + 2/3) / 2 relevant
        "a": [Ranked("1", 0.9), Ranked("8", 0.8), Ranked("2", 0.7)],
        # relevant at rank 6: outside the top 5, counts 0
        "b": [Ranked(str(i), 1 - i / 10) for i in range(1, 9)] + [Ranked("9", 0.05)],
        # relevant at rank 2
        "c": [Ranked("4", 0.9), Ranked("5", 0.8)],
        "not-judged": [Ranked("1", 1.0)],
    }
    result = mean_average_precision(qrels, run, k=5)
    assert result.per_query["a"] == pytest.approx((1 + 2 / 3) / 2)
    assert result.per_query["b"] == 0.0
    assert result.per_query["c"] == pytest.approx(0.5)
    assert result.map == pytest.approx(((1 + 2 / 3) / 2 + 0 + 0.5) / 3)  # queries in both files only
    assert result.missing_from_run == ("unanswered",)
    assert mean_average_precision(qrels, run, k=1).per_query["a"] == pytest.approx(0.5)


def test_run_order_is_by_score_then_id_not_by_the_rank_column(tmp_path: Path) -> None:
    path = tmp_path / "run.txt"
    # Rank column says 10 first; the scores say 11; 12 and 13 tie and trec_eval puts the larger id first.
    path.write_text("q Q0 10 1 0.1 t\nq Q0 11 2 0.9 t\nq Q0 12 3 0.5 t\nq Q0 13 4 0.5 t\n", encoding="utf-8")
    assert [r.claim_id for r in read_run(path)["q"]] == ["11", "13", "12", "10"]


def test_trec_run_round_trip(tmp_path: Path) -> None:
    ranking = {"1": [Ranked("10", 0.91), Ranked("12", 0.5)], "2": [Ranked("11", 0.7)]}
    stream = io.StringIO()
    assert write_trec_run(ranking, stream, "mine") == 3
    assert stream.getvalue().splitlines()[0] == "1\tQ0\t10\t1\t0.91000000\tmine"
    path = tmp_path / "run.txt"
    path.write_text(stream.getvalue(), encoding="utf-8")
    assert read_run(path) == ranking
    with pytest.raises(ValueError):
        write_trec_run(ranking, io.StringIO(), "two words")


def test_bm25_prefers_documents_sharing_rare_words() -> None:
    bm25 = BM25(["the cat sat on the mat", "the dog barked", "the the the"])
    scores = bm25.scores("a dog and the cat")
    assert scores[2] == 0.0 or scores[2] < min(scores[0], scores[1])
    assert scores[0] > 0 and scores[1] > 0
    assert clean_tweet("hi pic.twitter.com/x https://t.co/y  there") == "hi there"


@pytest.mark.parametrize("lexical_weight", [0.0, 0.1])
def test_retrieval_ranks_the_verified_claim_first(
    files: dict[str, Path], settings: Settings, lexical_weight: float
) -> None:
    claims = read_verified_claims(files["vclaims"])
    retriever = ClaimRetriever(claims, Embedder(settings), lexical_weight=lexical_weight)
    queries = read_queries(files["tweets"])
    ranking = retriever.rank(queries, depth=3)
    assert {q: ranked[0].claim_id for q, ranked in ranking.items()} == {
        "1": "10",
        "2": "11",
        "3": "13",
    }
    assert all(len(ranked) == 3 for ranked in ranking.values())
    assert mean_average_precision(read_qrels(files["qrels"]), ranking).map == 1.0


def test_retriever_needs_claims(settings: Settings) -> None:
    with pytest.raises(ValueError):
        ClaimRetriever([], Embedder(settings))
    retriever = ClaimRetriever([VerifiedClaim("1", "x")], Embedder(settings), lexical_weight=0)
    assert retriever.rank([Query("q", "x")], depth=10)["q"][0].claim_id == "1"
