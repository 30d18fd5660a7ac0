"""The grammatical forms a search term also matches: "санкции" finds "санкций", "sanction" "sanctions".

Neither FTS5's unicode61 tokenizer nor PostgreSQL's 'simple' configuration stems, and a stemmed index
would need to know each query's language. Expanding the query instead works on both backends and on
stores built before.

* A Russian word gets the paradigm of its likeliest reading (nouns, adjectives and pronouns every case
  and number; verbs their finite forms and infinitive), without archaic or abbreviated forms; a word
  typed with a capital is read as a name: the paradigm of the person or place pymorphy3 knows by that
  name ("Песков" is the press secretary, not sand); one it does not know gets the paradigm of its
  guessed surname, name or noun ("Байдена" finds "Байден"), less the forms that are other words ("Маск"
  does not find "маска"); one it knows only as a plural, that of the surname ("Стрелков" finds
  "Стрелкова", not "стрелки"). A surname (or an adjective typed with a capital) keeps its gender in the
  singular: "Зеленская" does not find "Зеленский", nor "Зеленского" "Зеленская".
* A hyphenated word changes one part: the first when a preposition joins the parts ("Ростов-на-Дону"),
  else the last ("пресс-секретарь", "вице-премьер").
* A Russian phrase changes with its words agreeing in case and number ("западные санкции" →
  "западных санкций").
* An English word gets its singular and plural by rule (irregular ones from a short table); a name
  typed with a capital, and words such as "goods" or "news", stay as typed.
* Words of other languages stay as typed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Final, TypeVar

from propwatch.russian import russian_analyzer
from propwatch.targets.morphology import surname_readings

_RUSSIAN: Final = re.compile(r"[а-яё]+")
_ENGLISH: Final = re.compile(r"[a-z]+")
# Readings less likely than this are another word that happens to be spelt alike.
_MIN_PARSE_SCORE: Final = 0.2
_TIE: Final = 0.02  # readings this close to the likeliest are as likely
_CASES: Final = ("nomn", "gent", "datv", "accs", "ablt", "loct")
_NUMBERS: Final = ("sing", "plur")
_VERBAL: Final = frozenset({"VERB", "INFN"})  # participles and gerunds are other words for a searcher
_AGREEING: Final = frozenset({"ADJF", "PRTF", "NUMR", "NPRO"})
_UNINFLECTED: Final = frozenset({None, "PREP", "CONJ", "PRCL", "INTJ"})
_NAME_TAGS: Final = frozenset({"Name", "Surn", "Patr", "Geox", "Orgn", "Trad"})
_NOMINAL: Final = frozenset({"NOUN", "ADJF"})  # what a name is read as
_RARE_TAGS: Final = frozenset({"Arch", "Abbr", "Infr", "Erro", "Dist"})
# Forms of a paradigm that are, for a searcher, another word: "есть" (is) is also "to eat".
_OTHER_WORDS: Final = {
    "быть": frozenset({"есть"}),
    "год": frozenset({"лета", "летам", "летами", "летах"}),  # summer's; "лет" stays: "10 лет"
}
# English words this short are searched as typed ("us", "it"); function words too ("her" is no "hers").
_MIN_ENGLISH_LETTERS: Final = 3
_ENGLISH_PLURAL_ONLY: Final = frozenset(
    "goods news series species means lives arms glasses clothes politics economics physics ethics "  # noqa: SIM905
    "thanks customs headquarters whereabouts athletics".split()
)
_IRREGULAR: Final = {"man": "men", "woman": "women", "child": "children", "person": "people", "mouse": "mice"}
_IRREGULAR_BOTH: Final = {**_IRREGULAR, **{plural: single for single, plural in _IRREGULAR.items()}}


@dataclass(frozen=True)
class TypedPhrase:
    """What a query term holds: its words as the index splits them (lower case), whether each was
    typed with a capital, and which typed word (between spaces) each belongs to."""

    words: tuple[str, ...]
    capitalised: tuple[bool, ...]
    chunks: tuple[int, ...]

    @classmethod
    def of(cls, text: str, word: re.Pattern[str]) -> TypedPhrase:
        words, capitalised, chunks = [], [], []
        for number, chunk in enumerate(text.split()):
            for found in word.findall(chunk):
                words.append(found.lower())
                capitalised.append(found[:1].isupper())  # "NATO", "Песков": names stay names
                chunks.append(number)
        return cls(tuple(words), tuple(capitalised), tuple(chunks))


def phrase_forms(phrase: TypedPhrase) -> list[tuple[str, ...]]:
    """The phrase's words as typed first, then its other forms, without repeats."""
    units = _units(phrase)
    if len(units) == 1:
        changing = units[0][0]
        return [_with(phrase.words, changing, form) for form in _forms_of(phrase, changing)]
    heads = [changing for changing, _ in units]
    if any(_RUSSIAN.fullmatch(phrase.words[i]) for i in heads):
        found = [phrase.words]
        typed = [(phrase.words[i], phrase.capitalised[i]) for i in heads]
        for agreeing in _agreeing_russian(typed):
            words = list(phrase.words)
            for i, form in zip(heads, agreeing, strict=True):
                words[i] = form
            found.append(tuple(words))
        return _unique(found)
    last = heads[-1]
    if _ENGLISH.fullmatch(phrase.words[last]):  # the head of an English noun phrase comes last
        return [_with(phrase.words, last, form) for form in _forms_of(phrase, last)]
    return [phrase.words]


