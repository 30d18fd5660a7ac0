"""Sentence boundaries with character offsets into the original text.

Paragraphs (lines) are split first, so a headline or a list item never merges with the next line.
Russian, Ukrainian and Belarusian go to ``razdel``; other languages to ``pysbd`` (its rules for the
language when it has them, English rules otherwise). pysbd cuts after titles and abbreviations it does
not know ("Prof. Nowak", "Tzw. eksperci", "z. B. die"), so a piece that ends with one of the
language's abbreviations (the table of :mod:`propwatch.claims.sentences`, and as there not before a
capitalised function word unless a name follows it), or is followed by a piece opening in lower case or
on a comma ("5 proc., ale…"), joins the next. pysbd keeps a quotation whole, so a quoted passage of
more than :data:`QUOTE_CHARS` characters is split inside by the same rules, and a Cyrillic stretch (a
paragraph, a quotation) in a language written otherwise goes to razdel. Offsets always index the text given.
"""

from __future__ import annotations

import re
import threading
from bisect import bisect_right
from collections import OrderedDict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from itertools import pairwise
from typing import Any, Final

import pysbd  # type: ignore[import-untyped]
import razdel  # type: ignore[import-untyped]
from pysbd.between_punctuation import BetweenPunctuation  # type: ignore[import-untyped]
from pysbd.exclamation_words import ExclamationWords  # type: ignore[import-untyped]

from propwatch.characters import inside_character
from propwatch.claims.sentences import LANGUAGE_ABBREVIATIONS, opens_after
from propwatch.sentence_shapes import cut_long

RAZDEL_LANGUAGES: Final = frozenset({"ru", "uk", "be"})
# Written in Cyrillic: a Cyrillic stretch keeps the language's own rules (pysbd has Bulgarian and Kazakh).
_CYRILLIC_LANGUAGES: Final = RAZDEL_LANGUAGES | {"bg", "mk", "sr", "kk", "ky", "tg", "mn"}
_CYRILLIC = re.compile(r"[\u0400-\u052f\u1c80-\u1c8f\u2de0-\u2dff\ua640-\ua69f]")
_LETTER = re.compile(r"[^\W\d_]")
# A quotation longer than a sentence or two is split inside: a Russian monologue of 466 characters quoted
# whole in an English article missed "nazis-run-ukraine", which one of its sentences matches (0.888).
QUOTE_CHARS: Final = 200
# Double quotations (straight, curly, angle, German and Polish low-9 marks) inside one sentence piece.
_QUOTED = re.compile(r'"[^"]*"|“[^”]*”|«[^»]*»|„[^“”]*[“”]')
_QUOTE_ENDS = re.compile(r"[.!?…]\s*$")
_NEXT_WORD = re.compile(r"\s+(?=[^\W\d_])")
# A closing quote opening a piece (pysbd cut before it: „…” in Polish) belongs to the sentence before.
_CLOSING = re.compile(r"[\"”“»’]+(?=\s|$)")
# Abbreviations a sentence does not end with (lower case, without their final dot), one table with the
# claims' splitter; not those that end sentences too ("usw.", "ecc.").
_ABBREVIATIONS: Final = LANGUAGE_ABBREVIATIONS
_GOES_ON: Final = frozenset(",;:")  # what a piece may open with only inside a sentence
_LAST_WORD = re.compile(r"([\w.]+)\.\s*$")  # "on" in "l'on.", "прим" in "(прим."
_INITIAL = re.compile(r"(?:^|\s)\w\.\s*$")  # "J." in "J. Biden"
_LINE = re.compile(r"[^\n]+")
_WORD = re.compile(r"\w+")
# 5,000 characters take pysbd 5 µs each, 20,000 11 µs and 100,000 44 µs: a longer paragraph goes in pieces.
PIECE_CHARS: Final = 5000
# Characters of paragraphs whose pieces are kept: a batch of articles (narratives, then targets, split it).
REMEMBERED_CHARS: Final = 2_000_000
# Where a long paragraph may be cut: a word of two letters or more, its ".", "!" or "?", white space and
# a letter (a capital, a word that is no abbreviation and no quote's inside: _sure_ends).
_SURE_END = re.compile(r"(?<![\w.])([^\W\d_]{2,})([.!?])\s+(?=[^\W\d_])")
# What pysbd keeps in one sentence (between quotes, brackets, double dashes), found by its own patterns.
_BETWEEN = tuple(
    re.compile(pattern)
    for pattern in (
        BetweenPunctuation.BETWEEN_DOUBLE_QUOTES_REGEX_2,
        BetweenPunctuation.BETWEEN_QUOTE_SLANTED_REGEX_2,
        BetweenPunctuation.BETWEEN_QUOTE_ARROW_REGEX_2,
        BetweenPunctuation.BETWEEN_SQUARE_BRACKETS_REGEX_2,
        BetweenPunctuation.BETWEEN_PARENS_REGEX_2,
        BetweenPunctuation.BETWEEN_EM_DASHES_REGEX_2,
    )
)
_EXCLAMATION_WORDS: Final = frozenset(ExclamationWords.EXCLAMATION_WORDS)  # "Yahoo!" ends no sentence
# What a quotation's speech tag opens with, before its first word ("” – oto", "– conclude").
_SPEECH_TAG = re.compile(r"^[\s\"”»’]*(?:[–—]\s*)?")
_TAIL = 100  # characters before a piece's trailing space that its last word is looked for in


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


