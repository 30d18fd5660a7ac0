"""``propwatch train``: train models from the shared-task corpora (needs the ``train`` extra)."""

from __future__ import annotations

import importlib.util
import logging
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from propwatch.cli.options import literal_console
from propwatch.errors import ConfigurationError

train_app = typer.Typer(name="train", help="Train models (needs the train extra).", no_args_is_help=True)
err = literal_console(stderr=True)

# The modules the `train` extra installs (import names), checked before any command reads a corpus.
TRAIN_MODULES = ("torch", "transformers", "sklearn", "onnx", "simplemma")
TRAIN_EXTRA_HINT = "pip install 'propwatch[train]' (in a checkout: pip install -e '.[train]')"


# Train commands that need none of the extra: re-tuning decodes stored states with numpy only.
_WITHOUT_THE_EXTRA = frozenset({"technique-decoding"})


@train_app.callback()
def _check_the_train_extra(ctx: typer.Context) -> None:
    # Up front: a module missing from the extra had failed a command after its whole embedding pass.
    if any(arg in ("--help", "-h") for arg in sys.argv) or ctx.invoked_subcommand in _WITHOUT_THE_EXTRA:
        return
    missing = [name for name in TRAIN_MODULES if importlib.util.find_spec(name) is None]
    if missing:
        raise ConfigurationError(
            "propwatch train", f"needs the 'train' extra ({', '.join(missing)} missing): {TRAIN_EXTRA_HINT}"
        )


# Where the optimizer steps run; export, calibration and validation always run on the CPU.
Device = Annotated[
    str,
    typer.Option(
        "--device",
        help="Torch device for the training steps: cpu, cuda or cuda:N (a GPU; results differ "
        "slightly from a CPU run's).",
    ),
]


class GenreSignals(StrEnum):
    """The keys of propwatch.framing.signals.SIGNAL_SETS (an Enum so --help lists them)."""

    all = "all"
    style = "style"
    none = "none"


@train_app.command("techniques")
def techniques(
    data: Annotated[
        Path,
        typer.Option(
            "--data",
            exists=True,
            file_okay=False,
            help="Shared data folder holding semeval2023_task3/ (and ptc_semeval2020_task11/).",
        ),
    ],
    out: Annotated[
        Path, typer.Option("--out", help="Folder the model (model.json, encoder.onnx, card) goes to.")
    ],
    checkpoints: Annotated[
        Path,
        typer.Option(
            "--checkpoints",
            help="Folder for checkpoints (keep it out of git): a new or empty one, or the run's own with "
            "--resume.",
        ),
    ],
    max_steps: Annotated[
        int | None, typer.Option("--max-steps", help="Optimizer steps (default: config).")
    ] = None,
    resume: Annotated[bool, typer.Option("--resume", help="Continue from the newest checkpoint.")] = False,
    seed: Annotated[int | None, typer.Option("--seed", help="Random seed (default 13).")] = None,
    config: Annotated[
        Path | None,
        typer.Option(
            "--config",
            help="JSON file of TrainConfig fields (a model.json `training` block as it stands will do).",
        ),
    ] = None,
    device: Device = "cpu",
) -> None:
    """Train the persuasion-technique span detector (SemEval-2023 Task 3, six languages)."""
    from propwatch.training.config import StepReport, TrainConfig

    overrides = {"max_steps": max_steps, "seed": seed}
    if config is not None:
        settings = TrainConfig.from_file(config, **overrides)
    else:
        settings = TrainConfig.build("options", {k: v for k, v in overrides.items() if v is not None})
    # torch and transformers load only once the options are known to be good.
    from propwatch.training.techniques import train_techniques, training_device

    training_device(device)  # an absent GPU is refused before the corpora are read

    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(name)s %(message)s", datefmt="%Y-%m-%d %H:%M:%S"
    )
    if not err.is_terminal:
        # A log file (background run): one plain line per step from the training logger is enough.
        result = train_techniques(settings, data, out, checkpoints, resume=resume, device=device)
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

            result = train_techniques(settings, data, out, checkpoints, report, resume=resume, device=device)
    err.print(
        f"model written to {result.artifact_dir} after {result.steps} steps ({result.minutes:.1f} min); "
        f"final loss {result.final_loss:.4f}"
    )


