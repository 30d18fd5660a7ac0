"""What guards the server: Host check, token before body, body size cap, security headers, API tokens
and the browser session.

API clients send ``Authorization: Bearer <token>``. A browser signs in once with a token and gets a
session (the token itself never leaves the sign-in form), kept in an HttpOnly, SameSite=Strict cookie;
form posts also have to come from this origin, or from the public origin a reverse proxy serves.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable, Sequence
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

from fastapi import Request
from starlette.concurrency import run_in_threadpool
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from propwatch.errors import PropwatchError
from propwatch.settings import Settings
from propwatch.storage.tokens import ApiToken, TokenStore

SESSION_COOKIE = "propwatch_session"
WILDCARD_HOSTS = ("", "0.0.0.0", "::", "[::]")  # listening on every address
LOCAL_HOSTS = ("localhost", "127.0.0.1", "[::1]")
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
# No inline script or style anywhere: every script and stylesheet is a file under /static.
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)
SECURITY_HEADERS: tuple[tuple[bytes, bytes], ...] = (
    (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"same-origin"),  # no-referrer would make browsers send "Origin: null"
    (b"cross-origin-opener-policy", b"same-origin"),
)


class AuthError(PropwatchError):
    """A request that needs an API token came without a valid one (HTTP 401)."""


def _error_body(kind: str, input_name: str, reason: str) -> bytes:
    detail = {"type": kind, "input": input_name, "reason": reason, "message": f"{input_name}: {reason}"}
    return json.dumps({"error": detail}).encode()


async def _send_error(send: Send, status: int, body: bytes, *extra: tuple[bytes, bytes]) -> None:
    """A JSON error response sent from a middleware, before the app (and its handlers) run."""
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                *extra,
                *SECURITY_HEADERS,
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


def _bracketed(host: str) -> str:
    """An IPv6 address as a Host header writes it: in brackets."""
    return f"[{host}]" if ":" in host and not host.startswith("[") else host


def allowed_hosts(settings: Settings) -> list[str]:
    """The Host header names the server answers (DNS-rebinding guard); ["*"]: any.

    Its own address unless a wildcard, the loopback names, the public URL's host and serve_allowed_hosts.
    A wildcard address with neither of the last two set answers every name: the operator exposed it.
    """
    public = urlsplit(settings.serve_public_url).hostname if settings.serve_public_url else None
    own = settings.serve_host.strip().lower()
    if own in WILDCARD_HOSTS and public is None and not settings.serve_allowed_hosts:
        return ["*"]
    names = [*LOCAL_HOSTS, *settings.serve_allowed_hosts]
    if own not in WILDCARD_HOSTS:
        names.append(_bracketed(own))
    if public is not None:
        names.append(_bracketed(public))
    return list(dict.fromkeys(names))


class TrustedHosts:
    """starlette's TrustedHostMiddleware deciding, ``refuse`` answering (the app's error style)."""

    _ADMITTED = "propwatch.host_admitted"

    def __init__(self, app: ASGIApp, hosts: Sequence[str], refuse: Callable[[Request], Response]) -> None:
        self.app = app
        self.refuse = refuse
        self.any = "*" in hosts
        self._checker = TrustedHostMiddleware(self._admit, allowed_hosts=hosts, www_redirect=False)

    @classmethod
    async def _admit(cls, scope: Scope, _receive: Receive, _send: Send) -> None:
        scope[cls._ADMITTED] = True

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self.any or scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        probe = dict(scope)  # the checker marks the probe when the host is allowed, or answers 400

        async def discard(_message: Message) -> None:
            return None

        await self._checker(probe, receive, discard)
        if probe.get(self._ADMITTED):
            await self.app(scope, receive, send)
        else:
            await self.refuse(Request(scope))(scope, receive, send)


_VERIFIED = "propwatch_verified_token"  # request state: the bearer token TokenBeforeBody verified


class TokenBeforeBody:
    """Refuse a write to /api/ with 401 before its body is read, unless it carries a valid bearer token.

    Without this, anyone could make the server hold api_max_request_bytes per request in memory.
    """

    def __init__(self, app: ASGIApp, tokens: TokenStore) -> None:
        self.app = app
        self.tokens = tokens

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] != "http"
            or scope["method"] in SAFE_METHODS
            or not scope["path"].startswith("/api/")
            or not _has_body(scope)
        ):
            await self.app(scope, receive, send)
            return
        secret = bearer_token(Request(scope))
        try:
            token = await run_in_threadpool(self.tokens.verify, secret) if secret else None
        except PropwatchError as exc:  # the database is down: as the app would answer, without the URL
            await _send_error(send, 503, _error_body(type(exc).__name__, "database", exc.reason))
            return
        if token is None:
            reason = "writing needs a valid API token: send 'Authorization: Bearer <token>'"
            body = _error_body("AuthError", "Authorization", reason)
            await _send_error(send, 401, body, (b"www-authenticate", b"Bearer"))
            return
        scope.setdefault("state", {})[_VERIFIED] = token  # the route's check uses it: one lookup, not two
        await self.app(scope, receive, send)


def _has_body(scope: Scope) -> bool:
    headers = dict(scope["headers"])
    return headers.get(b"content-length", b"0") != b"0" or b"transfer-encoding" in headers


FORM_BYTES = 64 * 1024  # sign-in, sign-out and delete forms: a few fields
ANONYMOUS_UPLOADS = 2  # /submit bodies read at a time for browsers not signed in (the token is inside)
_SESSION = "propwatch_verified_session"  # request state: the session BodySizeLimit verified


class BodySizeLimit:
    """Refuse request bodies over their cap with 413, whether declared or streamed, and bodies that
    do not arrive within ``timeout`` seconds with 408.

    Only token-checked API writes and /submit may send ``limit`` bytes; a GET takes none and the other
    forms ``FORM_BYTES``. /submit from a browser without a session (its token is in the form) waits for
    one of ``ANONYMOUS_UPLOADS`` slots, so clients without a token cannot make the server hold
    ``limit`` bytes per connection.
    """

    def __init__(self, app: ASGIApp, limit: int, timeout: float, tokens: TokenStore) -> None:
        self.app = app
        self.limit = limit
        self.timeout = timeout
        self.tokens = tokens
        self._anonymous = asyncio.Semaphore(ANONYMOUS_UPLOADS)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path, method = scope["path"], scope["method"]
        if method in SAFE_METHODS:
            cap, what = 0, f"a {method} request takes no body"
        elif path.startswith("/api/") or path == "/submit":
            cap, what = self.limit, "api_max_request_bytes"
        else:
            cap, what = FORM_BYTES, "sign-in, sign-out and delete forms"
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > cap:
            await self._refuse(send, cap, what, int(declared))
            return
        if path == "/submit" and method == "POST" and not await self._signed_in(scope):
            async with self._anonymous:
                await self._read_then_run(scope, receive, send, cap, what)
        else:
            await self._read_then_run(scope, receive, send, cap, what)

    async def _signed_in(self, scope: Scope) -> bool:
        secret = session_token(Request(scope))
        if not secret:
            return False
        try:
            token = await run_in_threadpool(self.tokens.verify_session, secret)
        except PropwatchError:
            return False  # the route reports the database
        if token is not None:
            scope.setdefault("state", {})[_SESSION] = token  # the route's check uses it: one lookup
        return token is not None

    async def _read_then_run(self, scope: Scope, receive: Receive, send: Send, cap: int, what: str) -> None:
        # Read the body up front (it is capped) so an oversized chunked body is refused cleanly too.
        chunks: list[bytes] = []
        size = 0
        more = True
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.timeout
        while more:
            try:
                message = await asyncio.wait_for(receive(), max(deadline - loop.time(), 0))
            except TimeoutError:
                reason = f"did not arrive within {self.timeout:g} s (api_body_timeout_s): {size:,} bytes came"
                await _send_error(
                    send, 408, _error_body("InputError", "request body", reason), (b"connection", b"close")
                )
                return
            if message["type"] == "http.disconnect":
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > cap:
                await self._refuse(send, cap, what, size)
                return
            chunks.append(chunk)
            more = message.get("more_body", False)
        body = b"".join(chunks)
        sent = False

        async def replay() -> Message:
            nonlocal sent
            if sent:
                return await receive()
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}

        await self.app(scope, replay, send)

    async def _refuse(self, send: Send, cap: int, what: str, size: int) -> None:
        if cap == 0:
            reason = f"{what}: {size:,} bytes were sent"
        else:
            reason = f"is over the {cap:,}-byte cap ({what}): {size:,} bytes"
        body = _error_body("InputTooLargeError", "request body", reason)
        await _send_error(send, 413, body, (b"connection", b"close"))


class HeadAsGet:
    """Answer HEAD as the GET of the same path, headers only (FastAPI routes take GET alone): uptime
    monitors, and clients checking an export's size before fetching it."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return

        async def headers_only(message: Message) -> None:
            if message["type"] == "http.response.body":
                if message.get("more_body", False):
                    return
                message = {"type": "http.response.body", "body": b"", "more_body": False}
            await send(message)

        await self.app({**scope, "method": "GET"}, receive, headers_only)


