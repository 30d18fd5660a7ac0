"""Names written in another script than the article's language: a Russian quote in an English, German,
French, Italian or Polish article, an English one in a Russian article (docs/targets.md, "Names in
another script").

The catalogue is otherwise read in the article's language only, so "Россию" in an English article and
"Kremlin" in a Russian one were no mentions, or, tagged by NER, targets of their own beside Russia.

* In a text whose language is not Russian, the catalogue's Russian names are looked for in its Cyrillic
  stretches, on Russian lemmas ("Россию", "Беларуси"); in a Russian text, the Latin-script names of every
  language in its Latin stretches ("Kremlin's", "Kyiv"). Both only where the usual reading found nothing.
* The taggers of Latin-script languages read Cyrillic words as names ("Распространите", "Путин и
  Лукашенко"): what they tag with a Cyrillic letter is dropped (:func:`misread`). Natasha tags Latin
  names well ("Reuters", "The Washington Post"): they stay.
* A Latin-script mention in a Russian text is looked up in every language's names (:func:`lookup`).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import replace
from typing import Final

from propwatch.targets.aliases import AliasCatalogue, CatalogueMatch, Entity

_CYRILLIC: Final = "\u0400-\u04ff"
_LATIN: Final = "A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f"
# From one letter of a script to the last before a letter of the other: a quote, a name, a word.
_STRETCH: Final = {
    "cyrillic": re.compile(rf"[{_CYRILLIC}](?:[^{_LATIN}]*[{_CYRILLIC}])?"),
    "latin": re.compile(rf"[{_LATIN}](?:[^{_CYRILLIC}]*[{_LATIN}])?"),
}
_HAS_CYRILLIC: Final = re.compile(f"[{_CYRILLIC}]")
_HAS_LATIN: Final = re.compile(f"[{_LATIN}]")


def stretches(text: str, script: str) -> list[tuple[int, int]]:
    """The stretches of ``text`` written in ``script`` ("cyrillic" or "latin")."""
    return [(m.start(), m.end()) for m in _STRETCH[script].finditer(text)]


def other_script_matches(
    text: str, language: str | None, catalogue: AliasCatalogue, found: Sequence[CatalogueMatch]
) -> list[CatalogueMatch]:
    """``found`` (the catalogue's matches in ``language``) and those of the other script that overlap
    none of them, in order of position."""
    if language == "ru":
        script, other, present = "latin", None, _HAS_LATIN
    else:
        script, other, present = "cyrillic", "ru", _HAS_CYRILLIC
    if not present.search(text):
        return list(found)  # most texts: nothing to read twice
    # Only the other script's stretches are read ("Russia" in the Russian table is no Cyrillic name),
    # put side by side: scanning a text of blanks for every name costs as much as reading it.
    pieces: list[str] = []
    starts: list[tuple[int, int]] = []  # where each stretch starts, side by side and in the text
    at = done = 0
    for start, end in stretches(text, script):
        gap = ("\n" if "\n" in text[done:start] else "  ") if pieces else ""  # a name goes on over no gap
        pieces += [gap, text[start:end]]
        starts.append((at + len(gap), start))
        at, done = at + len(gap) + end - start, end
    keys = [key for key, _ in starts]

    def origin(position: int) -> int:
        key, start = starts[bisect_right(keys, position) - 1]
        return start + position - key

    added = []
    for match in catalogue.find("".join(pieces), other):
        start, end = origin(match.start), origin(match.end - 1) + 1
        if all(end <= f.start or f.end <= start for f in found):
            added.append(replace(match, start=start, end=end))
    return sorted([*found, *added], key=lambda m: m.start) if added else list(found)


def misread(text: str, start: int, end: int, language: str | None) -> bool:
    """Whether a tagger of another language than Russian (all of them Latin-script) tagged Cyrillic words:
    mostly junk ("Распространите"), and the catalogue reads those stretches."""
    return language != "ru" and _HAS_CYRILLIC.search(text, start, end) is not None


def lookup(catalogue: AliasCatalogue, form: str, language: str | None) -> Entity | None:
    """The catalogued entity a whole mention names: in ``language``, or, for a Latin-script mention in a
    Russian text, in any language ("Kremlin's" → Russia), as :func:`~.aliases.canonical_target` reads it."""
    known = catalogue.lookup(form, language)
    if known is None and language == "ru" and not _HAS_CYRILLIC.search(form):
        known = catalogue.lookup(form, None)
    return known
