"""``propwatch train technique-decoding``: a finished model's decoding re-chosen from its own graph."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from typer.testing import CliRunner

from propwatch.errors import ConfigurationError
from propwatch.models.paragraph_head import WIDTH, ParagraphHead
from propwatch.models.techniques import TechniqueModel
from propwatch.settings import Settings
from propwatch.training.artifact import replace_card_section
from propwatch.training.config import TrainConfig
from propwatch.training.data import read_training_corpora, split_corpora
from propwatch.training.retune import carry_sections, retune_decoding
from technique_corpus_fixture import EN_ARTICLES, FR_ARTICLES, write_fake_data
from technique_fixture import write_planted_model

LABELS = tuple(
    sorted({t for arts in (EN_ARTICLES, FR_ARTICLES) for _, spans in arts.values() for t, _ in spans})
)
TRAINING = {
    "languages": ["en", "fr"],
    "validation_fraction": 0.34,
    "seed": 13,
    "window_tokens": 8,
    "stride_tokens": 4,
    "min_calibration_positives": 1,
    "version": "2026.0.0-test",
}
QUANTISATION = {
    "max_abs_logit_diff_windows": 0.5,
    "windows_checked": 8,
    "subset_articles": 2,
    "f1_change": {"span_f1": 0.01},
}


def _model(tmp_path: Path, data: Path, settings: Settings) -> Path:
    """The planted model, with the training record a real run writes (config and split fingerprints)."""
    articles = [*EN_ARTICLES.values(), *FR_ARTICLES.values()]
    folder = write_planted_model(tmp_path / "model", settings.data_dir / "cache", data, LABELS, articles)
    splits = split_corpora(read_training_corpora(data, ("en", "fr")), 13, 0.34)
    document = json.loads((folder / "model.json").read_text(encoding="utf-8"))
    document["training"] = {
        **TrainConfig(**TRAINING).model_dump(mode="json"),  # type: ignore[arg-type]
        "split_fingerprints": {c: s.fingerprint() for c, s in splits.items()},
        "steps": 4,
        "passes_over_data": 1.0,
        "minutes": 0.1,
        "loss": {"per_50_steps": [0.2]},
        "data": [{"name": "fake SemEval-2023", "licence": "research-only"}],
    }
    document["encoder"] |= {"layers": 1, "quantisation": "none (a planted linear graph)"}
    document["validation"] = {"quantisation": QUANTISATION}
    document["paragraph_head"] = None
    (folder / "model.json").write_text(json.dumps(document), encoding="utf-8")
    card = "# card\n\n## Limits\n- few\n\n## Written by hand\nKept.\n"
    (folder / "MODEL_CARD.md").write_text(card, encoding="utf-8")
    return folder


@pytest.fixture
def setup(tmp_path: Path) -> tuple[Path, Path, Settings]:
    data = write_fake_data(tmp_path / "data")
    settings = Settings(data_dir=tmp_path / "propwatch")
    return _model(tmp_path, data, settings), data, settings


def test_retune_rewrites_the_decoding_and_keeps_the_graph(setup: tuple[Path, Path, Settings]) -> None:
    folder, data, settings = setup
    out = folder.parent / "retuned"
    lines: list[str] = []
    result = retune_decoding(
        folder, data, out, settings, min_span_precision=0.5, version="2026.0.1-test", progress=lines.append
    )
    assert (out / "encoder.onnx").read_bytes() == (folder / "encoder.onnx").read_bytes()
    document = json.loads((out / "model.json").read_text(encoding="utf-8"))
    assert document["version"] == result.version == "2026.0.1-test"
    assert document["decoding"]["retuned_from"] == "2026.0.0-test"
    assert document["training"]["min_span_precision"] == 0.5
    assert (
        document["training"]["split_fingerprints"]
        == json.loads((folder / "model.json").read_text(encoding="utf-8"))["training"]["split_fingerprints"]
    )
    assert set(document["thresholds"]) == set(LABELS) == set(document["calibration"])
    assert set(document["validation"]["languages"]) == {"en", "fr"}
    assert set(document["validation"]["threshold_precision_curves"]) == set(LABELS)
    assert document["validation"]["quantisation"] == QUANTISATION  # the same graph
    # The planted model finds its spans exactly, so the figures before and after are both measured.
    assert set(result.before) == set(result.after) and result.after["span_f1"] > 0.5
    assert set(result.shifts) <= {"en", "fr", "de", "it", "pl", "ru"}
    assert result.stale == ()  # no paragraph head, no PTC span threshold
    assert any("scoring" in line for line in lines)
    card = (out / "MODEL_CARD.md").read_text(encoding="utf-8")
    assert "re-chosen from version 2026.0.0-test's int8 graph (the same weights" in card
    assert "validation span precision at least 0.5" in card
    assert "- The PTC-14 view is a mapping" in card  # the planted model has no PTC head
    assert card.count("## Limits") == 1 and card.count("## Written by hand\nKept.") == 1
    model = TechniqueModel.load(out, settings)  # the inference side reads what was written
    assert model.version == "2026.0.1-test"
    assert model.predict([EN_ARTICLES["111"][0]], ["en"])[0]


def test_a_stale_paragraph_head_is_reported(setup: tuple[Path, Path, Settings]) -> None:
    folder, data, settings = setup
    document = json.loads((folder / "model.json").read_text(encoding="utf-8"))
    head = ParagraphHead(LABELS, np.zeros((len(LABELS), WIDTH)), np.full(len(LABELS), -1.0), 0.5).to_json()
    document["paragraph_head"] = head
    (folder / "model.json").write_text(json.dumps(document), encoding="utf-8")
    result = retune_decoding(folder, data, folder, settings, min_span_precision=0.0, version="v2")
    assert result.stale == (f"propwatch train paragraph-head --data {data} --model {folder}",)
    assert json.loads((folder / "model.json").read_text(encoding="utf-8"))["paragraph_head"] == head


def test_another_split_or_the_same_version_is_refused(setup: tuple[Path, Path, Settings]) -> None:
    folder, data, settings = setup
    with pytest.raises(ConfigurationError, match="must differ"):
        retune_decoding(
            folder, data, folder.parent / "o", settings, min_span_precision=0, version="2026.0.0-test"
        )
    document = json.loads((folder / "model.json").read_text(encoding="utf-8"))
    document["training"]["split_fingerprints"]["fr"] = "0000"
    (folder / "model.json").write_text(json.dumps(document), encoding="utf-8")
    with pytest.raises(ConfigurationError, match="validation split of fr differs") as error:
        retune_decoding(folder, data, folder.parent / "o", settings, min_span_precision=0, version="v2")
    assert str(data) in str(error.value)
    assert not (folder.parent / "o").exists()  # nothing written


def test_carry_sections_appends_only_what_the_new_card_lacks() -> None:
    old = "# old\n\n## Model\nold model\n\n## PTC-14 view\nhead\n\n## Notes\nby hand\n"
    new = "# new\n\n## Model\nnew model\n"
    merged = carry_sections(old, new)
    assert merged == "# new\n\n## Model\nnew model\n\n## PTC-14 view\nhead\n\n## Notes\nby hand\n"
    assert carry_sections("", new) == new


def test_the_command_prints_what_moved(setup: tuple[Path, Path, Settings], tmp_path: Path) -> None:
    from propwatch.cli import app

    folder, data, settings = setup
    out = tmp_path / "cli-out"
    arguments = ["--data", str(data), "--model", str(folder), "--out", str(out), "--version", "v3"]
    result = CliRunner().invoke(
        app,
        ["train", "technique-decoding", *arguments, "--min-span-precision", "0.2", "--hysteresis", "0.4"],
        env={"COLUMNS": "200", "NO_COLOR": "1", "PROPWATCH_DATA_DIR": str(settings.data_dir)},
    )
    assert result.exit_code == 0, result.output
    assert f"model v3 written to {out}" in result.output and "language shifts:" in result.output
    written = json.loads((out / "model.json").read_text(encoding="utf-8"))
    assert written["training"]["min_span_precision"] == 0.2
    assert written["span_hysteresis"] == written["training"]["span_hysteresis"] == 0.4
    refused = CliRunner().invoke(
        app,
        ["train", "technique-decoding", *arguments, "--min-span-precision", "1.5"],
        env={"COLUMNS": "200", "NO_COLOR": "1"},
    )
    assert refused.exit_code == 2 and "'--min-span-precision'" in refused.output
    refused = CliRunner().invoke(
        app,
        ["train", "technique-decoding", *arguments, "--min-span-precision", "0.2", "--hysteresis", "1"],
        env={"COLUMNS": "200", "NO_COLOR": "1"},
    )
    assert refused.exit_code == 2 and "'--hysteresis'" in refused.output


def test_a_head_command_replaces_its_card_section_in_place() -> None:
    card = "# m\n\n## PTC-14 view\nold view\n\n## Paragraph head (subtask 3)\nhead\n\n## Notes\nby hand\n"
    replaced = replace_card_section(card, "## PTC-14 view", "new view\n")
    assert (
        replaced
        == "# m\n\n## PTC-14 view\n\nnew view\n\n## Paragraph head (subtask 3)\nhead\n\n## Notes\nby hand\n"
    )
    assert replace_card_section(replaced, "## PTC-14 view", "new view") == replaced  # a rerun changes nothing
    appended = replace_card_section("# m\n\n## Limits\n- few\n", "## Paragraph head (subtask 3)", "rows")
    assert appended == "# m\n\n## Limits\n- few\n\n## Paragraph head (subtask 3)\n\nrows\n"
    last = replace_card_section(appended, "## Paragraph head (subtask 3)", "other rows")
    assert last == "# m\n\n## Limits\n- few\n\n## Paragraph head (subtask 3)\n\nother rows\n"


def _soft_thresholds(folder: Path, **fields: object) -> dict[str, Any]:
    """Rewrite the planted model with temperature 4 and low thresholds (``fields`` on top); its document.

    Calibrated, a planted token scores about sigmoid(±6 / 4): 0.82 inside, 0.18 outside. At 0.05 every
    token is a span of every technique (precision far under any floor); at 0.5 only the planted ones."""
    document: dict[str, Any] = json.loads((folder / "model.json").read_text(encoding="utf-8"))
    document["calibration"] = {label: {"temperature": 4.0, "bias": 0.0} for label in LABELS}
    document["thresholds"] = {**dict.fromkeys(LABELS, 0.05), "Loaded_Language": 0.5}
    document.update(fields)
    (folder / "model.json").write_text(json.dumps(document), encoding="utf-8")
    return document


def test_thresholds_only_raises_only_the_thresholds_below_the_floor(
    setup: tuple[Path, Path, Settings],
) -> None:
    folder, data, settings = setup
    document = _soft_thresholds(folder, language_shift={"en": 0.75, "fr": -0.5})
    out = folder.parent / "thresholds-only"
    retune_decoding(folder, data, out, settings, min_span_precision=0.5, version="v2", thresholds_only=True)
    written = json.loads((out / "model.json").read_text(encoding="utf-8"))
    assert written["calibration"] == document["calibration"]
    assert written["language_shift"] == document["language_shift"]
    assert written["thresholds"]["Loaded_Language"] == 0.5  # meets the floor: kept, not re-fitted
    assert all(written["thresholds"][label] > 0.05 for label in LABELS)
    assert written["decoding"]["command"] == "propwatch train technique-decoding --thresholds-only"
    assert written["validation"]["language_shift_curves"] == {}
    card = (out / "MODEL_CARD.md").read_text(encoding="utf-8")
    assert "thresholds under the precision floor were raised; the other thresholds" in card


def test_a_new_hysteresis_chooses_every_threshold_again_and_the_graphs_come_along(
    setup: tuple[Path, Path, Settings],
) -> None:
    folder, data, settings = setup
    document = _soft_thresholds(folder)
    (folder / "si_tagger.onnx").write_bytes(b"another graph of the model folder")
    out = folder.parent / "hysteresis"
    retune_decoding(
        folder,
        data,
        out,
        settings,
        min_span_precision=0.5,
        version="v3",
        thresholds_only=True,
        span_hysteresis=0.5,
    )
    written = json.loads((out / "model.json").read_text(encoding="utf-8"))
    assert written["span_hysteresis"] == written["training"]["span_hysteresis"] == 0.5
    assert written["decoding"]["command"].endswith("--thresholds-only --hysteresis 0.5")
    assert written["calibration"] == document["calibration"]
    # Planted tokens score about 0.82, the others 0.18: with runs going on down to half the threshold,
    # 0.5 would let 0.25-0.36 in, so Loaded_Language's threshold (kept without a new hysteresis) moves up.
    assert written["thresholds"]["Loaded_Language"] > 0.5
    assert (out / "si_tagger.onnx").read_bytes() == b"another graph of the model folder"
    assert TechniqueModel.load(out, settings).card.calibration.hysteresis == 0.5
    card = (out / "MODEL_CARD.md").read_text(encoding="utf-8")
    assert "goes on down to 0.5 × its threshold once one token reaches it (hysteresis 0.5)" in card
    assert "Every threshold was chosen again for the spans' new hysteresis" in card
