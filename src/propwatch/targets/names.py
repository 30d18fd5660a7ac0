"""Whether a tagged entity reads like a name, not a clause or a common noun the tagger took for one.

The weaker taggers tag clauses ("La giustificazione della FDA fu la seguente") and, in German where every
noun is capitalised, common nouns ("Testerei", "Kontaktreduktion", "Pandemie unseren Alltag"); natasha
runs a Russian adjective on into a noun it does not agree with ("Запорожская [и Херсонская] области").
"""

from __future__ import annotations

import itertools
import re
from functools import cache
from typing import Final

from babel import Locale, UnknownLocaleError

from propwatch.models.function_words import stop_words
from propwatch.russian import russian_analyzer
from propwatch.targets.morphology import CYRILLIC

# Clause punctuation and quotation marks, which a name never holds.
_CLAUSE_MARKS: Final = re.compile(r"[,;:!?«»“”„\"()\[\]]")

MAX_NAME_WORDS: Final = 5  # "Organisation for Security and Co-operation in Europe": 4 besides stop words
_NAME_STOP_WORDS: Final = frozenset(
    "of for and in on the de du des la le les d l et di del della dei degli delle e per von der die das "  # noqa: SIM905
    "und für zu zum zur i w z na do dla и в на по".split()
)
# Words that open sentences, capitalised there, and that a name never starts with ("Tandis que…", "Damit
# Deutschland…", "Perché il putsch…"): the taggers take them for the start of a name.
SENTENCE_OPENERS: Final = frozenset(
    "but and however then thus therefore when while after since according although "  # noqa: SIM905
    "tandis concernant cependant pourtant ainsi alors donc mais car puis enfin comme quand selon depuis "
    "pendant malgré perché infine come quando mentre però quindi dunque inoltre tuttavia secondo poi ma "
    "anche damit aber denn doch dann also jedoch trotzdem deshalb während wenn als nach seit laut ale więc "
    "jednak gdy kiedy także również według bislang derweil inzwischen zudem außerdem allerdings dennoch "
    "mittlerweile offenbar tymczasem natomiast zatem dlatego ponadto wówczas niestety oczywiście przecież "
    "désormais néanmoins lorsque puisque intanto eppure infatti invece sogar".split()
)

_ELIDED: Final = re.compile(
    r"^(?:l|d|dell|all|dall|nell|sull|qu|lorsqu|puisqu|quoiqu|jusqu|j|s|c)['’]", re.IGNORECASE
)

ARTICLES: Final = frozenset("the la le les l il lo gli i el los las die der das den dem des".split())  # noqa: SIM905


# Group labels that are the insult, not whom it is aimed at ("run by neo-Nazis", "Globalists and
# Russophobes in Brussels"): the tagger takes them for a group, and the span would link to the label.
_LABEL_WORD: Final = re.compile(
    r"(?:^|[\s-])(?:neo-?)?(?:nazi|нацист|неонацист|naziś|fascist|faschist|faszy|фашист|bander|бандер|"
    r"globalist|глобалист|globaliś|russophob|russofob|rusofob|русофоб|satanist|сатанист)",
    re.IGNORECASE,
)


def label_word(form: str) -> bool:
    """Whether a group's name is a pejorative label rather than a target (see :data:`_LABEL_WORD`)."""
    return bool(_LABEL_WORD.search(form.casefold()))


def plausible_name(form: str, language: str | None = None) -> bool:
    """Whether a tagged entity reads like a name.

    No clause punctuation; at most :data:`MAX_NAME_WORDS` words besides stop words; the first of those
    capitalised ("de Gaulle", "3M"; not "1957 roku"); no sentence opener ("Tandis", "Damit") nor other
    stop word of ``language`` first ("Ich", "Oni", "Da Stalin"; an article or an acronym may be); the
    last word no stop word ("États clients de la"); at most one lower-case word besides stop words
    ("Assemblée nationale", not "perverse de destruction du politique"); not an article before a
    lower-case word ("La dévotion de …"). In English and German no lower-case word but after a stop word
    or a preposition ("Institut der deutschen Wirtschaft", "Reporter ohne Grenzen"; not "QR code",
    "Krieg einzumischen", "Pandemie unseren Alltag"), and in German no abstract noun before an article
    ("Identität der nationalen Bevölkerungen").
    """
    if _CLAUSE_MARKS.search(form):
        return False
    words = form.split()
    if not words:
        return False
    cores = [_ELIDED.sub("", w) for w in words]  # "l’Ukraine" is "Ukraine"
    stop = _NAME_STOP_WORDS | ARTICLES
    content = [c for c in cores if c.casefold() not in stop]
    if not content or len(content) > MAX_NAME_WORDS or cores[-1].casefold() in stop:
        return False
    first = content[0]
    capital = any(part[:1].isupper() for part in first.split("-"))  # "al-Qaeda"
    if not (capital or (first[:1].isdigit() and any(c.isalpha() for c in first))):
        return False
    opener = cores[0].casefold()
    if opener in SENTENCE_OPENERS:
        return False
    if opener not in ARTICLES and not cores[0].isupper() and opener in stop_words(language or ""):
        return False
    # Russian names keep their other words in lower case ("Украинский аналитический центр").
    if sum(c[:1].islower() for c in content) > 1 and not CYRILLIC.search(form):
        return False
    if len(words) > 1 and words[0].casefold() in ARTICLES and words[1][:1].islower():
        return False
    if language in _CONNECTORS and _run_on(cores, _CONNECTORS[language] | stop):
        return False
    return not (
        language == "de" and len(cores) > 1 and german_abstract(cores[0], alone=False) and cores[1].islower()
    )


