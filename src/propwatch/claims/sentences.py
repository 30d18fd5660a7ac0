"""Sentence boundaries with exact character offsets into the text they came from.

Rule-based and offline, for news prose in Latin, Cyrillic, Greek and Arabic script:

* a paragraph break (a line that is blank, or a line break followed by a capital letter, digit or
  quote) always ends a sentence;
* ``.``, ``!``, ``?``, ``…``, ``؟`` and ``。`` end a sentence when followed — after any closing quotes
  and brackets — by white space and then something that does not start in lower case;
* a ``.`` does not end one after a known abbreviation ("Mr.", "U.S.", "e.g.", "Feb."; with the
  article's language, its own too: "z. B.", "tzw.", "m.in.", "sig.", "Mio."), an abbreviation before a
  number ("Art. 5", "ст. 12", "p. 12"), a year's "r." in Polish ("w 2014 r."), a single capital letter
  (an initial: "J. Smith"), between digits ("3.5", "03.02.2022"), after a day's number before a month
  ("am 24. Februar 2022"), or after a German ordinal before its noun ("des 20. Jahrhunderts");
* "etc.", "usw.", "itd.", "т.д." and the like end a sentence when a capital follows; the others when a
  capitalised function word follows ("in the U.S. The company…", "в 2022 г. Он…"), except those a
  name follows ("e.g. The Guardian", "ul. Na Skarpie", "Mr. Will").

Each sentence is returned as ``(start, end)`` with ``text[start:end]`` stripped of surrounding
white space, so the offsets can become :class:`~propwatch.domain.Span` offsets unchanged.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from propwatch.models.function_words import stop_words
from propwatch.sentence_shapes import cut_long

# Abbreviations after which a full stop rarely ends the sentence (lower-cased, without the dot).
_ABBREVIATIONS = frozenset(
    """
    mr mrs ms dr prof sr jr st mt ft gen col lt sgt capt cmdr adm gov sen rep pres rev hon
    jan feb mar apr jun jul aug sep sept oct nov dec mon tue wed thu fri sat sun
    e.g i.e etc vs al approx ca cf no nos fig figs vol vols pp ed eds inc ltd co corp dept univ est
    u.s u.k u.n e.u u.s.a d.c a.m p.m ph.d
    г гг т тт им ул д см др проф
    """.split()  # noqa: SIM905 - a word list reads better as prose
)
# Abbreviations that end sentences as often as not ("… и т.д. Лавров отметил"): a capital after
# them starts a new one. (Units and currencies, "млн.", "руб.", are followed in lower case when the
# sentence goes on, so they need no entry at all.)
_SENTENCE_ENDING = frozenset("etc usw ecc itd itp т.д т.п".split())  # noqa: SIM905
# Abbreviations that come before a number: "Art. 5", "ст. 12", "p. 12", "Nr. 3".
_BEFORE_NUMBER = frozenset(
    "art abs nr no nos p pp s ss sec par para ch cap vol fig n nn pag ust pkt poz "  # noqa: SIM905
    "ст ч п пп стр рис гл табл".split()
)
# Abbreviations that come after a number, in the article's language: "w 2014 r." (rok).
_AFTER_NUMBER = {"pl": frozenset({"r", "w"})}
_NUMBER_AFTER = re.compile(r"\s+\d")
_NUMBER_BEFORE = re.compile(r"\d[\d\s.,]*\s$")
# German writes ordinals with a full stop before the noun they count: "des 20. Jahrhunderts".
_GERMAN_ORDINAL = re.compile(r"\s+([A-ZÄÖÜ]\w*)")
# The article's language adds its own (lower-cased, without the dot); not those that also end
# sentences ("usw.", "ecc.") nor words ("Art." in German).
_LANGUAGE_ABBREVIATIONS = {
    "de": frozenset(
        "z.b z bzw ca vgl nr hr fr sog ggf inkl abs dipl ing s u.a u d.h d evtl mio mrd tsd".split()  # noqa: SIM905
    ),
    "pl": frozenset(
        "prof dr hab inż mgr lek tzw m.in np ok ul al pl św gen płk mjr kpt ks bp abp red min woj pow "  # noqa: SIM905
        "tj tzn wg ds nr godz im dot art ust pkt poz".split()
    ),
    "it": frozenset("sig sigg dott prof on avv ing gen col sen pag art n nn".split()),  # noqa: SIM905
    "fr": frozenset("m mm mme mlle dr pr st ste gén cf av bd n° no".split()),  # noqa: SIM905
}
_MONTH_AFTER = re.compile(
    r"\s+(?:jan|feb|m[äa]r|apr|ma[iy]|jun|jul|aug|sep|o[ck]t|nov|de[cz]|januar|februar|märz|juni|juli"
    r"|sept|oktober|dezember|janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre"
    r"|novembre|décembre|gennaio|febbraio|marzo|aprile|maggio|giugno|luglio|agosto|settembre|ottobre"
    r"|dicembre)",
    re.IGNORECASE,
)
# Abbreviations a name follows, which may start with a function word ("Mr. Will", "e.g. The Guardian",
# "cf. Le Monde", "ul. Na Skarpie", "u.a. Die Linke"): after any other ("in the U.S. The company", "в
# 2022 г. Он", "Smith et al. The study") a capitalised function word starts a sentence.
_NAME_FOLLOWS = frozenset(
    "mr mrs ms dr prof st mt ft gen col lt sgt capt cmdr adm gov sen rep pres rev hon e.g i.e cf vs viz "  # noqa: SIM905
    "им ул проф".split()
)
_LANGUAGE_NAME_FOLLOWS = {
    "de": frozenset("u.a bzw z.b vgl sog hr fr dipl ing".split()),  # noqa: SIM905
    "pl": frozenset(
        "ul pl al tzw np ok m.in tj wg ds im dot gen płk mjr kpt ks bp abp św prof dr hab inż mgr lek "  # noqa: SIM905
        "red".split()
    ),
    "it": frozenset("sig sigg dott on avv ing".split()),  # noqa: SIM905
    "fr": frozenset("m mm mme mlle pr ste gén".split()),  # noqa: SIM905
}
_WORD_AFTER = re.compile(r"\s+[\"'“‘«(]*([^\W\d_]+)")
_ENDERS = ".!?…؟。"
_CLOSERS = "\"'”’»)]}›"
_OPENERS = "\"'“‘«([{‹¿¡"
_TOKEN_BEFORE = re.compile(r"([\w.]+)\.$")


@dataclass(frozen=True)
class Sentence:
    """One sentence: ``text[start:end]`` of the text it was found in."""

    start: int
    end: int
    text: str


def _starts_lowercase(text: str, position: int) -> bool:
    while position < len(text) and text[position] in _OPENERS:
        position += 1
    return position < len(text) and text[position].islower()


def _is_abbreviation(
    text: str, dot: int, extra: frozenset[str] = frozenset(), language: str | None = None
) -> bool:
    """Whether the full stop at ``dot`` closes an abbreviation, an initial or a day's number."""
    word_start = dot
    while word_start > 0 and (text[word_start - 1].isalnum() or text[word_start - 1] == "."):
        word_start -= 1
    word = text[word_start:dot]
    if not word:
        return False
    key = word.lower().rstrip(".")
    if key in _SENTENCE_ENDING:
        return False
    if key in _ABBREVIATIONS or key in extra:
        # "… plants in the U.S. The company said": a capitalised function word starts a sentence, but
        # not after an abbreviation a name follows ("e.g. The Guardian", "ul. Na Skarpie").
        name_follows = key in _NAME_FOLLOWS or key in _LANGUAGE_NAME_FOLLOWS.get(language or "", ())
        return name_follows or not _function_word_after(text, dot + 1, language)
    if key in _BEFORE_NUMBER and _NUMBER_AFTER.match(text, dot + 1):
        return True
    if key in _AFTER_NUMBER.get(language or "", ()) and _number_before(text, word_start):
        return True
    if word.isdigit() and len(word) <= 2 and _MONTH_AFTER.match(text, dot + 1):
        return True  # "am 24. Februar": German writes the day as an ordinal
    if language == "de" and word.isdigit() and len(word) <= 3:
        # "des 20. Jahrhunderts", "zum 3. Mal"; an article or pronoun after it starts a sentence.
        following = _GERMAN_ORDINAL.match(text, dot + 1)
        return following is not None and following.group(1).casefold() not in stop_words("de")
    if len(word) == 1 and word.isupper():
        return True  # an initial: "J. Smith" ("А. И. Солженицын": no function-word test here)
    # Dotted acronyms: "U.S.", "N.A.T.O."
    return (
        bool(re.fullmatch(r"(?:[^\W\d_]\.)+[^\W\d_]", word))
        and len(word) <= 12
        and not (_function_word_after(text, dot + 1, language))
    )


