"""Which language's alphabet a decoding fits: the tie-break between legacy encodings that a detector
scores alike (cp1250 and cp1252 read the same Czech bytes as "obviňuje" and "obviòuje").

Only letters outside ASCII count, each by how common it is in the language: a right decoding spells its
language with that language's everyday letters (French "dernière": é and è; cp1250's "derničre" is
Czech-looking but without í, á, ě or ý). A wrong one mixes letters no single language has (ø and ì in one
Czech word), puts symbols (¹, ³, ¿) inside words, makes a word of a letter the language never writes
alone (cp1250's "ŕ Rome", "č arrivato" for French "à", Italian "è") or spells what the language never
writes ("ľe" for ISO-8859-2's Czech "že"). A foreign name's letter costs little ("Orbán" in French).
"""

from __future__ import annotations

import itertools
import math
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

# Non-ASCII lower-case letters of languages written in the legacy code pages a detector confuses
# (cp1250-cp1258, ISO-8859-1/2/4/9/10/13/15/16, KOI8), each with its rough share (per cent) of the
# language's non-ASCII letters: French, German, Italian and Polish counted on SemEval 2023 articles, the
# rest estimated; an alphabet without shares counts its letters alike. Names as charset-normalizer's.
_SHARES: dict[str, str] = {
    "Czech": "í20 á13 ě11 ý10 é9 ř8 ž7 š7 č7 ů4 ú1.5 ň1 ť.5 ď.5 ó.3",
    "Slovak": "á22 í14 ý9 č8 ž7 ú7 é6 š6 ť5 ľ5 ď3 ô2 ň2 ä1 ó1 ĺ.3 ŕ.2",
    "Polish": "ł22 ą16 ę15 ż14 ó12.5 ś9 ć7 ń3.5 ź.8",
    "Hungarian": "á28 é27 ó8 ö7 ő7 ü6 í5 ú3 ű1.5",
    "Croatian": "č25 ć25 š22 ž20 đ8",
    "Slovene": "č40 š30 ž30",
    "Romanian": "ă40 ș15 ț15 ş15 ţ15 î12 â8",
    "Albanian": "ë85 ç15",
    "German": "ä38 ü36 ö16 ß9",
    "French": "é69 à12 è8 ê4.5 ç1.7 ô1.5 î.7 û.6 â.5 ï.5 ù.5 œ.2 ë.1 æ.1 ü.1 ÿ.1",
    "Spanish": "ó27 í23 á17 é15 ñ10 ú7 ü.5",
    "Catalan": "à25 é17 è15 ó12 í10 ò8 ç6 ú3 ï2 ü1",
    "Italian": "è38 à30 ù13 é7 ò6.4 ì3.6 í.3 ó.2 î.1 ú.1",
    "Portuguese": "ã20 ç15 é14 á11 í8 ó7 ê7 ú4 â4 õ4 ô3 à3",
    "Dutch": "ë40 é35 ï10 ö5 ü4 è3 á1 í1 ó1 ú1",
    "Swedish": "ä40 å30 ö28 é2",
    "Danish": "ø35 å35 æ28 é2",
    "Norwegian": "ø35 å35 æ25 é3 è.5 ê.5 ó.3 ò.3 ô.3",
    "Finnish": "ä85 ö14 å.3 š.3 ž.3",
    "Icelandic": "ð25 á15 í12 þ10 ó8 æ7 ö6 é5 ú5 ý2",
    "Estonian": "ä35 õ30 ü25 ö8 š1 ž1",
    "Latvian": "ā30 ē15 ī15 š10 ū5 ņ5 ļ4 ž4 č3 ķ2 ģ2",
    "Lithuanian": "ė20 š15 ų12 ž12 į10 ū10 ą8 č5 ę5",
    "Turkish": "ı43 ü16 ş15 ç10 ğ9.5 ö6.5 â.5 î.3 û.2",
    "Irish": "á35 í20 é15 ó15 ú15",
    "Russian": "абвгдеёжзийклмнопрстуфхцчшщъыьэюя",
    "Ukrainian": "абвгґдеєжзиіїйклмнопрстуфхцчшщьюя",
    "Belarusian": "абвгдеёжзійклмнопрстуўфхцчшыьэюя",
    "Bulgarian": "абвгдежзийклмнопрстуфхцчшщъьюя",
    "Serbian": "абвгдђежзијклљмнњопрстћуфхцчџш",
    "Macedonian": "абвгдѓежзѕијклљмнњопрстќуфхцчџш",
    "Greek": "αβγδεζηθικλμνξοπρσςτυφχψωάέήίόύώϊϋΐΰ",
}


def _costs(spec: str) -> dict[str, float]:
    """Each letter's cost, the log of how rare it is: about 0.4 for French "é", 6 for Slovak "ŕ"; 3.5 for
    any letter of an alphabet without shares, so that no Cyrillic alphabet is cheaper than another."""
    found = re.findall(r"(\D)([\d.]*)", spec.replace(" ", ""))
    return {letter: math.log(100 / float(share or 3)) for letter, share in found}


