"""Reader of SemEval-2021 Task 6 meme texts (subtask 2: character spans, 20 techniques).

The files are JSON lists despite their ``.txt`` suffix: ``[{"id", "text", "labels": [{"start", "end",
"technique", "text_fragment"}]}]``. A handful of upstream fragments do not equal ``text[start:end]``;
where the fragment occurs in the text, the occurrence nearest to the given start is used instead.
Leading and trailing whitespace of a span is trimmed (``trim_spaces``; about 1% of the train spans).
Technique names stay in the 2021 scheme (``Corpus.scheme == "semeval2021"``); map them with
:data:`propwatch.models.taxonomy.SEMEVAL21_TO_SEMEVAL23`.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from propwatch.corpora.corpus import Corpus, CorpusArticle, GoldSpan, trim_whitespace
from propwatch.errors import DecodingError, InputNotFoundError, MalformedRecordError
from propwatch.models.taxonomy import SEMEVAL21_TECHNIQUES

SPLIT_FILES = {"train": "training_set_task2.txt", "dev": "dev_set_task2.txt"}


def _load(path: Path) -> list[Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as error:
        raise InputNotFoundError(str(path), "no such file") from error
    except UnicodeDecodeError as error:
        raise DecodingError(str(path), "not UTF-8 text") from error
    except json.JSONDecodeError as error:
        raise MalformedRecordError(f"{path} line {error.lineno}", f"not JSON: {error.msg}") from error
    if not isinstance(data, list):
        raise MalformedRecordError(str(path), "expected a JSON list of memes")
    return data


def _relocate(text: str, start: int, end: int, fragment: str) -> tuple[int, int]:
    """Offsets of ``fragment`` nearest to ``start`` when ``text[start:end]`` is not the fragment."""
    if text[start:end] == fragment or not fragment:
        return start, end
    best: int | None = None
    position = text.find(fragment)
    while position >= 0:
        if best is None or abs(position - start) < abs(best - start):
            best = position
        position = text.find(fragment, position + 1)
    return (best, best + len(fragment)) if best is not None else (start, end)


def _span(where: str, text: str, label: Any, trim_spaces: bool) -> GoldSpan:
    try:
        start, end, technique = int(label["start"]), int(label["end"]), str(label["technique"])
    except (KeyError, TypeError, ValueError) as error:
        raise MalformedRecordError(where, f"span without start, end and technique ({error})") from error
    if technique not in SEMEVAL21_TECHNIQUES:
        raise MalformedRecordError(where, f"unknown technique {technique!r}")
    fixed_start, fixed_end = _relocate(text, start, end, str(label.get("text_fragment", "")))
    if not 0 <= fixed_start < fixed_end <= len(text):
        raise MalformedRecordError(where, f"span {start}-{end} is outside the text")
    if trim_spaces:
        fixed_start, fixed_end = trim_whitespace(text, fixed_start, fixed_end)
    return GoldSpan(technique, fixed_start, fixed_end, start, end)


def read_semeval2021_memes(folder: Path, *, split: str = "train", trim_spaces: bool = True) -> Corpus:
    """Read the meme texts of one split (``train`` or ``dev``) with their technique spans."""
    if split not in SPLIT_FILES:
        raise InputNotFoundError(split, f"unknown SemEval-2021 split; expected one of {sorted(SPLIT_FILES)}")
    path = folder / SPLIT_FILES[split]
    articles = []
    for index, item in enumerate(_load(path)):
        where = f"{path} item {index + 1}"
        if not isinstance(item, dict) or "id" not in item or not isinstance(item.get("text"), str):
            raise MalformedRecordError(where, "expected an object with id and text")
        text = item["text"]
        spans = tuple(
            sorted(
                (_span(where, text, label, trim_spaces) for label in item.get("labels", [])),
                key=lambda s: (s.start, s.end, s.technique),
            )
        )
        articles.append(
            CorpusArticle(
                article_id=str(item["id"]),
                language="en",
                text=text,
                spans=spans,
                document_techniques=tuple(sorted({s.technique for s in spans})),
            )
        )
    return Corpus(
        name=f"semeval2021-memes-{split}", scheme="semeval2021", language="en", articles=tuple(articles)
    )
