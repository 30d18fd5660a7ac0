"""Alias catalogues: which names, in which language, stand for one target (format in docs/targets.md).

A catalogue is a YAML mapping with ``format: propwatch-targets/1``, an optional ``name`` and
``entities``: a list of ``{name, type, aliases: {lang: [...]}, metonyms: {lang: [...]}}``. ``name`` is
the canonical name reported everywhere ("United States"); ``aliases`` are names of the entity
("USA", "США"); ``metonyms`` are places or buildings that stand for it in political news
("Washington", "Kremlin"), matched only when no capitalised word follows ("Washington Post" is not
the United States) and the words around do not make it the city ("the Berlin wall", "Paris 2024", "the
mayor of London"). The canonical name is an alias in every language, except for an entity listed with
metonyms only: the shipped catalogue so gives capitals to the countries the CLDR names
(:mod:`propwatch.targets.countries`), leaving English names to the NER ("Ankara" is Turkey).

Catalogues in use (:func:`load_aliases`): the starter catalogue shipped in ``targets/data/`` and every
``*.yaml`` in ``settings.data_dir / "targets"``. An entity named in several catalogues gets the union of
their aliases (the first type given wins). Matching is case-sensitive ("US" is not "us"), except in
shouted lines (:func:`propwatch.models.casing.shouted_lines`), where "RUSSIA" is Russia; Russian,
Polish and German are matched on lemmas (:mod:`propwatch.targets.morphology`), so "России" and
"Россию" both match the alias "Россия", "Węgier" the alias "Węgry", "Kremls" the alias "Kreml".
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from importlib import resources
from pathlib import Path
from typing import Final

from propwatch.catalogue_yaml import load_catalogue_yaml
from propwatch.errors import DecodingError, MalformedRecordError
from propwatch.models.casing import shouted_lines
from propwatch.models.function_words import stop_words
from propwatch.settings import Settings
from propwatch.targets.morphology import (
    CYRILLIC,
    INFLECTED_LANGUAGES,
    LEMMATIZED_LANGUAGES,
    Token,
    lemma_tokens,
    lemmas,
    name_genders,
    nominative_genders,
    polish_name_cases,
    russian_name_cases,
)

FORMAT: Final = "propwatch-targets/1"
LANGUAGES: Final = ("en", "fr", "de", "it", "pl", "ru")
_LANGUAGE = re.compile(r"^[a-z]{2,3}$")
# English possessives and leading articles do not change who is meant ("NATO's", "the Kremlin").
_POSSESSIVE = re.compile(r"(?:['’]s|['’])$")
_ARTICLE = re.compile(r"^(?:the|The|THE)\s+")
_WORD = re.compile(r"[^\W\d_]+")
_CAPITALISED_NEXT = re.compile(r" [A-ZА-ЯЁÀ-ÖØ-ÞĄĆĘŁŃÓŚŹŻ]")
_ARTICLE_AND_WORD = re.compile(r"^[Tt]he \w+$")
# In capitals, what makes an acronym that is also a word ("US", "WHO") the name: "THE US", "US-LED", "US
# AND NATO"; the pronoun takes no article, no hyphen, and comes after a catalogued name ("NATO AND US").
_THE_BEFORE = re.compile(r"(?<!\w)the\s+$", re.IGNORECASE)
_HYPHENATED = re.compile(r"-[^\W\d_]")
_AND_NEXT = re.compile(r"\s+(?:and|or|&)\s+(?:the\s+)?", re.IGNORECASE)
_NEXT_WORD = re.compile(r"\s+([^\W\d_]+)")
# A capital that is the city, not its state: "the Berlin wall", "Paris 2024", "Minsk-2", "the Paris
# agreement", "les accords de Minsk", "the mayor of London", "prezydent Warszawy", "мэр Лондона".
_CITY_AFTER = re.compile(
    r"(?:\s*-\s*|\s+)\d|\s+(?:wall|agreements?|accords?|climate|attacks?|metro|underground|airport|marathon|"
    r"mayor|city|police|zoo|duck|memorandum|talks|format|process|protocol|olympics|games)(?!\w)"
)
_CITY_BEFORE = re.compile(
    r"(?<!\w)(?:(?:accords?|accordi|accordo|agreements?|treaty|trait[ée]|trattato|protocole?|protocollo|"
    r"m[ée]morandum|format[oi]?|conf[ée]rence|conferenza|mairie|maire|sindaco|mayor|ville|citt[àa]|"
    r"Bürgermeister\w*)\s+(?:de|di|of|von)\s+|(?:prezydent|burmistrz|мэр|губернатор)\w*\s+)$",
    re.IGNORECASE,
)


def _the_city(text: str, start: int, end: int) -> bool:
    """Whether a catalogued capital at ``text[start:end]`` names the city rather than its state."""
    return bool(_CITY_AFTER.match(text, end) or _CITY_BEFORE.search(text, max(0, start - 40), start))


class Lines:
    """Sorted, disjoint ``(start, end)`` ranges (the shouted lines of a text), with a quick test of
    whether a position lies in one: a long text has many lines and many words to test."""

    def __init__(self, ranges: Iterable[tuple[int, int]] = ()) -> None:
        self.ranges = sorted(ranges)
        self._starts = [start for start, _ in self.ranges]

    def __contains__(self, position: int) -> bool:
        i = bisect_right(self._starts, position) - 1
        return i >= 0 and position < self.ranges[i][1]


@dataclass(frozen=True)
class Entity:
    name: str
    type: str


@dataclass(frozen=True)
class CatalogueMatch:
    start: int
    end: int
    entity: Entity
    metonym: bool
    inflected: bool = False  # written in another case than its dictionary form ("России", "Moskaus")


@dataclass
class AliasCatalogue:
    """Canonical entities and, per language, the surface forms that name them."""

    entities: dict[str, Entity] = field(default_factory=dict)
    aliases: dict[str, dict[str, str]] = field(default_factory=dict)
    """language → alias → canonical name."""
    metonyms: dict[str, dict[str, str]] = field(default_factory=dict)
    sources: list[str] = field(default_factory=list)
    genders: dict[str, frozenset[str | None]] = field(default_factory=dict)
    """person → the genders of its Russian surname, so that "Зеленская" is no case of "Зеленский"."""
    oblique: dict[str, set[str]] = field(default_factory=dict)
    """language → the forms made here in another case than the name's own ("Zełenskiego", "Scholzens")."""

    def add(
        self,
        entity: Entity,
        aliases: dict[str, list[str]],
        metonyms: dict[str, list[str]],
        *,
        canonical_everywhere: bool = True,
    ) -> None:
        """Add ``entity`` and its names; with ``canonical_everywhere`` its canonical name names it in
        every language too."""
        self.entities.setdefault(entity.name, entity)
        if entity.type == "person" and aliases.get("pl"):  # the cases a list names only in part
            listed = aliases["pl"]
            full = listed[0]  # the nominative, as lists are written; and the surname alone
            cases = [*polish_name_cases(full), *polish_name_cases(full.split()[-1])]
            self.oblique.setdefault("pl", set()).update(cases)
            aliases = {**aliases, "pl": [*listed, *(c for c in cases if c not in listed)]}
        if entity.type == "person" and aliases.get("de"):  # "Putins", "Scholzens": genitives
            listed = aliases["de"]
            cases = [_german_genitive(form) for form in listed if not _genitive_of(form, listed)]
            self.oblique.setdefault("de", set()).update(cases)
            aliases = {**aliases, "de": [*listed, *(c for c in cases if c not in listed)]}
        if entity.type == "person" and aliases.get("ru"):  # cases pymorphy reads as another word's
            listed = aliases["ru"]
            surnames = (nominative_genders(form.split()[-1]) for form in listed)
            self.genders[entity.name] = frozenset().union(*surnames)
            cases = [*russian_name_cases(listed[0]), *russian_name_cases(listed[0].split()[-1])]
            aliases = {**aliases, "ru": [*listed, *(c for c in cases if c not in listed)]}
        for table, names in ((self.aliases, aliases), (self.metonyms, metonyms)):
            for language, forms in names.items():
                for form in forms:
                    table.setdefault(language, {})[form] = entity.name
        for language in {*self.aliases, *LANGUAGES} if canonical_everywhere else ():
            self.aliases.setdefault(language, {}).setdefault(entity.name, entity.name)
        self.__dict__.pop("_patterns", None)
        self.__dict__.pop("_folded", None)
        self.__dict__.pop("_lemma_index", None)

    def shouted(self, text: str, start: int, end: int, language: str | None) -> bool:
        """Whether ``text[start:end]`` is a word written in capitals rather than the catalogued acronym
        ("LET US PRAY"), as :meth:`find` judges it; for a name a tagger found there."""
        return _shouted_word(text, start, end, language, self._forms(language, False))

    def _forms(self, language: str | None, metonyms: bool) -> dict[str, str]:
        table = self.metonyms if metonyms else self.aliases
        if language in table:
            return table[language]
        merged: dict[str, str] = {}  # an unknown language: every language's names
        for forms in table.values():
            merged.update(forms)
        return merged

    @cached_property
    def _patterns(self) -> dict[tuple[str | None, bool], re.Pattern[str] | None]:
        return {}

    def _pattern(self, language: str | None, metonyms: bool) -> re.Pattern[str] | None:
        key = (language, metonyms)
        if key not in self._patterns:
            forms = sorted(self._forms(language, metonyms), key=len, reverse=True)
            body = "|".join(re.escape(form) for form in forms)
            self._patterns[key] = re.compile(rf"(?<!\w)(?:{body})(?!\w)") if forms else None
        return self._patterns[key]

    @cached_property
    def _folded(self) -> dict[tuple[str | None, bool], tuple[re.Pattern[str], dict[str, str]] | None]:
        return {}

    def _folded_pattern(
        self, language: str | None, metonyms: bool
    ) -> tuple[re.Pattern[str], dict[str, str]] | None:
        """The pattern of :meth:`_pattern` in any case, with each form's case-folded key → listed form
        (a key two entities share names neither: which one a shouted line means is unknown)."""
        key = (language, metonyms)
        if key not in self._folded:
            table = self._forms(language, metonyms)
            listed: dict[str, str] = {}
            shared: set[str] = set()
            for form, name in table.items():
                other = listed.setdefault(form.casefold(), form)
                if table[other] != name:
                    shared.add(form.casefold())
            pattern = self._pattern(language, metonyms)
            self._folded[key] = (
                None
                if pattern is None
                else (
                    re.compile(pattern.pattern, re.IGNORECASE),
                    {k: v for k, v in listed.items() if k not in shared},
                )
            )
        return self._folded[key]

    @cached_property
    def _lemma_index(self) -> dict[str, dict[tuple[str, ...], tuple[str, tuple[bool, ...], bool]]]:
        """language → lemma sequence → (canonical name, capitalisation of each word, is a metonym)."""
        index: dict[str, dict[tuple[str, ...], tuple[str, tuple[bool, ...], bool]]] = {}
        for language in LEMMATIZED_LANGUAGES:
            table: dict[tuple[str, ...], tuple[str, tuple[bool, ...], bool]] = {}
            # Polish and German forms also under their words in lower case: the table may read a listed
            # form as another word ("Ungarn" → "Ungar") yet give its inflection that form ("Ungarns" →
            # "ungarn"). Aliases overwrite metonyms of the same key.
            for as_written in (False, True) if language in INFLECTED_LANGUAGES else (False,):
                for metonym in (True, False):
                    for form, name in self._forms(language, metonym).items():
                        words = [token.text for token in lemma_tokens(form, language)]
                        if words:
                            caps = tuple(w[:1].isupper() for w in words)
                            keys = [w.lower() for w in words] if as_written else lemmas(words, language)
                            table[tuple(keys)] = (name, caps, metonym)
            index[language] = table
        return index

    def find(self, text: str, language: str | None) -> list[CatalogueMatch]:
        """Every non-overlapping mention of a catalogued entity in ``text``, longest first."""
        shouted = Lines(shouted_lines(text))
        if language in LEMMATIZED_LANGUAGES and language not in INFLECTED_LANGUAGES:
            lemmatised = self._find_lemmas(text, language, shouted)
            return [m for m in lemmatised if not (m.metonym and _the_city(text, m.start, m.end))]
        found: list[CatalogueMatch] = []
        for metonym in (False, True):
            pattern = self._pattern(language, metonym)
            if pattern is None:
                continue
            table = self._forms(language, metonym)
            for match in pattern.finditer(text):
                if match.start() in shouted:
                    continue  # read in any case by _find_shouted
                form = match.group()
                oblique = self._oblique(form, language, table)
                # "Washington Post" is no metonym; "Washingtons Augen" is: a name never holds a genitive
                if metonym and not oblique and _CAPITALISED_NEXT.match(text, match.end()):
                    continue
                if metonym and _the_city(text, match.start(), match.end()):
                    continue
                if _ARTICLE_AND_WORD.match(form) and _CAPITALISED_NEXT.match(text, match.end()):
                    continue  # "the West Bank", "the West Coast": a longer name, not "the West"
                if _shouted_word(text, match.start(), match.end(), language, table):
                    continue
                entity = self.entities[table[form]]
                found.append(CatalogueMatch(match.start(), match.end(), entity, metonym, oblique))
        found.extend(self._find_shouted(text, language, shouted))
        exact = _non_overlapping(found)
        if language not in INFLECTED_LANGUAGES:
            return exact
        # then the inflected forms the catalogue does not list ("Francji", "Kremls") where no listed one is
        inflected = [
            m
            for m in self._find_lemmas(text, language, shouted)
            if all(m.end <= e.start or e.end <= m.start for e in exact)
            and not (m.metonym and not m.inflected and _name_goes_on(text, m.end, language, shouted))
            and not (m.metonym and _the_city(text, m.start, m.end))
        ]
        return sorted([*exact, *inflected], key=lambda m: m.start)

    def _find_shouted(self, text: str, language: str | None, shouted: Lines) -> list[CatalogueMatch]:
        """The catalogue's names in shouted lines, in any case ("RUSSIA’S", "THE UNITED STATES")."""
        found: list[CatalogueMatch] = []
        for metonym in (False, True):
            folded = self._folded_pattern(language, metonym)
            if folded is None:
                continue
            pattern, listed = folded
            table = self._forms(language, metonym)
            for start, end in shouted.ranges:
                for match in pattern.finditer(text, start, end):
                    form = listed.get(match.group().casefold())
                    if form is None:
                        continue
                    oblique = self._oblique(form, language, table)
                    # "WASHINGTON POST", "THE WEST BANK": only a function word shows that no name goes on.
                    ends_name = (metonym and not oblique) or _ARTICLE_AND_WORD.match(form)
                    if ends_name and _name_goes_on(text, match.end(), language, shouted):
                        continue
                    if form.casefold() in stop_words(language or "en") and not self._plainly_named(
                        text, match.start(), match.end(), (start, end), language
                    ):
                        continue  # "LET US PRAY", "WHO ARE THEY", "NATO AND US": the word, or maybe so
                    entity = self.entities[table[form]]
                    found.append(CatalogueMatch(match.start(), match.end(), entity, metonym, oblique))
        return found

    def _oblique(self, form: str, language: str | None, table: Mapping[str, str]) -> bool:
        """Whether a Polish or German form is in another case than its name's own: by the inflection
        table, as a case made here, or as a listed genitive ("Russlands" beside "Russland")."""
        if language not in INFLECTED_LANGUAGES:
            return False
        if _inflected(form, language) or form in self.oblique.get(language, ()):
            return True
        return language == "de" and form.endswith("s") and table.get(form[:-1]) == table[form]

    def _plainly_named(
        self, text: str, start: int, end: int, line: tuple[int, int], language: str | None
    ) -> bool:
        """Whether an acronym that is also a word, in capitals, cannot be that word (see _THE_BEFORE)."""
        if _THE_BEFORE.search(text, line[0], start) or _HYPHENATED.match(text, end, line[1]):
            return True
        joined = _AND_NEXT.match(text, end, line[1])
        if joined is None:
            return False
        for metonym in (False, True):
            folded = self._folded_pattern(language, metonym)
            if folded is not None and folded[0].match(text, joined.end(), line[1]):
                return True
        return False

    def _find_lemmas(self, text: str, language: str, shouted: Lines | None = None) -> list[CatalogueMatch]:
        index = self._lemma_index[language]
        longest = max((len(k) for k in index), default=0)
        tokens = lemma_tokens(text, language)
        # In shouted lines a word is looked up as a name is written ("ROSJI" as "Rosji"), in any case.
        loud = [shouted is not None and t.start in shouted for t in tokens]
        keys = lemmas(
            [_as_name(t.text) if up else t.text for t, up in zip(tokens, loud, strict=True)], language
        )
        found: list[CatalogueMatch] = []
        i = 0
        while i < len(tokens):
            for size in range(min(longest, len(tokens) - i), 0, -1):
                hit = index.get(tuple(keys[i : i + size]))
                if hit is None:
                    continue
                name, caps, metonym = hit
                words = tokens[i : i + size]
                if not all(loud[i : i + size]) and tuple(t.text[:1].isupper() for t in words) != caps:
                    continue  # "запад" (west) is not "Запад" (the West)
                if language == "ru" and not self._gender_fits(name, words[-1].text, keys[i + size - 1]):
                    continue
                inflected = _differs(words, keys[i : i + size])
                found.append(
                    CatalogueMatch(words[0].start, words[-1].end, self.entities[name], metonym, inflected)
                )
                i += size - 1
                break
            i += 1
        return found

    def _gender_fits(self, name: str, word: str, key: str) -> bool:
        """Whether a Russian word may be a case of a person's surname by its gender ("Зеленская" and
        "Путиной" name a woman of the family, not the man the catalogue lists)."""
        wanted = self.genders.get(name)
        if not wanted or not CYRILLIC.search(word):
            return True
        found = name_genders(word, key)
        return not found or bool(found & (wanted | {None}))

    def lookup(self, surface: str, language: str | None) -> Entity | None:
        """The catalogued entity a whole mention names, if any ("NATO's" → NATO, "России" → Russia)."""
        form = normalise_surface(surface)
        if language not in LEMMATIZED_LANGUAGES or language in INFLECTED_LANGUAGES:
            for metonym in (False, True):
                name = self._forms(language, metonym).get(form)
                if name is not None:
                    return self.entities[name]
        if language in LEMMATIZED_LANGUAGES:
            matches = self._find_lemmas(form, language)
            if len(matches) == 1 and matches[0].start == 0 and matches[0].end == len(form):
                return matches[0].entity
        return None


