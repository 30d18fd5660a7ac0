"""Verified-claim retrieval (CLEF CheckThat! 2020 Task 2): rank fact-checked claims for each tweet.

Files, TAB-separated UTF-8 with a header row, fields quoted as by a CSV writer (``""`` inside quotes):

* queries: ``tweet_id<TAB>tweet_content``;
* verified claims: ``vclaim_id<TAB>vclaim<TAB>title``;
* qrels: ``tweet_id<TAB>0<TAB>vclaim_id<TAB>relevance`` (no header; spaces accepted as well);
* run (what :func:`write_trec_run` writes): ``query_id<TAB>Q0<TAB>vclaim_id<TAB>rank<TAB>score<TAB>tag``.

Zero-shot ranking: the cosine similarity of the tweet (e5 query side) with the claim and with the
fact-check's title (passage side), plus ``lexical_weight`` times a BM25 score scaled by its best value
for the tweet. With a :class:`~propwatch.narratives.ranker.ClaimRanker` (the shipped default of
``propwatch predict claim-retrieval``), the tweet vector is adapted first and the best candidates are
re-ranked by the learned ranker (see ranker.py).
:func:`mean_average_precision` is MAP@k as the official scorer computes it (trectools ``get_map``).
"""

from __future__ import annotations

import csv
import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

import numpy as np
import numpy.typing as npt

from propwatch.errors import DecodingError, InputNotFoundError, MalformedRecordError
from propwatch.narratives.embeddings import Embedder, EmbeddingCache, FloatMatrix, Progress
from propwatch.narratives.ranker import ClaimLexicon, ClaimRanker, candidate_features, select_candidates

LEXICAL_WEIGHT = 0.1  # chosen on the odd-numbered half of the 2020 train tweets (docs/narratives.md)
TITLE_WEIGHT = 0.25  # weight of the fact-check title similarity (same tuning)
DEFAULT_DEPTH = 1000  # the task accepts at most 1,000 claims per tweet
RUN_TAG = "propwatch-e5"
FloatArray = npt.NDArray[np.float64]
_BATCH = 256  # tweets scored at once: bounds the (tweets × claims) score matrices

_TWEET_NOISE = re.compile(r"pic\.twitter\.com/\S+|https?://\S+")
_TOKEN = re.compile(r"\w+")


@dataclass(frozen=True)
class Query:
    id: str
    text: str


@dataclass(frozen=True)
class VerifiedClaim:
    id: str
    claim: str
    title: str = ""


@dataclass(frozen=True)
class Ranked:
    claim_id: str
    score: float


@dataclass(frozen=True)
class MapResult:
    """MAP@k over the queries present in both the qrels and the run (as the official scorer counts)."""

    k: int
    map: float
    per_query: dict[str, float] = field(default_factory=dict)
    missing_from_run: tuple[str, ...] = ()  # qrels queries the run does not answer (not counted)


def _rows(path: Path, what: str) -> Iterator[tuple[str, list[str]]]:
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:  # a BOM is not part of an id
            reader = csv.reader(handle, delimiter="\t")
            for row in reader:
                if any(cell.strip() for cell in row):
                    yield f"{path} line {reader.line_num}", row
    except FileNotFoundError as exc:
        raise InputNotFoundError(str(path), "no such file") from exc
    except IsADirectoryError as exc:
        raise InputNotFoundError(str(path), f"is a folder, expected a {what} file") from exc
    except UnicodeDecodeError as exc:
        raise DecodingError(str(path), f"not UTF-8 text ({exc.reason} at byte {exc.start})") from exc
    except csv.Error as exc:
        raise MalformedRecordError(str(path), f"not a TAB-separated {what} file: {exc}") from exc


def _with_header(path: Path, what: str, columns: int) -> Iterator[tuple[str, list[str]]]:
    rows = _rows(path, what)
    first = next(rows, None)
    if first is None:
        raise MalformedRecordError(str(path), f"holds no {what}")
    where, header = first
    if len(header) != columns:
        raise MalformedRecordError(where, f"header has {len(header)} columns, expected {columns}")
    for where, row in rows:
        if len(row) != columns:
            raise MalformedRecordError(where, f"expected {columns} TAB-separated columns, got {len(row)}")
        if not row[0].strip():
            raise MalformedRecordError(where, "empty id")
        yield where, row


def _unique(items: list[Query] | list[VerifiedClaim], path: Path) -> None:
    seen: set[str] = set()
    for item in items:
        if item.id in seen:
            raise MalformedRecordError(str(path), f"id {item.id!r} occurs more than once")
        seen.add(item.id)


