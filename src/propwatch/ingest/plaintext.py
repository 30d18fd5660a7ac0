"""Read plain text the way scrapers leave it: headline, genre tag, dateline, body, source line, boilerplate.

Heuristics, in order (each documented where it is applied):

* Header: the first non-blank lines are read while they are a genre tag on its own line, a dateline,
  a byline ("By …") or a "Published: …" line, boilerplate, or (once) the headline. The first
  other line starts the body.
* Headline: a first line counts only when it is at most 300 characters, is followed by body text and
  does not end like a sentence (".", ",", ";", ":") — unless a known genre tag was stripped from it
  ("… a corner. Opinion") or a date line or byline follows it ("… to the U.S."). A known tag is
  stripped from the end ("… . Opinion", "… | Opinion", "… (Opinion)") or the start ("Opinion: …",
  "[Opinion] …"); unknown words never are.
* Dateline: its own line ("03.02.2022, Moscow.", "Moscow, 3 February 2022", "Berlin, le 3 mars 2022",
  "Feb 3, 2022", "2022-02-03") or the opening of the first paragraph ("MOSCOW, Feb 3 (Reuters) - …",
  "WASHINGTON (AP) — …", "MOSCOW, February 3. /TASS/. …"), of which only the prefix is removed.
  Dotted and slashed numeric dates are day first; an agency in the dateline becomes a source.
* Source lines ("Source: X", "Sources: X, Y", "Via X", "Originally published by X", "Read more at X")
  and boilerplate lines ("Leave a Reply", "Share this:", cookie notices, "Tags: …", …) are removed as
  whole short lines only; "Leave a Reply", "Related posts" and the like end the article.
* The body keeps the input's paragraph breaks and line endings (``\\r\\n`` included).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date

from propwatch.domain import AUTHOR_SEPARATOR, Article, RawFormat
from propwatch.errors import EmptyInputError
from propwatch.ingest.base import make_article, visible_text
from propwatch.ingest.dates import (
    DAY_PATTERN,
    ISO_PATTERN,
    MONTH_PATTERN,
    NUMERIC_PATTERN,
    WEEKDAY_PATTERN,
    YEAR_SUFFIX_PATTERN,
    read_date,
)
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

# --- dates and datelines -------------------------------------------------------------------------

_MONTH = MONTH_PATTERN
_WEEKDAY = WEEKDAY_PATTERN
_DAY = DAY_PATTERN
_DATE_WITH_YEAR = (
    rf"(?:{ISO_PATTERN}|{NUMERIC_PATTERN}"
    rf"|(?:{_WEEKDAY})?{_MONTH}\s+{_DAY},?\s+\d{{4}}{YEAR_SUFFIX_PATTERN}"
    rf"|(?:{_WEEKDAY})?{_DAY}\s+(?:of\s+)?{_MONTH},?\s+\d{{4}}{YEAR_SUFFIX_PATTERN})"
)
_DATE_ANY = rf"(?:{_DATE_WITH_YEAR}|(?:{_WEEKDAY})?{_MONTH}\s+{_DAY}|(?:{_WEEKDAY})?{_DAY}\s+{_MONTH})"
# A time after the date: "at 10:30 AM EST", "à 10h30", "alle 10:30", "um 10:30 Uhr", "в 10:30".
_CLOCK = r"\d{1,2}[:.h]\d{2}(?::\d{2})?(?:\s*(?i:Uhr|h))?(?:\s*[AaPp]\.?[Mm]\.?)?"
_TIME = (
    rf"(?:,?\s*(?:(?i:at|à|a|alle|um|o|o\s+godz\.?|godz\.?|в)\s+)?{_CLOCK}"
    r"(?:\s*[A-Z]{2,5}|\s*[+-]\d{2}:?\d{2})?)?"
)
_TIME_FIRST = rf"(?:{_CLOCK},?\s+)?"  # "15:42, 3 февраля 2022"
_PLACE = r"[A-ZÀ-ÖØ-ÞА-ЯЁ][\w'’.-]*(?:[ -][A-ZÀ-ÖØ-ÞА-ЯЁ][\w'’.-]*){0,3}"
_UPPER_PLACE = r"[A-ZÀ-ÖØ-ÞА-ЯЁ][A-ZÀ-ÖØ-ÞА-ЯЁ'’.-]+(?:[ -][A-ZÀ-ÖØ-ÞА-ЯЁ][A-ZÀ-ÖØ-ÞА-ЯЁ'’.-]+){0,3}"

_PUBLISHED_LABELS = (
    r"(?:published|posted|first\s+published)(?:\s+on)?|dated?|publié(?:\s+le)?|veröffentlicht(?:\s+am)?"
    r"|pubblicato(?:\s+il)?|opublikowano|опубликовано|дата(?:\s+публикации)?"
)
_UPDATED_LABELS = (
    r"(?:updated|last\s+updated|modified)(?:\s+on)?|mis\s+à\s+jour(?:\s+le)?|aktualisiert(?:\s+am)?"
    r"|aggiornato(?:\s+il)?|aktualizacja|zaktualizowano|обновлено"
)
_UPDATED = re.compile(rf"(?i:{_UPDATED_LABELS})")
# "Berlin, le 12 mars 2024", "Berlin, den 12. März 2024", "Warszawa, dnia 12 marca 2024 r."
_DATE_ARTICLE = r"(?i:le|den|am|dnia|il|el)"
# Whole-line datelines: "03.02.2022, Moscow.", "Moscow, 3 February 2022", "Feb 3, 2022", "Published: …".
_DATELINE_LINE = re.compile(
    rf"^(?:(?P<label>(?i:{_PUBLISHED_LABELS}|{_UPDATED_LABELS}))\s*:?\s*)?"
    rf"(?:{_TIME_FIRST}(?:{_DATE_ARTICLE}\s+)?(?P<date>{_DATE_WITH_YEAR}){_TIME}(?:\s*[,|–—-]\s*(?P<place>{_PLACE}))?"
    rf"|(?P<place2>{_PLACE})\s*,\s*(?:{_DATE_ARTICLE}\s+)?(?P<date2>{_DATE_WITH_YEAR}){_TIME})\s*\.?$"
)
# Opening of the first paragraph: "MOSCOW, Feb 3 (Reuters) - ", "WASHINGTON (AP) — ", "KYIV, Ukraine (AP) — ",
# "MOSCOW, February 3. /TASS/. ", "Moscow, 3 February 2022 – ".
_DATELINE_PREFIX = re.compile(
    rf"^(?P<place>{_PLACE})(?:,\s+(?P<region>{_PLACE}))?(?:,\s+(?P<date>{_DATE_ANY}))?"
    rf"(?:\s*\((?P<agency>[^()\n]{{2,40}})\)\s*[-–—:]+|\.?\s*/(?P<agency2>[A-Za-zА-Яа-я]{{2,12}})/\.?(?:\s*(?:-{{1,2}}|[–—]))?|\s+[-–—]+)\s+(?=\S)"
)
# An agency in a dateline: one to four words, as in "(Reuters)", "(AP)", "(askanews)", "(Interfax-Ukraine)".
_AGENCY = re.compile(r"[^\W\d_][\w.&'’/-]*(?:\s[\w.&'’/-]+){0,3}")
# Upper-case words that open a paragraph with a dash but are organisations, not places.
_ACRONYMS = (
    "NATO OSCE NASA UNICEF UNESCO OPEC ASEAN BRICS FIFA UEFA IMF WHO USA UK EU UN US CIA FBI KGB FSB "
    "BREAKING UPDATE EXCLUSIVE WARNING NOTE EDITOR"
)
# Section labels that open a paragraph the way a dateline does ("POLITIQUE - Un râteau…").
_SECTIONS = (
    "POLITICS POLITIQUE POLITICA POLITIK ECONOMY ECONOMIE ECONOMIA WIRTSCHAFT WORLD MONDE MONDO AUSLAND "
    "INLAND SPORT SPORTS CULTURE CULTURA KULTUR INTERNATIONAL INTERNAZIONALE SOCIETE SOCIETY SCIENCE TECH "
    "HEALTH SANTE MEDIA MEDIAS OPINION OPINIONS ANALYSIS VIDEO PHOTOS ACTUALITE ACTUALITES NEWS LIVE ALERT "
    "ALERTE URGENT "
    "EXCLUSIF ESCLUSIVO WATCH CRONACA ESTERI INTERNI ATTUALITA "
    # labels an analyst needs to see kept in the text ("CORRECTION — An earlier version…")
    "EXPLAINER CORRECTION CORRECTIONS CLARIFICATION FACTCHECK EDITORIAL COMMENTARY FEATURE INTERVIEW "
    "REVIEW OBITUARY FOCUS "
    # days of the week open feature prose ("Saturday, 26 February — a day no one will forget")
    "MONDAY TUESDAY WEDNESDAY THURSDAY FRIDAY SATURDAY SUNDAY LUNDI MARDI MERCREDI JEUDI VENDREDI SAMEDI "
    "DIMANCHE MONTAG DIENSTAG MITTWOCH DONNERSTAG FREITAG SAMSTAG SONNTAG LUNEDI MARTEDI MERCOLEDI GIOVEDI "
    "VENERDI SABATO DOMENICA PONIEDZIAŁEK WTOREK SRODA CZWARTEK PIATEK SOBOTA NIEDZIELA ПОНЕДЕЛЬНИК "
    "ВТОРНИК СРЕДА ЧЕТВЕРГ ПЯТНИЦА СУББОТА ВОСКРЕСЕНЬЕ"
)
_NOT_PLACES = frozenset(_ACRONYMS.split()) | frozenset(_SECTIONS.split())
_OPENING_QUOTES = "\"'«»‹›„‚“”‘’「『"  # » and ” open quotes in German and Swedish

# --- bylines, sources, boilerplate ---------------------------------------------------------------

_NAME = r"[A-ZÀ-ÖØ-ÞА-ЯЁ][\w'’.-]+(?:\s+[A-ZÀ-ÖØ-ÞА-ЯЁ][\w'’.-]+){0,3}"
_BYLINE = re.compile(
    rf"^(?:(?:By|BY|by)\s+|(?i:author|автор)\s*:\s*)(?P<author>{_NAME}(?:\s*(?:,\s*and|,|and|&)\s*{_NAME})*)$"
)
_SOURCE_LINE = re.compile(
    r"^(?:(?P<label>(?i:sources?|источник|źródło|quelle|fonte|fuente))\s*(?::|\s[-–—])\s*"
    r"|(?i:via|originally\s+published\s+(?:by|at|in|on)|first\s+published\s+(?:by|at|in|on)"
    r"|republished\s+from|read\s+more\s+at|this\s+article\s+(?:was\s+)?originally\s+(?:appeared|published)"
    r"\s+(?:in|on|at|by))\s+)(?P<value>\S.*?)\s*\.*$"
)
_SOCIAL = (
    r"(?:facebook|twitter|x|telegram|whatsapp|linkedin|reddit|pinterest|email|e-mail|vk|vkontakte|tumblr"
    r"|print|вконтакте|одноклассники|телеграм|viber|мой\s+мир|flipboard|threads|bluesky)"
)
# "Related", "Read more" and their translations in the corpus languages: a teaser line is such a label
# alone, or with a colon or dash and another headline; one that ends like a sentence is the article's prose.
_TEASER_LABELS = (
    r"related(?:\s+(?:posts?|articles?|stories|story|news|content|reading|coverage))?|read\s+(?:more|also|next)"
    r"|also\s+read|see\s+also|more\s+on\s+this(?:\s+story)?|recommended(?:\s+for\s+you)?|further\s+reading"
    r"|читайте(?:\s+также)?(?:\s+по\s+теме)?|(?:читать|смотрите)\s+также|также\s+читайте|см\.\s+также|по\s+теме"
    r"|(?:ещё|еще|больше)\s+по\s+теме"
    r"|lesen\s+sie\s+(?:auch|mehr)|mehr\s+zum\s+thema|auch\s+interessant|siehe\s+auch|weiterlesen"
    r"|(?:à\s+)?lire\s+aussi|voir\s+aussi|sur\s+le\s+même\s+sujet|(?:à\s+)?lire\s+également"
    r"|czytaj\s+(?:też|także|również|więcej)|zobacz\s+(?:też|także|również)|przeczytaj\s+(?:też|także)"
    r"|leggi\s+(?:anche|pure)|vedi\s+anche|potrebbe\s+interessarti|approfondisci"
)
_TEASER = re.compile(
    rf"^(?i:{_TEASER_LABELS})\s*(?::|[-–—|»›>]+)?\s*$|^(?i:{_TEASER_LABELS})\s*(?::|[-–—|»›>]+)\s*\S.{{0,200}}$"
)
SENTENCE_END = re.compile(r"[.…][\"'»”’)]*$")
# A sentence's end ("?" too ends a teaser's headline), or two sentences in one line.
_PROSE_END = re.compile(r"[.…!][\"'»”’)]*$|[.!?…][\"'»”’)]*\s+[A-ZА-ЯЁ]")


def is_teaser(line: str) -> bool:
    """A teaser of another article ("Related: …", "Читайте также: …"), not the article's own prose
    ("Смотрите — это школа номер 23. От неё остались только стены!")."""
    return _TEASER.match(line) is not None and not _PROSE_END.search(line)


# Share and subscribe calls in the corpus languages ("Поделиться:", "Abonnez-vous à notre lettre").
_SHARE_SUBSCRIBE = (
    r"(?:поделиться|teilen|partager|condividi|udostępnij)\s*:?"
    # a call of eight words at most: "Подпишитесь на петицию о восстановлении школы — призывают…" is news
    r"|(?:подписывайтесь|подпишитесь|подписаться)\s+на(?:\s+\S+){1,7}"
    r"|(?:abonnieren\s+sie|abonnez-vous|iscriviti|subskrybuj|zasubskrybuj)(?:\s+\S+){0,7}"
)
# Comment sections: "12 comments", "2 thoughts on “Title”", and comment forms in the corpus languages.
_COMMENTS = (
    r"(?:\d*\s*comments|\d+\s*comment"
    # WordPress quotes the post's title ("2 thoughts on “Title”"); "Two responses to the crisis…" is prose
    r"|(?:\d+|one|two|three)\s+(?:thoughts?|responses?|replies|comments?)\s+(?:on|to)\s+[“\"«'‘„].{1,300}"
    # "Kommentar", "Commento", "Комментарий" alone are genre tags: a singular counts only after a number
    r"|(?:добавить|оставить|оставьте|написать)\s+комментарий|\d*\s*комментари(?:и|ев)|\d+\s*комментари[йя]"
    r"|(?:einen\s+)?kommentar\s+(?:hinterlassen|schreiben|verfassen)|hinterlasse\s+einen\s+kommentar"
    r"|\d*\s*kommentare|\d+\s*kommentar"
    r"|laisser\s+une?\s+(?:commentaire|réponse)|\d*\s*commentaires|\d+\s*commentaire"
    r"|(?:dodaj|zostaw|napisz)\s+komentarz|\d*\s*komentarz[ey]|\d+\s*komentarz"
    r"|lascia\s+una?\s+(?:commento|risposta)|\d*\s*commenti|\d+\s*commento"
    r"|اترك\s+(?:تعليق[اًا]*|ردا?))"
)
_BOILERPLATE = re.compile(
    r"^(?i:"
    r"leave\s+a\s+(?:reply|comment)(?:\s+cancel\s+reply)?|cancel\s+reply|post\s+a\s+comment|add\s+a\s+comment"
    rf"|{_COMMENTS}|(?:share(?:\s+this(?:\s+(?:article|story|post))?)?|{_SHARE_SUBSCRIBE})\s*:?(?:\s*{_SOCIAL}[\s,|/·•]*)*"
    rf"|(?:share|post|tweet)\s+(?:on|to|via)\s+{_SOCIAL}.*|(?:{_SOCIAL}[\s,|/·•]*)+"
    r"|(?:subscribe|sign\s+up)(?:\s+(?:to|for)\s+(?:our|the|my)\b.{0,150}|\s+(?:now|here|today)\b.{0,60})?[.!]?"
    r"|follow\s+us(?:\s+(?:on|at)\b.{0,150}|\s*[:@].{0,150})?|join\s+us\s+on\b.{0,100}"
    r"|(?:we|this\s+(?:web)?site|our\s+(?:web)?site)\s+uses?\s+cookies\b.{0,400}|(?:accept|allow)(?:\s+all)?\s+cookies?.{0,60}"
    r"|cookie\s+(?:settings|policy|preferences|consent).{0,60}"
    r"|related(?:\s+(?:posts?|articles?|stories|news|content))?\s*:?|you\s+may\s+also\s+like.{0,40}|more\s+stories.{0,40}"
    # "Read more: <another headline>"; a line that ends like a sentence is the article's own prose
    r"|read\s+(?:also|more)\s*(?::?\s*.{0,200}[^.\s])?|see\s+also\s*:.{0,200}|recommended(?:\s+for\s+you)?\s*:?"
    r"|(?:tags?|tagged|tagged\s+with|filed\s+under|categories|category|posted\s+in|topics?)\s*:.{0,300}"
    r"|print(?:\s+this(?:\s+(?:article|page|post))?)?|like\s+this\s*:?|loading\s*(?:\.\.\.|…)?"
    r"|your\s+email\s+address\s+will\s+not\s+be\s+published\b.{0,200}|required\s+fields\s+are\s+marked.{0,20}"
    r"|advertisement|advertising|sponsored(?:\s+content)?|skip\s+to\s+(?:main\s+)?content|back\s+to\s+top"
    r"|post\s+navigation|all\s+rights\s+reserved\.?|(?:©|\(c\)\s*\d{4}|copyright\s*(?:©|\(c\))?\s*\d{4}).{0,150}"
    r")\s*$"
)
# Markers after which a scraped page holds comments and other headlines, not the article.
_END_MARKERS = re.compile(
    r"^(?i:leave\s+a\s+(?:reply|comment)|post\s+a\s+comment|\d*\s*comments?|related(?:\s+(?:posts?|articles?|stories))?"
    rf"|you\s+may\s+also\s+like|more\s+stories|post\s+navigation|{_COMMENTS})\b"
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
) -> Article:
    """Build an Article from scraped plain text: metadata from the header and footer, the rest as body.

    ``title``, when the user gives one, is the headline: no line of the text is taken for it.
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

    body_start = _read_header(content, nonblank, keep, parsed, headline_in_text)
    if body_start is not None:  # also after a date line: "March 14, 2024" then "WASHINGTON (Reuters) - …"
        opening = _dateline_prefix(content[body_start], parsed)
        if opening is not None:
            replaced[body_start] = _replace_content(lines[body_start], opening)

    for index in nonblank:
        if body_start is None or index < body_start or not keep[index]:
            continue
        line = content[index]
        if index != body_start and _END_MARKERS.match(line) and _BOILERPLATE.match(line):
            for later in range(index, len(lines)):
                keep[later] = False
            break
        if len(line) > _MAX_BOILERPLATE_LINE:
            continue
        source = _source_value(line) if len(line) <= _MAX_SHORT_LINE else []
        if source:
            parsed.sources.extend(source)
            keep[index] = False
        elif _BOILERPLATE.match(line) or is_teaser(line):
            keep[index] = False
    if body_start is None:
        return "", parsed
    return _join_kept(lines, keep, replaced, body_start), parsed


