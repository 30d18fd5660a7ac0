"""Long paragraphs reach pysbd in bounded pieces, and each paragraph is split once for every caller."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pysbd  # type: ignore[import-untyped]
import pytest

from propwatch.narratives import sentences
from propwatch.narratives.sentences import PIECE_CHARS, split_sentences

# Ordinary prose with what must not be cut: titles, initials, dotted acronyms, a quotation of two
# sentences, a bracket with a full stop inside, a number's full stop.
PROSE = [
    "The committee met again on day {n} and the minister said little.",
    "Mr. Smith and Dr. Jones of the U.S. delegation left early.",
    "J. Biden spoke to reporters for {n} minutes.",
    "He said: “It is over. We go home now.” Nobody answered.",
    "The report (see p. {n}. It is long.) was never published.",
    "Prices rose by {n}.5 percent in March, the office said!",
    "Was it a mistake?",
]


@pytest.fixture(autouse=True)
def nothing_remembered() -> Iterator[None]:
    sentences._REMEMBERED.pieces.clear()
    sentences._REMEMBERED.chars = 0
    yield
    sentences._REMEMBERED.pieces.clear()
    sentences._REMEMBERED.chars = 0


@pytest.fixture
def pysbd_inputs(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The texts pysbd's rules are run on (its Processor), in order."""
    seen: list[str] = []
    processor = pysbd.Segmenter.processor

    def recording(self: Any, text: str) -> Any:
        seen.append(text)
        return processor(self, text)

    monkeypatch.setattr(pysbd.Segmenter, "processor", recording)
    return seen


def _prose(chars: int) -> str:
    parts: list[str] = []
    n = 0
    while sum(map(len, parts)) < chars:
        parts.append(PROSE[n % len(PROSE)].format(n=n))
        n += 1
    return " ".join(parts)


def _whole(paragraph: str, language: str = "en") -> list[str]:
    """What the paragraph gave when pysbd read it whole (before the bound): its sentences, joined alike."""
    found = [str(s) for s in pysbd.Segmenter(language=language, clean=False).segment(paragraph)]
    return [s.strip() for s in sentences._joined(found, language)]


def test_a_paragraph_within_the_bound_reaches_pysbd_whole(pysbd_inputs: list[str]) -> None:
    paragraph = _prose(PIECE_CHARS - 200)
    assert len(paragraph) <= PIECE_CHARS
    found = [s.text for s in split_sentences(paragraph, "en")]
    assert pysbd_inputs == [paragraph]
    assert found == _whole(paragraph)


def test_a_long_paragraph_is_split_as_before_in_bounded_pieces(pysbd_inputs: list[str]) -> None:
    # a page flattened into one line: pysbd's time grew with the square of its length
    paragraph = _prose(6 * PIECE_CHARS)
    found = split_sentences(paragraph, "en")
    assert len(pysbd_inputs) > 6 and max(map(len, pysbd_inputs)) <= PIECE_CHARS
    assert "".join(pysbd_inputs) == paragraph
    assert [s.text for s in found] == _whole(paragraph)
    assert all(paragraph[s.start : s.end] == s.text for s in found)


