"""MinHash signatures of texts and the near-duplicate clusters they reveal (MinHash LSH, datasketch).

A signature is ``num_perm`` 32-bit minimum hashes of a text's word shingles: the share of equal
positions between two signatures estimates the Jaccard similarity of their shingle sets. LSH cuts
signatures into bands so that only texts sharing a whole band are ever compared.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from functools import cache

import numpy as np
import numpy.typing as npt
from datasketch import LeanMinHash, MinHash, MinHashLSH

from propwatch.republication.shingles import word_shingles
from propwatch.settings import Settings

Signature = npt.NDArray[np.uint32]
SCHEME = "affine32"
SEED = 1
_DTYPE = np.dtype("<u4")


@dataclass(frozen=True)
class SignatureParams:
    """How signatures are made and banded; signatures made with other params are not comparable."""

    num_perm: int
    shingle_words: int
    threshold: float

    @classmethod
    def from_settings(cls, settings: Settings) -> SignatureParams:
        return cls(
            num_perm=settings.republication_num_perm,
            shingle_words=settings.republication_shingle_words,
            threshold=settings.republication_threshold,
        )

    @property
    def bands(self) -> tuple[int, int]:
        """(bands, rows per band) that datasketch finds best for this threshold."""
        return _bands(self.threshold, self.num_perm)

    @property
    def signature_key(self) -> str:
        """What the signature itself depends on: not the threshold, which only sets the bands."""
        return f"{SCHEME};seed={SEED};perm={self.num_perm};words={self.shingle_words}"

    @property
    def key(self) -> str:
        """One string naming every parameter, stored beside each signature."""
        bands, rows = self.bands
        return f"{self.signature_key};bands={bands}x{rows}"


# Banding that favours finding a copy over sparing a comparison: with 128 permutations and threshold
# 0.5, 32 bands of 4 rows make a pair of similarity 0.5 a candidate 87 % of the time (datasketch's
# even weights, 25 bands of 5: 55 %); every candidate is then compared on its whole signature.
LSH_WEIGHTS = (0.1, 0.9)


@cache
def _bands(threshold: float, num_perm: int) -> tuple[int, int]:
    lsh = MinHashLSH(threshold=threshold, num_perm=num_perm, weights=LSH_WEIGHTS)
    return int(lsh.b), int(lsh.r)


@cache
def _permutations(num_perm: int) -> object:
    # Drawing the permutations is the costly part of a new MinHash: done once per process.
    return MinHash(num_perm=num_perm, seed=SEED, scheme=SCHEME).permutations


def text_signature(text: str, params: SignatureParams) -> Signature:
    """The MinHash signature of ``text``'s story shingles (boilerplate removed, case and spacing folded)."""
    minhash = MinHash(
        num_perm=params.num_perm, seed=SEED, scheme=SCHEME, permutations=_permutations(params.num_perm)
    )
    shingles = word_shingles(text, params.shingle_words)
    if shingles:
        minhash.update_batch([shingle.encode("utf-8") for shingle in sorted(shingles)])
    return np.asarray(minhash.hashvalues, dtype=np.uint32)


def signature_to_bytes(signature: Signature) -> bytes:
    return signature.astype(_DTYPE, copy=False).tobytes()


def signature_from_bytes(data: bytes) -> Signature:
    return np.frombuffer(data, dtype=_DTYPE).astype(np.uint32)


_EMPTY = np.iinfo(np.uint32).max  # every position of the signature of no shingle at all


def similarity(first: Signature, second: Signature) -> float:
    """Estimated Jaccard similarity of the two texts' shingle sets; 0 when either has none (texts of
    links or emoji only are not copies of each other)."""
    if first.shape != second.shape:
        raise ValueError("signatures of different lengths cannot be compared")
    if bool(np.all(first == _EMPTY)) or bool(np.all(second == _EMPTY)):
        return 0.0
    return float(np.count_nonzero(first == second)) / float(first.shape[0])


def band_buckets(signature: Signature, params: SignatureParams) -> list[str]:
    """One bucket key per LSH band: texts that share any bucket are candidates."""
    bands, rows = params.bands
    data = signature.astype(_DTYPE, copy=False)
    return [
        hashlib.blake2b(data[band * rows : (band + 1) * rows].tobytes(), digest_size=8).hexdigest()
        for band in range(bands)
    ]


