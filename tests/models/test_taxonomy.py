"""The technique taxonomy and the mappings between the three schemes."""

from __future__ import annotations

from propwatch.models import taxonomy as tx


def test_23_techniques_in_6_categories_with_explanations() -> None:
    assert len(tx.SEMEVAL23_TECHNIQUES) == len(set(tx.SEMEVAL23_TECHNIQUES)) == 23
    assert sum(len(tx.techniques_in(c)) for c in tx.CATEGORIES) == 23
    assert [len(tx.techniques_in(c)) for c in tx.CATEGORIES] == [5, 5, 3, 3, 3, 4]
    assert tx.category_of("Doubt") == tx.ATTACK_ON_REPUTATION
    for name in tx.SEMEVAL23_TECHNIQUES:
        explanation = tx.explanation_of(name)
        assert 30 < len(explanation) < 110 and "\n" not in explanation and explanation.endswith(".")


def test_mappings_cover_every_name_and_agree_with_each_other() -> None:
    assert len(tx.PTC_TECHNIQUES) == 14
    assert set(tx.PTC_TO_SEMEVAL23) == set(tx.PTC_TECHNIQUES)
    assert set(tx.SEMEVAL23_TO_PTC) == set(tx.SEMEVAL23_TECHNIQUES)
    assert {t for targets in tx.PTC_TO_SEMEVAL23.values() for t in targets} <= set(tx.SEMEVAL23_TECHNIQUES)
    for technique, ptc in tx.SEMEVAL23_TO_PTC.items():
        if ptc is not None:
            assert technique in tx.PTC_TO_SEMEVAL23[ptc]
    for ptc, targets in tx.PTC_TO_SEMEVAL23.items():
        assert all(tx.to_ptc(t) == ptc for t in targets)
    unmapped = {t for t, ptc in tx.SEMEVAL23_TO_PTC.items() if ptc is None}
    assert unmapped == {
        "Appeal_to_Values",
        "Consequential_Oversimplification",
        "Appeal_to_Time",
        "Obfuscation-Vagueness-Confusion",
        "Questioning_the_Reputation",
    }
    assert len(tx.SEMEVAL21_TECHNIQUES) == 20
    assert set(tx.SEMEVAL21_TO_SEMEVAL23.values()) <= set(tx.SEMEVAL23_TECHNIQUES)
