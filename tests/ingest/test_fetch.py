from __future__ import annotations

import functools
import socket
import ssl
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from local_http import LocalServer

from propwatch.errors import (
    FetchError,
    InputTooLargeError,
    RefusedAddressError,
    RobotsDisallowedError,
    UnsupportedInputError,
)
from propwatch.ingest import fetch
from propwatch.ingest.fetch import check_url_allowed, fetch_article, fetch_url
from propwatch.settings import Settings

ARTICLE = (
    b"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>Port reopens after strike</title>"
    b"<meta property='og:site_name' content='Coast Daily'></head><body><nav><a href='/'>Home</a></nav>"
    b"<article><h1>Port reopens after strike</h1>"
    b"<p>The container port reopened on Monday after a nine-day strike by dock workers ended with an "
    b"agreement on overtime pay and safety inspections.</p>"
    b"<p>Shipping companies said it would take at least a week to clear the backlog of vessels waiting "
    b"offshore, and some retailers warned of empty shelves.</p></article></body></html>"
)
RUSSIAN = (
    '<html><head><meta charset="windows-1251"><title>Новости дня</title></head><body><article>'
    "<p>Правительство объявило о новых мерах поддержки сельского хозяйства, которые вступят в силу "
    "с первого числа следующего месяца.</p><p>По словам министра, программа коснётся более двух тысяч "
    "хозяйств в двенадцати регионах страны.</p></article></body></html>"
)


@pytest.fixture
def server() -> Iterator[LocalServer]:
    local = LocalServer().start()
    yield local
    local.stop()


@pytest.fixture(autouse=True)
def _fresh_robots_cache() -> Iterator[None]:
    fetch.clear_robots_cache()
    yield
    fetch.clear_robots_cache()


@pytest.fixture
def local() -> Settings:
    """Settings under which the 127.0.0.1 test server may be fetched."""
    return Settings(allow_private_addresses=True, respect_robots=False)


@pytest.fixture
def loopback_is_public(monkeypatch: pytest.MonkeyPatch) -> None:
    """Let the guard pass 127.0.0.1 (and only it), so its behaviour on hops can be tested locally."""
    original = fetch.refusal_reason
    monkeypatch.setattr(fetch, "refusal_reason", lambda a: None if a == "127.0.0.1" else original(a))


# --- the address guard, without network ----------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://127.0.0.1/", "loopback"),
        ("http://2130706433/", "loopback"),
        ("http://0x7f.1/", "loopback"),
        ("http://127.1/", "loopback"),
        ("http://017700000001/", "loopback"),
        ("http://0x7f000001:8080/admin", "loopback"),
        ("http://localhost/", "loopback"),
        ("http://[::1]/", "loopback"),
        ("http://[::ffff:127.0.0.1]/", "embedding a loopback"),
        ("http://[::ffff:7f00:1]/", "embedding a loopback"),
        ("http://[::ffff:169.254.169.254]/", "embedding a cloud metadata"),
        ("http://[64:ff9b::a00:1]/", "embedding a private"),
        ("http://[2002:7f00:1::1]/", "embedding a loopback"),
        ("http://10.1.2.3/", "private"),
        ("http://172.16.0.5/", "private"),
        ("https://192.168.1.1/", "private"),
        ("http://[fc00::1]/", "private"),
        ("http://169.254.169.254/latest/meta-data/", "cloud metadata"),
        ("http://[fd00:ec2::254]/", "cloud metadata"),
        ("http://100.100.100.200/", "cloud metadata"),
        ("http://169.254.10.10/", "link-local"),
        ("http://[fe80::1]/", "link-local"),
        ("http://100.64.0.1/", "carrier-grade NAT"),
        ("http://0.0.0.0/", "unspecified"),
        ("http://[::]/", "unspecified"),
        ("http://224.0.0.1/", "multicast"),
        ("http://[ff02::1]/", "multicast"),
        ("http://240.0.0.1/", "reserved"),
        ("http://192.0.2.1/", "private|non-public"),
        ("http://198.18.0.1/", "private|non-public"),
    ],
)
def test_internal_addresses_refused(url: str, reason: str) -> None:
    with pytest.raises(RefusedAddressError, match=reason) as caught:
        check_url_allowed(url, Settings())
    assert caught.value.input_name == url


