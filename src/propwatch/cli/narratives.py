"""``propwatch narratives …`` (import, list, calibrate) and the claim-retrieval shared-task commands.

The lead's CLI wires these in: ``app.add_typer(narratives.app, name="narratives")``,
``narratives.register_predict(predict_app)`` and ``narratives.register_score(score_app)``.
"""

from __future__ import annotations

import contextlib
import json
import sys
from collections.abc import Callable, Iterator
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from propwatch.cli.options import labelled, literal_console, settings_from, text_output
from propwatch.errors import ConfigurationError
from propwatch.narratives.calibration import calibrate, read_labelled
from propwatch.narratives.catalogue import iter_narratives, load_catalogues, unknown_attack_names
from propwatch.narratives.embeddings import Embedder, EmbeddingCache
from propwatch.narratives.euvsdisinfo import DEFAULT_NAME, MAX_EXAMPLES, MIN_CASES, import_euvsdisinfo
from propwatch.narratives.matching import NarrativeIndex, threshold_for
from propwatch.narratives.ranker import SHIPPED_MODEL, ClaimRanker
from propwatch.narratives.retrieval import (
    DEFAULT_DEPTH,
    LEXICAL_WEIGHT,
    RUN_TAG,
    ClaimRetriever,
    mean_average_precision,
    read_qrels,
    read_queries,
    read_run,
    read_verified_claims,
    write_trec_run,
)

app = typer.Typer(
    name="narratives",
    help="Catalogues of known disinformation narratives: import, list, calibrate.",
    no_args_is_help=True,
)
out = literal_console()
err = literal_console(stderr=True)


class ListFormat(StrEnum):
    text = "text"
    json = "json"


@contextlib.contextmanager
def _progress(label: str) -> Iterator[Callable[[int, int], None]]:
    """A progress bar on stderr for embedding runs; the callback takes (done, total)."""
    with Progress(
        TextColumn(label),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=True,
        redirect_stdout=sys.stdout.isatty(),  # a run file piped out stays in the pipe
    ) as progress:
        task = progress.add_task(label, total=None)

        def update(done: int, total: int) -> None:
            progress.update(task, completed=done, total=total)

        yield update


@app.command("import")
def import_command(
    ctx: typer.Context,
    csv_file: Annotated[Path, typer.Argument(metavar="EUVSDISINFO.csv", help="EUvsDisinfo CSV export.")],
    name: Annotated[
        str, typer.Option("--name", help="Catalogue name: the file data_dir/narratives/NAME.yaml.")
    ] = DEFAULT_NAME,
    min_cases: Annotated[
        int, typer.Option("--min-cases", min=1, help="Smallest number of cases a keyword group needs.")
    ] = MIN_CASES,
    max_examples: Annotated[
        int, typer.Option("--max-examples", min=1, help="Example claims kept per entry (most recent cases).")
    ] = MAX_EXAMPLES,
    replace: Annotated[
        bool,
        typer.Option("--replace", help="Overwrite a catalogue of that name that no import wrote (yours)."),
    ] = False,
) -> None:
    """Turn an EUvsDisinfo CSV export into a catalogue in your data folder (never in the repository)."""
    settings = settings_from(ctx)
    report = import_euvsdisinfo(
        csv_file, settings, name=name, min_cases=min_cases, max_examples=max_examples, replace=replace
    )
    assert report.catalogue is not None  # import_euvsdisinfo raises instead of writing nothing
    for line in report.skipped[:20]:
        err.print(labelled("skipped:", "yellow", line), highlight=False)
    if len(report.skipped) > 20:
        err.print(f"… and {len(report.skipped) - 20} more skipped rows", highlight=False)
    if report.undated:
        count, first = len(report.undated), report.undated[0]
        said = f"{count} {'date' if count == 1 else 'dates'} not read, kept undated: {first}"
        said += f" (and {count - 1} more)" if count > 1 else ""
        said += "; dates are read as YYYY-MM-DD, MM/DD/YY(YY) or DD.MM.YYYY"
        err.print(labelled("warning:", "yellow", said), highlight=False)
    verb = "Replaced" if report.replaced else "Wrote"
    out.print(
        f"{verb} {report.path}: {len(report.catalogue.narratives)} entries from {report.cases} cases "
        f"({report.rows} rows, {report.duplicates} duplicates, {len(report.skipped)} skipped, "
        f"{report.ungrouped} cases in no keyword group of {min_cases}+).",
        highlight=False,
    )