def _number_before(text: str, end: int) -> bool:
    """Whether a number and white space come just before ``end`` ("2014 " in "w 2014 r.")."""
    start = end
    while start > 0 and _in_number(text[start - 1]):
        start -= 1
    # a match lies in that run: searched from the text's start, each "r." had read all the text before it
    return _NUMBER_BEFORE.search(text, start, end) is not None


def _in_number(char: str) -> bool:
    """What a match of _NUMBER_BEFORE is made of: digits, white space, "." and ","."""
    return char.isdecimal() or char.isspace() or char in ".,"


def _function_word_after(text: str, position: int, language: str | None) -> bool:
    """Whether a capitalised function word of the language ("The", "Its", "Die", "Он") comes next."""
    following = _WORD_AFTER.match(text, position)
    if following is None or not following.group(1)[0].isupper():
        return False
    return following.group(1).casefold() in stop_words(language or "en")


def _boundaries(text: str, extra: frozenset[str] = frozenset(), language: str | None = None) -> list[int]:
    """Positions where a new sentence may start (after the sentence-ending run)."""
    cuts: list[int] = []
    size = len(text)
    i = 0
    while i < size:
        char = text[i]
        if char == "\n":
            j = i + 1
            while j < size and text[j] in " \t\r\f\v":
                j += 1
            blank = j < size and text[j] == "\n"
            if blank or (j < size and not _starts_lowercase(text, j)):
                cuts.append(i)
            i += 1
            continue
        if char not in _ENDERS:
            i += 1
            continue
        end = i + 1
        while end < size and (text[end] in _ENDERS or text[end] in _CLOSERS):
            end += 1
        if end < size and not text[end].isspace():
            i = end
            continue  # "3.5", "example.com", "?!x"
        if char == "." and end == i + 1 and _is_abbreviation(text, i, extra, language):
            i = end
            continue
        nxt = end
        while nxt < size and text[nxt].isspace():
            nxt += 1
        if nxt < size and _starts_lowercase(text, nxt):
            i = end
            continue
        cuts.append(end)
        i = end
    return cuts


def split_sentences(text: str, language: str | None = None) -> list[Sentence]:
    """The sentences of ``text`` in order, each stripped of surrounding white space (and of the
    zero-width characters pages leave, which ``str.isspace`` does not count)."""
    sentences: list[Sentence] = []
    start = 0
    extra = _LANGUAGE_ABBREVIATIONS.get(language or "", frozenset())
    for cut in [*_boundaries(text, extra, language), len(text)]:
        chunk_start, chunk_end = start, cut
        while chunk_start < chunk_end and _blank(text[chunk_start]):
            chunk_start += 1
        while chunk_end > chunk_start and _blank(text[chunk_end - 1]):
            chunk_end -= 1
        # a run with no sentence punctuation (a transcript) is cut into pieces a reader takes in
        for piece_start, piece_end in cut_long(text, chunk_start, chunk_end):
            sentences.append(Sentence(piece_start, piece_end, text[piece_start:piece_end]))
        start = max(start, cut)
    return sentences


def _blank(char: str) -> bool:
    return char.isspace() or char in "\u200b\u200c\u200d\u2060\ufeff"
