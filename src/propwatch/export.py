"""Writing analyses in the formats analysts load elsewhere: JSON, JSON Lines, CSV."""

from __future__ import annotations

import csv
import json
from collections import Counter
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any, Literal, TextIO

from pydantic import BaseModel, ConfigDict, Field

from propwatch.domain import Analysis, Label, Span
from propwatch.models.taxonomy import TECHNIQUES
from propwatch.narratives.catalogue import (
    MAX_EVIDENCE,
    NARRATIVE_LABEL,
    NARRATIVE_SPAN_PREFIX,
    analysis_threshold,
    match_links,
)
from propwatch.summary import ArticleSummary, summarize, target_findings, target_line
from propwatch.targets.linking import NarrativeAttacks, is_narrative
from propwatch.targets.records import TargetOut, target_out

if TYPE_CHECKING:  # the MinHash module costs a second and a half to import
    from propwatch.republication.minhash import RepublicationCluster

ExportFormat = Literal["json", "jsonl", "csv"]
FORMATS: tuple[ExportFormat, ...] = ("json", "jsonl", "csv")

# One CSV row per span, article columns repeated, so a spreadsheet filter on a label just works.
CSV_COLUMNS = (
    "article_id",
    "title",
    "url",
    "outlet",
    "published",
    "place",
    "author",
    "sources",
    "language",
    "genre_tag",
    "model_version",
    "genre",
    "genre_disagrees",
    "top_frames",
    "propaganda_share",
    "techniques_per_1000_words",
    "words",
    "technique_spans",
    "per_technique",
    "per_category",
    "dominant_category",
    "targets",
    "labels",
    "span_start",
    "span_end",
    "span_label",
    "span_score",
    "span_analyzer",
    "span_text",
    "span_targets",
    "span_category",
    "span_explanation",
    "span_threshold",
    "span_links",
    "span_reported_label",
)


class SpanOut(Span):
    """A span as written out: its evidence and what it means, readable without slicing offsets or a
    taxonomy at hand."""

    text: str = Field(description="The span's text: article.text[start:end].")
    category: str | None = Field(
        description="For a technique: its SemEval-2023 category (e.g. 'Attack on Reputation'); else null."
    )
    explanation: str | None = Field(
        description="For a technique: what it is, in one line for analysts; for a narrative's evidence: the "
        "narrative's title and catalogue, when a catalogue in use defines it; else null."
    )
    threshold: float | None = Field(
        description="For a narrative's evidence: the similarity a sentence of the article's language needs "
        "to be evidence, with the thresholds in use (its score is a cosine similarity, not a "
        "probability: score - threshold is its margin); else null."
    )
    links: list[str] = Field(
        description="For a narrative's evidence: up to 3 links documenting the narrative in its catalogue "
        "(EUvsDisinfo case reports, for an import); else []."
    )
    reported_label: bool = Field(
        description="For an attacking or praising technique: whether it reports a label someone else "
        "gives its target ('in order to then call Russia the aggressor'), not the author's own; it counts "
        "as neutral evidence about the target (docs/targets.md)."
    )

    @classmethod
    def of(
        cls,
        span: Span,
        text: str,
        narrative_titles: Mapping[str, str] | None = None,
        *,
        threshold: float | None = None,
        reported: bool = False,
    ) -> SpanOut:
        """``span`` written out; ``threshold``: its article's narrative threshold (for narrative evidence),
        ``reported``: whether it is a reported label (:func:`target_findings`)."""
        category, explanation = span_meaning(span.label, narrative_titles)
        narrative = span.label.removeprefix(NARRATIVE_SPAN_PREFIX) if is_narrative(span) else None
        return cls(
            **span.model_dump(),
            text=text[span.start : span.end],
            category=category,
            explanation=explanation,
            threshold=threshold if narrative is not None else None,
            links=list(match_links(narrative, narrative_titles)) if narrative is not None else [],
            reported_label=reported,
        )