def canonical_target(name: str, catalogue: AliasCatalogue) -> str:
    """The name the targets analyzer stores for ``name`` in any language ("USA", "США", "Washington" →
    "United States"), a Cyrillic one in any case ("России", "Зеленского"); a name the catalogue does not
    know, as given (the analyzer keeps NER names)."""
    form = name.strip()
    entity = catalogue.lookup(form, None)
    if entity is None and CYRILLIC.search(form):
        entity = catalogue.lookup(form, "ru")  # Russian lemmas: the only Cyrillic ones pymorphy3 has here
    return entity.name if entity is not None else form


def _shouted_word(text: str, start: int, end: int, language: str | None, names: Mapping[str, str]) -> bool:
    """Whether an acronym that is also a word ("WHO", "US") is that word written in capitals: next to
    another word in capitals that is no catalogued name ("WHO ARE THEY?", "LET US PRAY"; not "WHO,
    NATO"). A headline in capitals may so lose a real mention ("SANCTIONS BY THE US")."""
    form = text[start:end]
    if not form.isupper() or form.casefold() not in stop_words(language or "en"):
        return False
    before = _WORD.findall(text[max(0, text.rfind("\n", 0, start) + 1) : start])
    line_end = text.find("\n", end)
    after = _WORD.findall(text[end : len(text) if line_end < 0 else line_end])
    return any(len(w) > 1 and w.isupper() and w not in names for w in before[-1:] + after[:1])


