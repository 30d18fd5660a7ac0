"""Who a persuasion technique is aimed at, and whether it attacks or praises them.

**Linking.** A technique span is linked to the *first* target mention inside it; if it holds none, to
the nearest mention *before* it in the sentence(s) it lies in (where the subject a predicate speaks
about usually stands: "NATO is making unilateral demands on Russia"), and only when none precedes it
to the nearest mention after it ("Speaking from imagined superiority, NATO…"). Mentions coordinated
with the chosen one ("the US and NATO", "США и НАТО", "les États-Unis et l'OTAN") share the link.
A span with no mention in its sentences is linked to nobody. Nor is a span with no mention before it in
a sentence whose subject is a personal pronoun ("They want chaos to provoke Russia"): its subject is
named in another sentence, and the mention after it is an object. Evidence crosses a sentence boundary in
one case only: a plural subject pronoun ("they", "они", "ils", "loro", "oni"…) whose sentence follows
one holding exactly one group of coordinated names ("The US and NATO are not interested in peace. They
want chaos") stands for that group; a singular pronoun, or a sentence before with no or several groups,
still links nobody.

**Contrast.** A negated name is not the one aimed at: in "Kriegstreiber sitzen nicht in Moskau, sondern in
Berlin und Washington", "NATO, not Russia, is the aggressor" the span goes to the contrasted names (Berlin
and Washington, NATO) whichever of the pair the rules above chose (:mod:`propwatch.targets.contrast`).

**Polarity.** :data:`POLARITY` files each SemEval-2023 technique as ``attack`` (it damages the
reputation of whom it is about), ``praise`` (it holds them up) or ``neutral`` (loaded wording,
exaggeration, slogans… can serve either side, so they count as evidence about a target but never
decide its stance). Each linked span weighs its score (1 when it has none).

**Reported labels.** An attacking or praising span whose target is the object of someone else's
labelling ("…in order to then call Russia the aggressor", "NATO diplomats accuse Russia of…",
"назвать Россию агрессором", "Russia is branded a threat", "Washington sees Russia as a threat", "The
EU considers Russia a threat", "считает Россию угрозой") reports a label instead of giving it: the
article may well be attacking the labeller. Such a span counts as neutral evidence about the target
(:func:`is_reported_label`): it is shown, but never decides the target's stance. A mention right before
such a verb that stands right before the span is its subject: it gives the label and is not linked
("Russia acted in what Washington calls aggression" → Russia, reported).

**Hashtags against a target.** A praising span is no praise of a target it names in a hashtag that
opposes it ("#StopNATO", "#NoNATO", "#НетНАТО", "#NATOOut"): it counts as neutral evidence about it.

**Narratives.** A sentence the narratives analyzer matched to a catalogue narrative (``narrative:<id>``)
is attack evidence against every target named in it that the narrative lists under ``attacks``
("The US and NATO are not interested in de-escalation" repeating *the West provokes Russia to blame it*
→ NATO and the United States); it weighs its match score.

**Stance.** A target is *attacked* when its attacking evidence outweighs its praising evidence,
*praised* in the opposite case, *mixed* when both are equal and non-zero, *neutral* when only neutral
techniques are linked to it, and *unlinked* when no technique is. The stance score is the share of
all its linked evidence that takes the winning side; its *share* is its part of all the linked
evidence of the article (how much of the article's persuasion is about it).
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Final, Literal

from propwatch.domain import Analysis, Span
from propwatch.models import taxonomy
from propwatch.narratives.catalogue import NARRATIVE_SPAN_PREFIX
from propwatch.narratives.sentences import Sentence, split_sentences
from propwatch.targets import contrast

Polarity = Literal["attack", "praise", "neutral"]
Stance = Literal["attacked", "praised", "mixed", "neutral", "unlinked"]
SPAN_PREFIX: Final = "Target:"
TARGET_LABEL: Final = "target"  # an article-level label per target with linked evidence
NarrativeAttacks = Mapping[str, Collection[str]]  # narrative id → canonical names of the targets it attacks

POLARITY: Final[Mapping[str, Polarity]] = MappingProxyType(
    {
        # Attack on reputation: the whole category is about damaging whom it names.
        "Name_Calling-Labeling": "attack",
        "Doubt": "attack",
        "Questioning_the_Reputation": "attack",
        "Guilt_by_Association": "attack",  # includes reductio ad Hitlerum
        "Appeal_to_Hypocrisy": "attack",
        # The named target is what the reader is told to fear or despise.
        "Appeal_to_Fear-Prejudice": "attack",
        # Distorting or deflecting onto someone is aimed at them.
        "Straw_Man": "attack",
        "Whataboutism": "attack",
        # Holding someone up as the nation, its values or a trustworthy voice.
        "Flag_Waving": "praise",
        "Appeal_to_Values": "praise",
        "Appeal_to_Authority": "praise",
        # Either side: wording, framing and calls say nothing by themselves about whom they favour.
        "Loaded_Language": "neutral",
        "Exaggeration-Minimisation": "neutral",
        "Repetition": "neutral",
        "Obfuscation-Vagueness-Confusion": "neutral",
        "Slogans": "neutral",
        "Conversation_Killer": "neutral",
        "Appeal_to_Time": "neutral",
        "Appeal_to_Popularity": "neutral",
        "Causal_Oversimplification": "neutral",
        "False_Dilemma-No_Choice": "neutral",
        "Consequential_Oversimplification": "neutral",
        "Red_Herring": "neutral",
    }
)
"""Every SemEval-2023 technique → attack, praise or neutral towards the target it is linked to."""

# Joins coordinated names: commas and "and/or" in the six languages, an article may follow.
COORDINATION = re.compile(
    r"^\s*(?:,|,?\s*(?:and|or|&|и|или|а также|et|ou|und|oder|sowie|e|ed|o|i|lub|oraz|albo))\s*"
    r"(?:(?:the|la|le|les|der|die|das|den|dem|des|il|lo|gli)\s+|l['’])?$",
    re.IGNORECASE,
)

# Verbs that give someone a label or an accusation, in the six languages, right before their object.
_LABELLING_VERBS = (
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
_LABEL_BEFORE_TARGET = re.compile(rf"(?:^|[^\w])(?:{_LABELLING_VERBS})\s+{_TARGET_ARTICLE}$", re.IGNORECASE)
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
    rf"(?:{_LABELLING_VERBS}|appel(?:le|lent|ait|aient)|describ(?:es|ed)\s+as|{_DEEMING_VERBS}"
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
# A sentence opening on a personal subject pronoun names its subject elsewhere. Left out: pronouns that are
# often impersonal ("It is NATO that lies", "Il faut…") and words that open English sentences otherwise
# (French "on", Polish "on", "one", "my").
_PRONOUN_SUBJECT = re.compile(
    r"^\W*(?:they|he|she|we|you|они|он|она|мы|вы|ils|elles|elle|nous|vous|sie|er|wir|ihr"
    r"|loro|essi|esse|lui|lei|noi|voi|oni|ona|wy)\b",
    re.IGNORECASE,
)
# Plural personal subject pronouns, whose antecedent may be the names coordinated in the sentence before
# ("The US and NATO are not interested in peace. They want chaos"). German "sie" (also "she") and Polish
# "one" (also English "one") are left out.
_PLURAL_PRONOUN_SUBJECT = re.compile(r"^\W*(?:they|они|ils|elles|loro|essi|esse|oni)\b", re.IGNORECASE)
# A labelling verb right before the span, perhaps with a short object and "as" between ("call it",
# "see it as", "brand the move", "назвали это").
_PRONOUN_LABELS = re.compile(
    rf"(?:^|[^\w])(?:{_LABELLING_VERBS}|appel\w*|describ\w*|{_DEEMING_VERBS}|{_VIEWING_VERBS})\s+"
    r"(?:(?:it|this|that|them|him|her|это|его|её|их|cela|ça|les|es|ihn|lo|la|li|to|je)\s+"
    r"|(?:the|this|that|these|those)\s+\w+\s+)?"
    rf"(?:{_AS}\s+)?{_ARTICLE}$",
    re.IGNORECASE,
)
# How far before a target its labelling verb may start (a verb and an article).
_VERB_REACH = 40
_ATTRIBUTION_BEFORE = re.compile(
    r"(?:^|[^\w])(?:according to|in the words of|selon|d'après|d’après|laut|zufolge|secondo|według"
    r"|по словам|по мнению|по данным|как заявил[аи]?|как сказал[аи]?)\s+(?:the\s+|la\s+|le\s+|l['’])?$",
    re.IGNORECASE,
)
_SAYS_AFTER = re.compile(
    r"^[\s,]*(?:\w+ly\s+)?(?:said|says|insist(?:s|ed)?|claim(?:s|ed)?|argu(?:es|ed)|stat(?:es|ed)|told"
    r"|warn(?:s|ed)|assert(?:s|ed)|maintain(?:s|ed)|declar(?:es|ed)|affirme|a déclaré|a dit|estime"
    r"|sagte|sagt|erklärte|erklärt|behauptet|behauptete|ha detto|ha dichiarato|sostiene|afferma"
    r"|powiedział[a]?|stwierdził[a]?|twierdzi|заявил[аи]?|сказал[аи]?|утверждает|считает|настаивает)"
    r"(?:[^\w]|$)",
    re.IGNORECASE,
)
# Adverbs by which the author takes a reported label for their own: "NATO is rightly branded a threat".
_ENDORSED = re.compile(
    r"(?:^|[^\w])(?:rightly|justly|correctly|deservedly|à juste titre|zu Recht|справедливо|заслуженно"
    r"|giustamente|słusznie)(?:[^\w]|$)",
    re.IGNORECASE,
)


# A hashtag that calls for a target's end, in the six languages and Ukrainian: a word before the name
# ("#StopNATO", "#НетНАТО", "#Stop_NATO") or after it ("#NATOOut", "#USAGoHome").
_OPPOSING_BEFORE = re.compile(
    r"#(?:stop|stopp|no|non|nein|nie|anti|нет|стоп|долой|против|анти|ні|геть)_?$", re.IGNORECASE
)
_OPPOSING_AFTER = re.compile(r"_?(?:out|go_?home|raus|вон|геть)(?![^\W_])", re.IGNORECASE)
_HASHTAG_WORD = re.compile(r"#[^\W_]*$")  # the hashtag a mention's part of, up to the mention


@dataclass(frozen=True)
class TargetMention:
    start: int
    end: int
    name: str


@dataclass(frozen=True)
class TargetProfile:
    """One target of an article: how often it is named and which techniques are aimed at it."""

    name: str
    mentions: int
    techniques: tuple[tuple[str, int], ...]
    """(technique or ``narrative:<id>``, linked spans): techniques in the official SemEval-2023 order,
    then narratives."""
    attack: float
    praise: float
    neutral: float
    stance: Stance
    stance_score: float | None
    share: float | None
    evidence: tuple[Span, ...]
    """The linked technique spans, in text order."""
    reported: int = 0
    """Attacking or praising spans among the evidence that report someone else's label (counted neutral)."""

    @property
    def evidence_weight(self) -> float:
        return self.attack + self.praise + self.neutral

    def summary(self) -> str:
        """One line, e.g. ``NATO — attacked: Name_Calling-Labeling ×1, Doubt ×2``."""
        if not self.techniques:
            return f"{self.name} — mentioned ×{self.mentions}, no technique linked"
        counts = ", ".join(f"{name} ×{count}" for name, count in self.techniques)
        if self.reported:
            counts += f"; {self.reported} reported label{'s' if self.reported > 1 else ''}"
        return f"{self.name} — {self.stance}: {counts}"


