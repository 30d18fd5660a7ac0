"""The small CRF named-entity taggers of propwatch (German, Polish, and a Latin-script fallback for
French and Italian): tokenisation with offsets, token features, tagging, IOB2 decoding.

Training (:mod:`propwatch.training.ner`) and inference share these functions, so a model sees at run
time exactly the features it was trained on. Models are python-crfsuite files (``<lang>.crfsuite``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Final

import pycrfsuite  # type: ignore[import-untyped]

ENTITY_TYPES: Final = ("PER", "ORG", "LOC")
FEATURES_VERSION: Final = "2"
# Words, numbers and names with inner hyphens or apostrophes stay one token; punctuation is its own.
_TOKEN = re.compile(r"\w+(?:[-'’.]\w+)*|[^\w\s]")


@dataclass(frozen=True)
class Token:
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Chunk:
    """An entity found by a tagger: tokens ``[first, last)`` of type ``kind``."""

    first: int
    last: int
    kind: str


def tokenize(text: str) -> list[Token]:
    return [Token(m.start(), m.end(), m.group()) for m in _TOKEN.finditer(text)]


def _shape(word: str) -> str:
    # Collapsed shape: "Merkel" → "Xx", "NATO" → "X", "G7" → "Xd", "d'Alema" → "x'Xx".
    shape = re.sub(r"[^\W\d_]", lambda m: "X" if m.group().isupper() else "x", word)
    shape = re.sub(r"\d", "d", shape)
    return re.sub(r"(.)\1+", r"\1", shape)


@cache
def function_words() -> frozenset[str]:
    """Closed-class words of the six languages (lower case): never names on their own."""
    text = (
        resources.files("propwatch.targets").joinpath("data/function-words.txt").read_text(encoding="utf-8")
    )
    words = (
        w for line in text.splitlines() if line.strip() and not line.startswith("#") for w in line.split()[1:]
    )
    return frozenset(words)


def _word_features(word: str, prefix: str) -> list[str]:
    lower = word.lower()
    return [
        f"{prefix}w={lower}",
        f"{prefix}shape={_shape(word)}",
        f"{prefix}title={word[:1].isupper()}",
        f"{prefix}function={lower in function_words()}",
    ]


def token_features(words: Sequence[str]) -> list[list[str]]:
    """One list of binary feature names per word."""
    rows: list[list[str]] = []
    for i, word in enumerate(words):
        lower = word.lower()
        row = [
            "bias",
            *_word_features(word, ""),
            f"suf2={lower[-2:]}",
            f"suf3={lower[-3:]}",
            f"suf4={lower[-4:]}",
            f"pre3={lower[:3]}",
            f"upper={word.isupper() and len(word) > 1}",
            f"digit={any(c.isdigit() for c in word)}",
            f"len={min(len(word), 8)}",
        ]
        if i == 0:
            # Sentence-initial capitals say little: the pair is its own feature.
            row.extend(("BOS", f"BOS_title={word[:1].isupper()}"))
        else:
            row.extend(_word_features(words[i - 1], "-1:"))
            row.append(f"-1:suf3={words[i - 1].lower()[-3:]}")
        if i > 1:
            row.append(f"-2:shape={_shape(words[i - 2])}")
            row.append(f"-2:w={words[i - 2].lower()}")
        if i == len(words) - 1:
            row.append("EOS")
        else:
            row.extend(_word_features(words[i + 1], "+1:"))
        if i < len(words) - 2:
            row.append(f"+2:shape={_shape(words[i + 2])}")
            row.append(f"+2:w={words[i + 2].lower()}")
        rows.append(row)
    return rows


def chunks(tags: Sequence[str]) -> list[Chunk]:
    """IOB2 tags → entity chunks; a stray I- starts a new entity (the seqeval convention)."""
    found: list[Chunk] = []
    first: int | None = None
    kind = ""
    for i, tag in enumerate([*tags, "O"]):
        prefix, _, label = tag.partition("-")
        continues = prefix == "I" and first is not None and label == kind
        if first is not None and not continues:
            found.append(Chunk(first, i, kind))
            first = None
        if prefix in ("B", "I") and not continues:
            first, kind = i, label
    return found


class CrfTagger:
    """A trained python-crfsuite model; ``tag`` takes words, ``entities`` takes raw text."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._tagger = pycrfsuite.Tagger()
        self._tagger.open(str(path))

    def tag(self, words: Sequence[str]) -> list[str]:
        if not words:
            return []
        return [str(tag) for tag in self._tagger.tag(token_features(words))]

    def entities(self, text: str, max_tokens: int = 200) -> list[tuple[int, int, str]]:
        """``(start, end, type)`` character spans of the entities in ``text``."""
        found: list[tuple[int, int, str]] = []
        for line in re.finditer(r"[^\n]+", text):
            tokens = tokenize(line.group())
            # Long paragraphs are cut at sentence punctuation so the CRF's chains stay short.
            for piece in _pieces(tokens, max_tokens):
                for chunk in chunks(self.tag([t.text for t in piece])):
                    first = chunk.first
                    # "de Renault": a lower-case function word does not begin a name.
                    while first < chunk.last - 1 and piece[first].text in function_words():
                        first += 1
                    start = line.start() + piece[first].start
                    end = line.start() + piece[chunk.last - 1].end
                    found.append((start, end, chunk.kind))
        return found


def _pieces(tokens: list[Token], max_tokens: int) -> list[list[Token]]:
    pieces: list[list[Token]] = []
    current: list[Token] = []
    for token in tokens:
        current.append(token)
        if (token.text in (".", "!", "?", ";") and len(current) >= 8) or len(current) >= max_tokens:
            pieces.append(current)
            current = []
    if current:
        pieces.append(current)
    return pieces
