"""A web page's main text, block by block: the tables that lay out the page, unwrapped before the
extraction; what the extraction took that is no article text, and what the first paragraph says.

* A table laid out as a page (menu, headline and text, teasers in its cells) is read as blocks; a table
  of data stays a table, a single row of short cells ("Price of diesel | 2.31 euros") too; a row with
  a cell of prose (over 100 characters, or two sentences: "Photo: Reuters. Peskov in Moscow.") is layout.
* trafilatura sweeps the whole page when its main pass found little (a one-paragraph brief), and
  appends what it finds: the headline, the standfirst, "By …", "Last modified …", the paragraph again.
  The headline, byline lines, update lines and repeats of a paragraph (more than the page holds) go
  wherever they stand; a short fragment that stands in the page *before* the first paragraph (a
  standfirst, a kicker) goes when the extraction put it after that paragraph: a long page's
  extraction never takes it either.
* A teaser paragraph ("Related: …", "READ MORE: …", "Читайте также: …") and a short boilerplate
  paragraph (the plain-text reader's rule) go, as whole short paragraphs only.
* A genre label above the headline ("Press Release", "Opinion") is the genre tag, not text.
* A wire dateline opening the first paragraph ("MOSCOW, Feb 3, 2022 (Reuters) - ",
  "HOUSTON, Oct. 26, 2023 /PRNewswire/ -- ", "МОСКВА, 27 фев — РИА Новости. ") gives the place,
  date and agency, and only the prefix is removed, as in plain text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from propwatch.ingest.base import headline_first, visible_text
from propwatch.ingest.datelines import UPDATED, match_wire_dateline
from propwatch.ingest.dates import dates_in
from propwatch.ingest.plaintext import (
    _BYLINE,
    _MAX_BOILERPLATE_LINE,
    _TAG_LINE,
    SENTENCE_END,
    _genre,
    is_boilerplate,
    is_teaser,
)

_MAX_HEADER_BLOCK = 300  # a standfirst, kicker or date line; a paragraph of prose may be longer
_MAX_UPDATE_WORDS = 6  # besides the date: "Last modified on Thu … GMT", "Updated: … at 10:30 CET"
_MIN_REPEAT = 40  # a repeated short line ("Yes.", "* * *") may be the text's own
_SHORT_EXTRACTION = 5000  # characters: trafilatura sweeps the page for more only when it found less
# Capitalised function words: in a subheading ("By The Numbers"), never in a byline's names.
_HEADING_WORDS = frozenset(
    ("The", "And", "Of", "By", "In", "On", "For", "An", "To", "At", "With", "From", "Or", "Not", "How", "Why")
)
_WORDS = re.compile(r"[^\W\d_]+")  # words, not the figures of a time ("18.45 GMT")
_LAST = re.compile(r"(?i)^(?:last|zuletzt|dernière|ostatnia|последнее)\s+")


@dataclass
class Blocks:
    """The article's paragraphs and what the blocks said about it."""

    paragraphs: list[str]
    genre_tag: str | None = None


@dataclass
class Opening:
    """What a wire dateline opening the first paragraph gave."""

    text: str
    place: str | None = None
    published: date | None = None
    sources: list[str] = field(default_factory=list)


def page_text(tree: Any) -> str:
    """The page body's visible text in document order, folded as :func:`_folded` folds a block."""
    parts = tree.xpath(
        "//body//text()[not(ancestor::script or ancestor::style or ancestor::noscript or ancestor::template)]"
    )
    return _folded("".join(str(part) for part in parts))


def clean_blocks(blocks: list[str], *, title: str | None, page: str) -> Blocks:
    """``blocks`` (one paragraph, heading, list… each) without what is no article text (module doc);
    ``page`` is :func:`page_text` of the page, read before the extraction pruned it."""
    found = Blocks(paragraphs=[])
    headline = _folded(title) if title else None
    lines_kept = [_without_header_lines(block, headline) for block in blocks]
    candidates = [block for block in lines_kept if block]
    # a genre label above the text; the headline and a byline may stand before or after it
    while candidates and len(candidates[0]) <= 40 and (tag := _TAG_LINE.match(candidates[0])):
        found.genre_tag = found.genre_tag or _genre(tag.group("tag"))
        candidates.pop(0)
    first_at = _position(page, candidates[0]) if candidates else -1
    short = sum(len(block) for block in candidates) <= _SHORT_EXTRACTION
    kept: dict[str, int] = {}
    for index, block in enumerate(candidates):
        folded = _folded(block)
        if headline and folded == headline and len(candidates) > 1:
            continue
        # a paragraph the extraction holds more often than the page does (a transcript's answer given
        # three times is the page's own, three times)
        # (the page is searched only for a block met before, and header fragments only in a short
        # extraction: once per block over a page of megabytes had taken minutes)
        times = kept.get(folded, 0)
        if times and len(folded) >= _MIN_REPEAT and times >= max(1, page.count(folded)):
            continue
        if (
            index
            and short
            and first_at > 0
            and _header_fragment(block)
            and 0 <= _last_position(page, block) < first_at
        ):
            continue  # the page header, recovered after the text (module doc)
        kept[folded] = kept.get(folded, 0) + 1
        found.paragraphs.append(block)
    if not found.paragraphs:
        found.paragraphs = [block.strip() for block in blocks if block.strip()]
    return found


