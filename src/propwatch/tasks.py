"""Shared-task predictions from the technique model: PTC (SemEval-2020 Task 11) SI and TC, SemEval-2023
Task 3 subtask 3. Articles are read byte-exact from an ``article<ID>.txt`` folder, so the offsets written
apply to the official files unchanged; the output records go to :mod:`propwatch.evaluation` writers.

PTC view: the model reports SemEval-2023 techniques; a PTC class scores the best of the SemEval-2023
techniques it covers (:data:`~propwatch.models.taxonomy.SEMEVAL23_TO_PTC`). Techniques PTC has no class
for (Appeal_to_Values, Consequential_Oversimplification, Appeal_to_Time, Obfuscation-Vagueness-Confusion,
Questioning_the_Reputation) are left out of the PTC tasks.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final, Generic, TypeVar

from propwatch.corpora.corpus import paragraph_ranges
from propwatch.domain import Article, Failure
from propwatch.errors import InputError
from propwatch.evaluation.formats import (
    TEMPLATE_TECHNIQUE,
    ParagraphLabelsRecord,
    ParagraphTemplateRecord,
    SpanRecord,
    TechniqueSpanRecord,
    read_paragraph_template,
    read_technique_spans,
)
from propwatch.evaluation.ptc import merge_overlapping
from propwatch.ingest.shared_task import read_shared_task_folder
from propwatch.models.taxonomy import PTC_TECHNIQUES
from propwatch.models.techniques import TechniqueModel
from propwatch.settings import Settings

_ARTICLE_FILE = re.compile(r"^article(.+)\.txt$")
ARTICLES_PER_CALL: Final = 8  # articles whose windows share onnxruntime calls
Progress = Callable[[int, int], None]  # called with (articles done, articles in all)
# A model, or what loads it: loaded only once the template and the articles have been checked.
ModelSource = TechniqueModel | Callable[[], TechniqueModel]

R = TypeVar("R")


@dataclass
class TaskPrediction(Generic[R]):
    """The records to write, and the article files that could not be read."""

    records: list[R] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)
    articles: int = 0


def _articles(
    articles_dir: Path, settings: Settings, wanted: set[str] | None, failures: list[Failure]
) -> list[Article]:
    found = []
    for item in read_shared_task_folder(articles_dir, settings):
        if isinstance(item, Failure):
            failures.append(item)
        elif wanted is None or item.external_id in wanted:
            found.append(item)
    return found


def _model(source: ModelSource) -> TechniqueModel:
    return source if isinstance(source, TechniqueModel) else source()


def _chunks(articles: Sequence[Article]) -> Iterator[Sequence[Article]]:
    for first in range(0, len(articles), ARTICLES_PER_CALL):
        yield articles[first : first + ARTICLES_PER_CALL]


def _require_articles(
    where: Path, ids: set[str], articles: Sequence[Article], failures: list[Failure]
) -> None:
    have = {a.external_id for a in articles}
    unreadable = {m.group(1) for f in failures if (m := _ARTICLE_FILE.search(Path(f.input).name))}
    # An article whose file exists but could not be read is reported with its reason, not as missing.
    missing = sorted(ids - have - unreadable, key=lambda i: (len(i), i))
    if missing:
        raise InputError(str(where), f"names articles that are not in the folder: {', '.join(missing[:5])}")


def _require_paragraphs(
    template: Path, rows: Sequence[ParagraphTemplateRecord], articles: Sequence[Article]
) -> None:
    """Every template paragraph is a non-empty line of its article: checked before any prediction,
    since a wrong folder or template would otherwise come out as paragraphs without techniques."""
    lines = {a.external_id: paragraph_ranges(a.text) for a in articles}
    for row in rows:
        if row.article_id in lines and row.paragraph not in lines[row.article_id]:
            raise InputError(
                str(template),
                f"names paragraph {row.paragraph} of article {row.article_id}, which is not a non-empty "
                f"line of article{row.article_id}.txt ({len(lines[row.article_id])} non-empty lines)",
            )


def predict_ptc_si(
    articles_dir: Path, source: ModelSource, settings: Settings, progress: Progress | None = None
) -> TaskPrediction[SpanRecord]:
    """PTC span identification, overlaps merged, per article: the PTC view's own decoding when the model
    has one, else the technique spans of techniques with a PTC class."""
    result: TaskPrediction[SpanRecord] = TaskPrediction()
    articles = _articles(articles_dir, settings, None, result.failures)
    model = _model(source)
    ptc_techniques = {t for covered in model.ptc_mapping().values() for t in covered}
    view = model.ptc_view()
    for chunk in _chunks(articles):
        texts, languages = [a.text for a in chunk], [a.language for a in chunk]
        found: list[list[tuple[int, int]]]
        if view.si is not None:  # the view decodes PTC spans itself: no technique spans needed
            identify = view.si
            probabilities = model.token_probabilities(texts, languages)
            found = [identify.spans(t, p.ranges, p.inside) for t, p in zip(texts, probabilities, strict=True)]
        else:
            found = [
                [(s.start, s.end) for s in spans if s.technique in ptc_techniques]
                for spans in model.predict(texts, languages)
            ]
        for article, intervals in zip(chunk, found, strict=True):
            for start, end in merge_overlapping(intervals):
                result.records.append(SpanRecord(article.external_id or article.id, start, end))
        result.articles += len(chunk)
        if progress:
            progress(result.articles, len(articles))
    return result


def predict_ptc_tc(
    articles_dir: Path,
    template: Path,
    source: ModelSource,
    settings: Settings,
    progress: Progress | None = None,
) -> TaskPrediction[TechniqueSpanRecord]:
    """PTC technique classification: one PTC class for every span of ``template``, in its order."""
    rows = read_technique_spans(template, allowed=(*PTC_TECHNIQUES, TEMPLATE_TECHNIQUE), template=True)
    result: TaskPrediction[TechniqueSpanRecord] = TaskPrediction()
    ids = {row.article_id for row in rows}
    articles = _articles(articles_dir, settings, ids, result.failures)
    _require_articles(template, ids, articles, result.failures)
    rows_of: dict[str, list[TechniqueSpanRecord]] = defaultdict(list)
    for row in rows:
        rows_of[row.article_id].append(row)
    for article in articles:
        article_id = article.external_id or article.id
        for row in rows_of[article_id]:
            if row.end > len(article.text):
                raise InputError(
                    str(template), f"span {row.start}-{row.end} ends past article {article_id}'s text"
                )
    model = _model(source)
    view = model.ptc_view(span_identification=False)  # classifies the template's spans: no SI tagger
    chosen: dict[tuple[str, int, int], str] = {}
    for chunk in _chunks(articles):
        for article, probs in zip(
            chunk,
            model.token_probabilities([a.text for a in chunk], [a.language for a in chunk]),
            strict=True,
        ):
            article_id = article.external_id or article.id
            ranges = [(row.start, row.end) for row in rows_of[article_id]]
            for (start, end), name in zip(ranges, probs.ptc_classes(article.text, ranges, view), strict=True):
                chosen[article_id, start, end] = name
        result.articles += len(chunk)
        if progress:
            progress(result.articles, len(articles))
    result.records = [
        TechniqueSpanRecord(row.article_id, chosen[row.article_id, row.start, row.end], row.start, row.end)
        for row in rows
        if (row.article_id, row.start, row.end) in chosen
    ]
    return result


def predict_semeval23_st3(
    articles_dir: Path,
    template: Path,
    source: ModelSource,
    settings: Settings,
    progress: Progress | None = None,
) -> TaskPrediction[ParagraphLabelsRecord]:
    """SemEval-2023 subtask 3: the techniques of every paragraph of ``template``, in its order."""
    rows = read_paragraph_template(template)
    result: TaskPrediction[ParagraphLabelsRecord] = TaskPrediction()
    ids = {row.article_id for row in rows}
    articles = _articles(articles_dir, settings, ids, result.failures)
    _require_articles(template, ids, articles, result.failures)
    _require_paragraphs(template, rows, articles)
    model = _model(source)
    by_paragraph: dict[tuple[str, int], tuple[str, ...]] = {}
    for chunk in _chunks(articles):
        found = model.paragraph_techniques([a.text for a in chunk], [a.language for a in chunk])
        for article, paragraphs in zip(chunk, found, strict=True):
            article_id = article.external_id or article.id
            for number, techniques in paragraphs.items():
                by_paragraph[article_id, number] = techniques
        result.articles += len(chunk)
        if progress:
            progress(result.articles, len(articles))
    read = {a.external_id for a in articles}
    result.records = [
        ParagraphLabelsRecord(
            row.article_id, row.paragraph, by_paragraph.get((row.article_id, row.paragraph), ())
        )
        for row in rows
        if row.article_id in read
    ]
    return result
