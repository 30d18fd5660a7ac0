"""What a scorer returns: the headline figures and per-label figures."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from fractions import Fraction
from types import MappingProxyType


@dataclass(frozen=True)
class LabelScores:
    """Precision, recall and F1 of one technique, with its gold and predicted counts."""

    precision: float
    recall: float
    f1: float
    gold: int
    predicted: int

    def as_dict(self) -> dict[str, float]:
        """Plain JSON-ready form (the fields, in their order)."""
        return dict(asdict(self))


@dataclass(frozen=True)
class Scores:
    """Result of one official metric.

    ``f1`` is the task's headline figure: SI span F1 (``ptc-si``), micro-F1 (``ptc-tc``,
    ``semeval23-st2``, ``semeval23-st3``), macro-F1 (``semeval23-st1``). ``macro_f1`` is set for the
    SemEval-2023 subtasks, ``micro_f1`` for subtasks 1 (accuracy) and 2.
    """

    task: str
    f1: float
    precision: float
    recall: float
    gold_count: int
    predicted_count: int
    macro_f1: float | None = None
    per_label: Mapping[str, LabelScores] = field(default_factory=lambda: MappingProxyType({}))
    micro_f1: float | None = None

    def as_dict(self) -> dict[str, object]:
        """Plain JSON-ready form."""
        return {
            "task": self.task,
            "f1": self.f1,
            "precision": self.precision,
            "recall": self.recall,
            "macro_f1": self.macro_f1,
            "micro_f1": self.micro_f1,
            "gold_count": self.gold_count,
            "predicted_count": self.predicted_count,
            "per_label": {name: s.as_dict() for name, s in self.per_label.items()},
        }

    def label_figures(self) -> dict[str, float]:
        """The headline figures in the shape of one label's (:meth:`LabelScores.as_dict`)."""
        return LabelScores(
            self.precision, self.recall, self.f1, self.gold_count, self.predicted_count
        ).as_dict()

    def summary(self) -> str:
        """Human-readable lines: headline figures, then one line per label."""
        head = f"{self.task}: F1={self.f1:.6f} P={self.precision:.6f} R={self.recall:.6f}"
        if self.macro_f1 is not None:
            head += f" macro-F1={self.macro_f1:.6f}"
        if self.micro_f1 is not None and self.micro_f1 != self.f1:
            head += f" micro-F1={self.micro_f1:.6f}"
        head += f" (gold {self.gold_count}, predicted {self.predicted_count})"
        lines = [head]
        for name, s in self.per_label.items():
            lines.append(
                f"  {name}: F1={s.f1:.6f} P={s.precision:.6f} R={s.recall:.6f} "
                f"gold={s.gold} predicted={s.predicted}"
            )
        return "\n".join(lines)


def ratio(numerator: Fraction | int, denominator: int, *, zero_division: float = 0.0) -> Fraction:
    """numerator / denominator, or ``zero_division`` when the denominator is 0 (as scikit-learn does)."""
    if denominator == 0:
        return Fraction(zero_division)
    return Fraction(numerator) / denominator


def harmonic_f1(precision: Fraction, recall: Fraction) -> Fraction:
    """2PR/(P+R), 0 when P+R is 0."""
    if precision + recall == 0:
        return Fraction(0)
    return 2 * precision * recall / (precision + recall)


def seen_label_figures(per_label: Mapping[str, LabelScores]) -> dict[str, dict[str, float]]:
    """JSON-ready figures of the labels that occur in gold or predictions."""
    return {name: s.as_dict() for name, s in per_label.items() if s.gold or s.predicted}
