"""Bulk readers: JSON Lines, CSV/TSV, WARC archives and folders, record by record."""

from __future__ import annotations

import gzip
import io
import json
import os
import threading
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from propwatch.domain import Article, Failure
from propwatch.errors import (
    BinaryInputError,
    DecodingError,
    EmptyInputError,
    InputNotFoundError,
    MalformedRecordError,
)
from propwatch.ingest.bulk import (
    article_from_record,
    exception_reason,
    parse_record_date,
    read_csv,
    read_folder,
    read_json,
    read_jsonl,
)
from propwatch.ingest.decode import read_text_file
from propwatch.ingest.warc import read_warc
from propwatch.settings import Settings

SETTINGS = Settings(detect_language=False)

PARAGRAPHS = (
    "The council voted on Tuesday to close the harbour library, a decision residents had opposed "
    "for months in petitions, public meetings and letters to the local paper.",
    "Opponents say the closure will cut off older residents who rely on the library for internet "
    "access, newspapers and the weekly advice sessions held in its reading room.",
    "The council said the building needs repairs it cannot afford and that a mobile library will "
    "visit the harbour twice a week from the spring, starting with a trial period of six months.",
)
TRAFILATURA_TEXT = "\n".join(PARAGRAPHS)


def html_page(title: str, published: str = "2021-05-06", *, body_extra: str = "") -> str:
    paragraphs = "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    return (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>{title}</title>"
        f"<meta property='article:published_time' content='{published}T08:00:00+00:00'>"
        "<meta property='og:site_name' content='Harbour Herald'>"
        f"</head><body><article><h1>{title}</h1>{paragraphs}{body_extra}</article></body></html>"
    )


def trafilatura_record(**changes: object) -> dict[str, object]:
    record: dict[str, object] = {
        "title": "Council closes harbour library",
        "author": "Margaret Ellison",
        "hostname": "harbourherald.example",
        "date": "2024-03-05",
        "text": TRAFILATURA_TEXT,
        "raw_text": "raw " + TRAFILATURA_TEXT,
        "source": "https://harbourherald.example/news/library",
        "source-hostname": "Harbour Herald",
        "language": "en",
        "categories": "News;Local",
        "tags": "library;council",
        "id": "abc123",
        "excerpt": "The council voted to close the library.",
        "comments": "",
    }
    record.update(changes)
    return record


def news_please_record(**changes: object) -> dict[str, object]:
    record: dict[str, object] = {
        "title": "Harbour library to close",
        "maintext": "Main text. " + TRAFILATURA_TEXT,
        "text": None,
        "authors": ["Jo Bloggs", "Sam Smith"],
        "date_publish": "2022-02-03 10:00:00",
        "date_download": "2023-09-09 09:09:09",
        "date_modify": None,
        "url": "https://news.example/library",
        "source_domain": "news.example",
        "language": "en",
        "description": "A library closes.",
        "image_url": None,
    }
    record.update(changes)
    return record


def jsonl_lines(*records: object) -> str:
    return "".join((r if isinstance(r, str) else json.dumps(r)) + "\n" for r in records)


def articles(items: list[Article | Failure]) -> list[Article]:
    return [item for item in items if isinstance(item, Article)]


def failures(items: list[Article | Failure]) -> list[Failure]:
    return [item for item in items if isinstance(item, Failure)]


# --- JSON Lines ----------------------------------------------------------------------------------


def test_jsonl_reads_trafilatura_and_news_please_records_and_reports_broken_lines(tmp_path: Path) -> None:
    path = tmp_path / "dump.jsonl"
    path.write_text(
        jsonl_lines(
            trafilatura_record(),
            '{"title": "broken", "text": ',
            {"title": "Only a title", "text": "   "},
            "",
            news_please_record(),
        ),
        encoding="utf-8",
    )

    items = list(read_jsonl(path, SETTINGS))

    assert [type(item).__name__ for item in items] == ["Article", "Failure", "Failure", "Article"]
    first, broken, empty, second = items
    assert isinstance(first, Article) and isinstance(second, Article)
    assert isinstance(broken, Failure) and isinstance(empty, Failure)

    assert first.text == TRAFILATURA_TEXT
    assert first.title == "Council closes harbour library"
    assert first.author == "Margaret Ellison"
    assert first.url == "https://harbourherald.example/news/library"
    assert first.outlet == "Harbour Herald"
    assert first.published == date(2024, 3, 5)
    assert first.language == "en"
    assert first.external_id == "abc123"
    assert first.origin == f"{path} line 1"
    assert first.raw_format == "json"
    assert first.raw is not None and json.loads(first.raw)["categories"] == "News;Local"

    assert broken.input == f"{path} line 2"
    assert "not valid JSON" in broken.reason
    assert empty.input == f"{path} line 3"
    assert "no text" in empty.reason

    assert second.text.startswith("Main text. ")
    assert second.author == "Jo Bloggs; Sam Smith"
    assert second.published == date(2022, 2, 3)
    assert second.url == "https://news.example/library"
    assert second.outlet == "news.example"
    assert second.origin == f"{path} line 5"


