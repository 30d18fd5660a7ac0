"""Exports for other tools, next to json/jsonl/csv (:mod:`propwatch.export`): PTC label files, brat
standoff, W3C Web Annotation, schema.org ClaimReview and Label Studio tasks
(:mod:`propwatch.export_labelstudio`).

Every format keeps the character offsets of :class:`~propwatch.domain.Span` (code points into
``Article.text``, end exclusive), which is also what PTC, brat and the W3C TextPositionSelector count.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import unicodedata
import zipfile
from collections.abc import Iterable, Iterator, Mapping
from typing import Any, BinaryIO, Final, Literal

from propwatch.claims.claimreview import claim_reviews
from propwatch.domain import Analysis, Article, Span, as_iri
from propwatch.errors import InputError
from propwatch.evaluation.formats import TechniqueSpanRecord, format_technique_span_line
from propwatch.export import FORMATS as BASIC_FORMATS
from propwatch.export import ExportFormat, SpanOut, evidence_threshold, similarity_text, write_analyses
from propwatch.export_labelstudio import write_labelstudio
from propwatch.models.taxonomy import PTC_TECHNIQUES, SEMEVAL23_TO_PTC, TECHNIQUE_ANALYZER, TECHNIQUES
from propwatch.output_files import zip_entry
from propwatch.summary import REPORTED_NOTE, target_findings
from propwatch.targets.linking import NarrativeAttacks, is_narrative

Format = Literal["json", "jsonl", "csv", "ptc", "brat", "webanno", "claimreview", "labelstudio"]
EXPORT_FORMATS: tuple[Format, ...] = (*BASIC_FORMATS, "ptc", "brat", "webanno", "claimreview", "labelstudio")

W3C_CONTEXT = "http://www.w3.org/ns/anno.jsonld"
QUOTE_CONTEXT_CHARS = 32  # prefix/suffix of a TextQuoteSelector: enough to tell repeated quotes apart

MEDIA_TYPES: dict[str, str] = {
    "json": "application/json",
    "jsonl": "application/x-ndjson",
    "csv": "text/csv; charset=utf-8",
    "ptc": "text/tab-separated-values; charset=utf-8",
    "brat": "application/zip",
    "webanno": 'application/ld+json; profile="http://www.w3.org/ns/anno.jsonld"',
    "claimreview": "application/ld+json",
    "labelstudio": "application/zip",
}
SUFFIXES: dict[str, str] = {
    "json": ".json",
    "jsonl": ".jsonl",
    "csv": ".csv",
    "ptc": ".tsv",
    "brat": ".zip",
    "webanno": ".jsonld",
    "claimreview": ".claimreview.jsonld",
    "labelstudio": ".labelstudio.zip",
}
DESCRIPTIONS: dict[str, str] = {
    "json": "JSON array of analyses",
    "jsonl": "one analysis per line (JSON Lines)",
    "csv": "one row per span, article columns repeated",
    "ptc": "PTC span file of the technique spans PTC has a class for: article id, technique, start, end",
    "brat": "brat standoff: a .txt and an .ann per article, with annotation.conf, zipped",
    "webanno": "W3C Web Annotation collection (TextPositionSelector + TextQuoteSelector)",
    "claimreview": "schema.org ClaimReview drafts for the claims found",
    "labelstudio": "Label Studio tasks with the findings as predictions, and the labelling interface, zipped",
}


ZIP_FORMATS: Final = frozenset({"brat", "labelstudio"})  # written as zip archives, not text


def check_format(fmt: str) -> Format:
    if fmt not in EXPORT_FORMATS:
        raise InputError(
            f"format={fmt!r}", f"unknown export format; choose one of {', '.join(EXPORT_FORMATS)}"
        )
    return fmt  # type: ignore[return-value]


def article_source(article: Article) -> str:
    """The IRI an annotation targets: the article's URL, or a URN from its id."""
    return as_iri(article.url) if article.url else f"urn:propwatch:article:{article.id}"


def ptc_article_id(article: Article) -> str:
    """The shared-task id when the article came from a shared-task file, else propwatch's id."""
    external = article.external_id
    return external if external and external.isdigit() else article.id


