"""Opening a database: migrations to head on both backends, and clear errors for bad databases."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect

from propwatch.errors import StorageError
from propwatch.storage import ArticleStore
from propwatch.storage.engine import (
    MIGRATIONS_DIR,
    alembic_config,
    create_store_engine,
    current_revision,
    mask_url,
    parse_url,
)
from propwatch.storage.schema import FTS_TABLE, TSVECTOR_COLUMN, metadata


def head_revision() -> str:
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def test_migrations_ship_in_the_package() -> None:
    assert (MIGRATIONS_DIR / "env.py").is_file()
    assert (MIGRATIONS_DIR / "__init__.py").is_file()  # makes env.py part of the package
    assert (MIGRATIONS_DIR / "script.py.mako").is_file()
    assert (MIGRATIONS_DIR / "versions" / "0001_initial.py").is_file()
    assert head_revision() == "0008"


def test_fresh_database_is_migrated_to_head(database_url: str) -> None:
    with ArticleStore.open(database_url) as store:
        engine = store._engine
        assert current_revision(engine) == head_revision()
        tables = set(inspect(engine).get_table_names())
        assert {"articles", "analyses", "spans", "labels", "alembic_version"} <= tables
        if store.dialect == "sqlite":
            assert FTS_TABLE in tables
        else:
            columns = {column["name"] for column in inspect(engine).get_columns("articles")}
            assert TSVECTOR_COLUMN in columns
            indexes = {index["name"] for index in inspect(engine).get_indexes("articles")}
            assert "ix_articles_search_vector" in indexes


def _not_in_metadata(obj: object, name: str | None, type_: str, reflected: bool, compare_to: object) -> bool:
    # The full-text objects are per dialect and live only in the migration.
    if type_ == "table" and name is not None and name.startswith(FTS_TABLE):
        return False
    if type_ == "column" and name == TSVECTOR_COLUMN:
        return False
    return not (type_ == "index" and name == "ix_articles_search_vector")


def test_migrated_schema_matches_the_table_definitions(database_url: str) -> None:
    with ArticleStore.open(database_url) as store, store._engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"include_object": _not_in_metadata, "compare_type": True}
        )
        assert compare_metadata(context, metadata) == []


def test_reopening_is_idempotent(database_url: str, make_article) -> None:
    article = make_article()
    with ArticleStore.open(database_url) as store:
        store.save_article(article)
    for _ in range(2):
        with ArticleStore.open(database_url) as store:
            assert current_revision(store._engine) == head_revision()
            assert store.get_article(article.id) == article
            assert store.count_articles() == 1


def test_downgrade_to_nothing_and_upgrade_again(database_url: str, make_article) -> None:
    with ArticleStore.open(database_url) as store:
        store.save_article(make_article())
        with store._engine.begin() as connection:
            command.downgrade(alembic_config(connection), "base")
        assert set(inspect(store._engine).get_table_names()) <= {"alembic_version"}
    with ArticleStore.open(database_url) as store:
        assert store.count_articles() == 0
        assert store.save_article(make_article()) is True
        assert len(store.search("minister")) == 1


def test_sqlite_folder_is_created(tmp_path: Path) -> None:
    path = tmp_path / "deep" / "er" / "store.db"
    with ArticleStore.open(f"sqlite:///{path}") as store:
        assert store.count_articles() == 0
    assert path.is_file()


def test_sqlite_in_memory_works_across_threads(make_article) -> None:
    import threading

    with ArticleStore.open("sqlite://") as store:
        article = make_article()
        worker = threading.Thread(target=store.save_article, args=(article,))
        worker.start()
        worker.join()
        assert store.get_article(article.id) == article


def test_file_that_is_not_a_database(tmp_path: Path) -> None:
    path = tmp_path / "notes.db"
    path.write_text("These are my notes, not a database.\n" * 100)
    with pytest.raises(StorageError, match="not a SQLite database") as caught:
        ArticleStore.open(f"sqlite:///{path}")
    assert str(path) in caught.value.input_name
    assert path.read_text().startswith("These are my notes")  # left untouched


def test_database_path_that_is_a_folder(tmp_path: Path) -> None:
    with pytest.raises(StorageError, match="folder"):
        ArticleStore.open(f"sqlite:///{tmp_path}")


def test_folder_that_cannot_be_created(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(StorageError, match="cannot create the folder"):
        ArticleStore.open(f"sqlite:///{blocker}/sub/store.db")


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("not a url", "not a database URL"),
        ("", "not a database URL"),
        ("mysql://user:hunter2@localhost/db", "unsupported database"),
        ("sqlite+aiosqlite:///x.db", "unsupported database"),
    ],
)
def test_bad_urls(url: str, reason: str) -> None:
    with pytest.raises(StorageError, match=reason) as caught:
        ArticleStore.open(url)
    assert "hunter2" not in str(caught.value)


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_unreachable_server_names_the_url_without_password() -> None:
    url = f"postgresql://analyst:s3cret-pw@127.0.0.1:{_closed_port()}/propwatch"
    with pytest.raises(StorageError, match="cannot open the database") as caught:
        ArticleStore.open(url)
    message = str(caught.value)
    assert "s3cret-pw" not in message
    assert caught.value.input_name.startswith("postgresql://analyst:***@127.0.0.1:")


@pytest.mark.postgres
def test_wrong_password_or_missing_database(postgres_url: str) -> None:
    missing = postgres_url.replace("/postgres?", "/no_such_database?")
    with pytest.raises(StorageError, match="no_such_database"):
        ArticleStore.open(missing)


@pytest.mark.postgres
def test_plain_postgresql_urls_use_psycopg_3(postgres_database_url: str) -> None:
    assert postgres_database_url.startswith("postgresql://")
    with ArticleStore.open(postgres_database_url) as store:
        assert store._engine.dialect.driver == "psycopg"


def test_url_rewriting_and_masking() -> None:
    assert parse_url("postgresql://u:p@h/db").drivername == "postgresql+psycopg"
    assert parse_url("postgres://u:p@h/db").drivername == "postgresql+psycopg"
    assert parse_url("postgresql+psycopg://u@h/db").drivername == "postgresql+psycopg"
    assert parse_url("sqlite:///x.db").drivername == "sqlite"
    assert mask_url("postgresql://user:pa:ss@host:5432/db") == "postgresql://user:***@host:5432/db"
    assert mask_url("postgresql://user@host/db") == "postgresql://user@host/db"
    assert mask_url("sqlite:////tmp/x.db") == "sqlite:////tmp/x.db"
    # an unescaped @ in the password, and passwords in the query, were shown in error messages
    assert mask_url("postgresql://alice:p@ss@host/db") == "postgresql://alice:***@host/db"
    assert (
        mask_url("postgresql://alice@h:5999/news?password=Secret")
        == "postgresql://alice@h:5999/news?password=***"
    )
    assert mask_url("postgresql:///news?host=h&password=Kw&sslmode=require") == (
        "postgresql:///news?host=h&password=***&sslmode=require"
    )


def test_a_sqlite_path_from_the_home_folder_is_expanded(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # the folder was made under the home folder, then the file opened at a literal '~' path
    monkeypatch.setenv("HOME", str(tmp_path))
    assert parse_url("sqlite:///~/news/propwatch.db").database == str(tmp_path / "news" / "propwatch.db")
    with ArticleStore.open("sqlite:///~/news/propwatch.db") as store:
        assert store.count_articles() == 0
    assert (tmp_path / "news" / "propwatch.db").is_file()


def test_engine_is_lazy_and_checks_urls_first(tmp_path: Path) -> None:
    engine = create_store_engine(f"sqlite:///{tmp_path / 'lazy' / 'x.db'}")
    assert not (tmp_path / "lazy" / "x.db").exists()
    engine.dispose()


def test_a_database_of_another_application_is_left_as_it_was(tmp_path: Path) -> None:
    import sqlite3

    path = tmp_path / "notes.db"
    with sqlite3.connect(path) as connection:
        connection.execute("CREATE TABLE notes (body TEXT)")
    with pytest.raises(StorageError, match=r"holds tables of another application \(notes\)"):
        ArticleStore.open(f"sqlite:///{path}")
    with sqlite3.connect(path) as connection:
        tables = [name for (name,) in connection.execute("SELECT name FROM sqlite_master WHERE type='table'")]
    assert tables == ["notes"]


def test_a_current_store_opens_while_another_program_reads_it(tmp_path: Path) -> None:
    # Every open took the write lock to migrate: a DB browser holding a read made `list` fail after 30 s.
    import sqlite3
    import time

    from propwatch.domain import Article
    from propwatch.storage import ArticleStore

    path = tmp_path / "busy.db"
    with ArticleStore.open(f"sqlite:///{path}") as store:
        store.save_article(Article(text="Stored once, read by another program.", language="en"))
    reader = sqlite3.connect(path, isolation_level=None)
    try:
        reader.execute("BEGIN")
        reader.execute("SELECT count(*) FROM articles").fetchone()
        started = time.monotonic()
        with ArticleStore.open(f"sqlite:///{path}", create=False) as store:
            assert store.count_articles() == 1
        assert time.monotonic() - started < 10
    finally:
        reader.execute("COMMIT")
        reader.close()


def test_queries_fold_accents_as_migration_0006_built_the_index() -> None:
    # The migration freezes its own copy of the folding; queries must fold the very same letters.
    import importlib.util

    from propwatch.storage.engine import MIGRATIONS_DIR
    from propwatch.storage.search import unaccented

    spec = importlib.util.spec_from_file_location(
        "m0006", MIGRATIONS_DIR / "versions/0006_unaccented_search.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    accented, base = module._folded_letters()
    assert unaccented(accented) == base and len(accented) > 400
    assert unaccented("Łódź Ørsted") == "Łodz Ørsted"


def _store_of_an_older_propwatch(url: str, make_article) -> None:
    """A store with one article, at schema 0005 (as propwatch made it before migration 0006)."""
    with ArticleStore.open(url) as store:
        store.save_article(make_article())
        with store._engine.begin() as connection:
            command.downgrade(alembic_config(connection), "0005")


def test_an_older_store_is_upgraded_once_and_says_so(
    database_url: str, make_article, caplog: pytest.LogCaptureFixture
) -> None:
    _store_of_an_older_propwatch(database_url, make_article)
    with (
        caplog.at_level("WARNING", logger="propwatch.storage.engine"),
        ArticleStore.open(database_url, create=False) as store,
    ):
        assert current_revision(store._engine) == head_revision()
        assert store.count_articles() == 1
    assert "upgraded the store" in caplog.text and "from schema 0005 to 0008" in caplog.text
    caplog.clear()
    with caplog.at_level("WARNING", logger="propwatch.storage.engine"), ArticleStore.open(database_url):
        pass
    assert "upgraded" not in caplog.text


def test_an_older_store_opened_read_only_says_it_needs_one_upgrade(tmp_path: Path, make_article) -> None:
    # Every read command said only "attempt to write a readonly database".
    path = tmp_path / "old.db"
    _store_of_an_older_propwatch(f"sqlite:///{path}", make_article)
    with pytest.raises(
        StorageError, match=r"made by an older propwatch \(schema 0005; this version reads 0008\)"
    ):
        ArticleStore.open(f"sqlite:///file:{path}?mode=ro&uri=true", create=False)
    with ArticleStore.open(f"sqlite:///{path}") as store:  # with write access, once
        assert store.count_articles() == 1
    with ArticleStore.open(f"sqlite:///file:{path}?mode=ro&uri=true", create=False) as store:
        assert store.count_articles() == 1


def test_a_store_of_a_newer_propwatch_is_refused_and_left_as_it_is(database_url: str) -> None:
    with ArticleStore.open(database_url) as store, store._engine.begin() as connection:
        connection.exec_driver_sql("UPDATE alembic_version SET version_num = '0099'")
    with pytest.raises(
        StorageError, match=r"made by a newer propwatch: its schema 0099 is unknown .* Nothing was"
    ):
        ArticleStore.open(database_url)
    engine = create_store_engine(database_url)
    try:
        assert current_revision(engine) == "0099"
    finally:
        engine.dispose()


@pytest.mark.postgres
def test_an_upgrade_blocked_by_a_reader_says_what_holds_it(
    postgres_database_url: str, make_article, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Migration 0006's ALTER TABLE waited without end behind a reader, and every reader behind it.
    import psycopg

    from propwatch.storage import engine as engine_module

    monkeypatch.setattr(engine_module, "_UPGRADE_LOCK_SECONDS", 1)
    _store_of_an_older_propwatch(postgres_database_url, make_article)
    with psycopg.connect(postgres_database_url) as reader:
        reader.execute("SELECT count(*) FROM articles").fetchone()  # a transaction left open
        with pytest.raises(StorageError, match="another program is using it"):
            ArticleStore.open(postgres_database_url)
    with ArticleStore.open(postgres_database_url) as store:
        assert store.count_articles() == 1
