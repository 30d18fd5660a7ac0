"""Datelines, read the same way in plain text and in a page's first paragraph.

* A dateline line is a dateline and nothing else: "03.02.2022, Moscow.", "Moscow, 3 February 2022",
  "Berlin, le 3 mars 2022", "Feb 3, 2022", "2022-02-03", "Published: …", "Updated: …".
* A wire dateline opens the first paragraph: "MOSCOW, Feb 3 (Reuters) - ", "WASHINGTON (AP) — ",
  "MOSCOW, February 3. /TASS/. ", "HOUSTON, Oct. 26, 2023 /PRNewswire/ -- ", and RIA style, with the
  agency after the dash: "МОСКВА, 12 апр — РИА Новости. " (a known agency's name only: "WASHINGTON —
  NATO. That is…" keeps "NATO."). Only that prefix is removed.
* A place in title case is a dateline's with a date ("Warszawa, 12 marca 2024 r. (PAP) - ") or a known
  agency ("Paris (AFP) - "; "Paris (France) - " is prose); the agency may come first, as ANSA online
  writes it: "(ANSA) - ROMA, 03 FEB - ".
* A known agency signing the end of the text in its own case ("… (ANSA).", "… (AFP)", "… (dpa)") is a
  source, read by :func:`split_closing_signature`; an acronym that the words before it spell out ("the
  Armed Forces of the Philippines (AFP)") is the sentence's.
* Dotted and slashed numeric dates are day first; an agency in the dateline becomes a source; a date
  without a year ("12 апр") dates nothing.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date

from propwatch.ingest.dates import (
    DAY_OF_PATTERN,
    DAY_PATTERN,
    ISO_PATTERN,
    MONTH_OF_PATTERN,
    MONTH_PATTERN,
    NUMERIC_PATTERN,
    WEEKDAY_PATTERN,
    YEAR_SUFFIX_PATTERN,
    read_date,
)

_MONTH = MONTH_PATTERN
_WEEKDAY = WEEKDAY_PATTERN
_DAY = DAY_PATTERN
_DATE_WITH_YEAR = (
    rf"(?:{ISO_PATTERN}|{NUMERIC_PATTERN}"
    rf"|(?:{_WEEKDAY})?{_MONTH}\s+{_DAY},?\s+\d{{4}}{YEAR_SUFFIX_PATTERN}"
    rf"|(?:{_WEEKDAY})?{_DAY}{DAY_OF_PATTERN}{_MONTH}{MONTH_OF_PATTERN}\d{{4}}{YEAR_SUFFIX_PATTERN})"
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

_PUBLISHED_LABELS = (
    r"(?:published|posted|first\s+published)(?:\s+on)?|dated?|publié(?:\s+le)?|veröffentlicht(?:\s+am)?"
    r"|pubblicato(?:\s+il)?|opublikowano|опубликовано|дата(?:\s+публикации)?"
    r"|publicad[oa](?:\s+(?:el|em|a|o))?|gepubliceerd(?:\s+op)?|publicat(?:\s+(?:pe|la))?|objavljeno|опубліковано"
)
_UPDATED_LABELS = (
    r"(?:updated|last\s+updated|modified)(?:\s+on)?|mis\s+à\s+jour(?:\s+le)?|aktualisiert(?:\s+am)?"
    r"|aggiornato(?:\s+il)?|aktualizacja|zaktualizowano|обновлено"
    r"|actualizad[oa](?:\s+(?:el|a))?|atualizad[oa](?:\s+(?:em|a))?|bijgewerkt(?:\s+op)?|actualizat|оновлено"
)
UPDATED = re.compile(rf"(?i:{_UPDATED_LABELS})")
# "Berlin, le 12 mars 2024", "Berlin, den 12. März 2024", "Warszawa, dnia 12 marca 2024 r."
_DATE_ARTICLE = r"(?i:le|den|am|dnia|il|el)"
# Whole-line datelines: "03.02.2022, Moscow.", "Moscow, 3 February 2022", "Feb 3, 2022", "Published: …".
_DATELINE_LINE = re.compile(
    rf"^(?:(?P<label>(?i:{_PUBLISHED_LABELS}|{_UPDATED_LABELS}))\s*:?\s*)?"
    rf"(?:{_TIME_FIRST}(?:{_DATE_ARTICLE}\s+)?(?P<date>{_DATE_WITH_YEAR}){_TIME}(?:\s*[,|–—-]\s*(?P<place>{_PLACE}))?"
    rf"|(?P<place2>{_PLACE})\s*,\s*(?:{_DATE_ARTICLE}\s+)?(?P<date2>{_DATE_WITH_YEAR}){_TIME})\s*\.?$"
)
# Opening of the first paragraph: "MOSCOW, Feb 3 (Reuters) - ", "WASHINGTON (AP) — ", "KYIV, Ukraine (AP) — ",
# "MOSCOW, February 3. /TASS/. ", "Moscow, 3 February 2022 – ", EFE's "MADRID, 3 feb (EFE).- ".
_DATELINE_PREFIX = re.compile(
    rf"^(?P<place>{_PLACE})(?:,\s+(?P<region>{_PLACE}))?(?:,\s+(?P<date>{_DATE_ANY}))?"
    rf"(?:\s*\((?P<agency>[^()\n]{{2,40}})\)\.?\s*[-–—:]+|\.?\s*/(?P<agency2>[A-Za-zА-Яа-я]{{2,12}})/\.?(?:\s*(?:-{{1,2}}|[–—]))?|\s+[-–—]+)\s+(?=\S)"
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
# Wire agencies by name, as they write it. After a dateline's dash, RIA style ("МОСКВА, 27 фев — РИА
# Новости. "), only these: "WASHINGTON — NATO. That is the word…" opens with the text's own first sentence.
_OWN_CASE_AGENCIES = (
    r"РИА\s+(?:Новости|«Новости»)(?:\s+(?:Крым|Украина|Недвижимость))?|РИА\s+ФАН|ИТАР-ТАСС|ТАСС"
    r"|(?:Интерфакс|Інтерфакс|Interfax)(?:-[\w]+)?|Укринформ|Укрінформ|Ukrinform|УНИАН|УНІАН|UNIAN"
    r"|Sputnik(?:\s+[A-ZА-ЯЁ][\w-]*)?|Спутник|Прайм|(?:ИА\s+)?(?:Regnum|REGNUM|Регнум)|БелТА|BelTA|РБК"
    r"|Reuters|AFP|AP|dpa|ANSA|PAP|EFE|Xinhua|Синьхуа|Anadolu|Kyodo|Lusa|Agerpres|BTA|БТА|ČTK|MTI|TASS"
    r"|RIA\s+Novosti"
)
_WIRE_AGENCIES = rf"{_OWN_CASE_AGENCIES}|DPA"
# RIA may name its reporter after the agency: "МОСКВА, 21 июн — РИА Новости, Николай Гурьянов. Россия…".
_REPORTER = r"[A-ZА-ЯЁ][\w'’-]+(?:\s+[A-ZА-ЯЁ][\w'’-]+){1,2}"
_AGENCY_AFTER_DASH = re.compile(
    rf"^(?P<agency>{_WIRE_AGENCIES})(?:,\s+(?P<author>{_REPORTER}))?\.\s+(?=[A-ZА-ЯЁ«\"“])"
)
# Agencies that sign a text's end, in their own case: "(dpa)", "(ANSA)"; "(DPA)" may be a data protection
# authority. Next to a dateline's place any case is the wire's: "(Dpa)", "(ansa)" (_KNOWN).
_SIGNING = rf"{_OWN_CASE_AGENCIES}|Ansa|UPI|KNA|epd|APA|Belga|AGI|Adnkronos|askanews|LaPresse"
_KNOWN = rf"(?i:{_SIGNING})"
_SIGNED = re.compile(rf"{_KNOWN}(?:\s*/\s*{_KNOWN})*")
# ANSA online puts its name before the dateline: "(ANSA) - ROMA, 03 FEB - ".
_AGENCY_FIRST = re.compile(rf"^\((?P<agency>{_SIGNED.pattern})\)\s*[-–—]+\s*(?=\S)")
_SIGNATURE = re.compile(rf"\((?P<agencies>(?:{_SIGNING})(?:\s*/\s*(?:{_SIGNING}))*)\)\.?\Z")
_SIGNATURE_TAIL = 80  # characters: a signature is read from the end of the text only
# "…the news agency (AFP)." spells out an agency's name: that parenthesis is the sentence's, not a signature.
_NAMES_AN_AGENCY = re.compile(
    r"(?i:\b(?:agen\w*|press\w*|prasow\w*|stampa|nachrichten\w*|агентств\w*|агенц\w*|новост\w*|новин\w*))"
    r"[\s\w'’-]{0,30}\Z"
)
_SENTENCE_END = re.compile(r"[.!?…][\"'»”’)]*\Z")
# Words an acronym's letters may skip: "Armed Forces of the Philippines (AFP)".
_LINKING = "of the for and on in de des du la le di del della dei per für der und i"
_LINKING_WORDS = frozenset(_LINKING.split())
_WORD = re.compile(r"[^\W\d_]+")


@dataclass(frozen=True)
class DatelineLine:
    """What a dateline line gave: the publication date, or an "Updated:" line's date, and a place."""

    published: date | None = None
    updated: date | None = None
    place: str | None = None


