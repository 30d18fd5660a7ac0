"""Turn the bytes of a file, page or record into text, or say precisely why they cannot be.

Order: size cap, binary signatures, byte-order mark, a declared UTF-16/32, BOM-less UTF-16/32, NUL and
control bytes, the declared encoding (except that bytes which are valid non-ASCII UTF-8 are UTF-8 whatever
the label says), strict UTF-8, then charset-normalizer's detection, accepted only when it is confident.
Newlines are never translated: shared-task label offsets count every ``\\r``.
"""

from __future__ import annotations

import codecs
import itertools
import logging
import math
import re
import unicodedata
from pathlib import Path
from typing import TYPE_CHECKING

from propwatch.errors import (
    ENCODING_HINT,
    BinaryInputError,
    DecodingError,
    EmptyInputError,
    InputNotFoundError,
    InputTooLargeError,
    UnsupportedInputError,
)
from propwatch.ingest.alphabets import Fit, alphabet_fit
from propwatch.ingest.names import path_name
from propwatch.settings import Settings

if TYPE_CHECKING:
    from charset_normalizer import CharsetMatch

log = logging.getLogger(__name__)

# Longest first where one BOM is a prefix of another (UTF-32-LE starts with the UTF-16-LE BOM).
_BOMS: tuple[tuple[bytes, str, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32", "UTF-32"),
    (codecs.BOM_UTF32_BE, "utf-32", "UTF-32"),
    (codecs.BOM_UTF8, "utf-8-sig", "UTF-8"),
    (codecs.BOM_UTF16_LE, "utf-16", "UTF-16"),
    (codecs.BOM_UTF16_BE, "utf-16", "UTF-16"),
)

# (offset, signature, what it is). Only signatures long or odd enough never to start real text.
_SIGNATURES: tuple[tuple[int, bytes, str], ...] = (
    (0, b"%PDF-", "a PDF document"),
    (0, b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (0, b"\xff\xd8\xff", "a JPEG image"),
    (0, b"GIF87a", "a GIF image"),
    (0, b"GIF89a", "a GIF image"),
    (0, b"II*\x00", "a TIFF image"),
    (0, b"MM\x00*", "a TIFF image"),
    (0, b"\x00\x00\x01\x00", "an icon file"),
    (0, b"PK\x03\x04", "a ZIP archive (or a DOCX/XLSX/ODT/EPUB document)"),
    (0, b"PK\x05\x06", "an empty ZIP archive"),
    (0, b"PK\x07\x08", "a ZIP archive"),
    (0, b"\x1f\x8b", "gzip-compressed data"),
    (0, b"\xfd7zXZ\x00", "xz-compressed data"),
    (0, b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (0, b"Rar!\x1a\x07", "a RAR archive"),
    (0, b"\x28\xb5\x2f\xfd", "zstd-compressed data"),
    (0, b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old Microsoft Office document (DOC/XLS/PPT)"),
    (0, b"\x7fELF", "an ELF executable"),
    (0, b"\xca\xfe\xba\xbe", "a Java class file or Mach-O binary"),
    (0, b"\xcf\xfa\xed\xfe", "a Mach-O binary"),
    (0, b"\x00asm", "a WebAssembly module"),
    (0, b"SQLite format 3\x00", "an SQLite database"),
    (0, b"OggS\x00", "an Ogg audio/video file"),
    (0, b"fLaC\x00", "a FLAC audio file"),
    (0, b"ID3\x02\x00", "an MP3 audio file"),
    (0, b"ID3\x03\x00", "an MP3 audio file"),
    (0, b"ID3\x04\x00", "an MP3 audio file"),
    (0, b"\x1a\x45\xdf\xa3", "a Matroska/WebM video"),
    (0, b"wOFF", "a WOFF font"),
    (0, b"wOF2", "a WOFF2 font"),
    (0, b"BZh", "bzip2-compressed data"),
)
# Signatures that need two parts to be sure: (offset, bytes) pairs that must all match.
_COMPOUND_SIGNATURES: tuple[tuple[tuple[tuple[int, bytes], ...], str], ...] = (
    (((0, b"\x00\x00\x00"), (4, b"ftyp")), "an MP4/QuickTime/HEIC media file"),
    (((0, b"RIFF"), (8, b"WEBP")), "a WebP image"),
    (((0, b"RIFF"), (8, b"WAVE")), "a WAV audio file"),
    (((0, b"RIFF"), (8, b"AVI ")), "an AVI video"),
)

# Bytes that never occur in text (C0 controls other than tab, newlines, form feed, escape, SUB).
_CONTROL_BYTES = frozenset(
    set(range(0x00, 0x09)) | {0x0E, 0x0F} | set(range(0x10, 0x1A)) | {0x1C, 0x1D, 0x1E, 0x1F}
)
_SNIFF_BYTES = 8192
_UTF8_NAMES = frozenset({"utf-8", "utf-8-sig"})
# More control bytes than this share of the sniffed head means binary data, not a stray character.
_MAX_CONTROL_SHARE = 0.05
# charset-normalizer's "mess" ratio above which a decoding is considered garbled.
_MAX_CHAOS = 0.1
# A Windows or ISO page that spells a language stays plausible up to this chaos: charset-normalizer scores a
# short Finnish cp1252 text's "ä" 0.103 there, and hp_roman8's "Pððministeri" 0.0.
_MAX_SPELT_CHAOS = 0.2
# Below this language coherence, a detected encoding is a guess (short or unusual text).
_MIN_COHERENCE = 0.1
# Chaos and coherence this close are a tie, which goes to the commoner legacy encoding.
_TIE = 0.01
_COMMON_FIRST = {
    name: rank for rank, name in enumerate(("cp1252", "cp1251", "cp1250", "iso8859_2", "latin_1"))
}
# Invalid UTF-8 sequences read as damage (U+FFFD) when valid non-ASCII characters outnumber them
# this many times over, and there are at least this many of those.
_UTF8_TO_INVALID = 2
_MIN_UTF8_CHARACTERS = 3
# An alphabet decides between tied decodings only when it spells all but this share of the letters; a
# common encoding's letters out-spell another's only when they cost this much less (e^2, seven times
# likelier): a short text that reads as two languages alike goes to the commoner encoding.
# Fuzz of 10,531 re-encoded SemEval and cs/sk/hu/hr cuts: 9,143 right before a9fec12, 9,856 after, now 10,137.
_MAX_MISFIT_SHARE = 0.1
_SPELLING_MARGIN = 2.0
_NAME_COST = math.log(100)  # a letter's cost at one in a hundred
# Windows, ISO and KOI8 code pages, which legacy text files use: a DOS, Mac or HP page never out-spells one.
_TEXT_PAGES = re.compile(r"cp125\d|iso8859_\d+|latin_1|koi8_[ru]")
# NUL bytes in otherwise clean text are a stray (a bad paste, a buggy export) when this few and at
# least this far apart; more, or bunched, are binary data.
_MAX_STRAY_NULS = 8
_MIN_NUL_GAP = 64
_ESCAPED = re.compile("[\udc80-\udcff]+")  # bytes that errors="surrogateescape" kept


def binary_signature(data: bytes) -> str | None:
    """What ``data`` is when it starts with the signature of a known binary format, else None."""
    for offset, signature, what in _SIGNATURES:
        if data[offset : offset + len(signature)] == signature:
            if signature == b"BZh" and data[4:10] != b"\x31\x41\x59\x26\x53\x59":
                continue  # "BZh" alone can start a word; the block magic after it cannot
            return f"looks like {what}, not text"
    for parts, what in _COMPOUND_SIGNATURES:
        if all(data[offset : offset + len(part)] == part for offset, part in parts):
            return f"looks like {what}, not text"
    return None


def sniff_binary(data: bytes) -> str | None:
    """Why ``data`` is binary (a known format, NUL or control bytes), or None when it may be text."""
    found = binary_signature(data)
    if found:
        return found
    if any(data.startswith(bom) for bom, _, _ in _BOMS):
        return None  # UTF-16/32 text is full of NUL bytes; its byte-order mark says it is text
    head = data[:_SNIFF_BYTES]
    if b"\x00" in data:
        return f"contains NUL bytes (the first at byte {data.index(0)}): looks like binary data, not text"
    controls = sum(1 for byte in head if byte in _CONTROL_BYTES)
    if head and controls / len(head) > _MAX_CONTROL_SHARE:
        return f"contains {controls} control bytes in its first {len(head)}: looks like binary data, not text"
    return None


def decode_bytes(
    data: bytes, input_name: str, settings: Settings, *, declared_encoding: str | None = None
) -> str:
    """Decode ``data`` to text without translating newlines; raise an InputError naming ``input_name``."""
    if len(data) > settings.max_input_bytes:
        raise InputTooLargeError(
            input_name,
            f"is {len(data):,} bytes, over the {settings.max_input_bytes:,}-byte cap (max_input_bytes)",
        )
    if not data:
        raise EmptyInputError(input_name, "is empty (0 bytes)")
    text = _decode(data, input_name, declared_encoding)
    if not text.strip():
        raise EmptyInputError(input_name, "holds only whitespace")
    return text


def read_file_bytes(path: Path, settings: Settings) -> bytes:
    """The bytes of a regular file, refusing missing paths, folders, pipes and files over the cap."""
    name = path_name(path)
    if not path.exists():
        raise InputNotFoundError(name, "no such file")
    if path.is_dir():
        raise InputNotFoundError(name, "is a folder, not a file")
    if not path.is_file():
        # A pipe or device has no size to check and may never end.
        raise UnsupportedInputError(name, "is not a regular file (a pipe, socket or device)")
    try:
        size = path.stat().st_size
        if size > settings.max_input_bytes:
            raise InputTooLargeError(
                name, f"is {size:,} bytes, over the {settings.max_input_bytes:,}-byte cap (max_input_bytes)"
            )
        # Read at most one byte past the cap: a file that grows after stat() still cannot flood memory.
        with path.open("rb") as handle:
            data = handle.read(settings.max_input_bytes + 1)
    except OSError as error:
        raise InputNotFoundError(name, f"cannot be read: {error.strerror or error}") from error
    if len(data) > settings.max_input_bytes:
        raise InputTooLargeError(name, f"grew past the {settings.max_input_bytes:,}-byte cap while read")
    return data


def read_text_file(path: Path, settings: Settings) -> str:
    """Read and decode a text file, checking its size before loading it; ``input_encoding`` is its
    declared encoding when set."""
    data = read_file_bytes(path, settings)
    return decode_bytes(data, path_name(path), settings, declared_encoding=settings.input_encoding)


def _decode(data: bytes, input_name: str, declared_encoding: str | None) -> str:
    # Signatures first; NUL bytes are judged after BOMs, since UTF-16 text is full of them.
    binary = binary_signature(data)
    if binary:
        raise BinaryInputError(input_name, binary)

    for bom, codec, label in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(codec)
            except UnicodeDecodeError as error:
                raise DecodingError(
                    input_name,
                    f"starts with a {label} byte-order mark but is not valid {label}: {error.reason}",
                ) from error

    declared = _codec_name(declared_encoding)
    if declared is not None and _is_wide(declared):
        # NUL bytes are expected in UTF-16/32, so try the declaration before calling them binary.
        wide = _try_decode(data, declared)
        if wide is not None:
            return wide

    if b"\x00" in data:
        wide = _guess_wide_unicode(data)
        if wide is not None:
            return wide
        data = _without_stray_nuls(data, input_name)

    binary = sniff_binary(data)
    if binary:
        raise BinaryInputError(input_name, binary)

    utf8 = _try_decode(data, "utf-8")
    if declared is not None:
        if utf8 is not None and not data.isascii() and declared not in _UTF8_NAMES:
            # Non-ASCII bytes that form valid UTF-8 are UTF-8: a page declaring ISO-8859-1 while sending
            # UTF-8 is common, and trusting the label would silently turn "é" into "Ã©".
            return utf8
        # A wrong declaration is common on the web; fall through to detection when it fails.
        result = _try_decode(data, declared)
        if result is not None:
            return result
    if utf8 is not None:
        return utf8
    damaged = _mostly_utf8(data)
    if damaged is not None:
        _report_invalid_utf8(data, input_name)
        return damaged
    return _detect(data, input_name)


def _without_stray_nuls(data: bytes, input_name: str) -> bytes:
    """``data`` less its trailing NUL padding and, said in a warning, a few NUL bytes far apart in
    otherwise clean text; unchanged (to be refused as binary) when the NULs look like binary data."""
    data = data.rstrip(b"\x00")  # padding a fixed-size record or a disk image leaves after the text
    places: list[int] = []
    while len(places) <= _MAX_STRAY_NULS and (place := data.find(0, places[-1] + 1 if places else 0)) >= 0:
        places.append(place)
    if not places:
        return data
    if len(places) > _MAX_STRAY_NULS or any(b - a < _MIN_NUL_GAP for a, b in itertools.pairwise(places)):
        return data
    cleaned = data.replace(b"\x00", b"")
    if sniff_binary(cleaned) is not None:
        return data
    log.warning(
        "%s: %d NUL byte%s (the first at byte %d) dropped from its text",
        input_name,
        len(places),
        "" if len(places) == 1 else "s",
        places[0],
    )
    return cleaned


def _mostly_utf8(data: bytes) -> str | None:
    """UTF-8 with a few invalid bytes (a truncated paste, one stray Latin-1 character): the text with
    U+FFFD in their place, rather than the whole file read in a legacy encoding (“ as “)."""
    text = data.decode("utf-8", errors="replace")
    invalid = text.count("\ufffd") - data.count("\ufffd".encode())
    valid = sum(1 for ch in text if ord(ch) > 0x7F and ch != "\ufffd")
    return text if valid >= _MIN_UTF8_CHARACTERS and invalid * _UTF8_TO_INVALID <= valid else None


def _report_invalid_utf8(data: bytes, input_name: str) -> None:
    """Warn, naming the input, of the bytes stored as U+FFFD: how many and where (a paragraph pasted
    from a cp1251 page had been lost without a word)."""
    escaped = data.decode("utf-8", errors="surrogateescape")
    runs = list(_ESCAPED.finditer(escaped))
    count = sum(run.end() - run.start() for run in runs)
    first = len(escaped[: runs[0].start()].encode("utf-8", "surrogateescape"))
    last = len(escaped[: runs[-1].end()].encode("utf-8", "surrogateescape")) - 1
    where = f"at byte {first}" if first == last else f"between bytes {first} and {last}"
    log.warning(
        "%s: %d byte%s %s %s not valid UTF-8 and %s stored as U+FFFD; if that is text in "
        "another encoding, save the file as UTF-8",
        input_name,
        count,
        "" if count == 1 else "s",
        where,
        "is" if count == 1 else "are",
        "is" if count == 1 else "are",
    )


def _codec_name(declared: str | None) -> str | None:
    if not declared:
        return None
    try:
        return codecs.lookup(declared.strip().strip("\"'")).name
    except LookupError:
        return None


def _is_wide(codec: str) -> bool:
    return codec.startswith(("utf-16", "utf-32"))


def _try_decode(data: bytes, codec: str) -> str | None:
    try:
        return data.decode(codec)
    except (UnicodeDecodeError, LookupError):
        return None


def _guess_wide_unicode(data: bytes) -> str | None:
    """BOM-less UTF-16/32 text: NUL bytes in the high-byte positions of mostly-ASCII characters."""
    found = _wide_codec(data, complete=True)
    return None if found is None else found[1]


def wide_encoding(head: bytes, declared: str | None = None) -> str | None:
    """The UTF-16/32 codec of a stream that starts with ``head``: its byte-order mark's, the declared one,
    or the one BOM-less text's NUL bytes show; None for UTF-8 and other byte-oriented encodings (whose
    lines a reader can split at b"\\n")."""
    for bom, codec, _ in _BOMS:
        if head.startswith(bom):
            return None if codec == "utf-8-sig" else codec
    if b"\x00" not in head:
        return None  # even a declared UTF-16 is not: its ASCII characters would have NUL bytes
    declared_codec = _codec_name(declared)
    if declared_codec is not None and _is_wide(declared_codec):
        return declared_codec
    found = _wide_codec(head, complete=False)
    return None if found is None else found[0]


def _wide_codec(data: bytes, *, complete: bool) -> tuple[str, str] | None:
    """The UTF-16/32 codec (and the text) of ``data``, all of a file or (not ``complete``) its head."""
    head = data[:_SNIFF_BYTES]
    candidates: list[tuple[str, int, int]] = [
        ("utf-32-le", 4, 0),
        ("utf-32-be", 4, 3),
        ("utf-16-le", 2, 0),
        ("utf-16-be", 2, 1),
    ]
    for codec, width, low in candidates:
        if complete and len(data) % width:
            continue
        units = [head[i : i + width] for i in range(0, len(head) - width + 1, width)]
        if not units:
            continue
        # Share of code units whose only non-zero byte is the low byte, as ASCII text has.
        narrow = sum(1 for unit in units if unit[low] and not any(b for i, b in enumerate(unit) if i != low))
        if narrow / len(units) < 0.6:
            continue
        if complete:
            text = _try_decode(data, codec)
        else:
            try:  # a head may end inside a character
                text = codecs.getincrementaldecoder(codec)().decode(head, final=False)
            except UnicodeDecodeError:
                text = None
        if text is not None and _looks_like_text(text):
            return codec, text
    return None


def _looks_like_text(text: str) -> bool:
    sample = text[:_SNIFF_BYTES]
    unprintable = sum(1 for ch in sample if not (ch.isprintable() or ch in "\t\n\r\f\v"))
    return unprintable / max(len(sample), 1) <= _MAX_CONTROL_SHARE


def stream_encoding(head: bytes, input_name: str) -> str:
    """The codec to read, as a stream, a file that starts with ``head``: its byte-order mark's, UTF-8
    when ``head`` is UTF-8 (a character cut off at its end included), else the detected one."""
    for bom, codec, _ in _BOMS:
        if head.startswith(bom):
            return codec
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as error:
        if error.start < len(head) - 3 or error.reason != "unexpected end of data":
            return _detected(head, input_name).encoding
    return "utf-8"


def _detect(data: bytes, input_name: str) -> str:
    return str(_detected(data, input_name))


def _detected(data: bytes, input_name: str) -> CharsetMatch:
    from charset_normalizer import from_bytes

    matches = list(from_bytes(data))
    plausible = [match for match in matches if match.chaos <= _MAX_CHAOS or _spelt_page(match)]
    hint = f"; {ENCODING_HINT}"
    if not plausible:
        raise DecodingError(input_name, f"is not valid UTF-8 and no encoding decodes it cleanly{hint}")
    best = _most_likely(plausible)
    text = str(best)
    # Confident: the language model agrees, or every clean candidate yields the very same text.
    agreeing = all(str(match) == text for match in plausible)
    if (best.coherence >= _MIN_COHERENCE or agreeing) and _looks_like_text(text):
        return best
    names = ", ".join(dict.fromkeys(match.encoding for match in plausible[:4]))
    raise DecodingError(
        input_name,
        f"is not valid UTF-8 and its encoding cannot be identified with confidence ({names}?){hint}",
    )


def _most_likely(plausible: list[CharsetMatch]) -> CharsetMatch:
    """The decoding that best spells some language's alphabet, then the cleanest, then the most coherent;
    charset-normalizer's own order puts near-ties such as cp1250 before cp1252 ("élčves" for "élèves"),
    so ties go to the commoner encoding."""
    fits = {id(match): alphabet_fit(str(match)) for match in plausible}
    plausible = _best_spelt(plausible, fits)
    cleanest = min(match.chaos for match in plausible)
    clean = [match for match in plausible if match.chaos <= cleanest + _TIE]
    # cp1258 reads Italian "però" as "peṛ": combining marks where another clean decoding has none.
    plain = [match for match in clean if not any(unicodedata.category(ch) == "Mn" for ch in str(match))]
    candidates = plain or clean
    # Old Mac code pages decode most Windows text "cleanly" too (mac_cyrillic reads cp1251's "З" as "«"):
    # only when nothing else is as clean.
    candidates = [m for m in candidates if not m.encoding.startswith("mac_")] or candidates
    top = max(match.coherence for match in candidates)
    tied = [match for match in candidates if match.coherence >= top - _TIE]
    # The detected language settles what is left (Hungarian "elemzők" is cp1250's, Portuguese-looking
    # "elemzõk" cp1252's) when it names the common encodings' readings alike and picks the cheapest
    # spelt: it guesses Czech for Italian "Le 16 Più Grandi Bugie", which would choose cp1250's "Piů".
    common = [match for match in tied if match.encoding in _COMMON_FIRST]
    if len({match.language for match in common}) == 1:
        guessed = [match for match in common if match.language in fits[id(match)].languages]
        cheapest = min((fits[id(match)].cost for match in common), default=0.0)
        if guessed and all(fits[id(match)].cost <= cheapest for match in guessed):
            tied = guessed
    return min(tied, key=lambda match: _COMMON_FIRST.get(match.encoding, len(_COMMON_FIRST)))


def _best_spelt(candidates: list[CharsetMatch], fits: dict[int, Fit]) -> list[CharsetMatch]:
    """The decodings no other spells better (cp1250 and cp1252 tie on Czech, but only cp1250 reads "ř" and
    "ň" where cp1252 has "ø" and "ò"); all of ``candidates`` when they read the same or no alphabet fits
    any of them well."""
    if len({str(match) for match in candidates}) < 2:
        return candidates
    best = [
        match for match in candidates if not any(_spelt_better(other, match, fits) for other in candidates)
    ]
    if any(_spells(fits[id(match)]) for match in best):
        return best
    return candidates


def _spells(fit: Fit) -> bool:
    """Whether a decoding spells all but a few of its letters in some language's alphabet."""
    return fit.misfits <= fit.letters * _MAX_MISFIT_SHARE


def _spelt_page(match: CharsetMatch) -> bool:
    """Whether ``match`` is a Windows or ISO page's reading, a little messy, that spells a language."""
    return (
        match.chaos <= _MAX_SPELT_CHAOS
        and _TEXT_PAGES.fullmatch(match.encoding) is not None
        and _spells(alphabet_fit(str(match)))
    )


def _spelt_better(one: CharsetMatch, other: CharsetMatch, fits: dict[int, Fit]) -> bool:
    """Whether ``one`` spells its letters clearly likelier than ``other`` ("bekämpft Viganò" is German with a
    name, "bekämpft Viganň" Slovak with three rare "ä"), or else with fewer misfits. Likelihoods compare
    only the same number of letters (cp850's "m—gen" has none to pay for) in common encodings (cp1257's
    Danish-looking "æe" for Polish "że" is no likelier); a DOS, Mac or HP page that happens to spell
    better (hp_roman8's Estonian "bekõmpft") does not count against a Windows or ISO one."""
    a, b = fits[id(one)], fits[id(other)]
    one_common, other_common = _TEXT_PAGES.fullmatch(one.encoding), _TEXT_PAGES.fullmatch(other.encoding)
    if other_common and not one_common:
        return False
    # Else hp_roman8's cleaner "Pððministeri" beats Finnish; a letter read as a symbol ("Oekra’ne") costs.
    unread = (a.letters - b.letters) * _NAME_COST
    if (
        one_common
        and not other_common
        and a.letters >= b.letters
        and _spells(a)
        and a.cost <= b.cost + unread
    ):
        return True
    costed = one.encoding in _COMMON_FIRST and other.encoding in _COMMON_FIRST and a.letters == b.letters
    if costed and abs(a.cost - b.cost) > _SPELLING_MARGIN:
        return a.cost < b.cost
    return a.misfits < b.misfits
