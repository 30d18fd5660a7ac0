"""Batch runs on Dask: read inputs into partitions, analyse them on workers, write them as they finish.

The driver (this process) reads the inputs in order and cuts them into partitions of
``batch_partition_size`` items (new articles, exact copies, failed inputs), skipping every article
whose content hash a finished partition already holds; workers analyse partitions with a pipeline
built once per process; the driver stores each result (in the database first, when asked) as a
partition folder renamed into place. A run that is killed loses only unfinished partitions, and the
next run redoes exactly those.
"""

from __future__ import annotations

import logging
import os
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from distributed import Client, Future, LocalCluster, as_completed
from distributed.comm.core import CommClosedError

from propwatch import __version__
from propwatch.analyzers import registry
from propwatch.batch.output import BatchOutput, Finished, read_table
from propwatch.batch.parquet_input import iter_batch_sources
from propwatch.batch.worker import (
    Partition,
    PartitionResult,
    PipelinePlugin,
    analyse_partition,
    copy_key,
    failure_key,
    place_key,
)
from propwatch.domain import Article, Failure
from propwatch.errors import (
    BlockedInputError,
    ConfigurationError,
    InputNotFoundError,
    PropwatchError,
    exception_summary,
)
from propwatch.ingest.bulk import exception_reason
from propwatch.ingest.sources import with_default_outlet
from propwatch.republication.minhash import SignatureParams, signature_from_bytes
from propwatch.republication.signatures import save_signatures
from propwatch.settings import Settings
from propwatch.storage.records import Appearance
from propwatch.storage.store import ArticleStore

log = logging.getLogger(__name__)


@dataclass
class BatchProgress:
    """Counts so far, handed to the progress callback after every change worth showing."""

    dashboard_link: str | None = None
    workers: int = 0
    read: int = 0
    already_done: int = 0
    copies: int = 0
    partitions_submitted: int = 0
    partitions_written: int = 0
    analysed: int = 0
    failed: int = 0
    blocked: int = 0  # analysed but not stored: deleted with --block (the Parquet tables have them)
    partition_errors: list[str] = field(default_factory=list)
    last_partition: str | None = None


@dataclass(frozen=True)
class BatchSummary:
    out_dir: Path
    progress: BatchProgress
    finished: Finished

    @property
    def complete(self) -> bool:
        """True when every partition was written (a rerun would find nothing left to do)."""
        return not self.progress.partition_errors


ProgressCallback = Callable[[BatchProgress], None]


def plan_partitions(
    items: Iterable[Article | Failure],
    done: set[str],
    size: int,
    progress: BatchProgress,
    *,
    keep_raw: bool = False,
    places_done: bool = True,
) -> Iterator[Partition]:
    """Cut the input into partitions of ``size`` items, leaving out all work already ``done``.

    The first occurrence of a text is analysed; later ones (same content hash) are exact copies,
    kept with their own URL, outlet and origin (a copied file is listed too) for the republication clusters.
    A text analysed by an earlier run is a copy wherever it is met but at the place it was read from
    (``done`` holds that place's copy key; ``places_done`` False: earlier partitions do not record it,
    so its first occurrence is taken for that place, as before).
    """
    # 16 bytes of each content hash: a third of the memory of the hex string, no collision in practice.
    seen: set[bytes] = set()
    seen_keys: set[str] = set()
    own_places: set[bytes] = set()  # where this run read each text first, as 16 bytes too
    articles: list[Article] = []
    copies: list[Article] = []
    failures: list[Failure] = []
    for item in items:
        progress.read += 1
        if isinstance(item, Failure):
            key = failure_key(item)
            if key not in done and key not in seen_keys:
                seen_keys.add(key)
                failures.append(item)
        else:
            content = item.content_hash  # computed from the text on every access: once here
            digest = bytes.fromhex(content[:32])
            if digest in seen or (places_done and content in done):
                if digest not in seen:  # a text an earlier run analysed, met here first
                    seen.add(digest)
                    progress.already_done += 1
                key, place = copy_key(item), place_key(item, content)
                # the same place met before, under this run's spelling or an earlier one's
                met = (
                    key in done
                    or key in seen_keys
                    or place in seen_keys
                    or bytes.fromhex(place[6:]) in own_places
                    or (places_done and place in done)
                )
                if not met:  # a copied file is listed by its origin
                    seen_keys.update((key, place))
                    copies.append(item.model_copy(update={"raw": None}))
                    progress.copies += 1
            else:
                seen.add(digest)
                own_places.add(bytes.fromhex(place_key(item, content)[6:]))  # a duplicate there is no copy
                if content in done:
                    progress.already_done += 1
                else:
                    articles.append(item if keep_raw else item.model_copy(update={"raw": None}))
        if len(articles) + len(copies) + len(failures) >= size:
            yield Partition(tuple(articles), tuple(copies), tuple(failures))
            articles, copies, failures = [], [], []
    if articles or copies or failures:
        yield Partition(tuple(articles), tuple(copies), tuple(failures))


