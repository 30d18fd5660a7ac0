"""pymorphy3's Russian morphology, loaded once for the process: search's word forms and the targets'
lemmas, nominatives and patronymics read the same dictionaries."""

from __future__ import annotations

from functools import cache
from typing import Any

from propwatch.errors import ConfigurationError


@cache
def russian_analyzer() -> Any:
    """The shared ``pymorphy3.MorphAnalyzer`` for Russian."""
    try:
        import pymorphy3  # type: ignore[import-untyped]

        return pymorphy3.MorphAnalyzer(lang="ru")
    except (ImportError, ValueError) as exc:  # ValueError: the dictionary package is missing
        raise ConfigurationError(
            "pymorphy3",
            f"Russian morphology needs pymorphy3 and pymorphy3-dicts-ru (pip install -e .): {exc}",
        ) from exc
