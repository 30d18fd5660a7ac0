"""``propwatch batch`` (corpus runs on Dask) and ``propwatch watch`` (feed monitoring).

Registered on the main app by :func:`register`; each command parses its options, calls one
library function and formats what comes back.
"""

from __future__ import annotations

import contextlib
import signal
import sys
import threading
from datetime import datetime
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from propwatch.cli.options import DefaultOutlet, labelled, printable, settings_from
from propwatch.storage.store import ArticleStore

if TYPE_CHECKING:
    from propwatch.batch.runner import BatchProgress, BatchSummary
    from propwatch.batch.watch import WatchEvent
    from propwatch.republication.minhash import Copy, RepublicationCluster

# Clusters listed on the terminal; the clusters table in the output has them all.
SHOWN_CLUSTERS = 10
SHOWN_FAILURES = 20

_PROGRESS_TEXT = (
    "{task.fields[read]} read so far · {task.fields[written]} partitions written of "
    "{task.fields[submitted]} sent · "
    "{task.fields[analysed]} analysed · {task.fields[failed]} failed · "
    "{task.fields[done]} already done · {task.fields[copies]} exact copies"
)


def batch(
    ctx: typer.Context,
    inputs: Annotated[
        list[str],
        typer.Argument(help="Folders, JSONL, CSV, Parquet and WARC files, feeds or URLs; '-' reads stdin."),
    ],
    out: Annotated[Path, typer.Option("--out", "-o", help="Output folder (Parquet tables); reruns resume.")],
    scheduler: Annotated[
        str | None,
        typer.Option("--scheduler", help="Address of an existing Dask scheduler, e.g. tcp://host:8786."),
    ] = None,
    workers: Annotated[
        int | None,
        typer.Option("--workers", "-w", min=1, help="Local worker processes (default: one per core)."),
    ] = None,
    db: Annotated[
        str | None, typer.Option("--db", help="Also store articles and analyses in this database URL.")
    ] = None,
    store: Annotated[
        bool, typer.Option("--store", help="Also store articles and analyses in the default database.")
    ] = False,
    analyzer: Annotated[
        list[str] | None, typer.Option("--analyzer", "-a", help="Run only these analyzers (repeatable).")
    ] = None,
    partition_size: Annotated[
        int | None, typer.Option("--partition-size", min=1, help="Articles per partition.")
    ] = None,
    worker_memory: Annotated[
        str | None, typer.Option("--worker-memory", help="Memory limit per local worker, e.g. 2GiB.")
    ] = None,
    allow_private_addresses: Annotated[
        bool | None,
        typer.Option("--allow-private-addresses", help="Fetch URLs on loopback/private networks."),
    ] = None,
    ignore_robots: Annotated[
        bool, typer.Option("--ignore-robots", help="Fetch pages even where robots.txt forbids it.")
    ] = False,
    outlet: DefaultOutlet = None,
) -> None:
    """Analyse a corpus on a Dask cluster and write Parquet tables; rerun the same command to resume."""
    # Imported here: Dask and pyarrow take seconds to load, and every other command can do without.
    from propwatch.batch.runner import BatchProgress, run_batch
    from propwatch.cli import err

    settings = settings_from(
        ctx,
        db=db,
        analyzers=tuple(analyzer) if analyzer else None,
        batch_partition_size=partition_size,
        batch_worker_memory=worker_memory,
        allow_private_addresses=allow_private_addresses,
        respect_robots=False if ignore_robots else None,
    )
    storing = store or db is not None
    progress = Progress(
        SpinnerColumn(),
        TextColumn("Batch"),
        TextColumn(_PROGRESS_TEXT),
        TimeElapsedColumn(),
        console=err,
        redirect_stdout=sys.stdout.isatty(),  # what is piped out stays in the pipe
    )
    task = progress.add_task("batch", total=None, **_fields(BatchProgress()))
    shown = {"dashboard": False, "errors": 0}

    def update(state: BatchProgress) -> None:
        if not shown["dashboard"]:
            shown["dashboard"] = True
            where = state.dashboard_link or "not available (install bokeh>=3.1 to get it)"
            err.print(f"Dask dashboard: {where}  ({state.workers} workers)", highlight=False)
        for line in state.partition_errors[shown["errors"] :]:
            err.print(labelled("partition failed:", "red", line), highlight=False)
        shown["errors"] = len(state.partition_errors)
        progress.update(task, **_fields(state))

    try:
        with progress, contextlib.ExitStack() as stack:
            opened = stack.enter_context(ArticleStore.from_settings(settings)) if storing else None
            summary = run_batch(
                inputs,
                out,
                settings,
                scheduler=scheduler,
                workers=workers,
                store=opened,
                on_progress=update,
                outlet=outlet,
            )
    except KeyboardInterrupt:
        err.print(
            f"Interrupted: the finished partitions in {out} are kept; run the same command again to resume.",
            highlight=False,
        )
        raise typer.Exit(130) from None
    _print_summary(summary, err)
    if not summary.complete:
        err.print("Some partitions failed; run the same command again to finish them.", highlight=False)
        raise typer.Exit(1)
    if summary.finished.failures:
        _print_failures(summary.out_dir, err)
        raise typer.Exit(2)


