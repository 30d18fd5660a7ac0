"""Label Studio export: analyses as pre-annotated tasks, for analysts who review and correct them.

``propwatch export -f labelstudio`` writes a zip holding ``tasks.json`` (one task per article: the text
and its metadata under ``data``, every span and article label as one ``predictions`` entry) and
``config.xml``, the labelling interface those predictions fit: paste it into the project's *Labeling
Interface* before importing the tasks. Each analyzer's spans get their own ``Labels`` control
(``technique`` offers all 23 SemEval-2023 techniques, so a reviewer can relabel a span), genre and
frames their ``Choices``. Offsets are code points into the text, as in every propwatch format; a Label
Studio version that counts UTF-16 units instead (its issue 1347) shows the spans after an emoji, or any
character outside the Basic Multilingual Plane, shifted.
"""

from __future__ import annotations

import json
import zipfile
from collections.abc import Iterable, Mapping
from typing import Any, BinaryIO, Final
from xml.sax.saxutils import quoteattr

from propwatch.domain import Analysis, Span
from propwatch.framing.labels import FRAME_LABEL, FRAMES, GENRE_LABEL, GENRES
from propwatch.models import taxonomy
from propwatch.output_files import zip_entry

TEXT_TAG: Final = "text"
TASKS_FILE: Final = "tasks.json"
CONFIG_FILE: Final = "config.xml"
# A span's control tag by the analyzer that found it; any other analyzer's is its own name.
CONTROLS: Final = {
    "techniques": "technique",
    "claims": "claim",
    "narratives": "narrative",
    "targets": "target",
}
CHOICES: Final = {GENRE_LABEL: "genre", FRAME_LABEL: "frames"}  # article label → its Choices control
_RESERVED: Final = frozenset({TEXT_TAG, *CHOICES.values()})  # the interface's other tags
_CATEGORY_COLOURS: Final = {  # the report's category colours, as CSS
    taxonomy.ATTACK_ON_REPUTATION: "#8b0000",
    taxonomy.JUSTIFICATION: "#00008b",
    taxonomy.SIMPLIFICATION: "#8b008b",
    taxonomy.DISTRACTION: "#875f00",
    taxonomy.CALL: "#006400",
    taxonomy.MANIPULATIVE_WORDING: "#5f00af",
}


def control_of(span: Span) -> str:
    """The Labels control of a span: by its analyzer, never one of the interface's other tags."""
    control = CONTROLS.get(span.analyzer, span.analyzer)
    return f"{control}_spans" if control in _RESERVED else control


def task(analysis: Analysis) -> dict[str, Any]:
    """One Label Studio task: the article under ``data``, its findings as one prediction."""
    article = analysis.article
    results: list[dict[str, Any]] = []
    for number, span in enumerate(sorted(analysis.spans, key=lambda s: (s.start, s.end, s.label)), 1):
        result: dict[str, Any] = {
            "id": f"{control_of(span)}-{number}",
            "from_name": control_of(span),
            "to_name": TEXT_TAG,
            "type": "labels",
            "value": {
                "start": span.start,
                "end": span.end,
                "text": article.text[span.start : span.end],
                "labels": [span.label],
            },
        }
        if span.score is not None:
            result["score"] = span.score
        if technique := taxonomy.TECHNIQUES.get(span.label):  # shown with the region's details
            result["meta"] = {"text": [f"{technique.category}: {technique.explanation}"]}
        results.append(result)
    for name, control in CHOICES.items():
        chosen = [label.value for label in analysis.labels if label.name == name]
        if chosen:
            results.append(
                {
                    "id": control,
                    "from_name": control,
                    "to_name": TEXT_TAG,
                    "type": "choices",
                    "value": {"choices": chosen},
                }
            )
    scores = [s.score for s in analysis.spans if s.score is not None and s.analyzer == "techniques"]
    prediction: dict[str, Any] = {"model_version": analysis.model_version, "result": results}
    if scores:
        prediction["score"] = sum(scores) / len(scores)  # Label Studio sorts tasks by it
    data = {
        TEXT_TAG: article.text,
        "title": article.title,
        "outlet": article.outlet,
        "url": article.url,
        "published": article.published.isoformat() if article.published else None,
        "place": article.place,
        "author": article.author,
        "sources": list(article.sources),
        "language": article.language,
        "propwatch_id": article.id,
    }
    return {"data": data, "predictions": [prediction]}


def used_labels(analyses: Iterable[Analysis], into: dict[str, set[str]] | None = None) -> dict[str, set[str]]:
    """Control tag → the values ``analyses`` use under it (added to ``into`` when given)."""
    found = into if into is not None else {}
    for analysis in analyses:
        for span in analysis.spans:
            found.setdefault(control_of(span), set()).add(span.label)
        for label in analysis.labels:
            if label.name in CHOICES:
                found.setdefault(CHOICES[label.name], set()).add(label.value)
    return found


def label_config(labels: Mapping[str, Iterable[str]]) -> str:
    """The labelling interface for tasks using ``labels`` (control tag → values, as from
    :func:`used_labels`): those values, all 23 techniques, the genres and the frames."""
    found = {control: set(values) for control, values in labels.items()}
    found.setdefault("technique", set()).update(taxonomy.SEMEVAL23_TECHNIQUES)
    choices = {
        control: [*official, *sorted(found.pop(control, set()) - set(official))]
        for control, official in (("genre", GENRES), ("frames", FRAMES))
    }
    lines = ["<View>", '  <Header value="$title"/>']
    for control in sorted(found, key=lambda c: (c != "technique", c)):
        lines.append(f"  <Labels name={quoteattr(control)} toName={quoteattr(TEXT_TAG)}>")
        for value in _ordered(found[control]):
            technique = taxonomy.TECHNIQUES.get(value)
            colour = f" background={quoteattr(_CATEGORY_COLOURS[technique.category])}" if technique else ""
            lines.append(f"    <Label value={quoteattr(value)}{colour}/>")
        lines.append("  </Labels>")
    lines.append(f"  <Text name={quoteattr(TEXT_TAG)} value={quoteattr('$' + TEXT_TAG)}/>")
    for control, values in choices.items():
        choice = "single" if control == "genre" else "multiple"
        lines.append(f'  <Choices name="{control}" toName="{TEXT_TAG}" choice="{choice}" showInline="true">')
        lines.extend(f"    <Choice value={quoteattr(value)}/>" for value in values)
        lines.append("  </Choices>")
    lines.append("</View>")
    return "\n".join(lines) + "\n"


def _ordered(labels: set[str]) -> list[str]:
    order = {name: i for i, name in enumerate(taxonomy.SEMEVAL23_TECHNIQUES)}
    return sorted(labels, key=lambda label: (order.get(label, len(order)), label))


def write_labelstudio(analyses: Iterable[Analysis], out: BinaryIO) -> int:
    """A zip of ``tasks.json`` (streamed, one task per analysis) and ``config.xml``; returns the count."""
    count = 0
    labels: dict[str, set[str]] = {}
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        with archive.open(zip_entry(TASKS_FILE), "w", force_zip64=True) as raw:
            raw.write(b"[")
            for analysis in analyses:
                body = json.dumps(task(analysis), ensure_ascii=False)
                raw.write((("," if count else "") + "\n" + body).encode("utf-8"))
                count += 1
                used_labels([analysis], labels)
            raw.write(b"\n]\n" if count else b"]\n")
        archive.writestr(zip_entry(CONFIG_FILE), label_config(labels))
    return count