def _read_header(
    content: list[str], nonblank: list[int], keep: list[bool], parsed: _Parsed, headline_in_text: bool = True
) -> int | None:
    """Consume header lines (marking them dropped); return the index of the first body line."""
    for position, index in enumerate(nonblank[:_HEADER_LINES]):
        more_follows = headline_in_text and position < len(nonblank) - 1
        # A date line or byline next: this line is the headline however it ends ("… to the U.S.").
        meta_follows = more_follows and _date_or_byline(content[nonblank[position + 1]])
        if not _header_line(
            content[index], position, parsed, allow_title=more_follows, meta_follows=meta_follows
        ):
            return index
        keep[index] = False
    remaining = nonblank[_HEADER_LINES:]
    return remaining[0] if remaining else None


def _date_or_byline(line: str) -> bool:
    return dateline_date(line) is not None or (len(line) <= 120 and _BYLINE.match(line) is not None)


def _header_line(
    line: str, position: int, parsed: _Parsed, *, allow_title: bool, meta_follows: bool = False
) -> bool:
    """Record what a header line says; False when the line is body text."""
    tag_line = _TAG_LINE.match(line)
    if tag_line and parsed.genre_tag is None:
        parsed.genre_tag = _genre(tag_line.group("tag"))
        return True
    # an "Updated:" line may come before or after the publication date's line; no other date line after it
    first_date = parsed.published is None and parsed.place is None
    an_update = parsed.updated is None and is_update_line(line[:40])
    if (first_date or an_update) and _dateline_line(line, parsed):
        return True
    # A byline never comes first: "By The Numbers" opening a text is a headline.
    if position > 0 and parsed.author is None and len(line) <= 120 and (byline := _BYLINE.match(line)):
        parsed.author = _byline_names(byline.group("author"))
        return True
    if len(line) <= _MAX_BOILERPLATE_LINE and _BOILERPLATE.match(line) and not _END_MARKERS.match(line):
        return True
    return (
        allow_title
        and parsed.title is None
        and _match_dateline_prefix(line) is None
        and _take_title(line, parsed, meta_follows=meta_follows)
    )


