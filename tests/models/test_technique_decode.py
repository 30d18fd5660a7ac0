from __future__ import annotations

import itertools
from dataclasses import dataclass, replace

import numpy as np
import pytest

from propwatch.models.technique_decode import (
    Calibration,
    clean_boundaries,
    decode_spans,
    merge_window_logits,
    pack_windows,
    paragraph_labels,
    plan_windows,
    technique_scores_for_range,
    token_char_ranges,
    token_probabilities,
)

ON, OFF = 8.0, -8.0


def logits_for(rows: list[list[tuple[float, float]]]) -> np.ndarray:
    """rows[t][k] = (begin logit, inside logit) → [T, 2K]."""
    return np.asarray([[v for pair in row for v in pair] for row in rows], dtype=np.float32)


# --- windows -------------------------------------------------------------------------------------


def test_short_article_is_one_window_and_empty_article_none() -> None:
    assert plan_windows(10, 256, 192) == [(0, 10)]
    assert plan_windows(254, 256, 192) == [(0, 254)]
    assert plan_windows(0, 256, 192) == []


def test_long_article_windows_overlap_cover_every_token_and_end_on_the_last() -> None:
    windows = plan_windows(600, 256, 192)
    assert windows == [(0, 254), (192, 446), (346, 600)]
    for n in (255, 500, 1000, 1001):
        plan = plan_windows(n, 256, 192)
        covered = np.zeros(n, dtype=int)
        for start, end in plan:
            assert end - start == 254
            covered[start:end] += 1
        assert covered.min() >= 1 and plan[-1][1] == n
        assert all(b[0] < a[1] for a, b in itertools.pairwise(plan))  # consecutive ones overlap


@pytest.mark.parametrize(("window", "stride"), [(2, 1), (10, 0), (10, 9)])
def test_impossible_window_plans_are_refused(window: int, stride: int) -> None:
    with pytest.raises(ValueError):
        plan_windows(100, window, stride)


def test_pack_windows_adds_specials_and_padding() -> None:
    ids, mask = pack_windows([10, 11, 12, 13, 14], [(0, 3), (3, 5)], bos=0, eos=2, pad=1)
    assert ids.tolist() == [[0, 10, 11, 12, 2], [0, 13, 14, 2, 1]]
    assert mask.tolist() == [[1, 1, 1, 1, 1], [1, 1, 1, 1, 0]]


def test_overlapping_windows_are_averaged() -> None:
    first = np.full((4, 2), 1.0, dtype=np.float32)
    second = np.full((4, 2), 3.0, dtype=np.float32)
    merged = merge_window_logits(6, [(0, 4), (2, 6)], [first, second])
    assert merged[:, 0].tolist() == [1.0, 1.0, 2.0, 2.0, 3.0, 3.0]


def test_merge_refuses_gaps_and_wrong_shapes() -> None:
    with pytest.raises(ValueError, match="cover"):
        merge_window_logits(6, [(0, 2)], [np.zeros((2, 2), dtype=np.float32)])
    with pytest.raises(ValueError, match="shape"):
        merge_window_logits(2, [(0, 2)], [np.zeros((3, 2), dtype=np.float32)])


# --- probabilities and calibration ---------------------------------------------------------------


def test_calibration_applies_to_inside_only() -> None:
    cal = Calibration(
        ("A",),
        np.asarray([2.0], dtype=np.float32),
        np.asarray([1.0], dtype=np.float32),
        np.asarray([0.5], dtype=np.float32),
    )
    begin, inside = token_probabilities(np.asarray([[0.0, 2.0]], dtype=np.float32), cal)
    assert begin[0, 0] == pytest.approx(0.5)
    assert inside[0, 0] == pytest.approx(1 / (1 + np.exp(-(2.0 / 2.0 + 1.0))))


def test_calibration_from_model_json_mappings_needs_every_label() -> None:
    cal = Calibration.from_mappings(
        ["A", "B"],
        {"A": 0.3, "B": 0.6},
        {"A": {"temperature": 1.5, "bias": -0.2}, "B": {"temperature": 1, "bias": 0}},
    )
    assert cal.threshold.tolist() == pytest.approx([0.3, 0.6])
    with pytest.raises(KeyError):
        Calibration.from_mappings(["A", "B"], {"A": 0.3}, {"A": {"temperature": 1, "bias": 0}})
    with pytest.raises(ValueError, match="positive"):
        Calibration.from_mappings(["A"], {"A": 0.3}, {"A": {"temperature": 0, "bias": 0}})


