"""The grammatical forms a search word also matches: "санкции" finds "санкций", "sanction" "sanctions".

Neither FTS5's unicode61 tokenizer nor PostgreSQL's 'simple' configuration stems, and a stemmed index
would need to know each query's language. Expanding the query instead works on both backends and on
stores built before. Russian words get their paradigm from pymorphy3 (nouns, adjectives and pronouns
every case and number; verbs their finite forms and infinitive), and a Russian phrase its forms with
every word in the same case and number ("западные санкции" → "западных санкций"). English words get
their singular and plural by rule. Words of other languages are searched as typed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from typing import Final, TypeVar

from propwatch.russian import russian_analyzer

_RUSSIAN: Final = re.compile(r"[а-яё]+")
_ENGLISH: Final = re.compile(r"[a-z]+")
# Parses less likely than this are another word that happens to be spelt alike.
_MIN_PARSE_SCORE: Final = 0.2
_CASES: Final = ("nomn", "gent", "datv", "accs", "ablt", "loct")
_NUMBERS: Final = ("sing", "plur")
_VERBAL: Final = frozenset({"VERB", "INFN"})  # participles and gerunds are other words for a searcher
_AGREEING: Final = frozenset({"ADJF", "PRTF", "NUMR", "NPRO"})
_UNINFLECTED: Final = frozenset({None, "PREP", "CONJ", "PRCL", "INTJ"})
# English words this short are searched as typed: "new" is not the singular of "news".
_MIN_ENGLISH_LETTERS: Final = 5


def phrase_forms(phrase: tuple[str, ...]) -> list[tuple[str, ...]]:
    """``phrase`` (lower-case words) first, then its other forms, without repeats."""
    if len(phrase) == 1:
        return [(form,) for form in word_forms(phrase[0])]
    if any(_RUSSIAN.fullmatch(word) for word in phrase):
        return _unique([phrase, *_agreeing_russian(phrase)])
    if _ENGLISH.fullmatch(phrase[-1]):  # the head of an English noun phrase comes last
        return [(*phrase[:-1], form) for form in word_forms(phrase[-1])]
    return [phrase]


@lru_cache(maxsize=4096)
def word_forms(word: str) -> tuple[str, ...]:
    """``word`` (lower case) first, then its other forms."""
    if _RUSSIAN.fullmatch(word):
        return tuple(_unique([word, *_russian_forms(word)]))
    if _ENGLISH.fullmatch(word):
        return tuple(_unique([word, *_english_forms(word)]))
    return (word,)


def _russian_forms(word: str) -> Iterable[str]:
    for parse in russian_analyzer().parse(word):
        if parse.score < _MIN_PARSE_SCORE:
            continue
        kind = parse.tag.POS
        for form in parse.lexeme:
            other = form.tag.POS
            if other == kind or (kind in _VERBAL and other in _VERBAL):
                yield str(form.word)


def _agreeing_russian(phrase: tuple[str, ...]) -> Iterable[tuple[str, ...]]:
    parses = [russian_analyzer().parse(word)[0] if _RUSSIAN.fullmatch(word) else None for word in phrase]
    head = next((p for p in parses if p is not None and p.tag.POS == "NOUN"), None)
    for number in _NUMBERS:
        for case in _CASES:
            words = []
            for word, parse in zip(phrase, parses, strict=True):
                if parse is None or parse.tag.POS in _UNINFLECTED:
                    words.append(word)
                    continue
                wanted = {case, number}
                if parse.tag.POS in _AGREEING and head is not None:
                    # an adjective takes its noun's gender in the singular and animacy in the accusative
                    if number == "sing" and head.tag.gender:
                        wanted.add(head.tag.gender)
                    if (
                        case == "accs"
                        and head.tag.animacy
                        and (number == "plur" or head.tag.gender == "masc")
                    ):
                        wanted.add(head.tag.animacy)  # only there does the accusative depend on it
                inflected = parse.inflect(wanted)
                words.append(str(inflected.word) if inflected is not None else word)
            yield tuple(words)


def _english_forms(word: str) -> Iterable[str]:
    if len(word) < _MIN_ENGLISH_LETTERS:
        return
    singulars = []
    if word.endswith("ies"):
        singulars.append(word[:-3] + "y")  # policies → policy
    elif word.endswith(("ches", "shes", "sses", "xes", "zes")):
        singulars.append(word[:-2])  # taxes → tax
    elif word.endswith("s") and not word.endswith(("ss", "us", "is")):
        singulars.append(word[:-1])  # sanctions → sanction, forces → force
    yield from singulars
    for base in singulars or [word]:
        yield _plural(base)


def _plural(word: str) -> str:
    if word.endswith("y") and len(word) > 1 and word[-2] not in "aeiou":
        return word[:-1] + "ies"
    if word.endswith(("s", "x", "z", "ch", "sh")):
        return word + "es"
    return word + "s"


T = TypeVar("T")


def _unique(items: Iterable[T]) -> list[T]:
    return list(dict.fromkeys(items))
