"""What runs on a Dask worker: one pipeline per process, and the analysis of one partition.

Analyzers load their models when built, so each worker process builds its pipeline once (when the
worker plugin is set up, or at its first partition) and keeps it for every partition after.
"""

from __future__ import annotations

import hashlib
import os
import re
import threading
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from typing import TYPE_CHECKING

import pyarrow as pa
from distributed.diagnostics.plugin import WorkerPlugin

from propwatch.batch import tables
from propwatch.domain import Analysis, Article, Failure
from propwatch.errors import PropwatchError
from propwatch.ingest.bulk import exception_reason
from propwatch.pipeline import Pipeline, batched
from propwatch.republication.minhash import SignatureParams, signature_to_bytes, text_signature
from propwatch.settings import Settings

if TYPE_CHECKING:
    from distributed import Worker

_pipelines: dict[str, Pipeline] = {}
_builds = 0
_lock = threading.Lock()


def pipeline_for(settings: Settings, storing: bool = False) -> Pipeline:
    """This process's pipeline for ``settings``, built (and its models loaded) on first use only;
    ``storing`` as for :meth:`Pipeline.from_settings`."""
    global _builds
    key = f"{storing}:{settings.model_dump_json()}"
    with _lock:
        pipeline = _pipelines.get(key)
        if pipeline is None:
            pipeline = Pipeline.from_settings(settings, storing=storing)
            _pipelines[key] = pipeline
            _builds += 1
        return pipeline


def pipeline_builds() -> int:
    """How many pipelines this process has built (one per distinct settings)."""
    return _builds


class PipelinePlugin(WorkerPlugin):
    """Builds the pipeline when a worker starts (or joins later), before any partition reaches it."""

    name = "propwatch-pipeline"

    def __init__(self, settings: Settings, storing: bool = False) -> None:
        self.settings = settings
        self.storing = storing

    def setup(self, worker: Worker) -> None:
        pipeline_for(self.settings, self.storing)


def failure_key(failure: Failure) -> str:
    return "failure:" + hashlib.sha256(f"{failure.input}\0{failure.reason}".encode()).hexdigest()[:32]


def copy_key(article: Article) -> str:
    where = f"{article.content_hash}\0{article.url}\0{article.outlet}\0{article.origin}"
    return "copy:" + hashlib.sha256(where.encode()).hexdigest()[:32]


# "crawl/a.jsonl line 3", "crawl/b.csv row 2", "crawl.warc.gz record 7": a file and a place in it.
_IN_FILE = re.compile(r"^(?P<file>.+?)(?P<inside> (?:line|row|record) \d+)$")


def place_key(article: Article, content_hash: str | None = None) -> str:
    """Where the text was read, however the command named it: its URL, else its file's real path (with
    the line, row or record in it). A rerun from another folder, by another spelling of the corpus, or
    with another --outlet reads the same places; the copy key (with the path as typed and the outlet)
    had called each of them a copy of itself. ``content_hash``: the article's, when the caller has it
    (the property hashes the whole text on every access)."""
    where = article.url or _real_origin(article.origin or "")
    content = content_hash or article.content_hash
    return "place:" + hashlib.sha256(f"{content}\0{where}".encode()).hexdigest()[:32]


def _real_origin(origin: str) -> str:
    found = _IN_FILE.match(origin)
    file, inside = (found.group("file"), found.group("inside")) if found else (origin, "")
    real = _real_file(file)
    return real + inside if real is not None else origin


@lru_cache(maxsize=1024)
def _real_file(file: str) -> str | None:
    """``file``'s real path, or None when it is no file here: once per file, not once per record in it."""
    try:
        return os.path.realpath(file) if os.path.exists(file) else None
    except (OSError, ValueError):  # a name no file system takes
        return None


@dataclass(frozen=True)
class Partition:
    """Work for one task: new articles to analyse, exact copies met again, and read failures."""

    articles: tuple[Article, ...] = ()
    copies: tuple[Article, ...] = ()
    failures: tuple[Failure, ...] = ()

    @cached_property
    def keys(self) -> list[str]:
        """What this partition finishes: content hashes, copy keys, place keys and failure keys; an
        analysed article's place too, so that a rerun tells the file it was read from from a new copy."""
        return sorted(
            [article.content_hash for article in self.articles]
            + [copy_key(article) for article in self.copies]
            + [place_key(article) for article in self.articles + self.copies]
            + [failure_key(failure) for failure in self.failures]
        )

    @cached_property
    def name(self) -> str:
        # Named by its content: the same work always gets the same name, different work never does.
        digest = hashlib.sha256("\n".join(self.keys).encode()).hexdigest()[:16]
        return f"part-{digest}"

    def __len__(self) -> int:
        return len(self.articles) + len(self.copies) + len(self.failures)


@dataclass
class PartitionResult:
    """The tables of one analysed partition, and its analyses when they are to be stored."""

    name: str
    keys: list[str]
    tables: dict[str, pa.Table]
    analyses: list[Analysis] = field(default_factory=list)
    n_analysed: int = 0
    n_failed: int = 0


def _failed_keys(partition: Partition, failed: list[Article]) -> set[str]:
    return {failure_key(failure) for failure in partition.failures} | {a.content_hash for a in failed}


def analyse_partition(partition: Partition, settings: Settings, keep_analyses: bool) -> PartitionResult:
    """Analyse a partition with this process's pipeline; an analyzer error fails only its article."""
    pipeline = pipeline_for(settings, storing=keep_analyses)
    analyses: list[Analysis] = []
    failed: list[Article] = []
    failures: list[tuple[Failure, str | None]] = [(failure, None) for failure in partition.failures]
    for chunk in batched(partition.articles, settings.batch_size):
        try:
            outcomes: list[Analysis | Exception] = list(pipeline.run_each(chunk))
        except MemoryError:
            raise
        except Exception as error:  # a guard: run_each turns an analyzer's failure into its article's
            outcomes = [error] * len(chunk)
        for article, outcome in zip(chunk, outcomes, strict=True):
            if isinstance(outcome, Analysis):
                analyses.append(outcome)
                continue
            reason = outcome.reason if isinstance(outcome, PropwatchError) else exception_reason(outcome)
            where = outcome.input_name if isinstance(outcome, PropwatchError) else "analysis"
            failed.append(article)
            name = article.origin or article.url or article.id
            failures.append((Failure(input=name, reason=f"{where}: {reason}"), article.id))
    params = SignatureParams.from_settings(settings)
    signatures = [
        (article.id, params.key, signature_to_bytes(text_signature(article.text, params)))
        for article in partition.articles
    ]
    result_tables = {
        "articles": tables.article_rows(analyses, failed),
        "spans": tables.span_rows(analyses),
        "labels": tables.label_rows(analyses),
        "failures": tables.failure_rows(failures),
        "copies": tables.copy_rows(partition.copies),
        "signatures": tables.signature_rows(signatures),
    }
    return PartitionResult(
        name=partition.name,
        # What failed is not done: a rerun reads and analyses it again (a fixed file, a passing error).
        keys=[key for key in partition.keys if key not in _failed_keys(partition, failed)],
        tables=result_tables,
        analyses=analyses if keep_analyses else [],
        n_analysed=len(analyses),
        n_failed=len(failures),
    )