class ArticleNames:
    """Names of the articles of one export, unique: two stored texts with one shared-task id (PTC's and
    SemEval-2023's article696246189.txt differ) would otherwise share a brat file or PTC lines."""

    def __init__(self) -> None:
        self._owner: dict[str, str] = {}

    def __call__(self, article: Article) -> str:
        name = ptc_article_id(article)
        if self._owner.setdefault(name, article.id) != article.id:
            name = article.id  # the second text under that id: propwatch's own id
            self._owner.setdefault(name, article.id)
        return name


def ptc_label(span: Span) -> str | None:
    """A technique span's PTC class (SemEval-2023 names mapped to PTC's 14); None where PTC has none."""
    if span.analyzer != TECHNIQUE_ANALYZER:
        return None
    return span.label if span.label in PTC_TECHNIQUES else SEMEVAL23_TO_PTC.get(span.label)


def _sorted(spans: Iterable[Span]) -> list[Span]:
    return sorted(spans, key=lambda s: (s.start, s.end, s.label))


def ptc_lines(analysis: Analysis, article_id: str | None = None) -> Iterator[str]:
    """The technique spans with a PTC class only: claims, target mentions and the SemEval-2023
    techniques PTC lacks (Questioning_the_Reputation, Appeal_to_Values, …) are not PTC techniques,
    and a PTC scorer refuses them. ``article_id``: the article's name in this export."""
    article_id = article_id or ptc_article_id(analysis.article)
    for span in _sorted(analysis.spans):
        label = ptc_label(span)
        if label is not None:
            yield format_technique_span_line(TechniqueSpanRecord(article_id, label, span.start, span.end))


# --- brat ----------------------------------------------------------------------------------------

_BRAT_TYPE = re.compile(r"[^A-Za-z0-9_\-]+")
_CYRILLIC = dict(
    zip(
        "абвгдеёжзийклмнопрстуфхцчшщъыьэюяіїєґ",
        "a b v g d e e zh z i i k l m n o p r s t u f kh ts ch sh shch - y - e yu ya i i ie g".replace(
            "-", ""
        ).split(" "),
        strict=True,
    )
)


def _ascii(text: str) -> str:
    """``text`` in ASCII letters where it can be: accents dropped ("Zełenski" → "Zelenski"), Cyrillic
    transliterated ("Болсонару" → "Bolsonaru")."""
    out = []
    for char in text:
        lower = char.lower()
        if lower in _CYRILLIC:
            latin = _CYRILLIC[lower]
            out.append(latin.capitalize() if char != lower else latin)
        else:
            decomposed = unicodedata.normalize("NFKD", char.replace("ł", "l").replace("Ł", "L"))
            out.append("".join(c for c in decomposed if not unicodedata.combining(c)))
    return "".join(out)


def brat_type(label: str) -> str:
    """A brat entity type for a label: brat types hold ASCII letters, digits, _ and - only. A label that
    loses characters on the way gets a short hash of itself, so that two labels never share a type."""
    folded = _BRAT_TYPE.sub("_", _ascii(label)).strip("_") or "Span"
    if _BRAT_TYPE.sub("_", label).strip("_") == folded:
        return folded
    return f"{folded}-{hashlib.sha256(label.encode()).hexdigest()[:6]}"


# Every character str.splitlines() ends a line at (brat reads .ann files with it: a lone \r, U+2028 or
# NEL inside a quote broke its annotation line in two), and the tab that separates an .ann line's fields.
_BRAT_BREAKS: Final = re.compile("[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029\t]")


