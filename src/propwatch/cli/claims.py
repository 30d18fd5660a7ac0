"""CLI commands for check-worthy claims, registered on the lead's sub-apps.

* ``propwatch predict checkworthy IN.tsv -o OUT`` — a CheckThat! 2024 Task 1 run;
* ``propwatch score checkworthy GOLD PRED`` — F1 of the Yes class (the official measure);
* ``propwatch train claims --data ../shared/data --out DIR`` — train the check-worthiness model.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from propwatch.claims.checkworthy import (
    predict_checkworthy,
    read_checkworthy_input,
    score_checkworthy,
    write_checkworthy_run,
)
from propwatch.claims.model import CheckWorthinessModel, shipped_model_path
from propwatch.cli.options import literal_console, settings_from, text_output
from propwatch.cli.tasks import FormatOption, ScoreFormat
from propwatch.errors import ConfigurationError
from propwatch.ingest.language import identify_language, language_code

err = literal_console(stderr=True)


def register_predict(app: typer.Typer) -> None:
    """Add ``checkworthy`` to the ``predict`` sub-app."""

    @app.command("checkworthy")
    def checkworthy(
        ctx: typer.Context,
        input_file: Annotated[
            Path,
            typer.Argument(
                help="CheckThat! 2024 Task 1 TSV: Sentence_id, Text[, class_label] with a header."
            ),
        ],
        output: Annotated[
            Path | None, typer.Option("-o", "--output", help="Run file to write (default: stdout).")
        ] = None,
        run_id: Annotated[str, typer.Option("--run-id", help="Value of the run_id column.")] = "propwatch",
        language: Annotated[
            str | None,
            typer.Option(
                "--language",
                help="Language code choosing the threshold (default: identified from the texts).",
            ),
        ] = None,
        threshold: Annotated[
            float | None,
            typer.Option("--threshold", min=0.0, max=1.0, help="Override the decision threshold."),
        ] = None,
        model: Annotated[
            Path | None,
            typer.Option(
                "--model", help="Model folder (default: the shipped model). Env: PROPWATCH_CLAIMS_MODEL."
            ),
        ] = None,
    ) -> None:
        """Label each sentence of a Task 1 file Yes/No (check-worthy or not) in the official run format."""
        settings = settings_from(ctx, claims_model=model, claims_threshold=threshold)
        if language is not None:
            given, language = language, language_code(language)
            if language is None:
                raise ConfigurationError("--language", f"{given!r} is not an ISO 639-1 language code")
        items = read_checkworthy_input(input_file)
        loaded = CheckWorthinessModel.load(
            settings.claims_model or shipped_model_path(), threads=settings.inference_threads
        )
        if language is None:
            language = identify_language(" ".join(item.text for item in items[:200]))
        predictions = predict_checkworthy(
            items, loaded, language=language, threshold=settings.claims_threshold
        )
        with text_output(output) as stream:
            write_checkworthy_run(stream, predictions, run_id)
        yes = sum(p.label for p in predictions)
        err.print(
            f"{len(predictions)} items, {yes} check-worthy (language {language or 'unknown'})",
            highlight=False,
        )


def register_score(app: typer.Typer) -> None:
    """Add ``checkworthy`` to the ``score`` sub-app."""

    @app.command("checkworthy")
    def checkworthy(
        gold: Annotated[Path, typer.Argument(metavar="GOLD", help="Gold TSV with a class_label column.")],
        predicted: Annotated[Path, typer.Argument(metavar="PRED", help="Run: id, class_label[, run_id].")],
        fmt: FormatOption = ScoreFormat.text,
        as_json: Annotated[bool, typer.Option("--json", hidden=True, help="The same as -f json.")] = False,
    ) -> None:
        """F1 of the Yes class (the official CheckThat! Task 1 measure), with precision and recall."""
        scores = score_checkworthy(gold, predicted)
        if as_json or fmt is ScoreFormat.json:
            sys.stdout.write(json.dumps(scores.as_dict(), indent=2) + "\n")
        else:
            sys.stdout.write(scores.summary() + "\n")


def register_train(app: typer.Typer) -> None:
    """Add ``claims`` to the ``train`` sub-app."""

    @app.command("claims")
    def claims(
        data: Annotated[
            Path,
            typer.Option(
                "--data", exists=True, file_okay=False, help="The shared corpora folder (../shared/data)."
            ),
        ],
        out: Annotated[
            Path, typer.Option("--out", help="Folder to write model.json, encoder.onnx and the report to.")
        ],
        checkpoints: Annotated[
            Path,
            typer.Option(
                "--checkpoints",
                help="Folder for the lower-layer cache and per-epoch checkpoints (keep it out of git); "
                "a rerun reuses the cache.",
            ),
        ],
        seed: Annotated[
            int, typer.Option("--seed", help="Seed of the split, the data order and the head.")
        ] = 13,
        epochs: Annotated[
            int,
            typer.Option(
                "--epochs",
                min=1,
                help="Passes over the fitting data; the best epoch on the calibration part is kept.",
            ),
        ] = 3,
        members: Annotated[
            int,
            typer.Option(
                "--members",
                min=1,
                max=8,
                help="Upper stacks trained with seeds SEED, SEED+1, …; the model averages their logits.",
            ),
        ] = 1,
        frozen_layers: Annotated[
            int,
            typer.Option("--frozen-layers", min=1, max=11, help="Lowest e5 layers kept frozen (of 12)."),
        ] = 8,
        validation_fraction: Annotated[
            float, typer.Option("--validation-fraction", min=0.01, max=0.9, help="Share of groups held out.")
        ] = 0.15,
        threads: Annotated[int, typer.Option("--threads", min=1, help="torch and onnxruntime threads.")] = 1,
        factual_weight: Annotated[
            float,
            typer.Option(
                "--factual-weight",
                min=0.0,
                help="Weight of an auxiliary head learning ClaimBuster's 'states a fact' (NFS vs UFS/CFS) "
                "on the English debates during training; 0: none. Not part of the shipped graph.",
            ),
        ] = 0.0,
        loose_label_weight: Annotated[
            float,
            typer.Option(
                "--loose-label-weight",
                min=0.0,
                max=1.0,
                help="Weight factor of the English debate sentences outside ClaimBuster's stricter 3xNCS "
                "subset (claimbuster/3xNCS_minus_groundtruth.json); 1: all sentences alike.",
            ),
        ] = 1.0,
    ) -> None:
        """Fine-tune e5-small as the check-worthiness classifier on the CheckThat!/ClaimBuster corpora."""
        try:
            from propwatch.training.claims_finetune import FineTuneConfig, train_claims_finetuned
        except ImportError as exc:
            raise ConfigurationError("propwatch train claims", f"needs the 'train' extra: {exc}") from exc
        config = FineTuneConfig(
            seed=seed,
            epochs=epochs,
            members=members,
            frozen_layers=frozen_layers,
            validation_fraction=validation_fraction,
            threads=threads,
            factual_weight=factual_weight,
            loose_label_weight=loose_label_weight,
        )
        report = train_claims_finetuned(
            data,
            out,
            work_dir=checkpoints,
            config=config,
            progress=lambda m: err.print(m, highlight=False),
        )
        sys.stdout.write(report.summary() + "\n")
