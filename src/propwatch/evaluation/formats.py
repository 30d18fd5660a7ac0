"""Readers and writers for the shared-task label files (PTC 2020 and SemEval-2023 Task 3).

Formats, one record per line, TAB-separated, UTF-8:

* PTC SI: ``article_id  start  end``
* PTC TC: ``article_id  technique  start  end`` (``?`` as technique in a template);
  SemEval-2023 span files have the same layout with SemEval-2023 names
* SemEval-2023 subtask 3: ``article_id  paragraph  t1,t2,…`` (third column empty or missing: no technique)
* SemEval-2023 subtask 3 template: ``article_id  paragraph  paragraph text``
* SemEval-2023 subtasks 1 and 2: ``article_id  label1,label2,…`` (genre; frames)

Offsets are character offsets, ``start`` inclusive and ``end`` exclusive. Every malformed line raises
:class:`MalformedRecordError` naming the file and the line number; blank lines are skipped.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from propwatch.errors import DecodingError, InputNotFoundError, MalformedRecordError
from propwatch.output_files import replacing

TEMPLATE_TECHNIQUE = "?"


@dataclass(frozen=True, order=True)
class SpanRecord:
    """A technique-agnostic span of one article (PTC SI)."""

    article_id: str
    start: int
    end: int


@dataclass(frozen=True, order=True)
class TechniqueSpanRecord:
    """A span with its technique (PTC TC, SemEval-2023 span files)."""

    article_id: str
    technique: str
    start: int
    end: int


@dataclass(frozen=True, order=True)
class ParagraphLabelsRecord:
    """The techniques of one paragraph (SemEval-2023 subtask 3); ``paragraph`` is the 1-based line number."""

    article_id: str
    paragraph: int
    techniques: tuple[str, ...]


@dataclass(frozen=True, order=True)
class ParagraphTemplateRecord:
    """One paragraph of a SemEval-2023 subtask-3 template."""

    article_id: str
    paragraph: int
    text: str


@dataclass(frozen=True, order=True)
class ArticleLabelsRecord:
    """Article-level labels: a genre (subtask 1) or frames (subtask 2)."""

    article_id: str
    labels: tuple[str, ...]


def _lines(path: Path) -> Iterator[tuple[str, list[str]]]:
    """Yield (``"<path> line <n>"``, TAB-separated fields) for each non-blank line."""
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:  # a BOM is not part of an id
            for number, raw in enumerate(handle, 1):
                line = raw.rstrip("\r\n")
                if not line.strip():
                    continue
                yield f"{path} line {number}", line.split("\t")
    except FileNotFoundError as error:
        raise InputNotFoundError(str(path), "no such file") from error
    except IsADirectoryError as error:
        raise InputNotFoundError(str(path), "is a folder, expected a label file") from error
    except UnicodeDecodeError as error:
        raise DecodingError(str(path), f"not UTF-8 text ({error.reason} at byte {error.start})") from error


def _article_id(where: str, value: str) -> str:
    value = value.strip()
    if not value:
        raise MalformedRecordError(where, "empty article id")
    return value


def _offset(where: str, value: str, what: str) -> int:
    text = value.strip()
    if not text.isdigit() or not text.isascii():
        raise MalformedRecordError(where, f"{what} offset {value!r} is not a non-negative integer")
    return int(text)


def _span(where: str, start_text: str, end_text: str) -> tuple[int, int]:
    start = _offset(where, start_text, "start")
    end = _offset(where, end_text, "end")
    if end <= start:
        raise MalformedRecordError(where, f"end {end} is not after start {start}")
    return start, end


def _technique(where: str, value: str, allowed: Collection[str] | None) -> str:
    name = value.strip()
    if not name:
        raise MalformedRecordError(where, "empty technique name")
    if allowed is not None and name not in allowed:
        raise MalformedRecordError(where, f"unknown technique {name!r}")
    return name


def _columns(where: str, fields: list[str], expected: str, *counts: int) -> None:
    if len(fields) not in counts:
        raise MalformedRecordError(
            where,
            f"expected {expected} ({' or '.join(map(str, counts))} TAB-separated columns), got {len(fields)}",
        )


def read_si_labels(path: Path) -> list[SpanRecord]:
    """Read a PTC SI file: ``article_id<TAB>start<TAB>end`` per line."""
    records = []
    for where, fields in _lines(path):
        _columns(where, fields, "article_id, start, end", 3)
        start, end = _span(where, fields[1], fields[2])
        records.append(SpanRecord(_article_id(where, fields[0]), start, end))
    return records


def read_technique_spans(
    path: Path, *, allowed: Collection[str] | None = None, template: bool = False
) -> list[TechniqueSpanRecord]:
    """Read ``article_id<TAB>technique<TAB>start<TAB>end`` lines (PTC TC, SemEval-2023 span files).

    ``allowed`` restricts technique names; ``template=True`` accepts the ``?`` of a TC template.
    """
    records = []
    for where, fields in _lines(path):
        _columns(where, fields, "article_id, technique, start, end", 4)
        start, end = _span(where, fields[2], fields[3])
        if template and fields[1].strip() == TEMPLATE_TECHNIQUE:
            technique = TEMPLATE_TECHNIQUE
        else:
            technique = _technique(where, fields[1], allowed)
        records.append(TechniqueSpanRecord(_article_id(where, fields[0]), technique, start, end))
    return records


def _paragraph(where: str, value: str) -> int:
    text = value.strip()
    if not text.isdigit() or not text.isascii() or int(text) < 1:
        raise MalformedRecordError(where, f"paragraph number {value!r} is not a positive integer")
    return int(text)


def _label_list(where: str, value: str, allowed: Collection[str] | None) -> tuple[str, ...]:
    if not value.strip():
        return ()
    return tuple(_technique(where, item, allowed) for item in value.split(","))


def read_paragraph_labels(
    path: Path, *, allowed: Collection[str] | None = None
) -> list[ParagraphLabelsRecord]:
    """Read SemEval-2023 subtask-3 labels: ``article_id<TAB>paragraph<TAB>t1,t2,…``.

    As in the official scorer, a missing or empty third column means no technique.
    """
    records = []
    for where, fields in _lines(path):
        _columns(where, fields, "article_id, paragraph, techniques", 2, 3)
        techniques = _label_list(where, fields[2], allowed) if len(fields) == 3 else ()
        records.append(
            ParagraphLabelsRecord(_article_id(where, fields[0]), _paragraph(where, fields[1]), techniques)
        )
    return records


def read_paragraph_template(path: Path) -> list[ParagraphTemplateRecord]:
    """Read a SemEval-2023 subtask-3 template: ``article_id<TAB>paragraph<TAB>text``."""
    records = []
    for where, fields in _lines(path):
        if len(fields) < 2:
            raise MalformedRecordError(where, "expected article_id, paragraph and text (TAB-separated)")
        text = "\t".join(fields[2:])
        records.append(
            ParagraphTemplateRecord(_article_id(where, fields[0]), _paragraph(where, fields[1]), text)
        )
    return records


def read_article_labels(path: Path, *, allowed: Collection[str] | None = None) -> list[ArticleLabelsRecord]:
    """Read SemEval-2023 subtask-1/2 labels: ``article_id<TAB>label1,label2,…``."""
    records = []
    for where, fields in _lines(path):
        _columns(where, fields, "article_id, labels", 1, 2)
        labels = _label_list(where, fields[1], allowed) if len(fields) == 2 else ()
        records.append(ArticleLabelsRecord(_article_id(where, fields[0]), labels))
    return records


def _write(path: Path, lines: Iterable[str]) -> None:
    with replacing(path) as handle:  # a failed prediction leaves an earlier file as it was
        for line in lines:
            handle.write(line + "\n")


def format_si_line(record: SpanRecord) -> str:
    return f"{record.article_id}\t{record.start}\t{record.end}"


def format_technique_span_line(record: TechniqueSpanRecord) -> str:
    return f"{record.article_id}\t{record.technique}\t{record.start}\t{record.end}"


def format_paragraph_labels_line(record: ParagraphLabelsRecord) -> str:
    return f"{record.article_id}\t{record.paragraph}\t{','.join(record.techniques)}"


def write_si_labels(path: Path, records: Iterable[SpanRecord]) -> None:
    """Write a PTC SI file."""
    _write(path, map(format_si_line, records))


def write_technique_spans(path: Path, records: Iterable[TechniqueSpanRecord]) -> None:
    """Write a PTC TC (or SemEval-2023 span) file."""
    _write(path, map(format_technique_span_line, records))


def write_paragraph_labels(path: Path, records: Iterable[ParagraphLabelsRecord]) -> None:
    """Write a SemEval-2023 subtask-3 file (empty third column for a paragraph without techniques)."""
    _write(path, map(format_paragraph_labels_line, records))