@app.command("list")
def list_command(
    ctx: typer.Context,
    entries: Annotated[bool, typer.Option("--entries", help="Also list every narrative.")] = False,
    fmt: Annotated[ListFormat, typer.Option("--format", "-f", help="Output format.")] = ListFormat.text,
) -> None:
    """Show the catalogues in use and how many narratives and example claims each holds; warn of
    ``attacks`` names no target alias catalogue knows."""
    settings = settings_from(ctx)
    catalogues = load_catalogues(settings)
    for line in unknown_attack_names(settings, catalogues):
        err.print(labelled("warning:", "yellow", line), highlight=False)
    if fmt is ListFormat.json:
        records = [
            {
                "name": c.name,
                "path": c.path,
                "narratives": len(c.narratives),
                "example_claims": sum(len(v) for n in c.narratives for v in n.example_claims.values()),
                "languages": sorted({lang for n in c.narratives for lang in n.example_claims}),
                **(
                    {"entries": [{"id": n.id, "title": n.title, "tags": list(n.tags)} for n in c.narratives]}
                    if entries
                    else {}
                ),
            }
            for c in catalogues
        ]
        sys.stdout.write(json.dumps(records, indent=2, ensure_ascii=False) + "\n")
        return
    if not catalogues:
        out.print("No narrative catalogue is in use.")
        return
    table = Table(title="Narrative catalogues")
    for column in ("Name", "Narratives", "Example claims", "Languages", "File"):
        table.add_column(column, overflow="fold")
    for c in catalogues:
        table.add_row(
            c.name,
            str(len(c.narratives)),
            str(sum(len(v) for n in c.narratives for v in n.example_claims.values())),
            ", ".join(sorted({lang for n in c.narratives for lang in n.example_claims})),
            c.path or "",
        )
    out.print(table)
    if entries:
        listing = Table(title="Narratives")
        for column in ("Id", "Title", "Tags", "Catalogue"):
            listing.add_column(column, overflow="fold")
        for catalogue in catalogues:
            for narrative in catalogue.narratives:
                listing.add_row(narrative.id, narrative.title, ", ".join(narrative.tags), catalogue.name)
        out.print(listing)


@app.command("calibrate")
def calibrate_command(
    ctx: typer.Context,
    labelled: Annotated[
        Path,
        typer.Argument(metavar="LABELLED.tsv", help="language, narrative, split, text (docs/narratives.md)."),
    ],
    shipped: Annotated[
        bool, typer.Option("--shipped", help="Evaluate the shipped thresholds instead of choosing new ones.")
    ] = False,
) -> None:
    """Choose thresholds on the 'tune' sentences and report precision@1, recall@5 and F1 per language."""
    settings = settings_from(ctx)
    catalogues = load_catalogues(settings)
    sentences = read_labelled(labelled, known_ids=(n.id for n in iter_narratives(catalogues)))
    with _progress("Embedding the catalogues") as progress:
        embedder = Embedder(settings)
        progress(0, 1)
        index = NarrativeIndex(catalogues, embedder, EmbeddingCache.from_settings(settings))
    # --shipped measures what analyze uses: every language's own threshold, or the default one.
    used = {s.language: threshold_for(s.language, settings) for s in sentences} if shipped else None
    result = calibrate(index, sentences, used)
    table = Table(title="Narrative matching on " + str(labelled))
    for column in ("Lang", "Split", "Sentences", "Labelled", "P@1", "R@5", "Threshold", "P", "R", "F1"):
        table.add_column(column)
    for q in result.quality:
        table.add_row(
            q.language,
            q.split,
            str(q.sentences),
            str(q.labelled),
            f"{q.precision_at_1:.3f}",
            f"{q.recall_at_5:.3f}",
            f"{q.threshold:.3f}",
            f"{q.precision:.3f}",
            f"{q.recall:.3f}",
            f"{q.f1:.3f}",
        )
    out.print(table)


