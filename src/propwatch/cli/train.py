"""``propwatch train``: train models from the shared-task corpora (torch needed: the ``train`` extra)."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

train_app = typer.Typer(
    name="train", help="Train models (needs torch and transformers).", no_args_is_help=True
)
err = Console(stderr=True)


@train_app.command("techniques")
def techniques(
    data: Annotated[
        Path,
        typer.Option(
            "--data", help="Shared data folder holding semeval2023_task3/ (and ptc_semeval2020_task11/)."
        ),
    ],
    out: Annotated[
        Path, typer.Option("--out", help="Folder the model (model.json, encoder.onnx, card) goes to.")
    ],
    checkpoints: Annotated[
        Path, typer.Option("--checkpoints", help="Folder for checkpoints (keep it out of git).")
    ],
    max_steps: Annotated[
        int | None, typer.Option("--max-steps", help="Optimizer steps (default: config).")
    ] = None,
    resume: Annotated[bool, typer.Option("--resume", help="Continue from the newest checkpoint.")] = False,
    seed: Annotated[int | None, typer.Option("--seed", help="Random seed (default 13).")] = None,
    config: Annotated[Path | None, typer.Option("--config", help="JSON file of TrainConfig fields.")] = None,
) -> None:
    """Train the persuasion-technique span detector (SemEval-2023 Task 3, six languages)."""
    from propwatch.training.config import StepReport, TrainConfig

    overrides = {"max_steps": max_steps, "seed": seed}
    if config is not None:
        settings = TrainConfig.from_file(config, **overrides)
    else:
        settings = TrainConfig.build("options", {k: v for k, v in overrides.items() if v is not None})
    # torch and transformers load only once the options are known to be good.
    from propwatch.training.techniques import train_techniques

    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(name)s %(message)s", datefmt="%Y-%m-%d %H:%M:%S"
    )
    if not err.is_terminal:
        # A log file (background run): one plain line per step from the training logger is enough.
        result = train_techniques(settings, data, out, checkpoints, resume=resume)
    else:
        columns = (
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("loss {task.fields[loss]:.4f}"),
            TimeElapsedColumn(),
            TimeRemainingColumn(),
        )
        logging.getLogger("propwatch.training").setLevel(logging.WARNING)
        with Progress(*columns, console=err) as bar:
            task = bar.add_task("training", total=settings.max_steps, loss=float("nan"))

            def report(step: StepReport) -> None:
                bar.update(task, completed=step.step, loss=step.loss, description=step.phase)

            result = train_techniques(settings, data, out, checkpoints, report, resume=resume)
    err.print(
        f"model written to {result.artifact_dir} after {result.steps} steps ({result.minutes:.1f} min); "
        f"final loss {result.final_loss:.4f}"
    )
