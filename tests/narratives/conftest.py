"""Fixtures for the narrative tests.

``embedding_cache_dir`` keeps passage embeddings between test runs (pytest's cache folder; keys are
content hashes, so a stale entry can never be used), which keeps the suite fast on a busy machine.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from propwatch.settings import Settings


@pytest.fixture(scope="session")
def embedding_cache_dir(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    cache = getattr(request.config, "cache", None)
    if cache is not None:
        return Path(cache.mkdir("propwatch-embeddings"))
    return tmp_path_factory.mktemp("embeddings")


@pytest.fixture
def settings(tmp_path: Path, embedding_cache_dir: Path) -> Settings:
    """Settings with an empty data folder whose embedding cache is shared between tests."""
    data_dir = tmp_path / "data"
    (data_dir / "cache").mkdir(parents=True)
    (data_dir / "cache" / "embeddings").symlink_to(embedding_cache_dir, target_is_directory=True)
    return Settings(data_dir=data_dir, inference_threads=1)
