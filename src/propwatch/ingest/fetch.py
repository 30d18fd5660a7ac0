"""Fetch a URL a user gave us, safely: no requests to internal addresses, capped size and time.

Every hop (the URL and each redirect) is resolved and checked against the server-side request
forgery guard, then connected to at the very address that was checked, so a DNS answer that
changes between the check and the connection (DNS rebinding) cannot reach an internal host.
"""

from __future__ import annotations

import ipaddress
import re
import socket
import threading
import time
import urllib.robotparser
from collections.abc import Callable, Mapping
from concurrent.futures import Future
from dataclasses import dataclass, field, replace
from datetime import UTC
from email.utils import parsedate_to_datetime
from urllib.parse import urlsplit, urlunsplit

import httpx

from propwatch.domain import Article
from propwatch.errors import (
    FetchError,
    InputTooLargeError,
    PropwatchError,
    RefusedAddressError,
    RobotsDisallowedError,
    UnsupportedInputError,
)
from propwatch.ingest.decode import decode_bytes
from propwatch.ingest.html import parse_html
from propwatch.ingest.plaintext import parse_plain_text
from propwatch.settings import Settings

ARTICLE_ACCEPT = "text/html,application/xhtml+xml;q=0.9,text/plain;q=0.8,*/*;q=0.1"
FEED_ACCEPT = (
    "application/rss+xml,application/atom+xml,application/rdf+xml;q=0.9,"
    "application/xml;q=0.8,text/xml;q=0.8,*/*;q=0.1"
)

HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
TEXT_TYPES = frozenset({"text/plain"})
FEED_TYPES = frozenset(
    {
        "application/rss+xml",
        "application/x-rss+xml",
        "application/atom+xml",
        "application/rdf+xml",
        "application/xml",
        "text/xml",
    }
)
_ACCEPTED_TYPES = HTML_TYPES | TEXT_TYPES | FEED_TYPES
_REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})

# Cloud instance-metadata endpoints (AWS, GCP, Azure, Oracle; AWS over IPv6; Alibaba).
_METADATA_ADDRESSES = frozenset(
    ipaddress.ip_address(a) for a in ("169.254.169.254", "fd00:ec2::254", "100.100.100.200")
)
_CGNAT = ipaddress.ip_network("100.64.0.0/10")
_NAT64 = ipaddress.ip_network("64:ff9b::/96")

# RFC 9309: parse at least 500 KiB of robots.txt; more than that is ignored, not an error.
_ROBOTS_MAX_BYTES = 512 * 1024
_ROBOTS_MAX_REDIRECTS = 5
# RFC 9309 says not to cache robots.txt for more than a day; an unreachable one is retried sooner.
_ROBOTS_TTL_S = 24 * 3600.0
_ROBOTS_UNREACHABLE_TTL_S = 300.0

# A Retry-After longer than this is read as this: a server cannot park a feed for days.
MAX_RETRY_AFTER_S = 6 * 3600.0

_META_CHARSET = re.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([A-Za-z0-9_.:\-]+)""", re.IGNORECASE)
_XML_ENCODING = re.compile(rb"""^\s*<\?xml[^>]{0,200}?encoding\s*=\s*["']([A-Za-z0-9_.:\-]+)["']""")


@dataclass(frozen=True)
class FetchedPage:
    """A downloaded page, decoded to text.

    ``content_type`` is the media type without parameters (sniffed when the server sent none);
    ``charset`` the one the header or the document declared (None when it was detected);
    ``headers`` keeps only what a later re-fetch can use (etag, last-modified).
    """

    url: str
    final_url: str
    status: int
    content_type: str
    charset: str | None
    text: str
    headers: Mapping[str, str] = field(default_factory=dict, hash=False)


class _TooManyRedirectsError(FetchError):
    """More redirects than allowed (robots.txt treats this as 'unavailable', not 'unreachable')."""


@dataclass(frozen=True)
class _Target:
    url: httpx.URL
    addresses: tuple[str, ...]  # empty: let httpx resolve (private addresses allowed)


@dataclass
class _Response:
    url: str
    final_url: str
    status: int
    headers: httpx.Headers
    body: bytes


# --- the address guard ---------------------------------------------------------------------------


def check_url_allowed(url: str, settings: Settings) -> None:
    """Refuse URLs that are not http(s) or that resolve to an internal address (SSRF guard)."""
    _resolve_target(url, settings)


def _resolve_target(url: str, settings: Settings) -> _Target:
    parsed = _parse_url(url)
    if settings.allow_private_addresses:
        return _Target(parsed, ())
    host = parsed.raw_host.decode("ascii").replace("%25", "%")
    port = parsed.port or (443 if parsed.scheme == "https" else 80)
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError, OSError) as error:
        raise FetchError(url, f"cannot resolve host {host!r}") from error
    addresses = tuple(dict.fromkeys(str(info[4][0]) for info in infos))
    if not addresses:
        raise FetchError(url, f"cannot resolve host {host!r}")
    for address in addresses:
        reason = refusal_reason(address)
        if reason:
            shown = host if host == address else f"{host} ({address})"
            allow = "--allow-private-addresses, or PROPWATCH_ALLOW_PRIVATE_ADDRESSES=true"
            raise RefusedAddressError(url, f"refused: {shown} is {reason} (to fetch it: {allow})")
    return _Target(parsed, addresses)


