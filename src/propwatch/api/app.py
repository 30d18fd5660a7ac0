"""The web application: ``create_app(settings)`` builds the REST API and the pages over one store."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import AsyncIterator, Callable, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.gzip import GZipMiddleware

from propwatch import __version__
from propwatch.analyzers.versions import Installed, installed_versions
from propwatch.api.security import (
    AuthError,
    BodySizeLimit,
    HeadAsGet,
    SecurityHeaders,
    TokenBeforeBody,
    TrustedHosts,
    allowed_hosts,
)
from propwatch.api.submission import Analyst
from propwatch.errors import (
    AnalyzerError,
    BlockedInputError,
    ConfigurationError,
    FetchError,
    InputError,
    InputTooLargeError,
    NotFoundError,
    PropwatchError,
    RefusedAddressError,
    RobotsDisallowedError,
    StorageError,
)
from propwatch.narratives.catalogue import (
    attacks_in_catalogues,
    catalogue_files_key,
    catalogue_ids,
    narrative_titles,
    readable_catalogues,
)
from propwatch.pipeline import Pipeline, check_analyzers
from propwatch.settings import Settings
from propwatch.storage.queries import ArticleQuery, Facets, facets
from propwatch.storage.store import ArticleStore
from propwatch.storage.tokens import TokenStore
from propwatch.targets.aliases import AliasCatalogue, canonical_target, load_aliases

STATIC_DIR = Path(__file__).parent.parent / "web" / "static"
RETRY_AFTER_S = 5  # a 503 (the database busy or away): when a client may try again
_KEPT = 32  # figures kept until the store changes (facets of filter combinations, the dashboard)


class NarrativeDisplays(NamedTuple):
    """The narrative catalogues in use, as displays and filters of stored analyses need them."""

    attacks: Mapping[str, frozenset[str]]
    """Narrative id → targets it attacks, for target stances on display."""
    ids: frozenset[str]
    """The narrative ids, which the narrative filter accepts."""
    titles: Mapping[str, str]
    """Narrative id → its title and catalogue (a :class:`NarrativeTitles`): what a match means."""


@dataclass(frozen=True)
class Workbench:
    """What every request handler works with."""

    settings: Settings
    store: ArticleStore
    tokens: TokenStore
    analyst: Analyst
    aliases: AliasCatalogue = field(default_factory=AliasCatalogue)
    """The target alias catalogues (read at start): filters name a target by any of its aliases."""
    installed: Mapping[str, Installed] = field(default_factory=dict)
    """The installed analyzers' versions (read at start): an article page says when its findings were
    made by others."""

    _kept: OrderedDict[tuple[Any, ...], Any] = field(default_factory=OrderedDict, repr=False)
    _kept_lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _catalogues: list[tuple[Any, NarrativeDisplays]] = field(default_factory=list, repr=False)

    def narratives(self) -> NarrativeDisplays:
        """What the narrative catalogues say on display, read again when a catalogue file changed (one
        imported while the server runs had shown as bare ids until a restart); call once per request."""
        files = catalogue_files_key(self.settings)  # None: readable_catalogues says why, once
        with self._kept_lock:
            if self._catalogues and self._catalogues[0][0] == files:
                return self._catalogues[0][1]
        catalogues = readable_catalogues(self.settings, "target stances and the narrative filter")
        shown = NarrativeDisplays(
            attacks_in_catalogues(self.settings, catalogues),
            catalogue_ids(catalogues),
            narrative_titles(self.settings, catalogues),
        )
        with self._kept_lock:
            self._catalogues[:] = [(files, shown)]
        return shown

    def canonical_target(self, name: str) -> str:
        """The name a target is stored and counted under (USA, США → United States)."""
        return canonical_target(name, self.aliases)

    def facets(self, query: ArticleQuery | None) -> Facets:
        """The facets of ``query`` (:func:`propwatch.storage.queries.facets`), kept until the store
        changes: the list page counted them again for every page (1.2 s at 25,000 articles)."""
        found: Facets = self.kept(("facets", query), lambda: facets(self.store, self.canonical_target, query))
        return found

    def kept(self, key: tuple[Any, ...], compute: Callable[[], Any]) -> Any:
        """``compute()``, or what it gave for ``key`` while the store has not changed since
        (:meth:`ArticleStore.content_version`); the last few are kept."""
        key = (*key, self.store.content_version())
        with self._kept_lock:
            if key in self._kept:
                self._kept.move_to_end(key)
                return self._kept[key]
        found = compute()
        with self._kept_lock:
            self._kept[key] = found
            while len(self._kept) > _KEPT:
                self._kept.popitem(last=False)
        return found


def workbench(request: Request) -> Workbench:
    found: Workbench = request.app.state.workbench
    return found


def status_of(error: PropwatchError) -> int:
    """The HTTP status of a user-facing error."""
    if isinstance(error, AuthError):
        return 401
    if isinstance(error, NotFoundError):
        return 404
    if isinstance(error, InputTooLargeError):
        return 413
    if isinstance(error, BlockedInputError):
        return 409  # deleted with --block: the store refuses it while the block stands
    if isinstance(error, RefusedAddressError | RobotsDisallowedError):
        return 422  # the URL is refused by policy, not unreachable
    if isinstance(error, InputError):
        return 422
    if isinstance(error, FetchError):
        return 502
    if isinstance(error, StorageError):
        return 503
    if isinstance(error, AnalyzerError | ConfigurationError):
        return 500
    return 400


def error_json(kind: str, input_name: str, reason: str) -> dict[str, dict[str, str]]:
    return {
        "error": {"type": kind, "input": input_name, "reason": reason, "message": f"{input_name}: {reason}"}
    }


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/") or request.url.path == "/openapi.json"


def _publish_read_access(app: FastAPI, settings: Settings) -> None:
    """Say in /openapi.json that reads take a token optionally when they are public."""
    if not settings.api_public_read:
        return
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            spec = build()
            for operations in spec.get("paths", {}).values():
                read = operations.get("get")
                if read is not None and read.get("security"):
                    read["security"] = [*read["security"], {}]  # {}: no credentials needed
            app.openapi_schema = spec
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def create_app(
    settings: Settings, *, store: ArticleStore | None = None, pipeline: Pipeline | None = None
) -> FastAPI:
    """The app serving ``/api/…``, ``/openapi.json``, the pages and ``/static``.

    ``store`` defaults to the database of ``settings`` (opened now, closed at shutdown when opened
    here); ``pipeline`` to the installed analyzers, loaded on the first submission.
    """
    from propwatch.api.routes import router as api_router
    from propwatch.web.pages import render_error
    from propwatch.web.pages import router as page_router

    if pipeline is None:
        check_analyzers(settings)  # at start: the pipeline loads on the first submission, too late to say
    owned = store is None
    opened = store if store is not None else ArticleStore.from_settings(settings)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        if owned:
            opened.close()

    app = FastAPI(
        title="propwatch",
        version=__version__,
        description="Analyse news and opinion articles for persuasion techniques, with evidence. "
        "Write endpoints need an API token (`propwatch token create NAME`) sent as "
        "`Authorization: Bearer <token>`; reads too when the server is run with api_public_read off.",
        docs_url=None,  # the Swagger and ReDoc pages load scripts from a CDN; the spec is enough
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.workbench = Workbench(
        settings,
        opened,
        TokenStore(opened),
        Analyst(settings, pipeline),
        load_aliases(settings),
        installed_versions(settings),
    )
    app.state.workbench.narratives()  # read at start: a broken catalogue is logged before the first page

    def error_response(request: Request, status: int, kind: str, input_name: str, reason: str) -> Response:
        headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
        if status == 503:
            headers = {"Retry-After": str(RETRY_AFTER_S)}  # the database is busy or away for a while
        if _wants_json(request):
            return JSONResponse(error_json(kind, input_name, reason), status_code=status, headers=headers)
        return render_error(request, status, f"{input_name}: {reason}")

    @app.exception_handler(PropwatchError)
    async def _propwatch_error(request: Request, exc: PropwatchError) -> Response:
        # A storage error names the database URL (a path, perhaps a password): clients see "database".
        where = "database" if isinstance(exc, StorageError) else exc.input_name
        return error_response(request, status_of(exc), type(exc).__name__, where, exc.reason)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> Response:
        problems = [
            (".".join(str(part) for part in p.get("loc", ())) or "request", str(p.get("msg", "invalid")))
            for p in exc.errors()
        ] or [("request", "invalid request")]
        (where, reason), others = problems[0], problems[1:]
        if others:  # every problem at once: a client fixes them in one go
            reason += "; also " + "; ".join(f"{place}: {message}" for place, message in others)
        return error_response(request, 422, "InputError", where, reason)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException) -> Response:
        reason = str(exc.detail) if exc.detail else "error"
        if exc.status_code == 404 and reason == "Not Found":
            reason = "no such page or endpoint"
        elif exc.status_code == 405:
            reason = "this method is not allowed here"
        response = error_response(request, exc.status_code, "HTTPError", request.url.path, reason)
        response.headers.update(exc.headers or {})  # 405's Allow: which methods are
        return response

    app.include_router(api_router)
    app.include_router(page_router)
    _publish_read_access(app, settings)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")

    # The last added runs first: CORS (so that every answer, errors of the checks below too, carries its
    # headers), security headers on every answer, then the Host check (DNS rebinding), then a write's
    # token, before its body is read at all, then the body's size; HEAD is answered as GET without body.
    app.add_middleware(GZipMiddleware, minimum_size=1024)  # exports and listings shrink 5-10 times
    app.add_middleware(HeadAsGet)
    app.add_middleware(
        BodySizeLimit,
        limit=settings.api_max_request_bytes,
        timeout=settings.api_body_timeout_s,
        tokens=app.state.workbench.tokens,
    )
    app.add_middleware(TokenBeforeBody, tokens=app.state.workbench.tokens)

    def wrong_host(request: Request) -> Response:
        host = request.headers.get("host", "")[:100]
        reason = (
            f"{host!r} is not a name this server answers to: add it to serve_allowed_hosts "
            "(PROPWATCH_SERVE_ALLOWED_HOSTS) or set serve_public_url"
        )
        return error_response(request, 400, "HTTPError", "Host header", reason)

    app.add_middleware(TrustedHosts, hosts=allowed_hosts(settings), refuse=wrong_host)
    app.add_middleware(SecurityHeaders)
    if settings.api_cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=list(settings.api_cors_origins),
            allow_methods=["GET", "POST", "DELETE"],
            allow_headers=["Authorization", "Content-Type"],
            expose_headers=["Content-Disposition"],  # an export's file name
        )
    return app
