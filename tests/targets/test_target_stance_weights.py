"""A target's stance score and share weigh each linked span by its model score (docs/targets.md): neutral
evidence counts in the stance score's total, and a target's share is of the article's evidence weight, not
of its span count."""

from __future__ import annotations

import pytest

from propwatch.domain import Analysis, Article, Span
from propwatch.targets.linking import target_profiles

# Each technique span covers the sentence that names its target, so it is linked to that target alone.
TEXT = "NATO lies to you. NATO defends our flag. NATO is everywhere. Russia is a thug."


def _span(sentence: str, label: str, score: float) -> Span:
    start = TEXT.index(sentence)
    return Span(start=start, end=start + len(sentence), label=label, score=score, analyzer="techniques")


def _mention(name: str, sentence: str) -> Span:
    start = TEXT.index(sentence)
    return Span(start=start, end=start + len(name), label=f"Target:{name}", analyzer="targets")


def _profiles() -> dict[str, tuple[str, float | None, float | None]]:
    spans = (
        _mention("NATO", "NATO lies"),
        _mention("NATO", "NATO defends"),
        _mention("NATO", "NATO is"),
        _mention("Russia", "Russia is"),
        _span("NATO lies to you.", "Doubt", 0.9),  # attack
        _span("NATO defends our flag.", "Flag_Waving", 0.3),  # praise
        _span("NATO is everywhere.", "Loaded_Language", 0.6),  # neutral
        _span("Russia is a thug.", "Name_Calling-Labeling", 0.2),  # attack
    )
    analysis = Analysis(article=Article(text=TEXT, language="en"), spans=spans, analyzers={"targets": "1"})
    return {p.name: (p.stance, p.stance_score, p.share) for p in target_profiles(analysis)}


def test_the_stance_score_is_the_winning_weight_over_all_linked_weight_neutral_included() -> None:
    stance, score, _ = _profiles()["NATO"]
    # attack 0.9 against praise 0.3 and neutral 0.6: 0.9 / 1.8, not 0.9 / (0.9 + 0.3)
    assert stance == "attacked"
    assert score == pytest.approx(0.5)


def test_a_targets_share_is_of_the_articles_evidence_weight_not_of_its_span_count() -> None:
    profiles = _profiles()
    # NATO's 1.8 and Russia's 0.2 of the article's 2.0; by count they would be 3 and 1 of 4 spans
    assert profiles["NATO"][2] == pytest.approx(0.9)
    assert profiles["Russia"][2] == pytest.approx(0.1)
    assert profiles["Russia"][0] == "attacked" and profiles["Russia"][1] == pytest.approx(1.0)