def _parse_url(url: str) -> httpx.URL:
    try:
        parsed = httpx.URL(url)
    except httpx.InvalidURL as error:
        raise UnsupportedInputError(url, f"not a valid URL: {error}") from error
    if parsed.scheme not in ("http", "https"):
        shown = parsed.scheme or "none"
        raise UnsupportedInputError(url, f"only http and https URLs can be fetched (scheme: {shown})")
    if not parsed.raw_host:
        raise UnsupportedInputError(url, "not a valid URL: no host")
    return parsed


def refusal_reason(address: str) -> str | None:
    """Why an IP address must not be fetched from (e.g. 'a loopback address'), or None if public."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address):
        embedded = (
            ip.ipv4_mapped
            or ip.sixtofour
            or (ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF) if ip in _NAT64 else None)
        )
        if embedded is not None:
            inner = refusal_reason(str(embedded))
            return f"an IPv6 address embedding {inner}" if inner else None
        if ip.teredo is not None:
            return "a Teredo tunnel address"
    if ip in _METADATA_ADDRESSES:
        return "a cloud metadata address"
    if ip.is_loopback:
        return "a loopback address"
    if ip.is_unspecified:
        return "the unspecified address"
    if ip.is_link_local:
        return "a link-local address"
    if ip.is_multicast:
        return "a multicast address"
    if ip.version == 4 and ip in _CGNAT:
        return "a shared (carrier-grade NAT) address"
    if ip.is_reserved:
        return "a reserved address"
    if ip.is_private:
        return "a private address"
    if not ip.is_global:
        return "a non-public address"
    return None


# --- fetching ------------------------------------------------------------------------------------


def without_credentials(url: str) -> str:
    """``url`` without the ``user:password@`` it may carry: those are sent, never stored nor printed."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    if "@" not in parts.netloc:
        return url
    return urlunsplit(parts._replace(netloc=parts.netloc.rpartition("@")[2]))


def fetch_url(
    url: str,
    settings: Settings,
    *,
    accept: str = ARTICLE_ACCEPT,
    request_headers: Mapping[str, str] | None = None,
) -> FetchedPage:
    """Download ``url`` (HTML, plain text or a feed) and decode it; raise a FetchError/InputError.

    ``request_headers`` adds headers such as If-None-Match / If-Modified-Since; a 304 Not Modified
    answer comes back as a page with ``status`` 304 and empty text. Credentials in ``url`` are used
    for the request but appear neither in the page's URLs nor in errors.
    """
    shown = without_credentials(url)
    try:
        page = _fetch_page(url, settings, accept=accept, request_headers=request_headers)
    except PropwatchError as error:
        if shown == url:
            raise
        renamed = type(error)(shown, error.reason.replace(url, shown))
        # what an error carries besides (an HTTP status, a Retry-After) goes with it
        vars(renamed).update({k: v for k, v in vars(error).items() if k not in ("input_name", "reason")})
        raise renamed from None
    return replace(page, url=shown, final_url=without_credentials(page.final_url))


def retry_after(headers: Mapping[str, str], *, now: float | None = None) -> float | None:
    """Seconds a Retry-After header (delay-seconds or an HTTP date) asks to wait, at most
    MAX_RETRY_AFTER_S; None when there is none or it cannot be read."""
    value = (headers.get("retry-after") or "").strip()
    if not value:
        return None
    if value.isascii() and value.isdigit():  # "²" is a digit to str.isdigit, and float() refuses it
        seconds = float(value)
    else:
        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError, OverflowError):  # year 99999999999999999999: overflow
            return None
        if when.tzinfo is None:  # "-0000": RFC 9110 dates are GMT anyway
            when = when.replace(tzinfo=UTC)
        seconds = when.timestamp() - (time.time() if now is None else now)
    return min(max(seconds, 0.0), MAX_RETRY_AFTER_S)


