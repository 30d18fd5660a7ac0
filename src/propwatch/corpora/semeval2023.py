"""Reader of SemEval-2023 Task 3 (persuasion techniques in six languages), subtask-3 layout.

Expected layout per language folder ``<L>`` (``en fr ge it po ru``; the one of
``../shared/data/semeval2023_task3``)::

    <L>/<split>-articles-subtask-3/article<ID>.txt
    <L>/<split>-labels-subtask-3-spans.txt   id<TAB>technique<TAB>start<TAB>end
    <L>/<split>-labels-subtask-3.txt         id<TAB>paragraph<TAB>t1,t2,…
    <L>/<split>-labels-subtask-1.txt         id<TAB>genre            (optional)
    <L>/<split>-labels-subtask-2.txt         id<TAB>frame1,frame2,…  (optional)

Pitfalls handled here:

* non-English articles often have ``\\r\\n`` line ends and the offsets count the ``\\r``: articles are read
  as stored (never with universal newlines);
* in fr/ge/it/po/ru about a quarter of the span ends stop one character before the end of the last word;
  :func:`~propwatch.corpora.corpus.complete_short_end` moves such an end on by one character
  (``repair_short_ends``, on by default for every language but English, whose spans are clean);
* a few spans start or end on whitespace (e.g. French ``« … »`` quotes): trimmed (``trim_spaces``).

The English train articles are the PTC train articles, relabelled with the 23 SemEval-2023 techniques:
never put one of them on the training side and the other on the validation side.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import Final

from propwatch.corpora.corpus import (
    Corpus,
    CorpusArticle,
    GoldSpan,
    Paragraph,
    complete_short_end,
    paragraph_ranges,
    trim_whitespace,
)
from propwatch.corpora.ptc import read_articles_folder
from propwatch.errors import ConfigurationError, MalformedRecordError
from propwatch.evaluation.formats import read_article_labels, read_paragraph_labels, read_technique_spans
from propwatch.models.taxonomy import SEMEVAL23_TECHNIQUES

LANGUAGES: Final = {"en": "en", "fr": "fr", "ge": "de", "it": "it", "po": "pl", "ru": "ru"}
"""SemEval-2023 folder code → ISO 639-1 code."""


def _folder_code(language: str) -> str:
    if language in LANGUAGES:
        return language
    for code, iso in LANGUAGES.items():
        if iso == language:
            return code
    raise ConfigurationError(
        "language", f"unknown SemEval-2023 language {language!r}; expected one of {sorted(LANGUAGES)}"
    )


def _repair(text: str, start: int, end: int, *, short_ends: bool, spaces: bool) -> tuple[int, int]:
    if short_ends:
        end = complete_short_end(text, start, end)
    if spaces:
        start, end = trim_whitespace(text, start, end)
    return start, end


def read_semeval2023(
    folder: Path,
    language: str,
    *,
    split: str = "train",
    repair_short_ends: bool | None = None,
    trim_spaces: bool = True,
) -> Corpus:
    """Read one language of SemEval-2023 Task 3: articles, repaired spans, paragraphs, genre and frames.

    ``language`` is a folder code (``ge``) or ISO code (``de``); ``repair_short_ends=None`` means
    "repair unless English".
    """
    code = _folder_code(language)
    iso = LANGUAGES[code]
    short_ends = code != "en" if repair_short_ends is None else repair_short_ends
    base = folder / code
    texts = read_articles_folder(base / f"{split}-articles-subtask-3")

    spans_file = base / f"{split}-labels-subtask-3-spans.txt"
    spans: dict[str, list[GoldSpan]] = defaultdict(list)
    for record in read_technique_spans(spans_file, allowed=SEMEVAL23_TECHNIQUES):
        text = texts.get(record.article_id)
        if text is None:
            raise MalformedRecordError(
                str(spans_file), f"article {record.article_id} has spans but no article file"
            )
        if record.end > len(text):
            raise MalformedRecordError(
                str(spans_file),
                f"article {record.article_id} span {record.start}-{record.end} ends after the text",
            )
        start, end = _repair(text, record.start, record.end, short_ends=short_ends, spaces=trim_spaces)
        spans[record.article_id].append(GoldSpan(record.technique, start, end, record.start, record.end))

    paragraphs_file = base / f"{split}-labels-subtask-3.txt"
    paragraphs: dict[str, list[Paragraph]] = defaultdict(list)
    ranges: dict[str, dict[int, tuple[int, int]]] = {}
    for par in read_paragraph_labels(paragraphs_file, allowed=SEMEVAL23_TECHNIQUES):
        if par.article_id not in texts:
            raise MalformedRecordError(
                str(paragraphs_file), f"article {par.article_id} has labels but no article file"
            )
        lines = ranges.setdefault(par.article_id, paragraph_ranges(texts[par.article_id]))
        if par.paragraph not in lines:
            raise MalformedRecordError(
                str(paragraphs_file), f"article {par.article_id} has no non-empty line {par.paragraph}"
            )
        start, end = lines[par.paragraph]
        paragraphs[par.article_id].append(
            Paragraph(par.paragraph, start, end, tuple(sorted(set(par.techniques))))
        )

    genres: dict[str, str] = {}
    genre_file = base / f"{split}-labels-subtask-1.txt"
    if genre_file.is_file():
        genres = {r.article_id: r.labels[0] for r in read_article_labels(genre_file) if r.labels}
    frames: dict[str, tuple[str, ...]] = {}
    frames_file = base / f"{split}-labels-subtask-2.txt"
    if frames_file.is_file():
        frames = {r.article_id: r.labels for r in read_article_labels(frames_file)}

    articles = tuple(
        CorpusArticle(
            article_id=article_id,
            language=iso,
            text=text,
            spans=tuple(sorted(spans[article_id], key=lambda s: (s.start, s.end, s.technique))),
            paragraphs=tuple(sorted(paragraphs[article_id], key=lambda p: p.number)),
            document_techniques=tuple(sorted({s.technique for s in spans[article_id]})),
            genre=genres.get(article_id),
            frames=frames.get(article_id, ()),
        )
        for article_id, text in texts.items()
    )
    notes = []
    if code == "en":
        notes.append("English train articles are the PTC train articles relabelled; split them together.")
    if short_ends:
        notes.append("span ends stopping one character short of a word end were moved on by one character")
    return Corpus(
        name=f"semeval2023-{code}-{split}",
        scheme="semeval2023",
        language=iso,
        articles=articles,
        notes=tuple(notes),
    )
