"""Every country and three continents in the alias catalogue, named in French, German, Italian, Polish,
Russian, Spanish, Portuguese and Dutch from the Unicode CLDR (through Babel), under their English name.

The hand-written catalogue (``data/aliases.yaml``) covers the states propaganda about Russia and Ukraine
names most, with inflected forms and metonyms. The rest of the world otherwise came out of the NER
back-ends in the article's language ("Венгрия", "Ungarn", "Węgry"), so outlets writing in different
languages could not be compared on the same target. English texts are left to their NER (its names are
the English names already), so nothing changes for them.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Final

from babel import Locale

from propwatch.targets.aliases import LANGUAGES, AliasCatalogue, Entity

# CLDR region codes that are no country a text treats as an actor: dependent territories and islands
# (whose names collide with common words and places: "Jersey" in "New Jersey", "Réunion"), uninhabited
# areas, groupings the hand-written catalogue has (EU, UN) and CLDR's pseudo-regions.
_NOT_COUNTRIES: Final = frozenset(
    "AC AI AQ AS AW AX BL BM BQ BV CC CK CP CQ CW CX DG EA EH EU EZ FK FO GF GG GI GL GP GS GU HK HM "  # noqa: SIM905
    "IC IM IO JE KY MF MO MP MQ MS NC NF NU PF PM PN PR QO RE SH SJ SX TA TC TF TK UM UN VG VI WF XA XB "
    "YT ZZ".split()
)
_MORE_LANGUAGES: Final = ("es", "pt", "nl")
_CONTINENTS: Final = {"002": "Africa", "142": "Asia", "150": "Europe"}
# The English names English texts (and so the English NER) use, where CLDR's differ.
_ENGLISH: Final = {
    "CD": "Democratic Republic of the Congo",
    "CG": "Republic of the Congo",
    "CZ": "Czech Republic",
    "PS": "Palestine",
    "TR": "Turkey",
}
# Everyday names CLDR lacks, beside its official ones ("Республика Корея", "КНДР", "Молдова").
_EVERYDAY: Final[dict[str, dict[str, tuple[str, ...]]]] = {
    "KR": {"ru": ("Южная Корея",)},
    "KP": {"ru": ("Северная Корея",), "de": ("Nordkorea",)},
    "MD": {"ru": ("Молдавия",), "de": ("Moldau", "Moldawien")},
    "CZ": {"de": ("Tschechische Republik",), "fr": ("République tchèque",), "it": ("Repubblica Ceca",)},
}
# Names that are also common words or first names in that language ("Того" opens Russian sentences,
# "Maurice" is a French first name).
_AMBIGUOUS: Final = {"ru": frozenset({"Того"}), "fr": frozenset({"Maurice"})}
_PARENTHESIS: Final = re.compile(r"^(.*?)\s*\((.+)\)$")


def _forms(name: str) -> list[str]:
    """The names a text uses for a CLDR name: "Myanmar (Birmanie)" → Myanmar, Birmanie; none for
    "Конго - Киншаса", a label no text writes."""
    if not name or " - " in name:
        return []
    name = name.replace(" & ", " and ")
    match = _PARENTHESIS.match(name)
    return [match.group(1), match.group(2)] if match else [name]


def _territories(language: str) -> dict[str, str]:
    return {str(code): str(name) for code, name in Locale(language).territories.items()}


@cache
def country_names() -> tuple[tuple[str, dict[str, tuple[str, ...]]], ...]:
    """(English name, language → names) of every country and of Africa, Asia and Europe."""
    english = _territories("en")
    codes = [c for c in english if len(c) == 2 and c.isalpha() and c not in _NOT_COUNTRIES]
    # Spanish, Portuguese and Dutch have hand-written names too (aliases.yaml): the rest come from here.
    wanted = [*(language for language in LANGUAGES if language != "en"), *_MORE_LANGUAGES]
    locales = {language: _territories(language) for language in wanted}
    found = []
    for code in [*sorted(codes), *_CONTINENTS]:
        name = _ENGLISH.get(code) or _CONTINENTS.get(code) or _forms(english[code])[0]
        names = {
            language: tuple(
                f
                for f in (*_forms(names.get(code, "")), *_EVERYDAY.get(code, {}).get(language, ()))
                if f and f not in _AMBIGUOUS.get(language, ())
            )
            for language, names in locales.items()
        }
        found.append((name, {language: forms for language, forms in names.items() if forms}))
    return tuple(found)


def add_countries(catalogue: AliasCatalogue) -> None:
    """Add the countries the catalogue lacks (by English name) with their names in the other languages,
    and those names to a country it lists without names in a language (only the capital that stands for
    it: "Ankara" for Turkey); a name the catalogue already gives to an entity keeps that entity."""
    for name, names in country_names():
        known = name in catalogue.entities
        aliases = {
            language: [f for f in forms if f not in catalogue.aliases.get(language, {})]
            for language, forms in names.items()
            if not (known and _named_in(catalogue, name, language))
        }
        if known and not any(aliases.values()):
            continue
        catalogue.add(
            catalogue.entities.get(name)
            or Entity(name, "continent" if name in _CONTINENTS.values() else "country"),
            aliases,
            {},
            canonical_everywhere=False,
        )


def _named_in(catalogue: AliasCatalogue, name: str, language: str) -> bool:
    """Whether the catalogue gives the entity ``name`` a name in ``language`` besides its canonical one."""
    return any(
        entity == name and form != name for form, entity in catalogue.aliases.get(language, {}).items()
    )