@train_app.command("ner")
def ner(
    data: Annotated[
        Path,
        typer.Option(
            "--data",
            exists=True,
            file_okay=False,
            help="Shared data folder holding wikiann/ and bsnlp/ (../shared/data).",
        ),
    ],
    out: Annotated[
        Path, typer.Option("--out", help="Folder the <lang>.crfsuite models and metrics.json go to.")
    ],
    language: Annotated[
        list[str] | None,
        typer.Option(
            "--language", help="de, pl or xx (the French/Italian fallback); repeat it; default: all."
        ),
    ] = None,
    max_iterations: Annotated[int, typer.Option("--max-iterations", min=1, help="L-BFGS iterations.")] = 100,
    seed: Annotated[int, typer.Option("--seed", help="Seed of the held-out split.")] = 13,
) -> None:
    """Train the CRF named-entity taggers of the target extractor; print held-out entity F1."""
    from propwatch.errors import ConfigurationError
    from propwatch.training.ner import LANGUAGES, NerModelResult, NerTrainConfig, train_ner

    chosen = tuple(dict.fromkeys(language or LANGUAGES))
    unknown = [lang for lang in chosen if lang not in LANGUAGES]
    if unknown:
        raise ConfigurationError("--language", f"{', '.join(unknown)}: not one of {', '.join(LANGUAGES)}")

    def report(result: NerModelResult) -> None:
        lines = [
            f"{result.language}: held-out entity F1 {result.heldout.f1:.3f} "
            f"(P {result.heldout.precision:.3f}, R {result.heldout.recall:.3f}; "
            f"{result.heldout.gold} entities, {result.heldout_sentences} sentences; "
            f"trained on {result.train_sentences} sentences in {result.seconds:.0f} s; "
            f"{result.size_bytes / 1e6:.1f} MB)"
        ]
        lines.extend(
            f"    {name}: F1 {scores.f1:.3f} ({scores.gold} entities)"
            for name, scores in result.extra.items()
        )
        typer.echo("\n".join(lines))

    train_ner(data, out, chosen, NerTrainConfig(seed=seed, max_iterations=max_iterations), report)
    typer.echo(f"models and metrics.json written to {out}")


@train_app.command("ner-tagger")
def ner_tagger(
    data: Annotated[
        Path,
        typer.Option(
            "--data",
            exists=True,
            file_okay=False,
            help="Shared data folder holding wikiann/, bsnlp/ (and wikineural/, "
            "conll2003_en/, factrueval2016/ to score on).",
        ),
    ],
    out: Annotated[
        Path,
        typer.Option(
            "--out",
            help="Folder e5-ner.onnx and e5-ner.json go to; its metrics.json (the CRF "
            "figures) decides which languages the tagger serves.",
        ),
    ],
    checkpoints: Annotated[
        Path,
        typer.Option("--checkpoints", help="Folder for checkpoints and cached states (keep it out of git)."),
    ],
    passes: Annotated[
        float, typer.Option("--passes", min=0.01, help="Passes over the training windows.")
    ] = 4.0,
    seed: Annotated[int, typer.Option("--seed", help="Seed of the held-out split and of training.")] = 13,
    device: Device = "cpu",
) -> None:
    """Train the multilingual e5 named-entity tagger; print entity F1 per held-out set."""
    from propwatch.training.ner_tagger import train_ner_tagger
    from propwatch.training.techniques import training_device

    training_device(device)
    result = train_ner_tagger(
        data, out, checkpoints, passes=passes, seed=seed, progress=err.print, device=device
    )
    for name, scores in result.figures.items():
        typer.echo(
            f"{name}: F1 {scores.f1:.4f} (P {scores.precision:.4f}, R {scores.recall:.4f}; "
            f"{scores.gold} entities)"
        )
    typer.echo(
        "back-ends in use: "
        + ", ".join(f"{k} {v:.4f}" for k, v in result.incumbent.items())
        + f"\nthe tagger serves: {', '.join(result.languages) or 'no language'}"
    )


