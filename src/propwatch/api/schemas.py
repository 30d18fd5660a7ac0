"""The JSON bodies of the REST API, as published in /openapi.json."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from propwatch.domain import Article, Label
from propwatch.export import NarrativeMatchOut, SpanOut
from propwatch.ingest.dates import PLAUSIBLE_DATES, plausible, read_iso_date
from propwatch.ingest.language import language_code
from propwatch.summary import ArticleSummary
from propwatch.targets.records import TargetOut


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


def is_http_url(value: str) -> bool:
    """Whether ``value`` is an http(s) URL with a host: a stored article's link is shown and followed,
    so a 'javascript:' or 'data:' one must not get in."""
    try:
        parts = urlsplit(value.strip())
        parts.port  # noqa: B018 (raises on a port that is not a number)
    except ValueError:
        return False
    return parts.scheme.lower() in ("http", "https") and bool(parts.hostname)


class ArticleSubmission(_Body):
    """One article to analyse and store: exactly one of ``url``, ``html`` or ``text``, plus metadata."""

    model_config = ConfigDict(
        extra="forbid",
        # Each branch needs its field as a string: a body sending the others as null is one the server takes.
        json_schema_extra={
            "oneOf": [
                {"required": [name], "properties": {name: {"type": "string"}}}
                for name in ("url", "html", "text")
            ]
        },
    )

    url: str | None = Field(
        default=None,
        min_length=1,
        max_length=2048,
        description="An http(s) page to fetch (public addresses only).",
    )
    html: str | None = Field(
        default=None, min_length=1, description="A whole web page; its main text is extracted."
    )
    text: str | None = Field(
        default=None, min_length=1, description="Plain text; a headline and dateline on top are read."
    )
    title: str | None = Field(
        default=None,
        max_length=1000,
        description="Headline. When given, no line of text is taken for the headline: the text is stored "
        "whole, so the same text sent with and without a title is stored as two articles.",
    )
    source_url: str | None = Field(
        default=None,
        max_length=2048,
        description="Where html/text was published (not fetched): an http(s) URL.",
    )
    outlet: str | None = Field(default=None, max_length=300, description="Publishing outlet.")
    published: date | None = Field(
        default=None,
        description="Publication date, YYYY-MM-DD (a time after it is allowed; the day as written is kept), "
        f"{PLAUSIBLE_DATES}.",
    )
    author: str | None = Field(default=None, max_length=300, description="Byline.")
    language: str | None = Field(
        default=None,
        max_length=35,
        description="ISO 639-1 code (a tag such as en-GB or a three-letter code is read as its ISO 639-1 "
        "code); identified when omitted.",
    )
    genre_tag: str | None = Field(default=None, max_length=50, description="Genre given by the page.")

    @field_validator("language")
    @classmethod
    def _known_language(cls, value: str | None) -> str | None:
        if value is None:
            return None
        code = language_code(value)
        if code is None:
            raise ValueError(f"{value!r} is not an ISO 639-1 language code (such as en, ru, de)")
        return code

    @field_validator("published", mode="before")
    @classmethod
    def _day_as_written(cls, value: Any) -> Any:
        if isinstance(value, str):
            if not value.strip():
                return None  # as if not given
            # '2022-02-03T23:30:00-05:00' is 3 February, as an ingested record reads it; '02/03/2022' is
            # refused, not guessed
            found = read_iso_date(value)
            if found is None:
                raise ValueError(
                    f"{value[:100]!r} is not a publication date: give YYYY-MM-DD, {PLAUSIBLE_DATES}"
                )
            return found
        return value

    @field_validator("published")
    @classmethod
    def _plausible(cls, value: date | None) -> date | None:
        if value is not None and plausible(value) is None:
            raise ValueError(f"{value.isoformat()} is not a publication date: give one {PLAUSIBLE_DATES}")
        return value

    @field_validator("source_url")
    @classmethod
    def _http_source(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None  # as if not given
        if not is_http_url(value):
            raise ValueError(f"{value[:200]!r} is not an http(s) URL, such as https://example.org/article")
        return value.strip()

    @model_validator(mode="after")
    def _one_input(self) -> ArticleSubmission:
        given = [name for name in ("url", "html", "text") if getattr(self, name)]
        if len(given) != 1:
            raise ValueError("give exactly one of url, html or text")
        return self


class OutdatedOut(BaseModel):
    analyzer: str
    stored: str = Field(description="The version that made the stored findings.")
    now: str = Field(description="The version installed.")


class AnalysisOut(BaseModel):
    """A stored article with everything the analyzers found in it (``raw`` left out)."""

    article: Article
    spans: list[SpanOut]
    labels: list[Label]
    analyzers: dict[str, str]
    created_at: datetime
    model_version: str = Field(description="name=version of every analyzer, joined by ';'.")
    summary: ArticleSummary = Field(
        description="Article-level figures: technique coverage, top frames, genre vs the page's tag."
    )
    narratives: list[NarrativeMatchOut] = Field(
        description="The catalogue narratives the article was matched to, best first: similarity, the "
        "threshold it was compared with, evidence sentences and case links. Leads to check against their "
        "evidence sentences, not findings (docs/narratives.md)."
    )
    targets: list[TargetOut] = Field(
        description="The article's targets from its 'Target:' spans, most linked evidence first."
    )
    outdated: list[OutdatedOut] = Field(
        default_factory=list,
        description="The analyzers whose findings here were made by another version than the one the "
        "server runs (after an upgrade); `propwatch reanalyze ID` makes them again.",
    )
    caution: str | None = Field(
        default=None, description="The same in words, with the command, as `show` and the article page say."
    )


class SubmissionOut(BaseModel):
    id: str = Field(description="The article id: first 16 hex digits of the SHA-256 of its text.")
    article_stored: bool = Field(
        description="False when the same text was stored before (status 200): its stored metadata is kept."
    )
    analysis_stored: bool = Field(description="False when an analysis by the same analyzer versions exists.")
    analysis: AnalysisOut


class ArticleItem(BaseModel):
    id: str
    title: str | None
    outlet: str | None
    url: str | None
    published: date | None
    language: str | None
    genre_tag: str | None
    stored_at: datetime
    n_spans: int | None = Field(
        description="Spans in the latest analysis, of every analyzer (claims, targets…); null when the "
        "article was stored without an analysis."
    )
    n_technique_spans: int | None = Field(
        description="Persuasion-technique spans in the latest analysis; null when that analysis did not "
        "run the technique detector (or there is none)."
    )
    genre: str | None = Field(
        description="Genre predicted in the latest analysis (genre_tag: the page's own)."
    )
    snippet: str | None = Field(
        default=None,
        description="With a text query: an excerpt in Markdown, the matches in bold (between ** and **); "
        "the text's own * and \\ are escaped (\\*, \\\\), so only the matches are bold.",
    )


class ArticlePage(BaseModel):
    total: int = Field(description="How many articles match, over all pages.")
    limit: int
    offset: int
    items: list[ArticleItem]


class Count(BaseModel):
    value: str
    count: int = Field(description="Articles with this value.")


class LabelCount(BaseModel):
    analyzer: str
    label: str
    count: int = Field(description="Articles whose latest analysis has a span with this label.")


class FacetsOut(BaseModel):
    outlets: list[Count]
    languages: list[Count]
    genres: list[Count]
    span_labels: list[LabelCount]
    narratives: list[Count]
    attacked: list[Count] = Field(description="Targets found attacked, with how many articles attack them.")
    praised: list[Count] = Field(description="Targets found praised, with how many articles praise them.")


class TallyOut(BaseModel):
    articles: int
    analysed: int = Field(
        description="Articles whose latest analysis ran the counted analyzer: spans and coverage are theirs."
    )
    undated: int = Field(
        description="Articles without a publication date: in the period 'undated', not in first/last."
    )
    spans: int
    spans_per_article: float | None = Field(description="Counted spans per analysed article.")
    coverage: float | None = Field(
        description="Share of the analysed text inside counted spans, 0 to 1; null when none was analysed."
    )
    characters: int = Field(description="Characters of the analysed articles (a CRLF counts as one).")
    covered: int = Field(
        description="Characters of the analysed articles inside counted spans; coverage is covered over "
        "characters."
    )
    narratives_checked: int = Field(
        description="Articles whose latest analysis ran the narrative matcher: what narratives counts over."
    )
    targets_checked: int = Field(
        description="Articles whose latest analysis ran the target extractor: what attacked counts over."
    )
    dominant_category: str | None = Field(description="Technique category with the most spans.")
    first_published: date | None
    last_published: date | None
    labels: dict[str, int] = Field(description="Spans per label, most first (ties alphabetical).")
    categories: dict[str, int] = Field(description="Technique spans per technique category.")
    narratives: dict[str, int] = Field(description="Articles per narrative label.")
    attacked: dict[str, int] = Field(description="Articles attacking each target (the targets analyzer's).")


class PeriodOut(TallyOut):
    period: str = Field(
        description="'2024', '2024-03' or '2024-W09'; 'undated' last, for articles without a date."
    )


class OutletOut(TallyOut):
    outlet: str
    periods: list[PeriodOut] | None = Field(
        default=None, description="With ?bucket=: the outlet's tally per period, oldest first."
    )


class OutletsOut(BaseModel):
    analyzer: str | None = Field(description="Whose spans are counted; null: every analyzer's.")
    bucket: str | None = Field(default=None, description="The period length asked for, if any.")
    items: list[OutletOut]
    caution: str | None = Field(
        default=None,
        description="Set when the figures mix findings of different analyzer versions (a half re-analysed "
        "store after an upgrade), naming the versions and their article counts.",
    )


class OutletTimelineOut(BaseModel):
    outlet: str
    bucket: str
    analyzer: str | None
    overall: TallyOut
    periods: list[PeriodOut]
    caution: str | None = Field(
        default=None,
        description="Set when the figures mix findings of different analyzer versions (a half re-analysed "
        "store after an upgrade), naming the versions and their article counts.",
    )


class StatusOut(BaseModel):
    version: str
    articles: int
    public_read: bool
    analyzers: list[str] = Field(description="Installed analyzers that submissions run.")
    analyzer_versions: dict[str, str] | None = Field(
        default=None,
        description="Name → version of the analyzers submissions run (each stored analysis records them); "
        "null until the server has loaded them with its first submission.",
    )
    export_formats: list[str]


class ErrorDetail(BaseModel):
    type: str = Field(description="Error class, e.g. NotFoundError.")
    input: str = Field(description="What the error is about: an id, a URL, a field.")
    reason: str
    message: str = Field(description="'<input>: <reason>', ready to show.")


class ErrorOut(BaseModel):
    error: ErrorDetail


class CopyOut(BaseModel):
    """One place a text appeared."""

    article_id: str
    url: str | None
    outlet: str | None
    published: date | None
    title: str | None


class RepublicationsOut(BaseModel):
    """The article's republication cluster: every stored copy, the earliest-published (origin) first."""

    cluster_id: str | None = Field(description="The origin's article id; null when no copy is stored.")
    copies: list[CopyOut]
