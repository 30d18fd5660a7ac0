"""Finds analyzers through the ``propwatch.analyzers`` entry points and orders them by need."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from importlib.metadata import entry_points

from propwatch.analyzers.base import TEXT, Analyzer
from propwatch.errors import AnalyzerError

GROUP = "propwatch.analyzers"
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Catalogue:
    """Installed analyzers by name, and the entry points that could not be loaded (name → reason)."""

    analyzers: dict[str, type[Analyzer]] = field(default_factory=dict)
    broken: dict[str, str] = field(default_factory=dict)


def installed_names() -> set[str]:
    """The names of the installed analyzers, without loading them."""
    return {ep.name for ep in entry_points(group=GROUP)}


def available() -> Catalogue:
    """Every installed analyzer, built-in or plugin; a broken plugin is reported, not fatal."""
    catalogue = Catalogue()
    for ep in sorted(entry_points(group=GROUP), key=lambda ep: ep.name):
        try:
            cls = ep.load()
        except Exception as exc:  # a broken plugin must not take the others down with it
            catalogue.broken[ep.name] = f"cannot be loaded from {ep.value}: {exc}"
            continue
        if not (isinstance(cls, type) and issubclass(cls, Analyzer)):
            catalogue.broken[ep.name] = f"{ep.value} is not an Analyzer subclass"
            continue
        if getattr(cls, "name", None) != ep.name:
            catalogue.broken[ep.name] = f"{ep.value} is named {getattr(cls, 'name', None)!r}, not {ep.name!r}"
            continue
        catalogue.analyzers[ep.name] = cls
    for name, reason in catalogue.broken.items():
        log.warning("analyzer %r skipped: %s", name, reason)
    return catalogue


def resolve(names: Iterable[str] | None, catalogue: Catalogue) -> list[type[Analyzer]]:
    """The chosen analyzers (all loadable ones when ``names`` is None), each after those it needs
    (``requires``) and after those that provide what it can use (``after``)."""
    chosen = list(catalogue.analyzers) if names is None else list(dict.fromkeys(names))
    for name in chosen:
        if name in catalogue.broken:
            raise AnalyzerError(f"analyzer {name!r}", catalogue.broken[name])
        if name not in catalogue.analyzers:
            known = ", ".join(sorted(catalogue.analyzers)) or "none installed"
            raise AnalyzerError(f"analyzer {name!r}", f"is not installed (installed: {known})")
    pending = [catalogue.analyzers[name] for name in chosen]
    have = {TEXT}
    ordered: list[type[Analyzer]] = []
    while pending:
        ready = [cls for cls in pending if cls.requires <= have]
        # Optional inputs ('after'): wait while another pending analyzer will still provide them.
        patient = [
            cls
            for cls in ready
            if not any(cls.after & other.provides for other in pending if other is not cls)
        ]
        ready = patient or ready  # a cycle of optional inputs must not block the run
        if not ready:
            missing = "; ".join(
                f"{cls.name} needs {', '.join(sorted(cls.requires - have))}" for cls in pending
            )
            raise AnalyzerError("analyzers", f"requirements not met by the chosen analyzers: {missing}")
        for cls in ready:
            ordered.append(cls)
            have |= cls.provides
            pending.remove(cls)
    return ordered
