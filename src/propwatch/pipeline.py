"""The analysis pipeline: installed analyzers, run in dependency order over batches of articles."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from itertools import islice
from typing import TypeVar

from pydantic import ValidationError

from propwatch.analyzers import registry
from propwatch.analyzers.base import TEXT, Analyzer
from propwatch.domain import Analysis, Annotations, Article
from propwatch.errors import (
    AnalyzerError,
    ConfigurationError,
    InputTooLargeError,
    PropwatchError,
    exception_summary,
)
from propwatch.settings import Settings

T = TypeVar("T")


def batched(items: Iterable[T], size: int) -> Iterable[list[T]]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


_MODEL_SETTINGS = ("technique_model", "claims_model", "genre_frames_model")


def check_analyzers(settings: Settings) -> None:
    """Refuse what :meth:`Pipeline.from_settings` would, as far as it can be told without loading a
    model: an analyzer that is not installed, a model folder that is not there."""
    registry.resolve(settings.analyzers, registry.available(), dependents=True)
    for name in _MODEL_SETTINGS:
        folder = getattr(settings, name)
        if folder is not None and not (folder / "model.json").is_file():
            raise AnalyzerError(f"setting {name}", f"{folder} holds no model.json: give a model's folder")


class Pipeline:
    """Analyzer instances built once (models loaded once), applied to any number of batches."""

    def __init__(
        self, analyzers: Sequence[Analyzer], *, batch_size: int = 8, max_chars: int | None = None
    ) -> None:
        """Run ``analyzers`` in the order given; each must keep the contract (base.py) and find what it
        ``requires`` provided by those before it. :meth:`from_settings` works the order out. An article
        longer than ``max_chars`` characters fails without being analysed."""
        names = [analyzer.name for analyzer in analyzers]
        twice = sorted({name for name in names if names.count(name) > 1})
        if twice:  # each would add its findings again under one name
            raise ConfigurationError("pipeline", f"lists the analyzer {', '.join(map(repr, twice))} twice")
        have = {TEXT}
        for analyzer in analyzers:
            problem = registry.contract_problem(analyzer)
            if problem is None and not analyzer.requires <= have:
                missing = ", ".join(sorted(analyzer.requires - have))
                problem = f"needs {missing}, which no analyzer before it provides"
            if problem is not None:
                raise ConfigurationError(f"analyzer {analyzer.name!r}", problem)
            have |= analyzer.provides
        self.analyzers = list(analyzers)
        self.batch_size = batch_size
        self.max_chars = max_chars

    @classmethod
    def from_settings(
        cls, settings: Settings, *, storing: bool = False, extra: Sequence[type[Analyzer]] = ()
    ) -> Pipeline:
        """The analyzers of ``settings``; when their findings are to be stored (``storing``), also the
        installed analyzers built on what the chosen ones provide (:func:`registry.resolve`).

        ``extra``: analyzer classes of the caller's own, not installed, checked as plugins are and run
        with the chosen ones in the order their ``requires`` and ``after`` give."""
        catalogue = registry.with_extra(registry.available(), extra) if extra else registry.available()
        names = settings.analyzers
        if extra and names is not None:
            names = (*names, *(analyzer_cls.name for analyzer_cls in extra))
        classes = registry.resolve(names, catalogue, dependents=storing)
        return cls(
            [_started(analyzer_cls, settings) for analyzer_cls in classes],
            batch_size=settings.batch_size,
            max_chars=settings.max_article_chars,
        )

    @property
    def versions(self) -> dict[str, str]:
        return {analyzer.name: analyzer.version for analyzer in self.analyzers}

    def run(
        self, articles: Sequence[Article], earlier: Mapping[str, Analysis] | None = None
    ) -> list[Analysis]:
        """Analyse ``articles``; raises AnalyzerError naming the analyzer if one breaks its contract.

        ``earlier`` (article id → its stored analysis) gives what the analyzers not run here found:
        those findings are kept and read by the analyzers that run (targets re-run alone link the
        stored technique spans).
        """
        for article in articles:
            if (too_long := self._too_long(article)) is not None:
                raise too_long
        results = [self._start(article, (earlier or {}).get(article.id)) for article in articles]
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
                    _check_credit(analyzer, found)
                    try:
                        annotated.append(item.with_annotations(analyzer.name, analyzer.version, found))
                    except ValueError as exc:
                        raise AnalyzerError(
                            f"analyzer {analyzer.name!r}", f"made an invalid span: {_validation_summary(exc)}"
                        ) from exc
            results = annotated
        return results

    def _start(self, article: Article, earlier: Analysis | None) -> Analysis:
        if earlier is None or earlier.article.id != article.id:
            return Analysis(article=article)
        kept = earlier.without(self.versions)
        return Analysis(article=article, spans=kept.spans, labels=kept.labels, analyzers=kept.analyzers)

    def run_each(
        self, articles: Sequence[Article], earlier: Mapping[str, Analysis] | None = None
    ) -> list[Analysis | PropwatchError]:
        """Each article's analysis, or the error that failed it. When a batch fails, its articles run
        one by one, so that only the article that breaks an analyzer fails (an article's result never
        depends on its batch)."""
        refused = {id(article): self._too_long(article) for article in articles}
        fitting = [article for article in articles if refused[id(article)] is None]
        results: list[Analysis | PropwatchError]
        try:
            results = list(self.run(fitting, earlier))
        except PropwatchError as exc:
            if len(fitting) == 1:
                results = [exc]
            else:
                results = [one for article in fitting for one in self.run_each([article], earlier)]
        found = iter(results)
        return [refused[id(article)] or next(found) for article in articles]

    def _too_long(self, article: Article) -> InputTooLargeError | None:
        if self.max_chars is None or len(article.text) <= self.max_chars:
            return None
        reason = (
            f"is {len(article.text):,} characters long, over the {self.max_chars:,}-character cap "
            "(max_article_chars): not analysed"
        )
        return InputTooLargeError("article text", reason)


def _started(analyzer_cls: type[Analyzer], settings: Settings) -> Analyzer:
    """An instance of ``analyzer_cls``; a plugin that cannot start is named in one line."""
    try:
        return analyzer_cls(settings)
    except (PropwatchError, MemoryError):
        raise
    except Exception as exc:
        raise AnalyzerError(
            f"analyzer {analyzer_cls.name!r}",
            f"cannot start ({exception_summary(exc)}); choose the others with --analyzer, or uninstall it",
        ) from exc


def _check_credit(analyzer: Analyzer, found: Annotations) -> None:
    """Everything an analyzer makes carries its name: the store keeps and replaces findings by it."""
    credited = [("span", span.analyzer) for span in found.spans] + [
        ("label", lab.analyzer) for lab in found.labels
    ]
    for kind, name in credited:
        if name != analyzer.name:
            raise AnalyzerError(
                f"analyzer {analyzer.name!r}",
                f"made a {kind} credited to {name!r}; everything it makes must carry its own name",
            )


def _validation_summary(error: ValueError) -> str:
    """The messages of a validation error on one line (pydantic's own text spans several lines)."""
    if isinstance(error, ValidationError):
        return "; ".join(str(e["msg"]).removeprefix("Value error, ") for e in error.errors())
    return exception_summary(error)
