"""`propwatch evaluate claims`: a claims model on the validation split of its training, through the
analyzer's path (the tiny model of the fixtures, on its synthetic corpus)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from propwatch.claims.model import CheckWorthinessModel
from propwatch.errors import ConfigurationError
from propwatch.evaluation.claims_model import evaluate_claims_model
from propwatch.training.claims_finetune import FineTuneReport


def test_the_split_and_figures_are_the_training_reports(
    tiny_training: tuple[Path, Path, FineTuneReport], tiny_model: CheckWorthinessModel
) -> None:
    corpus, _model, report = tiny_training
    lines: list[str] = []
    result = evaluate_claims_model(tiny_model, corpus, progress=lines.append)
    assert set(result.figures) == set(report.validation)
    for subset, figures in result.figures.items():
        trained = report.validation[subset]
        assert (figures["n"], figures["yes"]) == (trained["n"], trained["yes"])  # the same items
        assert figures["f1"] == pytest.approx(trained["f1"], abs=0.1)  # numpy lower layers vs torch's
    assert result.figures["ct24-en"]["f1"] > 0.8 and result.version == tiny_model.version
    assert lines[-1].startswith(
        f"scored {sum(int(v['n']) for k, v in report.validation.items() if ':' not in k)}/"
    )
    with pytest.raises(ConfigurationError, match="does not exist"):
        evaluate_claims_model(tiny_model, corpus / "nowhere")


def test_cli_prints_every_subset_or_json(tiny_training: tuple[Path, Path, FineTuneReport]) -> None:
    from propwatch.cli import app

    corpus, model, _report = tiny_training
    base = ["evaluate", "claims", "--data", str(corpus), "--model", str(model)]
    text = CliRunner().invoke(app, base)
    assert text.exit_code == 0, text.output
    assert "ct24-en " in text.output and "F1 of Yes" in text.output
    as_json = CliRunner().invoke(app, [*base, "-f", "json"])
    assert as_json.exit_code == 0, as_json.output
    document = json.loads(as_json.stdout)
    assert document["figures"]["ct24-en"]["f1"] > 0.8 and "ece" in document["calibration"]
