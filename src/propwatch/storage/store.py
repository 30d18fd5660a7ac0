"""ArticleStore: articles and their analyses (one per model version) in SQLite or PostgreSQL."""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date
from types import TracebackType
from typing import Any, Self, TypeVar

from alembic.util import CommandError
from sqlalchemy import (
    ColumnElement,
    Connection,
    Engine,
    func,
    inspect,
    select,
)
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from propwatch.domain import Analysis, Article
from propwatch.errors import InputError, NotFoundError, PropwatchError, StorageError
from propwatch.settings import Settings
from propwatch.storage import writing
from propwatch.storage.blocking import block_articles, hold_blocks
from propwatch.storage.engine import (
    WRITE_OPTION,
    create_store_engine,
    mask_url,
    migrate,
    missing_sqlite_file,
    parse_url,
    reason_of,
    sqlite_file,
)
from propwatch.storage.records import (
    ARTICLE_COLUMNS,
    Appearance,
    ArticleSummary,
    DeleteOutcome,
    SaveOutcome,
    SearchHit,
    article_from_row,
    assemble_analyses,
    summary_from_row,
    summary_select,
)
from propwatch.storage.schema import analyses, appearances, articles
from propwatch.storage.search import parse_query, run_search

MIN_ID_PREFIX = 6
_ID_PREFIX = re.compile(r"[0-9a-f]{1,64}")
_AMBIGUOUS_SHOWN = 5
_T = TypeVar("_T")


