"""A batch worker's partition: an article that breaks an analyzer fails alone, as it does outside a batch."""

from __future__ import annotations

from pathlib import Path

import pytest

from propwatch.batch.worker import Partition, analyse_partition
from propwatch.domain import Article
from propwatch.settings import Settings

FAULTY = Path(__file__).resolve().parents[1] / "fixtures" / "faulty_plugins"


def test_only_the_article_that_breaks_an_analyzer_fails(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.syspath_prepend(str(FAULTY))
    settings = Settings(data_dir=tmp_path, analyzers=("fails-on-nato",), batch_size=8, detect_language=False)
    articles = tuple(
        Article(text=text, origin=name)
        for name, text in [("a.txt", "Calm."), ("b.txt", "NATO."), ("c.txt", "Quiet.")]
    )
    result = analyse_partition(Partition(articles=articles), settings, keep_analyses=True)
    assert (result.n_analysed, result.n_failed) == (2, 1)
    assert [a.article.origin for a in result.analyses] == ["a.txt", "c.txt"]
    (failure,) = result.tables["failures"].to_pylist()
    assert (
        failure["input"] == "b.txt"
        and "analyzer 'fails-on-nato': failed (KeyError: 'boom')" in failure["reason"]
    )
