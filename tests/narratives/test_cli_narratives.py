from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import pytest
import typer
from typer.testing import CliRunner

from propwatch.cli import narratives
from propwatch.settings import Settings

runner = CliRunner()


def build_app() -> typer.Typer:
    """The wiring the root CLI does: a callback filling ctx.obj, and the predict/score sub-commands."""
    app = typer.Typer()

    @app.callback()
    def root(ctx: typer.Context, data_dir: Annotated[Path, typer.Option("--data-dir")]) -> None:
        ctx.obj = {"data_dir": data_dir, "inference_threads": 1}

    predict, score = typer.Typer(), typer.Typer()
    narratives.register_predict(predict)
    narratives.register_score(score)
    app.add_typer(narratives.app, name="narratives")
    app.add_typer(predict, name="predict")
    app.add_typer(score, name="score")
    return app


@pytest.fixture
def data_dir(settings: Settings) -> Path:
    return settings.data_dir


def test_import_then_list(tmp_path: Path, data_dir: Path) -> None:
    export = tmp_path / "export.csv"
    export.write_text(
        "date,id,title,countries,keywords,languages,outlets\n"
        "2020-01-02,https://euvsdisinfo.eu/report/x,NATO plans an attack,Russia,NATO+West,Russian,TV\n"
        "2020-01-01,https://euvsdisinfo.eu/report/y,NATO surrounds Russia,Russia,NATO,Russian,TV\n",
        encoding="utf-8",
    )
    app = build_app()
    result = runner.invoke(
        app,
        [
            "--data-dir",
            str(data_dir),
            "narratives",
            "import",
            str(export),
            "--name",
            "mine",
            "--min-cases",
            "2",
        ],
    )
    assert result.exit_code == 0, result.output
    assert "1 entries from 2 cases" in " ".join(result.output.split())  # Rich wraps long paths
    assert (data_dir / "narratives" / "mine.yaml").is_file()

    listed = runner.invoke(
        app, ["--data-dir", str(data_dir), "narratives", "list", "--format", "json", "--entries"]
    )
    assert listed.exit_code == 0, listed.output
    records = json.loads(listed.output)
    assert [r["name"] for r in records] == ["pro-kremlin-starter", "mine"]
    assert records[0]["narratives"] >= 25 and records[0]["languages"] == ["en", "ru"]
    assert records[1]["entries"] == [
        {"id": "mine.nato", "title": "NATO (EUvsDisinfo cases)", "tags": ["NATO", "West"]}
    ]


def test_claim_retrieval_predict_and_score(tmp_path: Path, data_dir: Path) -> None:
    vclaims = tmp_path / "vclaims.tsv"
    vclaims.write_text(
        "\tvclaim\ttitle\n0\tBananas cure the flu.\tDo Bananas Cure Flu?\n"
        "1\tThe moon landing was filmed in a studio.\tWas the Moon Landing Faked?\n",
        encoding="utf-8",
    )
    tweets = tmp_path / "tweets.tsv"
    tweets.write_text(
        "\ttweet_content\n7\tEat two bananas and your flu is gone, trust me\n", encoding="utf-8"
    )
    qrels = tmp_path / "qrels"
    qrels.write_text("7\t0\t0\t1\n", encoding="utf-8")
    run = tmp_path / "run.txt"
    app = build_app()
    result = runner.invoke(
        app,
        [
            "--data-dir",
            str(data_dir),
            "predict",
            "claim-retrieval",
            str(tweets),
            str(vclaims),
            "-o",
            str(run),
            "--tag",
            "test",
        ],
    )
    assert result.exit_code == 0, result.output
    assert run.read_text(encoding="utf-8").splitlines()[0].split("\t")[:4] == ["7", "Q0", "0", "1"]
    assert run.read_text(encoding="utf-8").splitlines()[0].endswith("\ttest")
    scored = runner.invoke(
        app,
        ["--data-dir", str(data_dir), "score", "claim-retrieval", str(qrels), str(run), "--format", "json"],
    )
    assert scored.exit_code == 0, scored.output
    assert json.loads(scored.output)["MAP@5"] == 1.0


def test_calibrate_reports_per_language(tmp_path: Path, data_dir: Path) -> None:
    labelled = tmp_path / "set.tsv"
    labelled.write_text(
        "language\tnarrative\tsplit\ttext\n"
        "en\twestern-biolabs\ttune\tAmerican military labs in Ukraine were brewing germ weapons.\n"
        "en\tnone\ttune\tThe bakery on the corner now opens at seven.\n"
        "en\twestern-biolabs\theldout\tThe Pentagon's laboratories near our border grow deadly viruses.\n",
        encoding="utf-8",
    )
    result = runner.invoke(
        build_app(), ["--data-dir", str(data_dir), "narratives", "calibrate", str(labelled)]
    )
    assert result.exit_code == 0, result.output
    assert "heldout" in result.output or "held" in result.output
    assert "1.000" in result.output


def test_calibrate_shipped_measures_the_thresholds_analyze_uses(tmp_path: Path, data_dir: Path) -> None:
    # --shipped carried only en and ru: German was tuned afresh (and a heldout-only language dropped).
    labelled = tmp_path / "set.tsv"
    labelled.write_text(
        "language\tnarrative\tsplit\ttext\n"
        "de\twestern-biolabs\theldout\tUS-Militärlabore in der Ukraine züchten Biowaffen gegen uns.\n"
        "de\tnone\theldout\tDie Bäckerei an der Ecke öffnet jetzt schon um sieben Uhr morgens.\n",
        encoding="utf-8",
    )
    result = runner.invoke(
        build_app(),
        ["--data-dir", str(data_dir), "narratives", "calibrate", str(labelled), "--shipped"],
        env={"COLUMNS": "200"},
    )
    assert result.exit_code == 0, result.output
    assert "heldout" in result.output and "0.837" in result.output  # the default threshold, as analyze
