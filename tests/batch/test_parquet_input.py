"""Parquet input: the JSON Lines field names, Parquet dates, broken rows and files."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from propwatch.batch.parquet_input import iter_batch_sources, read_parquet
from propwatch.domain import Article, Failure
from propwatch.settings import Settings

SETTINGS = Settings(data_dir=Path("/nonexistent"), detect_language=False)


def test_rows_become_articles(tmp_path: Path) -> None:
    path = tmp_path / "crawl.parquet"
    table = pa.table(
        {
            "maintext": ["The minister spoke of security.", "", "NATO answered on Tuesday."],
            "title": ["First", "Empty", "Third"],
            "url": ["https://a.example/1", "https://a.example/2", "https://b.example/3"],
            "date_publish": [datetime(2024, 2, 3, 10, 0), None, datetime(2024, 2, 5, 8, 30)],
            "published_day": pa.array([date(2020, 1, 1)] * 3, pa.date32()),
            "source_domain": ["a.example", "a.example", "b.example"],
            "authors": [["A. Writer", "B. Writer"], [], None],
        }
    )
    pq.write_table(table, path, row_group_size=2)
    items = list(read_parquet(path, SETTINGS))
    assert [type(item) for item in items] == [Article, Failure, Article]
    first, failure, third = items
    assert isinstance(first, Article) and isinstance(third, Article) and isinstance(failure, Failure)
    assert first.text == "The minister spoke of security." and first.title == "First"
    assert first.published == date(2024, 2, 3) and first.outlet == "a.example"
    assert first.author == "A. Writer; B. Writer" and first.origin == f"{path} row 1"
    assert third.published == date(2024, 2, 5) and third.url == "https://b.example/3"
    assert failure.input == f"{path} row 2" and "no text" in failure.reason


def test_batch_sources_read_parquet_and_everything_else(tmp_path: Path) -> None:
    parquet = tmp_path / "one.parquet"
    pq.write_table(pa.table({"text": ["Parquet text about NATO."]}), parquet)
    jsonl = tmp_path / "two.jsonl"
    jsonl.write_text('{"text": "JSON Lines text about Russia."}\n')
    broken = tmp_path / "broken.parquet"
    broken.write_text("this is not parquet")
    items = list(iter_batch_sources([str(parquet), str(jsonl), str(broken)], SETTINGS))
    assert [item.text for item in items if isinstance(item, Article)] == [
        "Parquet text about NATO.",
        "JSON Lines text about Russia.",
    ]
    failures = [item for item in items if isinstance(item, Failure)]
    assert len(failures) == 1 and failures[0].input == str(broken)
    assert "not a Parquet file" in failures[0].reason