@train_app.command("genre-frames")
def genre_frames(
    data: Annotated[
        Path,
        typer.Option(
            "--data", exists=True, file_okay=False, help="Shared data folder holding semeval2023_task3/."
        ),
    ],
    out: Annotated[Path, typer.Option("--out", help="Folder the model (model.json, weights.npz) goes to.")],
    cache: Annotated[
        Path | None,
        typer.Option(
            "--cache",
            help="Folder of cached chunk embeddings and persuasion features (default: OUT/embedding-cache).",
        ),
    ] = None,
    seed: Annotated[int, typer.Option("--seed", help="Seed of the split, folds and heads.")] = 13,
    signals: Annotated[
        GenreSignals,
        typer.Option(
            "--signals",
            help="Article signals the genre head reads next to the vector: style and the technique model's "
            "persuasion density (all), style alone (style: independent of the technique model), or none.",
        ),
    ] = GenreSignals.all,
) -> None:
    """Train the genre and frame heads (SemEval-2023 Task 3 subtasks 1 and 2, six languages; CPU)."""
    from propwatch.training.genre_frames import GenreFramesConfig, train_genre_frames

    report = train_genre_frames(
        data,
        out,
        cache_dir=cache,
        config=GenreFramesConfig(seed=seed, genre_signals=signals.value),
        progress=lambda line: err.print(line, highlight=False),
    )
    print(report.summary())
    err.print(f"model written to {out} in {report.seconds / 60:.1f} min", highlight=False)


@train_app.command("ptc-head")
def ptc_head(
    ctx: typer.Context,
    data: Annotated[
        Path,
        typer.Option(
            "--data", exists=True, file_okay=False, help="Shared data folder holding ptc_semeval2020_task11/."
        ),
    ],
    model: Annotated[
        Path | None,
        typer.Option("--model", help="Technique model folder to update (default: the shipped one)."),
    ] = None,
    cache: Annotated[
        Path | None,
        typer.Option("--cache", help="Folder keeping the e5 vectors of the span texts between runs."),
    ] = None,
) -> None:
    """Train the PTC-14 view on PTC's labels: a head kept only if it beats the mapping, and the PTC span
    identification threshold."""
    from propwatch.cli.options import settings_from
    from propwatch.models.techniques import TechniqueModel, shipped_model_folder
    from propwatch.training.ptc_head import train_ptc_head

    settings = settings_from(ctx)
    folder = model or shipped_model_folder()
    result = train_ptc_head(
        folder,
        data,
        TechniqueModel.load(folder, settings),
        lambda line: err.print(line, highlight=False),
        cache_dir=cache,
    )
    si = "noisy-or" if result.si_threshold is not None else "technique spans"
    print(
        f"PTC-TC micro-F1 on the validation articles: mapping {result.mapping_f1:.4f}, "
        f"head {result.head_f1:.4f}; PTC-SI F1: technique spans {result.si_technique_spans_f1:.4f}, "
        f"noisy-or {result.si_f1:.4f} (cross-fitted {result.si_cross_fitted_f1:.4f}); "
        f"{folder} now uses the {result.chosen} and {si}"
    )


