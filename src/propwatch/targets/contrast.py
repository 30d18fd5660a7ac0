"""Contrastive negation: "not X but Y", "Y, not X", in the six languages propwatch covers.

A technique aimed at such a pair is aimed at Y, not at the negated X: "Kriegstreiber sitzen nicht in
Moskau, sondern in Berlin und Washington" calls Berlin and Washington warmongers, not Moscow. Forms:

* en "not (in) X but (in) Y", de "nicht X, sondern Y", fr "(non) pas X, mais Y", "non X mais Y", it "non X
  ma/bensì Y", pl "nie X, lecz/ale/tylko/a Y", ru "не X, а/но Y"; prepositions and articles may stand
  after the negation and after the conjunction ("not in the US but in Russia", "nicht bei der EU, sondern
  bei der NATO");
* the same with words between X and the conjunction when the negation opens its clause, or follows a
  cleft opener ("Nicht Russland ist der Aggressor, sondern die NATO", "It is not Russia that lies, but
  NATO", "Ce n'est pas la Russie qui ment, mais l'OTAN", "Это не Россия лжёт, а НАТО");
* "Y, not X" and "Y and not X" ("NATO, not Russia, is the aggressor", "НАТО, а не Россия").

X and Y stand in the same slot: Y (with the names coordinated with it) closes its clause, or, when "not X
but Y" opens the clause, may be followed by the predicate the two share ("Это не Россия, а Украина
обстреливает Донецк", "Nie z Rosją, a z Putinem trzeba rozmawiać"; a preposition before X wants one
before Y). A conjunction that joins a clause of its own is no contrast ("Il governo non parla con la Russia,
ma Meloni ha telefonato", "Rosja nie jest w NATO, a USA chcą wojny", "Nie dla Rosji, ale Polska też ma
problem"), nor is a question about the pair ("Не Россия ли напала на Украину, а НАТО теперь виновато?");
one whose pair stands in a clause of "that" asserts it ("Dovrebbe esserci qualche dubbio sul fatto che sono
gli Stati Uniti, e non la Russia, a minacciare…?").

"Not only X but also Y" ("nicht nur", "non seulement", "non solo", "nie tylko", "не только") names both:
"only" is no word that may stand between the negation and X, so it is no contrast here.
"""

from __future__ import annotations

import re
from typing import Final

# Prepositions, articles and copulas that may stand between a negation or conjunction and the name.
_FILLER = (
    r"(?:the|an?|in|at|from|by|with|to|on|for|against|of"
    r"|etwa|im|aus|von|vom|bei|beim|nach|gegen|mit|für|am|zu|zum|zur|der|die|das|den|dem|des"
    r"|à|au|aux|en|de|du|dans|chez|par|pour|contre|avec|la|le|les|une?"
    r"|è|da|di|del|della|dei|degli|nel|nella|al|alla|con|per|contro|il|lo|gli|i"
    r"|w|we|z|ze|na|do|od|przez|dla|przeciw|przeciwko|u|o|po|jest"
    r"|в|во|на|из|от|у|к|с|со|для|против|о|об|по|за)"
)
_FILLERS = rf"(?:{_FILLER}\s+){{0,2}}(?:\w{{1,5}}['’])?"  # "in the ", "à l'", "dall'"
# Italian puts "non" before the verb ("non stanno a Mosca"): one word may follow it, "solo" aside.
_NEGATION = (
    r"(?:(?<![\w'’])(?:not|nicht|pas|nie|не)\s+|(?<=\w)n['’]t\s+"
    r"|(?<![\w'’])non\s+(?:(?!(?:solo|soltanto|solamente|seulement|uniquement)\b)\w+\s+)?)"
    r"(?:(?:già|affatto|mica)\s+)?"  # "non è già la Russia": an emphasis that keeps the contrast
)
# A negation that opens its clause, perhaps after a cleft opener ("It is not…", "Ce n'est pas…").
_CLEFT = (
    r"(?:it\s+(?:is|was)\s+|it['’]s\s+|ce\s+n['’](?:est|était)\s+|ce\s+ne\s+sont\s+|c['’]est\s+"
    r"|(?:es|das)\s+(?:ist|sind|war|waren)\s+|это\s+|to\s+)?"
)
_CLAUSE_START = r"(?:^|[.!?;:,—–(\n][\s\"'“”„«»]*)"
_CONJUNCTION = r"(?:(?:,\s*|\s+)(?:but|sondern|mais|ma|bensì|bensi|lecz|ale|tylko)|,\s*(?:a|а|но))\s+"
_RATHER = r"(?:(?:rather|instead|vielmehr|eher|plutôt|bien|piuttosto|raczej|właśnie|скорее|именно)\s+)?"

