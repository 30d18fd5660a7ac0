"""Article signals of the genre head: style features, persuasion density, the feature cache."""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from propwatch.errors import StorageError
from propwatch.framing.persuasion import CATEGORIES, PERSUASION_FEATURES, persuasion_features
from propwatch.framing.signals import SIGNALS, PersuasionCache, article_signals, signal_matrix
from propwatch.framing.style import STYLE_FEATURES, style_features
from propwatch.models.taxonomy import TECHNIQUES

REPORT = (
    "Minister resigns after inquiry\n"
    "LONDON (Reuters) - The minister resigned on Tuesday, officials said.\n"
    '"I will step down," she told reporters, according to a statement. 3 of 12 aides left.\n'
)
COLUMN = "Why do we keep failing?\nI think we are fools! You know it. We must act now!\n"


def _style(text: str, language: str | None = "en") -> dict[str, float]:
    return dict(zip(STYLE_FEATURES, style_features(text, language), strict=True))


def test_style_tells_attribution_from_voice() -> None:
    report, column = _style(REPORT), _style(COLUMN)
    assert report["dateline"] == 1.0 and column["dateline"] == 0.0
    assert report["agency_mentions"] == pytest.approx(math.log(2))
    assert report["reported_speech_per_1000_words"] > 0 == column["reported_speech_per_1000_words"]
    assert report["quoted_share"] == pytest.approx(len('"I will step down,"') / len(REPORT))
    assert report["numbers_per_1000_words"] > 0 == column["numbers_per_1000_words"]
    assert column["first_singular_per_1000_words"] > 0 and column["first_plural_per_1000_words"] > 0
    assert column["second_person_per_1000_words"] > 0
    assert column["questions_per_sentence"] == pytest.approx(1 / 4)
    assert column["exclamations_per_sentence"] == pytest.approx(2 / 4)
    assert column["title_question_or_exclamation"] == 1.0 == 1.0 - report["title_question_or_exclamation"]


def test_word_lists_follow_the_language() -> None:
    assert _style("Je pense que nous avons raison.", "fr")["first_singular_per_1000_words"] > 0
    assert _style("Я думаю, что мы правы.", "ru")["first_plural_per_1000_words"] > 0
    unknown = _style("Je pense que nous avons raison.", "xx")
    assert unknown["first_singular_per_1000_words"] == unknown["first_plural_per_1000_words"] == 0.0
    assert unknown["log_words"] == pytest.approx(math.log1p(6))


def test_an_unclosed_quote_does_not_swallow_the_article() -> None:
    text = 'He said "this is never closed.\n' + "More words here. " * 20
    assert _style(text)["quoted_share"] == 0.0


def test_line_endings_change_no_style_signal() -> None:
    text = (
        "Title\n\n“An unclosed quote opens the first paragraph.\n\nThe second one says “a word” and more.\n\n"
        "WASHINGTON (Reuters) - A third paragraph, with 12 numbers, ends here."
    )
    plain = style_features(text, "en")
    assert np.array_equal(style_features(text.replace("\n", "\r\n"), "en"), plain)
    assert np.array_equal(style_features(text.replace("\n", "\r"), "en"), plain)


def test_persuasion_features_from_token_probabilities() -> None:
    labels = ("Loaded_Language", "Name_Calling-Labeling", "Doubt")
    inside = np.array(
        [
            [0.5, 0.5, 0.0],  # noisy-or: 0.75 inside some technique
            [0.0, 0.0, 0.0],
            [1.0, 0.0, 0.2],
            [0.0, 0.0, 0.0],
        ]
    )
    values = dict(zip(PERSUASION_FEATURES, persuasion_features(labels, inside), strict=True))
    assert len(PERSUASION_FEATURES) == 2 + len(CATEGORIES) + len(TECHNIQUES)
    assert values["inside_share"] == pytest.approx((0.75 + 1.0) / 4)
    assert values["mean_max_inside"] == pytest.approx((0.5 + 1.0) / 4)
    # Loaded_Language is the only Manipulative_Wording technique here; Name_Calling and Doubt are both
    # Attack_on_Reputation, so their category takes the noisy-or of the two.
    assert values["log_manipulative_wording_inside_per_1000_tokens"] == pytest.approx(math.log1p(375.0))
    assert values["log_loaded_language_inside_per_1000_tokens"] == pytest.approx(math.log1p(375.0))
    assert values["log_attack_on_reputation_inside_per_1000_tokens"] == pytest.approx(math.log1p(175.0))
    assert values["log_name_calling-labeling_inside_per_1000_tokens"] == pytest.approx(math.log1p(125.0))
    assert values["log_doubt_inside_per_1000_tokens"] == pytest.approx(math.log1p(50.0))
    assert values["log_call_inside_per_1000_tokens"] == 0.0, "no technique of the category"
    assert values["log_slogans_inside_per_1000_tokens"] == 0.0, "a technique the model lacks"
    assert not persuasion_features(labels, np.zeros((0, 3))).any(), "no tokens, no persuasion"


