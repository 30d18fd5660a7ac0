"""Reader of the PTC corpus (SemEval-2020 Task 11): ``article<ID>.txt`` files plus TC/SI label files.

Expected layout (the one of ``../shared/data/ptc_semeval2020_task11``)::

    train-articles/article<ID>.txt
    train-task-tc.labels     id<TAB>technique<TAB>start<TAB>end   (14 PTC classes)
    train-task-si.labels     id<TAB>start<TAB>end                 (optional: spans merged across techniques)

PTC version 2 already trimmed boundary spaces and punctuation, so the spans are read unchanged; a span
outside its article is an error. The same 371 articles are SemEval-2023 English train, relabelled.
"""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path

from propwatch.corpora.corpus import Corpus, CorpusArticle, GoldSpan, read_article_text
from propwatch.errors import InputNotFoundError, MalformedRecordError
from propwatch.evaluation.formats import SpanRecord, read_si_labels, read_technique_spans
from propwatch.models.taxonomy import PTC_TECHNIQUES

ARTICLE_FILE = re.compile(r"article(\d+)\.txt")


def read_articles_folder(folder: Path) -> dict[str, str]:
    """``article<ID>.txt`` files of a folder → {ID: text as stored}, sorted by ID."""
    if not folder.is_dir():
        raise InputNotFoundError(str(folder), "no such folder of article<ID>.txt files")
    texts: dict[str, str] = {}
    for path in sorted(folder.iterdir()):
        match = ARTICLE_FILE.fullmatch(path.name)
        if match:
            texts[match.group(1)] = read_article_text(path)
    if not texts:
        raise InputNotFoundError(str(folder), "holds no article<ID>.txt files")
    return texts


def _check_in_range(label_file: Path, article: str, start: int, end: int, texts: dict[str, str]) -> None:
    if article not in texts:
        raise MalformedRecordError(str(label_file), f"article {article} has labels but no article file")
    if end > len(texts[article]):
        raise MalformedRecordError(
            str(label_file),
            f"article {article} span {start}-{end} ends after the text ({len(texts[article])} chars)",
        )


def read_ptc(folder: Path, *, split: str = "train") -> Corpus:
    """Read a PTC split: every article, with its technique spans in the 14-class PTC scheme."""
    texts = read_articles_folder(folder / f"{split}-articles")
    label_file = folder / f"{split}-task-tc.labels"
    spans: dict[str, list[GoldSpan]] = defaultdict(list)
    for record in read_technique_spans(label_file, allowed=PTC_TECHNIQUES):
        _check_in_range(label_file, record.article_id, record.start, record.end, texts)
        spans[record.article_id].append(
            GoldSpan(record.technique, record.start, record.end, record.start, record.end)
        )
    articles = tuple(
        CorpusArticle(
            article_id=article_id,
            language="en",
            text=text,
            spans=tuple(sorted(spans[article_id], key=lambda s: (s.start, s.end, s.technique))),
            document_techniques=tuple(sorted({s.technique for s in spans[article_id]})),
        )
        for article_id, text in texts.items()
    )
    return Corpus(name=f"ptc-{split}", scheme="ptc", language="en", articles=articles)


def read_ptc_si(folder: Path, *, split: str = "train") -> list[SpanRecord]:
    """The technique-agnostic SI spans of a PTC split (overlapping TC spans already merged)."""
    return read_si_labels(folder / f"{split}-task-si.labels")
