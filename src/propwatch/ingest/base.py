"""What every reader shares: building the Article (language identified once, here)."""

from __future__ import annotations

import re
from typing import Any

from pydantic import ValidationError

from propwatch.domain import Article
from propwatch.errors import InputError
from propwatch.ingest.language import identify_language
from propwatch.settings import Settings

UNNAMED_ARTICLE = "article"  # the input name of an article read from no file, URL or record
_CONTROLS = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_CONTROLS_BUT_NUL = re.compile(r"[\x01-\x1f\x7f-\x9f]")


# Characters that show nothing and join nothing (soft hyphen, zero-width space, word joiner, a BOM inside the
# text): HTML extraction drops them, so plain text and records do too. Inside words they had hidden a
# verbatim copy from deduplication, search and republication ("Euro\u00adpean" is "Euro" and "pean").
# Terminal controls too (ESC, CSI…; not tabs, line breaks, form feeds, NEL, nor NUL, which the Article
# refuses by name): a page's "ESC[2J" had cleared the analyst's screen from list, show and search.
_INVISIBLE = str.maketrans(
    dict.fromkeys(
        [
            *map(ord, "\u00ad\u200b\u2060\ufeff"),
            *range(0x01, 0x09),
            *range(0x0E, 0x20),
            0x7F,
            *range(0x80, 0x85),
            *range(0x86, 0xA0),
        ]
    )
)


def visible_text(text: str) -> str:
    """``text`` without the characters that show nothing and join nothing (zero-width joiners and
    non-joiners stay: they join emoji and spell Persian and Indic words), nor terminal controls."""
    return text.translate(_INVISIBLE)


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


def validation_reason(error: ValidationError) -> str:
    """What the Article refused, in one line: the field and why, without pydantic's dump."""
    problem = error.errors()[0]
    message = str(problem["msg"]).removeprefix("Value error, ")
    where = ".".join(str(part) for part in problem["loc"])
    return f"{where}: {message}" if where else message
