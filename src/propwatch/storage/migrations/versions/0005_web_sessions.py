"""Web sessions of the server: a browser signed in with a token holds a session secret, not the token.

The cookie used to hold the API token itself, valid until revoked, and signing out only dropped it
from the browser. A session is kept as the SHA-256 of its secret, the token it stands for and when it
expires; signing out deletes it, and revoking the token ends it.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-05

"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "web_sessions",
        sa.Column("pk", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("session_hash", sa.String(length=64), nullable=False),
        sa.Column("token_pk", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["token_pk"], ["api_tokens.pk"], name="fk_web_sessions_token_pk_api_tokens", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("pk", name="pk_web_sessions"),
        sa.UniqueConstraint("session_hash", name="uq_web_sessions_session_hash"),
    )
    op.create_index("ix_web_sessions_token_pk", "web_sessions", ["token_pk"])
    op.create_index("ix_web_sessions_expires_at", "web_sessions", ["expires_at"])


def downgrade() -> None:
    op.drop_index("ix_web_sessions_expires_at", table_name="web_sessions")
    op.drop_index("ix_web_sessions_token_pk", table_name="web_sessions")
    op.drop_table("web_sessions")