def test_cuts_fall_where_a_sentence_surely_ends() -> None:
    filler = "It rained all day long. " * ((PIECE_CHARS - 300) // 24)
    # the last full stops before the bound follow a title, an initial, an acronym, or are quoted
    tricky = (
        "Then Mr. Smith met J. Doe of the U.S. Army and “Go. Now. Quickly.” he said to them in the street"
    )
    paragraph = filler + tricky + " and more." * 200
    pieces = sentences._bounded(paragraph, "en")
    assert len(pieces) > 1 and "".join(pieces) == paragraph
    assert all(len(piece) <= PIECE_CHARS for piece in pieces)
    assert pieces[0] == filler  # the last sure end before the bound, and no later one
    assert pieces[1].startswith(tricky)


def test_a_long_paragraph_without_sentence_ends_is_cut_between_words(pysbd_inputs: list[str]) -> None:
    words = [f"word{n}" for n in range(8000)]  # a transcript without punctuation, 70,000 characters
    paragraph = " ".join(words)
    found = split_sentences(paragraph, "en")
    assert max(map(len, pysbd_inputs)) <= PIECE_CHARS
    assert [w for s in found for w in s.text.split()] == words
    assert all(len(s.text) <= 1000 for s in found)


def test_a_repeated_sentence_is_found_where_it_stands(monkeypatch: pytest.MonkeyPatch) -> None:
    # pysbd looked for each sentence from the start of its text, through every copy before it
    def quadratic(*_: Any) -> Any:
        raise AssertionError("pysbd's search from the start was used")

    monkeypatch.setattr(pysbd.Segmenter, "sentences_with_char_spans", quadratic)
    paragraph = "Ja. " * 1200
    found = split_sentences(paragraph, "de")
    assert [s.text for s in found] == ["Ja."] * 1200
    assert [s.start for s in found] == list(range(0, len(paragraph), 4))


@pytest.mark.parametrize(
    "text",
    [
        "Ab. Ab. Ab. Cd. Ab. ",
        'He said "Go. Now." Then he left.   Then he left. Then he left.',
        "1. First item. 2. Second item. a. b. c.",
        "Wait... what?! No!! Yahoo! Finance said so.",
        "",
        _prose(3000),
    ],
)
def test_sentences_are_those_pysbd_s_segment_gives(text: str) -> None:
    segmenter = sentences._segmenter("en")
    expected = [str(s) for s in pysbd.Segmenter(language="en", clean=False).segment(text)]
    assert sentences._segment(segmenter, text) == expected


def test_a_run_of_abbreviations_is_joined_reading_only_its_end(monkeypatch: pytest.MonkeyPatch) -> None:
    # "gen. Nowak, gen. …": each piece pysbd cut after "gen." joins the next; the joined piece had been
    # read whole for its last word at every join
    read: list[int] = []
    last_word = sentences._LAST_WORD

    class Reading:
        def search(self, text: str, pos: int = 0) -> re.Match[str] | None:
            read.append(len(text) - pos)
            return last_word.search(text, pos)

    monkeypatch.setattr(sentences, "_LAST_WORD", Reading())
    names = ["Nowak", "Kowalski", "Wiśniewski", "Lewandowski"]
    paragraph = "Podpisali: " + ", ".join(f"gen. {names[n % 4]}" for n in range(300)) + ". Koniec."
    found = [s.text for s in split_sentences(paragraph, "pl")]
    assert found[-1] == "Koniec." and "".join(found[:-1]).replace(" ", "") == paragraph[:-8].replace(" ", "")
    assert read and max(read) < 300


def test_a_paragraph_is_split_once_for_every_caller(pysbd_inputs: list[str]) -> None:
    text = "The talks failed. Mr. Smith left.\nNATO said nothing. Russia said less.\n\nEnd."
    first = split_sentences(text, "en")
    assert len(pysbd_inputs) == 3
    assert split_sentences(text, "en") == first
    near = split_sentences(text, "en", near=[(text.index("Russia"), text.index("Russia") + 6)])
    assert [s.text for s in near] == [
        "The talks failed.",
        "Mr. Smith left.",
        "NATO said nothing.",
        "Russia said less.",
    ]
    assert len(pysbd_inputs) == 3  # the narrative matcher's split served the target linker's
    split_sentences(text, "de")  # another language's rules: split again
    assert len(pysbd_inputs) == 6


def test_only_the_last_paragraphs_are_remembered(
    pysbd_inputs: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sentences, "REMEMBERED_CHARS", 100)
    paragraphs = [f"Paragraph number {n} is here. It has two sentences." for n in range(4)]
    for paragraph in paragraphs:
        split_sentences(paragraph, "en")
    assert sentences._REMEMBERED.chars <= 100 and len(sentences._REMEMBERED.pieces) == 2
    split_sentences(paragraphs[-1], "en")
    assert len(pysbd_inputs) == 4
    split_sentences(paragraphs[0], "en")  # forgotten: split again
    assert len(pysbd_inputs) == 5
