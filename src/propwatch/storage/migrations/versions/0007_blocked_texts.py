"""Blocked texts: what `propwatch delete --block` removed is refused if it comes again.

A takedown deleted an article, and the feed watcher stored it again at its next poll (as would ingest,
analyze or the API). The block keeps only digests: the SHA-256 of the text and of each normalised URL
it was met under, with the article id and when it was blocked.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-05

"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | Sequence[str] | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "blocked_texts",
        sa.Column("pk", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("article_id", sa.String(length=16), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("blocked_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("pk", name="pk_blocked_texts"),
        sa.UniqueConstraint("kind", "digest", name="uq_blocked_texts_kind_digest"),
    )
    op.create_index("ix_blocked_texts_article_id", "blocked_texts", ["article_id"])


def downgrade() -> None:
    op.drop_index("ix_blocked_texts_article_id", table_name="blocked_texts")
    op.drop_table("blocked_texts")
