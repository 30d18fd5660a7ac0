"""Tokens and lemmas for matching names across cases ("России", "Россию" → "россия"; "Węgier",
"Węgrom" → "węgry"; "Moskaus" → "moskau").

Russian lemmas come from pymorphy3: natasha's own ``MorphVocab`` sits on pymorphy2, which does not run
on Python ≥ 3.11 (it calls ``inspect.getargspec`` and needs ``pkg_resources``). Polish and German lemmas
of the shipped catalogue's words come from a table drawn from simplemma's dictionaries
(:mod:`propwatch.targets.inflections`): the oblique cases of country names ("Francji", "Niemcom",
"Chinach") that the catalogue lists only in the nominative.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Final

import razdel  # type: ignore[import-untyped]

from propwatch.russian import russian_analyzer
from propwatch.targets.inflections import LANGUAGES as INFLECTION_LANGUAGES
from propwatch.targets.inflections import inflection_table

INFLECTED_LANGUAGES: Final = frozenset(INFLECTION_LANGUAGES)  # exact forms first, then the table's lemmas
LEMMATIZED_LANGUAGES: Final = frozenset({"ru"}) | INFLECTED_LANGUAGES
CYRILLIC: Final = re.compile(r"[а-яё]", re.IGNORECASE)


@dataclass(frozen=True)
class Token:
    start: int
    end: int
    text: str


def lemma_tokens(text: str, language: str) -> list[Token]:
    """Word tokens of ``text`` with offsets (razdel), punctuation left out."""
    return [Token(t.start, t.stop, t.text) for t in razdel.tokenize(text) if any(c.isalnum() for c in t.text)]


@lru_cache(maxsize=65536)
def lemma(word: str, language: str) -> str:
    """The dictionary form of a word: Russian (Cyrillic words, lower case, ё as е) by pymorphy3; Polish and
    German words of the catalogue's names by the inflection table (lower case), others as written; any
    other word lower-cased."""
    if language == "ru":
        if not CYRILLIC.search(word):
            return word.lower()
        return str(russian_analyzer().parse(word)[0].normal_form).replace("ё", "е")
    if language in INFLECTED_LANGUAGES:  # a word the table lacks stays as written: "UN" is not "Un"
        forms = inflection_table().get(language, {})
        return forms.get(word) or forms.get(word.lower()) or word
    return word.lower()


_PERSON: Final = frozenset({"Name", "Surn", "Patr"})
_AGREEING: Final = frozenset({"ADJF", "PRTF", "NUMR"})  # words that take the gender of their noun
_NOMINAL: Final = frozenset({"NOUN", "NPRO"}) | _AGREEING  # what a name's words are read as
_GENDERS: Final = ("masc", "femn", "neut")
_TIE: Final = 0.02  # readings this close to the likeliest are as likely


@lru_cache(maxsize=65536)
def name_lemma(word: str, person: bool = False) -> str:
    """A word of a Russian name in the dictionary form all its cases share (lower case, ё as е): the
    lemma of its likeliest noun or adjective reading, never a guessed verb's ("Бучу" → "буча", not
    "бучить"); for a person, of a singular name's reading where pymorphy has one ("Песков" → "песков",
    not "песок"; "Кириллов" → "кириллов", not the plural of "Кирилл"), else of a singular reading or
    the surname ("Стрелков" → "стрелков", not the plural of "стрелок"). Other words as :func:`lemma`."""
    if not CYRILLIC.search(word) or not word.replace("-", "").isalpha():
        return lemma(word, "ru")
    parses = russian_analyzer().parse(word)
    options = [p for p in parses if p.tag.POS in _NOMINAL] or parses
    if person:  # a person is no plural of a first name ("Кириллов") nor of a common noun ("Стрелков")
        named = [p for p in options if _PERSON & p.tag.grammemes]
        others = [p for p in options if p not in named]
        options = (
            [p for p in named if "plur" not in p.tag]
            or (others if any("plur" not in p.tag for p in others) else [])
            or list(surname_readings(word))
            or others
            or options
        )
    return str(options[0].normal_form).replace("ё", "е")


_POSSESSIVE_SURNAME: Final = re.compile(r"(?:ов|ев|ёв|ин|ын)$")


@lru_cache(maxsize=16384)
def surname_readings(word: str) -> tuple[Any, ...]:
    """A man's surname in -ов, -ев or -ин as written, where pymorphy3 knows the word as a common noun's
    plural ("Стрелков", of "стрелки"): its readings as that surname (masculine nominative), guessed from
    its genitive ("Стрелкова"); none for other words."""
    written = word.lower().replace("ё", "е")
    if not _POSSESSIVE_SURNAME.search(written) or not written.isalpha():
        return ()
    found = {
        str(form.tag): form  # the genitive's and the accusative's readings share one lexeme
        for parse in russian_analyzer().parse(f"{written}а")
        if "Surn" in parse.tag and "masc" in parse.tag and parse.normal_form.replace("ё", "е") == written
        for form in parse.lexeme
        if form.word == written and {"Surn", "masc", "nomn"} <= form.tag.grammemes
    }
    return tuple(found.values())


def _gender(tag: Any) -> str | None:
    return next((g for g in _GENDERS if g in tag), None)


@lru_cache(maxsize=16384)
def nominative(form: str, person: bool = False) -> str:
    """A Russian name put in the nominative, its words agreeing: "Марии Захаровой" → "Мария Захарова",
    "Киевской митрополии" → "Киевская митрополия", "Министерства иностранных дел" → "Министерство
    иностранных дел" (dependents after the head noun keep their case); other words stay as written.

    Lemmas alone would lose gender ("Мария Захаров") and agreement ("Российский государство").
    ``person``: the tagger took it for a person, so its words are read as names where pymorphy allows
    ("Песков" is the surname, not the plural genitive of "песок"), and a lone name that may already be
    in the nominative singular stays as written ("Бандера").
    """
    words = form.split()
    cyrillic = [bool(CYRILLIC.search(w)) and w.replace("-", "").isalpha() for w in words]
    parses = [
        _nominal(russian_analyzer().parse(w)) if c else [] for w, c in zip(words, cyrillic, strict=True)
    ]
    tops = [p[0].tag if p else None for p in parses]
    tagged_person = person
    person = person or any(t is not None and _PERSON & t.grammemes for t in tops)
    if person:  # a person's words all change case; the first name tells the surname's gender
        gender = next((_gender(t) for t in tops if t is not None and "Name" in t), None)
        last = len(words)
    else:  # words up to the first noun (its head) change case and take its gender
        head = next((i for i, t in enumerate(tops) if t is not None and t.POS == "NOUN"), None)
        if head is not None:
            gender, last = _gender(tops[head]), head + 1
        elif all(t is not None and t.POS in _AGREEING for t in tops):
            gender, last = None, len(words)  # a surname declined like an adjective: "Зеленского"
        else:
            return form
    # One word already in the nominative ("Вооруженные силы", "Дмитрий Песков") puts the others there too.
    # A first name is the surest guide; indeclinable words ("Сидоренко") tell nothing.
    guides = [t for t in tops[:last] if t is not None and "Fixd" not in t]
    guides = [t for t in guides if "Name" in t] or guides
    in_nominative = any("nomn" in t for t in guides)
    read = [found for found in parses if found]
    if person and len(read) > 1 and _as_written(read):
        return form  # a first name and surname that may both be read as written ("Анналена Бербок")
    out = list(words)
    for i in range(last):
        if not parses[i]:
            continue
        options = parses[i]
        if person:  # a person's name is a singular noun or adjective, never a verb's guessed form
            options = [p for p in options if _singular_noun(p)]
            if not options:
                continue
        if gender is not None and (person or options[0].tag.POS in _AGREEING):
            options = [p for p in options if _gender(p.tag) in (gender, None)] or options
        if person:
            options = [p for p in options if _PERSON & p.tag.grammemes] or options
        if tagged_person and len(words) == 1 and any(_nominative_person(p) for p in options):
            continue  # a lone name that may be read as written, not as a common noun's case
        if in_nominative:
            options = [p for p in options if "nomn" in p.tag]
            if not options:
                continue  # a name pymorphy does not know ("Кущ"): as written, not re-declined
        chosen = options[0]
        if "nomn" in chosen.tag:
            continue
        inflected = chosen.inflect({"nomn"})
        if inflected is None:
            continue
        out[i] = _spelled_like(str(inflected.word), words[i])
    return " ".join(out)


def _singular_noun(parse: Any) -> bool:
    return parse.tag.POS in ("NOUN", "ADJF") and "plur" not in parse.tag


def _nominal(parses: Sequence[Any]) -> list[Any]:
    """A name's readings: its nouns and adjectives where it has any ("Бучу" is no verb's form)."""
    return [p for p in parses if p.tag.POS in _NOMINAL] or list(parses)


def _nominative_person(parse: Any) -> bool:
    """Whether a reading is a person's name in the nominative singular: a name's, an animate noun's or
    an adjective's ("Бандера", "Песков"; not "Орбана", the inanimate noun a guess makes of it)."""
    persons = parse.tag.grammemes & (_PERSON | {"anim"}) or parse.tag.POS == "ADJF"
    return bool(persons) and {"nomn", "sing"} <= parse.tag.grammemes


