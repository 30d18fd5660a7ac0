"""Turn an EUvsDisinfo CSV export into a narrative catalogue (docs/narratives.md, "Importing").

Accepted columns (the header row decides; names are matched case-insensitively):

* required: ``title`` (the claim as EUvsDisinfo states it) and ``keywords`` (a list joined with ``+``,
  ``,``, ``;`` or ``|``);
* optional: ``summary`` (EUvsDisinfo's paraphrase of the claim), ``date`` (``YYYY-MM-DD`` or
  ``MM/DD/YY``), ``id`` or ``url`` (the case's report URL), ``outlet``/``outlets``.

Both community scrapes in ``shared/data/euvsdisinfo`` fit: the cknabs posts file and the kalkun file.
Cases are de-duplicated on (title, date). Each case joins the group of its *most specific* keyword:
the keyword with the fewest cases among its keywords that have at least ``min_cases`` cases (an
outlet's name used as a keyword does not count). Each group becomes one entry whose example claims
are the titles and summaries of its most recent ``max_examples`` cases (English: EUvsDisinfo writes
them in English whatever the outlet's language). Cases with no keyword reaching ``min_cases`` are
left out and counted.
"""

from __future__ import annotations

import csv
import hashlib
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Final

from propwatch.errors import (
    ConfigurationError,
    DecodingError,
    InputNotFoundError,
    MalformedRecordError,
    PropwatchError,
)
from propwatch.narratives.catalogue import (
    Catalogue,
    Narrative,
    load_catalogue,
    user_catalogue_folder,
    write_catalogue,
)
from propwatch.settings import Settings

DEFAULT_NAME: Final = "euvsdisinfo"
MIN_CASES: Final = 5
MAX_EXAMPLES: Final = 40
MAX_LINKS: Final = 10
_SEPARATORS = re.compile(r"[+,;|]")
_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
_SOURCE_PREFIX: Final = "EUvsDisinfo database (euvsdisinfo.eu), imported from "


@dataclass(frozen=True)
class Case:
    title: str
    summary: str | None
    keywords: tuple[str, ...]
    published: date | None
    url: str | None
    outlets: tuple[str, ...]


@dataclass
class ImportReport:
    """What an import read and wrote."""

    path: Path | None = None
    catalogue: Catalogue | None = None
    rows: int = 0
    cases: int = 0
    duplicates: int = 0
    skipped: list[str] = field(default_factory=list)  # "file line N: reason"
    undated: list[str] = field(default_factory=list)  # "file line N: 'the date as written'", kept undated
    ungrouped: int = 0
    replaced: bool = False


def _slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")
    return slug or "kw-" + hashlib.sha256(text.encode()).hexdigest()[:8]


def _parse_date(value: str) -> date | None:
    value = value.strip()
    for pattern in ("%Y-%m-%d", "%m/%d/%y", "%m/%d/%Y", "%d.%m.%Y"):
        try:
            return datetime.strptime(value, pattern).date()
        except ValueError:
            continue
    return None


def _column(header: dict[str, str], *names: str) -> str | None:
    for name in names:
        if name in header:
            return header[name]
    return None


def read_cases(path: Path, report: ImportReport) -> Iterator[Case]:
    """The cases of an EUvsDisinfo CSV file; rows without a title are skipped and reported."""
    try:
        handle = path.open(encoding="utf-8-sig", newline="")
    except FileNotFoundError as exc:
        raise InputNotFoundError(str(path), "no such file") from exc
    except IsADirectoryError as exc:
        raise InputNotFoundError(str(path), "is a folder, expected an EUvsDisinfo CSV file") from exc
    with handle:
        try:
            lines = list(handle)  # kept to re-read the last record (newline="" splits as csv does)
            reader = csv.DictReader(lines)
            header = {name.strip().lower(): name for name in reader.fieldnames or []}
            title_col, keywords_col = _column(header, "title"), _column(header, "keywords")
            if title_col is None or keywords_col is None:
                raise MalformedRecordError(
                    f"{path} line 1", "an EUvsDisinfo export needs 'title' and 'keywords' columns"
                )
            summary_col = _column(header, "summary")
            date_col = _column(header, "date")
            url_col = _column(header, "id", "url", "report")
            outlet_col = _column(header, "outlets", "outlet")
            end = reader.line_num
            previous = ""  # the first field of the record before: what a record's start looks like
            for row in reader:
                first, end = end + 1, reader.line_num
                _check_quotes_close(path, lines, first, end)
                _check_swallowed(path, lines, first, end, len(header), previous)
                previous = str(row.get((reader.fieldnames or [""])[0]) or "")
                report.rows += 1
                where = f"{path} line {first}"  # where the record starts, as an editor shows it
                if None in row:
                    report.skipped.append(f"{where}: more fields than the header has")
                    continue
                title = " ".join((row.get(title_col) or "").split())
                if not title:
                    report.skipped.append(f"{where}: no title")
                    continue
                url = (row.get(url_col) or "").strip() if url_col else ""
                written = (row.get(date_col) or "").strip() if date_col else ""
                published = _parse_date(written) if written else None
                if written and published is None:  # the case stays, without its date: said, not silent
                    report.undated.append(f"{where}: {written!r}")
                yield Case(
                    title=title,
                    summary=" ".join((row.get(summary_col) or "").split()) or None if summary_col else None,
                    keywords=_split(row.get(keywords_col) or ""),
                    published=published,
                    url=url if url.startswith(("http://", "https://")) else None,
                    outlets=_split(row.get(outlet_col) or "") if outlet_col else (),
                )
        except UnicodeDecodeError as exc:
            raise DecodingError(str(path), f"not UTF-8 text ({exc.reason} at byte {exc.start})") from exc
        except csv.Error as exc:
            raise MalformedRecordError(str(path), f"not a CSV file: {exc}") from exc


