"""Quality gate: the shipped check-worthiness model on a fixed sample of its held-out English debates."""

from __future__ import annotations

import hashlib
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
HELD_OUT_DEBATES = ["1992-10-11.txt", "1996-10-16.txt", "2004-10-13.txt", "2016-09-26.txt", "2016-10-19.txt"]


@pytest.mark.skipif(not (DATA / "claimbuster").is_dir(), reason="the corpora (../shared/data) are not here")
def test_shipped_claims_model_stays_above_its_floor() -> None:
    split = split_items(read_all(DATA, seed=13), seed=13, fraction=0.15)
    held_out = sorted(
        (i for i in split.validation if i.dataset == "ct24-en"),
        key=lambda i: i.item_id,
    )
    # The held-out debates and their sentences, pinned: a change to the split would move the sample.
    assert sorted({i.group for i in held_out}) == HELD_OUT_DEBATES, "the split changed: retrain or re-pin"
    ids = hashlib.sha256("\n".join(i.item_id for i in held_out).encode()).hexdigest()[:16]
    assert (len(held_out), ids) == (4256, "616ce7e3b607bae2"), "the split changed: retrain or re-pin"
    sample = held_out[:: len(held_out) // SAMPLE][:SAMPLE]
    model = CheckWorthinessModel.load(shipped_model_path())
    scores = model.scores([i.text for i in sample])
    predicted = [bool(s >= model.threshold("en")) for s in scores]
    result = f1_of_yes("checkworthy", [i.label for i in sample], predicted)
    print(f"check-worthiness F1 of Yes on {len(sample)} held-out sentences: {result.f1:.4f}")
    assert result.f1 >= FLOOR_F1_YES
