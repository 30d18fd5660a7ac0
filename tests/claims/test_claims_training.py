"""Fine-tuning end to end on a tiny synthetic corpus with a two-layer e5 (one layer frozen, one trained)."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from propwatch.claims.data import factual_sentences, read_all, split_items, strict_subset
from propwatch.claims.encoder import FineTunedEncoder
from propwatch.claims.model import CheckWorthinessModel
from propwatch.corpora.split import fold_of
from propwatch.errors import ConfigurationError, InputNotFoundError, MalformedRecordError
from propwatch.training.claims import expected_calibration_error
from propwatch.training.claims_finetune import (
    FineTuneConfig,
    FineTuneReport,
    _data,
    _factual_targets,
    _item_weights,
    train_claims_finetuned,
)


def test_training_writes_a_model_that_learns_the_synthetic_task(
    tiny_training: tuple[Path, Path, FineTuneReport], tiny_model: CheckWorthinessModel
) -> None:
    _corpus, out, report = tiny_training
    assert {p.name for p in out.iterdir()} == {"model.json", "encoder.onnx", "training_report.json"}
    assert report.validation["ct24-en"]["f1"] > 0.8
    assert set(report.thresholds) >= {"default", "en"}
    # Every side of the split is counted, and the ONNX path scores like the fp32 torch model.
    assert {"fit:ct24-en", "calibration:ct24-en", "validation:ct24-en", "fit:ct24-ar"} <= set(report.counts)
    assert report.onnx_max_abs_diff < 0.05
    document = json.loads((out / "model.json").read_text())
    assert document["seed"] == 13 and document["encoder"]["lower_layers"] == 1
    assert document["validation"]["ct24-en"]["f1"] == report.validation["ct24-en"]["f1"]
    scores = tiny_model.scores(["Unemployment fell to 7 percent in 1999.", "I think we must thank you."])
    assert scores[0] > tiny_model.threshold("en") > scores[1]


def test_calibration_part_is_whole_training_groups_apart_from_validation(
    tiny_training: tuple[Path, Path, FineTuneReport],
) -> None:
    corpus, _out, report = tiny_training
    config = report.config
    split = split_items(read_all(corpus, seed=13), seed=13, fraction=config.validation_fraction)
    groups = {(i.dataset, i.group) for i in split.train if fold_of(f"{i.dataset}:{i.group}", 13, 3) == 0}
    fitted = {(i.dataset, i.group) for i in split.train} - groups
    assert groups and not groups & fitted
    assert not groups & {(i.dataset, i.group) for i in split.validation}
    calibration = sum(v["n"] for k, v in report.counts.items() if k.startswith("calibration:"))
    assert calibration == sum(1 for i in split.train if (i.dataset, i.group) in groups)


def test_training_is_reproducible_and_reuses_the_lower_layer_cache(
    tiny_training: tuple[Path, Path, FineTuneReport],
    tiny_model: CheckWorthinessModel,
    tiny_config: FineTuneConfig,
    tmp_path: Path,
) -> None:
    corpus, out, _report = tiny_training
    work = out.parent / "work"
    cached = sorted(work.glob("lower-*.f16.npy"))
    assert len(cached) == 1
    before = cached[0].stat().st_mtime_ns
    messages: list[str] = []
    train_claims_finetuned(
        corpus,
        tmp_path / "again",
        work_dir=work,
        config=tiny_config,
        progress=messages.append,
    )
    assert cached[0].stat().st_mtime_ns == before
    assert any("read from" in m for m in messages)
    texts = ["The deficit grew by 12 percent since 2004.", "Let me tell you what I feel about that."]
    again = CheckWorthinessModel.load(tmp_path / "again")
    assert np.allclose(again.scores(texts), tiny_model.scores(texts), atol=1e-6)


def test_training_refuses_a_missing_data_folder(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError, match="does not exist"):
        train_claims_finetuned(tmp_path / "nowhere", tmp_path / "out", work_dir=tmp_path / "work")


def test_a_quick_run_samples_the_fitting_part_only(corpus_dir: Path, tiny_config: FineTuneConfig) -> None:
    full = _data(corpus_dir, tiny_config, FineTuneReport(config=tiny_config))
    report = FineTuneReport(config=tiny_config)
    quick = _data(corpus_dir, replace(tiny_config, limit_train=40), report)
    assert (
        len(quick.fit) == 40 and sum(v["n"] for k, v in report.counts.items() if k.startswith("fit:")) == 40
    )
    assert quick.calibrate == full.calibrate and quick.validation == full.validation
    # The lower-layer cache covers the same sentences, so a quick run fills it for the full run.
    assert quick.everything == full.everything
    assert [quick.everything[r] for r in quick.rows_fit] == quick.fit


def test_calibration_error_of_a_perfectly_calibrated_score_is_zero() -> None:
    scores = np.array([0.25] * 4 + [0.75] * 4)
    truth = np.array([True, False, False, False, True, True, True, False])
    assert expected_calibration_error(scores, truth)["ece"] == pytest.approx(0.0)
    assert expected_calibration_error(np.array([0.9, 0.9]), np.array([False, False]))["ece"] == pytest.approx(
        0.9
    )


def test_an_ensemble_averages_its_members_and_its_first_member_is_the_single_model(
    tiny_training: tuple[Path, Path, FineTuneReport],
    tiny_model: CheckWorthinessModel,
    tiny_config: FineTuneConfig,
    tmp_path: Path,
) -> None:
    corpus, out, _report = tiny_training
    messages: list[str] = []
    report = train_claims_finetuned(
        corpus,
        tmp_path / "ensemble",
        work_dir=out.parent / "work",
        config=replace(tiny_config, members=2),
        progress=messages.append,
    )
    folder = tmp_path / "ensemble"
    assert {p.name for p in folder.glob("*.onnx")} == {"encoder.onnx", "encoder-2.onnx"}
    document = json.loads((folder / "model.json").read_text())
    assert document["encoder"]["files"] == ["encoder.onnx", "encoder-2.onnx"]
    assert len(document["member_epochs"]) == 2
    # Each member, then their mean logit, scored on the calibration part.
    assert len(report.member_calibration_f1_en) == 3
    assert {e["member"] for e in report.epochs} == {1, 2}
    assert any("member 2: chose epoch" in m for m in messages)
    # Member 1 repeats the single-model run exactly (same seeds); member 2 differs from it.
    assert (folder / "encoder.onnx").read_bytes() == (out / "encoder.onnx").read_bytes()
    assert (folder / "encoder-2.onnx").read_bytes() != (out / "encoder.onnx").read_bytes()
    ensemble = CheckWorthinessModel.load(folder)
    assert len(ensemble.encoder.sessions) == 2
    texts = ["The deficit grew by 12 percent since 2004.", "Let me tell you what I feel about that."]
    encoder = ensemble.encoder
    second = FineTunedEncoder.load(
        folder,
        lower_layers=encoder.lower_layers,
        max_tokens=encoder.max_tokens,
        threads=1,
        encoder_files=["encoder-2.onnx"],
    ).logits(texts)
    single = tiny_model.encoder.logits(texts)
    assert not np.allclose(second, single, atol=1e-3)
    assert np.allclose(encoder.logits(texts), (single + second) / 2, atol=1e-6)
    scores = ensemble.scores(texts)
    assert scores[0] > ensemble.threshold("en") > scores[1]


def test_a_model_json_naming_graphs_outside_its_folder_is_refused(
    tiny_training: tuple[Path, Path, FineTuneReport], tmp_path: Path
) -> None:
    import shutil

    _corpus, out, _report = tiny_training
    copy = tmp_path / "model"
    shutil.copytree(out, copy)
    document = json.loads((copy / "model.json").read_text())
    document["encoder"]["files"] = ["encoder.onnx", "../elsewhere.onnx"]
    (copy / "model.json").write_text(json.dumps(document))
    with pytest.raises(ConfigurationError, match=r"encoder\.files"):
        CheckWorthinessModel.load(copy)
    document["encoder"]["files"] = ["encoder.onnx", "encoder-2.onnx"]
    (copy / "model.json").write_text(json.dumps(document))
    with pytest.raises(ConfigurationError, match=r"encoder-2\.onnx"):
        CheckWorthinessModel.load(copy)


def test_the_auxiliary_factual_head_trains_beside_the_shipped_one(
    corpus_dir: Path, tiny_config: FineTuneConfig, tiny_model: CheckWorthinessModel, tmp_path: Path
) -> None:
    assert tiny_config.factual_weight == 0.0  # the default: the tiny model was trained without the head
    config = replace(tiny_config, factual_weight=0.5)
    data = _data(corpus_dir, config, FineTuneReport(config=config))
    target, known = _factual_targets(data)
    # Known for the English debate sentences only, and true exactly for those ClaimBuster calls factual.
    assert [bool(k) for k in known] == [i.dataset == "ct24-en" for i in data.fit]
    assert all(bool(t) == i.label for t, k, i in zip(target, known, data.fit, strict=True) if k)
    # With it the same seed gives another model, of the same shape (the head is not exported).
    report = train_claims_finetuned(corpus_dir, tmp_path / "model", work_dir=tmp_path / "work", config=config)
    assert {p.name for p in (tmp_path / "model").iterdir()} == {
        "model.json",
        "encoder.onnx",
        "training_report.json",
    }
    assert report.validation["ct24-en"]["f1"] > 0.8
    assert CheckWorthinessModel.load(tmp_path / "model").platt != tiny_model.platt
    (corpus_dir / "claimbuster" / "crowdsourced.csv").unlink()
    with pytest.raises(ConfigurationError, match="needs ClaimBuster's verdicts"):
        _data(corpus_dir, config, FineTuneReport(config=config))
    assert _data(corpus_dir, tiny_config, FineTuneReport(config=tiny_config)).factual == {}


def test_claimbuster_verdicts_read_as_states_a_fact(tmp_path: Path) -> None:
    folder = tmp_path / "claimbuster"
    folder.mkdir()
    header = (
        "Sentence_id,Text,Speaker,Speaker_title,Speaker_party,File_id,Length,Line_number,Sentiment,Verdict\n"
    )
    (folder / "crowdsourced.csv").write_text(
        header + "1,a,A,B,C,d,1,1,0,-1\n2,b,A,B,C,d,1,2,0,0\n3,c,A,B,C,d,1,3,0,1\n", encoding="utf-8"
    )
    assert factual_sentences(tmp_path) == {"1": False, "2": True, "3": True}
    (folder / "crowdsourced.csv").write_text(header + "1,a,A,B,C,d,1,1,0,maybe\n", encoding="utf-8")
    with pytest.raises(MalformedRecordError, match="line 2: Verdict 'maybe'"):
        factual_sentences(tmp_path)
    assert factual_sentences(tmp_path / "elsewhere") == {}


def test_sentences_outside_the_strict_subset_weigh_less(
    corpus_dir: Path, tiny_config: FineTuneConfig, tiny_model: CheckWorthinessModel, tmp_path: Path
) -> None:
    assert tiny_config.loose_label_weight == 1.0  # the default: every sentence alike
    assert _data(corpus_dir, tiny_config, FineTuneReport(config=tiny_config)).strict == frozenset()
    config = replace(tiny_config, loose_label_weight=0.5)
    data = _data(corpus_dir, config, FineTuneReport(config=config))
    assert data.strict == frozenset(str(1000 + i) for i in range(0, 240, 2))
    weights = _item_weights(data.fit, config, data.strict)
    for item, weight in zip(data.fit, weights, strict=True):
        if item.dataset == "ct24-en":
            assert weight == (1.0 if int(item.item_id) % 2 == 0 else 0.5)
        else:  # other datasets keep their dataset weight
            assert weight == {"ct24-ar": 1.0, "ct24-nl": 3.0, "ct21-en": 3.0, "ct20-en": 1.0}[item.dataset]
    # The weights reach the loss: the same seed gives another model, and model.json records the factor.
    train_claims_finetuned(corpus_dir, tmp_path / "model", work_dir=tmp_path / "work", config=config)
    document = json.loads((tmp_path / "model" / "model.json").read_text())
    assert document["config"]["loose_label_weight"] == 0.5
    assert CheckWorthinessModel.load(tmp_path / "model").platt != tiny_model.platt


def test_the_strict_subset_file_is_checked(tmp_path: Path) -> None:
    with pytest.raises(InputNotFoundError, match=r"3xNCS_minus_groundtruth\.json"):
        strict_subset(tmp_path)
    path = tmp_path / "claimbuster" / "3xNCS_minus_groundtruth.json"
    path.parent.mkdir()
    for content, problem in (
        ("[{", "is not JSON text"),
        ('{"sentence_id": 1}', "not a JSON list"),
        ('[{"sentence_id": 1}, {"label": 1}]', "record 2 has no sentence_id"),
    ):
        path.write_text(content, encoding="utf-8")
        with pytest.raises(MalformedRecordError, match=problem):
            strict_subset(tmp_path)
    path.write_text('[{"sentence_id": 7, "label": 1}, {"sentence_id": "8"}]', encoding="utf-8")
    assert strict_subset(tmp_path) == frozenset({"7", "8"})
