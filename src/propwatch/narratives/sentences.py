"""Sentence boundaries with character offsets into the original text.

Paragraphs (lines) are split first, so a headline or a list item never merges with the next line.
Russian, Ukrainian and Belarusian go to ``razdel``; other languages to ``pysbd`` (its rules for the
language when it has them, English rules otherwise). pysbd cuts after titles and abbreviations it does
not know ("Prof. Nowak", "Tzw. eksperci", "z. B. die"), so a piece that ends with one of the
language's abbreviations, or is followed by a piece opening in lower case, joins the next. Offsets
always index the text given.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any, Final

import pysbd  # type: ignore[import-untyped]
import razdel  # type: ignore[import-untyped]

from propwatch.sentence_shapes import cut_long

RAZDEL_LANGUAGES: Final = frozenset({"ru", "uk", "be"})
# Abbreviations a sentence does not end with (lower case, without their final dot); not those that
# end sentences too ("usw.", "ecc.") nor words ("no.", "Art.").
_ABBREVIATIONS: Final = {
    "pl": frozenset(
        "prof dr hab inż mgr lek tzw m.in np ok ul al pl św gen płk mjr por kpt ks bp abp red min "  # noqa: SIM905
        "woj pow gm tj tzn wg ds nr zob por godz im dot art ust pkt poz sygn".split()
    ),
    "de": frozenset("dr prof z.b bzw ca vgl nr hr fr st sog ggf inkl abs gen dipl ing".split()),  # noqa: SIM905
    "fr": frozenset("m mm mme mlle dr pr st ste gén col cf p. ex av bd".split()),  # noqa: SIM905
    "it": frozenset("sig sigg dott dott.ssa prof on avv ing gen col sen pag art".split()),  # noqa: SIM905
    "en": frozenset("mr mrs ms dr prof gen col lt sen rep gov jr sr vs".split()),  # noqa: SIM905
    # razdel knows most Russian ones; not the editors' notes in brackets ("(прим. ВЗГЛЯД)").
    "ru": frozenset("прим ред пер авт".split()),  # noqa: SIM905
}
_LAST_WORD = re.compile(r"([\w.]+)\.\s*$")  # "on" in "l'on.", "прим" in "(прим."
_INITIAL = re.compile(r"(?:^|\s)\w\.\s*$")  # "J." in "J. Biden"
_LINE = re.compile(r"[^\n]+")
_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class Sentence:
    start: int
    end: int
    text: str


@cache
def _segmenter(language: str) -> Any:
    try:
        return pysbd.Segmenter(language=language, clean=False)
    except ValueError:  # pysbd raises for languages it has no rules for
        return pysbd.Segmenter(language="en", clean=False)


def _pysbd_pieces(paragraph: str, language: str) -> list[str]:
    return _joined([str(piece) for piece in _segmenter(language).segment(paragraph)], language)


def _joined(pieces: list[str], language: str) -> list[str]:
    """``pieces`` with each that runs on (:func:`_runs_on`) joined to the next."""
    abbreviations = _ABBREVIATIONS.get(language, frozenset())
    joined: list[str] = []
    for piece in pieces:
        if joined and _runs_on(joined[-1], piece, abbreviations):
            joined[-1] += piece
        else:
            joined.append(piece)
    return joined


def _runs_on(piece: str, following: str, abbreviations: frozenset[str]) -> bool:
    """Whether ``piece`` stops at an abbreviation or initial rather than at a sentence end."""
    opening = following.lstrip()[:1]
    if opening.isalpha() and opening.islower():
        return True
    last = _LAST_WORD.search(piece)
    if last is None:
        return False
    return last.group(1).lower() in abbreviations or _INITIAL.search(piece) is not None


def _razdel_pieces(paragraph: str) -> list[str]:
    """razdel's sentences, each with the white space up to the next (as pysbd gives them), so that
    joined pieces keep the text as it is."""
    starts = [piece.start for piece in razdel.sentenize(paragraph)]
    return [paragraph[start:end] for start, end in zip(starts, [*starts[1:], len(paragraph)], strict=True)]


def _align(paragraph: str, offset: int, pieces: list[str]) -> list[Sentence]:
    """Find each piece in order in ``paragraph``; a piece that cannot be found ends the alignment."""
    sentences: list[Sentence] = []
    cursor = 0
    for piece in pieces:
        stripped = piece.strip()
        if not stripped:
            continue
        found = paragraph.find(stripped, cursor)
        if found < 0:  # the segmenter changed the text: keep the rest of the paragraph as one sentence
            break
        sentences.append(Sentence(offset + found, offset + found + len(stripped), stripped))
        cursor = found + len(stripped)
    rest = paragraph[cursor:]
    if rest.strip():
        lead = len(rest) - len(rest.lstrip())
        text = rest.strip()
        start = offset + cursor + lead
        sentences.append(Sentence(start, start + len(text), text))
    return _attach_punctuation(paragraph, offset, sentences)


def _attach_punctuation(paragraph: str, offset: int, sentences: list[Sentence]) -> list[Sentence]:
    # A closing quote or bracket split off by the segmenter belongs to the sentence before it.
    merged: list[Sentence] = []
    for sentence in sentences:
        if merged and not _WORD.search(sentence.text):
            previous = merged[-1]
            text = paragraph[previous.start - offset : sentence.end - offset]
            merged[-1] = Sentence(previous.start, sentence.end, text)
        else:
            merged.append(sentence)
    return merged


def split_sentences(
    text: str, language: str | None = None, near: Sequence[tuple[int, int]] | None = None
) -> list[Sentence]:
    """The sentences of ``text`` with their ``[start, end)`` character offsets, in order.

    With ``near`` (``[start, end)`` ranges), only the paragraphs overlapping one of them and the
    paragraph before each are split: the same sentences there, for a fraction of the work."""
    language = (language or "en").lower()
    sentences: list[Sentence] = []
    lines = [line for line in _LINE.finditer(text) if line.group().strip()]
    if near is not None:
        wanted: set[int] = set()
        for index, line in enumerate(lines):
            if any(start < line.end() and line.start() < end for start, end in near):
                wanted.update((index - 1, index))
        lines = [line for index, line in enumerate(lines) if index in wanted]
    for line in lines:
        paragraph = line.group()
        if language in RAZDEL_LANGUAGES:
            pieces = _joined(_razdel_pieces(paragraph), language)
        else:
            pieces = _pysbd_pieces(paragraph, language)
        for sentence in _align(paragraph, line.start(), pieces):
            # a run with no sentence punctuation (a transcript) is cut into pieces a model takes in
            sentences.extend(
                Sentence(a, b, text[a:b]) for a, b in cut_long(text, sentence.start, sentence.end)
            )
    return sentences


def word_count(text: str) -> int:
    return len(_WORD.findall(text))