def _fetch_page(
    url: str, settings: Settings, *, accept: str, request_headers: Mapping[str, str] | None
) -> FetchedPage:
    response = _download(
        url,
        settings,
        accept=accept,
        request_headers=request_headers,
        max_redirects=settings.max_redirects,
        limit=settings.max_input_bytes,
        check_type=lambda media_type: _check_content_type(url, media_type),
        check_robots=settings.respect_robots,
    )
    if response.status >= 400:
        raise FetchError(
            url,
            f"HTTP {response.status} {_reason_phrase(response.status)}".rstrip(),
            status=response.status,
            retry_after=retry_after(response.headers) if response.status in (429, 503) else None,
        )
    kept = {name: response.headers[name] for name in ("etag", "last-modified") if name in response.headers}
    if response.status == 304:
        return FetchedPage(url, response.final_url, 304, "", None, "", headers=kept)
    media_type, header_charset = _content_type(response.headers)
    charset = header_charset or declared_charset(response.body, media_type)
    text = decode_bytes(response.body, url, settings, declared_encoding=charset)
    if not media_type:
        media_type = _sniff_type(text)
    return FetchedPage(
        url=url,
        final_url=response.final_url,
        status=response.status,
        content_type=media_type,
        charset=charset,
        text=text,
        headers=kept,
    )


def fetch_article(url: str, settings: Settings) -> Article:
    """Fetch ``url`` and read the article on it (an HTML page or plain text)."""
    page = fetch_url(url, settings)
    if page.content_type in HTML_TYPES:
        return parse_html(page.text, settings, url=page.final_url, origin=page.url)
    if page.content_type in TEXT_TYPES:
        return parse_plain_text(page.text, settings, origin=page.url, url=page.final_url)
    raise UnsupportedInputError(
        page.url,
        f"is an RSS/Atom feed or XML document ({page.content_type}), not an article page; "
        "read it with the feed reader, which fetches the article of every entry",
    )


def _download(
    url: str,
    settings: Settings,
    *,
    accept: str,
    max_redirects: int,
    limit: int,
    check_type: Callable[[str], None] | None,
    check_robots: bool,
    truncate: bool = False,
    request_headers: Mapping[str, str] | None = None,
) -> _Response:
    """GET ``url``, following redirects by hand so that every hop passes the address guard."""
    deadline = time.monotonic() + settings.fetch_timeout
    current = url
    headers = {**(request_headers or {}), "User-Agent": settings.user_agent, "Accept": accept}
    # trust_env=False: a proxy from the environment would connect on our behalf, around the guard.
    with httpx.Client(follow_redirects=False, trust_env=False) as client:
        for _ in range(max_redirects + 1):
            try:
                target = _resolve_target(current, settings)
            except PropwatchError as error:
                if current == url:
                    raise
                raise type(error)(url, f"redirected to {current}, {error.reason}") from error
            if check_robots:
                _check_robots(target.url, current, url, settings)
            response = _send(client, target, headers, url, settings, deadline)
            try:
                location = response.headers.get("location")
                if response.status_code in _REDIRECT_STATUSES and location:
                    try:
                        current = str(target.url.join(location.strip()))
                    except httpx.InvalidURL as error:
                        raise FetchError(url, f"redirect to an invalid URL {location!r}") from error
                    continue
                body = b""
                if response.status_code < 400:
                    if check_type is not None:
                        check_type(_content_type(response.headers)[0])
                    body = _read_capped(response, url, settings, limit, deadline, truncate)
                return _Response(url, current, response.status_code, response.headers, body)
            finally:
                response.close()
    raise _TooManyRedirectsError(url, f"too many redirects (more than {max_redirects})")