def test_threshold_per_label_decides_what_is_a_span() -> None:
    text = "aa bb cc"
    offsets = [(0, 2), (2, 5), (5, 8)]
    logits = logits_for([[(OFF, 0.0), (OFF, 0.0)], [(OFF, 0.0), (OFF, 0.0)], [(OFF, OFF), (OFF, OFF)]])
    cal = Calibration(
        ("A", "B"),
        np.ones(2, dtype=np.float32),
        np.zeros(2, dtype=np.float32),
        np.asarray([0.5, 0.6], dtype=np.float32),
    )
    spans = decode_spans(text, offsets, logits, cal)
    assert [(s.label, text[s.start : s.end], s.score) for s in spans] == [("A", "aa bb", pytest.approx(0.5))]


# --- characters ----------------------------------------------------------------------------------


def test_leading_space_and_crlf_of_word_tokens_are_dropped() -> None:
    text = "One two.\r\nThree"
    # as the XLM-R tokenizer reports them: "▁two" covers " two", "▁Three" covers "\nThree"
    ranges = token_char_ranges(text, [(0, 3), (3, 7), (7, 8), (9, 15)])
    assert [text[s:e] for s, e in ranges.tolist()] == ["One", "two", ".", "Three"]


def test_lone_metaspace_token_overlapping_the_first_word_is_emptied() -> None:
    ranges = token_char_ranges("corrupt", [(0, 1), (0, 7)])
    assert ranges.tolist() == [[0, 0], [0, 7]]


def test_spans_are_exact_on_crlf_and_non_ascii_text() -> None:
    text = "Ça suffit.\r\nCes «traîtres» 😡 détruisent"
    # tokens: "Ça" "▁suffit" "." "▁Ces" "▁«" "traîtres" "»" "▁" "😡" "▁détruisent"
    offsets = [(0, 2), (2, 9), (9, 10), (11, 15), (15, 17), (17, 25), (25, 26), (26, 27), (27, 28), (28, 39)]
    inside = [OFF, OFF, OFF, OFF, ON, ON, ON, OFF, OFF, ON]
    begin = [OFF, OFF, OFF, OFF, ON, OFF, OFF, OFF, OFF, ON]
    logits = logits_for([[(b, i)] for b, i in zip(begin, inside, strict=True)])
    spans = decode_spans(text, offsets, logits, Calibration.identity(["A"]))
    assert [text[s.start : s.end] for s in spans] == ["«traîtres»", "détruisent"]
    assert spans[0].start == text.index("«")


def test_begin_splits_a_run_into_two_spans() -> None:
    text = "alpha beta gamma"
    offsets = [(0, 5), (5, 10), (10, 16)]
    logits = logits_for([[(ON, ON)], [(OFF, ON)], [(ON, ON)]])
    spans = decode_spans(text, offsets, logits, Calibration.identity(["A"]))
    assert [text[s.start : s.end] for s in spans] == ["alpha beta", "gamma"]


def test_hysteresis_keeps_a_run_whole_across_a_dip_under_the_threshold() -> None:
    text = "alpha beta gamma delta"
    offsets = [(0, 5), (5, 10), (10, 16), (16, 22)]
    # Calibrated inside probabilities 0.6, 0.45, 0.6, 0.2 against a threshold of 0.5.
    inside = [float(np.log(p / (1 - p))) for p in (0.6, 0.45, 0.6, 0.2)]
    logits = logits_for([[(OFF, v)] for v in inside])
    plain = Calibration.identity(["A"], threshold=0.5)
    assert [text[s.start : s.end] for s in decode_spans(text, offsets, logits, plain)] == ["alpha", "gamma"]
    kept = replace(plain, hysteresis=0.2)  # runs go on down to 0.4: the dip to 0.45 no longer cuts
    (span,) = decode_spans(text, offsets, logits, kept)
    assert text[span.start : span.end] == "alpha beta gamma"
    assert span.score == pytest.approx((0.6 + 0.45 + 0.6) / 3, abs=1e-5)
    # A run that never reaches the threshold is not a span, however low the floor goes.
    low = logits_for([[(OFF, v)] for v in inside[1:2] * 3])
    floor_low = replace(plain, hysteresis=0.9)
    assert decode_spans("beta beta beta", [(0, 4), (4, 9), (9, 14)], low, floor_low) == []
    assert plain.for_language("en").hysteresis == 0.0 and kept.for_language("fr").hysteresis == 0.2


