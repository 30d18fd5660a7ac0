"""A deterministic validation split by article, and a fingerprint to pin it.

Each article id is ranked by ``sha256(f"{seed}:{id}")``; the lowest-ranked ``round(fraction * n)`` ids
(at least one when there are two or more) go to validation. The result depends only on the set of ids,
the seed and the fraction — not on their order, the Python version or ``PYTHONHASHSEED`` — so a
quality gate can pin :func:`split_fingerprint` and notice when the split changes.

Split PTC and SemEval-2023 English together (they are the same articles): same ids, same sides.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass

from propwatch.errors import ConfigurationError


@dataclass(frozen=True)
class ArticleSplit:
    """Training and validation article ids, each sorted."""

    train: tuple[str, ...]
    validation: tuple[str, ...]

    def fingerprint(self) -> str:
        return split_fingerprint(self)


def _rank(seed: int, article_id: str) -> bytes:
    return hashlib.sha256(f"{seed}:{article_id}".encode()).digest()


def fold_of(key: str, seed: int, folds: int) -> int:
    """The cross-validation fold of ``key`` (a group or article key): a hash of seed and key, stable
    across runs and Python versions."""
    return int.from_bytes(hashlib.sha256(f"{seed}:fold:{key}".encode()).digest()[:4], "big") % folds


def split_by_article(ids: Iterable[str], seed: int = 13, fraction: float = 0.15) -> ArticleSplit:
    """Split article ids into training and validation (``fraction`` of them), deterministically."""
    if not 0.0 < fraction < 1.0:
        raise ConfigurationError("fraction", f"validation fraction must be between 0 and 1, got {fraction}")
    unique = sorted(set(ids))
    count = round(fraction * len(unique))
    if len(unique) >= 2:
        count = min(max(count, 1), len(unique) - 1)
    ranked = sorted(unique, key=lambda article_id: _rank(seed, article_id))
    validation = set(ranked[:count])
    return ArticleSplit(
        train=tuple(i for i in unique if i not in validation),
        validation=tuple(i for i in unique if i in validation),
    )


def split_fingerprint(split: ArticleSplit) -> str:
    """First 16 hex digits of a SHA-256 over both sides of the split."""
    digest = hashlib.sha256()
    for side, ids in (("train", split.train), ("validation", split.validation)):
        digest.update(side.encode())
        for article_id in sorted(ids):
            digest.update(b"\x00" + article_id.encode())
        digest.update(b"\x01")
    return digest.hexdigest()[:16]
