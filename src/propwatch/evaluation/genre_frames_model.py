"""``propwatch evaluate genre-frames``: the genre/frames model on its own validation split, through the
path the analyzers take (the article file read byte-exact, in its corpus language → e5 article vector, plus
the technique model's persuasion signals for genre → the heads), with the official subtask-1/2 metrics.

The split is the one training carves (:func:`propwatch.training.genre_frames_data.split_articles` with the
seed and fraction in the model's ``config``). With ``write_to``, the gold and predicted label files are
written too (ids ``<language folder>:<id>``), so two models can be compared article by article:
``propwatch compare semeval23-st1 st1-gold.txt A/st1-pred.txt B/st1-pred.txt``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

from propwatch.evaluation.formats import ArticleLabelsRecord
from propwatch.evaluation.scores import seen_label_figures
from propwatch.evaluation.semeval23_articles import score_st1, score_st2, write_article_labels
from propwatch.framing.model import GenreFramesModel
from propwatch.framing.representation import ArticleEncoder
from propwatch.framing.signals import ReadPersuasion
from propwatch.framing.tasks import label_articles
from propwatch.ingest.shared_task import shared_task_article
from propwatch.settings import Settings
from propwatch.training.genre_frames_data import LabelledArticle, read_labelled_articles, split_articles

ALL: Final = "all"
FILES: Final = ("st1-gold.txt", "st1-pred.txt", "st2-gold.txt", "st2-pred.txt")


@dataclass(frozen=True)
class GenreFramesEvaluation:
    """Per language folder code and pooled (``all``): genre macro-F1 and articles right, frames micro-F1."""

    version: str
    genre_macro_f1: dict[str, float] = field(default_factory=dict)
    genre_right: dict[str, int] = field(default_factory=dict)
    genre_articles: dict[str, int] = field(default_factory=dict)
    frames_micro_f1: dict[str, float] = field(default_factory=dict)
    frames_articles: dict[str, int] = field(default_factory=dict)
    # Per language code and ``all``: gold genre → predicted genre → articles.
    genre_confusion: dict[str, dict[str, dict[str, int]]] = field(default_factory=dict)
    # Per frame, all validation articles pooled: precision, recall, F1, gold and predicted counts.
    frames_per_frame: dict[str, dict[str, float]] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "version": self.version,
            "genre_macro_f1": self.genre_macro_f1,
            "genre_right": self.genre_right,
            "genre_articles": self.genre_articles,
            "frames_micro_f1": self.frames_micro_f1,
            "frames_articles": self.frames_articles,
            "genre_confusion": self.genre_confusion,
            "frames_per_frame": self.frames_per_frame,
        }


def _confusion(
    gold: Sequence[ArticleLabelsRecord], predicted: Sequence[ArticleLabelsRecord]
) -> dict[str, dict[str, int]]:
    """Gold genre → predicted genre → articles (an article without a prediction counts as "none")."""
    table: dict[str, dict[str, int]] = {}
    for g, p in zip(gold, predicted, strict=True):
        row = table.setdefault(g.labels[0] if g.labels else "none", {})
        chosen = p.labels[0] if p.labels else "none"
        row[chosen] = row.get(chosen, 0) + 1
    return table


def _record(article: LabelledArticle, labels: Sequence[str]) -> ArticleLabelsRecord:
    return ArticleLabelsRecord(article.key, tuple(labels))


def evaluate_genre_frames_model(
    model: GenreFramesModel,
    data_dir: Path,
    settings: Settings,
    encoder: ArticleEncoder,
    *,
    read_persuasion: ReadPersuasion | None = None,
    write_to: Path | None = None,
    progress: Callable[[str], None] | None = None,
) -> GenreFramesEvaluation:
    """Official subtask-1 and subtask-2 figures of ``model`` on its validation articles in ``data_dir``."""
    config = model.meta.get("config", {})
    articles = read_labelled_articles(data_dir)
    splits = split_articles(
        data_dir,
        articles,
        seed=int(config.get("seed", 13)),
        fraction=float(config.get("validation_fraction", 0.15)),
    )
    held_out = [a for a in articles if a.article_id in set(splits[a.code].validation)]
    result = GenreFramesEvaluation(version=model.version)
    files: dict[str, list[ArticleLabelsRecord]] = {name: [] for name in FILES}
    # The corpus says the language, as the technique evaluation takes it; detection is not judged here.
    documents = {
        a.key: shared_task_article(settings, a.text, a.key, a.key).model_copy(update={"language": a.language})
        for a in held_out
    }
    # Genre and frames read the same article vectors: remember them all, so each article is embedded once.
    remembering = ArticleEncoder(encoder.encode, encoder.count, remember=len(documents))
    for subtask, wanted in (
        ("st1", [a for a in held_out if a.genre is not None]),
        ("st2", [a for a in held_out if a.frames is not None]),
    ):
        if progress:
            progress(f"{subtask}: {len(wanted)} validation articles")
        chosen = [documents[a.key] for a in wanted]
        if subtask == "st1":
            labelled = label_articles(
                chosen, "genre", model, remembering, settings, read_persuasion=read_persuasion
            )
        else:
            labelled = label_articles(
                chosen, "frames", model, remembering, settings, read_persuasion=read_persuasion
            )
        found = {r.article_id: r for r in labelled}
        gold = {
            a.key: _record(a, [a.genre] if subtask == "st1" and a.genre else a.frames or ()) for a in wanted
        }
        files[f"{subtask}-gold.txt"] = list(gold.values())
        files[f"{subtask}-pred.txt"] = [found[key] for key in gold]
        for code in [*sorted({a.code for a in wanted}), ALL]:
            keys = [a.key for a in wanted if code in (ALL, a.code)]
            gold_part, pred_part = [gold[k] for k in keys], [found[k] for k in keys]
            if subtask == "st1":
                result.genre_macro_f1[code] = score_st1(gold_part, pred_part).f1
                result.genre_right[code] = sum(
                    g.labels == p.labels for g, p in zip(gold_part, pred_part, strict=True)
                )
                result.genre_articles[code] = len(keys)
                result.genre_confusion[code] = _confusion(gold_part, pred_part)
            else:
                scores = score_st2(gold_part, pred_part)
                result.frames_micro_f1[code] = scores.f1
                result.frames_articles[code] = len(keys)
                if code == ALL:
                    result.frames_per_frame.update(seen_label_figures(scores.per_label))
    if write_to is not None:
        write_to.mkdir(parents=True, exist_ok=True)
        for name, records in files.items():
            write_article_labels(write_to / name, records)
    return result