def _imported(path: Path) -> bool:
    """Whether the catalogue at ``path`` was written by an import (its source says so)."""
    try:
        source = load_catalogue(path).source
    except PropwatchError:
        return False
    return source is not None and source.startswith(_SOURCE_PREFIX)


def _check_quotes_close(path: Path, lines: list[str], first: int, last: int) -> None:
    """Refuse a record that runs to the end of the file inside a quote: a quote left open merges
    every line after it into one field, so the cases on them would be lost without a word."""
    while first < last and not lines[first - 1].strip():  # blank lines the reader passed over
        first += 1
    if last < len(lines) or last == first:
        return
    try:
        for _ in csv.reader(lines[first - 1 : last], strict=True):
            pass
    except csv.Error as exc:
        if "unexpected end of data" in str(exc):
            raise MalformedRecordError(
                f"{path} line {first}",
                f"a quoted field starts on this line and is never closed (lines {first}-{last} would be "
                "one field); close the quote and import again",
            ) from exc


def _check_swallowed(path: Path, lines: list[str], first: int, last: int, width: int, opening: str) -> None:
    """Refuse a record whose quoted field holds lines that are whole records themselves (as many fields
    as the header, the first shaped like the record before's: a date, an issue number): a stray quote
    that a later one closes merges the cases between them into one field, without a word."""
    while first < last and not lines[first - 1].strip():
        first += 1
    if last <= first or width < 2:
        return
    shape = _shape(opening)
    inside = [n for n in range(first + 1, last + 1) if _is_whole_record(lines[n - 1], width, shape)]
    if inside:
        raise MalformedRecordError(
            f"{path} line {first}",
            f"a quoted field opened on this line runs to line {last} and holds {len(inside)} line(s) that "
            f"read as cases of their own (line {inside[0]} first): a stray quote? Close or remove it and "
            "import again",
        )


def _shape(cell: str) -> str:
    """'2021-02-18' → '9-9-9', '79' → '9', 'Hybrid CoE is …' → 'a a a …': what a record's first field
    looks like, to tell a record from a line of prose with commas in it."""
    return re.sub(r"\d+", "9", re.sub(r"[^\W\d_]+", "a", cell.strip()))


def _is_whole_record(line: str, width: int, shape: str) -> bool:
    try:
        rows = list(csv.reader([line], strict=True))
    except csv.Error:
        return False
    return len(rows) == 1 and len(rows[0]) == width and bool(shape) and _shape(rows[0][0]) == shape


def _split(value: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(" ".join(part.split()) for part in _SEPARATORS.split(value) if part.strip()))


def group_cases(cases: list[Case], min_cases: int = MIN_CASES) -> tuple[dict[str, list[Case]], int]:
    """Cases by their most specific keyword (see the module docstring); also how many were left out."""

    def usable(case: Case) -> list[str]:
        outlets = {o.casefold() for o in case.outlets}
        return [k for k in case.keywords if k.casefold() not in outlets]

    counts: Counter[str] = Counter()
    spelling: dict[str, str] = {}
    for case in cases:
        for keyword in usable(case):
            counts[keyword.casefold()] += 1
            spelling.setdefault(keyword.casefold(), keyword)
    groups: dict[str, list[Case]] = defaultdict(list)
    left_out = 0
    for case in cases:
        eligible = [k.casefold() for k in usable(case) if counts[k.casefold()] >= min_cases]
        if not eligible:
            left_out += 1
            continue
        chosen = min(eligible, key=lambda k: (counts[k], k))
        groups[spelling[chosen]].append(case)
    return dict(groups), left_out


