"""``propwatch predict …`` and ``propwatch score …``: shared-task commands (PTC 2020, SemEval-2023 Task 3)."""

from __future__ import annotations

import dataclasses
import json
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from propwatch.cli.options import labelled, literal_console, settings_from, write_json
from propwatch.evaluation import score_files, write_paragraph_labels, write_si_labels, write_technique_spans
from propwatch.evaluation.comparison import compare_files
from propwatch.models.techniques import TechniqueModel, shipped_model_folder
from propwatch.settings import Settings
from propwatch.tasks import TaskPrediction, predict_ptc_si, predict_ptc_tc, predict_semeval23_st3

predict_app = typer.Typer(
    name="predict",
    help="Write shared-task predictions in the official formats: techniques (ptc-si, ptc-tc, "
    "semeval23-st3), genre and frames (semeval23-st1/st2) for a folder of article<ID>.txt files; "
    "check-worthiness and claim retrieval for CheckThat! TSV files.",
    no_args_is_help=True,
)
score_app = typer.Typer(
    name="score",
    help="Score a prediction file against a gold file with a shared task's official metric.",
    no_args_is_help=True,
)
err = literal_console(stderr=True)
out = literal_console()

ArticlesDir = Annotated[
    Path, typer.Argument(metavar="ARTICLES_DIR", help="Folder of article<ID>.txt files (read byte-exact).")
]
Output = Annotated[
    Path, typer.Option("--output", "-o", help="Prediction file to write ('-': standard output).")
]
ModelOption = Annotated[
    Path | None,
    typer.Option(
        "--model", help="Technique model folder (default: the technique_model setting, else shipped)."
    ),
]


def _settings(ctx: typer.Context, model: Path | None) -> Settings:
    return settings_from(ctx, technique_model=model)


T = TypeVar("T")


def _load(settings: Settings) -> TechniqueModel:
    return TechniqueModel.load(settings.technique_model or shipped_model_folder(), settings)


class _Bar:
    """A progress bar that shows what is being done: reading, loading a model, predicting."""

    def __init__(self, bar: Progress) -> None:
        self._bar = bar
        self._task = bar.add_task("Reading the articles", total=None)

    def __call__(self, done: int, total: int) -> None:
        self._bar.update(self._task, description="Predicting", completed=done, total=total)

    def loader(self, what: str, load: Callable[[], T]) -> Callable[[], T]:
        """``load``, called by the library once the template and the articles are checked, so that a
        wrong file is named before seconds go into loading a model."""

        def loading() -> T:
            self._bar.update(self._task, description=f"Loading the {what}…")
            return load()

        return loading


@contextmanager
def _progress() -> Iterator[_Bar]:
    bar = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("articles"),
        TimeElapsedColumn(),
        console=err,
        transient=True,
        redirect_stdout=sys.stdout.isatty(),  # predictions piped out stay in the pipe
    )
    with bar:
        yield _Bar(bar)


def _finish(result: TaskPrediction[Any], what: str, output: Path, write: Callable[[Path, Any], None]) -> None:
    """Write the records (unless no article could be read: an earlier file stays as it was), then
    name every file that failed."""
    for failure in result.failures:
        err.print(labelled("error:", "red", f"{failure.input}: {failure.reason}"), highlight=False)
    if result.failures and not result.articles:
        err.print(f"No article could be read: nothing was written to {output}.", highlight=False)
        raise typer.Exit(2)
    if str(output) == "-":  # standard output, as for analyze and export ("-" had become a file)
        with tempfile.TemporaryDirectory() as folder:
            write(Path(folder) / "predictions", result.records)
            sys.stdout.buffer.write((Path(folder) / "predictions").read_bytes())
            sys.stdout.flush()
    else:
        write(output, result.records)
    err.print(
        f"Wrote {len(result.records)} {what} for {result.articles} articles to "
        f"{'standard output' if str(output) == '-' else output}"
        + (f"; {len(result.failures)} article files could not be read." if result.failures else "."),
        highlight=False,
    )
    if result.failures:
        raise typer.Exit(2)


