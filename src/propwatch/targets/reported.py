"""Whose words a technique span gives: labels and speech the article reports, and who says them.

**Reported labels.** An attacking or praising span whose target is the object of someone else's
labelling ("…in order to then call Russia the aggressor", "NATO diplomats accuse Russia of…",
"назвать Россию агрессором", "Russia is branded a threat", "Washington sees Russia as a threat", "The
EU considers Russia a threat", "считает Россию угрозой") reports a label instead of giving it: the
article may well be attacking the labeller. A mention right before such a verb that stands right before
the span is its subject: it gives the label and is not linked ("Russia acted in what Washington calls
aggression" → Russia, reported).

**Reported speech.** So does a span inside what someone is reported saying, with its target: a clause
after a verb of saying ("Hillary Clinton sagt, Putin sei „der neue Hitler“", "Lavrov said on Monday that
NATO is a gang", "По словам Лаврова, НАТО — банда"), before an attribution ("«Путин — преступник», —
заявил Буданов", "…, said Borrell", "…, comme le rapporte BFMTV") or inside a quotation a verb of saying
or chanting opens ("chant “Death to America”"). Not the author's own words ("I said", "мы заявляем"), nor
"this says that…" ("это говорит о том, что…", the author's inference).

**Speakers and sources.** A name that says what a span holds is not its target: the source before it
("According to Lavrov, …", "Moscow insists that …", "Comme le rapporte BFMTV, …", "в ФСБ сообщили"), the
speaker after it ("«Это его конец…», — отметил Буданов", "…, sagte Kissinger") and the speaker the span
opens on ("⟦Киссинджер отметил, что …⟧", "⟦Баранец назвал фатальную ошибку Киева⟧").
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Final, Protocol

from propwatch.domain import Span


class Located(Protocol):
    """A target mention's place in the text."""

    @property
    def start(self) -> int: ...

    @property
    def end(self) -> int: ...