def _units(phrase: TypedPhrase) -> list[tuple[int, list[int]]]:
    """Per typed word: the index of the part that changes, and those of the parts that do not."""
    units: dict[int, list[int]] = {}
    for index, chunk in enumerate(phrase.chunks):
        units.setdefault(chunk, []).append(index)
    found = []
    for parts in units.values():
        joined_by_preposition = any(_is_preposition(phrase.words[i]) for i in parts[1:-1])
        changing = parts[0] if joined_by_preposition else parts[-1]
        found.append((changing, [i for i in parts if i != changing]))
    return found


def _is_preposition(word: str) -> bool:
    if not _RUSSIAN.fullmatch(word):
        return word in ("on", "upon", "sur", "am", "an", "im")  # Stratford-upon-Avon, Frankfurt am Main
    return any(parse.tag.POS == "PREP" for parse in russian_analyzer().parse(word)[:1])


def _with(words: tuple[str, ...], index: int, form: str) -> tuple[str, ...]:
    return (*words[:index], form, *words[index + 1 :])


def _forms_of(phrase: TypedPhrase, index: int) -> tuple[str, ...]:
    return word_forms(phrase.words[index], name=phrase.capitalised[index])


@lru_cache(maxsize=4096)
def word_forms(word: str, name: bool = False) -> tuple[str, ...]:
    """``word`` (lower case) first, then its other forms; ``name``: it was typed with a capital."""
    if _RUSSIAN.fullmatch(word):
        return tuple(_unique([word, *_russian_forms(word, name)]))
    if _ENGLISH.fullmatch(word) and not name:
        return tuple(_unique([word, *_english_forms(word)]))
    return (word,)


@lru_cache(maxsize=4096)
def known_spelling(word: str) -> str | None:
    """A Russian word's spelling with its ё, when pymorphy3 knows the word ("лжет" → "лжёт")."""
    if not _RUSSIAN.fullmatch(word):
        return None
    known = [p for p in russian_analyzer().parse(word) if p.is_known]
    return str(known[0].word) if known else None


def _russian_forms(word: str, name: bool) -> Iterable[str]:
    parses = russian_analyzer().parse(word.replace("ё", "е"))  # "её" alone reads as a rare adjective
    guessed = False
    if name:
        chosen = [p for p in parses if p.is_known and _NAME_TAGS & p.tag.grammemes] or _surnames(word, parses)
        if not chosen and parses and parses[0].is_known:
            chosen = _likeliest(parses)  # "Кремль", "Запад": known words
        elif not chosen:
            chosen, guessed = _guessed_name(parses), True
    else:
        chosen = _likeliest(parses)
    for parse in chosen:
        kind = parse.tag.POS
        excluded = _OTHER_WORDS.get(parse.normal_form, frozenset())
        surname = "Surn" in parse.tag
        gender = _persons_gender(parse) if name else None
        for form in parse.lexeme:
            other = form.tag.POS
            same_kind = other == kind or (kind in _VERBAL and other in _VERBAL)
            if gender is not None and form.tag.number == "sing" and form.tag.gender != gender:
                continue  # his surname's forms, not his wife's: "Зеленский" does not find "Зеленская"
            if same_kind and not _RARE_TAGS & form.tag.grammemes and form.word not in excluded:
                if guessed and not surname and _dictionary_word(str(form.word)):
                    continue  # a guessed name's form that is a word pymorphy knows: "Маска" is a mask
                yield str(form.word)


def _surnames(word: str, parses: Sequence[Any]) -> list[Any]:
    """A capitalised word's readings as a surname where pymorphy3 knows no name by it: its guessed
    surname's, however unlikely ("Стрелкова", not a place), or, for a word it knows only as a plural,
    the surname's guessed from its genitive ("Стрелков", not of "стрелки")."""
    if parses and parses[0].is_known:
        plural = all("plur" in p.tag for p in _likeliest(parses))
        return list(surname_readings(word)) if plural else []
    return [
        p for p in parses if "Surn" in p.tag and p.tag.POS in _NOMINAL and not _RARE_TAGS & p.tag.grammemes
    ]


def _guessed_name(parses: Sequence[Any]) -> list[Any]:
    """The readings of a capitalised word pymorphy3 does not know: its guessed person's or place's
    ("Байдена", "Столтенберга", "Зеленского" the surname) where it guesses one, else its likeliest
    nouns and adjectives ("Орбана"); never a verb's ("Небензя" is no gerund)."""
    nominal = [p for p in parses if p.tag.POS in _NOMINAL]
    likely = [p for p in _likeliest(nominal) if not _RARE_TAGS & p.tag.grammemes]
    return [p for p in likely if _NAME_TAGS & p.tag.grammemes] or likely