@predict_app.command("ptc-si")
def ptc_si(ctx: typer.Context, articles_dir: ArticlesDir, output: Output, model: ModelOption = None) -> None:
    """PTC span identification: id<TAB>start<TAB>end per technique span."""
    settings = _settings(ctx, model)
    with _progress() as progress:
        result = predict_ptc_si(
            articles_dir, progress.loader("technique model", lambda: _load(settings)), settings, progress
        )
    _finish(result, "spans", output, write_si_labels)


@predict_app.command("ptc-tc")
def ptc_tc(
    ctx: typer.Context,
    articles_dir: ArticlesDir,
    template: Annotated[Path, typer.Argument(help="TC template: id<TAB>?<TAB>start<TAB>end per span.")],
    output: Output,
    model: ModelOption = None,
) -> None:
    """PTC technique classification: id<TAB>technique<TAB>start<TAB>end for every template span."""
    settings = _settings(ctx, model)
    with _progress() as progress:
        result = predict_ptc_tc(
            articles_dir,
            template,
            progress.loader("technique model", lambda: _load(settings)),
            settings,
            progress,
        )
    _finish(result, "classified spans", output, write_technique_spans)


@predict_app.command("semeval23-st3")
def semeval23_st3(
    ctx: typer.Context,
    articles_dir: ArticlesDir,
    template: Annotated[Path, typer.Argument(help="Subtask-3 template: id<TAB>paragraph<TAB>text per line.")],
    output: Output,
    model: ModelOption = None,
) -> None:
    """SemEval-2023 subtask 3: id<TAB>paragraph<TAB>t1,t2,… for every template paragraph."""
    settings = _settings(ctx, model)
    with _progress() as progress:
        result = predict_semeval23_st3(
            articles_dir,
            template,
            progress.loader("technique model", lambda: _load(settings)),
            settings,
            progress,
        )
    _finish(result, "paragraphs", output, write_paragraph_labels)


GenreFramesModelOption = Annotated[
    Path | None,
    typer.Option(
        "--model",
        help="Genre/frames model folder (default: the genre_frames_model setting, else shipped).",
    ),
]


def _predict_articles(
    ctx: typer.Context, articles_dir: Path, output: Path, model: Path | None, subtask: str
) -> None:
    from propwatch.evaluation.semeval23_articles import write_article_labels
    from propwatch.framing.model import GenreFramesModel, shipped_model_path
    from propwatch.framing.representation import REPRESENTATION, shared_article_encoder
    from propwatch.framing.tasks import predict_article_labels

    settings = settings_from(ctx, genre_frames_model=model)
    with err.status("Loading the genre/frames model…"):
        loaded = GenreFramesModel.load(
            settings.genre_frames_model or shipped_model_path(), representation=REPRESENTATION
        )
    with _progress() as progress:
        result = predict_article_labels(
            articles_dir,
            "genre" if subtask == "st1" else "frames",
            loaded,
            shared_article_encoder(),
            settings,
            progress,
        )
    _finish(result, "genres" if subtask == "st1" else "frame lists", output, write_article_labels)


@predict_app.command("semeval23-st1")
def semeval23_st1(
    ctx: typer.Context, articles_dir: ArticlesDir, output: Output, model: GenreFramesModelOption = None
) -> None:
    """SemEval-2023 subtask 1: id<TAB>genre (opinion, reporting or satire) for every article."""
    _predict_articles(ctx, articles_dir, output, model, "st1")


@predict_app.command("semeval23-st2")
def semeval23_st2(
    ctx: typer.Context, articles_dir: ArticlesDir, output: Output, model: GenreFramesModelOption = None
) -> None:
    """SemEval-2023 subtask 2: id<TAB>frame1,frame2,… for every article."""
    _predict_articles(ctx, articles_dir, output, model, "st2")


class ScoreFormat(StrEnum):
    text = "text"
    json = "json"


Gold = Annotated[Path, typer.Argument(metavar="GOLD", help="Gold label file.")]
Pred = Annotated[Path, typer.Argument(metavar="PRED", help="Prediction file.")]
FormatOption = Annotated[ScoreFormat, typer.Option("--format", "-f", help="Output format.")]


def _score(task: str, gold: Path, pred: Path, fmt: ScoreFormat) -> None:
    scores = score_files(task, gold, pred)
    if fmt is ScoreFormat.json:
        write_json(scores.as_dict())
    else:
        out.print(scores.summary(), highlight=False, soft_wrap=True)  # one line per figure, for scripts


