"""The authors a page's extraction names: trafilatura hands over a byline's words as well as its names."""

from __future__ import annotations

import re

from propwatch.domain import AUTHOR_SEPARATOR

# What trafilatura keeps of a byline besides the names: its opening word and the publication line after a
# bar ("Por Laura Gómez | Publicado el 3 de febrero" gave the author "Por Laura Gómez; Publicado el").
# "von", "di", "de" only before two capitalised words: "De Luca", "Di Maio", "von der Leyen" are names.
_BYLINE_WORD = re.compile(
    r"^(?:(?i:by|por|par|door|autor:?|auteur\s*:|автор:?)\s+(?=\S)"
    r"|(?:[Vv]on|[Dd]i|[Dd]e)\s+(?=[A-ZÀ-ÖØ-Þ]\S*\s+[A-ZÀ-ÖØ-Þ]))"
)
_PUBLICATION_WORD = re.compile(
    r"^(?:published|posted|updated|publicado|actualizado|publicada|publié|mis à jour|veröffentlicht"
    r"|aktualisiert|pubblicato|aggiornato|opublikowano|zaktualizowano|опубликовано|обновлено|gepubliceerd"
    r"|bijgewerkt|publicat|actualizat)\b",
    re.IGNORECASE,
)


def byline_authors(value: str | None) -> str | None:
    """The names of trafilatura's author field, without a byline's opening word or publication line."""
    if value is None:
        return None
    names = [_BYLINE_WORD.sub("", name.strip()) for name in value.split(AUTHOR_SEPARATOR)]
    kept = [name for name in names if name and not _PUBLICATION_WORD.match(name)]
    return AUTHOR_SEPARATOR.join(kept) or None
