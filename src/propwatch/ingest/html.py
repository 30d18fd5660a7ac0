"""Read a web page: the article's main text and its metadata, without navigation or comments.

Extraction is trafilatura's (boilerplate removal, metadata, htmldate for the publication date);
this module adds what trafilatura leaves out: paragraph breaks, the page's declared language and
the genre the page declares for itself.
"""

from __future__ import annotations

import html as html_lib
import json
import re
from collections.abc import Iterator
from datetime import date
from typing import Any
from urllib.parse import urlsplit

import lxml.html  # type: ignore[import-untyped]
import trafilatura
from trafilatura.utils import load_html
from trafilatura.xml import xmltotxt

from propwatch.domain import AUTHOR_SEPARATOR, Article
from propwatch.errors import EmptyInputError, InputError
from propwatch.ingest.base import make_article
from propwatch.ingest.dates import EARLIEST, dates_in, latest_plausible, plausible
from propwatch.ingest.genres import GENRE_TYPES, canonical_genre
from propwatch.ingest.language import identify_language, language_code
from propwatch.ingest.outlets import find_quoted_outlets
from propwatch.ingest.plaintext import (
    dateline_date,
    headline_genre_tag,
    is_update_line,
    opening_dateline,
    split_trailing_sources,
)
from propwatch.settings import Settings

# Markup that starts (or, after a comment or XML declaration, soon appears in) a web page.
_HTML_MARKERS = re.compile(
    r"<!doctype\s+html|<html[\s>]|<head[\s>]|<body[\s>]|<meta\s|<article[\s>]|<div[\s>]|<p[\s>]",
    re.IGNORECASE,
)
_SNIFF_CHARS = 2048
_MAX_DATELINE_CHARS = 120
_MAX_DATELINE_WORDS = 6  # besides the date: "Posted on … by admin", "Publié le … à 10h30"
_WORDS = re.compile(r"\w+")
_A_YEAR = re.compile(r"\d{4}|\d[./-]\d{1,2}[./-]\d{2}")


def looks_like_html(text: str) -> bool:
    """Whether ``text`` is a web page (or a fragment of one) rather than plain text."""
    head = text[:_SNIFF_CHARS].lstrip("\ufeff \t\r\n")
    return head.startswith("<") and _HTML_MARKERS.search(head) is not None


# libxml2 drops all that lies deeper than 256 levels unless asked for a huge tree, and trafilatura finds no
# text in a tree that deep: the article of a page of nested <div>s was lost ("no article text found").
# Such a page is parsed as a huge tree and its empty wrappers below _FLAT_DEPTH are unwrapped.
_DEEPEST = 250
_FLAT_DEPTH = 60
_WRAPPERS = frozenset({"div", "span", "section", "font", "center", "main"})
_HUGE_TREE_PARSER = lxml.html.HTMLParser(
    collect_ids=False,
    default_doctype=False,
    encoding="utf-8",
    remove_comments=True,
    remove_pis=True,
    huge_tree=True,
)


# libxml2 reads 2,048 levels even in a huge tree; a tree this deep may have been cut there.
_READ_DEPTH = 2040


def _load_page(html: str, input_name: str) -> Any:
    tree = load_html(html)
    if tree is not None and tree.xpath(f"boolean(//*[count(ancestor::*) >= {_DEEPEST}])"):
        tree = lxml.html.fromstring(html.encode("utf-8", "surrogatepass"), parser=_HUGE_TREE_PARSER)
        if _unwrap_deep_wrappers(tree) >= _READ_DEPTH:
            raise InputError(
                input_name,
                f"its elements are nested {_READ_DEPTH:,} levels deep or more, deeper than the HTML parser "
                "reads whole: save the article's text and read that instead",
            )
    return tree


def _unwrap_deep_wrappers(root: Any) -> int:
    """Replace each text-less wrapper element deeper than _FLAT_DEPTH by its children (no recursion:
    the page may be 50,000 levels deep); returns how deep the tree went."""
    deep: list[Any] = []
    deepest = 0
    stack = [(root, 0)]
    while stack:
        element, depth = stack.pop()
        deepest = max(deepest, depth)
        if depth > _FLAT_DEPTH and element.tag in _WRAPPERS and not (element.text or "").strip():
            deep.append(element)
        stack.extend((child, depth + 1) for child in element)
    for element in deep:
        element.drop_tag()
    return deepest