class ArticleStore:
    """Stores articles (deduplicated by content hash) and their analyses, one per model version.

    Open it with :meth:`open` or :meth:`from_settings`; every method runs in its own transaction,
    so a failed write leaves the database exactly as it was. Thread-safe: the engine pools
    connections and no state is kept between calls.
    """

    def __init__(self, engine: Engine, url: str) -> None:
        self._engine = engine
        self._url = url
        self._password = parse_url(url).password
        self._closed = False

    # --- opening and closing ---------------------------------------------------------------------

    @classmethod
    def open(cls, url: str, *, create: bool = True) -> ArticleStore:
        """Connect to ``url`` and migrate the database to the latest schema (creating it if new, unless
        ``create`` is False: commands that only read refuse a SQLite file that is not there, rather than
        make an empty one at a mistyped path)."""
        if not create:
            missing = missing_sqlite_file(url)
            if missing is not None:
                raise StorageError(
                    mask_url(url),
                    f"there is no database at {missing}: nothing is stored there yet (analyse or ingest "
                    "articles first), or the path (--db, PROPWATCH_DB) is mistyped",
                )
        engine = create_store_engine(url)
        password = parse_url(url).password
        try:
            if not create and engine.dialect.name != "sqlite" and not _holds_a_store(engine):
                # A read on an empty database would make propwatch's tables there (even in "postgres").
                raise StorageError(
                    mask_url(url),
                    "holds no propwatch store yet: nothing is stored there (analyse or ingest articles "
                    "first), or the database name (--db, PROPWATCH_DB) is mistyped",
                )
            migrate(engine)
        except SQLAlchemyError as exc:
            engine.dispose()
            raise _open_error(url, exc, password) from exc
        except CommandError as exc:
            engine.dispose()
            raise StorageError(
                mask_url(url), f"cannot migrate the database (made by a newer propwatch?): {exc}"
            ) from exc
        except BaseException:
            engine.dispose()
            raise
        return cls(engine, url)

    @classmethod
    def from_settings(cls, settings: Settings, *, create: bool = True) -> ArticleStore:
        return cls.open(settings.database_url, create=create)

    @property
    def url(self) -> str:
        """The database URL, password masked."""
        return mask_url(self._url)

    @property
    def dialect(self) -> str:
        """'sqlite' or 'postgresql'."""
        return self._engine.dialect.name

    def close(self) -> None:
        if not self._closed:
            self._closed = True
            self._engine.dispose()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"ArticleStore({self.url!r})"

    # --- writing ---------------------------------------------------------------------------------

    def save_article(self, article: Article) -> bool:
        """Store ``article``; False if an article with the same text is already stored (nothing changes)."""
        return self._retrying_write(
            f"cannot store article {article.id}", lambda conn: writing.insert_article(conn, article)[1]
        )

    def save_appearances(self, seen: Sequence[tuple[str, Appearance]]) -> int:
        """Record where stored texts (by article id) were met again, as :meth:`save_article` does for a
        text it already holds; returns how many were new. Ids not stored are ignored."""

        def write(conn: Connection) -> int:
            pks = dict(
                conn.execute(
                    select(articles.c.id, articles.c.pk).where(articles.c.id.in_({i for i, _ in seen}))
                ).all()
            )
            return sum(writing.insert_appearance(conn, int(pks[i]), a) for i, a in seen if i in pks)

        return self._retrying_write("cannot store where the texts appeared", write) if seen else 0

    def appearances_of(self, article_ids: Sequence[str]) -> dict[str, list[Appearance]]:
        """Where each of these stored texts was met again, first recorded first (see :class:`Appearance`)."""
        found: dict[str, list[Appearance]] = {}
        with self._reading("cannot read where the texts appeared") as conn:
            rows = conn.execute(
                select(articles.c.id, *(appearances.c[name] for name in Appearance.FIELDS))
                .join(articles, articles.c.pk == appearances.c.article_pk)
                .where(articles.c.id.in_(list(article_ids)))
                .order_by(appearances.c.pk)
            ).mappings()
            for row in rows:
                found.setdefault(str(row["id"]), []).append(
                    Appearance(**{n: row[n] for n in Appearance.FIELDS})
                )
        return found

    def save_analysis(self, analysis: Analysis, *, stored_only: bool = False) -> SaveOutcome:
        """Store the article (if new) and the analysis with its spans and labels, all or nothing.

        An analysis that ran only some analyzers is stored with the latest stored findings of the
        others (:meth:`Analysis.completing`), in the same transaction: re-running one analyzer from
        the CLI, a batch, a feed watcher or the API never hides what the others found. Analyses are
        kept per model version: one already stored for this article and the completed analysis's
        ``model_version`` is left as it is (``analysis_stored`` False), and becomes the latest again
        when another was stored since. ``stored_only``: an article deleted meanwhile raises
        NotFoundError instead of being stored again (a re-analysis must not undo a deletion).
        """
        return self._retrying_write(
            f"cannot store the analysis of article {analysis.article.id}",
            lambda conn: writing.insert_analysis(conn, analysis, stored_only=stored_only),
        )

    def delete_articles(self, article_ids: Sequence[str], *, block: bool = False) -> DeleteOutcome:
        """Delete these articles (ids or unique prefixes) with their analyses, spans, labels, appearances
        and republication signatures, all or nothing: an unknown or ambiguous id raises before anything
        is deleted. API tokens, sessions and catalogues are left as they are. With ``block``, their texts
        and URLs are refused if they come again (:mod:`propwatch.storage.blocking`)."""
        if isinstance(article_ids, str):  # a lone id is a Sequence[str] too: of its characters
            article_ids = [article_ids]

        def write(conn: Connection) -> DeleteOutcome:
            if block:
                hold_blocks(conn, changing=True)  # before the rows are read: saves under way finish first
            pks = list(dict.fromkeys(_resolve(conn, article_id) for article_id in article_ids))
            ids = list(conn.execute(select(articles.c.id).where(articles.c.pk.in_(pks))).scalars())
            if block:
                block_articles(conn, pks)
            return DeleteOutcome(
                article_ids=sorted(ids), n_analyses=writing.delete_articles(conn, pks), blocked=block
            )

        return self._retrying_write("cannot delete the articles", write)

    # --- reading ---------------------------------------------------------------------------------

    def get_article(self, article_id: str) -> Article:
        """The article with this id (16 hex digits) or unique id prefix (at least 6)."""
        with self._reading("cannot read the article") as conn:
            pk = _resolve(conn, article_id)
            row = conn.execute(select(*ARTICLE_COLUMNS).where(articles.c.pk == pk)).mappings().one()
            return article_from_row(row)

    def get_analysis(self, article_id: str, model_version: str | None = None) -> Analysis:
        """The analysis of this version, or the latest stored; the bare article if it has none."""
        with self._reading("cannot read the analysis") as conn:
            pk = _resolve(conn, article_id)
            query = select(analyses).where(analyses.c.article_pk == pk)
            if model_version is None:
                query = query.order_by(analyses.c.pk.desc()).limit(1)
            else:
                query = query.where(analyses.c.model_version == model_version)
            analysis_row = conn.execute(query).mappings().first()
            if analysis_row is None and model_version is not None:
                stored = _versions(conn, pk)
                raise NotFoundError(
                    article_id,
                    f"no analysis with model version '{model_version}' is stored; stored: "
                    + (", ".join(f"'{v}'" for v in stored) if stored else "none"),
                )
            found = assemble_analyses(conn, [pk], {pk: analysis_row} if analysis_row is not None else {})
            return found[pk]

    def latest_analyses(self, article_ids: Iterable[str]) -> dict[str, Analysis]:
        """The latest stored analysis of each of these articles (full ids) that has one."""
        wanted = sorted(set(article_ids))
        if not wanted:
            return {}
        with self._reading("cannot read the analyses") as conn:
            pks = [int(pk) for (pk,) in conn.execute(select(articles.c.pk).where(articles.c.id.in_(wanted)))]
            latest = select(func.max(analyses.c.pk)).where(analyses.c.article_pk.in_(pks))
            rows = conn.execute(
                select(analyses).where(analyses.c.pk.in_(latest.group_by(analyses.c.article_pk)))
            ).mappings()
            by_article = {int(row["article_pk"]): row for row in rows}
            found = assemble_analyses(conn, list(by_article), by_article) if by_article else {}
        return {analysis.article.id: analysis for analysis in found.values()}

    def model_versions(self, article_id: str) -> list[str]:
        """Model versions of the stored analyses of this article, oldest first."""
        with self._reading("cannot read the analyses") as conn:
            return _versions(conn, _resolve(conn, article_id))

    def list_articles(
        self,
        *,
        outlet: str | None = None,
        language: str | None = None,
        genre_tag: str | None = None,
        since: date | None = None,
        until: date | None = None,
        limit: int = 50,
        offset: int = 0,
    ) -> list[ArticleSummary]:
        """Stored articles, newest stored first; ``since``/``until`` bound the date published (inclusive)."""
        _check_page(limit, offset)
        query = (
            summary_select()
            .where(*_filters(outlet, language, genre_tag, since, until))
            .order_by(articles.c.stored_at.desc(), articles.c.pk.desc())
            .limit(limit)
            .offset(offset)
        )
        with self._reading("cannot list the articles") as conn:
            return [summary_from_row(row) for row in conn.execute(query).mappings()]

    def content_version(self) -> tuple[Any, ...]:
        """A value that changes whenever an article, analysis or appearance is stored or deleted (rows
        are only ever added or deleted, never changed): figures computed from the store can be kept
        until it changes. The newest time stored tells a new row from a deleted one whose key it took
        again (SQLite reuses the largest rowid)."""
        parts: list[Any] = []
        with self._reading("cannot read the store's state") as conn:
            for table in (articles, analyses, appearances):
                row = conn.execute(
                    select(func.count(), func.max(table.c.pk), func.max(table.c.stored_at))
                ).one()
                parts += [int(row[0]), row[1], row[2]]
        return tuple(parts)

    def count_articles(
        self,
        *,
        outlet: str | None = None,
        language: str | None = None,
        genre_tag: str | None = None,
        since: date | None = None,
        until: date | None = None,
    ) -> int:
        """How many stored articles :meth:`list_articles` would list with these filters."""
        query = (
            select(func.count())
            .select_from(articles)
            .where(*_filters(outlet, language, genre_tag, since, until))
        )
        with self._reading("cannot count the articles") as conn:
            return int(conn.execute(query).scalar_one())

    def search(self, query: str, *, limit: int = 20, offset: int = 0) -> list[SearchHit]:
        """Articles whose title or text match ``query``, best first.

        Words must all match; ``"a phrase"``, ``x or y`` and ``-word`` work as in web search
        engines. Any string is safe: characters other than letters and digits only separate words.
        """
        _check_page(limit, offset)
        parsed = parse_query(query)
        if parsed.empty:
            return []
        with self._reading("cannot search the articles") as conn:
            hits = run_search(conn, parsed, limit, offset)
            pks = [hit.pk for hit in hits]
            rows = conn.execute(summary_select().where(articles.c.pk.in_(pks))).mappings()
            summaries = {row["pk"]: summary_from_row(row) for row in rows}
        return [SearchHit(summary=summaries[hit.pk], snippet=hit.snippet, rank=hit.rank) for hit in hits]

    def iter_analyses(
        self,
        *,
        article_ids: Sequence[str] | None = None,
        page_size: int = 100,
        stored_order: bool = False,
        matched: bool = False,
    ) -> Iterator[Analysis]:
        """The latest analysis of every stored article in the order they were stored (or of
        ``article_ids``, in that order, or in the order stored with ``stored_order``).

        Articles are read ``page_size`` at a time, each page in its own short transaction, so an
        export never holds the whole database in memory nor a connection while the caller works.
        An article without analyses comes as the bare article. Unknown ids raise here, before anything
        is read, so an export fails before it writes a byte; ``matched`` ids (found by a query a moment
        ago) are skipped instead when they are gone. An article deleted while the pages are read is left
        out.
        """
        if page_size < 1:
            raise InputError(f"page_size={page_size}", "must be at least 1")
        if isinstance(article_ids, str):  # a lone id is a Sequence[str] too: of its characters
            article_ids = [article_ids]
        if article_ids is None:
            return self._every_analysis(page_size)
        with self._reading("cannot read the analyses") as conn:
            if matched:  # deleted since the query found them: nothing to export, no error either
                found = _pks_of(conn, article_ids)
                pks = [found[article_id] for article_id in dict.fromkeys(article_ids) if article_id in found]
            else:
                pks = list(dict.fromkeys(_resolve(conn, article_id) for article_id in article_ids))
        if stored_order:
            pks.sort()
        return (
            a
            for start in range(0, len(pks), page_size)
            for a in self._analysis_page(pks[start : start + page_size])
        )

    def _every_analysis(self, page_size: int) -> Iterator[Analysis]:
        last_pk = 0
        while True:
            with self._reading("cannot read the analyses") as conn:
                page = list(
                    conn.execute(
                        select(articles.c.pk)
                        .where(articles.c.pk > last_pk)
                        .order_by(articles.c.pk)
                        .limit(page_size)
                    ).scalars()
                )
            if not page:
                return
            yield from self._analysis_page(page)
            last_pk = page[-1]

    # --- internals -------------------------------------------------------------------------------

    def _analysis_page(self, pks: list[int]) -> list[Analysis]:
        with self._reading("cannot read the analyses") as conn:
            latest = (
                select(func.max(analyses.c.pk))
                .where(analyses.c.article_pk.in_(pks))
                .group_by(analyses.c.article_pk)
            )
            rows = conn.execute(select(analyses).where(analyses.c.pk.in_(latest))).mappings()
            found = assemble_analyses(conn, pks, {row["article_pk"]: row for row in rows})
        return [found[pk] for pk in pks if pk in found]  # one deleted meanwhile is left out

    @contextmanager
    def _reading(self, doing: str) -> Iterator[Connection]:
        with self._mapped_errors(doing), self._engine.connect() as conn:
            if conn.dialect.name == "postgresql":
                # One snapshot for every query of the read, as SQLite's read transaction gives: each
                # statement saw its own, so an analysis stored between two queries broke the lookups.
                conn = conn.execution_options(isolation_level="REPEATABLE READ")
            yield conn

    @contextmanager
    def _mapped_errors(self, doing: str) -> Iterator[None]:
        if self._closed:
            raise StorageError(self.url, f"{doing}: the store is closed")
        try:
            yield
        except PropwatchError:
            raise
        except SQLAlchemyError as exc:
            reason = reason_of(exc)
            if self._password:
                reason = reason.replace(self._password, "***")
            raise StorageError(self.url, f"{doing}: {reason}") from exc

    def _retrying_write(self, doing: str, work: Callable[[Connection], _T]) -> _T:
        # A concurrent writer may store the same article between our check and our insert (the
        # unique content hash then refuses ours); the second attempt finds it stored.
        for attempt in (1, 2):
            try:
                with self._mapped_errors(doing), self._engine.connect() as conn:
                    conn.execution_options(**{WRITE_OPTION: True})
                    with conn.begin():
                        return work(conn)
            except StorageError as exc:
                if attempt == 2 or not isinstance(exc.__cause__, IntegrityError):
                    raise
        raise AssertionError("unreachable")


