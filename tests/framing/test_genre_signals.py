"""Article signals of the genre head: style features, technique density, the span cache."""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest

from propwatch.errors import StorageError
from propwatch.framing.persuasion import CATEGORIES, PERSUASION_FEATURES, persuasion_features
from propwatch.framing.signals import SIGNALS, SpanCache, article_signals, signal_matrix
from propwatch.framing.style import STYLE_FEATURES, style_features


@dataclass(frozen=True)
class FakeSpan:
    start: int
    end: int
    label: str
    score: float | None = 0.5


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


def test_persuasion_features_from_spans() -> None:
    text = "one two three four five six seven eight nine ten"
    spans = [
        FakeSpan(0, 7, "Loaded_Language", 0.8),
        FakeSpan(4, 13, "Name_Calling-Labeling", 0.4),  # overlaps the first: characters count once
        FakeSpan(0, 3, "Not_A_Technique"),  # another analyzer's label: ignored
    ]
    values = dict(zip(PERSUASION_FEATURES, persuasion_features(text, spans), strict=True))
    assert values["covered_share"] == pytest.approx(13 / len(text))
    assert values["log_spans_per_1000_words"] == pytest.approx(math.log1p(200.0))
    assert values["mean_span_score"] == pytest.approx(0.6)
    assert values["log_manipulative_wording_per_1000_words"] == pytest.approx(math.log1p(100.0))
    assert values["log_attack_on_reputation_per_1000_words"] == pytest.approx(math.log1p(100.0))
    assert values["log_call_per_1000_words"] == 0.0
    assert len(CATEGORIES) == 6
    assert not persuasion_features(text, []).any()


def test_signals_are_style_then_persuasion() -> None:
    assert SIGNALS[: len(STYLE_FEATURES)] == tuple(f"style:{n}" for n in STYLE_FEATURES)
    assert len(SIGNALS) == len(STYLE_FEATURES) + len(PERSUASION_FEATURES)
    spans = [FakeSpan(0, 8, "Doubt")]
    row = article_signals(COLUMN, "en", spans)
    assert np.array_equal(row[: len(STYLE_FEATURES)], style_features(COLUMN, "en"))
    matrix = signal_matrix([COLUMN, REPORT], ["en", "en"], [spans, []])
    assert matrix.shape == (2, len(SIGNALS)) and np.array_equal(matrix[0], row)


def test_span_cache_reads_each_text_once_and_resumes(tmp_path: Path) -> None:
    calls: list[list[str]] = []

    def read(texts: Sequence[str], languages: Sequence[str | None]) -> list[list[FakeSpan]]:
        calls.append(list(texts))
        return [[FakeSpan(0, 3, "Doubt", 0.25)] if lang == "en" else [] for lang in languages]

    path = tmp_path / "spans.jsonl"
    cache = SpanCache(path, "v1")
    found = cache.spans(["abc", "xyz", "abc"], ["en", "fr", "en"], read, batch=1)
    assert calls == [["abc"], ["xyz"]], "a repeated text is read once"
    assert [(s.label, s.start, s.end, s.score) for s in found[2]] == [("Doubt", 0, 3, 0.25)]
    assert found[1] == []
    again = SpanCache(path, "v1")
    assert len(again) == 2
    again.spans(["abc", "xyz"], ["en", "fr"], read)
    assert len(calls) == 2, "everything came from the file"
    SpanCache(path, "v2").spans(["abc"], ["en"], read)
    assert len(calls) == 3, "another model version is another key"
    assert SpanCache(path, "v1").key("abc", "en") != SpanCache(path, "v1").key("abc", "fr")
    path.write_text(json.dumps({"spans": []}) + "\n", encoding="utf-8")
    with pytest.raises(StorageError, match="technique-span cache"):
        SpanCache(path, "v1")
