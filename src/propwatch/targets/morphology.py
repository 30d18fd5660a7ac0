"""Russian tokens and lemmas for matching names across cases ("России", "Россию" → "россия").

natasha's own ``MorphVocab`` sits on pymorphy2, which does not run on Python ≥ 3.11 (it calls
``inspect.getargspec`` and needs ``pkg_resources``), so lemmas come from its maintained fork pymorphy3.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any, Final

import razdel  # type: ignore[import-untyped]

from propwatch.errors import AnalyzerError

LEMMATIZED_LANGUAGES: Final = frozenset({"ru"})
_CYRILLIC = re.compile(r"[а-яё]", re.IGNORECASE)


@dataclass(frozen=True)
class Token:
    start: int
    end: int
    text: str


def lemma_tokens(text: str, language: str) -> list[Token]:
    """Word tokens of ``text`` with offsets (razdel), punctuation left out."""
    return [Token(t.start, t.stop, t.text) for t in razdel.tokenize(text) if any(c.isalnum() for c in t.text)]


@cache
def _analyzer() -> Any:
    try:
        import pymorphy3  # type: ignore[import-untyped]

        return pymorphy3.MorphAnalyzer(lang="ru")
    except (ImportError, ValueError) as exc:  # ValueError: the dictionary package is missing
        raise AnalyzerError(
            "analyzer 'targets'",
            "Russian lemmas need pymorphy3 and pymorphy3-dicts-ru "
            f"(pip install pymorphy3 pymorphy3-dicts-ru): {exc}",
        ) from exc


@lru_cache(maxsize=65536)
def lemma(word: str) -> str:
    """The dictionary form of a Russian word in lower case, ё as е; other words lower-cased."""
    if not _CYRILLIC.search(word):
        return word.lower()
    return str(_analyzer().parse(word)[0].normal_form).replace("ё", "е")


def lemmas(words: Sequence[str], language: str) -> list[str]:
    if language in LEMMATIZED_LANGUAGES:
        return [lemma(w) for w in words]
    return [w.lower() for w in words]
