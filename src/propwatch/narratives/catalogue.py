"""Narrative catalogues: YAML files of known disinformation narratives (format in docs/narratives.md).

A catalogue is a mapping with ``format: propwatch-narratives/1``, an optional ``name``, ``description``
and ``source``, and ``narratives``: a list of entries with ``id``, ``title``, ``description``,
``example_claims`` (language code → claims), ``tags``, ``links`` and ``source``. Every problem is a
:class:`MalformedRecordError` naming the file and the entry (``file.yaml entry 3 (id 'x')``).

Catalogues in use (:func:`load_catalogues`): the starter catalogue shipped in ``narratives/data/``
(unless ``narrative_builtin`` is off), every ``*.yaml`` in ``settings.data_dir / "narratives"`` (where
``propwatch narratives import`` writes), then the files and folders listed in ``narrative_catalogues``.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import logging
import re
from collections.abc import Iterable, Iterator, Mapping
from difflib import get_close_matches
from importlib import resources
from pathlib import Path
from typing import Any, Final, NamedTuple
from urllib.parse import urlsplit

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from propwatch.analyzers.versions import NARRATIVES
from propwatch.catalogue_yaml import load_catalogue_yaml
from propwatch.domain import Analysis
from propwatch.errors import (
    DecodingError,
    InputError,
    InputNotFoundError,
    MalformedRecordError,
    PropwatchError,
)
from propwatch.output_files import replacing
from propwatch.settings import Settings

log = logging.getLogger(__name__)

FORMAT: Final = "propwatch-narratives/1"
SUFFIXES: Final = (".yaml", ".yml")
_ID = re.compile(r"^[a-z0-9][a-z0-9._-]*$")
_LANGUAGE = re.compile(r"^[a-z]{2,3}$")


class Narrative(BaseModel):
    """One recurring narrative: what it says, how it is phrased, where it is documented."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(description="Stable identifier: lower-case letters, digits, '.', '_' or '-'.")
    title: str = Field(min_length=1, description="The narrative in one line.")
    description: str = Field(min_length=1, description="What the narrative asserts, as analysts describe it.")
    example_claims: dict[str, tuple[str, ...]] = Field(
        description="Typical wordings, by ISO 639-1 (or 639-3) language code."
    )
    tags: tuple[str, ...] = Field(default=(), description="Topics, for filtering and grouping.")
    attacks: tuple[str, ...] = Field(
        default=(),
        description="Whom the narrative discredits, by canonical target names ('NATO', 'United States'): "
        "a sentence repeating it that names one of them is evidence of an attack on that target.",
    )
    links: tuple[str, ...] = Field(default=(), description="http(s) URLs documenting the narrative.")
    source: str | None = Field(default=None, description="Who wrote the entry or where it was imported from.")

    @field_validator("id")
    @classmethod
    def _id(cls, value: str) -> str:
        if not _ID.match(value):
            raise ValueError(
                "must be lower-case letters, digits, '.', '_' or '-', starting with a letter or digit"
            )
        return value

    @field_validator("title", "description")
    @classmethod
    def _text(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("must not be blank")
        return " ".join(value.split())

    @field_validator("example_claims")
    @classmethod
    def _claims(cls, value: dict[str, tuple[str, ...]]) -> dict[str, tuple[str, ...]]:
        if not value:
            raise ValueError("needs at least one language with at least one claim")
        cleaned: dict[str, tuple[str, ...]] = {}
        for language, claims in value.items():
            if not _LANGUAGE.match(language):
                raise ValueError(f"{language!r} is not a lower-case ISO 639 language code")
            if not claims:
                raise ValueError(f"language {language!r} lists no claim")
            if any(not claim.strip() for claim in claims):
                raise ValueError(f"language {language!r} has a blank claim")
            cleaned[language] = tuple(" ".join(claim.split()) for claim in claims)
        return cleaned

    @field_validator("tags", "attacks")
    @classmethod
    def _tags(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        if any(not tag.strip() for tag in value):
            raise ValueError("an entry is blank")
        return tuple(tag.strip() for tag in value)

    @field_validator("links")
    @classmethod
    def _links(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for link in value:
            if not re.match(r"^https?://\S+$", link):
                raise ValueError(f"{link!r} is not an http(s) URL")
        return value

    def passages(self) -> list[str]:
        """The texts a sentence is compared with: the description and every example claim."""
        return [self.description, *(claim for claims in self.example_claims.values() for claim in claims)]


class Catalogue(BaseModel):
    """A named list of narratives, read from one file."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = Field(description="Catalogue name (default: the file name without .yaml).")
    description: str | None = None
    source: str | None = Field(default=None, description="Default 'source' of its entries.")
    narratives: tuple[Narrative, ...]
    path: str | None = Field(default=None, description="The file it was read from.")

    @property
    def content_hash(self) -> str:
        """SHA-256 of the entries: the key of the catalogue's embedding cache (``attacks`` is left out:
        it changes no vector)."""
        payload = json.dumps(
            [n.model_dump(mode="json", exclude={"attacks"}) for n in self.narratives], sort_keys=True
        )
        return hashlib.sha256(payload.encode("utf-8")).hexdigest()

    def to_yaml(self) -> str:
        """The catalogue in the documented YAML format."""
        document: dict[str, Any] = {"format": FORMAT, "name": self.name}
        if self.description:
            document["description"] = self.description
        if self.source:
            document["source"] = self.source
        document["narratives"] = [
            {k: (dict(v) if k == "example_claims" else v) for k, v in _entry_dict(n).items()}
            for n in self.narratives
        ]
        return yaml.safe_dump(document, allow_unicode=True, sort_keys=False, width=110)


def _entry_dict(narrative: Narrative) -> dict[str, Any]:
    data = narrative.model_dump(mode="json", exclude_defaults=True)
    data["example_claims"] = {lang: list(claims) for lang, claims in narrative.example_claims.items()}
    return data


# pydantic's words for the YAML shapes a catalogue author writes ("a valid tuple" means nothing there).
_YAML_WORDS = {
    "tuple_type": "must be a list, e.g. [first, second]",
    "list_type": "must be a list, e.g. [first, second]",
    "dict_type": "must be a mapping, e.g. {en: [a claim]}",
    "string_type": "must be text: put quotes around numbers, dates ('2024') and text holding ': '",
}


def _field_problem(exc: ValidationError) -> str:
    problem = exc.errors()[0]
    where = ".".join(str(part) for part in problem["loc"])
    message = _YAML_WORDS.get(problem["type"]) or str(problem["msg"]).removeprefix("Value error, ")
    return f"field {where}: {message}" if where else message


def parse_catalogue(text: str, name: str, *, origin: str) -> Catalogue:
    """Check and build a catalogue from YAML text; ``origin`` names it in errors."""
    document = load_catalogue_yaml(text, origin)
    if not isinstance(document, dict):
        raise MalformedRecordError(origin, "expected a mapping with 'format' and 'narratives'")
    unknown = set(document) - {"format", "name", "description", "source", "narratives"}
    if unknown:
        raise MalformedRecordError(
            origin, f"unknown top-level field(s): {', '.join(sorted(map(str, unknown)))}"
        )
    if document.get("format") != FORMAT:
        raise MalformedRecordError(origin, f"'format' must be {FORMAT!r}, got {document.get('format')!r}")
    entries = document.get("narratives")
    if not isinstance(entries, list) or not entries:
        raise MalformedRecordError(origin, "'narratives' must be a non-empty list of entries")
    default_source = document.get("source")
    narratives: list[Narrative] = []
    seen: dict[str, int] = {}
    for number, entry in enumerate(entries, 1):
        label = f"{origin} entry {number}"
        if not isinstance(entry, dict):
            raise MalformedRecordError(
                label, "expected a mapping with id, title, description, example_claims"
            )
        if isinstance(entry.get("id"), str):
            label += f" (id {entry['id']!r})"
        if default_source is not None and "source" not in entry:
            entry = {**entry, "source": default_source}
        try:
            narrative = Narrative.model_validate(entry)
        except ValidationError as exc:
            raise MalformedRecordError(label, _field_problem(exc)) from exc
        if narrative.id in seen:
            raise MalformedRecordError(
                label, f"id {narrative.id!r} is already used by entry {seen[narrative.id]}"
            )
        seen[narrative.id] = number
        narratives.append(narrative)
    try:
        return Catalogue(
            name=document.get("name") or name,
            description=document.get("description"),
            source=default_source,
            narratives=tuple(narratives),
            path=origin,
        )
    except ValidationError as exc:
        raise MalformedRecordError(origin, _field_problem(exc)) from exc


def load_catalogue(path: Path) -> Catalogue:
    """Read and check one catalogue file."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise InputNotFoundError(str(path), "no such catalogue file") from exc
    except IsADirectoryError as exc:
        raise InputNotFoundError(str(path), "is a folder, expected a catalogue file") from exc
    except UnicodeDecodeError as exc:
        raise DecodingError(str(path), f"not UTF-8 text ({exc.reason} at byte {exc.start})") from exc
    return parse_catalogue(text, path.stem, origin=str(path))


def builtin_catalogue_paths() -> list[Path]:
    """The catalogues shipped with propwatch (package data ``propwatch/narratives/data/*.yaml``)."""
    folder = resources.files("propwatch.narratives").joinpath("data")
    return sorted(Path(str(item)) for item in folder.iterdir() if item.name.endswith(SUFFIXES))


def user_catalogue_folder(settings: Settings) -> Path:
    """Where imported and user catalogues live: ``data_dir / "narratives"``."""
    return settings.data_dir / "narratives"


def _yaml_files(folder: Path) -> list[Path]:
    return sorted(
        p for p in folder.iterdir() if p.suffix in SUFFIXES and p.is_file() and not p.name.startswith(".")
    )


def catalogue_paths(settings: Settings) -> list[Path]:
    """Every catalogue file in use, in load order, each once."""
    paths = builtin_catalogue_paths() if settings.narrative_builtin else []
    folder = user_catalogue_folder(settings)
    if folder.is_dir():
        paths += _yaml_files(folder)
    for extra in settings.narrative_catalogues:
        if extra.is_dir():
            paths += _yaml_files(extra)
        elif extra.exists():
            paths.append(extra)
        else:
            raise InputNotFoundError(
                str(extra), "no such catalogue file or folder (setting narrative_catalogues)"
            )
    return list(dict.fromkeys(p.resolve() for p in paths))


def load_catalogues(settings: Settings) -> list[Catalogue]:
    """Every catalogue in use; a narrative id defined in two catalogues is an error naming both."""
    catalogues = [load_catalogue(path) for path in catalogue_paths(settings)]
    builtin = {str(path.resolve()) for path in builtin_catalogue_paths()}
    owner: dict[str, str] = {}
    for catalogue in catalogues:
        for number, narrative in enumerate(catalogue.narratives, 1):
            if narrative.id in owner:
                hint = (
                    ", the shipped starter catalogue: rename it, or set PROPWATCH_NARRATIVE_BUILTIN=false "
                    "to use your catalogue instead of the shipped one"
                    if owner[narrative.id] in builtin
                    else ""
                )
                raise MalformedRecordError(
                    f"{catalogue.path} entry {number} (id {narrative.id!r})",
                    f"id already defined in {owner[narrative.id]}{hint}",
                )
            owner[narrative.id] = str(catalogue.path)
    return catalogues


def iter_narratives(catalogues: Iterable[Catalogue]) -> Iterator[Narrative]:
    for catalogue in catalogues:
        yield from catalogue.narratives


def write_catalogue(catalogue: Catalogue, path: Path) -> None:
    """Write a catalogue atomically (a reader never sees half a file)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    text = catalogue.to_yaml()
    with replacing(path, durable=True) as handle:
        handle.write(text)


NARRATIVE_LABEL: Final = "narrative"  # an article-level label: value = the narrative id
NARRATIVE_SPAN_PREFIX: Final = "narrative:"  # label of an evidence sentence: "narrative:<id>"


def readable_catalogues(settings: Settings, purpose: str) -> list[Catalogue]:
    """The catalogues in use, for displays and filters over stored analyses; when one cannot be read
    (logged with ``purpose``; the narratives analyzer reports it), the others that can, each id once: one
    hand-edited file with a YAML error had left a running workbench with no catalogue at all."""
    try:
        return load_catalogues(settings)
    except PropwatchError as error:
        log.warning("narrative catalogues not all read for %s: %s", purpose, error)
    try:
        paths = catalogue_paths(settings)
    except PropwatchError:
        return []
    kept: list[Catalogue] = []
    ids: set[str] = set()
    for path in paths:
        try:
            catalogue = load_catalogue(path)
        except PropwatchError:
            continue
        if not ids.isdisjoint(n.id for n in catalogue.narratives):
            continue  # the id's other catalogue came first
        kept.append(catalogue)
        ids.update(n.id for n in catalogue.narratives)
    return kept


def attacks_in_catalogues(
    settings: Settings, catalogues: list[Catalogue] | None = None
) -> dict[str, frozenset[str]]:
    """:func:`narrative_attacks` of the installed catalogues (or of ``catalogues``, read already), for
    displays of stored analyses; a catalogue that cannot be read leaves the mapping empty."""
    from propwatch.targets.aliases import canonical_target, load_aliases  # targets import this module

    if catalogues is None:
        catalogues = readable_catalogues(settings, "target stances")
    attacks = narrative_attacks(catalogues)
    try:
        aliases = load_aliases(settings)
    except PropwatchError as error:  # the targets analyzer reports it; names stay as written
        log.warning("target aliases not read for narrative stances: %s", error)
        return attacks
    # "attacks: [USA, Nato]" names the targets the analyzer stores as "United States" and "NATO"
    return {
        nid: frozenset(canonical_target(name, aliases) for name in names) for nid, names in attacks.items()
    }


MAX_EVIDENCE: Final = 5  # evidence sentences kept per narrative and article, strongest first
CASE_LINKS: Final = 3  # links shown next to a match: enough to check it against, few enough to read


class NarrativeTitles(dict[str, str]):
    """Narrative id → its title and catalogue, as :func:`narrative_titles` gives them; it also carries
    each id's case links and the threshold setting, which displays show next to a match (a dict, so that
    every caller that passes the titles on passes these too)."""

    def __init__(
        self,
        titles: Mapping[str, str] | None = None,
        links: Mapping[str, tuple[str, ...]] | None = None,
        threshold: float | None = None,
        settings: Settings | None = None,
    ) -> None:
        super().__init__(titles or {})
        self.links: dict[str, tuple[str, ...]] = dict(links or {})
        """Narrative id → up to :data:`CASE_LINKS` links documenting it (:func:`case_links`)."""
        self.threshold = threshold
        """The setting ``narrative_threshold`` (None: the calibrated threshold of each language)."""
        self._settings = settings

    @property
    def version(self) -> str | None:
        """The narratives analyzer's version with the catalogues and thresholds in use (None: unknown):
        an analysis made by another was compared with thresholds these titles cannot tell."""
        return current_matcher_version(self._settings) if self._settings is not None else None


def case_links(links: Iterable[str]) -> tuple[str, ...]:
    """The first :data:`CASE_LINKS` of ``links`` that lead below a site's root: an EUvsDisinfo import
    keeps "https://euvsdisinfo.eu/" among its report URLs, a link that documents no case."""
    return tuple(link for link in links if urlsplit(link).path.strip("/"))[:CASE_LINKS]


def narrative_titles(settings: Settings, catalogues: list[Catalogue] | None = None) -> NarrativeTitles:
    """Narrative id → what a match means, for displays and exports of stored analyses: its title and
    the catalogue it comes from ("NATO encircles Russia (catalogue: starter)"), with its case links and the
    threshold setting; the first catalogue that defines an id wins, as in matching. A catalogue that
    cannot be read leaves the mapping empty."""
    if catalogues is None:
        catalogues = readable_catalogues(settings, "narrative titles")
    found = NarrativeTitles(threshold=settings.narrative_threshold, settings=settings)
    for catalogue in catalogues:
        for narrative in catalogue.narratives:
            if narrative.id not in found:
                found[narrative.id] = f"{narrative.title} (catalogue: {catalogue.name})"
                found.links[narrative.id] = case_links(narrative.links)
    return found


def match_links(narrative_id: str, titles: Mapping[str, str] | None) -> tuple[str, ...]:
    """The case links of a narrative, when ``titles`` carries them (:class:`NarrativeTitles`)."""
    return titles.links.get(narrative_id, ()) if isinstance(titles, NarrativeTitles) else ()


def match_threshold(
    language: str | None, titles: Mapping[str, str] | None = None, matched_by: str | None = None
) -> float | None:
    """The similarity a sentence of an article in ``language`` needs to be evidence of a narrative, with
    the threshold setting ``titles`` carries (:class:`NarrativeTitles`; the calibrated ones without);
    None when the analysis was made by another matcher version ``matched_by`` than the one in use: its
    thresholds are not known here (showing today's had put matches below "their" threshold)."""
    if isinstance(titles, NarrativeTitles):
        if matched_by is not None and titles.version is not None and matched_by != titles.version:
            return None
        if titles.threshold is not None:
            return titles.threshold
    # threshold_for's rule without Settings; the matcher imports numpy: only for analyses with matches
    from propwatch.narratives.matching import CALIBRATED_THRESHOLDS, DEFAULT_THRESHOLD

    return CALIBRATED_THRESHOLDS.get((language or "").lower(), DEFAULT_THRESHOLD)


def analysis_threshold(analysis: Analysis, titles: Mapping[str, str] | None = None) -> float | None:
    """:func:`match_threshold` of ``analysis``: its article's language, its narratives analyzer version."""
    return match_threshold(analysis.article.language, titles, analysis.analyzers.get(NARRATIVES))


def unknown_attack_names(settings: Settings, catalogues: list[Catalogue]) -> list[str]:
    """One line per ``attacks`` name that no target alias catalogue knows but that is close to one it
    knows ("Untied States"): such a name links only a target found under exactly that name, so a typo
    silently loses the stance. A name far from every known one (a person NER finds) is not listed."""
    from propwatch.targets.aliases import load_aliases  # targets import this module

    aliases = load_aliases(settings)
    known = sorted(set(aliases.entities) | {alias for names in aliases.aliases.values() for alias in names})
    lines = []
    for catalogue in catalogues:
        for narrative in catalogue.narratives:
            for name in narrative.attacks:
                if name.strip() in aliases.entities or aliases.lookup(name.strip(), None) is not None:
                    continue
                close = difflib.get_close_matches(name.strip(), known, n=1, cutoff=0.8)
                if close:
                    where = f"{catalogue.path or catalogue.name} (id {narrative.id!r})"
                    lines.append(
                        f"{where}: attacks {name!r}, a name no target alias catalogue knows: did you mean "
                        f"{close[0]!r}? As written, it links only a target found under exactly that name"
                    )
    return lines


class CatalogueDisplays(NamedTuple):
    """What a display or export of stored analyses needs from the catalogues in use."""

    attacks: dict[str, frozenset[str]]
    """:func:`attacks_in_catalogues`."""
    titles: dict[str, str]
    """:func:`narrative_titles` (a :class:`NarrativeTitles`)."""
    matcher_version: str | None
    """The narratives analyzer's version with these catalogues (None when they cannot be read): an
    analysis of another was matched against other catalogues or thresholds."""


_CURRENT_VERSIONS: dict[tuple[Any, ...], str | None] = {}


def catalogue_files_key(settings: Settings) -> tuple[tuple[str, int, int], ...] | None:
    """Path, modification time and size of every catalogue file in use, to tell when one changed; None
    when they cannot be listed or read."""
    try:
        stats = [(path, path.stat()) for path in catalogue_paths(settings)]
    except (PropwatchError, OSError):
        return None
    return tuple((str(path), stat.st_mtime_ns, stat.st_size) for path, stat in stats)


def current_matcher_version(settings: Settings) -> str | None:
    """The narratives analyzer's version with the catalogue files as they are now (None when they cannot
    be read), read again only when a file changed: a long-running server compares each article with the
    catalogues a `reanalyze` has just used, not with those it read at start."""
    files = catalogue_files_key(settings)
    if files is None:
        return None
    key = (files, settings.narrative_threshold)
    if key not in _CURRENT_VERSIONS:
        from propwatch.analyzers.narratives import matcher_version  # the analyzer imports this module

        try:
            _CURRENT_VERSIONS[key] = matcher_version(settings, load_catalogues(settings))
        except PropwatchError:
            _CURRENT_VERSIONS[key] = None
    return _CURRENT_VERSIONS[key]


def catalogue_displays(settings: Settings, *, versioned: bool = False) -> CatalogueDisplays:
    """:class:`CatalogueDisplays` of the catalogues in use, read once; the analyzer's version only when
    ``versioned`` (it imports the matcher and numpy: 0.17 s that exports and JSON reports do without)."""
    try:
        catalogues = load_catalogues(settings)
    except PropwatchError as error:  # the narratives analyzer reports it; displays go on without
        log.warning("narrative catalogues not read for displays: %s", error)
        return CatalogueDisplays({}, NarrativeTitles(threshold=settings.narrative_threshold), None)
    version = None
    if versioned:
        from propwatch.analyzers.narratives import matcher_version  # the analyzer imports this module

        version = matcher_version(settings, catalogues)
    return CatalogueDisplays(
        attacks_in_catalogues(settings, catalogues), narrative_titles(settings, catalogues), version
    )


def narrative_attacks(catalogues: Iterable[Catalogue]) -> dict[str, frozenset[str]]:
    """Narrative id → the targets it attacks (narratives that declare ``attacks``); the first
    catalogue that defines an id wins, as in matching."""
    found: dict[str, frozenset[str]] = {}
    for narrative in iter_narratives(catalogues):
        if narrative.attacks and narrative.id not in found:
            found[narrative.id] = frozenset(narrative.attacks)
    return found


def catalogue_ids(catalogues: Iterable[Catalogue]) -> frozenset[str]:
    """The narrative ids of ``catalogues``."""
    return frozenset(narrative.id for narrative in iter_narratives(catalogues))


def resolve_narrative_id(name: str, known: Iterable[str], option: str) -> str:
    """The id among ``known`` that ``name`` stands for, in any case; an unknown id is an error naming
    ``option`` and the nearest ids, since a filter on a typo would find nothing and look like an answer."""
    ids = set(known)
    if name in ids:
        return name
    folded = {identifier.lower(): identifier for identifier in sorted(ids)}
    if name.strip().lower() in folded:
        return folded[name.strip().lower()]
    near = get_close_matches(name.strip().lower(), list(folded), n=3, cutoff=0.6)
    hint = f"; did you mean {', '.join(folded[n] for n in near)}?" if near else ""
    raise InputError(
        option,
        f"{name!r} is no narrative id of the catalogues in use or the store{hint} "
        "(`propwatch narratives list` shows them)",
    )