def _open_error(url: str, exc: SQLAlchemyError, password: str | None) -> StorageError:
    reason = reason_of(exc)
    if password:
        reason = reason.replace(password, "***")
    if "file is not a database" in reason:
        reason = "the file is not a SQLite database"
    elif "unable to open database file" in reason and (file := sqlite_file(url)) is not None:
        folder = file.parent
        if not file.exists() and folder.is_dir() and not os.access(folder, os.W_OK):
            reason += (
                f" (it does not exist, and its folder {folder} is read-only: no store can be made there)"
            )
    return StorageError(mask_url(url), f"cannot open the database: {reason}")


def _check_page(limit: int, offset: int) -> None:
    if limit < 1:
        raise InputError(f"limit={limit}", "must be at least 1")
    if offset < 0:
        raise InputError(f"offset={offset}", "must not be negative")


def _filters(
    outlet: str | None, language: str | None, genre_tag: str | None, since: date | None, until: date | None
) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if outlet is not None:
        conditions.append(articles.c.outlet == outlet)
    if language is not None:
        conditions.append(articles.c.language == language.lower())
    if genre_tag is not None:
        conditions.append(articles.c.genre_tag == genre_tag.lower())
    if since is not None:
        conditions.append(articles.c.published >= since)
    if until is not None:
        conditions.append(articles.c.published <= until)
    return conditions


