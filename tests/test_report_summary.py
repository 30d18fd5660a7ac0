"""The article summary in the terminal report, the JSON/CSV exports and the JSON Schema."""

from __future__ import annotations

import csv
import io
import json

from rich.console import Console

from propwatch.domain import Analysis, Article, Label, Span
from propwatch.export import analysis_json_schema, analysis_record, write_analyses
from propwatch.report import render_analysis

TEXT = "NATO lies again and again while the brave nation stands firm."


def _analysis(genre: str = "reporting", tag: str | None = "opinion") -> Analysis:
    return Analysis(
        article=Article(text=TEXT, title="T", genre_tag=tag),
        spans=(
            Span(start=0, end=9, label="Name_Calling-Labeling", score=0.9, analyzer="techniques"),
            Span(start=5, end=25, label="Repetition", score=0.8, analyzer="techniques"),
        ),
        labels=(
            Label(name="genre", value=genre, score=0.77, analyzer="genre"),
            Label(name="frame", value="Political", score=0.6, analyzer="frames"),
            Label(name="frame", value="Security_and_defense", score=0.8, analyzer="frames"),
        ),
        analyzers={"techniques": "1", "genre": "1", "frames": "1"},
    )


def _render(analysis: Analysis) -> str:
    console = Console(file=io.StringIO(), width=140, color_system=None)
    console.print(render_analysis(analysis))
    return console.file.getvalue()  # type: ignore[attr-defined]


def test_report_shows_the_summary_and_the_genre_disagreement() -> None:
    text = _render(_analysis())
    assert "reporting (0.77); the page says 'opinion'" in text
    assert "The page calls itself 'opinion', but the genre model reads it as 'reporting' (0.77)." in text
    assert "Security and defense (0.80), Political (0.60)" in text
    assert "2 spans, 181.8 per 1,000 words, covering 41.0% of the text" in text
    assert "Attack_on_Reputation 1, Manipulative_Wording 1 (dominant: Manipulative_Wording)" in text
    assert "Caution" in text and "The text has 11 words" in text  # a title-long text, and no language
    one = _analysis().model_copy(update={"spans": _analysis().spans[:1]})
    assert "1 span, 90.9 per 1,000 words" in _render(one)


def test_report_is_quiet_when_genre_and_tag_agree_or_nothing_ran() -> None:
    assert "The page calls itself" not in _render(_analysis(genre="opinion"))
    bare = _render(Analysis(article=Article(text=TEXT, genre_tag="opinion")))
    assert "Top frames" not in bare and "per 1,000 words" not in bare


def test_json_record_and_schema_carry_the_summary() -> None:
    record = analysis_record(_analysis())
    summary = record["summary"]
    assert summary["genre_disagrees"] is True and summary["genre_tag"] == "opinion"
    assert [f["frame"] for f in summary["top_frames"]] == ["Security_and_defense", "Political"]
    assert summary["propaganda_share"] == 25 / 61
    schema = analysis_json_schema()
    assert schema["properties"]["summary"]["$ref"] == "#/$defs/ArticleSummary"
    assert "propaganda_share" in schema["$defs"]["ArticleSummary"]["properties"]
    assert "FrameScore" in schema["$defs"]


def test_jsonl_and_csv_exports_carry_the_summary() -> None:
    buffer = io.StringIO()
    write_analyses([_analysis()], "jsonl", buffer)
    assert json.loads(buffer.getvalue())["summary"]["dominant_category"] == "Manipulative_Wording"
    table = io.StringIO()
    write_analyses([_analysis()], "csv", table)
    rows = list(csv.DictReader(io.StringIO(table.getvalue())))
    assert len(rows) == 2
    for row in rows:
        assert row["genre"] == "reporting" and row["genre_disagrees"] == "True"
        assert row["top_frames"] == "Security_and_defense,Political"
        assert float(row["propaganda_share"]) == 25 / 61
