"""What guards the server: body size cap, security headers, API tokens and the browser session.

API clients send ``Authorization: Bearer <token>``. A browser signs in once with a token, which is
then kept in an HttpOnly, SameSite=Strict cookie; form posts also have to come from this origin.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlsplit

from fastapi import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from propwatch.errors import PropwatchError
from propwatch.storage.tokens import ApiToken, TokenStore

SESSION_COOKIE = "propwatch_session"
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


class BodySizeLimit:
    """Refuse request bodies over ``limit`` bytes with 413, whether declared or streamed."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.limit:
            await self._refuse(send, int(declared))
            return
        # Read the body up front (it is capped) so an oversized chunked body is refused cleanly too.
        chunks: list[bytes] = []
        size = 0
        more = True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.limit:
                await self._refuse(send, size)
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

    async def _refuse(self, send: Send, size: int) -> None:
        body = _error_body(
            "InputTooLargeError",
            "request body",
            f"is over the {self.limit:,}-byte cap (api_max_request_bytes)"
            + (f": {size:,} bytes" if size > self.limit else ""),
        )
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode()),
                    (b"connection", b"close"),
                    *SECURITY_HEADERS,
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})


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
    return request.cookies.get(SESSION_COOKIE) or None


def same_origin(request: Request) -> bool:
    """Whether a form post comes from a page of this server (browsers send Origin or Referer)."""
    origin = request.headers.get("origin") or request.headers.get("referer")
    if not origin:
        return True  # not a browser, or one that strips both: the SameSite=Strict cookie still guards
    if origin == "null":
        return False
    parts = urlsplit(origin)
    return (parts.scheme, parts.netloc) == (request.url.scheme, request.url.netloc)


def token_of(request: Request, tokens: TokenStore, *, cookie: bool) -> ApiToken | None:
    """The valid token the request carries: its bearer token, or (when allowed) its session cookie."""
    secret = bearer_token(request)
    if secret is None and cookie:
        secret = session_token(request)
    return tokens.verify(secret) if secret else None


def unauthorised(reason: str) -> AuthError:
    return AuthError("Authorization", reason)


def cookie_options(request: Request) -> dict[str, Any]:
    return {
        "httponly": True,
        "samesite": "strict",
        "secure": request.url.scheme == "https",
        "path": "/",
    }
