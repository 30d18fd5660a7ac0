"""End to end: ``propwatch train claim-retrieval`` on a tiny collection, then predict with it and score."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import pytest
import typer
from typer.testing import CliRunner

from propwatch.cli import narratives
from propwatch.cli.train import train_app
from propwatch.narratives.ranker import ClaimRanker
from propwatch.settings import Settings

pytest.importorskip("sklearn")

runner = CliRunner()
NO_EVALUATE = (
    "--seed",
    "13",
    "--no-evaluate",
)  # cross-fitting is tested on synthetic vectors in tests/training

# Written for this test in the CheckThat! 2020 Task 2 shapes: ten fact-checks, eight tweets.
CLAIMS = [
    ("Sharks swam on a flooded Houston highway after Hurricane Harvey.", "Sharks on a Highway?"),
    ("Drinking hot water every 15 minutes kills the coronavirus.", "Does Hot Water Kill the Virus?"),
    ("The Eiffel Tower will be moved to Las Vegas in 2021.", "Is the Eiffel Tower Moving?"),
    ("Senator Jane Roe said all cars will be banned by 2025.", "Did Jane Roe Vow to Ban Cars?"),
    ("Bananas cure the flu within a day.", "Do Bananas Cure the Flu?"),
    ("The moon landing was filmed in a studio in Nevada.", "Was the Moon Landing Faked?"),
    ("A new law makes it illegal to collect rainwater in Ohio.", "Is Rainwater Collection Illegal?"),
    ("Mayor John Doe banned dogs from all city parks.", "Did John Doe Ban Dogs from Parks?"),
    ("Eating carrots lets people see in the dark.", "Do Carrots Give Night Vision?"),
    ("A comet will hit the Earth next Tuesday.", "Is a Comet About to Hit Earth?"),
]
TWEETS = [
    "LOOK at this shark on the freeway in Houston after the storm!! pic.twitter.com/abc123",
    "Sip hot water every 15 min and the virus dies. Stay safe https://t.co/x",
    "So they're shipping the Eiffel Tower to Vegas? — Some One (@someone) May 1, 2020",
    "Jane Roe wants to take away our cars by 2025 — Car Fan (@carfan) June 2, 2020",
    "two bananas and the flu is gone, my grandma swears by it",
    "Stanley Kubrick filmed the whole moon thing in the desert, wake up",
    "Ohio will now fine you for keeping the rain in a barrel?!",
    "No more dogs in the parks, says Mayor Doe — Dog Lover (@doglover) March 3, 2020",
]


def _write_data(root: Path) -> Path:
    folder = root / "checkthat2020_task2_claim_retrieval"
    (folder / "train").mkdir(parents=True)
    claims = "\tvclaim\ttitle\n" + "".join(f"{i}\t{c}\t{t}\n" for i, (c, t) in enumerate(CLAIMS))
    (folder / "verified_claims.docs.tsv").write_text(claims, encoding="utf-8")
    tweets = "\ttweet_content\n" + "".join(f"{i + 1}\t{t}\n" for i, t in enumerate(TWEETS))
    (folder / "train" / "tweets.queries.tsv").write_text(tweets, encoding="utf-8")
    qrels = "".join(f"{i + 1}\t0\t{i}\t1\n" for i in range(len(TWEETS)))
    (folder / "train" / "tweet-vclaim-pairs.qrels").write_text(qrels, encoding="utf-8")
    return folder


def _app() -> typer.Typer:
    app = typer.Typer()

    @app.callback()
    def root(ctx: typer.Context, data_dir: Annotated[Path, typer.Option("--data-dir")]) -> None:
        ctx.obj = {"data_dir": data_dir, "inference_threads": 1}

    predict, score = typer.Typer(), typer.Typer()
    narratives.register_predict(predict)
    narratives.register_score(score)
    app.add_typer(train_app, name="train")
    app.add_typer(predict, name="predict")
    app.add_typer(score, name="score")
    return app


def test_train_predict_and_score(tmp_path: Path, settings: Settings) -> None:
    data = tmp_path / "shared"
    folder = _write_data(data)
    model = tmp_path / "model"
    app = _app()
    base = ["--data-dir", str(settings.data_dir)]
    trained = runner.invoke(
        app,
        [*base, "train", "claim-retrieval", "--data", str(data), "--out", str(model), *NO_EVALUATE],
    )
    assert trained.exit_code == 0, trained.output
    assert f"ranker written to {model}" in trained.output
    report = json.loads((model / "training_report.json").read_text(encoding="utf-8"))
    assert report["data"].startswith("CheckThat! 2020 Task 2 train: 8 tweets, 8 qrels, 10 verified claims")
    assert "cross_fitted" not in report and report["final"]["adapter_penalty"] > 0
    ranker = ClaimRanker.load(model)
    assert ranker.training is not None and ranker.training["seed"] == 13

    tweets, vclaims = folder / "train" / "tweets.queries.tsv", folder / "verified_claims.docs.tsv"
    qrels = folder / "train" / "tweet-vclaim-pairs.qrels"
    for choice in (str(model), "none"):
        run = tmp_path / f"run-{Path(choice).name}.txt"
        predicted = runner.invoke(
            app,
            [
                *base,
                "predict",
                "claim-retrieval",
                str(tweets),
                str(vclaims),
                "-o",
                str(run),
                "--ranker",
                choice,
            ],
        )
        assert predicted.exit_code == 0, predicted.output
        lines = run.read_text(encoding="utf-8").splitlines()
        assert len(lines) == 8 * 10  # every claim, for every tweet
        scored = runner.invoke(app, [*base, "score", "claim-retrieval", str(qrels), str(run), "-f", "json"])
        assert scored.exit_code == 0, scored.output
        assert json.loads(scored.output)["MAP@5"] >= 0.75  # the tweets are easy: near-exact paraphrases

    missing = runner.invoke(
        app,
        [
            *base,
            "predict",
            "claim-retrieval",
            str(tweets),
            str(vclaims),
            "-o",
            str(tmp_path / "x"),
            "--ranker",
            str(tmp_path / "nowhere"),
        ],
    )
    assert missing.exit_code != 0
