"""Bytes to text: size cap, binary inputs, BOMs, declared and detected encodings, newlines kept."""

from __future__ import annotations

import codecs
import os
from pathlib import Path
from typing import Any

import pytest

from propwatch.errors import (
    BinaryInputError,
    DecodingError,
    EmptyInputError,
    InputNotFoundError,
    InputTooLargeError,
    UnsupportedInputError,
)
from propwatch.ingest.decode import decode_bytes, read_text_file, sniff_binary
from propwatch.settings import Settings

RUSSIAN = (
    "Москва. Министр иностранных дел России заявил в четверг, что ответы США и НАТО не учитывают "
    "главные озабоченности российской стороны по вопросам безопасности в Европе."
)
FRENCH = (
    "Le président a déclaré mercredi que la sécurité européenne était menacée. « Nous ne céderons pas », "
    "a-t-il ajouté à l'issue d'une réunion à l'Élysée où étaient présents les ministres."
)
JAPANESE = "東京は日本の首都であり、世界最大の都市圏の一つです。政府は本日、新しい経済政策を発表しました。"


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path)


def test_utf8_passes_through_with_crlf_kept(settings: Settings) -> None:
    text = "Title\r\n\r\nFirst line — with a dash.\r\nSecond line\n"
    assert decode_bytes(text.encode("utf-8"), "a.txt", settings) == text


def test_utf8_bom_is_removed(settings: Settings) -> None:
    assert decode_bytes(codecs.BOM_UTF8 + "Привет\r\n".encode(), "a.txt", settings) == "Привет\r\n"


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-le", "utf-32-be"])
def test_utf16_and_utf32_with_bom(settings: Settings, codec: str) -> None:
    boms = {
        "utf-16": b"",
        "utf-32": b"",
        "utf-16-le": codecs.BOM_UTF16_LE,
        "utf-16-be": codecs.BOM_UTF16_BE,
        "utf-32-le": codecs.BOM_UTF32_LE,
        "utf-32-be": codecs.BOM_UTF32_BE,
    }
    text = "Le président\r\n" + FRENCH
    data = boms[codec] + text.encode(codec)
    assert decode_bytes(data, "a.txt", settings) == text


def test_utf16_without_bom_is_recognised_not_called_binary(settings: Settings) -> None:
    text = "Plain English text\r\nwith a second line. " + FRENCH
    assert decode_bytes(text.encode("utf-16-le"), "a.txt", settings) == text


def test_cp1251_russian(settings: Settings) -> None:
    assert decode_bytes(RUSSIAN.encode("cp1251"), "ru.txt", settings) == RUSSIAN


def test_koi8r_russian(settings: Settings) -> None:
    assert decode_bytes(RUSSIAN.encode("koi8-r"), "ru.txt", settings) == RUSSIAN


def test_latin1_french(settings: Settings) -> None:
    assert decode_bytes(FRENCH.encode("latin-1"), "fr.txt", settings) == FRENCH


# Short Western and Central European sentences, where charset-normalizer ties cp1252 with cp1250,
# cp1257 or cp1258 ("élčves", "nińo", "peṛ") and ISO-8859-2 with ISO-8859-14.
@pytest.mark.parametrize(
    ("text", "codec"),
    [
        ("Les élèves étaient très fâchés après la décision du ministère.\n", "latin-1"),
        ("El niño español comió mañana en la montaña con su compañero.\n", "cp1252"),
        ("Però così è la vita: perché non può essere più facile?\n", "cp1252"),
        ("Il governo ha già detto che la città non sarà più la stessa, però nessuno ci crede.\n", "cp1252"),
        (
            "Rząd ogłosił w środę, że sankcje wobec Rosji będą zaostrzone, a granica pozostanie zamknięta.\n",
            "iso8859-2",
        ),
        ("Zażółć gęślą jaźń. Państwo polskie ogłosiło, że będzie współpracować.\n", "cp1250"),
        (
            "Türkiye Cumhurbaşkanı, Ankarada düzenlenen toplantıda ekonomik işbirliğini değerlendirdi.\n",
            "cp1254",
        ),
        ("Η κυβέρνηση ανακοίνωσε νέα μέτρα για την οικονομία της χώρας.\n", "cp1253"),
    ],
)
def test_near_tied_legacy_encodings_go_to_the_right_one(settings: Settings, text: str, codec: str) -> None:
    assert decode_bytes(text.encode(codec), "legacy.txt", settings) == text