# Verbs that give someone a label or an accusation, in the six languages, right before their object.
LABELLING_VERBS = (
    r"call(?:s|ed|ing)?|label(?:s|led|ed|ling|ing)?|brand(?:s|ed|ing)?|dub(?:s|bed|bing)?"
    r"|accus\w*|portray(?:s|ed|ing)?|depict(?:s|ed|ing)?|paint(?:s|ed|ing)?"
    r"|denounc\w*|demoni[sz]\w*|vilif\w*|smear(?:s|ed|ing)?"
    r"|назва\w*|называ\w*|назов\w*|обвин\w*|объяв\w*|выстав\w*|изобра\w*|заклейм\w*|клейм\w*"
    r"|trait(?:e|ent|er|é|ait|aient)|qualifi(?:e|ent|er|é|ée|és|ait|aient)|dépei\w*"
    r"|nenn\w*|nannte\w*|bezeichne\w*|beschuldig\w*|bezichtig\w*|brandmark\w*"
    r"|chiam\w*|defini(?:re|sce|scono|to|ta|ti|te)|bolla\w*|dipin\w*"
    r"|nazw\w*|nazyw\w*|oskarż\w*|okrzyk\w*"
)
# An article before a target, and before a label; "as" between a target and its label, in six languages.
_TARGET_ARTICLE = r"(?:(?:the|la|le|les|die|den|il|lo)\s+|l['’])?"
_ARTICLE = r"(?:(?:a|an|the|un|une|la|le|les|ein|eine|einen|die|der|den|uno|una|il|lo)\s+|l['’])?"
_AS = r"(?:as|comme|als|für|come|jako|za|как)"
_LABEL_BEFORE_TARGET = re.compile(rf"(?:^|[^\w])(?:{LABELLING_VERBS})\s+{_TARGET_ARTICLE}$", re.IGNORECASE)
# Verbs that file their object under the label after it, with "as" or its equivalent ("Washington sees
# Russia as a threat", "считает Россию угрозой", "hält Russland für eine Gefahr", "uważa Rosję za wroga").
_VIEWING_VERBS = (
    r"see|sees|saw|seeing|view(?:s|ed|ing)?|regard(?:s|ed|ing)?|perceiv(?:e|es|ed|ing)|treat(?:s|ed|ing)?"
    r"|рассматрива\w*|восприн\w*|воспринима\w*|видит|видят|видел\w*"
    r"|voi[te]\w*|voyai\w*|présent\w*|sieht|sehen|sah|sahen|betracht\w*|hält|halten|hielt\w*"
    r"|ved[eo]\w*|vedon\w*|postrzeg\w*|traktuj\w*|traktowa\w*|uważ\w*|uzna\w*"
)
# …and those that need no "as" ("The EU considers Russia a threat", "объявила Россию угрозой").
_DEEMING_VERBS = r"consid[eéè]r\w*|deem(?:s|ed|ing)?|declar(?:e|es|ed|ing)|счита\w*|объяв\w*|призна\w*"
# A labelling verb right before a span gives the span's words as the label: "in what Washington calls
# aggression", "ce que Washington appelle une agression", "то, что Вашингтон называет агрессией", "in what
# Washington sees as aggression".
_LABEL_VERB_BEFORE_SPAN = (
    rf"(?:{LABELLING_VERBS}|appel(?:le|lent|ait|aient)|describ(?:es|ed)\s+as|{_DEEMING_VERBS}"
    rf"|(?:{_VIEWING_VERBS})\s+{_AS})\s+{_ARTICLE}$"
)
# The mention right before such a verb is its subject, the one giving the label, not its target.
_SPEAKER_BEFORE_LABEL = re.compile(rf"^\s+(?:\w+ly\s+)?{_LABEL_VERB_BEFORE_SPAN}", re.IGNORECASE)
_LABEL_BEFORE_SPAN = re.compile(rf"(?:^|[^\w]){_LABEL_VERB_BEFORE_SPAN}", re.IGNORECASE)
# The English passive after the target: "Russia is branded a threat", "NATO was accused of…".
_LABELLED_AFTER_TARGET = re.compile(
    r"^\s+(?:is|are|was|were|be|been|being|gets?|got)\s+(?:\w+ly\s+)?"
    r"(?:called|labell?ed|branded|dubbed|accused|portrayed|depicted|painted|denounced|demoni[sz]ed|vilified"
    r"|seen|regarded|viewed|considered|deemed|perceived|declared|described|treated)\b",
    re.IGNORECASE,
)
_VIEW_BEFORE_TARGET = re.compile(
    rf"(?:^|[^\w])(?:{_VIEWING_VERBS}|{_DEEMING_VERBS})\s+(?:в\s+)?{_TARGET_ARTICLE}$", re.IGNORECASE
)
_DEEM_BEFORE_TARGET = re.compile(rf"(?:^|[^\w])(?:{_DEEMING_VERBS})\s+{_TARGET_ARTICLE}$", re.IGNORECASE)
# What stands between the target and the label: "as" (French also "en"), an article may follow.
_AS_BEFORE_LABEL = re.compile(rf"^\s*(?:{_AS}|en)\s+{_ARTICLE}$", re.IGNORECASE)
_NOTHING_BEFORE_LABEL = re.compile(rf"^\s*{_ARTICLE}$", re.IGNORECASE)
# The author as the verb's subject, right before it (an adverb may stand between).
_FIRST_PERSON_BEFORE = re.compile(
    r"(?:^|[^\w])(?:we|i|мы|я|nous|je|j|wir|ich|noi|io|my|ja)['’]?\s*(?:\w+ly\s+)?$", re.IGNORECASE
)

