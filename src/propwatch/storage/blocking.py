"""Blocked texts: what ``propwatch delete --block`` removed (a takedown) stays out if it comes again.

A block keeps digests only, never the words: the SHA-256 of the text (the articles' content hash) and
of each URL the text was met under, normalised as crawlers compare links (host case, default ports,
tracking parameters and fragments dropped: courlan). Storing a text whose hash or URL is blocked raises
:class:`~propwatch.errors.BlockedInputError`, whatever the path: ingest, analyze, watch, batch, the API.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from sqlalchemy import Connection, and_, delete, func, insert, or_, select, text

from propwatch.domain import Article, content_hash
from propwatch.errors import BlockedInputError, InputError
from propwatch.storage.schema import appearances, articles, blocked_texts

if TYPE_CHECKING:
    from propwatch.storage.store import ArticleStore

TEXT, URL = "text", "url"
# Any constant: a PostgreSQL advisory lock that saves hold shared and a block exclusively.
_BLOCKS_LOCK_KEY = 7_304_118_416


def hold_blocks(conn: Connection, *, changing: bool) -> None:
    """Order this transaction with the blocks being written (PostgreSQL; SQLite writers run one at a
    time). A save checked the blocks, a takedown then deleted its article and blocked it, and the save,
    finding no row, stored the text again: now a save holds the lock shared from its check to its commit,
    and a block waits for it, or the save for the block."""
    if conn.dialect.name == "postgresql":
        function = "pg_advisory_xact_lock" if changing else "pg_advisory_xact_lock_shared"
        conn.execute(text(f"SELECT {function}(:key)"), {"key": _BLOCKS_LOCK_KEY})


_SCHEME_AND_WWW = re.compile(r"^[a-z][a-z0-9+.-]*://(www\.)?", re.IGNORECASE)


def url_digest(url: str) -> str:
    """SHA-256 of ``url`` normalised, so that ``http://www.Example.com/a.html?utm_source=rss#top`` is
    the link ``https://example.com/a.html`` that was blocked: scheme, ``www.``, host case, default port,
    tracking parameters and fragment aside; identifying parameters (``?newsid=78``) kept."""
    from courlan import normalize_url  # here: 80 ms that commands without links need not pay

    try:
        normal = normalize_url(url.strip())  # strict=True would drop ?newsid= and block a whole site
    except (ValueError, TypeError):  # not a URL courlan reads: compared as written
        normal = url.strip()
    normal = _SCHEME_AND_WWW.sub("", normal.partition("#")[0])  # a fragment is a place on the page
    return hashlib.sha256(normal.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Block:
    """One blocked text: the id its article had, when it was blocked, how many URLs are blocked with it."""

    article_id: str
    blocked_at: datetime
    urls: int = 0


def _digests(article: Article) -> list[tuple[str, str]]:
    """What an article to store is checked by: its text, its link, and its body without the headline that
    opens it, since texts stored before the headline opened them (and blocked then) hold the body alone.
    A block itself is of the text as stored: another outlet's copy under its own headline stays free."""
    body = article.body
    texts = [(TEXT, article.content_hash), *([(TEXT, content_hash(body))] if body != article.text else [])]
    return [*texts, *([(URL, url_digest(article.url))] if article.url else [])]


def block_articles(conn: Connection, pks: Sequence[int]) -> int:
    """Block the texts of the stored articles ``pks`` and every URL they were met under (in the caller's
    transaction, before they are deleted); returns how many digests were added."""
    if not pks:
        return 0
    found = conn.execute(
        select(articles.c.pk, articles.c.id, articles.c.content_hash, articles.c.url).where(
            articles.c.pk.in_(pks)
        )
    ).all()
    seen_at = conn.execute(
        select(appearances.c.article_pk, appearances.c.url).where(
            appearances.c.article_pk.in_(pks), appearances.c.url.is_not(None)
        )
    ).all()
    wanted: dict[tuple[str, str], str] = {}
    for row in found:
        wanted[(TEXT, str(row.content_hash))] = str(row.id)
        if row.url:
            wanted.setdefault((URL, url_digest(str(row.url))), str(row.id))
    ids = {int(row.pk): str(row.id) for row in found}
    for pk, url in seen_at:
        wanted.setdefault((URL, url_digest(str(url))), ids[int(pk)])
    known = set(_matching(conn, wanted))
    now = datetime.now(UTC)
    rows = [
        {"article_id": article_id, "kind": kind, "digest": digest, "blocked_at": now}
        for (kind, digest), article_id in wanted.items()
        if (kind, digest) not in known
    ]
    if rows:
        conn.execute(insert(blocked_texts), rows)
    return len(rows)


