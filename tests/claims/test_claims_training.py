"""Training end to end on a tiny synthetic corpus, with a hashed bag-of-words in place of e5."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from propwatch.claims.model import CheckWorthinessModel
from propwatch.errors import ConfigurationError
from propwatch.training.claims import ClaimsTrainingConfig, expected_calibration_error, train_claims


@pytest.mark.parametrize("head", ["logistic", "mlp"])
def test_training_writes_a_model_that_learns_the_synthetic_task(
    corpus_dir: Path, tmp_path: Path, fake_encode: Callable[..., np.ndarray], head: str
) -> None:
    out = tmp_path / "model"
    config = ClaimsTrainingConfig(head=head, folds=3, hidden=16, validation_fraction=0.25)  # type: ignore[arg-type]
    report = train_claims(corpus_dir, out, config=config, encode=fake_encode)

    assert (out / "model.json").is_file() and (out / "weights.npz").is_file()
    assert report.validation["ct24-en"]["f1"] > 0.8
    assert set(report.thresholds) >= {"default", "en"}
    # Every dataset appears on both sides of the split, and nothing is counted twice.
    assert {"train:ct24-en", "validation:ct24-en", "train:ct24-ar", "train:ct20-en"} <= set(report.counts)
    document = json.loads((out / "model.json").read_text())
    assert document["seed"] == 13 and document["head"] == head
    model = CheckWorthinessModel.load(out)
    scores = model.scores(
        ["Unemployment fell to 7 percent in 1999.", "I think we must thank you."], fake_encode
    )
    assert scores[0] > model.threshold("en") > scores[1]


def test_training_is_reproducible_and_uses_the_cache(
    corpus_dir: Path, tmp_path: Path, fake_encode: Callable[..., np.ndarray]
) -> None:
    calls: list[int] = []

    def counting(texts: list[str]) -> np.ndarray:
        calls.append(len(texts))
        return fake_encode(texts)

    config = ClaimsTrainingConfig(head="logistic", folds=3)
    cache = tmp_path / "cache"
    train_claims(corpus_dir, tmp_path / "a", cache_dir=cache, config=config, encode=counting)
    embedded_first = sum(calls)
    train_claims(corpus_dir, tmp_path / "b", cache_dir=cache, config=config, encode=counting)
    assert embedded_first > 0 and sum(calls) == embedded_first  # the second run embedded nothing
    with np.load(tmp_path / "a" / "weights.npz") as a, np.load(tmp_path / "b" / "weights.npz") as b:
        assert all(np.array_equal(a[k], b[k]) for k in a.files)


def test_training_refuses_a_missing_data_folder(
    tmp_path: Path, fake_encode: Callable[..., np.ndarray]
) -> None:
    with pytest.raises(ConfigurationError, match="does not exist"):
        train_claims(tmp_path / "nowhere", tmp_path / "out", encode=fake_encode)


def test_calibration_error_of_a_perfectly_calibrated_score_is_zero() -> None:
    scores = np.array([0.25] * 4 + [0.75] * 4)
    truth = np.array([True, False, False, False, True, True, True, False])
    assert expected_calibration_error(scores, truth)["ece"] == pytest.approx(0.0)
    assert expected_calibration_error(np.array([0.9, 0.9]), np.array([False, False]))["ece"] == pytest.approx(
        0.9
    )