def test_jsonl_plain_records_and_fallbacks(tmp_path: Path) -> None:
    path = tmp_path / "plain.ndjson"
    path.write_text(
        jsonl_lines(
            {
                "text": "Plain text of an article about the harbour.",
                "title": "Plain",
                "url": "https://x.example/a",
            },
            {"text": "Second article, outlet only from hostname.", "hostname": "y.example", "id": 42},
            {"text": "Third.", "date": "not a date", "language": "pt-BR", "authors": "A. Writer"},
            [1, 2, 3],
        ),
        encoding="utf-8",
    )

    items = list(read_jsonl(path, SETTINGS))

    plain, hosted, third, listed = items
    assert isinstance(plain, Article) and plain.title == "Plain" and plain.url == "https://x.example/a"
    assert plain.outlet is None and plain.published is None
    assert isinstance(hosted, Article) and hosted.outlet == "y.example" and hosted.external_id == "42"
    assert isinstance(third, Article) and third.published is None and third.language == "pt"
    assert third.author == "A. Writer"
    assert (
        isinstance(listed, Failure) and listed.input == f"{path} line 4" and "not an object" in listed.reason
    )


def test_jsonl_gzip(tmp_path: Path) -> None:
    path = tmp_path / "dump.jsonl.gz"
    with gzip.open(path, "wt", encoding="utf-8") as handle:
        handle.write(jsonl_lines(trafilatura_record(), news_please_record()))

    items = list(read_jsonl(path, SETTINGS))

    assert [item.title for item in articles(items)] == [
        "Council closes harbour library",
        "Harbour library to close",
    ]
    assert not failures(items)


def _read_from_a_pipe(tmp_path: Path, name: str, content: bytes, reader: Callable[..., Any]) -> list[Any]:
    """Items ``reader`` reads from a named pipe fed ``content`` once, as a scraper would feed it."""
    pipe = tmp_path / name
    os.mkfifo(pipe)

    def feed() -> None:
        with pipe.open("wb") as handle:
            handle.write(content)

    result: list[Any] = []
    writer = threading.Thread(target=feed, daemon=True)
    consumer = threading.Thread(target=lambda: result.extend(reader(pipe, SETTINGS)), daemon=True)
    writer.start()
    consumer.start()
    consumer.join(timeout=20)
    assert not consumer.is_alive(), f"reading {name} hung: the pipe was opened more than once"
    return result


@pytest.mark.parametrize("compressed", [False, True])
def test_jsonl_from_a_named_pipe_is_read_once(tmp_path: Path, compressed: bool) -> None:
    content = jsonl_lines(trafilatura_record(), news_please_record()).encode("utf-8")
    items = _read_from_a_pipe(
        tmp_path, "feed.jsonl", gzip.compress(content) if compressed else content, read_jsonl
    )
    assert [item.title for item in articles(items)] == [
        "Council closes harbour library",
        "Harbour library to close",
    ]


def test_csv_from_a_named_pipe_is_read_once(tmp_path: Path) -> None:
    content = f'title,text\nFirst,"{PARAGRAPHS[0]}"\nSecond,"{PARAGRAPHS[1]}"\n'.encode()
    items = _read_from_a_pipe(tmp_path, "feed.csv", content, read_csv)
    assert [(item.title, item.origin) for item in articles(items)] == [
        ("First", f"{tmp_path / 'feed.csv'} row 2"),
        ("Second", f"{tmp_path / 'feed.csv'} row 3"),
    ]


