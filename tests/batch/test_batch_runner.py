"""Batch runs on a real local Dask cluster (2 worker processes): tables, resumption, the database, CLI.

One cluster serves the whole module; the test plugin's analyzers ('keywords', 'keyword-count') run
on the workers, which find them through sys.path, inherited from this process.
"""

from __future__ import annotations

import importlib
import json
import sys
from collections.abc import Iterator
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import typer
from batch_corpus import records, republished, story, write_jsonl
from distributed import Client, LocalCluster
from typer.testing import CliRunner

PLUGIN = Path(__file__).resolve().parents[1] / "fixtures" / "plugin"


@pytest.fixture(scope="module", autouse=True)
def _plugin_on_path() -> Iterator[None]:
    """Before the workers start: they inherit sys.path; taken off again so other modules see no plugin."""
    sys.path.insert(0, str(PLUGIN))
    importlib.invalidate_caches()
    yield
    sys.path.remove(str(PLUGIN))
    importlib.invalidate_caches()


from propwatch.batch.output import read_table  # noqa: E402
from propwatch.batch.runner import BatchProgress, run_batch  # noqa: E402
from propwatch.batch.worker import pipeline_builds  # noqa: E402
from propwatch.cli import _global  # noqa: E402
from propwatch.cli.batch import register  # noqa: E402
from propwatch.republication import index_missing, republications_of  # noqa: E402
from propwatch.settings import Settings  # noqa: E402
from propwatch.storage import ArticleStore  # noqa: E402

TABLES = ("articles", "spans", "labels", "failures", "copies", "clusters")
N_STORIES = 30


@pytest.fixture(scope="module")
def client() -> Iterator[Client]:
    with (
        LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            memory_limit="700MiB",
            dashboard_address=":0",
        ) as cluster,
        Client(cluster) as opened,
    ):
        yield opened


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_jsonl(tmp_path_factory.mktemp("corpus") / "corpus.jsonl", records(N_STORIES))


def make_settings(tmp_path: Path, **overrides: object) -> Settings:
    fields: dict[str, object] = {
        "data_dir": tmp_path / "data",
        "analyzers": ("keywords", "keyword-count"),
        "batch_partition_size": 4,
        "detect_language": False,
    }
    return Settings(**{**fields, **overrides})


def tables_of(out: Path) -> dict[str, pa.Table]:
    return {name: read_table(out, name) for name in TABLES}


class Interrupted(Exception):
    pass


def test_batch_writes_every_table(client: Client, corpus: Path, tmp_path: Path) -> None:
    settings = make_settings(tmp_path)
    before = dict(client.run(pipeline_builds))
    summary = run_batch(
        [str(corpus), str(tmp_path / "missing.jsonl")], tmp_path / "out", settings, client=client
    )
    assert summary.complete
    assert summary.progress.partitions_written >= 8  # many partitions, spread over both workers
    # Models are loaded once per worker process, not once per partition or article.
    after = dict(client.run(pipeline_builds))
    assert sorted(after) == sorted(before) and len(after) == 2
    assert all(after[worker] - before[worker] == 1 for worker in after)

    tables = tables_of(tmp_path / "out")
    articles = tables["articles"]
    # 30 stories + 2 edited republications; the verbatim copies are not analysed twice.
    assert articles.num_rows == N_STORIES + 2
    assert len(set(articles["id"].to_pylist())) == articles.num_rows
    assert set(articles["model_version"].to_pylist()) == {"keyword-count=2.0;keywords=1.0"}
    assert all(url.startswith("https://") for url in articles["url"].to_pylist())
    spans = tables["spans"]
    assert spans.num_rows >= N_STORIES and set(spans["analyzer"].to_pylist()) == {"keywords"}
    assert all(text in ("NATO", "Russia", "security", "de-escalation") for text in spans["text"].to_pylist())
    labels = tables["labels"]
    assert labels.num_rows == articles.num_rows and set(labels["name"].to_pylist()) == {"keyword-count"}
    failures = tables["failures"].to_pylist()
    assert [row["input"].rsplit(" ", 2)[-2:] for row in failures if "corpus.jsonl" in row["input"]] == [
        ["line", "18"]
    ]
    assert any("missing.jsonl" in row["input"] and "no such file" in row["reason"] for row in failures)
    copies = tables["copies"].to_pylist()
    # story 2 listed twice at its own address is one place, as in the store: no copy of itself
    assert {row["url"] for row in copies} == {"https://copycat.example/1"}

    clusters = tables["clusters"].to_pylist()
    by_cluster: dict[str, list[dict[str, object]]] = {}
    for row in clusters:
        by_cluster.setdefault(str(row["cluster_id"]), []).append(row)
    assert sorted(len(rows) for rows in by_cluster.values()) == [2, 3]
    edited = next(rows for rows in by_cluster.values() if len(rows) == 3)
    assert [row["outlet"] for row in edited] == ["Outlet 0", "Mirror", "Echo"]
    assert [row["is_origin"] for row in edited] == [True, False, False]
    assert edited[0]["url"] == "https://outlet0.example/news/0"
    verbatim = next(rows for rows in by_cluster.values() if len(rows) == 2)
    assert {row["outlet"] for row in verbatim} == {"Outlet 1", "Copycat"}
    # Each article row names its cluster; articles that were not republished have none.
    cluster_of = dict(zip(articles["id"].to_pylist(), articles["cluster_id"].to_pylist(), strict=True))
    assert sum(1 for value in cluster_of.values() if value) == 3 + 1
    assert {cluster_of[str(row["article_id"])] for row in clusters} == set(by_cluster)
    assert not (tmp_path / "out" / "claims").exists()  # no claims analyzer installed
    summary_file = json.loads((tmp_path / "out" / "summary.json").read_text())
    assert summary_file["articles"] == N_STORIES + 2 and summary_file["clusters"] == 2


