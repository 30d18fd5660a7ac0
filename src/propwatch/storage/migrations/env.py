"""Alembic environment of propwatch's database.

The store runs migrations itself (``propwatch.storage.engine.migrate``) and hands its open
connection in ``config.attributes["connection"]``. Developers can also run the alembic command
with ``-x url=sqlite:///some.db`` (or ``sqlalchemy.url`` set in a Config) to try a new revision.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection, create_engine, pool

from propwatch.storage.engine import parse_url
from propwatch.storage.schema import metadata

config = context.config


def _url() -> str:
    url = context.get_x_argument(as_dictionary=True).get("url") or config.get_main_option("sqlalchemy.url")
    if not url:
        raise RuntimeError("no database: pass -x url=… or set sqlalchemy.url")
    return url


def _configure(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        # SQLite cannot ALTER most things; batch mode recreates the table instead.
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )


def run_offline() -> None:
    context.configure(url=_url(), target_metadata=metadata, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _configure(connection)
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = create_engine(parse_url(_url()), poolclass=pool.NullPool)
    with engine.connect() as own_connection:
        _configure(own_connection)
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


if context.is_offline_mode():
    run_offline()
else:
    run_online()