@pytest.mark.parametrize("stray", [b"\xff", b"\xff\xfe\x80 broken ", "é".encode("latin-1")])
def test_utf8_with_a_few_bad_bytes_stays_utf8(settings: Settings, stray: bytes) -> None:
    # Detection read such a file as Mac Roman: every ’ became ‚Äô.
    text = "The US and NATO’s “responses” to Russia’s proposals, said the agency’s editorial. " * 3
    data = text.encode("utf-8")
    damaged = decode_bytes(data[:100] + stray + data[100:], "damaged.txt", settings)
    assert damaged.count("’") == text.count("’") and "‚Äô" not in damaged
    assert 1 <= damaged.count("\ufffd") <= len(stray)


def test_shift_jis_japanese(settings: Settings) -> None:
    assert decode_bytes(JAPANESE.encode("shift_jis"), "ja.txt", settings) == JAPANESE


def test_detected_encoding_keeps_crlf(settings: Settings) -> None:
    text = RUSSIAN + "\r\n\r\n" + RUSSIAN
    assert decode_bytes(text.encode("cp1251"), "ru.txt", settings) == text


def test_declared_encoding_is_used(settings: Settings) -> None:
    # Short cp1251 text is too ambiguous to detect, but a declaration settles it.
    data = "Привет, мир".encode("cp1251")
    assert decode_bytes(data, "ru.txt", settings, declared_encoding="windows-1251") == "Привет, мир"


def test_wrong_or_unknown_declared_encoding_falls_back(settings: Settings) -> None:
    data = FRENCH.encode("utf-8")
    assert decode_bytes(data, "fr.txt", settings, declared_encoding="us-ascii") == FRENCH
    assert decode_bytes(data, "fr.txt", settings, declared_encoding="no-such-charset") == FRENCH


def test_valid_utf8_beats_a_wrong_single_byte_declaration(settings: Settings) -> None:
    # Pages often declare ISO-8859-1 but send UTF-8; trusting the label would give "prÃ©sident".
    assert decode_bytes(FRENCH.encode("utf-8"), "fr.html", settings, declared_encoding="iso-8859-1") == FRENCH


def test_declaration_wins_for_bytes_that_are_not_utf8(settings: Settings) -> None:
    data = "café crème".encode("latin-1")
    assert decode_bytes(data, "fr.html", settings, declared_encoding="latin-1") == "café crème"


def test_ambiguous_short_bytes_raise_instead_of_mojibake(settings: Settings) -> None:
    with pytest.raises(DecodingError) as caught:
        decode_bytes("Привет, мир".encode("cp1251"), "short.txt", settings)
    assert str(caught.value).startswith("short.txt: ")
    assert "encoding" in caught.value.reason


def test_random_high_bytes_raise_decoding_error(settings: Settings) -> None:
    data = bytes((i * 73 + 11) % 128 + 128 for i in range(400))
    with pytest.raises(DecodingError):
        decode_bytes(data, "noise.txt", settings)


@pytest.mark.parametrize(
    ("data", "what"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "PNG"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "PDF"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", "JPEG"),
        (b"GIF89a\x01\x00\x01\x00", "GIF"),
        (b"PK\x03\x04\x14\x00\x06\x00", "ZIP"),
        (b"\x1f\x8b\x08\x00\x00\x00\x00\x00", "gzip"),
        (b"\x7fELF\x02\x01\x01", "ELF"),
        (b"SQLite format 3\x00rest", "SQLite"),
        (b"\x00\x00\x00\x18ftypmp42", "MP4"),
        (b"RIFF\x24\x00\x00\x00WEBPVP8 ", "WebP"),
    ],
)
def test_binary_formats_are_named(settings: Settings, data: bytes, what: str) -> None:
    with pytest.raises(BinaryInputError) as caught:
        decode_bytes(data, "file.bin", settings)
    assert what in caught.value.reason
    assert str(caught.value).startswith("file.bin: ")


def test_nul_bytes_are_binary(settings: Settings) -> None:
    with pytest.raises(BinaryInputError, match="NUL"):
        decode_bytes(b"hello\x00world\x00\x01\x02\x03 \xff\xfe\xfd", "x.dat", settings)


