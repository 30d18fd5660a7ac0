"""Initial schema: articles, analyses per model version, spans, labels, full-text index.

Revision ID: 0001
Revises:
Create Date: 2025-11-29

"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# External-content FTS5 table over articles(title, text), kept in sync by triggers.
_SQLITE_FTS = (
    "CREATE VIRTUAL TABLE articles_fts USING fts5("
    "title, text, content='articles', content_rowid='pk', tokenize='unicode61 remove_diacritics 2')",
    "CREATE TRIGGER articles_fts_ai AFTER INSERT ON articles BEGIN "
    "INSERT INTO articles_fts(rowid, title, text) VALUES (new.pk, new.title, new.text); END",
    "CREATE TRIGGER articles_fts_ad AFTER DELETE ON articles BEGIN "
    "INSERT INTO articles_fts(articles_fts, rowid, title, text) "
    "VALUES ('delete', old.pk, old.title, old.text); END",
    "CREATE TRIGGER articles_fts_au AFTER UPDATE OF title, text ON articles BEGIN "
    "INSERT INTO articles_fts(articles_fts, rowid, title, text) "
    "VALUES ('delete', old.pk, old.title, old.text); "
    "INSERT INTO articles_fts(rowid, title, text) VALUES (new.pk, new.title, new.text); END",
)

# 'simple' config: no stemming or stop words, so every language is searchable the same way.
# Only the first 200,000 characters are indexed: PostgreSQL refuses a tsvector over 1 MB.
_POSTGRES_FTS = (
    "ALTER TABLE articles ADD COLUMN search_vector tsvector GENERATED ALWAYS AS ("
    "setweight(to_tsvector('simple'::regconfig, coalesce(title, '')), 'A') || "
    "setweight(to_tsvector('simple'::regconfig, left(text, 200000)), 'B')) STORED",
    "CREATE INDEX ix_articles_search_vector ON articles USING gin (search_vector)",
)


def upgrade() -> None:
    op.create_table(
        "articles",
        sa.Column("pk", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("id", sa.String(length=16), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("title", sa.Text(), nullable=True),
        sa.Column("url", sa.Text(), nullable=True),
        sa.Column("published", sa.Date(), nullable=True),
        sa.Column("place", sa.Text(), nullable=True),
        sa.Column("author", sa.Text(), nullable=True),
        sa.Column("outlet", sa.Text(), nullable=True),
        sa.Column("genre_tag", sa.Text(), nullable=True),
        sa.Column("sources", sa.JSON(), nullable=False),
        sa.Column("quoted_outlets", sa.JSON(), nullable=False),
        sa.Column("language", sa.String(length=16), nullable=True),
        sa.Column("origin", sa.Text(), nullable=True),
        sa.Column("external_id", sa.Text(), nullable=True),
        sa.Column("raw", sa.Text(), nullable=True),
        sa.Column("raw_format", sa.String(length=32), nullable=False),
        sa.Column("stored_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("pk", name="pk_articles"),
        sa.UniqueConstraint("id", name="uq_articles_id"),
        sa.UniqueConstraint("content_hash", name="uq_articles_content_hash"),
    )
    op.create_index("ix_articles_outlet", "articles", ["outlet"])
    op.create_index("ix_articles_language", "articles", ["language"])
    op.create_index("ix_articles_genre_tag", "articles", ["genre_tag"])
    op.create_index("ix_articles_published", "articles", ["published"])
    op.create_index("ix_articles_stored_at", "articles", ["stored_at"])

    op.create_table(
        "analyses",
        sa.Column("pk", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("article_pk", sa.Integer(), nullable=False),
        sa.Column("model_version", sa.Text(), nullable=False),
        sa.Column("analyzers", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("stored_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("n_spans", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["article_pk"], ["articles.pk"], name="fk_analyses_article_pk_articles", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("pk", name="pk_analyses"),
        sa.UniqueConstraint("article_pk", "model_version", name="uq_analyses_article_pk_model_version"),
    )

    op.create_table(
        "spans",
        sa.Column("pk", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("analysis_pk", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("start_char", sa.Integer(), nullable=False),
        sa.Column("end_char", sa.Integer(), nullable=False),
        sa.Column("label", sa.Text(), nullable=False),
        sa.Column("score", sa.Float(), nullable=True),
        sa.Column("analyzer", sa.Text(), nullable=False),
        sa.CheckConstraint("start_char >= 0 AND end_char > start_char", name=op.f("ck_spans_ordered")),
        sa.ForeignKeyConstraint(
            ["analysis_pk"], ["analyses.pk"], name="fk_spans_analysis_pk_analyses", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("pk", name="pk_spans"),
    )
    op.create_index("ix_spans_analysis_pk", "spans", ["analysis_pk"])
    op.create_index("ix_spans_label", "spans", ["label"])

    op.create_table(
        "labels",
        sa.Column("pk", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("analysis_pk", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("score", sa.Float(), nullable=True),
        sa.Column("analyzer", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["analysis_pk"], ["analyses.pk"], name="fk_labels_analysis_pk_analyses", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("pk", name="pk_labels"),
    )
    op.create_index("ix_labels_analysis_pk", "labels", ["analysis_pk"])
    op.create_index("ix_labels_name", "labels", ["name"])

    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for statement in _SQLITE_FTS:
            op.execute(statement)
    elif dialect == "postgresql":
        for statement in _POSTGRES_FTS:
            op.execute(statement)
    else:
        raise RuntimeError(f"propwatch has no full-text index for the {dialect} database")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for trigger in ("articles_fts_ai", "articles_fts_ad", "articles_fts_au"):
            op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
        op.execute("DROP TABLE IF EXISTS articles_fts")
    op.drop_table("labels")
    op.drop_table("spans")
    op.drop_table("analyses")
    op.drop_table("articles")