def _entry(
    name: str, keyword: str, slug: str, cases: list[Case], max_examples: int, source: str
) -> Narrative:
    recent = sorted(cases, key=lambda c: c.published or date.min, reverse=True)
    claims: list[str] = []
    for case in recent:
        for text in (case.title, case.summary):
            if text and text not in claims and len(claims) < max_examples:
                claims.append(text)
    related = Counter(k for c in cases for k in c.keywords if k.casefold() != keyword.casefold())
    dates = [c.published for c in cases if c.published]
    span = f", {min(dates).isoformat()} to {max(dates).isoformat()}" if dates else ""
    description = (
        f"Claims that EUvsDisinfo recorded under the keyword '{keyword}' ({len(cases)} cases{span})."
    )
    if related:
        description += " Related keywords: " + ", ".join(k for k, _ in related.most_common(5)) + "."
    links = tuple(dict.fromkeys(c.url for c in recent if c.url))[:MAX_LINKS]
    return Narrative(
        id=f"{name}.{slug}",
        title=f"{keyword} (EUvsDisinfo cases)",
        description=description,
        example_claims={"en": tuple(claims)},
        tags=(keyword, *(k for k, _ in related.most_common(4))),
        links=links,
        source=source,
    )


def build_catalogue(
    cases: list[Case], name: str, source: str, *, min_cases: int = MIN_CASES, max_examples: int = MAX_EXAMPLES
) -> tuple[Catalogue | None, int]:
    """The catalogue of grouped cases (None when no group reaches ``min_cases``) and the left-out count."""
    groups, left_out = group_cases(cases, min_cases)
    entries = []
    used: set[str] = set()
    for keyword in sorted(groups, key=lambda k: (-len(groups[k]), k.casefold())):
        slug = base = _slug(keyword)
        number = 2
        while slug in used:  # two keywords can fold to the same slug ("Nazi/Fascist", "Nazi fascist")
            slug, number = f"{base}-{number}", number + 1
        used.add(slug)
        entries.append(_entry(name, keyword, slug, groups[keyword], max_examples, source))
    if not entries:
        return None, left_out
    grouped = sum(len(g) for g in groups.values())
    description = f"Imported from an EUvsDisinfo export: {grouped} cases in {len(entries)} keyword groups."
    return Catalogue(name=name, description=description, source=source, narratives=tuple(entries)), left_out


def import_euvsdisinfo(
    path: Path,
    settings: Settings,
    *,
    name: str = DEFAULT_NAME,
    min_cases: int = MIN_CASES,
    max_examples: int = MAX_EXAMPLES,
    replace: bool = False,
) -> ImportReport:
    """Read an EUvsDisinfo CSV and write ``data_dir/narratives/<name>.yaml`` atomically.

    An earlier import of that name is replaced; a catalogue written by hand (or by anything but an
    import) is replaced only with ``replace``: it may hold the only copy of someone's work.
    """
    if not _NAME.fullmatch(name):  # match() lets "x\n" through: $ matches before a final newline
        raise MalformedRecordError(f"catalogue name {name!r}", "use lower-case letters, digits, '-' or '_'")
    target = user_catalogue_folder(settings) / f"{name}.yaml"
    if target.exists() and not replace and not _imported(target):
        raise ConfigurationError(
            str(target),
            "holds a catalogue that no EUvsDisinfo import wrote; choose another --name, or pass --replace "
            "to overwrite it",
        )
    report = ImportReport()
    seen: set[tuple[str, date | None]] = set()
    cases = []
    for case in read_cases(path, report):
        key = (case.title.casefold(), case.published)
        if key in seen:
            report.duplicates += 1
            continue
        seen.add(key)
        cases.append(case)
    report.cases = len(cases)
    if not cases:
        raise MalformedRecordError(str(path), "holds no EUvsDisinfo case with a title")
    source = f"{_SOURCE_PREFIX}{path.name}"
    catalogue, report.ungrouped = build_catalogue(
        cases, name, source, min_cases=min_cases, max_examples=max_examples
    )
    if catalogue is None:
        raise MalformedRecordError(
            str(path), f"no keyword is shared by {min_cases} or more cases; lower --min-cases to group them"
        )
    report.replaced = target.exists()
    write_catalogue(catalogue, target)
    report.path, report.catalogue = target, catalogue.model_copy(update={"path": str(target)})
    return report