# Lower-case words that join the words of an English or German name ("Bank of England", "Reporter ohne
# Grenzen", "Bild am Sonntag"); an adjective may follow them ("Institut der deutschen Wirtschaft").
_CONNECTORS: Final = {
    "en": frozenset("of for and in on the at to by with a an".split()),  # noqa: SIM905
    "de": frozenset(
        "am im vom beim zum zur an auf aus bei mit nach ohne gegen über unter vor um ins ein eine einer "  # noqa: SIM905
        "eines einem einen".split()
    ),
}
# Lower-case words that open or join a surname ("de Gaulle", "Osama bin Laden"), unlike a title before it.
PARTICLES: Final = frozenset("de du des von van der den di da del della dos al bin ibn ter zu".split())  # noqa: SIM905


def _run_on(cores: list[str], joining: frozenset[str]) -> bool:
    """Whether a lower-case word that joins nothing follows a name's word: a clause the tagger ran on
    into ("Krieg einzumischen", "Corona trotz Spritze") or a common noun after it ("QR code")."""
    for before, word in itertools.pairwise(cores):
        folded = word.casefold()
        if not word[:1].islower() or folded in joining or folded in PARTICLES:
            continue
        if any(part[:1].isupper() for part in word.split("-")[1:]):
            continue  # "al-Qaeda"
        if before.casefold() not in joining:
            return True
    return False


# German nouns made from verbs and adjectives ("Testerei", "Kontaktreduktion", "Souveränität",
# "Pandemie") name no place, organisation or group alone; the abstract ones open no name before an article
# ("Identität der …"; but "Organisation für …" does). Not "-ien" ("Italien"), nor "-ismus": a doctrine a
# text attacks ("Genderismus").
_GERMAN_NOUN_ENDING: Final = re.compile(
    r"[a-zäöüß](?:(?:ung|heit|keit|ität|erei|tion|sion|schaft)(?:en)?|ie)$"
)
# Institutions named by such a noun, targets of their own ("Bundesregierung", "Biden-Administration").
_GERMAN_INSTITUTIONS: Final = ("regierung", "administration", "verwaltung", "kommission", "versammlung")
_GERMAN_ABSTRACT_ENDING: Final = re.compile(r"[a-zäöüß](?:heit|keit|ität|erei)(?:en)?$")


def german_abstract(word: str, alone: bool = True) -> bool:
    """Whether a German word is a common noun by its ending (see :data:`_GERMAN_NOUN_ENDING`): ``alone``
    a one-word name, else the first word of a longer one. "Universität" heads names ("Universität Wien"),
    and a government is a target ("Bundesregierung")."""
    if word.casefold().startswith("universit") or word.casefold().endswith(_GERMAN_INSTITUTIONS):
        return False
    return bool((_GERMAN_NOUN_ENDING if alone else _GERMAN_ABSTRACT_ENDING).search(word))


# The planet is no target, whatever the tagger makes of "the face of the Earth".
NO_TARGETS: Final = frozenset("earth erde terre terra ziemia земля".split())  # noqa: SIM905


def russian_disagreement(form: str) -> bool:
    """Whether a Russian name opens on an adjective that does not agree with the noun after it in number
    and case ("Запорожская области" of "Запорожская и Херсонская области", "Освобождающие область"):
    natasha joined two phrases."""
    words = form.split()
    if len(words) < 2 or not all(CYRILLIC.search(w) and w.isalpha() for w in words[:2]):
        return False
    analyzer = russian_analyzer()
    adjectives = [p.tag for p in analyzer.parse(words[0]) if p.tag.POS in ("ADJF", "PRTF")]
    nouns = [p.tag for p in analyzer.parse(words[1]) if p.tag.POS == "NOUN"]
    if not adjectives or not nouns or len(adjectives) < len(analyzer.parse(words[0])):
        return False  # "Мария Захарова": no adjective first
    return not any(
        a.number == n.number and a.case == n.case and (a.number == "plur" or a.gender in (None, n.gender))
        for a in adjectives
        for n in nouns
    )


@cache
def calendar_words(language: str | None) -> frozenset[str]:
    """Month and day names of ``language`` (CLDR via Babel) in lower case: "Juli", "März", "lutego"."""
    try:
        locale = Locale(language or "en")
    except (ValueError, UnknownLocaleError):
        return frozenset()
    names: set[str] = set()
    for table in (locale.months, locale.days):
        for context in ("format", "stand-alone"):
            names.update(str(n).casefold() for n in table[context]["wide"].values())
    return frozenset(names)