_NEGATED: Final = re.compile(rf"{_NEGATION}(?P<fillers>{_FILLERS})$", re.IGNORECASE)
_OPENING_NEGATION: Final = re.compile(rf"{_CLAUSE_START}{_CLEFT}{_NEGATION}{_FILLERS}$", re.IGNORECASE)
_ADJACENT_CONTRAST: Final = re.compile(rf"^\s*{_CONJUNCTION}{_RATHER}(?P<fillers>{_FILLERS})$", re.IGNORECASE)
# Words of _FILLER that are no preposition: articles, copulas, "etwa" ("l'" is read as "l").
_NOT_PREPOSITIONS: Final = frozenset(
    "the a an etwa der die das den dem des la le les un une è il lo gli i l jest".split()  # noqa: SIM905
)
# Y closes its clause: perhaps the rest of a compound ("EU-Beitrittsphase"), closing quotes, then punctuation.
_CLAUSE_END: Final = re.compile(r"(?:[-‐‑]\w+)*[\"'“”’»)\]]*(?:\s*(?:[.,;:!?…—–\n(]|-\s|$))")
_QUESTION_WORD: Final = re.compile(r"(?<!\w)(?:ли|czy|est-ce)(?!\w)", re.IGNORECASE)
_SENTENCE_MARK: Final = re.compile(r"[.!?\n]")
# "that" opening a clause; two words or more into the sentence ("Is that not Russia…?" asks about the pair).
_COMPLEMENTIZER: Final = re.compile(
    r"(?<![\w'’])(?:(?:that|que|dass|daß|che|że|iż|что)(?![\w'’])|(?:qu|ch)['’])", re.IGNORECASE
)
# Words between X and the conjunction stay inside the sentence: no sentence punctuation, 150 characters.
_LATER_CONTRAST: Final = re.compile(rf"^[^.!?;\n]{{0,150}}?{_CONJUNCTION}{_RATHER}{_FILLERS}$", re.IGNORECASE)
# X a possessive with its head noun ("not Russia's army but", "nicht Russlands Führung, sondern"); Y may stand
# in a noun phrase of its own opened by an article ("sondern die korrupten Marionetten in Berlin").
_ARTICLE = r"(?:the|der|die|das|den|dem|des|la|le|les|il|lo|gli|i)"
_POSSESSIVE_CONTRAST: Final = re.compile(
    rf"^(?:['’]s?)?(?:\s+[^\W\d_]+){{1,2}}{_CONJUNCTION}{_RATHER}"
    rf"(?P<head>{_ARTICLE}\s+(?:[^\W\d_]+\s+){{1,2}}?)?(?P<fillers>{_FILLERS})$",
    re.IGNORECASE,
)
# A name between an article and its head noun is a modifier: "the NATO war machine."
_ARTICLE_END: Final = re.compile(rf"(?<![\w'’]){_ARTICLE}\s+$", re.IGNORECASE)
_HEAD_NOUN: Final = re.compile(r"(?:\s+[^\W\d_]+){1,2}[\"'“”’»)\]]*\s*(?:[.,;:!?…—–\n(]|$)")
_NEGATED_AFTER: Final = re.compile(
    rf"^\s*(?:,\s*(?:(?:and|und|et|e|i|a|а|и)\s+)?|\s+(?:and|und|et|e|i|a|а|и)\s+){_NEGATION}{_FILLERS}$",
    re.IGNORECASE,
)
_REACH: Final = 60  # how far before X its negation (and a cleft opener) is looked for
LATER_REACH: Final = 200  # how far after X its Y may stand


