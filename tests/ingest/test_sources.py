"""The dispatcher: every kind of source a user names becomes Articles and Failures, never a traceback."""

from __future__ import annotations

import io
import json
import threading
from collections.abc import Iterator
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from propwatch.domain import Article, Failure
from propwatch.ingest import sources
from propwatch.ingest.html import looks_like_html
from propwatch.ingest.sources import iter_articles, iter_many
from propwatch.settings import Settings

SETTINGS = Settings(detect_language=False)
NET_SETTINGS = Settings(detect_language=False, allow_private_addresses=True, respect_robots=False)

PARAGRAPHS = (
    "The council voted on Tuesday to close the harbour library, a decision residents had opposed "
    "for months in petitions, public meetings and letters to the local paper.",
    "Opponents say the closure will cut off older residents who rely on the library for internet "
    "access, newspapers and the weekly advice sessions held in its reading room.",
    "The council said the building needs repairs it cannot afford and that a mobile library will "
    "visit the harbour twice a week from the spring, starting with a trial period of six months.",
)
PLAIN_TEXT = "\n\n".join(PARAGRAPHS)


def html_page(title: str) -> str:
    paragraphs = "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    return (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>{title}</title>"
        "<meta property='article:published_time' content='2021-05-06T08:00:00+00:00'>"
        f"</head><body><article><h1>{title}</h1>{paragraphs}</article></body></html>"
    )


def only_articles(items: list[Article | Failure]) -> list[Article]:
    assert all(isinstance(item, Article) for item in items), items
    return [item for item in items if isinstance(item, Article)]


# --- files ---------------------------------------------------------------------------------------


def test_nonexistent_path_is_a_failure_naming_it(tmp_path: Path) -> None:
    missing = str(tmp_path / "nowhere" / "article.txt")

    (failure,) = list(iter_articles(missing, SETTINGS))

    assert isinstance(failure, Failure)
    assert failure.input == missing
    assert "no such file" in failure.reason


@pytest.mark.parametrize(
    ("source", "name", "reason"),
    [
        ("ftp://example.org/article.txt", "ftp://example.org/article.txt", "only http:// and https://"),
        ("", "''", "is not a file, folder or URL"),
        ("  ", "'  '", "is not a file, folder or URL"),
    ],
)
def test_other_urls_and_blank_arguments_say_what_they_are(source: str, name: str, reason: str) -> None:
    (failure,) = list(iter_articles(source, SETTINGS))
    assert isinstance(failure, Failure) and failure.input == name and reason in failure.reason


