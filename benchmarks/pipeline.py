"""Whole-pipeline speed and memory: every built-in analyzer over one fixed set of articles, as
``propwatch analyze --no-store`` runs them (texts read as pasted text is, batches of ``batch_size``).

    .venv/bin/python benchmarks/pipeline.py [--articles DIR] [--count 20] [--threads 0]
                                            [--flatten] [--chars N] [-a ANALYZER ...]

* ``--articles``: a folder of ``article<ID>.txt`` (default: PTC train articles in ../shared/data, else
  the bundled sample article repeated); the first ``--count`` by id are used;
* ``--flatten``: the articles joined into one text of one paragraph (every line break a space), as many
  scrapers deliver a page; ``--chars N`` cuts that text to its first N characters (at a space);
* ``--threads``: the ``inference_threads`` setting (0: one per core, the default of ``analyze``);
* ``-a``: analyzers to run (repeatable; default: all installed, as ``analyze`` runs them);
* ``--spans FILE``: write what was found (one JSON line per text: spans and labels) to compare two runs.

One warm-up text (the bundled sample article, not in the set) is analysed first, so that model loading,
the catalogue's passage embeddings and first-call allocations are not counted. Figures: articles/s and
characters/s, seconds per million characters (wall and CPU) per analyzer and in total (reading the text
included in the total), and the process's peak RSS (also as it stood when each analyzer last returned,
which shows the analyzer that raised it). Characters are those of the article texts the
analyzers read. Not part of the test suite.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

# Run as a script, this folder is on sys.path: the article set and RSS reading are the technique
# benchmark's, so both measure the same texts.
from techniques import SAMPLE, load_texts, peak_rss_mb

MILLION = 1_000_000


def flattened(texts: Sequence[str], chars: int | None) -> str:
    """``texts`` as one paragraph, cut at the last space before ``chars`` characters."""
    text = " ".join(" ".join(t.split()) for t in texts)
    if chars is not None and len(text) > chars:
        text = text[: text.rfind(" ", 0, chars) if " " in text[:chars] else chars]
    return text


class Clock:
    """Wall and CPU seconds spent in each analyzer's ``analyze``, and the peak RSS when it returned."""

    def __init__(self) -> None:
        self.wall: dict[str, float] = {}
        self.cpu: dict[str, float] = {}
        self.peak: dict[str, float] = {}

    def wrap(self, analyzer: Any) -> None:
        run: Callable[[Any], Any] = analyzer.analyze

        def timed(batch: Any) -> Any:
            wall, cpu = time.perf_counter(), time.process_time()
            try:
                return run(batch)
            finally:
                self.wall[analyzer.name] = self.wall.get(analyzer.name, 0.0) + time.perf_counter() - wall
                self.cpu[analyzer.name] = self.cpu.get(analyzer.name, 0.0) + time.process_time() - cpu
                self.peak[analyzer.name] = (
                    peak_rss_mb()
                )  # the process's peak so far: which analyzer raised it

        analyzer.analyze = timed

    def clear(self) -> None:
        self.wall.clear()
        self.cpu.clear()
        self.peak.clear()


def write_findings(path: Path, results: Sequence[Any]) -> None:
    """One JSON line per text: its spans and labels, or the error that failed it."""
    with path.open("w", encoding="utf-8") as out:
        for result in results:
            if not hasattr(result, "spans"):
                out.write(json.dumps({"error": str(result)}) + "\n")
                continue
            spans = [[s.analyzer, s.label, s.start, s.end, s.score] for s in result.spans]
            labels = [label.model_dump(mode="json") for label in result.labels]
            out.write(json.dumps({"spans": spans, "labels": labels}, ensure_ascii=False) + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--articles", type=Path)
    parser.add_argument("--count", type=int, default=20)
    parser.add_argument("--threads", type=int, default=0)
    parser.add_argument("--flatten", action="store_true")
    parser.add_argument("--chars", type=int)
    parser.add_argument("-a", "--analyzer", action="append", dest="analyzers")
    parser.add_argument("--spans", type=Path)
    args = parser.parse_args()

    from propwatch.errors import PropwatchError
    from propwatch.pipeline import Pipeline, batched
    from propwatch.service import read_text
    from propwatch.settings import Settings

    options: dict[str, Any] = {"inference_threads": args.threads}
    if args.analyzers:
        options["analyzers"] = tuple(args.analyzers)
    settings = Settings(**options)
    texts, described = load_texts(args.articles, args.count)
    if args.flatten:
        texts = [flattened(texts, args.chars)]
        described = f"{described}, flattened into one paragraph"
    started = time.perf_counter()
    pipeline = Pipeline.from_settings(settings)
    clock = Clock()
    for analyzer in pipeline.analyzers:
        clock.wrap(analyzer)
    pipeline.run_each([read_text(SAMPLE.read_text(encoding="utf-8"), settings, origin="warm-up")])
    loaded = time.perf_counter() - started
    clock.clear()

    wall, cpu = time.perf_counter(), time.process_time()
    articles = [read_text(text, settings, origin=f"text {n}") for n, text in enumerate(texts, 1)]
    results = [r for chunk in batched(articles, settings.batch_size) for r in pipeline.run_each(chunk)]
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    failed = sum(isinstance(r, PropwatchError) for r in results)
    if args.spans is not None:
        write_findings(args.spans, results)

    chars = sum(len(article.text) for article in articles)
    per_million = MILLION / chars
    load = os.getloadavg()
    print(f"Set: {described}: {len(articles)} texts, {chars:,} characters ({failed} failed)")
    print(
        f"{os.cpu_count()} cores, load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}; "
        f"inference_threads {args.threads}; models loaded and warmed up in {loaded:.1f} s"
    )
    print(f"{'analyzer':<14}{'wall s':>9}{'CPU s':>9}{'s/M chars':>11}{'CPU s/M':>10}{'peak MB after':>15}")
    for name in clock.wall:
        print(
            f"{name:<14}{clock.wall[name]:>9.1f}{clock.cpu[name]:>9.1f}"
            f"{clock.wall[name] * per_million:>11.0f}{clock.cpu[name] * per_million:>10.0f}"
            f"{clock.peak[name]:>15,.0f}"
        )
    print(f"{'total':<14}{wall:>9.1f}{cpu:>9.1f}{wall * per_million:>11.0f}{cpu * per_million:>10.0f}")
    print(
        f"{len(articles) / wall:.3f} articles/s, {chars / wall:,.0f} characters/s, "
        f"peak RSS {peak_rss_mb():,.0f} MB"
    )


if __name__ == "__main__":
    main()
