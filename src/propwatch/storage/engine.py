"""Connecting to the database: URLs, engines, migrations and error messages.

Only SQLite and PostgreSQL are supported, with the same schema and the same code.
"""

from __future__ import annotations

import logging
import re
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, Engine, create_engine, event, inspect, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, SQLAlchemyError
from sqlalchemy.pool import StaticPool

from propwatch.errors import StorageError

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
log = logging.getLogger(__name__)
SUPPORTED_DIALECTS = ("sqlite", "postgresql")
# Execution option asking SQLite for BEGIN IMMEDIATE: writers wait for the lock up front instead of
# failing with "database is locked" when they upgrade a read lock.
WRITE_OPTION = "propwatch_write"
_SQLITE_BUSY_SECONDS = 30.0
_POSTGRES_CONNECT_TIMEOUT = 10
# Any constant: serialises concurrent first openings of one PostgreSQL database.
_MIGRATION_LOCK_KEY = 7_304_118_415
# user:password@ up to the last @ of the address (a password may hold an unescaped one)
_PASSWORD_IN_URL = re.compile(r"(://[^:/?#@]*:)[^/?#]*@")
_PASSWORD_IN_QUERY = re.compile(r"([?&](?i:password|passwd|pass|pwd|sslpassword)=)[^&#]*")


def mask_url(url: str) -> str:
    """The URL with any password (user:password@ or ?password=) replaced by ***, safe to show in
    messages and logs."""
    return _PASSWORD_IN_QUERY.sub(r"\1***", _PASSWORD_IN_URL.sub(r"\1***@", url))


def parse_url(url: str) -> URL:
    """Parse a database URL, rewriting plain PostgreSQL URLs to the psycopg 3 driver."""
    try:
        parsed = make_url(url.strip())
    except (ArgumentError, ValueError) as exc:
        raise StorageError(
            mask_url(url), "not a database URL (expected sqlite:///path.db or postgresql://user@host/db)"
        ) from exc
    backend, _, driver = parsed.drivername.partition("+")
    if backend == "postgres":
        backend = "postgresql"
    if backend not in SUPPORTED_DIALECTS or (backend == "sqlite" and driver not in ("", "pysqlite")):
        raise StorageError(
            mask_url(url),
            f"unsupported database '{parsed.drivername}': propwatch stores in SQLite or PostgreSQL",
        )
    if backend == "postgresql":
        parsed = parsed.set(drivername=f"postgresql+{driver or 'psycopg'}")
    elif parsed.database and parsed.database.startswith("~"):  # as a shell would: env files do not
        parsed = parsed.set(database=str(Path(parsed.database).expanduser()))
    return parsed


def reason_of(exc: BaseException) -> str:
    """One line saying what the database driver reported."""
    origin = getattr(exc, "orig", None) or exc
    message = " ".join(str(origin).split())
    if not message:
        message = type(origin).__name__
    return message if len(message) <= 400 else message[:397] + "…"


def storage_error(url: str, doing: str, exc: BaseException, password: str | None = None) -> StorageError:
    reason = reason_of(exc)
    if password:
        reason = reason.replace(password, "***")
    return StorageError(mask_url(url), f"{doing}: {reason}")


def _is_sqlite_memory(url: URL) -> bool:
    return url.database in (None, "", ":memory:") or url.query.get("mode") == "memory"