@dataclass(frozen=True)
class WireDateline:
    """A wire dateline opening a paragraph: the paragraph's ``rest`` and the prefix's parts as written."""

    rest: str
    written_place: str
    written_date: str | None
    agency: str | None
    author: str | None = None  # the reporter RIA names after itself

    @property
    def place(self) -> str:
        return _place_name(self.written_place)

    @property
    def published(self) -> date | None:
        return read_date(self.written_date) if self.written_date else None

    @property
    def in_capitals(self) -> bool:
        return self.written_place.upper() == self.written_place


def is_update_line(text: str) -> bool:
    """Whether ``text`` says when something was updated ("Updated", "Mis à jour", "Обновлено")."""
    return UPDATED.search(text) is not None


def opening_dateline(text: str) -> tuple[str, date | None, str | None]:
    """``text`` without its first paragraph when that is a dateline and nothing else ("03.02.2022,
    Moscow."), with the date and place it gave; ``text``, None, None otherwise. For a page's main text,
    where the dateline is a paragraph of its own: left in, it was analysed and its place lost."""
    first, separator, rest = text.strip().partition("\n\n")
    found = read_dateline_line(first.strip()) if separator and "\n" not in first else None
    if found is None or found.published is None:
        return text, None, None
    return rest, found.published, found.place