@train_app.command("ptc-si-tagger")
def ptc_si_tagger(
    ctx: typer.Context,
    data: Annotated[
        Path,
        typer.Option(
            "--data", exists=True, file_okay=False, help="Shared data folder holding ptc_semeval2020_task11/."
        ),
    ],
    checkpoints: Annotated[
        Path, typer.Option("--checkpoints", help="Folder for checkpoints and the frozen-layer cache.")
    ],
    model: Annotated[
        Path | None,
        typer.Option("--model", help="Technique model folder to update (default: the shipped one)."),
    ] = None,
    language: Annotated[
        list[str] | None,
        typer.Option(
            "--language",
            help="Also learn from this SemEval-2023 language's training-side articles (fr, ge, it, po, ru; "
            "repeat the option).",
        ),
    ] = None,
    passes: Annotated[int, typer.Option("--passes", min=1, help="Passes over the training windows.")] = 6,
    frozen_layers: Annotated[
        int | None,
        typer.Option(
            "--frozen-layers",
            min=1,
            max=11,
            help="Lowest e5 layers kept frozen (of 12; the recipe's 8 by default). The others are "
            "trained and shipped in si_tagger.onnx.",
        ),
    ] = None,
    resume: Annotated[
        bool, typer.Option("--resume/--no-resume", help="Continue from the newest checkpoint.")
    ] = True,
    device: Device = "cpu",
) -> None:
    """Train a tagger for PTC span identification alone and blend it with the model's noisy-or; kept
    only when the blend beats the noisy-or on the validation articles (threshold cross-fitted)."""
    from propwatch.cli.options import settings_from
    from propwatch.models.techniques import TechniqueModel, shipped_model_folder
    from propwatch.training.span_tagger import train_ptc_si_tagger
    from propwatch.training.techniques import training_device

    training_device(device)

    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(name)s %(message)s")
    logging.getLogger("propwatch").setLevel(logging.INFO)  # training steps, not the quantiser's notes
    folder = model or shipped_model_folder()
    result = train_ptc_si_tagger(
        folder,
        data,
        TechniqueModel.load(folder, settings_from(ctx)),
        checkpoints,
        passes=passes,
        languages=tuple(language or ()),
        frozen_layers=frozen_layers,
        resume=resume,
        progress=lambda line: err.print(line, highlight=False),
        device=device,
    )
    for name, choice in (("noisy-or", result.noisy_or), ("tagger", result.tagger), ("blend", result.blend)):
        print(
            f"{name}: PTC-SI F1 {choice.f1:.4f} at {choice.threshold}, "
            f"cross-fitted {choice.cross_fitted_f1:.4f}"
        )
    print(f"{folder} now decodes PTC spans from the {'blend' if result.kept else 'noisy-or'}")


@train_app.command("paragraph-head")
def paragraph_head(
    ctx: typer.Context,
    data: Annotated[
        Path,
        typer.Option(
            "--data", exists=True, file_okay=False, help="Shared data folder holding semeval2023_task3/."
        ),
    ],
    model: Annotated[
        Path | None,
        typer.Option("--model", help="Technique model folder to update (default: the shipped one)."),
    ] = None,
) -> None:
    """Train the per-paragraph technique head (SemEval-2023 subtask 3), kept only if it beats the
    techniques of the spans in each paragraph on the validation articles."""
    from propwatch.cli.options import settings_from
    from propwatch.models.techniques import TechniqueModel, shipped_model_folder
    from propwatch.training.paragraph_head import train_paragraph_head

    folder = model or shipped_model_folder()
    result = train_paragraph_head(
        folder,
        data,
        TechniqueModel.load(folder, settings_from(ctx)),
        lambda line: err.print(line, highlight=False),
    )
    for code, spans in result.validation_spans.items():
        print(
            f"{code}: subtask-3 micro-F1 spans {spans:.4f}, head {result.validation_head[code]:.4f} "
            f"(global threshold {result.validation_global.get(code, 0.0):.4f})"
        )
    own = ", ".join(f"{code} {value}" for code, value in result.language_thresholds.items())
    print(
        f"C={result.c}, threshold {result.threshold} (per language: {own}); {folder} now labels "
        f"paragraphs by the {'head' if result.kept else 'spans'}"
    )


