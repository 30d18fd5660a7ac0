"""The REST API under /api: thin handlers over the store, the submission reader and the exports."""

from __future__ import annotations

import re
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import asdict
from datetime import date, datetime
from typing import IO, Annotated, Any, BinaryIO, Literal, cast

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.dependencies.models import Dependant
from fastapi.responses import StreamingResponse
from fastapi.routing import APIRoute
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from propwatch import __version__
from propwatch.analyzers import registry
from propwatch.analyzers.versions import outdated_analyzers, outdated_caution
from propwatch.api.app import Workbench, workbench
from propwatch.api.schemas import (
    AnalysisOut,
    ArticleItem,
    ArticlePage,
    ArticleSubmission,
    CopyOut,
    Count,
    ErrorOut,
    FacetsOut,
    LabelCount,
    OutletOut,
    OutletsOut,
    OutletTimelineOut,
    PeriodOut,
    RepublicationsOut,
    StatusOut,
    SubmissionOut,
    TallyOut,
)
from propwatch.api.security import token_of, unauthorised
from propwatch.api.submission import Metadata, analyse_and_store, read_submission
from propwatch.domain import Analysis
from propwatch.errors import InputError, InputTooLargeError, NotFoundError
from propwatch.export import analysis_record
from propwatch.export_formats import EXPORT_FORMATS, MEDIA_TYPES, SUFFIXES, write_export
from propwatch.ingest.dates import calendar_day
from propwatch.narratives.catalogue import current_matcher_version, resolve_narrative_id
from propwatch.republication.signatures import republications_of
from propwatch.storage.queries import (
    MAX_PAGE,
    ArticleQuery,
    find_articles,
    matching_ids,
    narrative_ids,
    target_names,
)
from propwatch.storage.search import snippet_text
from propwatch.storage.statistics import (
    Bucket,
    Tally,
    default_analyzer,
    mixed_versions_caution,
    outlet_statistics,
    outlet_timelines,
    timeline,
)

bearer = HTTPBearer(auto_error=False, description="An API token made with `propwatch token create NAME`.")
Credentials = Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]
Bench = Annotated[Workbench, Depends(workbench)]
FormatName = Literal["json", "jsonl", "csv", "ptc", "brat", "webanno", "claimreview", "labelstudio"]
assert set(FormatName.__args__) == set(EXPORT_FORMATS)  # type: ignore[attr-defined]

_ERRORS: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorOut, "description": text}
    for status, text in (
        (401, "No valid API token"),
        (404, "Not found"),
        (422, "Invalid input"),
        (503, "The database failed or is unavailable"),
    )
}


def readable(request: Request, bench: Bench, _credentials: Credentials) -> None:
    """Reads are public unless api_public_read is off; then a token (or signed-in browser) is needed."""
    if bench.settings.api_public_read:
        return
    if token_of(request, bench.tokens, cookie=True) is None:
        raise unauthorised("reading needs a valid API token: send 'Authorization: Bearer <token>'")


def writable(request: Request, bench: Bench, _credentials: Credentials) -> None:
    if token_of(request, bench.tokens, cookie=False) is None:
        raise unauthorised("writing needs a valid API token: send 'Authorization: Bearer <token>'")


_PARAMETERS: dict[tuple[str, frozenset[str]], frozenset[str]] = {}  # worked out once per route


def _route_parameters(route: APIRoute) -> frozenset[str]:
    key = (route.path, frozenset(route.methods or ()))  # an APIRoute is not hashable
    if key not in _PARAMETERS:
        _PARAMETERS[key] = frozenset(_query_names(route.dependant))
    return _PARAMETERS[key]


def _query_names(dependant: Dependant) -> set[str]:
    return {f.alias for f in dependant.query_params}.union(*(_query_names(d) for d in dependant.dependencies))


def known_parameters(request: Request) -> None:
    """Refuse a query parameter the endpoint does not take, or one given twice: a misspelt filter
    (``?outlett=``) listed every article, as if it had matched."""
    route = request.scope.get("route")
    if not isinstance(route, APIRoute):
        return
    names = [name for name, _ in request.query_params.multi_items()]
    known = _route_parameters(route)
    for name in names:
        if name not in known:
            takes = ", ".join(sorted(known)) or "none"
            raise InputError(f"query.{name}", f"is not a parameter of this endpoint (it takes: {takes})")
        if names.count(name) > 1:
            raise InputError(f"query.{name}", "is given more than once: give it once")


