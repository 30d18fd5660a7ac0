"""The CLI end to end, as a user runs it: a subprocess, a real database, real files."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from article_findings_fixture import findings_analysis
from propwatch.domain import Analysis, Article, Label, Span
from propwatch.settings import Settings
from propwatch.storage import ArticleStore
from propwatch.storage.statistics import outlet_statistics
from workbench_fixture import seed

ROOT = Path(__file__).parent.parent
SAMPLE = ROOT / "examples" / "rossa-primavera-2022-02-03-opinion.txt"
PLUGIN_DIR = Path(__file__).parent / "fixtures" / "plugin"
_shared: dict[str, Path] = {}


@pytest.fixture(scope="module", autouse=True)
def _shared_data_dir(tmp_path_factory: pytest.TempPathFactory) -> None:
    # One data folder for the module, so model caches (tokenizer, embeddings) are built once.
    _shared["data"] = tmp_path_factory.mktemp("cli-data")


def run(
    tmp_path: Path, *args: str, stdin: bytes | None = None, plugin: bool = False
) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PROPWATCH_")}
    env.update(PROPWATCH_DATA_DIR=str(_shared["data"]), COLUMNS="200", NO_COLOR="1", TERM="dumb")
    if plugin:
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(PLUGIN_DIR), env.get("PYTHONPATH")]))
    return subprocess.run(
        [sys.executable, "-m", "propwatch", *args],
        input=stdin.decode() if stdin is not None else None,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )


def test_sample_report_has_the_exact_metadata(tmp_path: Path) -> None:
    result = run(tmp_path, "analyze", str(SAMPLE), "--no-store")
    assert result.returncode == 0, result.stderr
    report = result.stdout
    for expected in (
        "The US and NATO need such agreements that drive Russia into a corner",
        "2022-02-03",
        "Moscow",
        "opinion",
        "Rossa Primavera News Agency",
        "El Pais",
        "The US and NATO responses",
    ):
        assert expected in report
    assert "Leave a Reply" not in report
    assert "Source:" not in report


def test_sample_as_json(tmp_path: Path) -> None:
    result = run(tmp_path, "analyze", str(SAMPLE), "--no-store", "--format", "json")
    assert result.returncode == 0, result.stderr
    [record] = json.loads(result.stdout)
    article = record["article"]
    assert article["title"] == "The US and NATO need such agreements that drive Russia into a corner"
    assert article["genre_tag"] == "opinion"
    assert article["published"] == "2022-02-03"
    assert article["place"] == "Moscow"
    assert article["sources"] == ["Rossa Primavera News Agency"]
    assert "El Pais" in article["quoted_outlets"]
    assert article["text"].startswith(f"{article['title']}\n\nThe US and NATO responses")  # headline analysed
    assert article["language"] == "en"


def test_store_dedup_list_show_search_export(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'store.db'}"
    first = run(tmp_path, "--db", db, "analyze", str(SAMPLE))
    assert first.returncode == 0, first.stderr
    assert "1 stored" in first.stderr
    again = run(tmp_path, "--db", db, "ingest", str(SAMPLE))
    assert again.returncode == 0, again.stderr
    assert "already stored" in again.stdout

    listed = run(tmp_path, "--db", db, "list", "--format", "json")
    [row] = json.loads(listed.stdout)
    assert row["outlet"] is None or isinstance(row["outlet"], str)
    assert row["published"] == "2022-02-03"

    shown = run(tmp_path, "--db", db, "show", row["id"][:8])
    assert shown.returncode == 0, shown.stderr
    assert "drive Russia into a corner" in shown.stdout

    found = run(tmp_path, "--db", db, "search", "de-escalation", "--format", "json")
    assert [hit["id"] for hit in json.loads(found.stdout)] == [row["id"]]
    missing = run(tmp_path, "--db", db, "search", "photosynthesis", "--format", "json")
    assert json.loads(missing.stdout) == []
    # Filters on what the analysis found; targets by any alias.
    for options, expected in (
        (["--attacked", "USA"], [row["id"]]),
        (["--attacked", "НАТО", "--technique", "loaded_language"], [row["id"]]),
        (["--praised", "NATO"], []),
        (["--narrative", "west-provokes-russia-to-blame-it", "--genre", "opinion"], [row["id"]]),
    ):
        listed = run(tmp_path, "--db", db, "list", *options, "--format", "json")
        assert [r["id"] for r in json.loads(listed.stdout)] == expected, (options, listed.stderr)
    filtered = run(tmp_path, "--db", db, "search", "de-escalation", "--attacked", "Russia", "-f", "json")
    assert json.loads(filtered.stdout) == []
    unknown = run(tmp_path, "--db", db, "list", "--technique", "Propaganda")
    assert unknown.returncode == 2 and "unknown technique" in unknown.stderr
    # A mistyped narrative id listed nothing, as if no article repeated it.
    typo = run(tmp_path, "--db", db, "list", "--narrative", "west-provokes-russia")
    assert typo.returncode == 2 and "west-provokes-russia-to-blame-it" in typo.stderr, typo.stderr
    cased = run(tmp_path, "--db", db, "list", "--narrative", "West-Provokes-Russia-To-Blame-It", "-f", "json")
    assert [r["id"] for r in json.loads(cased.stdout)] == [row["id"]], cased.stderr

    out = tmp_path / "export.jsonl"
    exported = run(tmp_path, "--db", db, "export", "--format", "jsonl", "-o", str(out))
    assert exported.returncode == 0, exported.stderr
    [record] = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert record["article"]["id"] == row["id"]


def test_brackets_in_titles_outlets_and_queries_print_as_they_are(tmp_path: Path) -> None:
    # Rich read "[/]" as markup: `list` crashed for the whole store and "[update] Title" lost its tag.
    db = f"sqlite:///{tmp_path / 'store.db'}"
    record = {"title": "[update] Markup [b]x[/b] and [/] stray", "outlet": "Out[/]let", "text": "Body."}
    source = tmp_path / "m.jsonl"
    source.write_text(json.dumps(record) + "\n", encoding="utf-8")
    assert run(tmp_path, "--db", db, "ingest", str(source)).returncode == 0
    for command in (["list"], ["search", "markup"], ["outlets", "Out[/]let"], ["show", "[/]abcdef"]):
        result = run(tmp_path, "--db", db, *command)
        assert "Traceback" not in result.stderr and "MarkupError" not in result.stderr, command
        assert "[/]" in result.stdout + result.stderr, command
    assert "[update] Markup [b]x[/b]" in run(tmp_path, "--db", db, "list").stdout.replace("\n", " ")


def test_a_failed_export_leaves_the_earlier_file_as_it_was(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'store.db'}"
    source = tmp_path / "a.jsonl"
    source.write_text(json.dumps({"title": "One", "text": "Stored text."}) + "\n", encoding="utf-8")
    assert run(tmp_path, "--db", db, "ingest", str(source)).returncode == 0
    earlier = tmp_path / "keep.json"
    assert run(tmp_path, "--db", db, "export", "-f", "json", "-o", str(earlier)).returncode == 0
    kept = earlier.read_bytes()
    failed = run(tmp_path, "--db", db, "export", "--id", "deadbeefdead", "-f", "json", "-o", str(earlier))
    assert failed.returncode == 2 and "deadbeefdead" in failed.stderr
    assert earlier.read_bytes() == kept and sorted(p.name for p in tmp_path.glob("*keep*")) == ["keep.json"]
    to_stdout = run(tmp_path, "--db", db, "export", "--id", "deadbeefdead", "-f", "json")
    assert to_stdout.returncode == 2 and to_stdout.stdout == ""  # not a bare "["


def test_ctrl_c_reports_what_was_done_and_keeps_the_output_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from typer.testing import CliRunner

    import propwatch.cli as cli
    from propwatch.service import Outcome

    def interrupted(*args: object, **kwargs: object) -> Iterator[Outcome]:
        yield Outcome(analysis=Analysis(article=Article(text="One article.")))
        raise KeyboardInterrupt

    monkeypatch.setattr(cli, "analyze_sources", interrupted)
    report = tmp_path / "report.json"
    report.write_text("[]\n", encoding="utf-8")
    arguments = [
        "--data-dir",
        str(tmp_path),
        "analyze",
        "x.txt",
        "--no-store",
        "-f",
        "json",
        "-o",
        str(report),
    ]
    result = CliRunner().invoke(cli.app, arguments)
    assert result.exit_code == 130
    said = " ".join(result.output.split())  # the console wraps long lines
    assert "Interrupted after 1 article" in said and f"{report} was left as it was" in said
    assert report.read_text(encoding="utf-8") == "[]\n"


def test_ctrl_c_that_no_command_reports_is_said_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Ctrl-C in train, evaluate or list had ended the run with exit 130 and a blank line."""
    import propwatch.cli as cli
    import propwatch.storage.queries as queries
    from propwatch.service import Outcome

    def stopped(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    cli.ArticleStore.from_settings(Settings(data_dir=tmp_path)).close()
    monkeypatch.setattr(queries, "find_articles", stopped)
    monkeypatch.setattr(sys, "argv", ["propwatch", "--data-dir", str(tmp_path), "list"])
    with pytest.raises(SystemExit) as exited:
        cli.main()
    assert exited.value.code == 130
    assert capsys.readouterr().err.strip() == "Interrupted: the command stopped before it finished."

    def interrupted(*args: object, **kwargs: object) -> Iterator[Outcome]:
        yield Outcome(analysis=Analysis(article=Article(text="One article.")))
        raise KeyboardInterrupt

    monkeypatch.setattr(cli, "analyze_sources", interrupted)
    monkeypatch.setattr(sys, "argv", ["propwatch", "--data-dir", str(tmp_path), "analyze", "x.txt"])
    with pytest.raises(SystemExit) as exited:
        cli.main()
    said = capsys.readouterr().err
    assert exited.value.code == 130 and "Interrupted after 1 article" in said  # the command's own words
    assert "the command stopped" not in said


def test_ctrl_c_in_an_export_says_so_and_keeps_the_earlier_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Export had exited 130 with one blank line on stderr."""
    from typer.testing import CliRunner

    import propwatch.cli as cli
    from propwatch.storage.store import ArticleStore

    ArticleStore.open(f"sqlite:///{tmp_path / 'propwatch.db'}").close()

    def interrupted(*args: object, **kwargs: object) -> int:
        raise KeyboardInterrupt

    monkeypatch.setattr(cli, "write_export", interrupted)
    earlier = tmp_path / "export.jsonl"
    earlier.write_text("{}\n", encoding="utf-8")
    result = CliRunner().invoke(cli.app, ["--data-dir", str(tmp_path), "export", "-o", str(earlier)])
    assert result.exit_code == 130
    said = " ".join(result.output.split())
    assert "Interrupted after 0 articles" in said and f"{earlier} was left as it was" in said
    assert earlier.read_text(encoding="utf-8") == "{}\n"


def test_bad_single_input_is_one_clear_line(tmp_path: Path) -> None:
    binary = tmp_path / "picture.txt"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    result = run(tmp_path, "analyze", str(binary), "--no-store")
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and str(binary) in lines[0] and "error" in lines[0]


def test_debug_shows_the_traceback(tmp_path: Path) -> None:
    result = run(tmp_path, "--debug", "show", "0000000000000000")
    assert result.returncode == 2  # the same status as without --debug
    assert "Traceback" in result.stderr


def test_unknown_id_is_a_clear_error(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'store.db'}"
    ArticleStore.open(db).close()
    result = run(tmp_path, "--db", db, "show", "0000000000000000")
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "0000000000000000" in result.stderr


def test_batch_goes_on_and_lists_failures(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text(SAMPLE.read_text(encoding="utf-8"), encoding="utf-8")
    (folder / "b.txt").write_text(
        "Second article.\n\nIt says NATO is to blame for everything.\n", encoding="utf-8"
    )
    (folder / "empty.txt").write_text("   \n", encoding="utf-8")
    result = run(tmp_path, "analyze", str(folder), "--no-store", "--format", "jsonl", "-a", "techniques")
    assert result.returncode == 2
    assert len(result.stdout.splitlines()) == 2
    assert "2 articles analysed" in result.stderr and "1 failed" in result.stderr
    assert "empty.txt" in result.stderr.split("Failed inputs:")[1]


def test_stdin(tmp_path: Path) -> None:
    result = run(
        tmp_path,
        "analyze",
        "-",
        "--no-store",
        "--format",
        "json",
        "-a",
        "techniques",
        stdin=SAMPLE.read_bytes(),
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)[0]["article"]["place"] == "Moscow"


def test_loopback_url_is_refused(tmp_path: Path) -> None:
    result = run(tmp_path, "analyze", "http://127.0.0.1:9/article", "--no-store", "-a", "techniques")
    assert result.returncode == 2
    assert "127.0.0.1" in result.stderr and "Traceback" not in result.stderr


@pytest.mark.parametrize("fmt", ["text", "csv"])
def test_plugin_analyzers_run_and_are_reported(tmp_path: Path, fmt: str) -> None:
    chosen = ("-a", "keywords", "-a", "keyword-count")  # the built-ins run in the sample tests
    result = run(tmp_path, "analyze", str(SAMPLE), "--no-store", "--format", fmt, *chosen, plugin=True)
    assert result.returncode == 0, result.stderr
    if fmt == "text":
        assert "Actor" in result.stdout and "keyword-count" in result.stdout.lower()
    else:
        assert "Actor,0.9,keywords,NATO" in result.stdout.replace("\r\n", "\n")


def test_analyzers_command_lists_plugins_and_broken_ones(tmp_path: Path) -> None:
    result = run(tmp_path, "analyzers", plugin=True)
    assert result.returncode == 0
    assert "keywords" in result.stdout and "spans:keyword" in result.stdout
    assert "broken" in result.stderr


def test_unknown_analyzer_is_refused(tmp_path: Path) -> None:
    result = run(tmp_path, "analyze", str(SAMPLE), "--no-store", "--analyzer", "nope")
    assert result.returncode == 2
    assert "nope" in result.stderr and "not installed" in result.stderr


def test_show_lists_where_else_the_text_appeared(tmp_path: Path) -> None:
    body = (
        SAMPLE.read_text(encoding="utf-8").split("03.02.2022, Moscow.", 1)[1].split("Source:", 1)[0].strip()
    )
    records = [
        {
            "text": body,
            "url": "https://first.example/a",
            "source-hostname": "First Site",
            "date": "2022-02-03",
            "title": "The original headline",
        },
        {
            "text": body.replace("senseless", "pointless") + "\n\nSubscribe to our channel.",
            "url": "https://second.example/b",
            "source-hostname": "Second Site",
            "date": "2022-02-05",
        },
    ]
    corpus = tmp_path / "copies.jsonl"
    corpus.write_text("\n".join(json.dumps(r) for r in records) + "\n", encoding="utf-8")
    db = f"sqlite:///{tmp_path / 'copies.db'}"
    assert run(tmp_path, "--db", db, "ingest", str(corpus)).returncode == 0
    [_, copy] = json.loads(run(tmp_path, "--db", db, "list", "--format", "json").stdout)
    shown = run(tmp_path, "--db", db, "show", copy["id"])
    assert shown.returncode == 0, shown.stderr
    assert "This text also appeared 1 other time on 2 sites" in shown.stdout
    assert "First Site" in shown.stdout and "2022-02-03" in shown.stdout
    assert "The original headline" in shown.stdout  # a copy under another headline shows it
    as_json = json.loads(run(tmp_path, "--db", db, "show", copy["id"], "-f", "json").stdout)[0]
    [origin, again] = as_json["republications"]["copies"]  # the JSON report had no cluster at all
    assert as_json["republications"]["cluster_id"] == origin["article_id"] != again["article_id"]
    assert (origin["outlet"], origin["published"], again["url"]) == (
        "First Site",
        "2022-02-03",
        "https://second.example/b",
    )
    alone = run(tmp_path, "--db", db, "show", again["article_id"], "-f", "jsonl").stdout
    assert json.loads(alone)["republications"]["copies"][0]["title"] == "The original headline"


def test_outlets_csv_names_span_and_article_counts_apart(tmp_path: Path) -> None:
    # A narrative's evidence spans and the articles repeating it were both columns "narrative:<id>".
    db = f"sqlite:///{tmp_path / 'narr.db'}"
    narrative = "west-provokes-russia-to-blame-it"
    with ArticleStore.open(db) as store:
        for n in range(2):
            text = f"The West provokes Russia on purpose, report {n}. It then blames Moscow for everything."
            store.save_analysis(
                Analysis(
                    article=Article(text=text, outlet="Northern Post", language="en"),
                    spans=tuple(
                        Span(start=a, end=b, label=f"narrative:{narrative}", analyzer="narratives")
                        for a, b in ((0, 40), (42, 80))
                    ),
                    labels=(Label(name="narrative", value=narrative, analyzer="narratives"),),
                    analyzers={"narratives": "1"},
                )
            )
    result = run(tmp_path, "--db", db, "outlets", "--analyzer", "narratives", "-f", "csv")
    assert result.returncode == 0, result.stderr
    header = result.stdout.splitlines()[0].split(",")
    assert len(header) == len(set(header))
    (row,) = csv.DictReader(result.stdout.splitlines())
    assert (row[f"spans:narrative:{narrative}"], row[f"narrative:{narrative}"]) == ("4", "2")
    assert (row["narratives_checked"], row["targets_checked"]) == ("2", "0")


def test_outlets_compares_outlets_overall_and_over_time(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'outlets.db'}"
    with ArticleStore.open(db) as store:
        seed(store)
        findings = findings_analysis()  # NATO attacked, in an article of the Northern Post
        article = Article(
            text=findings.article.text,
            title="Demands",
            outlet="Northern Post",
            language="en",
            published=date(2024, 5, 2),
        )
        store.save_analysis(Analysis(article=article, spans=findings.spans, labels=findings.labels))
        expected = outlet_statistics(store, analyzer="techniques")
    table = run(tmp_path, "--db", db, "outlets")
    assert table.returncode == 0, table.stderr
    assert "3 outlets, techniques spans" in table.stdout
    assert "Attacks" in table.stdout and "NATO ×1" in table.stdout
    for name, tally in expected.items():
        assert name in table.stdout and f"{100 * tally.coverage:.1f}%" in table.stdout

    by_month = run(tmp_path, "--db", db, "outlets", "--by", "month", "-f", "csv")
    assert by_month.returncode == 0, by_month.stderr
    header = by_month.stdout.splitlines()[0].split(",")
    assert len(header) == len(set(header))  # narrative spans and narrative articles shared a name
    rows = list(csv.DictReader(by_month.stdout.splitlines()))
    assert {r["outlet"] for r in rows} == set(expected)
    for name, tally in expected.items():
        mine = [r for r in rows if r["outlet"] == name]
        assert [r["period"] for r in mine] == sorted(r["period"] for r in mine)
        assert sum(int(r["articles"]) for r in mine) == tally.articles
        labelled = sum(int(r["spans:Name_Calling-Labeling"]) for r in mine)
        assert labelled == tally.labels["Name_Calling-Labeling"]
        assert sum(int(r["covered"]) for r in mine) == tally.covered
        assert sum(int(r["attacked:NATO"]) for r in mine) == tally.attacked["NATO"]

    out = tmp_path / "o.json"
    chosen = run(
        tmp_path, "--db", db, "outlets", "Northern Post", "--by", "year", "-f", "json", "-o", f"{out}"
    )
    assert chosen.returncode == 0, chosen.stderr
    document = json.loads(out.read_text(encoding="utf-8"))
    assert document["analyzer"] == "techniques" and document["bucket"] == "year"
    [item] = document["outlets"]
    assert item["outlet"] == "Northern Post" and item["articles"] == 7 and item["attacked"] == {"NATO": 1}
    assert [p["period"] for p in item["periods"]] == ["2024"] and item["periods"][0]["spans"] == item["spans"]
    # The filters of `list`: outlets compared on the articles attacking NATO (named in Russian).
    on_nato = run(tmp_path, "--db", db, "outlets", "--attacked", "НАТО", "-f", "json")
    assert [(i["outlet"], i["articles"]) for i in json.loads(on_nato.stdout)["outlets"]] == [
        ("Northern Post", 1)
    ]
    nothing = run(tmp_path, "--db", db, "outlets", "--praised", "NATO")
    assert nothing.returncode == 0 and "No stored article with an outlet matches." in nothing.stderr

    unknown = run(tmp_path, "--db", db, "outlets", "Nobody")
    assert unknown.returncode != 0
    assert "outlet 'Nobody': no stored article is from this outlet" in unknown.stderr
    # A mistyped database path is named, not created empty; an empty store is no error.
    missing = run(tmp_path, "--db", f"sqlite:///{tmp_path / 'typo.db'}", "outlets")
    assert missing.returncode == 2 and "there is no database at" in missing.stderr
    assert not (tmp_path / "typo.db").exists()
    ArticleStore.open(f"sqlite:///{tmp_path / 'empty.db'}").close()
    empty = run(tmp_path, "--db", f"sqlite:///{tmp_path / 'empty.db'}", "outlets")
    assert empty.returncode == 0 and "No stored article names its outlet" in empty.stderr


def test_a_training_command_without_the_train_extra_says_how_to_get_it(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import propwatch.cli as cli

    def missing_torch() -> None:
        raise ModuleNotFoundError("No module named 'torch'", name="torch")

    monkeypatch.setattr(cli, "app", missing_torch)
    monkeypatch.setattr(sys, "argv", ["propwatch", "train", "techniques"])
    with pytest.raises(SystemExit) as exited:
        cli.main()
    assert exited.value.code != 0
    assert "needs the 'train' extra (torch is missing): pip install 'propwatch[train]'" in " ".join(
        capsys.readouterr().err.split()
    )

    def missing_other() -> None:
        raise ModuleNotFoundError("No module named 'yaml'", name="yaml")

    monkeypatch.setattr(cli, "app", missing_other)
    with pytest.raises(ModuleNotFoundError):  # a broken install is not the train extra's fault
        cli.main()


def test_a_training_command_checks_the_whole_train_extra_before_reading_a_corpus(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """scikit-learn missing had failed `train genre-frames` with a traceback after its embedding pass."""
    import importlib.util

    import propwatch.cli as cli

    real_find_spec = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name, *a: None if name == "sklearn" else real_find_spec(name, *a)
    )
    monkeypatch.setattr(
        sys, "argv", ["propwatch", "train", "genre-frames", "--data", str(tmp_path / "none"), "--out", "x"]
    )
    with pytest.raises(SystemExit) as exited:
        cli.main()
    assert exited.value.code == 2
    said = " ".join(capsys.readouterr().err.split())
    assert "needs the 'train' extra (sklearn missing): pip install 'propwatch[train]'" in said
    assert "does not exist" not in said and "Traceback" not in said  # before the data is even looked at
    monkeypatch.setattr(sys, "argv", ["propwatch", "train", "genre-frames", "--help"])
    with pytest.raises(SystemExit) as helped:
        cli.main()
    assert helped.value.code == 0  # help still reads without the extra
    # Re-tuning the decoding needs none of the extra: it goes on to its own checks.
    retune = ["propwatch", "train", "technique-decoding", "--out", str(tmp_path / "o")]
    monkeypatch.setattr(sys, "argv", retune)
    with pytest.raises(SystemExit):
        cli.main()
    assert "train' extra" not in capsys.readouterr().err


def test_the_list_genre_column_shows_the_prediction_and_a_disagreeing_page_tag() -> None:
    from propwatch.cli import _genre_cell

    assert _genre_cell("opinion", None) == "opinion"
    assert _genre_cell("opinion", "opinion") == "opinion"
    assert _genre_cell("reporting", "opinion") == "reporting (page: opinion)"
    assert _genre_cell(None, "analysis") == "analysis"


def test_outputs_on_failure_dash_and_bad_addresses(tmp_path: Path) -> None:
    # Every input failing leaves an earlier output as it was, rather than empty.
    kept = tmp_path / "kept.jsonl"
    kept.write_text("earlier\n", encoding="utf-8")
    failed = run(tmp_path, "analyze", str(tmp_path / "nothere"), "-f", "jsonl", "-o", str(kept), "--no-store")
    assert failed.returncode == 2 and kept.read_text(encoding="utf-8") == "earlier\n"
    assert "was left as it was" in failed.stderr
    # '-' is stdout, as it is stdin for inputs.
    db = f"sqlite:///{tmp_path / 'store.db'}"
    source = tmp_path / "a.jsonl"
    source.write_text(
        json.dumps({"text": "NATO lies again, they say.", "title": "T"}) + "\n", encoding="utf-8"
    )
    assert run(tmp_path, "--db", db, "ingest", str(source)).returncode == 0
    dashed = run(tmp_path, "--db", db, "export", "-f", "jsonl", "-o", "-")
    assert dashed.returncode == 0 and json.loads(dashed.stdout)["article"]["title"] == "T"
    assert not (tmp_path / "-").exists()
    # A language that is no ISO code is refused, not matched by nothing.
    english = run(tmp_path, "--db", db, "list", "--language", "english")
    assert english.returncode == 2 and "is not an ISO 639-1 code" in english.stderr


def test_serve_names_an_address_it_cannot_listen_on(tmp_path: Path) -> None:
    import socket

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = run(tmp_path, "--db", f"sqlite:///{tmp_path / 's.db'}", "serve", "--port", str(port))
    assert result.returncode == 2 and f"127.0.0.1:{port}: cannot listen there" in result.stderr


def test_global_options_after_the_command_are_read() -> None:
    # `propwatch analyze x --debug` and `propwatch list --db URL` failed with "No such option".
    from propwatch.cli import global_options_first

    assert global_options_first(["list", "--db", "sqlite:///a.db", "--debug", "-n", "3"]) == [
        "--db",
        "sqlite:///a.db",
        "--debug",
        "list",
        "-n",
        "3",
    ]
    assert global_options_first(["show", "abc123", "--data-dir=/tmp/x"]) == [
        "--data-dir=/tmp/x",
        "show",
        "abc123",
    ]
    assert global_options_first(["batch", "in/", "--db", "sqlite:///a.db"]) == [
        "batch",
        "in/",
        "--db",
        "sqlite:///a.db",
    ]
    assert global_options_first(["--db", "u", "search", "--", "--debug"]) == [
        "--db",
        "u",
        "search",
        "--",
        "--debug",
    ]
    # The one written last wins, as Click reads options; a missing value is left for Click to name.
    assert global_options_first(["--db", "A", "list", "--db", "B"]) == ["--db", "A", "--db", "B", "list"]
    assert global_options_first(["list", "--db"]) == ["list", "--db"]


def test_database_option_after_the_command(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'late.db'}"
    listed = run(tmp_path, "list", "--db", db, "--format", "json")
    assert listed.returncode == 2 and "there is no database at" in listed.stderr
    assert str(tmp_path / "late.db") in listed.stderr


def test_output_to_a_file_keeps_lines_and_names_whole(tmp_path: Path) -> None:
    # Redirected output wrapped at Rich's 80 columns: "F1 of Yes 0.6333 (best \nthreshold 0.6792)" in a
    # logged evaluation, and table cells folded in the middle of a name.
    db = f"sqlite:///{tmp_path / 'wide.db'}"
    title = "External_regulation_and_reputation in a headline that runs past the edge"
    with ArticleStore.open(db) as store:
        store.save_article(Article(text="Some text here.", title=title, outlet="Wide Post", language="en"))
    env = {k: v for k, v in os.environ.items() if not k.startswith("PROPWATCH_") and k != "COLUMNS"}
    env.update(PROPWATCH_DATA_DIR=str(tmp_path), NO_COLOR="1", TERM="dumb")  # no COLUMNS: Rich's default

    def printed(*command: str) -> str:
        done = subprocess.run(
            [sys.executable, "-m", "propwatch", "--db", db, *command],
            capture_output=True,
            text=True,
            env=env,
            timeout=120,
            check=False,
        )
        assert done.returncode == 0, done.stderr
        return done.stdout

    listed = printed("list")
    assert any(title in line for line in listed.splitlines()), listed
    # The report's text panel wraps inside the width instead of being cut at it.
    paragraph = " ".join(f"word{n}" for n in range(80)) + " lastword."
    with ArticleStore.open(db) as store:
        article = Article(text=paragraph, title="Long paragraph", outlet="Wide Post", language="en")
        store.save_article(article)
    assert "lastword." in printed("show", article.id)
    assert "Articles" in printed("outlets")


def test_sigterm_stops_a_run_as_ctrl_c_does(tmp_path: Path) -> None:
    """timeout, docker stop and systemd send SIGTERM: the run had died without a word, its partial
    output left behind; it now says what was done and exits 130, as after Ctrl-C."""
    import signal
    import time

    env = {k: v for k, v in os.environ.items() if not k.startswith("PROPWATCH_")}
    env.update(PROPWATCH_DATA_DIR=str(tmp_path / "data"), NO_COLOR="1", TERM="dumb")
    running = subprocess.Popen(
        [sys.executable, "-m", "propwatch", "ingest", "-"],
        stdin=subprocess.PIPE,
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        env=env,
        text=True,
    )
    time.sleep(4)  # started, and waiting for standard input
    running.send_signal(signal.SIGTERM)
    _, said = running.communicate(timeout=60)
    assert running.returncode == 130, said
    assert "Traceback" not in said
    assert "Interrupted after 0 articles" in said or "Interrupted while starting" in said


def test_reanalyze_runs_analyzers_on_stored_text(tmp_path: Path) -> None:
    data = str(tmp_path / "store")
    assert run(tmp_path, "--data-dir", data, "ingest", str(SAMPLE)).returncode == 0
    first = run(tmp_path, "--data-dir", data, "reanalyze", "-a", "keywords", plugin=True)
    assert first.returncode == 0, first.stderr
    assert "1 article checked, 1 stored, 0 already current, 0 failed." in " ".join(first.stderr.split())
    shown = run(tmp_path, "--data-dir", data, "list", "-f", "json")
    [row] = json.loads(shown.stdout)
    again = run(tmp_path, "--data-dir", data, "reanalyze", row["id"], "-a", "keywords", plugin=True)
    assert "0 stored, 1 already current" in " ".join(again.stderr.split())  # current: not analysed again
    nobody = ("--outlet", "Nobody", "-a", "keywords")
    nothing = run(tmp_path, "--data-dir", data, "reanalyze", *nobody, plugin=True)
    assert nothing.returncode == 0 and "No stored article to analyse again." in nothing.stderr
    both = run(tmp_path, "--data-dir", data, "reanalyze", row["id"], "--outlet", "X", plugin=True)
    assert both.returncode == 2 and "give ids or filters" in both.stderr
