"""A learned re-ranker for verified-claim retrieval (CheckThat! 2020 Task 2), numpy only at run time.

Two learned parts, both trained on the 2020 train tweets (``propwatch train claim-retrieval``):

* a query-side adapter: the tweet's e5 vector ``q`` becomes ``q + q @ A`` (then L2-normalised) before
  its cosine with the frozen claim and title vectors (``A``: a ridge regression towards the tweets'
  claims and away from their nearest other claims, see propwatch.training.claim_retrieval);
* a linear pairwise ranker over :data:`FEATURES` of the best ``candidates`` claims per tweet
  (similarities, BM25, ranks, and overlaps of words, capitalised names, numbers and the tweet's
  "— Name (@handle) Month day, year" signature with the claim and the fact-check title).

The model folder holds ``model.json`` (feature names, standardisation, weights) and ``weights.npz``
(the adapter matrix). See src/propwatch/models/claim_retrieval/MODEL_CARD.md.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import numpy as np
import numpy.typing as npt

from propwatch.errors import ConfigurationError
from propwatch.models.model_files import read_model_document, read_weights

FloatArray = npt.NDArray[np.float64]
IndexArray = npt.NDArray[np.intp]
Floats = npt.NDArray[np.floating[Any]]  # float32 or float64 score rows

MODEL_FORMAT: Final = "propwatch-claim-ranker/1"
SHIPPED_MODEL: Final = Path(__file__).resolve().parent.parent / "models" / "claim_retrieval"

FEATURES: Final = (
    "fused",  # zero-shot score: claim cos + title weight × title cos + lexical weight × BM25 / best
    "claim_cos",
    "title_cos",
    "bm25_norm",
    "bm25_log",
    "fused_gap",  # difference to the best candidate of the tweet, for each score
    "claim_cos_gap",
    "title_cos_gap",
    "rr_fused",  # reciprocal rank among the candidates, for each score
    "rr_claim",
    "rr_title",
    "rr_bm25",
    "overlap_of_tweet",  # shared content words / tweet words
    "overlap_of_claim",  # shared content words / claim + title words
    "names_shared",  # capitalised tweet words found in the claim or title
    "names_shared_frac",
    "claim_names_in_tweet",  # capitalised claim words found in the tweet (body or signature name)
    "numbers_shared",
    "numbers_shared_frac",
    "claim_has_other_number",
    "signature_name_in_claim",
    "signature_handle_in_claim",
    "signature_year_in_claim",
    "signature_month_in_claim",
    "claim_length_log",
    "tweet_length_log",
    "similarity_to_best",  # cos(candidate claim, best candidate claim): near-duplicate fact-checks
    "claim_title_cos",
    "adapted",  # adapted claim cos + title weight × adapted title cos
    "adapted_fused",
    "adapted_fused_gap",
    "rr_adapted_fused",
)

_STOP_WORDS: Final = (
    "the a an and or of to in on for is are was were be been it its this that with as at by from he she "
    "they we you i his her their our your not no but if so do does did has have had will would can could "
    "should about after before into over than then there what when where who which why how all any more "
    "most some such only own same just also very rt amp"
)
_STOP: Final = frozenset(_STOP_WORDS.split())
_WORD = re.compile(r"[^\W\d_][\w'’-]*|\d[\d,.]*")
_NUMBER = re.compile(r"\d[\d,.]*\d|\d")
_SIGNATURE = re.compile(
    r"[—–]\s*(?P<name>[^—–()]{1,80}?)\s*\(@(?P<handle>\w+)\)\s*(?P<month>[A-Z][a-z]+)\.?\s+\d{1,2},\s*"
    r"(?P<year>\d{4})\s*$"
)


@dataclass(frozen=True)
class Signature:
    """The "— Name (@handle) Month day, year" line that ends an embedded tweet, split up."""

    body: str
    name: str = ""
    handle: str = ""
    month: str = ""
    year: str = ""


def split_signature(text: str) -> Signature:
    """The tweet text before its signature, and the signature's parts (empty when it has none)."""
    found = _SIGNATURE.search(text)
    if found is None:
        return Signature(text)
    return Signature(
        text[: found.start()].strip(),
        found["name"].strip(),
        found["handle"],
        found["month"],
        found["year"],
    )


def _words(text: str) -> list[str]:
    return [w.lower().strip("'’") for w in _WORD.findall(text)]


def _names(text: str) -> set[str]:
    return {w.lower().strip("'’") for w in _WORD.findall(text) if w[0].isupper() and len(w) > 1} - _STOP


def _numbers(text: str) -> set[str]:
    return {n.replace(",", "") for n in _NUMBER.findall(text)}


