"""``atomic_write``: a whole new text at once, with the file mode a model folder expects; the model card's
generated lines."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path
from typing import Any

from propwatch.models.techniques import shipped_model_folder
from propwatch.training.artifact import atomic_write, model_card


def test_new_file_gets_the_umask_mode_not_mkstemps_0600(tmp_path: Path) -> None:
    previous = os.umask(0o022)
    try:
        atomic_write(tmp_path / "model.json", "{}\n")
    finally:
        os.umask(previous)
    assert (tmp_path / "model.json").read_text(encoding="utf-8") == "{}\n"
    assert stat.S_IMODE((tmp_path / "model.json").stat().st_mode) == 0o644


def test_rewritten_file_keeps_its_mode_and_leaves_no_temporary(tmp_path: Path) -> None:
    card = tmp_path / "MODEL_CARD.md"
    card.write_text("old\n", encoding="utf-8")
    card.chmod(0o640)
    atomic_write(card, "new\n")
    assert card.read_text(encoding="utf-8") == "new\n"
    assert stat.S_IMODE(card.stat().st_mode) == 0o640
    assert [p.name for p in tmp_path.iterdir()] == ["MODEL_CARD.md"]


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