def read_queries(path: Path) -> list[Query]:
    """Read ``tweet_id<TAB>tweet_content`` rows (after a header row)."""
    queries = [Query(row[0].strip(), row[1]) for _, row in _with_header(path, "tweets", 2)]
    _unique(queries, path)
    return queries


def read_verified_claims(path: Path) -> list[VerifiedClaim]:
    """Read ``vclaim_id<TAB>vclaim<TAB>title`` rows (after a header row)."""
    claims = [VerifiedClaim(row[0].strip(), row[1], row[2]) for _, row in _with_header(path, "claims", 3)]
    _unique(claims, path)
    return claims


def _fields(path: Path, what: str) -> Iterator[tuple[str, list[str]]]:
    try:
        with path.open(encoding="utf-8-sig") as handle:  # a BOM is not part of a query id
            for number, line in enumerate(handle, 1):
                if line.strip():
                    yield f"{path} line {number}", line.split()
    except FileNotFoundError as exc:
        raise InputNotFoundError(str(path), "no such file") from exc
    except IsADirectoryError as exc:
        raise InputNotFoundError(str(path), f"is a folder, expected a {what} file") from exc
    except UnicodeDecodeError as exc:
        raise DecodingError(str(path), f"not UTF-8 text ({exc.reason} at byte {exc.start})") from exc


def read_qrels(path: Path) -> dict[str, set[str]]:
    """Relevant claim ids per query from ``query 0 doc relevance`` lines (relevance > 0 counts)."""
    relevant: dict[str, set[str]] = defaultdict(set)
    for where, parts in _fields(path, "qrels"):
        if len(parts) != 4:
            raise MalformedRecordError(
                where, f"expected 'query_id 0 vclaim_id relevance', got {len(parts)} fields"
            )
        try:
            grade = float(parts[3])
        except ValueError as exc:
            raise MalformedRecordError(where, f"relevance {parts[3]!r} is not a number") from exc
        relevant[parts[0]]  # a query with only non-relevant judgements still counts as judged
        if grade > 0:
            relevant[parts[0]].add(parts[2])
    if not relevant:
        raise MalformedRecordError(str(path), "holds no judgements")
    return dict(relevant)


def read_run(path: Path) -> dict[str, list[Ranked]]:
    """A TREC run, per query, ordered as the official scorer orders it (score, then id, descending)."""
    run: dict[str, list[Ranked]] = defaultdict(list)
    seen: set[tuple[str, str]] = set()
    for where, parts in _fields(path, "run"):
        if len(parts) != 6:
            raise MalformedRecordError(
                where, f"expected 'query_id Q0 vclaim_id rank score tag', got {len(parts)} fields"
            )
        query_id, _, claim_id, rank, score, _ = parts
        if not rank.isdigit():
            raise MalformedRecordError(where, f"rank {rank!r} is not a positive integer")
        try:
            value = float(score)
        except ValueError as exc:
            raise MalformedRecordError(where, f"score {score!r} is not a number") from exc
        if not math.isfinite(value):
            raise MalformedRecordError(where, f"score {score!r} is not finite")
        if (query_id, claim_id) in seen:
            raise MalformedRecordError(where, f"claim {claim_id} is ranked twice for query {query_id}")
        seen.add((query_id, claim_id))
        run[query_id].append(Ranked(claim_id, value))
    if not run:
        raise MalformedRecordError(str(path), "holds no ranked claims")
    return {query: sorted(ranked, key=_official_order) for query, ranked in run.items()}


def _official_order(item: Ranked) -> tuple[float, int, int | str]:
    # trec_eval / trectools order: score descending, ties by document id descending (numeric ids as numbers).
    numeric = item.claim_id.lstrip("-").isdigit()
    return (-item.score, 0 if numeric else 1, -int(item.claim_id) if numeric else _descending(item.claim_id))


def _descending(text: str) -> str:
    return "".join(chr(0x10FFFF - ord(c)) for c in text)


