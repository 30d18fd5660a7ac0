"""Offline language identification (py3langid's bundled model; no download)."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

# Below this many letters the guess is noise; better to say "unknown".
_MIN_LETTERS = 20


@lru_cache(maxsize=1)
def _identifier() -> Any:
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def identify_language(text: str, *, min_confidence: float = 0.5) -> str | None:
    """ISO 639-1 code of ``text``'s language, or None when too short or too unsure to say."""
    sample = text[:5000]
    if sum(ch.isalpha() for ch in sample) < _MIN_LETTERS:
        return None
    code, confidence = _identifier().classify(sample)
    return str(code) if confidence >= min_confidence else None