# --- clusters ------------------------------------------------------------------------------------


_HEADLINE_WORDS = re.compile(r"[^\W_]+")


@dataclass(frozen=True)
class Copy:
    """One place a text appeared: the article (by id) and where and when it was published."""

    article_id: str
    url: str | None = None
    outlet: str | None = None
    published: date | None = None
    title: str | None = None

    def order(self) -> tuple[bool, date, str, str, str, str]:
        # Earliest date first; undated copies last; the rest only makes the order total.
        return (
            self.published is None,
            self.published or date.max,
            self.outlet or "",
            self.url or "",
            self.article_id,
            self.title or "",
        )

    def place(self) -> tuple[str, str | None, str | None, str]:
        """What makes it another appearance: the article, where, and the headline as words (a feed that
        re-dates an item, or "# Headline" read again as "Headline", is the same appearance)."""
        headline = " ".join(_HEADLINE_WORDS.findall((self.title or "").casefold()))
        return (self.article_id, self.url, self.outlet, headline)


@dataclass(frozen=True)
class RepublicationCluster:
    """Copies of one text: ``origin`` is the earliest published, ``copies`` all of them, origin first."""

    cluster_id: str
    origin: Copy
    copies: tuple[Copy, ...]

    @property
    def outlets(self) -> tuple[str, ...]:
        """Distinct outlets (or, lacking one, URL hosts) the text appeared on, in order of appearance."""
        return tuple(dict.fromkeys(_where(copy) for copy in self.copies if _where(copy)))

    @property
    def article_ids(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(copy.article_id for copy in self.copies))


def _where(copy: Copy) -> str:
    if copy.outlet:
        return copy.outlet
    if copy.url and "://" in copy.url:
        return copy.url.split("://", 1)[1].split("/", 1)[0].lower()
    return ""


def build_cluster(copies: Iterable[Copy]) -> RepublicationCluster:
    """A cluster of these copies, each appearance (:meth:`Copy.place`) once, at its earliest date: a
    re-crawl dated later had replaced the first and named a later copy elsewhere the origin. The same
    text at one address or outlet under another headline is another appearance."""
    earliest: dict[tuple[str, str | None, str | None, str], Copy] = {}
    for copy in sorted(copies, key=Copy.order):
        earliest.setdefault(copy.place(), copy)
    ordered = tuple(earliest.values())
    return RepublicationCluster(cluster_id=ordered[0].article_id, origin=ordered[0], copies=ordered)


def find_clusters(
    signatures: Mapping[str, Signature], copies: Iterable[Copy], params: SignatureParams
) -> list[RepublicationCluster]:
    """Near-duplicate clusters among ``signatures`` (article id → signature) with two or more copies.

    Candidates come from MinHash LSH; a pair joins a cluster only if its estimated similarity reaches
    the threshold, and clusters are the connected groups of such pairs, so the result does not
    depend on the order of the input. Clusters come largest first.
    """
    ids = sorted(signatures)
    parent = {article_id: article_id for article_id in ids}

    def root(item: str) -> str:
        while parent[item] != item:
            parent[item] = parent[parent[item]]
            item = parent[item]
        return item

    bands, rows = params.bands
    lsh = MinHashLSH(num_perm=params.num_perm, params=(bands, rows))
    sketches = {
        article_id: LeanMinHash(seed=SEED, hashvalues=signatures[article_id], scheme=SCHEME)
        for article_id in ids
    }
    with lsh.insertion_session() as session:
        for article_id in ids:
            session.insert(article_id, sketches[article_id], check_duplication=False)
    for article_id in ids:
        for other in lsh.query(sketches[article_id]):
            if other <= article_id:
                continue
            if similarity(signatures[article_id], signatures[other]) >= params.threshold:
                first, second = root(article_id), root(other)
                if first != second:
                    parent[max(first, second)] = min(first, second)
    groups: dict[str, list[Copy]] = {}
    for copy in copies:
        if copy.article_id in parent:
            groups.setdefault(root(copy.article_id), []).append(copy)
    clusters = [build_cluster(members) for members in groups.values()]
    clusters = [cluster for cluster in clusters if len(cluster.copies) > 1]
    return sorted(clusters, key=lambda cluster: (-len(cluster.copies), cluster.cluster_id))