def test_killed_run_resumes_and_matches_an_uninterrupted_one(
    client: Client, corpus: Path, tmp_path: Path
) -> None:
    settings = make_settings(tmp_path)
    whole = run_batch([str(corpus)], tmp_path / "whole", settings, client=client)
    assert whole.complete

    def interrupt_after_three(progress: BatchProgress) -> None:
        if progress.partitions_written == 3:
            raise Interrupted

    out = tmp_path / "resumed"
    with pytest.raises(Interrupted):
        run_batch([str(corpus)], out, settings, client=client, on_progress=interrupt_after_three)
    parts = sorted(path.name for path in (out / "parts").iterdir())
    assert len(parts) == 3
    # A kill while a partition was being written leaves a temporary folder: it is cleaned up.
    leftover = out / "parts" / ".tmp-part-0000000000000000-1"
    leftover.mkdir()
    (leftover / "articles.parquet").write_bytes(b"half a file")
    done_articles = sum(pq.read_table(out / "parts" / name / "articles.parquet").num_rows for name in parts)

    resumed = run_batch([str(corpus)], out, settings, client=client)
    assert resumed.complete and not leftover.exists()
    assert resumed.progress.already_done == done_articles
    assert resumed.progress.analysed == N_STORIES + 2 - done_articles
    assert tables_of(out) == tables_of(tmp_path / "whole")

    # A third run analyses nothing again and changes nothing; only the broken JSON line, a failure, is
    # read again (a fixed input would be analysed) and listed once.
    again = run_batch([str(corpus)], out, settings, client=client)
    assert again.progress.partitions_submitted == 1 and again.progress.analysed == 0
    assert again.progress.already_done == N_STORIES + 2
    assert tables_of(out) == tables_of(tmp_path / "whole")


