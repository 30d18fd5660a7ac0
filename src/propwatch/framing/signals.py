"""The genre head's article signals besides the e5 vector: surface style and technique density.

:data:`SIGNALS` names the columns (``style:…`` from :mod:`propwatch.framing.style`, ``persuasion:…``
from :mod:`propwatch.framing.persuasion`); a model lists them in ``model.json`` as ``genre_signals``.
Technique spans come from the ``techniques`` analyzer's output when it ran, otherwise from a
:class:`TechniqueSpanReader` that loads the technique model itself (once, on first use).
Training caches the spans of every article in a :class:`SpanCache`, keyed by the technique model's
version, the language and the text, so the slow technique pass runs once.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Final

import numpy as np
import numpy.typing as npt

from propwatch.errors import StorageError
from propwatch.framing.persuasion import PERSUASION_FEATURES, ScoredRange, persuasion_features
from propwatch.framing.style import STYLE_FEATURES, style_features
from propwatch.settings import Settings

SIGNALS: Final[tuple[str, ...]] = (
    *(f"style:{name}" for name in STYLE_FEATURES),
    *(f"persuasion:{name}" for name in PERSUASION_FEATURES),
)

FloatMatrix = npt.NDArray[np.float64]
ReadSpans = Callable[[Sequence[str], Sequence[str | None]], Sequence[Sequence[ScoredRange]]]
"""Technique spans of each text (with its language); the technique model's ``predict`` is one."""


def article_signals(text: str, language: str | None, spans: Sequence[ScoredRange]) -> npt.NDArray[np.float64]:
    """The :data:`SIGNALS` of one article, in that order."""
    return np.concatenate([style_features(text, language), persuasion_features(text, spans)])


def signal_matrix(
    texts: Sequence[str], languages: Sequence[str | None], spans: Sequence[Sequence[ScoredRange]]
) -> FloatMatrix:
    """``(n, len(SIGNALS))`` signals of ``n`` articles."""
    out = np.zeros((len(texts), len(SIGNALS)), dtype=np.float64)
    for row, (text, language, found) in enumerate(zip(texts, languages, spans, strict=True)):
        out[row] = article_signals(text, language, found)
    return out


class TechniqueSpanReader:
    """Technique spans from the technique model (``settings.technique_model``, else the shipped one),
    loaded on first use: only needed when the ``techniques`` analyzer did not run."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._lock = threading.Lock()
        self._read: ReadSpans | None = None
        self._version = ""

    def _load(self) -> ReadSpans:
        with self._lock:
            if self._read is None:
                from propwatch.models.techniques import TechniqueModel, shipped_model_folder

                model = TechniqueModel.load(
                    self.settings.technique_model or shipped_model_folder(), self.settings
                )
                self._version = model.version
                self._read = model.predict
            return self._read

    @property
    def version(self) -> str:
        """The technique model's version (loads it)."""
        self._load()
        return self._version

    def __call__(
        self, texts: Sequence[str], languages: Sequence[str | None]
    ) -> Sequence[Sequence[ScoredRange]]:
        return self._load()(texts, languages)


class _CachedSpan:
    """A span read back from the cache (only what the signals need)."""

    __slots__ = ("end", "label", "score", "start")

    def __init__(self, label: str, start: int, end: int, score: float | None) -> None:
        self.label, self.start, self.end, self.score = label, start, end, score


class SpanCache:
    """Technique spans on disk, one JSON line per article, keyed by model version, language and text."""

    def __init__(self, path: Path, version: str) -> None:
        self.path = path
        self.version = version
        self._known: dict[str, list[tuple[str, int, int, float | None]]] = {}
        if path.is_file():
            try:
                for line in path.read_text(encoding="utf-8").splitlines():
                    if line.strip():
                        record = json.loads(line)
                        self._known[str(record["key"])] = [
                            (str(label), int(start), int(end), None if score is None else float(score))
                            for label, start, end, score in record["spans"]
                        ]
            except (OSError, UnicodeDecodeError, ValueError, KeyError, TypeError) as exc:
                raise StorageError(str(path), f"cannot read the technique-span cache: {exc}") from exc

    def key(self, text: str, language: str | None) -> str:
        return hashlib.sha256(f"{self.version}\x00{language or ''}\x00{text}".encode()).hexdigest()[:32]

    def __len__(self) -> int:
        return len(self._known)

    def spans(
        self,
        texts: Sequence[str],
        languages: Sequence[str | None],
        read: ReadSpans,
        progress: Callable[[int, int], None] | None = None,
        batch: int = 8,
    ) -> list[Sequence[ScoredRange]]:
        """Spans of each text: cached ones as they are, the others read ``batch`` at a time and saved."""
        keys = [self.key(t, lang) for t, lang in zip(texts, languages, strict=True)]
        first_of: dict[str, int] = {}
        for row, key in enumerate(keys):
            first_of.setdefault(key, row)
        missing = [row for key, row in first_of.items() if key not in self._known]
        for start in range(0, len(missing), batch):
            rows = missing[start : start + batch]
            found = read([texts[i] for i in rows], [languages[i] for i in rows])
            lines = []
            for row, spans in zip(rows, found, strict=True):
                record = [(s.label, s.start, s.end, s.score) for s in spans]
                self._known[keys[row]] = record
                lines.append(json.dumps({"key": keys[row], "spans": record}, ensure_ascii=False))
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                with self.path.open("a", encoding="utf-8") as handle:
                    handle.write("\n".join(lines) + "\n")
            except OSError as exc:
                raise StorageError(str(self.path), f"cannot write the technique-span cache: {exc}") from exc
            if progress:
                progress(min(start + batch, len(missing)), len(missing))
        return [[_CachedSpan(*span) for span in self._known[key]] for key in keys]