class ClaimLexicon:
    """Per-claim word, name and number sets of claim + title, computed once per collection."""

    def __init__(self, claims: Sequence[str], titles: Sequence[str]) -> None:
        joined = [f"{c} {t}" for c, t in zip(claims, titles, strict=True)]
        self.words = [set(_words(text)) - _STOP for text in joined]
        self.names = [_names(text) for text in joined]
        self.numbers = [_numbers(text) for text in joined]
        self.squashed = [re.sub(r"\W", "", text.lower()) for text in joined]
        self.length_log = np.array([math.log1p(len(_words(c))) for c in claims], dtype=np.float64)


@dataclass(frozen=True)
class CandidateScores:
    """Scores of one tweet's candidate claims (best ``adapted_fused`` first), as the ranker reads them."""

    indices: IndexArray  # positions in the claim collection
    claim_cos: FloatArray
    title_cos: FloatArray
    bm25: FloatArray  # raw BM25
    bm25_best: float  # the best BM25 of the tweet over the whole collection
    adapted: FloatArray
    similarity_to_best: FloatArray
    claim_title_cos: FloatArray


def select_candidates(
    claim_cos: Floats,
    title_cos: Floats,
    bm25: Floats,
    adapted: Floats,
    claim_vectors: Floats,
    claim_title_cos: Floats,
    *,
    candidates: int,
    lexical_weight: float,
) -> tuple[CandidateScores, FloatArray]:
    """One tweet's best ``candidates`` claims by adapted score + BM25, and that score for every claim.

    The arguments are the tweet's scores against the whole collection (one value per claim).
    """
    best = float(bm25.max()) if len(bm25) else 0.0
    adapted_fused = adapted + (lexical_weight * bm25 / best if best > 0 else 0.0)
    count = min(candidates, len(adapted_fused))
    top = np.argpartition(-adapted_fused, count - 1)[:count]
    top = top[np.argsort(-adapted_fused[top], kind="stable")]
    chosen = claim_vectors[top]
    scores = CandidateScores(
        indices=top,
        claim_cos=np.asarray(claim_cos[top], dtype=np.float64),
        title_cos=np.asarray(title_cos[top], dtype=np.float64),
        bm25=np.asarray(bm25[top], dtype=np.float64),
        bm25_best=best,
        adapted=np.asarray(adapted[top], dtype=np.float64),
        similarity_to_best=np.asarray(chosen @ chosen[0], dtype=np.float64),
        claim_title_cos=np.asarray(claim_title_cos[top], dtype=np.float64),
    )
    return scores, np.asarray(adapted_fused, dtype=np.float64)


def _reciprocal_ranks(values: FloatArray) -> FloatArray:
    order = np.argsort(-values, kind="stable")
    ranks = np.empty(len(values), dtype=np.float64)
    ranks[order] = np.arange(1, len(values) + 1)
    return 1.0 / ranks


def candidate_features(
    tweet: str,
    scores: CandidateScores,
    lexicon: ClaimLexicon,
    *,
    title_weight: float,
    lexical_weight: float,
) -> FloatArray:
    """``(len(candidates), len(FEATURES))`` features of a tweet's (URL-free) text and its candidates."""
    sig = split_signature(tweet)
    body_words = set(_words(sig.body)) - _STOP
    body_names = _names(sig.body)
    body_numbers = _numbers(sig.body)
    name_words = set(_words(sig.name)) - _STOP
    handle = sig.handle.lower()
    bm25_norm = scores.bm25 / scores.bm25_best if scores.bm25_best > 0 else np.zeros_like(scores.bm25)
    fused = scores.claim_cos + title_weight * scores.title_cos + lexical_weight * bm25_norm
    adapted_fused = scores.adapted + lexical_weight * bm25_norm
    rows = np.zeros((len(scores.indices), len(FEATURES)), dtype=np.float64)
    rows[:, 0] = fused
    rows[:, 1] = scores.claim_cos
    rows[:, 2] = scores.title_cos
    rows[:, 3] = bm25_norm
    rows[:, 4] = np.log1p(scores.bm25)
    rows[:, 5] = fused - fused.max()
    rows[:, 6] = scores.claim_cos - scores.claim_cos.max()
    rows[:, 7] = scores.title_cos - scores.title_cos.max()
    for column, values in ((8, fused), (9, scores.claim_cos), (10, scores.title_cos), (11, scores.bm25)):
        rows[:, column] = _reciprocal_ranks(values)
    for row, index in enumerate(scores.indices):
        words, numbers = lexicon.words[index], lexicon.numbers[index]
        shared = len(body_words & words)
        names_shared = len(body_names & words)
        numbers_shared = len(body_numbers & numbers)
        claim_names = lexicon.names[index]
        rows[row, 12] = shared / max(len(body_words), 1)
        rows[row, 13] = shared / max(len(words), 1)
        rows[row, 14] = names_shared
        rows[row, 15] = names_shared / max(len(body_names), 1)
        rows[row, 16] = len(claim_names & (body_words | name_words)) / max(len(claim_names), 1)
        rows[row, 17] = numbers_shared
        rows[row, 18] = numbers_shared / max(len(body_numbers), 1)
        rows[row, 19] = float(bool(numbers - body_numbers - {sig.year}))
        rows[row, 20] = len(name_words & words) / len(name_words) if name_words else 0.0
        rows[row, 21] = float(len(handle) > 3 and handle in lexicon.squashed[index])
        rows[row, 22] = float(bool(sig.year) and sig.year in numbers)
        rows[row, 23] = float(bool(sig.month) and sig.month.lower() in words)
        rows[row, 24] = lexicon.length_log[index]
    rows[:, 25] = math.log1p(len(body_words))
    rows[:, 26] = scores.similarity_to_best
    rows[:, 27] = scores.claim_title_cos
    rows[:, 28] = scores.adapted
    rows[:, 29] = adapted_fused
    rows[:, 30] = adapted_fused - adapted_fused.max()
    rows[:, 31] = _reciprocal_ranks(adapted_fused)
    return rows