_COSTS = {name: _costs(spec) for name, spec in _SHARES.items()}
# A letter the language lacks, or a misspelling, costs as a one-in-a-thousand letter; a name's letter
# read alike (below) as a one-in-a-hundred one.
_MISFIT = math.log(1000)
_NAME = math.log(100)
# Non-ASCII Latin letters a language writes as a word of their own (French "à", Hungarian "ő"); any
# other standing alone is a misfit there.
_ONE_LETTER_WORDS: dict[str, str] = {
    "French": "à",
    "Italian": "è",
    "Portuguese": "àé",
    "Spanish": "ó",
    "Hungarian": "ő",
    "Swedish": "åö",
    "Danish": "åø",
    "Norwegian": "åø",
    "Icelandic": "áí",
    "Irish": "áéíó",
    "Lithuanian": "į",
}
_WORDS = {name: frozenset(_ONE_LETTER_WORDS.get(name, "")) for name in _SHARES}
# Symbols that are punctuation in every language, so never a sign of a wrong decoding beside a letter;
# "´" is a common apostrophe ("wird´s").
_PUNCTUATION = frozenset("«»„“”‘’‚‹›–—…•·°§€£¥©®™¡¿´\u00a0\u202f")
# Punctuation that never stands between two letters (cp1252's "mo¿e" for Polish "może").
_INSIDE_WORD = re.compile(r"(?<=[^\W\d_])[«»„“”‹›•°§€£¥©®™¡¿](?=[^\W\d_])")
# Czech and Slovak write "de", "ti", "le", never a caron on d, l, n, t before e or i.
_NEVER_SPELT = re.compile("[ďľňťĎĽŇŤ][eiíEIÍ]")
# The letters cp1250, cp1252, ISO-8859-1 and ISO-8859-2 all put at the same byte: inside a capitalised
# word ("Orbán", "Müller") they may be a foreign name's, and say nothing of which code page is right.
_READ_ALIKE = frozenset("áâäçéëíîóôöúüýß")
# Words with a non-ASCII letter; one followed by "." is an abbreviation or initial ("č. 5", "Š. Novák").
_WORD = re.compile(r"[^\W\d_]*[^\x00-\x7f\W\d_][^\W\d_]*(\.?)")
# The letters of this many characters from the start say which alphabet a text is in.
_SAMPLE_CHARS = 100_000


@dataclass(frozen=True)
class Fit:
    """How a text fits the languages that spell it cheapest, ``languages``: ``cost`` sums its non-ASCII
    letters' costs there and a misfit's for each of ``misfits``, which counts the letters they lack (a
    name's aside), letters standing alone where they never do, loose combining marks, symbols touching a
    letter, non-Latin letters touching an ASCII one and misspellings; ``letters`` the non-ASCII letters."""

    misfits: int
    letters: int
    languages: frozenset[str]
    cost: float = 0.0


def alphabet_fit(text: str) -> Fit:
    """The languages whose letters spell the non-ASCII letters of ``text`` at the lowest cost."""
    return _sample_fit(text[:_SAMPLE_CHARS])


@lru_cache(maxsize=16)  # a messy reading is weighed to be let in, then again among the others
def _sample_fit(sample: str) -> Fit:
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
    names, alone = _names_and_lone_letters(sample)
    scores = {
        name: _language_cost(costs, _WORDS[name], letters, names, alone) for name, costs in _COSTS.items()
    }
    cheapest = min(cost for cost, _ in scores.values())
    languages = frozenset(name for name, (cost, _) in scores.items() if cost <= cheapest + 1e-9)
    misspelt = (
        marks
        + _beside_letters(sample, symbols, foreign)
        + len(_INSIDE_WORD.findall(sample))
        + len(_NEVER_SPELT.findall(sample))
    )
    misfits = min(scores[name][1] for name in languages) + misspelt
    return Fit(
        misfits=misfits,
        letters=sum(letters.values()),
        languages=languages,
        cost=cheapest + misspelt * _MISFIT,
    )


def _language_cost(
    costs: dict[str, float],
    words: frozenset[str],
    letters: Counter[str],
    names: Counter[str],
    alone: Counter[str],
) -> tuple[float, int]:
    """The cost of ``letters`` in a language with these letter ``costs`` and one-letter ``words``, and its
    misfits: the letters it lacks, less those of ``names``, and those ``alone`` it never writes alone."""
    cost, misfits = 0.0, 0
    for letter, count in letters.items():
        named = names[letter]
        cost += named * min(costs.get(letter, _NAME), _NAME) + (count - named) * costs.get(letter, _MISFIT)
        misfits += 0 if letter in costs else count - named
    lone = sum(count for letter, count in alone.items() if letter in costs and letter not in words)
    return cost + lone * _MISFIT, misfits + lone


def _names_and_lone_letters(text: str) -> tuple[Counter[str], Counter[str]]:
    """The letters read alike (lower-cased) in ``text``'s capitalised words, which may be foreign names,
    and its Latin non-ASCII letters that stand alone as a word (not an abbreviation's "č.")."""
    names: Counter[str] = Counter()
    alone: Counter[str] = Counter()
    for found in _WORD.finditer(text):
        word = found.group().rstrip(".")
        if len(word) == 1:
            if not found.group(1) and unicodedata.name(word, "").startswith("LATIN"):
                alone[word.lower()[:1]] += 1
        elif word[0].isupper():
            # Only before a lower-case letter: a misread quotation mark sits at a word's edge ("Putinö")
            names.update(
                letter
                for letter, after in itertools.pairwise(word[1:])
                if letter in _READ_ALIKE and after.islower()
            )
    return names, alone


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