def _as_name(word: str) -> str:
    return word[:1] + word[1:].lower() if word.isupper() else word


def _name_goes_on(text: str, end: int, language: str | None, shouted: Lines) -> bool:
    """Whether a capitalised word follows ``text[:end]``; in a shouted line, whether a word that is not a
    function word follows ("WASHINGTON POST", not "WASHINGTON IS"): there every word is in capitals."""
    if end - 1 not in shouted:
        return bool(_CAPITALISED_NEXT.match(text, end))
    line_end = text.find("\n", end)
    following = _NEXT_WORD.match(text, end, len(text) if line_end < 0 else line_end)
    return following is not None and following.group(1).casefold() not in stop_words(language or "en")


def _non_overlapping(matches: list[CatalogueMatch]) -> list[CatalogueMatch]:
    kept: list[CatalogueMatch] = []
    for match in sorted(matches, key=lambda m: (-(m.end - m.start), m.start)):
        if all(match.end <= k.start or k.end <= match.start for k in kept):
            kept.append(match)
    return sorted(kept, key=lambda m: m.start)


def normalise_surface(surface: str) -> str:
    """A mention without surrounding space, a leading English article or a possessive ending."""
    form = " ".join(surface.split())
    form = _ARTICLE.sub("", form)
    return _POSSESSIVE.sub("", form).strip()


