from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest

from propwatch.analyzers.base import Analyzer
from propwatch.domain import Analysis, Annotations, Article, Span
from propwatch.errors import AnalyzerError
from propwatch.pipeline import Pipeline, batched
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
