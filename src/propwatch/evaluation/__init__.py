"""Official shared-task metrics (PTC 2020 SI/TC, SemEval-2023 Task 3 subtask 3) and their file formats."""

from propwatch.evaluation.formats import (
    ArticleLabelsRecord,
    ParagraphLabelsRecord,
    ParagraphTemplateRecord,
    SpanRecord,
    TechniqueSpanRecord,
    read_article_labels,
    read_paragraph_labels,
    read_paragraph_template,
    read_si_labels,
    read_technique_spans,
    write_paragraph_labels,
    write_si_labels,
    write_technique_spans,
)
from propwatch.evaluation.ptc import merge_overlapping, score_si, score_tc, score_technique_spans
from propwatch.evaluation.scores import LabelScores, Scores
from propwatch.evaluation.scoring import TASKS, score_files
from propwatch.evaluation.semeval23 import score_st3

__all__ = [
    "TASKS",
    "ArticleLabelsRecord",
    "LabelScores",
    "ParagraphLabelsRecord",
    "ParagraphTemplateRecord",
    "Scores",
    "SpanRecord",
    "TechniqueSpanRecord",
    "merge_overlapping",
    "read_article_labels",
    "read_paragraph_labels",
    "read_paragraph_template",
    "read_si_labels",
    "read_technique_spans",
    "score_files",
    "score_si",
    "score_st3",
    "score_tc",
    "score_technique_spans",
    "write_paragraph_labels",
    "write_si_labels",
    "write_technique_spans",
]
