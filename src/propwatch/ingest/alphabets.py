"""Which language's alphabet a decoding fits: the tie-break between legacy encodings that a detector
scores alike (cp1250 and cp1252 read the same Czech bytes as "obviňuje" and "obviòuje").

Only letters outside ASCII count. A right decoding spells its language with that language's letters;
a wrong one mixes letters no single language has (ø and ì in one Czech word) or puts symbols (¹, ³, ¿)
inside words.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass

# Non-ASCII lower-case letters of languages written in the legacy code pages a detector confuses
# (cp1250-cp1258, ISO-8859-1/2/4/9/10/13/15/16, KOI8); names as charset-normalizer spells them.
_ALPHABETS: dict[str, str] = {
    "Czech": "áčďéěíňóřšťúůýž",
    "Slovak": "áäčďéíĺľňóôŕšťúýž",
    "Polish": "ąćęłńóśźż",
    "Hungarian": "áéíóöőúüű",
    "Croatian": "čćđšž",
    "Slovene": "čšž",
    "Romanian": "ăâîșțşţ",
    "Albanian": "çë",
    "German": "äöüß",
    "French": "àâæçéèêëîïôœùûüÿ",
    "Spanish": "áéíñóúü",
    "Catalan": "àçéèíïóòúü·",
    "Italian": "àèéìíîòóùú",
    "Portuguese": "áâãàçéêíóôõú",
    "Dutch": "áéèëíïóöúü",
    "Swedish": "åäöé",
    "Danish": "æøåé",
    "Norwegian": "æøåéèêóòô",
    "Finnish": "äöåšž",
    "Icelandic": "áðéíóúýþæö",
    "Estonian": "äõöüšž",
    "Latvian": "āčēģīķļņšūž",
    "Lithuanian": "ąčęėįšųūž",
    "Turkish": "çğıöşüâîû",
    "Irish": "áéíóú",
    "Russian": "абвгдеёжзийклмнопрстуфхцчшщъыьэюя",
    "Ukrainian": "абвгґдеєжзиіїйклмнопрстуфхцчшщьюя",
    "Belarusian": "абвгдеёжзійклмнопрстуўфхцчшыьэюя",
    "Bulgarian": "абвгдежзийклмнопрстуфхцчшщъьюя",
    "Serbian": "абвгдђежзијклљмнњопрстћуфхцчџш",
    "Macedonian": "абвгдѓежзѕијклљмнњопрстќуфхцчџш",
    "Greek": "αβγδεζηθικλμνξοπρσςτυφχψωάέήίόύώϊϋΐΰ",
}
_LETTERS = {name: frozenset(letters) for name, letters in _ALPHABETS.items()}
# Symbols that are punctuation in every language, so never a sign of a wrong decoding beside a letter.
_PUNCTUATION = frozenset("«»„“”‘’‚‹›–—…•·°§€£¥©®™¡¿\u00a0\u202f")
# The letters of this many characters from the start say which alphabet a text is in.
_SAMPLE_CHARS = 100_000


@dataclass(frozen=True)
class Fit:
    """How a text fits its best-matching alphabets, ``languages``: ``misfits`` counts the non-ASCII
    letters none of them has, loose combining marks, symbols touching a letter and non-Latin letters
    touching an ASCII one; ``letters`` the non-ASCII letters in all."""

    misfits: int
    letters: int
    languages: frozenset[str]


def alphabet_fit(text: str) -> Fit:
    """The languages whose alphabets spell the non-ASCII letters of ``text`` with the fewest misfits."""
    sample = text[:_SAMPLE_CHARS]
    counts = Counter(sample)
    letters: Counter[str] = Counter()
    symbols = []
    foreign = []
    marks = 0
    for char, count in counts.items():
        if char.isascii():
            continue
        if unicodedata.category(char) == "Mn":
            marks += count  # cp1258 reads Italian "rivendicò" as "rivendic̣": no alphabet here has loose marks
        elif char.isalpha():
            lower = char.lower()[:1]  # "İ" lowers to "i" and a combining dot
            if not lower.isascii():
                letters[lower] += count
            if not unicodedata.name(char, "").startswith("LATIN"):
                foreign.append(char)
        elif not (char in _PUNCTUATION or char.isspace()):
            symbols.append(char)
    scores = {
        name: sum(count for letter, count in letters.items() if letter not in alphabet)
        for name, alphabet in _LETTERS.items()
    }
    best = min(scores.values())
    languages = frozenset(name for name, score in scores.items() if score == best)
    misfits = best + marks + _beside_letters(sample, symbols, foreign)
    return Fit(misfits=misfits, letters=sum(letters.values()), languages=languages)


def _beside_letters(text: str, symbols: list[str], foreign: list[str]) -> int:
    """How many of ``symbols`` in ``text`` touch a letter, and of ``foreign`` (non-Latin) letters touch an
    ASCII one: "Za¿ó³æ" and "¹táty" are cp1252's and Latin-1's reading of Polish and Slovak, and a
    Cyrillic letter inside a Latin word a DOS code page's reading of an Italian "è"."""
    found = 0
    for chars, beside in ((symbols, r"[^\W\d_]"), (foreign, "[A-Za-z]")):
        if chars:
            these = "[" + re.escape("".join(chars)) + "]"
            found += len(re.findall(f"(?<={beside}){these}|{these}(?={beside})", text))
    return found
