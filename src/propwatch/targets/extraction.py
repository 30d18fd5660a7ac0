"""Target mentions of one text: catalogue names and named entities, merged under one name each.

1. The alias catalogue finds its names and metonyms (:mod:`propwatch.targets.aliases`).
2. The language's NER back-end finds persons, organisations, places and groups.
3. Where the two overlap, an entity that is itself a catalogued name maps to the catalogue's entity;
   a longer entity around a catalogued name wins ("George Washington", "Washington Post" are not the
   United States); otherwise the catalogue wins. It wins too when the longer entity holds two catalogued
   names ("Joe Biden Russland") or one written in another case than its own (the tagger ran on past
   "Moskaus" in "Moskaus Diplomaten schweigen", past "Putinowi" in "Putinowi grozi Haga"), except at
   the end of a person's name ("Джорджа Вашингтона" is George Washington).
4. An entity the catalogue does not know is kept only when it reads like a name (:mod:`.names`):
   the weaker taggers (French and Italian above all) sometimes tag a clause ("La giustificazione della
   FDA fu la seguente"), and a clause is no target; nor is a month or day name, nor a German noun the
   text also uses as a common noun ("eine Region", "der andauernde Krieg").
5. Entities the catalogue does not know are merged by normalised surface form: case, a leading
   "the", a possessive ('s) and, in Russian, word endings (lemmas of a name's reading: "Бучу" is no verb,
   "Пескову" no sand) do not matter; a lone surname is merged into the full name of a person named in
   the same text ("Stoltenberg" → "Jens Stoltenberg", "Пескову" → "Дмитрий Песков").
6. A hashtag is no target of its own: a catalogued name that is a whole CamelCase part of it counts as
   a mention ("#StopNATO" names NATO, "#RussiaIsNotTheEnemy" Russia), and the taggers' entities in it go.
7. The taggers do not read shouted lines (:func:`propwatch.models.casing.shouted_lines`): in capitals
   every word looks like a name to them ("INSTEAD", "NATO REFUSED"); the catalogue reads them in any case.
8. Names in the other script than the language's are the catalogue's only (:mod:`propwatch.targets.scripts`).
"""

from __future__ import annotations

import itertools
import re
from bisect import bisect_right
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Final

from propwatch.models.casing import shouted_lines
from propwatch.sentence_shapes import speaker_labels
from propwatch.targets.aliases import (
    AliasCatalogue,
    CatalogueMatch,
    normalise_surface,
    polish_case_of,
    polish_cases,
)
from propwatch.targets.inflections import (
    GERMAN_QUANTITIES,
    german_first_name_before,
    german_noun,
    german_people,
)
from propwatch.targets.linking import COORDINATION
from propwatch.targets.morphology import (
    LEMMATIZED_LANGUAGES,
    is_adjective,
    lemma_tokens,
    lemmas,
    name_lemma,
    nominative,
    polish_name_cases,
    without_patronymic,
)
from propwatch.targets.names import (
    ARTICLES,
    NO_TARGETS,
    PARTICLES,
    SENTENCE_OPENERS,
    calendar_words,
    german_abstract,
    label_word,
    plausible_name,
    russian_disagreement,
)
from propwatch.targets.ner import NerBackend, NerMention
from propwatch.targets.scripts import lookup, misread, other_script_matches