def parse_html(
    html: str, settings: Settings, *, url: str | None = None, origin: str | None = None
) -> Article:
    """Read the article in ``html``: main text (paragraphs separated by blank lines) and metadata.

    ``url`` is where the page was fetched from (used for metadata and as the outlet fallback);
    ``origin`` names the input in errors and provenance (default: ``url``).
    """
    input_name = origin or url or "HTML page"
    tree = _load_page(html, input_name) if html.strip() else None
    if tree is None:
        raise EmptyInputError(input_name, "no article text found in the page")
    declared_language = _declared_language(tree)
    json_ld = list(_json_ld_objects(tree))  # read before trafilatura prunes the tree's scripts
    genre_tag = _declared_genre(tree, json_ld)
    boilerplate = _boilerplate_text(tree)
    stated = _json_ld_article(json_ld)

    document = trafilatura.bare_extraction(
        tree,
        url=url,
        with_metadata=True,
        include_comments=False,
        include_tables=True,
        favor_precision=True,
        # The first publication, not the last update, dates what the article said when. Markup only:
        # a search of the whole text took a year named in it ("since 2014") for a date, as 1 January.
        date_extraction_params={
            "original_date": True,
            "extensive_search": False,
            "min_date": EARLIEST.isoformat(),
            "max_date": latest_plausible().isoformat(),  # a page east of here is dated tomorrow already
        },
    )
    title = None if document is None or isinstance(document, dict) else _clean(document.title)
    text = "" if document is None or isinstance(document, dict) else _paragraphs(document, title)
    # with no article on the page, trafilatura's fallbacks return the menu; that is not an article
    empty = not text.strip() or all(_normalise(block) in boilerplate for block in text.split("\n\n"))
    # A script-rendered page shows a placeholder ("Loading…") where its JSON-LD states the whole text.
    placeholder = stated is not None and len(text.strip()) * 2 < len(stated["text"])
    if empty or placeholder:
        # Pages that render their text with scripts often still state it in JSON-LD (articleBody).
        if stated is None:
            raise EmptyInputError(input_name, "no article text found in the page")
        if stated.get("title"):
            stated["title"], genre_tag = _untagged_headline(stated["title"], genre_tag)
        page_url = url or stated.pop("url", None)
        outlet = stated.pop("outlet", None) or _hostname(page_url)
        stated.pop("url", None)
        return make_article(
            settings,
            **stated,
            url=page_url,
            outlet=outlet,
            genre_tag=genre_tag,
            quoted_outlets=find_quoted_outlets(stated["text"]),
            language=_language(declared_language, stated["text"], settings),
            origin=origin or url,
            raw=html,
            raw_format="html",
        )
    assert document is not None and not isinstance(document, dict)

    text, sources = split_trailing_sources(text)  # "Source: …" under the text, as in plain text
    text, dated, place = opening_dateline(text)  # "03.02.2022, Moscow." above the text, as in plain text
    if title:
        title, genre_tag = _untagged_headline(title, genre_tag)
    page_url = url or _clean(document.url)
    return make_article(
        settings,
        text=text,
        title=title,
        url=page_url,
        # a dateline or byline paragraph only where the markup gives no date: a page's second reading
        published=_parse_date(document.date) or dated or _dateline_in_page(_load_page(html, input_name)),
        place=place,
        author=_clean(document.author),
        outlet=_clean(document.sitename) or _hostname(page_url),
        genre_tag=genre_tag,
        sources=tuple(dict.fromkeys(sources)),
        quoted_outlets=find_quoted_outlets(text),
        language=_language(declared_language, text, settings),
        origin=origin or url,
        raw=html,
        raw_format="html",
    )


