"""The server-rendered pages: list and search, article view, submit, outlet dashboard, sign-in.

Templates are Jinja2 with autoescaping on for everything; pages carry no inline script or style, so
the Content-Security-Policy can forbid both. Scripts only enhance: every page works without them.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote, urlencode, urlsplit

import jinja2
from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from propwatch import __version__
from propwatch.analyzers.versions import outdated_caution
from propwatch.api.app import Workbench, status_of, workbench
from propwatch.api.routes import Filters
from propwatch.api.schemas import is_http_url
from propwatch.api.security import (
    SESSION_COOKIE,
    cookie_options,
    same_origin,
    session_lifetime,
    session_token,
    token_of,
)
from propwatch.api.submission import Metadata, analyse_and_store, read_submission
from propwatch.errors import EmptyInputError, InputError, PropwatchError, StorageError
from propwatch.export import narrative_matches
from propwatch.export_formats import DESCRIPTIONS, EXPORT_FORMATS
from propwatch.ingest.dates import PLAUSIBLE_DATES, calendar_day, plausible
from propwatch.models.taxonomy import CATEGORIES, TECHNIQUE_ANALYZER
from propwatch.narratives.catalogue import current_matcher_version
from propwatch.republication.signatures import republications_of
from propwatch.storage.queries import NARRATIVE_LABEL, ArticleQuery, Facets, find_articles
from propwatch.storage.search import SNIPPET_END, SNIPPET_START
from propwatch.storage.statistics import (
    default_analyzer,
    mixed_versions_caution,
    outlets_overview,
    timeline,
    with_empty_periods,
)
from propwatch.storage.statistics import ranked as ranked_counts
from propwatch.storage.tokens import ApiToken
from propwatch.summary import (
    REPORTED_NOTE,
    genre_note,
    stance_evidence,
    summarize,
    target_findings,
    target_line,
)
from propwatch.web.charts import Series, hbar_chart, heatmap, stacked_columns
from propwatch.web.highlight import (
    category_class,
    colour_class,
    legend,
    pretty,
    segments,
    span_views,
    views_of,
)

TEMPLATES = Path(__file__).parent / "templates"
PAGE_SIZE = 20
TOP_LABELS = 8  # series in a chart of labels other than techniques; the rest are summed as 'other'
TARGET_ANALYZER = "targets"  # propwatch.analyzers.targets.TargetExtractor.name (importing it loads NER)

environment = jinja2.Environment(
    loader=jinja2.FileSystemLoader(TEMPLATES),
    autoescape=True,  # every page: article text and metadata are untrusted
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)
environment.filters["pretty"] = pretty


def path_segment(value: object) -> str:
    """``value`` as one URL path segment: Jinja's urlencode leaves "/" as is, so an outlet named
    "../../api" led elsewhere."""
    return quote(str(value), safe="")


environment.filters["segment"] = path_segment
environment.filters["percent"] = lambda value: "—" if value is None else f"{100 * value:.1f}%"
# Counts most frequent first, ties by name, as the API and the CLI order them (most_common() kept the
# order rows came in, which differs between SQLite and PostgreSQL).
environment.filters["ranked"] = lambda counts: list(ranked_counts(counts).items())

router = APIRouter(include_in_schema=False)
Bench = Annotated[Workbench, Depends(workbench)]


def signed_in(request: Request, bench: Workbench) -> bool:
    """Whether the browser holds a live session (its cookie is a session secret, never a token)."""
    secret = session_token(request)
    return secret is not None and bench.tokens.verify_session(secret) is not None


def _start_session(request: Request, bench: Workbench, token: ApiToken, response: Response) -> None:
    """Open a session for ``token`` and give the browser its secret, for serve_session_hours (ending
    the one it held before, if any)."""
    if (previous := session_token(request)) is not None:
        bench.tokens.close_session(previous)
    lifetime = session_lifetime(bench.settings)
    secret = bench.tokens.open_session(token, lifetime)
    options = cookie_options(request, bench.settings)
    response.set_cookie(SESSION_COOKIE, secret, max_age=int(lifetime.total_seconds()), **options)


def render(request: Request, template: str, status: int = 200, **context: Any) -> HTMLResponse:
    bench: Workbench = request.app.state.workbench
    page = environment.get_template(template).render(
        request_path=request.url.path,
        signed_in=signed_in(request, bench),
        public_read=bench.settings.api_public_read,
        version=__version__,
        **context,
    )
    return HTMLResponse(page, status_code=status)


def render_error(request: Request, status: int, message: str) -> HTMLResponse:
    return render(request, "error.html", status=status, status_code=status, message=message)


def _gate(request: Request, bench: Workbench) -> Response | None:
    """A redirect to the sign-in page when reading needs a token and the browser has none."""
    if bench.settings.api_public_read or token_of(request, bench.tokens, cookie=True) is not None:
        return None
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return RedirectResponse("/login?" + urlencode({"next": target}), status_code=303)


def safe_href(url: str | None) -> str | None:
    """Only http(s) links leave the page: an article's URL could be 'javascript:…'."""
    try:
        if url and urlsplit(url).scheme.lower() in ("http", "https"):
            return url
    except ValueError:  # "http://[broken": shown, never linked
        pass
    return None