SOURCE_CATALOGUE: Final = "catalogue"
SOURCE_NER: Final = "ner"
_EDGE_MARKS: Final = r"[\s\"«»“”„‘()\[\]\-–—:;,]+"
_EDGE: Final = re.compile(rf"^{_EDGE_MARKS}|{_EDGE_MARKS}$")  # quotes and dashes around a tagged name
_TRAILING_ABBREVIATION: Final = re.compile(r"\s*\([^()]*\)$")  # "Wohnungswirtschaft (GdW)"
# An article before a name ("La Russie", "l'OTAN", "die NATO"), which the catalogue lists without it.
_LEADING_ARTICLE: Final = re.compile(
    r"^(?:(?:the|la|le|les|il|lo|gli|die|der|das|den|dem|des|el|los|las)\s+|(?:l|dell|all|dall|nell|sull)['’])",
    re.IGNORECASE,
)
_INITIALS: Final = re.compile(r"^(?:[A-ZА-ЯЁ]\.\s*){1,3}")  # "В.В. Путин", "J. Biden"
# A title before a name, which the taggers sometimes take into it.
_TITLES: Final = frozenset(
    "president präsident président presidente prezydent президент премьер премьер-министр министр глава "  # noqa: SIM905
    "канцлер kanzler bundeskanzler chancellor госсекретарь генсек губернатор мэр посол спикер "
    "herr frau pan pani monsieur madame mr mrs ms signor signora господин госпожа gen col lt sen gov "
    "minister ministre ministro ministerin министра эксперт kommissionspräsidentin präsidentin kanzlerin "
    "presidentessa senator senatorin sénateur senatore senatorka sekretarz außenminister "
    "außenministerin herrn m mme mlle dr prof sgt stellvertreter stellvertreterin sig dott premier prime "
    "premiera premierowi premierem prezydenta prezydentowi prezydentem kanclerz kanclerza kanclerzem "
    "ministra ministrem marszałek wicepremier rzecznik gubernator gubernatora présidente".split()
)
# Titles that also open names ("Premier League", "Prime Video"): cut off only before a full name or a person.
_NAME_OPENING_TITLES: Final = frozenset({"premier", "prime"})
# Elisions before a name that are never part of it: "Lorsqu'Antony Blinken", "Qu'Emmanuel", "d'Olaf".
_ELISION: Final = re.compile(
    r"^(?:(?i:lorsqu|puisqu|quoiqu|jusqu|qu)|l|d|dell|all|dall|nell|sull|degl|dagl|j|s|c|n|m|t)['’](?=\w)"
)
_ARTICLE_ELISION: Final = re.compile(r"^(?:l|dell|all|dall|nell|sull|degl|dagl)['’]")  # before no first name
# "D'Olaf Scholz" at a sentence start is French "de", but "D'Alema", "D'Annunzio" are surnames: the
# elision goes only before a full name, a catalogued name or one the text also writes without it.
_CAPITAL_D: Final = re.compile(r"^D['’](?=[^\W\d_])")


@dataclass(frozen=True)
class Mention:
    start: int
    end: int
    name: str
    type: str
    source: str


_OWNER: Final = re.compile(r"['’]s$")
# German titles are compounds ("Verkehrsminister", "Regierungssprecherin"): known by their ending.
_TITLE_ENDINGS: Final = (
    "minister",
    "ministerin",
    "präsident",
    "präsidentin",
    "sprecher",
    "sprecherin",
    "kanzler",
)


def _title(word: str) -> bool:
    folded = word.casefold().rstrip(".")
    return folded in _TITLES or (len(folded) > 9 and folded.endswith(_TITLE_ENDINGS))


def _trim(text: str, start: int, end: int, person: bool = False) -> tuple[int, int]:
    """Offsets of the normalised form inside ``text[start:end]`` (article, possessive, elision, title and
    surrounding punctuation cut off; for a person, a sentence opener and lower-case words before the name,
    particles aside, and after it too)."""
    surface = text[start:end]
    form = _EDGE.sub("", _TRAILING_ABBREVIATION.sub("", normalise_surface(surface)))
    if not form:
        return start, start
    words = form.split()
    owner = next((i for i, word in enumerate(words[:-1]) if _OWNER.search(word)), None)
    if owner is not None:  # "Trump’s Stalinist statements": the name ends at its possessive
        words = [*words[:owner], _OWNER.sub("", words[owner])]
    elided = _ELISION.match(words[0])
    if elided and not (person and _ARTICLE_ELISION.match(words[0])):  # "dell’Indonesia Joko Widodo"
        words[0] = words[0][elided.end() :]  # "Lorsqu'Antony Blinken", "d'Olaf Scholz", "l'Assemblée"
    while person and len(words) > 1 and words[0].casefold() in SENTENCE_OPENERS:
        words = words[1:]  # "Tymczasem Donald Tusk"
    while len(words) > 1 and (titled := _titled(words, person)):
        words = words[titled:]  # "Президент В.В. Путин", "le Premier ministre Gabriel Attal"
    while person and len(words) > 1 and words[0][:1].islower() and words[0].casefold() not in PARTICLES:
        words = words[1:]  # "ministre Jean Dupont", "presidente Mario Draghi": a title the tagger took in
    while person and len(words) > 1 and not words[-1][:1].isupper():
        words = words[:-1]  # "Władimir Putin często", "Macron commémore le 60e": the tagger ran on
    first = surface.find(words[0])
    last = surface.rfind(words[-1])
    if first < 0 or last < 0:
        return start, end
    return start + first, start + last + len(words[-1])


