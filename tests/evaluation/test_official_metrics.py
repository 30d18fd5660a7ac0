"""Official shared-task metrics: hand-computed cases and a literal re-statement of the SI scorer."""

from __future__ import annotations

import random
from fractions import Fraction
from pathlib import Path

import pytest

from propwatch.errors import ConfigurationError, EmptyInputError, MalformedRecordError
from propwatch.evaluation import (
    ParagraphLabelsRecord,
    SpanRecord,
    TechniqueSpanRecord,
    merge_overlapping,
    score_files,
    score_si,
    score_st3,
    score_tc,
    score_technique_spans,
    write_paragraph_labels,
    write_si_labels,
    write_technique_spans,
)
from propwatch.models.taxonomy import SEMEVAL23_TECHNIQUES


def si(article: str, start: int, end: int) -> SpanRecord:
    return SpanRecord(article, start, end)


# --- PTC SI --------------------------------------------------------------------------------------


def test_merge_overlapping_merges_transitively_but_keeps_touching_spans_apart() -> None:
    assert merge_overlapping([(5, 15), (0, 10), (14, 20), (20, 25), (30, 31)]) == [
        (0, 20),
        (20, 25),
        (30, 31),
    ]
    assert merge_overlapping([(0, 10), (2, 3)]) == [(0, 10)]


def test_si_partial_credit_hand_computed() -> None:
    gold = [si("a", 0, 10), si("a", 5, 15), si("a", 20, 30), si("b", 0, 4)]
    pred = [si("a", 10, 20), si("a", 25, 35)]
    scores = score_si(gold, pred)
    # gold a merges to [0,15) and [20,30); each prediction overlaps by 5 characters.
    assert scores.precision == pytest.approx(0.5, abs=0, rel=1e-15)
    assert scores.recall == float(Fraction(1, 3) * Fraction(1, 3) + Fraction(1, 2) * Fraction(1, 3))
    assert scores.f1 == float(Fraction(5, 14))
    assert (scores.gold_count, scores.predicted_count) == (3, 2)


def test_si_merges_overlapping_predictions_and_duplicates() -> None:
    gold = [si("a", 0, 10)]
    exact = score_si(gold, [si("a", 0, 10)])
    assert (exact.precision, exact.recall, exact.f1) == (1.0, 1.0, 1.0)
    # A duplicate and an overlapping prediction merge into one span, so they cost nothing.
    merged = score_si(gold, [si("a", 0, 10), si("a", 0, 10), si("a", 2, 6)])
    assert merged.f1 == 1.0
    assert merged.predicted_count == 1


def test_technique_spans_earn_credit_only_from_gold_of_their_own_technique() -> None:
    def ts(technique: str, start: int, end: int, article: str = "a") -> TechniqueSpanRecord:
        return TechniqueSpanRecord(article, technique, start, end)

    gold = [ts("Doubt", 0, 10), ts("Loaded_Language", 0, 10), ts("Doubt", 0, 4, "b")]
    # Right place, wrong technique: no credit; two Doubt spans overlapping in "a" merge into one.
    predicted = [ts("Slogans", 0, 10), ts("Doubt", 0, 6), ts("Doubt", 4, 10), ts("Doubt", 0, 4, "b")]
    scores = score_technique_spans(gold, predicted)
    assert (scores.gold_count, scores.predicted_count) == (3, 3)
    assert scores.precision == pytest.approx(2 / 3) and scores.recall == pytest.approx(2 / 3)
    assert scores.per_label["Doubt"].f1 == 1.0
    assert scores.per_label["Slogans"].precision == 0.0 and scores.per_label["Slogans"].gold == 0
    assert scores.per_label["Loaded_Language"].recall == 0.0
    # Without the techniques, the same spans would all be right: the SI formula alone cannot see it.
    plain = score_si(
        [SpanRecord(g.article_id, g.start, g.end) for g in gold], [si("a", 0, 10), si("b", 0, 4)]
    )
    assert plain.f1 == 1.0
    assert scores.label_figures() == {
        "precision": scores.precision,
        "recall": scores.recall,
        "f1": scores.f1,
        "gold": 3,
        "predicted": 3,
    }


def test_si_empty_cases() -> None:
    assert score_si([], []).f1 == 1.0
    nothing_predicted = score_si([si("a", 0, 3)], [])
    assert (nothing_predicted.precision, nothing_predicted.recall, nothing_predicted.f1) == (0.0, 0.0, 0.0)
    # A prediction on an article without gold spans is a false positive, not a crash.
    stray = score_si([si("a", 0, 4)], [si("a", 0, 4), si("z", 0, 4)])
    assert stray.precision == 0.5 and stray.recall == 1.0


