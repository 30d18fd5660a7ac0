"""Target extraction speed with each NER back-end: the CRF taggers against the e5 tagger, per language.

    .venv/bin/python benchmarks/ner.py [--model DIR] [--data DIR] [--count 25] [--threads 2]

Times ``propwatch.targets.extraction.extract_mentions`` (the alias catalogue, the tagger and the
extractor's rules: what the ``targets`` analyzer does per article, technique linking aside) on the first
``--count`` SemEval-2023 subtask-3 training articles of German, Polish, French and Italian, once with
the CRF model of the language (``de``, ``pl``, the ``xx`` fallback for fr/it) and once with the e5
tagger of ``--model`` (default: the shipped ``models/ner``), after one warm-up article each. Prints
seconds per article, mentions found and the peak resident memory. Not part of the test suite.
"""

from __future__ import annotations

import argparse
import resource
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CODES = {"de": "ge", "pl": "po", "fr": "fr", "it": "it"}


def main() -> None:
    from propwatch.settings import Settings
    from propwatch.targets.aliases import load_aliases
    from propwatch.targets.e5_ner import E5NerTagger
    from propwatch.targets.extraction import extract_mentions
    from propwatch.targets.ner import CRF_MODELS, CrfBackend, E5Backend, NerBackend, shipped_model_dir

    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--model", type=Path, default=None)
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--count", type=int, default=25)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    folder = args.model or shipped_model_dir()
    settings = Settings(inference_threads=args.threads)
    catalogue = load_aliases(settings)
    e5 = E5Backend(E5NerTagger.load(folder, threads=args.threads, cache_dir=settings.data_dir / "cache"))
    totals = {"crf": [0.0, 0], "e5": [0.0, 0]}
    print(f"{'language':<9}{'back-end':<9}{'s/article':>10}{'mentions':>10}")
    for language, code in CODES.items():
        articles = args.data / "semeval2023_task3" / code / "train-articles-subtask-3"
        texts = [f.read_text(encoding="utf-8") for f in sorted(articles.glob("*.txt"))[: args.count + 1]]
        if len(texts) < 2:
            raise SystemExit(f"{articles}: no articles (pass --data)")
        crf = CrfBackend(shipped_model_dir() / f"{CRF_MODELS[language]}.crfsuite")
        backends: dict[str, NerBackend] = {"crf": crf, "e5": e5}
        for name, backend in backends.items():
            extract_mentions(texts[0], language, catalogue, backend)  # warm-up
            began = time.perf_counter()
            mentions = sum(len(extract_mentions(t, language, catalogue, backend)) for t in texts[1:])
            took = time.perf_counter() - began
            totals[name][0] += took
            totals[name][1] += len(texts) - 1
            print(f"{language:<9}{name:<9}{took / (len(texts) - 1):>10.3f}{mentions:>10}")
    for name, (seconds, count) in totals.items():
        print(
            f"{name}: {seconds / count:.3f} s/article, {count / seconds:.1f} articles/s over {count} articles"
        )
    print(f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
