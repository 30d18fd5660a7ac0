"""Finds analyzers through the ``propwatch.analyzers`` entry points and orders them by need."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from importlib.metadata import EntryPoint, entry_points

from propwatch.analyzers.base import TEXT, Analyzer
from propwatch.errors import AnalyzerError, exception_summary

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


def _is_built_in(ep: EntryPoint) -> bool:
    return ep.value.split(":")[0].split(".")[0] == "propwatch"


def contract_problem(cls: type[Analyzer] | Analyzer) -> str | None:
    """What is wrong with the attributes the contract asks for (base.py), if anything: of the class,
    or of an instance (whose version may come from the model it loaded)."""
    if not isinstance(getattr(cls, "name", None), str) or not cls.name:
        return f"name must be a non-empty string, not {getattr(cls, 'name', None)!r}"
    if not isinstance(getattr(cls, "version", None), str) or not cls.version:
        return f"version must be a non-empty string, not {getattr(cls, 'version', None)!r}"
    for attribute in ("requires", "provides", "after"):
        value = getattr(cls, attribute)
        if not isinstance(value, (set, frozenset)) or not all(isinstance(c, str) for c in value):
            return f"{attribute} must be a frozenset of capability names, not {value!r}"
    return None


def available() -> Catalogue:
    """Every installed analyzer, built-in or plugin; a broken plugin is reported, not fatal.

    Broken: it cannot be imported, is not an Analyzer, is named otherwise than its entry point, breaks
    the contract's attributes, shares its name with another analyzer (a built-in keeps its name), or
    needs a capability no installed analyzer provides.
    """
    catalogue = Catalogue()
    by_name: dict[str, list[EntryPoint]] = {}
    for ep in entry_points(group=GROUP):
        by_name.setdefault(ep.name, []).append(ep)
    for name, eps in sorted(by_name.items()):
        if len(eps) > 1:
            built_in = [ep for ep in eps if _is_built_in(ep)]
            others = ", ".join(sorted(ep.value for ep in eps if ep not in built_in))
            if not built_in:
                catalogue.broken[name] = f"is installed twice ({others}): uninstall one of them"
                continue
            catalogue.broken[f"{name} ({others})"] = (
                f"is not loaded: the name {name!r} is propwatch's own analyzer"
            )
            eps = built_in[:1]
        ep = eps[0]
        try:
            cls = ep.load()
        except Exception as exc:  # a broken plugin must not take the others down with it
            catalogue.broken[name] = f"cannot be loaded from {ep.value}: {exception_summary(exc)}"
            continue
        if not (isinstance(cls, type) and issubclass(cls, Analyzer)):
            catalogue.broken[name] = f"{ep.value} is not an Analyzer subclass"
            continue
        if getattr(cls, "name", None) != name:
            catalogue.broken[name] = f"{ep.value} is named {getattr(cls, 'name', None)!r}, not {name!r}"
            continue
        problem = contract_problem(cls)
        if problem is not None:
            catalogue.broken[name] = f"{ep.value}: {problem}"
            continue
        catalogue.analyzers[name] = cls
    _drop_unmet(catalogue)
    for name, reason in catalogue.broken.items():
        log.warning("analyzer %r skipped: %s", name, reason)
    return catalogue


def with_extra(catalogue: Catalogue, extra: Iterable[type[Analyzer]]) -> Catalogue:
    """``catalogue`` and the analyzer classes ``extra`` (not installed: a script's own), checked as
    installed plugins are; an extra analyzer cannot take an installed one's name."""
    analyzers = dict(catalogue.analyzers)
    for cls in extra:
        if not (isinstance(cls, type) and issubclass(cls, Analyzer)):
            raise AnalyzerError(f"analyzer {cls!r}", "is not an Analyzer subclass")
        problem = contract_problem(cls)
        if problem is not None:
            raise AnalyzerError(f"analyzer {cls.__name__}", problem)
        name = cls.name
        if name in analyzers and analyzers[name] is cls:
            raise AnalyzerError(f"analyzer {name!r}", "is listed twice in extra")
        if name in analyzers or name in catalogue.broken:
            raise AnalyzerError(f"analyzer {name!r}", "is the name of an installed analyzer: choose another")
        analyzers[name] = cls
    return Catalogue(analyzers=analyzers, broken=dict(catalogue.broken))


def _drop_unmet(catalogue: Catalogue) -> None:
    """Moves to ``broken`` the analyzers whose needs no installed analyzer meets (a default run would
    otherwise fail every article on them)."""
    while True:
        provided = {TEXT}.union(*(cls.provides for cls in catalogue.analyzers.values()))
        unmet = {
            name: cls.requires - provided
            for name, cls in catalogue.analyzers.items()
            if cls.requires - provided
        }
        if not unmet:
            return
        for name, missing in unmet.items():
            del catalogue.analyzers[name]
            catalogue.broken[name] = (
                f"needs {', '.join(sorted(missing))}, which no installed analyzer provides"
            )


def resolve(
    names: Iterable[str] | None, catalogue: Catalogue, *, dependents: bool = False
) -> list[type[Analyzer]]:
    """The chosen analyzers (all loadable ones when ``names`` is None), each after those it needs
    (``requires``) and after those that provide what it can use (``after``); with ``dependents``
    (findings to be stored), also the installed analyzers built on the chosen ones
    (:func:`with_dependents`)."""
    if names is not None and dependents:
        names = with_dependents(names, catalogue)
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
            missing = "; ".join(_unmet(cls, have, catalogue) for cls in pending if not cls.requires <= have)
            raise AnalyzerError("analyzers", f"requirements not met by the chosen analyzers: {missing}")
        for cls in ready:
            ordered.append(cls)
            have |= cls.provides
            pending.remove(cls)
    return ordered


def _unmet(cls: type[Analyzer], have: set[str], catalogue: Catalogue) -> str:
    """What ``cls`` lacks, and which installed analyzers would provide it."""
    missing = sorted(cls.requires - have)
    providers = sorted(name for name, other in catalogue.analyzers.items() if other.provides & set(missing))
    hint = f" (choose {' and '.join(providers)} too)" if providers else ""
    return f"{cls.name} needs {', '.join(missing)}{hint}"


def with_dependents(names: Iterable[str], catalogue: Catalogue) -> list[str]:
    """``names`` and every installed analyzer that needs or uses (``requires``, ``after``) what they
    provide, and so on: when findings are stored, re-running an analyzer re-runs those built on it, so
    that no stored finding rests on findings it replaced (targets linked to old technique spans)."""
    chosen = list(dict.fromkeys(names))
    provided = set().union(*(catalogue.analyzers[n].provides for n in chosen if n in catalogue.analyzers))
    while True:
        added = [
            name
            for name, cls in sorted(catalogue.analyzers.items())
            if name not in chosen and (cls.requires | cls.after) & provided
        ]
        if not added:
            return chosen
        chosen += added
        provided |= set().union(*(catalogue.analyzers[n].provides for n in added))
