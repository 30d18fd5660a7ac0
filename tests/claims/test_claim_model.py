"""The model file format and numpy inference."""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from propwatch.claims.embedding import DIM, EmbeddingCache, normalize_text, text_key
from propwatch.claims.features import FEATURE_NAMES, lexical_features
from propwatch.claims.model import CheckWorthinessModel, Head
from propwatch.errors import ConfigurationError

SIZE = DIM + len(FEATURE_NAMES)


def _model(layers: int = 2) -> CheckWorthinessModel:
    rng = np.random.default_rng(0)
    sizes = [SIZE, 8, 1][: layers + 1] if layers == 2 else [SIZE, 1]
    head = Head(
        mean=rng.normal(size=SIZE),
        scale=rng.uniform(0.5, 2.0, size=SIZE),
        weights=tuple(rng.normal(size=(a, b)) for a, b in itertools.pairwise(sizes)),
        biases=tuple(rng.normal(size=b) for b in sizes[1:]),
    )
    return CheckWorthinessModel(head, (1.5, -0.5), {"default": 0.5, "en": 0.4}, seed=7, version="t1")


def test_inference_is_standardise_relu_layers_then_platt(fake_encode: Callable[..., np.ndarray]) -> None:
    model = _model()
    texts = ["Taxes rose by 5 percent in 2020.", "Thank you all."]
    embeddings = fake_encode(texts)
    x = np.hstack([embeddings, lexical_features(texts)]).astype(np.float64)
    z = (x - model.head.mean) / model.head.scale
    hidden = np.maximum(z @ model.head.weights[0] + model.head.biases[0], 0)
    logit = (hidden @ model.head.weights[1] + model.head.biases[1]).ravel()
    expected = 1 / (1 + np.exp(-(1.5 * logit - 0.5)))
    assert np.allclose(model.scores(texts, fake_encode), expected)
    assert model.scores([], fake_encode).shape == (0,)
    assert model.threshold("en") == 0.4 and model.threshold("fr") == 0.5 and model.threshold(None) == 0.5


@pytest.mark.parametrize("layers", [1, 2])
def test_save_and_load_round_trip(
    tmp_path: Path, layers: int, fake_encode: Callable[..., np.ndarray]
) -> None:
    model = _model(layers)
    model.save(tmp_path)
    loaded = CheckWorthinessModel.load(tmp_path)
    assert loaded.thresholds == model.thresholds and loaded.seed == 7 and loaded.version == "t1"
    texts = ["The economy grew 3 percent.", "Hello there, everyone in the hall."]
    # Weights are stored as float32: equal to about 1e-5.
    assert np.allclose(loaded.scores(texts, fake_encode), model.scores(texts, fake_encode), atol=1e-4)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d.update(format="other/1"), "is not a propwatch-claims/1 model file"),
        (lambda d: d.update(encoder="bert"), "was trained on 'bert' embeddings"),
        (lambda d: d.pop("platt"), "lacks or garbles the field 'platt'"),
        (lambda d: d.update(thresholds={"en": 0.3}), "thresholds.default"),
        (lambda d: d.update(layers=3), "lacks the array 'w2'"),
        (lambda d: d.update(platt={"a": "nan", "b": 0}), "not finite"),
    ],
)
def test_broken_model_files_are_configuration_errors(
    tmp_path: Path, change: Callable[[dict[str, object]], object], message: str
) -> None:
    _model().save(tmp_path)
    document = json.loads((tmp_path / "model.json").read_text())
    change(document)
    (tmp_path / "model.json").write_text(json.dumps(document))
    with pytest.raises(ConfigurationError, match=message):
        CheckWorthinessModel.load(tmp_path)


def test_missing_or_mismatched_weights(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError, match="cannot read the claims model"):
        CheckWorthinessModel.load(tmp_path)
    _model().save(tmp_path)
    with np.load(tmp_path / "weights.npz") as data:
        arrays = {k: data[k] for k in data.files}
    arrays["w0"] = arrays["w0"][:-1]
    np.savez(tmp_path / "weights.npz", **arrays)
    with pytest.raises(ConfigurationError, match="layer 0 has shape"):
        CheckWorthinessModel.load(tmp_path)


def test_embedding_cache_resumes(tmp_path: Path, fake_encode: Callable[..., np.ndarray]) -> None:
    seen: list[str] = []

    def encode(texts: list[str]) -> np.ndarray:
        seen.extend(texts)
        return fake_encode(texts)

    texts = ["one two", "three four", "one two", "five"]
    first = EmbeddingCache(tmp_path).embed(texts, encode, save_every=2)
    assert seen == ["one two", "three four", "five"]
    again = EmbeddingCache(tmp_path).embed([*texts, "six"], encode)
    assert seen[-1] == "six" and len(seen) == 4
    assert np.array_equal(again[:4], first)
    (tmp_path / "part-99999.npz").write_bytes(b"truncated")  # an interrupted write is ignored
    assert len(EmbeddingCache(tmp_path)) == 4


def test_normalisation_drops_links_and_spacing() -> None:
    assert normalize_text("  Look  https://t.co/x1\nnow ") == "Look URL now"
    assert text_key("a  b") == text_key("a b") != text_key("a c")
