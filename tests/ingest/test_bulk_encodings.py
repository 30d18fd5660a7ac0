"""Records and files from Windows tools: UTF-16 JSON Lines (PowerShell's ``>``), JSON Lines in a legacy
code page with ``--encoding``, and file names that are not UTF-8 (a zip from Russian Windows)."""

from __future__ import annotations

import codecs
import io
import json
import os
from pathlib import Path

import pytest

from propwatch.domain import Article, Failure
from propwatch.ingest.bulk import read_csv, read_jsonl
from propwatch.ingest.sources import iter_articles
from propwatch.settings import Settings

SETTINGS = Settings(detect_language=False)
CP1251 = Settings(detect_language=False, input_encoding="cp1251")

RECORDS = [
    {"title": "US and NATO – corner", "text": "The US and NATO need such agreements that drive Russia on."},
    {"title": "Расширение НАТО", "text": "Москва заявила, что расширение НАТО угрожает безопасности России."},
]
JSONL = "".join(json.dumps(record, ensure_ascii=False) + "\r\n" for record in RECORDS)


def titles(items: list[Article | Failure]) -> list[str | None]:
    assert all(isinstance(item, Article) for item in items), items
    return [item.title for item in items if isinstance(item, Article)]


@pytest.mark.parametrize(
    "data",
    [
        codecs.BOM_UTF16_LE + JSONL.encode("utf-16-le"),  # PowerShell 5's ">" and Out-File
        codecs.BOM_UTF16_BE + JSONL.encode("utf-16-be"),
        JSONL.encode("utf-16-le"),
        JSONL.encode("utf-32"),
    ],
    ids=["utf16le-bom", "utf16be-bom", "utf16le", "utf32"],
)
def test_utf16_and_utf32_json_lines_are_read_record_by_record(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "ps.jsonl"
    path.write_bytes(data)
    assert titles(list(read_jsonl(path, SETTINGS))) == ["US and NATO – corner", "Расширение НАТО"]


def test_utf16_json_lines_on_stdin_are_records_not_one_text() -> None:
    stdin = io.BytesIO(JSONL.encode("utf-16"))
    items = list(iter_articles("-", SETTINGS, stdin=stdin))
    assert titles(items) == ["US and NATO – corner", "Расширение НАТО"]
    assert [item.origin for item in items if isinstance(item, Article)] == [
        "<stdin> line 1",
        "<stdin> line 2",
    ]


def test_utf16_plain_text_on_stdin_keeps_its_newlines() -> None:
    text = "Расширение НАТО\r\n\r\nМосква заявила, что расширение НАТО угрожает безопасности России.\r\n"
    (article,) = list(iter_articles("-", SETTINGS, stdin=io.BytesIO(text.encode("utf-16"))))
    assert isinstance(article, Article) and article.title == "Расширение НАТО"
    assert article.raw == text  # read as a whole: no newline translated


def test_encoding_is_honoured_for_json_lines(tmp_path: Path) -> None:
    path = tmp_path / "cp1251.jsonl"
    path.write_bytes(JSONL.encode("cp1251", errors="replace"))
    assert titles(list(read_jsonl(path, CP1251))) == ["US and NATO – corner", "Расширение НАТО"]
    (from_stdin, _) = list(iter_articles("-", CP1251, stdin=io.BytesIO(path.read_bytes())))
    assert isinstance(from_stdin, Article) and from_stdin.origin == "<stdin> line 1"


def test_json_lines_not_in_utf8_say_to_give_the_encoding(tmp_path: Path) -> None:
    path = tmp_path / "cp1251.jsonl"
    path.write_bytes(JSONL.encode("cp1251", errors="replace"))
    broken = list(read_jsonl(path, SETTINGS))
    assert all(isinstance(item, Failure) for item in broken) and len(broken) == 2
    assert all("not valid UTF-8" in item.reason and "--encoding" in item.reason for item in broken)
    # on stdin too: records that fail, not the whole stream stored as one text
    piped = list(iter_articles("-", SETTINGS, stdin=io.BytesIO(path.read_bytes())))
    assert [item.input for item in piped if isinstance(item, Failure)] == ["<stdin> line 1", "<stdin> line 2"]


def _undecodable_folder(tmp_path: Path) -> tuple[Path, bytes]:
    # "Статьи" and "статья1.txt" in cp1251, as a zip made on Russian Windows unpacks on Linux.
    folder = os.fsencode(tmp_path) + b"/" + "Статьи".encode("cp1251")
    os.mkdir(folder)
    return Path(os.fsdecode(folder)), "статья1".encode("cp1251")


def test_a_file_whose_name_is_not_utf8_is_read(tmp_path: Path) -> None:
    folder, stem = _undecodable_folder(tmp_path)
    text = "Расширение НАТО\n\nМосква заявила, что расширение НАТО на восток угрожает безопасности России.\n"
    (folder / os.fsdecode(stem + b".txt")).write_text(text, encoding="utf-8")
    (folder / os.fsdecode(stem + b".csv")).write_text('title,text\nOne,"The council met on Monday."\n')

    items = list(iter_articles(str(folder), SETTINGS))

    assert all(isinstance(item, Article) for item in items), items
    origins = sorted(item.origin for item in items if isinstance(item, Article))
    shown = (
        f"{tmp_path}/\\xd1\\xf2\\xe0\\xf2\\xfc\\xe8/\\xf1\\xf2\\xe0\\xf2\\xfc\\xff1"  # bytes escaped, as text
    )
    assert origins == [f"{shown}.csv row 2", f"{shown}.txt"]


def test_a_record_file_whose_name_is_not_utf8_names_its_rows_readably(tmp_path: Path) -> None:
    folder, stem = _undecodable_folder(tmp_path)
    path = folder / os.fsdecode(stem + b".csv")
    path.write_text("title,text\nOne,\n")
    (failure,) = list(read_csv(path, SETTINGS))
    assert isinstance(failure, Failure) and failure.input.endswith("\\xff1.csv row 2")