def _segmented(text: str, language: str) -> list[str]:
    """The sentences of ``text``, each with the white space after it: razdel's for a Cyrillic language or
    a Cyrillic stretch in a language written otherwise (with the Russian abbreviations), else pysbd's."""
    if language in RAZDEL_LANGUAGES:
        return _joined(_razdel_pieces(text), language)
    if language not in _CYRILLIC_LANGUAGES and _mostly_cyrillic(text):
        return _joined(_razdel_pieces(text), "ru")
    return _pysbd_pieces(text, language)


def _mostly_cyrillic(text: str) -> bool:
    if _CYRILLIC.search(text) is None:  # most paragraphs: no count of their letters
        return False
    return 2 * len(_CYRILLIC.findall(text)) > len(_LETTER.findall(text))


def _pysbd_pieces(paragraph: str, language: str) -> list[str]:
    segmenter = _segmenter(language)
    found = [sentence for piece in _bounded(paragraph, language) for sentence in _segment(segmenter, piece)]
    pieces = [part for piece in _joined(found, language) for part in _quotations_split(piece, language)]
    return _closing_quotes_back(pieces)


def _quotations_split(piece: str, language: str) -> list[str]:
    """``piece`` cut inside each quotation of more than :data:`QUOTE_CHARS` characters where its text,
    segmented alone (:func:`_segmented`), has several sentences; the text before the quotation opens the
    first, the closing mark ends the last, and what follows the mark is a sentence of its own when the
    quotation ends on a full stop, "!", "?" or "…" and a capital follows ("«…» Puis…" in French)."""
    if len(piece) <= QUOTE_CHARS:
        return [piece]
    cuts: list[int] = []
    for quote in _QUOTED.finditer(piece):
        inside = piece[quote.start() + 1 : quote.end() - 1]
        if len(inside) <= QUOTE_CHARS:
            continue
        starts = _starts(inside, _segmented(inside, language))
        if len(starts) < 2:
            continue
        cuts.extend(quote.start() + 1 + start for start in starts[1:])
        after = _NEXT_WORD.match(piece, quote.end())
        if after is not None and _QUOTE_ENDS.search(inside) and piece[after.end()].isupper():
            cuts.append(after.end())
    if not cuts:
        return [piece]
    bounds = [0, *sorted(set(cuts)), len(piece)]
    return [piece[start:end] for start, end in pairwise(bounds)]


def _found(text: str, pieces: Sequence[str]) -> list[tuple[int, int]]:
    """Where each piece's text (white space stripped) stands in ``text`` (start, end), found in order; a
    piece not found (a segmenter that changed the text) ends the list."""
    places: list[tuple[int, int]] = []
    cursor = 0
    for piece in pieces:
        stripped = piece.strip()
        if not stripped:
            continue
        found = text.find(stripped, cursor)
        if found < 0:
            break
        cursor = found + len(stripped)
        places.append((found, cursor))
    return places


def _starts(text: str, pieces: list[str]) -> list[int]:
    return [start for start, _ in _found(text, pieces)]


