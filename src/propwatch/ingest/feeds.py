"""Read an RSS or Atom feed: fetch the article behind every entry, listing the ones that fail.

feedparser only ever parses bytes we hand it: given a string it would open URLs or local files
named by the string itself, so the feed's content is always wrapped in a stream.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from datetime import date
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any
from urllib.parse import unquote_plus, urlsplit, urlunsplit

import feedparser
import lxml.html  # type: ignore[import-untyped]
from lxml.etree import ParserError  # type: ignore[import-untyped]

from propwatch.domain import Article, Failure
from propwatch.errors import (
    MalformedRecordError,
    PropwatchError,
    UnsupportedInputError,
)
from propwatch.ingest.base import headline_first, one_line
from propwatch.ingest.dates import plausible, read_date
from propwatch.ingest.decode import decode_bytes, read_file_bytes
from propwatch.ingest.fetch import FEED_ACCEPT, declared_charset, fetch_article, fetch_url
from propwatch.ingest.plaintext import parse_plain_text
from propwatch.settings import Settings

_ATOM_NS = "http://www.w3.org/2005/Atom"
_RSS1_NAMESPACES = ("http://purl.org/rss/1.0/", "http://my.netscape.com/rdf/simple/0.9/")
# Prolog parts that may come before the root element: XML declaration, PIs, comments, DOCTYPE.
_PROLOG = re.compile(
    r"\A(?:\s+|<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^>\[]*(?:\[.*?\])?\s*>)*", re.DOTALL | re.IGNORECASE
)
_ROOT_TAG = re.compile(r"<([A-Za-z_][\w.\-]*(?::[A-Za-z_][\w.\-]*)?)([^>]*)>", re.DOTALL)
_URL_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*://")
# Query parameters that only say where a reader came from (campaigns, ad clicks, mailings): the same page.
# courlan.clean_url drops more (ref, source, uid, session…) and re-sorts the query, which can change a page.
_TRACKING_PARAMS = frozenset(
    {"fbclid", "gclid", "dclid", "yclid", "msclkid", "twclid", "mc_cid", "mc_eid", "_ga", "_gl", "igshid"}
    | {"ref_src", "ref_url", "_hsenc", "_hsmi", "mkt_tok"}
)
_TRACKING_PREFIXES = ("utm_",)

# Words an entry's own content must have to stand for the article (a teaser or a summary has fewer).
ENTRY_MIN_WORDS = 80
_WORD = re.compile(r"\w+")
_BLOCK_TAGS = ("p", "div", "li", "blockquote", "pre", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "figcaption")


def is_feed_document(content: str) -> bool:
    """True when ``content`` is an RSS 2.0/0.9x, RSS 1.0 (RDF) or Atom document, by its root element."""
    head = content[:8192].lstrip("\ufeff")
    prolog = _PROLOG.match(head)
    match = _ROOT_TAG.match(head, prolog.end() if prolog else 0)
    if match is None:
        return False
    name, attributes = match.group(1), match.group(2)
    local = name.rsplit(":", 1)[-1]
    if name == "rss":
        return True
    if local == "feed":
        return _ATOM_NS in attributes
    if local == "RDF":
        return any(namespace in head for namespace in _RSS1_NAMESPACES)
    return False


def read_feed(source: str, settings: Settings) -> Iterator[Article | Failure]:
    """Read the feed at ``source`` (an http(s) URL or a local file) and every article it links to.

    The feed itself is fetched and checked at once (errors raise here); the entries' articles are
    fetched one by one as the iterator is consumed, each failure yielded as a :class:`Failure`.
    """
    base = None
    if _URL_SCHEME.match(source):
        page = fetch_url(source, settings, accept=FEED_ACCEPT)
        content, base = page.text, page.final_url
    else:
        content = _read_file(Path(source), settings)
    if not is_feed_document(content):
        raise UnsupportedInputError(source, "is not an RSS or Atom feed")
    return read_feed_document(content, settings, origin=source, base=base)


def read_feed_document(
    content: str, settings: Settings, *, origin: str, base: str | None = None
) -> Iterator[Article | Failure]:
    """Parse a feed's text (checked at once) and fetch the article of each entry as iterated.

    ``base`` is where the feed was found after redirects (default: ``origin``, when it is a URL):
    relative entry links are resolved against it.
    """
    headers = {"content-type": "application/xml; charset=utf-8"}  # the text is already decoded
    base = base or (origin if _URL_SCHEME.match(origin) else None)
    if base:
        headers["content-location"] = base
    parsed = feedparser.parse(io.BytesIO(content.encode("utf-8")), response_headers=headers)
    if not parsed.get("version") and not parsed.entries:
        problem = parsed.get("bozo_exception")
        detail = f": {problem}" if problem else ""
        raise MalformedRecordError(origin, f"cannot be parsed as an RSS or Atom feed{detail}")
    if parsed.get("bozo") and not parsed.entries:
        raise MalformedRecordError(origin, f"is a malformed feed: {parsed.get('bozo_exception')}")
    # A feed with a recoverable flaw (an undefined entity, a missing end tag) but readable entries is
    # read: real feeds often have one, and their entries are intact.
    return _entry_articles(parsed.entries, settings, origin)


def _entry_articles(entries: list[Any], settings: Settings, origin: str) -> Iterator[Article | Failure]:
    for number, entry in enumerate(entries, start=1):
        link = without_tracking(str(entry.get("link") or "").strip())
        if not link:
            yield Failure(input=f"{origin} entry {number}", reason="feed entry has no link")
            continue
        try:
            article = fetch_article(link, settings)
        except PropwatchError as error:
            yield Failure(input=link, reason=f"{error.reason} (entry {number} of {origin})")
            continue
        yield fill_from_entry(article, entry)


def without_tracking(url: str) -> str:
    """``url`` without the query parameters that only track readers (utm_*, fbclid, gclid…), the rest of
    the query kept as written: links that differ only in those are one page."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    if not parts.query:
        return url
    pairs = parts.query.split("&")
    kept = [pair for pair in pairs if not _is_tracking(unquote_plus(pair.partition("=")[0]).strip().lower())]
    return url if len(kept) == len(pairs) else urlunsplit(parts._replace(query="&".join(kept)))