def url_host(url: str | None) -> str:
    """The host of ``url`` ("" for none or a broken one): where a copy without an outlet appeared. A
    backslash is read as browsers read it, a slash: "https://evil.example\\@www.bbc.com/" leads to
    evil.example, and had been labelled www.bbc.com."""
    try:
        return (urlsplit(url.replace("\\", "/")).hostname or "") if url else ""
    except ValueError:
        return ""


environment.filters["safe_href"] = safe_href
environment.filters["host"] = url_host


def snippet_parts(snippet: str | None) -> list[tuple[str, bool]]:
    """A search snippet as (text, is_match) pieces, so matches are bolded without trusting markup."""
    if not snippet:
        return []
    parts: list[tuple[str, bool]] = []
    rest = snippet
    while SNIPPET_START in rest:
        before, _, after = rest.partition(SNIPPET_START)
        match, found, rest = after.partition(SNIPPET_END)
        parts.append((before, False))
        parts.append((match, bool(found)))
    parts.append((rest, False))
    return [part for part in parts if part[0]]


@router.get("/", response_class=HTMLResponse)
def home() -> Response:
    return RedirectResponse("/articles", status_code=307)


@router.get("/articles", response_class=HTMLResponse)
def list_page(
    request: Request,
    bench: Bench,
    query: Filters,
    page: int = 1,
    deleted: str | None = None,
    kept_out: int = 0,
) -> Response:
    if (gate := _gate(request, bench)) is not None:
        return gate
    page = max(1, min(page, 10_000))
    found = find_articles(bench.store, query, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE)
    # "deleted" says what the delete page just did, once: not a filter kept in the page's links
    params = {k: v for k, v in request.query_params.items() if k not in ("page", "deleted", "kept_out") and v}
    pages = max(1, math.ceil(found.total / PAGE_SIZE))
    if page > pages:  # past the end (an old link, a hand-typed number): the last page
        page = pages
        found = find_articles(bench.store, query, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE)
    facets = bench.facets(query)
    return render(
        request,
        "list.html",
        found=found,
        query=query,
        params=params,
        page=page,
        pages=pages,
        page_link=lambda n: "/articles?" + urlencode({**params, "page": n}),
        export_link=lambda fmt: "/api/export?" + urlencode({**_api_filters(params), "format": fmt}),
        formats=EXPORT_FORMATS,
        facets=facets,
        chosen_targets=chosen_targets(query, facets),
        categories=CATEGORIES,
        snippet_parts=snippet_parts,
        deleted=deleted if deleted and _ARTICLE_ID.fullmatch(deleted) else None,
        kept_out=bool(kept_out),
    )


@dataclass(frozen=True)
class ChosenTarget:
    given: str  # as the link or the form gave it: "России"
    meant: str  # the name it stands for: the facet's option ("Russia") when it offers one
    listed: bool  # whether the facet offers ``meant``; else the form keeps ``given`` as an extra option


def chosen_targets(query: ArticleQuery, facets: Facets) -> dict[str, ChosenTarget]:
    """The target filters in effect, as the names the query resolved them to (:meth:`ArticleQuery.names_for`)
    show them: a link's "России" selects "Russia", and Apply sends it on."""
    options: dict[str, list[tuple[str, int]]] = {
        "target": [],
        "attacked": facets.attacked,
        "praised": facets.praised,
    }
    chosen = {}
    for name, values in options.items():
        given = getattr(query, name)
        if given is None:
            continue
        names, offered = query.names_for(given), dict(values)
        listed = [value for value in names if value in offered]
        chosen[name] = ChosenTarget(given.strip(), (listed or names)[0], bool(listed))
    return chosen