def _matching(conn: Connection, digests: Iterable[tuple[str, str]]) -> dict[tuple[str, str], Block]:
    pairs = list(digests)
    if not pairs:
        return {}
    condition = or_(*(and_(blocked_texts.c.kind == k, blocked_texts.c.digest == d) for k, d in pairs))
    rows = conn.execute(select(blocked_texts).where(condition)).mappings()
    return {
        (str(row["kind"]), str(row["digest"])): Block(str(row["article_id"]), row["blocked_at"])
        for row in rows
    }


def check_not_blocked(conn: Connection, article: Article) -> None:
    """Raise :class:`BlockedInputError` naming the article's input when its text or URL is blocked."""
    hold_blocks(conn, changing=False)
    hits = _matching(conn, _digests(article))
    if not hits:
        return
    block = min(hits.values(), key=lambda b: b.blocked_at)
    name = article.origin or article.url or article.id
    raise BlockedInputError(name, blocked_reason(block))


def blocked_reason(block: Block) -> str:
    return (
        f"was deleted with --block on {block.blocked_at:%Y-%m-%d} (article {block.article_id}): not stored "
        f"again; 'propwatch unblock {block.article_id}' lets it in"
    )


class BlockList:
    """The blocked texts of a store: which of some articles are blocked, all blocks, and unblocking."""

    def __init__(self, store: ArticleStore) -> None:
        self._store = store

    def find(self, items: Iterable[Article]) -> dict[str, Block]:
        """The block of each of ``items`` whose text or URL is blocked, by article id."""
        chosen = list(items)
        with self._store._reading("cannot read the blocked texts") as conn:
            hits = _matching(conn, (pair for article in chosen for pair in _digests(article)))
        found: dict[str, Block] = {}
        for article in chosen:
            blocks = [hits[pair] for pair in _digests(article) if pair in hits]
            if blocks:
                found[article.id] = min(blocks, key=lambda b: b.blocked_at)
        return found

    def entries(self) -> list[Block]:
        """Every blocked text, most recently blocked first."""
        with self._store._reading("cannot read the blocked texts") as conn:
            rows = conn.execute(
                select(
                    blocked_texts.c.article_id,
                    func.min(blocked_texts.c.blocked_at).label("blocked_at"),
                    func.count().label("digests"),
                )
                .group_by(blocked_texts.c.article_id)
                .order_by(func.min(blocked_texts.c.blocked_at).desc(), blocked_texts.c.article_id)
            ).all()
        return [Block(str(r.article_id), r.blocked_at, int(r.digests) - 1) for r in rows]

    def unblock(self, article_ids: Sequence[str]) -> list[str]:
        """Lift the blocks of these article ids (or unique prefixes of 6+ characters), all or nothing;
        returns the full ids."""

        def write(conn: Connection) -> list[str]:
            blocked = list(conn.execute(select(blocked_texts.c.article_id).distinct()).scalars())
            chosen = [_resolve_blocked(given, blocked) for given in article_ids]
            conn.execute(delete(blocked_texts).where(blocked_texts.c.article_id.in_(chosen)))
            return sorted(set(chosen))

        return self._store._retrying_write("cannot unblock the texts", write)


def _resolve_blocked(given: str, blocked: Sequence[str]) -> str:
    wanted = given.strip().lower()
    matches = [b for b in blocked if b == wanted or (len(wanted) >= 6 and b.startswith(wanted))]
    if len(matches) == 1:
        return matches[0]
    reason = (
        "matches several blocked texts: give more of the id" if matches else "no blocked text has this id"
    )
    raise InputError(given, reason)