def test_jsonl_truncated_gzip_reports_the_rest_after_good_lines(tmp_path: Path) -> None:
    data = gzip.compress(jsonl_lines(*[trafilatura_record(id=str(i)) for i in range(200)]).encode())
    path = tmp_path / "cut.jsonl.gz"
    path.write_bytes(data[: len(data) * 2 // 3])

    items = list(read_jsonl(path, SETTINGS))

    good = articles(items)
    assert good, "the lines before the cut are read"
    assert isinstance(items[-1], Failure)
    assert items[-1].input == f"{path} line {len(good) + 1}"
    assert "truncated" in items[-1].reason


def test_jsonl_oversize_line_is_a_failure_and_reading_goes_on(tmp_path: Path) -> None:
    settings = Settings(detect_language=False, max_input_bytes=2000)
    path = tmp_path / "big.jsonl"
    path.write_text(
        jsonl_lines({"text": "x " * 5000}, {"text": "A normal record after the big one."}), encoding="utf-8"
    )

    items = list(read_jsonl(path, settings))

    assert len(items) == 2
    assert isinstance(items[0], Failure) and items[0].input == f"{path} line 1"
    assert "2,000-byte cap" in items[0].reason
    assert isinstance(items[1], Article) and items[1].origin == f"{path} line 2"


def test_jsonl_html_record_goes_through_the_html_reader(tmp_path: Path) -> None:
    path = tmp_path / "pages.jsonl"
    page = html_page("Library closes")
    path.write_text(
        jsonl_lines(
            {"html": page, "url": "https://harbourherald.example/p"},
            {"html": page, "url": "https://harbourherald.example/q", "title": "Record title"},
        ),
        encoding="utf-8",
    )

    first, second = list(read_jsonl(path, SETTINGS))

    assert isinstance(first, Article) and isinstance(second, Article)
    assert PARAGRAPHS[0] in first.text
    assert first.raw_format == "html"
    assert first.title == "Library closes"
    assert first.url == "https://harbourherald.example/p"
    assert first.published == date(2021, 5, 6)
    assert first.origin == f"{path} line 1"
    assert second.title == "Record title", "the record's own values win over the page's"


def test_jsonl_not_jsonl_at_all(tmp_path: Path) -> None:
    csv_file = tmp_path / "really.jsonl"
    csv_file.write_text("title,text\nA,B\n", encoding="utf-8")
    with pytest.raises(MalformedRecordError, match="not JSON Lines"):
        list(read_jsonl(csv_file, SETTINGS))

    binary = tmp_path / "image.jsonl"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    with pytest.raises(BinaryInputError):
        list(read_jsonl(binary, SETTINGS))

    empty = tmp_path / "empty.jsonl"
    empty.write_text("\n\n", encoding="utf-8")
    with pytest.raises(EmptyInputError):
        list(read_jsonl(empty, SETTINGS))

    with pytest.raises(InputNotFoundError):
        list(read_jsonl(tmp_path / "missing.jsonl", SETTINGS))


def test_jsonl_invalid_utf8_line(tmp_path: Path) -> None:
    path = tmp_path / "mixed.jsonl"
    path.write_bytes(b'{"text": "good one"}\n{"text": "caf\xe9"}\n{"text": "good two"}\n')

    items = list(read_jsonl(path, SETTINGS))

    assert [type(item).__name__ for item in items] == ["Article", "Failure", "Article"]
    assert isinstance(items[1], Failure) and "UTF-8" in items[1].reason


def test_json_file_object_and_array(tmp_path: Path) -> None:
    single = tmp_path / "one.json"
    single.write_text(json.dumps(trafilatura_record(), indent=2), encoding="utf-8")
    array = tmp_path / "many.json"
    array.write_text(json.dumps([trafilatura_record(), {"title": "no text"}]), encoding="utf-8")

    (one,) = list(read_json(single, SETTINGS))
    many = list(read_json(array, SETTINGS))

    assert isinstance(one, Article) and one.origin == str(single)
    assert isinstance(many[0], Article) and many[0].origin == f"{array} record 1"
    assert isinstance(many[1], Failure) and many[1].input == f"{array} record 2"


# --- records and dates ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2022-02-03 10:00:00", date(2022, 2, 3)),
        ("2024-03-05", date(2024, 3, 5)),
        ("2024-03-05T08:30:00+00:00", date(2024, 3, 5)),
        ("February 3, 2022", date(2022, 2, 3)),
        ("3 Feb 2022", date(2022, 2, 3)),
        ("2022", None),
        ("March 2022", None),
        ("2022-13-45", None),
        ("yesterday", None),
        # dots and slashes are day first, as in the plain-text datelines (03.02 was read as 2 March)
        ("03.02.2022", date(2022, 2, 3)),
        ("13.02.2022", date(2022, 2, 13)),
        ("03/02/2022 10:00", date(2022, 2, 3)),
        ("Fri, 31 Dec 2021 23:30:00 -0500", date(2021, 12, 31)),
        ("3 février 2022", date(2022, 2, 3)),
        ("3 февраля 2022", date(2022, 2, 3)),
        ("1643947200", date(2022, 2, 4)),
        ("2099-02-03", None),
        ("20220203101500", date(2022, 2, 3)),  # GDELT: read day first by dateutil, 2 March
        ("15:42, 3 февраля 2022", date(2022, 2, 3)),  # the hour was the day: 15 February
    ],
)
def test_parse_record_date(value: str, expected: date | None) -> None:
    assert parse_record_date(value) == expected


def test_a_date_that_cannot_be_read_is_said(caplog: pytest.LogCaptureFixture) -> None:
    # The article was stored undated without a word: a series by month came out short, unexplained.
    record = {"text": "Some article text here.", "published": "yesterday at noon"}
    with caplog.at_level("WARNING", logger="propwatch.ingest.bulk"):
        assert article_from_record(record, SETTINGS, origin="feed.jsonl line 7").published is None
    assert "feed.jsonl line 7: its published 'yesterday at noon' is no date propwatch can read" in caplog.text


def test_a_record_s_date_may_be_a_unix_time() -> None:
    record = {"text": "Some article text here.", "published": 1643947200}
    assert article_from_record(record, SETTINGS, origin="x").published == date(2022, 2, 4)
    assert article_from_record({**record, "published": True}, SETTINGS, origin="x").published is None
    assert article_from_record({**record, "published": 20220204}, SETTINGS, origin="x").published == date(
        2022, 2, 4
    )


def test_record_with_a_name_under_source_uses_it_as_the_outlet() -> None:
    article = article_from_record(
        {"Text": "Some article text here.", "source": "Harbour Herald", "genre": "Opinion"},
        SETTINGS,
        origin="x",
    )
    assert article.url is None and article.outlet == "Harbour Herald" and article.genre_tag == "opinion"