@contextmanager
def dask_client(
    settings: Settings, *, scheduler: str | None = None, workers: int | None = None
) -> Iterator[Client]:
    """A client of the cluster at ``scheduler``, or of a new local cluster of worker processes."""
    if scheduler:
        try:
            client = Client(scheduler, timeout="20s")  # type: ignore[no-untyped-call]
        except (OSError, TimeoutError) as error:
            raise ConfigurationError(scheduler, f"cannot connect to the Dask scheduler: {error}") from error
        with client:
            yield client
        return
    n_workers = workers or settings.batch_workers or os.cpu_count() or 1
    try:
        cluster = LocalCluster(  # type: ignore[no-untyped-call]
            n_workers=n_workers,
            threads_per_worker=1,  # analyzers use their own threads; one task per process
            processes=True,
            memory_limit=settings.batch_worker_memory,
            silence_logs=logging.ERROR,
        )
    except ValueError as error:
        raise ConfigurationError(
            f"batch_worker_memory={settings.batch_worker_memory!r}", f"cannot start the workers: {error}"
        ) from error
    with cluster, Client(cluster) as client:  # type: ignore[no-untyped-call]
        yield client


def run_batch(
    sources: Sequence[str],
    out_dir: Path,
    settings: Settings,
    *,
    client: Client | None = None,
    scheduler: str | None = None,
    workers: int | None = None,
    store: ArticleStore | None = None,
    on_progress: ProgressCallback | None = None,
    stdin: BinaryIO | None = None,
    outlet: str | None = None,
) -> BatchSummary:
    """Analyse every article of ``sources`` on Dask and write the tables to ``out_dir`` (resumable).

    Uses ``client`` if given, else connects to ``scheduler``, else starts a local cluster of
    ``workers`` processes. With ``store``, each analysis (and its text signature) is also saved in
    the database before its partition is marked done. ``outlet`` names the outlet of every article
    whose source names none.
    """
    _refuse_when_nothing_exists(sources)
    # Those the workers' pipelines run; unknown ones fail before any work.
    chosen = registry.resolve(settings.analyzers, registry.available(), dependents=store is not None)
    _refuse_output_inside_inputs(out_dir, sources)
    output = BatchOutput(out_dir)
    output.prepare()
    # A folder's partitions are only comparable when made by the same analyzers, stored or not (its
    # done partitions would otherwise be skipped by a run that has to store them).
    output.claim(
        {
            "analyzers": {cls.name: cls.version for cls in chosen},
            "propwatch": __version__,
            "stored": store is not None,
        }
    )
    done = output.done_keys()
    progress = BatchProgress()
    report = on_progress or (lambda _progress: None)
    items = with_default_outlet(iter_batch_sources(sources, settings, stdin=stdin), outlet)
    partitions = plan_partitions(
        items,
        done,
        settings.batch_partition_size,
        progress,
        keep_raw=store is not None,
        places_done=output.places_recorded(),
    )
    if client is not None:
        _run_partitions(client, partitions, output, settings, store, progress, report)
    else:
        with dask_client(settings, scheduler=scheduler, workers=workers) as own_client:
            _run_partitions(own_client, partitions, output, settings, store, progress, report)
    finished = output.finish(SignatureParams.from_settings(settings))
    if store is not None:  # once every partition is stored: a copy may finish before its first text
        store.save_appearances(
            [
                (
                    row["article_id"],
                    Appearance(row["url"], row["outlet"], row["published"], row["title"], row["origin"]),
                )
                for row in read_table(out_dir, "copies").to_pylist()
            ]
        )
    return BatchSummary(out_dir=out_dir, progress=progress, finished=finished)