def _closing_quotes_back(pieces: list[str]) -> list[str]:
    """``pieces`` with the closing quote marks that open one (before white space) moved to the one before:
    "»", or a mark right after the text before ("płonie!” – oto"); not one between spaces ("… Hernandez.
    ” It was…", a quotation opened with a space)."""
    moved = list(pieces)
    for index in range(1, len(moved)):
        closing = _CLOSING.match(moved[index])
        if closing is None or not moved[index][closing.end() :].strip():
            continue
        if "»" in closing.group() or not moved[index - 1][-1:].isspace():
            moved[index - 1] += closing.group()
            moved[index] = moved[index][closing.end() :]
    return moved


def _segment(segmenter: Any, text: str) -> list[str]:
    """``segmenter.segment(text)`` (``clean=False``): each sentence with the white space after it, as found
    in ``text`` after the one before. pysbd looks for each sentence from the start of the text, through
    every earlier copy of it (quadratic in a run of one repeated sentence); here the search for a sentence
    goes on where its last one stopped, which finds the same copy. Nothing is kept on the segmenter."""
    if not text:
        return []
    found: list[str] = []
    searches: dict[str, Iterator[re.Match[str]]] = {}
    prior_end = 0
    for sentence in segmenter.processor(text).process():
        if sentence not in searches:
            searches[sentence] = re.finditer(re.escape(sentence) + r"\s*", text)
        for match in searches[sentence]:
            if match.end() > prior_end:
                found.append(match.group())
                prior_end = match.end()
                break
    return found


@cache
def _never_ending(language: str) -> frozenset[str]:
    """Words after which a full stop may not end a sentence: pysbd's abbreviations and ours."""
    known = _segmenter(language).language_module.Abbreviation.ABBREVIATIONS
    return frozenset(word.lower() for word in known) | _ABBREVIATIONS.get(language, frozenset())


def _bounded(paragraph: str, language: str) -> list[str]:
    """``paragraph`` in pieces of at most :data:`PIECE_CHARS` characters, itself when it is that short.

    A cut falls at the last sure sentence end (:func:`_sure_ends`) outside quotes and brackets, else at
    the last one in the second half of the piece, else at its last space, else between characters."""
    if len(paragraph) <= PIECE_CHARS:
        return [paragraph]
    ends = _sure_ends(paragraph, language)
    free = [position for position, quoted in ends if not quoted]
    every = [position for position, _ in ends]
    pieces: list[str] = []
    start = 0
    while len(paragraph) - start > PIECE_CHARS:
        limit = start + PIECE_CHARS
        half = start + PIECE_CHARS // 2
        cut = _last(free, start, limit) or _last(every, half, limit)
        if cut is None and (space := paragraph.rfind(" ", half, limit)) >= 0:
            cut = space + 1
        if cut is None:  # no space (a URL, a script without spaces): between characters
            cut = limit
            while cut > half and inside_character(paragraph, cut):
                cut -= 1
        pieces.append(paragraph[start:cut])
        start = cut
    pieces.append(paragraph[start:])
    return pieces


def _last(positions: list[int], after: int, limit: int) -> int | None:
    """The last of the sorted ``positions`` in ``(after, limit]``."""
    index = bisect_right(positions, limit) - 1
    return positions[index] if index >= 0 and positions[index] > after else None


def _sure_ends(paragraph: str, language: str) -> list[tuple[int, bool]]:
    """Where a sentence surely starts (after a word of two letters or more that is no abbreviation, its
    mark and white space, before a capital), and whether that is between quotes or brackets."""
    between = bytearray(len(paragraph) + 1)
    for pattern in _BETWEEN:
        for found in pattern.finditer(paragraph):
            between[found.start() + 1 : found.end()] = b"\x01" * (found.end() - found.start() - 1)
    never = _never_ending(language)
    ends = []
    for found in _SURE_END.finditer(paragraph):
        word, mark = found.group(1), found.group(2)
        if not paragraph[found.end()].isupper() or (mark == "." and word.lower() in never):
            continue
        if mark == "!" and word + mark in _EXCLAMATION_WORDS:
            continue
        ends.append((found.end(), bool(between[found.start(2)])))
    return ends