def test_exception_reason_is_one_short_line() -> None:
    reason = exception_reason(ValueError("bad\nthing " + "x" * 500))
    assert "\n" not in reason and len(reason) < 260
    assert reason.startswith("could not be read (ValueError: bad thing x")


# --- CSV -----------------------------------------------------------------------------------------


def test_csv_with_bom_multiline_text_and_row_numbers(tmp_path: Path) -> None:
    path = tmp_path / "articles.csv"
    long_quote = 'He said ""no"", twice. ' + "Filler sentence. " * 100
    content = (
        "title,text,url,authors,date_publish\r\n"
        f'First,"{PARAGRAPHS[0]}\n\n{PARAGRAPHS[1]}",https://a.example/1,Jo Bloggs,2022-02-03 10:00:00\r\n'
        "No text,,https://a.example/2,,\r\n"
        f'Third,"{long_quote}",https://a.example/3,,\r\n'
    )
    path.write_bytes(b"\xef\xbb\xbf" + content.encode("utf-8"))

    items = list(read_csv(path, SETTINGS))

    first, missing, third = items
    assert isinstance(first, Article)
    assert first.title == "First", "the BOM must not stick to the first column name"
    assert first.text == f"{PARAGRAPHS[0]}\n\n{PARAGRAPHS[1]}"
    assert first.url == "https://a.example/1"
    assert first.author == "Jo Bloggs"
    assert first.published == date(2022, 2, 3)
    assert first.origin == f"{path} row 2"
    assert isinstance(missing, Failure) and missing.input == f"{path} row 3" and "no text" in missing.reason
    assert isinstance(third, Article) and third.text.startswith('He said "no", twice.')
    assert third.origin == f"{path} row 4"


def test_csv_semicolon_and_tsv_dialects(tmp_path: Path) -> None:
    semicolon = tmp_path / "semi.csv"
    semicolon.write_text('title;text\nOne;"A text, with a comma; and a semicolon."\n', encoding="utf-8")
    tsv = tmp_path / "tabs.tsv"
    tsv.write_text("text\ttitle\nTab separated text, with commas.\tTabbed\n", encoding="utf-8")

    (one,) = list(read_csv(semicolon, SETTINGS))
    (tabbed,) = list(read_csv(tsv, SETTINGS))

    assert isinstance(one, Article) and one.text == "A text, with a comma; and a semicolon."
    assert isinstance(tabbed, Article) and tabbed.title == "Tabbed"


def test_csv_huge_field_within_the_cap(tmp_path: Path) -> None:
    path = tmp_path / "big.csv"
    text = "word " * 60_000  # 300 KB: over the csv module's default 128 KiB field limit
    path.write_text(f'text\n"{text}"\n', encoding="utf-8")

    (article,) = list(read_csv(path, SETTINGS))

    assert isinstance(article, Article) and article.text == text.strip()  # read as any text is


def test_a_csv_field_over_the_cap_names_the_setting_and_the_rest_is_read(tmp_path: Path) -> None:
    # It was "is not valid CSV (field larger than field limit (10000000))", naming no setting.
    settings = Settings(detect_language=False, max_input_bytes=1000)
    path = tmp_path / "bigcell.csv"
    path.write_text(f'title,text\nBig,"{"x" * 200_000}"\nFine,short text\n', encoding="utf-8")

    big, fine = list(read_csv(path, settings))

    assert isinstance(big, Failure) and big.input == f"{path} row 2"
    assert "cap (max_input_bytes)" in big.reason and "not valid CSV" not in big.reason
    assert isinstance(fine, Article) and fine.title == "Fine"


def test_the_csv_cap_counts_bytes_as_for_files(tmp_path: Path) -> None:
    # 400 Cyrillic letters are 800 bytes: stored from a CSV under a 600-byte cap that refused them in a file.
    settings = Settings(detect_language=False, max_input_bytes=600)
    path = tmp_path / "cyrillic.csv"
    path.write_text(f"title,text\nBig,{'я' * 400}\n", encoding="utf-8")

    (big,) = list(read_csv(path, settings))

    assert isinstance(big, Failure) and "600-byte cap" in big.reason


def test_csv_rows_too_big_or_too_wide_are_failures(tmp_path: Path) -> None:
    settings = Settings(detect_language=False, max_input_bytes=500)
    path = tmp_path / "rows.csv"
    path.write_text(
        f"title,text\nBig,{'x' * 1000}\nWide,some text,an extra field\nFine,short text\n", encoding="utf-8"
    )

    big, wide, fine = list(read_csv(path, settings))

    assert isinstance(big, Failure) and big.input == f"{path} row 2" and "500-byte cap" in big.reason
    assert isinstance(wide, Failure) and wide.input == f"{path} row 3" and "3 fields" in wide.reason
    assert isinstance(fine, Article) and fine.title == "Fine" and fine.origin == f"{path} row 4"


