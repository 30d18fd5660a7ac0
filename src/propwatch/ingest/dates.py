"""Publication dates as inputs write them: one reader for datelines, batch records, feeds and pages.

* A date is the calendar day **as written**: ``2021-12-31T23:30:00-05:00`` is 31 December, the day
  its readers saw, not the UTC day it falls on.
* Numeric dates are read **day first** (``03.02.2022`` and ``03/02/2022`` are 3 February), as every
  language the models read writes them, unless only the month-first reading is a date
  (``12/25/2022``). Two-digit years are this century unless that is in the future (``69`` is 1969).
* Month names are read in English, French, German, Italian, Polish and Russian, in the forms a date
  uses (``3 lutego 2022 r.``, ``3 февраля 2022 года``, ``3. März 2022``) and their abbreviations; and
  in Spanish, Portuguese, Dutch, Romanian, Serbian, Ukrainian, Belarusian and Arabic, which have no
  models but whose pages are read (``3 de febrero de 2022``, ``3 лютого 2022``, ``3 فبراير 2022``).
* A date is **plausible** from :data:`EARLIEST` to tomorrow (UTC; a page east of the server is
  already a day ahead). Anything later, and the placeholders 1900-01-01 and 1970-01-01 (zero dates
  of spreadsheets and Unix clocks), is no publication date: the article is stored undated.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import UTC, date, datetime, timedelta

EARLIEST = date(1800, 1, 1)
_PLACEHOLDERS = frozenset({date(1900, 1, 1), date(1970, 1, 1)})
#: What :func:`plausible` accepts, in words for error messages.
PLAUSIBLE_DATES = "from 1800-01-01 to tomorrow, other than the zero dates 1900-01-01 and 1970-01-01"

_MONTH_NAMES: dict[int, str] = {
    1: "january jan janvier janv januar jänner jän gennaio gen stycznia styczeń sty января январь янв",
    2: "february feb février févr fevr fév februar febbraio lutego luty lut февраля февраль фев февр",
    3: "march mar mars märz maerz mär mrz marzo marca marzec марта март мар",
    4: "april apr avril avr aprile kwietnia kwiecień kwi апреля апрель апр",
    5: "may mai maggio mag maja maj мая май",
    6: "june jun juin juni giugno giu czerwca czerwiec cze июня июнь июн",
    7: "july jul juillet juil juill juli luglio lug lipca lipiec lip июля июль июл",
    8: "august aug août aout aoû agosto ago sierpnia sierpień sie августа август авг",
    9: "september sept sep septembre settembre set września wrzesień wrz сентября сентябрь сен сент",
    10: "october oct octobre oktober okt ottobre ott października październik paź октября октябрь окт",
    11: "november nov novembre listopada listopad lis ноября ноябрь ноя нояб",
    12: "december dec décembre déc dezember dez dicembre dic grudnia grudzień gru декабря декабрь дек",
}
# Languages without models (es, pt, nl, ro, sr, uk, be, ar); no abbreviation that is a common word of one
# ("out", Portuguese October, is English; "лист", Ukrainian November, is "letter").
_MORE_MONTH_NAMES: dict[int, str] = {
    1: "enero ene janeiro januari ianuarie januar januara јануар јануара січня січень студзеня يناير",
    2: "febrero fevereiro fev februari februarie februara фебруар фебруара лютого лютий лютага فبراير",
    3: "marzo março maart mrt martie mart березня березень сакавіка مارس",
    4: "abril abr aprilie aprila април априла квітня квітень красавіка أبريل إبريل",
    5: "mayo maio mei мај маја травня травень مايو",
    6: "junio junho iunie juna јун јуна червня червень чэрвеня يونيو يونيه",
    7: "julio julho iulie jula јул јула липня липень ліпеня يوليو يوليه",
    8: "agosto augustus avgust avgusta август августа серпня серпень жніўня أغسطس",
    9: "septiembre setiembre setembro septembrie septembar septembra септембар септембра вересня вересень "
    "верасня سبتمبر",
    10: "octubre outubro octombrie oct oktobar oktobra октобар октобра жовтня жовтень кастрычніка أكتوبر",
    11: "noviembre novembro noiembrie novembar novembra новембар новембра листопада листопад лістапада "
    "نوفمبر",
    12: "diciembre dezembro decembrie decembar decembra децембар децембра грудня грудень снежня ديسمبر",
}


def _fold(word: str) -> str:
    """``word`` in lower case without accents: 'Février' and 'fevrier' are one month."""
    decomposed = unicodedata.normalize("NFKD", word.lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


_MONTHS: dict[str, int] = {}
for _number, _names in [*_MONTH_NAMES.items(), *_MORE_MONTH_NAMES.items()]:
    for _name in _names.split():
        _MONTHS[_name] = _number
        _MONTHS[_fold(_name)] = _number

#: A month name or abbreviation (case-insensitive), optionally followed by a period.
MONTH_PATTERN = "(?i:" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
#: Between a day and its month, and between the month and its year: "3rd of March", Spanish and
#: Portuguese "3 de febrero de 2022", "3 de febrero del 2022".
DAY_OF_PATTERN = r"\s+(?:(?i:of|de)\s+)?"
MONTH_OF_PATTERN = r",?\s+(?:(?i:de|del)\s+)?"
#: Day of the month: '3', '03', '3rd', '3.' (German).
DAY_PATTERN = r"\d{1,2}(?i:st|nd|rd|th|\.)?"
#: What may follow a year: Russian 'г.'/'года', Polish 'r.'/'roku'.
YEAR_SUFFIX_PATTERN = r"(?:\s*(?:г(?:ода|\.)|r(?:oku|\.)))?"
#: An ISO date, its time and offset optional: '2022-02-03', '2022.02.03', '2022-02-03T23:30:00-05:00'.
ISO_PATTERN = (
    r"\d{4}[-/.]\d{1,2}[-/.]\d{1,2}"
    r"(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?(?:\s*Z|\s*[+-]\d{2}:?\d{2})?)?"
)
#: A numeric date, day first: '03.02.2022', '3/2/22', '03-02-2022'.
NUMERIC_PATTERN = r"\d{1,2}[./-]\d{1,2}[./-](?:\d{4}|\d{2})"

#: A weekday before a date, in the six languages and es, pt, nl, uk ("Thursday, ", "jueves, ", "четвер, ").
WEEKDAY_PATTERN = (
    r"(?i:(?:mon|tues?|wed(?:nes)?|thu(?:rs)?|fri|sat(?:ur)?|sun)(?:day)?\.?"
    r"|lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche"
    r"|montag|dienstag|mittwoch|donnerstag|freitag|samstag|sonntag"
    r"|luned[iì]|marted[iì]|mercoled[iì]|gioved[iì]|venerd[iì]|sabato|domenica"
    r"|poniedziałek|wtorek|środa|czwartek|piątek|sobota|niedziela"
    r"|понедельник|вторник|среда|четверг|пятница|суббота|воскресенье"
    r"|lunes|martes|miércoles|miercoles|jueves|viernes|sábado|sabado|domingo"
    r"|segunda-feira|terça-feira|quarta-feira|quinta-feira|sexta-feira"
    r"|maandag|dinsdag|woensdag|donderdag|vrijdag|zaterdag|zondag"
    r"|понеділок|вівторок|середа|четвер|п['’]ятниця|субота|неділя),?\s+"
)

_ISO = re.compile(r"\s*(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?!\d)")
_NUMERIC = re.compile(r"\s*(\d{1,2})[./-](\d{1,2})[./-](\d{4}|\d{2})(?!\d)")
# 20220203, and with a time as GDELT writes it: 20220203101500, 20220203T101500Z
_COMPACT = re.compile(r"\s*(\d{4})(\d{2})(\d{2})(?:T?\d{4}(?:\d{2})?(?:Z|[+-]\d{2}:?\d{2})?)?\s*")
_STRICT_ISO = re.compile(
    r"\s*(\d{4})-(\d{2})-(\d{2})(?:[T ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?\s*"
)
_WORD = re.compile(r"[^\W\d_]+")


def latest_plausible() -> date:
    """The latest publication date believed: tomorrow in UTC."""
    return datetime.now(UTC).date() + timedelta(days=1)


def plausible(value: date | None) -> date | None:
    """``value`` when it can be a publication date, else None (see the module doc)."""
    if value is None or value in _PLACEHOLDERS or not EARLIEST <= value <= latest_plausible():
        return None
    return value


_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def calendar_day(value: str) -> date:
    """The day ``value`` writes as YYYY-MM-DD, as filters and forms take it; ValueError for anything
    else: date.fromisoformat also reads "2022-W09" (that week's Monday, so `--until 2022-W09` had dropped
    the rest of the week) and "20220301"."""
    if not _ISO_DAY.fullmatch(value):
        raise ValueError(f"{value!r} is not written YYYY-MM-DD")
    return date.fromisoformat(value)


def read_date(raw: str) -> date | None:
    """The publication date written in ``raw``; None when it holds no whole, plausible date.

    Reads ISO dates (a time and offset after them are allowed), numeric dates day first, compact
    ``20220203``, and day-month-year or month-day-year with month names (see the module doc).
    """
    text = raw.strip().rstrip(".,")
    try:
        if match := _ISO.match(text):
            year, month, day = (int(part) for part in match.groups())
            return plausible(date(year, month, day))
        if match := _NUMERIC.match(text):
            return plausible(_day_first(*(int(part) for part in match.groups())))
        if match := _COMPACT.fullmatch(text):
            year, month, day = (int(part) for part in match.groups())
            return plausible(date(year, month, day))
    except ValueError:
        return None
    return plausible(_named_month_date(text))


def read_iso_date(raw: str) -> date | None:
    """The date of an ISO 8601 value (``2022-02-03``, a time and offset after it allowed, the day as
    written) or a compact ``20220203``; None for any other form, or a date that is not plausible. For
    fields documented as YYYY-MM-DD, where '02/03/2022' must not be guessed."""
    match = _STRICT_ISO.fullmatch(raw) or _COMPACT.fullmatch(raw)
    if match is None:
        return None
    try:
        return plausible(date(*(int(part) for part in match.groups())))
    except ValueError:
        return None


def month_number(word: str) -> int | None:
    """The month ``word`` names (any language of :data:`MONTH_PATTERN`), or None."""
    cleaned = word.lower().rstrip(".")
    return _MONTHS.get(cleaned) or _MONTHS.get(_fold(cleaned))


def date_from_number(value: float) -> date | None:
    """The date a number stands for: 20220203 as a compact date, else a Unix time
    (:func:`date_from_timestamp`)."""
    if isinstance(value, int) and 10_000_000 <= value <= 99_999_999:
        return read_date(str(value))  # an 8-digit integer is YYYYMMDD: as seconds it fell in 1970
    return date_from_timestamp(value)


def date_from_timestamp(seconds: float) -> date | None:
    """The UTC date of a Unix time; a value too large to be seconds is taken as milliseconds."""
    if seconds > 1e11:
        seconds /= 1000
    try:
        return plausible(datetime.fromtimestamp(seconds, UTC).date())
    except (OverflowError, OSError, ValueError):
        return None


def full_year(year: int) -> int:
    """A two-digit year in this century, unless that is after next year (then the last one)."""
    if year >= 100:
        return year
    return 2000 + year if 2000 + year <= latest_plausible().year else 1900 + year


def _day_first(first: int, second: int, year: int) -> date:
    year = full_year(year)
    try:
        return date(year, second, first)
    except ValueError:
        return date(year, first, second)  # 12/25/2022: only month first is a date


def _named_month_date(text: str) -> date | None:
    """A day, a month name and a year next to each other ('3 February 2022', 'Feb 3, 2022', '15:42, 3
    февраля 2022'); None when two words name months (no telling which is meant)."""
    if sum(month_number(word) is not None for word in _WORD.findall(text)) != 1:
        return None
    match = _DAY_MONTH_YEAR.search(text) or _MONTH_DAY_YEAR.search(text)
    if match is None:
        return None
    month = month_number(match.group("month"))
    try:
        return date(int(match.group("year")), month or 0, int(match.group("day")))
    except ValueError:
        return None


_DAY_MONTH_YEAR = re.compile(
    rf"(?<![\d:.])(?P<day>\d{{1,2}})(?i:st|nd|rd|th|\.)?{DAY_OF_PATTERN}(?P<month>{MONTH_PATTERN})"
    rf"{MONTH_OF_PATTERN}(?P<year>\d{{4}})(?!\d)"
)
_MONTH_DAY_YEAR = re.compile(
    rf"(?P<month>{MONTH_PATTERN})\s+(?P<day>\d{{1,2}})(?!\d)(?i:st|nd|rd|th)?,?\s+(?P<year>\d{{4}})(?!\d)"
)


_ANY_DATE = re.compile(
    rf"(?<![\w.:/-])(?:{ISO_PATTERN}|{NUMERIC_PATTERN}"
    rf"|\d{{1,2}}(?i:st|nd|rd|th|\.)?{DAY_OF_PATTERN}{MONTH_PATTERN}{MONTH_OF_PATTERN}\d{{4}}"
    rf"|{MONTH_PATTERN}\s+\d{{1,2}}(?i:st|nd|rd|th)?,?\s+\d{{4}})(?![\w/-])"
)


def dates_in(text: str) -> list[tuple[date, int, int]]:
    """Every whole, plausible date written in ``text``, with where it stands (``[start, end)``)."""
    found = []
    for match in _ANY_DATE.finditer(text):
        value = read_date(match.group())
        if value is not None:
            found.append((value, match.start(), match.end()))
    return found