def _fragments(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The pieces of [start, end) between line breaks and tabs: a brat fragment cannot cross a line break,
    and its text field cannot hold a tab (it was written as a space, no longer the text at its offsets)."""
    pieces: list[tuple[int, int]] = []
    position = start
    for line in _BRAT_BREAKS.split(text[start:end]):
        line_end = position + len(line)
        if line.strip():
            left = position + len(line) - len(line.lstrip())
            right = line_end - (len(line) - len(line.rstrip()))
            pieces.append((left, right))
        position = line_end + 1
    return pieces or [(start, end)]


def brat_ann(analysis: Analysis) -> str:
    """The .ann file of an analysis: one text-bound annotation per span, scores as annotator notes."""
    text = analysis.article.text
    lines: list[str] = []
    for number, span in enumerate(_sorted(analysis.spans), 1):
        pieces = _fragments(text, span.start, span.end)
        where = ";".join(f"{a} {b}" for a, b in pieces)
        quote = " ".join(text[a:b] for a, b in pieces)
        lines.append(f"T{number}\t{brat_type(span.label)} {where}\t{quote}")
        note = f"{span.label} ({span.analyzer}" + (
            f", score {span.score:.3f})" if span.score is not None else ")"
        )
        if technique := TECHNIQUES.get(span.label):
            note += f" {technique.category}: {technique.explanation}"  # what a reviewer checks it against
        lines.append(f"#{number}\tAnnotatorNotes T{number}\t{note}")
    return "".join(line + "\n" for line in lines)


def write_brat(analyses: Iterable[Analysis], out: BinaryIO) -> int:
    count = 0
    types: set[str] = set()
    names = ArticleNames()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for analysis in analyses:
            name = names(analysis.article)
            archive.writestr(zip_entry(f"{name}.txt"), analysis.article.text)
            archive.writestr(zip_entry(f"{name}.ann"), brat_ann(analysis))
            types.update(brat_type(span.label) for span in analysis.spans)
            count += 1
        conf = ["[entities]", *sorted(types), "[relations]", "[events]", "[attributes]"]
        archive.writestr(zip_entry("annotation.conf"), "\n".join(conf) + "\n")
    return count


# --- W3C Web Annotation --------------------------------------------------------------------------


def _describing(text: str) -> dict[str, Any]:
    return {"type": "TextualBody", "purpose": "describing", "value": text}


def web_annotations(
    analysis: Analysis, narrative_titles: Mapping[str, str] | None = None
) -> list[dict[str, Any]]:
    """One W3C Web Annotation per span, selecting it both by position and by quote. A technique is
    described by its explanation (and, when it reports someone else's label, says so); a narrative's
    evidence by its similarity and threshold, and, from ``narrative_titles``, its title, catalogue and
    case links, as the JSON export describes them."""
    article = analysis.article
    text = article.text
    created = analysis.created_at.isoformat()
    reported = target_findings(analysis).reported
    threshold = evidence_threshold(analysis, narrative_titles)
    found: list[dict[str, Any]] = []
    for number, span in enumerate(_sorted(analysis.spans), 1):
        body: list[dict[str, Any]] = [{"type": "TextualBody", "purpose": "classifying", "value": span.label}]
        meaning = SpanOut.of(span, text, narrative_titles, threshold=threshold, reported=span in reported)
        if is_narrative(span):  # a cosine similarity: said so, with what it was compared with
            comment = similarity_text(span.score, meaning.threshold)
            body.append({"type": "TextualBody", "purpose": "commenting", "value": comment})
        elif span.score is not None:
            body.append({"type": "TextualBody", "purpose": "commenting", "value": f"score {span.score:.3f}"})
        if meaning.category and meaning.explanation:
            body.append(_describing(f"{meaning.category}: {meaning.explanation}"))
        elif meaning.explanation:
            body.append(_describing(meaning.explanation))
        if meaning.reported_label:
            body.append({"type": "TextualBody", "purpose": "commenting", "value": REPORTED_NOTE})
        # a link is a web resource that describes the narrative (Web Annotation Data Model 3.3.5)
        body.extend(
            {"type": "SpecificResource", "purpose": "describing", "source": as_iri(link)}
            for link in meaning.links
        )
        found.append(
            {
                "@context": W3C_CONTEXT,
                "id": f"urn:propwatch:article:{article.id}:span:{number}",
                "type": "Annotation",
                "motivation": "classifying",
                "created": created,
                "generator": {
                    "id": f"urn:propwatch:analyzer:{span.analyzer}",
                    "type": "Software",
                    "name": f"propwatch {span.analyzer} {analysis.analyzers.get(span.analyzer, '')}".rstrip(),
                },
                "body": body,
                "target": {
                    "source": article_source(article),
                    "selector": [
                        {"type": "TextPositionSelector", "start": span.start, "end": span.end},
                        {
                            "type": "TextQuoteSelector",
                            "exact": text[span.start : span.end],
                            "prefix": text[max(0, span.start - QUOTE_CONTEXT_CHARS) : span.start],
                            "suffix": text[span.end : span.end + QUOTE_CONTEXT_CHARS],
                        },
                    ],
                },
            }
        )
    return found


# Characters that could end or open markup where JSON-LD is pasted into <script type="application/ld+json">.
_MARKUP_ESCAPES = str.maketrans({"<": "\\u003c", ">": "\\u003e", "&": "\\u0026"})


def embeddable_json(value: Any) -> str:
    """JSON that a page can embed in a script element: a headline holding ``</script>`` stays data.
    ``<``, ``>`` and ``&`` only occur inside JSON strings, where their escapes mean the same."""
    return json.dumps(value, ensure_ascii=False).translate(_MARKUP_ESCAPES)


def write_web_annotations(
    analyses: Iterable[Analysis], out: io.TextIOBase, narrative_titles: Mapping[str, str] | None = None
) -> int:
    """An AnnotationCollection with one page holding the annotations of every analysis, streamed; the
    collection and its page have IRIs (W3C Web Annotation Data Model 5.1, 5.2) from what they hold."""
    out.write(
        '{"@context": "' + W3C_CONTEXT + '", "type": "AnnotationCollection", '
        '"label": "propwatch spans", "first": {"type": "AnnotationPage", "items": ['
    )
    count = total = 0
    exported = hashlib.sha256()  # the collection is named by what it holds: its IRI comes last
    for analysis in analyses:
        exported.update(f"{analysis.article.id}:{analysis.model_version}\n".encode())
        for annotation in web_annotations(analysis, narrative_titles):
            item = {key: value for key, value in annotation.items() if key != "@context"}
            out.write(("," if total else "") + "\n" + embeddable_json(item))
            total += 1
        count += 1
    collection = f"urn:propwatch:export:{exported.hexdigest()[:16]}"
    page = json.dumps({"id": f"{collection}:page:1", "partOf": collection})[1:-1]
    out.write(f'\n], {page}}}, "total": {total}, "id": "{collection}"}}\n')
    return count


# --- one entry point -----------------------------------------------------------------------------


def write_export(
    analyses: Iterable[Analysis],
    fmt: str,
    out: BinaryIO,
    narrative_attacks: NarrativeAttacks | None = None,
    narrative_titles: Mapping[str, str] | None = None,
) -> int:
    """Write ``analyses`` to the binary stream ``out`` in ``fmt``; returns how many were written
    (``narrative_attacks``, ``narrative_titles``: see :func:`propwatch.export.analysis_record`)."""
    chosen = check_format(fmt)
    if chosen == "brat":
        return write_brat(analyses, out)
    if chosen == "labelstudio":
        return write_labelstudio(analyses, out)
    stream = io.TextIOWrapper(out, encoding="utf-8", newline="", write_through=True)
    try:
        if chosen in BASIC_FORMATS:
            return write_analyses(
                analyses, _basic(chosen), stream, narrative_attacks, narrative_titles=narrative_titles
            )
        count = 0
        if chosen == "ptc":
            names = ArticleNames()
            for analysis in analyses:
                stream.writelines(line + "\n" for line in ptc_lines(analysis, names(analysis.article)))
                count += 1
        elif chosen == "webanno":
            count = write_web_annotations(analyses, stream, narrative_titles)
        else:
            stream.write("[")
            first = True
            for analysis in analyses:
                for review in claim_reviews(analysis):
                    stream.write(("," if not first else "") + "\n" + embeddable_json(review))
                    first = False
                count += 1
            stream.write("\n]\n" if not first else "]\n")
        return count
    finally:
        stream.flush()
        stream.detach()  # the caller owns ``out``


def _basic(fmt: Format) -> ExportFormat:
    if fmt == "json" or fmt == "jsonl" or fmt == "csv":
        return fmt
    raise AssertionError(fmt)
