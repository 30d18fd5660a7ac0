"""A target profile as JSON: what exports and the API say about whom an article attacks or praises."""

from __future__ import annotations

from pydantic import BaseModel, Field

from propwatch.domain import Span
from propwatch.targets.linking import Stance, TargetProfile


class TechniqueCount(BaseModel):
    technique: str = Field(
        description="SemEval-2023 technique name, e.g. 'Doubt', or 'narrative:<id>' for the sentences "
        "repeating a catalogue narrative that attacks the target."
    )
    count: int = Field(ge=1, description="Spans of this technique (or narrative) linked to the target.")


class TargetOut(BaseModel):
    """Who the article's techniques are aimed at (propwatch.targets.linking, see docs/targets.md)."""

    name: str = Field(description="The target's canonical name, e.g. 'NATO'.")
    mentions: int = Field(ge=1, description="How often the text names it (its 'Target:' spans).")
    techniques: list[TechniqueCount] = Field(
        description="Spans linked to it, per technique in the SemEval-2023 order, then per narrative."
    )
    stance: Stance = Field(
        description="attacked, praised, mixed (as much of both), neutral (only neutral techniques) or "
        "unlinked (no technique).",
    )
    stance_score: float | None = Field(description="Share of its linked evidence on the winning side.")
    share: float | None = Field(description="Its part of all the article's linked technique evidence.")
    attack: float = Field(description="Weight (summed scores) of the attacking techniques linked to it.")
    praise: float = Field(description="Weight of the praising techniques linked to it.")
    neutral: float = Field(description="Weight of the neutral techniques linked to it.")
    evidence: list[Span] = Field(description="The linked technique spans, in text order.")
    reported: int = Field(
        ge=0,
        description="Attacking or praising spans among the evidence that report a label someone else "
        "gives the target ('call Russia the aggressor'); they count as neutral.",
    )
    summary: str = Field(
        description="One line, as the report and the page say it, e.g. 'NATO — attacked (3 spans, 89% of "
        "their weight attacking): Name_Calling-Labeling ×1, Doubt ×2'."
    )


def target_out(profile: TargetProfile) -> TargetOut:
    from propwatch.summary import target_line  # the summary module reads these records' profiles

    return TargetOut(
        name=profile.name,
        mentions=profile.mentions,
        techniques=[TechniqueCount(technique=name, count=n) for name, n in profile.techniques],
        stance=profile.stance,
        stance_score=profile.stance_score,
        share=profile.share,
        attack=profile.attack,
        praise=profile.praise,
        neutral=profile.neutral,
        evidence=list(profile.evidence),
        reported=profile.reported,
        summary=target_line(profile),
    )