def _print_failures(out_dir: Path, console: Console) -> None:
    from propwatch.batch.output import read_table

    rows = read_table(out_dir, "failures").select(["input", "reason"]).to_pylist()
    console.print("Failed inputs:", highlight=False)
    for row in rows[:SHOWN_FAILURES]:
        console.print(Text(printable(f"  {row['input']}: {row['reason']}")), highlight=False)
    if len(rows) > SHOWN_FAILURES:
        console.print(f"  … and {len(rows) - SHOWN_FAILURES} more in {out_dir / 'failures'}", highlight=False)


def _fields(state: BatchProgress) -> dict[str, Any]:
    return {
        "read": state.read,
        "written": state.partitions_written,
        "submitted": state.partitions_submitted,
        "analysed": state.analysed,
        "failed": state.failed,
        "done": state.already_done,
        "copies": state.copies,
    }


def _print_summary(summary: BatchSummary, console: Console) -> None:
    finished = summary.finished
    state = summary.progress
    console.print(
        f"This run: {state.analysed} analysed, {state.failed} failed, {state.already_done} already done, "
        f"{state.copies} exact copies. Output {summary.out_dir}: {finished.articles} articles, "
        f"{finished.spans} spans, {finished.labels} labels, {finished.failures} failed inputs, "
        f"{len(finished.clusters)} republication clusters.",
        highlight=False,
    )
    if state.blocked:
        console.print(
            f"{state.blocked} analysed texts were not stored: they were deleted with --block "
            "('propwatch blocked' lists them); the Parquet tables have them.",
            highlight=False,
        )
    if finished.clusters:
        console.print(cluster_table(finished.clusters[:SHOWN_CLUSTERS]))
        if len(finished.clusters) > SHOWN_CLUSTERS:
            more = len(finished.clusters) - SHOWN_CLUSTERS
            console.print(f"… and {more} more in {summary.out_dir / 'clusters.parquet'}", highlight=False)


def cluster_table(clusters: tuple[RepublicationCluster, ...] | list[RepublicationCluster]) -> Table:
    """Republication clusters as a terminal table: origin first, then where the text appeared again."""
    table = Table(title="Republished texts (earliest publication first)")
    for column in ("Cluster", "Copies", "Sites", "Origin", "Also on"):
        table.add_column(column, overflow="fold")
    for cluster in clusters:
        origin = cluster.origin
        also = ", ".join(_place(copy) for copy in cluster.copies[1:])
        table.add_row(
            cluster.cluster_id,
            str(len(cluster.copies)),
            str(len(cluster.outlets)),
            _place(origin),
            also,
        )
    return table


def _place(copy: Copy) -> str:
    when = copy.published.isoformat() if copy.published else "undated"
    return f"{copy.outlet or copy.url or copy.article_id} ({when})"