def adapt_queries(queries: Floats, adapter: FloatArray) -> npt.NDArray[np.float32]:
    """``normalise(q + q @ adapter)`` for each row ``q``."""
    vectors = np.asarray(queries, dtype=np.float64)
    adapted = vectors + vectors @ adapter
    norms = np.linalg.norm(adapted, axis=1, keepdims=True)
    out: npt.NDArray[np.float32] = (adapted / np.maximum(norms, 1e-12)).astype(np.float32)
    return out


@dataclass(frozen=True)
class ClaimRanker:
    """The query adapter and the linear ranker over standardised :data:`FEATURES`."""

    adapter: FloatArray  # (dim, dim): q ↦ q + q @ adapter
    mean: FloatArray
    scale: FloatArray
    weights: FloatArray
    candidates: int = 50
    title_weight: float = 0.25
    lexical_weight: float = 0.1
    training: dict[str, Any] | None = None  # data, choices and cross-fitted figures, for the card

    def __post_init__(self) -> None:
        d = len(FEATURES)
        if self.mean.shape != (d,) or self.scale.shape != (d,) or self.weights.shape != (d,):
            raise ValueError(f"the ranker needs {d} means, scales and weights")
        if self.adapter.ndim != 2 or self.adapter.shape[0] != self.adapter.shape[1]:
            raise ValueError("the query adapter must be a square matrix")
        if self.candidates < 1 or np.any(self.scale <= 0):
            raise ValueError("candidates must be positive and scales strictly positive")

    def adapt(self, queries: Floats) -> npt.NDArray[np.float32]:
        """The adapted, L2-normalised query vectors."""
        return adapt_queries(queries, self.adapter)

    def score(self, features: FloatArray) -> FloatArray:
        """One ranking score per candidate row (higher is better)."""
        return ((features - self.mean) / self.scale) @ self.weights  # type: ignore[no-any-return]

    def save(self, folder: Path) -> None:
        """Write ``model.json`` and ``weights.npz`` into ``folder`` (created if missing)."""
        folder.mkdir(parents=True, exist_ok=True)
        document = {
            "format": MODEL_FORMAT,
            "features": list(FEATURES),
            "candidates": self.candidates,
            "title_weight": self.title_weight,
            "lexical_weight": self.lexical_weight,
            "mean": [round(float(v), 8) for v in self.mean],
            "scale": [round(float(v), 8) for v in self.scale],
            "weights": [round(float(v), 8) for v in self.weights],
            "training": self.training or {},
        }
        (folder / "model.json").write_text(json.dumps(document, indent=1) + "\n", encoding="utf-8")
        np.savez_compressed(folder / "weights.npz", adapter=self.adapter.astype(np.float32))

    @classmethod
    def load(cls, folder: Path) -> ClaimRanker:
        """Read a model folder written by :meth:`save`; a damaged one raises ConfigurationError."""
        model_file = folder / "model.json"
        document = read_model_document(model_file, "claim-retrieval ranker", MODEL_FORMAT)
        if tuple(document.get("features", ())) != FEATURES:
            raise ConfigurationError(str(model_file), "was trained on other features than this version reads")
        weights = read_weights(folder / "weights.npz")
        if "adapter" not in weights:
            raise ConfigurationError(str(folder / "weights.npz"), "holds no query adapter")
        try:
            return cls(
                adapter=weights["adapter"],
                mean=np.asarray(document["mean"], dtype=np.float64),
                scale=np.asarray(document["scale"], dtype=np.float64),
                weights=np.asarray(document["weights"], dtype=np.float64),
                candidates=int(document["candidates"]),
                title_weight=float(document["title_weight"]),
                lexical_weight=float(document["lexical_weight"]),
                training=document.get("training") or None,
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise ConfigurationError(str(model_file), f"is not a valid ranker: {exc}") from exc
