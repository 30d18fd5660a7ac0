"""Sentence boundaries with exact character offsets into the text they came from.

Rule-based and offline, for news prose in Latin, Cyrillic, Greek and Arabic script:

* a paragraph break (a line that is blank, or a line break followed by a capital letter, digit or
  quote) always ends a sentence;
* ``.``, ``!``, ``?``, ``…``, ``؟`` and ``。`` end a sentence when followed — after any closing quotes
  and brackets — by white space and then something that does not start in lower case;
* the closing quotes taken in are those right after the mark, German “ ‘ « among them (".“ Denn",
  "?« Piotr"), and a » set off by a space ("jour. » Les") or a ” that closes an open quotation; an attribution
  in lower case stays with its quote, after a dash too ("» a déclaré Hill.", "!» — заявил он.");
* a ``!`` or ``?`` inside a short quotation (opened and closed within 60 characters of it, on its line)
  ends none: "Проект «Жить! Войне вопреки» получил…";
* a ``.`` does not end one after a known abbreviation ("Mr.", "U.S.", "e.g.", "Feb."; with the
  article's language, its own too: "z. B.", "tzw.", "m.in.", "sig.", "Mio."), an abbreviation before a
  number ("Art. 5", "ст. 12", "p. 12"), a single capital letter
  (an initial: "J. Smith"), between digits ("3.5", "03.02.2022"), after a day's number before a month
  ("am 24. Februar 2022"), or after a German ordinal before its noun ("des 20. Jahrhunderts");
* "etc.", "usw.", "itd.", "т.д." and the like end a sentence when a capital follows; the others when a
  capitalised function word follows ("in the U.S. The company…", "в 2022 г. Он…"), except those a
  name follows ("e.g. The Guardian", "ul. Na Skarpie", "Mr. Will"); spaced ones are read closed up
  ("u. a.", "d. h." as "u.a.", "d.h.");
* a Polish year's "r." ("w 2014 r.", "w ub. r.", "br.") ends a sentence before a capitalised word, unless
  the year phrase opens the sentence or a clause ("W 2023 r. Polska…", "…, a w 2015 r. Sejm…"), a name
  of several words follows ("w 1957 r. Raportu Wolfendena"), or a name follows an adverbial phrase that
  opens the sentence and has no finite verb yet ("Po aneksji Krymu w 2014 r. Rosja rozpoczęła…").

Each sentence is returned as ``(start, end)`` with ``text[start:end]`` stripped of surrounding
white space, so the offsets can become :class:`~propwatch.domain.Span` offsets unchanged.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from propwatch.models.function_words import stop_words
from propwatch.sentence_shapes import cut_long

# Abbreviations after which a full stop rarely ends the sentence (lower-cased, without the dot); "ee" is
# the first half of Spanish "EE. UU.", quoted in texts of any language.
_ABBREVIATIONS = frozenset(
    """
    mr mrs ms dr prof sr jr st mt ft gen col lt sgt capt cmdr adm gov sen rep pres rev hon
    jan feb mar apr jun jul aug sep sept oct nov dec mon tue wed thu fri sat sun
    e.g i.e etc vs al approx ca cf no nos fig figs vol vols pp ed eds inc ltd co corp dept univ est
    u.s u.k u.n e.u u.s.a d.c a.m p.m ph.d ee
    г гг т тт им ул д см др проф
    """.split()  # noqa: SIM905 - a word list reads better as prose
)
# Abbreviations that end sentences as often as not ("… и т.д. Лавров отметил"): a capital after
# them starts a new one. (Units and currencies, "млн.", "руб.", are followed in lower case when the
# sentence goes on, so they need no entry at all.)
_SENTENCE_ENDING = frozenset("etc usw ecc itd itp т.д т.п".split())  # noqa: SIM905
# Abbreviations that come before a number: "Art. 5", "ст. 12", "p. 12", "Nr. 3".
_BEFORE_NUMBER = frozenset(
    "art abs nr no nos p pp s ss sec par para ch cap vol fig n nn pag ust pkt poz "  # noqa: SIM905
    "ст ч п пп стр рис гл табл".split()
)
# Abbreviations that come after a number, in the article's language: "w 2014 r." (rok).
_AFTER_NUMBER = {"pl": frozenset({"r", "w"})}
_NUMBER_AFTER = re.compile(r"\s+\d")
_NUMBER_BEFORE = re.compile(r"\d[\d\s.,]*\s$")
# German writes ordinals with a full stop before the noun they count: "des 20. Jahrhunderts".
_GERMAN_ORDINAL = re.compile(r"\s+([A-ZÄÖÜ]\w*)")
# The article's language adds its own (lower-cased, without the dot); not those that also end
# sentences ("usw.", "ecc.") nor words ("Art." in German). Spaced ones are written closed up: "u. a." is
# "u.a". The narratives' splitter reads this table too (one list per language for both).
LANGUAGE_ABBREVIATIONS = {
    "en": frozenset("mr mrs ms dr prof gen col lt sen rep gov jr sr vs".split()),  # noqa: SIM905
    "de": frozenset(
        "dr prof st gen z.b z bzw ca vgl nr hr fr sog ggf inkl abs dipl ing s u.a u d.h d evtl mio mrd tsd "  # noqa: SIM905
        "z.t u.u v.a s.o".split()
    ),
    "pl": frozenset(
        "prof dr hab inż mgr lek tzw m.in np ok ul al pl św gen płk mjr por kpt ks bp abp red min woj pow "  # noqa: SIM905
        "gm tj tzn wg ds nr zob godz im dot art ust pkt poz sygn".split()
    ),
    "it": frozenset("sig sigg dott dott.ssa prof on avv ing gen col sen pag art n nn".split()),  # noqa: SIM905
    "fr": frozenset("m mm mme mlle dr pr st ste gén col cf av bd n° no".split()),  # noqa: SIM905
    # razdel knows most Russian ones; not the editors' notes in brackets ("(прим. ВЗГЛЯД)").
    "ru": frozenset("прим ред пер авт".split()),  # noqa: SIM905
    # "EE. UU." (Estados Unidos) is read in every language: see _ABBREVIATIONS
    "es": frozenset(
        "sr sra srta sres dr dra lic ing gral gob pdte vda dña ud uds av avda pág núm art aprox cía".split()  # noqa: SIM905
    ),
    "pt": frozenset("sr sra srª dr dra drª prof profª eng gen cel av pág n.º nº art aprox cia".split()),  # noqa: SIM905
}
# Letters each with its full stop and a space before the last one: "u. " of "u. a.", "d. " of "d. h.".
_SPACED_LETTERS = re.compile(r"(?:(?<![\w.])[^\W\d_]\.\s){1,3}$")
# Polish: what may open a sentence before a year's "r." ("W 2023 r.", "Od 24 lutego 2022 r.", "W ub. r.").
_POLISH_DATE_OPENING = re.compile(
    r"[\s\"'„“«(]*(?:(?:w|we|od|do|z|ze|na|po|przed|za|pod|około|ok\.|dnia|już|aż|dopiero|jeszcze|i|a|oraz"
    r"|ale|lecz|zaś|natomiast|bo|gdyż|że|gdy|kiedy|który|która|które|którzy"
    r"|koniec|końcu|początku|początek|połowie|połowy|wiosną|latem|jesienią|zimą|wiosny|lata|jesieni|zimy"
    r"|latach|lat|roku|ub\.|ubiegłym|ubiegłego|zeszłym|zeszłego|bieżącym|bieżącego|tym|tego|\d+[.,]?(?:[–-]\d+)?"
    r"|stycz\w*|lut\w*|mar\w*|kwie\w*|maj\w*|czerw\w*|lip\w*|sierp\w*|wrze\w*|październik\w*|listopad\w*"
    r"|grud\w*|[IVXLC]+)\s+)*",
    re.IGNORECASE,
)
_OPENING_REACH = 80  # characters before a year's "r." its opening phrase may take
# Polish: words an adverbial phrase opens a sentence with ("Po aneksji Krymu w 2014 r.", "Według danych GUS").
_POLISH_ADVERBIAL_OPENERS = frozenset(
    "po według wg podczas dopiero w we od do przed za na z ze pod nad przy przez około ok wraz mimo pomimo "  # noqa: SIM905
    "wobec zgodnie dzięki wskutek wśród między pomiędzy u o już jeszcze tuż zaraz aż jak gdy kiedy a i ale "
    "lecz zaś natomiast tymczasem także również jednak ponadto wtedy wówczas wkrótce niedługo ostatecznie "
    "wreszcie następnie potem później wcześniej dotąd obecnie niedawno początkowo zatem więc".split()
)
# Polish finite verbs: past ("rozpoczęła", "zawarli", "mogły"), impersonal ("podpisano", "przyjęto"), present
# by their ending ("kieruje", "mają", "podaje", "istnieje") or common ones ("trwa", "pochodzi").
_POLISH_FINITE_VERB = re.compile(
    r"(?<!\w)(?:\w{2,}(?:ł|ła|ło|li|ły)(?:em|am|eś|aś|by|śmy|ście)?|\w{2,}(?:ano|ono|ęto|yto|ito)"
    r"|\w{2,}(?:uje|ują|ają|aje|eje|eją)|jest|są|ma|mają|będzie|będą|może|mogą|musi|muszą|chce|chcą|trzeba"
    r"|można|należy|trwa|mieszka|wynosi|wynoszą|pochodzi|pochodzą|mówi|mówią|twierdzi|twierdzą|uważa|pisze|piszą"
    r"|stanowi|stanowią|wynika|dotyczy|dotyczą|walczy|walczą|prowadzi|prowadzą|rządzi|żyje|żyją|rośnie|rosną|spada"
    r"|wzrasta|posiada|odbywa|widzi|widzą|wie|wiedzą|zależy|zależą|nazywa|przypomina|zapowiada|działa|idzie|idą"
    r"|stoi|stoją|leży|leżą|liczy|pełni|pełnią|chodzi|robi|robią|grozi|służy|służą|wraca|zmienia|mija)(?!\w)",
    re.IGNORECASE,
)
# Nouns and adjectives those endings also fit ("siły", "cały", "Michał", "udział", "roli", "kraje", "święto").
_POLISH_NOT_VERBS = frozenset(
    "siła siły szkoła szkoły cały cała mały mała stały stała biały biała zły zła miły ciepły wisła wisły "  # noqa: SIM905
    "skała skały paweł pawła michał michała rafał rafała kanał materiał udział dział potencjał kapitał "
    "generał admirał sygnał ideał arsenał koło mało ciało źródło działo czoło hasło zło dzieło dzieła "
    "roli woli soli fali sali mali bali rano siano grono łono święto żyto koryto tito kraje rodzaje zwyczaje "
    "obyczaje nadzieje nadzieją".split()
)
_VERB_REACH = 300  # characters before a year's "r." its sentence's verb is looked for
_LAST_YEAR = re.compile(r"(?<![\w.])ub\.\s*$", re.IGNORECASE)  # "ub. " of "w ub. r." (last year)
_MONTH_AFTER = re.compile(
    r"\s+(?:jan|feb|m[äa]r|apr|ma[iy]|jun|jul|aug|sep|o[ck]t|nov|de[cz]|januar|februar|märz|juni|juli"
    r"|sept|oktober|dezember|janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre"
    r"|novembre|décembre|gennaio|febbraio|marzo|aprile|maggio|giugno|luglio|agosto|settembre|ottobre"
    r"|dicembre)",
    re.IGNORECASE,
)
# Abbreviations a name follows, which may start with a function word ("Mr. Will", "e.g. The Guardian",
# "cf. Le Monde", "ul. Na Skarpie", "u.a. Die Linke"): after any other ("in the U.S. The company", "в
# 2022 г. Он", "Smith et al. The study") a capitalised function word starts a sentence.
_NAME_FOLLOWS = frozenset(
    "mr mrs ms dr prof st mt ft gen col lt sgt capt cmdr adm gov sen rep pres rev hon e.g i.e cf vs viz "  # noqa: SIM905
    "им ул проф".split()
)
_LANGUAGE_NAME_FOLLOWS = {
    "de": frozenset("u.a d.h v.a z.t bzw z.b vgl sog hr fr dipl ing".split()),  # noqa: SIM905
    "pl": frozenset(
        "ul pl al tzw np ok m.in tj wg ds im dot gen płk mjr kpt ks bp abp św prof dr hab inż mgr lek "  # noqa: SIM905
        "red".split()
    ),
    "it": frozenset("sig sigg dott on avv ing".split()),  # noqa: SIM905
    "fr": frozenset("m mm mme mlle pr ste gén".split()),  # noqa: SIM905
}
_WORD_AFTER = re.compile(r"\s*[\"'“‘«(]*([^\W\d_]+)")
_ENDERS = ".!?…؟。"
# German closes „…“ with “ and »…« with «, which open other quotes: taken only in a run right after an ender.
_CLOSERS = "\"'”’»)]}›“‘«‹"
_OPENERS = "\"'“‘«([{‹¿¡"
_QUOTE_CLOSERS = "\"'”’»›“‘«‹"
# French sets its closing » (and some writers ”) off by a space: "…un jour. » Les chaînes…".
_SPACED_CLOSERS = "»”"
_HORIZONTAL_SPACE = " \t\u00a0\u202f\u2009"
_DASHES = "—–-"
# What closes each quotation mark: "«Жить! Войне вопреки»", German "»…«", "„…“", "„…”", "“…”", '"…"'.
_QUOTE_PAIRS = {"«": "»", "»": "«", "„": "“”", "“": "”", '"': '"'}
_QUOTE_REACH = 60  # characters around a "!" or "?" within which a quotation that holds it opens and closes
_TOKEN_BEFORE = re.compile(r"([\w.]+)\.$")


@dataclass(frozen=True)
class Sentence:
    """One sentence: ``text[start:end]`` of the text it was found in."""

    start: int
    end: int
    text: str


def _starts_lowercase(text: str, position: int) -> bool:
    while position < len(text) and text[position] in _OPENERS:
        position += 1
    return position < len(text) and text[position].islower()


def _is_abbreviation(
    text: str,
    dot: int,
    extra: frozenset[str] = frozenset(),
    language: str | None = None,
    sentence_start: int = 0,
) -> bool:
    """Whether the full stop at ``dot`` closes an abbreviation, an initial or a day's number
    (``sentence_start``: where the sentence holding it starts)."""
    word_start = dot
    while word_start > 0 and (text[word_start - 1].isalnum() or text[word_start - 1] == "."):
        word_start -= 1
    word = text[word_start:dot]
    if not word:
        return False
    key = word.lower().rstrip(".")
    if len(word) == 1 and (spaced := _SPACED_LETTERS.search(text, max(0, word_start - 12), word_start)):
        # "u. a.", "d. h.": read as "u.a", "d.h" where the table lists them so
        closed = "".join(spaced.group().split()).lower() + key
        if closed in _SENTENCE_ENDING or closed in _ABBREVIATIONS or closed in extra:
            key = closed
    if language == "pl" and (
        key in {"ub.r", "br"}
        or (key in _AFTER_NUMBER["pl"] and (_number_before(text, word_start) or _last_year(text, word_start)))
    ):
        return _year_goes_on(text, dot, word_start, sentence_start)
    if key in _SENTENCE_ENDING:
        return False
    if key in _ABBREVIATIONS or key in extra:
        # "… plants in the U.S. The company said": a capitalised function word starts a sentence, but
        # not after an abbreviation a name follows ("e.g. The Guardian", "ul. Na Skarpie").
        return not opens_after(key, text, dot + 1, language)
    if key in _BEFORE_NUMBER and _NUMBER_AFTER.match(text, dot + 1):
        return True
    if word.isdigit() and len(word) <= 2 and _MONTH_AFTER.match(text, dot + 1):
        return True  # "am 24. Februar": German writes the day as an ordinal
    if language == "de" and word.isdigit() and len(word) <= 3:
        # "des 20. Jahrhunderts", "zum 3. Mal"; an article or pronoun after it starts a sentence.
        following = _GERMAN_ORDINAL.match(text, dot + 1)
        return following is not None and following.group(1).casefold() not in stop_words("de")
    if len(word) == 1 and word.isupper():
        return True  # an initial: "J. Smith" ("А. И. Солженицын": no function-word test here)
    # Dotted acronyms: "U.S.", "N.A.T.O."
    return (
        bool(re.fullmatch(r"(?:[^\W\d_]\.)+[^\W\d_]", word))
        and len(word) <= 12
        and not (_function_word_after(text, dot + 1, language))
    )


def _year_goes_on(text: str, dot: int, word_start: int, sentence_start: int) -> bool:
    """Whether a Polish year's "r." ("w 2023 r.", "w ub. r.") is followed by more of its sentence: anything
    but a capitalised word; a capitalised word that is no function word before another ("w 1957 r. Raportu
    Wolfendena"); any after a year phrase that opens the sentence or a clause ("W 2023 r. Polska…", "…, a w
    2015 r. Sejm…"). Closing a sentence ("…czołgi w 2023 r. Rosja wystrzeliła…"), it is followed by the
    next one's first word."""
    following = _WORD_AFTER.match(text, dot + 1)
    if following is None or not following.group(1)[0].isupper():
        return True
    if following.group(1).casefold() not in stop_words("pl"):
        # a name of several words goes on more often than it opens a sentence ("w 1957 r. Raportu Wolfendena")
        second = _WORD_AFTER.match(text, following.end())
        if (
            second is None
            or second.group(1)[0].isupper()
            or _adverbial_opening(text, sentence_start, word_start)
        ):
            return True
    lead = max(sentence_start, word_start - _OPENING_REACH)
    clause = max(text.rfind(mark, lead, word_start) for mark in ",;:(—–")
    if clause >= 0:
        lead = clause + 1  # "…, a w 2015 r. Sejm…": the phrase opens a clause
    elif lead > sentence_start:
        return False
    opening = _POLISH_DATE_OPENING.match(text, lead, word_start)
    return opening is not None and opening.end() == word_start


def _adverbial_opening(text: str, sentence_start: int, end: int) -> bool:
    """Whether the Polish sentence from ``sentence_start`` to ``end`` is an adverbial phrase yet, its subject
    and verb to come ("Po aneksji Krymu w 2014 r." before "Rosja rozpoczęła…"): it opens with a preposition or
    adverb and holds no finite verb ("Polska przekazała czołgi w 2023 r." does)."""
    if end - sentence_start > _VERB_REACH:
        return False
    first = _WORD_AFTER.match(text, sentence_start, end)
    if first is None or first.group(1).casefold() not in _POLISH_ADVERBIAL_OPENERS:
        return False
    verbs = _POLISH_FINITE_VERB.finditer(text, first.end(), end)
    return all(verb.group().casefold() in _POLISH_NOT_VERBS for verb in verbs)


def _last_year(text: str, end: int) -> bool:
    """Whether "ub." (last) comes just before ``end`` ("ub. " in "w ub. r.")."""
    return _LAST_YEAR.search(text, max(0, end - 8), end) is not None


def _number_before(text: str, end: int) -> bool:
    """Whether a number and white space come just before ``end`` ("2014 " in "w 2014 r.")."""
    start = end
    while start > 0 and _in_number(text[start - 1]):
        start -= 1
    # a match lies in that run: searched from the text's start, each "r." had read all the text before it
    return _NUMBER_BEFORE.search(text, start, end) is not None


def _in_number(char: str) -> bool:
    """What a match of _NUMBER_BEFORE is made of: digits, white space, "." and ","."""
    return char.isdecimal() or char.isspace() or char in ".,"


def opens_after(key: str, text: str, position: int, language: str | None) -> bool:
    """Whether a sentence starts at ``position``, after the abbreviation ``key`` (lower case, without its
    final dot): a capitalised function word comes next ("in the U.S. The company"), and ``key`` is no
    abbreviation a name follows ("e.g. The Guardian", "ul. Na Skarpie")."""
    if key in _NAME_FOLLOWS or key in _LANGUAGE_NAME_FOLLOWS.get(language or "", ()):
        return False
    return _function_word_after(text, position, language)


def _function_word_after(text: str, position: int, language: str | None) -> bool:
    """Whether a capitalised function word of the language ("The", "Its", "Die", "Он") comes next."""
    following = _WORD_AFTER.match(text, position)
    if following is None or not following.group(1)[0].isupper():
        return False
    return following.group(1).casefold() in stop_words(language or "en")


def _quote_step(marks: list[tuple[str, int]], styles: set[str], text: str, k: int) -> None:
    """``marks`` (each open quotation mark and where it opened) after reading ``text[k]``; ``styles`` holds
    the marks that set the line's quoting: "«" for «…», "»" for »…«, "„" for „…“."""
    char = text[k]
    if char == "\n":
        marks.clear()
        styles.clear()
    elif char not in '«»„“”"':
        return
    elif marks and char in _QUOTE_PAIRS[marks[-1][0]]:
        marks.pop()
    elif char == "«" and "»" not in styles:
        marks.append((char, k))  # after a »…« pair on the line, « is a closer that closes nothing open
        styles.add(char)
    elif char == "»" and "«" not in styles and k + 1 < len(text) and not text[k + 1].isspace():
        marks.append((char, k))  # German and Danish open with » before the quoted word; French close with it
        styles.add(char)
    elif char == "„":
        marks.append((char, k))
        styles.add(char)
    elif (
        char in '“"'
        and not (char == "“" and "„" in styles)  # where „…“ is written, “ only closes
        and (k == 0 or text[k - 1].isspace() or text[k - 1] in "([{—–-:/")
    ):
        marks.append((char, k))  # a “ or " after a space opens; after a word it closes what is not open


class _OpenQuotes:
    """The quotation marks open at a position, read once from left to right; a line break closes them all."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.read = 0
        self.open: list[tuple[str, int]] = []
        self.styles: set[str] = set()

    def innermost(self, position: int) -> tuple[str, int] | None:
        """The innermost quotation mark open just before ``position`` and where it opened (positions are
        asked in increasing order)."""
        for k in range(self.read, position):
            _quote_step(self.open, self.styles, self.text, k)
        self.read = max(self.read, position)
        return self.open[-1] if self.open else None

    def short_one_around(self, ender: int, end: int) -> bool:
        """Whether the ender at ``ender`` (its run ending at ``end``) lies inside a short quotation: one
        opened at most _QUOTE_REACH characters before it that closes at most as far after it on its line
        ("«Жить! Войне вопреки» получил" is one sentence)."""
        mark = self.innermost(end)
        if mark is None or mark[1] < ender - _QUOTE_REACH:
            return False
        ahead, ahead_styles = list(self.open), set(self.styles)
        for k in range(end, min(len(self.text), ender + 1 + _QUOTE_REACH)):
            if self.text[k] == "\n":
                return False
            _quote_step(ahead, ahead_styles, self.text, k)
            if len(ahead) < len(self.open):
                return True
        return False


def _spaced_closer_end(text: str, end: int, quotes: _OpenQuotes) -> int:
    """``end`` moved past a closing mark set off by horizontal space ("jour. » Les", "jour. », a-t-il"):
    a » after an ender and a space, before no letter or digit (»Das« opens German quotes); a ” only where
    it closes an open quotation (some write it for “: "…Hernandez. ” It was nothing")."""
    j = end
    while j < len(text) and text[j] in _HORIZONTAL_SPACE:
        j += 1
    if j == end or j >= len(text) or text[j] not in _SPACED_CLOSERS:
        return end
    if j + 1 < len(text) and text[j + 1].isalnum():
        return end
    if text[j] == "”" and ((mark := quotes.innermost(j)) is None or mark[0] not in "„“"):
        return end
    return j + 1


def _after_dash(text: str, position: int) -> int:
    """``position`` past a dash and the space after it: "» — заявил он." is the quote's attribution."""
    if position < len(text) and text[position] in _DASHES:
        position += 1
        while position < len(text) and text[position].isspace():
            position += 1
    return position


def _boundaries(text: str, extra: frozenset[str] = frozenset(), language: str | None = None) -> list[int]:
    """Positions where a new sentence may start (after the sentence-ending run)."""
    cuts: list[int] = []
    quotes = _OpenQuotes(text)
    size = len(text)
    i = 0
    while i < size:
        char = text[i]
        if char == "\n":
            j = i + 1
            while j < size and text[j] in " \t\r\f\v":
                j += 1
            blank = j < size and text[j] == "\n"
            if blank or (j < size and not _starts_lowercase(text, j)):
                cuts.append(i)
            i += 1
            continue
        if char not in _ENDERS:
            i += 1
            continue
        end = i + 1
        while end < size and (text[end] in _ENDERS or text[end] in _CLOSERS):
            end += 1
        if end < size and not text[end].isspace():
            i = end
            continue  # "3.5", "example.com", "?!x", ".“, sagte er"
        sentence_start = cuts[-1] if cuts else 0
        if char == "." and end == i + 1 and _is_abbreviation(text, i, extra, language, sentence_start):
            i = end
            continue
        end = _spaced_closer_end(text, end, quotes)
        if end < size and not text[end].isspace():
            i = end
            continue  # "jour. », a-t-il dit"
        nxt = end
        while nxt < size and text[nxt].isspace():
            nxt += 1
        if text[end - 1] in _QUOTE_CLOSERS:
            nxt = _after_dash(text, nxt)  # "!» — заявил он."
        if nxt < size and _starts_lowercase(text, nxt):
            i = end
            continue
        if char in "!?" and quotes.short_one_around(i, end):
            i = end
            continue  # "Проект «Жить! Войне вопреки» получил…"
        cuts.append(end)
        i = end
    return cuts


def split_sentences(text: str, language: str | None = None) -> list[Sentence]:
    """The sentences of ``text`` in order, each stripped of surrounding white space (and of the
    zero-width characters pages leave, which ``str.isspace`` does not count)."""
    sentences: list[Sentence] = []
    start = 0
    extra = LANGUAGE_ABBREVIATIONS.get(language or "", frozenset())
    for cut in [*_boundaries(text, extra, language), len(text)]:
        chunk_start, chunk_end = start, cut
        while chunk_start < chunk_end and _blank(text[chunk_start]):
            chunk_start += 1
        while chunk_end > chunk_start and _blank(text[chunk_end - 1]):
            chunk_end -= 1
        # a run with no sentence punctuation (a transcript) is cut into pieces a reader takes in
        for piece_start, piece_end in cut_long(text, chunk_start, chunk_end):
            sentences.append(Sentence(piece_start, piece_end, text[piece_start:piece_end]))
        start = max(start, cut)
    return sentences


def _blank(char: str) -> bool:
    return char.isspace() or char in "\u200b\u200c\u200d\u2060\ufeff"