_NAME_SUFFIX = re.compile(r"(?:Jr|Sr|[IVX]{1,4})\.?", re.IGNORECASE)


def _byline_names(byline: str) -> str:
    """The people of a byline, joined as Article.author joins several: "Ann Lee and Bo Chen", "Ann Lee,
    Bo Chen, and Cy Dee", "Ann Lee, Bo Chen, Cy Dee". A single comma parts no names: "Jane Doe, Reuters"
    and "John Smith, Jr." are one person."""
    listed = re.search(r"\s(?:and|&)\s", byline) is not None or byline.count(",") >= 2
    names: list[str] = []
    for part in re.split(r"\s*(?:,|\band\b|&)\s*" if listed else r"\s*(?:\band\b|&)\s*", byline):
        if names and _NAME_SUFFIX.fullmatch(part):
            names[-1] += f", {part}"  # "John Smith, Jr."
        elif part:
            names.append(part)
    return AUTHOR_SEPARATOR.join(names)


def _take_title(line: str, parsed: _Parsed, *, meta_follows: bool = False) -> bool:
    """Headline heuristic (see the module doc); records the title and any genre tag it carries."""
    if len(line) > _MAX_TITLE_CHARS or _BOILERPLATE.match(line) or _SOURCE_LINE.match(line):
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