def _titled(words: Sequence[str], person: bool) -> int:
    """How many words open ``words`` as a title, with its article ("il premier"): 0 when none does."""
    skip = 1 if len(words) > 2 and words[0].casefold() in ARTICLES and _title(words[1]) else 0
    if not _title(words[skip]):
        return 0
    rest = len(words) - skip - 1
    if words[skip].casefold().rstrip(".") in _NAME_OPENING_TITLES and not (person or rest > 1):
        return 0
    return skip + 1


def _key(form: str, language: str | None, person: bool = False) -> str:
    if language == "ru":  # lemmas of the name's reading: "Дмитрий Песков" is no "дмитрий песок"
        return " ".join(name_lemma(t.text, person) for t in lemma_tokens(form, language)).casefold()
    if language in LEMMATIZED_LANGUAGES:
        return " ".join(lemmas([t.text for t in lemma_tokens(form, language)], language)).casefold()
    return form.casefold()


def _display(forms: Sequence[str], language: str | None, person: bool = False) -> str:
    """The name shown for an unlisted entity: its most frequent form; in Russian a form the text writes in
    the nominative, else the most frequent form put in the nominative ("Марии Захаровой" → "Мария
    Захарова")."""
    if language in LEMMATIZED_LANGUAGES:
        named = [nominative(form, person) for form in forms]
        attested = [form for form, name in zip(forms, named, strict=True) if form == name]
        return Counter(attested or named).most_common(1)[0][0]
    return Counter(forms).most_common(1)[0][0]


