"""GenreClassifier and FrameClassifier: what kind of article it is, and how it frames its subject.

Both read one vector per article (:mod:`propwatch.framing.representation`: e5 passage embeddings of
the title and first chunks) and apply the heads of the genre/frames model
(:mod:`propwatch.framing.model`, trained on SemEval-2023 Task 3 subtasks 1 and 2). They share one
in-memory vector per article, so running both embeds each article once.

* ``genre`` adds one ``Label(name="genre")``: opinion, reporting or satire, with its probability. Its
  head also reads article signals (:mod:`propwatch.framing.signals`: style, and how densely the
  technique model finds persuasion, from its token probabilities). It runs after the ``techniques``
  analyzer when both are chosen: they share the process's technique model, which remembers what it
  just read, so each article goes through the technique encoder once;
* ``frames`` adds one ``Label(name="frame")`` per frame at or above its threshold (at least the best
  one), best first, with its score.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from propwatch.analyzers.base import Analyzer
from propwatch.analyzers.techniques import SPANS_TECHNIQUE
from propwatch.domain import Analysis, Annotations, Label
from propwatch.framing.labels import FRAME_LABEL, GENRE_LABEL
from propwatch.framing.model import GenreFramesModel, shipped_model_path
from propwatch.framing.representation import (
    REPRESENTATION,
    ArticleEncoder,
    FloatMatrix,
    shared_article_encoder,
)
from propwatch.framing.signals import (
    ReadPersuasion,
    TechniquePersuasionReader,
    genre_signals,
    reads_persuasion,
)
from propwatch.settings import Settings

# 3: the article vector reads shouted paragraphs in ordinary case (propwatch.models.casing); 4: also a
# shouted first paragraph ending in a full stop (a text whose title a reader moved out)
ANALYZER_VERSION = "5"


def _score(value: float) -> float:
    return float(min(max(value, 0.0), 1.0))


class _ArticleHeads(Analyzer):
    """Loads the model and builds the article vectors; subclasses read one head."""

    def __init__(self, settings: Settings, encoder: ArticleEncoder | None = None) -> None:
        super().__init__(settings)
        folder = settings.genre_frames_model or shipped_model_path()
        self.model = GenreFramesModel.load(folder, representation=REPRESENTATION)
        self.encoder = encoder or shared_article_encoder()
        # An instance attribute: the class-level version is shared by every model a user may load.
        self.__dict__["version"] = f"{ANALYZER_VERSION}+model{self.model.version}"

    def _vectors(self, batch: Sequence[Analysis]) -> tuple[list[str | None], FloatMatrix]:
        languages = [item.article.language for item in batch]
        return languages, self.encoder.vectors([(item.article.title, item.article.text) for item in batch])


class GenreClassifier(_ArticleHeads):
    name = "genre"
    version = ANALYZER_VERSION
    provides = frozenset({"labels:genre"})
    after: ClassVar[frozenset[str]] = frozenset({SPANS_TECHNIQUE})

    def __init__(
        self,
        settings: Settings,
        encoder: ArticleEncoder | None = None,
        read_persuasion: ReadPersuasion | None = None,
    ) -> None:
        super().__init__(settings, encoder)
        # Loads the technique model on first use; shared with the techniques analyzer in this process.
        self.read_persuasion = read_persuasion or TechniquePersuasionReader(settings)
        # Its signals come from the technique model: a new technique model is a new genre version.
        reads = reads_persuasion(self.model.genre_signals)
        technique = getattr(self.read_persuasion, "version", None) if reads else None
        if technique:
            self.__dict__["version"] = f"{self.__dict__['version']}+techniques{technique}"

    def analyze(self, batch: Sequence[Analysis]) -> Sequence[Annotations]:
        if not batch:
            return []
        languages, vectors = self._vectors(batch)
        texts = [item.article.text for item in batch]
        signals = genre_signals(self.model.genre_signals, texts, languages, self.read_persuasion)
        probabilities = self.model.genre_probabilities(vectors, languages, signals)
        results = []
        for genre, row in zip(self.model.genres_of(probabilities), probabilities, strict=True):
            score = _score(row[self.model.genres.index(genre)])
            label = Label(name=GENRE_LABEL, value=genre, score=score, analyzer=self.name)
            results.append(Annotations(labels=(label,)))
        return results


class FrameClassifier(_ArticleHeads):
    name = "frames"
    version = ANALYZER_VERSION
    provides = frozenset({"labels:frame"})

    def analyze(self, batch: Sequence[Analysis]) -> Sequence[Annotations]:
        if not batch:
            return []
        languages, vectors = self._vectors(batch)
        scores = self.model.frame_scores(vectors, languages)
        results = []
        for frames, row in zip(self.model.frames_of(scores), scores, strict=True):
            labels = tuple(
                Label(
                    name=FRAME_LABEL,
                    value=frame,
                    score=_score(row[self.model.frames.index(frame)]),
                    analyzer=self.name,
                )
                for frame in frames
            )
            results.append(Annotations(labels=labels))
        return results
