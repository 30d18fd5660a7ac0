"""Whether a stored analysis was made by the analyzers installed now, told without loading a model.

An analyzer's version changes when its output would (:mod:`propwatch.analyzers.base`). Some versions are
known in full from the class (claims "4") or a small file (the technique model's ``model.json``); others
add at start a digest of the catalogues or models they load (targets "1.10+…", genre "2+model…"), so
without loading them only the part before the first "+" (the analyzer's own code) can be compared. The
narratives analyzer's full version comes from its catalogues (:func:`current_matcher_version`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import NamedTuple

from propwatch.domain import Analysis
from propwatch.errors import AnalyzerError
from propwatch.models.taxonomy import TECHNIQUE_ANALYZER
from propwatch.settings import Settings

NARRATIVES = "narratives"


class Installed(NamedTuple):
    """An installed analyzer's version, and whether it is the whole version or only its code's part."""

    version: str
    whole: bool


@dataclass(frozen=True)
class Outdated:
    """An analyzer whose stored findings were made by another version than the one installed."""

    analyzer: str
    stored: str
    now: str


def installed_versions(settings: Settings) -> dict[str, Installed]:
    """Each installed analyzer's version, as far as it is known without loading a model (broken plugins
    are left out: they cannot analyse again anyway)."""
    from propwatch.analyzers.registry import available  # loads every analyzer class: 0.2 s, only here

    found = {name: Installed(cls.version, whole=False) for name, cls in available().analyzers.items()}
    if TECHNIQUE_ANALYZER in found:
        found[TECHNIQUE_ANALYZER] = _technique_version(settings, found[TECHNIQUE_ANALYZER].version)
    found.pop(NARRATIVES, None)  # its catalogues' version is the caller's: current_matcher_version()
    return found


def _technique_version(settings: Settings, shipped: str) -> Installed:
    if settings.technique_model is None:
        return Installed(shipped, whole=True)
    from propwatch.analyzers.techniques import OUTPUT_VERSION
    from propwatch.models.techniques import read_model_card

    try:  # the model folder the settings name: its version, as the analyzer will store it
        return Installed(f"{read_model_card(settings.technique_model).version}+{OUTPUT_VERSION}", whole=True)
    except AnalyzerError:  # the analyzer will say what is wrong with it; a display says nothing
        return Installed(shipped, whole=False)


def outdated_analyzers(
    analysis: Analysis, installed: Mapping[str, Installed], matcher_version: str | None
) -> list[Outdated]:
    """The analyzers of ``analysis`` whose installed version differs from the one that made it (an
    analyzer that is not installed, or that did not run on it, is not among them)."""
    found: list[Outdated] = []
    for name, stored in sorted(analysis.analyzers.items()):
        if name == NARRATIVES:
            if matcher_version is not None and stored != matcher_version:
                found.append(Outdated(name, stored, matcher_version))
            continue
        now = installed.get(name)
        if now is None:
            continue
        compared = stored if now.whole else stored.split("+", 1)[0]
        if compared != now.version:
            found.append(Outdated(name, stored, now.version))
    return found


def outdated_caution(
    analysis: Analysis, installed: Mapping[str, Installed], matcher_version: str | None
) -> str | None:
    """A caution when some of ``analysis``'s findings were made by other analyzers, catalogues or models
    than those in use now, with the command that makes them again; None when all are current."""
    outdated = outdated_analyzers(analysis, installed, matcher_version)
    if not outdated:
        return None
    article_id = analysis.article.id
    if [o.analyzer for o in outdated] == [NARRATIVES]:
        return (
            f"The narratives were matched with other catalogues or thresholds than those in use now "
            f"(narratives {outdated[0].stored}; now {outdated[0].now}): `propwatch reanalyze {article_id} "
            "-a narratives` matches them again."
        )
    listed = ", ".join(f"{o.analyzer} {o.stored} (now {o.now})" for o in outdated)
    return (
        f"Some findings were made by other versions of the analyzers than those installed: {listed}. "
        f"`propwatch reanalyze {article_id}` makes them again from the stored text."
    )