def _untagged_headline(headline: str, declared: str | None) -> tuple[str, str | None]:
    """ "Opinion: NATO expands again", as a plain-text headline: without the tag, which is the page's
    genre when its markup declares none; a tag the markup contradicts ("News") stays in the headline."""
    title, tag = headline_genre_tag(headline)
    if tag is None or declared not in (None, tag):
        return headline, declared
    return title, tag


def _paragraphs(document: Any, title: str | None) -> str:
    """Main text with one block (paragraph, heading, list, quote, table) per paragraph."""
    body = document.body
    blocks: list[str] = []
    if body is not None:
        if body.text and body.text.strip():
            blocks.append(body.text.strip())
        for child in body:
            block = xmltotxt(child, False).strip()
            if block:
                blocks.append(block)
    if not blocks:
        return "\n\n".join(line.strip() for line in (document.text or "").split("\n") if line.strip())
    # the headline is Article.title; repeated as the first block it is not part of the text
    if title and len(blocks) > 1 and _normalise(blocks[0]) == _normalise(title):
        blocks = blocks[1:]
    return "\n\n".join(blocks)


def _boilerplate_text(tree: Any) -> str:
    """Normalised text of the page's navigation, header, footer and links."""
    parts = tree.xpath(
        "//nav|//header|//footer|//aside|//a|//*[@role='navigation' or @role='banner' or @role='contentinfo']"
    )
    return "\n".join(_normalise(part.text_content()) for part in parts)


def _declared_language(tree: Any) -> str | None:
    """ISO 639-1 code the page declares (<html lang>, Content-Language, og:locale), if any."""
    candidates: list[str] = []
    root = tree.getroottree().getroot()
    for attribute in ("lang", "{http://www.w3.org/XML/1998/namespace}lang", "xml:lang"):
        value = root.get(attribute)
        if value:
            candidates.append(value)
    candidates += tree.xpath(
        '//meta[translate(@http-equiv, "CONTENT-LANGUAGE", "content-language")="content-language"]/@content'
    )
    candidates += tree.xpath('//meta[@property="og:locale"]/@content')
    for candidate in candidates:
        code = language_code(str(candidate).split(",")[0])
        if code:
            return code
    return None


def _language(declared: str | None, text: str, settings: Settings) -> str | None:
    """The declared language unless the text is confidently another: sites declare one language in
    their template for every page (a Russian article under <html lang="en-US">)."""
    if not settings.detect_language:
        return declared
    identified = identify_language(text)
    return identified or declared


def _dateline_in_page(tree: Any | None) -> date | None:
    """For pages without date markup: the date of the first short element that is a dateline
    ("Published 12 March 2023.", "By Jane Doe | February 3, 2022", "3 Feb 2022 • 4 min read"): one
    whole date and a few words besides. A date inside prose ("the hearing is set for 12 May 2019, the
    court said") is none; an "Updated" line dates the page only when nothing else does."""
    updated: date | None = None
    if tree is None:
        return None
    for element in tree.xpath("//body//*[self::p or self::div or self::span or self::time or self::li]"):
        text = _short_text(element)
        if text is None or not _A_YEAR.search(text):  # no date without a year: the regexes need not run
            continue
        if (found := dateline_date(text)) is not None:
            return found
        written = dates_in(text)
        if len(written) != 1:
            continue
        day, start, end = written[0]
        rest = text[:start] + " " + text[end:]
        if len(_WORDS.findall(rest)) > _MAX_DATELINE_WORDS:
            continue
        if not is_update_line(rest):
            return day
        updated = updated or day
    return updated


def _short_text(element: Any) -> str | None:
    """The element's text, white space folded, when it is short enough for a dateline; None without
    reading more than a few lines of it (a page's outer blocks hold all of its text)."""
    parts, size = [], 0
    for piece in element.itertext():
        parts.append(piece)
        size += len(piece)
        if size > 4 * _MAX_DATELINE_CHARS:
            return None
    text = " ".join("".join(parts).split())
    return text if len(text) <= _MAX_DATELINE_CHARS else None