def is_update_line(text: str) -> bool:
    """Whether ``text`` says when something was updated ("Updated", "Mis à jour", "Обновлено")."""
    return _UPDATED.search(text) is not None


def opening_dateline(text: str) -> tuple[str, date | None, str | None]:
    """``text`` without its first paragraph when that is a dateline and nothing else ("03.02.2022,
    Moscow."), with the date and place it gave; ``text``, None, None otherwise. For a page's main text,
    where the dateline is a paragraph of its own: left in, it was analysed and its place lost."""
    first, separator, rest = text.strip().partition("\n\n")
    parsed = _Parsed()
    if (
        not separator
        or "\n" in first
        or not _dateline_line(first.strip(), parsed)
        or parsed.published is None
    ):
        return text, None, None
    return rest, parsed.published, parsed.place


def dateline_date(line: str) -> date | None:
    """The publication date of a line that is a dateline and nothing else ("Published 12 March 2023.",
    "Paris, 3 février 2022"); None for any other line, and for an "Updated:" line."""
    parsed = _Parsed()
    _dateline_line(" ".join(line.split()), parsed)
    return parsed.published


def _dateline_line(line: str, parsed: _Parsed) -> bool:
    match = _DATELINE_LINE.match(line)
    if not match:
        return False
    found = read_date(match.group("date") or match.group("date2"))
    if found is None:
        return False
    label = match.group("label")
    if label and _UPDATED.fullmatch(label.strip()):
        parsed.updated = parsed.updated or found
    else:
        parsed.published = parsed.published or found
    place = match.group("place") or match.group("place2")
    if place and parsed.place is None:
        parsed.place = _place_name(place)
    return True