@score_app.command("ptc-si")
def score_ptc_si(gold: Gold, pred: Pred, fmt: FormatOption = ScoreFormat.text) -> None:
    """PTC SI: span F1 with partial credit for character overlap (spans merged per article)."""
    _score("ptc-si", gold, pred, fmt)


@score_app.command("ptc-tc")
def score_ptc_tc(gold: Gold, pred: Pred, fmt: FormatOption = ScoreFormat.text) -> None:
    """PTC TC: micro-F1 over the gold spans (and per-technique figures)."""
    _score("ptc-tc", gold, pred, fmt)


@score_app.command("semeval23-st1")
def score_semeval23_st1(gold: Gold, pred: Pred, fmt: FormatOption = ScoreFormat.text) -> None:
    """SemEval-2023 subtask 1: macro-F1 over the genres (and accuracy as micro-F1)."""
    _score("semeval23-st1", gold, pred, fmt)


@score_app.command("semeval23-st2")
def score_semeval23_st2(gold: Gold, pred: Pred, fmt: FormatOption = ScoreFormat.text) -> None:
    """SemEval-2023 subtask 2: micro-F1 over (article, frame) pairs, and macro-F1 over the 14 frames."""
    _score("semeval23-st2", gold, pred, fmt)


@score_app.command("semeval23-st3")
def score_semeval23_st3(gold: Gold, pred: Pred, fmt: FormatOption = ScoreFormat.text) -> None:
    """SemEval-2023 subtask 3: micro- and macro-F1 over (paragraph, technique) pairs."""
    _score("semeval23-st3", gold, pred, fmt)


class CompareTask(StrEnum):
    ptc_si = "ptc-si"
    ptc_tc = "ptc-tc"
    semeval23_st1 = "semeval23-st1"
    semeval23_st2 = "semeval23-st2"
    semeval23_st3 = "semeval23-st3"


