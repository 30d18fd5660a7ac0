"""Scoring a technique model on our own validation split with the official metrics, inference only.

The split is the one the model's training carved (by article; the seed and fraction its model.json
records, seed 13 and 15% when it records none), checked against the fingerprints it records; they are
returned so a quality gate can pin them. Scoring runs the model exactly as an analyst's run does
(onnxruntime).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from propwatch.corpora import (
    ArticleSplit,
    read_ptc,
    read_ptc_si,
    read_semeval2023,
    split_by_article,
    split_fingerprint,
)
from propwatch.errors import ConfigurationError, InputNotFoundError
from propwatch.evaluation.formats import ParagraphLabelsRecord, SpanRecord, TechniqueSpanRecord
from propwatch.evaluation.ptc import score_si, score_tc, score_technique_spans
from propwatch.evaluation.scores import seen_label_figures
from propwatch.evaluation.semeval23 import score_st3
from propwatch.models.taxonomy import SEMEVAL23_TECHNIQUES, SEMEVAL23_TO_PTC
from propwatch.models.techniques import MODEL_FILE, TechniqueModel

SEMEVAL23_FOLDER = "semeval2023_task3"
PTC_FOLDER = "ptc_semeval2020_task11"
LANGUAGES = ("en", "fr", "ge", "it", "po", "ru")
SPLIT_SEED = 13  # the split of a model whose model.json records none
SPLIT_FRACTION = 0.15


@dataclass(frozen=True)
class ModelSplit:
    """The validation split a technique model was trained and tuned on, as its model.json records it."""

    seed: int = SPLIT_SEED
    fraction: float = SPLIT_FRACTION
    fingerprints: Mapping[str, str] = field(default_factory=dict)  # SemEval folder code → fingerprint
    where: str = "the default split"  # the model.json it comes from, for errors

    @classmethod
    def of(cls, model: TechniqueModel) -> ModelSplit:
        return cls.from_card(model.card.raw, str(model.folder / MODEL_FILE))

    @classmethod
    def from_card(cls, card: Mapping[str, Any], where: str) -> ModelSplit:
        """``training.split`` (seed, fraction) and ``training.split_fingerprints`` of a model.json; the
        training config's seed and validation_fraction, then the defaults, where those are absent."""
        training = card.get("training") or {}
        split = training.get("split")
        split = split if isinstance(split, Mapping) else {}
        seed = split.get("seed", training.get("seed", SPLIT_SEED))
        fraction = split.get("fraction", training.get("validation_fraction", SPLIT_FRACTION))
        fingerprints = training.get("split_fingerprints") or {}
        if isinstance(seed, bool) or not isinstance(seed, int):
            raise ConfigurationError(where, f"training.split: seed must be a whole number, got {seed!r}")
        if isinstance(fraction, bool) or not isinstance(fraction, int | float) or not 0 < fraction < 1:
            raise ConfigurationError(where, f"training.split: fraction must be in (0, 1), got {fraction!r}")
        if not isinstance(fingerprints, Mapping):
            raise ConfigurationError(where, "training.split_fingerprints must map language codes to text")
        return cls(seed, float(fraction), {str(k): str(v) for k, v in fingerprints.items()}, where)

    def describe(self) -> str:
        return f"seed {self.seed}, {self.fraction:.0%}"

    def split(self, code: str, article_ids: Iterable[str], data: Path) -> ArticleSplit:
        """``code``'s articles split as the model's training split them; refused when the model records
        another fingerprint for it (other data: its training articles could be scored as validation)."""
        split = split_by_article(article_ids, seed=self.seed, fraction=self.fraction)
        recorded = self.fingerprints.get(code)
        if recorded is not None and recorded != split_fingerprint(split):
            raise ConfigurationError(
                self.where,
                f"the model was trained with the {code} validation split {recorded} ({self.describe()}), "
                f"but the {code} articles of {data} split that way give {split_fingerprint(split)}: use the "
                "data the model was trained on",
            )
        return split


@dataclass(frozen=True)
class TechniqueEvaluation:
    """Official figures of one model on the validation split."""

    st3_micro_f1: dict[str, float] = field(default_factory=dict)  # SemEval-2023 folder code → micro-F1
    st3_macro_f1: dict[str, float] = field(default_factory=dict)
    ptc_si_f1: float | None = None  # English validation articles, PTC's own texts and SI gold
    ptc_tc_micro_f1: float | None = None  # the same articles' gold PTC spans, each given one class
    fingerprints: dict[str, str] = field(default_factory=dict)
    articles: dict[str, int] = field(default_factory=dict)
    st3_precision: dict[str, float] = field(default_factory=dict)  # micro, per language
    st3_recall: dict[str, float] = field(default_factory=dict)
    # Per technique, the (paragraph, technique) pairs of every language scored pooled: P, R, F1, counts.
    st3_per_technique: dict[str, dict[str, float]] = field(default_factory=dict)
    ptc_tc_per_class: dict[str, dict[str, float]] = field(default_factory=dict)  # PTC class → P, R, F1…
    # The model's spans (the analyzer's, before it drops function-word-only ones) against SemEval-2023 gold
    # spans (score_technique_spans): per language, "all" (languages pooled), and per technique, pooled.
    technique_spans: dict[str, dict[str, float]] = field(default_factory=dict)
    technique_spans_per_technique: dict[str, dict[str, float]] = field(default_factory=dict)