@train_app.command("technique-decoding")
def technique_decoding(
    ctx: typer.Context,
    data: Annotated[
        Path,
        typer.Option(
            "--data",
            exists=True,
            file_okay=False,
            help="Shared data folder holding semeval2023_task3/ (and ptc_semeval2020_task11/).",
        ),
    ],
    out: Annotated[Path, typer.Option("--out", help="Folder the re-tuned model goes to (may be --model).")],
    version: Annotated[str, typer.Option("--version", help="Version of the re-tuned model.")],
    min_span_precision: Annotated[
        float,
        typer.Option(
            "--min-span-precision",
            min=0.0,
            max=1.0,
            help="Precision floor for each technique's threshold (0: the best span F1 alone).",
        ),
    ],
    model: Annotated[
        Path | None,
        typer.Option("--model", help="Technique model folder to start from (default: the shipped one)."),
    ] = None,
    thresholds_only: Annotated[
        bool,
        typer.Option(
            "--thresholds-only",
            help="Keep the model's calibration, language shifts and the thresholds that meet the floor; "
            "raise only those that fall short of it.",
        ),
    ] = False,
    hysteresis: Annotated[
        float | None,
        typer.Option(
            "--hysteresis",
            min=0.0,
            max=0.95,
            help="Spans go on down to threshold × (1 − this) once a token reaches the threshold "
            "(default: the model's own); every threshold is chosen again when it changes.",
        ),
    ] = None,
) -> None:
    """Re-choose a technique model's calibration, thresholds and language shifts on the validation split
    from its own int8 graph, without training (no checkpoints or torch needed)."""
    from propwatch.cli.options import settings_from
    from propwatch.models.techniques import shipped_model_folder
    from propwatch.training.retune import retune_decoding

    folder = model or shipped_model_folder()
    result = retune_decoding(
        folder,
        data,
        out,
        settings_from(ctx),
        min_span_precision=min_span_precision,
        version=version,
        thresholds_only=thresholds_only,
        span_hysteresis=hysteresis,
        progress=lambda line: err.print(line, highlight=False),
    )
    for label, (before, after) in result.thresholds.items():
        print(f"threshold {label}: {before:.2f} → {after:.2f}")
    print("language shifts: " + ", ".join(f"{c} {b:+.2f} → {a:+.2f}" for c, (b, a) in result.shifts.items()))
    print(
        "validation, training-time figures on this machine, source decoding → new: "
        + ", ".join(
            f"{name} {result.before.get(name, float('nan')):.4f} → {value:.4f}"
            for name, value in result.after.items()
        )
    )
    print(f"model {result.version} written to {result.out_dir}")
    for command in result.stale:
        print(f"then run: {command}")


@train_app.command("claim-retrieval")
def claim_retrieval(
    ctx: typer.Context,
    data: Annotated[
        Path,
        typer.Option(
            "--data",
            exists=True,
            file_okay=False,
            help="Shared data folder holding checkthat2020_task2_claim_retrieval/.",
        ),
    ],
    out: Annotated[
        Path, typer.Option("--out", help="Folder the ranker (model.json, weights.npz, report) goes to.")
    ],
    seed: Annotated[int, typer.Option("--seed", help="Random seed.")] = 13,
    evaluate: Annotated[
        bool,
        typer.Option(
            "--evaluate/--no-evaluate", help="First cross-fit on odd/even tweet ids and report MAP@5."
        ),
    ] = True,
) -> None:
    """Train the claim-retrieval re-ranker (query adapter + linear ranker) on the 2020 train tweets."""
    from propwatch.cli.options import settings_from
    from propwatch.training.claim_retrieval import train_claim_retrieval

    report = train_claim_retrieval(
        settings_from(ctx),
        data,
        out,
        seed,
        evaluate=evaluate,
        say=lambda line: err.print(line, highlight=False),
    )
    for name, figures in report.get("cross_fitted", {}).items():
        if name != "folds":
            print(
                f"{name}: MAP@5 even ids {figures['map5_even']:.4f}, odd ids {figures['map5_odd']:.4f},"
                f" all {figures['map5_all']:.4f} (cross-fitted)"
            )
    print(f"ranker written to {out}")