def mean_average_precision(
    qrels: Mapping[str, set[str]], run: Mapping[str, Sequence[Ranked]], k: int = 5
) -> MapResult:
    """MAP@k: per query, the precision at each relevant claim ranked in the top ``k`` (in ``run`` order),
    summed and divided by the number of relevant claims in the qrels; averaged over the queries found
    in both the qrels and the run."""
    per_query: dict[str, float] = {}
    for query, relevant in qrels.items():
        if query not in run:
            continue
        hits, precision_sum = 0, 0.0
        for rank, item in enumerate(run[query][:k], 1):
            if item.claim_id in relevant:
                hits += 1
                precision_sum += hits / rank
        per_query[query] = precision_sum / len(relevant) if relevant else 0.0
    missing = tuple(sorted(set(qrels) - set(run)))
    value = sum(per_query.values()) / len(per_query) if per_query else 0.0
    return MapResult(k=k, map=value, per_query=per_query, missing_from_run=missing)


def write_trec_run(ranking: Mapping[str, Sequence[Ranked]], stream: TextIO, tag: str = RUN_TAG) -> int:
    """Write ``query_id Q0 vclaim_id rank score tag`` lines (TAB-separated); return how many."""
    if not tag or any(c.isspace() for c in tag):
        raise ValueError(f"run tag {tag!r} must be one word")
    lines = 0
    for query_id, ranked in ranking.items():
        for rank, item in enumerate(ranked, 1):
            stream.write(f"{query_id}\tQ0\t{item.claim_id}\t{rank}\t{item.score:.8f}\t{tag}\n")
            lines += 1
    return lines


def clean_tweet(text: str) -> str:
    """The tweet without picture links and URLs (they carry no words to match)."""
    return " ".join(_TWEET_NOISE.sub(" ", text).split())


def _tokens(text: str) -> list[str]:
    return [t for t in _TOKEN.findall(text.lower()) if len(t) > 1 or t.isdigit()]


class BM25:
    """Okapi BM25 (k1 = 1.2, b = 0.75) over a fixed collection, with an in-memory inverted index."""

    def __init__(self, documents: Sequence[str], k1: float = 1.2, b: float = 0.75) -> None:
        self.size = len(documents)
        self._postings: dict[str, list[tuple[int, int]]] = defaultdict(list)
        lengths = np.zeros(self.size, dtype=np.float32)
        for index, document in enumerate(documents):
            counts = Counter(_tokens(document))
            lengths[index] = sum(counts.values())
            for term, count in counts.items():
                self._postings[term].append((index, count))
        average = float(lengths.mean()) if self.size and lengths.mean() > 0 else 1.0
        self._norm = k1 * (1 - b + b * lengths / average)
        self._k1 = k1

    def scores(self, query: str) -> FloatMatrix:
        out = np.zeros(self.size, dtype=np.float32)
        for term in set(_tokens(query)):
            postings = self._postings.get(term)
            if not postings:
                continue
            idf = math.log(1 + (self.size - len(postings) + 0.5) / (len(postings) + 0.5))
            for index, count in postings:
                out[index] += idf * count * (self._k1 + 1) / (count + self._norm[index])
        return out