@pytest.mark.parametrize("name", ["page.html", "page.htm", "page.xhtml", "saved_page", "page.unknownext"])
def test_html_files_by_extension_or_content(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_text(html_page("Library closes"), encoding="utf-8")

    (article,) = only_articles(list(iter_articles(str(path), SETTINGS)))

    assert article.title == "Library closes"
    assert article.raw_format == "html"
    assert article.published == date(2021, 5, 6)
    assert article.origin == str(path)


@pytest.mark.parametrize("name", ["note.txt", "note.text", "note.md", "NOTE", "note.weird"])
def test_plain_text_files(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_text(PLAIN_TEXT, encoding="utf-8")

    (article,) = only_articles(list(iter_articles(str(path), SETTINGS)))

    assert PARAGRAPHS[2] in article.text
    assert article.raw_format == "text"
    assert article.origin == str(path)


def test_shared_task_article_goes_to_the_shared_task_reader(tmp_path: Path) -> None:
    path = tmp_path / "article111111112.txt"
    path.write_text("Title of the article\n\n" + PLAIN_TEXT + "\n", encoding="utf-8")

    (article,) = only_articles(list(iter_articles(str(path), SETTINGS)))

    assert article.raw_format == "shared-task"
    assert article.external_id == "111111112"


def test_bulk_files_by_extension(tmp_path: Path) -> None:
    jsonl = tmp_path / "dump.jsonl"
    jsonl.write_text(json.dumps({"text": PLAIN_TEXT, "title": "From JSONL"}) + "\n", encoding="utf-8")
    csv_file = tmp_path / "table.csv"
    csv_file.write_text(f'title,text\nFrom CSV,"{PLAIN_TEXT}"\n', encoding="utf-8")
    single = tmp_path / "one.json"
    single.write_text(json.dumps({"maintext": PLAIN_TEXT, "title": "From JSON"}), encoding="utf-8")

    items = list(iter_many([str(jsonl), str(csv_file), str(single)], SETTINGS))

    assert [article.title for article in only_articles(items)] == ["From JSONL", "From CSV", "From JSON"]


def test_file_level_errors_of_bulk_readers_become_failures(tmp_path: Path) -> None:
    csv_file = tmp_path / "notext.csv"
    csv_file.write_text("headline,link\nA,B\n", encoding="utf-8")
    warc = tmp_path / "fake.warc.gz"
    warc.write_text("not an archive", encoding="utf-8")

    items = list(iter_many([str(csv_file), str(warc)], SETTINGS))

    assert [(type(item).__name__, getattr(item, "input", None)) for item in items] == [
        ("Failure", str(csv_file)),
        ("Failure", str(warc)),
    ]
    assert isinstance(items[0], Failure) and "headline, link" in items[0].reason


def test_binary_empty_and_too_large_files(tmp_path: Path) -> None:
    binary = tmp_path / "photo.txt"
    binary.write_bytes(b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(100))
    empty = tmp_path / "empty.html"
    empty.write_text("  \n", encoding="utf-8")
    large = tmp_path / "large.txt"
    large.write_text("word " * 400, encoding="utf-8")
    small_cap = Settings(detect_language=False, max_input_bytes=1000)

    results = list(iter_many([str(binary), str(empty)], SETTINGS)) + list(
        iter_articles(str(large), small_cap)
    )

    assert all(isinstance(item, Failure) for item in results)
    assert [item.input for item in results if isinstance(item, Failure)] == [
        str(binary),
        str(empty),
        str(large),
    ]
    assert "JPEG" in results[0].reason  # type: ignore[union-attr]


def test_xml_that_is_not_a_feed(tmp_path: Path) -> None:
    path = tmp_path / "data.xml"
    path.write_text("<?xml version='1.0'?><catalogue><item>one</item></catalogue>", encoding="utf-8")

    (failure,) = list(iter_articles(str(path), SETTINGS))

    assert isinstance(failure, Failure) and "not an RSS or Atom feed" in failure.reason


def test_folder_source(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(PLAIN_TEXT, encoding="utf-8")
    (tmp_path / "b.bin").write_bytes(b"\x00\x01\x02\x03" * 50)

    items = list(iter_articles(str(tmp_path), SETTINGS))

    assert [type(item).__name__ for item in items] == ["Article", "Failure"]
    assert items[1].input == str(tmp_path / "b.bin")  # type: ignore[union-attr]


def test_a_parser_crash_is_a_failure_not_a_traceback(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "page.html"
    path.write_text(html_page("x"), encoding="utf-8")

    def crash(*args: Any, **kwargs: Any) -> Article:
        raise ValueError("lxml exploded\nwith a long story")

    monkeypatch.setattr(sources, "parse_html", crash)

    (failure,) = list(iter_articles(str(path), SETTINGS))

    assert isinstance(failure, Failure)
    assert failure.input == str(path)
    assert failure.reason == "could not be read (ValueError: lxml exploded with a long story)"


@pytest.mark.parametrize("fatal", [KeyboardInterrupt, MemoryError])
def test_interrupts_and_memory_errors_are_not_swallowed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fatal: type[BaseException]
) -> None:
    path = tmp_path / "page.html"
    path.write_text(html_page("x"), encoding="utf-8")

    def crash(*args: Any, **kwargs: Any) -> Article:
        raise fatal()

    monkeypatch.setattr(sources, "parse_html", crash)

    with pytest.raises(fatal):
        list(iter_articles(str(path), SETTINGS))


# --- standard input ------------------------------------------------------------------------------


def test_stdin_plain_text() -> None:
    (article,) = only_articles(list(iter_articles("-", SETTINGS, stdin=io.BytesIO(PLAIN_TEXT.encode()))))

    assert article.origin == "<stdin>"
    assert article.raw_format == "text"
    assert PARAGRAPHS[1] in article.text


def test_stdin_html_in_another_encoding() -> None:
    page = html_page("Café society").replace("utf-8", "windows-1252").encode("cp1252")

    (article,) = only_articles(list(iter_articles("-", SETTINGS, stdin=io.BytesIO(page))))

    assert article.title == "Café society"
    assert article.raw_format == "html"
    assert article.origin == "<stdin>"


def test_stdin_empty_and_too_large() -> None:
    small_cap = Settings(detect_language=False, max_input_bytes=100)

    (empty,) = list(iter_articles("-", SETTINGS, stdin=io.BytesIO(b"  \n")))
    (large,) = list(iter_articles("-", small_cap, stdin=io.BytesIO(b"x" * 10_000)))

    assert isinstance(empty, Failure) and empty.input == "<stdin>"
    assert isinstance(large, Failure) and "100-byte cap" in large.reason


def test_stdin_of_json_lines_is_read_record_by_record() -> None:
    # `scraper | propwatch ingest -` stored the whole stream as one article: its text the raw JSON.
    lines = [
        json.dumps({"title": "One", "text": "The council met and approved the budget for the year."}),
        "",
        "not json",
        json.dumps({"title": "Two", "text": "The mayor resigned on Friday after weeks of protests."}),
    ]
    items = list(iter_articles("-", SETTINGS, stdin=io.BytesIO(("\n".join(lines) + "\n").encode())))
    assert [type(item).__name__ for item in items] == ["Article", "Failure", "Article"]
    first, broken, second = items
    assert isinstance(first, Article) and isinstance(second, Article) and isinstance(broken, Failure)
    assert (first.title, second.title, first.origin) == ("One", "Two", "<stdin> line 1")
    assert broken.input == "<stdin> line 3" and "not valid JSON" in broken.reason
    # a text that merely opens with a brace is still one text
    (text,) = list(
        iter_articles("-", SETTINGS, stdin=io.BytesIO(b"{Editorial} The council met on Monday.\n"))
    )
    assert isinstance(text, Article) and text.origin == "<stdin>"


def test_stdin_reads_at_most_one_byte_past_the_cap() -> None:
    stream = io.BytesIO(b"y" * 10_000)

    list(iter_articles("-", Settings(detect_language=False, max_input_bytes=100), stdin=stream))

    assert stream.tell() == 101


# --- URLs ----------------------------------------------------------------------------------------


class _Site:
    def __init__(self) -> None:
        self.pages: dict[str, tuple[int, str, bytes]] = {}
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                status, content_type, body = site.pages.get(self.path, (404, "text/plain", b"not found"))
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}{path}"


@pytest.fixture
def site() -> Iterator[_Site]:
    served = _Site()
    served.thread.start()
    yield served
    served.server.shutdown()
    served.server.server_close()


def test_url_html_page(site: _Site) -> None:
    site.pages["/news/library"] = (200, "text/html; charset=utf-8", html_page("Library closes").encode())
    url = site.url("/news/library")

    (article,) = only_articles(list(iter_articles(url, NET_SETTINGS)))

    assert article.title == "Library closes"
    assert article.url == url
    assert article.origin == url


def test_url_plain_text(site: _Site) -> None:
    site.pages["/note.txt"] = (200, "text/plain; charset=utf-8", PLAIN_TEXT.encode())
    url = site.url("/note.txt")

    (article,) = only_articles(list(iter_articles(url, NET_SETTINGS)))

    assert article.raw_format == "text"
    assert article.url == url
    assert PARAGRAPHS[0] in article.text


def test_url_feed_reads_every_entry(site: _Site) -> None:
    site.pages["/a"] = (200, "text/html; charset=utf-8", html_page("Entry A").encode())
    site.pages["/b"] = (200, "text/html; charset=utf-8", html_page("Entry B").encode())
    feed = (
        "<?xml version='1.0' encoding='utf-8'?><rss version='2.0'><channel><title>Harbour</title>"
        f"<item><title>A</title><link>{site.url('/a')}</link></item>"
        f"<item><title>B</title><link>{site.url('/b')}</link></item>"
        f"<item><title>Gone</title><link>{site.url('/gone')}</link></item>"
        "</channel></rss>"
    )
    site.pages["/feed"] = (200, "application/rss+xml", feed.encode())

    items = list(iter_articles(site.url("/feed"), NET_SETTINGS))

    assert [type(item).__name__ for item in items] == ["Article", "Article", "Failure"]
    assert [item.title for item in items if isinstance(item, Article)] == ["Entry A", "Entry B"]
    assert items[2].input == site.url("/gone")  # type: ignore[union-attr]


def test_url_errors_are_failures(site: _Site) -> None:
    missing = site.url("/missing")

    (not_found,) = list(iter_articles(missing, NET_SETTINGS))
    (refused,) = list(iter_articles(missing, SETTINGS))  # private addresses refused by default

    assert isinstance(not_found, Failure) and not_found.input == missing and "404" in not_found.reason
    assert isinstance(refused, Failure) and refused.input == missing


# --- sniffing ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("<!DOCTYPE html><html><body><p>x</p></body></html>", True),
        ("\ufeff  <html lang='en'><p>x</p></html>", True),
        ("<!-- saved page --><div class='a'><p>Hello</p></div>", True),
        ("The <b>bold</b> claim of a plain text note.", False),
        ("Plain text that mentions <html> later on.", False),
        ("<note>not html</note>", False),
    ],
)
def test_looks_like_html(text: str, expected: bool) -> None:
    assert looks_like_html(text) is expected