def _send(
    client: httpx.Client,
    target: _Target,
    headers: dict[str, str],
    url: str,
    settings: Settings,
    deadline: float,
) -> httpx.Response:
    """Send the request to the checked addresses in turn (connect errors move on to the next)."""
    attempts: list[tuple[httpx.URL, dict[str, str], dict[str, str]]] = []
    if not target.addresses:
        attempts.append((target.url, headers, {}))
    for address in target.addresses:
        # connect to the checked IP, not the name: a second DNS answer cannot differ (rebinding)
        pinned = target.url.copy_with(host=address.split("%", 1)[0])
        pinned_headers = {**headers, "Host": target.url.netloc.decode("ascii")}
        extensions = (
            {"sni_hostname": target.url.raw_host.decode("ascii")} if target.url.scheme == "https" else {}
        )
        attempts.append((pinned, pinned_headers, extensions))
    last_error: httpx.TransportError | None = None
    for request_url, request_headers, extensions in attempts:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            break
        request = client.build_request(
            "GET",
            request_url,
            headers=request_headers,
            timeout=httpx.Timeout(remaining),
            extensions=extensions,
        )
        try:
            return _send_within(client, request, remaining)
        except (httpx.ConnectError, httpx.ConnectTimeout) as error:
            last_error = error
        except httpx.TransportError as error:
            raise _transport_error(url, error, settings) from error
    if last_error is None:
        raise FetchError(url, f"timed out after {settings.fetch_timeout:g} s")
    raise _transport_error(url, last_error, settings) from last_error


def _close_late_response(sent: Future[httpx.Response]) -> None:
    """A response that comes after the fetch gave up is closed at once: nobody waits for it."""
    if sent.exception() is None:
        sent.result().close()


def _send_within(client: httpx.Client, request: httpx.Request, seconds: float) -> httpx.Response:
    """``client.send``, given up after ``seconds`` in all: httpx's timeouts bound each read, so a
    server sending its headers a line at a time would otherwise hold the fetch for ever."""
    sent: Future[httpx.Response] = Future()

    def send() -> None:
        try:
            sent.set_result(client.send(request, stream=True))
        except BaseException as error:  # handed to the waiting thread, which raises it
            sent.set_exception(error)

    threading.Thread(target=send, name="propwatch-fetch", daemon=True).start()
    try:
        return sent.result(timeout=seconds)
    except TimeoutError:  # concurrent.futures raises the built-in one
        sent.add_done_callback(_close_late_response)
        raise httpx.ReadTimeout("the response headers did not come in time", request=request) from None


def _read_capped(
    response: httpx.Response, url: str, settings: Settings, limit: int, deadline: float, truncate: bool
) -> bytes:
    """Read the body, stopping as soon as it passes ``limit`` bytes or the deadline."""
    declared = response.headers.get("content-length", "").strip()
    if declared.isdigit() and int(declared) > limit and not truncate:
        raise InputTooLargeError(
            url, f"is {int(declared):,} bytes (Content-Length), over the {limit:,}-byte cap (max_input_bytes)"
        )
    chunks: list[bytes] = []
    size = 0
    try:
        # decompressed bytes are counted, so a small gzip bomb cannot pass the cap either
        for chunk in response.iter_bytes():
            chunks.append(chunk)
            size += len(chunk)
            if size > limit:
                if truncate:
                    break
                raise InputTooLargeError(url, f"is over the {limit:,}-byte cap (max_input_bytes)")
            if time.monotonic() > deadline:
                raise FetchError(url, f"timed out after {settings.fetch_timeout:g} s")
    except httpx.DecodingError as error:
        raise FetchError(url, f"cannot decode the response body: {error}") from error
    except httpx.TransportError as error:
        raise _transport_error(url, error, settings) from error
    return b"".join(chunks)[:limit] if truncate else b"".join(chunks)


def _transport_error(url: str, error: httpx.TransportError, settings: Settings) -> FetchError:
    if isinstance(error, httpx.TimeoutException):
        return FetchError(url, f"timed out after {settings.fetch_timeout:g} s")
    cause: BaseException | None = error
    while cause is not None:
        if isinstance(cause, ConnectionRefusedError) or "refused" in str(cause).lower():
            return FetchError(url, "connection refused")
        cause = cause.__cause__ or cause.__context__
    if "CERTIFICATE_VERIFY_FAILED" in str(error):
        return FetchError(url, f"TLS certificate check failed: {error}")
    if isinstance(error, httpx.ConnectError):
        return FetchError(url, f"cannot connect: {error}")
    return FetchError(url, f"connection failed: {error or type(error).__name__}")


def _reason_phrase(status: int) -> str:
    try:
        from http import HTTPStatus

        return HTTPStatus(status).phrase
    except ValueError:
        return ""


# --- content type and charset --------------------------------------------------------------------


def _content_type(headers: httpx.Headers) -> tuple[str, str | None]:
    """(media type in lower case, charset parameter) of the Content-Type header."""
    value = headers.get("content-type", "")
    media_type, _, params = value.partition(";")
    charset = None
    for param in params.split(";"):
        name, _, param_value = param.partition("=")
        if name.strip().lower() == "charset" and param_value.strip().strip("\"'"):
            charset = param_value.strip().strip("\"'")
    return media_type.strip().lower(), charset