@pytest.mark.parametrize(
    "url", ["http://93.184.216.34/", "https://[2606:4700:4700::1111]/x", "http://[::ffff:8.8.8.8]/"]
)
def test_public_addresses_allowed(url: str) -> None:
    check_url_allowed(url, Settings())


def test_private_addresses_allowed_when_configured() -> None:
    check_url_allowed("http://127.0.0.1/", Settings(allow_private_addresses=True))
    check_url_allowed("http://169.254.169.254/", Settings(allow_private_addresses=True))


@pytest.mark.parametrize(
    "url", ["file:///etc/passwd", "ftp://example.com/a", "gopher://x/", "/etc/passwd", "javascript:alert(1)"]
)
def test_only_http_and_https(url: str) -> None:
    with pytest.raises(UnsupportedInputError):
        check_url_allowed(url, Settings(allow_private_addresses=True))


def test_any_internal_address_of_a_name_refuses_it(monkeypatch: pytest.MonkeyPatch) -> None:
    def resolve(host: str, port: int, *args: Any, **kwargs: Any) -> list[Any]:
        assert host == "mixed.example"
        return [
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.216.34", port)),
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("10.0.0.7", port)),
        ]

    monkeypatch.setattr(socket, "getaddrinfo", resolve)
    with pytest.raises(RefusedAddressError, match=r"mixed.example \(10.0.0.7\) is a private address"):
        check_url_allowed("https://mixed.example/news", Settings())


def test_unresolvable_host(monkeypatch: pytest.MonkeyPatch) -> None:
    def resolve(*args: Any, **kwargs: Any) -> list[Any]:
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", resolve)
    with pytest.raises(FetchError, match="cannot resolve host"):
        check_url_allowed("https://no-such-host.invalid/", Settings())


# --- fetching from the local server --------------------------------------------------------------


def test_loopback_server_refused_by_default(server: LocalServer) -> None:
    url = server.route("/article", body=ARTICLE)
    with pytest.raises(RefusedAddressError, match="loopback"):
        fetch_url(url, Settings(respect_robots=False))
    assert server.requests == []


def test_fetch_page(server: LocalServer, local: Settings) -> None:
    url = server.route(
        "/article",
        body=ARTICLE,
        headers={"ETag": '"v1"', "Last-Modified": "Mon, 04 Mar 2024 10:00:00 GMT", "X-Other": "1"},
    )
    page = fetch_url(url, local)
    assert page.url == url
    assert page.final_url == url
    assert page.status == 200
    assert page.content_type == "text/html"
    assert page.charset == "utf-8"
    assert "nine-day strike" in page.text
    assert dict(page.headers) == {"etag": '"v1"', "last-modified": "Mon, 04 Mar 2024 10:00:00 GMT"}
    assert server.requests[0].headers["user-agent"] == local.user_agent


