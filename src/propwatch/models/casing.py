"""Shouted text: paragraphs written in capitals, read by the case-sensitive models as ordinary text.

The e5 tokenizer is case-sensitive and the models were trained on text in ordinary case, so a paragraph
in capitals ("THE US AND NATO RESPONSES…", common in rants and on fringe Telegram channels) is read as
a string of rare word pieces and gives no technique spans. :func:`recased` returns a copy of a text of
the same length in which each shouted paragraph is in lower case but for the first letter of each
sentence; every offset into the copy is an offset into the original.

A paragraph is one line. It is *shouted* (:func:`is_shouted`) when it has at least
:data:`MIN_CASED_LETTERS` cased letters and at least :data:`UPPER_SHARE` of them are capitals. Shouting
is written all in capitals, so the share can be high: acronyms in ordinary prose ("NATO and the USA")
stay far below it, and so do a sentence with a few words of emphasis ("He was out to STOP THE ELECTION OF
DONALD TRUMP.") and a speaker's name before ordinary speech ("SARAH CARTER, CIRCA NEWS: It is Sean."),
which 60 % would take in (three lines of the PTC corpus), and which the models read as written in
training. A shorter line ("WAKE UP PEOPLE", "NATO SUMMIT") is too short to tell shouting from a headline.

Every shouted line of a text without ordinary lines is recased (:func:`recased_ranges`). Among ordinary
lines, shouting is recased where it recurs: at least two shouted lines besides the first (the title,
unless it ends in a full stop: the readers move an article's title out of its text),
each with a shouted line next to it (blank lines aside) or with a sentence end inside or a full stop at
its end. Left as written are the title, a lone line in capitals (the legal notice that Russian "foreign
agent" media print in capitals above their articles, a subheading, a quotation) and a line with neither
a shouted neighbour nor a sentence end (a subheading, a byline): the models saw such lines in training,
in capitals, and acronyms in them would lose their case. Recasing the one lone notice of the Russian
validation articles had lowered that language's subtask-3 micro-F1 from 0.5017 to 0.4991. Only words
written all in capitals are lowered: "McDONALD’S" or "iPHONE" in a shouted line stay as written.
"""

from __future__ import annotations

import re
from typing import Final

MIN_CASED_LETTERS: Final = 20
UPPER_SHARE: Final = 0.8
_SENTENCE_END: Final = ".!?…"  # the first letter after one of these (and space) starts a sentence
_WORD: Final = re.compile(r"[^\W\d_]+")
_CLOSERS: Final = "\"'”’»)]"
# Lower cases that str.lower() makes two code points of: the Turkish dotted capital I is "i".
_LOWER: Final = {"İ": "i"}
# A sentence end inside a line ("… AT ALL. THEY …"), or a full stop (or ellipsis, semicolon) ending it.
_PROSE: Final = re.compile(rf"[.!?…][{re.escape(_CLOSERS)}]*\s+\S|[.…;][{re.escape(_CLOSERS)}]*\s*$")
_FULL_STOP: Final = re.compile(rf"[.…;][{re.escape(_CLOSERS)}]*\s*$")


def _counts(piece: str) -> tuple[int, int]:
    upper = lower = 0
    for char in piece:
        if char.isupper():
            upper += 1
        elif char.islower():
            lower += 1
    return upper, lower


def is_shouted(piece: str) -> bool:
    """Whether ``piece`` is written in capitals: enough cased letters, mostly upper case."""
    upper, lower = _counts(piece)
    cased = upper + lower
    return cased >= MIN_CASED_LETTERS and upper >= UPPER_SHARE * cased


def _lines(text: str) -> list[tuple[int, int]]:
    ranges = []
    start = 0
    for line in text.split("\n"):
        ranges.append((start, start + len(line)))
        start += len(line) + 1
    return ranges


def shouted_lines(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` of every line of ``text`` that :func:`is_shouted`, headlines included."""
    return [(start, end) for start, end in _lines(text) if is_shouted(text[start:end])]


def recased_ranges(text: str) -> list[tuple[int, int]]:
    """The shouted lines :func:`recased` puts in ordinary case: all of them in a text without ordinary
    lines; else recurring shouting, not a title, a lone line or a subheading (the module's docstring)."""
    lines = [(start, end) for start, end in _lines(text) if text[start:end].strip()]
    shouted = [is_shouted(text[start:end]) for start, end in lines]
    if not any(shouted):
        return []
    # Only lines long enough to judge make a text ordinary: "WAKE UP PEOPLE" above shouting does not.
    judged = (sum(_counts(text[a:b])) >= MIN_CASED_LETTERS for a, b in lines)
    if not any(not loud and long for loud, long in zip(shouted, judged, strict=True)):
        return [line for line, loud in zip(lines, shouted, strict=True) if loud]
    if not _FULL_STOP.search(text[lines[0][0] : lines[0][1]]):
        # The first line over ordinary text is the title, as the models saw titles; one ending in a full
        # stop is the body's first paragraph (the readers move the title out of an article's text).
        shouted[0] = False
    if sum(shouted) < 2:
        return []  # a lone line in capitals: a notice, a subheading, a quotation more often than shouting
    found = []
    for i, line in enumerate(lines):
        if not shouted[i]:
            continue
        beside = (i > 0 and shouted[i - 1]) or (i + 1 < len(lines) and shouted[i + 1])
        if beside or _PROSE.search(text[line[0] : line[1]]):
            found.append(line)
    return found


def _starts_sentence(text: str, line_start: int, position: int) -> bool:
    """Whether the word at ``position`` opens its line ("• ГРУЗИЯ") or follows a sentence end and space."""
    i = position - 1
    spaced = False
    while i >= line_start and not text[i].isalnum() and text[i] not in _SENTENCE_END:
        spaced = spaced or text[i].isspace()
        i -= 1
    return i < line_start or (spaced and text[i] in _SENTENCE_END)


def recased(text: str) -> str:
    """``text`` with the words in capitals of its shouted paragraphs (:func:`recased_ranges`) in lower
    case, but for the first letter of a sentence; words in mixed case ("McDonald", "iPhone") as written.
    Same length, so every offset holds; a text with nothing to recase comes back as it is."""
    ranges = recased_ranges(text)
    if not ranges:
        return text
    chars = list(text)
    for start, end in ranges:
        for word in _WORD.finditer(text, start, end):
            if any(char.islower() for char in word.group()):
                continue
            first = word.start() + _starts_sentence(text, start, word.start())
            for i in range(first, word.end()):
                lowered = _LOWER.get(chars[i]) or chars[i].lower()
                # A letter whose lower case is two code points stays, so the copy keeps its length.
                if len(lowered) == 1:
                    chars[i] = lowered
            if chars[word.end() - 1] == "σ" and word.end() - first > 1:
                chars[word.end() - 1] = "ς"  # Greek writes a word's last sigma so
    return "".join(chars)


__all__ = ["MIN_CASED_LETTERS", "UPPER_SHARE", "is_shouted", "recased", "recased_ranges", "shouted_lines"]