def _as_written(read: Sequence[Sequence[Any]]) -> bool:
    """Whether a person's words may all be read as written: each may be a singular nominative, and a
    first name's nominative is as likely as its other readings ("Анналена Бербок"); or a surname's
    nominative agrees with it ("Александра Иванова"), or the surname cannot agree with the name's likelier
    readings ("Александра Скочиленко", "Александра Новак", "Александра Седых"; "Александра Новака" is
    Alexander Novak's genitive)."""
    singular = [any(_singular_noun(p) and "nomn" in p.tag for p in found) for found in read]
    first = next((found for found in read if any("Name" in p.tag for p in found)), None)
    if first is None:
        return all(singular)
    names = [p for p in first if "Name" in p.tag]
    written = [p for p in names if {"nomn", "sing"} <= p.tag.grammemes]
    if not written:
        return False
    if written[0].score >= names[0].score - _TIE:
        return all(singular)
    genders = {_gender(p.tag) for p in written}
    likelier = [p for p in names if p not in written]  # "Александра" the genitive of "Александр"
    return all(
        # a word pymorphy reads only as a plural ("Седых") is an indeclinable surname here
        (single or all("plur" in p.tag for p in found))
        and (
            any({"nomn", "Surn"} <= p.tag.grammemes and _gender(p.tag) in genders for p in found)
            or not any(_agrees(p, name) for p in found for name in likelier)
        )
        for found, single in zip(read, singular, strict=True)
        if found is not first
    )


