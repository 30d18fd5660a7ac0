"""``compare_files``: is system B better than system A on a shared task, or would another draw of
articles undo the difference? A paired bootstrap over articles (Koehn 2004; Berg-Kirkpatrick et al. 2012).

Both prediction files are scored against the same gold on the same resampled articles: each resample
draws as many articles as there are, with replacement, and scores A and B with the task's official
scorer on those articles (an article drawn twice counts twice, under a distinct id). On a validation
set of 141 articles with 4 satire pieces, one article moves genre macro-F1 by about 0.1; the interval
says whether a difference between two models is larger than that.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Final

import numpy as np

from propwatch.errors import ConfigurationError
from propwatch.evaluation.scoring import Records, Scorer, task_files

DEFAULT_RESAMPLES: Final = 1000
DEFAULT_SEED: Final = 13
INTERVAL: Final = 0.95
_DRAW: Final = "\x1f"  # joins an article id to its draw number; no label file holds it


@dataclass(frozen=True)
class Comparison:
    """A and B's official figure on all articles, and the bootstrap distribution of B − A."""

    task: str
    a: float
    b: float
    low: float  # 2.5th percentile of B − A over the resamples
    high: float  # 97.5th percentile
    b_at_least_a: float  # share of resamples in which B scores at least A
    articles: int
    resamples: int
    seed: int

    @property
    def difference(self) -> float:
        return self.b - self.a

    def as_dict(self) -> dict[str, object]:
        return {
            "task": self.task,
            "a": self.a,
            "b": self.b,
            "difference": self.difference,
            "interval": [self.low, self.high],
            "interval_level": INTERVAL,
            "b_at_least_a": self.b_at_least_a,
            "articles": self.articles,
            "resamples": self.resamples,
            "seed": self.seed,
        }

    def summary(self) -> str:
        verdict = (
            "B is better"
            if self.low > 0
            else "A is better"
            if self.high < 0
            else "the difference is within what resampling the articles gives"
        )
        return (
            f"{self.task}: A {self.a:.4f}, B {self.b:.4f}, B - A {self.difference:+.4f}; "
            f"{INTERVAL:.0%} interval [{self.low:+.4f}, {self.high:+.4f}] over {self.resamples} resamples of "
            f"{self.articles} articles (seed {self.seed}); B >= A in {self.b_at_least_a:.1%}: {verdict}"
        )


def _by_article(records: Records) -> dict[str, list[Any]]:
    grouped: dict[str, list[Any]] = defaultdict(list)
    for record in records:
        grouped[record.article_id].append(record)
    return grouped


def paired_bootstrap(
    task: str,
    gold: Records,
    pred_a: Records,
    pred_b: Records,
    scorer: Scorer,
    *,
    resamples: int = DEFAULT_RESAMPLES,
    seed: int = DEFAULT_SEED,
    progress: Callable[[int, int], None] | None = None,
) -> Comparison:
    """Paired bootstrap of ``scorer`` over the articles of ``gold`` and both predictions."""
    if resamples < 1:
        raise ConfigurationError("resamples", "must be at least 1")
    groups = [_by_article(records) for records in (gold, pred_a, pred_b)]
    articles = sorted({article for group in groups for article in group})
    if not articles:
        raise ConfigurationError("gold", "no article in the gold or prediction files")
    whole_a, whole_b = scorer(gold, pred_a).f1, scorer(gold, pred_b).f1  # mismatches show before the draws
    rng = np.random.default_rng(seed)

    def drawn(group: dict[str, list[Any]], picks: np.ndarray) -> list[Any]:
        return [
            replace(record, article_id=f"{articles[i]}{_DRAW}{n}")
            for n, i in enumerate(picks)
            for record in group.get(articles[i], ())
        ]

    differences = np.empty(resamples)
    for k in range(resamples):
        picks = rng.integers(0, len(articles), size=len(articles))
        sample_gold = drawn(groups[0], picks)
        differences[k] = (
            scorer(sample_gold, drawn(groups[2], picks)).f1 - scorer(sample_gold, drawn(groups[1], picks)).f1
        )
        if progress is not None:
            progress(k + 1, resamples)
    tail = (1 - INTERVAL) / 2
    return Comparison(
        task=task,
        a=whole_a,
        b=whole_b,
        low=float(np.quantile(differences, tail)),
        high=float(np.quantile(differences, 1 - tail)),
        b_at_least_a=float(np.mean(differences >= 0)),
        articles=len(articles),
        resamples=resamples,
        seed=seed,
    )


def compare_files(
    task: str,
    gold: Path,
    pred_a: Path,
    pred_b: Path,
    *,
    resamples: int = DEFAULT_RESAMPLES,
    seed: int = DEFAULT_SEED,
    progress: Callable[[int, int], None] | None = None,
) -> Comparison:
    """:func:`paired_bootstrap` of two prediction files of ``task`` against one gold file."""
    gold_records, records_a, scorer = task_files(task, gold, pred_a)
    _, records_b, scorer_b = task_files(task, gold, pred_b)
    scorer_b(gold_records, records_b)  # a mismatch with gold names PRED_B and its real ids, not a draw's
    return paired_bootstrap(
        task, gold_records, records_a, records_b, scorer, resamples=resamples, seed=seed, progress=progress
    )
