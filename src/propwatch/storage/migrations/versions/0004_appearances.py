"""Appearances: where and when a stored text was met again (another URL, outlet, date or headline).

The articles table keeps one row per text; an exact copy republished elsewhere used to leave no trace,
so republication clusters read from the store missed it and could name the wrong origin.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-05

"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | Sequence[str] | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "appearances",
        sa.Column("pk", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("article_pk", sa.Integer(), nullable=False),
        sa.Column("url", sa.Text(), nullable=True),
        sa.Column("outlet", sa.Text(), nullable=True),
        sa.Column("published", sa.Date(), nullable=True),
        sa.Column("title", sa.Text(), nullable=True),
        sa.Column("origin", sa.Text(), nullable=True),
        sa.Column("stored_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["article_pk"], ["articles.pk"], name="fk_appearances_article_pk_articles", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("pk", name="pk_appearances"),
    )
    op.create_index("ix_appearances_article_pk", "appearances", ["article_pk"])


def downgrade() -> None:
    op.drop_index("ix_appearances_article_pk", table_name="appearances")
    op.drop_table("appearances")
