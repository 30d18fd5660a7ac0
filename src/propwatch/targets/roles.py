"""The part a name plays around a technique span, where its place alone misleads.

**Threatened parties.** An attacking span is not aimed at whom it shows threatened: the object of a
threat ("threat to Europe", "menace pour la France", "Bedrohung für Deutschland", "zagrożenie dla
suwerenności Polski", "угроза для России", "minaccia per l'Italia", "threatens Taiwan", "bedroht die
Ukraine", "угрожает России", "zagraża Polsce"), the subject of a passive threat ("Taïwan est menacée
par la Chine", "Taiwan is threatened by China", "Taiwan wird von China bedroht", "Tajwan jest zagrożony
przez Chiny", "Тайвань находится под угрозой") or the one facing it ("Israël doit faire face aux menaces
de l'Iran", "South Korea faces a brutal regime"). Passed over, the span goes to the agent after it ("par
la Chine") or to whom the usual rules find.

**Apposition.** A short label right before a name, in the noun phrase the name heads, describes that
name, not the one before it: "avec le candidat ⟦d'extrême droite⟧ Eric Zemmour", "Barack Obama and
⟦vicious⟧ jihad-supporting racist Louis Farrakhan". The span must follow an article, a conjunction or a
preposition (perhaps with a few words between: "le candidat"), and only words that are no function words
may stand between it and the name.
"""

from __future__ import annotations

import re
from typing import Final

_ARTICLE = r"(?:(?:the|a|an|la|le|les|un|une|der|die|das|den|dem|des|il|lo|gli|i|una|uno)\s+|l['’])?"
_THREAT_NOUN = (
    r"threats?|dangers?|menaces?|risks?|bedrohung(?:en)?|gefahr(?:en)?|gefährdung|zagrożeni[ea]m?"
    r"|niebezpieczeństw[oa]|угроз[аыуеой]|опасност[ьи]|minacci[ae]|pericol[oi]"
)
_THREAT_VERB = (
    r"threaten(?:s|ed|ing)?|endanger(?:s|ed|ing)?|menac(?:e|es|ent|ing|ait|aient|er|çait|çaient)"
    r"|bedroh(?:t|en|te|ten)|gefährd(?:et|en|ete|eten)|zagraża(?:ją|ł|ła|li)?|угрожа(?:ет|ют|л|ла|ли)"
    r"|minacci(?:a|ano|ava|avano|are)"
)
# Function words: none may stand between a label and the name it describes.
_FUNCTION_WORDS = (
    r"the|a|an|this|that|these|those|of|to|in|on|at|by|for|with|from|and|or|but|is|are|was|were|be|has|have"
    r"|had|will|would|who|which|it|he|she|they|as|than|into|over|under|after|before|about|not|no|his|her"
    r"|their|its|our|your|like"
    r"|le|la|les|un|une|de|du|des|et|ou|mais|est|sont|était|ont|qui|que|en|dans|par|pour|avec|sur|il|elle"
    r"|ils|au|aux|ce|cette|ces|son|sa|ses|leur|leurs|notre|nos|ne|pas|se|sous|vers|chez|entre|sans|comme"
    r"|der|die|das|den|dem|ein|eine|einen|einem|einer|eines|und|oder|aber|ist|sind|war|hat|haben|wird|von"
    r"|mit|für|im|auf|zu|er|sie|es|gegen|durch|vom|zum|zur|beim|am|ins|aus|bei|nach|über|unter|vor|nicht"
    r"|sein|seine|ihre|als|wie|auch|noch|nur"
    r"|lo|gli|i|una|uno|di|del|della|dei|e|o|ma|è|era|ha|hanno|che|per|con|su|da|dal|dalla|dai|nel|nella|alla|alle|agli|sul|sulla"
    r"|non|suo|sua|loro|come|anche"
    r"|oraz|lub|ale|jest|są|był|była|w|we|z|ze|strony|na|do|dla|przez|że|który|która|przeciw|od|po|pod"
    r"|przed|za|nie|się|jak|jego|jej|ich|też"
    r"|и|или|но|а|в|на|с|со|стороны|по|для|от|к|что|который|которая|это|был|была|есть|против"
    r"|из|у|о|об|за|под|при|не|как|его|её|их|также"
)
_WORD = rf"(?!(?:{_FUNCTION_WORDS})(?![\w'’-]))[^\W\d_][\w'’-]*"
_TOWARDS = r"to|for|against|pour|contre|envers|für|gegen|dla|для|per|contro"
# The threatened party after the threat: at most one noun (and "of") between ("threat to the security of").
_OF = r"(?:of|de|du|des|d['’]|der|di|del|della|dei|degli)"
_THREATENED_AFTER: Final = re.compile(
    rf"(?:^|[^\w])(?:(?:{_THREAT_NOUN})(?:\s+[^\W\d_]+)?\s+(?:{_TOWARDS})\s+|(?:{_THREAT_VERB})\s+)"
    rf"{_ARTICLE}(?:{_WORD}\s+(?:{_OF}\s*)?{_ARTICLE})?$",
    re.IGNORECASE,
)
# The threatened party before the threat: a passive, "under threat", facing.
_THREATENED_BEFORE: Final = re.compile(
    r"^\s+(?:(?:is|are|was|were|be|been|being|has been|have been|est|sont|était|étaient|a été|ont été"
    r"|sera|seront|è|sono|era|erano|viene|vengono|è stat[aoie]|sono stat[aoie]|jest|są|był[aoy]?|byli"
    r"|został[aoy]?|zostali)\s+(?:\w+\s+)?"
    r"(?:threatened|endangered|menaced|menacée?s?|minacciat[aoie]|zagrożon[aey]|zagrożeni)"
    r"|(?:находится|находятся|оказал(?:ся|ась|ось|ись))\s+под\s+угрозой"
    r"|(?:(?:is|are|was|were)\s+)?(?:faces|faced|facing|face)\s|(?:fait|font|doit|doivent|devra)\s+(?:faire\s+)?face"
    r"|(?:deve\s+)?affronta(?:re|no)?\s|stoi\s+w\s+obliczu|stoją\s+w\s+obliczu"
    r"|сталкива(?:ется|ются)\s+с|столкнул(?:ся|ась|ись)\s+с|стоит\s+перед)",
    re.IGNORECASE,
)
# The German passive wants its participle after the agent: "wird von China bedroht".
_GERMAN_PASSIVE: Final = re.compile(r"^\s+(?:wird|werden|wurde|wurden)\s+(?:\w+\s+)?(?:von|vom|durch)\s")
_GERMAN_PARTICIPLE: Final = re.compile(r"(?:bedroht|gefährdet)(?!\w)")