def _check_content_type(url: str, media_type: str) -> None:
    if media_type and media_type not in _ACCEPTED_TYPES:
        raise UnsupportedInputError(
            url, f"has content type {media_type}; only HTML, plain text and RSS/Atom feeds can be read"
        )


def declared_charset(body: bytes, media_type: str) -> str | None:
    """Charset the document declares: <meta charset> for HTML, the XML declaration for XML."""
    head = body[:4096]
    if media_type in FEED_TYPES or media_type == "application/xhtml+xml" or not media_type:
        match = _XML_ENCODING.match(head)
        if match:
            return match.group(1).decode("ascii")
    if media_type in HTML_TYPES or not media_type:
        match = _META_CHARSET.search(head)
        if match:
            return match.group(1).decode("ascii")
    return None


def _sniff_type(text: str) -> str:
    """Media type of a response sent without Content-Type, from its first characters."""
    from propwatch.ingest.feeds import is_feed_document  # feeds imports this module

    if is_feed_document(text):
        return "application/xml"
    head = text.lstrip("\ufeff \t\r\n")[:1024].lower()
    if head.startswith(("<!doctype html", "<html")) or "<body" in head or "<head" in head:
        return "text/html"
    return "text/plain"


# --- robots.txt ----------------------------------------------------------------------------------

_robots_cache: dict[str, tuple[float, _Robots]] = {}
_robots_lock = threading.Lock()


def clear_robots_cache() -> None:
    """Forget every robots.txt read so far (they are cached per host for the process)."""
    with _robots_lock:
        _robots_cache.clear()


@dataclass(frozen=True)
class _Unreachable:
    """The site itself could not be reached for its robots.txt: the page cannot be either."""

    reason: str


_Robots = urllib.robotparser.RobotFileParser | bool | _Unreachable


def _check_robots(target: httpx.URL, current: str, url: str, settings: Settings) -> None:
    """Raise RobotsDisallowedError when the robots.txt of ``current``'s host forbids it to us."""
    origin = f"{target.scheme}://{target.netloc.decode('ascii')}"
    now = time.monotonic()
    with _robots_lock:
        cached = _robots_cache.get(origin)
    if cached is None or cached[0] < now:
        rules, ttl = _read_robots(origin, settings)
        cached = (now + ttl, rules)
        with _robots_lock:
            _robots_cache[origin] = cached
    rules = cached[1]
    if isinstance(rules, _Unreachable):
        # Said as itself (connection refused, unknown host), not as a robots.txt refusal.
        raise FetchError(url, rules.reason)
    agent = settings.user_agent.split("/", 1)[0].strip() or settings.user_agent
    allowed = rules if isinstance(rules, bool) else rules.can_fetch(settings.user_agent, current)
    if not allowed:
        where = "" if current == url else f" (redirected to {current})"
        if isinstance(rules, bool):
            why = "robots.txt answered with a server error: RFC 9309 says disallow all"
        else:
            why = f"robots.txt disallows it for user agent {agent!r}"
        raise RobotsDisallowedError(url, f"the site's {why}{where} (respect_robots is on)")


def _read_robots(origin: str, settings: Settings) -> tuple[_Robots, float]:
    """RFC 9309: rules from a 2xx; 4xx (or too many redirects) allows all; 5xx/unreachable forbids all."""
    robots_url = f"{origin}/robots.txt"
    try:
        response = _download(
            robots_url,
            settings,
            accept="text/plain",
            max_redirects=_ROBOTS_MAX_REDIRECTS,
            limit=min(_ROBOTS_MAX_BYTES, settings.max_input_bytes),
            check_type=None,
            check_robots=False,
            truncate=True,
        )
    except RefusedAddressError:
        return True, _ROBOTS_TTL_S  # redirected somewhere we may not go: unavailable, like a 404
    except _TooManyRedirectsError:
        return True, _ROBOTS_TTL_S  # RFC 9309: MAY be treated as unavailable
    except FetchError as error:
        return _Unreachable(error.reason), _ROBOTS_UNREACHABLE_TTL_S
    if 400 <= response.status < 500:
        return True, _ROBOTS_TTL_S
    if response.status >= 500:
        return False, _ROBOTS_UNREACHABLE_TTL_S
    parser = urllib.robotparser.RobotFileParser(robots_url)
    parser.parse(response.body.decode("utf-8", errors="replace").splitlines())
    return parser, _ROBOTS_TTL_S