def _official_si_reference(gold: list[SpanRecord], pred: list[SpanRecord]) -> float:
    """The official task-SI scorer's loop, restated literally: spans as sets of character positions."""

    def load(records: list[SpanRecord]) -> dict[str, list[set[int]]]:
        annotations: dict[str, list[set[int]]] = {}
        for r in records:
            spans = annotations.setdefault(r.article_id, [])
            spans.append(set(range(r.start, r.end)))
            i = len(spans) - 1
            merging = True
            while merging:  # merge the newest span into any span it intersects, repeatedly
                merging = False
                for j in range(len(spans)):
                    if j != i and spans[i] & spans[j]:
                        spans[j] |= spans[i]
                        del spans[i]
                        i = j if j < i else j - 1
                        merging = True
                        break
        return annotations

    g, p = load(gold), load(pred)
    prec_den = sum(len(v) for v in p.values())
    rec_den = sum(len(v) for v in g.values())
    cum_p = cum_r = 0.0
    for article, spans in p.items():
        for sd in spans:
            for gd in g.get(article, []):
                inter = len(sd & gd)
                cum_p += inter / len(sd)
                cum_r += inter / len(gd)
    prec = cum_p / prec_den if prec_den else 0.0
    rec = cum_r / rec_den if rec_den else 0.0
    f1 = 1.0 if prec_den == 0 and rec_den == 0 else 0.0
    if prec > 0 and rec > 0:
        f1 = 2 * prec * rec / (prec + rec)
    return f1


@pytest.mark.parametrize("seed", range(25))
def test_si_matches_the_official_loop_on_random_files(seed: int) -> None:
    rng = random.Random(seed)

    def random_spans(n: int) -> list[SpanRecord]:
        out = []
        for _ in range(n):
            start = rng.randrange(0, 200)
            out.append(si(rng.choice("abc"), start, start + rng.randrange(1, 40)))
        return out

    gold, pred = random_spans(rng.randrange(0, 15)), random_spans(rng.randrange(0, 15))
    assert score_si(gold, pred).f1 == pytest.approx(_official_si_reference(gold, pred), abs=1e-12)


# --- PTC TC --------------------------------------------------------------------------------------


def tc(article: str, technique: str, start: int, end: int) -> TechniqueSpanRecord:
    return TechniqueSpanRecord(article, technique, start, end)


TC_GOLD = [
    tc("a", "Loaded_Language", 0, 5),
    tc("a", "Doubt", 0, 5),
    tc("a", "Slogans", 10, 20),
    tc("b", "Repetition", 3, 8),
]


def test_tc_micro_f1_is_accuracy_with_repeated_spans_aligned() -> None:
    pred = [
        tc("b", "Doubt", 3, 8),
        tc("a", "Slogans", 0, 5),
        tc("a", "Doubt", 0, 5),
        tc("a", "Slogans", 10, 20),
    ]
    scores = score_tc(TC_GOLD, pred)
    assert (scores.f1, scores.precision, scores.recall) == (0.5, 0.5, 0.5)
    doubt = scores.per_label["Doubt"]
    assert (doubt.precision, doubt.recall, doubt.f1, doubt.gold, doubt.predicted) == (0.5, 1.0, 2 / 3, 1, 2)
    assert scores.per_label["Loaded_Language"].f1 == 0.0
    assert scores.per_label["Bandwagon,Reductio_ad_hitlerum"].f1 == 0.0
    assert len(scores.per_label) == 14


def test_tc_perfect_in_any_line_order() -> None:
    assert score_tc(TC_GOLD, list(reversed(TC_GOLD))).f1 == 1.0


def test_tc_rejects_a_submission_with_other_spans() -> None:
    pred = [
        tc("a", "Doubt", 0, 5),
        tc("a", "Doubt", 0, 5),
        tc("a", "Slogans", 10, 21),
        tc("b", "Doubt", 3, 8),
    ]
    with pytest.raises(MalformedRecordError, match="span 10-20"):
        score_tc(TC_GOLD, pred, predicted_name="pred.tsv")
    with pytest.raises(MalformedRecordError, match="article ids differ"):
        score_tc(TC_GOLD, TC_GOLD[:3], predicted_name="pred.tsv")
    with pytest.raises(EmptyInputError):
        score_tc([], [])


# --- SemEval-2023 subtask 3 ----------------------------------------------------------------------


def par(article: str, paragraph: int, *techniques: str) -> ParagraphLabelsRecord:
    return ParagraphLabelsRecord(article, paragraph, techniques)


ST3_GOLD = [par("a", 1, "Loaded_Language", "Doubt"), par("a", 2), par("b", 1, "Slogans")]
ST3_PRED = [par("a", 1, "Loaded_Language"), par("a", 2, "Doubt"), par("b", 1, "Slogans", "Loaded_Language")]