router = APIRouter(prefix="/api", responses=_ERRORS, dependencies=[Depends(known_parameters)])
Read = Depends(readable)


def record(analysis: Analysis, bench: Workbench) -> dict[str, Any]:
    """An AnalysisOut body: the export record (spans, labels, summary) and the article's targets."""
    narratives = bench.narratives()
    found = analysis_record(
        analysis, narrative_attacks=narratives.attacks, narrative_titles=narratives.titles
    )
    matcher = current_matcher_version(bench.settings)
    found["outdated"] = [asdict(o) for o in outdated_analyzers(analysis, bench.installed, matcher)]
    found["caution"] = outdated_caution(analysis, bench.installed, matcher)  # as show and the page say it
    return found


@router.post(
    "/articles",
    status_code=201,
    response_model=SubmissionOut,
    dependencies=[Depends(writable)],
    summary="Analyse and store one article",
    responses={
        200: {
            "model": SubmissionOut,
            "description": "The same text was stored before: its stored article (and metadata) is kept",
        },
        408: {"model": ErrorOut, "description": "The request body did not arrive within api_body_timeout_s"},
        409: {"model": ErrorOut, "description": "The text or its URL was deleted with block=true"},
        413: {"model": ErrorOut, "description": "Request body (or text) too large"},
        502: {"model": ErrorOut, "description": "The URL could not be fetched"},
    },
)
def submit_article(body: ArticleSubmission, bench: Bench, response: Response) -> dict[str, Any]:
    metadata = Metadata(
        title=body.title,
        url=body.source_url,
        outlet=body.outlet,
        published=body.published,
        author=body.author,
        language=body.language,
        genre_tag=body.genre_tag,
    )
    article = read_submission(bench.settings, url=body.url, html=body.html, text=body.text, metadata=metadata)
    done = analyse_and_store(article, bench.analyst, bench.store)
    if not done.article_stored:
        response.status_code = 200  # nothing was created
    return {
        "id": article.id,
        "article_stored": done.article_stored,
        "analysis_stored": done.analysis_stored,
        "analysis": record(bench.store.get_analysis(article.id), bench),
    }


def article_query(
    bench: Bench,
    outlet: Annotated[str | None, Query(max_length=300, description="Exact outlet name.")] = None,
    language: Annotated[str | None, Query(max_length=16, description="ISO 639-1 code.")] = None,
    genre: Annotated[str | None, Query(max_length=50, description="Page genre tag or genre label.")] = None,
    label: Annotated[str | None, Query(max_length=200, description="A span label of any analyzer.")] = None,
    technique: Annotated[
        str | None, Query(max_length=200, description="A technique found by the techniques analyzer.")
    ] = None,
    category: Annotated[str | None, Query(max_length=100, description="A technique category.")] = None,
    narrative: Annotated[str | None, Query(max_length=300, description="A narrative label.")] = None,
    target: Annotated[
        str | None, Query(max_length=300, description="A target the article names (any alias: USA, США…).")
    ] = None,
    attacked: Annotated[
        str | None, Query(max_length=300, description="A target the article attacks (any alias).")
    ] = None,
    praised: Annotated[
        str | None, Query(max_length=300, description="A target the article praises (any alias).")
    ] = None,
    since: Annotated[str | None, Query(max_length=10, description="Published on or after (YYYY-MM-DD).")] = (
        None
    ),
    until: Annotated[str | None, Query(max_length=10, description="Published on or before (YYYY-MM-DD).")] = (
        None
    ),
    stored_since: Annotated[
        datetime | None,
        Query(
            description="First stored in this database at or after this time (ISO 8601; UTC without a "
            "zone): the articles new since a client's last visit, given the newest stored_at it has. "
            "Articles copied in keep the time they were first stored, and a new analysis of an older "
            "article does not count."
        ),
    ] = None,
    stored_until: Annotated[
        datetime | None,
        Query(
            description="Stored at or before this time: page through a fixed set with offset while articles "
            "are being added (give the time of your first request, or the newest stored_at you have seen; "
            "with q the first item is the best match, not the newest)."
        ),
    ] = None,
    q: Annotated[
        str | None,
        Query(
            max_length=500,
            description='Full-text query: words, "phrases", or, -word. Bare words also match '
            "their other forms (Russian cases, English plurals), quoted phrases their words together "
            "in any case; a quoted single word matches as written.",
        ),
    ] = None,
) -> ArticleQuery:
    # A form submits every field: one left blank (or at "Any") filters nothing.
    target, attacked, praised = _given(target), _given(attacked), _given(praised)
    query = ArticleQuery(
        outlet=_given(outlet),
        language=_given(language),
        genre=_given(genre),
        label=_given(label),
        technique=_given(technique),
        category=_given(category),
        narrative=_narrative(bench, _given(narrative)),
        target=target,
        attacked=attacked,
        praised=praised,
        since=_day("since", since),
        until=_day("until", until),
        text=_given(q),
        stored_since=stored_since,
        stored_until=stored_until,
    )
    if target is None and attacked is None and praised is None:
        return query
    stored = target_names(bench.store)
    return query.with_target_names(bench.canonical_target, stored)