def test_signals_are_style_then_persuasion() -> None:
    assert SIGNALS[: len(STYLE_FEATURES)] == tuple(f"style:{n}" for n in STYLE_FEATURES)
    assert SIGNALS[len(STYLE_FEATURES) :] == tuple(f"persuasion:{n}" for n in PERSUASION_FEATURES)
    persuasion = np.arange(len(PERSUASION_FEATURES), dtype=float)
    row = article_signals(COLUMN, "en", persuasion)
    assert np.array_equal(row[: len(STYLE_FEATURES)], style_features(COLUMN, "en"))
    assert np.array_equal(row[len(STYLE_FEATURES) :], persuasion)
    matrix = signal_matrix([COLUMN, REPORT], ["en", "en"], np.vstack([persuasion, np.zeros_like(persuasion)]))
    assert matrix.shape == (2, len(SIGNALS)) and np.array_equal(matrix[0], row)


def test_persuasion_cache_reads_each_text_once_and_resumes(tmp_path: Path) -> None:
    calls: list[list[str]] = []

    def read(texts: Sequence[str], languages: Sequence[str | None]) -> np.ndarray:
        calls.append(list(texts))
        return np.array([[0.25 if lang == "en" else 0.0] * len(PERSUASION_FEATURES) for lang in languages])

    path = tmp_path / "persuasion.jsonl"
    cache = PersuasionCache(path, "v1")
    found = cache.features(["abc", "xyz", "abc"], ["en", "fr", "en"], read, batch=1)
    assert calls == [["abc"], ["xyz"]], "a repeated text is read once"
    assert found.shape == (3, len(PERSUASION_FEATURES))
    assert (found[2] == 0.25).all() and not found[1].any()
    again = PersuasionCache(path, "v1")
    assert len(again) == 2
    assert np.array_equal(again.features(["abc", "xyz"], ["en", "fr"], read), found[:2])
    assert len(calls) == 2, "everything came from the file"
    PersuasionCache(path, "v2").features(["abc"], ["en"], read)
    assert len(calls) == 3, "another model version is another key"
    assert PersuasionCache(path, "v1").key("abc", "en") != PersuasionCache(path, "v1").key("abc", "fr")
    path.write_text(json.dumps({"key": "k", "features": [0.0, 1.0]}) + "\n", encoding="utf-8")
    assert len(PersuasionCache(path, "v1")) == 0, "a line of another feature set is not used"
    path.write_text(json.dumps({"features": []}) + "\n", encoding="utf-8")
    with pytest.raises(StorageError, match="persuasion-feature cache"):
        PersuasionCache(path, "v1")


def test_a_rant_in_capitals_has_the_style_signals_of_the_same_text_in_ordinary_case() -> None:
    """Its capitals share near 1, never seen in training, had made the genre head call every rant satire."""
    from propwatch.framing.signals import signal_matrix
    from propwatch.models.casing import recased

    shouted = "\n".join(
        [
            "THE US AND NATO REFUSED TO DISCUSS THE KEY ISSUES WITH RUSSIA.",
            "THEY WANT WAR, NOT PEACE IN EUROPE.",
        ]
    )
    ordinary = recased(shouted)
    assert ordinary != shouted
    np.testing.assert_array_equal(
        signal_matrix([shouted], ["en"], None), signal_matrix([ordinary], ["en"], None)
    )
