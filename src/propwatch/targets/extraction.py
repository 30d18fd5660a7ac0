"""Target mentions of one text: catalogue names and named entities, merged under one name each.

1. The alias catalogue finds its names and metonyms (:mod:`propwatch.targets.aliases`).
2. The language's NER back-end finds persons, organisations, places and groups.
3. Where the two overlap, an entity that is itself a catalogued name maps to the catalogue's entity;
   a longer entity around a catalogued name wins ("George Washington", "Washington Post" are not the
   United States); otherwise the catalogue wins.
4. Entities the catalogue does not know are merged by normalised surface form: case, a leading
   "the", a possessive ('s) and, in Russian, word endings (lemmas) do not matter; a lone surname is
   merged into the full name of a person named in the same text ("Stoltenberg" → "Jens Stoltenberg").
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from propwatch.targets.aliases import AliasCatalogue, normalise_surface
from propwatch.targets.morphology import LEMMATIZED_LANGUAGES, lemma_tokens, lemmas
from propwatch.targets.ner import NerBackend, NerMention

SOURCE_CATALOGUE: Final = "catalogue"
SOURCE_NER: Final = "ner"


@dataclass(frozen=True)
class Mention:
    start: int
    end: int
    name: str
    type: str
    source: str


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    """Offsets of the normalised form inside ``text[start:end]`` (article and possessive cut off)."""
    surface = text[start:end]
    form = normalise_surface(surface)
    if not form:
        return start, start
    words = form.split()
    first = surface.find(words[0])
    last = surface.rfind(words[-1])
    if first < 0 or last < 0:
        return start, end
    return start + first, start + last + len(words[-1])


def _key(form: str, language: str | None) -> str:
    if language in LEMMATIZED_LANGUAGES:
        return " ".join(lemmas([t.text for t in lemma_tokens(form, language)], language))
    return form.casefold()


def _display(forms: Sequence[str], language: str | None) -> str:
    """The name shown for an unlisted entity: its most frequent form; in Russian the nominative."""
    if language in LEMMATIZED_LANGUAGES:
        for form in forms:
            if _key(form, language) == form.casefold().replace("ё", "е"):
                return form
        words = forms[0].split()
        lemma_words = _key(forms[0], language).split()
        if len(words) == len(lemma_words):
            return " ".join(
                lw.capitalize() if w[:1].isupper() else lw for w, lw in zip(words, lemma_words, strict=True)
            )
    return Counter(forms).most_common(1)[0][0]


def extract_mentions(
    text: str, language: str | None, catalogue: AliasCatalogue, ner: NerBackend | None
) -> list[Mention]:
    """Every target mention in ``text``, in order, each under its canonical (or merged) name."""
    catalogued = catalogue.find(text, language)
    entities: list[NerMention] = ner.entities(text) if ner is not None else []
    dropped: set[int] = set()
    unlisted: list[tuple[int, int, str]] = []
    found: list[Mention] = []
    for entity in entities:
        start, end = _trim(text, entity.start, entity.end)
        form = text[start:end]
        if len(form) < 2 or not any(c.isalpha() for c in form):
            continue  # dates and numbers tagged as entities
        overlapping = [i for i, m in enumerate(catalogued) if m.start < end and start < m.end]
        known = catalogue.lookup(form, language)
        if known is not None:
            if not overlapping:
                found.append(Mention(start, end, known.name, known.type, SOURCE_NER))
            continue
        if overlapping:
            inside = all(start <= catalogued[i].start and catalogued[i].end <= end for i in overlapping)
            longer = all(end - start > catalogued[i].end - catalogued[i].start for i in overlapping)
            if not (inside and longer):
                continue  # the catalogue's reading wins
            dropped.update(overlapping)
        unlisted.append((start, end, entity.type))
    found.extend(
        Mention(m.start, m.end, m.entity.name, m.entity.type, SOURCE_CATALOGUE)
        for i, m in enumerate(catalogued)
        if i not in dropped
    )
    found.extend(_merge_unlisted(text, language, unlisted))
    return sorted(found, key=lambda m: (m.start, m.end))


def _merge_unlisted(text: str, language: str | None, spans: list[tuple[int, int, str]]) -> list[Mention]:
    groups: dict[str, list[tuple[int, int, str]]] = defaultdict(list)
    for start, end, kind in spans:
        groups[_key(text[start:end], language)].append((start, end, kind))
    # A lone surname joins the one full name of a person that ends with it.
    persons = [k for k, g in groups.items() if len(k.split()) > 1 and _type(g) == "PER"]
    for key in [k for k in groups if len(k.split()) == 1 and _type(groups[k]) == "PER"]:
        fuller = [p for p in persons if p.split()[-1] == key]
        if len(fuller) == 1:
            groups[fuller[0]].extend(groups.pop(key))
    mentions: list[Mention] = []
    for key, group in groups.items():
        group.sort()
        full = [text[s:e] for s, e, _ in group if _key(text[s:e], language) == key]
        name = _display(full or [text[s:e] for s, e, _ in group], language)
        kind = _type(group)
        mentions.extend(Mention(s, e, name, kind, SOURCE_NER) for s, e, _ in group)
    return mentions


def _type(group: Sequence[tuple[int, int, str]]) -> str:
    return Counter(kind for _, _, kind in group).most_common(1)[0][0]
