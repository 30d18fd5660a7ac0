"""Readers and writers of the shared-task label files."""

from __future__ import annotations

from pathlib import Path

import pytest

from propwatch.errors import DecodingError, InputNotFoundError, MalformedRecordError
from propwatch.evaluation import (
    ArticleLabelsRecord,
    ParagraphLabelsRecord,
    ParagraphTemplateRecord,
    SpanRecord,
    TechniqueSpanRecord,
    read_article_labels,
    read_paragraph_labels,
    read_paragraph_template,
    read_si_labels,
    read_technique_spans,
    write_paragraph_labels,
    write_si_labels,
    write_technique_spans,
)
from propwatch.models.taxonomy import PTC_TECHNIQUES


def test_round_trips(tmp_path: Path) -> None:
    spans = [SpanRecord("111", 0, 7), SpanRecord("112", 3, 9)]
    write_si_labels(tmp_path / "si.txt", spans)
    assert (tmp_path / "si.txt").read_bytes() == b"111\t0\t7\n112\t3\t9\n"
    assert read_si_labels(tmp_path / "si.txt") == spans

    techniques = [TechniqueSpanRecord("111", "Name_Calling,Labeling", 0, 7)]
    write_technique_spans(tmp_path / "tc.txt", techniques)
    assert read_technique_spans(tmp_path / "tc.txt", allowed=PTC_TECHNIQUES) == techniques

    paragraphs = [
        ParagraphLabelsRecord("2310", 1, ()),
        ParagraphLabelsRecord("2310", 3, ("Doubt", "Slogans")),
    ]
    write_paragraph_labels(tmp_path / "st3.txt", paragraphs)
    assert (tmp_path / "st3.txt").read_text(encoding="utf-8") == "2310\t1\t\n2310\t3\tDoubt,Slogans\n"
    assert read_paragraph_labels(tmp_path / "st3.txt") == paragraphs


def test_paragraph_labels_accept_a_missing_third_column_and_crlf(tmp_path: Path) -> None:
    (tmp_path / "st3.txt").write_bytes(b"7\t1\r\n7\t2\tDoubt\r\n")
    assert read_paragraph_labels(tmp_path / "st3.txt") == [
        ParagraphLabelsRecord("7", 1, ()),
        ParagraphLabelsRecord("7", 2, ("Doubt",)),
    ]


def test_template_and_article_labels(tmp_path: Path) -> None:
    (tmp_path / "t.template").write_text(
        "5\t1\tTitle here\n5\t3\tA\tparagraph with a tab\n", encoding="utf-8"
    )
    assert read_paragraph_template(tmp_path / "t.template") == [
        ParagraphTemplateRecord("5", 1, "Title here"),
        ParagraphTemplateRecord("5", 3, "A\tparagraph with a tab"),
    ]
    (tmp_path / "st2.txt").write_text("5\tEconomic,Political\n6\topinion\n", encoding="utf-8")
    assert read_article_labels(tmp_path / "st2.txt") == [
        ArticleLabelsRecord("5", ("Economic", "Political")),
        ArticleLabelsRecord("6", ("opinion",)),
    ]


def test_tc_template_question_marks(tmp_path: Path) -> None:
    (tmp_path / "template.txt").write_text("9\t?\t1\t4\n", encoding="utf-8")
    assert read_technique_spans(tmp_path / "template.txt", template=True) == [
        TechniqueSpanRecord("9", "?", 1, 4)
    ]
    with pytest.raises(MalformedRecordError, match="unknown technique '\\?'"):
        read_technique_spans(tmp_path / "template.txt", allowed=PTC_TECHNIQUES)


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        ("1\t0\n", "expected article_id, start, end (3 TAB-separated columns), got 2"),
        ("1\t0\tx\n", "end offset 'x' is not a non-negative integer"),
        ("1\t-1\t4\n", "start offset '-1' is not a non-negative integer"),
        ("1\t5\t5\n", "end 5 is not after start 5"),
        ("\t0\t5\n", "empty article id"),
    ],
)
def test_malformed_si_lines_name_file_and_line(tmp_path: Path, content: str, reason: str) -> None:
    path = tmp_path / "si.txt"
    path.write_text("1\t0\t3\n" + content, encoding="utf-8")
    with pytest.raises(MalformedRecordError) as error:
        read_si_labels(path)
    assert str(error.value) == f"{path} line 2: {reason}"


def test_malformed_paragraph_lines(tmp_path: Path) -> None:
    path = tmp_path / "st3.txt"
    path.write_text("1\t0\tDoubt\n", encoding="utf-8")
    with pytest.raises(MalformedRecordError, match="line 1: paragraph number '0' is not a positive integer"):
        read_paragraph_labels(path)
    path.write_text("1\t2\tDoubt,,Slogans\n", encoding="utf-8")
    with pytest.raises(MalformedRecordError, match="line 1: empty technique name"):
        read_paragraph_labels(path)


def test_missing_and_undecodable_files(tmp_path: Path) -> None:
    with pytest.raises(InputNotFoundError):
        read_si_labels(tmp_path / "absent.txt")
    (tmp_path / "latin1.txt").write_bytes("1\tDoubt\xe9\t0\t4\n".encode("latin-1"))
    with pytest.raises(DecodingError):
        read_technique_spans(tmp_path / "latin1.txt")