def is_technique(span: Span) -> bool:
    return span.label in taxonomy.TECHNIQUES


def mentions_of(spans: Iterable[Span]) -> list[TargetMention]:
    """The target mentions among ``spans`` (labelled ``Target:<name>``), in text order."""
    found = [
        TargetMention(s.start, s.end, s.label.removeprefix(SPAN_PREFIX))
        for s in spans
        if s.label.startswith(SPAN_PREFIX)
    ]
    return sorted(found, key=lambda m: (m.start, m.end))


_BARE_COMMA = re.compile(
    r"^\s*,\s*(?:(?:the|la|le|les|der|die|das|den|dem|des|il|lo|gli)\s+|l['’])?$", re.IGNORECASE
)


def _coordinated(mentions: Sequence[TargetMention], index: int, text: str) -> list[TargetMention]:
    """The mentions listed together with ``mentions[index]`` ("the US, the EU and NATO"). A comma alone
    joins two names only inside a list that a conjunction closes: in "According to Washington, Moscow
    is …" or "Unlike Russia, NATO …" the names are not coordinated."""

    def gap(i: int) -> str:  # the text between mentions i and i + 1
        return text[mentions[i].end : mentions[i + 1].start]

    def joins(i: int) -> bool:
        if not COORDINATION.match(gap(i)):
            return False
        while _BARE_COMMA.match(gap(i)):  # a comma joins when a conjunction further on closes the list
            i += 1
            if i == len(mentions) - 1 or not COORDINATION.match(gap(i)):
                return False
        return True

    first = last = index
    while first > 0 and joins(first - 1):
        first -= 1
    while last < len(mentions) - 1 and joins(last):
        last += 1
    return list(mentions[first : last + 1])