def _dateline_prefix(line: str, parsed: _Parsed) -> str | None:
    """The first paragraph without its agency dateline, recording place, date and agency; None if none."""
    found = _match_dateline_prefix(line)
    if found is None:
        return None
    rest, place, raw_date, agency = found
    parsed.place = parsed.place or _place_name(place)
    if raw_date and parsed.published is None:  # a date line of its own gives the year too
        parsed.published = read_date(raw_date)
    if agency:
        parsed.sources.append(agency)
    return rest


def _match_dateline_prefix(line: str) -> tuple[str, str, str | None, str | None] | None:
    """(rest of the paragraph, place, date text, agency) when ``line`` opens with an agency dateline."""
    match = _DATELINE_PREFIX.match(line)
    if not match:
        return None
    place = match.group("place")
    agency = match.group("agency") or match.group("agency2")
    raw_date = match.group("date")
    is_upper = place.upper() == place and any(ch.isalpha() for ch in place)
    if _fold_accents(place.replace(".", "")).upper() in _NOT_PLACES:
        return None
    if agency is not None and not _AGENCY.fullmatch(agency.strip()):
        return None  # "KIEV (remember where that is?) –" is an aside, not an agency
    rest = line[match.end() :]
    letters = [ch for ch in rest[:40] if ch.isalpha()]
    if letters and sum(ch.isupper() for ch in letters) > 0.6 * len(letters):
        return None  # "DRAGHI CADE, PUTIN GODE - GRAMELLINI: …" is a headline in capitals
    first = rest[:1]  # what follows a dateline opens a sentence: a capital (or uncased letter), figure, quote
    sentence = (first.isalpha() and not first.islower()) or first.isdigit() or first in _OPENING_QUOTES
    if agency is None and raw_date is None and (not is_upper or len(place) < 4 or not sentence):
        return None  # "LONDON — The…" only in capitals; "President Biden — …", "SHAME — there is…" are prose
    if not is_upper and raw_date is None:
        return None  # "Ukraine (AP) —" in title case with no date is too weak to call a dateline
    return rest, place, raw_date, agency.strip() if agency else None


def _fold_accents(text: str) -> str:
    return "".join(ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch))


def _place_name(place: str) -> str:
    place = place.strip().rstrip(".,")
    # "MOSCOW" → "Moscow", "ST. PETERSBURG" → "St. Petersburg"; mixed case is kept as written.
    if place.upper() == place:
        return place.title()
    return place


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


def _source_value(line: str) -> list[str]:
    match = _SOURCE_LINE.match(line)
    if not match:
        return []
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
