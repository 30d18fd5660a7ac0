"""PostgreSQL full-text search splits words at punctuation, as SQLite's does ("covid 19" finds "COVID-19").

PostgreSQL's default parser kept some strings whole that SQLite's FTS5 index splits into words:
"Security/War" was one file-name token, "COVID-19" was "covid" and "-19", "7.1", URLs and e-mail
addresses one token each; "covid 19" found 103 articles of a store where SQLite found 995. The tsvector
is now built from the text with every punctuation mark of :data:`SEPARATORS` replaced by a space (after
the accents are folded, migration 0006); queries are split the same way (propwatch.storage.search).

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-05

"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

from alembic import op

revision: str = "0008"
down_revision: str | Sequence[str] | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# ASCII punctuation and the dashes, quotes and dots of other scripts, frozen as this migration made them.
SEPARATORS = (
    "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"
    "\u00a0\u00ab\u00b7\u00bb\u2010\u2011\u2012\u2013\u2014\u2015\u2018\u2019\u201a\u201c\u201d\u201e"
    "\u2026\u2212"
)
_LATIN_RANGES = ((0x00C0, 0x0250), (0x1E00, 0x1F00))
TITLE = "coalesce(title, '')"


def _folded_letters() -> tuple[str, str]:
    """(accented, base) as migration 0006 froze them."""
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


def _literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _vector(split: bool) -> str:
    accented, base = _folded_letters()

    def text(expression: str) -> str:
        folded = f"translate({expression}, '{accented}', '{base}')"
        if not split:
            return folded
        return f"translate({folded}, {_literal(SEPARATORS)}, {_literal(' ' * len(SEPARATORS))})"

    return (
        "ALTER TABLE articles ADD COLUMN search_vector tsvector GENERATED ALWAYS AS ("
        f"setweight(to_tsvector('simple'::regconfig, {text(TITLE)}), 'A') || "
        f"setweight(to_tsvector('simple'::regconfig, {text('left(text, 200000)')}), 'B')) STORED"
    )


def _rebuild(split: bool) -> None:
    if op.get_bind().dialect.name != "postgresql":
        return  # SQLite's FTS5 index splits at punctuation already
    op.execute("ALTER TABLE articles DROP COLUMN search_vector")  # its GIN index goes with it
    op.execute(_vector(split))
    op.execute("CREATE INDEX ix_articles_search_vector ON articles USING gin (search_vector)")


def upgrade() -> None:
    _rebuild(split=True)


def downgrade() -> None:
    _rebuild(split=False)
