"""Offline language identification (py3langid's bundled model; no download)."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from babel import Locale, UnknownLocaleError

from propwatch.models.casing import recased

# Below this many letters the guess is noise; better to say "unknown".
_MIN_LETTERS = 20


# A language tag's language part: "en", "en-GB", "pt_BR", "eng".
_TAG = re.compile(r"([A-Za-z]{2,3})(?:[-_][A-Za-z0-9-_]*)?")


@lru_cache(maxsize=1)
def _iso_639_1() -> frozenset[str]:
    # CLDR names every ISO 639-1 language, locale data or not.
    return frozenset(code for code in Locale("en").languages if isinstance(code, str) and len(code) == 2)


def language_code(tag: str) -> str | None:
    """The ISO 639-1 code a language tag names ("en", "EN-gb", "pt_BR", "eng", "ger"), or None."""
    match = _TAG.fullmatch(tag.strip())
    if match is None:
        return None
    code = match.group(1).lower()
    if len(code) == 2:
        return code if code in _iso_639_1() else None
    try:  # three letters: ISO 639-2/3, which CLDR maps to the two-letter code where there is one
        two = Locale.parse(code).language
    except (UnknownLocaleError, ValueError):
        return None
    return two if two in _iso_639_1() else None


@lru_cache(maxsize=1)
def _identifier() -> Any:
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def identify_language(text: str, *, min_confidence: float = 0.5) -> str | None:
    """ISO 639-1 code of ``text``'s language, or None when too short or too unsure to say."""
    # in ordinary case: a rant in capitals had read as Igbo at 3 % and got no language
    sample = recased(text[:5000])
    if sum(ch.isalpha() for ch in sample) < _MIN_LETTERS:
        return None
    code, confidence = _identifier().classify(sample)
    return str(code) if confidence >= min_confidence else None
