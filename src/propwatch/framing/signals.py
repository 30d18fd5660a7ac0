"""The genre head's article signals besides the e5 vector: surface style and how densely it persuades.

:data:`SIGNALS` names the columns (``style:…`` from :mod:`propwatch.framing.style`, ``persuasion:…``
from :mod:`propwatch.framing.persuasion`); a model lists them in ``model.json`` as ``genre_signals``.
A head may read the style columns alone (:data:`SIGNAL_SETS`), and then never runs the technique
model. The persuasion columns come from the technique model's token probabilities, read by a
:class:`TechniquePersuasionReader` through the process's shared technique model: when the
``techniques`` analyzer has just read the same articles, no second encoder pass runs.
Training caches them for every article in a :class:`PersuasionCache`, keyed by the technique model's
version, the feature set, the language and the text, so the slow technique pass runs once.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Sequence
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Final

import numpy as np
import numpy.typing as npt

from propwatch.errors import StorageError
from propwatch.framing.persuasion import PERSUASION_FEATURES, persuasion_features
from propwatch.framing.style import STYLE_FEATURES, style_features
from propwatch.models.casing import recased
from propwatch.settings import Settings

if TYPE_CHECKING:
    from propwatch.models.techniques import TechniqueModel

STYLE_SIGNALS: Final[tuple[str, ...]] = tuple(f"style:{name}" for name in STYLE_FEATURES)
SIGNALS: Final[tuple[str, ...]] = (
    *STYLE_SIGNALS,
    *(f"persuasion:{name}" for name in PERSUASION_FEATURES),
)
SIGNAL_SETS: Final[dict[str, tuple[str, ...]]] = {"none": (), "style": STYLE_SIGNALS, "all": SIGNALS}
"""The column sets a genre head may read: style alone keeps it independent of the technique model."""

FloatMatrix = npt.NDArray[np.float64]
ReadPersuasion = Callable[[Sequence[str], Sequence[str | None]], FloatMatrix]
"""The :data:`~propwatch.framing.persuasion.PERSUASION_FEATURES` of each text (with its language), one
row per text; a :class:`TechniquePersuasionReader` is one."""

_FEATURE_SET: Final = hashlib.sha256("\x00".join(PERSUASION_FEATURES).encode()).hexdigest()[:12]


def article_signals(text: str, language: str | None, persuasion: npt.ArrayLike) -> npt.NDArray[np.float64]:
    """The :data:`SIGNALS` of one article (``persuasion``: its row of persuasion features), in order."""
    return np.concatenate([style_features(text, language), np.asarray(persuasion, dtype=np.float64)])


def signal_matrix(
    texts: Sequence[str], languages: Sequence[str | None], persuasion: npt.ArrayLike | None
) -> FloatMatrix:
    """``(n, len(SIGNALS))`` signals of ``n`` articles (``persuasion``: their ``(n, …)`` features), or
    ``(n, len(STYLE_SIGNALS))`` style signals when ``persuasion`` is None. Shouted paragraphs are read in
    ordinary case (:mod:`propwatch.models.casing`): the head never saw a text in capitals, and its
    capitals share near 1 had made every rant satire (0.99)."""
    texts = [recased(text) for text in texts]
    if persuasion is None:
        return np.array([style_features(t, lang) for t, lang in zip(texts, languages, strict=True)]).reshape(
            len(texts), len(STYLE_SIGNALS)
        )
    rows = np.asarray(persuasion, dtype=np.float64).reshape(len(texts), len(PERSUASION_FEATURES))
    out = np.zeros((len(texts), len(SIGNALS)), dtype=np.float64)
    for row, (text, language) in enumerate(zip(texts, languages, strict=True)):
        out[row] = article_signals(text, language, rows[row])
    return out


def reads_persuasion(names: Sequence[str]) -> bool:
    """Whether a genre head reading the signal columns ``names`` needs the technique model."""
    return any(name.startswith("persuasion:") for name in names)


def genre_signals(
    names: Sequence[str],
    texts: Sequence[str],
    languages: Sequence[str | None],
    read_persuasion: ReadPersuasion,
) -> FloatMatrix | None:
    """The signal columns ``names`` (one of :data:`SIGNAL_SETS`) of each text; the technique model runs
    (through ``read_persuasion``) only when they include persuasion columns."""
    if not names:
        return None
    persuasion = read_persuasion(texts, languages) if reads_persuasion(names) else None
    return signal_matrix(texts, languages, persuasion)


class TechniquePersuasionReader:
    """Persuasion features from the process's shared technique model (``settings.technique_model``,
    else the shipped one), loaded on first use."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    @cached_property
    def model(self) -> TechniqueModel:
        """The shared technique model (its registry loads it once, even when two threads ask)."""
        from propwatch.models.techniques import shared_technique_model

        return shared_technique_model(self.settings)

    @cached_property
    def version(self) -> str:
        """The technique model's version, from its model.json (the model itself is not loaded)."""
        from propwatch.models.techniques import read_model_card, shipped_model_folder

        return read_model_card(self.settings.technique_model or shipped_model_folder()).version

    def __call__(self, texts: Sequence[str], languages: Sequence[str | None]) -> FloatMatrix:
        model = self.model
        out = np.zeros((len(texts), len(PERSUASION_FEATURES)), dtype=np.float64)
        for row, probabilities in enumerate(model.token_probabilities(texts, languages)):
            out[row] = persuasion_features(model.labels, probabilities.inside)
        return out