def test_text_that_merely_starts_like_a_signature_is_text(settings: Settings) -> None:
    text = "BZh is how bzip2 files start; OggS and ID3 too. The ftyp box is in MP4 files."
    assert decode_bytes(text.encode(), "notes.txt", settings) == text
    assert sniff_binary(text.encode()) is None


def test_sniff_binary_accepts_utf16_with_bom() -> None:
    assert sniff_binary("hello".encode("utf-16")) is None
    assert sniff_binary(b"\x89PNG\r\n\x1a\n") is not None


@pytest.mark.parametrize("data", [b"", b"   ", b" \r\n\t\n", "\u3000\n".encode(), codecs.BOM_UTF8 + b"\n"])
def test_empty_or_whitespace_input(settings: Settings, data: bytes) -> None:
    with pytest.raises(EmptyInputError) as caught:
        decode_bytes(data, "empty.txt", settings)
    assert str(caught.value).startswith("empty.txt: ")


def test_oversize_bytes_name_size_and_cap(tmp_path: Path) -> None:
    small = Settings(data_dir=tmp_path, max_input_bytes=10)
    with pytest.raises(InputTooLargeError) as caught:
        decode_bytes(b"x" * 11, "big.txt", small)
    assert "11" in caught.value.reason and "10" in caught.value.reason
    assert decode_bytes(b"x" * 10, "ok.txt", small) == "x" * 10


def test_read_text_file_keeps_crlf(settings: Settings, tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_bytes("Заголовок\r\n\r\nТекст статьи.\r\n".encode())
    assert read_text_file(path, settings) == "Заголовок\r\n\r\nТекст статьи.\r\n"


def test_read_text_file_missing_and_folder(settings: Settings, tmp_path: Path) -> None:
    missing = tmp_path / "nope.txt"
    with pytest.raises(InputNotFoundError) as caught:
        read_text_file(missing, settings)
    assert str(missing) in str(caught.value)
    with pytest.raises(InputNotFoundError) as caught_dir:
        read_text_file(tmp_path, settings)
    assert str(tmp_path) in str(caught_dir.value)


def test_read_text_file_checks_size_before_reading(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    small = Settings(data_dir=tmp_path, max_input_bytes=100)
    path = tmp_path / "huge.txt"
    path.write_bytes(b"a" * 101)

    def no_reading(*args: object, **kwargs: object) -> None:
        raise AssertionError("the file was opened although it is over the cap")

    monkeypatch.setattr(Path, "open", no_reading)
    monkeypatch.setattr(Path, "read_bytes", no_reading)
    with pytest.raises(InputTooLargeError) as caught:
        read_text_file(path, small)
    assert str(path) in str(caught.value)
    assert "101" in caught.value.reason and "100" in caught.value.reason


def test_a_file_that_grows_past_the_cap_after_its_size_was_checked_is_refused_not_truncated(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    small = Settings(data_dir=tmp_path, max_input_bytes=100)
    path = tmp_path / "growing.txt"
    path.write_bytes(b"a" * 90)  # under the cap when stat() looks
    real_open = Path.open

    def grow_then_open(self: Path, *args: Any, **kwargs: Any) -> Any:
        if self == path:
            with real_open(self, "ab") as handle:
                handle.write(b"b" * 20)  # a writer appends between stat() and the read
        return real_open(self, *args, **kwargs)

    monkeypatch.setattr(Path, "open", grow_then_open)
    with pytest.raises(InputTooLargeError) as caught:
        read_text_file(path, small)
    assert "grew past" in caught.value.reason and "100" in caught.value.reason


def test_read_text_file_errors_name_the_path(settings: Settings, tmp_path: Path) -> None:
    png = tmp_path / "picture.txt"
    png.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    with pytest.raises(BinaryInputError) as caught:
        read_text_file(png, settings)
    assert str(caught.value).startswith(f"{png}: ")
    blank = tmp_path / "blank.txt"
    blank.write_bytes(b"\n\n")
    with pytest.raises(EmptyInputError) as caught_empty:
        read_text_file(blank, settings)
    assert str(caught_empty.value).startswith(f"{blank}: ")


def test_read_text_file_refuses_a_pipe(settings: Settings, tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    with pytest.raises(UnsupportedInputError) as caught:
        read_text_file(fifo, settings)  # must not block waiting for a writer
    assert str(caught.value).startswith(f"{fifo}: ")