def watch(
    ctx: typer.Context,
    feeds_file: Annotated[Path, typer.Argument(help="File listing feed URLs, one per line ('#' comments).")],
    state: Annotated[
        Path | None, typer.Option("--state", help="State file (default: watch-state.json in the data dir).")
    ] = None,
    interval: Annotated[
        float | None, typer.Option("--interval", min=0.001, help="Seconds between two polls of a feed.")
    ] = None,
    host_delay: Annotated[
        float | None, typer.Option("--host-delay", min=0, help="Seconds between two requests to one host.")
    ] = None,
    items_per_turn: Annotated[
        int | None,
        typer.Option(
            "--items-per-turn", min=1, help="New items taken from one feed before the next feed's turn."
        ),
    ] = None,
    once: Annotated[
        bool,
        typer.Option(
            "--once", help="Give each feed with work one turn, then exit (for cron: the next run goes on)."
        ),
    ] = False,
    analyzer: Annotated[
        list[str] | None, typer.Option("--analyzer", "-a", help="Run only these analyzers (repeatable).")
    ] = None,
    allow_private_addresses: Annotated[
        bool | None,
        typer.Option("--allow-private-addresses", help="Fetch URLs on loopback/private networks."),
    ] = None,
    ignore_robots: Annotated[
        bool, typer.Option("--ignore-robots", help="Fetch pages even where robots.txt forbids it.")
    ] = False,
) -> None:
    """Poll RSS/Atom feeds and analyse and store every new item, until SIGTERM or Ctrl-C."""
    from propwatch.batch.watch import FeedWatcher, read_feeds_file
    from propwatch.cli import err, out

    settings = settings_from(
        ctx,
        analyzers=tuple(analyzer) if analyzer else None,
        watch_interval=interval,
        watch_host_delay=host_delay,
        watch_items_per_turn=items_per_turn,
        allow_private_addresses=allow_private_addresses,
        respect_robots=False if ignore_robots else None,
    )
    feeds = read_feeds_file(feeds_file, settings)
    stop = threading.Event()

    def on_signal(signum: int, _frame: FrameType | None) -> None:
        if not stop.is_set():
            err.print(f"{signal.Signals(signum).name}: stopping after the current item…", highlight=False)
        stop.set()

    failed: dict[str, int] = {}

    def on_event(event: WatchEvent) -> None:
        # a desk running it for days reads when a feed broke: local time, with its offset
        at = datetime.now().astimezone().isoformat(timespec="seconds")
        if event.kind in ("item-failed", "feed-failed"):
            failed[event.kind] = failed.get(event.kind, 0) + 1
        detail = printable(event.detail)  # a feed's links and titles: no terminal controls, no markup
        if event.kind == "stored":
            out.print(Text(f"{at} stored          {event.article_id}  {detail}"), highlight=False)
        elif event.kind == "already-stored":
            out.print(Text(f"{at} already stored  {event.article_id}  {detail}"), highlight=False)
        elif event.kind in ("item-failed", "feed-failed"):
            line = Text.assemble(f"{at} ", labelled("error:", "red", f"{event.feed}: {event.detail}"))
            err.print(line, highlight=False)
        else:
            err.print(
                Text(printable(f"{at} {event.kind}: {event.feed} {event.detail}".rstrip())), highlight=False
            )

    previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        with ArticleStore.from_settings(settings) as store:
            watcher = FeedWatcher(feeds, settings, store=store, state_path=state, on_event=on_event)
            feeds_word = "feed" if len(feeds) == 1 else "feeds"
            err.print(f"Watching {len(feeds)} {feeds_word}; state in {watcher.state_path}.", highlight=False)
            watcher.run(stop, rounds=1 if once else None)
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    err.print("Stopped; state saved." if stop.is_set() else "Done.", highlight=False)
    if once and failed:  # a one-shot run (cron) tells its caller that something failed, as batch does
        err.print(
            f"{failed.get('feed-failed', 0)} feed polls and {failed.get('item-failed', 0)} items failed.",
            highlight=False,
        )
        raise typer.Exit(2)


def register(app: typer.Typer) -> None:
    """Add ``batch`` and ``watch`` to the ``propwatch`` command (once)."""
    names = {command.name for command in app.registered_commands}
    if "batch" not in names:
        app.command("batch")(batch)
    if "watch" not in names:
        app.command("watch")(watch)
