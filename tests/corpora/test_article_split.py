"""The deterministic validation split by article."""

from __future__ import annotations

import pytest

from propwatch.corpora import split_by_article, split_fingerprint
from propwatch.errors import ConfigurationError

IDS = [str(700000000 + 37 * i) for i in range(200)]


def test_split_is_exact_disjoint_and_order_independent() -> None:
    split = split_by_article(IDS)
    assert len(split.validation) == 30 and len(split.train) == 170
    assert set(split.train).isdisjoint(split.validation)
    assert set(split.train) | set(split.validation) == set(IDS)
    assert split_by_article(reversed(IDS + IDS)) == split


def test_split_depends_on_seed_and_fraction() -> None:
    base = split_by_article(IDS)
    assert split_by_article(IDS, seed=14).validation != base.validation
    assert len(split_by_article(IDS, fraction=0.5).validation) == 100


def test_split_is_pinned() -> None:
    # sha256-based ranking: the same ids give the same split on every machine and Python version.
    split = split_by_article(IDS)
    assert split.validation[:3] == ("700000444", "700000740", "700000777")
    assert split_fingerprint(split) == split.fingerprint() == "bd2222b5fe154ef8"


def test_tiny_and_invalid_inputs() -> None:
    assert len(split_by_article(["a", "b"]).validation) == 1
    assert split_by_article(["a"]).validation == ()
    with pytest.raises(ConfigurationError):
        split_by_article(IDS, fraction=1.0)
