"""Frozen data types shared by every part of propwatch.

Offsets are always character offsets into ``Article.text`` with an exclusive end, the convention
of the PTC and SemEval-2023 label files, so spans can be exported to those formats unchanged.
"""

from __future__ import annotations

import hashlib
from collections.abc import Collection
from datetime import UTC, date, datetime
from typing import Any, Literal
from urllib.parse import quote

from pydantic import BaseModel, ConfigDict, Field, computed_field, model_validator

RawFormat = Literal["text", "html", "shared-task", "json", "unknown"]


# What RFC 3987 allows in an IRI besides letters and digits (non-ASCII letters included), and '%'.
_IRI_SAFE = ":/?#[]@!$&'()*+,;=-._~%"


def as_iri(url: str) -> str:
    """``url`` with the characters an IRI may not hold (spaces, ``<>"{}|\\^`` and controls)
    percent-encoded, so that JSON-LD and RDF readers accept it; a valid URL comes back as it is."""
    return "".join(c if c.isalnum() or c in _IRI_SAFE or ord(c) > 0x9F else quote(c, safe="") for c in url)


def content_hash(text: str) -> str:
    """SHA-256 of the article text: the deduplication key and the source of the stable id."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _check_encodable(field: str, value: str | None) -> None:
    """Refuse a lone surrogate (JSON's "\\ud800"): it cannot be stored, hashed or tokenized as UTF-8."""
    if value is None:
        return
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as error:
        code = ord(value[error.start])
        raise ValueError(
            f"{field} holds invalid Unicode: a lone surrogate U+{code:04X} at character {error.start}"
        ) from None


def _check_storable(field: str, value: str | None) -> None:
    """Refuse a NUL (binary data; PostgreSQL cannot store it in a text column: SQLite could, so a store
    would hold what another refuses) and a lone surrogate."""
    if value is not None and "\x00" in value:
        raise ValueError(f"{field} holds a NUL character at character {value.index(chr(0))}")
    _check_encodable(field, value)


# Several authors of one article are joined by this in Article.author (trafilatura's convention).
AUTHOR_SEPARATOR = "; "


def author_names(author: str | None) -> list[str]:
    """The names of ``Article.author``, each once, in order."""
    names = (name.strip() for name in (author or "").split(AUTHOR_SEPARATOR.strip()))
    return list(dict.fromkeys(name for name in names if name))


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


def opening_headline(title: str | None, text: str) -> int | None:
    """Where the headline ``title`` ends when ``text`` opens with it as a paragraph of its own (white
    space and case aside), else None."""
    headline = " ".join((title or "").split()).casefold()
    if not headline:
        return None
    first = text.lstrip()
    line = first.split("\n", 1)[0]
    if " ".join(line.split()).casefold() != headline:
        return None
    return len(text) - len(first) + len(line.rstrip("\r"))


class Article(_Frozen):
    """One article, as read from a file, a page, a URL or a record of a bulk source."""

    text: str = Field(
        description="Main text; every span offset counts its Unicode code points (Python str indices), "
        "not UTF-16 units: in JavaScript, an emoji before a span shifts it (use Array.from(text))."
    )
    title: str | None = Field(default=None, description="Headline.")
    url: str | None = Field(default=None, description="Where the article was published or fetched from.")
    published: date | None = Field(default=None, description="Publication date given by the page.")
    place: str | None = Field(default=None, description="Place named in the dateline, e.g. 'Moscow'.")
    author: str | None = Field(
        default=None, description="Byline: the author, or several joined by '; ' (see AUTHOR_SEPARATOR)."
    )
    outlet: str | None = Field(default=None, description="Publishing outlet or site name.")
    genre_tag: str | None = Field(
        default=None, description="Genre the page itself gives (lower case), e.g. 'opinion', 'news'."
    )
    sources: tuple[str, ...] = Field(
        default=(), description="Source attributions, e.g. the value of a trailing 'Source:' line."
    )
    quoted_outlets: tuple[str, ...] = Field(default=(), description="News outlets the text cites.")
    language: str | None = Field(default=None, description="ISO 639-1 code identified offline.")
    origin: str | None = Field(default=None, description="The input it was read from: a path, URL or record.")
    external_id: str | None = Field(
        default=None,
        description="Identifier given by the source, e.g. the <ID> of a shared-task article<ID>.txt.",
    )
    raw: str | None = Field(default=None, description="The original input, kept for provenance.")
    raw_format: RawFormat = Field(default="unknown", description="What kind of input 'raw' is.")

    @model_validator(mode="before")
    @classmethod
    def _drop_derived(cls, data: Any) -> Any:
        # Serialised articles carry id and content_hash; both are derived from the text again.
        if isinstance(data, dict):
            return {k: v for k, v in data.items() if k not in ("id", "content_hash")}
        return data

    @model_validator(mode="after")
    def _text_usable(self) -> Article:
        if not self.text.strip():
            raise ValueError("article text is empty")
        for name in ("title", "text", "url", "place", "author", "outlet", "genre_tag", "origin", "raw"):
            _check_storable(name, getattr(self, name))
        for name in ("sources", "quoted_outlets"):
            for value in getattr(self, name):
                _check_storable(name, value)
        return self

    @property
    def body(self) -> str:
        """The text after its headline: ``text`` less the headline paragraph that opens it (the readers put
        the headline there, as the shared-task files do, so that it is analysed too), else all of it."""
        headline = opening_headline(self.title, self.text)
        return self.text if headline is None else self.text[headline:].lstrip("\r\n")

    @computed_field(description="SHA-256 of the text: the deduplication key.")  # type: ignore[prop-decorator]
    @property
    def content_hash(self) -> str:
        return content_hash(self.text)

    @computed_field(description="Stable id: first 16 hex digits of content_hash.")  # type: ignore[prop-decorator]
    @property
    def id(self) -> str:
        """Stable id: the first 16 hex digits of the content hash (same text, same id)."""
        return self.content_hash[:16]


class Span(_Frozen):
    """A labelled stretch of ``Article.text``: ``text[start:end]``."""

    start: int = Field(ge=0, description="First character, counted from 0 in Unicode code points.")
    end: int = Field(gt=0, description="One past the last character (exclusive).")
    label: str = Field(description="What the span is, e.g. a technique name such as 'Loaded_Language'.")
    score: float | None = Field(default=None, ge=0.0, le=1.0, description="Confidence in [0, 1].")
    analyzer: str = Field(description="Name of the analyzer that made the span.")

    @model_validator(mode="after")
    def _ordered(self) -> Span:
        if self.end <= self.start:
            raise ValueError(f"span end {self.end} must be after start {self.start}")
        return self

    def text_of(self, article: Article) -> str:
        return article.text[self.start : self.end]


class Label(_Frozen):
    """An article-level judgement, e.g. ``name='genre', value='opinion'``."""

    name: str = Field(description="What is judged: 'genre', 'frame', …")
    value: str = Field(description="The judgement.")
    score: float | None = Field(default=None, ge=0.0, le=1.0, description="Confidence in [0, 1].")
    analyzer: str = Field(description="Name of the analyzer that made the label.")


class Annotations(_Frozen):
    """What one analyzer adds to one article."""

    spans: tuple[Span, ...] = ()
    labels: tuple[Label, ...] = ()


class Analysis(_Frozen):
    """An article with everything the analyzers found in it."""

    article: Article
    spans: tuple[Span, ...] = ()
    labels: tuple[Label, ...] = ()
    analyzers: dict[str, str] = Field(
        default_factory=dict, description="Name → version of every analyzer that contributed."
    )
    created_at: datetime = Field(default_factory=lambda: datetime.now(UTC))

    @model_validator(mode="after")
    def _spans_inside_text(self) -> Analysis:
        size = len(self.article.text)
        for span in self.spans:
            if span.end > size:
                raise ValueError(f"span {span.start}-{span.end} ends past the text ({size} characters)")
        return self

    @property
    def model_version(self) -> str:
        """One string naming the analyzer versions, the key under which an analysis is stored."""
        if not self.analyzers:
            return "none"
        return ";".join(f"{name}={version}" for name, version in sorted(self.analyzers.items()))

    def completing(self, earlier: Analysis) -> Analysis:
        """This analysis plus what ``earlier`` (of the same text) found with the analyzers this one
        did not run: re-running one analyzer (``analyze -a claims``) keeps the others' findings."""
        if earlier.article.id != self.article.id:
            return self
        kept = earlier.without(self.analyzers)
        if not kept.analyzers:
            return self
        return Analysis(
            article=self.article,
            spans=(*self.spans, *kept.spans),
            labels=(*self.labels, *kept.labels),
            analyzers={**kept.analyzers, **self.analyzers},
            created_at=self.created_at,
        )

    def without(self, analyzers: Collection[str]) -> Analysis:
        """This analysis less what ``analyzers`` found: the findings of the others only."""
        kept = {name: version for name, version in self.analyzers.items() if name not in analyzers}
        return Analysis(
            article=self.article,
            spans=tuple(span for span in self.spans if span.analyzer in kept),
            labels=tuple(label for label in self.labels if label.analyzer in kept),
            analyzers=kept,
            created_at=self.created_at,
        )

    def with_annotations(self, analyzer: str, version: str, added: Annotations) -> Analysis:
        return Analysis(
            article=self.article,
            spans=(*self.spans, *added.spans),
            labels=(*self.labels, *added.labels),
            analyzers={**self.analyzers, analyzer: version},
            created_at=self.created_at,
        )


class Failure(_Frozen):
    """An input that could not be read or analysed; a batch lists these and goes on."""

    input: str = Field(description="The file, URL or record that failed.")
    reason: str = Field(description="What is wrong with it, in one line.")