def evaluate_technique_model(
    model: TechniqueModel,
    data_dir: Path,
    *,
    languages: Sequence[str] | None = None,
    progress: Callable[[str], None] | None = None,
) -> TechniqueEvaluation:
    """Subtask-3 micro/macro-F1 per language, PTC span F1 and PTC technique micro-F1 of ``model`` on the
    validation split its model.json records (:class:`ModelSplit`). ``languages`` defaults to those of
    :data:`LANGUAGES` present in ``data_dir``."""
    semeval = data_dir / SEMEVAL23_FOLDER
    if languages is None:
        languages = [code for code in LANGUAGES if (semeval / code).is_dir()]
    if not semeval.is_dir() or not languages:
        raise InputNotFoundError(str(semeval), "no SemEval-2023 Task 3 data here")
    recorded = ModelSplit.of(model)
    corpora = {code: read_semeval2023(semeval, code) for code in languages}
    # Every language's split is checked before any is scored: a refusal comes before the work.
    splits = {code: recorded.split(code, corpus.article_ids(), semeval) for code, corpus in corpora.items()}
    result = TechniqueEvaluation()
    pooled_gold: list[ParagraphLabelsRecord] = []
    pooled_found: list[ParagraphLabelsRecord] = []
    span_gold: list[TechniqueSpanRecord] = []
    span_found: list[TechniqueSpanRecord] = []
    for code, corpus in corpora.items():
        split = splits[code]
        result.fingerprints[code] = split_fingerprint(split)
        wanted = set(split.validation)
        articles = [a for a in corpus.articles if a.article_id in wanted]
        result.articles[code] = len(articles)
        if progress:
            progress(f"{code}: {len(articles)} validation articles")
        predicted = model.paragraph_techniques([a.text for a in articles], [a.language for a in articles])
        gold: list[ParagraphLabelsRecord] = []
        found: list[ParagraphLabelsRecord] = []
        for article, by_paragraph in zip(articles, predicted, strict=True):
            for paragraph in article.paragraphs:
                gold.append(ParagraphLabelsRecord(article.article_id, paragraph.number, paragraph.techniques))
                found.append(
                    ParagraphLabelsRecord(
                        article.article_id, paragraph.number, by_paragraph.get(paragraph.number, ())
                    )
                )
        # Gold may name techniques the model lacks: score over the whole taxonomy, as the task does.
        scores = score_st3(gold, found, techniques=SEMEVAL23_TECHNIQUES)
        result.st3_micro_f1[code] = float(scores.f1)
        result.st3_macro_f1[code] = float(scores.macro_f1 or 0.0)
        result.st3_precision[code], result.st3_recall[code] = float(scores.precision), float(scores.recall)
        # Article ids are unique within a language only.
        pooled_gold.extend(replace(r, article_id=f"{code}:{r.article_id}") for r in gold)
        pooled_found.extend(replace(r, article_id=f"{code}:{r.article_id}") for r in found)
        # The model remembers the texts it just read, so the spans cost no second encoder pass.
        shown = model.predict([a.text for a in articles], [a.language for a in articles])
        own_gold = [
            TechniqueSpanRecord(f"{code}:{a.article_id}", s.technique, s.start, s.end)
            for a in articles
            for s in a.spans
        ]
        own_found = [
            TechniqueSpanRecord(f"{code}:{a.article_id}", s.technique, s.start, s.end)
            for a, spans in zip(articles, shown, strict=True)
            for s in spans
        ]
        result.technique_spans[code] = score_technique_spans(own_gold, own_found).label_figures()
        span_gold.extend(own_gold)
        span_found.extend(own_found)
        if code == "en":
            result = _with_ptc(result, model, data_dir / PTC_FOLDER, wanted)
    pooled = score_st3(pooled_gold, pooled_found, techniques=SEMEVAL23_TECHNIQUES)
    spans = score_technique_spans(span_gold, span_found)
    result.technique_spans["all"] = spans.label_figures()
    return replace(
        result,
        st3_per_technique=seen_label_figures(pooled.per_label),
        technique_spans_per_technique=seen_label_figures(spans.per_label),
    )


def _with_ptc(
    result: TechniqueEvaluation, model: TechniqueModel, folder: Path, wanted: set[str]
) -> TechniqueEvaluation:
    # PTC texts differ from SemEval-2023 English ones in line breaks, so PTC gold needs PTC's own texts.
    if not folder.is_dir():
        return result
    articles = [a for a in read_ptc(folder).articles if a.article_id in wanted]
    gold = [r for r in read_ptc_si(folder) if r.article_id in wanted]
    texts, languages = [a.text for a in articles], [a.language for a in articles]
    view = model.ptc_view()
    predicted: list[SpanRecord] = []
    gold_tc: list[TechniqueSpanRecord] = []
    predicted_tc: list[TechniqueSpanRecord] = []
    for article, (spans, probs) in zip(articles, model.read(texts, languages), strict=True):
        own = probs.ptc_spans(article.text, view)
        if own is None:
            own = [(s.start, s.end) for s in spans if SEMEVAL23_TO_PTC.get(s.technique) is not None]
        predicted.extend(SpanRecord(article.article_id, start, end) for start, end in own)
        ranges = [(span.start, span.end) for span in article.spans]
        for span, chosen in zip(article.spans, probs.ptc_classes(article.text, ranges, view), strict=True):
            gold_tc.append(TechniqueSpanRecord(article.article_id, span.technique, span.start, span.end))
            predicted_tc.append(TechniqueSpanRecord(article.article_id, chosen, span.start, span.end))
    tc = score_tc(gold_tc, predicted_tc) if gold_tc else None
    return replace(
        result,
        ptc_si_f1=float(score_si(gold, predicted).f1),
        ptc_tc_micro_f1=float(tc.f1) if tc else None,
        ptc_tc_per_class=seen_label_figures(tc.per_label) if tc else {},
    )
