"""Finished tables without a cluster: the claims and narratives analyzers' own tables."""

from __future__ import annotations

from pathlib import Path

import pytest

from propwatch.batch import tables
from propwatch.batch.output import BatchOutput, read_table
from propwatch.batch.worker import Partition, PartitionResult
from propwatch.domain import Analysis, Article, Failure, Label, Span
from propwatch.republication.minhash import SignatureParams, signature_to_bytes, text_signature
from propwatch.settings import Settings

PARAMS = SignatureParams.from_settings(Settings(data_dir=Path("/nonexistent")))


def analysed(text: str) -> Analysis:
    article = Article(text=text, url="https://a.example/1", outlet="A")
    return Analysis(
        article=article,
        spans=(
            Span(start=0, end=11, label="claim", score=0.8, analyzer="claims"),
            Span(start=12, end=20, label="Loaded_Language", score=0.6, analyzer="techniques"),
            Span(start=0, end=5, label="narrative:west-aggression", score=0.7, analyzer="narratives"),
        ),
        labels=(
            Label(name="narrative", value="west-aggression", score=0.7, analyzer="narratives"),
            Label(name="genre", value="opinion", analyzer="genre"),
            # A plugin whose names mention claims and narratives: not the claims or narratives table.
            Label(name="has-disclaimer", value="no", analyzer="disclaimer"),
            Label(name="counter-narrative", value="none", analyzer="claim-links"),
        ),
        analyzers={
            "claims": "1",
            "techniques": "1",
            "narratives": "1",
            "genre": "1",
            "disclaimer": "1",
            "claim-links": "1",
        },
    )


def result_of(analysis: Analysis, failure: Failure) -> PartitionResult:
    partition = Partition(articles=(analysis.article,), failures=(failure,))
    signature = signature_to_bytes(text_signature(analysis.article.text, PARAMS))
    return PartitionResult(
        name=partition.name,
        keys=partition.keys,
        tables={
            "articles": tables.article_rows([analysis], []),
            "spans": tables.span_rows([analysis]),
            "labels": tables.label_rows([analysis]),
            "failures": tables.failure_rows([(failure, None)]),
            "copies": tables.copy_rows([]),
            "signatures": tables.signature_rows([(analysis.article.id, PARAMS.key, signature)]),
        },
        n_analysed=1,
        n_failed=1,
    )


def test_claims_and_narratives_tables(tmp_path: Path) -> None:
    analysis = analysed("The war was started by the West, they said.")
    output = BatchOutput(tmp_path)
    output.prepare()
    result = result_of(analysis, Failure(input="x.jsonl line 3", reason="bad"))
    written = output.write_partition(result)
    assert written.name == result.name and (written / "manifest.json").is_file()
    assert output.done_keys() == set(result.keys)
    assert analysis.article.content_hash in result.keys and len(result.keys) == 3  # its place has a key too
    finished = output.finish(PARAMS)
    assert finished.derived == {"claims": 1, "narratives": 2}
    claims = read_table(tmp_path, "claims").to_pylist()
    assert claims == [
        {
            "article_id": analysis.article.id,
            "source": "span",
            "analyzer": "claims",
            "name": "claim",
            "value": "The war was",
            "start": 0,
            "end": 11,
            "score": 0.8,
        }
    ]
    narratives = read_table(tmp_path, "narratives").to_pylist()
    assert [(row["source"], row["name"], row["value"]) for row in narratives] == [
        ("label", "narrative", "west-aggression"),
        ("span", "narrative:west-aggression", "The w"),
    ]
    articles = read_table(tmp_path, "articles").to_pylist()
    assert articles[0]["cluster_id"] is None and articles[0]["n_spans"] == 3
    assert (
        articles[0]["model_version"]
        == "claim-links=1;claims=1;disclaimer=1;genre=1;narratives=1;techniques=1"
    )
    assert read_table(tmp_path, "failures").to_pylist() == [
        {"input": "x.jsonl line 3", "reason": "bad", "article_id": None}
    ]
    assert read_table(tmp_path, "clusters").num_rows == 0


def test_a_full_disk_leaves_no_half_partition_and_says_where(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A full disk had ended a batch run with a pyarrow traceback and a leftover .tmp-part folder."""
    import errno

    import propwatch.batch.output as output_module
    from propwatch.errors import ConfigurationError

    output = BatchOutput(tmp_path)
    output.prepare()

    def full(*args: object, **kwargs: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(output_module.pq, "write_table", full)
    analysis = analysed("The war was started by the West, they said.")
    with pytest.raises(ConfigurationError, match="cannot write a partition: No space left on device"):
        output.write_partition(result_of(analysis, Failure(input="x.jsonl line 3", reason="bad")))
    assert list(output.parts.iterdir()) == [] and output.done_keys() == set()