def linked_mentions(
    text: str, technique: Span, mentions: Sequence[TargetMention], sentences: Sequence[Sentence]
) -> list[TargetMention]:
    """The mentions ``technique`` is aimed at (see the module docstring): the chosen one and those
    coordinated with it, in text order; [] for none."""
    inside = [i for i, m in enumerate(mentions) if m.start < technique.end and technique.start < m.end]
    if inside:
        chosen = inside[0]
    else:
        around = [s for s in sentences if s.start < technique.end and technique.start < s.end]
        if not around:
            return []
        low, high = min(s.start for s in around), max(s.end for s in around)
        candidates = [i for i, m in enumerate(mentions) if low <= m.start and m.end <= high]
        before = [i for i in candidates if mentions[i].end <= technique.start]
        if not before and _PRONOUN_SUBJECT.match(around[0].text):
            if _PRONOUN_LABELS.search(text[around[0].start : technique.start]):
                return []  # "They call it aggression": the pronoun's referents give the label
            return _antecedents(text, around[0], mentions, sentences)
        if not candidates:
            return []
        # Whoever the sentence quotes is its source, not the span's target ("According to Lavrov, the
        # alliance is a gang", "Moscow insists that …").
        before = [i for i in before if not _quoted_source(text, mentions[i], technique)]
        if not before and any(mentions[i].end <= technique.start for i in candidates):
            return []
        if before and _speaks(text, mentions[before[-1]], technique):
            # The mention gives the label, so it is not its target; the one before it (if any) is.
            speaker = _coordinated(mentions, before[-1], text)[0]
            earlier = [i for i in before if mentions[i].end <= speaker.start]
            return _coordinated(mentions, earlier[-1], text) if earlier else []
        chosen = before[-1] if before else candidates[0]
    return _coordinated(mentions, _contrasted(text, mentions, chosen), text)