def _names(value: object, where: str, field_name: str) -> dict[str, list[str]]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise MalformedRecordError(where, f"field {field_name}: expected a mapping of language → names")
    names: dict[str, list[str]] = {}
    for language, forms in value.items():
        if not isinstance(language, str) or not _LANGUAGE.match(language):
            raise MalformedRecordError(where, f"field {field_name}: {language!r} is not an ISO 639 code")
        if not isinstance(forms, list) or not all(isinstance(f, str) and f.strip() for f in forms):
            raise MalformedRecordError(where, f"field {field_name}.{language}: expected a list of names")
        names[language] = [" ".join(f.split()) for f in forms]
    return names


def parse_aliases(text: str, origin: str, catalogue: AliasCatalogue | None = None) -> AliasCatalogue:
    """Check a catalogue's YAML and add its entities to ``catalogue`` (a new one by default)."""
    catalogue = catalogue if catalogue is not None else AliasCatalogue()
    document = load_catalogue_yaml(text, origin)
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise MalformedRecordError(origin, f"expected a mapping with 'format: {FORMAT}' and 'entities'")
    unknown = set(document) - {"format", "name", "description", "entities"}
    if unknown:
        raise MalformedRecordError(
            origin, f"unknown top-level field(s): {', '.join(sorted(map(str, unknown)))}"
        )
    entries = document.get("entities")
    if not isinstance(entries, list) or not entries:
        raise MalformedRecordError(origin, "'entities' must be a non-empty list")
    for number, entry in enumerate(entries, 1):
        where = f"{origin} entry {number}"
        if not isinstance(entry, dict) or not isinstance(entry.get("name"), str) or not entry["name"].strip():
            raise MalformedRecordError(where, "expected a mapping with a non-empty 'name'")
        where += f" ({entry['name']!r})"
        extra = set(entry) - {"name", "type", "aliases", "metonyms"}
        if extra:
            raise MalformedRecordError(where, f"unknown field(s): {', '.join(sorted(map(str, extra)))}")
        kind = entry.get("type", "entity")
        if not isinstance(kind, str) or not kind.strip():
            raise MalformedRecordError(where, "field type: expected a word such as 'country' or 'person'")
        entity = Entity(" ".join(entry["name"].split()), kind.strip())
        aliases = _names(entry.get("aliases"), where, "aliases")
        metonyms = _names(entry.get("metonyms"), where, "metonyms")
        # metonyms alone: a country whose names the CLDR gives (countries.py), not English ones
        catalogue.add(entity, aliases, metonyms, canonical_everywhere=bool(aliases) or not metonyms)
    catalogue.sources.append(origin)
    return catalogue


