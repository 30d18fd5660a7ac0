"""Shared-task predictions of the genre/frames model: SemEval-2023 Task 3 subtasks 1 and 2.

Articles are read byte-exact from an ``article<ID>.txt`` folder (as in the shared-task bundles) and
embedded exactly as the analyzers embed them (for genre, with the technique model's persuasion
features, as the ``genre`` analyzer reads them); the records go to
:func:`propwatch.evaluation.semeval23_articles.write_article_labels`.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Final, Literal

from propwatch.domain import Article, Failure
from propwatch.evaluation.formats import ArticleLabelsRecord
from propwatch.framing.model import GenreFramesModel
from propwatch.framing.representation import ArticleEncoder
from propwatch.framing.signals import ReadPersuasion, TechniquePersuasionReader, genre_signals
from propwatch.ingest.shared_task import read_shared_task_folder
from propwatch.settings import Settings
from propwatch.tasks import Progress, TaskPrediction

ARTICLES_PER_CALL: Final = 8


def predict_article_labels(
    articles_dir: Path,
    subtask: Literal["genre", "frames"],
    model: GenreFramesModel,
    encoder: ArticleEncoder,
    settings: Settings,
    progress: Progress | None = None,
    read_persuasion: ReadPersuasion | None = None,
) -> TaskPrediction[ArticleLabelsRecord]:
    """One record per readable article: its genre (subtask 1) or its frames (subtask 2), by numeric id.

    ``read_persuasion`` gives the persuasion features the genre signals need (default: the technique
    model's)."""
    result: TaskPrediction[ArticleLabelsRecord] = TaskPrediction()
    articles: list[Article] = []
    for item in read_shared_task_folder(articles_dir, settings):
        if isinstance(item, Failure):
            result.failures.append(item)
        else:
            articles.append(item)
    records = label_articles(articles, subtask, model, encoder, settings, progress, read_persuasion)
    result.records.extend(records)
    result.articles += len(records)
    return result


def label_articles(
    articles: Sequence[Article],
    subtask: Literal["genre", "frames"],
    model: GenreFramesModel,
    encoder: ArticleEncoder,
    settings: Settings,
    progress: Progress | None = None,
    read_persuasion: ReadPersuasion | None = None,
) -> list[ArticleLabelsRecord]:
    """The genre (or frames) of each article, as the analyzers find them; records by external id."""
    records: list[ArticleLabelsRecord] = []
    persuasion_of = read_persuasion or TechniquePersuasionReader(settings)
    for first in range(0, len(articles), ARTICLES_PER_CALL):
        chunk = articles[first : first + ARTICLES_PER_CALL]
        languages = [a.language for a in chunk]
        vectors = encoder.vectors([(a.title, a.text) for a in chunk])
        labels: list[tuple[str, ...]]
        if subtask == "genre":
            texts = [a.text for a in chunk]
            signals = genre_signals(model.genre_signals, texts, languages, persuasion_of)
            probabilities = model.genre_probabilities(vectors, languages, signals)
            labels = [(g,) for g in model.genres_of(probabilities)]
        else:
            labels = model.frames_of(model.frame_scores(vectors, languages))
        for article, found in zip(chunk, labels, strict=True):
            records.append(ArticleLabelsRecord(article.external_id or article.id, found))
        if progress:
            progress(len(records), len(articles))
    return records