def _contrasted(text: str, mentions: Sequence[TargetMention], index: int) -> int:
    """The Y of "not X but Y" or "Y, not X" when ``mentions[index]`` is (coordinated in) its negated X;
    else ``index``."""
    group = _coordinated(mentions, index, text)
    first = index - group.index(mentions[index])
    last = first + len(group) - 1
    for later in range(last + 1, len(mentions)):
        if mentions[later].start - group[-1].end > contrast.LATER_REACH:
            break
        other_end = _coordinated(mentions, later, text)[-1].end
        if contrast.contrasted_after(text, group[0].start, group[-1].end, mentions[later].start, other_end):
            return later
    if first > 0 and contrast.contrasted_before(text, mentions[first - 1].end, group[0].start, group[-1].end):
        return first - 1
    return index


def _antecedents(
    text: str, sentence: Sentence, mentions: Sequence[TargetMention], sentences: Sequence[Sentence]
) -> list[TargetMention]:
    """What a sentence's plural subject pronoun stands for: the one group of coordinated names in the
    sentence right before it; [] for a singular pronoun, or none or several such groups (ambiguous)."""
    if not _PLURAL_PRONOUN_SUBJECT.match(sentence.text):
        return []
    previous = [s for s in sentences if s.end <= sentence.start]
    if not previous:
        return []
    last = max(previous, key=lambda s: s.end)
    inside = [i for i, m in enumerate(mentions) if last.start <= m.start and m.end <= last.end]
    groups = {tuple(_coordinated(mentions, i, text)) for i in inside}
    plural = [g for g in groups if len(g) > 1 and all(last.start <= m.start and m.end <= last.end for m in g)]
    return list(plural[0]) if len(plural) == 1 else []


