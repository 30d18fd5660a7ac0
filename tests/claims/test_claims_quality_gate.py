"""Quality gate: the shipped check-worthiness model on a fixed sample of its held-out English debates."""

from __future__ import annotations

from pathlib import Path

import pytest

from propwatch.claims.checkworthy import f1_of_yes
from propwatch.claims.data import read_all, split_items
from propwatch.claims.model import CheckWorthinessModel, shipped_model_path

DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data"
SAMPLE = 400  # every k-th held-out English debate sentence: ~20 s on 2 cores
# Pinned 0.02 under what this sample measured when the model shipped (float drift across platforms).
# Measured 0.7940 (version 3, 3 epochs; version 2 0.7629, version 1 0.7451); 0.7980 since each sentence
# gets its own int8 call (2026-12-02).
FLOOR_F1_YES = 0.774


@pytest.mark.skipif(not (DATA / "claimbuster").is_dir(), reason="the corpora (../shared/data) are not here")
def test_shipped_claims_model_stays_above_its_floor() -> None:
    split = split_items(read_all(DATA, seed=13), seed=13, fraction=0.15)
    held_out = sorted(
        (i for i in split.validation if i.dataset == "ct24-en"),
        key=lambda i: i.item_id,
    )
    assert len(held_out) > 4000, "the held-out split changed: retrain or re-pin the gate"
    sample = held_out[:: len(held_out) // SAMPLE][:SAMPLE]
    model = CheckWorthinessModel.load(shipped_model_path())
    scores = model.scores([i.text for i in sample])
    predicted = [bool(s >= model.threshold("en")) for s in scores]
    result = f1_of_yes("checkworthy", [i.label for i in sample], predicted)
    print(f"check-worthiness F1 of Yes on {len(sample)} held-out sentences: {result.f1:.4f}")
    assert result.f1 >= FLOOR_F1_YES
