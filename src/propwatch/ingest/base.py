"""What every reader shares: building the Article (language identified once, here)."""

from __future__ import annotations

import re
from typing import Any

from pydantic import ValidationError

from propwatch.domain import Article, opening_headline
from propwatch.errors import InputError
from propwatch.ingest.language import identify_language
from propwatch.settings import Settings

UNNAMED_ARTICLE = "article"  # the input name of an article read from no file, URL or record
_CONTROLS = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_CONTROLS_BUT_NUL = re.compile(r"[\x01-\x1f\x7f-\x9f]")
_LIGATURE_LETTERS = ("ff", "fi", "fl", "ffi", "ffl", "st", "st")  # U+FB00 to U+FB06, as NFKC spells them


# Characters that show nothing and join nothing (soft hyphen, zero-width space, word joiner, a BOM inside the
# text) and those that only set the direction of the text around them (LRM, RLM, ALM, the bidi embeddings,
# overrides and isolates): HTML extraction drops them, so plain text and records do too. Inside words they
# had hidden a verbatim copy from deduplication, search and republication ("Euro\u00adpean" is "Euro" and
# "pean"). Terminal controls too (ESC, CSI…; not tabs, line breaks, form feeds, NEL, nor NUL, which the
# Article refuses by name): a page's "ESC[2J" had cleared the analyst's screen from list, show and search.
# Latin ligatures (a PDF's "ﬁgures") are spelt out: search for "figures" had not found them.
_INVISIBLE = {
    **dict.fromkeys(
        map(
            chr,
            [
                *map(ord, "\u00ad\u200b\u2060\ufeff\u200e\u200f\u061c"),
                *range(0x202A, 0x202F),
                *range(0x2066, 0x206A),
                *range(0x01, 0x09),
                *range(0x0E, 0x20),
                0x7F,
                *range(0x80, 0x85),
                *range(0x86, 0xA0),
            ],
        ),
        "",
    ),
    **{chr(0xFB00 + index): letters for index, letters in enumerate(_LIGATURE_LETTERS)},
}
_INVISIBLE_CHARS = re.compile("[" + "".join(map(re.escape, sorted(_INVISIBLE))) + "]")


def visible_text(text: str) -> str:
    """``text`` without the characters that show nothing and join nothing (zero-width joiners and
    non-joiners stay: they join emoji and spell Persian and Indic words), nor direction marks and
    terminal controls, and with Latin ligatures spelt out: not the same length as ``text``."""
    # a search, not str.translate: a page of megabytes is read in milliseconds where it holds none of them
    return _INVISIBLE_CHARS.sub(lambda found: _INVISIBLE[found.group()], text)


def one_line(value: str, *, keep_nul: bool = False) -> str:
    """``value`` for a headline or a name: control characters (an escape sequence renamed or cleared the
    terminal it was listed on) and white-space runs as one space; ``keep_nul`` leaves a NUL for the
    Article to refuse, naming the input."""
    return " ".join(visible_text((_CONTROLS_BUT_NUL if keep_nul else _CONTROLS).sub(" ", value)).split())


def make_article(settings: Settings, **fields: Any) -> Article:
    """Build an Article from reader fields, identifying the language when the reader did not."""
    if settings.detect_language and not fields.get("language"):
        fields["language"] = identify_language(str(fields.get("text", "")))
    try:
        return Article(**fields)
    except ValidationError as error:  # a NUL in a title or file name: named, not a traceback (API: 422)
        name = str(fields.get("origin") or fields.get("url") or UNNAMED_ARTICLE).replace("\x00", "\\x00")
        raise InputError(name, validation_reason(error)) from None


def headline_first(title: str | None, body: str) -> str:
    """The text analysed of an article whose headline was read apart from its body: the headline, a blank
    line, then the body, as the shared-task files the models learned from lay an article out. A headline
    is where clickbait and fear appeals sit: kept out of the text, no technique, claim or target in it had
    been found. A body that opens with its headline already is left as it is."""
    headline = " ".join((title or "").split())
    if not headline or opening_headline(headline, body) is not None:
        return body
    newline = "\r\n" if "\r\n" in body else "\n"  # the file's own line endings
    return f"{headline}{newline}{newline}{body}"


def validation_reason(error: ValidationError) -> str:
    """What the Article refused, in one line: the field and why, without pydantic's dump."""
    problem = error.errors()[0]
    message = str(problem["msg"]).removeprefix("Value error, ")
    where = ".".join(str(part) for part in problem["loc"])
    return f"{where}: {message}" if where else message