def _narrative(bench: Workbench, name: str | None) -> str | None:
    """The narrative id asked for, checked: a typo would list nothing, as if no article repeated it."""
    if name is None:
        return None
    return resolve_narrative_id(
        name, bench.narratives().ids | set(narrative_ids(bench.store)), "query.narrative"
    )


def _given(value: str | None) -> str | None:
    return value if value is not None and value.strip() else None


def _day(name: str, value: str | None) -> date | None:
    if _given(value) is None:
        return None
    try:
        return calendar_day(str(value).strip())
    except ValueError:
        raise InputError(f"query.{name}", f"{value!r} is not a date (YYYY-MM-DD)") from None


Filters = Annotated[ArticleQuery, Depends(article_query)]


# Backslash-escaped wherever they stand (CommonMark: any ASCII punctuation may be): markup, emphasis,
# code, links, raw HTML and entities. Line-start markers (#, -, +, =, >, "1.") are escaped there only.
_MARKDOWN_INLINE = re.compile(r"([\\`*_\[\]<>&!~|])")
_INDENT = re.compile(r"^[ \t]+", re.MULTILINE)
_MARKDOWN_LINE_START = re.compile(r"^([ \t]*)([#+=-]|\d+[.)])", re.MULTILINE)


def markdown_snippet(snippet: str | None) -> str | None:
    """A search snippet as Markdown that renders as the text: its own markup characters escaped
    (``\\*``, ``\\<``), the matches between ``**``, so only they are bold. (The CLI prints it as is.)"""
    if snippet is None:
        return None
    # No indentation: four spaces or a tab would start a code block, where nothing is escaped or bold.
    escaped = _MARKDOWN_INLINE.sub(r"\\\1", _INDENT.sub("", snippet))
    escaped = _MARKDOWN_LINE_START.sub(lambda m: m[1] + m[2][:-1] + "\\" + m[2][-1], escaped)
    return snippet_text(escaped)