def _persons_gender(parse: Any) -> str | None:
    """The gender a name's singular forms keep: a surname's, or an adjective's typed with a capital, a
    surname too ("Зеленская", "Навальная": hers, not her husband's); None for other words."""
    if parse.tag.number != "sing" or not ("Surn" in parse.tag or parse.tag.POS == "ADJF"):
        return None
    gender = parse.tag.gender
    return gender if gender in ("masc", "femn", "neut") else None


@lru_cache(maxsize=16384)
def _dictionary_word(word: str) -> bool:
    return any(parse.is_known for parse in russian_analyzer().parse(word))


def _likeliest(parses: Sequence[Any]) -> list[Any]:
    """The likeliest readings (those tied with the first: "мочь" the verb as well as the noun), and
    the others of their part of speech that are likely or of their lemma ("мой" is not the
    imperative of "мыть"; every reading of "трамп" is Trump)."""
    if not parses:
        return []
    tops = [p for p in parses if p.score >= parses[0].score - _TIE]
    kinds = {p.tag.POS for p in tops}
    lemmas = {p.normal_form for p in tops}
    return [
        p
        for p in parses
        if p in tops or (p.tag.POS in kinds and (p.score >= _MIN_PARSE_SCORE or p.normal_form in lemmas))
    ]


def _reading(word: str, capitalised: bool) -> Any:
    """The reading a phrase's word is inflected from: a name pymorphy3 knows, or a surname, when typed
    with a capital ("Дмитрий Песков", "Игорь Стрелков"), else the likeliest."""
    if not _RUSSIAN.fullmatch(word):
        return None
    parses = russian_analyzer().parse(word.replace("ё", "е"))
    if capitalised:
        named = [p for p in parses if p.is_known and _NAME_TAGS & p.tag.grammemes] or _surnames(word, parses)
        if named:
            return named[0]
    return parses[0] if parses else None


def _agreeing_russian(phrase: Sequence[tuple[str, bool]]) -> Iterable[tuple[str, ...]]:
    """The phrase with its words in each case and number: those up to its head noun (all of a
    person's name) change; the nouns after the head keep their case ("пресс-секретаря президента")."""
    parses = [_reading(word, capitalised) for word, capitalised in phrase]
    nouns = [i for i, p in enumerate(parses) if p is not None and p.tag.POS == "NOUN"]
    names = [i for i in nouns if parses[i].tag.grammemes & {"Name", "Surn", "Patr"}]
    head = parses[nouns[0]] if nouns else None
    person = bool(nouns) and names == nouns
    last = len(phrase) if person or not nouns else nouns[0] + 1
    for number in ("sing",) if person else _NUMBERS:  # a person's name has no plural
        for case in _CASES:
            words = []
            for position, ((word, _), parse) in enumerate(zip(phrase, parses, strict=True)):
                if parse is None or parse.tag.POS in _UNINFLECTED or position >= last:
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
    if word in _IRREGULAR_BOTH:
        yield _IRREGULAR_BOTH[word]
        return
    if len(word) < _MIN_ENGLISH_LETTERS or word in _ENGLISH_PLURAL_ONLY or word in _english_stop_words():
        return
    singulars = []
    if len(word) > _MIN_ENGLISH_LETTERS:  # "wars" is "war"; "bus" and "gas" are no plurals
        if word.endswith("ies"):
            singulars += [word[:-3] + "y", word[:-1]]  # policies → policy, movies → movie
        elif word.endswith(("sses", "xes", "zes", "ches", "shes", "uses")):
            singulars += [word[:-2], word[:-1]]  # glasses → glass, taxes → tax, viruses → virus
        elif word.endswith("ses"):
            singulars += [word[:-1], word[:-3] + "sis"]  # cases → case, crises → crisis
        elif word.endswith("es"):
            singulars.append(word[:-1])  # forces → force
        elif word.endswith("s") and not word.endswith(("ss", "us", "is")):
            singulars.append(word[:-1])  # sanctions → sanction, wars → war
    yield from singulars
    for base in singulars or [word]:
        yield _plural(base)


@lru_cache(maxsize=1)
def _english_stop_words() -> frozenset[str]:
    from propwatch.models.function_words import stop_words

    return frozenset(stop_words("en")) | {"new", "old"}  # "new" is not the singular of "news"


def _plural(word: str) -> str:
    if word.endswith("is"):
        return word[:-2] + "es"  # crisis → crises
    if word.endswith("y") and len(word) > 1 and word[-2] not in "aeiou":
        return word[:-1] + "ies"
    if word.endswith(("s", "x", "z", "ch", "sh")):
        return word + "es"
    return word + "s"


T = TypeVar("T")


def _unique(items: Iterable[T]) -> list[T]:
    return list(dict.fromkeys(items))