def dateline_date(line: str) -> date | None:
    """The publication date of a line that is a dateline and nothing else ("Published 12 March 2023.",
    "Paris, 3 février 2022"); None for any other line, and for an "Updated:" line."""
    found = read_dateline_line(" ".join(line.split()))
    return found.published if found else None


def read_dateline_line(line: str) -> DatelineLine | None:
    """What ``line`` gives when it is a dateline and nothing else; None for any other line."""
    match = _DATELINE_LINE.match(line)
    if not match:
        return None
    found = read_date(match.group("date") or match.group("date2"))
    if found is None:
        return None
    place = match.group("place") or match.group("place2")
    label = match.group("label")
    updated = bool(label and UPDATED.fullmatch(label.strip()))
    return DatelineLine(
        published=None if updated else found,
        updated=found if updated else None,
        place=_place_name(place) if place else None,
    )


def match_wire_dateline(line: str) -> WireDateline | None:
    """The wire dateline opening ``line`` ("MOSCOW, Feb 3 (Reuters) - ", "МОСКВА, 12 апр — РИА
    Новости. ", "(ANSA) - ROMA, 03 FEB - "); None when it opens with none."""
    lead = _AGENCY_FIRST.match(line)
    if lead is None:
        return _wire_dateline(line, None)
    return _wire_dateline(line[lead.end() :], lead.group("agency"))