def extract_mentions(
    text: str, language: str | None, catalogue: AliasCatalogue, ner: NerBackend | None
) -> list[Mention]:
    """Every target mention in ``text``, in order, each under its canonical (or merged) name."""
    catalogued = other_script_matches(text, language, catalogue, catalogue.find(text, language))
    hashtags = [(m.start(), m.end()) for m in _HASHTAG.finditer(text)]
    tagged = _hashtag_mentions(text, language, catalogue, hashtags, catalogued)
    catalogued = sorted([*catalogued, *tagged], key=lambda m: m.start)
    in_hashtag = _overlap_test(hashtags)
    read = ner.entities(_silenced(text, shouted_lines(text))) if ner is not None else []
    entities = [
        e for e in read if not in_hashtag(e.start, e.end) and not misread(text, e.start, e.end, language)
    ]
    dropped: set[int] = set()
    unlisted: list[tuple[int, int, str]] = []
    tagged_surnames = {  # last words of the full names the tagger found
        text[e.start : e.end].split()[-1]
        for e in entities
        if e.type == "PER" and " " in text[e.start : e.end]
    }
    found: list[Mention] = []
    for entity in _joined(text, entities):
        surface = _EDGE.sub("", text[entity.start : entity.end]).split()
        titled = _titled(surface, person=False) if len(surface) > 1 else 0
        named = titled and all(word[:1].isupper() for word in surface[titled:])  # not "ministro degli Esteri"
        kind = "PER" if named else entity.type  # "Premier Donald Tusk", whatever type the tagger gave
        start, end = _trim(text, entity.start, entity.end, person=kind == "PER")
        if _CAPITAL_D.match(text[start:end]) and _elided_d(text, start + 2, end, language, catalogue):
            start += 2  # "D’Emmanuel Macron on attendait…" names Macron; "D'Alema" stays
        if kind != "PER":
            end = _completed(text, start, end, language, catalogue)  # "Bureau ovale", not "Bureau"
        form = text[start:end]
        if len(form) < 2 or not any(c.isalpha() for c in form):
            continue  # dates and numbers tagged as entities
        overlapping = [i for i, m in enumerate(catalogued) if m.start < end and start < m.end]
        known = lookup(catalogue, form, language)  # "Kremlin's" in a Russian text is Russia too
        initials = _INITIALS.match(form)
        if known is None and initials and initials.end() < len(form):
            known = catalogue.lookup(form[initials.end() :], language)  # "В.В. Путина" is Putin
        if known is None and language == "ru" and (short := without_patronymic(form)) is not None:
            known = catalogue.lookup(short, language)  # "Владимир Владимирович Путин" is Putin
        article = _LEADING_ARTICLE.match(form)
        if known is None and article and catalogue.lookup(form[article.end() :], language) is not None:
            continue  # "La Russie", "l'OTAN": the catalogue's match inside is the mention
        if known is None and _title(form):
            continue  # "Gen" of "Gen. Gerasimov", "Minister" alone: a title, not a target
        if known is not None:
            if not overlapping and not catalogue.shouted(text, start, end, language):
                found.append(Mention(start, end, known.name, known.type, SOURCE_NER))
            continue
        if _lists(text, [catalogued[i] for i in overlapping]):
            continue  # "Les États-Unis et l'OTAN" is two targets, as the catalogue has them
        if not plausible_name(form, language):
            continue  # before it may displace the catalogue's names inside ("Stati membri della NATO")
        if kind == "GROUP" and label_word(form):
            continue  # "neo-Nazis", "Russophobes": the label a technique span uses, not its target
        if kind != "PER" and form.split()[0].casefold() in calendar_words(language):
            continue  # "Juli 2022 in der Zeitung Unsere Zeit": a date the tagger ran on from
        if language in LEMMATIZED_LANGUAGES and kind != "PER" and is_adjective(form):
            continue  # "Мариупольский [котёл]"; a person's adjective-like surname ("Зеленского") stays
        if language == "ru" and kind != "PER" and russian_disagreement(form):
            continue  # "Запорожская [и Херсонская] области": two phrases, no name
        if kind != "PER" and form.casefold() in NO_TARGETS:
            continue  # "the face of the Earth"
        if overlapping:
            inside = all(start <= catalogued[i].start and catalogued[i].end <= end for i in overlapping)
            longer = all(end - start > catalogued[i].end - catalogued[i].start for i in overlapping)
            if not (inside and longer) or len(overlapping) > 1:
                continue  # the catalogue's reading wins
            if kind == "PER" and (
                other := _another_surname(text, start, catalogued[overlapping[0]], tagged_surnames)
            ):
                unlisted.append((start, other, "PER"))  # "[durfte] Rosenberg Lawrow [Fragen stellen]"
                continue
            if _phrase_about(text, start, end, catalogued[overlapping[0]], kind == "PER", language):
                continue  # "Russlands Krieg", "Reżim Zełenskiego": a noun phrase about the catalogued name
            dropped.update(overlapping)
        unlisted.append((start, end, kind))
    if language == "de":
        unlisted = _genitive_cut(text, unlisted)
    found.extend(
        Mention(m.start, m.end, m.entity.name, m.entity.type, SOURCE_CATALOGUE)
        for i, m in enumerate(catalogued)
        if i not in dropped
    )
    found.extend(_merge_unlisted(text, language, unlisted))
    labelled = _overlap_test(speaker_labels(text))  # "SERGEY LAVROV:" says who speaks, not who is attacked
    return sorted((m for m in found if not labelled(m.start, m.end)), key=lambda m: (m.start, m.end))


def _joined(text: str, entities: Sequence[NerMention]) -> list[NerMention]:
    """Entities with those the tagger split at a surname's apostrophe joined ("Massimo D" + "Alema")."""
    joined: list[NerMention] = []
    for entity in sorted(entities, key=lambda e: e.start):
        last = joined[-1] if joined else None
        tail = text[last.start : last.end].split()[-1:] if last is not None else []
        if (
            last is not None
            and tail
            and len(tail[0]) <= 4
            and tail[0][:1].isupper()
            and text[last.end : last.end + 1] in ("'", "’")
            and entity.start == last.end + 1
        ):
            kind = last.type if last.type == "PER" else entity.type
            joined[-1] = NerMention(last.start, max(last.end, entity.end), kind)
        else:
            joined.append(entity)
    return joined


def _another_surname(text: str, start: int, match: CatalogueMatch, surnames: set[str]) -> int | None:
    """The end of another person's surname that a tagger glued before a catalogued person ("Rosenberg
    Lawrow" where the text names "Steve Rosenberg"): one capitalised word that ends a full name the text
    tags, so no first name of the catalogued person; ``None`` when there is none."""
    before = text[start : match.start].split()
    if match.entity.type != "person" or len(before) != 1 or not before[0][:1].isupper():
        return None
    return start + len(before[0]) if before[0] in surnames else None