# Finite verbs of saying in the six languages ("said", "a déclaré", "sagte", "ha detto", "powiedział",
# "заявил"), and the words after which a clause reports them.
_SAYING = (
    r"said|says|say|told|tells|added|adds|noted|stressed|stresses|wrote|writes|warn(?:s|ed)"
    r"|insist(?:s|ed)?|claim(?:s|ed)?|argu(?:es|ed)|stat(?:es|ed)|assert(?:s|ed)|maintain(?:s|ed)"
    r"|declar(?:es|ed)|explain(?:s|ed)|report(?:s|ed)|repl(?:ies|ied)|tweet(?:s|ed)|believ(?:es|ed)"
    r"|(?:a|ont|avait|avaient)\s+(?:dit|écrit|déclaré|affirmé|ajouté|expliqué|souligné|estimé|indiqué"
    r"|précisé|assuré|rapporté|averti|insisté|martelé|lancé|conclu|prévenu)"
    r"|(?:déclar|affirm|ajout|expliqu|soulign|estim|indiqu|précis|assur|rapport|martel|insist)(?:e|ent)"
    r"|dit|disent|écrit|écrivent|prévient|avertit|conclut|poursuit"
    r"|sagt|sagte|sagten|sagen|erklärt|erklärte|erklärten|betont|betonte|meint|meinte|schreibt|schrieb"
    r"|berichtet|berichtete|behauptet|behauptete|warnt|warnte|ergänzte|glaubt|hat\s+gesagt|hat\s+erklärt"
    r"|ha\s+(?:detto|dichiarato|affermato|aggiunto|spiegato|sottolineato|scritto|riferito|osservato)"
    r"|hanno\s+detto|dice|dicono|afferma|affermano|dichiara|aggiunge|spiega|sottolinea|scrive|riferisce"
    r"|osserva|sostiene|sostengono|avverte|ritiene|ritengono"
    r"|powiedział\w*|stwierdził\w*|dodał\w*|zaznaczył\w*|podkreślił\w*|napisał\w*|ocenił\w*"
    r"|oświadczył\w*|poinformował\w*|przekonywał\w*|ostrzegł\w*|podał\w*|twierdzi|twierdzą|mówi|mówią"
    r"|pisze|piszą|dodaje|podkreśla|zaznacza|ocenia|uważa|uważają|przekonuje|podaje|ostrzega|czytamy"
    r"|заявил\w*|заявля\w*|сказал\w*|говорит|говорят|говорил\w*|отметил\w*|отмеча\w*|подчеркнул\w*"
    r"|подч[её]ркива\w*|добавил\w*|добавля\w*|сообщил\w*|сообща\w*|написал\w*|пишет|пишут|пояснил\w*"
    r"|поясня\w*|считает|считают|утвержда\w*|полага\w*|рассказал\w*|указал\w*|признал\w*"
    r"|настаива\w*|предупредил\w*|предупрежда\w*"
)
_THAT = r"that|que|qu['’]|dass|daß|che|ch['’]|że|iż|что|чтобы"
# Words that open an attribution to whom they name next: "according to", "selon", "comme le rapporte".
_ATTRIBUTION = (
    r"according\s+to|in\s+the\s+words\s+of|as\s+reported\s+by|selon|d['’]après|laut|secondo|według"
    r"|по\s+словам|по\s+мнению|по\s+данным|comme\s+(?:le\s+|l['’])?(?:rapporte|indique|écrit|affirme|souligne"
    r"|explique|précise|révèle|a\s+\w+)|come\s+(?:riporta|riferisce|scrive|spiega|sottolinea|ha\s+\w+)"
    r"|jak\s+(?:podaje|podał\w*|informuje|poinformował\w*|pisze|napisał\w*|twierdzi|zauważ\w*)"
    r"|как\s+(?:сообщ\w*|пиш\w*|писал\w*|отмет\w*|отмеча\w*|заяв\w*|сказал\w*|переда\w*|утвержда\w*)"
)
_ATTRIBUTION_BEFORE = re.compile(
    rf"(?:^|[^\w])(?:{_ATTRIBUTION})\s+(?:(?:the|la|le|les|der|die|den|dem|il|lo)\s+|l['’])?$", re.IGNORECASE
)
_SAYS_AFTER = re.compile(rf"^[\s,]*(?:\w+ly\s+)?(?:{_SAYING}|zufolge)(?:[^\w]|$)", re.IGNORECASE)
# A mention inside a span that opens what the rest of the span says: a verb of saying with "that", a comma,
# a colon or the span's end after it, or a labelling verb ("Баранец назвал фатальную ошибку Киева").
_SPEAKS_WITHIN = re.compile(
    rf"^\s+(?:\w+\s+)?(?:(?:{_SAYING})(?:\s*$|\s*[,:]|\s+(?:{_THAT})(?!\w))"
    rf"|(?:{LABELLING_VERBS})\s(?!\s*(?:for|on|upon)\b))",
    re.IGNORECASE,
)
# What opens an attribution after the words it reports: a verb of saying, "according to" or a speaker's
# name or pronoun with the verb, after a comma, a closing quote or a dash ("», — отметил Буданов", ", said
# Borrell", ", comme le rapporte BFMTV", ", a-t-il déclaré", ", Lavrov said", ", сообщили в ФСБ").
_ATTRIBUTION_AFTER = re.compile(
    rf"(?:[,»\"“”„)]\s*[-—–]?|\s[-—–])\s*(?:(?:also|auch|aussi|anche|też|также)\s+)?"
    rf"(?:(?:{_SAYING}|{_ATTRIBUTION}|\w+(?:-t)?-(?:il|elle|ils|elles))(?!\w)"
    r"|(?:he|she|they|il|elle|ils|elles|er|sie|lui|lei|loro|on|ona|oni|он|она|они"
    r"|(?-i:[A-ZÀ-ÖØ-ÞĄĆĘŁŃŚŹŻА-ЯЁ])[\w.'’-]*(?:\s+(?-i:[A-ZÀ-ÖØ-ÞĄĆĘŁŃŚŹŻА-ЯЁ])[\w.'’-]*){0,2})"
    rf"\s+(?:\w+ly\s+)?(?:{_SAYING})(?!\w))"
    rf"(?!\s*(?:so|this|it|nothing|{_THAT})(?!\w))",  # "he said so", "she said that…" report other words
    re.IGNORECASE,
)
# The speaker of the words, in them: "«Ja staram się…» – dodał Tusk" speaks of himself. Polish "ja" and
# German "ich" only open the words (German "ja" is a particle, Polish "ich" is "their").
_FIRST_PERSON: Final = re.compile(
    r"(?<!\w)(?:(?-i:I)|je|j['’]|io|я|(?-i:we|We)|nous|wir|noi|мы)(?!\w)|(?:^|[«\"“„]\s*)(?:ja|ich)\s+\w",
    re.IGNORECASE,
)
# A clause a verb of saying reports, up to its target: after a comma, colon or quote ("sagt, Putin sei"),
# after "that" (perhaps further on: "said on Monday that"), or right after the verb ("said NATO is").
_REPORTED_CLAUSE = re.compile(
    rf"^(?:\s*[,:]?\s*[«\"“„]?\s*|[^.!?;«»\"“”„]{{0,80}}?[\s,](?:{_THAT})\s+)"
    r"(?:[^\W\d_][\w'’-]*\s+){0,3}$",
    re.IGNORECASE,
)
_SAYING_VERB = re.compile(rf"(?<!\w)(?:{_SAYING})(?!\w)", re.IGNORECASE)
# Before the verb: no speaker but the author ("I said"), an inference ("this says that"), an infinitive.
_NO_SPEAKER_BEFORE = re.compile(
    r"(?:^|[^\w])(?:this|that|it|to|let['’]?s|это|что|cela|ça|ceci|dies|das|es|to|ciò|questo)\s+$",
    re.IGNORECASE,
)
# A verb after the words it reports, its speaker after it ("…» – dodał Tusk"): no clause follows it.
_INVERTED = re.compile(r"(?:[,»\"“”„)]\s*[-—–]?|\s[-—–])\s*$")
# A quotation a verb of saying or chanting opens, still open at the target ("chant “Death to America”").
_QUOTE_OPENED = re.compile(
    rf"(?<!\w)(?:{_SAYING}|chant\w*|shout\w*|scand\w*|skand\w*|скандир\w*|крич\w*|выкрикива\w*"
    r"|wykrzykiw\w*|krzycz\w*|urla\w*|grida\w*|brüll\w*|ruf(?:t|en)|riefen?)\s*:?\s*[«\"“„‚]"
    r"[^«»\"“”„‚]*$",
    re.IGNORECASE,
)
# "According to Lavrov, …" with a name between it and the target.
_ATTRIBUTION_OPENS = re.compile(
    rf"(?:^|[^\w])(?:{_ATTRIBUTION})\s+[^.!?;]*?\S[,:]\s+[^.!?;,]{{0,40}}$", re.IGNORECASE
)
_SENTENCE_END = re.compile(r"[.!?…\n]")
_REACH = 300  # how far a sentence is read either side of a span

