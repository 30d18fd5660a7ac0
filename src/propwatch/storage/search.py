"""Full-text search over article titles and texts, on SQLite FTS5 or PostgreSQL tsvector.

Users type queries the way they would in a web search engine: words (all must match),
``"quoted phrases"``, ``or`` between alternatives, ``-word`` to exclude. A word typed bare, and a
quoted phrase of several words, also match their other grammatical forms (the phrase's words agreeing:
:mod:`propwatch.storage.word_forms`); a quoted single word matches as typed, ё and е aside. The query
is parsed here,
once, for both backends and rebuilt from quoted terms only, so no user string can reach the
database as query syntax: an unbalanced quote or a stray ``AND OR (`` is just text.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Final

from sqlalchemy import Connection, or_, select, text

from propwatch.errors import InputError
from propwatch.storage.schema import FTS_TABLE, TSVECTOR_COLUMN, TSVECTOR_TEXT_CHARS, articles
from propwatch.storage.word_forms import TypedPhrase, known_spelling, phrase_forms

# Matches in a snippet lie between these control characters, so a text's own "**" is not taken for a
# match (a text holding them gets no marks: genuine_snippets). snippet_text writes them as **.
SNIPPET_START = "\x02"
SNIPPET_END = "\x03"
SNIPPET_ELLIPSIS = "…"
_MARKS = (SNIPPET_START, SNIPPET_END)


def snippet_text(snippet: str | None, start: str = "**", end: str = "**") -> str | None:
    """``snippet`` with its matches between ``start`` and ``end``."""
    if snippet is None:
        return None
    return snippet.replace(SNIPPET_START, start).replace(SNIPPET_END, end)


_SNIPPET_TOKENS = 24
_TITLE_WEIGHT = 5.0  # a match in the title counts five times one in the text (bm25 column weight)

_TOKEN = re.compile(r'(?P<negated>-?)"(?P<quoted>[^"]*)"|(?P<bare>\S+)')
# Letters and digits: what both the FTS5 unicode61 tokenizer and PostgreSQL's parser index as words.
_WORD = re.compile(r"[^\W_]+")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")  # no database text may hold a NUL; the others only separate
# A word with more е than this is searched as typed and with ё written е only; a phrase gets at
# most this many spellings.
_MAX_YO_POSITIONS = 3
_MAX_SPELLINGS = 16
# Forms and spellings searched for one typed word or phrase, at most.
_MAX_VARIANTS = 64


@dataclass(frozen=True)
class ParsedQuery:
    """Required groups (each matches if any of its phrases does) and excluded phrases.

    A phrase is a tuple of words that must follow one another.
    """

    groups: tuple[tuple[tuple[str, ...], ...], ...]
    excluded: tuple[tuple[str, ...], ...]
    # The text each as-typed phrase was typed as ("covid-19"): PostgreSQL splits it as it split the
    # texts it indexed, which is not always the words above (a hyphenated word is one lexeme too).
    typed: dict[tuple[str, ...], str] = field(default_factory=dict, compare=False)

    @property
    def empty(self) -> bool:
        return not self.groups


def parse_query(query: str) -> ParsedQuery:
    groups: list[list[tuple[str, ...]]] = []
    excluded: list[tuple[str, ...]] = []
    typed: dict[tuple[str, ...], str] = {}
    pending_or = False
    # Composed: a decomposed "é" (e + U+0301, pasted from some sources) had split "régime" in two words.
    query = unicodedata.normalize("NFC", query)
    for match in _TOKEN.finditer(query):
        quoted, bare = match.group("quoted"), match.group("bare")
        negated = bool(match.group("negated"))
        if bare is not None:
            if bare.lower() == "or" and groups:  # first, it is a word (French "or")
                pending_or = True
                continue
            if bare.startswith("-") and len(bare) > 1:
                negated, bare = True, bare[1:]
        written = quoted if quoted is not None else bare
        phrase = TypedPhrase.of(written, _WORD)
        if not phrase.words:
            continue
        typed.setdefault(phrase.words, " ".join(_CONTROL.sub(" ", written).split()).lower())
        # A quoted single word is exactly that word; a quoted phrase keeps its words together, in any case.
        exact = quoted is not None and len(set(phrase.chunks)) == 1
        variants = _variants(phrase, exact=exact)
        if negated:
            excluded.extend(variants)
        elif pending_or:
            groups[-1].extend(variants)
        else:
            groups.append(variants)
        pending_or = False
    if excluded and not groups:
        raise InputError(f"query {query!r}", "only excludes words (-word): add a word to find")
    return ParsedQuery(
        groups=tuple(tuple(dict.fromkeys(group)) for group in groups),
        excluded=tuple(dict.fromkeys(excluded)),
        typed=typed,
    )


def _variants(phrase: TypedPhrase, *, exact: bool) -> list[tuple[str, ...]]:
    """The phrase in its spellings, then (unless ``exact``) its other forms, each also with ё as е."""
    found = dict.fromkeys(_spellings(phrase.words))
    if not exact:
        for form in phrase_forms(phrase)[1:]:
            found.setdefault(form)
            found.setdefault(tuple(word.replace("ё", "е") for word in form))
    return list(itertools.islice(found, _MAX_VARIANTS))


def _spellings(phrase: tuple[str, ...]) -> list[tuple[str, ...]]:
    """The phrase as typed, then with ё written е and е read as ё: Russian texts write either
    ("лжёт", "лжет"), and neither backend's tokenizer folds one into the other. A word pymorphy3
    knows gets its own ё spelling; only an unknown one (a name) gets every е read as ё."""
    return list(itertools.islice(itertools.product(*(_word_spellings(w) for w in phrase)), _MAX_SPELLINGS))


def _word_spellings(word: str) -> list[str]:
    plain = word.replace("ё", "е")
    forms = {word, plain}
    if "е" in plain and (known := known_spelling(plain)) is not None:
        forms.add(known)
    elif "е" in plain:
        pieces = plain.split("е")
        if len(pieces) - 1 <= _MAX_YO_POSITIONS:
            for letters in itertools.product("её", repeat=len(pieces) - 1):
                tail = (letter + piece for letter, piece in zip(letters, pieces[1:], strict=True))
                forms.add(pieces[0] + "".join(tail))
    return sorted(forms, key=lambda form: (form != word, form))


def _quoted(phrase: tuple[str, ...]) -> str:
    # Words hold only letters and digits, so they cannot contain a double quote.
    return '"' + " ".join(phrase) + '"'


def fts5_expression(parsed: ParsedQuery) -> str:
    """The FTS5 MATCH expression of a parsed query (every term a quoted string)."""
    required = " AND ".join(
        f"({' OR '.join(_quoted(phrase) for phrase in group)})" if len(group) > 1 else _quoted(group[0])
        for group in parsed.groups
    )
    return f"({required})" + "".join(f" NOT {_quoted(phrase)}" for phrase in parsed.excluded)


def _accent_folding() -> dict[int, str]:
    """Accented Latin letter → its base letter, for every letter whose canonical decomposition is a base
    letter and combining marks (as FTS5's remove_diacritics and PostgreSQL's index, migration 0006)."""
    folding: dict[int, str] = {}
    for first, stop in ((0x00C0, 0x0250), (0x1E00, 0x1F00)):
        for code in range(first, stop):
            parts = unicodedata.normalize("NFD", chr(code))
            marks = parts[1:]
            if marks and parts[0].isascii() and all(unicodedata.category(c) == "Mn" for c in marks):
                folding[code] = parts[0]
    return folding


_ACCENT_FOLDING: Final = _accent_folding()


def unaccented(text: str) -> str:
    """``text`` with accented Latin letters folded as the PostgreSQL search index folds them ("Élysée" →
    "Elysee"), so queries find words with or without their accents on both backends."""
    return text.translate(_ACCENT_FOLDING)


# The punctuation the PostgreSQL index reads as spaces (migration 0008), as SQLite's tokenizer does.
_SEPARATORS: Final = (
    "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"
    "\u00a0\u00ab\u00b7\u00bb\u2010\u2011\u2012\u2013\u2014\u2015\u2018\u2019\u201a\u201c\u201d\u201e"
    "\u2026\u2212"
)
_SPLITTING: Final = str.maketrans(_SEPARATORS, " " * len(_SEPARATORS))


def indexed_words(text: str) -> str:
    """``text`` as the PostgreSQL index reads it: accents folded, punctuation a space ("COVID-19" →
    "COVID 19")."""
    return unaccented(text).translate(_SPLITTING)


def tsquery_sql(parsed: ParsedQuery) -> tuple[str, dict[str, str]]:
    """The query as a PostgreSQL tsquery expression and its bound phrases: each phrase is split by
    ``phraseto_tsquery`` exactly as the indexed texts were ("COVID-19", "7.1", "Ростов-на-Дону"), and
    the groups are joined explicitly (websearch_to_tsquery has no parentheses: its ``a b or c`` is
    (a & b) | c)."""
    params: dict[str, str] = {}

    def phrase_query(phrase: tuple[str, ...]) -> str:
        name = f"phrase_{len(params)}"
        params[name] = indexed_words(parsed.typed.get(phrase, " ".join(phrase)))
        return f"phraseto_tsquery('simple', :{name})"

    required = " && ".join(
        "(" + " || ".join(phrase_query(phrase) for phrase in group) + ")" for group in parsed.groups
    )
    return required + "".join(f" && !!{phrase_query(phrase)}" for phrase in parsed.excluded), params


_SQLITE_SEARCH = text(
    f"SELECT {FTS_TABLE}.rowid AS pk, "
    f"-bm25({FTS_TABLE}, {_TITLE_WEIGHT}, 1.0) AS rank, "
    f"snippet({FTS_TABLE}, -1, :start, :end, :ellipsis, {_SNIPPET_TOKENS}) AS snippet "
    f"FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH :match "
    f"ORDER BY bm25({FTS_TABLE}, {_TITLE_WEIGHT}, 1.0), {FTS_TABLE}.rowid DESC "
    "LIMIT :limit OFFSET :offset"
)

# Headlines are made only for the page of hits (the inner query limits first): ts_headline is slow.
_POSTGRES_SEARCH = (  # {tsquery}: tsquery_sql's expression, made of bound parameters only
    "SELECT hit.pk, hit.rank, "
    "ts_headline('simple', coalesce(a.title || ' — ', '') || left(a.text, :chars), hit.query, :options) "
    "AS snippet "
    "FROM (SELECT articles.pk AS pk, "
    f"ts_rank(articles.{TSVECTOR_COLUMN}, q.query) AS rank, q.query AS query "
    "FROM articles, (SELECT {tsquery}) AS q(query) "
    f"WHERE articles.{TSVECTOR_COLUMN} @@ q.query "
    "ORDER BY rank DESC, articles.pk DESC LIMIT :limit OFFSET :offset) AS hit "
    "JOIN articles AS a ON a.pk = hit.pk "
    "ORDER BY hit.rank DESC, hit.pk DESC"
)

_HEADLINE_OPTIONS = (
    f'StartSel="{SNIPPET_START}", StopSel="{SNIPPET_END}", MinWords=12, MaxWords=30, '
    f'MaxFragments=2, FragmentDelimiter=" {SNIPPET_ELLIPSIS} "'
)


@dataclass(frozen=True)
class RawHit:
    pk: int
    rank: float
    snippet: str


def run_search(connection: Connection, parsed: ParsedQuery, limit: int, offset: int) -> list[RawHit]:
    """Hits of a non-empty parsed query, best first."""
    if connection.dialect.name == "sqlite":
        rows = connection.execute(
            _SQLITE_SEARCH,
            {
                "match": fts5_expression(parsed),
                "start": SNIPPET_START,
                "end": SNIPPET_END,
                "ellipsis": SNIPPET_ELLIPSIS,
                "limit": limit,
                "offset": offset,
            },
        )
    else:
        expression, phrases = tsquery_sql(parsed)
        rows = connection.execute(
            text(_POSTGRES_SEARCH.format(tsquery=expression)),
            {
                **phrases,
                "chars": TSVECTOR_TEXT_CHARS,
                "options": _HEADLINE_OPTIONS,
                "limit": limit,
                "offset": offset,
            },
        )
    found = [RawHit(pk=row.pk, rank=float(row.rank), snippet=row.snippet or "") for row in rows]
    snippets = genuine_snippets(connection, {hit.pk: hit.snippet for hit in found})
    return [RawHit(pk=hit.pk, rank=hit.rank, snippet=snippets[hit.pk]) for hit in found]


def genuine_snippets(connection: Connection, snippets: dict[int, str]) -> dict[int, str]:
    """``snippets`` by article pk, without match marks where the article's own text or title holds the
    marking characters: a page could otherwise fake matches; its snippet then marks none."""
    if not snippets:
        return snippets
    columns = (articles.c.text, articles.c.title)
    marked = or_(*(column.contains(mark) for column in columns for mark in _MARKS))
    faked = set(
        connection.execute(select(articles.c.pk).where(articles.c.pk.in_(list(snippets)), marked)).scalars()
    )
    return {
        pk: snippet.replace(SNIPPET_START, "").replace(SNIPPET_END, "") if pk in faked else snippet
        for pk, snippet in snippets.items()
    }