def test_a_parser_crash_on_one_record_is_a_failure_for_that_record(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from propwatch.ingest import bulk

    def crash(*args: object, **kwargs: object) -> Article:
        raise RecursionError("maximum recursion depth exceeded")

    monkeypatch.setattr(bulk, "parse_html", crash)
    path = tmp_path / "pages.jsonl"
    path.write_text(jsonl_lines({"html": "<html><p>deep</p></html>"}, {"text": "Fine text."}), "utf-8")

    crashed, fine = list(read_jsonl(path, SETTINGS))

    assert isinstance(crashed, Failure) and crashed.input == f"{path} line 1"
    assert crashed.reason == "could not be read (RecursionError: maximum recursion depth exceeded)"
    assert isinstance(fine, Article)


def test_csv_missing_text_column_names_the_columns(tmp_path: Path) -> None:
    path = tmp_path / "wrong.csv"
    path.write_text("headline,link,body_html_is_not_it\nA,https://x,y\n", encoding="utf-8")

    with pytest.raises(MalformedRecordError) as raised:
        list(read_csv(path, SETTINGS))

    assert raised.value.input_name == str(path)
    assert "headline, link, body_html_is_not_it" in raised.value.reason


def test_csv_in_a_code_page_or_utf16_as_excel_saves_them(tmp_path: Path) -> None:
    text = "Министерство иностранных дел России заявило, что НАТО не желает обсуждать гарантии. " * 3
    cp1251 = tmp_path / "ru-1251.csv"
    cp1251.write_bytes(f'title,text\nЗаголовок,"{text}"\n'.encode("cp1251"))
    unicode_text = tmp_path / "ru-utf16.tsv"  # Excel's "Unicode text": UTF-16 with a BOM, tabs
    unicode_text.write_bytes(f"title\ttext\r\nЗаголовок\t{text}\r\n".encode("utf-16"))
    for path in (cp1251, unicode_text):
        (article,) = list(read_csv(path, SETTINGS))
        assert isinstance(article, Article) and (article.title, article.text) == (
            "Заголовок",
            text.strip(),
        ), path


def test_csv_not_utf8_and_empty_and_binary(tmp_path: Path) -> None:
    latin = tmp_path / "latin.csv"
    latin.write_bytes("text\ncafé au lait\n".encode("latin-1"))
    with pytest.raises(DecodingError) as raised:
        list(read_csv(latin, SETTINGS))
    assert raised.value.input_name == str(latin)

    empty = tmp_path / "empty.csv"
    empty.write_text("", encoding="utf-8")
    with pytest.raises(EmptyInputError):
        list(read_csv(empty, SETTINGS))

    binary = tmp_path / "binary.csv"
    binary.write_bytes(b"PK\x03\x04" + bytes(range(256)))
    with pytest.raises(BinaryInputError):
        list(read_csv(binary, SETTINGS))


def test_csv_bytes_of_another_encoding_late_in_the_file_fail_their_row_only(tmp_path: Path) -> None:
    # The codec is judged on the first 64 KB: a cp1251 row after them ended the file, skipping the rest.
    body = "".join(f"T{n},Plain English text about the summit number {n}.\n" for n in range(2000))
    late = tmp_path / "late.csv"
    late.write_bytes(
        b"title,text\n" + body.encode() + "RU,Текст о саммите НАТО.\n".encode("cp1251") + b"Last,The end.\n"
    )
    items = list(read_csv(late, SETTINGS))
    assert [a.title for a in articles(items)][-2:] == ["T1999", "Last"]
    (bad,) = failures(items)
    assert bad.input == f"{late} row 2002" and "not valid utf-8" in bad.reason


def test_csv_quote_left_open_is_reported(tmp_path: Path) -> None:
    # The open quote swallowed the next row into the first one's text, and nothing was reported.
    path = tmp_path / "quote.csv"
    path.write_text('title,text\nQ1,"unterminated quote about NATO\nQ2,fine text about NATO\n', "utf-8")
    items = list(read_csv(path, SETTINGS))
    assert articles(items) == []
    (failure,) = failures(items)
    assert failure.input == f"{path} row 2" and "quoted field is not closed" in failure.reason


def test_csv_bad_quote_names_the_lines_it_took_with_it(tmp_path: Path) -> None:
    # Row C went with row B's bad quote and was neither stored nor listed.
    path = tmp_path / "open2.csv"
    path.write_text(
        'title,text\n"A","First."\n"B","Second, never closed\n"C","Third."\n"D","Fourth."\n', "utf-8"
    )
    items = list(read_csv(path, SETTINGS))
    assert [a.title for a in articles(items)] == ["A", "D"]
    (failure,) = failures(items)
    assert "lines 3-4 of the file are skipped with it" in failure.reason


def test_a_mostly_english_csv_with_a_cp1251_row_is_read_as_cp1251(tmp_path: Path) -> None:
    # mac_cyrillic decodes it "cleanly" too and was chosen: "Заголовок" was stored as "«аголовок".
    rows = "".join(f"T{n},Plain English text number {n} about the summit.\n" for n in range(3))
    path = tmp_path / "mixed.csv"
    russian = "Заголовок,Это текст статьи на русском языке о саммите НАТО.\n"
    path.write_bytes(b"title,text\n" + rows.encode() + russian.encode("cp1251") + b"T9,The end.\n")
    titles = [a.title for a in articles(list(read_csv(path, SETTINGS)))]
    assert "Заголовок" in titles


def test_csv_and_text_files_in_a_given_encoding(tmp_path: Path) -> None:
    text = "Путин сказал."  # too short for the detector to be sure it is cp1251
    short = tmp_path / "short.txt"
    short.write_bytes(text.encode("cp1251"))
    with pytest.raises(DecodingError, match="--encoding"):
        read_text_file(short, SETTINGS)
    given = Settings(detect_language=False, input_encoding="CP1251")
    assert given.input_encoding == "cp1251"
    assert read_text_file(short, given) == text
    table = tmp_path / "short.csv"
    table.write_bytes(f"title,text\nT,{text}\n".encode("cp1251"))
    (article,) = list(read_csv(table, given))
    assert isinstance(article, Article) and article.text == text
    with pytest.raises(ValueError, match="not an encoding"):
        Settings(input_encoding="cp9999")


def test_record_whose_text_is_not_a_string(tmp_path: Path) -> None:
    with pytest.raises(MalformedRecordError, match="text is a JSON int, not a string"):
        article_from_record({"text": 123}, SETTINGS, origin="r")


def test_folder_names_links_to_folders_and_devices(tmp_path: Path) -> None:
    folder = tmp_path / "inbox"
    folder.mkdir()
    (folder / "a.txt").write_text(TRAFILATURA_TEXT, encoding="utf-8")
    (folder / "zero.txt").symlink_to("/dev/zero")
    (folder / "gone.txt").symlink_to(tmp_path / "nowhere.txt")
    (tmp_path / "elsewhere").mkdir()
    (folder / "linked").symlink_to(tmp_path / "elsewhere")
    os.mkfifo(folder / "pipe.txt")
    reasons = {Path(f.input).name: f.reason for f in failures(list(read_folder(folder, SETTINGS)))}
    assert "which does not exist" in reasons.pop("gone.txt")
    assert "not followed" in reasons.pop("linked")
    assert reasons == {
        "pipe.txt": "is not a regular file (a pipe, socket or device)",
        "zero.txt": "is not a regular file (a pipe, socket or device)",
    }


def test_warc_whose_first_record_lacks_headers(tmp_path: Path) -> None:
    path = tmp_path / "bad.warc"
    path.write_bytes(b"WARC/1.0\r\nWARC-Type: response\r\nContent-Length: 9999999\r\n\r\nabc")
    with pytest.raises(MalformedRecordError) as raised:
        list(read_warc(path, SETTINGS))
    assert "headers of its first record are incomplete" in raised.value.reason
    assert "Error" not in raised.value.reason


# --- WARC ----------------------------------------------------------------------------------------


def _response(writer: WARCWriter, uri: str, status: str, content_type: str | None, body: bytes) -> None:
    headers = [("Content-Length", str(len(body)))]
    if content_type:
        headers.insert(0, ("Content-Type", content_type))
    if status.startswith("301"):
        headers.append(("Location", "https://harbourherald.example/elsewhere"))
    http_headers = StatusAndHeaders(status, headers, protocol="HTTP/1.1")
    record = writer.create_warc_record(
        uri,
        "response",
        payload=io.BytesIO(body),
        http_headers=http_headers,
        warc_headers_dict={"WARC-Date": "2024-09-09T09:09:09Z"},
    )
    writer.write_record(record)


def build_warc(*, gzip_records: bool = True) -> bytes:
    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=gzip_records)
    writer.write_record(writer.create_warcinfo_record("crawl.warc.gz", {"software": "test"}))
    request = StatusAndHeaders("GET /one HTTP/1.1", [("Host", "harbourherald.example")], is_http_request=True)
    writer.write_record(
        writer.create_warc_record("https://harbourherald.example/one", "request", http_headers=request)
    )
    _response(
        writer,
        "https://harbourherald.example/one",
        "200 OK",
        "text/html; charset=utf-8",
        html_page("Page one — café").encode("utf-8"),
    )
    _response(writer, "https://harbourherald.example/logo.png", "200 OK", "image/png", b"\x89PNG\r\n\x1a\n")
    _response(
        writer, "https://harbourherald.example/old", "301 Moved Permanently", "text/html", b"<a>moved</a>"
    )
    _response(
        writer,
        "https://harbourherald.example/two",
        "200 OK",
        "text/html; charset=windows-1252",
        html_page("Page two — naïve").encode("cp1252"),
    )
    return buffer.getvalue()