def catalogue_files(settings: Settings) -> list[Path]:
    """The user's catalogues: every ``*.yaml``/``*.yml`` in ``data_dir/targets``, sorted."""
    folder = settings.data_dir / "targets"
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.suffix in (".yaml", ".yml") and p.is_file())


def builtin_text() -> str:
    return resources.files("propwatch.targets").joinpath("data/aliases.yaml").read_text(encoding="utf-8")


def builtin_catalogue() -> AliasCatalogue:
    """The shipped catalogue: the hand-written entities, then every country (CLDR)."""
    catalogue = parse_aliases(builtin_text(), "propwatch targets/data/aliases.yaml")
    from propwatch.targets.countries import add_countries  # imports aliases: a cycle at module level

    add_countries(catalogue)
    return catalogue


def load_aliases(settings: Settings, extra: Iterable[Path] = ()) -> AliasCatalogue:
    """The shipped catalogue, then the user's (``data_dir/targets/*.yaml``), then ``extra`` files."""
    catalogue = builtin_catalogue()
    for path in [*catalogue_files(settings), *extra]:
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError as exc:
            raise DecodingError(str(path), "alias catalogue is not UTF-8") from exc
        except OSError as exc:
            raise MalformedRecordError(str(path), f"cannot read alias catalogue: {exc.strerror}") from exc
        parse_aliases(text, str(path), catalogue)
    return catalogue