def test_batch_stores_analyses_and_signatures(client: Client, tmp_path: Path) -> None:
    rows = [{"text": story(seed), "url": f"https://a.example/{seed}", "outlet": "A"} for seed in range(6)]
    rows.append({"text": republished(story(3), "b.example"), "url": "https://b.example/3", "outlet": "B"})
    source = write_jsonl(tmp_path / "small.jsonl", rows, broken_line=False)
    settings = make_settings(tmp_path, db=f"sqlite:///{tmp_path / 'store.db'}")
    with ArticleStore.from_settings(settings) as store:
        run_batch([str(source)], tmp_path / "out", settings, client=client, store=store)
        assert store.count_articles() == 7
        assert index_missing(store, settings) == 0  # the batch saved every signature
        analysis = store.get_analysis(read_table(tmp_path / "out", "articles")["id"][0].as_py())
        assert analysis.model_version == "keyword-count=2.0;keywords=1.0"
        copy_id = (
            read_table(tmp_path / "out", "articles")
            .filter(pa.compute.equal(read_table(tmp_path / "out", "articles")["outlet"], "B"))["id"][0]
            .as_py()
        )
        found = republications_of(copy_id, store, settings)
        assert found is not None and [copy.outlet for copy in found.copies] == ["A", "B"]
        # Running into a fresh folder again stores nothing twice.
        run_batch([str(source)], tmp_path / "out2", settings, client=client, store=store)
        assert store.count_articles() == 7
        # A text deleted with --block is analysed into the tables but not stored again; the run goes on.
        taken_down = analysis.article.id
        store.delete_articles([taken_down], block=True)
        summary = run_batch([str(source)], tmp_path / "out3", settings, client=client, store=store)
        assert summary.complete and summary.progress.blocked == 1
        assert store.count_articles() == 6 and taken_down not in {a.id for a in store.list_articles(limit=50)}


def test_batch_command_on_an_existing_scheduler(client: Client, corpus: Path, tmp_path: Path) -> None:
    app = typer.Typer()
    app.callback()(_global)
    register(app)
    scheduler = client.scheduler.address
    arguments = ["--data-dir", str(tmp_path / "data"), "batch", str(corpus), "--out", str(tmp_path / "out")]
    arguments += ["--scheduler", scheduler, "-a", "keywords", "-a", "keyword-count", "--partition-size", "8"]
    result = CliRunner().invoke(app, arguments)
    # The corpus's broken JSON line is named, and makes the exit status 2 as in every other command.
    assert result.exit_code == 2, result.output
    assert "Failed inputs:" in result.output and "is not valid JSON" in result.output
    assert "Dask dashboard: http" in result.output
    assert f"{N_STORIES + 2} articles" in result.output
    assert "Republished texts" in result.output
    assert "Mirror" in result.output and "Copycat (undated)" in result.output
    assert read_table(tmp_path / "out", "articles").num_rows == N_STORIES + 2
    # An unknown analyzer is refused before any work.
    bad = CliRunner().invoke(app, [*arguments[:6], "--scheduler", scheduler, "-a", "nonexistent"])
    assert bad.exit_code != 0 and "nonexistent" in str(bad.exception)


def test_a_copied_file_is_listed_and_an_output_inside_the_input_is_refused(
    client: Client, tmp_path: Path
) -> None:
    from propwatch.errors import ConfigurationError

    folder = tmp_path / "crawl"
    folder.mkdir()
    (folder / "a.txt").write_text(story(1), encoding="utf-8")
    (folder / "b.txt").write_text(story(2), encoding="utf-8")
    (folder / "zz_copy_of_a.txt").write_text(story(1), encoding="utf-8")  # no URL, no outlet
    settings = make_settings(tmp_path)
    summary = run_batch([str(folder)], tmp_path / "out", settings, client=client)
    assert summary.progress.read == 3 and summary.progress.copies == 1
    copies = read_table(tmp_path / "out", "copies").to_pylist()
    assert [Path(row["origin"]).name for row in copies] == ["zz_copy_of_a.txt"]
    with pytest.raises(ConfigurationError, match="inside the input folder"):
        run_batch([str(folder)], folder / "results", settings, client=client)
    assert not (folder / "results").exists()


def test_a_copy_added_before_the_original_is_listed_on_a_rerun(client: Client, tmp_path: Path) -> None:
    """A new copy whose name sorts first had been taken for the text analysed before, and the original's
    own file then listed as a copy of itself: the new copy was nowhere in the tables."""
    folder = tmp_path / "crawl"
    folder.mkdir()
    (folder / "page2.txt").write_text(story(1), encoding="utf-8")
    (folder / "page3.txt").write_text(story(2), encoding="utf-8")
    settings = make_settings(tmp_path)
    run_batch([str(folder)], tmp_path / "out", settings, client=client)
    (folder / "aaa-copy-of-page2.txt").write_text(story(1), encoding="utf-8")
    again = run_batch([str(folder)], tmp_path / "out", settings, client=client)
    assert again.progress.copies == 1 and again.progress.already_done == 2
    copies = read_table(tmp_path / "out", "copies").to_pylist()
    assert [Path(row["origin"]).name for row in copies] == ["aaa-copy-of-page2.txt"]
    articles = read_table(tmp_path / "out", "articles").to_pylist()
    assert sorted(Path(row["origin"]).name for row in articles) == ["page2.txt", "page3.txt"]
    third = run_batch([str(folder)], tmp_path / "out", settings, client=client)  # nothing new
    assert third.progress.copies == 0 and third.progress.already_done == 2
    assert len(read_table(tmp_path / "out", "copies")) == 1


