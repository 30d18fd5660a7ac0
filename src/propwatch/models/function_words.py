"""Spans that hold nothing but function words ("will", "It is", "of the", "einen") are no evidence.

The technique model sometimes marks a fragment of a longer persuasive clause: the few words it is sure
of, which may all be grammar. :func:`function_words_only` tells such a span: every word is in spaCy's
stop-word list of the language, less the words that carry persuasion by themselves (absolutes such as
"never" and "nobody", intensifiers such as "very", obligations such as "must", "against"), kept in
:data:`EVIDENCE_WORDS` because spaCy counts them as stop words.
"""

from __future__ import annotations

import importlib.util
import re
from functools import cache
from pathlib import Path
from typing import Final

_SPACY_LANGUAGES: Final = frozenset({"en", "fr", "de", "it", "pl", "ru"})
_WORD: Final = re.compile(r"\w+")

EVIDENCE_WORDS: Final[dict[str, frozenset[str]]] = {
    language: frozenset(words.split())
    for language, words in {
        "en": "never always all nothing nobody none no not nor neither very so only must should ought more "
        "most less least against every everything everyone everybody enough too much many again even "
        "still ever nowhere cannot really quite",
        "fr": "jamais toujours tout tous toute toutes rien personne aucun aucune non ne pas très si "
        "seulement seul doit doivent devrait faut plus moins contre chaque assez trop beaucoup encore même "
        "vraiment",
        "de": "nie niemals immer alle alles nichts niemand kein keine keinen nicht sehr so nur muss müssen "
        "sollte sollen mehr meisten weniger gegen jeder jede jedes genug zu viel viele wieder noch sogar "
        "wirklich ganz",
        "it": "mai sempre tutto tutti tutte nulla niente nessuno nessuna non molto così solo soltanto deve "
        "devono dovrebbe più meno contro ogni abbastanza troppo tanto tanti ancora persino davvero",
        "pl": "nigdy zawsze wszystko wszyscy nic nikt żaden żadna nie bardzo tak tylko musi muszą powinien "
        "powinno więcej najbardziej mniej przeciw przeciwko każdy dość zbyt dużo wiele znowu jeszcze "
        "nawet naprawdę",
        "ru": "никогда всегда всё все ничего никто ни нет не очень так только должен должны должна нужно "
        "надо больше более меньше менее против каждый достаточно слишком много снова ещё даже "
        "действительно",
    }.items()
}


@cache
def stop_words(language: str) -> frozenset[str]:
    """spaCy's stop words of ``language``, case-folded; empty for a language without a list here."""
    if language not in _SPACY_LANGUAGES:
        return frozenset()
    # The list's own file, run alone: importing it through the package imported all of spaCy (1 s and
    # 250 MB for the first English search of a process).
    spacy = importlib.util.find_spec("spacy")
    folders = list(spacy.submodule_search_locations or []) if spacy is not None else []
    if not folders:
        raise ModuleNotFoundError("spaCy is not installed; propwatch reads its stop-word lists")
    path = Path(folders[0]) / "lang" / language / "stop_words.py"
    spec = importlib.util.spec_from_file_location(f"propwatch_stop_words_{language}", path)
    if spec is None or spec.loader is None:
        raise ModuleNotFoundError(f"spaCy has no stop-word list at {path}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return frozenset(w.casefold() for w in module.STOP_WORDS)


@cache
def function_words(language: str) -> frozenset[str]:
    """:func:`stop_words` of ``language`` less :data:`EVIDENCE_WORDS`."""
    return stop_words(language) - EVIDENCE_WORDS.get(language, frozenset())


def function_words_only(text: str, language: str | None) -> bool:
    """Whether every word of ``text`` is a function word of ``language`` (False when it has none, or
    the language has no list)."""
    words = [w.casefold() for w in _WORD.findall(text)]
    known = function_words(language or "")
    return bool(words and known) and all(w in known for w in words)


# Words a persuasive span does not end with: articles, coordinating conjunctions, prepositions and
# complementisers ("Зеленский и", "Fluch der", "migrants et"). Pronouns are not here: "against them" ends
# on its object.
TRAILING_WORDS: Final[dict[str, frozenset[str]]] = {
    language: frozenset(words.split())
    for language, words in {
        "en": "the a an and or nor but of to in on at for with by from as that than into onto about",
        "fr": "le la les l un une des du de d et ou mais à au aux en dans sur pour par avec que qu sous vers",
        "de": "der die das den dem des ein eine einen einem einer eines und oder aber von zu zum zur in "
        "im an am auf für mit bei aus nach dass als um über unter vor",
        "it": "il lo la i gli le l un una uno di del dello della dei degli delle e ed o ma a al allo "
        "alla ai agli alle in nel nello nella nei negli nelle su sul sulla per con da dal dalla che",
        "pl": "i oraz a ale lub albo czy w we z ze na do od o u za przez dla że po przy",
        "ru": "и а но или либо в во на с со к ко о об обо от до по из за для что чтобы при у",
    }.items()
}
_LAST_WORD: Final = re.compile(r"(\w+)\W*$")


def without_trailing_function_words(text: str, start: int, end: int, language: str | None) -> int:
    """The end of ``text[start:end]`` once trailing words of :data:`TRAILING_WORDS` (and what separates
    them) are dropped; ``start`` when nothing else is left."""
    trailing = TRAILING_WORDS.get(language or "")
    if not trailing:
        return end
    while end > start:
        last = _LAST_WORD.search(text, start, end)
        if last is None or last.group(1).casefold() not in trailing:
            return end
        end = last.start()
        while end > start and not text[end - 1].isalnum():
            end -= 1
    return end