class NarrativeMatchOut(BaseModel):
    """A narrative the article was matched to: a lead to check against its evidence sentences, not a
    finding (docs/narratives.md)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(description="The narrative's id in its catalogue.")
    title: str | None = Field(
        description="Its title and catalogue ('… (catalogue: pro-kremlin-starter)'), when a catalogue in "
        "use defines it."
    )
    similarity: float | None = Field(
        description="Cosine similarity of its best evidence sentence (about 0.75 for unrelated sentences, "
        "0.85-0.9 for a close paraphrase): compare it with the threshold, not with 0.5."
    )
    threshold: float | None = Field(
        description="The similarity a sentence of the article's language needed; null when the analysis "
        "was made with other catalogues or thresholds than those in use (`propwatch reanalyze`)."
    )
    sentences: int = Field(
        description=f"Its evidence sentences: the analyzer keeps the {MAX_EVIDENCE} most similar, so "
        f"{MAX_EVIDENCE} may stand for more."
    )
    links: list[str] = Field(description="Up to 3 links documenting the narrative (EUvsDisinfo cases).")

    def measure(self) -> str:
        """What the match rests on, in words: "similarity 0.871, threshold 0.819, 5+ sentences"."""
        more = "+" if self.sentences >= MAX_EVIDENCE else ""
        sentences = f"{self.sentences}{more} sentence{'' if self.sentences == 1 else 's'}"
        similarity = f"similarity {self.similarity:.3f}, " if self.similarity is not None else ""
        if self.threshold is None:
            return f"{similarity}{sentences}; {UNKNOWN_THRESHOLD}"
        return f"{similarity}threshold {self.threshold:.3f}, {sentences}"


def narrative_matches(
    analysis: Analysis, narrative_titles: Mapping[str, str] | None = None
) -> list[NarrativeMatchOut]:
    """The article's narrative matches, as the analyzer ranked them (best first), each with the threshold
    its language needs and, from ``narrative_titles``, its title and case links."""
    found = [label for label in analysis.labels if label.name == NARRATIVE_LABEL]
    if not found:
        return []
    threshold = analysis_threshold(analysis, narrative_titles)
    evidence = Counter(span.label for span in analysis.spans if is_narrative(span))
    return [
        NarrativeMatchOut(
            id=label.value,
            title=(narrative_titles or {}).get(label.value),
            similarity=label.score,
            threshold=threshold,
            sentences=evidence.get(f"{NARRATIVE_SPAN_PREFIX}{label.value}", 0),
            links=list(match_links(label.value, narrative_titles)),
        )
        for label in found
    ]


UNKNOWN_THRESHOLD = "matched with other catalogues or thresholds than those in use"


def similarity_text(score: float | None, threshold: float | None) -> str:
    """A narrative evidence sentence's score, named for what it is: "similarity 0.854, threshold 0.819"."""
    similarity = f"similarity {score:.3f}" if score is not None else ""
    if threshold is None:
        return f"{similarity} ({UNKNOWN_THRESHOLD})".strip()
    return (f"{similarity}, " if similarity else "") + f"threshold {threshold:.3f}"


def span_meaning(
    label: str, narrative_titles: Mapping[str, str] | None = None
) -> tuple[str | None, str | None]:
    """(category, explanation) of a span label: a technique's, or a narrative's title from
    ``narrative_titles`` (:func:`propwatch.narratives.catalogue.narrative_titles`); (None, None) else."""
    if technique := TECHNIQUES.get(label):
        return technique.category, technique.explanation
    if label.startswith(NARRATIVE_SPAN_PREFIX) and narrative_titles:
        return None, narrative_titles.get(label.removeprefix(NARRATIVE_SPAN_PREFIX))
    return None, None


