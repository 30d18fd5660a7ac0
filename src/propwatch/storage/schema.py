"""The tables, as the store queries them.

The DDL itself lives in the Alembic migrations (``migrations/versions``); a test checks that a
database migrated to head matches this metadata, so the two cannot drift apart. The full-text
index (SQLite FTS5 table and triggers, PostgreSQL tsvector column) is dialect-specific and exists
only in the migrations; :mod:`propwatch.storage.search` queries it with plain SQL.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Column,
    Date,
    DateTime,
    Dialect,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
    TypeDecorator,
    UniqueConstraint,
)

# Names of the dialect-specific search objects the migrations create (and schema comparison ignores).
FTS_TABLE = "articles_fts"
TSVECTOR_COLUMN = "search_vector"
# PostgreSQL refuses a tsvector over 1 MB; indexing the first 200,000 characters stays well under it.
TSVECTOR_TEXT_CHARS = 200_000


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC datetimes on every backend (SQLite stores them naive, as UTC)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        value = value.astimezone(UTC)
        # SQLite's DATETIME has no zone: store the UTC wall time.
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        assert isinstance(value, datetime)
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_name)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

articles = Table(
    "articles",
    metadata,
    # Integer surrogate key: FTS5 external-content tables need an integer rowid.
    Column("pk", Integer, primary_key=True, autoincrement=True),
    Column("id", String(16), nullable=False, unique=True),
    Column("content_hash", String(64), nullable=False, unique=True),
    Column("text", Text, nullable=False),
    Column("title", Text),
    Column("url", Text),
    Column("published", Date),
    Column("place", Text),
    Column("author", Text),
    Column("outlet", Text),
    Column("genre_tag", Text),
    Column("sources", JSON, nullable=False),
    Column("quoted_outlets", JSON, nullable=False),
    Column("language", String(16)),
    Column("origin", Text),
    Column("external_id", Text),
    Column("raw", Text),
    Column("raw_format", String(32), nullable=False),
    Column("stored_at", UTCDateTime, nullable=False),
    Index("ix_articles_outlet", "outlet"),
    Index("ix_articles_language", "language"),
    Index("ix_articles_genre_tag", "genre_tag"),
    Index("ix_articles_published", "published"),
    Index("ix_articles_stored_at", "stored_at"),
)

analyses = Table(
    "analyses",
    metadata,
    Column("pk", Integer, primary_key=True, autoincrement=True),
    Column("article_pk", Integer, ForeignKey("articles.pk", ondelete="CASCADE"), nullable=False),
    Column("model_version", Text, nullable=False),
    Column("analyzers", JSON, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("stored_at", UTCDateTime, nullable=False),
    # Kept here so article listings need not count spans.
    Column("n_spans", Integer, nullable=False),
    UniqueConstraint("article_pk", "model_version", name="uq_analyses_article_pk_model_version"),
)

spans = Table(
    "spans",
    metadata,
    Column("pk", Integer, primary_key=True, autoincrement=True),
    Column("analysis_pk", Integer, ForeignKey("analyses.pk", ondelete="CASCADE"), nullable=False),
    Column("position", Integer, nullable=False),
    Column("start_char", Integer, nullable=False),
    Column("end_char", Integer, nullable=False),
    Column("label", Text, nullable=False),
    Column("score", Float),
    Column("analyzer", Text, nullable=False),
    CheckConstraint("start_char >= 0 AND end_char > start_char", name="ordered"),
    Index("ix_spans_analysis_pk", "analysis_pk"),
    Index("ix_spans_label", "label"),
)

labels = Table(
    "labels",
    metadata,
    Column("pk", Integer, primary_key=True, autoincrement=True),
    Column("analysis_pk", Integer, ForeignKey("analyses.pk", ondelete="CASCADE"), nullable=False),
    Column("position", Integer, nullable=False),
    Column("name", Text, nullable=False),
    Column("value", Text, nullable=False),
    Column("score", Float),
    Column("analyzer", Text, nullable=False),
    Index("ix_labels_analysis_pk", "analysis_pk"),
    Index("ix_labels_name", "name"),
)

# API tokens of `propwatch serve`; only a SHA-256 of each secret is kept (migration 0002).
api_tokens = Table(
    "api_tokens",
    metadata,
    Column("pk", Integer, primary_key=True, autoincrement=True),
    Column("name", String(100), nullable=False, unique=True),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("prefix", String(16), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("last_used_at", UTCDateTime),
    Column("revoked_at", UTCDateTime),
)

# Browser sessions of `propwatch serve`: a sign-in with a token gives the browser a session secret of its
# own, kept here as a SHA-256 only, which ends when it expires, on sign-out or when the token is revoked
# (migration 0005).
web_sessions = Table(
    "web_sessions",
    metadata,
    Column("pk", Integer, primary_key=True, autoincrement=True),
    Column("session_hash", String(64), nullable=False, unique=True),
    Column("token_pk", Integer, ForeignKey("api_tokens.pk", ondelete="CASCADE"), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("expires_at", UTCDateTime, nullable=False),
    Index("ix_web_sessions_token_pk", "token_pk"),
    Index("ix_web_sessions_expires_at", "expires_at"),
)

# Texts deleted with `propwatch delete --block` (a takedown), kept as digests only: the SHA-256 of the text
# (kind "text") and of each URL it was met under, normalised (kind "url"), so that no stored copy of the
# words remains while ingest, analyze, watch and the API refuse it if it comes again (migration 0007).
blocked_texts = Table(
    "blocked_texts",
    metadata,
    Column("pk", Integer, primary_key=True, autoincrement=True),
    Column("article_id", String(16), nullable=False),
    Column("kind", String(8), nullable=False),
    Column("digest", String(64), nullable=False),
    Column("blocked_at", UTCDateTime, nullable=False),
    UniqueConstraint("kind", "digest", name="uq_blocked_texts_kind_digest"),
    Index("ix_blocked_texts_article_id", "article_id"),
)

# MinHash signatures of stored articles and their LSH band buckets, for republication detection
# (propwatch.republication; migration 0003).
# Where and when a stored text was met again: another URL, outlet, date or headline (migration 0004).
appearances = Table(
    "appearances",
    metadata,
    Column("pk", Integer, primary_key=True, autoincrement=True),
    Column("article_pk", Integer, ForeignKey("articles.pk", ondelete="CASCADE"), nullable=False),
    Column("url", Text),
    Column("outlet", Text),
    Column("published", Date),
    Column("title", Text),
    Column("origin", Text),
    Column("stored_at", UTCDateTime, nullable=False),
    Index("ix_appearances_article_pk", "article_pk"),
)

minhash_signatures = Table(
    "minhash_signatures",
    metadata,
    Column("article_pk", Integer, ForeignKey("articles.pk", ondelete="CASCADE"), primary_key=True),
    Column("params", String(128), nullable=False),
    Column("hashvalues", LargeBinary, nullable=False),
)

minhash_bands = Table(
    "minhash_bands",
    metadata,
    Column("article_pk", Integer, ForeignKey("articles.pk", ondelete="CASCADE"), nullable=False),
    Column("band", Integer, nullable=False),
    Column("bucket", String(16), nullable=False),
    PrimaryKeyConstraint("article_pk", "band", name="pk_minhash_bands"),
    Index("ix_minhash_bands_band_bucket", "band", "bucket"),
)
