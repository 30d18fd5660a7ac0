"""The output folder of a batch run: partitions written atomically, then the finished tables.

Layout of ``OUT``::

    parts/part-<hash>/    one folder per finished partition: its tables and manifest.json (the
                          content hashes, copy and failure keys it finished); written as
                          parts/.tmp-… and renamed, so it is either complete or absent
    articles/ spans/ labels/ failures/ copies/ [claims/ narratives/]
                          the finished tables, one Parquet file per partition (read each folder
                          as one table), rows sorted; articles carry their cluster_id
    clusters.parquet      one row per copy of each republished text, origin first
    summary.json          what the finished tables hold
    run.json              the analyzers (and propwatch version) the partitions were made with: a rerun
                          with others would mix tables of two runs, so it is refused
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from propwatch.batch import tables
from propwatch.batch.worker import PartitionResult
from propwatch.errors import ConfigurationError
from propwatch.republication.minhash import (
    Copy,
    RepublicationCluster,
    Signature,
    SignatureParams,
    find_clusters,
    signature_from_bytes,
    text_signature,
)

PARTS = "parts"
MANIFEST = "manifest.json"
RUN = "run.json"
_TMP = ".tmp-"


@dataclass(frozen=True)
class Finished:
    """What the finished tables hold."""

    articles: int
    spans: int
    labels: int
    failures: int
    copies: int
    clusters: tuple[RepublicationCluster, ...]
    derived: dict[str, int]


def _fsync(path: Path) -> None:
    with path.open("rb") as handle:
        os.fsync(handle.fileno())


def _write_table(table: pa.Table, path: Path) -> None:
    """Write ``path`` atomically: a reader sees the old file or the whole new one, never a part."""
    tmp = path.with_name(f"{_TMP}{path.name}")
    pq.write_table(table, tmp, compression="zstd")
    _fsync(tmp)
    os.replace(tmp, path)


@dataclass
class _Settled:
    """Articles analysed and inputs read in any partition. A rerun retries what failed (failures are not
    done); the failure rows and failed article rows of earlier runs are kept only while still unsettled,
    and once each."""

    analysed: set[str] = field(default_factory=set)
    read: set[str | None] = field(default_factory=set)
    _failed_shown: set[str] = field(default_factory=set)
    _failures_shown: set[tuple[str, str]] = field(default_factory=set)

    def keep(self, articles: pa.Table, failures: pa.Table) -> tuple[pa.Table, pa.Table]:
        keep_article = []
        for row in articles.select(["id", "model_version"]).to_pylist():
            if row["model_version"] is not None:
                keep_article.append(True)
                continue
            keep_article.append(row["id"] not in self.analysed and row["id"] not in self._failed_shown)
            self._failed_shown.add(row["id"])
        keep_failure = []
        for row in failures.to_pylist():
            key = (row["input"], row["reason"])
            overcome = row["article_id"] in self.analysed if row["article_id"] else row["input"] in self.read
            keep_failure.append(not overcome and key not in self._failures_shown)
            self._failures_shown.add(key)
        return articles.filter(pa.array(keep_article, pa.bool_())), failures.filter(
            pa.array(keep_failure, pa.bool_())
        )


class BatchOutput:
    """The output folder: which work is done, writing partitions, and finishing the tables."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.parts = folder / PARTS

    def prepare(self) -> None:
        """Create the folder and remove what an interrupted run left half-written."""
        try:
            self.parts.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise ConfigurationError(str(self.folder), f"cannot create the output folder: {error}") from error
        for leftover in self.folder.rglob(f"{_TMP}*"):
            if leftover.is_dir():
                shutil.rmtree(leftover, ignore_errors=True)
            else:
                leftover.unlink(missing_ok=True)

    def claim(self, run: dict[str, Any]) -> None:
        """Record what this run analyses with; refuse a folder that holds another run's partitions."""
        path = self.folder / RUN
        if path.is_file():
            try:
                earlier = json.loads(path.read_text(encoding="utf-8"))
            except ValueError as error:
                raise ConfigurationError(str(path), f"is not the JSON a batch run writes: {error}") from error
            earlier.setdefault("stored", False)  # written before runs recorded it
            if earlier != run:
                raise ConfigurationError(
                    str(self.folder),
                    f"holds a run with {_described(earlier)}; this run asks for {_described(run)}. "
                    "Its partitions would not be redone: write to another folder, or delete this one "
                    "to start again",
                )
            return
        if self.partition_folders():
            return  # made before run.json existed: nothing to compare with
        path.write_text(json.dumps(run, indent=1, sort_keys=True) + "\n", encoding="utf-8")

    def partition_folders(self) -> list[Path]:
        if not self.parts.is_dir():
            return []
        return sorted(
            entry
            for entry in self.parts.iterdir()
            if entry.is_dir() and not entry.name.startswith(_TMP) and (entry / MANIFEST).is_file()
        )

    def done_keys(self) -> set[str]:
        """Every content hash, copy key and failure key a finished partition holds."""
        done: set[str] = set()
        for folder in self.partition_folders():
            manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
            done.update(manifest["keys"])
        return done

    def places_recorded(self) -> bool:
        """Whether every finished partition records where its analysed articles were read (partitions
        written before propwatch recorded it do not: a rerun then cannot tell a new copy from them)."""
        for folder in self.partition_folders():
            if not json.loads((folder / MANIFEST).read_text(encoding="utf-8")).get("places"):
                return False
        return True

    def write_partition(self, result: PartitionResult) -> Path:
        """Write a partition's tables and manifest to a temporary folder, then rename it into place."""
        final = self.parts / result.name
        tmp = self.parts / f"{_TMP}{result.name}-{os.getpid()}"
        if tmp.exists():
            shutil.rmtree(tmp)
        try:
            tmp.mkdir()
            for name, table in result.tables.items():
                pq.write_table(table, tmp / f"{name}.parquet", compression="zstd")
                _fsync(tmp / f"{name}.parquet")
            manifest = {
                "name": result.name,
                "keys": result.keys,
                "places": True,  # the keys hold each analysed article's own place (copy key)
                "analysed": result.n_analysed,
                "failed": result.n_failed,
            }
            (tmp / MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
            _fsync(tmp / MANIFEST)
        except OSError as exc:  # a full disk: no half partition left, and one line saying where
            shutil.rmtree(tmp, ignore_errors=True)
            raise ConfigurationError(
                str(self.folder), f"cannot write a partition: {exc.strerror or exc}; what is finished stays"
            ) from exc
        if final.exists():  # the same work finished twice (a retried task): keep the first
            shutil.rmtree(tmp)
        else:
            os.rename(tmp, final)
        return final

    # --- finishing -------------------------------------------------------------------------------

    def _read(self, folder: Path, name: str, columns: list[str] | None = None) -> pa.Table:
        table = pq.read_table(folder / f"{name}.parquet", columns=columns)
        schema = tables.PARTITION_TABLES[name]
        return table if columns else table.cast(schema)

    def _members(self, params: SignatureParams) -> Iterator[tuple[dict[str, Signature], list[Copy]]]:
        for folder in self.partition_folders():
            signatures: dict[str, Signature] = {}
            stale: list[str] = []
            for row in self._read(folder, "signatures").to_pylist():
                if row["params"] == params.key:
                    signatures[row["article_id"]] = signature_from_bytes(row["hashvalues"])
                else:
                    stale.append(row["article_id"])
            if stale:  # made with other settings: sign those texts again
                texts = self._read(folder, "articles", ["id", "text"]).to_pylist()
                for row in texts:
                    if row["id"] in stale:
                        signatures[row["id"]] = text_signature(row["text"], params)
            columns = ["id", "url", "outlet", "published", "title"]
            members = [
                Copy(row["id"], row["url"], row["outlet"], row["published"], row["title"])
                for row in self._read(folder, "articles", columns).to_pylist()
            ]
            members += [
                Copy(row["article_id"], row["url"], row["outlet"], row["published"], row["title"])
                for row in self._read(folder, "copies").to_pylist()
            ]
            yield signatures, members

    def finish(self, params: SignatureParams) -> Finished:
        """Find the republication clusters over every partition and write the finished tables."""
        signatures: dict[str, Signature] = {}
        members: list[Copy] = []
        for part_signatures, part_members in self._members(params):
            signatures.update(part_signatures)
            members.extend(part_members)
        clusters = find_clusters(signatures, members, params)
        cluster_of = {
            article_id: cluster.cluster_id for cluster in clusters for article_id in cluster.article_ids
        }
        _write_table(_cluster_table(clusters), self.folder / "clusters.parquet")
        counts = {name: 0 for name in ("articles", "spans", "labels", "failures", "copies")}
        derived = {name: 0 for name in tables.DERIVED_TABLES}
        settled = self._settled()
        for folder in self.partition_folders():
            part = {name: self._read(folder, name) for name in counts}
            part["articles"], part["failures"] = settled.keep(part["articles"], part["failures"])
            ids = part["articles"]["id"].to_pylist()
            part["articles"] = part["articles"].append_column(
                "cluster_id", pa.array([cluster_of.get(article_id) for article_id in ids], pa.string())
            )
            for name, analyzer in tables.DERIVED_TABLES.items():
                rows = tables.derived_rows(part["spans"], part["labels"], analyzer)
                if rows.num_rows:
                    part[name] = rows
                    derived[name] += rows.num_rows
            for name, table in part.items():
                if name in counts:
                    counts[name] += table.num_rows
                target = self.folder / name
                target.mkdir(exist_ok=True)
                _write_table(table.sort_by(tables.SORT_KEYS[name]), target / f"{folder.name}.parquet")
        finished = Finished(clusters=tuple(clusters), derived=derived, **counts)
        self._write_summary(finished)
        return finished

    def _settled(self) -> _Settled:
        """What every partition read and analysed, so that a failure a later run overcame is dropped."""
        settled = _Settled()
        for folder in self.partition_folders():
            articles = self._read(folder, "articles", ["id", "origin", "model_version"]).to_pylist()
            for row in articles:
                if row["model_version"] is not None:
                    settled.analysed.add(row["id"])
                    settled.read.add(row["origin"])
            settled.read.update(row["origin"] for row in self._read(folder, "copies", ["origin"]).to_pylist())
        return settled

    def _write_summary(self, finished: Finished) -> None:
        summary: dict[str, Any] = {
            "articles": finished.articles,
            "spans": finished.spans,
            "labels": finished.labels,
            "failures": finished.failures,
            "copies": finished.copies,
            "clusters": len(finished.clusters),
            "republished_articles": sum(len(cluster.article_ids) for cluster in finished.clusters),
            **{name: count for name, count in finished.derived.items() if count},
            "partitions": len(self.partition_folders()),
        }
        tmp = self.folder / f"{_TMP}summary.json"
        tmp.write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
        os.replace(tmp, self.folder / "summary.json")


def _described(run: dict[str, Any]) -> str:
    analyzers = run.get("analyzers") or {}
    names = ", ".join(f"{name} {version}" for name, version in sorted(analyzers.items())) or "no analyzer"
    stored = ", stored in a database" if run.get("stored") else ", not stored"
    return f"{names} (propwatch {run.get('propwatch', '?')}{stored})"


def _cluster_table(clusters: list[RepublicationCluster]) -> pa.Table:
    rows = [
        {
            "cluster_id": cluster.cluster_id,
            "article_id": copy.article_id,
            "url": copy.url,
            "outlet": copy.outlet,
            "published": copy.published,
            "title": copy.title,
            "is_origin": index == 0,
            "n_copies": len(cluster.copies),
            "n_outlets": len(cluster.outlets),
        }
        for cluster in clusters
        for index, copy in enumerate(cluster.copies)
    ]
    return pa.Table.from_pylist(rows, schema=tables.CLUSTERS)


def read_table(folder: Path, name: str) -> pa.Table:
    """A finished table of a batch output folder as one table (empty with its schema if absent)."""
    path = folder / name
    if name == "clusters":
        return pq.read_table(folder / "clusters.parquet")
    schema = tables.FINAL_ARTICLES if name == "articles" else _schema_of(name)
    files = sorted(path.glob("*.parquet")) if path.is_dir() else []
    if not files:
        return schema.empty_table()
    return pa.concat_tables([pq.read_table(file).cast(schema) for file in files]).sort_by(
        tables.SORT_KEYS[name]
    )


def _schema_of(name: str) -> pa.Schema:
    if name in tables.DERIVED_TABLES:
        return tables.DERIVED
    return tables.PARTITION_TABLES[name]