def _without_header_lines(block: str, headline: str | None) -> str:
    """``block`` without its byline, update, teaser and boilerplate lines (a block's lines are its <br>s),
    and without the headline as a line of a longer block (a layout table's cell: "Headline<br>Text")."""
    lines = block.split("\n")
    whole = sum(1 for line in lines if line.strip()) == 1
    kept = [line for line in lines if not (line.strip() and _not_text(line.strip(), whole=whole))]
    if sum(1 for line in kept if line.strip()) > 1 and headline:
        kept = [line for line in kept if _folded(line) != headline]
    return "\n".join(kept).strip()


def _not_text(line: str, *, whole: bool) -> bool:
    """A teaser, byline or update line, or (``whole``: the block's only line) a boilerplate line: short
    lines only, as in plain text. A line of a list written with <br>s ("Google Play<br>Telegram") is
    the text's own, even where alone it reads as a share button."""
    if len(line) > _MAX_BOILERPLATE_LINE:
        return False
    if is_teaser(line):
        return True
    # "Two responses to the crisis emerged." reads as the plain-text reader's "2 responses to …" line
    if whole and is_boilerplate(line) and not (SENTENCE_END.search(line) and len(line.split()) > 8):
        return True
    if len(line) > 120:
        return False
    return _byline(line) or _update_line(line)


def _byline(line: str) -> bool:
    """ "By Jane Doe and Bo Chen", not a title-case subheading ("By The Numbers", "By Sea And By Rail")."""
    found = _BYLINE.match(line)
    return found is not None and not _HEADING_WORDS.intersection(found.group("author").split())


def _update_line(line: str) -> bool:
    """ "Last modified on Thu 16 Mar 2023 18.45 GMT", "Updated: 4 February 2022": one date, a few words."""
    if not UPDATED.match(_LAST.sub("", line, count=1)):
        return False  # the line opens with the label: "The modified plan was approved on …" is prose
    written = dates_in(line)
    if len(written) != 1:
        return False
    _, start, end = written[0]
    return len(_WORDS.findall(line[:start] + " " + line[end:])) <= _MAX_UPDATE_WORDS


def _header_fragment(block: str) -> bool:
    return "\n" not in block and len(block) <= _MAX_HEADER_BLOCK and not SENTENCE_END.search(block)


def _position(page: str, block: str) -> int:
    return page.find(_folded(block)) if page else -1


def _last_position(page: str, block: str) -> int:
    # a subheading also listed in a table of contents above the text stands in the text too
    return page.rfind(_folded(block)) if page else -1


# Typographic quotes, apostrophes and dashes: og:title writes "l'Europe", the h1 "l’Europe".
_TYPOGRAPHY = str.maketrans(
    {
        **dict.fromkeys("’‘ʼ‛′", "'"),
        **dict.fromkeys("“”«»„‟″", '"'),
        **dict.fromkeys("‐‑‒–—―−", "-"),
    }
)


def _folded(text: str) -> str:
    # spacing, direction marks, ligatures, typographic quotes and dashes differ between markup and extraction
    return "".join(visible_text(text).translate(_TYPOGRAPHY).lower().split())


def opening_agency(first: str) -> Opening:
    """The first paragraph without the wire dateline that opens it, and what the dateline gave. In a
    page, only a wire's dateline counts: one naming an agency, or a place in capitals and a date
    ("Saturday, 26 February — a day no one will forget" and "GAZPROM — the gas giant" are prose)."""
    found = match_wire_dateline(first)
    if found is None or not (found.agency or (found.written_date and found.in_capitals)):
        return Opening(text=first)
    rest = found.rest.lstrip("-–— ")  # "HOUSTON, Oct. 26, 2023 /PRNewswire/ -- Northwind…"
    if not rest.strip():
        return Opening(text=first)
    sources = [found.agency] if found.agency else []
    return Opening(text=rest, place=found.place, published=found.published, sources=sources)


_CELLS = "./tr/td|./tr/th|./*/tr/td|./*/tr/th"  # a table's own cells, not those of a table in them
# What only a page's layout puts in a cell: sections, navigation, headings, lists, forms.
_LAYOUT_BLOCKS = (
    ".//*[self::ul or self::ol or self::h1 or self::h2 or self::h3 or self::h4 or self::h5 or self::h6 "
    "or self::form or self::article or self::section or self::nav or self::header or self::footer "
    "or self::aside]"
)
# What breaks a cell into lines or boxes: a one-row table whose cells hold these lays out a page.
_CELL_BLOCKS = (
    ".//*[self::p or self::div or self::br or self::blockquote or self::pre or self::dl or self::hr "
    "or self::figure or self::img or self::picture or self::iframe or self::video or self::center]"
)
_MAX_DATA_CELL = 400  # characters: a cell holding more holds an article, not a figure or a name
_MAX_ROW_CELL = 100  # characters: a one-row table's cell holding more holds a paragraph, not a figure
# A full stop after a word and a sentence after it; "U.S. Treasury", "Mr. Putin" are one sentence.
_TWO_SENTENCES = re.compile(r"[^\W\d_]{3,}[.!?…][\"'»”’)]*\s+[\"'«“„(]?[^\W\d_]")