# A labelling verb right before the span, perhaps with a short object and "as" between ("call it",
# "see it as", "brand the move", "назвали это").
PRONOUN_LABELS = re.compile(
    rf"(?:^|[^\w])(?:{LABELLING_VERBS}|appel\w*|describ\w*|{_DEEMING_VERBS}|{_VIEWING_VERBS})\s+"
    r"(?:(?:it|this|that|them|him|her|это|его|её|их|cela|ça|les|es|ihn|lo|la|li|to|je)\s+"
    r"|(?:the|this|that|these|those)\s+\w+\s+)?"
    rf"(?:{_AS}\s+)?{_ARTICLE}$",
    re.IGNORECASE,
)
# How far before a target its labelling verb may start (a verb and an article).
VERB_REACH = 40
# Adverbs by which the author takes a reported label for their own: "NATO is rightly branded a threat".
_ENDORSED = re.compile(
    r"(?:^|[^\w])(?:rightly|justly|correctly|deservedly|à juste titre|zu Recht|справедливо|заслуженно"
    r"|giustamente|słusznie)(?:[^\w]|$)",
    re.IGNORECASE,
)


def is_source(text: str, mention: Located, technique: Span) -> bool:
    """Whether ``mention`` is the source the sentence reports before ``technique``: after "according to"
    or its equivalent, or before a verb of saying (the span may open on it: "в ФСБ ⟦сообщили, что …⟧")."""
    if _ATTRIBUTION_BEFORE.search(text[max(0, mention.start - 40) : mention.start]):
        return True
    return bool(_SAYS_AFTER.match(text[mention.end : max(technique.start, mention.end + 40)]))