def _wire_dateline(line: str, named_first: str | None) -> WireDateline | None:
    """:func:`match_wire_dateline` for a dateline whose agency, if ``named_first``, came before it."""
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
    after_dash = None if agency or named_first else _AGENCY_AFTER_DASH.match(rest.lstrip("-–— "))
    named = agency is not None or after_dash is not None or named_first is not None
    if not named and raw_date is None and (not is_upper or len(place) < 4 or not sentence):
        return None  # "LONDON — The…" only in capitals; "President Biden — …", "SHAME — there is…" are prose
    # a known agency next to the place is a wire's: "Paris (AFP) - Le…"; "Paris (France) - …" is prose
    parenthesised = match.group("agency")
    known = named_first is not None or bool(parenthesised and _SIGNED.fullmatch(parenthesised.strip()))
    if not is_upper and raw_date is None and not (known and sentence):
        return None  # "Ukraine (Kyiv) —" in title case with no date or known agency is too weak
    author = None
    if after_dash:
        agency, author = after_dash.group("agency", "author")
        rest = rest.lstrip("-–— ")[after_dash.end() :]
    agency = agency or named_first
    return WireDateline(rest, place, raw_date, agency.strip() if agency else None, author)


def split_closing_signature(text: str) -> tuple[str, list[str]]:
    """``text`` without the known agency that signs its end ("… ha detto il ministro. (ANSA).", "… (AFP)",
    "… (AFP/dpa)"), and that agency; ``text`` and [] when none does, or the parenthesis is the sentence's
    ("… the news agency (AFP).")."""
    stripped = text.rstrip()
    tail_at = max(0, len(stripped) - _SIGNATURE_TAIL)
    found = _SIGNATURE.search(stripped, tail_at)
    if found is None:
        return text, []
    before = stripped[: found.start()].rstrip()
    if not before or _NAMES_AN_AGENCY.search(before, max(0, len(before) - 60)):
        return text, []
    if _spelled_out(before, found.group("agencies")):
        return text, []
    if found.group().endswith(".") and not _SENTENCE_END.search(before[-8:]):
        before += "."  # "… il ministro (ANSA)." : the full stop closes the sentence
    return before, [name.strip() for name in found.group("agencies").split("/")]


def _spelled_out(before: str, acronym: str) -> bool:
    """Whether the capitalised words ending ``before`` spell ``acronym`` out ("the Unified Payments
    Interface (UPI)", "Armed Forces of the Philippines (AFP)"): an expansion, not a signature."""
    if not acronym.isupper() or not acronym.isalpha():
        return False
    initials: list[str] = []
    for word in reversed(_WORD.findall(before[-160:])):
        if len(initials) == len(acronym):
            break
        if word[0].isupper():
            initials.append(word[0])
        elif word not in _LINKING_WORDS:
            break
    return "".join(reversed(initials)) == acronym


def _fold_accents(text: str) -> str:
    return "".join(ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch))


# Words inside a place's name that stay in lower case: "Rio de Janeiro", "Frankfurt am Main", "Rostov-on-Don".
_PLACE_PARTICLES = frozenset(
    "de do da dos das del della di du des la le les van von der den am an im on upon op aan es sur".split()  # noqa: SIM905
)


def _place_name(place: str) -> str:
    place = place.strip().rstrip(".,")
    # "MOSCOW" → "Moscow", "ST. PETERSBURG" → "St. Petersburg"; mixed case is kept as written.
    if place.upper() != place:
        return place
    words = re.split(r"([\s-]+)", place.title())
    return "".join(w.lower() if i and w.lower() in _PLACE_PARTICLES else w for i, w in enumerate(words))
