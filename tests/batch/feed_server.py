"""A feed server on 127.0.0.1 for the watch tests: honours If-None-Match, can fail, records requests."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Request:
    path: str
    headers: dict[str, str]
    at: float


@dataclass
class FeedSite:
    """A feed at /feed.xml listing ``items`` (path → (title, text)), each page at its path."""

    items: dict[str, tuple[str, str]] = field(default_factory=dict)
    etag: str = '"v1"'
    feed_status: int = 200
    page_delay: float = 0.0
    requests: list[Request] = field(default_factory=list)
    raw_feed: bytes | None = None  # served as it is instead of the feed of ``items``
    feed_headers: dict[str, str] = field(default_factory=dict)  # sent with a failing feed (Retry-After)
    page_status: dict[str, int] = field(default_factory=dict)  # path → error status of that page
    page_headers: dict[str, dict[str, str]] = field(default_factory=dict)  # path → headers of its error
    full_text: set[str] = field(default_factory=set)  # paths whose entry carries the text (content:encoded)
    redirects: dict[str, str] = field(default_factory=dict)  # path → where it moved (301)
    link_query: str = ""  # added to every item's link in the feed, e.g. "?utm_source=rss"

    def feed(self, base: str) -> bytes:
        if self.raw_feed is not None:
            return self.raw_feed
        entries = "".join(
            f"<item><title>{title}</title><link>{base}{path}{self.link_query}</link>"
            f"<pubDate>Mon, 0{n + 1} Apr 2024 10:00:00 GMT</pubDate>{self._content(path, text)}</item>"
            for n, (path, (title, text)) in enumerate(reversed(list(self.items.items())))
        )
        channel = f"<channel><title>T</title>{entries}</channel>"
        content = 'xmlns:content="http://purl.org/rss/1.0/modules/content/"'
        return f'<?xml version="1.0"?><rss version="2.0" {content}>{channel}</rss>'.encode()

    def _content(self, path: str, text: str) -> str:
        if path not in self.full_text:
            return ""
        paragraphs = "".join(f"<p>{paragraph}</p>" for paragraph in text.split("\n"))
        return f"<content:encoded><![CDATA[{paragraphs}]]></content:encoded>"


class FeedServer:
    def __init__(self, site: FeedSite) -> None:
        self.site = site
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                site = server.site
                headers = {k.lower(): v for k, v in self.headers.items()}
                site.requests.append(Request(self.path, headers, time.monotonic()))
                if self.path in site.redirects:
                    self._send(301, b"moved", "text/plain", {"Location": site.redirects[self.path]})
                elif self.path == "/feed.xml":
                    if site.feed_status != 200:
                        self._send(site.feed_status, b"server error", "text/plain", site.feed_headers)
                    elif headers.get("if-none-match") == site.etag:
                        self.send_response(304)
                        self.send_header("ETag", site.etag)
                        self.end_headers()
                    else:
                        self._send(200, site.feed(server.base), "application/rss+xml", {"ETag": site.etag})
                elif self.path in site.page_status:
                    status, extra = site.page_status[self.path], site.page_headers.get(self.path)
                    self._send(status, b"refused", "text/plain", extra)
                elif self.path in site.items:
                    time.sleep(site.page_delay)
                    title, text = site.items[self.path]
                    page = f"<html><head><title>{title}</title></head><body><article><h1>{title}</h1>"
                    page += "".join(f"<p>{p}</p>" for p in text.split("\n")) + "</article></body></html>"
                    self._send(200, page.encode(), "text/html; charset=utf-8")
                else:
                    self._send(404, b"not found", "text/plain")

            def _send(self, status: int, body: bytes, kind: str, extra: dict[str, str] | None = None) -> None:
                self.send_response(status)
                self.send_header("Content-Type", kind)
                for name, value in (extra or {}).items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        self.base = f"http://127.0.0.1:{self._httpd.server_address[1]}"
        self._thread = threading.Thread(target=self._httpd.serve_forever, args=(0.02,), daemon=True)

    def __enter__(self) -> FeedServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    def paths(self) -> list[str]:
        return [request.path for request in self.site.requests]