class PersuasionCache:
    """Persuasion features on disk, one JSON line per article, keyed by the technique model's version,
    the feature set, the language and the text."""

    def __init__(self, path: Path, version: str) -> None:
        self.path = path
        self.version = version
        self._known: dict[str, list[float]] = {}
        if path.is_file():
            try:
                for line in path.read_text(encoding="utf-8").splitlines():
                    if line.strip():
                        record = json.loads(line)
                        key, features = str(record["key"]), [float(v) for v in record["features"]]
                        if len(features) == len(PERSUASION_FEATURES):  # else another feature set's
                            self._known[key] = features
            except (OSError, UnicodeDecodeError, ValueError, KeyError, TypeError) as exc:
                raise StorageError(str(path), f"cannot read the persuasion-feature cache: {exc}") from exc

    def key(self, text: str, language: str | None) -> str:
        keyed = f"{self.version}\x00{_FEATURE_SET}\x00{language or ''}\x00{text}"
        return hashlib.sha256(keyed.encode("utf-8", "surrogatepass")).hexdigest()[:32]

    def __len__(self) -> int:
        return len(self._known)

    def features(
        self,
        texts: Sequence[str],
        languages: Sequence[str | None],
        read: ReadPersuasion,
        progress: Callable[[int, int], None] | None = None,
        batch: int = 8,
    ) -> FloatMatrix:
        """Features of each text: cached ones as they are, the others read ``batch`` at a time and saved."""
        keys = [self.key(t, lang) for t, lang in zip(texts, languages, strict=True)]
        first_of: dict[str, int] = {}
        for row, key in enumerate(keys):
            first_of.setdefault(key, row)
        missing = [row for key, row in first_of.items() if key not in self._known]
        for start in range(0, len(missing), batch):
            rows = missing[start : start + batch]
            found = np.asarray(read([texts[i] for i in rows], [languages[i] for i in rows]), dtype=np.float64)
            lines = []
            for row, values in zip(rows, found.reshape(len(rows), len(PERSUASION_FEATURES)), strict=True):
                self._known[keys[row]] = [float(v) for v in values]
                lines.append(json.dumps({"key": keys[row], "features": self._known[keys[row]]}))
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                with self.path.open("a", encoding="utf-8") as handle:
                    handle.write("\n".join(lines) + "\n")
            except OSError as exc:
                raise StorageError(
                    str(self.path), f"cannot write the persuasion-feature cache: {exc}"
                ) from exc
            if progress:
                progress(min(start + batch, len(missing)), len(missing))
        out = np.zeros((len(texts), len(PERSUASION_FEATURES)), dtype=np.float64)
        for row, key in enumerate(keys):
            out[row] = self._known[key]
        return out