@pytest.mark.parametrize("compressed", [True, False])
def test_warc_reads_html_responses_only(tmp_path: Path, compressed: bool) -> None:
    path = tmp_path / ("crawl.warc.gz" if compressed else "crawl.warc")
    path.write_bytes(build_warc(gzip_records=compressed))

    items = list(read_warc(path, SETTINGS))

    assert not failures(items)
    one, two = articles(items)
    assert one.title == "Page one — café"
    assert two.title == "Page two — naïve", "the HTTP charset decodes the page"
    assert one.url == "https://harbourherald.example/one"
    assert two.url == "https://harbourherald.example/two"
    assert one.origin == f"{path} record 3"
    assert two.origin == f"{path} record 6"
    assert one.published == date(2021, 5, 6), "the page's date, never the crawl date"
    assert PARAGRAPHS[1] in one.text


def test_warc_response_without_content_type_is_read_when_it_is_a_page(tmp_path: Path) -> None:
    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=True)
    _response(writer, "https://harbourherald.example/bare", "200 OK", None, html_page("Bare page").encode())
    _response(writer, "https://harbourherald.example/logo", "200 OK", None, b"\x89PNG\r\n\x1a\n" + bytes(64))
    _response(writer, "https://harbourherald.example/data", "200 OK", None, b'{"not": "a page"}')
    path = tmp_path / "bare.warc.gz"
    path.write_bytes(buffer.getvalue())

    items = list(read_warc(path, SETTINGS))

    assert not failures(items)
    [page] = articles(items)
    assert page.title == "Bare page" and page.url == "https://harbourherald.example/bare"