@pytest.mark.parametrize("bad", [-0.1, 1.0, 1.5])
def test_hysteresis_outside_zero_to_one_is_refused(bad: float) -> None:
    with pytest.raises(ValueError, match="hysteresis"):
        replace(Calibration.identity(["A"]), hysteresis=bad)


def test_score_is_mean_calibrated_inside_probability() -> None:
    text = "alpha beta"
    logits = logits_for([[(OFF, 0.0)], [(OFF, 2.0)]])
    (span,) = decode_spans(text, [(0, 5), (5, 10)], logits, Calibration.identity(["A"], threshold=0.4))
    assert span.score == pytest.approx((0.5 + 1 / (1 + np.exp(-2.0))) / 2, abs=1e-6)


@pytest.mark.parametrize(
    ("piece", "expected"),
    [
        ("  , the elite.  ", "the elite"),
        ("“enemies of the people”,", "“enemies of the people”"),
        ("enemies of the people”", "enemies of the people"),
        ("(so-called) experts;", "(so-called) experts"),
        ("Why do they lie?", "Why do they lie?"),
        ("#MAGA!", "#MAGA!"),
        ("— a 90% rise", "a 90% rise"),
        ("« notre » pays", "« notre » pays"),
        ("« notre", "notre"),
        ("...", None),
    ],
)
def test_clean_boundaries(piece: str, expected: str | None) -> None:
    text = "x" + piece + "x"
    cleaned = clean_boundaries(text, 1, 1 + len(piece))
    assert (text[cleaned[0] : cleaned[1]] if cleaned else None) == expected


# --- shared-task helpers -------------------------------------------------------------------------


def test_technique_scores_for_range_average_the_overlapping_tokens() -> None:
    ranges = np.asarray([[0, 3], [4, 7], [8, 11]])
    inside = np.asarray([[0.1, 0.9], [0.3, 0.7], [0.9, 0.1]], dtype=np.float32)
    assert technique_scores_for_range(ranges, inside, 0, 7).tolist() == pytest.approx([0.2, 0.8])
    assert technique_scores_for_range(ranges, inside, 7, 8).tolist() == pytest.approx([0.3, 0.7])


@dataclass(frozen=True)
class _Span:
    start: int
    end: int
    label: str


def test_paragraph_labels_number_non_empty_lines_and_follow_label_order() -> None:
    text = "Title\r\n\r\nFirst para.\r\nSecond para.\r\n"
    first = text.index("First")
    spans = [_Span(first, first + 5, "B"), _Span(first, first + 3, "A"), _Span(0, 2, "B")]
    assert paragraph_labels(text, spans, ["A", "B"]) == {1: ("B",), 3: ("A", "B"), 4: ()}


def test_spans_are_widened_to_whole_words_and_fragments_dropped() -> None:
    text = "the aggravation of it or Russia’s"
    offsets = [(0, 3), (3, 6), (6, 15), (15, 18), (18, 21), (21, 24), (24, 31), (31, 32), (32, 33)]
    on_tokens = {1, 3, 5, 8}  # "ag" (of "aggravation"), "of", "or", "s" (after ’)
    logits = logits_for([[(OFF, ON if t in on_tokens else OFF)] for t in range(len(offsets))])
    spans = decode_spans(text, offsets, logits, Calibration.identity(["A"]))
    assert [(s.label, text[s.start : s.end]) for s in spans] == [("A", "aggravation")]


def test_fragments_of_one_word_become_one_span() -> None:
    text = "the aggravation of it"
    offsets = [(0, 3), (3, 6), (6, 15), (15, 18), (18, 21)]
    # Both pieces of "aggravation" are inside, the second also a begin: two runs, one word.
    logits = logits_for([[(OFF, OFF)], [(ON, ON)], [(ON, ON)], [(OFF, OFF)], [(OFF, OFF)]])
    spans = decode_spans(text, offsets, logits, Calibration.identity(["A"]))
    assert [text[s.start : s.end] for s in spans] == ["aggravation"]