def contrasted_after(
    text: str, negated_start: int, negated_end: int, other_start: int, other_end: int
) -> bool:
    """Whether the name at ``other_start`` is the Y of "not X but Y", X being
    ``text[negated_start:negated_end]`` (a name or names coordinated), Y ending at ``other_end`` (the names
    coordinated with it included)."""
    gap = text[negated_end:other_start]
    reach = max(0, negated_start - _REACH)
    if _in_question(text, negated_start, other_end):
        return False
    closes = _CLAUSE_END.match(text, other_end) is not None
    adjacent = _ADJACENT_CONTRAST.match(gap)
    if adjacent:
        negated = _NEGATED.search(text, reach, negated_start)
        if negated is None:
            return False
        # A predicate after Y is the pair's own only where "not X but Y" opens the clause
        return closes or (
            _OPENING_NEGATION.search(text, reach, negated_start) is not None
            and _has_preposition(negated["fillers"]) == _has_preposition(adjacent["fillers"])
        )
    possessive = _POSSESSIVE_CONTRAST.match(gap)
    if (
        possessive
        and (gap[:1] in "'’" or text[negated_end - 1] in "sS")
        and _NEGATED.search(text, reach, negated_start) is not None
    ):
        # Y inside a noun phrase of its own takes a preposition ("Marionetten in Berlin")
        if possessive["head"]:
            return closes and _has_preposition(possessive["fillers"])
        modifier = _ARTICLE_END.search(possessive["fillers"]) is not None
        return closes or (modifier and _HEAD_NOUN.match(text, other_end) is not None)
    return (
        closes
        and bool(_LATER_CONTRAST.match(gap))
        and _OPENING_NEGATION.search(text, reach, negated_start) is not None
    )


def contrasted_before(text: str, other_end: int, negated_start: int, negated_end: int) -> bool:
    """Whether the name ending at ``other_end`` is the Y of "Y, not X", X being
    ``text[negated_start:negated_end]``."""
    return _NEGATED_AFTER.match(text[other_end:negated_start]) is not None and not _in_question(
        text, other_end, negated_end
    )


def _has_preposition(fillers: str) -> bool:
    """Whether the words between a negation or conjunction and its name hold a preposition ("in der")."""
    return any(
        word.rstrip("'’") not in _NOT_PREPOSITIONS for word in re.findall(r"\w+['’]?", fillers.lower())
    )


def _in_question(text: str, start: int, end: int) -> bool:
    """Whether the sentence holding ``text[start:end]`` asks about the pair: it ends in "?", or "ли", "czy",
    "est-ce" stand up to the pair's end (after it they open a clause of "whether": "…, нравится ли это
    кому-то или нет"). A pair inside a clause of "that" is asserted, whatever the sentence asks ("Dovrebbe
    esserci qualche dubbio sul fatto che sono gli Stati Uniti, e non la Russia, a minacciare…?")."""
    lead = max(0, start - LATER_REACH)
    opening = max(lead, *(text.rfind(mark, lead, start) + 1 for mark in ".!?\n"))
    if any(
        len(text[opening : m.start()].split()) >= 2 for m in _COMPLEMENTIZER.finditer(text, opening, start)
    ):
        return False
    closing = _SENTENCE_MARK.search(text, end, end + LATER_REACH)
    return (closing is not None and closing.group() == "?") or bool(_QUESTION_WORD.search(text, opening, end))