def register_predict(predict_app: typer.Typer) -> None:
    """Add ``claim-retrieval`` to the ``propwatch predict`` sub-command."""

    @predict_app.command("claim-retrieval")
    def predict_claim_retrieval(
        ctx: typer.Context,
        tweets: Annotated[
            Path, typer.Argument(metavar="TWEETS.tsv", help="tweet_id<TAB>tweet_content, header row.")
        ],
        vclaims: Annotated[
            Path, typer.Argument(metavar="VCLAIMS.tsv", help="vclaim_id<TAB>vclaim<TAB>title, header row.")
        ],
        output: Annotated[Path, typer.Option("--output", "-o", help="TREC run file to write.")],
        depth: Annotated[
            int, typer.Option("--depth", min=1, max=1000, help="Claims ranked per tweet.")
        ] = DEFAULT_DEPTH,
        lexical_weight: Annotated[
            float,
            typer.Option(
                "--lexical-weight",
                min=0.0,
                help="Weight of the BM25 score (0: embeddings only), with --ranker none.",
            ),
        ] = LEXICAL_WEIGHT,
        tag: Annotated[str, typer.Option("--tag", help="Run tag (last column).")] = RUN_TAG,
        ranker: Annotated[
            str | None,
            typer.Option(
                "--ranker",
                help="Re-ranker model folder (default: the shipped one), or 'none' for zero-shot scores.",
            ),
        ] = None,
    ) -> None:
        """Rank verified claims for each tweet (CheckThat! 2020 Task 2) and write a TREC run."""
        if not tag or any(c.isspace() for c in tag):
            raise ConfigurationError("--tag", f"{tag!r} must be one word")
        settings = settings_from(ctx)
        queries = read_queries(tweets)
        claims = read_verified_claims(vclaims)
        learned = None if ranker == "none" else ClaimRanker.load(Path(ranker) if ranker else SHIPPED_MODEL)
        if learned is not None and lexical_weight != LEXICAL_WEIGHT:
            err.print(
                labelled(
                    "warning:",
                    "yellow",
                    "--lexical-weight applies to --ranker none only; the ranker uses its own"
                    f" ({learned.lexical_weight})",
                ),
                highlight=False,
            )
        embedder = Embedder(settings)
        with _progress("Embedding verified claims") as progress:
            retriever = ClaimRetriever(
                claims,
                embedder,
                EmbeddingCache.from_settings(settings),
                lexical_weight=lexical_weight,
                progress=progress,
                ranker=learned,
            )
        with _progress("Ranking tweets") as progress:
            ranking = retriever.rank(queries, depth=depth, progress=progress)
        with text_output(output) as stream:
            lines = write_trec_run(ranking, stream, tag)
        err.print(f"Wrote {lines} lines for {len(queries)} tweets to {output}.", highlight=False)


def register_score(score_app: typer.Typer) -> None:
    """Add ``claim-retrieval`` to the ``propwatch score`` sub-command."""

    @score_app.command("claim-retrieval")
    def score_claim_retrieval(
        qrels: Annotated[
            Path, typer.Argument(metavar="QRELS", help="query_id 0 vclaim_id relevance per line.")
        ],
        run: Annotated[
            Path, typer.Argument(metavar="RUN", help="TREC run: query_id Q0 vclaim_id rank score tag.")
        ],
        k: Annotated[int, typer.Option("--k", min=1, help="Depth of MAP@k (official: 5).")] = 5,
        fmt: Annotated[ListFormat, typer.Option("--format", "-f", help="Output format.")] = ListFormat.text,
    ) -> None:
        """MAP@k of a claim-retrieval run, computed as the official CheckThat! 2020 scorer does."""
        gold, ranked = read_qrels(qrels), read_run(run)
        depths = sorted({1, 3, k, 10, 20})
        results = {depth: mean_average_precision(gold, ranked, depth) for depth in depths}
        main = results[k]
        if fmt is ListFormat.json:
            record = {f"MAP@{d}": r.map for d, r in results.items()} | {
                "queries_scored": len(main.per_query),
                "missing_from_run": list(main.missing_from_run),
            }
            sys.stdout.write(json.dumps(record, indent=2) + "\n")
            return
        out.print(f"MAP@{k}: {main.map:.4f}  ({len(main.per_query)} queries scored)", highlight=False)
        out.print("  " + "  ".join(f"MAP@{d} {r.map:.4f}" for d, r in results.items()), highlight=False)
        if main.missing_from_run:
            err.print(
                labelled(
                    "warning:",
                    "yellow",
                    f"{len(main.missing_from_run)} queries of the qrels have no ranked claims"
                    " (not counted, as in the official scorer)",
                ),
                highlight=False,
            )