def _refuse_when_nothing_exists(sources: Sequence[str]) -> None:
    """No input there at all (a mistyped folder): said before a cluster starts and an output is made."""
    local = [s for s in sources if s != "-" and "://" not in s]
    if local and len(local) == len(sources) and not any(Path(s).exists() for s in local):
        raise InputNotFoundError(
            local[0], "no such file or folder" + (" (nor any other input)" if len(local) > 1 else "")
        )


def _refuse_output_inside_inputs(out_dir: Path, sources: Sequence[str]) -> None:
    """The tables of an output folder inside an input folder would be read as articles by the rerun
    that resumes the run."""
    out = out_dir.resolve()
    for source in sources:
        folder = Path(source)
        if source != "-" and folder.is_dir() and out.is_relative_to(folder.resolve()):
            raise ConfigurationError(
                str(out_dir),
                f"is inside the input folder {source}: a rerun would read its tables as articles; "
                "write the output outside the folders it reads",
            )


def _run_partitions(
    client: Client,
    partitions: Iterator[Partition],
    output: BatchOutput,
    settings: Settings,
    store: ArticleStore | None,
    progress: BatchProgress,
    report: ProgressCallback,
) -> None:
    try:
        client.register_plugin(PipelinePlugin(settings, storing=store is not None))
    except (CommClosedError, OSError) as error:  # a worker killed while loading the models
        raise ConfigurationError(
            f"batch_worker_memory={settings.batch_worker_memory!r}",
            f"the Dask workers stopped while loading the analyzers ({exception_summary(error)}); give each "
            "more memory with --worker-memory (the technique model alone needs about 900 MiB)",
        ) from error
    progress.dashboard_link = client.dashboard_link
    progress.workers = len(client.scheduler_info().get("workers", {})) or 1
    report(progress)
    # Enough queued to keep every worker busy, few enough that memory stays bounded.
    limit = 2 * progress.workers
    running = as_completed()  # type: ignore[no-untyped-call]
    pending: dict[Future[PartitionResult], Partition] = {}
    try:
        for partition in partitions:
            future = client.submit(
                analyse_partition,
                partition,
                settings,
                store is not None,
                key=f"analyse-{partition.name}-{uuid.uuid4().hex[:8]}",
                retries=1,
            )
            pending[future] = partition
            running.add(future)  # type: ignore[no-untyped-call]
            progress.partitions_submitted += 1
            report(progress)
            while running.count() >= limit:  # type: ignore[no-untyped-call]
                _collect(next(running), pending, output, settings, store, progress, report)
        for future in running:
            _collect(future, pending, output, settings, store, progress, report)
    finally:
        if pending:  # interrupted: nothing half-done is kept, the next run redoes these partitions
            client.cancel(list(pending))  # type: ignore[no-untyped-call]


def _collect(
    future: Future[PartitionResult],
    pending: dict[Future[PartitionResult], Partition],
    output: BatchOutput,
    settings: Settings,
    store: ArticleStore | None,
    progress: BatchProgress,
    report: ProgressCallback,
) -> None:
    partition = pending.pop(future)
    try:
        result: PartitionResult = future.result()
    except PropwatchError:
        raise
    except Exception as error:  # a worker died or the task broke: this partition is retried next run
        progress.partition_errors.append(
            f"{partition.name} ({len(partition)} items): {exception_reason(error)}"
        )
        report(progress)
        return
    finally:
        future.release()  # type: ignore[no-untyped-call]
    if store is not None:
        progress.blocked += _store(result, store, settings)
    output.write_partition(result)
    progress.partitions_written += 1
    progress.analysed += result.n_analysed
    progress.failed += result.n_failed
    progress.last_partition = result.name
    report(progress)


def _store(result: PartitionResult, store: ArticleStore, settings: Settings) -> int:
    """Save analyses and signatures before the partition counts as done (saving twice changes nothing);
    returns how many were not stored because their texts were deleted with --block."""
    blocked = 0
    for analysis in result.analyses:
        try:
            store.save_analysis(analysis)
        except BlockedInputError:
            blocked += 1
    params = SignatureParams.from_settings(settings)
    signatures = {
        row["article_id"]: signature_from_bytes(row["hashvalues"])
        for row in result.tables["signatures"].to_pylist()
        if row["params"] == params.key
    }
    save_signatures(store, signatures, params)
    return blocked
