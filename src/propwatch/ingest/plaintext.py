"""Read plain text the way scrapers leave it: headline, genre tag, dateline, body, source line, boilerplate.

Heuristics, in order (each documented where it is applied):

* Header: the first non-blank lines are read while they are a genre tag on its own line, a dateline,
  a byline ("By …", "Par …", "Von …", "di …", "Por …", "Door …", "Autor: …", "بقلم: …": capitalised
  names, particles such as "de" between them, without a headline's words such as "Is", "Not", "The";
  a date may follow after a bar or comma; under a section label the headline stands) or a "Published: …"
  line, a Telegram forward line ("Forwarded from X", "Weitergeleitet von X", "Переслано от X": X is a
  source), boilerplate, a section label over the headline ("Politics", "Société": dropped), or (once)
  the headline. The first other line starts the body. A forward line is one only as the first line
  or the one under the headline, a short channel name without a full stop: "Forwarded from the
  embassy in Berlin." in the body is prose.
* Headline: a first line counts only when it is at most 300 characters, is followed by body text and
  does not end like a sentence (".", ",", ";", ":") — unless a known genre tag was stripped from it
  ("… a corner. Opinion") or a date line or byline follows it ("… to the U.S."). A known tag is
  stripped from the end ("… . Opinion", "… | Opinion", "… (Opinion)") or the start ("Opinion: …",
  "[Opinion] …"); unknown words never are.
* Dateline (read in :mod:`propwatch.ingest.datelines`): its own line ("03.02.2022, Moscow.", "Feb 3,
  2022") or the opening of the first paragraph ("MOSCOW, Feb 3 (Reuters) - …", "MOSCOW, February 3.
  /TASS/. …", "МОСКВА, 12 апр — РИА Новости. …"), of which only the prefix is removed; an agency
  in the dateline becomes a source.
* Source lines ("Source: X", "Sources: X, Y", "Via X", "Originally published by X", "Read more at X")
  and boilerplate lines (:mod:`propwatch.ingest.furniture`: "Leave a Reply", "Share this:", cookie
  notices, "Tags: …", "Anzeige", Telegram's "Подписывайтесь…", "Поддержать канал: …", also behind an
  emoji, …) are removed as whole short lines only; "Leave a Reply", "Commenti" and the like end the
  article, though a labelled source line below them ("Fonte: X") is still read. The headlines a
  teaser label lists under it (the block of short lines under "Lire aussi", up to a blank line or a
  question: the next section's subheads stay) go. A support or our-channel call ends on its link,
  handle, card or phone number, or on nothing ("Наш канал: его заблокировали трижды." is prose), and
  a call the text reports ("Подпишитесь, — написали авторы.") stays. A platform name or menu word
  behind a bullet or emoji ("• Facebook") goes only in a share bar: a run of such lines that no line
  of the article ending in ":" introduces as its list.
* The body keeps the input's paragraph breaks and line endings (``\\r\\n`` included).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from propwatch.domain import AUTHOR_SEPARATOR, Article, RawFormat
from propwatch.errors import EmptyInputError
from propwatch.ingest.base import headline_first, make_article, visible_text
from propwatch.ingest.datelines import dateline_date as dateline_date  # html.py reads these three here
from propwatch.ingest.datelines import is_update_line as is_update_line
from propwatch.ingest.datelines import match_wire_dateline, read_dateline_line, split_closing_signature
from propwatch.ingest.datelines import opening_dateline as opening_dateline
from propwatch.ingest.furniture import SENTENCE_END as SENTENCE_END  # html_blocks.py reads these three here
from propwatch.ingest.furniture import is_boilerplate as is_boilerplate
from propwatch.ingest.furniture import (
    is_end_marker,
    is_section_label,
    opens_end_marker,
    share_bar,
    teaser_list,
)
from propwatch.ingest.furniture import is_teaser as is_teaser
from propwatch.ingest.genres import GENRE_TAGS
from propwatch.ingest.outlets import find_quoted_outlets
from propwatch.settings import Settings

_TAGS = "|".join(re.escape(tag).replace(r"\ ", r"\s+") for tag in sorted(GENRE_TAGS, key=len, reverse=True))
# "Report: …" / "…: report" in a headline is about a report (or a letter), so these are no ":" tags.
_PREFIX_TAGS = "|".join(
    re.escape(tag).replace(r"\ ", r"\s+")
    for tag in sorted(GENRE_TAGS, key=len, reverse=True)
    if tag not in {"report", "letter", "letters"}
)
_TAG_SUFFIX = re.compile(
    rf"^(?P<title>.*?\S)\s*(?:\.\s+|\s+[|–—-]\s+)(?P<tag>(?i:{_TAGS}))\.?\s*$"
    rf"|^(?P<title2>.*?\S)\s*[(\[](?P<tag2>(?i:{_TAGS}))[)\]]\s*$"
    rf"|^(?P<title3>.*?\S)\s*:\s+(?P<tag3>(?i:{_PREFIX_TAGS}))\.?\s*$"
)
_TAG_PREFIX = re.compile(
    rf"^(?:[(\[](?P<tag>(?i:{_TAGS}))[)\]]\s*|(?P<tag2>(?i:{_PREFIX_TAGS}))\s*(?::|\s[|–—-])\s+)(?P<title>\S.*)$"
)
_TAG_LINE = re.compile(rf"^[(\[]?(?P<tag>(?i:{_TAGS}))[)\]]?\s*[.:]?$")

# --- bylines, sources, boilerplate ---------------------------------------------------------------

_CAPITAL = "A-ZÀ-ÖØ-ÞĄĆĘŁŃŚŹŻČĐŠŽȘȚŞŢĂЀ-ЯІЇЄҐ"  # Ѐ-Џ: Serbian Ј, Љ, Њ, Ћ, Ђ, Џ and Belarusian Ў
# Lower-case particles inside a name: "Pieter de Vries", "João da Silva", "Ludwig van Beethoven".
_PARTICLE = r"(?:de|da|do|dos|das|del|di|du|van|von|der|den|ter|ten)"
_ARABIC_NAME = r"[\u0621-\u064A][\u0621-\u0652]*(?:\s+[\u0621-\u064A][\u0621-\u0652]*){1,3}"  # no case
_NAME = (
    rf"(?:[{_CAPITAL}][\w'’.-]+(?:\s+(?:{_PARTICLE}\s+){{0,2}}[{_CAPITAL}][\w'’.-]+){{0,3}}|{_ARABIC_NAME})"
)
_AND = r"\s(?:und|et|e|i|и|y|și|і|та)\s"  # "Jean Dupont et Marie Curie", "Jan Kowalski i Anna Nowak"
_BY = (
    rf"(?:By|BY|by)\s+|(?i:author|autor|autorka|auteur|autore|автор|аутор|аўтар)\s*:\s*|بقلم\s*:?\s*"
    # "Par Jean Dupont", "Von Hans Müller", "di Mario Rossi", es/pt "Por", nl "Door", ro "De": two
    # capitalised words ("Di Maio" is a name; "De NAVO provoceert…" a headline)
    rf"|(?:Par|PAR|Von|VON|Di|di|DI|Por|POR|Door|DOOR|De|DE)\s+(?=\S+\s+(?:{_PARTICLE}\s+){{0,2}}[{_CAPITAL}])"
)
# A byline may carry the date after a bar, comma or dash: "Por Carlos Méndez | 3 de febrero de 2022".
_BYLINE = re.compile(
    rf"^(?:{_BY})(?P<author>{_NAME}(?:\s*(?:,\s*and|,|and|&|{_AND})\s*{_NAME})*)"
    r"(?:(?:\s*[|,·•–—]\s*|\s+-\s+)(?P<date>\S.*))?$"
)
# Words of a title-case headline, never of a name: "Par Four Is Not Enough" is no byline. Words that open
# or are names stay out: "Le Pen", "La Russa", "Van Der Merwe", "Will", "Per", "Che", "Les".
_HEADLINE_WORDS = (
    "The An And Or Of In On At To For With From By Not No Is Are Was Were Be Been Has Have Had Could Would "
    "Should Do Does Did How Why What When Where Who It Its This That These Those Enough "
    "Est Sont Pas Pour Sur Dans Avec Une Qui Que Comment Pourquoi "
    "Il Gli Non Come Perché Sono "
    "Die Das Ist Sind Nicht Mit Für Wie Warum Was Kein Keine Ein Eine "
    "Nie Jest Są Jak Dlaczego Dla Czy "
    "El Los Las Es Son Una Para Con Sin Cómo Qué Por Porque Os É São Não Um Uma Sem Porquê "
    "Het Een Zijn Niet Hoe Waarom Wat Voor Naar Și Este Sunt Cum Pentru"
)
_NO_NAME_WORDS = frozenset(_HEADLINE_WORDS.split())
_SOURCE_LINE = re.compile(
    r"^(?:(?P<label>(?i:sources?|источник|źródło|quelle|fonte|fuente|bron|izvor|извор|sursa|sursă|джерело"
    r"|крыніца|المصدر))\s*(?::|\s[-–—])\s*"
    r"|(?i:via|originally\s+published\s+(?:by|at|in|on)|first\s+published\s+(?:by|at|in|on)"
    r"|republished\s+from|read\s+more\s+at|this\s+article\s+(?:was\s+)?originally\s+(?:appeared|published)"
    # a Telegram post copied with its forward line: the channel it came from is its source
    r"\s+(?:in|on|at|by)|(?P<forward>forwarded\s+from|переслано\s+(?:от|из|з|від)|weitergeleitet\s+von"
    r"|transféré\s+de|inoltrato\s+da|przekazano\s+od))\s+)(?P<value>\S.*?)\s*\.*$"
)

_MAX_TITLE_CHARS = 300
_MARKDOWN_HEADING = re.compile(r"^#{1,6}\s+")
_MAX_SHORT_LINE = 200  # source and header lines are short; a long line is body prose
_MAX_BOILERPLATE_LINE = 500  # a cookie notice can run to a few sentences, never to a long paragraph
_HEADER_LINES = 8  # the header never runs deeper than this many non-blank lines


@dataclass
class _Parsed:
    title: str | None = None
    genre_tag: str | None = None
    published: date | None = None
    updated: date | None = None  # an "Updated:" line's date: the publication date only when no other is given
    place: str | None = None
    author: str | None = None
    title_line: str | None = None
    sources: list[str] = field(default_factory=list)


def parse_plain_text(
    text: str,
    settings: Settings,
    *,
    origin: str | None = None,
    url: str | None = None,
    raw_format: RawFormat = "text",
    title: str | None = None,
    headline_in_text: bool | None = None,
) -> Article:
    """Build an Article from scraped plain text: metadata from the header and footer, the rest as body.

    ``title``, when the user gives one, is the headline: no line of the text is taken for it. The
    headline opens the article's text (:func:`~propwatch.ingest.base.headline_first`) when it was read
    from the text, or when ``headline_in_text`` says so (a feed item's title); a title given apart from
    the text stays out of it unless ``headline_in_text``.
    """
    input_name = origin or url or "text"
    # A byte-order mark, soft hyphens, zero-width spaces are not text; the raw input keeps them.
    content = visible_text(text)
    body, parsed = _parse(content, headline_in_text=title is None)
    if title is not None:
        parsed.title = title
    if not body.strip() and parsed.title_line is not None:
        # The only prose was taken for a headline: it is the text (without the genre tag it carried).
        body, parsed.title = _untagged(parsed.title_line), None
    if not body.strip():
        raise EmptyInputError(input_name, "holds no article text (only a headline, dateline or boilerplate)")
    if title is None if headline_in_text is None else headline_in_text:
        body = headline_first(parsed.title, body)
    return make_article(
        settings,
        text=body,
        title=parsed.title,
        url=url,
        published=parsed.published or parsed.updated,
        place=parsed.place,
        author=parsed.author,
        genre_tag=parsed.genre_tag,
        sources=tuple(dict.fromkeys(parsed.sources)),
        quoted_outlets=find_quoted_outlets(body),
        origin=origin,
        raw=text,
        raw_format=raw_format,
    )


def _parse(text: str, *, headline_in_text: bool = True) -> tuple[str, _Parsed]:
    parsed = _Parsed()
    lines = text.splitlines(keepends=True)
    keep = [True] * len(lines)
    replaced: dict[int, str] = {}
    content = [line.strip() for line in lines]
    nonblank = [index for index, line in enumerate(content) if line]

    for index in share_bar(content, nonblank):
        keep[index] = False
    body_start = _read_header(content, nonblank, keep, parsed, headline_in_text)
    if body_start is not None:  # also after a date line: "March 14, 2024" then "WASHINGTON (Reuters) - …"
        opening = _dateline_prefix(content[body_start], parsed)
        if opening is not None:
            replaced[body_start] = _replace_content(lines[body_start], opening)

    for index in nonblank:
        if body_start is None or index < body_start or not keep[index]:
            continue
        line = content[index]
        if index != body_start and is_end_marker(line):
            for later in range(index, len(lines)):
                keep[later] = False
            parsed.sources.extend(_labelled_sources(content[index + 1 :]))
            break
        if len(line) > _MAX_BOILERPLATE_LINE:
            continue
        source = _source_value(line) if len(line) <= _MAX_SHORT_LINE else []
        if source:
            parsed.sources.extend(source)
            keep[index] = False
        elif is_boilerplate(line) or is_teaser(line):
            keep[index] = False
            # the headlines listed under "Lire aussi"; a source line among them is still read
            for listed in teaser_list(content, nonblank, index):
                keep[listed] = bool(_source_value(content[listed]))
    if body_start is None:
        return "", parsed
    body, signed = split_closing_signature(_join_kept(lines, keep, replaced, body_start))  # "… (ANSA)."
    parsed.sources.extend(signed)
    return body, parsed


def _read_header(
    content: list[str], nonblank: list[int], keep: list[bool], parsed: _Parsed, headline_in_text: bool = True
) -> int | None:
    """Consume header lines (marking them dropped; a share bar is already); return the first body line."""
    title_at = section_at = -2
    for position, index in enumerate(nonblank[:_HEADER_LINES]):
        more_follows = headline_in_text and position < len(nonblank) - 1
        # A date line or byline next: this line is the headline however it ends ("… to the U.S.").
        meta_follows = more_follows and _date_or_byline(content[nonblank[position + 1]])
        # Telegram puts its forward line first, or a copy of the post puts it under the headline
        forward = position in (0, title_at + 1)
        titled = parsed.title_line is not None
        if keep[index] and not _header_line(
            content[index],
            position,
            parsed,
            allow_title=more_follows,
            meta_follows=meta_follows,
            forward=forward,
            section=not titled and position < len(nonblank) - 1,
            after_section=not titled and position == section_at + 1,
        ):
            return index
        if not titled and parsed.title_line is not None:
            title_at = position
        elif not titled and keep[index] and is_section_label(content[index]):
            section_at = position
        keep[index] = False
    remaining = nonblank[_HEADER_LINES:]
    return remaining[0] if remaining else None


def _date_or_byline(line: str) -> bool:
    return dateline_date(line) is not None or _byline(line) is not None


def _byline(line: str) -> str | None:
    """The names of a byline ("Par Jean Dupont"); None for another line, a title-case headline too."""
    found = _BYLINE.match(line) if len(line) <= 120 else None
    if found is None or _NO_NAME_WORDS.intersection(re.findall(r"[\w'’.-]+", found.group("author"))):
        return None
    if found.group("date") is not None and dateline_date(found.group("date")) is None:
        return None  # "By Ann Lee | Opinion Desk": what follows the bar is no date
    return found.group("author")


def _byline_date(line: str) -> date | None:
    """The date a byline carries after its names ("By Jane Doe | February 3, 2022"), if any."""
    found = _BYLINE.match(line)
    return dateline_date(found.group("date")) if found and found.group("date") else None


def _header_line(
    line: str,
    position: int,
    parsed: _Parsed,
    *,
    allow_title: bool,
    meta_follows: bool = False,
    forward: bool = False,
    section: bool = False,
    after_section: bool = False,
) -> bool:
    """Record what a header line says; False when the line is body text. ``forward``: a Telegram forward
    line may stand here; ``section``: a section label over the headline may; ``after_section``: the line
    stands under one, where the headline does."""
    if forward and (channel := _forward_channel(line)):
        parsed.sources.append(channel)  # "Forwarded from X" is no headline: every post from X had it
        return True
    tag_line = _TAG_LINE.match(line)
    if tag_line and parsed.genre_tag is None:
        parsed.genre_tag = _genre(tag_line.group("tag"))
        return True
    # A byline never comes first: "By The Numbers" opening a text is a headline; nor does it come
    # under a section label, where a headline stands ("Sport" over "Par Four Is Not Enough").
    byline = None if position == 0 or parsed.author is not None or after_section else _byline(line)
    # "By Jane Doe, 12 March 2024" is a byline with its date, not a dateline whose place is "By Jane Doe"
    dated_byline = byline is not None and _byline_date(line) is not None
    # an "Updated:" line may come before or after the publication date's line; no other date line after it
    first_date = parsed.published is None and parsed.place is None
    an_update = parsed.updated is None and is_update_line(line[:40])
    if not dated_byline and (first_date or an_update) and _dateline_line(line, parsed):
        return True
    if byline is not None:
        parsed.author = _byline_names(byline)
        parsed.published = parsed.published or _byline_date(line)
        return True
    if len(line) <= _MAX_BOILERPLATE_LINE and is_boilerplate(line) and not opens_end_marker(line):
        return True
    if section and is_section_label(line):
        return True  # "Politik" over the headline is the site's menu; a genre word was read as the tag
    return (
        allow_title
        and parsed.title is None
        and match_wire_dateline(line) is None
        and _take_title(line, parsed, meta_follows=meta_follows)
    )


_NAME_SUFFIX = re.compile(r"(?:Jr|Sr|[IVX]{1,4})\.?", re.IGNORECASE)


def _byline_names(byline: str) -> str:
    """The people of a byline, joined as Article.author joins several: "Ann Lee and Bo Chen", "Ann Lee,
    Bo Chen, and Cy Dee", "Ann Lee, Bo Chen, Cy Dee". A single comma parts no names: "Jane Doe, Reuters"
    and "John Smith, Jr." are one person."""
    listed = re.search(rf"\s(?:and|&)\s|{_AND}", byline) is not None or byline.count(",") >= 2
    names: list[str] = []
    for part in re.split(
        rf"\s*(?:,|\band\b|&|{_AND})\s*" if listed else rf"\s*(?:\band\b|&|{_AND})\s*", byline
    ):
        if names and _NAME_SUFFIX.fullmatch(part):
            names[-1] += f", {part}"  # "John Smith, Jr."
        elif part:
            names.append(part)
    return AUTHOR_SEPARATOR.join(names)


def _take_title(line: str, parsed: _Parsed, *, meta_follows: bool = False) -> bool:
    """Headline heuristic (see the module doc); records the title and any genre tag it carries."""
    if len(line) > _MAX_TITLE_CHARS or is_boilerplate(line) or _SOURCE_LINE.match(line):
        return False
    title, tag = _split_title_tag(_MARKDOWN_HEADING.sub("", line))  # "# Headline" of a markdown file
    if tag is None and title.endswith((",", ";", ":") if meta_follows else (".", ",", ";", ":")):
        return False
    if tag is not None and parsed.genre_tag is None:
        parsed.genre_tag = tag
    parsed.title = title
    parsed.title_line = line
    return True


def _tag_parts(line: str) -> tuple[str, str | None]:
    """The headline part of ``line`` as written and the genre tag at its end or start, if any."""
    suffix = _TAG_SUFFIX.match(line)
    if suffix:
        title = suffix.group("title") or suffix.group("title2") or suffix.group("title3")
        return str(title), str(suffix.group("tag") or suffix.group("tag2") or suffix.group("tag3"))
    prefix = _TAG_PREFIX.match(line)
    if prefix:
        return str(prefix.group("title")).strip(), str(prefix.group("tag") or prefix.group("tag2"))
    return line, None


def headline_genre_tag(headline: str) -> tuple[str, str | None]:
    """A headline without the known genre tag it carries, and that tag ("Opinion: NATO…" → "NATO…",
    "opinion"; "Analysis | …"); the headline as it is and None without one. For page titles too."""
    title, tag = _split_title_tag(headline)
    return (title, tag) if title else (headline, None)


def _split_title_tag(line: str) -> tuple[str, str | None]:
    title, tag = _tag_parts(line)
    return (_strip_title_period(title), _genre(tag)) if tag is not None else (line, None)


def _untagged(line: str) -> str:
    """``line`` without a genre tag at its end or start, its own punctuation kept."""
    title, tag = _tag_parts(line)
    # "… a corner. Opinion": the full stop is the sentence's, read as the tag's separator
    if tag is not None and line.startswith(title) and line[len(title) :].lstrip().startswith("."):
        return title + "."
    return title


def _strip_title_period(title: str) -> str:
    # A trailing period is the sentence end before the tag, not part of the headline; "U.S." keeps its dot.
    if title.endswith(".") and not re.search(r"(?:\b[A-Z]|\.\.)\.$", title):
        return title[:-1].rstrip()
    return title


def _genre(tag: str) -> str:
    return GENRE_TAGS[re.sub(r"\s+", " ", tag.casefold())]


def _dateline_line(line: str, parsed: _Parsed) -> bool:
    """Whether ``line`` is a dateline and nothing else, recording its date and place."""
    found = read_dateline_line(line)
    if found is None:
        return False
    parsed.published = parsed.published or found.published
    parsed.updated = parsed.updated or found.updated
    parsed.place = parsed.place or found.place
    return True


def _dateline_prefix(line: str, parsed: _Parsed) -> str | None:
    """The first paragraph without its wire dateline, recording place, date and agency; None if none."""
    found = match_wire_dateline(line)
    if found is None:
        return None
    parsed.place = parsed.place or found.place
    parsed.published = parsed.published or found.published  # a date line of its own gives the year too
    if found.agency:
        parsed.sources.append(found.agency)
    parsed.author = parsed.author or found.author  # "— РИА Новости, Николай Гурьянов. "
    return found.rest


def split_trailing_sources(text: str) -> tuple[str, list[str]]:
    """``text`` without the source lines that end it ("Source: X", "Via X"), and their values."""
    blocks = text.split("\n\n")
    sources: list[str] = []
    while len(blocks) > 1:
        last = blocks[-1].strip()
        found = _source_value(last) if len(last) <= _MAX_SHORT_LINE and "\n" not in last else []
        if not found:
            break
        sources[:0] = found
        blocks.pop()
    return "\n\n".join(blocks), sources


_MAX_CHANNEL_WORDS = 6  # "Forwarded from Военная хроника"; a longer value is a clause


def _forward_channel(line: str) -> str | None:
    """The channel a Telegram forward line names ("Forwarded from Rybar"): a short name with no full
    stop after it; None for any other line ("Forwarded from the embassy in Berlin." is prose)."""
    match = _SOURCE_LINE.match(line) if len(line) <= _MAX_SHORT_LINE else None
    if match is None or not match.group("forward") or SENTENCE_END.search(line):
        return None
    value = match.group("value").strip()
    if len(value.split()) > _MAX_CHANNEL_WORDS or _is_clause(value, labelled=False):
        return None
    return value


def _labelled_sources(cut: list[str]) -> list[str]:
    """What the labelled source lines ("Fonte: X", "Quelle: X") below an end marker name: a page may print
    its source line under "Commenti"; an unlabelled "Via X" there is a commenter's."""
    found: list[str] = []
    for line in cut:
        match = _SOURCE_LINE.match(line) if line and len(line) <= _MAX_SHORT_LINE else None
        if match is not None and match.group("label"):
            found.extend(_source_value(line))
    return found


def _source_value(line: str) -> list[str]:
    match = _SOURCE_LINE.match(line)
    if not match or match.group("forward"):
        return []  # a forward line is a source only at the top of the text (_forward_channel)
    value = match.group("value").strip().rstrip(".…").strip()
    if not value:
        return []
    label = match.group("label")
    if _is_clause(value, labelled=label is not None):
        return []  # "Via …", "Source: …" name a site, an outlet or a link, not a sentence of the article
    if label and label.lower() == "sources":
        return [part.strip() for part in re.split(r"\s*[,;]\s*", value) if part.strip()]
    return [value]


def _is_clause(value: str, *, labelled: bool) -> bool:
    """Whether a source line's value reads as a sentence rather than a name or a link: "Via Telegram,
    the ministry said …", "Source: the Kremlin's own reading of the documents is different."."""
    if re.match(r"(?i)https?://|www\.", value):
        return False
    words = value.split()
    if len(words) > 12 or (len(words) > 4 and value[0].islower()):
        return True
    return not labelled and (len(value) > 80 or bool(re.search(r",\s+\w+\s+\w+\s+\w+", value)))


def _replace_content(line: str, new_content: str) -> str:
    """``line`` with its text replaced, keeping its leading indentation and its line ending."""
    stripped = line.rstrip("\r\n")
    ending = line[len(stripped) :]
    indent = stripped[: len(stripped) - len(stripped.lstrip())]
    return f"{indent}{new_content}{ending}"


def _join_kept(lines: list[str], keep: list[bool], replaced: dict[int, str], start: int) -> str:
    """Body from ``start`` on: dropped lines go with the blank lines after them, so breaks stay single."""
    out: list[str] = []
    dropping = False
    for index in range(start, len(lines)):
        line = lines[index]
        if not line.strip():
            if not dropping:
                out.append(line)
            continue
        if not keep[index]:
            dropping = True
            continue
        dropping = False
        out.append(replaced.get(index, line))
    return "".join(out).strip()