def _agrees(parse: Any, name: Any) -> bool:
    """Whether a reading of a surname is in the case, number and gender of a first name's reading, as a
    person's ("Новака" with "Александра" the genitive); an indeclinable one ("Скочиленко") tells nothing."""
    tag = parse.tag
    if "Fixd" in tag or "inan" in tag or parse.tag.POS not in ("NOUN", "ADJF"):
        return False
    return tag.case == name.tag.case and tag.number == name.tag.number and _gender(tag) == _gender(name.tag)


def without_patronymic(form: str) -> str | None:
    """A Russian full name without its patronymic ("Владимир Владимирович Путин" → "Владимир Путин"),
    or None when it has none."""
    words = form.split()
    if len(words) != 3 or not all(CYRILLIC.search(w) for w in words):
        return None
    if not any("Patr" in parse.tag for parse in russian_analyzer().parse(words[1])):
        return None
    return f"{words[0]} {words[2]}"


def is_adjective(word: str) -> bool:
    """Whether a Russian word reads as an adjective in its likely parses ("Мариупольский",
    "Шенгенского"): the tagger's place or organisation that is one adjective is a fragment of a
    phrase ("Безвизовый статус"), not a name."""
    if not CYRILLIC.search(word) or not word.isalpha():
        return False
    parses = russian_analyzer().parse(word)[:2]
    return bool(parses) and all(p.tag.POS in ("ADJF", "ADJS") and "Surn" not in p.tag for p in parses)


def _spelled_like(word: str, original: str) -> str:
    """``word`` in the capitals of ``original`` (per hyphenated part: "Нью-Йорк") and without the ё
    pymorphy adds where the text writes е."""
    if "ё" not in original.lower():
        word = word.replace("ё", "е")
    if original.isupper() and len(original) > 1:
        return word.upper()
    parts, shape = word.split("-"), original.split("-")
    if len(parts) != len(shape):
        shape = shape[:1]
    return "-".join(
        p[:1].upper() + p[1:] if i < len(shape) and shape[i][:1].isupper() else p for i, p in enumerate(parts)
    )


def lemmas(words: Sequence[str], language: str) -> list[str]:
    if language in LEMMATIZED_LANGUAGES:
        return [lemma(w, language) for w in words]
    return [w.lower() for w in words]


# Polish declension of a man's name written in the Latin alphabet, for the catalogue's persons ("Joe
# Bidenem", "Emmanuela Macrona", "Wołodymyrem Zełenskim"): the cases a name ending in a consonant or in
# -ski/-cki takes. Words ending in another vowel ("Joe", "Łukaszenka") are left as written.
_POLISH_LOCATIVE: Final = {"t": "cie", "d": "dzie", "r": "rze", "ł": "le"}
_POLISH_LOCATIVE_IE: Final = frozenset("nmpbwfs")
_POLISH_ADJECTIVE: Final = re.compile(r"(?:sk|ck|dzk)i$")