# What the label follows in its noun phrase: an article, conjunction or preposition, up to three words on.
_PHRASE_LEAD = (
    r"the|a|an|this|that|these|those|and|or|of|with|by|for|against|on"
    r"|le|la|les|un|une|ce|cet|cette|ces|du|des|de|et|ou|avec|par|pour|contre"
    r"|der|die|das|den|dem|des|ein|eine|einen|einem|einer|und|oder|mit|von|gegen|für"
    r"|il|lo|gli|i|una|uno|di|del|della|e|o|con|per|contro|da"
    r"|oraz|z|ze|przez|dla|przeciw|przeciwko|и|с|со|против|для|от"
)
_LABEL_LEAD: Final = re.compile(
    rf"(?:(?:^|[^\w'’])(?:{_PHRASE_LEAD})\s+|(?:^|[^\w])[ld]['’])(?:{_WORD}\s+){{0,3}}$", re.IGNORECASE
)
_LABEL_TO_NAME: Final = re.compile(rf"^[\s\"'“”«»„]+(?:{_WORD}[\s\"'“”«»„]+){{0,3}}$", re.IGNORECASE)
_LABEL: Final = re.compile(r"^[^,;:.!?()\[\]]+$")  # a label holds no clause punctuation
_LABEL_WORDS = 5


def threatened(text: str, start: int, end: int) -> bool:
    """Whether the name (or coordinated names) at ``text[start:end]`` is a threatened party."""
    if _THREATENED_AFTER.search(text, max(0, start - 80), start):
        return True
    rest = text[end : end + 80]
    if _GERMAN_PASSIVE.match(rest):
        return _GERMAN_PARTICIPLE.search(rest) is not None
    return bool(_THREATENED_BEFORE.match(rest))


def apposed(text: str, span_start: int, span_end: int, name_start: int) -> bool:
    """Whether a label at ``text[span_start:span_end]`` describes the name starting at ``name_start``."""
    label = text[span_start:span_end]
    if not _LABEL.match(label) or len(label.split()) > _LABEL_WORDS:
        return False
    if not _LABEL_TO_NAME.match(text[span_end:name_start]):
        return False
    return bool(_LABEL_LEAD.search(text[max(0, span_start - 60) : span_start]))
