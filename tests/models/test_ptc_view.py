"""The PTC-14 view: span features, the mapping and a trained head, parsed from model.json."""

from __future__ import annotations

import numpy as np
import pytest

from propwatch.models.ptc_view import PtcHead, mapping_classes, ptc_classifier, span_features

LABELS = ("Loaded_Language", "Name_Calling-Labeling", "Appeal_to_Values")
RANGES = np.asarray([[0, 3], [4, 9], [10, 15], [16, 20]], dtype=np.int64)
INSIDE = np.asarray([[0.9, 0.1, 0.0], [0.2, 0.8, 0.0], [0.1, 0.6, 0.3], [0.0, 0.0, 0.9]], dtype=np.float32)


def test_span_features_are_mean_max_and_length() -> None:
    features = span_features(RANGES, INSIDE, 4, 15)  # tokens 1 and 2
    assert features.shape == (2 * len(LABELS) + 1,)
    assert features[:3] == pytest.approx([0.15, 0.7, 0.15])
    assert features[3:6] == pytest.approx([0.2, 0.8, 0.3])
    assert features[6] == pytest.approx(np.log1p(11) / 5)
    # A range inside whitespace takes the nearest token before it.
    assert span_features(RANGES, INSIDE, 3, 4)[:3] == pytest.approx(INSIDE[0])


def test_mapping_leaves_out_techniques_without_a_ptc_class() -> None:
    assert mapping_classes(LABELS) == {
        "Loaded_Language": ["Loaded_Language"],
        "Name_Calling,Labeling": ["Name_Calling-Labeling"],
    }
    classify = ptc_classifier({"mode": "mapping"}, LABELS)
    assert classify(RANGES, INSIDE, 0, 3) == "Loaded_Language"
    assert classify(RANGES, INSIDE, 4, 15) == "Name_Calling,Labeling"


def test_a_head_classifies_by_its_weights_and_round_trips() -> None:
    weights = np.zeros((2, 7), dtype=np.float32)
    weights[0, 5] = 10.0  # max inside of Appeal_to_Values → Flag-Waving
    weights[1, 0] = 10.0  # mean inside of Loaded_Language → Loaded_Language
    head = PtcHead(("Flag-Waving", "Loaded_Language"), weights, np.zeros(2, dtype=np.float32))
    classify = ptc_classifier(head.to_view(), LABELS)
    assert classify(RANGES, INSIDE, 16, 20) == "Flag-Waving"
    assert classify(RANGES, INSIDE, 0, 3) == "Loaded_Language"
    assert PtcHead.from_view(head.to_view(), LABELS).classes == head.classes


@pytest.mark.parametrize(
    "view",
    [
        {"mode": "second-model"},
        {"mode": "head", "classes": ["Not_A_PTC_Class"], "weights": [[0.0] * 7], "bias": [0.0]},
        {"mode": "head", "classes": ["Slogans"], "weights": [[0.0] * 5], "bias": [0.0]},
        {"mode": "head", "classes": ["Slogans"], "weights": [[float("nan")] * 7], "bias": [0.0]},
    ],
)
def test_malformed_views_are_refused(view: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        ptc_classifier(view, LABELS)
