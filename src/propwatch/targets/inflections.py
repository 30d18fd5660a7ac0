"""Polish and German inflections of the shipped target catalogue's names, so that "Francji", "Niemcom",
"Kremls" and "Moskaus" match the listed "Francja", "Niemcy", "Kreml" and "Moskau".

The table (``data/inflections.tsv``: language, written form, lemma) holds every form simplemma's
dictionaries give for the lemma of a word of each entity's first Polish or German name (and of every
metonym) in the shipped catalogue. Rebuild it with ``python -m propwatch.targets.inflections``
(simplemma, in the ``train`` extra) whenever that catalogue changes. simplemma itself is not needed at
run time: its Polish dictionary alone takes about 400 MB of memory and 2 s to load, for the few thousand
forms the catalogue needs. Words of a user's own catalogue that the table lacks are matched as written.

Also the word forms that show a capitalised German word to be a common noun (:func:`german_noun`): no
German lexicon of common nouns is at hand at run time (simplemma's lists names too: "Scholz", "Berlin").
"""

from __future__ import annotations

import re
from collections import defaultdict
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Final

from babel import Locale

from propwatch.errors import AnalyzerError, ConfigurationError

TABLE: Final = "data/inflections.tsv"
LANGUAGES: Final = ("pl", "de")
# Forms the dictionaries file under a name that are, alone, almost always another word: "Polskiej" is the
# adjective ("Gazety Polskiej", "Polskiej Agencji Prasowej"); the name's own cases are Polski, Polsce.
NOT_INFLECTIONS: Final = {"pl": frozenset({"Polskiej"})}


@cache
def inflection_table() -> dict[str, dict[str, str]]:
    """language → written form → lemma (lower case) of the shipped table."""
    source = resources.files("propwatch.targets").joinpath(TABLE)
    return parse_inflections(source.read_text(encoding="utf-8"), f"propwatch targets/{TABLE}")


def parse_inflections(text: str, origin: str) -> dict[str, dict[str, str]]:
    """The table in ``text``; AnalyzerError naming ``origin`` and the line that is not one."""
    table: dict[str, dict[str, str]] = defaultdict(dict)
    for number, line in enumerate(text.splitlines(), 1):
        if not line or line.startswith("#"):
            continue
        fields = line.split("\t")
        if len(fields) != 3 or fields[0] not in LANGUAGES or not fields[1] or not fields[2]:
            raise AnalyzerError(origin, f"line {number} is not language, form and lemma separated by tabs")
        table[fields[0]][fields[1]] = fields[2]
    return dict(table)


def build_rows() -> list[tuple[str, str, str]]:
    """(language, form, lemma) rows for the shipped catalogue, from simplemma's dictionaries."""
    try:
        import simplemma
        from simplemma.strategies.dictionaries import DefaultDictionaryFactory
    except ImportError as exc:
        raise ConfigurationError(
            "simplemma", "rebuilding the inflection table needs it: pip install 'propwatch[train]'"
        ) from exc
    from propwatch.targets.aliases import builtin_catalogue
    from propwatch.targets.morphology import lemma_tokens

    catalogue = builtin_catalogue()
    rows: set[tuple[str, str, str]] = set()
    for language in LANGUAGES:
        # Each entity's first name (the nominative: "Polska", "Niemcy"), not its listed oblique forms,
        # whose lemmas are often other words: "Polski" is also the adjective ("Wojska Polskiego"),
        # "Niemiec" also "a German". Every metonym counts ("Kreml", "Weißes Haus").
        first: dict[str, str] = {}
        for form, name in catalogue.aliases.get(language, {}).items():
            first.setdefault(name, form)
        forms = {*first.values(), *catalogue.metonyms.get(language, {})}
        words = {token.text for form in forms for token in lemma_tokens(form, language)}
        # a listed word counts as a lemma too: simplemma reads "Ungarn" as the plural of "Ungar" but
        # gives "Ungarns" the lemma "Ungarn"
        lemma_of = {word: str(simplemma.lemmatize(word, lang=language)) for word in words}
        wanted = words | set(lemma_of.values())
        dictionary = DefaultDictionaryFactory().get_dictionary(language)
        skip = NOT_INFLECTIONS.get(language, frozenset())
        rows.update(
            (language, form, lemma.lower())
            for form, lemma in dictionary.items()
            if lemma in wanted and form not in skip
        )
        rows.update((language, word, lemma.lower()) for word, lemma in lemma_of.items())
    return sorted(rows)


def write_table(path: Path) -> int:
    """Write the table to ``path``; the number of rows."""
    import importlib.metadata

    rows = build_rows()
    versions = ", ".join(f"{name} {importlib.metadata.version(name)}" for name in ("simplemma", "babel"))
    header = f"# built by python -m propwatch.targets.inflections from {versions}\n"
    path.write_text(header + "".join(f"{a}\t{b}\t{c}\n" for a, b, c in rows), encoding="utf-8")
    return len(rows)