def _joined(pieces: list[str], language: str) -> list[str]:
    """``pieces`` with each that runs on (:func:`_runs_on`) joined to the next."""
    groups: list[list[str]] = []
    for piece in pieces:
        if groups and _runs_on(groups[-1], piece, language):
            groups[-1].append(piece)
        else:
            groups.append([piece])
    return ["".join(group) for group in groups]


def _runs_on(parts: list[str], following: str, language: str) -> bool:
    """Whether the piece made of ``parts`` stops at an abbreviation or initial rather than at a sentence
    end: before a capitalised function word only after an abbreviation a name follows ("Mio. Die
    Regierung" are two sentences, "Prof. Die…" one), as in the claims' splitter."""
    opening = _SPEECH_TAG.sub("", following)[:1]
    if (opening.isalpha() and opening.islower()) or opening in _GOES_ON:
        return True  # "5 proc., ale…", "płonie!” – oto…": a sentence never opens on a comma or in lower case
    # Both patterns match at the piece's end: reading its last characters keeps a run of joins linear.
    piece, used = parts[-1], 1
    while used < len(parts) and len(piece.rstrip()) <= _TAIL + 1:
        used += 1
        piece = parts[-used] + piece
    tail = max(0, len(piece.rstrip()) - _TAIL)
    last = _LAST_WORD.search(piece, tail)
    if last is not None and tail > 0 and last.start() == tail:  # the word may begin before the tail
        piece, tail = "".join(parts), 0
        last = _LAST_WORD.search(piece)
    if last is None:
        return False
    word = last.group(1).lower()
    if word in _ABBREVIATIONS.get(language, frozenset()):
        return not opens_after(word, following, 0, language)
    return _INITIAL.search(piece, tail) is not None


def _razdel_pieces(paragraph: str) -> list[str]:
    """razdel's sentences, each with the white space up to the next (as pysbd gives them), so that
    joined pieces keep the text as it is."""
    starts = [piece.start for piece in razdel.sentenize(paragraph)]
    return [paragraph[start:end] for start, end in zip(starts, [*starts[1:], len(paragraph)], strict=True)]


def _align(paragraph: str, offset: int, pieces: Sequence[str]) -> list[Sentence]:
    """Find each piece in order in ``paragraph``; a piece that cannot be found ends the alignment."""
    places = _found(paragraph, pieces)  # where the segmenter changed the text, the rest is one sentence
    sentences = [Sentence(offset + start, offset + end, paragraph[start:end]) for start, end in places]
    cursor = places[-1][1] if places else 0
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
        for sentence in _align(paragraph, line.start(), _pieces(paragraph, language)):
            # a run with no sentence punctuation (a transcript) is cut into pieces a model takes in
            sentences.extend(
                Sentence(a, b, text[a:b]) for a, b in cut_long(text, sentence.start, sentence.end)
            )
    return sentences


class _Remembered:
    """The pieces of the last paragraphs split, up to :data:`REMEMBERED_CHARS` characters of them."""

    def __init__(self) -> None:
        self.pieces: OrderedDict[tuple[str, str], tuple[str, ...]] = OrderedDict()
        self.chars = 0
        self.lock = threading.Lock()

    def get(self, key: tuple[str, str]) -> tuple[str, ...] | None:
        with self.lock:
            found = self.pieces.get(key)
            if found is not None:
                self.pieces.move_to_end(key)
            return found

    def put(self, key: tuple[str, str], pieces: tuple[str, ...]) -> None:
        with self.lock:
            if key in self.pieces:
                return
            self.pieces[key] = pieces
            self.chars += len(key[1])
            while self.chars > REMEMBERED_CHARS and len(self.pieces) > 1:
                (_, paragraph), _ = self.pieces.popitem(last=False)
                self.chars -= len(paragraph)


_REMEMBERED = _Remembered()


def _pieces(paragraph: str, language: str) -> tuple[str, ...]:
    """The segmenter's sentences of ``paragraph`` (abbreviations joined), remembered."""
    key = (language, paragraph)
    found = _REMEMBERED.get(key)
    if found is None:
        found = tuple(_segmented(paragraph, language))
        _REMEMBERED.put(key, found)
    return found


def word_count(text: str) -> int:
    return len(_WORD.findall(text))