def _elided_d(text: str, start: int, end: int, language: str | None, catalogue: AliasCatalogue) -> bool:
    """Whether "D'" before ``text[start:end]`` is an elided "de" (see :data:`_CAPITAL_D`)."""
    rest = text[start:end]
    if len(rest.split()) > 1 or catalogue.lookup(rest, language) is not None:
        return True
    return re.search(rf"(?<![\w'’]){re.escape(rest)}(?!\w)", text) is not None


# French and Italian names of institutions capitalise only their first word ("Bureau ovale", "Assemblée
# nationale", "Camera dei deputati"): a tagger that took the first word alone left a common noun. Closed
# lists, since French verbs share adjective endings ("Le Hamas revendique", "la Commission explique").
_NOUN_FIRST_LANGUAGES: Final = frozenset({"fr", "it"})
_INSTITUTION_ADJECTIVE: Final = re.compile(
    r"\s+(?:ovale|nationale?|européen(?:ne)?|constitutionnel(?:le)?|suprême|fédérale?|centrale?|mondiale?|"
    r"internationale?|populaire|générale?|islamique|nazionale|europe[oa]|costituzionale|federale|"
    r"internazionale|popolare|islamic[oa]|generale|suprema)(?!\w)"
)
_INSTITUTION_HEAD: Final = frozenset(
    "bureau conseil cour chambre ministère banque commission comité camera consiglio corte ministero banca "  # noqa: SIM905
    "commissione comitato".split()
)
_COMPLEMENT: Final = re.compile(r"\s+(?:di|del|della|dei|degli|delle|de|du|des)\s+([a-zà-ÿœ]{3,})(?!\w)")


def _completed(text: str, start: int, end: int, language: str | None, catalogue: AliasCatalogue) -> int:
    """The end of a one-word French or Italian name with the adjective or complement that ends it
    ("Bureau ovale", "Parlamento europeo", "Camera dei deputati", "Cour des comptes"); a catalogued name
    stays as it is ("l'Europe centrale")."""
    word = text[start:end]
    if language not in _NOUN_FIRST_LANGUAGES or " " in word or not word[:1].isupper():
        return end
    if catalogue.lookup(word, language) is not None:
        return end
    adjective = _INSTITUTION_ADJECTIVE.match(text, end)
    if adjective is not None:
        return adjective.end()
    complement = _COMPLEMENT.match(text, end) if word.casefold() in _INSTITUTION_HEAD else None
    return complement.end() if complement is not None else end


def _phrase_about(
    text: str, start: int, end: int, match: CatalogueMatch, person: bool, language: str | None
) -> bool:
    """Whether an entity around a catalogued name is a phrase about it rather than a longer name:
    the name in another case than its own ("Russlands Krieg", "Putinowi grozi Haga"), except at the end
    of a person's name ("Джорджа Вашингтона"): in German a first name takes no genitive -s ("Marionette
    Washingtons"), in Polish it agrees with the surname ("Władimira Putina"; not "Reżim Zełenskiego");
    or, in German, beside one word that the text uses as a common noun ("Sanktionen Russland")."""
    extra = [*text[start : match.start].split(), *text[match.end : end].split()]
    if extra and all(_VERSION.match(word) for word in extra):
        return (
            True  # "Украина 2.0", "Russland 2022": the catalogued name and a version or year; not "Россия 24"
        )
    if language == "de" and len(extra) == 1 and german_noun(text, extra[0]):
        return True
    if not match.inflected:
        return False
    before = text[start : match.start].split()
    another = person and match.entity.type == "person" and german_first_name_before(text, start, before)
    if language == "de" and another:
        return False  # "Hunter Bidens Laptop": a genitive ends a full name, here another person's
    if not person or match.start == start or language == "de":
        return True
    if language != "pl" or not before:
        return False
    surname = text[match.start : match.end].split()[0]
    return not (polish_cases(before[-1]) & (polish_cases(surname) - {0}))


def _genitive_stems(word: str) -> set[str]:
    """What a German genitive may be of: "Baerbocks" of "Baerbock", "Scholzens" of "Scholz"."""
    return {word[:-1], word[:-3]} if word.endswith("ens") else {word[:-1]}


