"""Files uploaded on the submit page: a file of records (a spreadsheet export, JSON Lines, a feed) is
refused by its name or its content, naming it and the command that analyses it, instead of being stored
as one article of its raw cells."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from propwatch.api.submission import read_submission
from propwatch.errors import UnsupportedInputError
from propwatch.settings import Settings
from workbench_fixture import Api

CSV = (
    '"title";"text"\r\n"US and NATO – corner";"The US and NATO need such agreements, the agency said."\r\n'
    '"Second";"Another article of the export."\r\n'
)


def test_an_uploaded_spreadsheet_is_refused_naming_it(api: Api) -> None:
    response = api.client.post(
        "/submit",
        data={"token": api.secret},
        files={"file": ("Export Excel – Ünïcode.csv", codecs.BOM_UTF8 + CSV.encode(), "text/csv")},
    )
    assert response.status_code == 422
    assert "Export Excel – Ünïcode.csv: is a CSV table of records" in response.text
    assert "analyse its records with `propwatch analyze FILE`" in response.text
    assert api.store.count_articles() == 0


@pytest.mark.parametrize("name", ["export.TSV", "dump.jsonl", "dump.ndjson.gz", "items.json"])
def test_other_files_of_records_are_refused(tmp_path: Path, name: str) -> None:
    with pytest.raises(UnsupportedInputError, match="propwatch analyze FILE") as caught:
        read_submission(Settings(data_dir=tmp_path), data=b'{"text": "One article."}\n', filename=name)
    assert caught.value.input_name == name


def test_a_text_file_upload_is_still_read(tmp_path: Path) -> None:
    text = "Council closes the library\n\nThe council voted on Tuesday to close the harbour library."
    article = read_submission(Settings(data_dir=tmp_path), data=text.encode(), filename="notes.txt")
    assert article.title == "Council closes the library"


FEED = (
    '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel><title>Example feed</title>'
    "<item><title>NATO is lying again</title><link>https://example.org/a</link>"
    "<description>The corrupt NATO elites lie to everyone.</description></item></channel></rss>\n"
)
ATOM = '<?xml version="1.0"?>\n<feed xmlns="http://www.w3.org/2005/Atom"><title>F</title></feed>\n'
RDF = (
    '<?xml version="1.0"?>\n<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
    'xmlns="http://purl.org/rss/1.0/"><channel><title>F</title></channel></rdf:RDF>\n'
)


def test_a_feed_saved_as_xml_is_refused_by_its_content(api: Api) -> None:
    """A feed saved as .xml had been stored as one article titled '<?xml version="1.0" …?>'."""
    response = api.client.post(
        "/submit", data={"token": api.secret}, files={"file": ("news.xml", FEED.encode(), "text/xml")}
    )
    assert response.status_code == 422
    assert "news.xml: is a feed of records" in response.text
    assert "`propwatch analyze FILE`" in response.text and "saved under" not in response.text
    assert api.store.count_articles() == 0


@pytest.mark.parametrize(
    ("content", "what", "suffix"),
    [
        (FEED, "a feed", ".xml"),
        (ATOM, "a feed", ".xml"),
        (RDF, "a feed", ".xml"),
        ('{"title": "One", "text": "One article."}\n{"text": "Two."}\n', "a JSON Lines file", ".jsonl"),
        (CSV, "a CSV table", ".csv"),
        (
            "id\ttitle\ttext\n1\tOne\tThe first article, in a tab-separated export.\n2\tTwo\tThe second.\n",
            "a CSV table",
            ".csv",
        ),
    ],
    ids=["rss", "atom", "rdf", "jsonl", "csv", "tsv"],
)
def test_records_are_refused_by_content_whatever_the_name(
    tmp_path: Path, content: str, what: str, suffix: str
) -> None:
    with pytest.raises(UnsupportedInputError, match=f"is {what} of records") as caught:
        read_submission(Settings(data_dir=tmp_path), data=content.encode(), filename="export.txt")
    assert f"(saved under a name ending in {suffix})" in caught.value.reason


@pytest.mark.parametrize(
    ("name", "content", "title"),
    [
        (
            "page.xhtml",
            '<?xml version="1.0" encoding="UTF-8"?>\n<html xmlns="http://www.w3.org/1999/xhtml"><head>'
            "<title>Harbour library closes</title></head><body><h1>Harbour library closes</h1><p>The council "
            "voted on Tuesday to close the harbour library, citing costs.</p></body></html>\n",
            "Harbour library closes",
        ),
        (
            "page.html",
            "<!DOCTYPE html>\n<html><head><title>Text, html and more</title></head><body><h1>Text, html and "
            "more</h1><p>The council voted, on Tuesday, to close the harbour library.</p></body></html>\n",
            "Text, html and more",
        ),
        (
            "notes.txt",
            "Text, images and video\n\nThe council voted on Tuesday, after a long debate, to close it.\n",
            "Text, images and video",
        ),
        (
            "column.txt",
            "HTML, the language nobody reads\n\nIn 1991, Tim Berners-Lee published the first page.\n\n"
            "It had no images, no scripts and, for a while, few readers.\n",
            "HTML, the language nobody reads",
        ),
        (
            "table-talk.txt",
            "Title,Text\n\nThe first line of this essay, oddly, looks like a header.\n",
            "Title,Text",
        ),
        (
            "quoting.txt",
            'Records like this one\n\n{"text": "example"}\n\nare what the export writes, one per line.\n',
            "Records like this one",
        ),
    ],
    ids=["xhtml", "html", "prose-with-commas", "html-word-and-a-comma", "header-like-line", "quoted-record"],
)
def test_pages_and_texts_are_still_read(tmp_path: Path, name: str, content: str, title: str) -> None:
    article = read_submission(Settings(data_dir=tmp_path), data=content.encode(), filename=name)
    assert article.title == title
