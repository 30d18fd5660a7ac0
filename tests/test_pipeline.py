from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from propwatch.analyzers.base import Analyzer
from propwatch.domain import Analysis, Annotations, Article, Label, Span
from propwatch.errors import AnalyzerError, ConfigurationError, InputTooLargeError
from propwatch.pipeline import Pipeline, batched
from propwatch.service import analyze_sources
from propwatch.settings import Settings

PLUGIN_DIR = Path(__file__).parent / "fixtures" / "plugin"


def test_batched_keeps_order_and_remainder() -> None:
    assert list(batched(range(7), 3)) == [[0, 1, 2], [3, 4, 5], [6]]


def test_pipeline_from_settings_runs_plugins_in_order(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.syspath_prepend(str(PLUGIN_DIR))
    settings = Settings(data_dir=tmp_path, analyzers=("keyword-count", "keywords"), batch_size=2)
    pipeline = Pipeline.from_settings(settings)
    articles = [Article(text=f"NATO and Russia talk about security, round {n}.") for n in range(5)]
    results = pipeline.run(articles)
    assert [r.article for r in results] == articles
    assert pipeline.versions == {"keywords": "1.0", "keyword-count": "2.0"}
    for result in results:
        assert [s.text_of(result.article) for s in result.spans] == ["NATO", "Russia", "security"]
        assert [(label.name, label.value) for label in result.labels] == [("keyword-count", "3")]
        assert result.model_version == "keyword-count=2.0;keywords=1.0"


class _Short(Analyzer):
    name = "short"
    version = "0"

    def analyze(self, batch: Sequence[Analysis]) -> list[Annotations]:
        return [Annotations()][: len(batch) - 1]


class _OutOfBounds(Analyzer):
    name = "oob"
    version = "0"

    def analyze(self, batch: Sequence[Analysis]) -> list[Annotations]:
        return [Annotations(spans=(Span(start=0, end=10_000, label="x", analyzer=self.name),)) for _ in batch]


@pytest.mark.parametrize(
    ("cls", "message"), [(_Short, "returned 0 results"), (_OutOfBounds, "past the text")]
)
def test_contract_violations_name_the_analyzer(cls: type[Analyzer], message: str, tmp_path: Path) -> None:
    pipeline = Pipeline([cls(Settings(data_dir=tmp_path))])
    with pytest.raises(AnalyzerError, match=message) as info:
        pipeline.run([Article(text="Some text.")])
    assert cls.name in str(info.value)


SAMPLE = Path(__file__).resolve().parent.parent / "examples" / "rossa-primavera-2022-02-03-opinion.txt"


def _findings(
    analysis: Analysis,
) -> tuple[list[tuple[str, int, int, str, float]], list[tuple[str, str, float]]]:
    spans = [(s.analyzer, s.start, s.end, s.label, s.score or 0.0) for s in analysis.spans]
    labels = [(label.name, label.value, label.score or 0.0) for label in analysis.labels]
    return spans, labels


def test_builtin_analyzers_give_an_article_the_same_result_alone_and_in_a_batch(tmp_path: Path) -> None:
    # The analyzer contract: batching is for speed only (int8 graphs must not mix articles in a call).
    from propwatch.ingest.plaintext import parse_plain_text

    settings = Settings(data_dir=tmp_path)
    sample = parse_plain_text(SAMPLE.read_text(encoding="utf-8"), settings)
    other = Article(text="\n\n".join(reversed(sample.text.split("\n\n"))), language="en")
    pipeline = Pipeline.from_settings(settings)
    assert len(pipeline.versions) >= 6, "every built-in analyzer takes part"
    a_spans, a_labels = _findings(pipeline.run([sample])[0])
    b_spans, b_labels = _findings(pipeline.run([other, sample, other])[1])
    assert a_spans and a_labels
    assert [s[:4] for s in a_spans] == [s[:4] for s in b_spans]
    assert [label[:2] for label in a_labels] == [label[:2] for label in b_labels]
    # float32 BLAS may round differently with another batch shape; int8 calls never mix articles.
    assert np.allclose([s[4] for s in a_spans], [s[4] for s in b_spans], atol=1e-5)
    assert np.allclose([label[2] for label in a_labels], [label[2] for label in b_labels], atol=1e-5)


FAULTY_DIR = Path(__file__).parent / "fixtures" / "faulty_plugins"


def test_a_plugin_that_cannot_start_is_named_in_one_line(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.syspath_prepend(str(FAULTY_DIR))
    with pytest.raises(AnalyzerError) as info:
        Pipeline.from_settings(Settings(data_dir=tmp_path, analyzers=("cannot-start",)))
    assert info.value.input_name == "analyzer 'cannot-start'"
    assert info.value.reason.startswith("cannot start (FileNotFoundError: lexicon.txt)")


def test_findings_credited_to_another_name_are_refused(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.syspath_prepend(str(FAULTY_DIR))
    pipeline = Pipeline.from_settings(Settings(data_dir=tmp_path, analyzers=("miscredited",)))
    with pytest.raises(AnalyzerError, match="made a label credited to 'miscreditd'"):
        pipeline.run([Article(text="Some text.")])


def test_a_span_past_the_text_is_reported_in_one_line(tmp_path: Path) -> None:
    with pytest.raises(AnalyzerError) as info:
        Pipeline([_OutOfBounds(Settings(data_dir=tmp_path))]).run([Article(text="Some text.")])
    assert info.value.reason == "made an invalid span: span 0-10000 ends past the text (10 characters)"


def test_only_the_article_that_breaks_an_analyzer_fails(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.syspath_prepend(str(FAULTY_DIR))
    pipeline = Pipeline.from_settings(Settings(data_dir=tmp_path, analyzers=("fails-on-nato",), batch_size=8))
    texts = ["Calm news.", "NATO again.", "More calm news."]
    found = pipeline.run_each([Article(text=text) for text in texts])
    assert [isinstance(item, Analysis) for item in found] == [True, False, True]
    assert isinstance(found[1], AnalyzerError) and "KeyError" in found[1].reason


class _KeywordShare(Analyzer):
    """A script's own analyzer, not installed: needs the plugin's keyword spans."""

    name = "keyword-share"
    version = "1"
    requires = frozenset({"spans:keyword"})
    provides = frozenset({"labels:keyword-share"})

    def analyze(self, batch: Sequence[Analysis]) -> list[Annotations]:
        return [
            Annotations(
                labels=(
                    Label(
                        name="share",
                        value=str(len(a.spans) / len(a.article.text.split())),
                        analyzer=self.name,
                    ),
                )
            )
            for a in batch
        ]


class _NoVersion(_KeywordShare):
    name = "no-version"
    version = 1  # type: ignore[assignment]


class _NoName(_KeywordShare):
    name = None  # type: ignore[assignment]


class _TakesABuiltInName(_KeywordShare):
    name = "keywords"


def test_a_script_s_own_analyzer_runs_with_the_installed_ones_in_order(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # Pipeline([...]) ran whatever it was given in that order: an unmet need went unnoticed, and a
    # version that is not a string failed every article with "made an invalid span".
    monkeypatch.syspath_prepend(str(PLUGIN_DIR))
    settings = Settings(data_dir=tmp_path, analyzers=("keywords",))
    pipeline = Pipeline.from_settings(settings, extra=[_KeywordShare])
    assert [a.name for a in pipeline.analyzers] == ["keywords", "keyword-share"]
    (result,) = pipeline.run([Article(text="NATO and Russia talk.")])
    assert [label.value for label in result.labels] == ["0.5"]
    everything = Pipeline.from_settings(Settings(data_dir=tmp_path), extra=[_KeywordShare])
    assert "keyword-share" in [a.name for a in everything.analyzers]
    with pytest.raises(AnalyzerError, match="version must be a non-empty string"):
        Pipeline.from_settings(settings, extra=[_NoVersion])
    with pytest.raises(AnalyzerError, match="name of an installed analyzer"):
        Pipeline.from_settings(settings, extra=[_TakesABuiltInName])
    with pytest.raises(ConfigurationError, match="needs spans:keyword, which no analyzer before it"):
        Pipeline([_KeywordShare(settings)])
    with pytest.raises(ConfigurationError, match="version must be"):
        Pipeline([_NoVersion(settings)])
    with pytest.raises(ConfigurationError, match="name must be a non-empty string, not None"):
        Pipeline([_NoName(settings)])
    with pytest.raises(AnalyzerError, match="is listed twice in extra"):
        Pipeline.from_settings(settings, extra=[_KeywordShare, _KeywordShare])


def test_an_article_over_max_article_chars_fails_alone_without_being_analysed(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # A 2,000,000-character text took 209 s and 1.6 GB; a crawl's giant page held a worker that long.
    monkeypatch.syspath_prepend(str(PLUGIN_DIR))
    settings = Settings(data_dir=tmp_path, analyzers=("keywords",), max_article_chars=40)
    pipeline = Pipeline.from_settings(settings)
    short, long = Article(text="NATO talks."), Article(text="NATO " * 20)
    refused, done = pipeline.run_each([long, short])
    assert isinstance(refused, InputTooLargeError) and isinstance(done, Analysis)
    assert str(refused) == (
        "article text: is 100 characters long, over the 40-character cap (max_article_chars): not analysed"
    )
    assert [s.text_of(short) for s in done.spans] == ["NATO"]
    with pytest.raises(InputTooLargeError):
        pipeline.run([short, long])
    source = tmp_path / "long.txt"
    source.write_text("Title\n\n" + "NATO expands. " * 10, encoding="utf-8")
    (outcome,) = analyze_sources([str(source)], settings)
    assert outcome.failure is not None and outcome.failure.input == str(source)
    assert "over the 40-character cap (max_article_chars)" in outcome.failure.reason