# German words before a noun that a name does not take: "einer Region", "dieser Krieg", "unserer Nation"
# (a definite article does go with names: "die Ukraine", "der Donbass", "die Bundeswehr").
_GERMAN_DETERMINERS: Final = frozenset(
    f"{stem}{ending}"
    for stem in ("ein", "kein", "mein", "dein", "sein", "ihr", "unser", "euer", "eur")
    for ending in ("", "e", "en", "em", "er", "es")
) | frozenset(
    f"{stem}{ending}"
    for stem in ("dies", "jen", "jed", "welch", "solch", "manch")
    for ending in ("e", "en", "em", "er", "es")
)
GERMAN_ARTICLES: Final = frozenset("der die das den dem des".split()) | _GERMAN_DETERMINERS  # noqa: SIM905
_ADJECTIVE_ENDING: Final = re.compile(r"^[a-zäöüß][a-zäöüß-]*(?:e|en|em|er|es)$")
_WORD: Final = re.compile(r"\w[\w-]*")


_PEOPLE_ENDINGS: Final = ("en", "er", "ner", "aner", "ier", "esen", "is", "äer", "enser", "i")


@cache
def _country_stems() -> frozenset[str]:
    return frozenset(str(n).split()[0].split("-")[0].casefold() for n in Locale("de").territories.values())


def german_people(word: str) -> bool:
    """Whether a German noun names a people, after a country (CLDR) it begins like ("Russen", "Afghanen",
    "Ukrainer"): a group a text may aim at, which "ethnische Russen", "42.900 Afghanen" do not make common."""
    folded = word.casefold()
    stems = {folded[: -len(e)] for e in _PEOPLE_ENDINGS if folded.endswith(e) and len(folded) - len(e) > 2}
    return any(country.startswith(stem) for stem in stems for country in _country_stems())


# Units and quantities, which no German name holds.
GERMAN_QUANTITIES: Final = frozenset(
    "milliarde milliarden million millionen billion billionen tausende hunderte dutzende prozent grad "  # noqa: SIM905
    "hektar kubikmeter tonnen barrel kilometer".split()
)
# Adjectives and quantifiers that stand bare before a plural noun ("weitere Panzer", "westliche Medien"),
# never before a name; -en only after -isch, since verbs end so too ("verteidigen Cherson").
_BARE_ADJECTIVE: Final = re.compile(
    r"^(?:[a-zäöüß-]{2,}(?:isch|lich|ig|bar|sam|haft|ell|iv|end)(?:e|es|er|em)|[a-zäöüß-]{3,}ischen|"
    r"(?:weiter|mehrer|einig|viel|wenig|zahlreich|etlich|sämtlich|neu|schwer|modern|ander|deutsch)(?:e|en|es|er|em))$"
)
_NUMBER_BEFORE: Final = re.compile(
    r"(?:(?<![\d.,])\d{1,3}(?:[.,]\d+)*|(?<!\w)(?:zwei|drei|vier|fünf|sechs|sieben|acht|neun|zehn|elf|zwölf|"
    r"zwanzig|dreißig|hundert|tausend|hunderte|tausende|dutzende))\s+$",
    re.IGNORECASE,
)


# Compass words before a place, which they leave a name ("Westberlin", "Nord-Korea").
_PLACE_PREFIXES: Final = frozenset(
    "nord süd ost west mittel zentral groß klein alt neu ober unter nieder".split()  # noqa: SIM905
)


def german_noun(text: str, word: str) -> bool:
    """Whether this text uses a capitalised German word as a common noun: after an indefinite article, a
    possessive or demonstrative ("einer Region", "dieser Krieg"), after an article and an adjective ("der
    andauernde Krieg"), after a bare adjective or quantifier ("weitere Panzer") or a number ("100
    Milliarden"), as the head of a shortened compound ("Öl- und Gaskonzerne") or the tail of a compound
    ("Angriffskrieg", "Ukraine-Krieg"); a definite article alone proves nothing ("die Ukraine")."""
    if word.casefold() in GERMAN_QUANTITIES:
        return True
    if re.search(rf"(?<!\w){re.escape(word)}-\s+(?:und|oder|bzw)\b", text):
        return True
    tail = rf"([A-ZÄÖÜ][^\W\d_]{{2,}}?)(?:-{re.escape(word)}|{re.escape(word.lower())})(?![\w-])"
    for compound in re.finditer(rf"(?<![\w-]){tail}", text) if len(word) > 4 else ():
        if compound.group(1).casefold() not in _PLACE_PREFIXES:
            return True
    for match in re.finditer(rf"(?<!\w){re.escape(word)}(?!\w)", text):
        head = text[max(0, match.start() - 60) : match.start()]
        before = _WORD.findall(head)[-2:]
        if before and before[-1].casefold() in _GERMAN_DETERMINERS:
            return True
        if (
            len(before) == 2
            and before[0].casefold() in GERMAN_ARTICLES
            and _ADJECTIVE_ENDING.match(before[1])
        ):
            return True
        if (
            before
            and head.endswith((" ", "\n"))
            and head.rstrip().endswith(before[-1])
            and _BARE_ADJECTIVE.match(before[-1])
        ) or _NUMBER_BEFORE.search(head):
            return True
    return False


def german_first_name_before(text: str, start: int, before: list[str]) -> bool:
    """Whether the one word before a catalogued person's German genitive reads as a first name: capitalised,
    after no article ("der Sohn Bidens" is a phrase about Biden, "Hunter Bidens" another person)."""
    if len(before) != 1 or not before[0][:1].isupper() or not before[0].isalpha():
        return False
    preceding = re.findall(r"\w+", text[max(0, start - 20) : start])[-1:]
    return not (preceding and preceding[0].casefold() in GERMAN_ARTICLES)


if __name__ == "__main__":
    target = Path(__file__).parent / TABLE
    print(f"{write_table(target)} rows → {target}")
