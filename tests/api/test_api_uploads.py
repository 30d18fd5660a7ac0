"""Files uploaded on the submit page: a file of records (a spreadsheet export, JSON Lines) is refused,
naming it and the command that reads it, instead of being stored as one article of its raw cells."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from propwatch.api.submission import read_submission
from propwatch.errors import UnsupportedInputError
from propwatch.settings import Settings
from workbench_fixture import Api

CSV = '"title";"text"\r\n"US and NATO – corner";"The US and NATO need such agreements, the agency said."\r\n'


def test_an_uploaded_spreadsheet_is_refused_naming_it(api: Api) -> None:
    response = api.client.post(
        "/submit",
        data={"token": api.secret},
        files={"file": ("Export Excel – Ünïcode.csv", codecs.BOM_UTF8 + CSV.encode(), "text/csv")},
    )
    assert response.status_code == 422
    assert "Export Excel – Ünïcode.csv: is a CSV table of records" in response.text
    assert "propwatch ingest" in response.text
    assert api.store.count_articles() == 0


@pytest.mark.parametrize("name", ["export.TSV", "dump.jsonl", "dump.ndjson.gz", "items.json"])
def test_other_files_of_records_are_refused(tmp_path: Path, name: str) -> None:
    with pytest.raises(UnsupportedInputError, match="propwatch ingest") as caught:
        read_submission(Settings(data_dir=tmp_path), data=b'{"text": "One article."}\n', filename=name)
    assert caught.value.input_name == name


def test_a_text_file_upload_is_still_read(tmp_path: Path) -> None:
    text = "Council closes the library\n\nThe council voted on Tuesday to close the harbour library."
    article = read_submission(Settings(data_dir=tmp_path), data=text.encode(), filename="notes.txt")
    assert article.title == "Council closes the library"