@router.get("/articles", response_model=ArticlePage, dependencies=[Read], summary="Search stored articles")
def list_articles(
    bench: Bench,
    query: Filters,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 20,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> ArticlePage:
    page = find_articles(bench.store, query, limit=limit, offset=offset)
    items = [
        ArticleItem(
            id=found.summary.id,
            title=found.summary.title,
            outlet=found.summary.outlet,
            url=found.summary.url,
            published=found.summary.published,
            language=found.summary.language,
            genre_tag=found.summary.genre_tag,
            stored_at=found.summary.stored_at,
            n_spans=found.summary.n_spans,
            n_technique_spans=found.summary.n_technique_spans,
            genre=found.summary.genre,
            snippet=markdown_snippet(found.snippet),
        )
        for found in page.items
    ]
    return ArticlePage(total=page.total, limit=limit, offset=offset, items=items)


@router.get(
    "/articles/{article_id}",
    response_model=AnalysisOut,
    dependencies=[Read],
    summary="One stored article with its latest (or a given) analysis",
)
def get_article(
    article_id: str,
    bench: Bench,
    model_version: Annotated[str | None, Query(max_length=1000)] = None,
) -> dict[str, Any]:
    return record(bench.store.get_analysis(article_id, model_version), bench)


@router.delete(
    "/articles/{article_id}",
    status_code=204,
    dependencies=[Depends(writable)],
    summary="Delete a stored article with its analyses (all or nothing)",
)
def delete_article(
    article_id: str,
    bench: Bench,
    block: Annotated[
        bool, Query(description="Also refuse the text and its URLs if they are submitted again (a takedown).")
    ] = False,
) -> Response:
    bench.store.delete_articles([article_id], block=block)
    return Response(status_code=204)


@router.get(
    "/articles/{article_id}/republications",
    response_model=RepublicationsOut,
    dependencies=[Read],
    summary="Near-copies of the article's text stored from other places, earliest first",
)
def get_republications(article_id: str, bench: Bench) -> RepublicationsOut:
    cluster = republications_of(article_id, bench.store, bench.settings)
    if cluster is None:
        return RepublicationsOut(cluster_id=None, copies=[])
    return RepublicationsOut(
        cluster_id=cluster.cluster_id,
        copies=[
            CopyOut(article_id=c.article_id, url=c.url, outlet=c.outlet, published=c.published, title=c.title)
            for c in cluster.copies
        ],
    )


def _spooled(analyses: Iterable[Analysis], fmt: str, bench: Workbench) -> IO[bytes]:
    # Written fully before the response starts, so a storage error is still a clean JSON error.
    spool = tempfile.SpooledTemporaryFile(max_size=8_000_000)  # noqa: SIM115 (closed by _chunks)
    out = cast(BinaryIO, spool)  # a binary file object, as write_export takes
    narratives = bench.narratives()
    write_export(analyses, fmt, out, narratives.attacks, narrative_titles=narratives.titles)
    spool.seek(0)
    return spool


def _chunks(spool: IO[bytes]) -> Iterator[bytes]:
    with spool:
        while chunk := spool.read(64 * 1024):
            yield chunk


def _download(spool: IO[bytes], fmt: str, stem: str) -> StreamingResponse:
    return StreamingResponse(
        _chunks(spool),
        media_type=MEDIA_TYPES[fmt],
        headers={"Content-Disposition": f'attachment; filename="{stem}{SUFFIXES[fmt]}"'},
    )


_EXPORT_RESPONSE: dict[int | str, dict[str, Any]] = {
    200: {"description": "The export file", "content": {media: {} for media in set(MEDIA_TYPES.values())}}
}


@router.get(
    "/articles/{article_id}/export",
    dependencies=[Read],
    response_class=StreamingResponse,
    responses=_EXPORT_RESPONSE,
    summary="Export one article's analysis",
)
def export_article(
    article_id: str,
    bench: Bench,
    format: Annotated[FormatName, Query(description="Export format.")] = "json",
) -> StreamingResponse:
    analysis = bench.store.get_analysis(article_id)
    return _download(_spooled([analysis], format, bench), format, f"propwatch-{analysis.article.id}")


@router.get(
    "/export",
    dependencies=[Read],
    response_class=StreamingResponse,
    responses=_EXPORT_RESPONSE,
    summary="Export every article matching the filters (refused when more than api_export_limit match)",
)
def export_articles(
    bench: Bench,
    query: Filters,
    format: Annotated[FormatName, Query(description="Export format.")] = "jsonl",
) -> StreamingResponse:
    limit = bench.settings.api_export_limit
    ids = matching_ids(bench.store, query, limit=limit + 1)
    if len(ids) > limit:  # a cut-off export would pass for the whole
        raise InputTooLargeError(
            "export",
            f"more than {limit:,} articles match (api_export_limit): narrow the filters, or export them "
            "all with propwatch export",
        )
    # Stored order, as propwatch export writes them: the same articles give the same bytes.
    analyses = (
        bench.store.iter_analyses(article_ids=ids, stored_order=True, matched=True) if ids else iter(())
    )
    return _download(_spooled(analyses, format, bench), format, "propwatch-export")


@router.get(
    "/facets",
    response_model=FacetsOut,
    dependencies=[Read],
    summary="Values the filters can take, each counted with the other filters given",
)
def get_facets(bench: Bench, query: Filters) -> FacetsOut:
    found = bench.facets(query)
    return FacetsOut(
        outlets=[Count(value=v, count=n) for v, n in found.outlets],
        languages=[Count(value=v, count=n) for v, n in found.languages],
        genres=[Count(value=v, count=n) for v, n in found.genres],
        span_labels=[LabelCount(analyzer=a, label=label, count=n) for a, label, n in found.span_labels],
        narratives=[Count(value=v, count=n) for v, n in found.narratives],
        attacked=[Count(value=v, count=n) for v, n in found.attacked],
        praised=[Count(value=v, count=n) for v, n in found.praised],
    )


AnalyzerParam = Annotated[
    str | None,
    Query(max_length=100, description="Count only this analyzer's spans (default: techniques, if any ran)."),
]


@router.get(
    "/outlets", response_model=OutletsOut, dependencies=[Read], summary="Statistics per outlet, over time"
)
def list_outlets(
    bench: Bench,
    query: Filters,
    analyzer: AnalyzerParam = None,
    bucket: Annotated[
        Literal["week", "month", "year"] | None,
        Query(description="Also give each outlet's statistics per period of this length."),
    ] = None,
) -> OutletsOut:
    counted = analyzer or default_analyzer(bench.store)
    merged = bench.canonical_target  # USA = United States

    def tallies() -> tuple[dict[str, Tally], dict[str, dict[str, Tally]]]:
        if bucket:
            return outlet_timelines(
                bench.store, bucket=bucket, analyzer=counted, query=query, canonical=merged
            )
        return outlet_statistics(bench.store, analyzer=counted, query=query, canonical=merged), {}

    # kept until the store changes, as the dashboard: every text is read (3 s a call at 25,000 articles)
    stats, periods = bench.kept(("outlets", counted, bucket, query), tallies)
    return OutletsOut(
        analyzer=counted,
        bucket=bucket,
        items=[
            OutletOut(
                outlet=name,
                **t.record(),
                periods=[PeriodOut(period=p, **pt.record()) for p, pt in periods[name].items()]
                if bucket
                else None,
            )
            for name, t in stats.items()
        ],
        caution=mixed_versions_caution(stats.values(), counted),
    )


@router.get(
    "/outlets/{name:path}",  # outlet names such as "RFE/RL" hold slashes
    response_model=OutletTimelineOut,
    dependencies=[Read],
    summary="One outlet's statistics over time",
)
def get_outlet(
    name: str,
    bench: Bench,
    query: Filters,
    bucket: Annotated[Literal["week", "month", "year"], Query(description="Period length.")] = "month",
    analyzer: AnalyzerParam = None,
) -> OutletTimelineOut:
    counted = analyzer or default_analyzer(bench.store)
    chosen: Bucket = bucket
    overall, periods = timeline(
        bench.store,
        outlet=name,
        bucket=chosen,
        analyzer=counted,
        query=query,
        canonical=bench.canonical_target,
    )
    if overall.articles == 0 and find_articles(bench.store, ArticleQuery(outlet=name), limit=1).total == 0:
        raise NotFoundError(f"outlet {name!r}", "no stored article is from this outlet")
    return OutletTimelineOut(
        outlet=name,
        bucket=bucket,
        analyzer=counted,
        overall=TallyOut(**overall.record()),
        periods=[PeriodOut(period=period, **t.record()) for period, t in periods.items()],
        caution=mixed_versions_caution([overall], counted),
    )


@router.get("/status", response_model=StatusOut, dependencies=[Read], summary="Version and what is installed")
def get_status(bench: Bench) -> StatusOut:
    return StatusOut(
        version=__version__,
        articles=bench.store.count_articles(),
        public_read=bench.settings.api_public_read,
        analyzers=sorted(bench.settings.analyzers or registry.available().analyzers),
        analyzer_versions=bench.analyst.versions(),
        export_formats=list(EXPORT_FORMATS),
    )
