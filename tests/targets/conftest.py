"""The target tests' shared alias catalogue: the shipped one, read from an empty data folder."""

from __future__ import annotations

import pytest

from propwatch.settings import Settings
from propwatch.targets.aliases import AliasCatalogue, load_aliases


@pytest.fixture(scope="module")
def catalogue(tmp_path_factory: pytest.TempPathFactory) -> AliasCatalogue:
    return load_aliases(Settings(data_dir=tmp_path_factory.mktemp("data")))
