"""Batch throughput and memory on a local Dask cluster, and how the cost grows with the corpus.

    .venv/bin/python benchmarks/batch.py [--base 100] [--scales 1,10,100] [--workers 1,2]
                                         [--partition-size 100] [--analyzer NAME ...] [--json FILE]

A fixed synthetic corpus (seeded: the same every run) of ``--base`` stories is written as JSON
Lines, with one in ten republished by another outlet with small edits and its own boilerplate and
one in twenty copied verbatim. Each configuration runs ``propwatch.batch.run_batch`` on a fresh
local cluster (worker processes, one thread each) into a fresh output folder:

* throughput and peak memory per worker with 1 and 2 workers at the base size;
* the same with the most workers at 10× and 100× the articles, to show how cost grows.

Figures: wall time of the run (cluster start excluded, reading, analysis, writing and the final
clustering included), articles per second, the final step alone (clusters + finished tables), the
peak resident memory of each worker process and of the driver. The analyzers default to the test
plugin's 'keywords' and 'keyword-count' (cheap: the figures measure the batch machinery); pass
``--analyzer`` to time installed models. Not part of the test suite.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PLUGIN = ROOT / "tests" / "fixtures" / "plugin"
_SYLLABLES = [
    "ka",
    "lo",
    "mi",
    "ne",
    "ru",
    "sta",
    "vi",
    "tor",
    "pe",
    "da",
    "gu",
    "shi",
    "ber",
    "on",
    "ax",
    "em",
]
_KEYWORDS = ["NATO", "Russia", "security", "de-escalation"]


def story(rng: random.Random, vocabulary: list[str]) -> str:
    paragraphs = []
    for _ in range(rng.randint(4, 8)):
        words = [rng.choice(vocabulary) for _ in range(rng.randint(30, 60))]
        words.insert(rng.randrange(len(words)), rng.choice(_KEYWORDS))
        paragraphs.append(" ".join(words).capitalize() + ".")
    return "\n".join(paragraphs)


def corpus(size: int, seed: int = 7) -> list[dict[str, str]]:
    """``size`` records: stories from 20 outlets, 10% edited republications, 5% verbatim copies."""
    rng = random.Random(seed)
    vocabulary = ["".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(1, 4))) for _ in range(5000)]
    rows: list[dict[str, str]] = []
    while len(rows) < size:
        number = len(rows)
        roll = rng.random()
        if rows and roll < 0.10:
            source = rng.choice(rows)
            words = source["text"].split(" ")
            for index in rng.sample(range(len(words)), 3):
                words[index] = rng.choice(vocabulary)
            text = f"Share this\n{' '.join(words)}\nThis article originally appeared on {source['outlet']}."
        elif rows and roll < 0.15:
            text = rng.choice(rows)["text"]
        else:
            text = story(rng, vocabulary)
        outlet = f"outlet{rng.randrange(20)}.example"
        rows.append(
            {
                "text": text,
                "url": f"https://{outlet}/{number}",
                "outlet": outlet,
                "published": f"2024-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
            }
        )
    return rows


def peak_rss_mib() -> float:
    """Peak resident memory of this process (VmHWM: ru_maxrss would include the spawning parent's)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def run_one(source: Path, workers: int, args: argparse.Namespace, work: Path) -> dict[str, Any]:
    from distributed import Client, LocalCluster

    from propwatch.batch.runner import BatchProgress, run_batch
    from propwatch.batch.worker import PipelinePlugin
    from propwatch.ingest.language import identify_language
    from propwatch.settings import Settings

    settings = Settings(
        data_dir=work / "data",
        analyzers=tuple(args.analyzer),
        batch_partition_size=args.partition_size,
    )
    out = work / f"out-{workers}-{source.stem}"
    shutil.rmtree(out, ignore_errors=True)
    last_partition = [0.0]

    def note(progress: BatchProgress) -> None:
        if progress.partitions_written:
            last_partition[0] = time.perf_counter()

    with (
        LocalCluster(
            n_workers=workers,
            threads_per_worker=1,
            processes=True,
            memory_limit=args.worker_memory,
            dashboard_address=None,
        ) as cluster,
        Client(cluster) as client,
    ):
        client.register_plugin(PipelinePlugin(settings))  # workers up, models loaded: not timed
        identify_language("The driver loads its language model before the clock starts too.")
        start = time.perf_counter()
        summary = run_batch([str(source)], out, settings, client=client, on_progress=note)
        end = time.perf_counter()
        worker_peaks = sorted(client.run(peak_rss_mib).values())
    size = sum(path.stat().st_size for path in out.rglob("*") if path.is_file())
    return {
        "articles_in": sum(1 for _ in source.open()),
        "workers": workers,
        "analysed": summary.progress.analysed,
        "clusters": len(summary.finished.clusters),
        "seconds": end - start,
        "articles_per_s": summary.progress.read / (end - start),
        "finish_seconds": end - last_partition[0],
        "worker_peak_mib": worker_peaks,
        "driver_peak_mib": peak_rss_mib(),
        "output_mib": size / 2**20,
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--base", type=int, default=100, help="articles at scale 1")
    parser.add_argument("--scales", default="1,10,100", help="corpus sizes, as multiples of --base")
    parser.add_argument("--workers", default="1,2", help="worker counts compared at scale 1")
    parser.add_argument("--partition-size", type=int, default=100)
    parser.add_argument("--worker-memory", default="2GiB")
    parser.add_argument("--analyzer", action="append", default=None)
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()
    args.analyzer = args.analyzer or ["keywords", "keyword-count"]
    # Worker processes inherit sys.path: the test plugin's analyzers are found there too.
    sys.path.insert(0, str(PLUGIN))
    os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(PLUGIN), os.environ.get("PYTHONPATH")]))
    scales = [int(scale) for scale in args.scales.split(",")]
    worker_counts = [int(count) for count in args.workers.split(",")]
    results: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="propwatch-bench-") as folder:
        work = Path(folder)
        sources = {}
        for scale in scales:
            sources[scale] = work / f"corpus-{scale}x.jsonl"
            with sources[scale].open("w", encoding="utf-8") as handle:
                for row in corpus(args.base * scale):
                    handle.write(json.dumps(row) + "\n")
        plan = [(scales[0], workers) for workers in worker_counts]
        plan += [(scale, max(worker_counts)) for scale in scales[1:]]
        for scale, workers in plan:
            result = {"scale": scale, **run_one(sources[scale], workers, args, work)}
            results.append(result)
            print(json.dumps(result), file=sys.stderr, flush=True)
    header = (
        f"{'articles':>9} {'workers':>7} {'seconds':>8} {'art/s':>7} {'final s':>8} "
        f"{'worker peak MiB':>16} {'driver MiB':>10} {'clusters':>8} {'out MiB':>8}"
    )
    print(header)
    for r in results:
        peaks = "/".join(f"{peak:.0f}" for peak in r["worker_peak_mib"])
        print(
            f"{r['articles_in']:>9} {r['workers']:>7} {r['seconds']:>8.1f} {r['articles_per_s']:>7.1f} "
            f"{r['finish_seconds']:>8.2f} {peaks:>16} {r['driver_peak_mib']:>10.0f} {r['clusters']:>8} "
            f"{r['output_mib']:>8.2f}"
        )
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