def says(text: str, mention: Located) -> bool:
    """Whether a verb of saying follows ``mention`` ("Lavrov said", "в ФСБ сообщили")."""
    return bool(_SAYS_AFTER.match(text[mention.end : mention.end + 60]))


def speaks_within(text: str, mention: Located, technique: Span) -> bool:
    """Whether ``mention``, inside ``technique``, says what the rest of it holds ("⟦Боррель заявил⟧")."""
    return bool(_SPEAKS_WITHIN.match(text[mention.end : technique.end]))


def gives_label(text: str, mention: Located, technique: Span) -> bool:
    """Whether ``mention`` right before a labelling verb right before ``technique`` gives its label."""
    return bool(_SPEAKER_BEFORE_LABEL.match(text[mention.end : technique.start]))


def attribution_after(text: str, end: int, stop: int | None = None) -> int | None:
    """Where an attribution of the words before ``end`` opens after it, up to ``stop`` (by default the
    sentence's end): "…», — отметил Буданов", "…, said Borrell"; None when none does."""
    found = _ATTRIBUTION_AFTER.search(text, end, _sentence_end(text, end) if stop is None else stop)
    return found.start() if found else None


def of_self(text: str, start: int, end: int) -> bool:
    """Whether the words at ``text[start:end]`` speak in the first person, so of their speaker."""
    return _FIRST_PERSON.search(text, start, end) is not None


def in_reported_speech(text: str, technique: Span, first: Located) -> bool:
    """Whether ``technique`` and the target starting at ``first`` stand in words the article reports
    someone else saying (see the module docstring)."""
    opening = _sentence_start(text, min(first.start, technique.start))
    head = text[opening : first.start]
    if _QUOTE_OPENED.search(head) or _ATTRIBUTION_OPENS.search(head):
        return True
    verbs = list(_SAYING_VERB.finditer(head))
    if verbs:  # the last verb of saying before the target, when its clause runs on to the target
        lead, after = head[: verbs[-1].start()], head[verbs[-1].end() :]
        spoken = not (
            _FIRST_PERSON_BEFORE.search(lead) or _NO_SPEAKER_BEFORE.search(lead) or _INVERTED.search(lead)
        )
        if spoken and _REPORTED_CLAUSE.match(after):
            return True
    return attribution_after(text, max(technique.end, first.end)) is not None


def sentence_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    """A rough sentence around ``text[start:end]``: from the mark of a sentence's end before to the next."""
    return _sentence_start(text, start), _sentence_end(text, end) + 1


def _sentence_start(text: str, start: int) -> int:
    lead = max(0, start - _REACH)
    return max(lead, *(text.rfind(mark, lead, start) + 1 for mark in ".!?…\n"))


def _sentence_end(text: str, end: int) -> int:
    found = _SENTENCE_END.search(text, end, end + _REACH)
    return found.start() if found else min(len(text), end + _REACH)


def is_reported_label(text: str, technique: Span, targets: Sequence[Located]) -> bool:
    """Whether ``technique`` reports a label someone else gives ``targets`` (coordinated mentions in text
    order): in reported speech (:func:`in_reported_speech`), a labelling verb right before the first, an
    English passive right after the last with the span after it, or a labelling verb right before the
    span after the last."""
    if not targets:
        return False
    first, last = targets[0], targets[-1]
    if in_reported_speech(text, technique, first):
        return True
    before = text[max(0, first.start - VERB_REACH) : first.start]
    # The author's own label ("We call Russia a terrorist state") is not someone else's.
    labelled = _LABEL_BEFORE_TARGET.search(before)
    if labelled and not _FIRST_PERSON_BEFORE.search(before[: labelled.start() + 1]):
        return True
    if technique.start < last.end:
        return False
    # A passive after the target, or someone after it giving the label ("…in what Washington calls…");
    # not one the author endorses ("is rightly branded", "what we call").
    gap = text[last.end : technique.start]
    if _LABELLED_AFTER_TARGET.match(gap) and not _ENDORSED.search(gap):
        return True
    giver = _LABEL_BEFORE_SPAN.search(gap)
    if giver and not _ENDORSED.search(gap) and not _FIRST_PERSON_BEFORE.search(gap[: giver.start() + 1]):
        return True
    # The target filed under a label: "sees Russia as a threat", "considers Russia a threat", by someone
    # else than the author ("We consider NATO a threat" is the article's own label).
    if _AS_BEFORE_LABEL.match(gap):
        found = _VIEW_BEFORE_TARGET.search(before)
    else:
        found = _DEEM_BEFORE_TARGET.search(before) if _NOTHING_BEFORE_LABEL.match(gap) else None
    return found is not None and not _FIRST_PERSON_BEFORE.search(before[: found.start() + 1])