@pytest.mark.parametrize("keep", ["all but the last 300 bytes", "half"])
def test_truncated_warc_yields_good_records_then_a_failure(tmp_path: Path, keep: str) -> None:
    data = build_warc()
    # The last page is ~800 compressed bytes; half the file cuts inside the image response.
    size = len(data) - 300 if keep.startswith("all") else len(data) // 2
    path = tmp_path / "cut.warc.gz"
    path.write_bytes(data[:size])

    items = list(read_warc(path, SETTINGS))

    assert [item.url for item in articles(items)] == ["https://harbourherald.example/one"]
    assert isinstance(items[-1], Failure)
    assert items[-1].input.startswith(f"{path} record ")
    assert "truncated" in items[-1].reason


def test_warc_cut_inside_its_first_record(tmp_path: Path) -> None:
    data = build_warc(gzip_records=False)
    path = tmp_path / "cut.warc"
    path.write_bytes(data[:100])

    (failure,) = list(read_warc(path, SETTINGS))

    assert isinstance(failure, Failure) and failure.input == f"{path} record 1"


def test_warc_record_that_fails_to_parse_is_a_failure(tmp_path: Path) -> None:
    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=True)
    _response(writer, "https://x.example/empty", "200 OK", "text/html", b"<html><body></body></html>")
    _response(writer, "https://x.example/good", "200 OK", "text/html", html_page("Good").encode())
    path = tmp_path / "mixed.warc.gz"
    path.write_bytes(buffer.getvalue())

    bad, good = list(read_warc(path, SETTINGS))

    assert isinstance(bad, Failure) and bad.input == f"{path} record 1 (https://x.example/empty)"
    assert isinstance(good, Article) and good.title == "Good"


def test_not_a_warc(tmp_path: Path) -> None:
    path = tmp_path / "fake.warc"
    path.write_text("this is just some text, not an archive\n", encoding="utf-8")
    with pytest.raises(MalformedRecordError, match="not a WARC"):
        list(read_warc(path, SETTINGS))


# --- folders -------------------------------------------------------------------------------------


def test_folder_mixes_formats_and_reports_the_binary_file(tmp_path: Path) -> None:
    folder = tmp_path / "inbox"
    (folder / "sub").mkdir(parents=True)
    (folder / ".hidden").mkdir()
    (folder / "a.txt").write_text(TRAFILATURA_TEXT, encoding="utf-8")
    (folder / "b.html").write_text(html_page("HTML one"), encoding="utf-8")
    (folder / "sub" / "c.jsonl").write_text(jsonl_lines(trafilatura_record(), news_please_record()), "utf-8")
    (folder / "d.png").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(64))
    (folder / ".secret.txt").write_text("hidden file", encoding="utf-8")
    (folder / ".hidden" / "e.txt").write_text("hidden folder", encoding="utf-8")

    items = list(read_folder(folder, SETTINGS))

    origins = [item.origin for item in articles(items)]
    assert origins == [
        str(folder / "a.txt"),
        str(folder / "b.html"),
        f"{folder / 'sub' / 'c.jsonl'} line 1",
        f"{folder / 'sub' / 'c.jsonl'} line 2",
    ]
    (binary,) = failures(items)
    assert binary.input == str(folder / "d.png")
    assert "PNG" in binary.reason