def _quoted_source(text: str, mention: TargetMention, technique: Span) -> bool:
    """Whether ``mention`` is the source the sentence reports before ``technique``: after "according to"
    or its equivalent, or before a verb of saying."""
    if _ATTRIBUTION_BEFORE.search(text[max(0, mention.start - 30) : mention.start]):
        return True
    return bool(_SAYS_AFTER.match(text[mention.end : technique.start]))


def _speaks(text: str, mention: TargetMention, technique: Span) -> bool:
    return bool(_SPEAKER_BEFORE_LABEL.match(text[mention.end : technique.start]))


def is_reported_label(text: str, technique: Span, targets: Sequence[TargetMention]) -> bool:
    """Whether ``technique`` reports a label someone else gives ``targets`` (coordinated mentions in text
    order): a labelling verb stands right before the first, an English passive right after the last
    with the span after it, or a labelling verb right before the span after the last."""
    if not targets:
        return False
    first, last = targets[0], targets[-1]
    before = text[max(0, first.start - _VERB_REACH) : first.start]
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
    verb = text[max(0, first.start - _VERB_REACH) : first.start]
    if _AS_BEFORE_LABEL.match(gap):
        found = _VIEW_BEFORE_TARGET.search(verb)
    else:
        found = _DEEM_BEFORE_TARGET.search(verb) if _NOTHING_BEFORE_LABEL.match(gap) else None
    return found is not None and not _FIRST_PERSON_BEFORE.search(verb[: found.start() + 1])


def in_opposing_hashtag(text: str, mention: TargetMention) -> bool:
    """Whether ``mention`` is named in a hashtag against it ("#StopNATO", "#NATOOut")."""
    if _OPPOSING_BEFORE.search(text, max(0, mention.start - 8), mention.start):
        return True
    opens = _HASHTAG_WORD.search(text, max(0, mention.start - 40), mention.start)
    return opens is not None and bool(_OPPOSING_AFTER.match(text, mention.end))


def _opposed(text: str, name: str, span: Span, mentions: Sequence[TargetMention]) -> bool:
    """Whether ``span`` names the target ``name`` in a hashtag against it."""
    return any(
        m.name == name and m.start < span.end and span.start < m.end and in_opposing_hashtag(text, m)
        for m in mentions
    )


def _polarity(span: Span, reported: bool = False) -> Polarity:
    if span.label.startswith(NARRATIVE_SPAN_PREFIX):
        return "attack"
    return "neutral" if reported else POLARITY[span.label]


def narrative_links(
    span: Span, mentions: Sequence[TargetMention], narrative_attacks: NarrativeAttacks
) -> list[str]:
    """The targets named inside a ``narrative:<id>`` span that its narrative attacks."""
    attacked = narrative_attacks.get(span.label.removeprefix(NARRATIVE_SPAN_PREFIX), ())
    inside = [m.name for m in mentions if m.start < span.end and span.start < m.end and m.name in attacked]
    return list(dict.fromkeys(inside))