def analysis_record(
    analysis: Analysis,
    *,
    include_raw: bool = False,
    narrative_attacks: NarrativeAttacks | None = None,
    narrative_titles: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """The JSON-ready form of an analysis, as described by docs/analysis.schema.json; ``targets`` counts
    narrative evidence when given the catalogues' ``narrative_attacks``; narrative matches and their
    evidence are explained by the catalogues' ``narrative_titles``."""
    record = analysis.model_dump(mode="json")
    if not include_raw:
        record["article"]["raw"] = None  # raw HTML can be megabytes; provenance is kept in the store
    text = analysis.article.text
    targets = target_findings(analysis, narrative_attacks)
    matches = narrative_matches(analysis, narrative_titles)
    threshold = evidence_threshold(analysis, narrative_titles)
    record["spans"] = [
        SpanOut.of(
            span, text, narrative_titles, threshold=threshold, reported=span in targets.reported
        ).model_dump(mode="json")
        for span in analysis.spans
    ]
    record["model_version"] = analysis.model_version
    record["summary"] = summarize(analysis).model_dump(mode="json")
    record["narratives"] = [match.model_dump(mode="json") for match in matches]
    record["targets"] = [target_out(profile).model_dump(mode="json") for profile in targets.profiles]
    return record


def evidence_threshold(analysis: Analysis, narrative_titles: Mapping[str, str] | None) -> float | None:
    """The narrative threshold of the article, when it has narrative evidence (None else: no matcher)."""
    if any(is_narrative(span) for span in analysis.spans):
        return analysis_threshold(analysis, narrative_titles)
    return None


def republications_record(cluster: RepublicationCluster | None) -> dict[str, Any]:
    """An article's republication cluster as JSON, the shape of the API's /republications."""
    if cluster is None:
        return {"cluster_id": None, "copies": []}
    return {
        "cluster_id": cluster.cluster_id,
        "copies": [
            {
                "article_id": copy.article_id,
                "url": copy.url,
                "outlet": copy.outlet,
                "published": copy.published.isoformat() if copy.published else None,
                "title": copy.title,
            }
            for copy in cluster.copies
        ],
    }


def analysis_json_schema() -> dict[str, Any]:
    schema = Analysis.model_json_schema(mode="serialization")
    schema["properties"]["model_version"] = {
        "type": "string",
        "description": "name=version of every analyzer, joined by ';' ('none' when no analyzer ran)",
    }
    summary = ArticleSummary.model_json_schema(mode="serialization", ref_template="#/$defs/{model}")
    schema.setdefault("$defs", {}).update(summary.pop("$defs", {}))
    schema["$defs"]["ArticleSummary"] = summary
    schema["properties"]["summary"] = {
        "$ref": "#/$defs/ArticleSummary",
        "description": "Article-level figures: technique coverage and counts, top frames, genre and "
        "whether it disagrees with the page's own tag",
    }
    target = TargetOut.model_json_schema(mode="serialization", ref_template="#/$defs/{model}")
    schema["$defs"].update(target.pop("$defs", {}))
    schema["$defs"]["TargetOut"] = target
    match = NarrativeMatchOut.model_json_schema(mode="serialization", ref_template="#/$defs/{model}")
    schema["$defs"]["NarrativeMatchOut"] = match
    schema["properties"]["narratives"] = {
        "type": "array",
        "items": {"$ref": "#/$defs/NarrativeMatchOut"},
        "description": "The catalogue narratives the article was matched to, best first, with the "
        "similarity, the threshold it was compared with and the case links: leads to check against their "
        "evidence sentences (docs/narratives.md)",
    }
    schema["properties"]["targets"] = {
        "type": "array",
        "items": {"$ref": "#/$defs/TargetOut"},
        "description": "Whom the article's techniques and narratives are aimed at, most evidence first "
        "(docs/targets.md)",
    }
    copy = {"type": ["string", "null"]}
    schema["properties"]["republications"] = {
        "type": "object",
        "description": "Only in `propwatch show`: every stored copy of the text, the earliest-published "
        "(origin) first, copies of one date by outlet name, undated ones last; cluster_id is the origin's "
        "article id, null when no copy is stored",
        "properties": {
            "cluster_id": copy,
            "copies": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "article_id": {"type": "string"},
                        "url": copy,
                        "outlet": copy,
                        "published": {"type": ["string", "null"], "format": "date"},
                        "title": copy,
                    },
                },
            },
        },
    }
    # An analysis's spans carry more than the Span type (which the targets' evidence shares).
    schema["$defs"]["SpanOut"] = SpanOut.model_json_schema(mode="serialization")
    schema["properties"]["spans"]["items"] = {"$ref": "#/$defs/SpanOut"}
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "propwatch analysis"
    return schema


def _counts(counts: dict[str, int]) -> str | None:
    # "Loaded_Language=3; Doubt=2": one cell a spreadsheet can search, most frequent first
    return "; ".join(f"{name}={n}" for name, n in counts.items()) or None


# Analyzers whose labels have columns of their own (genre, top_frames, targets): the labels column
# holds every other analyzer's (narratives, plugins).
_LABELS_IN_COLUMNS = frozenset({"genre", "frames", "targets"})