def test_connects_to_the_checked_address(
    server: LocalServer, loopback_is_public: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    # "news.example" resolves (once, for the check) to 127.0.0.1; nothing else could resolve it,
    # so reaching the server proves the connection went to the checked address.
    real = socket.getaddrinfo
    calls: list[str] = []

    def resolve(host: str, port: int, *args: Any, **kwargs: Any) -> Any:
        calls.append(host)
        if host == "news.example":
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", port))]
        return real(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", resolve)
    server.route("/article", body=ARTICLE)
    page = fetch_url(f"http://news.example:{server.port}/article", Settings(respect_robots=False))
    assert "nine-day strike" in page.text
    assert server.requests[0].headers["host"] == f"news.example:{server.port}"
    assert calls.count("news.example") == 1  # the connection itself used only the checked IP
    assert set(calls) <= {"news.example", "127.0.0.1"}


FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def news_example_tls(loopback_is_public: None, monkeypatch: pytest.MonkeyPatch) -> Iterator[LocalServer]:
    """An HTTPS server for news.example (self-signed) on 127.0.0.1, which news.example resolves to."""
    server_tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_tls.load_cert_chain(FIXTURES / "news_example_cert.pem", FIXTURES / "news_example_key.pem")
    client_tls = ssl.create_default_context(cafile=str(FIXTURES / "news_example_cert.pem"))
    monkeypatch.setattr(fetch.httpx, "Client", functools.partial(httpx.Client, verify=client_tls))
    real = socket.getaddrinfo

    def resolve(host: str, port: int, *args: Any, **kwargs: Any) -> Any:
        if host in ("news.example", "other.example"):
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", port))]
        return real(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", resolve)
    local = LocalServer(tls=server_tls).start()
    yield local
    local.stop()


def test_https_to_the_checked_address_verifies_the_name(news_example_tls: LocalServer) -> None:
    news_example_tls.route("/article", body=ARTICLE)
    settings = Settings(respect_robots=False)
    page = fetch_url(f"https://news.example:{news_example_tls.port}/article", settings)
    assert "nine-day strike" in page.text
    assert news_example_tls.requests[0].headers["host"] == f"news.example:{news_example_tls.port}"
    # the certificate is checked against the name asked for, not against the pinned IP
    with pytest.raises(FetchError, match=r"TLS certificate check failed.*mismatch"):
        fetch_url(f"https://other.example:{news_example_tls.port}/article", settings)


@pytest.mark.parametrize(
    "target",
    [
        "http://127.0.0.2:{port}/admin",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]:{port}/",
        "http://2130706434/",
    ],
)
def test_redirect_to_internal_address_refused(
    server: LocalServer, loopback_is_public: None, target: str
) -> None:
    location = target.format(port=server.port)
    url = server.route("/go", status=302, headers={"Location": location}, body=b"")
    with pytest.raises(RefusedAddressError, match="redirected to") as caught:
        fetch_url(url, Settings(respect_robots=False))
    assert caught.value.input_name == url
    assert server.paths() == ["/go"]


def test_redirects_followed_up_to_the_limit(server: LocalServer, local: Settings) -> None:
    for hop in range(3):
        server.route(f"/r{hop}", status=301 if hop % 2 else 302, headers={"Location": f"/r{hop + 1}"})
    server.route("/r3", body=ARTICLE)
    page = fetch_url(
        server.url("/r0"), Settings(allow_private_addresses=True, respect_robots=False, max_redirects=3)
    )
    assert page.final_url == server.url("/r3")
    assert page.url == server.url("/r0")


def test_too_many_redirects(server: LocalServer) -> None:
    for hop in range(8):
        server.route(f"/r{hop}", status=307, headers={"Location": server.url(f"/r{hop + 1}")})
    settings = Settings(allow_private_addresses=True, respect_robots=False, max_redirects=5)
    with pytest.raises(FetchError, match="too many redirects"):
        fetch_url(server.url("/r0"), settings)
    assert len(server.requests) == 6


def test_size_cap_from_content_length(server: LocalServer) -> None:
    url = server.route("/big", body=b"<p>" + b"x" * 5000 + b"</p>")
    settings = Settings(allow_private_addresses=True, respect_robots=False, max_input_bytes=1000)
    with pytest.raises(InputTooLargeError, match="Content-Length"):
        fetch_url(url, settings)


def test_size_cap_while_streaming(server: LocalServer) -> None:
    url = server.route("/big", body=b"a" * 2_000_000, content_type="text/plain", send_length=False)
    settings = Settings(allow_private_addresses=True, respect_robots=False, max_input_bytes=1000)
    with pytest.raises(InputTooLargeError, match="over the 1,000-byte cap"):
        fetch_url(url, settings)


def test_wrong_content_type(server: LocalServer, local: Settings) -> None:
    url = server.route("/logo.png", body=b"\x89PNG\r\n\x1a\n....", content_type="image/png")
    with pytest.raises(UnsupportedInputError, match="image/png"):
        fetch_url(url, local)


@pytest.mark.parametrize("status", [404, 500, 403])
def test_http_errors(server: LocalServer, local: Settings, status: int) -> None:
    url = server.route("/page", status=status, body=b"error")
    with pytest.raises(FetchError, match=f"HTTP {status}"):
        fetch_url(url, local)


def test_timeout(server: LocalServer) -> None:
    url = server.route("/slow", body=ARTICLE, delay=2.0)
    settings = Settings(allow_private_addresses=True, respect_robots=False, fetch_timeout=0.5)
    started = time.monotonic()
    with pytest.raises(FetchError, match=r"timed out after 0.5 s"):
        fetch_url(url, settings)
    assert time.monotonic() - started < 1.8


def test_a_server_trickling_its_headers_times_out_too(server: LocalServer) -> None:
    # Each header line comes within the read timeout; only a limit on the whole exchange stops it.
    trickle = {f"X-Line-{n}": "slow" for n in range(20)}
    url = server.route("/trickle", body=ARTICLE, headers=trickle, header_delay=0.2)
    settings = Settings(allow_private_addresses=True, respect_robots=False, fetch_timeout=0.5)
    started = time.monotonic()
    with pytest.raises(FetchError, match=r"timed out after 0.5 s"):
        fetch_url(url, settings)
    assert time.monotonic() - started < 1.8


def test_connection_refused(local: Settings) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(FetchError, match="connection refused"):
        fetch_url(f"http://127.0.0.1:{port}/", local)


# --- robots.txt ----------------------------------------------------------------------------------


def robots_settings() -> Settings:
    return Settings(allow_private_addresses=True, respect_robots=True)


def test_robots_disallow(server: LocalServer) -> None:
    server.route(
        "/robots.txt",
        body=b"User-agent: propwatch\nDisallow: /private/\n\nUser-agent: *\nDisallow: /\n",
        content_type="text/plain",
    )
    server.route("/private/a", body=ARTICLE)
    server.route("/public/a", body=ARTICLE)
    with pytest.raises(RobotsDisallowedError, match=r"robots\.txt disallows it for user agent 'propwatch'"):
        fetch_url(server.url("/private/a"), robots_settings())
    assert "nine-day strike" in fetch_url(server.url("/public/a"), robots_settings()).text
    assert server.paths() == ["/robots.txt", "/public/a"]  # read once per host


def test_robots_ignored_when_not_respected(server: LocalServer, local: Settings) -> None:
    server.route("/robots.txt", body=b"User-agent: *\nDisallow: /\n", content_type="text/plain")
    url = server.route("/a", body=ARTICLE)
    fetch_url(url, local)
    assert server.paths() == ["/a"]


def test_missing_robots_allows(server: LocalServer) -> None:
    url = server.route("/a", body=ARTICLE)
    assert fetch_url(url, robots_settings()).status == 200


def test_robots_server_error_disallows_all(server: LocalServer) -> None:
    server.route("/robots.txt", status=503, body=b"down")
    url = server.route("/a", body=ARTICLE)
    with pytest.raises(RobotsDisallowedError, match="RFC 9309"):
        fetch_url(url, robots_settings())


def test_an_unreachable_site_is_not_called_a_robots_refusal() -> None:
    # Its robots.txt could not be fetched either, and that was all the error said.
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(FetchError, match="connection refused") as raised:
        fetch_url(f"http://127.0.0.1:{port}/a", robots_settings())
    assert not isinstance(raised.value, RobotsDisallowedError)
    assert "robots" not in str(raised.value)


def test_robots_checked_on_redirect_target(server: LocalServer) -> None:
    server.route("/robots.txt", body=b"User-agent: *\nDisallow: /private/\n", content_type="text/plain")
    url = server.route("/go", status=302, headers={"Location": "/private/a"})
    server.route("/private/a", body=ARTICLE)
    with pytest.raises(RobotsDisallowedError, match="redirected to"):
        fetch_url(url, robots_settings())


# --- charsets ------------------------------------------------------------------------------------


def test_charset_from_meta(server: LocalServer, local: Settings) -> None:
    url = server.route("/ru", body=RUSSIAN.encode("cp1251"), content_type="text/html")
    page = fetch_url(url, local)
    assert page.charset == "windows-1251"
    assert "Правительство объявило" in page.text


def test_charset_header_wins_over_meta(server: LocalServer, local: Settings) -> None:
    body = RUSSIAN.replace('charset="windows-1251"', 'charset="iso-8859-1"').encode("koi8-r")
    url = server.route("/ru", body=body, content_type="text/html; charset=KOI8-R")
    page = fetch_url(url, local)
    assert page.charset == "KOI8-R"
    assert "Правительство объявило" in page.text


def test_charset_detected(server: LocalServer, local: Settings) -> None:
    text = (
        "Правительство объявило о новых мерах поддержки сельского хозяйства, которые вступят в силу "
        "с первого числа следующего месяца. По словам министра, программа коснётся более двух тысяч "
        "хозяйств в двенадцати регионах страны, а её бюджет составит несколько миллиардов рублей.\n"
    )
    url = server.route("/ru.txt", body=text.encode("cp1251"), content_type="text/plain")
    page = fetch_url(url, local)
    assert page.charset is None
    assert page.text == text


def test_missing_content_type_is_sniffed(server: LocalServer, local: Settings) -> None:
    url = server.route("/page", body=ARTICLE, content_type=None)
    assert fetch_url(url, local).content_type == "text/html"


# --- articles ------------------------------------------------------------------------------------


def test_fetch_article_html(server: LocalServer, local: Settings) -> None:
    server.route("/old", status=301, headers={"Location": "/2024/port-reopens"})
    server.route("/2024/port-reopens", body=ARTICLE)
    article = fetch_article(server.url("/old"), local)
    assert article.title == "Port reopens after strike"
    assert article.body.startswith("The container port reopened")
    assert article.text.startswith("Port reopens after strike\n\nThe container port reopened")
    assert article.url == server.url("/2024/port-reopens")
    assert article.origin == server.url("/old")
    assert article.outlet == "Coast Daily"
    assert article.raw_format == "html"


def test_fetch_article_plain_text(server: LocalServer, local: Settings) -> None:
    text = (
        "The container port reopened on Monday after a nine-day strike by dock workers ended with an "
        "agreement on overtime pay.\n\nShipping companies said it would take a week to clear the backlog.\n"
    )
    url = server.route("/story.txt", body=text.encode(), content_type="text/plain; charset=utf-8")
    article = fetch_article(url, local)
    assert "nine-day strike" in article.text
    assert article.url == url
    assert article.origin == url


def test_fetch_article_refuses_feeds(server: LocalServer, local: Settings) -> None:
    url = server.route(
        "/feed.xml",
        body=b"<?xml version='1.0'?><rss version='2.0'><channel/></rss>",
        content_type="application/rss+xml",
    )
    with pytest.raises(UnsupportedInputError, match="feed reader"):
        fetch_article(url, local)


def test_credentials_in_a_url_are_sent_but_never_stored_nor_printed(
    server: LocalServer, local: Settings
) -> None:
    url = server.route("/private", body=ARTICLE)
    with_credentials = url.replace("http://", "http://reader:s3cret@")
    article = fetch_article(with_credentials, local)
    assert server.requests[-1].headers.get("authorization", "").startswith("Basic ")  # they were used
    assert (article.url, article.origin) == (url, url)
    missing = server.url("/gone").replace("http://", "http://reader:s3cret@")
    with pytest.raises(FetchError) as caught:
        fetch_url(missing, local)
    assert "s3cret" not in str(caught.value) and str(caught.value).startswith(server.url("/gone"))


def test_retry_after_is_read_in_seconds_or_as_a_date_and_bounded() -> None:
    from propwatch.ingest.fetch import MAX_RETRY_AFTER_S, retry_after

    now = 1_714_550_400.0  # Wed, 01 May 2024 08:00:00 GMT
    assert retry_after({"retry-after": "120"}, now=now) == 120.0
    assert retry_after({"retry-after": "Wed, 01 May 2024 08:05:00 GMT"}, now=now) == 300.0
    assert retry_after({"retry-after": "Wed, 01 May 2024 07:00:00 GMT"}, now=now) == 0.0  # past: at once
    assert retry_after({"retry-after": "99999999"}, now=now) == MAX_RETRY_AFTER_S
    assert retry_after({"retry-after": "soon"}, now=now) is None
    assert retry_after({}, now=now) is None


def test_an_error_status_comes_with_its_retry_after(server: LocalServer, local: Settings) -> None:
    url = server.route("/busy", status=429, body=b"slow down", headers={"Retry-After": "30"})
    with pytest.raises(FetchError) as caught:
        fetch_url(url.replace("http://", "http://reader:s3cret@"), local)
    assert (caught.value.status, caught.value.retry_after) == (429, 30.0)  # kept when credentials go
    assert "s3cret" not in str(caught.value) and caught.value.reason == "HTTP 429 Too Many Requests"
    url = server.route("/forbidden", status=403, body=b"paywall", headers={"Retry-After": "30"})
    with pytest.raises(FetchError) as caught:
        fetch_url(url, local)
    assert (caught.value.status, caught.value.retry_after) == (403, None)


def test_an_unreadable_retry_after_is_ignored() -> None:
    from propwatch.ingest.fetch import retry_after

    for value in ("²", "³", "1.5", "soon", "-3", "Mon, 01 Jan 99999999999999999999 00:00:00 GMT"):
        assert retry_after({"retry-after": value}) in (None, 0.0), value
    assert retry_after({"retry-after": "120"}) == 120.0
