"""MinHash signatures and LSH band buckets of stored articles (republication detection).

Revision ID: 0003
Revises: 0002
Create Date: 2025-12-01

"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "minhash_signatures",
        sa.Column("article_pk", sa.Integer(), nullable=False),
        sa.Column("params", sa.String(length=128), nullable=False),
        sa.Column("hashvalues", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["article_pk"],
            ["articles.pk"],
            name="fk_minhash_signatures_article_pk_articles",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("article_pk", name="pk_minhash_signatures"),
    )
    op.create_table(
        "minhash_bands",
        sa.Column("article_pk", sa.Integer(), nullable=False),
        sa.Column("band", sa.Integer(), nullable=False),
        sa.Column("bucket", sa.String(length=16), nullable=False),
        sa.ForeignKeyConstraint(
            ["article_pk"],
            ["articles.pk"],
            name="fk_minhash_bands_article_pk_articles",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("article_pk", "band", name="pk_minhash_bands"),
    )
    op.create_index("ix_minhash_bands_band_bucket", "minhash_bands", ["band", "bucket"])


def downgrade() -> None:
    op.drop_index("ix_minhash_bands_band_bucket", table_name="minhash_bands")
    op.drop_table("minhash_bands")
    op.drop_table("minhash_signatures")