def _polish_word_cases(word: str) -> list[str]:
    """The genitive, dative, instrumental and locative of one word of a man's name (nominative first)."""
    if _POLISH_ADJECTIVE.search(word):
        stem = word[:-1]
        return [word, f"{stem}iego", f"{stem}iemu", f"{stem}im", f"{stem}im"]
    last = word[-1:]
    if not last.isalpha() or last.lower() in "aeiouyąęó":
        return [word] * 5
    instrumental = f"{word}iem" if last in "kg" else f"{word}em"
    if last in _POLISH_LOCATIVE:
        locative = word[:-1] + _POLISH_LOCATIVE[last]
    elif last in _POLISH_LOCATIVE_IE:
        locative = f"{word}ie"
    else:
        locative = f"{word}u"
    return [word, f"{word}a", f"{word}owi", instrumental, locative]


def polish_name_cases(name: str) -> list[str]:
    """``name`` (a man's, in the nominative) in the Polish cases, its words agreeing: "Joe Biden" →
    "Joe Bidena", "Joe Bidenowi", "Joe Bidenem", "Joe Bidenie"; the name itself not included."""
    words = name.split()
    if not words or not all(w[:1].isupper() for w in words):
        return []
    declined = [_polish_word_cases(word) for word in words]
    return [" ".join(cases[case] for cases in declined) for case in range(1, 5)]


_RUSSIAN_CASES: Final = ("gent", "datv", "accs", "ablt", "loct")


def _russian_word_cases(word: str) -> list[str]:
    """One word of a man's name in the genitive, dative, accusative, instrumental and locative, as
    pymorphy3 declines its masculine singular reading (a person's where it has one); as written where it
    has none ("Лукашенко")."""
    if not CYRILLIC.search(word) or not word.replace("-", "").isalpha():
        return [word] * len(_RUSSIAN_CASES)
    readings = [
        p
        for p in russian_analyzer().parse(word)
        if {"masc", "sing", "nomn"} <= p.tag.grammemes and p.tag.POS in ("NOUN", "ADJF")
    ]
    readings.sort(key=lambda p: not (_PERSON & p.tag.grammemes))
    if not readings or "Fixd" in readings[0].tag:
        return [word] * len(_RUSSIAN_CASES)
    cases = []
    for case in _RUSSIAN_CASES:  # a person's accusative is the genitive, whatever the reading's animacy
        form = readings[0].inflect({"gent" if case == "accs" else case})
        cases.append(word if form is None else _spelled_like(str(form.word), word))
    return cases


def russian_name_cases(name: str) -> list[str]:
    """``name`` (a man's, in the nominative) in the Russian oblique cases, its words agreeing:
    "Олаф Шольц" → "Олафа Шольца", …; for names whose cases pymorphy3 reads as another word's
    ("Шольца" as a case of "шолец"); the name itself and repeats not included."""
    words = name.split()
    if not words or not all(w[:1].isupper() for w in words) or not any(CYRILLIC.search(w) for w in words):
        return []
    if "femn" in nominative_genders(words[0]) and "masc" not in nominative_genders(words[0]):
        return []  # a woman's name: "Мария Захарова" is no case of a man's
    declined = [_russian_word_cases(word) for word in words]
    forms = [" ".join(cases[i] for cases in declined) for i in range(len(_RUSSIAN_CASES))]
    return [f for i, f in enumerate(forms) if f != name and f not in forms[:i]]


@lru_cache(maxsize=16384)
def name_genders(word: str, lemma_form: str) -> frozenset[str | None]:
    """The genders of a Russian word's readings as a case of ``lemma_form`` (None for a plural one, which
    has none): "Зеленская" as "зеленский" is feminine, "Зеленского" masculine or neuter."""
    return frozenset(
        None if "plur" in p.tag else _gender(p.tag)
        for p in russian_analyzer().parse(word)
        if str(p.normal_form).replace("ё", "е") == lemma_form
    )


@lru_cache(maxsize=16384)
def nominative_genders(word: str) -> frozenset[str | None]:
    """The genders of a Russian word's readings as a singular noun or adjective in the nominative
    ("Зеленский" masculine; "Шольц" masculine or feminine, an indeclinable woman's surname too)."""
    return frozenset(
        _gender(p.tag)
        for p in russian_analyzer().parse(word)
        if {"sing", "nomn"} <= p.tag.grammemes and p.tag.POS in ("NOUN", "ADJF")
    )
