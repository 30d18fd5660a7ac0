"""PostgreSQL full-text search ignores accents, as SQLite's does ("elysee" finds "Élysée").

SQLite's FTS5 index has always folded the diacritics of Latin letters (unicode61 remove_diacritics 2);
PostgreSQL's tsvector kept them, so the same query found different articles on the two backends. The
tsvector is now built from the text with each accented Latin letter replaced by its base letter (the
letters whose canonical decomposition is a base letter and combining marks only, as FTS5 folds them:
"ł" and "ø" have none and stay). Queries are folded the same way (propwatch.storage.search).

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-05

"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

from alembic import op

revision: str = "0006"
down_revision: str | Sequence[str] | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Latin-1 Supplement, Latin Extended-A and -B, Latin Extended Additional: where accented letters live.
_LATIN_RANGES = ((0x00C0, 0x0250), (0x1E00, 0x1F00))


def _folded_letters() -> tuple[str, str]:
    """(accented, base): the letters translate() folds, frozen here as this migration made them."""
    accented, base = [], []
    for first, stop in _LATIN_RANGES:
        for code in range(first, stop):
            letter = chr(code)
            parts = unicodedata.normalize("NFD", letter)
            marks = parts[1:]
            if marks and parts[0].isascii() and all(unicodedata.category(c) == "Mn" for c in marks):
                accented.append(letter)
                base.append(parts[0])
    return "".join(accented), "".join(base)


TITLE = "coalesce(title, '')"


def _vector(fold: bool) -> str:
    accented, base = _folded_letters()

    def text(expression: str) -> str:
        return f"translate({expression}, '{accented}', '{base}')" if fold else expression

    return (
        "ALTER TABLE articles ADD COLUMN search_vector tsvector GENERATED ALWAYS AS ("
        f"setweight(to_tsvector('simple'::regconfig, {text(TITLE)}), 'A') || "
        f"setweight(to_tsvector('simple'::regconfig, {text('left(text, 200000)')}), 'B')) STORED"
    )


def _rebuild(fold: bool) -> None:
    if op.get_bind().dialect.name != "postgresql":
        return  # SQLite's FTS5 index folds accents already
    op.execute("ALTER TABLE articles DROP COLUMN search_vector")  # its GIN index goes with it
    op.execute(_vector(fold))
    op.execute("CREATE INDEX ix_articles_search_vector ON articles USING gin (search_vector)")


def upgrade() -> None:
    _rebuild(fold=True)


def downgrade() -> None:
    _rebuild(fold=False)