def unwrap_layout_tables(tree: Any) -> None:
    """Turn the tables that lay out a page (menu, article and sidebar in cells) into plain blocks, for
    trafilatura to tell their text from their boilerplate; data tables stay tables. Taken as tables,
    a layout's cells had all been read as text: the menu, the headline, the teasers, the text twice."""
    layout = [table for table in tree.iter("table") if _is_layout_table(table)]
    for table in layout:
        for part in table.xpath("./caption|./thead|./tbody|./tfoot|./tr|./*/tr|" + _CELLS):
            part.tag = "div"
        table.tag = "div"


def _is_layout_table(table: Any) -> bool:
    """Whether ``table`` lays out a page rather than holding data: it is marked so, holds tables, is
    mostly links (a menu, teasers), or its cells hold what only a layout does (navigation, headings,
    lists, forms) or a whole article's text; or it has a single row that is no row of figures (see
    :func:`_data_row`). A table of figures or a one-column list of names, even with a <p> in each cell
    (as editors pasting from a word processor leave them), stays a table."""
    if (table.get("role") or "").lower() in ("presentation", "none") or table.xpath(".//table"):
        return True
    cells = table.xpath(_CELLS)
    if any(cell.xpath(_LAYOUT_BLOCKS) for cell in cells):
        return True
    lengths = [len(" ".join(cell.text_content().split())) for cell in cells]
    if any(length > _MAX_DATA_CELL for length in lengths):
        return True
    linked = sum(len(" ".join(link.text_content().split())) for link in table.xpath(".//a"))
    if linked >= 0.5 * max(sum(lengths), 1):
        return True
    return len(table.xpath("./tr|./*/tr")) < 2 and not _data_row(cells)


def _data_row(cells: list[Any]) -> bool:
    """Whether a table's only row holds data ("Price of diesel | 2.31 euros | up 41 per cent"): two
    cells or more, each a short line of text at most wrapped in one <p>. A page laid out in one row
    (menu, headline and paragraphs, teasers) breaks its cells into lines and boxes; one cell is a box;
    a cell of prose (a paragraph beside its photo's caption) is a box too."""
    if len(cells) < 2:
        return False
    for cell in cells:
        blocks = cell.xpath(_CELL_BLOCKS)
        if len(blocks) > 1 or any(block.tag not in ("p", "div") for block in blocks):
            return False
        text = " ".join(cell.text_content().split())
        if len(text) > _MAX_ROW_CELL or _TWO_SENTENCES.search(text):
            return False
    return True


_SITE_SUFFIX = re.compile(r"\s+[|–—:·-]{1,2}\s+(?P<site>[^|–—:·]{2,60})$")
_SITE_PREFIX = re.compile(r"^(?P<site>[^|–—:·]{2,60}?)\s+[|–—:·-]{1,2}\s+")


def headline_and_text(
    title: str | None, text: str, *, sitename: str | None, headings: list[str]
) -> tuple[str | None, str]:
    """The page's headline and its text opened by it (:func:`~propwatch.ingest.base.headline_first`).
    The headline is the one readers see: the page's own heading when the text opens with it (an SEO
    ``og:title`` had gone in above it), else the title without the site's name before or after it
    ("… disaster | Daily Sentinel" had been analysed beside "… disaster", and kept the headline that
    opens the text from being known as such); a title that is the site's name alone is none."""
    if not title:
        return title, text
    site = _folded(sitename) if sitename else None
    if site and (suffix := _SITE_SUFFIX.search(title)) and _folded(suffix.group("site")) == site:
        title = title[: suffix.start()]
    if site and (prefix := _SITE_PREFIX.match(title)) and _folded(prefix.group("site")) == site:
        title = title[prefix.end() :]
    if site and _folded(title) == site:
        return None, text
    opening = text.lstrip().split("\n", 1)[0].strip()
    first = _folded(opening).rstrip(".!?:")
    # a one- or two-word heading is a section's name ("Politics"), not the headline
    if first and (first == _folded(title).rstrip(".!?:") or (first in headings and len(opening.split()) > 2)):
        return opening, text
    return title, headline_first(title, text)


def page_headings(tree: Any) -> list[str]:
    """The page's top headings (``<h1>``), folded as :func:`_folded` folds a block, closing marks aside."""
    return [_folded(str(h.text_content())).rstrip(".!?:") for h in tree.xpath("//body//h1")][:5]