def _api_filters(params: dict[str, str]) -> dict[str, str]:
    return {k: v for k, v in params.items() if k != "page"}


@router.get("/articles/{article_id}", response_class=HTMLResponse)
def article_page(request: Request, article_id: str, bench: Bench) -> Response:
    if (gate := _gate(request, bench)) is not None:
        return gate
    analysis = bench.store.get_analysis(article_id)
    narratives = bench.narratives()
    views = span_views(analysis, narratives.titles)
    summary = summarize(analysis)
    targets, reported = target_findings(analysis, narratives.attacks)
    matches = narrative_matches(analysis, narratives.titles)
    label_groups: dict[str, list[Any]] = {}
    for label in analysis.labels:
        if targets and label.analyzer == TARGET_ANALYZER:
            continue  # its target/attacked/praised labels say again what the Targets section shows
        label_groups.setdefault(label.name, []).append(label)
    other_layers: dict[str, list[Any]] = {}
    for view in views:
        if view.analyzer != TECHNIQUE_ANALYZER:
            other_layers.setdefault(view.analyzer, []).append(view)
    article = analysis.article
    cluster = republications_of(article.id, bench.store, bench.settings)
    return render(
        request,
        "article.html",
        republications=cluster,
        analysis=analysis,
        article=article,
        views=views,
        segments=segments(article.text, views),
        legend=legend(views),
        label_groups=label_groups,
        other_layers=other_layers,
        technique_views=[v for v in views if v.analyzer == TECHNIQUE_ANALYZER],
        article_href=safe_href(article.url),
        formats=[(fmt, DESCRIPTIONS[fmt]) for fmt in EXPORT_FORMATS],
        words=summary.words,
        summary=summary,
        genre_note=genre_note(summary),
        targets=targets,
        evidence_of=lambda spans: sorted(views_of(spans, views), key=lambda view: view.number),  # as marked
        target_line=target_line,
        stance_evidence=stance_evidence,
        # the numbers of the spans that report someone else's label, marked in the evidence list
        reported={view.number for view in views_of(reported, views)},
        reported_note=REPORTED_NOTE,
        narrative_matches={match.id: match for match in matches},
        # every match of an article shares its language's threshold
        narrative_threshold=matches[0].threshold if matches else None,
        outdated=outdated_caution(analysis, bench.installed, current_matcher_version(bench.settings)),
    )


@router.get("/articles/{article_id}/delete", response_class=HTMLResponse)
def delete_page(request: Request, article_id: str, bench: Bench) -> Response:
    if not signed_in(request, bench):
        return RedirectResponse("/login?" + urlencode({"next": request.url.path}), status_code=303)
    return render(request, "delete.html", article=bench.store.get_article(article_id))


@router.post("/articles/{article_id}/delete", response_class=HTMLResponse)
def delete_article(
    request: Request, article_id: str, bench: Bench, block: Annotated[str | None, Form()] = None
) -> Response:
    if not same_origin(request, bench.settings):
        return render_error(request, 403, "form: posted from another site; delete from this server's page")
    if not signed_in(request, bench):
        return render_error(request, 401, "Deleting needs a signed-in session: sign in with an API token.")
    done = bench.store.delete_articles([article_id], block=block == "1")
    said = urlencode({"deleted": done.article_ids[0], **({"kept_out": 1} if done.blocked else {})})
    return RedirectResponse(f"/articles?{said}", status_code=303)


# --- submitting ----------------------------------------------------------------------------------


_ARTICLE_ID = re.compile(r"[0-9a-f]{16}")

# The submit form's labels, by the names its errors give its fields.
_FIELD_LABELS = {
    "url": "Link to the article",
    "text": "Paste the text",
    "title": "Headline",
    "outlet": "Outlet",
    "published": "Published",
    "source_url": "Published at",
}


@router.get("/submit", response_class=HTMLResponse)
def submit_page(request: Request) -> Response:
    return render(request, "submit.html", error=None, values={}, error_field=None)


def _text_field(form: Any, name: str, limit: int = 2048) -> str | None:
    value = form.get(name)
    if not isinstance(value, str) or not value.strip():
        return None
    if len(value) > limit:
        raise InputError(name, f"is longer than {limit:,} characters")
    return value.strip()


