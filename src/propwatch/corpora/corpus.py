"""Gold-annotated training corpora as plain records, and the span-boundary repairs they need.

Offsets count characters of ``CorpusArticle.text`` exactly as stored on disk (``\\r\\n`` kept), start
inclusive, end exclusive. A :class:`GoldSpan` keeps the offsets of its label file next to the repaired
ones, so a repair can always be traced back.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from propwatch.errors import DecodingError, InputNotFoundError


@dataclass(frozen=True)
class GoldSpan:
    """One annotated technique span; ``technique`` uses the corpus's own scheme (see ``Corpus.scheme``)."""

    technique: str
    start: int
    end: int
    original_start: int
    original_end: int

    @property
    def repaired(self) -> bool:
        return (self.start, self.end) != (self.original_start, self.original_end)


@dataclass(frozen=True)
class Paragraph:
    """One paragraph (a non-empty line) with its gold techniques; ``number`` is the 1-based line number."""

    number: int
    start: int
    end: int
    techniques: tuple[str, ...]


@dataclass(frozen=True)
class CorpusArticle:
    """One article (or meme text) of a corpus with its gold annotations."""

    article_id: str
    language: str
    text: str
    spans: tuple[GoldSpan, ...]
    paragraphs: tuple[Paragraph, ...] = ()
    document_techniques: tuple[str, ...] = ()
    genre: str | None = None
    frames: tuple[str, ...] = ()


@dataclass(frozen=True)
class Corpus:
    """A set of articles labelled in one technique scheme: ``ptc``, ``semeval2023`` or ``semeval2021``."""

    name: str
    scheme: str
    language: str
    articles: tuple[CorpusArticle, ...]
    notes: tuple[str, ...] = field(default=())

    def article_ids(self) -> tuple[str, ...]:
        return tuple(article.article_id for article in self.articles)

    def span_count(self) -> int:
        return sum(len(article.spans) for article in self.articles)

    def techniques_seen(self) -> tuple[str, ...]:
        return tuple(sorted({span.technique for article in self.articles for span in article.spans}))


def read_article_text(path: Path) -> str:
    """An article file as stored: UTF-8, with ``\\r\\n`` kept so that label offsets line up."""
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            return handle.read()
    except FileNotFoundError as error:
        raise InputNotFoundError(str(path), "no such file") from error
    except UnicodeDecodeError as error:
        raise DecodingError(str(path), f"not UTF-8 text ({error.reason} at byte {error.start})") from error


def is_word_char(char: str) -> bool:
    """Letters, digits, underscore and combining marks: the characters a word is made of."""
    return char.isalnum() or char == "_" or unicodedata.category(char).startswith("M")


def complete_short_end(text: str, start: int, end: int) -> int:
    """Move ``end`` one character on when the span stops exactly one character before the end of a word.

    The non-English SemEval-2023 span files have this defect in about a quarter of their spans
    (``'…discipline olympiqu'`` for ``'…discipline olympique'``); on the train data every span that ends
    inside a word in fr/ge/it/po/ru ends exactly one character short, so this one-character rule
    repairs all of them and nothing else.
    """
    inside_word = start < end < len(text) and is_word_char(text[end - 1]) and is_word_char(text[end])
    if inside_word and (end + 1 == len(text) or not is_word_char(text[end + 1])):
        return end + 1
    return end


def trim_whitespace(text: str, start: int, end: int) -> tuple[int, int]:
    """Drop leading and trailing whitespace (spaces, ``\\r``, ``\\n``…) from a span, keeping one character."""
    while start < end - 1 and text[start].isspace():
        start += 1
    while end - 1 > start and text[end - 1].isspace():
        end -= 1
    return start, end


@dataclass(frozen=True)
class BoundaryStats:
    """How many spans start or end where an analyst would not put a boundary."""

    spans: int
    out_of_range: int
    start_on_space: int
    end_on_space: int
    start_inside_word: int
    end_inside_word: int

    def share(self, count: int) -> float:
        return count / self.spans if self.spans else 0.0


def boundary_stats(text_spans: Iterable[tuple[str, int, int]]) -> BoundaryStats:
    """Count boundary defects over ``(text, start, end)`` triples."""
    spans = out = s_space = e_space = s_word = e_word = 0
    for text, start, end in text_spans:
        spans += 1
        if not 0 <= start < end <= len(text):
            out += 1
            continue
        s_space += text[start].isspace()
        e_space += text[end - 1].isspace()
        s_word += start > 0 and is_word_char(text[start - 1]) and is_word_char(text[start])
        e_word += end < len(text) and is_word_char(text[end - 1]) and is_word_char(text[end])
    return BoundaryStats(spans, out, s_space, e_space, s_word, e_word)


def corpus_boundary_stats(corpus: Corpus, *, original: bool = False) -> BoundaryStats:
    """Boundary defects of a corpus's spans, as repaired or (``original=True``) as in the label files."""
    return boundary_stats(
        (article.text, span.original_start, span.original_end)
        if original
        else (article.text, span.start, span.end)
        for article in corpus.articles
        for span in article.spans
    )


def paragraph_ranges(text: str) -> dict[int, tuple[int, int]]:
    """1-based line number → (start, end) of every non-empty line, without its ``\\r\\n``.

    This is the SemEval-2023 paragraph numbering: lines split on ``\\n``, blank lines skipped.
    """
    ranges: dict[int, tuple[int, int]] = {}
    position = 0
    for number, line in enumerate(text.split("\n"), 1):
        content = line.rstrip("\r")
        if content.strip():
            ranges[number] = (position, position + len(content))
        position += len(line) + 1
    return ranges