def _csv_rows(
    analysis: Analysis,
    narrative_attacks: NarrativeAttacks | None,
    narrative_titles: Mapping[str, str] | None = None,
) -> Iterable[dict[str, Any]]:
    article = analysis.article
    summary = summarize(analysis)
    profiles, reported = target_findings(analysis, narrative_attacks)
    matches = narrative_matches(analysis, narrative_titles)
    measures = {match.id: match.measure() for match in matches}
    threshold = evidence_threshold(analysis, narrative_titles)
    # A spreadsheet filter on span_targets lists every span aimed at one target.
    aimed_at: dict[tuple[int, int, str], list[str]] = {}
    for profile in profiles:
        for evidence in profile.evidence:
            aimed_at.setdefault((evidence.start, evidence.end, evidence.label), []).append(profile.name)
    base = {
        "article_id": article.id,
        "title": article.title,
        "url": article.url,
        "outlet": article.outlet,
        "published": article.published.isoformat() if article.published else None,
        # provenance a plain text gives in its dateline and Source: line, with no outlet or URL
        "place": article.place,
        "author": article.author,
        "sources": "; ".join(article.sources) or None,
        "language": article.language,
        "genre_tag": article.genre_tag,
        "model_version": analysis.model_version,
        "genre": summary.genre,
        "genre_disagrees": summary.genre_disagrees,
        "top_frames": ",".join(f.frame for f in summary.top_frames) or None,
        "propaganda_share": summary.propaganda_share,
        "techniques_per_1000_words": summary.techniques_per_1000_words,
        "words": summary.words,
        "technique_spans": summary.technique_spans if summary.techniques_measured else None,
        "per_technique": _counts(summary.per_technique),
        "per_category": _counts(summary.per_category),
        "dominant_category": summary.dominant_category,
        "targets": "; ".join(target_line(p) for p in profiles if p.techniques) or None,
        "labels": "; ".join(
            _label_cell(label, measures)
            for label in analysis.labels
            if label.analyzer not in _LABELS_IN_COLUMNS
        )
        or None,
    }
    if not analysis.spans:
        yield base  # every article appears, even one with nothing found
    for span in sorted(analysis.spans, key=lambda s: (s.start, s.end, s.label)):
        out = SpanOut.of(span, article.text, narrative_titles, threshold=threshold, reported=span in reported)
        yield {
            **base,
            "span_start": span.start,
            "span_end": span.end,
            "span_label": span.label,
            "span_score": span.score,
            "span_analyzer": span.analyzer,
            "span_text": span.text_of(article),
            "span_targets": ", ".join(aimed_at.get((span.start, span.end, span.label), ())) or None,
            "span_category": out.category,
            "span_explanation": out.explanation,
            "span_threshold": out.threshold,
            "span_links": " ".join(out.links) or None,  # URLs hold no space
            "span_reported_label": out.reported_label,
        }


def _label_cell(label: Label, measures: Mapping[str, str]) -> str:
    """A label in the CSV labels cell, "genre=opinion (0.93)"; a narrative says what its score is."""
    if label.name == NARRATIVE_LABEL and label.value in measures:
        return f"{label.name}={label.value} ({measures[label.value]})"
    return f"{label.name}={label.value}" + (f" ({label.score:.2f})" if label.score is not None else "")


# A cell starting with one of these runs as a formula in Excel or LibreOffice (OWASP "CSV injection").
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(cell: Any) -> Any:
    """``cell``, with a ``'`` before text a spreadsheet would run as a formula: titles and spans come
    from the pages analysed, hostile ones included. Numbers, and text that reads as one, stay as they are."""
    if not isinstance(cell, str) or not cell.startswith(_FORMULA_STARTS):
        return cell
    try:
        float(cell)
    except ValueError:
        return "'" + cell
    return cell


def write_analyses(
    analyses: Iterable[Analysis],
    fmt: ExportFormat,
    out: TextIO,
    narrative_attacks: NarrativeAttacks | None = None,
    republications: Mapping[str, RepublicationCluster | None] | None = None,
    narrative_titles: Mapping[str, str] | None = None,
) -> int:
    """Write ``analyses`` to ``out`` in ``fmt``; returns how many were written. JSON records carry the
    ``republications`` of the articles whose ids that mapping holds."""
    count = 0

    def record_of(analysis: Analysis) -> dict[str, Any]:
        record = analysis_record(
            analysis, narrative_attacks=narrative_attacks, narrative_titles=narrative_titles
        )
        if republications is not None and analysis.article.id in republications:
            record["republications"] = republications_record(republications[analysis.article.id])
        return record

    if fmt == "jsonl":
        for analysis in analyses:
            record = record_of(analysis)
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
            count += 1
    elif fmt == "json":
        out.write("[")
        for analysis in analyses:
            out.write(",\n" if count else "\n")
            record = record_of(analysis)
            out.write(json.dumps(record, ensure_ascii=False, indent=2))
            count += 1
        out.write("\n]\n" if count else "]\n")
    elif fmt == "csv":
        writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS)
        writer.writeheader()
        for analysis in analyses:
            writer.writerows(
                {key: spreadsheet_safe(value) for key, value in row.items()}
                for row in _csv_rows(analysis, narrative_attacks, narrative_titles)
            )
            count += 1
    else:
        raise ValueError(f"unknown export format {fmt!r}")
    return count
