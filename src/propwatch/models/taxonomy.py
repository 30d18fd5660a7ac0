"""Persuasion-technique names, their categories, and how the three shared-task schemes relate.

Three label sets meet in propwatch:

* **SemEval-2023 Task 3** (23 techniques in 6 categories) — the scheme propwatch reports in;
* **PTC / SemEval-2020 Task 11** (14 classes, some of them merges of older techniques) — the scheme
  of the ``ptc-si`` / ``ptc-tc`` shared-task commands;
* **SemEval-2021 Task 6** meme texts (20 techniques) — extra training signal.

The mappings between them are judgement calls, documented per entry. ``PTC_TO_SEMEVAL23`` maps each
PTC class to every SemEval-2023 technique it covers (one-to-many where PTC merged techniques, so going
this way is ambiguous). ``SEMEVAL23_TO_PTC`` maps each SemEval-2023 technique to the single PTC class
an analyst would file it under, or to ``None`` where PTC has no such class (Appeal_to_Values,
Consequential_Oversimplification, Appeal_to_Time, Obfuscation-Vagueness-Confusion,
Questioning_the_Reputation): that direction is lossy.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType
from typing import Final


@dataclass(frozen=True)
class Technique:
    """One SemEval-2023 technique: its official name, category and an analyst-facing explanation."""

    name: str
    category: str
    explanation: str


# The analyzer that finds these techniques: its spans are the ones statistics, exports and views count.
TECHNIQUE_ANALYZER: Final = "techniques"
# SemEval-2023 task 3's languages: the technique, genre and frame models learnt and were validated on these.
TRAINED_LANGUAGES: Final = ("en", "fr", "de", "it", "pl", "ru")

ATTACK_ON_REPUTATION: Final = "Attack_on_Reputation"
JUSTIFICATION: Final = "Justification"
SIMPLIFICATION: Final = "Simplification"
DISTRACTION: Final = "Distraction"
CALL: Final = "Call"
MANIPULATIVE_WORDING: Final = "Manipulative_Wording"

CATEGORIES: Final[tuple[str, ...]] = (
    ATTACK_ON_REPUTATION,
    JUSTIFICATION,
    SIMPLIFICATION,
    DISTRACTION,
    CALL,
    MANIPULATIVE_WORDING,
)

# Written for analysts, in our own words: what the text does, so a reader can check the span.
_TECHNIQUES: Final[tuple[Technique, ...]] = (
    Technique(
        "Appeal_to_Authority",
        JUSTIFICATION,
        "Leans on who said it (an expert, official or celebrity) instead of showing the evidence.",
    ),
    Technique(
        "Appeal_to_Popularity",
        JUSTIFICATION,
        "Argues something is right or true because many people supposedly believe or do it.",
    ),
    Technique(
        "Appeal_to_Values",
        JUSTIFICATION,
        "Wraps a claim in cherished values (freedom, family, justice…) so that questioning it feels wrong.",
    ),
    Technique(
        "Appeal_to_Fear-Prejudice",
        JUSTIFICATION,
        "Pushes a position by stirring fear of an outcome or prejudice against a group.",
    ),
    Technique(
        "Flag_Waving",
        JUSTIFICATION,
        "Justifies a position by appealing to national, group or party pride and loyalty.",
    ),
    Technique(
        "Causal_Oversimplification",
        SIMPLIFICATION,
        "Pins a complex outcome on one cause while ignoring the other factors involved.",
    ),
    Technique(
        "False_Dilemma-No_Choice",
        SIMPLIFICATION,
        "Presents only two options (or a single one) when more exist, pushing the reader to one.",
    ),
    Technique(
        "Consequential_Oversimplification",
        SIMPLIFICATION,
        "Claims one step will set off a chain of increasingly bad (or good) outcomes, without support.",
    ),
    Technique(
        "Straw_Man",
        DISTRACTION,
        "Attacks a distorted, weaker version of the opponent's position instead of what they said.",
    ),
    Technique(
        "Red_Herring",
        DISTRACTION,
        "Drags in an unrelated topic to pull attention away from the issue being discussed.",
    ),
    Technique(
        "Whataboutism",
        DISTRACTION,
        "Deflects criticism by pointing at someone else's supposed wrongdoing instead of answering it.",
    ),
    Technique(
        "Slogans",
        CALL,
        "Uses a short, catchy phrase that packs an emotional call to act or believe into a few words.",
    ),
    Technique(
        "Appeal_to_Time",
        CALL,
        "Insists that now is the moment (or it will be too late) to create urgency for action.",
    ),
    Technique(
        "Conversation_Killer",
        CALL,
        "Closes the discussion with a stock phrase that discourages further thought or questions.",
    ),
    Technique(
        "Loaded_Language",
        MANIPULATIVE_WORDING,
        "Chooses emotionally charged words to sway the reader rather than to describe.",
    ),
    Technique(
        "Repetition",
        MANIPULATIVE_WORDING,
        "Repeats the same message or phrase so often that it starts to feel established.",
    ),
    Technique(
        "Exaggeration-Minimisation",
        MANIPULATIVE_WORDING,
        "Blows something up beyond the facts, or plays down something that matters.",
    ),
    Technique(
        "Obfuscation-Vagueness-Confusion",
        MANIPULATIVE_WORDING,
        "Stays deliberately vague or muddled so readers can take away whatever suits the writer.",
    ),
    Technique(
        "Name_Calling-Labeling",
        ATTACK_ON_REPUTATION,
        "Sticks a loaded label on a person or group so that the label, not an argument, does the work.",
    ),
    Technique(
        "Doubt",
        ATTACK_ON_REPUTATION,
        "Casts doubt on someone's credibility, motives or competence without substantiating it.",
    ),
    Technique(
        "Guilt_by_Association",
        ATTACK_ON_REPUTATION,
        "Discredits a person or idea by linking it to someone or something the audience despises.",
    ),
    Technique(
        "Appeal_to_Hypocrisy",
        ATTACK_ON_REPUTATION,
        "Dismisses a position by accusing its holder of inconsistency or hypocrisy, not by rebutting it.",
    ),
    Technique(
        "Questioning_the_Reputation",
        ATTACK_ON_REPUTATION,
        "Undermines someone's character or standing with negative claims, often unrelated to the issue.",
    ),
)

TECHNIQUES: Final = MappingProxyType({t.name: t for t in _TECHNIQUES})
"""The 23 SemEval-2023 techniques by name, in the order of the official ``techniques_subtask3.txt``."""

SEMEVAL23_TECHNIQUES: Final[tuple[str, ...]] = tuple(t.name for t in _TECHNIQUES)

PTC_TECHNIQUES: Final[tuple[str, ...]] = (
    "Appeal_to_Authority",
    "Appeal_to_fear-prejudice",
    "Bandwagon,Reductio_ad_hitlerum",
    "Black-and-White_Fallacy",
    "Causal_Oversimplification",
    "Doubt",
    "Exaggeration,Minimisation",
    "Flag-Waving",
    "Loaded_Language",
    "Name_Calling,Labeling",
    "Repetition",
    "Slogans",
    "Thought-terminating_Cliches",
    "Whataboutism,Straw_Men,Red_Herring",
)
"""The 14 PTC (SemEval-2020 Task 11) classes, spelt as in the official label files."""

PTC_TO_SEMEVAL23: Final = MappingProxyType(
    {
        "Appeal_to_Authority": ("Appeal_to_Authority",),
        "Appeal_to_fear-prejudice": ("Appeal_to_Fear-Prejudice",),
        # PTC merged two techniques here; 2023 files bandwagon under popularity, Hitler comparisons
        # under guilt by association.
        "Bandwagon,Reductio_ad_hitlerum": ("Appeal_to_Popularity", "Guilt_by_Association"),
        "Black-and-White_Fallacy": ("False_Dilemma-No_Choice",),
        "Causal_Oversimplification": ("Causal_Oversimplification",),
        "Doubt": ("Doubt",),
        "Exaggeration,Minimisation": ("Exaggeration-Minimisation",),
        "Flag-Waving": ("Flag_Waving",),
        "Loaded_Language": ("Loaded_Language",),
        "Name_Calling,Labeling": ("Name_Calling-Labeling",),
        "Repetition": ("Repetition",),
        "Slogans": ("Slogans",),
        "Thought-terminating_Cliches": ("Conversation_Killer",),
        # PTC's whataboutism covered charging the opponent with hypocrisy, which 2023 split off.
        "Whataboutism,Straw_Men,Red_Herring": (
            "Whataboutism",
            "Straw_Man",
            "Red_Herring",
            "Appeal_to_Hypocrisy",
        ),
    }
)

SEMEVAL23_TO_PTC: Final = MappingProxyType(
    {
        "Appeal_to_Authority": "Appeal_to_Authority",
        "Appeal_to_Popularity": "Bandwagon,Reductio_ad_hitlerum",
        "Appeal_to_Values": None,
        "Appeal_to_Fear-Prejudice": "Appeal_to_fear-prejudice",
        "Flag_Waving": "Flag-Waving",
        "Causal_Oversimplification": "Causal_Oversimplification",
        "False_Dilemma-No_Choice": "Black-and-White_Fallacy",
        # A slippery slope is not PTC's single-cause fallacy; PTC has no class for it.
        "Consequential_Oversimplification": None,
        "Straw_Man": "Whataboutism,Straw_Men,Red_Herring",
        "Red_Herring": "Whataboutism,Straw_Men,Red_Herring",
        "Whataboutism": "Whataboutism,Straw_Men,Red_Herring",
        "Slogans": "Slogans",
        "Appeal_to_Time": None,
        "Conversation_Killer": "Thought-terminating_Cliches",
        "Loaded_Language": "Loaded_Language",
        "Repetition": "Repetition",
        "Exaggeration-Minimisation": "Exaggeration,Minimisation",
        # PTC dropped obfuscation from its 18 original techniques when it made the 14 classes.
        "Obfuscation-Vagueness-Confusion": None,
        "Name_Calling-Labeling": "Name_Calling,Labeling",
        "Doubt": "Doubt",
        "Guilt_by_Association": "Bandwagon,Reductio_ad_hitlerum",
        "Appeal_to_Hypocrisy": "Whataboutism,Straw_Men,Red_Herring",
        "Questioning_the_Reputation": None,
    }
)

SEMEVAL21_TO_SEMEVAL23: Final = MappingProxyType(
    {
        "Appeal to authority": "Appeal_to_Authority",
        "Appeal to fear/prejudice": "Appeal_to_Fear-Prejudice",
        "Bandwagon": "Appeal_to_Popularity",
        "Black-and-white Fallacy/Dictatorship": "False_Dilemma-No_Choice",
        "Causal Oversimplification": "Causal_Oversimplification",
        "Doubt": "Doubt",
        "Exaggeration/Minimisation": "Exaggeration-Minimisation",
        "Flag-waving": "Flag_Waving",
        # Glittering generalities praise vague virtues: the 2023 scheme's appeal to values.
        "Glittering generalities (Virtue)": "Appeal_to_Values",
        "Loaded Language": "Loaded_Language",
        "Misrepresentation of Someone's Position (Straw Man)": "Straw_Man",
        "Name calling/Labeling": "Name_Calling-Labeling",
        "Obfuscation, Intentional vagueness, Confusion": "Obfuscation-Vagueness-Confusion",
        "Presenting Irrelevant Data (Red Herring)": "Red_Herring",
        "Reductio ad hitlerum": "Guilt_by_Association",
        "Repetition": "Repetition",
        "Slogans": "Slogans",
        # Smears attack a reputation with (often unrelated) negative claims.
        "Smears": "Questioning_the_Reputation",
        "Thought-terminating cliché": "Conversation_Killer",
        "Whataboutism": "Whataboutism",
    }
)
"""SemEval-2021 Task 6 (memes) technique names, as spelt in its files, to SemEval-2023 names."""

SEMEVAL21_TECHNIQUES: Final[tuple[str, ...]] = tuple(SEMEVAL21_TO_SEMEVAL23)


def category_of(technique: str) -> str:
    """The SemEval-2023 category of a SemEval-2023 technique name (KeyError for an unknown one)."""
    return TECHNIQUES[technique].category


def explanation_of(technique: str) -> str:
    """The one-line analyst-facing explanation of a SemEval-2023 technique."""
    return TECHNIQUES[technique].explanation


def techniques_in(category: str) -> tuple[str, ...]:
    """The SemEval-2023 techniques of one category, in official order."""
    return tuple(t.name for t in _TECHNIQUES if t.category == category)


def to_ptc(technique: str) -> str | None:
    """The PTC class a SemEval-2023 technique falls under, or None where PTC has none."""
    return SEMEVAL23_TO_PTC[technique]
