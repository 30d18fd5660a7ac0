"""The per-paragraph technique head: its features, its decisions and its model.json form."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest

from propwatch.errors import AnalyzerError
from propwatch.models.paragraph_head import LANGUAGES, WIDTH, ParagraphHead, paragraph_features
from propwatch.models.techniques import read_model_card

LABELS = ("Doubt", "Loaded_Language")


@dataclass(frozen=True)
class _Span:
    start: int
    end: int
    label: str
    score: float


def _tokens() -> tuple[np.ndarray, np.ndarray]:
    # Two paragraphs: tokens 0-2 in [0, 30), tokens 3-4 in [31, 50).
    ranges = np.array([[0, 5], [6, 12], [13, 30], [31, 40], [41, 50]], dtype=np.int64)
    inside = np.array([[0.1, 0.9], [0.2, 0.5], [0.3, 0.1], [0.6, 0.0], [0.2, 0.0]], dtype=np.float32)
    return ranges, inside


def _logit(p: float) -> float:
    return float(np.log(p / (1 - p)))


def test_features_read_each_paragraph_its_spans_and_the_article() -> None:
    ranges, inside = _tokens()
    spans = [_Span(0, 12, "Loaded_Language", 0.8)]
    numbers, x = paragraph_features({1: (0, 30), 2: (31, 50)}, ranges, inside, spans, LABELS, "de")
    assert numbers == [1, 2] and x.shape == (2, 2, WIDTH)
    doubt, loaded = x[0, 0], x[0, 1]
    assert loaded[0] == pytest.approx(_logit(0.9), abs=1e-4)  # max
    assert loaded[1] == pytest.approx(_logit(0.5), abs=1e-4)  # mean of 0.9, 0.5, 0.1
    assert loaded[3] == pytest.approx(_logit(0.8), abs=1e-4)  # best overlapping span
    assert doubt[3] == pytest.approx(_logit(1e-4), abs=1e-3)  # no Doubt span: clipped floor
    assert x[1, 0, 4] == pytest.approx(_logit(0.6), abs=1e-4)  # article max of Doubt, also in paragraph 1
    assert x[0, 0, 4] == pytest.approx(_logit(0.6), abs=1e-4)
    assert x[0, 0, 5] == pytest.approx(np.log1p(3)) and x[1, 0, 5] == pytest.approx(np.log1p(2))
    assert list(x[0, 0, 6:]) == [float(code == "de") for code in LANGUAGES]


def test_unknown_language_and_empty_paragraph() -> None:
    ranges, inside = _tokens()
    numbers, x = paragraph_features({1: (60, 70)}, ranges, inside, [], LABELS, None)
    assert numbers == [1]
    assert not x[0, :, 6:].any()  # no language column set
    assert x[0, 0, 5] == 0.0  # no token


def test_head_gives_a_paragraph_the_techniques_over_threshold() -> None:
    ranges, inside = _tokens()
    weights = np.zeros((2, WIDTH))
    weights[:, 0] = 1.0  # probability = sigmoid(logit(max) + bias)
    head = ParagraphHead(LABELS, weights, np.array([0.0, 0.0]), threshold=0.55)
    found = head.paragraph_techniques({1: (0, 30), 2: (31, 50)}, ranges, inside, [], "en")
    assert found == {1: ("Loaded_Language",), 2: ("Doubt",)}
    # A very low bias switches a technique off everywhere (a technique the head was not trained for).
    off = ParagraphHead(LABELS, weights, np.array([0.0, -30.0]), threshold=0.55)
    assert off.paragraph_techniques({1: (0, 30)}, ranges, inside, [], "en") == {1: ()}
    assert head.paragraph_techniques({}, ranges, inside, [], "en") == {}


def test_a_language_with_its_own_threshold_uses_it() -> None:
    ranges, inside = _tokens()
    weights = np.zeros((2, WIDTH))
    weights[:, 0] = 1.0
    head = ParagraphHead(LABELS, weights, np.zeros(2), threshold=0.55, language_thresholds={"fr": 0.85})
    assert head.threshold_for("fr") == 0.85 and head.threshold_for("en") == 0.55
    assert head.threshold_for(None) == 0.55
    paragraphs = {1: (0, 30), 2: (31, 50)}
    # Loaded_Language max 0.9 passes 0.85; Doubt max 0.6 passes only the global 0.55.
    assert head.paragraph_techniques(paragraphs, ranges, inside, [], "fr") == {1: ("Loaded_Language",), 2: ()}
    assert head.paragraph_techniques(paragraphs, ranges, inside, [], "ru")[2] == ("Doubt",)


def test_json_round_trip_and_malformed_heads() -> None:
    head = ParagraphHead(LABELS, np.arange(2 * WIDTH, dtype=float).reshape(2, WIDTH) / 10, np.ones(2), 0.3)
    again = ParagraphHead.from_json(json.loads(json.dumps(head.to_json())), LABELS)
    assert np.allclose(again.weights, head.weights) and again.threshold == 0.3
    with pytest.raises(ValueError, match="threshold"):
        ParagraphHead.from_json({**head.to_json(), "threshold": 1.5}, LABELS)
    own = ParagraphHead(LABELS, head.weights, head.bias, 0.3, {"pl": 0.25, "de": 0.275})
    assert ParagraphHead.from_json(json.loads(json.dumps(own.to_json())), LABELS).language_thresholds == {
        "pl": 0.25,
        "de": 0.275,
    }
    legacy = {k: v for k, v in head.to_json().items() if k != "language_thresholds"}
    assert ParagraphHead.from_json(legacy, LABELS).language_thresholds == {}  # heads written before
    for wrong in ({"xx": 0.2}, {"fr": 0.0}, {"fr": True}, [0.2]):
        with pytest.raises(ValueError, match="language_thresholds"):
            ParagraphHead.from_json({**head.to_json(), "language_thresholds": wrong}, LABELS)
    with pytest.raises(ValueError, match="do not fit"):
        ParagraphHead.from_json({**head.to_json(), "bias": [1.0]}, LABELS)
    with pytest.raises(ValueError, match="finite"):
        ParagraphHead.from_json({**head.to_json(), "bias": [1.0, float("nan")]}, LABELS)


def test_model_card_names_a_malformed_paragraph_head(tmp_path: Path) -> None:
    from propwatch.models.techniques import shipped_model_folder

    document = json.loads((shipped_model_folder() / "model.json").read_text(encoding="utf-8"))
    document["paragraph_head"] = {"threshold": 0.3, "weights": [[0.0]], "bias": [0.0]}
    (tmp_path / "model.json").write_text(json.dumps(document), encoding="utf-8")
    with pytest.raises(AnalyzerError, match="paragraph_head: weights"):
        read_model_card(tmp_path)
    document["paragraph_head"] = "yes"
    (tmp_path / "model.json").write_text(json.dumps(document), encoding="utf-8")
    with pytest.raises(AnalyzerError, match="'paragraph_head' must be a dict"):
        read_model_card(tmp_path)