def test_a_lone_emoji_is_substantial_a_short_word_is_not() -> None:
    from propwatch.models.technique_decode import substantial, whole_words

    assert substantial("😡") and substantial("liar") and substantial("“enemies”")
    assert not substantial("the") and not substantial("’s") and not substantial("or!")
    assert whole_words("superiority complex", 3, 8) == (0, 11)
    assert whole_words("a b", 0, 3) == (0, 3)


def test_an_apostrophe_between_letters_is_inside_the_word() -> None:
    """A Doubt span had begun at "t tell you this", shown as won'⟦t tell you this⟧."""
    from propwatch.models.technique_decode import whole_words

    text = "They won't tell you this. NATO’s plan. 'quoted' words"
    start, end = whole_words(text, text.index("t tell"), text.index(" this") + 5)
    assert text[start:end] == "won't tell you this"
    start, end = whole_words(text, text.index("NATO"), text.index("NATO") + 4)
    assert text[start:end] == "NATO"  # an entity does not take the suffix after it
    start, end = whole_words(text, text.index("’s") + 1, text.index("’s") + 2)
    assert text[start:end] == "s"  # a suffix alone stays a fragment (dropped as such)
    start, end = whole_words(text, text.index("quoted"), text.index("quoted") + 6)
    assert text[start:end] == "quoted"  # a quotation mark is not part of the word it quotes
    # A span starting on the apostrophe itself, or ending right after it, takes the word too.
    again = "They're warmongers who'd burn it, they're sure."
    start, end = whole_words(again, again.index("'re"), again.index(" who"))
    assert again[start:end] == "They're warmongers"
    start, end = whole_words(again, again.index("'d burn"), again.index(" it"))
    assert again[start:end] == "who'd burn"
    start, end = whole_words(again, again.index("sure") - 8, again.index("sure") - 3)
    assert again[start:end] == "they're"


def test_spans_never_split_a_flag() -> None:
    """A span had covered the second half of 🇷🇺 (a lone regional indicator), breaking the flag in the
    workbench's highlight, and cut England's tag-sequence flag after its black flag."""
    from propwatch.models.technique_decode import whole_words

    text = "all. 🇷🇺🇺🇦 puppets 🏴\U000e0067\U000e0062\U000e0065\U000e006e\U000e0067\U000e007f end"
    russia = text.index("🇷🇺")
    assert whole_words(text, russia + 1, russia + 2) == (russia, russia + 2)  # the second half: the flag
    assert whole_words(text, russia + 2, russia + 3) == (russia + 2, russia + 4)  # 🇺🇦 after it, not 🇺🇺
    assert whole_words(text, russia, russia + 1) == (russia, russia + 2)
    england = text.index("🏴")
    start, end = whole_words(text, england, england + 1)
    assert (start, end) == (england, england + 7)


def test_spans_never_split_a_character_written_as_several_code_points() -> None:
    """The tokenizer's NFKC offsets had left "Jose\u0301" as "Jose" and cut the É of "E\u0301lysée"."""
    from propwatch.models.technique_decode import clean_boundaries, whole_words

    text = "Jose\u0301 and E\u0301lyse\u0301e liars"
    assert whole_words(text, 0, 4) == (0, 5)
    start = text.index("lyse")
    assert text[slice(*whole_words(text, start, start + 3))] == "E\u0301lyse\u0301e"
    family = "we 👨\u200d👩\u200d👧 hate 👍🏽"
    one = family.index("👩")
    assert family[slice(*whole_words(family, one, one + 1))] == "👨\u200d👩\u200d👧"
    thumb = family.index("👍")
    assert clean_boundaries(family, *whole_words(family, thumb, thumb + 1)) == (thumb, len(family))


def test_widening_to_whole_words_stops_within_reach() -> None:
    """A line of two million letters was walked through once per span: an hour of analysis."""
    from propwatch.models.technique_decode import WIDEST, whole_words

    line = "x" * 2_000_000
    assert whole_words(line, 1_000_000, 1_000_005) == (1_000_000 - WIDEST, 1_000_005 + WIDEST)
    assert whole_words("Unterhaltungselektronikhersteller lügen", 5, 9) == (0, 33)
