"""Read a web page: the article's main text and its metadata, without navigation or comments.

Extraction is trafilatura's (boilerplate removal, metadata, htmldate for the publication date);
this module adds what trafilatura leaves out: paragraph breaks, the page's declared language, the
genre the page declares for itself (markup, a label above the headline, its section's URL path or
breadcrumb), a relative canonical address, and the wire dateline opening the text. Layout tables are
unwrapped before extraction, and what the extraction took that is no article text is dropped after it
(:mod:`propwatch.ingest.html_blocks`). A Telegram channel page, many posts, is refused.
"""

from __future__ import annotations

import html as html_lib
import json
import re
from collections.abc import Iterator
from datetime import date
from typing import Any
from urllib.parse import unquote, urljoin, urlsplit

import lxml.html  # type: ignore[import-untyped]
import trafilatura
from trafilatura.utils import load_html
from trafilatura.xml import xmltotxt

from propwatch.domain import AUTHOR_SEPARATOR, Article
from propwatch.errors import EmptyInputError, InputError, UnsupportedInputError
from propwatch.ingest.authors import byline_authors
from propwatch.ingest.base import make_article, visible_text
from propwatch.ingest.datelines import split_closing_signature
from propwatch.ingest.dates import EARLIEST, dates_in, latest_plausible, plausible
from propwatch.ingest.genres import GENRE_TYPES, canonical_genre, section_genre
from propwatch.ingest.html_blocks import (
    clean_blocks,
    headline_and_text,
    opening_agency,
    page_headings,
    page_text,
    unwrap_layout_tables,
)
from propwatch.ingest.language import identify_language, language_code
from propwatch.ingest.outlets import find_quoted_outlets
from propwatch.ingest.plaintext import (
    _TAG_LINE,
    _genre,
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
# besides the date: "Posted on … by admin", "Publié le … à 10h30", "Por Laura Gómez | Publicado el … 10:45"
_MAX_DATELINE_WORDS = 7
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
    _refuse_channel_page(tree, input_name)
    genre_tag = _declared_genre(tree, json_ld)
    boilerplate = _boilerplate_text(tree)
    stated = _json_ld_article(json_ld)
    stated_url = _stated_url(tree)
    kicker = _kicker_genre(tree)
    breadcrumbs = _breadcrumbs(tree, json_ld)
    page = page_text(tree)  # before the extraction prunes the tree: where each block stands in the page
    headings = page_headings(tree)
    unwrap_layout_tables(tree)

    document = trafilatura.bare_extraction(
        tree,
        url=url,
        with_metadata=True,
        include_comments=False,
        include_tables=True,  # data tables only: layout tables were unwrapped into blocks above
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
    text, label = (
        ("", None) if document is None or isinstance(document, dict) else _paragraphs(document, title, page)
    )
    # with no article on the page, trafilatura's fallbacks return the menu; that is not an article
    empty = not text.strip() or all(_normalise(block) in boilerplate for block in text.split("\n\n"))
    # A script-rendered page shows a placeholder ("Loading…") where its JSON-LD states the whole text.
    placeholder = stated is not None and len(text.strip()) * 2 < len(stated["text"])
    if empty or placeholder:
        # Pages that render their text with scripts often still state it in JSON-LD (articleBody).
        if stated is None:
            raise EmptyInputError(input_name, "no article text found in the page")
        if stated.get("title"):
            stated["title"], genre_tag = _untagged_headline(stated["title"], genre_tag or kicker)
        page_url = url or stated.pop("url", None) or stated_url
        genre_tag = genre_tag or kicker or _section_genre(breadcrumbs, page_url)
        outlet = stated.pop("outlet", None) or _hostname(page_url)
        stated.pop("url", None)
        body = stated["text"]
        stated["title"], stated["text"] = headline_and_text(
            stated.get("title"), body, sitename=outlet, headings=headings
        )
        return make_article(
            settings,
            **stated,
            url=page_url,
            outlet=outlet,
            genre_tag=genre_tag,
            quoted_outlets=find_quoted_outlets(body),
            language=_language(declared_language, body, settings),
            origin=origin or url,
            raw=html,
            raw_format="html",
        )
    assert document is not None and not isinstance(document, dict)

    text, sources = split_trailing_sources(text)  # "Source: …" under the text, as in plain text
    text, signed = split_closing_signature(text)  # "… ha detto il ministro. (ANSA)."
    sources = [*sources, *signed]
    text, dated, place = opening_dateline(text)  # "03.02.2022, Moscow." above the text, as in plain text
    # "MOSCOW, Feb 3, 2022 (Reuters) - …" opening the first paragraph, as in plain text
    first, separator, rest = text.partition("\n\n")
    opening = opening_agency(first)
    text = opening.text + separator + rest
    genre_tag = genre_tag or label or kicker
    if title:
        title, genre_tag = _untagged_headline(title, genre_tag)
    page_url = url or _page_url(_clean(document.url), stated_url, tree)
    genre_tag = genre_tag or _section_genre(breadcrumbs, page_url)
    title, analysed = headline_and_text(title, text, sitename=_clean(document.sitename), headings=headings)
    return make_article(
        settings,
        text=analysed,
        title=title,
        url=page_url,
        # a dateline or byline paragraph only where the markup gives no date: a page's second reading
        published=_parse_date(document.date)
        or dated
        or opening.published
        or _dateline_in_page(_load_page(html, input_name)),
        place=place or opening.place,
        # the article's own authors: a live blog's entries, authorless, had displaced them
        author=_ld_authors(json_ld) or byline_authors(_clean(document.author)),
        outlet=_clean(document.sitename) or _hostname(page_url),
        genre_tag=genre_tag,
        sources=tuple(dict.fromkeys([*opening.sources, *sources])),
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


def _paragraphs(document: Any, title: str | None, page: str) -> tuple[str, str | None]:
    """Main text with one block (paragraph, heading, list, quote, table) per paragraph, and the genre
    label above it, if any (see :mod:`propwatch.ingest.html_blocks`)."""
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
        blocks = [line.strip() for line in (document.text or "").split("\n") if line.strip()]
    cleaned = clean_blocks(blocks, title=title, page=page)
    # trafilatura drops direction marks and soft hyphens, not ligatures: the text reads as plain text's does
    return visible_text("\n\n".join(cleaned.paragraphs)), cleaned.genre_tag


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


_TELEGRAM_POST = re.compile(r"[A-Za-z0-9_]{4,32}/\d{1,12}")
# A Telegram channel's web preview (t.me/s/CHANNEL) lists its posts as these blocks, each naming its post.
_TELEGRAM_POSTS = (
    "//*[contains(concat(' ', normalize-space(@class), ' '), ' tgme_widget_message ')]/@data-post"
)


def _refuse_channel_page(tree: Any, input_name: str) -> None:
    """A channel page is many posts, which had been read as one article under the channel's name."""
    # a post's name as Telegram writes it ("rybar/44101"): a page's attribute could hold terminal controls
    named = (str(post).strip("/ ") for post in tree.xpath(_TELEGRAM_POSTS))
    posts = list(dict.fromkeys(post for post in named if _TELEGRAM_POST.fullmatch(post)))
    if len(posts) < 2 or not tree.xpath("//*[contains(@class, 'tgme_channel_history')]"):
        return  # posts a page quotes are not a channel's history
    raise UnsupportedInputError(
        input_name,
        f"is a Telegram channel page of {len(posts)} posts, not one article: read each post from its own "
        f"address, https://t.me/{posts[0]}?embed=1 to https://t.me/{posts[-1]}?embed=1",
    )


_CANONICAL = "//link[contains(concat(' ', normalize-space(@rel), ' '), ' canonical ')]/@href"


def _stated_url(tree: Any) -> str | None:
    """The address the page states for itself (canonical link, else og:url), resolved against its
    <base href>: trafilatura drops a relative one, and one whose host is under five characters (t.me)."""
    bases = [str(href).strip() for href in tree.xpath("//head//base/@href")]
    base = next((href for href in bases if _web_address(href)), None)
    for href in [*tree.xpath(_CANONICAL), *tree.xpath('//meta[@property="og:url"]/@content')]:
        address = urljoin(base, str(href).strip()) if base else str(href).strip()
        if _web_address(address):
            return address
    return None


def _page_url(extracted: str | None, stated: str | None, tree: Any) -> str | None:
    """trafilatura's reading of the page's address (normalised), else :func:`_stated_url`. Without a
    canonical link trafilatura takes <base href>, the site's address, for the page's."""
    if extracted and not tree.xpath(_CANONICAL):
        bases = {str(href).strip().rstrip("/").lower() for href in tree.xpath("//head//base/@href")}
        if extracted.rstrip("/").lower() in bases:
            extracted = None
    return extracted or stated


def _web_address(value: str) -> bool:
    parts = urlsplit(value)
    return parts.scheme in ("http", "https") and "." in (parts.hostname or "")


# Labels above a headline: "Press Release", "Opinion", "[Analysis]"; the element just before the <h1>,
# not a breadcrumb trail (see _breadcrumbs).
_KICKER = (
    "(//h1)[1]/preceding-sibling::*[1][not(self::nav) and not(contains(translate(@class, 'BREADCRUMB', "
    "'breadcrumb'), 'breadcrumb'))]"
)
_MAX_KICKER = 40


def _kicker_genre(tree: Any) -> str | None:
    """The genre a short label just above the headline names, when it is a known genre tag."""
    for element in tree.xpath(_KICKER):
        text = " ".join(element.text_content().split())
        if len(text) <= _MAX_KICKER and (tag := _TAG_LINE.match(text)):
            return _genre(tag.group("tag"))
    return None


# A trail whose class begins with "breadcrumb" ("breadcrumbs", "breadcrumb-list"), not a sidebar card's
# "card-breadcrumb" (a "Most read" card labelled Opinion had made a news story an opinion piece).
_BREADCRUMB_NAV = (
    "//*[self::nav or self::ol or self::ul or self::div or self::p or self::span][contains(concat(' ', "
    "normalize-space(translate(@class, 'BREADCRUMB', 'breadcrumb'))), ' breadcrumb') or "
    "contains(translate(@aria-label, 'BREADCRUMB', 'breadcrumb'), 'breadcrumb') or "
    "contains(@itemtype, 'BreadcrumbList')]"
)
_MAX_BREADCRUMB_ITEMS = 8  # more is a menu, or a page wrapper whose class names its breadcrumb


def _breadcrumbs(tree: Any, json_ld: list[dict[str, Any]]) -> list[str]:
    """The items of the page's breadcrumb trails: JSON-LD BreadcrumbList names and the links or items
    of a breadcrumb element."""
    items: list[str] = []
    for obj in json_ld:
        if obj.get("@type") == "BreadcrumbList" and isinstance(obj.get("itemListElement"), list):
            for element in obj["itemListElement"]:
                if isinstance(element, dict):
                    name = _ld_text(element.get("name")) or _ld_text(element.get("item"))
                    items += [name] if name else []
    for trail in tree.xpath(_BREADCRUMB_NAV):
        parts = trail.xpath(".//a|.//li[not(.//a)]") or [trail]
        if len(parts) <= _MAX_BREADCRUMB_ITEMS:
            items += [" ".join(part.text_content().split()) for part in parts]
    return [item for item in items if item]


def _section_genre(breadcrumbs: list[str], page_url: str | None) -> str | None:
    """The genre of the section the page sits in, by a breadcrumb item or a URL path segment that is
    a genre word as a whole ("/opinion/2023/…", "Opinion ›"); not the last segment, the page's slug."""
    segments = [unquote(part) for part in urlsplit(page_url or "").path.split("/") if part][:-1]
    for name in [*breadcrumbs, *segments]:
        genre = section_genre(name)
        if genre:
            return genre
    return None


def _ld_authors(json_ld: list[dict[str, Any]]) -> str | None:
    """The people the page's first article object (not its live-blog entries) names as authors."""
    for item in json_ld:
        if not _is_article(item) or not item.get("author"):
            continue
        authors = item["author"] if isinstance(item["author"], list) else [item["author"]]
        people = [a for a in authors if not (isinstance(a, dict) and a.get("@type") == "Organization")]
        return _clean(_ld_names(people)) if people else None
    return None


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
        if not _is_article(item):
            continue
        body = item.get("articleBody")
        if not isinstance(body, str) or not body.strip():
            continue
        if "<" in body or "&" in body:  # some sites put the HTML of the body there
            body = html_lib.unescape(re.sub(r"<[^>]+>", "", re.sub(r"(?i)<br\s*/?>|</p>|</h\d>", "\n", body)))
        paragraphs = [" ".join(visible_text(line).split()) for line in re.split(r"\n\s*\n|\r?\n", body)]
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


def _is_article(item: dict[str, Any]) -> bool:
    kinds = item.get("@type")
    kinds = [kinds] if isinstance(kinds, str) else kinds if isinstance(kinds, list) else []
    return any(isinstance(kind, str) and kind.endswith(_ARTICLE_TYPES) for kind in kinds)


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
    value = " ".join(visible_text(value).split())
    return value or None


def _normalise(value: str) -> str:
    return " ".join(visible_text(value).lower().split())
