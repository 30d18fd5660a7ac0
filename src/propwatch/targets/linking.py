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

**Reported labels and speech.** An attacking or praising span that reports someone else's label or words
("…in order to then call Russia the aggressor", "Hillary Clinton sagt, Putin sei „der neue Hitler“")
counts as neutral evidence about its target: it is shown, but never decides the target's stance. Who says
a span's words is not its target (:mod:`propwatch.targets.reported`), nor is whom an attack shows
threatened, and a label right before a name describes that name (:mod:`propwatch.targets.roles`).

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
from propwatch.targets import contrast, reported, roles
from propwatch.targets.reported import is_reported_label

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
    attacking = POLARITY.get(technique.label) == "attack"

    def aimed(i: int) -> bool:  # an attack passes over whom it shows threatened ("Taïwan est menacée")
        return not (attacking and _threatened(text, mentions, i))

    inside = [i for i, m in enumerate(mentions) if m.start < technique.end and technique.start < m.end]
    # Who opens the span saying the rest of it is not its target ("⟦Киссинджер отметил, что …⟧").
    said = [i for i in inside if not reported.speaks_within(text, mentions[i], technique)]
    if inside and not said:
        return []
    if [i for i in said if aimed(i)]:
        chosen = next(i for i in said if aimed(i))
    else:
        around = [s for s in sentences if s.start < technique.end and technique.start < s.end]
        if not around and inside:  # sentences are split only around spans with no mention inside
            low, high = reported.sentence_bounds(text, technique.start, technique.end)
            around = [Sentence(low, high, text[low:high])]
        if not around:
            return []
        low, high = min(s.start for s in around), max(s.end for s in around)
        candidates = [i for i, m in enumerate(mentions) if low <= m.start and m.end <= high and aimed(i)]
        before = [i for i in candidates if mentions[i].end <= technique.start]
        if not before and _PRONOUN_SUBJECT.match(around[0].text):
            if reported.PRONOUN_LABELS.search(text[around[0].start : technique.start]):
                return []  # "They call it aggression": the pronoun's referents give the label
            return _antecedents(text, around[0], mentions, sentences)
        # A speaker or source named after the span says it ("«…», — отметил Буданов", "…, said Borrell").
        # Not where the words speak of their speaker ("«Ja staram się…» – dodał Tusk").
        cut = reported.attribution_after(text, technique.end, high)
        if cut is None or reported.of_self(text, low, technique.end):
            cut = high
        after = [i for i in candidates if technique.end <= mentions[i].start < cut]
        if after and cut == high and reported.says(text, mentions[after[0]]):
            after = []  # "… Lavrov said": a speaker standing after the span, before his verb
        if after and roles.apposed(text, technique.start, technique.end, mentions[after[0]].start):
            return _coordinated(mentions, after[0], text)  # "le candidat ⟦d'extrême droite⟧ Eric Zemmour"
        # Whoever the sentence quotes is its source, not the span's target ("According to Lavrov, the
        # alliance is a gang", "Moscow insists that …").
        sources = [i for i in before if reported.is_source(text, mentions[i], technique)]
        before = [i for i in before if i not in sources]
        if sources and not before:
            return []
        if before and reported.gives_label(text, mentions[before[-1]], technique):
            # The mention gives the label, so it is not its target; the one before it (if any) is.
            speaker = _coordinated(mentions, before[-1], text)[0]
            earlier = [i for i in before if mentions[i].end <= speaker.start]
            return _coordinated(mentions, earlier[-1], text) if earlier else []
        if not before and not after:
            return []
        chosen = before[-1] if before else after[0]
    return _coordinated(mentions, _contrasted(text, mentions, chosen), text)


def _threatened(text: str, mentions: Sequence[TargetMention], index: int) -> bool:
    """Whether ``mentions[index]``, with the names coordinated with it, is a threatened party."""
    group = _coordinated(mentions, index, text)
    return roles.threatened(text, group[0].start, group[-1].end)


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
    if reported:
        return "neutral"
    return "attack" if span.label.startswith(NARRATIVE_SPAN_PREFIX) else POLARITY[span.label]


def _narratives_decide(evidence: Sequence[Span], reported: Collection[Span]) -> bool:
    """Whether a target's narrative spans count as attacks: a technique span attacks it too, or one
    narrative matches at least two of its sentences. A lone similarity match (weighing ~0.8, more than
    most technique spans) is often false and would otherwise decide the stance alone."""
    if any(not is_narrative(s) and POLARITY[s.label] == "attack" and s not in reported for s in evidence):
        return True
    sentences = dict.fromkeys((s.label, s.start) for s in evidence if is_narrative(s))
    return any(n >= 2 for n in Counter(label for label, _ in sentences).values())


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
        lone = not _narratives_decide(evidence, reported)
        for span in evidence:
            muted = span in reported or (span, name) in opposed or (lone and is_narrative(span))
            weights[_polarity(span, muted)] += _weight(span)
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
