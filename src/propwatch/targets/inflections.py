"""Polish and German inflections of the shipped target catalogue's names, so that "Francji", "Niemcom",
"Kremls" and "Moskaus" match the listed "Francja", "Niemcy", "Kreml" and "Moskau".

The table (``data/inflections.tsv``: language, written form, lemma) holds every form simplemma's
dictionaries give for the lemma of a word of each entity's first Polish or German name (and of every
metonym) in the shipped catalogue. Rebuild it with ``python -m propwatch.targets.inflections``
(simplemma, in the ``train`` extra) whenever that catalogue changes. simplemma itself is not needed at
run time: its Polish dictionary alone takes about 400 MB of memory and 2 s to load, for the few thousand
forms the catalogue needs. Words of a user's own catalogue that the table lacks are matched as written.
"""

from __future__ import annotations

from collections import defaultdict
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Final

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


if __name__ == "__main__":
    target = Path(__file__).parent / TABLE
    print(f"{write_table(target)} rows → {target}")