def test_a_rerun_with_other_analyzers_is_refused_not_called_done(client: Client, tmp_path: Path) -> None:
    from propwatch.errors import ConfigurationError

    source = write_jsonl(tmp_path / "few.jsonl", records(3))
    run_batch(
        [str(source)], tmp_path / "out", make_settings(tmp_path, analyzers=("keywords",)), client=client
    )
    with pytest.raises(ConfigurationError, match=r"holds a run with keywords 1\.0 .*this run asks for"):
        run_batch([str(source)], tmp_path / "out", make_settings(tmp_path), client=client)
    again = run_batch(
        [str(source)], tmp_path / "out", make_settings(tmp_path, analyzers=("keywords",)), client=client
    )
    assert again.progress.analysed == 0 and again.progress.already_done > 0  # only resumed


def test_batch_gives_the_default_outlet_to_articles_that_name_none(client: Client, tmp_path: Path) -> None:
    folder = tmp_path / "site"
    folder.mkdir()
    (folder / "a.txt").write_text(story(11), encoding="utf-8")
    run_batch([str(folder)], tmp_path / "out", make_settings(tmp_path), client=client, outlet="Example Daily")
    assert read_table(tmp_path / "out", "articles")["outlet"].to_pylist() == ["Example Daily"]


def test_a_rerun_retries_what_failed_and_forgets_what_it_overcame(client: Client, tmp_path: Path) -> None:
    folder = tmp_path / "crawl"
    folder.mkdir()
    (folder / "a.txt").write_text(story(21), encoding="utf-8")
    (folder / "b.txt").write_bytes(b"")  # empty: fails
    (folder / "c.txt").symlink_to(tmp_path / "gone.txt")  # a link to nothing: named, not skipped
    settings = make_settings(tmp_path)
    first = run_batch([str(folder)], tmp_path / "out", settings, client=client)
    failures = {
        Path(row["input"]).name: row["reason"] for row in read_table(tmp_path / "out", "failures").to_pylist()
    }
    assert set(failures) == {"b.txt", "c.txt"} and "does not exist" in failures["c.txt"]
    assert first.finished.failures == 2
    (folder / "b.txt").write_text(story(22), encoding="utf-8")  # fixed
    second = run_batch([str(folder)], tmp_path / "out", settings, client=client)
    assert second.progress.analysed == 1 and second.progress.already_done == 1
    assert [Path(row["input"]).name for row in read_table(tmp_path / "out", "failures").to_pylist()] == [
        "c.txt"
    ]
    assert second.finished.failures == 1 and second.finished.articles == 2
    assert sorted(Path(o).name for o in read_table(tmp_path / "out", "articles")["origin"].to_pylist()) == [
        "a.txt",
        "b.txt",
    ]
    # The same failure again is listed once.
    third = run_batch([str(folder)], tmp_path / "out", settings, client=client)
    assert third.finished.failures == 1


def test_a_folder_made_without_storing_is_not_taken_for_stored(client: Client, tmp_path: Path) -> None:
    from propwatch.errors import ConfigurationError

    source = write_jsonl(tmp_path / "few.jsonl", records(3))
    settings = make_settings(tmp_path, db=f"sqlite:///{tmp_path / 'store.db'}")
    run_batch([str(source)], tmp_path / "out", settings, client=client)
    with ArticleStore.from_settings(settings) as store, pytest.raises(ConfigurationError, match="not stored"):
        run_batch([str(source)], tmp_path / "out", settings, client=client, store=store)


def test_a_batch_of_nothing_there_is_refused_before_any_work(client: Client, tmp_path: Path) -> None:
    from propwatch.errors import InputNotFoundError

    with pytest.raises(InputNotFoundError, match="no such file or folder"):
        run_batch([str(tmp_path / "crawl")], tmp_path / "out", make_settings(tmp_path), client=client)
    assert not (tmp_path / "out").exists()