def _genitive_cut(text: str, spans: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """German persons cut after a genitive of a surname the text names ("Baerbocks Rede" → "Baerbocks"
    where "Annalena Baerbock" is named): a German name ends at its genitive."""
    surnames = {text[s:e].split()[-1] for s, e, kind in spans if kind == "PER" and " " in text[s:e]}
    cut: list[tuple[int, int, str]] = []
    for start, end, kind in spans:
        words = list(re.finditer(r"\S+", text[start:end]))
        genitive = next(
            (
                w
                for w in words[:-1]
                if kind == "PER" and w.group().endswith("s") and _genitive_stems(w.group()) & surnames
            ),
            None,
        )
        cut.append((start, start + genitive.end(), kind) if genitive is not None else (start, end, kind))
    return cut


_VERSION: Final = re.compile(r"^(?:\d+\.\d+|(?:19|20)\d\d)$")  # "2.0", "2022"
_HASHTAG: Final = re.compile(r"(?<![\w#])#\w+")


def _silenced(text: str, lines: Sequence[tuple[int, int]]) -> str:
    """``text`` with ``lines`` (sorted, disjoint) blanked, same length, for a tagger not to read them."""
    pieces, done = [], 0
    for start, end in lines:
        pieces += [text[done:start], " " * (end - start)]
        done = end
    return "".join([*pieces, text[done:]])


def _overlap_test(ranges: Sequence[tuple[int, int]]) -> Callable[[int, int], bool]:
    """Whether ``[start, end)`` overlaps one of ``ranges`` (sorted, disjoint): a bisection, since a long
    text holds many hashtags and names."""
    ends = [stop for _, stop in ranges]

    def overlaps(start: int, end: int) -> bool:
        i = bisect_right(ends, start)
        return i < len(ranges) and ranges[i][0] < end

    return overlaps


def _camel_parts(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The CamelCase parts of the word ``text[start:end]``: "StopNATO" → "Stop", "NATO"; "NATOIsEvil" →
    "NATO", "Is", "Evil"; digits and underscores apart ("Russia_2022" → "Russia", "2022")."""
    parts: list[tuple[int, int]] = []
    first = start
    for i in range(start + 1, end + 1):
        if i < end:
            a, b, c = text[i - 1], text[i], text[i + 1] if i + 1 < end else ""
            if not (
                "_" in (a, b)
                or (a.islower() and b.isupper())
                or a.isdigit() != b.isdigit()
                or (a.isupper() and b.isupper() and c.islower())
            ):
                continue
        if text[first:i] != "_":
            parts.append((first, i))
        first = i
    return parts


def _hashtag_mentions(
    text: str,
    language: str | None,
    catalogue: AliasCatalogue,
    hashtags: Sequence[tuple[int, int]],
    catalogued: Sequence[CatalogueMatch],
) -> list[CatalogueMatch]:
    """The catalogued names that are whole CamelCase parts of hashtags, longest runs of parts first
    ("#UnitedStatesOut" → United States), where the catalogue found none there ("#NATO" it does)."""
    found: list[CatalogueMatch] = []
    named = _overlap_test([(m.start, m.end) for m in catalogued])  # sorted and disjoint, as find gives them
    for start, end in hashtags:
        if named(start, end):
            continue
        parts = _camel_parts(text, start + 1, end)
        i = 0
        while i < len(parts):
            for j in range(len(parts), i, -1):
                entity = catalogue.lookup(" ".join(text[a:b] for a, b in parts[i:j]), language)
                if entity is not None:
                    found.append(CatalogueMatch(parts[i][0], parts[j - 1][1], entity, metonym=False))
                    i = j
                    break
            else:
                i += 1
    return found


def _lists(text: str, matches: Sequence[CatalogueMatch]) -> bool:
    """Whether catalogue matches are coordinated names ("the US and NATO"), not parts of one name."""
    ordered = sorted(matches, key=lambda m: m.start)
    return len(ordered) > 1 and all(
        COORDINATION.match(text[a.end : b.start]) for a, b in itertools.pairwise(ordered)
    )


def _merge_unlisted(text: str, language: str | None, spans: list[tuple[int, int, str]]) -> list[Mention]:
    groups: dict[str, list[tuple[int, int, str]]] = defaultdict(list)
    keys: dict[tuple[int, int], str] = {}
    for start, end, kind in spans:
        keys[start, end] = _key(text[start:end], language, person=kind == "PER")
        groups[keys[start, end]].append((start, end, kind))
    # A lone surname joins the one full name of a person that ends with it, whatever type the tagger
    # gave the surname alone ("Franken" as a place); a German genitive too ("Johnsons").
    persons = [k for k, g in groups.items() if len(k.split()) > 1 and _type(g) == "PER"]
    if language == "pl":  # "Donalda Tuska" is Donald Tusk: the cases of a man's name
        for person in list(persons):
            for case in {_key(form, language, person=True) for form in polish_name_cases(person.title())}:
                if case != person and case in groups and person in groups:
                    groups[person].extend((s, e, "PER") for s, e, _ in groups.pop(case))
        persons = [p for p in persons if p in groups]
    # A full name and one longer full name with the same first and last word are one person ("Barack
    # Obama", "Barack Hussein Obama"; not "George W. Bush" and "George H. W. Bush"), under the one written
    # more often: a lone surname then has one full name to join.
    for short in [p for p in persons if len(p.split()) == 2]:
        longer = [
            p for p in persons if len(p.split()) > 2 and (p.split()[0], p.split()[-1]) == tuple(short.split())
        ]
        if len(longer) == 1 and longer[0] in groups and short in groups:
            keep, other = (
                (short, longer[0]) if len(groups[short]) >= len(groups[longer[0]]) else (longer[0], short)
            )
            groups[keep].extend(groups.pop(other))
    persons = [p for p in persons if p in groups]
    for key in [k for k in groups if len(k.split()) == 1]:
        surnames = {key, key[:-1]} if language == "de" and key.endswith("s") else {key}
        if language == "ru":  # read as a surname, whatever the tagger took it for ("Песков", not "песок")
            surnames |= {_key(text[s:e], language, person=True) for s, e, _ in groups[key]}
        fuller = [
            p for p in persons if p.split()[-1] in surnames or (language == "pl" and polish_case_of(key, p))
        ]
        if len(fuller) == 1:
            groups[fuller[0]].extend((start, end, "PER") for start, end, _ in groups.pop(key))
    for key in [k for k, g in groups.items() if _common_word(text, language, g)]:
        del groups[key]  # after the joins: "Franken" of "Al Franken" is no common noun
    mentions: list[Mention] = []
    for key, group in groups.items():
        group.sort()
        full = [text[s:e] for s, e, _ in group if keys[s, e] == key]
        kind = _type(group)
        name = _display(full or [text[s:e] for s, e, _ in group], language, person=kind == "PER")
        mentions.extend(Mention(s, e, name, kind, SOURCE_NER) for s, e, _ in group)
    return mentions


def _type(group: Sequence[tuple[int, int, str]]) -> str:
    return Counter(kind for _, _, kind in group).most_common(1)[0][0]


def _common_word(text: str, language: str | None, group: Sequence[tuple[int, int, str]]) -> bool:
    """Whether a group of mentions (not a person) is a common word the tagger took for a name: a month
    or day name; in German (where every noun is capitalised) one word that the text uses as a common noun
    (:func:`~propwatch.targets.inflections.german_noun`; a people aside), or words with a unit or quantity
    among them ("Ampel Milliarden"), or one word or compound with a common noun's ending ("Testerei",
    "Corona-Pandemie": :func:`~propwatch.targets.names.german_abstract`)."""
    forms = {text[s:e] for s, e, _ in group}
    if _type(group) == "PER":
        return False
    if language == "de" and any(w.casefold() in GERMAN_QUANTITIES for f in forms for w in f.split()):
        return True  # "[die] Ampel Milliarden [zahlt]", "Grad Celsius": two nouns side by side, no name
    if language == "de" and all(" " not in f and german_abstract(f.split("-")[-1]) for f in forms):
        return True  # "Omikron-Infektion", "Corona-Pandemie": a compound of a common noun
    if any(len(f.split()) > 1 or any(c.isupper() for c in f[1:]) for f in forms):
        return False  # several words, or an acronym ("SoZ", "KGB")
    if any({f.casefold(), _key(f, language)} & calendar_words(language) for f in forms):
        return True  # "Juli"; "июле" by its lemma "июль"
    if language != "de" or any(map(german_people, forms)):
        return False
    return any(german_noun(text, f) or german_abstract(f) for f in forms)  # "Testerei", "Pandemie"