class ClaimRetriever:
    """Ranks a collection of verified claims for query texts (tweets, article sentences)."""

    def __init__(
        self,
        claims: Sequence[VerifiedClaim],
        embedder: Embedder,
        cache: EmbeddingCache | None = None,
        *,
        lexical_weight: float = LEXICAL_WEIGHT,
        title_weight: float = TITLE_WEIGHT,
        progress: Progress | None = None,
        ranker: ClaimRanker | None = None,
    ) -> None:
        if not claims:
            raise ValueError("no verified claims to search")
        if ranker is not None and ranker.adapter.shape[0] != embedder.dim:
            raise ValueError(
                f"the ranker's adapter is for {ranker.adapter.shape[0]}-d vectors, not {embedder.dim}"
            )
        self.claims = list(claims)
        self.embedder = embedder
        self.ranker = ranker
        # The ranker was trained with its own weights: they override the zero-shot ones.
        self.lexical_weight = ranker.lexical_weight if ranker is not None else lexical_weight
        self.title_weight = ranker.title_weight if ranker is not None else title_weight
        texts = [c.claim for c in self.claims]
        titles = [c.title or c.claim for c in self.claims]
        embed = cache.passages if cache is not None else _uncached
        self._claim_vectors = embed(embedder, texts, progress)
        self._title_vectors = embed(embedder, titles, progress) if self.title_weight or ranker else None
        documents = [f"{c.claim} {c.title}" for c in self.claims]
        self._bm25 = BM25(documents) if self.lexical_weight or ranker else None
        self._lexicon = ClaimLexicon(texts, titles) if ranker is not None else None
        self._claim_title_cos: FloatMatrix | None = None
        if ranker is not None and self._title_vectors is not None:
            self._claim_title_cos = np.einsum("ij,ij->i", self._claim_vectors, self._title_vectors)

    def scores(self, texts: Sequence[str], progress: Progress | None = None) -> FloatMatrix:
        """``(len(texts), len(claims))`` combined scores."""
        vectors = self.embedder.queries([clean_tweet(t) for t in texts], progress=progress)
        combined = vectors @ self._claim_vectors.T
        if self._title_vectors is not None:
            combined += self.title_weight * (vectors @ self._title_vectors.T)
        if self._bm25 is not None:
            for row, text in enumerate(texts):
                lexical = self._bm25.scores(clean_tweet(text))
                best = float(lexical.max())
                if best > 0:
                    combined[row] += self.lexical_weight * lexical / best
        return combined

    def rank(
        self, queries: Sequence[Query], depth: int = DEFAULT_DEPTH, progress: Progress | None = None
    ) -> dict[str, list[Ranked]]:
        """The ``depth`` best claims for each query, best first."""
        if self.ranker is not None:
            return self._rerank(queries, depth, progress)
        scores = self.scores([q.text for q in queries], progress=progress)
        depth = min(depth, len(self.claims))
        ranking: dict[str, list[Ranked]] = {}
        for row, query in enumerate(queries):
            top = np.argpartition(-scores[row], depth - 1)[:depth]
            top = top[np.argsort(-scores[row][top], kind="stable")]
            ranking[query.id] = [Ranked(self.claims[i].id, float(scores[row][i])) for i in top]
        return ranking

    def _rerank(
        self, queries: Sequence[Query], depth: int, progress: Progress | None
    ) -> dict[str, list[Ranked]]:
        ranker = self.ranker
        assert ranker is not None and self._title_vectors is not None and self._bm25 is not None
        assert self._lexicon is not None and self._claim_title_cos is not None
        texts = [clean_tweet(q.text) for q in queries]
        vectors = self.embedder.queries(texts, progress=progress)
        depth = min(depth, len(self.claims))
        ranking: dict[str, list[Ranked]] = {}
        for first in range(0, len(queries), _BATCH):
            batch = vectors[first : first + _BATCH]
            claim_cos = batch @ self._claim_vectors.T
            title_cos = batch @ self._title_vectors.T
            adapted_vectors = ranker.adapt(batch)
            adapted = adapted_vectors @ self._claim_vectors.T
            adapted += ranker.title_weight * (adapted_vectors @ self._title_vectors.T)
            for row in range(len(batch)):
                position = first + row
                candidates, adapted_fused = select_candidates(
                    claim_cos[row],
                    title_cos[row],
                    self._bm25.scores(texts[position]),
                    adapted[row],
                    self._claim_vectors,
                    self._claim_title_cos,
                    candidates=ranker.candidates,
                    lexical_weight=ranker.lexical_weight,
                )
                features = candidate_features(
                    texts[position],
                    candidates,
                    self._lexicon,
                    title_weight=ranker.title_weight,
                    lexical_weight=ranker.lexical_weight,
                )
                ranking[queries[position].id] = self._merge(
                    candidates.indices, ranker.score(features), adapted_fused, depth
                )
        return ranking

    def _merge(
        self,
        indices: npt.NDArray[np.intp],
        learned: npt.NDArray[np.float64],
        fallback: FloatArray,
        depth: int,
    ) -> list[Ranked]:
        # Re-ranked candidates first, then the other claims by the adapted score, strictly below them.
        order = np.argsort(-learned, kind="stable")
        ranked = [Ranked(self.claims[indices[i]].id, float(learned[i])) for i in order]
        rest_count = depth - len(ranked)
        if rest_count <= 0:
            return ranked[:depth]
        rest = np.full(len(self.claims), -np.inf)
        keep = np.ones(len(self.claims), dtype=bool)
        keep[indices] = False
        rest[keep] = fallback[keep]
        top = np.argpartition(-rest, rest_count - 1)[:rest_count]
        top = top[np.argsort(-rest[top], kind="stable")]
        floor = float(learned.min()) - 1.0 - float(rest[top[0]])
        return ranked + [Ranked(self.claims[i].id, floor + float(rest[i])) for i in top]


def _uncached(embedder: Embedder, texts: Sequence[str], progress: Progress | None) -> FloatMatrix:
    return embedder.passages(texts, progress=progress)


def ranking_of(scores: Iterable[tuple[str, float]]) -> list[Ranked]:
    """Ranked claims from (id, score) pairs, best first in the official order."""
    return sorted((Ranked(cid, s) for cid, s in scores), key=_official_order)
