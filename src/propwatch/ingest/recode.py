"""UTF-16/32 streams read line by line as UTF-8 bytes, for readers that split lines at b"\\n".

PowerShell 5's ``>`` and ``Out-File`` write UTF-16: split at b"\\n", each of its lines would start with
the NUL byte of the newline before it.
"""

from __future__ import annotations

import io
from typing import IO, TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from _typeshed import WriteableBuffer


class LineReader(Protocol):
    """What a line-by-line reader needs of a byte stream."""

    def readline(self, size: int = -1, /) -> bytes: ...


class ByteReader(LineReader, Protocol):
    """A byte stream read by lines, then (what is left) as a whole."""

    def read(self, size: int = -1, /) -> bytes: ...


class _Prefixed(io.RawIOBase):
    """``first``, bytes already read from ``stream``, then the rest of ``stream``, which is left open."""

    def __init__(self, first: bytes, stream: IO[bytes] | io.BufferedIOBase) -> None:
        super().__init__()
        self._first = first
        self._stream = stream

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: WriteableBuffer) -> int:
        view = memoryview(buffer).cast("B")
        if self._first:
            size = min(len(view), len(self._first))
            view[:size] = self._first[:size]
            self._first = self._first[size:]
            return size
        read1 = getattr(self._stream, "read1", None)  # a pipe: what is there, without waiting for more
        data = read1(len(view)) if read1 is not None else self._stream.read(len(view))
        view[: len(data)] = data
        return len(data)


class Utf8Lines:
    """The lines (and the rest) of a stream in ``codec``, as UTF-8 bytes with every newline kept;
    ``size`` counts characters, so a line cap still bounds what one line holds in memory."""

    def __init__(self, stream: IO[bytes] | io.BufferedIOBase, codec: str, *, first: bytes = b"") -> None:
        raw = io.BufferedReader(_Prefixed(first, stream))
        # errors="replace": a stray byte spoils its record only, which then fails as JSON, by line.
        self._text = io.TextIOWrapper(raw, encoding=codec, errors="replace", newline="")

    def readline(self, size: int = -1, /) -> bytes:
        return self._text.readline(size).encode("utf-8")

    def read(self, size: int = -1, /) -> bytes:
        return self._text.read(size).encode("utf-8")
