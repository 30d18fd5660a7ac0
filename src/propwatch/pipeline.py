"""The analysis pipeline: installed analyzers, run in dependency order over batches of articles."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from itertools import islice
from typing import TypeVar

from propwatch.analyzers import registry
from propwatch.analyzers.base import Analyzer
from propwatch.domain import Analysis, Annotations, Article
from propwatch.errors import AnalyzerError, PropwatchError, exception_summary
from propwatch.settings import Settings

T = TypeVar("T")


def batched(items: Iterable[T], size: int) -> Iterable[list[T]]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


class Pipeline:
    """Analyzer instances built once (models loaded once), applied to any number of batches."""

    def __init__(self, analyzers: Sequence[Analyzer], *, batch_size: int = 8) -> None:
        self.analyzers = list(analyzers)
        self.batch_size = batch_size

    @classmethod
    def from_settings(cls, settings: Settings) -> Pipeline:
        classes = registry.resolve(settings.analyzers, registry.available())
        return cls([analyzer_cls(settings) for analyzer_cls in classes], batch_size=settings.batch_size)

    @property
    def versions(self) -> dict[str, str]:
        return {analyzer.name: analyzer.version for analyzer in self.analyzers}

    def run(self, articles: Sequence[Article]) -> list[Analysis]:
        """Analyse ``articles``; raises AnalyzerError naming the analyzer if one breaks its contract."""
        results = [Analysis(article=article) for article in articles]
        for analyzer in self.analyzers:
            annotated: list[Analysis] = []
            for chunk in batched(results, self.batch_size):
                try:
                    added = list(analyzer.analyze(chunk))
                except (PropwatchError, MemoryError):
                    raise
                except Exception as exc:  # a plugin's bug fails these articles, not the whole run
                    reason = f"failed ({exception_summary(exc)})"
                    raise AnalyzerError(f"analyzer {analyzer.name!r}", reason) from exc
                if len(added) != len(chunk):
                    raise AnalyzerError(
                        f"analyzer {analyzer.name!r}",
                        f"returned {len(added)} results for a batch of {len(chunk)} articles",
                    )
                for item, found in zip(chunk, added, strict=True):
                    if not isinstance(found, Annotations):
                        raise AnalyzerError(
                            f"analyzer {analyzer.name!r}",
                            f"returned {type(found).__name__}, not Annotations",
                        )
                    try:
                        annotated.append(item.with_annotations(analyzer.name, analyzer.version, found))
                    except ValueError as exc:
                        raise AnalyzerError(
                            f"analyzer {analyzer.name!r}", f"made an invalid span: {exc}"
                        ) from exc
            results = annotated
        return results