def _declared_genre(tree: Any, json_ld: list[dict[str, Any]]) -> str | None:
    """Genre the page gives itself (``json_ld``: its JSON-LD objects): a schema.org genre type, else a
    genre-word section."""
    for obj in json_ld:
        types = obj.get("@type")
        for type_name in types if isinstance(types, list) else [types]:
            if isinstance(type_name, str):
                genre = GENRE_TYPES.get(type_name.rsplit("/", 1)[-1].lower())
                if genre:
                    return genre
    sections: list[str] = [str(value) for value in tree.xpath('//meta[@property="article:section"]/@content')]
    for obj in json_ld:
        for key in ("articleSection", "genre"):
            value = obj.get(key)
            sections += [v for v in (value if isinstance(value, list) else [value]) if isinstance(v, str)]
    for section in sections:
        genre = canonical_genre(section)
        if genre:
            return genre
    return None


def _json_ld_objects(tree: Any) -> Iterator[dict[str, Any]]:
    for script in tree.xpath('//script[@type="application/ld+json"]'):
        try:
            data = json.loads(script.text_content(), strict=False)
        except ValueError:
            continue  # broken JSON-LD is common and tells us nothing
        yield from _walk_json_ld(data)


def _walk_json_ld(data: Any) -> Iterator[dict[str, Any]]:
    if isinstance(data, list):
        for item in data:
            yield from _walk_json_ld(item)
    elif isinstance(data, dict):
        yield data
        if "@graph" in data:
            yield from _walk_json_ld(data["@graph"])


_ARTICLE_TYPES = ("Article", "BlogPosting", "Report", "LiveBlogPosting")


def _json_ld_article(json_ld: list[dict[str, Any]]) -> dict[str, Any] | None:
    """Text and metadata of the first JSON-LD article (NewsArticle, OpinionNewsArticle, BlogPosting…)
    among the page's objects that states its ``articleBody``; None without one."""
    for item in json_ld:
        kinds = item.get("@type")
        kinds = [kinds] if isinstance(kinds, str) else kinds if isinstance(kinds, list) else []
        if not any(isinstance(k, str) and k.endswith(_ARTICLE_TYPES) for k in kinds):
            continue
        body = item.get("articleBody")
        if not isinstance(body, str) or not body.strip():
            continue
        if "<" in body or "&" in body:  # some sites put the HTML of the body there
            body = html_lib.unescape(re.sub(r"<[^>]+>", "", re.sub(r"(?i)<br\s*/?>|</p>|</h\d>", "\n", body)))
        paragraphs = [" ".join(line.split()) for line in re.split(r"\n\s*\n|\r?\n", body)]
        found: dict[str, Any] = {
            "text": "\n\n".join(p for p in paragraphs if p),
            "title": _clean(_ld_text(item.get("headline") or item.get("name"))),
            "author": _clean(_ld_names(item.get("author"))),
            "published": _parse_date(_ld_text(item.get("datePublished"))),
            "outlet": _clean(_ld_text(item.get("publisher"))),
            "url": _ld_text(item.get("url")) if str(item.get("url", "")).startswith("http") else None,
        }
        return {key: value for key, value in found.items() if value is not None}
    return None


def _ld_names(value: Any) -> str | None:
    """Every name of a JSON-LD author list, joined as Article.author joins them (the first only had
    been kept)."""
    values = value if isinstance(value, list) else [value]
    names = [name for name in (_ld_text(v) for v in values) if name]
    return AUTHOR_SEPARATOR.join(dict.fromkeys(names)) or None


def _ld_text(value: Any) -> str | None:
    """A JSON-LD value as text: a string, an object's name, or the first of a list."""
    if isinstance(value, list):
        return _ld_text(value[0]) if value else None
    if isinstance(value, dict):
        return _ld_text(value.get("name"))
    return value if isinstance(value, str) and value.strip() else None


def _parse_date(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return plausible(date.fromisoformat(value[:10]))  # the day as written, whatever its offset
    except ValueError:
        return None


def _hostname(url: str | None) -> str | None:
    if not url:
        return None
    host = urlsplit(url).hostname
    if not host:
        return None
    return host.removeprefix("www.")


def _clean(value: str | None) -> str | None:
    if value is None:
        return None
    value = " ".join(value.split())
    return value or None


def _normalise(value: str) -> str:
    return " ".join(value.lower().split())
