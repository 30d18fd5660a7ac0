"""The model card's generated lines."""

from __future__ import annotations

import json
from typing import Any

from propwatch.models.techniques import shipped_model_folder
from propwatch.training.artifact import model_card


def test_the_card_says_how_ptc_spans_and_technique_spans_are_decoded() -> None:
    document = json.loads((shipped_model_folder() / "model.json").read_text(encoding="utf-8"))

    def line(about: str, changed: dict[str, Any]) -> str:
        card = model_card({**document, **changed})
        return next(row for row in card.splitlines() if about in row)

    si = document["ptc_view"]["si"]
    blend = line("PTC span identification", {})
    assert "and the PTC span tagger's probability, as runs of tokens down to 0.1 under a threshold" in blend
    alone = {"ptc_view": {**document["ptc_view"], "si": {k: v for k, v in si.items() if k != "tagger"}}}
    assert "decodes a noisy-or of the SemEval-2023 techniques" in line("PTC span identification", alone)
    assert "its threshold tuned" in line("PTC span identification", alone)
    assert "is a mapping" in line("PTC-14 view is", {"ptc_view": {"mode": "mapping", "mapping": {}}})
    decoding = line("- Decoding:", {})
    assert "goes on down to 0.5 × its threshold once one token reaches it (hysteresis 0.5)" in decoding
    assert "hysteresis" not in line("- Decoding:", {"span_hysteresis": 0.0})