def test_empty_and_missing_folder(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    (tmp_path / "empty" / ".DS_Store").write_bytes(b"\x00")
    with pytest.raises(EmptyInputError):
        list(read_folder(tmp_path / "empty", SETTINGS))
    with pytest.raises(InputNotFoundError):
        list(read_folder(tmp_path / "nowhere", SETTINGS))


def test_shared_task_folder_goes_to_the_shared_task_reader(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    articles_dir = corpus / "train-articles"
    labels_dir = corpus / "train-labels"
    articles_dir.mkdir(parents=True)
    labels_dir.mkdir()
    # Windows line endings kept byte for byte: the label offsets count every \r.
    (articles_dir / "article20.txt").write_bytes(b"Second title\r\n\r\nBody of the second article.\r\n")
    (articles_dir / "article3.txt").write_bytes(b"First title\n\nBody of the first article.\n")
    (articles_dir / "article3.task-si.labels").write_text("3\t0\t5\n", encoding="utf-8")
    (labels_dir / "notes.md").write_text("Label files live here; " * 5, encoding="utf-8")
    # Another page dropped beside the articles is read too, not skipped in silence.
    (articles_dir / "extra.txt").write_text(
        "An extra page\n\nIts body, with words enough.\n", encoding="utf-8"
    )

    items = list(read_folder(corpus, SETTINGS))

    first, second, extra, notes = articles(items)
    assert not failures(items)
    assert extra.origin == str(articles_dir / "extra.txt") and extra.raw_format != "shared-task"
    assert (first.external_id, second.external_id) == ("3", "20")
    assert first.raw_format == second.raw_format == "shared-task"
    assert second.text == "Second title\r\n\r\nBody of the second article.\r\n"
    assert notes.origin == str(labels_dir / "notes.md")


def test_control_characters_are_dropped_from_a_record_s_title_and_names() -> None:
    # An escape sequence in a JSONL title renamed the terminal or cleared it when `list` printed it.
    record = {
        "text": "Some article text here.",
        "title": "Esc \x1b[31mRED\x1b[0m \x1b]0;pwned\x07 \x1b[2J end",
        "author": ["Jane\x1b[2J Doe"],
        "outlet": "Daily\x9bHerald",
    }
    article = article_from_record(record, SETTINGS, origin="x")
    assert article.title == "Esc [31mRED [0m ]0;pwned [2J end"
    assert (article.author, article.outlet) == ("Jane [2J Doe", "Daily Herald")


def test_record_text_and_headline_drop_invisible_characters(tmp_path: Path) -> None:
    """As HTML and plain text do: a soft-hyphenated copy in a JSONL crawl had become another article."""
    path = tmp_path / "crawl.jsonl"
    records = [
        {"title": "NATO Ex\u00adpands", "text": "The Euro\u00adpean secu\u200brity order is gone."},
        {"title": "Blank", "text": "\u200b\u00ad"},
    ]
    path.write_text("\n".join(json.dumps(r) for r in records), encoding="utf-8")
    article, failure = list(read_jsonl(path, SETTINGS))
    assert isinstance(article, Article) and isinstance(failure, Failure)
    assert article.text == "The European security order is gone." and article.title == "NATO Expands"
    assert article.id == Article(text="The European security order is gone.").id
    assert "has no text" in failure.reason


def test_record_text_drops_direction_marks_and_spells_out_ligatures(tmp_path: Path) -> None:
    """As plain text does: a record with an LRM inside "European" had become another article."""
    path = tmp_path / "crawl.csv"
    path.write_text(
        "title,text\n\ufb01gures from \u202bBrussels\u202c,The Europe\u200ean Commission gave \ufb01gures.\n",
        encoding="utf-8",
    )
    (article,) = list(read_csv(path, SETTINGS))
    assert isinstance(article, Article) and article.title == "figures from Brussels"
    assert article.text == "The European Commission gave figures."


def test_a_record_is_read_as_the_same_text_pasted_or_uploaded() -> None:
    """A JSONL record had kept boilerplate the API and a .txt file drop: one text, two stored articles."""
    from propwatch.ingest.plaintext import parse_plain_text

    body = (
        "The latest Ebola outbreak in DR Congo has left 17 dead, health officials said on Monday.\n"
        "© Provided by Quartz\n"
        "Vaccination teams reached the province within days of the first case.\n"
        "Sign up for the Quartz Africa Weekly Brief here for news and analysis on African business.\n"
    )
    record = {"title": "Ebola in Congo", "text": body, "url": "https://qz.example/1", "outlet": "Quartz"}
    article = article_from_record(record, SETTINGS, origin="r.jsonl line 1")
    pasted = parse_plain_text(body, SETTINGS, title="Ebola in Congo")
    assert article.text == pasted.text and article.id == pasted.id and "Quartz" not in article.text
    assert (article.title, article.url, article.outlet) == (
        "Ebola in Congo",
        "https://qz.example/1",
        "Quartz",
    )
    # A record without a title keeps its first line: the title is a record's field, never a line of text.
    untitled = article_from_record({"text": body}, SETTINGS, origin="r.jsonl line 2")
    assert untitled.title is None and untitled.text.startswith("The latest Ebola outbreak")


def test_a_records_sources_and_its_texts_source_line_are_both_kept() -> None:
    """The record's sources field had replaced the 'Source: TASS' line read off (and cut from) its text."""
    record = {"text": "NATO refused to discuss the key issues.\n\nSource: TASS", "sources": ["Reuters"]}
    article = article_from_record(record, SETTINGS, origin="r.jsonl line 1")
    assert article.sources == ("Reuters", "TASS") and "Source:" not in article.text