def _german_genitive(name: str) -> str:
    """A German name's genitive: "Putins", "Scholzens" (after s, x, z, ß; "Scholz'" is read as "Scholz")."""
    return f"{name}ens" if name[-1:] in ("s", "x", "z", "ß") else f"{name}s"


def _genitive_of(form: str, listed: Sequence[str]) -> bool:
    return any(form in (f"{other}s", f"{other}ens") for other in listed)


def _inflected(surface: str, language: str) -> bool:
    """Whether a Polish or German name is written in another case than its dictionary form."""
    tokens = lemma_tokens(surface, language)
    return _differs(tokens, lemmas([t.text for t in tokens], language))


def _differs(tokens: Sequence[Token], keys: Sequence[str]) -> bool:
    return any(t.text.casefold().replace("ё", "е") != k.casefold() for t, k in zip(tokens, keys, strict=True))


# Endings of a man's name in the Polish oblique cases, with what the nominative ends in instead.
_POLISH_ENDINGS: Final = (
    ("a", ""), ("owi", ""), ("em", ""), ("iem", ""), ("ie", ""), ("u", ""), ("cie", "t"), ("dzie", "d"),
    ("rze", "r"), ("le", "ł"), ("iego", "i"), ("iemu", "i"), ("im", "i"),
)  # fmt: skip


def polish_cases(word: str) -> set[int]:
    """The cases (0 nominative, then genitive, dative, instrumental, locative) that ``word`` may be in as
    a word of a man's name (:func:`polish_name_cases`): "Zełenskiego" {0, 1}; a word no ending reads as
    another's case and that does not decline ("Joe") any."""
    found: set[int] = set()
    for ending, stem in _POLISH_ENDINGS:
        base = word[: len(word) - len(ending)] + stem
        if word.endswith(ending) and len(base) > 1:
            found.update(i + 1 for i, form in enumerate(polish_name_cases(base)) if form == word)
    if not found and set(polish_name_cases(word)) <= {word}:
        return {0, 1, 2, 3, 4}
    return found | {0}


def polish_case_of(word: str, person: str) -> bool:
    """Whether ``word`` (case-folded) is a Polish case of the surname of ``person`` ("tuska" of "donald
    tusk")."""
    return word in {form.casefold() for form in polish_name_cases(person.split()[-1].title())}