@router.post("/submit", response_class=HTMLResponse)
async def submit(request: Request, bench: Bench) -> Response:
    if not same_origin(request, bench.settings):
        return render_error(request, 403, "form: posted from another site; submit from this server's page")
    # A part may be as large as the body may (starlette's 1 MB cap lost the form): the text's length is
    # checked below, with the form shown again.
    form = await request.form(max_files=1, max_fields=20, max_part_size=bench.settings.api_max_request_bytes)
    values = {key: value for key, value in form.items() if isinstance(value, str) and key != "token"}
    secret = _text_field(form, "token", 200)
    token = await run_in_threadpool(bench.tokens.verify, secret) if secret else None
    signed = await run_in_threadpool(signed_in, request, bench)
    if token is None and not signed:
        message = "Submitting needs an API token: paste one (made with `propwatch token create NAME`)."
        if secret:
            message = "This API token is not valid (unknown or revoked)."
        return render(request, "submit.html", status=401, error=message, values=values, error_field="token")
    filename: str | None = None
    try:
        upload = form.get("file")
        data: bytes | None = None
        if isinstance(upload, UploadFile) and upload.filename:
            data = await upload.read()
            filename = upload.filename
            if not data:  # not taken for "no file given"
                raise EmptyInputError(f"uploaded file {filename!r}", "is empty (0 bytes)")
        published_text = _text_field(form, "published", 10)
        try:
            published = calendar_day(published_text) if published_text else None
        except ValueError as exc:
            raise InputError("published", f"{published_text!r} is not a date: give YYYY-MM-DD") from exc
        if published is not None and plausible(published) is None:
            raise InputError(
                "published", f"{published_text} is not a publication date: give one {PLAUSIBLE_DATES}"
            )
        source_url = _text_field(form, "source_url")
        if source_url is not None and not is_http_url(source_url):
            raise InputError("source_url", f"{source_url!r} is not an http(s) URL")
        metadata = Metadata(
            title=_text_field(form, "title", 1000),
            url=source_url,
            outlet=_text_field(form, "outlet", 300),
            published=published,
        )
        url = _text_field(form, "url")
        text = _text_field(form, "text", bench.settings.max_input_bytes)

        def work() -> str:
            article = read_submission(
                bench.settings, url=url, text=text, data=data, filename=filename, metadata=metadata
            )
            return analyse_and_store(article, bench.analyst, bench.store).analysis.article.id

        article_id = await run_in_threadpool(work)
    except PropwatchError as exc:  # the API's status for the same error (409 blocked, 413, 502…)
        field = _FIELD_LABELS.get(exc.input_name)
        if isinstance(exc, StorageError):
            shown = f"database: {exc.reason}"
        elif field is not None:  # named as the form names it: "Headline", not "title"
            shown = f"{field}: {exc.reason}"
        else:
            shown = str(exc)
        field_name = exc.input_name if field is not None else ("file" if filename else None)
        return render(
            request, "submit.html", status=status_of(exc), error=shown, values=values, error_field=field_name
        )
    response = RedirectResponse(f"/articles/{article_id}", status_code=303)
    if token is not None and not signed:
        await run_in_threadpool(_start_session, request, bench, token, response)
    return response


# --- signing in ----------------------------------------------------------------------------------


def _local_path(target: str | None) -> str:
    # Only paths on this server: '//evil.example' or 'https://…' would make an open redirect.
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/articles"


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request, next: str | None = None) -> Response:
    return render(request, "login.html", error=None, next=_local_path(next))


@router.post("/login", response_class=HTMLResponse)
async def login(request: Request, bench: Bench) -> Response:
    if not same_origin(request, bench.settings):
        return render_error(request, 403, "form: posted from another site; sign in from this server's page")
    form = await request.form(max_files=0, max_fields=5)
    secret = _text_field(form, "token", 200)
    target = _local_path(_text_field(form, "next"))
    token = await run_in_threadpool(bench.tokens.verify, secret) if secret else None
    if token is None:
        return render(request, "login.html", status=401, error="This API token is not valid.", next=target)
    response = RedirectResponse(target, status_code=303)
    await run_in_threadpool(_start_session, request, bench, token, response)
    return response


@router.post("/logout", response_class=HTMLResponse)
def logout(request: Request, bench: Bench) -> Response:
    if not same_origin(request, bench.settings):
        return render_error(request, 403, "form: posted from another site")
    secret = session_token(request)
    if secret is not None:
        bench.tokens.close_session(secret)  # over on the server too, not only forgotten by this browser
    response = RedirectResponse("/articles", status_code=303)
    response.delete_cookie(SESSION_COOKIE, **cookie_options(request, bench.settings))
    return response