def compare(
    task: Annotated[
        CompareTask,
        typer.Argument(metavar="TASK", help="The shared task whose official metric compares them."),
    ],
    gold: Gold,
    pred_a: Annotated[
        Path, typer.Argument(metavar="PRED_A", help="Predictions of system A (the reference).")
    ],
    pred_b: Annotated[Path, typer.Argument(metavar="PRED_B", help="Predictions of system B.")],
    resamples: Annotated[int, typer.Option("--resamples", min=1, help="Bootstrap resamples.")] = 1000,
    seed: Annotated[int, typer.Option("--seed", help="Seed of the resampling.")] = 13,
    fmt: FormatOption = ScoreFormat.text,
) -> None:
    """Is B better than A? Both scored on the same articles resampled with replacement (paired
    bootstrap): B - A with its 95% interval, and how often B scores at least A."""
    bar = Progress(
        TextColumn("Resampling"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=True,
    )
    step = bar.add_task("compare", total=resamples)
    with bar:
        result = compare_files(
            task.value,
            gold,
            pred_a,
            pred_b,
            resamples=resamples,
            seed=seed,
            progress=lambda done, _total: bar.update(step, completed=done),
        )
    if fmt is ScoreFormat.json:
        write_json(result.as_dict())
    else:
        out.print(result.summary(), highlight=False)


CorporaOption = Annotated[
    Path, typer.Option("--data", exists=True, file_okay=False, help="The corpora folder (../shared/data).")
]
DEFAULT_CORPORA = Path("../shared/data")

evaluate_app = typer.Typer(
    name="evaluate",
    help="Score a shipped (or given) model on our own validation split with the official metrics.",
    no_args_is_help=True,
)


@evaluate_app.command("techniques")
def evaluate_techniques(
    ctx: typer.Context,
    data: CorporaOption = DEFAULT_CORPORA,
    model: ModelOption = None,
    fmt: FormatOption = ScoreFormat.text,
) -> None:
    """Subtask-3 micro/macro-F1 per language, PTC span F1 and PTC technique micro-F1 on the validation
    split the model was trained with (its model.json's seed and fraction, checked against its recorded
    fingerprints; seed 13, 15% when it records none), and the model's technique spans scored against the
    gold spans of their own technique (the SI formula per technique)."""
    from propwatch.evaluation.technique_model import evaluate_technique_model

    settings = _settings(ctx, model)
    result = evaluate_technique_model(
        _load(settings), data, progress=lambda line: err.print(line, highlight=False)
    )
    if fmt is ScoreFormat.json:
        print(json.dumps(dataclasses.asdict(result), indent=2))
        return
    for code, micro in result.st3_micro_f1.items():
        out.print(
            f"{code}: {result.articles[code]} articles, subtask-3 micro-F1 {micro:.4f} "
            f"(P {result.st3_precision[code]:.4f}, R {result.st3_recall[code]:.4f}), "
            f"macro-F1 {result.st3_macro_f1[code]:.4f} (split {result.fingerprints[code]})",
            highlight=False,
        )
    if result.ptc_si_f1 is not None:
        out.print(f"en: PTC span identification F1 {result.ptc_si_f1:.4f}", highlight=False)
    if result.ptc_tc_micro_f1 is not None:
        out.print(f"en: PTC technique classification micro-F1 {result.ptc_tc_micro_f1:.4f}", highlight=False)
    for code, pooled in result.technique_spans.items():
        out.print(
            f"{code}: technique spans F1 {pooled['f1']:.4f} (P {pooled['precision']:.4f}, "
            f"R {pooled['recall']:.4f}; {int(pooled['predicted'])} spans against {int(pooled['gold'])})",
            highlight=False,
        )
    languages = ", ".join(result.st3_micro_f1)
    for title, figures in (
        (f"Subtask 3 per technique, paragraphs of {languages} pooled", result.st3_per_technique),
        ("PTC technique classification per class (en)", result.ptc_tc_per_class),
        (f"Technique spans per technique, {languages} pooled", result.technique_spans_per_technique),
    ):
        if figures:
            out.print(_label_table(title, figures))


def _label_table(title: str, figures: dict[str, dict[str, float]]) -> Table:
    """One row per label, most frequent in gold first."""
    table = Table(title=title, title_justify="left")
    table.add_column("label", overflow="fold")
    for column in ("gold", "predicted", "P", "R", "F1"):
        table.add_column(column, justify="right")
    for name, row in sorted(figures.items(), key=lambda item: (-item[1]["gold"], item[0])):
        # The official scorers count the precision of a label never predicted as 1; a table shows none.
        precision = f"{row['precision']:.3f}" if row["predicted"] else "-"
        table.add_row(
            name,
            str(int(row["gold"])),
            str(int(row["predicted"])),
            precision,
            f"{row['recall']:.3f}",
            f"{row['f1']:.3f}",
        )
    return table


@evaluate_app.command("claims")
def evaluate_claims(
    ctx: typer.Context,
    data: CorporaOption = DEFAULT_CORPORA,
    model: Annotated[
        Path | None,
        typer.Option(
            "--model",
            help="A claims model folder (default: the claims_model setting, else the shipped one).",
        ),
    ] = None,
    fmt: FormatOption = ScoreFormat.text,
) -> None:
    """Check-worthiness F1 of Yes per dataset and language on the validation split the model was trained
    with, through the path the claims analyzer takes."""
    from propwatch.claims.model import CheckWorthinessModel, shipped_model_path
    from propwatch.evaluation.claims_model import evaluate_claims_model

    settings = settings_from(ctx)
    folder = model or settings.claims_model or shipped_model_path()
    result = evaluate_claims_model(
        CheckWorthinessModel.load(folder), data, progress=lambda line: err.print(line, highlight=False)
    )
    if fmt is ScoreFormat.json:
        print(json.dumps(dataclasses.asdict(result), indent=2))
        return
    out.print(f"claims model {result.version} ({folder})", highlight=False)
    for name, f in result.figures.items():
        counts = f"n {int(f['n']):>5}  yes {int(f['yes']):>5}"
        quality = f"P {f['precision']:.4f}  R {f['recall']:.4f}  F1 of Yes {f['f1']:.4f}"
        out.print(f"{name:<8} {counts}  {quality}  (best threshold {f['best_f1']:.4f})", highlight=False)
    out.print(f"expected calibration error {result.calibration['ece']:.4f}", highlight=False)


@evaluate_app.command("genre-frames")
def evaluate_genre_frames(
    ctx: typer.Context,
    data: CorporaOption = DEFAULT_CORPORA,
    model: GenreFramesModelOption = None,
    write: Annotated[
        Path | None,
        typer.Option("--write", help="Also write st1/st2 gold and predicted label files here (for compare)."),
    ] = None,
    fmt: FormatOption = ScoreFormat.text,
) -> None:
    """Genre macro-F1 (and articles right) and frames micro-F1 per language on the validation split the
    model was trained with, through the path the genre and frames analyzers take (the technique model of
    the settings gives genre its persuasion signals)."""
    from propwatch.evaluation.genre_frames_model import evaluate_genre_frames_model
    from propwatch.framing.model import GenreFramesModel, shipped_model_path
    from propwatch.framing.representation import REPRESENTATION, shared_article_encoder

    settings = settings_from(ctx, genre_frames_model=model)
    folder = settings.genre_frames_model or shipped_model_path()
    loaded = GenreFramesModel.load(folder, representation=REPRESENTATION)
    result = evaluate_genre_frames_model(
        loaded,
        data,
        settings,
        shared_article_encoder(),
        write_to=write,
        progress=lambda line: err.print(line, highlight=False),
    )
    if fmt is ScoreFormat.json:
        print(json.dumps(result.as_dict(), indent=2))
        return
    out.print(f"genre/frames model {result.version} ({folder})", highlight=False)
    for code, f1 in result.genre_macro_f1.items():
        frames = result.frames_micro_f1.get(code)
        out.print(
            f"{code:<4} genre macro-F1 {f1:.4f} ({result.genre_right[code]} of {result.genre_articles[code]} "
            f"right)"
            + (
                f", frames micro-F1 {frames:.4f} ({result.frames_articles[code]} articles)"
                if frames is not None
                else ""
            ),
            highlight=False,
        )
    if result.genre_confusion:
        out.print(_confusion_table(result.genre_confusion))
    if result.frames_per_frame:
        out.print(_label_table("Frames per frame, all languages pooled", result.frames_per_frame))


def _confusion_table(confusion: dict[str, dict[str, dict[str, int]]]) -> Table:
    """Rows: language and gold genre; columns: the predicted genre."""
    predicted = sorted({p for rows in confusion.values() for row in rows.values() for p in row})
    table = Table(title="Genre: gold (rows) against predicted (columns)", title_justify="left")
    table.add_column("language")
    table.add_column("gold")
    for name in predicted:
        table.add_column(name, justify="right")
    for code, rows in confusion.items():
        for gold, row in sorted(rows.items()):
            table.add_row(code, gold, *(str(row.get(name, 0)) for name in predicted))
    return table


@evaluate_app.command("ner")
def evaluate_ner(
    data: CorporaOption = DEFAULT_CORPORA,
    model: Annotated[
        Path | None,
        typer.Option("--model", help="An NER model folder with e5-ner.json (default: the shipped one)."),
    ] = None,
    fmt: FormatOption = ScoreFormat.text,
) -> None:
    """Entity F1 of the e5 NER tagger on every held-out and evaluation-only set, the back-end in use per
    language, and the languages the `train ner-tagger` rule gives it (at least 0.03 F1 better)."""
    from propwatch.targets.e5_ner import SPEC_FILE, E5NerSpec
    from propwatch.targets.ner import shipped_model_dir
    from propwatch.training.ner_tagger import evaluate_ner_tagger, read_sources

    folder = model or shipped_model_dir()
    seed = int(E5NerSpec.read(folder / SPEC_FILE).raw.get("training", {}).get("config", {}).get("seed", 13))
    figures, incumbent, languages = evaluate_ner_tagger(
        folder, data, read_sources(data, seed), progress=lambda line: err.print(line, highlight=False)
    )
    if fmt is ScoreFormat.json:
        document = {
            "figures": {name: dataclasses.asdict(scores) for name, scores in figures.items()},
            "incumbent_f1": incumbent,
            "languages": list(languages),
        }
        print(json.dumps(document, indent=2, ensure_ascii=False))
        return
    for name, scores in figures.items():
        out.print(
            f"{name:<16} P {scores.precision:.4f}  R {scores.recall:.4f}  F1 {scores.f1:.4f}  "
            f"({scores.gold} entities)",
            highlight=False,
        )
    out.print("back-ends in use: " + ", ".join(f"{k} {v:.4f}" for k, v in incumbent.items()), highlight=False)
    out.print(f"the e5 tagger would serve: {', '.join(languages) or 'no language'}", highlight=False)
