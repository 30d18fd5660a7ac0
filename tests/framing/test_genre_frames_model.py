"""The genre/frames model file: heads, thresholds, save/load and the errors a damaged folder gives."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from genre_frames_fixture import signal_model, tiny_model, write_tiny_model
from propwatch.errors import ConfigurationError
from propwatch.framing.labels import FRAMES
from propwatch.framing.model import GenreFramesModel, LinearHead, shipped_model_path
from propwatch.framing.representation import REPRESENTATION, VECTOR_SIZE
from propwatch.framing.signals import SIGNALS


def _vectors(*hot: tuple[int, ...]) -> np.ndarray:
    out = np.zeros((len(hot), VECTOR_SIZE), dtype=np.float32)
    for row, columns in enumerate(hot):
        out[row, list(columns)] = 1.0
    return out


def test_genres_and_frames_from_vectors() -> None:
    model = tiny_model()
    vectors = _vectors((), (0,), (1, 2), (2, 3))
    languages = ["en", "ru", None, "xx"]
    probabilities = model.genre_probabilities(vectors, languages)
    assert probabilities.shape == (4, 3) and np.allclose(probabilities.sum(axis=1), 1.0)
    assert model.genres_of(probabilities) == ["opinion", "satire", "reporting", "opinion"]
    scores = model.frame_scores(vectors, languages)
    assert scores.shape == (4, len(FRAMES)) and ((scores >= 0) & (scores <= 1)).all()
    frames = model.frames_of(scores)
    assert frames[0] == ("Public_opinion",), "an article always gets its best frame"
    assert frames[2] == ("Security_and_defense",)
    assert frames[3] == ("Security_and_defense", "Political"), "best first"


def test_language_one_hot_is_zero_for_unknown_languages() -> None:
    features = tiny_model().features(_vectors((), ()), ["ru", "de"])
    assert features.shape == (2, VECTOR_SIZE + 2)
    assert list(features[0, -2:]) == [0.0, 1.0] and list(features[1, -2:]) == [0.0, 0.0]


def test_save_and_load_round_trip(tmp_path: Path) -> None:
    model = tiny_model(version="7")
    model.save(tmp_path)
    loaded = GenreFramesModel.load(tmp_path, representation=REPRESENTATION)
    assert loaded.version == "7" and loaded.languages == ("en", "ru") and loaded.meta["note"]
    vectors = _vectors((0,), (2, 3))
    assert np.allclose(
        loaded.frame_scores(vectors, ["en", "en"]), model.frame_scores(vectors, ["en", "en"]), atol=1e-6
    )
    document = json.loads((tmp_path / "model.json").read_text(encoding="utf-8"))
    assert list(document["frame_thresholds"]) == list(FRAMES)


def test_a_genre_head_with_signals_reads_them_between_vector_and_one_hot(tmp_path: Path) -> None:
    model = signal_model(version="3")
    vectors, languages = _vectors((), (), (0,)), ["en", "ru", None]
    signals = np.zeros((3, len(SIGNALS)))
    signals[1, SIGNALS.index("persuasion:inside_share")] = 0.5
    inputs = model.genre_inputs(vectors, languages, signals)
    assert inputs.shape == (3, VECTOR_SIZE + len(SIGNALS) + 2)
    assert inputs[1, VECTOR_SIZE + SIGNALS.index("persuasion:inside_share")] == 0.5
    assert list(inputs[1, -2:]) == [0.0, 1.0]
    assert model.genres_of(model.genre_probabilities(vectors, languages, signals)) == [
        "reporting",
        "opinion",
        "satire",
    ]
    with pytest.raises(ValueError, match="reads article signals"):
        model.genre_probabilities(vectors, languages)
    model.save(tmp_path)
    loaded = GenreFramesModel.load(tmp_path, representation=REPRESENTATION)
    assert loaded.genre_signals == SIGNALS
    assert np.allclose(
        loaded.genre_probabilities(vectors, languages, signals),
        model.genre_probabilities(vectors, languages, signals),
        atol=1e-5,
    )
    document = json.loads((tmp_path / "model.json").read_text(encoding="utf-8"))
    document["genre_signals"] = ["style:something_new"]
    (tmp_path / "model.json").write_text(json.dumps(document), encoding="utf-8")
    with pytest.raises(ConfigurationError, match="cannot compute"):
        GenreFramesModel.load(tmp_path)


def test_a_model_for_other_vectors_is_refused(tmp_path: Path) -> None:
    write_tiny_model(tmp_path)
    with pytest.raises(ConfigurationError, match="was trained on"):
        GenreFramesModel.load(tmp_path, representation="another-encoder/mean")


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (lambda d: d.update(format="other/1"), "is not a propwatch-genre-frames/1 model file"),
        (lambda d: d.pop("frames"), "lacks or garbles the field 'frames'"),
        (lambda d: d["frame_thresholds"].pop("Economic"), "one threshold per frame"),
        (lambda d: d.update(vector_size=10), "a head has shape"),
    ],
)
def test_damaged_model_json_is_a_configuration_error(tmp_path: Path, damage: object, message: str) -> None:
    write_tiny_model(tmp_path)
    path = tmp_path / "model.json"
    document = json.loads(path.read_text(encoding="utf-8"))
    damage(document)  # type: ignore[operator]
    path.write_text(json.dumps(document), encoding="utf-8")
    with pytest.raises(ConfigurationError, match=message) as caught:
        GenreFramesModel.load(tmp_path)
    assert str(tmp_path) in str(caught.value)


def test_missing_or_broken_files(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError, match="cannot read"):
        GenreFramesModel.load(tmp_path)
    write_tiny_model(tmp_path)
    (tmp_path / "weights.npz").write_bytes(b"not a zip")
    with pytest.raises(ConfigurationError, match=r"weights\.npz"):
        GenreFramesModel.load(tmp_path)
    (tmp_path / "model.json").write_text("{", encoding="utf-8")
    with pytest.raises(ConfigurationError, match="not valid JSON"):
        GenreFramesModel.load(tmp_path)


def test_the_shipped_model_loads() -> None:
    model = GenreFramesModel.load(shipped_model_path(), representation=REPRESENTATION)
    assert model.frames == FRAMES and set(model.genres) == {"opinion", "reporting", "satire"}
    assert model.meta["split"]["seed"] == 13
    assert model.genre_signals == SIGNALS


def test_a_head_scores_an_article_the_same_alone_and_in_a_batch() -> None:
    # The last bits of a frame score changed with the articles batched with it (BLAS picks its kernel
    # by batch size); the analyzer contract wants an article's result independent of its batch.
    generator = np.random.default_rng(7)
    head = LinearHead(
        mean=generator.normal(size=384),
        scale=generator.uniform(0.5, 2.0, size=384),
        weight=generator.normal(size=(384, 14)),
        bias=generator.normal(size=14),
    )
    batch = generator.normal(size=(9, 384))
    together = head.logits(batch)
    for row in range(len(batch)):
        assert np.array_equal(head.logits(batch[row : row + 1])[0], together[row])
    assert head.logits(np.zeros((0, 384))).shape == (0, 14)