def _is_tracking(name: str) -> bool:
    return name in _TRACKING_PARAMS or name.startswith(_TRACKING_PREFIXES)


def entry_content(entry: Any) -> str:
    """The text of the entry's own full content (RSS content:encoded, Atom content), HTML stripped and
    paragraphs kept; "" when it has none or too little (under ENTRY_MIN_WORDS words) to be the article."""
    for content in entry.get("content") or ():
        value = str(content.get("value") or "")
        html = "html" in str(content.get("type") or "text/html")
        text = _html_text(value) if html else "\n\n".join(_paragraph_lines(value))
        if len(_WORD.findall(text)) >= ENTRY_MIN_WORDS:
            return text
    return ""


def _html_text(value: str) -> str:
    try:
        root = lxml.html.fragment_fromstring(value, create_parent="div")
    except (ParserError, ValueError):
        return ""
    for element in root.iter("script", "style"):
        element.drop_tree()
    for element in root.iter(*_BLOCK_TAGS):  # a block ends a paragraph, wherever its text ends
        element.tail = "\n\n" + (element.tail or "")
    for element in root.iter("br"):
        element.tail = "\n" + (element.tail or "")
    return "\n\n".join(_paragraph_lines(root.text_content()))


def _paragraph_lines(text: str) -> list[str]:
    return [" ".join(block.split()) for block in re.split(r"\n\s*\n", text) if block.strip()]


def article_from_entry(entry: Any, text: str, settings: Settings, *, url: str | None, origin: str) -> Article:
    """The article the entry's own content (``text``, from :func:`entry_content`) gives, with the entry's
    title, date and author: for an item whose page cannot be read, or that links to none."""
    title = _entry_text(entry.get("title")) or None
    article = parse_plain_text(text, settings, origin=origin, url=url, title=title, headline_in_text=True)
    host = urlsplit(url).hostname if url else None
    outlet = {"outlet": host.removeprefix("www.")} if host and not article.outlet else {}
    return fill_from_entry(article.model_copy(update=outlet), entry)


def _entry_text(value: Any) -> str:
    return one_line(str(value or ""))  # a feed's "&#0;" reaches us as a NUL


def entry_date(entry: Any) -> date | None:
    """The day the entry says it was published, as written in its own time zone (feedparser's
    ``published_parsed`` is in UTC: 23:30 at -05:00 on 31 December became 1 January). An entry's
    ``updated`` time says when it last changed: it dates the entry only when nothing else does (an
    Atom entry with no ``published``; RSS 1.0's ``dc:date``, which feedparser files as updated)."""
    for field in ("published", "updated"):
        raw = _entry_text(entry.get(field))
        if raw:
            try:
                return plausible(parsedate_to_datetime(raw).date())  # RSS: RFC 822
            except (TypeError, ValueError, IndexError):
                pass
            if (written := read_date(raw)) is not None:  # Atom: RFC 3339
                return written
        stamp = entry.get(f"{field}_parsed")  # a form only feedparser reads: its UTC day
        if stamp:
            return plausible(date(stamp.tm_year, stamp.tm_mon, stamp.tm_mday))
    return None


def fill_from_entry(article: Article, entry: Any) -> Article:
    """Take the title, date and author the page lacks from the feed entry (control characters of the
    feed's fields dropped: a NUL would make an article no store can hold); the entry's title opens the
    text as a page's headline does."""
    update: dict[str, Any] = {}
    title = _entry_text(entry.get("title"))
    if not article.title and title:
        update["title"] = title
        update["text"] = headline_first(title, article.text)
    if article.published is None and (published := entry_date(entry)) is not None:
        update["published"] = published
    if not article.author:
        detail = entry.get("author_detail") or {}
        author = _entry_text(detail.get("name") or entry.get("author"))
        if author:
            update["author"] = author
    return article.model_copy(update=update) if update else article


def _read_file(path: Path, settings: Settings) -> str:
    name = str(path)
    data = read_file_bytes(path, settings)
    return decode_bytes(data, name, settings, declared_encoding=declared_charset(data, "application/xml"))