def _prepare_sqlite_folder(url: URL, shown: str) -> None:
    database = url.database
    if _is_sqlite_memory(url) or database is None or database.startswith("file:"):
        return
    folder = Path(database).expanduser().parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StorageError(shown, f"cannot create the folder {folder}: {exc.strerror or exc}") from exc
    if Path(database).expanduser().is_dir():
        raise StorageError(shown, "the database path is a folder, not a file")


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # The sqlite3 module's own transaction handling skips BEGIN for DDL and SAVEPOINT; we emit it.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys = ON")
        # Freed pages are zeroed: a deleted article's text must not stay readable in the file (takedowns).
        cursor.execute("PRAGMA secure_delete = ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        if connection.get_execution_options().get(WRITE_OPTION):
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            connection.exec_driver_sql("BEGIN")


def _sqlite_file(url: URL) -> Path | None:
    """The file a SQLite URL names (an SQLite URI filename, file:/path?mode=ro, by its path); None for
    PostgreSQL or a memory database."""
    if url.get_backend_name() != "sqlite" or _is_sqlite_memory(url) or not url.database:
        return None
    name = url.database
    if name.startswith("file:"):
        name = name[len("file:") :].split("?", 1)[0]
    return Path(name).expanduser()


def sqlite_file(url: str) -> Path | None:
    """The file a SQLite ``url`` names; None for PostgreSQL or a memory database."""
    try:
        return _sqlite_file(parse_url(url))
    except StorageError:
        return None


def is_read_only(error: StorageError) -> bool:
    """Whether ``error`` says the store refuses every write (a read-only file or replica, a role that may
    only read): running again cannot help."""
    reason = error.reason.lower()
    return any(words in reason for words in ("readonly database", "read-only", "permission denied"))


def missing_sqlite_file(url: str) -> Path | None:
    """The file of a SQLite ``url`` when it does not exist; None for PostgreSQL, memory or a file there."""
    path = _sqlite_file(parse_url(url))
    return None if path is None or path.exists() else path


def database_identity(url: str) -> tuple[str, ...]:
    """What a URL's database is, however the URL spells it: a SQLite file's resolved path (``..``, links
    and ``file:`` URIs followed), ("sqlite", ":memory:") for a memory one, a server's host, port and
    database name for PostgreSQL."""
    parsed = parse_url(url)
    if parsed.get_backend_name() == "sqlite":
        path = _sqlite_file(parsed)
        return ("sqlite", ":memory:" if path is None else str(path.resolve()))
    host = (parsed.host or "localhost").lower()
    return (
        "postgresql",
        "localhost" if host in ("127.0.0.1", "::1") else host,
        str(parsed.port or 5432),
        parsed.database or "",
    )


def create_store_engine(url: str) -> Engine:
    """An engine for ``url`` (not yet connected); StorageError if the URL cannot be used."""
    shown = mask_url(url)
    parsed = parse_url(url)
    kwargs: dict[str, Any] = {}
    if parsed.get_backend_name() == "sqlite":
        _prepare_sqlite_folder(parsed, shown)
        if _is_sqlite_memory(parsed):
            # One shared connection, or every connection would see its own empty database.
            kwargs = {"poolclass": StaticPool, "connect_args": {"check_same_thread": False}}
        else:
            kwargs = {"connect_args": {"timeout": _SQLITE_BUSY_SECONDS}}
    else:
        if "connect_timeout" not in parsed.query:
            kwargs = {"connect_args": {"connect_timeout": _POSTGRES_CONNECT_TIMEOUT}}
        kwargs["pool_pre_ping"] = True
    try:
        engine = create_engine(parsed, **kwargs)
    except (NoSuchModuleError, ImportError) as exc:
        raise StorageError(
            shown,
            f"the database driver is not installed ({reason_of(exc)}); "
            "PostgreSQL needs psycopg 3: pip install 'psycopg[binary]' (the 'postgres' extra of propwatch)",
        ) from exc
    except (ArgumentError, SQLAlchemyError, TypeError, ValueError) as exc:
        raise storage_error(url, "cannot use this database URL", exc) from exc
    if engine.dialect.name == "sqlite":
        _configure_sqlite(engine)
    return engine


def alembic_config(connection: Connection | None = None) -> Config:
    """Alembic configuration built in code: no alembic.ini needed."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


# How long an upgrade waits for other connections to let go of the tables (PostgreSQL); SQLite waits its
# busy timeout. Without it a reader's open transaction held the upgrade, and every reader behind it, forever.
_UPGRADE_LOCK_SECONDS = 30
_READ_ONLY = ("readonly database", "read-only", "permission denied", "unable to open database file")
_LOCKED = ("database is locked", "lock timeout", "canceling statement due to lock timeout")


def migrate(engine: Engine, revision: str = "head") -> None:
    """Bring the database to ``revision`` in one transaction (all or nothing on both backends).

    A store made by an older propwatch is upgraded once, said on the log (warning level, so on stderr);
    one made by a newer propwatch is refused and left as it is."""
    found = _readable_revision(engine)
    if revision == "head" and found == _head():
        return  # no write lock for a store already current: a reader elsewhere must not block opening
    shown = unquote(engine.url.render_as_string(hide_password=True))  # file:… not file%3A…
    if found is not None and not _known_revision(found):
        raise StorageError(
            shown,
            f"was made by a newer propwatch: its schema {found} is unknown to this version (newest "
            f"{_head()}); upgrade propwatch to use it. Nothing was changed.",
        )
    try:
        with engine.connect() as connection:
            connection.execution_options(**{WRITE_OPTION: True})
            with connection.begin():
                if connection.dialect.name == "postgresql":
                    connection.execute(text(f"SET LOCAL lock_timeout = '{_UPGRADE_LOCK_SECONDS}s'"))
                    connection.execute(
                        text("SELECT pg_advisory_xact_lock(:key)"), {"key": _MIGRATION_LOCK_KEY}
                    )
                _refuse_a_foreign_database(connection)
                command.upgrade(alembic_config(connection), revision)
    except SQLAlchemyError as exc:
        reason = reason_of(exc).lower()
        if found is None or found == _head():
            raise
        if any(words in reason for words in _READ_ONLY):
            raise StorageError(
                shown,
                f"was made by an older propwatch (schema {found}; this version reads {_head()}) and must be "
                "upgraded once by someone who may write to it: run `propwatch list` with write access "
                "(it upgrades the store, in a second); read-only use works afterwards",
            ) from exc
        if any(words in reason for words in _LOCKED):
            raise StorageError(
                shown,
                f"must be upgraded from schema {found} to {_head()}, but another program is using it (a "
                "running `propwatch serve` or watch, a database browser): stop it and run the command again",
            ) from exc
        raise
    if found is not None:
        log.warning(
            "upgraded the store %s from schema %s to %s (an older propwatch cannot open it now)",
            shown,
            found,
            _head() if revision == "head" else revision,
        )


def _readable_revision(engine: Engine) -> str | None:
    """The store's schema revision, None for a database without one (new, empty) or not readable."""
    try:
        return current_revision(engine)
    except SQLAlchemyError:
        return None


def _known_revision(revision: str) -> bool:
    from alembic.script import ScriptDirectory
    from alembic.util import CommandError

    try:
        return ScriptDirectory.from_config(alembic_config()).get_revision(revision) is not None
    except CommandError:
        return False


def _refuse_a_foreign_database(connection: Connection) -> None:
    """A database holding tables but no migration record belongs to another application: adding
    propwatch's tables to it (even for a read such as ``list``) would change someone else's data."""
    tables = set(inspect(connection).get_table_names())
    if tables and "alembic_version" not in tables:
        shown = ", ".join(sorted(tables)[:5]) + (", …" if len(tables) > 5 else "")
        raise StorageError(
            connection.engine.url.render_as_string(hide_password=True),
            f"holds tables of another application ({shown}) and no propwatch schema; give propwatch an "
            "empty database or one of its own",
        )


@cache
def _head() -> str | None:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()