def build_profiles(
    text: str,
    language: str | None,
    mentions: Sequence[TargetMention],
    techniques: Sequence[Span],
    sentences: Sequence[Sentence] | None = None,
    narratives: Sequence[Span] = (),
    narrative_attacks: NarrativeAttacks | None = None,
) -> list[TargetProfile]:
    """Profiles of every mentioned target, most linked evidence first, then most mentioned.

    ``narratives`` are ``narrative:<id>`` spans; they count only with ``narrative_attacks``."""
    if not mentions:
        return []
    mentions = sorted(mentions, key=lambda m: (m.start, m.end))
    if sentences is None:
        # Only spans without a mention inside read their sentences (and the one before, for a pronoun).
        unplaced = [
            (s.start, s.end)
            for s in techniques
            if s.label in POLARITY and not any(m.start < s.end and s.start < m.end for m in mentions)
        ]
        sentences = split_sentences(text, language, near=unplaced) if unplaced else []
    linked: dict[str, list[Span]] = defaultdict(list)
    reported: set[Span] = set()
    opposed: set[tuple[Span, str]] = set()  # praise of a target the span opposes in a hashtag: neutral
    for span in sorted(techniques, key=lambda s: (s.start, s.end, s.label)):
        if span.label not in POLARITY:
            continue
        targets = linked_mentions(text, span, mentions, sentences)
        if POLARITY[span.label] != "neutral" and is_reported_label(text, span, targets):
            reported.add(span)
        for name in dict.fromkeys(m.name for m in targets):
            linked[name].append(span)
            if POLARITY[span.label] == "praise" and _opposed(text, name, span, mentions):
                opposed.add((span, name))
    if narrative_attacks:  # evidence is put in text order per target below
        for span in narratives:
            for name in narrative_links(span, mentions, narrative_attacks):
                linked[name].append(span)
    total = sum(_weight(s) for spans in linked.values() for s in spans)
    counts = Counter(m.name for m in mentions)
    order = {name: i for i, name in enumerate(taxonomy.SEMEVAL23_TECHNIQUES)}
    profiles: list[TargetProfile] = []
    for name, mentioned in counts.items():
        evidence = linked.get(name, [])
        weights = {"attack": 0.0, "praise": 0.0, "neutral": 0.0}
        evidence.sort(key=lambda s: (s.start, s.end, s.label))
        for span in evidence:
            weights[_polarity(span, span in reported or (span, name) in opposed)] += _weight(span)
        per_technique = Counter(s.label for s in evidence)
        stance, score = _stance(weights["attack"], weights["praise"], weights["neutral"])
        profiles.append(
            TargetProfile(
                name=name,
                mentions=mentioned,
                techniques=tuple(
                    sorted(per_technique.items(), key=lambda kv: (order.get(kv[0], len(order)), kv[0]))
                ),
                attack=weights["attack"],
                praise=weights["praise"],
                neutral=weights["neutral"],
                stance=stance,
                stance_score=score,
                share=_clip(sum(_weight(s) for s in evidence) / total) if evidence and total else None,
                evidence=tuple(evidence),
                reported=sum(span in reported for span in evidence),
            )
        )
    return sorted(profiles, key=lambda p: (-p.evidence_weight, -p.mentions, p.name))


def _weight(span: Span) -> float:
    return span.score if span.score is not None else 1.0


def _clip(value: float) -> float:
    return round(min(max(value, 0.0), 1.0), 4)


def _stance(attack: float, praise: float, neutral: float) -> tuple[Stance, float | None]:
    total = attack + praise + neutral
    if total == 0:
        return "unlinked", None
    if attack > praise:
        return "attacked", _clip(attack / total)
    if praise > attack:
        return "praised", _clip(praise / total)
    if attack > 0:
        return "mixed", None
    return "neutral", None


def is_narrative(span: Span) -> bool:
    return span.label.startswith(NARRATIVE_SPAN_PREFIX)


def target_profiles(
    analysis: Analysis, narrative_attacks: NarrativeAttacks | None = None
) -> list[TargetProfile]:
    """The targets of an analysed article, from its ``Target:`` spans, its technique spans and (with
    ``narrative_attacks``, from :func:`propwatch.narratives.catalogue.narrative_attacks`) its narrative
    spans. The report, the API and the web call this: it needs nothing else but the catalogues.
    """
    return build_profiles(
        analysis.article.text,
        analysis.article.language,
        mentions_of(analysis.spans),
        [s for s in analysis.spans if is_technique(s)],
        narratives=[s for s in analysis.spans if is_narrative(s)],
        narrative_attacks=narrative_attacks,
    )