# --- dashboard -----------------------------------------------------------------------------------


def _series(periods: dict[str, Any], analyzer: str | None) -> list[Series]:
    """Technique categories when the technique detector ran; else the most frequent labels."""
    names = list(periods)
    if analyzer == TECHNIQUE_ANALYZER:
        return [
            Series(
                pretty(category), category_class(category), [periods[p].categories[category] for p in names]
            )
            for category in CATEGORIES
            if any(periods[p].categories[category] for p in names)
        ]
    totals: Counter[str] = Counter()
    for tally in periods.values():
        totals.update(tally.labels)
    top = list(ranked_counts(totals))[:TOP_LABELS]
    series = [
        Series(pretty(label), colour_class(analyzer or "", label), [periods[p].labels[label] for p in names])
        for label in top
    ]
    rest = [sum(n for label, n in periods[p].labels.items() if label not in top) for p in names]
    if any(rest):
        series.append(Series("other", "pal-other", [float(n) for n in rest]))
    return series


@router.get("/outlets", response_class=HTMLResponse)
def dashboard(request: Request, bench: Bench) -> Response:
    if (gate := _gate(request, bench)) is not None:
        return gate
    analyzer = default_analyzer(bench.store)
    # Articles of no outlet are in no outlet's row: they would skew the totals the rows are read against.
    stats, overall, periods = bench.kept(
        ("dashboard", analyzer),
        lambda: outlets_overview(
            bench.store, bucket="month", analyzer=analyzer, canonical=bench.canonical_target
        ),
    )
    periods = with_empty_periods(periods, "month")
    measured = [(name, t.coverage) for name, t in stats.items() if t.coverage is not None]
    ranked = sorted(measured, key=lambda kv: -kv[1])  # outlets with no analysed article have no share
    share = hbar_chart(
        [
            (name, coverage, f"{100 * coverage:.1f}%", f"/outlets/{path_segment(name)}")
            for name, coverage in ranked[:20]
        ],
        colour="pal-0",
    )
    outlet_names = list(stats)[:15]

    def by_outlet(field: str) -> Any:
        """Articles per outlet and value of a tally counter (the 12 most frequent values), or None."""
        values = list(ranked_counts(getattr(overall, field)))[:12]
        counts = {(o, v): getattr(stats[o], field)[v] for o in outlet_names for v in values}
        return heatmap(outlet_names, values, counts) if values else None

    return render(
        request,
        "outlets.html",
        stats=stats,
        overall=overall,
        analyzer=analyzer,
        share=share,
        over_time=stacked_columns(list(periods), _series(periods, analyzer)),
        periods=periods,
        narratives=by_outlet("narratives"),
        attacked=by_outlet("attacked"),
        narrative_label=NARRATIVE_LABEL,
        mixed_versions=mixed_versions_caution(stats.values(), analyzer),
    )


@router.get("/outlets/{name:path}", response_class=HTMLResponse)  # names such as "RFE/RL"
def outlet_page(request: Request, name: str, bench: Bench) -> Response:
    if (gate := _gate(request, bench)) is not None:
        return gate
    analyzer = default_analyzer(bench.store)
    overall, periods = timeline(
        bench.store,
        outlet=name,
        bucket="month",
        analyzer=analyzer,
        canonical=bench.canonical_target,
    )
    periods = with_empty_periods(periods, "month")
    if overall.articles == 0:
        return render_error(request, 404, f"outlet {name!r}: no stored article is from this outlet")
    top = list(ranked_counts(overall.labels).items())[:15]
    labels_chart = hbar_chart(
        [
            (pretty(label), float(n), str(n), f"/articles?{urlencode({'outlet': name, 'label': label})}")
            for label, n in top
        ],
        colour="pal-3",
        percent=False,
    )
    coverage_chart = hbar_chart(
        [
            (period, t.coverage, f"{100 * t.coverage:.1f}%", None)
            for period, t in periods.items()
            if t.coverage is not None
        ],
        colour="pal-0",
    )
    return render(
        request,
        "outlet.html",
        name=name,
        overall=overall,
        analyzer=analyzer,
        mixed_versions=mixed_versions_caution([overall], analyzer),
        periods=periods,
        over_time=stacked_columns(list(periods), _series(periods, analyzer)),
        labels_chart=labels_chart if top else None,
        coverage_chart=coverage_chart,
        list_link="/articles?" + urlencode({"outlet": name}),
    )