class SecurityHeaders:
    """Add the Content-Security-Policy and related headers to every response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {name.lower() for name, _ in message.get("headers", [])}
                extra = [(name, value) for name, value in SECURITY_HEADERS if name not in present]
                message = {**message, "headers": [*message.get("headers", []), *extra]}
            await send(message)

        await self.app(scope, receive, with_headers)


def bearer_token(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        return None
    return value.strip()


def session_token(request: Request) -> str | None:
    """The browser session secret of the request's cookie (a session, never a token: verify_session)."""
    return request.cookies.get(SESSION_COOKIE) or None


def _origin(url: str) -> tuple[str, str, int | None] | None:
    """Scheme, host and port of a URL, the default port written out; None when it has none."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if not parts.hostname:
        return None
    return scheme, parts.hostname, port or {"http": 80, "https": 443}.get(scheme)


def same_origin(request: Request, settings: Settings) -> bool:
    """Whether a form post comes from a page of this server (browsers send Origin or Referer): its
    own address, or the public one of serve_public_url where a reverse proxy serves it."""
    origin = request.headers.get("origin") or request.headers.get("referer")
    if not origin:
        return True  # not a browser, or one that strips both: the SameSite=Strict cookie still guards
    if origin == "null":
        return False
    sent = _origin(origin)
    if sent is None:
        return False
    ours = [_origin(f"{request.url.scheme}://{request.url.netloc}")]
    if settings.serve_public_url:
        ours.append(_origin(settings.serve_public_url))
    return sent in ours


def token_of(request: Request, tokens: TokenStore, *, cookie: bool) -> ApiToken | None:
    """The valid token the request carries: its bearer token, or (when allowed) the token its
    session cookie stands for."""
    secret = bearer_token(request)
    if secret is not None:
        verified = request.scope.get("state", {}).get(_VERIFIED)
        return verified if isinstance(verified, ApiToken) else tokens.verify(secret)
    session = session_token(request) if cookie else None
    if not session:
        return None
    verified = request.scope.get("state", {}).get(_SESSION)
    return verified if isinstance(verified, ApiToken) else tokens.verify_session(session)


def unauthorised(reason: str) -> AuthError:
    return AuthError("Authorization", reason)


def session_lifetime(settings: Settings) -> timedelta:
    return timedelta(hours=settings.serve_session_hours)


def cookie_options(request: Request, settings: Settings) -> dict[str, Any]:
    """How the session cookie is set (and deleted): Secure when the browser reaches the server over
    https, directly or through the reverse proxy of serve_public_url."""
    public = settings.serve_public_url or ""
    return {
        "httponly": True,
        "samesite": "strict",
        "secure": request.url.scheme == "https" or public.startswith("https://"),
        "path": "/",
    }
