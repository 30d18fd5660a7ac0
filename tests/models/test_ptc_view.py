"""The PTC-14 view: span features, the mapping, a trained head and span identification, from model.json."""

from __future__ import annotations

import numpy as np
import pytest

from propwatch.models.ptc_view import (
    FEATURE_GROUPS,
    PtcHead,
    feature_width,
    mapping_classes,
    ptc_view,
    range_features,
    span_features,
    surface_features,
)

LABELS = ("Loaded_Language", "Name_Calling-Labeling", "Appeal_to_Values")
RANGES = np.asarray([[0, 3], [4, 9], [10, 15], [16, 20]], dtype=np.int64)
TEXT = "Bad folks worse tyrants!"  # the token ranges below: "Bad", "folks", "worse", "tyra"
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
    view = ptc_view({"mode": "mapping"}, LABELS)
    assert view.mode == "mapping" and view.si is None
    assert view.classify(TEXT, RANGES, INSIDE, [(0, 3), (4, 15)]) == [
        "Loaded_Language",
        "Name_Calling,Labeling",
    ]


def test_a_head_classifies_by_its_weights_and_round_trips() -> None:
    weights = np.zeros((2, 7), dtype=np.float32)
    weights[0, 5] = 10.0  # max inside of Appeal_to_Values → Flag-Waving
    weights[1, 0] = 10.0  # mean inside of Loaded_Language → Loaded_Language
    head = PtcHead(("Flag-Waving", "Loaded_Language"), weights, np.zeros(2, dtype=np.float32))
    view = ptc_view(head.to_view(), LABELS)
    assert view.classify(TEXT, RANGES, INSIDE, [(16, 20), (0, 3)]) == ["Flag-Waving", "Loaded_Language"]
    assert PtcHead.from_view(head.to_view(), LABELS).classes == head.classes
    # A model.json written before feature groups existed reads as a probabilities-only head.
    old = {k: v for k, v in head.to_view().items() if k != "feature_groups"}
    assert PtcHead.from_view(old, LABELS).groups == ("probabilities",)


@pytest.mark.parametrize(
    "view",
    [
        {"mode": "second-model"},
        {"mode": "head", "classes": ["Not_A_PTC_Class"], "weights": [[0.0] * 7], "bias": [0.0]},
        {"mode": "head", "classes": ["Slogans"], "weights": [[0.0] * 5], "bias": [0.0]},
        {"mode": "head", "classes": ["Slogans"], "weights": [[float("nan")] * 7], "bias": [0.0]},
        {
            "mode": "head",
            "classes": ["Slogans"],
            "weights": [[0.0] * 7],
            "bias": [0.0],
            "feature_groups": ["x"],
        },
        {"mode": "mapping", "si": {"threshold": 1.5}},
        {"mode": "mapping", "si": {}},
        {"mode": "mapping", "si": {"threshold": 0.5, "hysteresis": -0.1}},
        {"mode": "mapping", "si": {"threshold": 0.5, "hysteresis": 0.5}},
        {"mode": "mapping", "si": {"threshold": 0.5, "hysteresis": "0.1"}},
    ],
)
def test_malformed_views_are_refused(view: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        ptc_view(view, LABELS)


def test_surface_features_see_repetition_questions_and_quotes() -> None:
    text = 'Stop the war! They said "stop the war" again. Why?'
    first = surface_features(text, 0, 13)  # "Stop the war!" recurs once more
    assert first[0] == pytest.approx(np.log1p(1))
    assert first[1] == pytest.approx(np.log1p(3))
    assert first[3] == 1.0 and first[2] == 0.0
    quoted = surface_features(text, 25, 37)  # stop the war, inside quotes
    assert quoted[7] == 1.0 and quoted[8] == 1.0
    assert surface_features(text, 46, 50)[2] == 1.0  # "Why?"


def test_range_features_follow_the_group_order_and_need_an_embedder_for_e5() -> None:
    def embed(texts: list[str]) -> np.ndarray:
        return np.asarray([[float(len(t))] * 384 for t in texts], dtype=np.float32)

    features = range_features(FEATURE_GROUPS, TEXT, RANGES, INSIDE, [(0, 3), (4, 15)], embed)
    assert features.shape == (2, feature_width(FEATURE_GROUPS, len(LABELS)))
    assert features[1, -1] == 11.0 and features[0, : 2 * len(LABELS) + 1] == pytest.approx(
        span_features(RANGES, INSIDE, 0, 3)
    )
    with pytest.raises(ValueError, match="embedder"):
        range_features(("e5",), TEXT, RANGES, INSIDE, [(0, 3)], None)


def test_span_identification_is_a_noisy_or_of_the_ptc_techniques() -> None:
    view = ptc_view({"mode": "mapping", "si": {"threshold": 0.5}}, LABELS)
    assert view.si is not None
    # Appeal_to_Values has no PTC class: the last token (0.9 for it alone) is not persuasive for PTC.
    assert view.si.probability(INSIDE) == pytest.approx([0.91, 0.84, 0.64, 0.0])
    assert view.si.spans(TEXT, RANGES, INSIDE) == [(0, 15)]
    assert (
        ptc_view({"mode": "mapping", "si": {"threshold": 0.95}}, LABELS).si.spans(TEXT, RANGES, INSIDE) == []
    )


def test_hysteresis_extends_a_run_over_the_tokens_just_under_the_threshold() -> None:
    # Noisy-or per token: 0.91, 0.84, 0.64, 0.0 (see above).
    plain = ptc_view({"mode": "mapping", "si": {"threshold": 0.8}}, LABELS).si
    assert plain is not None and plain.hysteresis == 0.0
    assert plain.spans(TEXT, RANGES, INSIDE) == [(0, 9)]  # "Bad folks"
    extended = ptc_view({"mode": "mapping", "si": {"threshold": 0.8, "hysteresis": 0.2}}, LABELS).si
    assert extended is not None and extended.hysteresis == pytest.approx(0.2)
    assert extended.spans(TEXT, RANGES, INSIDE) == [(0, 15)]  # down to 0.6: "Bad folks worse"
    # A run that never reaches the threshold is not a span, however long.
    never = ptc_view({"mode": "mapping", "si": {"threshold": 0.95, "hysteresis": 0.4}}, LABELS).si
    assert never is not None and never.spans(TEXT, RANGES, INSIDE) == []