def _pks_of(conn: Connection, article_ids: Sequence[str]) -> dict[str, int]:
    """The primary keys of the stored articles among these whole ids."""
    found: dict[str, int] = {}
    wanted = list(dict.fromkeys(article_ids))
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        rows = conn.execute(select(articles.c.id, articles.c.pk).where(articles.c.id.in_(chunk)))
        found.update({str(row.id): int(row.pk) for row in rows})
    return found


def _resolve(conn: Connection, article_id: str) -> int:
    """The primary key of the article with this id or unique id prefix."""
    key = article_id.strip().lower()
    if not _ID_PREFIX.fullmatch(key):
        raise NotFoundError(article_id, "not an article id (ids are 16 hexadecimal digits)")
    if len(key) < MIN_ID_PREFIX:
        raise NotFoundError(article_id, f"id prefix too short: give at least {MIN_ID_PREFIX} characters")
    # The id is the start of the content hash, so a range over the unique hash index finds prefixes.
    rows = conn.execute(
        select(articles.c.pk, articles.c.id)
        .where(articles.c.content_hash >= key, articles.c.content_hash < key + "g")
        .order_by(articles.c.content_hash)
        .limit(_AMBIGUOUS_SHOWN + 1)
    ).all()
    if not rows:
        raise NotFoundError(article_id, "no stored article has this id")
    if len(rows) > 1:
        shown = ", ".join(row.id for row in rows[:_AMBIGUOUS_SHOWN])
        more = ", …" if len(rows) > _AMBIGUOUS_SHOWN else ""
        raise NotFoundError(article_id, f"ambiguous id prefix: it matches several articles ({shown}{more})")
    return int(rows[0].pk)


def _versions(conn: Connection, article_pk: int) -> list[str]:
    query = (
        select(analyses.c.model_version).where(analyses.c.article_pk == article_pk).order_by(analyses.c.pk)
    )
    return list(conn.execute(query).scalars())


def _holds_a_store(engine: Engine) -> bool:
    """Whether the database has tables at all (propwatch's, or another application's: migrate says)."""
    with engine.connect() as connection:
        return bool(inspect(connection).get_table_names())