def test_st3_micro_and_macro_hand_computed() -> None:
    scores = score_st3(ST3_GOLD, ST3_PRED)
    assert scores.f1 == float(Fraction(4, 7))  # TP 2, FP 2, FN 1
    assert (scores.precision, scores.recall) == (0.5, 2 / 3)
    # LL 2/3, Doubt 0, Slogans 1, and the 20 techniques absent from both score 1 (zero_division=1).
    assert scores.macro_f1 == float(Fraction(65, 69))
    assert scores.per_label["Doubt"].f1 == 0.0
    assert scores.per_label["Appeal_to_Time"].f1 == 1.0
    assert len(scores.per_label) == len(SEMEVAL23_TECHNIQUES) == 23


def test_st3_repeated_labels_count_once_and_empty_everything_is_perfect() -> None:
    assert (
        score_st3(
            ST3_GOLD, [par("a", 1, "Doubt", "Loaded_Language", "Doubt"), par("a", 2), par("b", 1, "Slogans")]
        ).f1
        == 1.0
    )
    empty = score_st3([par("a", 1)], [par("a", 1)])
    assert (empty.f1, empty.macro_f1) == (1.0, 1.0)


def test_st3_rejects_other_paragraphs_duplicates_and_unknown_names() -> None:
    with pytest.raises(MalformedRecordError, match="1 gold paragraph"):
        score_st3(ST3_GOLD, ST3_PRED[:2], predicted_name="p.txt")
    with pytest.raises(MalformedRecordError, match="listed twice"):
        score_st3(ST3_GOLD, [*ST3_PRED, par("a", 1)], predicted_name="p.txt")
    with pytest.raises(MalformedRecordError, match="unknown technique 'Smears'"):
        score_st3(ST3_GOLD, [par("a", 1, "Smears"), par("a", 2), par("b", 1)])


# --- score_files ---------------------------------------------------------------------------------


def test_score_files_all_tasks(tmp_path: Path) -> None:
    write_si_labels(tmp_path / "gold-si.txt", [si("1", 0, 10)])
    write_si_labels(tmp_path / "pred-si.txt", [si("1", 5, 15)])
    assert score_files("ptc-si", tmp_path / "gold-si.txt", tmp_path / "pred-si.txt").f1 == 0.5

    write_technique_spans(tmp_path / "gold-tc.txt", TC_GOLD)
    write_technique_spans(tmp_path / "pred-tc.txt", TC_GOLD)
    assert score_files("ptc-tc", tmp_path / "gold-tc.txt", tmp_path / "pred-tc.txt").f1 == 1.0

    write_paragraph_labels(tmp_path / "gold-st3.txt", ST3_GOLD)
    write_paragraph_labels(tmp_path / "pred-st3.txt", ST3_PRED)
    scores = score_files("semeval23-st3", tmp_path / "gold-st3.txt", tmp_path / "pred-st3.txt")
    assert scores.macro_f1 == float(Fraction(65, 69))
    assert "semeval23-st3: F1=0.571429" in scores.summary()
    assert scores.as_dict()["macro_f1"] == scores.macro_f1


def test_score_files_names_the_bad_line_and_the_unknown_task(tmp_path: Path) -> None:
    (tmp_path / "gold.txt").write_text("1\tLoaded_Language\t0\t5\n", encoding="utf-8")
    (tmp_path / "pred.txt").write_text(
        "1\tLoaded_Language\t0\t5\n\n1\tNot_A_Technique\t0\t5\n", encoding="utf-8"
    )
    with pytest.raises(MalformedRecordError) as error:
        score_files("ptc-tc", tmp_path / "gold.txt", tmp_path / "pred.txt")
    assert str(error.value) == f"{tmp_path / 'pred.txt'} line 3: unknown technique 'Not_A_Technique'"
    with pytest.raises(ConfigurationError, match="unknown task 'ptc-flc'"):
        score_files("ptc-flc", tmp_path / "gold.txt", tmp_path / "pred.txt")


def test_si_predictions_with_ids_written_otherwise_are_refused(tmp_path: Path) -> None:
    # "article1" for "1" scored F1 0 without a word.
    from propwatch.errors import InputError

    gold = tmp_path / "gold.txt"
    gold.write_text("1\t5\t15\n2\t0\t4\n", encoding="utf-8")
    prefixed = tmp_path / "prefixed.txt"
    prefixed.write_text("article1\t5\t15\n", encoding="utf-8")
    with pytest.raises(InputError, match="none of its 1 article id"):
        score_files("ptc-si", gold, prefixed)
    some_elsewhere = tmp_path / "some.txt"  # an article without gold spans is a false positive, no error
    some_elsewhere.write_text("1\t5\t15\n3\t0\t4\n", encoding="utf-8")
    assert score_files("ptc-si", gold, some_elsewhere).precision == 0.5
